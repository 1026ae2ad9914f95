//! `custos recommend` end to end: Online Retail's holdout evaluation as JSON (every method, on
//! all and on new products) and every customer's list as CSV, without service lines; the
//! groceries.csv basket list gives rules but no customers; bad flags and a basket list read
//! without --baskets are one-line errors.

mod common;

use std::ffi::OsStr;

use common::{custos, data_dir, one_line_error, run_ok};

fn json_of(args: &[&OsStr]) -> serde_json::Value {
    let output = run_ok(custos().args(args));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn online_retail_evaluation_json_and_every_customers_list() {
    let file = data_dir().join("online_retail_sparkguide.csv");
    let csv = std::env::temp_dir().join(format!("custos-recs-{}.csv", std::process::id()));
    let json = json_of(&[
        OsStr::new("recommend"),
        file.as_os_str(),
        OsStr::new("--cutoff"),
        OsStr::new("2011-09-10"),
        OsStr::new("--method"),
        OsStr::new("cosine"),
        OsStr::new("--exclude-bought"),
        OsStr::new("--json"),
        OsStr::new("-o"),
        csv.as_os_str(),
    ]);
    assert_eq!(json["source"], "purchase lines");
    assert_eq!(json["method"], "cosine");
    assert_eq!(json["cutoff"], "2011-09-10");
    // The user chose the method: nothing was validated to choose it.
    assert_eq!(json["validation"].as_array().map(Vec::len), Some(0));
    let evaluation = json["evaluation"].as_array().expect("evaluation");
    assert_eq!(evaluation.len(), 10);
    let row = |method: &str, exclude: bool| {
        evaluation
            .iter()
            .find(|r| r["method"] == method && r["exclude_bought"] == exclude)
            .expect("row")
    };
    for key in ["hit_rate", "precision", "recall", "map"] {
        assert!(row("als", false)["all_items"][key].as_f64().is_some());
        assert!(row("als", true)["new_items"][key].as_f64().is_some());
    }
    let popularity = row("popularity", false)["all_items"]["hit_rate"]
        .as_f64()
        .unwrap_or(0.0);
    assert!((popularity - 0.538).abs() < 0.01, "{popularity}");
    let customers = json["n_customers"].as_u64().expect("customers") as usize;
    // The customer table's customers (as `custos customers` builds it).
    assert_eq!(customers, 4_372);
    let text = std::fs::read_to_string(&csv).expect("CSV written");
    let _ = std::fs::remove_file(&csv);
    assert_eq!(text.lines().count(), 1 + customers);
    assert!(text.starts_with("customer_id,segment,method,product_1,score_1,why_1,"));
    assert!(!text.contains("POSTAGE (POST)"));
    assert!(json["notes"].as_array().is_some_and(|n| n
        .iter()
        .any(|n| n.as_str().is_some_and(|n| n.contains("POSTAGE")))));
}

#[test]
fn a_basket_list_gives_rules_but_no_customers() {
    let file = data_dir().join("groceries.csv");
    let json = json_of(&[
        OsStr::new("recommend"),
        file.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("--min-support"),
        OsStr::new("0.006"),
        OsStr::new("--json"),
    ]);
    assert_eq!(json["source"], "basket list");
    assert_eq!(
        (json["baskets"].as_u64(), json["items"].as_u64()),
        (Some(9_835), Some(169))
    );
    assert_eq!(json["rules"], 463);
    assert_eq!(json["n_customers"], 0);
    assert!(json["method"].is_null());
    assert_eq!(json["evaluation"].as_array().map(Vec::len), Some(0));
}

#[test]
fn bad_flags_and_files_are_one_line_errors() {
    let retail = data_dir().join("online_retail_sparkguide.csv");
    let groceries = data_dir().join("groceries.csv");
    let line = one_line_error(&[OsStr::new("recommend"), groceries.as_os_str()]);
    assert!(line.contains("--baskets"), "{line}");
    let line = one_line_error(&[
        OsStr::new("recommend"),
        retail.as_os_str(),
        OsStr::new("--method"),
        OsStr::new("magic"),
    ]);
    assert!(line.contains("popularity, cooccurrence"), "{line}");
    let line = one_line_error(&[
        OsStr::new("recommend"),
        retail.as_os_str(),
        OsStr::new("--top"),
        OsStr::new("0"),
    ]);
    assert!(line.contains("between 1 and 100"), "{line}");
    let line = one_line_error(&[
        OsStr::new("recommend"),
        groceries.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("-o"),
        OsStr::new("x.csv"),
    ]);
    assert!(line.contains("custos rules --baskets"), "{line}");
    let line = one_line_error(&[
        OsStr::new("recommend"),
        retail.as_os_str(),
        OsStr::new("--cutoff"),
        OsStr::new("next tuesday"),
    ]);
    assert!(line.contains("--cutoff"), "{line}");
}
