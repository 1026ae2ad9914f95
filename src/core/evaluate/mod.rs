//! Evaluate: how good a two-class model's probabilities are — ROC and precision–recall curves,
//! confusion matrix and its metrics at any threshold, threshold suggestions, lift and cumulative
//! gain, permutation feature importance.
//!
//! Inputs are plain slices: `y[i]` (`true` = positive) and `score[i]` (the model's probability).
//! Curves are returned thinned to what a screen can show. Pure Rust: no web-sys; never panics
//! on user data (empty input or a single class gives an error or `None`, never a panic).

pub mod confusion;
pub mod importance;
pub mod lift;
pub mod pr;
pub mod roc;
