//! Logistic regression, SMOTE and the stratified split on real data: test ROC-AUC of our
//! logistic regression against scikit-learn's on the same matrix and split, SMOTE + logistic
//! regression on the training part only, and timings on bank-full's training part.
//!
//! The matrix: `CustomerTable::from_table`, the target feature taken out as `y`, then
//! `prep::fit_transform` (median / mode imputation, standardisation, one-hot with at most 20
//! columns per categorical). Here the preparation is fitted on ALL rows, to give scikit-learn
//! exactly the same matrix; the real pipeline (`predict::design`) fits it on training rows only.
//!
//! References: scikit-learn 1.9.1 / imbalanced-learn 0.14 on the same machine, on this matrix
//! exported once to CSV: `train_test_split(x, y, test_size=0.2, stratify=y, random_state=42)`
//! (which `stratified_split(y, 0.2, 42)` reproduces row for row), `LogisticRegression(C=1)`
//! (lbfgs, tol 1e-4, max_iter 100) fitted on the training rows, `roc_auc_score` on the test rows;
//! for SMOTE, `SMOTE(k_neighbors=5, random_state=42)` on the training rows first.
//!
//! Timings: `cargo test --release --test predict_linear -- --nocapture` builds at opt-level z,
//! the browser's code generation.

mod common;

use std::time::Instant;

use custos::core::predict::logistic::{LogisticModel, LogisticParams};
use custos::core::predict::smote::SmoteParams;
use custos::core::predict::split::{stratified_split, Split};
use custos::core::predict::Classifier;
use ndarray::{Array2, Axis};

/// The prepared matrix of `file` without `target`, the target as `y` (`positive` is the level
/// or, for numeric columns, the value 1), and the stratified 80/20 split with seed 42
/// (scikit-learn's, row for row).
struct Case {
    x: Array2<f64>,
    y: Vec<bool>,
    split: Split,
}

impl Case {
    fn load(file: &str, target: &str, positive: &str) -> Case {
        let common::EncodedData { x, y, .. } = common::encoded(file, target, positive);
        assert!(x.iter().all(|v| v.is_finite()));
        let split = stratified_split(&y, 0.2, 42).expect("split");
        Case { x, y, split }
    }

    fn train(&self) -> (Array2<f64>, Vec<bool>) {
        let x = self.x.select(Axis(0), &self.split.train);
        let y = self.split.train.iter().map(|&i| self.y[i]).collect();
        (x, y)
    }

    fn test_auc(&self, model: &LogisticModel) -> f64 {
        let x = self.x.select(Axis(0), &self.split.test);
        let y: Vec<bool> = self.split.test.iter().map(|&i| self.y[i]).collect();
        roc_auc(&y, &model.predict_proba(x.view()))
    }
}

/// ROC-AUC as the Mann–Whitney statistic: the share of (positive, negative) pairs ranked right,
/// ties counting half (average ranks).
fn roc_auc(y: &[bool], score: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank_sum_positive = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && score[order[end]] == score[order[start]] {
            end += 1;
        }
        let average_rank = (start + end + 1) as f64 / 2.0;
        let positives = order[start..end].iter().filter(|&&i| y[i]).count();
        rank_sum_positive += average_rank * positives as f64;
        start = end;
    }
    let n_pos = y.iter().filter(|&&v| v).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    (rank_sum_positive - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

#[test]
fn roc_auc_helper_counts_ties_as_half() {
    // Pairs (p, n): (0.8, 0.1) ✓, (0.8, 0.4) ✓, (0.4, 0.1) ✓, (0.4, 0.4) ½ → 3.5 / 4.
    let auc = roc_auc(&[true, false, true, false], &[0.8, 0.1, 0.4, 0.4]);
    assert!((auc - 0.875).abs() < 1e-12);
}

/// Fit our logistic regression (C = 1) on the training rows, plain and after SMOTE, and check the
/// test AUCs against scikit-learn's and imbalanced-learn's.
fn compare(case: &Case, name: &str, sklearn: f64, sklearn_smote: f64) {
    let (x, y) = case.train();
    let started = Instant::now();
    let model = LogisticParams::default()
        .fit(x.view(), &y, None)
        .expect("fit");
    let fit_time = started.elapsed();
    let auc = case.test_auc(&model);
    eprintln!(
        "{name}: {} × {} training rows; LR test AUC {auc:.4} (scikit-learn {sklearn:.4}), {} \
         iterations, fit {fit_time:.2?}",
        x.nrows(),
        x.ncols(),
        model.n_iter()
    );
    assert!(model.converged());
    assert!(
        (auc - sklearn).abs() <= 0.002,
        "{name}: LR test AUC {auc:.4} vs scikit-learn {sklearn:.4}"
    );

    let resampled = SmoteParams::default()
        .fit_resample(x.view(), &y)
        .expect("SMOTE");
    let positives = resampled.y.iter().filter(|&&v| v).count();
    assert_eq!(positives * 2, resampled.y.len(), "{name}: classes balanced");
    let model = LogisticParams::default()
        .fit(resampled.x.view(), &resampled.y, None)
        .expect("fit after SMOTE");
    let auc = case.test_auc(&model);
    eprintln!(
        "{name}: SMOTE added {} rows; SMOTE + LR test AUC {auc:.4} (imbalanced-learn + \
         scikit-learn {sklearn_smote:.4})",
        resampled.n_synthetic
    );
    assert!(
        (auc - sklearn_smote).abs() <= 0.005,
        "{name}: SMOTE + LR test AUC {auc:.4} vs imbalanced-learn {sklearn_smote:.4}"
    );
}

#[test]
fn online_shoppers_logistic_matches_scikit_learn() {
    let case = Case::load("online_shoppers_intention.csv", "Revenue", "TRUE");
    assert_eq!(case.y.iter().filter(|&&v| v).count(), 1908);
    // scikit-learn's first test rows with random_state=42.
    assert_eq!(case.split.test[..5], [1, 4, 5, 9, 11]);
    compare(&case, "online shoppers", SHOPPERS_SKLEARN, SHOPPERS_SMOTE);
}

#[test]
fn telco_churn_logistic_matches_scikit_learn() {
    let case = Case::load("WA_Fn-UseC_-Telco-Customer-Churn.csv", "Churn", "Yes");
    assert_eq!(case.y.iter().filter(|&&v| v).count(), 1869);
    assert_eq!(case.split.test[..5], [6, 7, 9, 14, 18]);
    compare(&case, "telco churn", TELCO_SKLEARN, TELCO_SMOTE);
}

#[test]
fn bank_full_training_part_timings() {
    let case = Case::load("bank-full.csv", "y", "yes");
    assert_eq!(case.y.iter().filter(|&&v| v).count(), 5289);
    let (x, y) = case.train();
    let started = Instant::now();
    let resampled = SmoteParams::default()
        .fit_resample(x.view(), &y)
        .expect("SMOTE");
    let smote_time = started.elapsed();
    let minority = y.iter().filter(|&&v| v).count();
    eprintln!(
        "bank-full: SMOTE on {} × {} training rows ({minority} minority) added {} rows in \
         {smote_time:.2?}",
        x.nrows(),
        x.ncols(),
        resampled.n_synthetic
    );
    let started = Instant::now();
    let model = LogisticParams::default()
        .fit(x.view(), &y, None)
        .expect("fit");
    let fit_time = started.elapsed();
    let auc = case.test_auc(&model);
    eprintln!(
        "bank-full: LR fit {fit_time:.2?} ({} iterations), test AUC {auc:.4} (scikit-learn \
         {BANK_SKLEARN:.4})",
        model.n_iter()
    );
    assert!((auc - BANK_SKLEARN).abs() <= 0.002);
    let started = Instant::now();
    let smote_model = LogisticParams::default()
        .fit(resampled.x.view(), &resampled.y, None)
        .expect("fit after SMOTE");
    eprintln!(
        "bank-full: SMOTE + LR fit {:.2?} ({} iterations), test AUC {:.4}",
        started.elapsed(),
        smote_model.n_iter(),
        case.test_auc(&smote_model)
    );
}

// scikit-learn / imbalanced-learn on the exported matrix and scikit-learn's split (see the
// module documentation). Across SMOTE seeds 0..4 imbalanced-learn's AUC spans 0.8966–0.8982
// (shoppers) and 0.8386–0.8414 (telco), hence the looser bar for SMOTE.
const SHOPPERS_SKLEARN: f64 = 0.887582;
const SHOPPERS_SMOTE: f64 = 0.897181;
const TELCO_SKLEARN: f64 = 0.841933;
const TELCO_SMOTE: f64 = 0.838999;
const BANK_SKLEARN: f64 = 0.905567;
