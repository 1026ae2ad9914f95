//! How close predicted numbers (spend, CLV) come to the actual ones: mean absolute error, root
//! mean squared error, R² and Spearman's rank correlation, as scikit-learn and SciPy define
//! them.
//!
//! - MAE = mean |y − ŷ|; RMSE = √(mean (y − ŷ)²), in the target's own unit.
//! - R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (`r2_score`): 1 is perfect, 0 is what always predicting the
//!   mean of these customers scores, below 0 is worse than that. When every actual value is
//!   the same, R² is 1 for a perfect prediction and 0 otherwise (scikit-learn's
//!   `force_finite`).
//! - Spearman = Pearson's correlation of the ranks, ties given their average rank
//!   (`scipy.stats.spearmanr`): does the model put the customers in the right order? Not
//!   defined (`None`) when either side has a single value (a constant baseline).
//!
//! Pure Rust: no web-sys; never panics on user data.

use serde::{Deserialize, Serialize};

use super::EvalError;

/// The four measures of one prediction against the actual values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    pub mae: f64,
    pub rmse: f64,
    pub r2: f64,
    /// `None` when the predictions (or the actual values) are all the same.
    pub spearman: Option<f64>,
}

/// MAE, RMSE, R² and Spearman of `predicted` against `actual` (same length, finite numbers).
pub fn regression_metrics(
    actual: &[f64],
    predicted: &[f64],
) -> Result<RegressionMetrics, EvalError> {
    check(actual, predicted)?;
    Ok(RegressionMetrics {
        mae: mae(actual, predicted),
        rmse: rmse(actual, predicted),
        r2: r2(actual, predicted),
        spearman: spearman(actual, predicted),
    })
}

/// Same lengths, at least one row, finite numbers on both sides.
pub(crate) fn check(actual: &[f64], predicted: &[f64]) -> Result<(), EvalError> {
    if actual.len() != predicted.len() {
        return Err(EvalError::LengthMismatch {
            labels: actual.len(),
            scores: predicted.len(),
        });
    }
    if actual.is_empty() {
        return Err(EvalError::Empty);
    }
    if let Some(row) = actual.iter().position(|v| !v.is_finite()) {
        return Err(EvalError::NonFiniteActual { row });
    }
    if let Some(row) = predicted.iter().position(|v| !v.is_finite()) {
        return Err(EvalError::NonFiniteScore { row });
    }
    Ok(())
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// Mean absolute error.
pub fn mae(actual: &[f64], predicted: &[f64]) -> f64 {
    let n = actual.len().min(predicted.len()).max(1) as f64;
    actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).abs())
        .sum::<f64>()
        / n
}

/// Root mean squared error.
pub fn rmse(actual: &[f64], predicted: &[f64]) -> f64 {
    let n = actual.len().min(predicted.len()).max(1) as f64;
    (actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p) * (a - p))
        .sum::<f64>()
        / n)
        .sqrt()
}

/// Coefficient of determination (see the module documentation).
pub fn r2(actual: &[f64], predicted: &[f64]) -> f64 {
    let m = mean(actual);
    let total: f64 = actual.iter().map(|a| (a - m) * (a - m)).sum();
    let residual: f64 = actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p) * (a - p))
        .sum();
    if total > 0.0 {
        1.0 - residual / total
    } else if residual == 0.0 {
        1.0
    } else {
        0.0
    }
}

/// Ranks 1…n of `values`, ties sharing their average rank (non-finite values rank last).
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (values[a], values[b]);
        x.partial_cmp(&y)
            .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()))
    });
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let value = values[order[start]];
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == value {
            end += 1;
        }
        // Positions start..end hold ranks start + 1 ..= end.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Pearson's correlation; `None` when either side has no spread.
fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ma, mb) = (mean(a), mean(b));
    let mut sab = 0.0;
    let mut saa = 0.0;
    let mut sbb = 0.0;
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation (average ranks for ties); `None` when either side is constant.
pub fn spearman(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    if actual.len() != predicted.len() || actual.len() < 2 {
        return None;
    }
    pearson(&average_ranks(actual), &average_ranks(predicted))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values from scikit-learn 1.9.1 / SciPy:
    //   y = [3, -0.5, 2, 7, 0, 0], p = [2.5, 0.0, 2, 8, 0, 1]
    //   mean_absolute_error 0.5, root_mean_squared_error 0.6454972243679028,
    //   r2_score 0.9378238341968912, spearmanr(y, p).statistic 0.9558823529411764
    #[test]
    fn metrics_match_scikit_learn_and_scipy() {
        let y = [3.0, -0.5, 2.0, 7.0, 0.0, 0.0];
        let p = [2.5, 0.0, 2.0, 8.0, 0.0, 1.0];
        let m = regression_metrics(&y, &p).unwrap();
        assert!((m.mae - 0.5).abs() < 1e-12);
        assert!((m.rmse - 0.645_497_224_367_902_8).abs() < 1e-12);
        assert!((m.r2 - 0.937_823_834_196_891_2).abs() < 1e-12, "{}", m.r2);
        assert!((m.spearman.unwrap() - 0.955_882_352_941_176_4).abs() < 1e-12);
    }

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(
            average_ranks(&[10.0, 0.0, 0.0, 5.0, 0.0]),
            vec![5.0, 2.0, 2.0, 4.0, 2.0]
        );
        assert_eq!(average_ranks(&[]), Vec::<f64>::new());
    }

    #[test]
    fn constant_sides_and_bad_input() {
        // A constant prediction has no rank order; R² of the mean of these customers is 0.
        let y = [1.0, 2.0, 3.0];
        let m = regression_metrics(&y, &[2.0; 3]).unwrap();
        assert_eq!(m.spearman, None);
        assert_eq!(m.r2, 0.0);
        // Constant actual values: 1 when exact, 0 otherwise (scikit-learn's force_finite).
        assert_eq!(r2(&[4.0; 3], &[4.0; 3]), 1.0);
        assert_eq!(r2(&[4.0; 3], &[4.0, 4.0, 5.0]), 0.0);
        assert_eq!(
            regression_metrics(&y, &[1.0]),
            Err(EvalError::LengthMismatch {
                labels: 3,
                scores: 1
            })
        );
        assert_eq!(regression_metrics(&[], &[]), Err(EvalError::Empty));
        assert_eq!(
            regression_metrics(&y, &[1.0, f64::NAN, 2.0]),
            Err(EvalError::NonFiniteScore { row: 1 })
        );
        assert_eq!(
            regression_metrics(&[1.0, f64::INFINITY], &[1.0, 2.0]),
            Err(EvalError::NonFiniteActual { row: 1 })
        );
    }
}
