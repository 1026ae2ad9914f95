//! The models on offer, their hyperparameter candidates, and one place that fits any of them.
//!
//! Three ways to pick candidates ([`SearchMode`]):
//! - `Defaults`: one well-tried setting per model (fast; the first run a user sees);
//! - `Grid`: every combination of the documented grid below;
//! - `Random { candidates }`: that many draws from the documented ranges (seeded).
//!
//! | model | grid | random ranges |
//! |---|---|---|
//! | logistic regression | C ∈ {0.01, 0.1, 1, 10} | C log-uniform in [0.001, 100] |
//! | decision tree | depth ∈ {4, 6, 8, 12} × min leaf ∈ {10, 50} | depth 3…14, min leaf 5…100 (log) |
//! | random forest (100 trees) | max features ∈ {√d, 0.33·d} × min leaf ∈ {1, 3, 10} | max features 0.1…0.6 of d, min leaf 1…20 (log) |
//! | gradient boosting | wide: rate ∈ {0.05, 0.1} × leaves ∈ {15, 31} × L2 ∈ {0, 1}, min leaf 20, any depth; shallow: rate ∈ {0.03, 0.05, 0.1} × depth ∈ {3, 4}, and rate ∈ {0.03, 0.1} × depth 6, min leaf 40, L2 5 (16 in all) | rate 0.02…0.2 (log), depth 3, 4, 5, 6 or any (equally likely), leaves 7…63 (log, at most 2^depth), min leaf 10…100 (log), L2 0…10 |
//!
//! Defaults: C = 1; depth 6, min leaf 20; √d features, min leaf 1; rate 0.1, 31 leaves, min
//! leaf 20, L2 0. Gradient boosting always stops early on a 10 % validation share of the data
//! it is given (at most 500 rounds).
//!
//! Gradient boosting's grid has two halves. The wide trees hold the best settings of the earlier
//! grid on bank-full (rate 0.05, 31 leaves, L2 0), online shoppers and marketing (rate 0.05 and
//! 0.1, 15 leaves, L2 1); 63 leaves never won. The shallow ones (XGBoost's way: a depth, slower
//! learning, bigger leaves, L2 5) are for small tables, where they are often better on new
//! customers: on marketing_campaign's 2,240 customers over 36 settings each (rate,
//! min leaf, L2), depth 4 averaged test AUC 0.908, 31 leaves at any depth 0.901. Cross-validation on 1,792 customers hardly tells them
//! apart (fold sd ≈ 0.016), so there the choice is still rate 0.1, 15 leaves, L2 1 (CV 0.904,
//! test 0.901; XGBoost at depth 4, rate 0.05, 300 trees: test 0.913). The 16 candidates take
//! about 1.7 times as long as the earlier 12 on bank-full (39 s against 23 s natively; the
//! rate-0.03 trees run longer).
//!
//! Pure Rust: no web-sys.

use ndarray::ArrayView2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

use crate::core::predict::forest::{MaxFeatures, RandomForestParams};
use crate::core::predict::gbdt::{EarlyStopping, GbdtParams};
use crate::core::predict::logistic::LogisticParams;
use crate::core::predict::tree::DecisionTreeParams;
use crate::core::predict::Classifier;
use crate::core::random::index_in;

/// A kind of model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Logistic,
    DecisionTree,
    RandomForest,
    Gbdt,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Logistic,
        ModelKind::DecisionTree,
        ModelKind::RandomForest,
        ModelKind::Gbdt,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Logistic => "Logistic regression",
            ModelKind::DecisionTree => "Decision tree",
            ModelKind::RandomForest => "Random forest",
            ModelKind::Gbdt => "Gradient boosting",
        }
    }

    /// The short name of the CLI (`lr`, `tree`, `rf`, `gbdt`).
    pub fn key(self) -> &'static str {
        match self {
            ModelKind::Logistic => "lr",
            ModelKind::DecisionTree => "tree",
            ModelKind::RandomForest => "rf",
            ModelKind::Gbdt => "gbdt",
        }
    }

    pub fn from_key(key: &str) -> Option<ModelKind> {
        ModelKind::ALL.into_iter().find(|m| m.key() == key.trim())
    }
}

/// How candidates are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    Defaults,
    Grid,
    Random { candidates: usize },
}

/// Trees in a forest.
pub const FOREST_TREES: usize = 100;
/// Most boosting rounds (early stopping usually ends far sooner).
pub const BOOSTING_ROUNDS: usize = 500;

/// One model with its hyperparameters.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSpec {
    Logistic(LogisticParams),
    DecisionTree(DecisionTreeParams),
    RandomForest(RandomForestParams),
    Gbdt(GbdtParams),
}

/// A fitted model and what is worth saying about the fit.
pub struct FittedModel {
    pub model: Box<dyn Classifier>,
    /// E.g. "stopped after 143 rounds" or "did not converge in 1,000 iterations".
    pub note: Option<String>,
}

/// A model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{model} could not be fitted: {message}")]
pub struct FitError {
    pub model: &'static str,
    pub message: String,
}

impl ModelSpec {
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelSpec::Logistic(_) => ModelKind::Logistic,
            ModelSpec::DecisionTree(_) => ModelKind::DecisionTree,
            ModelSpec::RandomForest(_) => ModelKind::RandomForest,
            ModelSpec::Gbdt(_) => ModelKind::Gbdt,
        }
    }

    /// The hyperparameters in words, e.g. "C = 0.1".
    pub fn describe(&self) -> String {
        match self {
            ModelSpec::Logistic(p) => format!("C = {}", p.c),
            ModelSpec::DecisionTree(p) => format!(
                "depth ≤ {}, ≥ {} per leaf",
                p.max_depth.map_or("∞".to_string(), |d| d.to_string()),
                p.min_samples_leaf
            ),
            ModelSpec::RandomForest(p) => format!(
                "{} trees, {} features per split, ≥ {} per leaf",
                p.n_trees,
                match p.max_features {
                    MaxFeatures::Sqrt => "√d".to_string(),
                    MaxFeatures::All => "all".to_string(),
                    MaxFeatures::Fraction(f) => format!("{:.0} %", f * 100.0),
                },
                p.min_samples_leaf
            ),
            ModelSpec::Gbdt(p) => format!(
                "rate {}, {} leaves{}, ≥ {} per leaf, L2 {}",
                p.learning_rate,
                p.max_leaf_nodes.map_or("∞".to_string(), |l| l.to_string()),
                p.max_depth
                    .map_or(String::new(), |d| format!(", depth ≤ {d}")),
                p.min_samples_leaf,
                p.l2
            ),
        }
    }

    /// Fit on `x`, `y` with optional sample weights.
    pub fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        weights: Option<&[f64]>,
    ) -> Result<FittedModel, FitError> {
        let model = self.kind().label();
        let fail = |message: String| FitError { model, message };
        match self {
            ModelSpec::Logistic(p) => {
                let m = p.fit(x, y, weights).map_err(|e| fail(e.to_string()))?;
                let note = (!m.converged()).then(|| {
                    format!(
                        "did not fully converge in {} iterations (the ranking is usually fine)",
                        m.n_iter()
                    )
                });
                Ok(FittedModel {
                    model: Box::new(m),
                    note,
                })
            }
            ModelSpec::DecisionTree(p) => {
                let m = p.fit(x, y, weights).map_err(|e| fail(e.to_string()))?;
                Ok(FittedModel {
                    model: Box::new(m),
                    note: None,
                })
            }
            ModelSpec::RandomForest(p) => {
                let m = p.fit(x, y, weights).map_err(|e| fail(e.to_string()))?;
                Ok(FittedModel {
                    model: Box::new(m),
                    note: None,
                })
            }
            ModelSpec::Gbdt(p) => {
                let m = p.fit(x, y, weights).map_err(|e| fail(e.to_string()))?;
                let note = Some(boosting_note(m.n_iter()));
                Ok(FittedModel {
                    model: Box::new(m),
                    note,
                })
            }
        }
    }
}

/// What a boosting fit did: its number of rounds, and, when early stopping kept none, what the
/// model then is (no tree: every customer gets the training part's base rate).
pub fn boosting_note(rounds: usize) -> String {
    match rounds {
        0 => "0 boosting rounds: no tree lowered the validation loss, so every customer gets \
              the base rate"
            .to_string(),
        1 => "1 boosting round".to_string(),
        n => format!("{n} boosting rounds"),
    }
}

fn logistic(c: f64) -> ModelSpec {
    ModelSpec::Logistic(LogisticParams {
        c,
        ..LogisticParams::default()
    })
}

fn decision_tree(max_depth: usize, min_samples_leaf: usize) -> ModelSpec {
    ModelSpec::DecisionTree(DecisionTreeParams {
        max_depth: Some(max_depth),
        min_samples_leaf,
        ..DecisionTreeParams::default()
    })
}

fn random_forest(max_features: MaxFeatures, min_samples_leaf: usize, seed: u64) -> ModelSpec {
    ModelSpec::RandomForest(RandomForestParams {
        n_trees: FOREST_TREES,
        max_features,
        min_samples_leaf,
        seed,
        ..RandomForestParams::default()
    })
}

/// Gradient boosting's shape of tree: at most `leaves` leaves, and with a depth, at most
/// `2^depth` of them.
#[derive(Debug, Clone, Copy)]
struct TreeShape {
    leaves: usize,
    max_depth: Option<usize>,
}

impl TreeShape {
    /// Best-first up to `leaves` leaves, any depth (today's default shape: 31 leaves).
    const fn leaves(leaves: usize) -> TreeShape {
        TreeShape {
            leaves,
            max_depth: None,
        }
    }

    /// At most `depth` levels, so up to `2^depth` leaves (XGBoost's way of limiting a tree).
    const fn depth(depth: usize) -> TreeShape {
        TreeShape {
            leaves: 1 << depth,
            max_depth: Some(depth),
        }
    }
}

fn gbdt(
    learning_rate: f64,
    shape: TreeShape,
    min_samples_leaf: usize,
    l2: f64,
    seed: u64,
) -> ModelSpec {
    ModelSpec::Gbdt(GbdtParams {
        learning_rate,
        max_iter: BOOSTING_ROUNDS,
        max_leaf_nodes: Some(shape.leaves),
        max_depth: shape.max_depth,
        min_samples_leaf,
        l2,
        early_stopping: Some(EarlyStopping::default()),
        seed,
        ..GbdtParams::default()
    })
}

/// The candidates of `kind` under `mode`; never empty.
pub fn candidates(kind: ModelKind, mode: SearchMode, seed: u64) -> Vec<ModelSpec> {
    match mode {
        SearchMode::Defaults => vec![match kind {
            ModelKind::Logistic => logistic(1.0),
            ModelKind::DecisionTree => decision_tree(6, 20),
            ModelKind::RandomForest => random_forest(MaxFeatures::Sqrt, 1, seed),
            ModelKind::Gbdt => gbdt(0.1, TreeShape::leaves(31), 20, 0.0, seed),
        }],
        SearchMode::Grid => match kind {
            ModelKind::Logistic => [0.01, 0.1, 1.0, 10.0].into_iter().map(logistic).collect(),
            ModelKind::DecisionTree => [4, 6, 8, 12]
                .into_iter()
                .flat_map(|d| [10, 50].into_iter().map(move |m| decision_tree(d, m)))
                .collect(),
            ModelKind::RandomForest => [MaxFeatures::Sqrt, MaxFeatures::Fraction(0.33)]
                .into_iter()
                .flat_map(|f| {
                    [1, 3, 10]
                        .into_iter()
                        .map(move |m| random_forest(f, m, seed))
                })
                .collect(),
            ModelKind::Gbdt => {
                // Wide trees, for large tables (bank-full's best: rate 0.05, 31 leaves, L2 0).
                let wide = [0.05, 0.1].into_iter().flat_map(|r| {
                    [15, 31].into_iter().flat_map(move |l| {
                        [0.0, 1.0]
                            .into_iter()
                            .map(move |l2| gbdt(r, TreeShape::leaves(l), 20, l2, seed))
                    })
                });
                // Shallow, slower, more regularised trees, for small tables.
                let shallow = [0.03, 0.05, 0.1].into_iter().flat_map(|r| {
                    [3, 4]
                        .into_iter()
                        .map(move |d| gbdt(r, TreeShape::depth(d), 40, 5.0, seed))
                });
                let deep = [0.03, 0.1]
                    .into_iter()
                    .map(|r| gbdt(r, TreeShape::depth(6), 40, 5.0, seed));
                wide.chain(shallow).chain(deep).collect()
            }
        },
        SearchMode::Random { candidates: n } => {
            let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ ((kind as u64 + 1) * 0x9E37_79B9));
            let mut out = Vec::with_capacity(n.max(1));
            for _ in 0..n.max(1) {
                out.push(match kind {
                    ModelKind::Logistic => logistic(round3(log_uniform(&mut rng, 0.001, 100.0))),
                    ModelKind::DecisionTree => decision_tree(
                        log_uniform(&mut rng, 3.0, 14.99).floor() as usize,
                        log_uniform(&mut rng, 5.0, 100.0).round() as usize,
                    ),
                    ModelKind::RandomForest => random_forest(
                        MaxFeatures::Fraction(round3(log_uniform(&mut rng, 0.1, 0.6))),
                        log_uniform(&mut rng, 1.0, 20.0).round() as usize,
                        seed,
                    ),
                    ModelKind::Gbdt => {
                        let rate = round3(log_uniform(&mut rng, 0.02, 0.2));
                        // Depth 3, 4, 5, 6 or none, equally likely.
                        let depth = [Some(3), Some(4), Some(5), Some(6), None]
                            .get(index_in(&mut rng, 0..5))
                            .copied()
                            .flatten();
                        let leaves = log_uniform(&mut rng, 7.0, 63.0).round() as usize;
                        let shape = match depth {
                            Some(d) => TreeShape {
                                leaves: leaves.min(1 << d),
                                max_depth: Some(d),
                            },
                            None => TreeShape::leaves(leaves),
                        };
                        gbdt(
                            rate,
                            shape,
                            log_uniform(&mut rng, 10.0, 100.0).round() as usize,
                            round3(log_uniform(&mut rng, 1.0, 11.0) - 1.0),
                            seed,
                        )
                    }
                });
            }
            out
        }
    }
}

/// A draw whose logarithm is uniform in `[ln lo, ln hi)`.
fn log_uniform(rng: &mut Xoshiro256Plus, lo: f64, hi: f64) -> f64 {
    rng.gen_range(lo.ln()..hi.ln()).exp()
}

/// Three significant-ish decimals, so the leaderboard reads "C = 0.215", not 0.21538…
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_gives_candidates_and_random_is_seeded() {
        for kind in ModelKind::ALL {
            assert_eq!(candidates(kind, SearchMode::Defaults, 1).len(), 1);
            assert!(candidates(kind, SearchMode::Grid, 1).len() >= 4);
            let a = candidates(kind, SearchMode::Random { candidates: 5 }, 7);
            let b = candidates(kind, SearchMode::Random { candidates: 5 }, 7);
            assert_eq!(a.len(), 5);
            assert_eq!(a, b);
            assert!(a.iter().all(|s| s.kind() == kind));
        }
        assert_eq!(ModelKind::from_key("gbdt"), Some(ModelKind::Gbdt));
        assert_eq!(ModelKind::from_key("svm"), None);
    }

    fn gbdt_params(specs: Vec<ModelSpec>) -> Vec<GbdtParams> {
        specs
            .into_iter()
            .filter_map(|s| match s {
                ModelSpec::Gbdt(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_gbdt_grid_holds_wide_and_shallow_slow_trees() {
        let grid = gbdt_params(candidates(ModelKind::Gbdt, SearchMode::Grid, 1));
        assert_eq!(grid.len(), 16);
        assert!(grid
            .iter()
            .all(|p| p.early_stopping.is_some() && p.max_iter == BOOSTING_ROUNDS));
        // The earlier grid's winners on bank-full, shoppers and marketing are still in it.
        for (rate, leaves, l2) in [(0.05, 31, 0.0), (0.05, 15, 1.0), (0.1, 15, 1.0)] {
            assert!(grid.iter().any(|p| p.learning_rate == rate
                && p.max_leaf_nodes == Some(leaves)
                && p.max_depth.is_none()
                && p.min_samples_leaf == 20
                && p.l2 == l2));
        }
        // Depth-limited, slow and regularised: depth 3 and 4 at rate 0.03, and depth 6.
        let shallow = |depth: usize, rate: f64| {
            grid.iter().any(|p| {
                p.max_depth == Some(depth)
                    && p.max_leaf_nodes == Some(1 << depth)
                    && p.learning_rate == rate
                    && p.min_samples_leaf == 40
                    && p.l2 == 5.0
            })
        };
        assert!(shallow(3, 0.03) && shallow(4, 0.03) && shallow(4, 0.05) && shallow(6, 0.03));
        assert!(grid.iter().all(|p| p.check().is_ok()));
    }

    #[test]
    fn gbdt_random_draws_stay_in_their_ranges_and_include_depths() {
        let drawn = gbdt_params(candidates(
            ModelKind::Gbdt,
            SearchMode::Random { candidates: 200 },
            3,
        ));
        assert!(drawn.iter().all(|p| p.check().is_ok()
            && (0.02..=0.2).contains(&p.learning_rate)
            && (10..=100).contains(&p.min_samples_leaf)
            && (0.0..=10.0).contains(&p.l2)));
        for p in &drawn {
            let leaves = p.max_leaf_nodes.unwrap_or(0);
            match p.max_depth {
                Some(d) => assert!((3..=6).contains(&d) && leaves <= 1 << d),
                None => assert!((7..=63).contains(&leaves)),
            }
        }
        for depth in [Some(3), Some(4), Some(5), Some(6), None] {
            assert!(drawn.iter().any(|p| p.max_depth == depth));
        }
    }

    #[test]
    fn the_gbdt_default_is_unchanged_and_described_without_a_depth() {
        let defaults = gbdt_params(candidates(ModelKind::Gbdt, SearchMode::Defaults, 9));
        assert_eq!(defaults.len(), 1);
        let p = &defaults[0];
        assert_eq!(
            (
                p.learning_rate,
                p.max_leaf_nodes,
                p.max_depth,
                p.min_samples_leaf,
                p.l2
            ),
            (0.1, Some(31), None, 20, 0.0)
        );
        assert_eq!(
            ModelSpec::Gbdt(p.clone()).describe(),
            "rate 0.1, 31 leaves, ≥ 20 per leaf, L2 0"
        );
    }
}
