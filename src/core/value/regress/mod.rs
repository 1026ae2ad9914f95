//! Supervised CLV: regressors that forecast a number per customer (spend in the horizon after
//! the cutoff, or a numeric column of a customer file) from the customer features, judged
//! against baselines on a held-out test part.
//!
//! Every model follows `Params → check → fit(x, y) → model → predict(x)`, with
//! - `x` a dense `n × d` matrix of finite numbers (prepared by Predict's [`Design`], fitted on
//!   the training rows only),
//! - `y` one finite number per row:
//!
//! | module | model | built on |
//! |---|---|---|
//! | [`ridge`] | ridge regression, closed form | ndarray (why not smartcore: see the module) |
//! | [`tree`] | squared-error decision tree | Predict's histogram tree engine |
//! | [`forest`] | random forest of squared-error trees | Predict's forest |
//! | [`gbdt`] | gradient boosting on squared error | Predict's histogram boosting |
//! | [`mlp`] | neural network: ReLU layers, Adam, early stopping | ndarray |
//!
//! [`models`] names them and fits any of them on the raw or the log scale, [`split`] reproduces
//! scikit-learn's unstratified split and k-fold, and [`job`] runs the whole comparison one fit
//! at a time (cross-validation on the training part, baselines, the test part, the best
//! model kept for forecasting, permutation importance).
//!
//! Pure Rust: no web-sys; never panics on user data.
//!
//! [`Design`]: crate::core::predict::design::Design

pub mod forest;
pub mod gbdt;
pub mod job;
pub mod mlp;
pub mod models;
pub mod ridge;
pub mod split;
pub mod tree;

use ndarray::ArrayView2;

/// A fitted model that forecasts a number per customer (plain data: `Send + Sync`, so a fitted
/// model can be kept and shared).
pub trait Regressor: Send + Sync {
    /// One forecast per row of `x` (the columns the model was fitted on).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64>;
}
