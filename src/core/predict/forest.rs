//! Random forest: many Gini trees on bootstrap samples, each split choosing among a random
//! subset of the features (Breiman; scikit-learn's `RandomForestClassifier`),
//! `RandomForestParams → check → fit(x, y, weights) → RandomForest → predict_proba`.
//!
//! The data are binned once for the whole forest ([`BinMapper`], at most `max_bins` thresholds
//! per feature); every tree is grown by the histogram engine of [`super::hist`]. A bootstrap
//! sample is a count per row (how often it was drawn) multiplied into the sample weight; rows
//! drawn 0 times are left out of that tree. A customer's probability is the mean over the trees
//! of the weighted share of positives in its leaf. Tree `t` draws from its own stream of a
//! seeded Xoshiro256+ generator: same data and seed, same forest. (smartcore's forest gives no
//! probabilities and its trees take no sample weights, hence this one.)
//! Pure Rust: no web-sys; never panics on user data.

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::core::random::index_in;

use super::hist::{
    add_predictions, row_major, BinMapper, GrowParams, Grower, LeafRule, Tree, TreeError, MAX_BINS,
};
use super::inputs::{check_training_data, FeatureColumns};
use super::tree::{check_tree_settings, class_grow_params, class_stats, normalised};
use super::Classifier;

/// Features tried at each split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// `⌊√d⌋` of the `d` features (at least 1), scikit-learn's default for classification.
    Sqrt,
    /// `⌊fraction · d⌋` (at least 1); the fraction is above 0 and at most 1.
    Fraction(f64),
    /// Every feature (bagged trees).
    All,
}

impl MaxFeatures {
    /// Features per split out of `d`.
    pub fn count(&self, d: usize) -> usize {
        let m = match *self {
            MaxFeatures::Sqrt => (d as f64).sqrt().floor() as usize,
            MaxFeatures::Fraction(f) => (f * d as f64).floor() as usize,
            MaxFeatures::All => d,
        };
        m.clamp(1, d.max(1))
    }
}

/// What the user asked the random forest to do.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForestParams {
    pub n_trees: usize,
    /// Deepest split level of each tree; `None` = grow until pure or too small.
    pub max_depth: Option<usize>,
    /// Fewest (distinct) customers in a leaf.
    pub min_samples_leaf: usize,
    pub max_features: MaxFeatures,
    /// Grow each tree on a bootstrap sample (`false`: every tree sees every row).
    pub bootstrap: bool,
    /// Most bins per feature, 2…255.
    pub max_bins: usize,
    pub seed: u64,
}

impl Default for RandomForestParams {
    fn default() -> Self {
        RandomForestParams::new()
    }
}

impl RandomForestParams {
    pub const DEFAULT_N_TREES: usize = 100;
    pub const DEFAULT_MIN_SAMPLES_LEAF: usize = 1;
    pub const DEFAULT_MAX_BINS: usize = MAX_BINS;
    pub const DEFAULT_SEED: u64 = 42;

    /// scikit-learn's defaults: 100 full-depth trees, √d features per split, bootstrap.
    pub fn new() -> RandomForestParams {
        RandomForestParams {
            n_trees: Self::DEFAULT_N_TREES,
            max_depth: None,
            min_samples_leaf: Self::DEFAULT_MIN_SAMPLES_LEAF,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            max_bins: Self::DEFAULT_MAX_BINS,
            seed: Self::DEFAULT_SEED,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), TreeError> {
        if self.n_trees == 0 {
            return Err(TreeError::NTrees(self.n_trees));
        }
        if let MaxFeatures::Fraction(f) = self.max_features {
            if !(f > 0.0 && f <= 1.0) {
                return Err(TreeError::MaxFeatures(f));
            }
        }
        check_tree_settings(self.max_depth, self.min_samples_leaf, None, self.max_bins)
    }

    /// Fit the forest on `x` (finite numbers), `y` (true = positive) and optional weights.
    pub fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        weights: Option<&[f64]>,
    ) -> Result<RandomForest, TreeError> {
        self.check()?;
        check_training_data(x, y, weights, FeatureColumns::Required)?;
        Ok(self.grow(x, LeafRule::Mean, |draws| class_stats(y, weights, draws)))
    }

    /// Grow the forest on `x` (checked: finite, at least one row and column). `stats(draws)`
    /// gives the per-row statistics of one tree (see [`target_stats`]) with the bootstrap
    /// `draws` per row (`None` without bootstrap): Gini trees with [`LeafRule::Mean`],
    /// squared-error trees with [`LeafRule::MeanOfReal`] (the Value step's regression forest).
    ///
    /// [`target_stats`]: super::tree::target_stats
    pub(crate) fn grow(
        &self,
        x: ArrayView2<'_, f64>,
        leaf: LeafRule,
        stats: impl Fn(Option<&[u32]>) -> (Vec<[f64; 2]>, Vec<u32>),
    ) -> RandomForest {
        let (n, d) = x.dim();
        let mapper = BinMapper::fit_finite(x, self.max_bins);
        let binned = mapper.transform_finite(x);
        let m = self.max_features.count(d);
        let mut grower = Grower::new(
            &binned,
            &mapper,
            GrowParams {
                leaf,
                ..class_grow_params(self.max_depth, self.min_samples_leaf, None, Some(m))
            },
        );
        let mut stream = Xoshiro256Plus::seed_from_u64(self.seed);
        let mut counts = vec![0u32; n];
        let mut trees = Vec::with_capacity(self.n_trees);
        let mut gains = vec![0.0; d];
        for _ in 0..self.n_trees {
            let mut rng = stream.clone();
            stream.jump();
            let draws = if self.bootstrap {
                counts.fill(0);
                for _ in 0..n {
                    if let Some(c) = counts.get_mut(index_in(&mut rng, 0..n)) {
                        *c += 1;
                    }
                }
                Some(counts.as_slice())
            } else {
                None
            };
            let (gh, mut rows) = stats(draws);
            if rows.is_empty() {
                continue;
            }
            let grown = grower.grow(&gh, &mut rows, &mut rng);
            for (total, gain) in gains.iter_mut().zip(grown.tree.feature_gain()) {
                *total += gain;
            }
            trees.push(grown.tree);
        }
        RandomForest {
            trees,
            n_features: d,
            importance: normalised(gains),
        }
    }
}

/// A fitted random forest.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomForest {
    trees: Vec<Tree>,
    n_features: usize,
    importance: Vec<f64>,
}

impl RandomForest {
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Columns the forest was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Share of the total Gini decrease (squared-error decrease in a regression forest; over
    /// all trees) brought by each feature (sums to 1).
    pub fn feature_importance(&self) -> &[f64] {
        &self.importance
    }

    /// Mean over the trees of each row's leaf value: the weighted share of positives (Gini
    /// trees) or the weighted mean target (regression trees). `x` must have the fitted columns
    /// (a missing column reads as NaN, which goes left at every split).
    pub fn mean_leaf_values(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let mut out = vec![0.0; x.nrows()];
        if self.trees.is_empty() {
            return out;
        }
        let scale = 1.0 / self.trees.len() as f64;
        add_predictions(&self.trees, &row_major(&x), x.ncols(), scale, &mut out);
        out
    }
}

impl Classifier for RandomForest {
    /// Mean over the trees of the weighted share of positives in each row's leaf. `x` must have
    /// the fitted columns (a missing column reads as NaN, which goes left at every split).
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        self.mean_leaf_values(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::predict::inputs::DataError;
    use ndarray::Array2;

    /// Positive when x0 + x1 > 1 on a grid, with a noise feature x2.
    fn diagonal() -> (Array2<f64>, Vec<bool>) {
        let x = Array2::from_shape_fn((400, 3), |(i, j)| match j {
            0 => (i % 20) as f64 / 19.0,
            1 => (i / 20) as f64 / 19.0,
            _ => ((i * 7919) % 13) as f64,
        });
        let y = (0..400).map(|i| x[[i, 0]] + x[[i, 1]] > 1.0).collect();
        (x, y)
    }

    #[test]
    fn separates_a_diagonal_boundary() {
        let (x, y) = diagonal();
        let model = RandomForestParams {
            n_trees: 30,
            ..RandomForestParams::new()
        }
        .fit(x.view(), &y, None)
        .unwrap();
        let p = model.predict_proba(x.view());
        let right = p.iter().zip(&y).filter(|(p, &y)| (**p > 0.5) == y).count();
        assert!(right >= 390, "{right} of 400");
        let imp = model.feature_importance();
        assert!(imp[2] < imp[0] && imp[2] < imp[1], "{imp:?}");
    }

    #[test]
    fn same_seed_same_forest_other_seed_other_forest() {
        let (x, y) = diagonal();
        let params = RandomForestParams {
            n_trees: 10,
            ..RandomForestParams::new()
        };
        let a = params.fit(x.view(), &y, None).unwrap();
        let b = params.fit(x.view(), &y, None).unwrap();
        assert_eq!(a, b);
        let c = RandomForestParams { seed: 7, ..params }
            .fit(x.view(), &y, None)
            .unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn without_bootstrap_and_with_all_features_every_tree_is_the_same() {
        let (x, y) = diagonal();
        let model = RandomForestParams {
            n_trees: 3,
            bootstrap: false,
            max_features: MaxFeatures::All,
            ..RandomForestParams::new()
        }
        .fit(x.view(), &y, None)
        .unwrap();
        assert_eq!(model.trees()[0], model.trees()[1]);
        assert_eq!(model.trees()[1], model.trees()[2]);
    }

    #[test]
    fn weight_two_equals_a_duplicated_row_without_bootstrap() {
        let x = Array2::from_shape_fn((30, 2), |(i, j)| ((i * (j + 2) * 31) % 17) as f64);
        let y: Vec<bool> = (0..30).map(|i| (i * 13) % 5 < 2).collect();
        let mut w = vec![1.0; 30];
        w[4] = 2.0;
        let mut xd = x.clone();
        xd.push_row(x.row(4)).unwrap();
        let mut yd = y.clone();
        yd.push(y[4]);
        let params = RandomForestParams {
            n_trees: 1,
            bootstrap: false,
            max_features: MaxFeatures::All,
            ..RandomForestParams::new()
        };
        let weighted = params.fit(x.view(), &y, Some(&w)).unwrap();
        let duplicated = params.fit(xd.view(), &yd, None).unwrap();
        assert_eq!(
            weighted.predict_proba(x.view()),
            duplicated.predict_proba(x.view())
        );
    }

    #[test]
    fn max_features_counts() {
        assert_eq!(MaxFeatures::Sqrt.count(48), 6);
        assert_eq!(MaxFeatures::Sqrt.count(1), 1);
        assert_eq!(MaxFeatures::Fraction(0.01).count(48), 1);
        assert_eq!(MaxFeatures::Fraction(0.5).count(48), 24);
        assert_eq!(MaxFeatures::All.count(48), 48);
    }

    #[test]
    fn bad_settings_are_errors() {
        let (x, y) = diagonal();
        let bad = |params: RandomForestParams| params.fit(x.view(), &y, None).unwrap_err();
        assert_eq!(
            bad(RandomForestParams {
                n_trees: 0,
                ..RandomForestParams::new()
            }),
            TreeError::NTrees(0)
        );
        assert_eq!(
            bad(RandomForestParams {
                max_features: MaxFeatures::Fraction(1.5),
                ..RandomForestParams::new()
            }),
            TreeError::MaxFeatures(1.5)
        );
        assert_eq!(
            bad(RandomForestParams {
                max_bins: 1,
                ..RandomForestParams::new()
            }),
            TreeError::MaxBins(1)
        );
        assert_eq!(
            RandomForestParams::new()
                .fit(x.view(), &vec![false; 400], None)
                .unwrap_err(),
            TreeError::Data(DataError::one_class(false, false))
        );
    }
}
