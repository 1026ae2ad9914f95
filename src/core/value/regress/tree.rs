//! Decision tree regressor on squared error, `TreeRegressorParams → check → fit(x, y) →
//! TreeRegressor → predict`: Predict's histogram tree ([`DecisionTreeParams::grow`]) with the
//! weighted mean of the target in each leaf ([`LeafRule::MeanOfReal`]); each split is the one
//! with the largest decrease of the squared error among the bin boundaries of every feature (at
//! most 255 per feature), as scikit-learn's `DecisionTreeRegressor` on binned data.
//!
//! Defaults: depth 6 (a tree a marketer can read), and at least 20 customers per leaf: on
//! Online Retail's 2,696 training customers, 5-fold CV on the training part gives RMSE
//! 3,050 ± 1,460 with 20 per leaf against 3,040 ± 2,000 with scikit-learn's 1 (CV R² 0.22
//! against 0.27), and the test part 0.14 against −0.57: with one customer per leaf a single
//! big spender becomes a leaf of its own and its spend is forecast for whoever lands there
//! (see `tests/value_supervised.rs` for the numbers of this build).
//!
//! Pure Rust: no web-sys; never panics on user data.

use ndarray::ArrayView2;

use super::Regressor;
use crate::core::predict::hist::{LeafRule, TreeError, MAX_BINS};
use crate::core::predict::inputs::{check_regression_data, FeatureColumns};
use crate::core::predict::tree::{target_stats, DecisionTree, DecisionTreeParams};

/// What the user asked the regression tree to do.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRegressorParams {
    /// Deepest split level; `None` = grow until the leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// Fewest customers in a leaf.
    pub min_samples_leaf: usize,
    /// Most leaves (best-first growth); `None` = no limit.
    pub max_leaf_nodes: Option<usize>,
    /// Most bins per feature, 2…255.
    pub max_bins: usize,
}

impl Default for TreeRegressorParams {
    fn default() -> Self {
        TreeRegressorParams::new()
    }
}

impl TreeRegressorParams {
    pub const DEFAULT_MAX_DEPTH: Option<usize> = Some(6);
    /// See the module documentation for why 20, not scikit-learn's 1.
    pub const DEFAULT_MIN_SAMPLES_LEAF: usize = 20;

    pub fn new() -> TreeRegressorParams {
        TreeRegressorParams {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            min_samples_leaf: Self::DEFAULT_MIN_SAMPLES_LEAF,
            max_leaf_nodes: None,
            max_bins: MAX_BINS,
        }
    }

    fn classification_params(&self) -> DecisionTreeParams {
        DecisionTreeParams {
            max_depth: self.max_depth,
            min_samples_leaf: self.min_samples_leaf,
            max_leaf_nodes: self.max_leaf_nodes,
            max_bins: self.max_bins,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), TreeError> {
        self.classification_params().check()
    }

    /// Fit the tree on `x` (finite numbers, at least one column) and `y` (finite).
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &[f64]) -> Result<TreeRegressor, TreeError> {
        self.check()?;
        check_regression_data(x, y, None, FeatureColumns::Required)?;
        let target = |i: usize| y.get(i).copied().unwrap_or(0.0);
        let (gh, rows) = target_stats(y.len(), target, None, None);
        let tree = self
            .classification_params()
            .grow(x, LeafRule::MeanOfReal, &gh, rows);
        Ok(TreeRegressor { tree })
    }
}

/// A fitted regression tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRegressor {
    tree: DecisionTree,
}

impl TreeRegressor {
    /// The tree (its leaves hold the mean target of their training customers).
    pub fn tree(&self) -> &DecisionTree {
        &self.tree
    }
}

impl Regressor for TreeRegressor {
    /// The mean target of each row's leaf. `x` must have the fitted columns.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        self.tree.leaf_values(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::predict::inputs::DataError;
    use ndarray::Array2;

    #[test]
    fn learns_a_step_in_spend_and_keeps_leaves_big_enough() {
        // Spend 50 below x0 = 10, 900 above; x1 is noise.
        let x = Array2::from_shape_fn((200, 2), |(i, j)| {
            if j == 0 {
                (i % 20) as f64
            } else {
                ((i * 7) % 13) as f64
            }
        });
        let y: Vec<f64> = (0..200)
            .map(|i| if i % 20 >= 10 { 900.0 } else { 50.0 })
            .collect();
        let model = TreeRegressorParams::new().fit(x.view(), &y).unwrap();
        assert_eq!(model.predict(x.view()), y);
        // Both halves are pure: one split, and the 0/1 purity rule did not stop the growth.
        assert_eq!(model.tree().tree().n_leaves(), 2);
        assert_eq!(model.tree().feature_importance(), vec![1.0, 0.0]);
    }

    #[test]
    fn bad_settings_and_data_are_errors() {
        let x = Array2::from_elem((4, 1), 1.0);
        let bad = TreeRegressorParams {
            min_samples_leaf: 0,
            ..TreeRegressorParams::new()
        };
        assert_eq!(
            bad.fit(x.view(), &[1.0; 4]).unwrap_err(),
            TreeError::MinSamplesLeaf(0)
        );
        assert_eq!(
            TreeRegressorParams::new()
                .fit(Array2::zeros((4, 0)).view(), &[1.0; 4])
                .unwrap_err(),
            TreeError::Data(DataError::NoFeatures)
        );
        // A constant target is one leaf holding it.
        let one = TreeRegressorParams::new().fit(x.view(), &[3.0; 4]).unwrap();
        assert_eq!(one.predict(x.view()), vec![3.0; 4]);
    }
}
