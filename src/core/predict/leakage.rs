//! Leakage guard: how well each feature predicts the target on its own, on training rows only.
//!
//! A column that alone separates the outcomes almost perfectly is usually recorded after the
//! outcome (bank `duration`: the call length is known only once the call is over) or derived
//! from it. Such a column stays usable, but it is flagged so the user can decide:
//! - own ROC-AUC ≥ [`LEAK_AUC`]: "almost certainly leaks";
//! - own ROC-AUC ≥ [`CHECK_AUC`]: "predicts the outcome strongly on its own: check that it is
//!   known before the outcome".
//!
//! A numeric column scores by its value (missing = the training median); a categorical column
//! by its level's positive rate in the training rows, smoothed toward the overall rate with
//! [`SMOOTHING`] pseudo-customers so rare levels do not look perfect. The AUC is taken either
//! way round (`max(auc, 1 − auc)`). Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::evaluate::roc::roc_auc;
use crate::core::prep::stats::median;

/// Own AUC from which a column almost certainly leaks the outcome.
pub const LEAK_AUC: f64 = 0.95;
/// Own AUC from which a column is flagged for a check.
pub const CHECK_AUC: f64 = 0.80;
/// Pseudo-customers at the overall rate added to every level.
const SMOOTHING: f64 = 10.0;

/// One feature's predictive power on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleFeatureAuc {
    pub feature: String,
    /// ROC-AUC of the feature alone, 0.5…1.
    pub auc: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeakSeverity {
    /// Own AUC ≥ 0.95.
    Leak,
    /// Own AUC ≥ 0.80.
    Check,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageWarning {
    pub feature: String,
    pub auc: f64,
    pub severity: LeakSeverity,
    pub message: String,
}

/// Every feature's own AUC (strongest first) and the warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageReport {
    pub features: Vec<SingleFeatureAuc>,
    pub warnings: Vec<LeakageWarning>,
}

/// Score every feature of `table` alone against `y` on the `train` rows (`y[i]` belongs to
/// `train[i]`).
pub fn check(table: &CustomerTable, train: &[usize], y: &[bool]) -> LeakageReport {
    let mut features: Vec<SingleFeatureAuc> = table
        .features
        .iter()
        .filter_map(|f| {
            let score = single_feature_score(&f.values, train, y)?;
            let auc = roc_auc(y, &score).ok()?;
            Some(SingleFeatureAuc {
                feature: f.name.clone(),
                auc: auc.max(1.0 - auc),
            })
        })
        .collect();
    features.sort_by(|a, b| b.auc.total_cmp(&a.auc));
    let warnings = features
        .iter()
        .filter(|f| f.auc >= CHECK_AUC)
        .map(|f| {
            let (severity, message) = if f.auc >= LEAK_AUC {
                (
                    LeakSeverity::Leak,
                    format!(
                        "'{}' alone predicts the outcome almost perfectly (AUC {:.3}): it is \
                         probably recorded after the outcome or derived from it. Exclude it \
                         unless it is known before the outcome",
                        f.feature, f.auc
                    ),
                )
            } else {
                (
                    LeakSeverity::Check,
                    format!(
                        "'{}' alone predicts the outcome strongly (AUC {:.3}): check that it is \
                         known before the outcome (a call's duration, for example, is known only \
                         after the call); exclude it if not",
                        f.feature, f.auc
                    ),
                )
            };
            LeakageWarning {
                feature: f.feature.clone(),
                auc: f.auc,
                severity,
                message,
            }
        })
        .collect();
    LeakageReport { features, warnings }
}

/// The feature as a score for the training rows; `None` when it has no values there.
fn single_feature_score(values: &FeatureValues, train: &[usize], y: &[bool]) -> Option<Vec<f64>> {
    match values {
        FeatureValues::Numeric(v) => {
            let cells: Vec<f64> = train
                .iter()
                .map(|&r| v.get(r).copied().unwrap_or(f64::NAN))
                .collect();
            let fill = median(&cells)?;
            Some(
                cells
                    .into_iter()
                    .map(|x| if x.is_finite() { x } else { fill })
                    .collect(),
            )
        }
        FeatureValues::Categorical { levels, codes } => {
            let n_levels = levels.len() + 1; // the last slot: missing
            let slot = |r: usize| {
                codes
                    .get(r)
                    .map(|&c| (c as usize).min(levels.len()))
                    .unwrap_or(levels.len())
            };
            let mut count = vec![0.0; n_levels];
            let mut positive = vec![0.0; n_levels];
            for (&r, &label) in train.iter().zip(y) {
                let s = slot(r);
                if let (Some(c), Some(p)) = (count.get_mut(s), positive.get_mut(s)) {
                    *c += 1.0;
                    *p += f64::from(u8::from(label));
                }
            }
            let total = y.len().max(1) as f64;
            let prior = y.iter().filter(|&&l| l).count() as f64 / total;
            let rate: Vec<f64> = count
                .iter()
                .zip(&positive)
                .map(|(c, p)| (p + SMOOTHING * prior) / (c + SMOOTHING))
                .collect();
            Some(
                train
                    .iter()
                    .map(|&r| rate.get(slot(r)).copied().unwrap_or(prior))
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::Feature;

    #[test]
    fn a_copy_of_the_target_is_flagged_and_noise_is_not() {
        let n = 200;
        let y: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let copy: Vec<f64> = y.iter().map(|&b| if b { 5.0 } else { 1.0 }).collect();
        let noise: Vec<f64> = (0..n).map(|i| ((i * 7919) % 101) as f64).collect();
        let mixed: Vec<u32> = (0..n).map(|i| (i % 2) as u32).collect();
        let table = CustomerTable {
            id_name: "row".into(),
            ids: (0..n).map(|i| i.to_string()).collect(),
            features: vec![
                Feature {
                    name: "noise".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(noise),
                    meta: Default::default(),
                },
                Feature {
                    name: "copy".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(copy),
                    meta: Default::default(),
                },
                Feature {
                    name: "parity".into(),
                    description: String::new(),
                    values: FeatureValues::Categorical {
                        levels: vec!["even".into(), "odd".into()],
                        codes: mixed,
                    },
                    meta: Default::default(),
                },
            ],
        };
        let train: Vec<usize> = (0..n).collect();
        let report = check(&table, &train, &y);
        assert_eq!(
            report.features.first().map(|f| f.feature.as_str()),
            Some("copy")
        );
        assert!((report.features[0].auc - 1.0).abs() < 1e-12);
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(report.warnings[0].severity, LeakSeverity::Leak);
        assert!(report.features.iter().skip(1).all(|f| f.auc < 0.7));
    }
}
