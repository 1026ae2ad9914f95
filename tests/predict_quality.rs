//! The Predict step's quality bar on the four acceptance datasets (PRODUCT.md §4, issue 5): the
//! model the leaderboard picks (best mean CV ROC-AUC on the training part) must reach
//! scikit-learn's best test ROC-AUC − 0.005 on the held-out 20 %.
//!
//! The protocol is PRODUCT.md's: a stratified 80/20 split with seed 42 — the very split
//! scikit-learn's `train_test_split(stratify=y, random_state=42)` makes (see
//! `core::predict::numpy_rng`) — and 5-fold stratified CV on the training part, preparation
//! fitted inside each fold. Reference (scikit-learn 1.9 / imbalanced-learn 0.14 / XGBoost 3.2):
//! shoppers 0.928, telco 0.842, bank-full 0.934, marketing_campaign 0.909.
//!
//! Only logistic regression and gradient boosting run here (the winners on these datasets; the
//! forest and the tree are covered by their own tests), with default hyperparameters, to keep
//! the suite quick. PR-AUC and F1 are printed beside, with and without SMOTE.

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use custos::core::customer_table::CustomerTable;
use custos::core::predict::balance::Balance;
use custos::core::predict::run::{predict, PredictParams, PredictReport};
use custos::core::predict::search::ModelKind;
use custos::core::predict::target::TargetSpec;

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn customers(file: &str) -> CustomerTable {
    let ingested = common::load_data(file);
    CustomerTable::from_table(&ingested.table)
        .expect("customer table")
        .0
}

fn run(file: &str, target: &str, balances: &[Balance]) -> PredictReport {
    let mut params = PredictParams::new(TargetSpec {
        column: target.to_string(),
        positive: None,
    });
    params.models = vec![ModelKind::Logistic, ModelKind::Gbdt];
    params.balances = balances.to_vec();
    let report = predict(&customers(file), params, now_ms).expect("predict");
    for m in &report.models {
        let c = &m.test_confusion;
        println!(
            "{file}: {:<40} CV {:.4} ± {:.4}  test AUC {:.4}  PR-AUC {:.4}  F1 {:.3} at {:.3}  MCC {:.3}  fit {:.2} s",
            m.label, m.cv_auc_mean, m.cv_auc_sd, m.test_auc, m.test_average_precision, c.f1(),
            m.threshold, c.mcc(), m.fit_seconds
        );
    }
    report
}

fn assert_best_at_least(report: &PredictReport, bar: f64) {
    let best = report.models.first().expect("a model");
    assert!(
        best.test_auc >= bar,
        "{} on {}: test ROC-AUC {:.4} < {bar}",
        best.label,
        report.target,
        best.test_auc
    );
}

#[test]
fn shoppers_purchase_reaches_scikit_learn() {
    let report = run("online_shoppers_intention.csv", "Revenue", &[Balance::None]);
    assert_eq!((report.n_train, report.n_test), (9864, 2466));
    assert_eq!(report.test_positives, 382);
    assert_best_at_least(&report, 0.928 - 0.005);
    // PageValues alone separates buyers well: flagged for a check, kept as a feature.
    assert!(report
        .leakage
        .warnings
        .iter()
        .any(|w| w.feature == "PageValues"));
    assert!(report.features.iter().any(|f| f == "PageValues"));
}

#[test]
fn shoppers_with_smote_stays_at_the_bar_and_only_training_grows() {
    let report = run(
        "online_shoppers_intention.csv",
        "Revenue",
        &[Balance::Smote],
    );
    // SMOTE is for recall at a threshold, not for ranking: it may cost a little AUC, never much.
    assert_best_at_least(&report, 0.928 - 0.01);
    for m in &report.models {
        // Every test customer is real: the matrix counts exactly the held-out customers.
        assert_eq!(m.test_confusion.total(), report.n_test);
        assert_eq!(m.test_confusion.positives(), report.test_positives);
    }
    // SMOTE balanced the training part to 1:1: (9,864 − 1,526) − 1,526 synthetic buyers.
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("SMOTE added 6,812 synthetic")),
        "{:?}",
        report.notes
    );
}

#[test]
fn telco_churn_reaches_scikit_learn() {
    let report = run(
        "WA_Fn-UseC_-Telco-Customer-Churn.csv",
        "Churn",
        &[Balance::None],
    );
    assert_eq!(report.positive, "Yes");
    assert_eq!(report.chance_warning, None);
    assert_best_at_least(&report, 0.842 - 0.005);
}

#[test]
fn bank_subscription_reaches_scikit_learn_and_flags_duration() {
    let report = run("bank-full.csv", "y", &[Balance::None]);
    assert_best_at_least(&report, 0.934 - 0.005);
    let duration = report
        .leakage
        .warnings
        .iter()
        .find(|w| w.feature == "duration")
        .expect("duration flagged");
    assert!(
        duration.auc > 0.79 && duration.auc < 0.83,
        "{}",
        duration.auc
    );
}

#[test]
fn marketing_response_reaches_scikit_learn() {
    let report = run("marketing_campaign.csv", "Response", &[Balance::None]);
    assert_best_at_least(&report, 0.909 - 0.005);
    // The two constant columns are left out with a note; the id is not a feature.
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("Z_CostContact") && n.contains("Z_Revenue")));
    assert!(!report.features.iter().any(|f| f == "ID"));
}

/// Telco's `gender` is not predictable: early stopping keeps no boosting round, so gradient
/// boosting gives everyone the base rate. Its CV AUC (0.502, the folds' own fits) beat logistic
/// regression's (0.464), so it used to head the leaderboard and score every customer with one
/// probability, its note reading "0 boosting rounds" as if it were a fit. It must go last, say why,
/// and not score the customers.
#[test]
fn a_boosting_model_with_no_round_is_listed_last_and_says_so() {
    let report = run(
        "WA_Fn-UseC_-Telco-Customer-Churn.csv",
        "gender",
        &[Balance::None],
    );
    let labels: Vec<_> = report.models.iter().map(|m| m.model).collect();
    assert_eq!(labels, vec![ModelKind::Logistic, ModelKind::Gbdt]);
    let gbdt = &report.models[1];
    let base_rate = report.train_positives as f64 / report.n_train as f64;
    let same = gbdt
        .same_for_everyone
        .expect("one probability for everyone");
    // The base rate of the boosting's own training share (it holds 10 % out for validation).
    assert!(
        (same - base_rate).abs() < 0.01,
        "{same} vs base rate {base_rate}"
    );
    let note = gbdt.note.as_deref().unwrap_or_default();
    assert!(
        note.contains("no tree lowered the validation loss"),
        "{note}"
    );
    assert!(report.models[0].same_for_everyone.is_none());
    assert!(
        report.notes.iter().any(|n| n.contains("ranks no one")
            && n.contains("listed last")
            && n.starts_with("Gradient boosting")),
        "{:?}",
        report.notes
    );
    // The customers are scored by the model that ranks them.
    let first = report.scores.first().copied().unwrap_or_default();
    assert!(report.scores.iter().any(|&s| s != first));
}
