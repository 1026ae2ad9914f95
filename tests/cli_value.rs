//! `custos value` end to end through the binary: the BG/NBD paper's data set gives the paper's
//! parameters (Fader, Hardie & Lee 2005), Online Retail gives the reference numbers of
//! `../shared/docs/ANCHORS-VALUE.md` §4, and bad choices end with one line naming what to
//! change. The `--json` body is read back as the core's `ValueReport` (the browser's numbers).

mod common;

use std::ffi::OsStr;
use std::path::Path;

use custos::core::value::view::ValueReport;

use common::{custos, one_line_error, run_ok};

/// `actual` within `percent` % of `expected`.
fn assert_close(what: &str, actual: f64, expected: f64, percent: f64) {
    let error = (actual - expected).abs() / expected.abs();
    assert!(
        error <= percent / 100.0,
        "{what}: {actual} is {:.3} % from {expected} (allowed {percent} %)",
        error * 100.0
    );
}

/// The 2,357 customers of CDNOW's first-quarter 1997 cohort (lifetimes' `CDNOW_sample.txt`):
/// whitespace-separated, no header; master id, sample id, yyyymmdd, CDs, dollars. Headerless
/// columns are named `column_1` … `column_5`.
fn cdnow_sample() -> std::path::PathBuf {
    common::fixture("cdnow/CDNOW_sample.txt")
}

const CDNOW_ROLES: [&str; 6] = [
    "--customer",
    "column_2",
    "--date",
    "column_3",
    "--amount",
    "column_5",
];

fn value_json(file: &Path, args: &[&str]) -> (serde_json::Value, ValueReport) {
    let output = run_ok(
        custos()
            .args([OsStr::new("value"), file.as_os_str()])
            .args(args)
            .arg("--json"),
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let report: ValueReport = serde_json::from_value(json.clone()).unwrap();
    (json, report)
}

/// The paper's calibration period (39 weeks to 1997-09-30) and holdout (39 weeks = 273 days):
/// r = 0.2426, alpha = 4.414 per week = 30.895 per day, a = 0.7929, b = 2.4259 (the paper's
/// Table, and lifetimes' BetaGeoFitter on the same summary with freq='D': 30.8952 per day).
#[test]
fn bgnbd_on_the_papers_cdnow_sample_gives_the_published_parameters() {
    let file = cdnow_sample();
    let mut args = CDNOW_ROLES.to_vec();
    args.extend([
        "--cutoff",
        "1997-09-30",
        "--horizon-days",
        "273",
        "--models",
        "bgnbd",
    ]);
    let (json, report) = value_json(&file, &args);
    assert_eq!(json["bgnbd"]["time_unit_days"], 1, "alpha is per day");
    assert_eq!(report.cutoff.as_deref(), Some("1997-09-30"));
    assert_eq!(report.horizon_days, 273);
    let fit = report.bgnbd.expect("a BG/NBD fit");
    assert_eq!(fit.time_unit_days, 1);
    assert_eq!(fit.customers, 2_357);
    assert_close("r", fit.r, 0.2426, 0.5);
    assert_close("alpha (per day)", fit.alpha, 30.895, 0.5);
    assert_close("a", fit.a, 0.7929, 0.5);
    assert_close("b", fit.b, 2.4259, 0.5);
    assert!(
        fit.boundary.is_none(),
        "an interior optimum: {:?}",
        fit.boundary
    );
    assert!(report.supervised.is_none(), "only bgnbd was asked for");

    // The text report says the same in words.
    let text = run_ok(
        custos()
            .args([OsStr::new("value"), file.as_os_str()])
            .args(&args),
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("cutoff      1997-09-30"), "{text}");
    assert!(text.contains("horizon     273 days"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("BG/NBD"))
        .unwrap_or_else(|| panic!("no BG/NBD line: {text}"));
    assert!(line.contains("r 0.24"), "{line}");
    assert!(line.contains("per day"), "{line}");
}

/// ANCHORS-VALUE.md §4: Online Retail cleaned as the anchors define (no customer id, `C`
/// invoices, quantity ≤ 0, price ≤ 0 out; exact duplicates kept), cutoff 2011-09-10, horizon
/// 90 days. BG/NBD runs to the boundary (a → 0, b → ∞: lifetimes raises ConvergenceError) and
/// says so; r and alpha are stable there. One load of the file in this binary: JSON and `-o`
/// from the same run.
#[test]
fn online_retail_matches_the_anchors_and_writes_every_customer() {
    let dir = std::env::temp_dir().join(format!("custos-cli-value-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scored = dir.join("value.csv");
    let retail = common::data_dir().join("online_retail_sparkguide.csv");
    let scored_arg = scored.to_str().unwrap();
    let (json, report) = value_json(
        &retail,
        &[
            "--cancellations",
            "drop",
            "--duplicates",
            "keep",
            "--cutoff",
            "2011-09-10",
            "--horizon-days",
            "90",
            "--models",
            "bgnbd",
            "-o",
            scored_arg,
        ],
    );
    assert_eq!(report.cutoff.as_deref(), Some("2011-09-10"));
    assert_eq!(report.holdout_end.as_deref(), Some("2011-12-09"));
    assert!(report.holdout_complete);
    assert!(!report.receipt.is_empty(), "the receipt says which lines");

    let gg = report.gamma_gamma.expect("a Gamma-Gamma fit");
    assert_close("p", gg.p, 2.3287, 0.5);
    assert_close("q", gg.q, 3.3454, 0.5);
    assert_close("v", gg.v, 413.78, 0.5);
    assert_eq!(gg.customers, 1_956, "repeat buyers");

    let bg = report.bgnbd.expect("a BG/NBD fit");
    assert_eq!(json["bgnbd"]["time_unit_days"], 1);
    assert_close("r", bg.r, 0.7224, 0.5);
    assert_close("alpha (per day)", bg.alpha, 65.873, 0.5);
    assert_eq!(bg.customers, 3_370);
    let boundary = bg.boundary.expect("the boundary fit explained");
    assert!(!boundary.trim().is_empty());

    let holdout = report.holdout.expect("holdout totals");
    assert_eq!(holdout.customers, 3_370);
    assert_close(
        "Σ predicted holdout purchases",
        holdout.predicted_purchases,
        3_326.1,
        1.0,
    );
    assert_eq!(holdout.actual_purchases, 4_482.0, "holdout purchase days");
    assert_eq!(holdout.new_customers, 968, "first purchase in the holdout");

    // -o: a header and one row per customer of the explored table (4,339 with these cleaning
    // choices; zero-price lines are the Value step's to leave out, not the customer table's).
    let csv = std::fs::read_to_string(&scored).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header[0], "CustomerID");
    assert!(header.len() >= 3, "{}", lines[0]);
    assert_eq!(lines.len() - 1, 4_339);
    assert_eq!(json["customers"], 4_339);
    let mut ids = std::collections::HashSet::new();
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        assert!(ids.insert(cells[0]), "customer {} twice", cells[0]);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Bad choices end with one line that says what to change, before any model is fitted.
#[test]
fn bad_value_choices_fail_with_one_line() {
    let file = cdnow_sample();
    let run = |extra: &[&str]| {
        let mut all = vec![OsStr::new("value"), file.as_os_str()];
        all.extend(CDNOW_ROLES.iter().map(OsStr::new));
        all.extend(extra.iter().map(OsStr::new));
        one_line_error(&all)
    };
    let unknown = run(&["--models", "bgnbd,xgb"]);
    assert!(unknown.contains("'xgb' is unknown"), "{unknown}");
    assert!(
        unknown.contains("bgnbd, ridge, tree, rf, gbdt, mlp"),
        "{unknown}"
    );
    let not_a_date = run(&["--cutoff", "1997-13-01"]);
    assert!(not_a_date.contains("--cutoff '1997-13-01' is not a date"));
    let target = run(&["--target", "column_4"]);
    assert!(target.contains("purchase lines"), "{target}");

    // Without the role flags, the headerless file has no customer column: say which flags.
    let roles = one_line_error(&[OsStr::new("value"), file.as_os_str()]);
    assert!(roles.contains("no customer ID column"), "{roles}");
    assert!(roles.contains("--customer"), "{roles}");

    // A customer file has no dates to cut.
    let customers = common::fixture("segment_customers.csv");
    let message = one_line_error(&[
        OsStr::new("value"),
        customers.as_os_str(),
        OsStr::new("--cutoff"),
        OsStr::new("2020-01-01"),
    ]);
    assert!(message.contains("customer file"), "{message}");

    // A cutoff after the data's last purchase (1998-06-30) names that day.
    let late = run(&["--cutoff", "1998-07-15"]);
    assert!(late.contains("1998-06-30"), "{late}");
}
