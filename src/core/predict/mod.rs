//! Predict: two-class models that give every customer a probability, fitted and judged the way a
//! sceptical data scientist expects (preprocessing, SMOTE and tuning on training folds only).
//!
//! Every model follows `Params → check → fit(x, y, weights) → Model → predict_proba(x)`:
//! - `x` is a dense `n × d` matrix of finite numbers (already imputed, encoded and scaled by the
//!   design step, fitted on the training rows only),
//! - `y` holds one `bool` per row (`true` = the positive class, e.g. "bought"),
//! - `weights` are optional per-row sample weights (class weights are sample weights).
//!
//! Pure Rust: no web-sys; never panics on user data.

pub mod balance;
pub mod chance;
pub mod charts;
pub mod derived;
pub mod design;
pub mod forest;
pub mod gbdt;
pub mod hist;
pub mod inputs;
pub mod leakage;
pub mod logistic;
pub mod numpy_rng;
pub mod run;
pub mod search;
pub mod smote;
pub mod split;
pub mod target;
pub mod tree;
pub mod view;

use ndarray::ArrayView2;

/// A fitted two-class model.
pub trait Classifier {
    /// Probability of the positive class for every row of `x` (same columns as at fit time).
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64>;
}
