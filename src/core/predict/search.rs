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
//! | gradient boosting | learning rate ∈ {0.05, 0.1} × leaves ∈ {15, 31, 63} × L2 ∈ {0, 1} | rate 0.02…0.3 (log), leaves 7…127 (log), min leaf 5…100 (log), L2 0…10 |
//!
//! Defaults: C = 1; depth 6, min leaf 20; √d features, min leaf 1; rate 0.1, 31 leaves, min
//! leaf 20, L2 0. Gradient boosting always stops early on a 10 % validation share of the data
//! it is given (at most 500 rounds). Pure Rust: no web-sys.

use ndarray::ArrayView2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use serde::{Deserialize, Serialize};

use crate::core::predict::forest::{MaxFeatures, RandomForestParams};
use crate::core::predict::gbdt::{EarlyStopping, GbdtParams};
use crate::core::predict::logistic::LogisticParams;
use crate::core::predict::tree::DecisionTreeParams;
use crate::core::predict::Classifier;

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
                "rate {}, {} leaves, ≥ {} per leaf, L2 {}",
                p.learning_rate,
                p.max_leaf_nodes.map_or("∞".to_string(), |l| l.to_string()),
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
                let note = Some(format!("{} boosting rounds", m.n_iter()));
                Ok(FittedModel {
                    model: Box::new(m),
                    note,
                })
            }
        }
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

fn gbdt(
    learning_rate: f64,
    leaves: usize,
    min_samples_leaf: usize,
    l2: f64,
    seed: u64,
) -> ModelSpec {
    ModelSpec::Gbdt(GbdtParams {
        learning_rate,
        max_iter: BOOSTING_ROUNDS,
        max_leaf_nodes: Some(leaves),
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
            ModelKind::Gbdt => gbdt(0.1, 31, 20, 0.0, seed),
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
            ModelKind::Gbdt => [0.05, 0.1]
                .into_iter()
                .flat_map(|r| {
                    [15, 31, 63].into_iter().flat_map(move |l| {
                        [0.0, 1.0]
                            .into_iter()
                            .map(move |l2| gbdt(r, l, 20, l2, seed))
                    })
                })
                .collect(),
        },
        SearchMode::Random { candidates: n } => {
            let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ ((kind as u64 + 1) * 0x9E37_79B9));
            let mut log_uniform = |lo: f64, hi: f64| (rng.gen_range(lo.ln()..hi.ln())).exp();
            let mut out = Vec::with_capacity(n.max(1));
            for _ in 0..n.max(1) {
                out.push(match kind {
                    ModelKind::Logistic => logistic(round3(log_uniform(0.001, 100.0))),
                    ModelKind::DecisionTree => decision_tree(
                        log_uniform(3.0, 14.99).floor() as usize,
                        log_uniform(5.0, 100.0).round() as usize,
                    ),
                    ModelKind::RandomForest => random_forest(
                        MaxFeatures::Fraction(round3(log_uniform(0.1, 0.6))),
                        log_uniform(1.0, 20.0).round() as usize,
                        seed,
                    ),
                    ModelKind::Gbdt => gbdt(
                        round3(log_uniform(0.02, 0.3)),
                        log_uniform(7.0, 127.0).round() as usize,
                        log_uniform(5.0, 100.0).round() as usize,
                        round3(log_uniform(1.0, 11.0) - 1.0),
                        seed,
                    ),
                });
            }
            out
        }
    }
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
}
