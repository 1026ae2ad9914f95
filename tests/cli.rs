//! The `custos` binary: golden `inspect --json` and `segment --json` output for small fixtures
//! (one golden per segmentation algorithm), the segment report and `-o` CSV, one-line errors,
//! and the Mall_Customers silhouette bar through `custos segment`.

mod common;

use common::{check_golden, custos, fixture, one_line_error, run_ok};

/// Compare `inspect --json` with `tests/golden/<fixture>.json` (`UPDATE_GOLDEN=1` rewrites it).
fn golden(name: &str) {
    let output = run_ok(custos().arg("inspect").arg(fixture(name)).arg("--json"));
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["file"] = serde_json::Value::String(name.to_string());
    let actual = serde_json::to_string_pretty(&json).unwrap() + "\n";
    check_golden(&format!("{name}.json"), &actual);
}

#[test]
fn golden_semicolon_decimal_comma_bom() {
    golden("orders_semicolon_decimal_comma.csv");
}

#[test]
fn golden_pipe_with_missing_tokens() {
    golden("customers_pipe_missing.txt");
}

#[test]
fn golden_windows1252_whitespace() {
    golden("windows1252_whitespace.txt");
}

#[test]
fn human_output_lists_columns() {
    let output = run_ok(
        custos()
            .arg("inspect")
            .arg(fixture("customers_pipe_missing.txt")),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("delimiter   pipe (|)"), "{text}");
    assert!(text.contains("rows        6"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("customer_id") && l.contains("identifier")),
        "{text}"
    );
}

#[test]
fn bad_files_fail_with_one_line() {
    let dir = std::env::temp_dir().join(format!("custos-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"a,b,c\n", "no data rows"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "PNG"),
        ("ragged.csv", b"a,b\n1,2\n3\n4,5\n", "--skip-bad-rows"),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let message = one_line_error(&["inspect".as_ref(), path.as_os_str()]);
        assert!(message.contains(needle), "{name}: {message}");
    }
    let missing = dir.join("does-not-exist.csv");
    assert!(one_line_error(&["inspect".as_ref(), missing.as_os_str()]).contains("cannot open"));
    let ragged = dir.join("ragged.csv");
    let output = run_ok(custos().arg("inspect").arg(&ragged).arg("--skip-bad-rows"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("skipped     1 bad rows"));
    std::fs::remove_dir_all(&dir).ok();
}

// ---- custos segment ----

/// `custos segment <fixture> <args> --json`, run from the fixture folder so the file name in the
/// report does not depend on the checkout path.
fn segment_json(file: &str, args: &[&str]) -> String {
    let output = run_ok(
        custos()
            .current_dir(fixture(""))
            .args(["segment", file])
            .args(args)
            .arg("--json"),
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Four planted segments of 10 customers (frequency and monetary are skewed, so logged).
const PLANTED: &str = "segment_customers_planted.csv";

/// Compare `segment --json --algo <algo>` on the planted fixture with its golden file (K-means
/// keeps the name it had before the other algorithms came).
fn planted_golden(algo: &str, args: &[&str]) {
    let json = segment_json(PLANTED, &[&["--algo", algo], args].concat());
    let name = match algo {
        "kmeans" => format!("{PLANTED}.json"),
        _ => format!("{PLANTED}.{algo}.json"),
    };
    check_golden(&name, &json);
}

#[test]
fn segment_golden_kmeans() {
    planted_golden("kmeans", &["--k-range", "2..6"]);
}

#[test]
fn segment_golden_hierarchical() {
    planted_golden("hierarchical", &["--k-range", "2..6"]);
}

#[test]
fn segment_golden_dbscan() {
    planted_golden("dbscan", &[]);
}

#[test]
fn segment_golden_gmm() {
    planted_golden("gmm", &["--k-range", "2..6"]);
}

#[test]
fn segment_text_report_and_output_csv() {
    let dir = std::env::temp_dir().join(format!("custos-cli-segment-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("segmented.csv");
    let output = run_ok(
        custos()
            .args(["segment".as_ref(), fixture(PLANTED).as_os_str()])
            .args(["--k", "4", "--k-range", "2..6", "-o"])
            .arg(&csv),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "features    recency_days, frequency (log), monetary (log) (standardized)",
        "algorithm   K-means, k-means++ start, 10 restarts, seed 42",
        "  4*  ",
        "chosen      k = 4: your choice, also the suggestion",
        "segment 1  High-Value Loyalists, 76.5% of revenue",
        // The table shows what the persona rules compare: skewed frequency and monetary by
        // their medians (as the header's second line says), recency by its mean, and all
        // customers last.
        "                                    mean      median      median\n",
        "    all         40  100.0%        137.12           4      412.61\n",
        "  why       median monetary 2997.5 = 7.26 × all customers' 412.61 (≥ 1.25 ×);",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    let written = std::fs::read_to_string(&csv).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,recency_days,frequency,monetary,segment")
    );
    assert_eq!(lines.clone().count(), 40);
    assert_eq!(
        lines
            .filter(|l| l.ends_with(",High-Value Loyalists"))
            .count(),
        10
    );
    // Without the log transform nothing is marked, and the note is gone.
    let json = segment_json(PLANTED, &["--k", "4", "--k-range", "4..4", "--no-log"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["log_features"], serde_json::json!([]));
    assert_eq!(report["chosen_k"], 4);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn segment_bad_input_is_one_line() {
    let dir = std::env::temp_dir().join(format!("custos-cli-segment-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let constant = dir.join("constant.csv");
    std::fs::write(
        &constant,
        "customer_id,a,b,c\nC1,1,5,7\nC2,2,3,7\nC3,3,8,7\nC4,4,1,7\nC5,5,9,7\nC6,6,2,7\n",
    )
    .unwrap();
    // 7 customers, 5 of them distinct in (recency, frequency).
    let small = fixture("segment_customers.csv");
    let planted = fixture(PLANTED);
    let cases: [(&std::path::Path, &[&str], &str); 9] = [
        (
            &small,
            &["--features", "recency_days,frequency", "--k", "8"],
            "k = 8 is too many segments: there are only 5 distinct customers",
        ),
        (
            &small,
            &["--features", "recency_days"],
            "at least 2 numeric",
        ),
        (&small, &["--features", "nope,frequency"], "'nope'"),
        (
            &constant,
            &["--features", "a,b,c"],
            "'c' has the same value for every customer",
        ),
        (
            &small,
            &["--algo", "kmean"],
            "use kmeans, hierarchical, dbscan or gmm",
        ),
        (
            &small,
            &["--eps", "0.5"],
            "--eps applies only to --algo dbscan",
        ),
        (
            &small,
            &["--algo", "dbscan", "--k", "3"],
            "--k does not apply to --algo dbscan",
        ),
        (&small, &["--k-range", "2-5"], "FROM..TO"),
        (
            &planted,
            &["--algo", "dbscan", "--eps", "0.001"],
            "Every customer is noise at eps = 1.00e-3: raise eps (the k-distance plot suggests ≈",
        ),
    ];
    for (file, args, needle) in cases {
        let mut all = vec![std::ffi::OsStr::new("segment"), file.as_os_str()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        let message = one_line_error(&all);
        assert!(message.contains(needle), "{args:?}: {message}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Mall_Customers, income and spending score, k = 5: the reference silhouette is 0.555
/// (scikit-learn K-means); Ward through the same path reaches 0.554.
#[test]
fn segment_mall_income_score_k5_through_the_cli() {
    let mall = common::data_dir().join("Mall_Customers.csv");
    for (algo, bar) in [("kmeans", 0.55), ("hierarchical", 0.549)] {
        let output = run_ok(
            custos()
                .args(["segment".as_ref(), mall.as_os_str()])
                .args(["--features", "Annual Income (k$),Spending Score (1-100)"])
                .args(["--k", "5", "--algo", algo, "--json"]),
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let silhouette = report["silhouette"].as_f64().unwrap();
        assert!(silhouette >= bar, "{algo}: silhouette {silhouette} < {bar}");
        assert_eq!(report["chosen_k"], 5, "{algo}");
        assert_eq!(report["segments"].as_array().unwrap().len(), 5, "{algo}");
    }
}

/// `custos predict --json`: the Predict step's numbers for logistic regression on
/// marketing_campaign (scikit-learn's split for seed 42; the same test AUC in the app), with the
/// scored customers written by `-o`. Timings are left out of the golden file.
#[test]
fn predict_json_and_scored_csv() {
    let dir = std::env::temp_dir().join(format!("custos-cli-predict-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scored = dir.join("scored.csv");
    let output = common::run_ok(
        common::custos()
            .arg("predict")
            .arg(common::data_dir().join("marketing_campaign.csv"))
            .args([
                "--target",
                "Response",
                "--models",
                "lr",
                "--balance",
                "none,weights",
                "--json",
                "-o",
            ])
            .arg(&scored),
    );
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["file"] = serde_json::Value::Null;
    json["output"] = serde_json::Value::Null;
    for model in json["models"].as_array_mut().unwrap() {
        for key in ["fit_seconds", "predict_seconds", "cv_fit_seconds_mean"] {
            assert!(model[key].as_f64().unwrap() >= 0.0);
            model[key] = serde_json::Value::Null;
        }
    }
    common::check_golden(
        "predict_marketing_lr.json",
        &(serde_json::to_string_pretty(&json).unwrap() + "\n"),
    );
    let csv = std::fs::read_to_string(&scored).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2241);
    assert_eq!(lines[0], "ID,Response,probability,part");
    assert_eq!(lines.iter().filter(|l| l.ends_with(",test")).count(), 448);
    std::fs::remove_dir_all(&dir).ok();
}

/// `custos predict --derive churn` on Online Retail: the default cutoff (2011-09-10, 90 days
/// before the last purchase), 3,370 customers of whom 1,449 churned (pandas, see
/// `tests/predict_derived.rs`), logistic regression's test AUC (0.719 measured), and the scored
/// customers of the derived table written by `-o`.
#[test]
fn predict_derive_churn() {
    let dir = std::env::temp_dir().join(format!("custos-cli-derive-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scored = dir.join("scored.csv");
    let retail = common::data_dir().join("online_retail_sparkguide.csv");
    let output = run_ok(
        custos()
            .args(["predict".as_ref(), retail.as_os_str()])
            .args(["--derive", "churn", "--models", "lr", "--json", "-o"])
            .arg(&scored),
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["target"], "churn");
    assert_eq!(json["positive"], "churned");
    let derived = &json["derived"];
    assert_eq!(derived["kind"]["kind"], "churn");
    assert_eq!(derived["cutoff_date"], "2011-09-10");
    assert_eq!(derived["window_end_date"], "2011-12-09");
    assert_eq!(derived["n_customers"], 3_370);
    assert_eq!(derived["n_positive"], 1_449);
    let rows = json["train_rows"].as_u64().unwrap() + json["test_rows"].as_u64().unwrap();
    assert_eq!(rows, 3_370);
    assert!(!json["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "churn"));
    let auc = json["models"][0]["test_roc_auc"].as_f64().unwrap();
    assert!(auc >= 0.69, "test AUC {auc}");
    let csv = std::fs::read_to_string(&scored).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "CustomerID,churn,probability,part");
    assert_eq!(lines.len(), 3_371);
    assert_eq!(
        lines.iter().filter(|l| l.contains(",churned,")).count(),
        1_449
    );

    // Bad choices: one line that says what to change.
    let mall = common::data_dir().join("Mall_Customers.csv");
    let cases: [(&std::path::Path, &[&str], &str); 5] = [
        (
            &retail,
            &["--derive", "loyal"],
            "use churn, repeat or high-spender",
        ),
        (
            &retail,
            &["--derive", "churn", "--top-percent", "10"],
            "--top-percent applies only to --derive high-spender",
        ),
        (
            &retail,
            &["--derive", "churn", "--cutoff", "2011-10-01"],
            "Choose a cutoff on or before 2011-09-10, or a window of at most 69 days",
        ),
        (
            &retail,
            &["--derive", "churn", "--cutoff", "2011-13-01"],
            "--cutoff '2011-13-01' is not a date",
        ),
        (
            &mall,
            &["--derive", "churn"],
            "this data is a customer table",
        ),
    ];
    for (file, args, needle) in cases {
        let mut all = vec![std::ffi::OsStr::new("predict"), file.as_os_str()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        let message = one_line_error(&all);
        assert!(message.contains(needle), "{args:?}: {message}");
    }
    // --target and --derive exclude each other (clap's usage error).
    let both = custos()
        .args(["predict".as_ref(), retail.as_os_str()])
        .args(["--derive", "churn", "--target", "frequency"])
        .output()
        .unwrap();
    assert!(!both.status.success());
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
    std::fs::remove_dir_all(&dir).ok();
}
