//! Every bad-input case of the Predict step (issue 5) gets a clear message, never a panic: a
//! target with one class, a target with more than two values, a minority class too small for
//! SMOTE, more folds than minority customers, only constant features, an empty column.

mod common;

use std::ffi::OsStr;
use std::sync::OnceLock;
use std::time::Instant;

use custos::core::customer_table::{CustomerTable, Feature, FeatureValues};
use custos::core::ingest::{self, IngestOptions};
use custos::core::predict::balance::Balance;
use custos::core::predict::run::{predict, PredictError, PredictParams, PredictReport};
use custos::core::predict::search::ModelKind;
use custos::core::predict::target::TargetSpec;

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// `n` customers: `positives` of them bought; spend rises with buying, plus noise.
fn csv(n: usize, positives: usize, extra_header: &str, extra: impl Fn(usize) -> String) -> String {
    let mut text = format!("id,spend,visits,plan{extra_header},bought\n");
    for i in 0..n {
        let bought =
            i % (n / positives.max(1)).max(1) == 0 && i / (n / positives.max(1)).max(1) < positives;
        let spend = (i * 37 % 101) as f64 + if bought { 60.0 } else { 0.0 };
        text.push_str(&format!(
            "C{i},{spend},{},{}{},{}\n",
            i % 7,
            ["basic", "gold", "silver"][i % 3],
            extra(i),
            if bought { "yes" } else { "no" }
        ));
    }
    text
}

fn table(text: &str) -> CustomerTable {
    let ingested = ingest::ingest_bytes(text.as_bytes(), &IngestOptions::default()).unwrap();
    CustomerTable::from_table(&ingested.table).unwrap().0
}

fn params(target: &str) -> PredictParams {
    let mut p = PredictParams::new(TargetSpec {
        column: target.to_string(),
        positive: None,
    });
    p.models = vec![ModelKind::Logistic, ModelKind::DecisionTree];
    p
}

fn run(text: &str, p: PredictParams) -> Result<PredictReport, PredictError> {
    predict(&table(text), p, now_ms)
}

#[test]
fn a_target_with_one_class_is_refused() {
    let text = csv(60, 0, "", |_| String::new());
    let err = run(&text, params("bought")).unwrap_err();
    assert!(err.to_string().contains("only one value"), "{err}");
}

#[test]
fn a_target_with_more_values_asks_for_the_positive_one() {
    let text = csv(90, 20, "", |_| String::new());
    let err = run(&text, params("plan")).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("3 different values"), "{message}");
    assert!(
        message.contains("say which value is the positive"),
        "{message}"
    );
    let mut p = params("plan");
    p.target.positive = Some("gold".to_string());
    let report = run(&text, p).unwrap();
    assert_eq!(
        (report.positive.as_str(), report.negative.as_str()),
        ("gold", "not gold")
    );
}

#[test]
fn a_minority_too_small_for_smote_is_refused_before_any_fit() {
    // 8 buyers: 6 in training, about 5 per training fold; SMOTE with k = 5 needs 6.
    let text = csv(80, 8, "", |_| String::new());
    let mut p = params("bought");
    p.balances = vec![Balance::Smote];
    let err = run(&text, p.clone()).unwrap_err();
    assert!(
        matches!(err, PredictError::SmoteTooFewMinority { k: 5, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("lower SMOTE's neighbours"),
        "{err}"
    );
    p.smote_k = 2;
    assert!(run(&text, p).is_ok());
}

#[test]
fn more_folds_than_minority_customers_is_refused() {
    let text = csv(60, 4, "", |_| String::new());
    let err = run(&text, params("bought")).unwrap_err();
    assert!(err.to_string().contains("folds were asked for"), "{err}");
}

#[test]
fn only_constant_features_is_refused() {
    let mut text = String::from("id,a,b,bought\n");
    for i in 0..50 {
        text.push_str(&format!(
            "C{i},1,x,{}\n",
            if i % 4 == 0 { "yes" } else { "no" }
        ));
    }
    let err = run(&text, params("bought")).unwrap_err();
    assert!(err.to_string().contains("no feature is left"), "{err}");
}

#[test]
fn an_empty_column_is_left_out_with_a_note() {
    // A file's empty column is typed text and never reaches the customer table; a numeric
    // column can still have no values among the customers (e.g. after a type change).
    let mut customers = table(&csv(120, 30, "", |_| String::new()));
    customers.features.insert(
        1,
        Feature {
            name: "notes_score".to_string(),
            description: String::new(),
            values: FeatureValues::Numeric(vec![f64::NAN; customers.n_rows()]),
            meta: Default::default(),
        },
    );
    let report = predict(&customers, params("bought"), now_ms).unwrap();
    assert!(!report.features.iter().any(|f| f == "notes_score"));
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("no values: notes_score")),
        "{:?}",
        report.notes
    );
    assert!(report.models.iter().all(|m| m.test_auc.is_finite()));
}

#[test]
fn the_cli_says_what_is_wrong_in_one_line() {
    let dir = std::env::temp_dir().join(format!("custos-predict-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("customers.csv");
    std::fs::write(&file, csv(90, 20, "", |_| String::new())).unwrap();
    let error = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![OsStr::new("predict"), file.as_os_str()];
        args.extend(extra.iter().map(OsStr::new));
        common::one_line_error(&args)
    };
    assert!(error(&["--target", "nope"]).contains("there is no column 'nope'"));
    assert!(error(&["--target", "plan"]).contains("say which value is the positive"));
    assert!(error(&["--target", "bought", "--models", "svm"]).contains("use lr, tree, rf or gbdt"));
    assert!(error(&["--target", "bought", "--folds", "1"]).contains("at least 2 folds"));
    assert!(error(&["--target", "bought", "--test-size", "1.5"]).contains("test share"));
    assert!(error(&["--target", "bought", "--search", "random:0"]).contains("random:N"));
    std::fs::remove_dir_all(&dir).ok();
}
