//! Decision tree: one Gini classification tree on the histogram engine of [`super::hist`],
//! `DecisionTreeParams → check → fit(x, y, weights) → DecisionTree → predict_proba`.
//!
//! Each split is the one with the largest weighted Gini decrease among the bin boundaries of
//! every feature (at most `max_bins` candidate thresholds per feature, see
//! [`BinMapper`]); a customer's probability is the weighted share of positives in its leaf.
//! With `max_leaf_nodes` the tree grows best-first, as scikit-learn's `DecisionTreeClassifier`.
//! Pure Rust: no web-sys; never panics on user data.

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

pub use super::hist::TreeError;
use super::hist::{row_major, BinMapper, GrowParams, Grower, LeafRule, Tree, MAX_BINS};
use super::inputs::{check_training_data, FeatureColumns};
use super::Classifier;

/// What the user asked the decision tree to do.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTreeParams {
    /// Deepest split level; `None` = grow until the leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// Fewest customers in a leaf.
    pub min_samples_leaf: usize,
    /// Most leaves (best-first growth); `None` = no limit.
    pub max_leaf_nodes: Option<usize>,
    /// Most bins (candidate thresholds + 1) per feature, 2…255.
    pub max_bins: usize,
}

impl Default for DecisionTreeParams {
    fn default() -> Self {
        DecisionTreeParams::new()
    }
}

impl DecisionTreeParams {
    /// Six levels read as rules a marketer can follow and generalise far better than a full tree.
    pub const DEFAULT_MAX_DEPTH: Option<usize> = Some(6);
    pub const DEFAULT_MIN_SAMPLES_LEAF: usize = 1;
    pub const DEFAULT_MAX_BINS: usize = MAX_BINS;

    pub fn new() -> DecisionTreeParams {
        DecisionTreeParams {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            min_samples_leaf: Self::DEFAULT_MIN_SAMPLES_LEAF,
            max_leaf_nodes: None,
            max_bins: Self::DEFAULT_MAX_BINS,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), TreeError> {
        check_tree_settings(
            self.max_depth,
            self.min_samples_leaf,
            self.max_leaf_nodes,
            self.max_bins,
        )
    }

    /// Fit the tree on `x` (finite numbers), `y` (true = positive) and optional sample weights.
    pub fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        weights: Option<&[f64]>,
    ) -> Result<DecisionTree, TreeError> {
        self.check()?;
        check_training_data(x, y, weights, FeatureColumns::Required)?;
        let (gh, rows) = class_stats(y, weights, None);
        Ok(self.grow(x, LeafRule::Mean, &gh, rows))
    }

    /// Grow the tree on `x` (checked: finite, at least one row and column) over the per-row
    /// statistics `gh` of `rows` (see [`target_stats`]): Gini with [`LeafRule::Mean`], squared
    /// error with [`LeafRule::MeanOfReal`] (the Value step's regression tree).
    pub(crate) fn grow(
        &self,
        x: ArrayView2<'_, f64>,
        leaf: LeafRule,
        gh: &[[f64; 2]],
        mut rows: Vec<u32>,
    ) -> DecisionTree {
        let mapper = BinMapper::fit_finite(x, self.max_bins);
        let binned = mapper.transform_finite(x);
        let mut grower = Grower::new(
            &binned,
            &mapper,
            GrowParams {
                leaf,
                ..class_grow_params(
                    self.max_depth,
                    self.min_samples_leaf,
                    self.max_leaf_nodes,
                    None,
                )
            },
        );
        let mut rng = Xoshiro256Plus::seed_from_u64(0);
        let grown = grower.grow(gh, &mut rows, &mut rng);
        DecisionTree {
            tree: grown.tree,
            n_features: x.ncols(),
        }
    }
}

/// The settings shared by the decision tree and the random forest.
pub(crate) fn check_tree_settings(
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    max_leaf_nodes: Option<usize>,
    max_bins: usize,
) -> Result<(), TreeError> {
    if let Some(d) = max_depth.filter(|&d| d == 0) {
        return Err(TreeError::MaxDepth(d));
    }
    if min_samples_leaf == 0 {
        return Err(TreeError::MinSamplesLeaf(min_samples_leaf));
    }
    if let Some(m) = max_leaf_nodes.filter(|&m| m < 2) {
        return Err(TreeError::MaxLeafNodes(m));
    }
    if !(2..=MAX_BINS).contains(&max_bins) {
        return Err(TreeError::MaxBins(max_bins));
    }
    Ok(())
}

/// Growth settings of a Gini classification tree.
pub(crate) fn class_grow_params(
    max_depth: Option<usize>,
    min_samples_leaf: usize,
    max_leaf_nodes: Option<usize>,
    max_features: Option<usize>,
) -> GrowParams {
    GrowParams {
        max_depth,
        max_leaf_nodes,
        min_samples_leaf,
        min_hessian_leaf: 0.0,
        l2: 0.0,
        // As scikit-learn, an impure node splits even when the best split gains nothing
        // (XOR-like data has no gain at the first split).
        min_gain: f64::NEG_INFINITY,
        max_features,
        leaf: LeafRule::Mean,
    }
}

/// Per-row statistics of a Gini tree, `(g, h) = (w·y, w)` with `w` = weight × `counts` (the
/// bootstrap draws of a forest), and the rows with a positive `w`.
pub(crate) fn class_stats(
    y: &[bool],
    weights: Option<&[f64]>,
    counts: Option<&[u32]>,
) -> (Vec<[f64; 2]>, Vec<u32>) {
    // w · 1 = w and w · 0 = 0 exactly: the same sums as adding w to the positives.
    target_stats(
        y.len(),
        |i| if y.get(i) == Some(&true) { 1.0 } else { 0.0 },
        weights,
        counts,
    )
}

/// Per-row statistics `(g, h) = (w·y, w)` of a tree whose leaves hold the weighted mean of the
/// target (`n` rows; `y(i)` is row `i`'s target: 0 or 1 for a Gini tree, a real number for a
/// regression tree), with `w` = weight × `counts`, and the rows with a positive `w`.
pub(crate) fn target_stats(
    n: usize,
    y: impl Fn(usize) -> f64,
    weights: Option<&[f64]>,
    counts: Option<&[u32]>,
) -> (Vec<[f64; 2]>, Vec<u32>) {
    let mut gh = vec![[0.0; 2]; n];
    let mut rows = Vec::with_capacity(n);
    for (i, slot) in gh.iter_mut().enumerate() {
        let weight = weights.and_then(|w| w.get(i)).copied().unwrap_or(1.0);
        let count = counts.and_then(|c| c.get(i)).copied().unwrap_or(1);
        let w = weight * f64::from(count);
        if w > 0.0 {
            *slot = [w * y(i), w];
            rows.push(i as u32);
        }
    }
    (gh, rows)
}

/// Gains per feature scaled to sum to 1 (all 0 when nothing was split).
pub(crate) fn normalised(gains: Vec<f64>) -> Vec<f64> {
    let total: f64 = gains.iter().filter(|g| g.is_finite() && **g > 0.0).sum();
    gains
        .into_iter()
        .map(|g| {
            if total > 0.0 && g.is_finite() && g > 0.0 {
                g / total
            } else {
                0.0
            }
        })
        .collect()
}

/// A fitted decision tree.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionTree {
    tree: Tree,
    n_features: usize,
}

impl DecisionTree {
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Columns the tree was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Share of the total Gini decrease (squared-error decrease in a regression tree) brought
    /// by each feature's splits (sums to 1).
    pub fn feature_importance(&self) -> Vec<f64> {
        normalised(self.tree.feature_gain().to_vec())
    }

    /// The value of each row's leaf: the weighted share of positives (a Gini tree) or the
    /// weighted mean target (a regression tree). `x` must have the fitted columns (a missing
    /// column reads as NaN, which goes left at every split).
    pub fn leaf_values(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let mut out = vec![0.0; x.nrows()];
        self.tree
            .add_predictions(&row_major(&x), x.ncols(), 1.0, &mut out);
        out
    }
}

impl Classifier for DecisionTree {
    /// Weighted share of positives in each row's leaf. `x` must have the fitted columns (a
    /// missing column reads as NaN, which goes left at every split).
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        self.leaf_values(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::predict::inputs::DataError;
    use ndarray::{array, Array2};

    fn steps() -> (Array2<f64>, Vec<bool>) {
        // Positive when x0 > 5, whatever x1.
        let n = 40;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            if j == 0 {
                (i % 10) as f64
            } else {
                (i / 10) as f64
            }
        });
        let y = (0..n).map(|i| i % 10 > 5).collect();
        (x, y)
    }

    #[test]
    fn learns_a_step_exactly() {
        let (x, y) = steps();
        let model = DecisionTreeParams::new().fit(x.view(), &y, None).unwrap();
        let p = model.predict_proba(x.view());
        for (pi, &yi) in p.iter().zip(&y) {
            assert_eq!(*pi, if yi { 1.0 } else { 0.0 });
        }
        assert_eq!(model.tree().n_leaves(), 2);
        assert_eq!(model.tree().nodes()[0].threshold, 5.5);
        assert_eq!(model.feature_importance(), vec![1.0, 0.0]);
    }

    #[test]
    fn splits_xor_although_the_first_split_gains_nothing() {
        let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let y = vec![false, true, true, false];
        let model = DecisionTreeParams::new().fit(x.view(), &y, None).unwrap();
        assert_eq!(model.predict_proba(x.view()), vec![0.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn constant_features_give_one_leaf_with_the_weighted_positive_share() {
        let x = Array2::from_elem((6, 2), 3.0);
        let y = vec![true, false, false, true, false, false];
        let w = [3.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let model = DecisionTreeParams::new()
            .fit(x.view(), &y, Some(&w))
            .unwrap();
        assert_eq!(model.tree().n_leaves(), 1);
        assert_eq!(model.predict_proba(x.view()), vec![0.5; 6]);
        assert_eq!(model.feature_importance(), vec![0.0, 0.0]);
    }

    #[test]
    fn weight_two_equals_a_duplicated_row() {
        let x = array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
        let y = vec![false, true, false, true, true, false];
        let params = DecisionTreeParams {
            max_depth: Some(2),
            ..DecisionTreeParams::new()
        };
        let weighted = params
            .fit(x.view(), &y, Some(&[1.0, 2.0, 1.0, 1.0, 1.0, 1.0]))
            .unwrap();
        let xd = array![[1.0], [2.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
        let yd = vec![false, true, true, false, true, true, false];
        let duplicated = params.fit(xd.view(), &yd, None).unwrap();
        assert_eq!(
            weighted.predict_proba(x.view()),
            duplicated.predict_proba(x.view())
        );
    }

    #[test]
    fn depth_and_leaf_limits_hold() {
        let x = Array2::from_shape_fn((200, 3), |(i, j)| ((i * (j + 3) * 7919) % 101) as f64);
        let y: Vec<bool> = (0..200).map(|i| (i * 31) % 7 < 3).collect();
        let deep = DecisionTreeParams {
            max_depth: Some(3),
            ..DecisionTreeParams::new()
        }
        .fit(x.view(), &y, None)
        .unwrap();
        assert!(deep.tree().depth() <= 3);
        let leafy = DecisionTreeParams {
            max_depth: None,
            max_leaf_nodes: Some(5),
            ..DecisionTreeParams::new()
        }
        .fit(x.view(), &y, None)
        .unwrap();
        assert_eq!(leafy.tree().n_leaves(), 5);
        let big_leaves = DecisionTreeParams {
            max_depth: None,
            min_samples_leaf: 30,
            ..DecisionTreeParams::new()
        }
        .fit(x.view(), &y, None)
        .unwrap();
        let xs = row_major(&x.view()).into_owned();
        let mut counts = std::collections::HashMap::new();
        for row in xs.chunks_exact(3) {
            *counts
                .entry(big_leaves.tree().predict_row(row).to_bits())
                .or_insert(0) += 1;
        }
        assert!(counts.values().all(|&c| c >= 30), "{counts:?}");
    }

    #[test]
    fn bad_settings_and_data_are_errors() {
        let (x, y) = steps();
        let p = DecisionTreeParams::new();
        let bad = |params: DecisionTreeParams| params.fit(x.view(), &y, None).unwrap_err();
        assert_eq!(
            bad(DecisionTreeParams {
                max_depth: Some(0),
                ..p.clone()
            }),
            TreeError::MaxDepth(0)
        );
        assert_eq!(
            bad(DecisionTreeParams {
                min_samples_leaf: 0,
                ..p.clone()
            }),
            TreeError::MinSamplesLeaf(0)
        );
        assert_eq!(
            bad(DecisionTreeParams {
                max_bins: 256,
                ..p.clone()
            }),
            TreeError::MaxBins(256)
        );
        let data = |e: DataError| TreeError::Data(e);
        assert_eq!(
            p.fit(x.view(), &[true; 40], None).unwrap_err(),
            data(DataError::one_class(true, false))
        );
        let mut nan = x.clone();
        nan[[3, 1]] = f64::NAN;
        assert_eq!(
            p.fit(nan.view(), &y, None).unwrap_err(),
            data(DataError::NonFinite { row: 3, column: 1 })
        );
        assert_eq!(
            p.fit(x.view(), &y, Some(&[1.0; 3])).unwrap_err(),
            data(DataError::WeightsLength {
                rows: 40,
                weights: 3
            })
        );
        assert_eq!(
            p.fit(x.view(), &y, Some(&[0.0; 40])).unwrap_err(),
            data(DataError::ZeroWeights)
        );
        assert_eq!(
            p.fit(x.view(), &y[..5], None).unwrap_err(),
            data(DataError::TargetLength {
                rows: 40,
                labels: 5
            })
        );
        let empty = Array2::<f64>::zeros((0, 2));
        assert_eq!(
            p.fit(empty.view(), &[], None).unwrap_err(),
            data(DataError::Empty)
        );
        let no_columns = Array2::<f64>::zeros((40, 0));
        assert_eq!(
            p.fit(no_columns.view(), &y, None).unwrap_err(),
            data(DataError::NoFeatures)
        );
    }
}
