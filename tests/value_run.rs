//! The Value step end to end as the worker and the CLI drive it (`ValueJob`): on Online Retail
//! with the app's default cleaning, BG/NBD + Gamma-Gamma and the supervised models together —
//! the supervised leaderboard holds the baselines (mean, median, the naive rate) and BG/NBD at
//! the cutoff scored on the same test customers, the model chosen by cross-validation beats the
//! mean, and every customer of the explored table gets its forecast; the segment label is a
//! feature only as of the cutoff (never the one found from the whole history). On a customer
//! file (Mall Customers), a numeric column is the target, the segment a feature unless it was
//! found on that column, and the bad choices are refused with a message.

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use custos::core::customer_table::{CustomerSource, CustomerTable, Feature, FeatureValues};
use custos::core::explore::{self, ExploreParams, Explored};
use custos::core::features::{FeatureParams, RoleMapping};
use custos::core::ingest::Ingested;
use custos::core::prep::PrepParams;
use custos::core::segment::assign::assign;
use custos::core::segment::run::{segment, SegmentParams, Segmentation};
use custos::core::value::run::{
    SegmentSource, ValueInputs, ValueJob, ValueModel, ValueParams, ValueRun, ValueRunError,
    ValueTarget,
};

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

struct Loaded {
    ingested: Ingested,
    features: Option<FeatureParams>,
    customers: CustomerTable,
    /// Explore's prepared table and its fitted preparation (what the Segment step reads).
    explored: Explored,
}

fn load(name: &str, source: CustomerSource) -> Loaded {
    let ingested = common::load_data(name);
    let features = FeatureParams {
        mapping: RoleMapping::from_roles(&ingested.table),
        ..FeatureParams::default()
    };
    let params = ExploreParams {
        source,
        features: features.clone(),
        prep: PrepParams::default(),
    };
    let explored = explore::run(&ingested.table, &params, &mut |_| {}).expect("explore");
    Loaded {
        features: (source == CustomerSource::Transactions).then_some(features),
        ingested,
        customers: explored.built.customers.clone(),
        explored,
    }
}

fn retail() -> &'static Loaded {
    static DATA: OnceLock<Loaded> = OnceLock::new();
    DATA.get_or_init(|| load("online_retail_sparkguide.csv", CustomerSource::Transactions))
}

fn mall() -> &'static Loaded {
    static DATA: OnceLock<Loaded> = OnceLock::new();
    DATA.get_or_init(|| load("Mall_Customers.csv", CustomerSource::CustomerFile))
}

fn run_with(
    loaded: &Loaded,
    customers: &CustomerTable,
    params: ValueParams,
) -> Result<ValueRun, ValueRunError> {
    run_segmented(loaded, customers, None, params)
}

fn run_segmented(
    loaded: &Loaded,
    customers: &CustomerTable,
    segmentation: Option<&Segmentation>,
    params: ValueParams,
) -> Result<ValueRun, ValueRunError> {
    let inputs = ValueInputs {
        table: &loaded.ingested.table,
        lines: loaded.features.as_ref(),
        customers,
        purchases: None,
        segments: segmentation.map(|segmentation| SegmentSource {
            prep: &loaded.explored.fitted,
            segmentation,
        }),
    };
    let mut job = ValueJob::new(&inputs, params, now_ms)?;
    let mut last = 0.0;
    while job.step()? {
        let done = job.fraction_done();
        assert!(
            done >= last - 1e-12 && done <= 1.0,
            "progress {last} -> {done}"
        );
        last = done;
    }
    job.finish()
}

fn column<'a>(run: &'a ValueRun, title: &str) -> &'a [Option<f64>] {
    run.customers
        .columns
        .iter()
        .find(|c| c.title == title)
        .map(|c| c.values.as_slice())
        .unwrap_or_else(|| panic!("no column {title}"))
}

/// Online Retail, default cleaning and cutoff (2011-09-10, 90 days), every model.
fn retail_run() -> &'static ValueRun {
    static RUN: OnceLock<ValueRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let loaded = retail();
        run_with(loaded, &loaded.customers, ValueParams::new()).expect("value run")
    })
}

#[test]
fn online_retail_supervised_models_beside_bgnbd_on_the_same_customers() {
    let run = retail_run();
    let report = &run.report;
    assert_eq!(report.cutoff.as_deref(), Some("2011-09-10"));
    let bgnbd = report.bgnbd.as_ref().expect("BG/NBD fitted");
    assert!((bgnbd.r - 0.7224).abs() < 0.0036, "r {}", bgnbd.r);
    let s = report.supervised.as_ref().expect("supervised models ran");
    assert_eq!(s.target, "Spend in the 90 days after 2011-09-10");
    // The customers modelled at the cutoff (3,370), split as scikit-learn would.
    assert_eq!((s.train_rows, s.test_rows), (2696, 674));
    assert!(!s.features.iter().any(|f| f == "segment"));
    let keys: Vec<&str> = s.leaderboard.iter().map(|r| r.key.as_str()).collect();
    for key in [
        "mean",
        "median",
        "naive_rate",
        "bgnbd",
        "ridge",
        "tree",
        "gbdt",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    for row in &s.leaderboard {
        assert_eq!(
            row.baseline,
            ["mean", "median", "naive_rate", "bgnbd"].contains(&row.key.as_str()),
            "{}",
            row.key
        );
    }
    let best_key = s.best.as_deref().expect("a chosen model");
    let best = s
        .leaderboard
        .iter()
        .find(|r| r.key == best_key)
        .expect("best row");
    assert!(!best.baseline, "chosen: {best_key}");
    let mean = s
        .leaderboard
        .iter()
        .find(|r| r.key == "mean")
        .expect("mean");
    assert!(
        best.test_rmse < mean.test_rmse,
        "{best_key} {} vs mean {}",
        best.test_rmse,
        mean.test_rmse
    );
    // Chosen by CV among the models and the mean/median, never by the test part.
    let lowest_cv = s
        .leaderboard
        .iter()
        .filter(|r| !r.baseline || r.key == "mean" || r.key == "median")
        .filter_map(|r| r.cv_rmse)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(best.cv_rmse, Some(lowest_cv));
    // BG/NBD at the cutoff on the test customers forecasts like the holdout check does: a
    // positive R² on spend.
    let bg = s
        .leaderboard
        .iter()
        .find(|r| r.key == "bgnbd")
        .expect("bgnbd");
    assert!(bg.test_r2 > 0.1, "BG/NBD test R² {}", bg.test_r2);
    // A chart pair per leaderboard row, and the importance of the chosen model.
    assert_eq!(run.model_charts.len(), s.leaderboard.len());
    assert!(run.model_charts.iter().all(|c| c.len() == 2));
    assert!(run.importance_chart.is_some());
    assert!(!s.importance.is_empty());
}

#[test]
fn every_explored_customer_gets_the_chosen_models_spend_forecast() {
    let run = retail_run();
    let n = retail().customers.n_rows();
    assert_eq!(run.customers.ids.len(), n);
    let predicted = column(run, "predicted_spend_90d");
    assert_eq!(predicted.len(), n);
    let values: Vec<f64> = predicted.iter().flatten().copied().collect();
    assert_eq!(values.len(), n, "a forecast for every customer");
    assert!(values.iter().all(|v| v.is_finite() && *v >= 0.0));
    // The list still opens on the CLV (BG/NBD + Gamma-Gamma), highest first.
    let sort = run.customers.default_sort.expect("a sort column");
    assert_eq!(run.customers.columns[sort].title, "clv_90d");
    // Customers who spent more up to now are forecast to spend more: the forecast's rank
    // agrees with the CLV's.
    let clv = column(run, "clv_90d");
    let pairs: Vec<(f64, f64)> = clv
        .iter()
        .zip(predicted)
        .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
        .collect();
    let above = |i: usize, j: usize| {
        (pairs[i].0 - pairs[j].0).signum() * (pairs[i].1 - pairs[j].1).signum()
    };
    let concordance: f64 = (0..pairs.len().saturating_sub(1))
        .step_by(7)
        .map(|i| above(i, i + 1))
        .sum::<f64>();
    assert!(
        concordance > 0.0,
        "forecast and CLV disagree: {concordance}"
    );
}

/// Whether the run's features hold the segment (`used`), and a note that says so or why not
/// (with `why` in it).
fn assert_segment(run: &ValueRun, used: bool, why: &str) {
    let s = run.report.supervised.as_ref().expect("supervised");
    assert_eq!(
        s.features.iter().any(|f| f == "segment"),
        used,
        "{:?}",
        s.features
    );
    let says = if used {
        "segment is a feature"
    } else {
        "segment is not a feature"
    };
    assert!(
        run.report
            .notes
            .iter()
            .any(|n| n.contains(says) && n.contains(why)),
        "{:?}",
        run.report.notes
    );
}

#[test]
fn without_its_segmentation_the_segment_column_is_left_out_and_the_note_says_why() {
    let loaded = retail();
    let mut customers = loaded.customers.clone();
    let n = customers.n_rows();
    customers.features.push(Feature {
        name: "segment".to_string(),
        description: "Segment".to_string(),
        values: FeatureValues::Categorical {
            levels: vec!["A".to_string(), "B".to_string()],
            codes: (0..n).map(|i| (i % 2) as u32).collect(),
        },
        meta: Default::default(),
    });
    let params = ValueParams {
        models: vec![ValueModel::Ridge],
        ..ValueParams::new()
    };
    let run = run_with(loaded, &customers, params).expect("run");
    assert_segment(&run, false, "leak");
    // No BG/NBD: the forecast column is the list's order.
    let sort = run.customers.default_sort.expect("sorted");
    assert_eq!(run.customers.columns[sort].title, "predicted_spend_90d");
}

fn segment_on(table: &CustomerTable, features: &[&str], k: usize) -> Segmentation {
    let params = SegmentParams {
        features: features.iter().map(|f| f.to_string()).collect(),
        k: Some(k),
        ..SegmentParams::default()
    };
    segment(table, params, &mut |_, _| {}).expect("segmented")
}

#[test]
fn the_segment_is_a_feature_placed_as_of_the_cutoff() {
    let loaded = retail();
    let prepared = &loaded.explored.prepared;
    let segmentation = segment_on(prepared, &["recency_days", "frequency", "monetary"], 4);
    // Placing the segmented customers again gives K-means' own labels, the rule being its own
    // (K-means stops on a tolerance: a customer or two on a border may fall the other way).
    let placed = assign(&segmentation, prepared).expect("placed");
    let labels = segmentation.table_labels();
    let names = segmentation.segment_names();
    let agree = placed
        .iter()
        .zip(&labels)
        .filter(|(p, l)| p.and_then(|s| names.get(s)) == l.as_ref())
        .count();
    assert!(
        agree * 1000 >= prepared.n_rows() * 999,
        "{agree} of {} placed in their own segment",
        prepared.n_rows()
    );

    let customers = segmentation.add_to(&loaded.customers);
    let params = ValueParams {
        models: vec![ValueModel::Ridge, ValueModel::Gbdt],
        ..ValueParams::new()
    };
    let run = run_segmented(loaded, &customers, Some(&segmentation), params.clone()).expect("run");
    assert_segment(&run, true, "cutoff");
    let s = run.report.supervised.as_ref().expect("supervised");
    // The segments as of the cutoff are not those of the whole history: the customers'
    // features at the cutoff, prepared and placed as the run places them.
    let at_cutoff =
        custos::core::features::build_customer_table_within(
            &loaded.ingested.table,
            &FeatureParams {
                reference_date: run.report.cutoff.as_deref().and_then(|c| {
                    custos::core::format::parse_iso_date(c).map(|d| d.saturating_add(1))
                }),
                ..loaded.features.clone().expect("lines")
            },
            custos::core::features::DayRange::until(
                custos::core::format::parse_iso_date("2011-09-10").expect("date"),
            ),
            &mut |_| {},
        )
        .expect("features at the cutoff")
        .customers;
    let then = assign(
        &segmentation,
        &loaded
            .explored
            .fitted
            .transform(&at_cutoff)
            .expect("prepared")
            .table,
    )
    .expect("placed");
    let now: std::collections::HashMap<&str, Option<&String>> = loaded
        .customers
        .ids
        .iter()
        .map(String::as_str)
        .zip(labels.iter().map(Option::as_ref))
        .collect();
    let moved = at_cutoff
        .ids
        .iter()
        .zip(&then)
        .filter(|(id, s)| now.get(id.as_str()).copied().flatten() != s.and_then(|s| names.get(s)))
        .count();
    assert!(
        moved * 20 > at_cutoff.n_rows(),
        "{moved} of {} customers changed segment after the cutoff",
        at_cutoff.n_rows()
    );
    // Same run without the segmentation: the segment is left out, the rest is the same.
    let without = run_with(loaded, &customers, params).expect("run");
    let w = without.report.supervised.as_ref().expect("supervised");
    assert!(!w.features.iter().any(|f| f == "segment"));
    assert_eq!(w.features.len() + 1, s.features.len());
}

#[test]
fn a_customer_file_uses_the_segment_unless_it_was_found_on_the_target() {
    let loaded = mall();
    let prepared = &loaded.explored.prepared;
    let target = "Spending Score (1-100)";
    let params = ValueParams {
        models: vec![ValueModel::Ridge],
        target: ValueTarget::Column(target.to_string()),
        ..ValueParams::new()
    };
    let apart = segment_on(prepared, &["Age", "Annual Income (k$)"], 3);
    let run = run_segmented(
        loaded,
        &apart.add_to(&loaded.customers),
        Some(&apart),
        params.clone(),
    )
    .expect("run");
    let s = run.report.supervised.as_ref().expect("supervised");
    assert!(
        s.features.iter().any(|f| f == "segment"),
        "{:?}",
        s.features
    );
    let on_target = segment_on(prepared, &["Annual Income (k$)", target], 5);
    let run = run_segmented(
        loaded,
        &on_target.add_to(&loaded.customers),
        Some(&on_target),
        params,
    )
    .expect("run");
    assert_segment(&run, false, target);
}

#[test]
fn a_customer_file_predicts_the_chosen_numeric_column() {
    let loaded = mall();
    let params = ValueParams {
        models: vec![ValueModel::Ridge, ValueModel::Gbdt],
        target: ValueTarget::Column("Spending Score (1-100)".to_string()),
        ..ValueParams::new()
    };
    let run = run_with(loaded, &loaded.customers, params).expect("run");
    let s = run.report.supervised.as_ref().expect("supervised");
    assert_eq!((s.train_rows, s.test_rows), (160, 40));
    assert!(!s.features.iter().any(|f| f.starts_with("Spending")));
    assert!(run.report.bgnbd.is_none() && run.report.cutoff.is_none());
    let predicted = column(&run, "predicted_Spending Score (1-100)");
    assert_eq!(predicted.iter().flatten().count(), 200);
    // Scores are 1–100: the forecast never goes below 0.
    assert!(predicted.iter().flatten().all(|v| *v >= 0.0));
}

#[test]
fn a_customer_file_refuses_what_it_cannot_do_with_a_message() {
    let loaded = mall();
    let run = |params: ValueParams| run_with(loaded, &loaded.customers, params).err();
    // BG/NBD needs purchase dates.
    let err = run(ValueParams::new()).expect("refused");
    assert_eq!(err, ValueRunError::NeedsPurchaseLines);
    assert!(err.to_string().contains("purchase lines with dates"));
    let supervised = || ValueParams {
        models: vec![ValueModel::Ridge],
        ..ValueParams::new()
    };
    // No target chosen.
    let err = run(supervised()).expect("refused").to_string();
    assert!(err.contains("choose the numeric column"), "{err}");
    // A text column, an unknown column.
    for (column, says) in [("Genre", "holds text"), ("Income", "no column 'Income'")] {
        let err = run(ValueParams {
            target: ValueTarget::Column(column.to_string()),
            ..supervised()
        })
        .expect("refused")
        .to_string();
        assert!(err.contains(says), "{column}: {err}");
    }
    // A numeric target with one value.
    let mut customers = loaded.customers.clone();
    customers.features.push(Feature {
        name: "ltv".to_string(),
        description: "Lifetime value".to_string(),
        values: FeatureValues::Numeric(vec![5.0; customers.n_rows()]),
        meta: Default::default(),
    });
    let err = run_with(
        loaded,
        &customers,
        ValueParams {
            target: ValueTarget::Column("ltv".to_string()),
            ..supervised()
        },
    )
    .expect_err("refused")
    .to_string();
    assert!(err.contains("same value") && err.contains("ltv"), "{err}");
}

#[test]
fn a_horizon_past_the_end_of_the_data_still_forecasts_and_says_why_no_supervised_model_ran() {
    let loaded = retail();
    let params = ValueParams {
        cutoff: Some(custos::core::format::parse_iso_date("2011-11-01").expect("date")),
        ..ValueParams::new()
    };
    let run = run_with(loaded, &loaded.customers, params).expect("BG/NBD still runs");
    assert!(!run.report.holdout_complete);
    assert!(run.report.holdout.is_none(), "no holdout metrics");
    assert!(run.report.supervised.is_none());
    assert!(
        run.report
            .notes
            .iter()
            .any(|n| n.starts_with("The supervised models did not run")
                && n.contains("earlier cutoff")),
        "{:?}",
        run.report.notes
    );
    // The forecast per customer is made.
    assert!(column(&run, "clv_90d").iter().flatten().count() > 4000);
    // Supervised models alone cannot run: the message says what to change.
    let err = run_with(
        loaded,
        &loaded.customers,
        ValueParams {
            cutoff: Some(custos::core::format::parse_iso_date("2011-11-01").expect("date")),
            models: vec![ValueModel::Ridge],
            ..ValueParams::new()
        },
    )
    .expect_err("refused")
    .to_string();
    assert!(err.contains("earlier cutoff or a shorter horizon"), "{err}");
}
