//! Gradient boosting on squared error, `GbdtRegressorParams → check → fit(x, y) →
//! GbdtRegressor → predict`: Predict's histogram boosting
//! ([`GbdtParams::fit_squared_error`]), scikit-learn's `HistGradientBoostingRegressor`.
//!
//! Defaults are scikit-learn's: learning rate 0.1, 100 trees of at most 31 leaves and at least
//! 20 customers per leaf, no L2, 255 bins, and early stopping "auto": on (10 % held out,
//! 10 rounds without a gain of 1e-7 in half squared error) only above 10,000 customers, so a
//! shop's few thousand customers keep every row for training.
//!
//! Pure Rust: no web-sys; never panics on user data.

use ndarray::ArrayView2;

use super::Regressor;
use crate::core::predict::gbdt::{EarlyStopping, GbdtModel, GbdtParams};
use crate::core::predict::hist::{TreeError, MAX_BINS};

/// When to hold rows out and stop once they stop improving.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopEarly {
    /// Above [`StopEarly::AUTO_ROWS`] rows (scikit-learn's "auto").
    Auto(EarlyStopping),
    Always(EarlyStopping),
    Never,
}

impl StopEarly {
    /// scikit-learn's threshold of its "auto" early stopping.
    pub const AUTO_ROWS: usize = 10_000;

    /// The early stopping of a fit on `rows` rows.
    pub fn for_rows(self, rows: usize) -> Option<EarlyStopping> {
        match self {
            StopEarly::Auto(es) => (rows > Self::AUTO_ROWS).then_some(es),
            StopEarly::Always(es) => Some(es),
            StopEarly::Never => None,
        }
    }
}

/// What the user asked gradient boosting to do.
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtRegressorParams {
    /// Share of each tree's step that is added, above 0.
    pub learning_rate: f64,
    /// Most trees.
    pub max_iter: usize,
    /// Most leaves per tree (best-first growth); `None` = no limit (then set `max_depth`).
    pub max_leaf_nodes: Option<usize>,
    /// Deepest split level per tree; `None` = no limit.
    pub max_depth: Option<usize>,
    /// Fewest customers in a leaf.
    pub min_samples_leaf: usize,
    /// L2 regularisation `λ` of the leaf values, at least 0.
    pub l2: f64,
    /// Most bins per feature, 2…255.
    pub max_bins: usize,
    pub early_stopping: StopEarly,
    /// Seed of the early-stopping split.
    pub seed: u64,
}

impl Default for GbdtRegressorParams {
    fn default() -> Self {
        GbdtRegressorParams::new()
    }
}

impl GbdtRegressorParams {
    /// scikit-learn's `HistGradientBoostingRegressor` defaults.
    pub fn new() -> GbdtRegressorParams {
        GbdtRegressorParams {
            learning_rate: GbdtParams::DEFAULT_LEARNING_RATE,
            max_iter: GbdtParams::DEFAULT_MAX_ITER,
            max_leaf_nodes: GbdtParams::DEFAULT_MAX_LEAF_NODES,
            max_depth: None,
            min_samples_leaf: GbdtParams::DEFAULT_MIN_SAMPLES_LEAF,
            l2: GbdtParams::DEFAULT_L2,
            max_bins: MAX_BINS,
            early_stopping: StopEarly::Auto(EarlyStopping::default()),
            seed: GbdtParams::DEFAULT_SEED,
        }
    }

    /// The boosting settings for a fit on `rows` rows.
    fn boosting(&self, rows: usize) -> GbdtParams {
        GbdtParams {
            learning_rate: self.learning_rate,
            max_iter: self.max_iter,
            max_leaf_nodes: self.max_leaf_nodes,
            max_depth: self.max_depth,
            min_samples_leaf: self.min_samples_leaf,
            l2: self.l2,
            max_bins: self.max_bins,
            early_stopping: self.early_stopping.for_rows(rows),
            seed: self.seed,
        }
    }

    /// Reject impossible settings before any work (the early-stopping settings too, even
    /// when "auto" would leave them unused).
    pub fn check(&self) -> Result<(), TreeError> {
        let always = match self.early_stopping {
            StopEarly::Auto(es) | StopEarly::Always(es) => StopEarly::Always(es),
            StopEarly::Never => StopEarly::Never,
        };
        GbdtRegressorParams {
            early_stopping: always,
            ..self.clone()
        }
        .boosting(0)
        .check()
    }

    /// Fit on `x` (finite numbers, at least one column) and `y` (finite).
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &[f64]) -> Result<GbdtRegressor, TreeError> {
        self.check()?;
        let model = self.boosting(y.len()).fit_squared_error(x, y, None)?;
        Ok(GbdtRegressor { model })
    }
}

/// A fitted gradient-boosting regressor.
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtRegressor {
    model: GbdtModel,
}

impl GbdtRegressor {
    /// The boosted trees, the starting value (the mean target) and the loss curves (half
    /// squared error).
    pub fn model(&self) -> &GbdtModel {
        &self.model
    }
}

impl Regressor for GbdtRegressor {
    /// `x` must have the fitted columns.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        self.model.decision_function(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn auto_stops_early_only_on_many_rows() {
        let es = EarlyStopping::default();
        assert_eq!(StopEarly::Auto(es).for_rows(10_000), None);
        assert_eq!(StopEarly::Auto(es).for_rows(10_001), Some(es));
        assert_eq!(StopEarly::Always(es).for_rows(5), Some(es));
        assert_eq!(StopEarly::Never.for_rows(1_000_000), None);
    }

    #[test]
    fn boosts_towards_a_nonlinear_target_and_checks_unused_settings() {
        let x = Array2::from_shape_fn((500, 2), |(i, j)| ((i * (j + 3)) % 29) as f64);
        let y: Vec<f64> = (0..500)
            .map(|i| (x[[i, 0]] - 14.0).powi(2) * 10.0 + x[[i, 1]])
            .collect();
        let model = GbdtRegressorParams::new().fit(x.view(), &y).unwrap();
        assert_eq!(model.model().n_iter(), 100);
        let p = model.predict(x.view());
        let mean = y.iter().sum::<f64>() / 500.0;
        let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
        let residual: f64 = p.iter().zip(&y).map(|(p, y)| (p - y).powi(2)).sum();
        assert!(residual < 0.01 * total, "R² {}", 1.0 - residual / total);
        let bad = GbdtRegressorParams {
            early_stopping: StopEarly::Auto(EarlyStopping {
                validation_fraction: 2.0,
                ..EarlyStopping::default()
            }),
            ..GbdtRegressorParams::new()
        };
        assert_eq!(
            bad.fit(x.view(), &y).unwrap_err(),
            TreeError::ValidationFraction(2.0)
        );
    }
}
