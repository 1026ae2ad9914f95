//! Customer-level preparation with a receipt: impute, outliers, log transform, scaling,
//! one-hot encoding. `PrepParams → fit → FittedPrep → transform`, so the fitted medians, means
//! and scales can be applied again to new data (and, in Predict, fitted on training folds only).
//! Pure Rust: no web-sys.
