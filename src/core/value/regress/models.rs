//! The regressors on offer, their default settings, the target scale they are fitted on, and
//! one place that fits any of them ([`RegressorSpec::fit`]).
//!
//! | key | model | defaults |
//! |---|---|---|
//! | `ridge` | [`RidgeParams`] | α = 1 |
//! | `tree` | [`TreeRegressorParams`] | depth ≤ 6, ≥ 20 per leaf |
//! | `rf` | [`ForestRegressorParams`] | 100 trees, every feature per split, ≥ 1 per leaf |
//! | `gbdt` | [`GbdtRegressorParams`] | rate 0.1, 100 trees of ≤ 31 leaves, ≥ 20 per leaf, early stopping above 10,000 rows |
//! | `mlp` | [`MlpParams`] | 64 ReLU units, Adam 0.001, batches of 200, ≤ 200 epochs, 10 % validation |
//!
//! [`TargetScale::Log1p`] fits a model on `log(1 + y)` and turns its forecasts back with
//! `exp(x) − 1`, each first kept within the log targets of the training rows (an extrapolated
//! log forecast explodes once exponentiated: scikit-learn's log-target MLP forecast 10¹⁰ for a
//! customer of one cross-validation fold of Online Retail, an R² of −10¹⁴). The forecast on the
//! log scale is a conditional median rather than a mean, so it lowers MAE and raises RMSE on
//! spend, whose few big customers dominate squared errors.
//!
//! Pure Rust: no web-sys.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::forest::ForestRegressorParams;
use super::gbdt::GbdtRegressorParams;
use super::mlp::MlpParams;
use super::ridge::RidgeParams;
use super::tree::TreeRegressorParams;
use super::Regressor;
pub use crate::core::predict::search::FitError;

/// A kind of regressor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegressorKind {
    Ridge,
    DecisionTree,
    RandomForest,
    Gbdt,
    Mlp,
}

impl RegressorKind {
    pub const ALL: [RegressorKind; 5] = [
        RegressorKind::Ridge,
        RegressorKind::DecisionTree,
        RegressorKind::RandomForest,
        RegressorKind::Gbdt,
        RegressorKind::Mlp,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RegressorKind::Ridge => "Ridge regression",
            RegressorKind::DecisionTree => "Decision tree",
            RegressorKind::RandomForest => "Random forest",
            RegressorKind::Gbdt => "Gradient boosting",
            RegressorKind::Mlp => "Neural network (MLP)",
        }
    }

    /// The short name of the CLI (`ridge`, `tree`, `rf`, `gbdt`, `mlp`).
    pub fn key(self) -> &'static str {
        match self {
            RegressorKind::Ridge => "ridge",
            RegressorKind::DecisionTree => "tree",
            RegressorKind::RandomForest => "rf",
            RegressorKind::Gbdt => "gbdt",
            RegressorKind::Mlp => "mlp",
        }
    }

    pub fn from_key(key: &str) -> Option<RegressorKind> {
        RegressorKind::ALL
            .into_iter()
            .find(|m| m.key() == key.trim())
    }

    /// The default settings, seeded with `seed` where the model draws.
    pub fn default_spec(self, seed: u64) -> RegressorSpec {
        match self {
            RegressorKind::Ridge => RegressorSpec::Ridge(RidgeParams::new()),
            RegressorKind::DecisionTree => RegressorSpec::DecisionTree(TreeRegressorParams::new()),
            RegressorKind::RandomForest => RegressorSpec::RandomForest(ForestRegressorParams {
                seed,
                ..ForestRegressorParams::new()
            }),
            RegressorKind::Gbdt => RegressorSpec::Gbdt(GbdtRegressorParams {
                seed,
                ..GbdtRegressorParams::new()
            }),
            RegressorKind::Mlp => RegressorSpec::Mlp(MlpParams {
                seed,
                ..MlpParams::new()
            }),
        }
    }
}

/// The scale a model is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetScale {
    /// The target as it is (squared errors in its own unit).
    Raw,
    /// `log(1 + y)`, forecasts turned back with `exp(x) − 1` (targets of 0 or more).
    Log1p,
}

impl TargetScale {
    /// The short name of the CLI (`raw`, `log1p`).
    pub fn key(self) -> &'static str {
        match self {
            TargetScale::Raw => "raw",
            TargetScale::Log1p => "log1p",
        }
    }

    pub fn from_key(key: &str) -> Option<TargetScale> {
        [TargetScale::Raw, TargetScale::Log1p]
            .into_iter()
            .find(|s| s.key() == key.trim())
    }

    /// What a leaderboard row adds to the model's name ("" on the raw scale).
    pub fn suffix(self) -> &'static str {
        match self {
            TargetScale::Raw => "",
            TargetScale::Log1p => " (log target)",
        }
    }
}

/// One regressor with its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum RegressorSpec {
    Ridge(RidgeParams),
    DecisionTree(TreeRegressorParams),
    RandomForest(ForestRegressorParams),
    Gbdt(GbdtRegressorParams),
    Mlp(MlpParams),
}

/// A fitted model, the scale it forecasts from, and what is worth saying about the fit.
pub struct FittedRegressor {
    model: Box<dyn Regressor>,
    scale: TargetScale,
    /// On the log scale: the smallest and largest log target of the training rows.
    log_range: (f64, f64),
    /// E.g. "100 boosting rounds" or "stopped after 34 epochs".
    pub note: Option<String>,
    /// The lowest forecast (0 for spend, which is never negative); `None` = no floor.
    pub floor: Option<f64>,
}

impl FittedRegressor {
    /// A constant forecast (a baseline that won).
    pub fn constant(value: f64) -> FittedRegressor {
        FittedRegressor {
            model: Box::new(ConstantForecast(value)),
            scale: TargetScale::Raw,
            log_range: (0.0, 0.0),
            note: None,
            floor: None,
        }
    }

    pub fn scale(&self) -> TargetScale {
        self.scale
    }

    /// Forecasts on the target's own scale for every row of `x` (the fitted columns).
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        let raw = self.model.predict(x);
        let forecasts = match self.scale {
            TargetScale::Raw => raw,
            TargetScale::Log1p => {
                let (low, high) = self.log_range;
                raw.into_iter()
                    .map(|v| {
                        if v.is_nan() {
                            v
                        } else {
                            v.clamp(low, high).exp_m1()
                        }
                    })
                    .collect()
            }
        };
        match self.floor {
            Some(floor) => forecasts
                .into_iter()
                .map(|v| if v < floor { floor } else { v })
                .collect(),
            None => forecasts,
        }
    }
}

/// Always the same forecast (the mean or median baseline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConstantForecast(pub f64);

impl Regressor for ConstantForecast {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        vec![self.0; x.nrows()]
    }
}

/// A baseline that every model must beat: a constant fitted on the training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    Mean,
    Median,
}

impl Baseline {
    pub const ALL: [Baseline; 2] = [Baseline::Mean, Baseline::Median];

    pub fn key(self) -> &'static str {
        match self {
            Baseline::Mean => "mean",
            Baseline::Median => "median",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Baseline::Mean => "Baseline: mean of the training customers",
            Baseline::Median => "Baseline: median of the training customers",
        }
    }

    /// The constant for training targets `y` (finite; empty gives 0).
    pub fn value(self, y: &[f64]) -> f64 {
        if y.is_empty() {
            return 0.0;
        }
        match self {
            Baseline::Mean => y.iter().sum::<f64>() / y.len() as f64,
            Baseline::Median => {
                let mut sorted = y.to_vec();
                sorted.sort_by(f64::total_cmp);
                let mid = sorted.len() / 2;
                let upper = sorted.get(mid).copied().unwrap_or(0.0);
                if sorted.len() % 2 == 1 {
                    upper
                } else {
                    let lower = sorted.get(mid.wrapping_sub(1)).copied().unwrap_or(upper);
                    (lower + upper) / 2.0
                }
            }
        }
    }
}

impl RegressorSpec {
    pub fn kind(&self) -> RegressorKind {
        match self {
            RegressorSpec::Ridge(_) => RegressorKind::Ridge,
            RegressorSpec::DecisionTree(_) => RegressorKind::DecisionTree,
            RegressorSpec::RandomForest(_) => RegressorKind::RandomForest,
            RegressorSpec::Gbdt(_) => RegressorKind::Gbdt,
            RegressorSpec::Mlp(_) => RegressorKind::Mlp,
        }
    }

    /// The settings in words, e.g. "α = 1".
    pub fn describe(&self) -> String {
        let depth = |d: Option<usize>| d.map_or("∞".to_string(), |d| d.to_string());
        match self {
            RegressorSpec::Ridge(p) => format!("α = {}", p.alpha),
            RegressorSpec::DecisionTree(p) => format!(
                "depth ≤ {}, ≥ {} per leaf",
                depth(p.max_depth),
                p.min_samples_leaf
            ),
            RegressorSpec::RandomForest(p) => format!(
                "{} trees, {} features per split, ≥ {} per leaf",
                p.n_trees,
                match p.max_features {
                    crate::core::predict::forest::MaxFeatures::Sqrt => "√d".to_string(),
                    crate::core::predict::forest::MaxFeatures::All => "all".to_string(),
                    crate::core::predict::forest::MaxFeatures::Fraction(f) =>
                        format!("{:.0} %", f * 100.0),
                },
                p.min_samples_leaf
            ),
            RegressorSpec::Gbdt(p) => format!(
                "rate {}, ≤ {} trees of ≤ {} leaves, ≥ {} per leaf, L2 {}",
                p.learning_rate,
                p.max_iter,
                depth(p.max_leaf_nodes),
                p.min_samples_leaf,
                p.l2
            ),
            RegressorSpec::Mlp(p) => format!(
                "hidden {}, rate {}, L2 {}, batch {}, ≤ {} epochs",
                p.hidden
                    .iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>()
                    .join(" × "),
                p.learning_rate,
                p.l2,
                p.batch_size,
                p.max_epochs
            ),
        }
    }

    /// Fit on `x` and `y` (finite), on `scale` (the log scale needs `y ≥ 0`: a smaller value is
    /// taken as 0 there).
    pub fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[f64],
        scale: TargetScale,
    ) -> Result<FittedRegressor, FitError> {
        let model = self.kind().label();
        let fail = |message: String| FitError { model, message };
        let logged: Vec<f64>;
        let (target, log_range) = match scale {
            TargetScale::Raw => (y, (0.0, 0.0)),
            TargetScale::Log1p => {
                logged = y.iter().map(|v| v.max(0.0).ln_1p()).collect();
                let low = logged.iter().copied().fold(f64::INFINITY, f64::min);
                let high = logged.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (logged.as_slice(), (low.min(high), high.max(low)))
            }
        };
        let (model, note): (Box<dyn Regressor>, Option<String>) = match self {
            RegressorSpec::Ridge(p) => {
                let m = p.fit(x, target).map_err(|e| fail(e.to_string()))?;
                (Box::new(m), None)
            }
            RegressorSpec::DecisionTree(p) => {
                let m = p.fit(x, target).map_err(|e| fail(e.to_string()))?;
                let note = format!("{} leaves", m.tree().tree().n_leaves());
                (Box::new(m), Some(note))
            }
            RegressorSpec::RandomForest(p) => {
                let m = p.fit(x, target).map_err(|e| fail(e.to_string()))?;
                (Box::new(m), None)
            }
            RegressorSpec::Gbdt(p) => {
                let m = p.fit(x, target).map_err(|e| fail(e.to_string()))?;
                let rounds = m.model().n_iter();
                let note = match rounds {
                    0 => "0 boosting rounds: no tree lowered the validation error, so every \
                          customer gets the mean"
                        .to_string(),
                    1 => "1 boosting round".to_string(),
                    n => format!("{n} boosting rounds"),
                };
                (Box::new(m), Some(note))
            }
            RegressorSpec::Mlp(p) => {
                let m = p.fit(x, target).map_err(|e| fail(e.to_string()))?;
                let note = format!(
                    "weights of epoch {} kept, {} epochs run",
                    m.best_epoch(),
                    m.epochs()
                );
                (Box::new(m), Some(note))
            }
        };
        Ok(FittedRegressor {
            model,
            scale,
            log_range,
            note,
            floor: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn keys_round_trip_and_baselines_are_the_mean_and_median() {
        for kind in RegressorKind::ALL {
            assert_eq!(RegressorKind::from_key(kind.key()), Some(kind));
            assert_eq!(kind.default_spec(1).kind(), kind);
        }
        assert_eq!(TargetScale::from_key(" log1p"), Some(TargetScale::Log1p));
        assert_eq!(Baseline::Mean.value(&[1.0, 2.0, 9.0]), 4.0);
        assert_eq!(Baseline::Median.value(&[9.0, 1.0, 2.0]), 2.0);
        assert_eq!(Baseline::Median.value(&[9.0, 1.0, 2.0, 4.0]), 3.0);
        assert_eq!(Baseline::Median.value(&[]), 0.0);
    }

    #[test]
    fn the_log_scale_turns_forecasts_back_within_the_training_range() {
        // y = e^(x) − 1 exactly: ridge on the log scale recovers it; far outside the training
        // x the forecast stops at the largest training target.
        let x = Array2::from_shape_fn((50, 1), |(i, _)| i as f64 / 10.0);
        let y: Vec<f64> = (0..50).map(|i| (i as f64 / 10.0).exp_m1()).collect();
        let spec = RegressorSpec::Ridge(RidgeParams { alpha: 0.0 });
        let fitted = spec.fit(x.view(), &y, TargetScale::Log1p).unwrap();
        let p = fitted.predict(x.view());
        for (p, y) in p.iter().zip(&y) {
            assert!((p - y).abs() < 1e-9 * (1.0 + y), "{p} vs {y}");
        }
        let far = Array2::from_elem((1, 1), 100.0);
        let capped = fitted.predict(far.view())[0];
        assert!((capped - y[49]).abs() < 1e-9 * y[49], "{capped}");
        let raw = spec.fit(x.view(), &y, TargetScale::Raw).unwrap();
        assert!(raw.predict(far.view())[0] > capped);
    }

    #[test]
    fn a_failed_fit_names_the_model() {
        let x = Array2::zeros((5, 0));
        let err = RegressorKind::Gbdt
            .default_spec(1)
            .fit(x.view(), &[1.0; 5], TargetScale::Raw)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("Gradient boosting could not be fitted"),
            "{err}"
        );
    }
}
