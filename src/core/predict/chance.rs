//! Is the target predictable at all? A model whose cross-validated ROC-AUC is within noise of
//! 0.5 ranks customers no better than a coin; its leaderboard, curves and "contact the top
//! 20 %" would look like an answer without being one (Telco with target `gender`: CV AUC
//! 0.46 ± 0.01, test 0.49).
//!
//! The rule, on the leaderboard's best model (best mean CV AUC, the one that scores the
//! customers), with k folds of AUCs a₁…a_k, mean m and sample sd s:
//! - the standard error of m is the larger of s / √k (the folds' own spread) and the
//!   Hanley–McNeil (1982) standard error of an AUC of m with the training part's n₊ positives
//!   and n₋ negatives — the pooled out-of-fold AUC is an AUC over all of them, and fold AUCs
//!   are correlated (their training rows overlap), so s / √k alone can be too small;
//! - **not predictable** when m − 2·SE ≤ 0.5: a coin toss lies within two standard errors;
//! - **barely predictable** when m < [`MIN_USEFUL_AUC`] (0.55) otherwise: real but too weak
//!   to rank customers usefully (the CDs file's one-time-buyer target: 0.54).
//!
//! Mean AUCs below 0.5 count as "within noise" too: a target no feature explains often scores
//! a little under 0.5 in cross-validation. Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

/// Below this mean CV AUC a model ranks customers little better than at random.
pub const MIN_USEFUL_AUC: f64 = 0.55;

/// The warning shown when the best model is no better, or hardly better, than chance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChanceWarning {
    /// The model judged ("Logistic regression · None").
    pub model: String,
    pub cv_auc_mean: f64,
    /// Two standard errors of the mean CV AUC (see the module documentation).
    pub noise: f64,
    /// `true`: 0.5 lies within `noise` of the mean ("not predictable"); `false`: the mean is
    /// under [`MIN_USEFUL_AUC`] ("barely predictable").
    pub within_noise: bool,
    /// The sentence the report, the app and the CLI show.
    pub message: String,
}

/// The Hanley–McNeil standard error of an AUC `auc` with `positives` and `negatives`.
pub fn hanley_mcneil_se(auc: f64, positives: usize, negatives: usize) -> f64 {
    let (n1, n2) = (positives as f64, negatives as f64);
    if n1 < 1.0 || n2 < 1.0 || !auc.is_finite() {
        return f64::INFINITY;
    }
    let a = auc.clamp(0.0, 1.0);
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    let variance =
        (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n2 - 1.0) * (q2 - a * a)) / (n1 * n2);
    variance.max(0.0).sqrt()
}

/// The warning for a model (`label`) with per-fold CV AUCs `fold_aucs`, trained on a part with
/// `positives` and `negatives`; `None` when it is clearly better than chance.
pub fn check(
    label: &str,
    fold_aucs: &[f64],
    positives: usize,
    negatives: usize,
) -> Option<ChanceWarning> {
    let folds: Vec<f64> = fold_aucs
        .iter()
        .copied()
        .filter(|a| a.is_finite())
        .collect();
    if folds.is_empty() {
        return None;
    }
    let k = folds.len() as f64;
    let mean = folds.iter().sum::<f64>() / k;
    let sd = if folds.len() > 1 {
        (folds.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (k - 1.0)).sqrt()
    } else {
        0.0
    };
    let se = (sd / k.sqrt()).max(hanley_mcneil_se(mean, positives, negatives));
    let noise = 2.0 * se;
    let within_noise = mean - noise <= 0.5;
    if !within_noise && mean >= MIN_USEFUL_AUC {
        return None;
    }
    let message = if within_noise {
        format!(
            "This target is not predictable from these features: the best model ({label}) has a \
             cross-validated ROC-AUC of {mean:.3} ± {sd:.3} over {} folds, and a coin toss (0.5) \
             lies within two standard errors (±{noise:.3}). Its probabilities rank customers no \
             better than at random: choose another target, or add features that bear on it.",
            folds.len()
        )
    } else {
        format!(
            "This target is barely predictable from these features: the best model ({label}) has \
             a cross-validated ROC-AUC of {mean:.3} (0.5 is a coin toss; under \
             {MIN_USEFUL_AUC:.2} a model ranks customers little better than at random). Treat \
             its probabilities as a weak hint."
        )
    };
    Some(ChanceWarning {
        model: label.to_string(),
        cv_auc_mean: mean,
        noise,
        within_noise,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanley_mcneil_standard_errors() {
        // Their formula by hand: A = 0.9, 50 + 50 → Q1 = 0.8182, Q2 = 0.8526,
        // SE = √((0.09 + 49·0.0082 + 49·0.0426) / 2500) = 0.0321.
        let se = hanley_mcneil_se(0.9, 50, 50);
        assert!((se - 0.0321).abs() < 2e-4, "{se}");
        // At 0.5 with 2,800 of each: about 0.0077.
        let coin = hanley_mcneil_se(0.5, 2_800, 2_800);
        assert!((coin - 0.0077).abs() < 3e-4, "{coin}");
    }

    #[test]
    fn a_coin_toss_is_flagged_and_a_real_model_is_not() {
        // Telco's gender: CV AUC 0.464 ± 0.008 over 5 folds.
        let gender = check("lr", &[0.455, 0.46, 0.47, 0.458, 0.475], 2_790, 2_844).unwrap();
        assert!(gender.within_noise);
        assert!(gender
            .message
            .starts_with("This target is not predictable from these features"));
        // Telco's churn: 0.845 ± 0.01.
        assert_eq!(
            check("lr", &[0.84, 0.85, 0.83, 0.86, 0.845], 1_495, 4_139),
            None
        );
        // Small but real: 0.53 on 40,000 customers is no coin, yet barely useful.
        let weak = check("lr", &[0.53, 0.531, 0.529, 0.53, 0.53], 20_000, 20_000).unwrap();
        assert!(!weak.within_noise);
        assert!(weak.message.contains("barely predictable"));
        // Few customers: 0.6 with 30 positives is within noise (Hanley–McNeil SE ≈ 0.06).
        assert!(check("lr", &[0.6; 5], 30, 300).unwrap().within_noise);
        assert_eq!(check("lr", &[], 10, 10), None);
    }
}
