//! The Explore step end to end on real data, as the worker runs it: loaded table → customer
//! table → prepared table → default chart gallery → CSV export.

mod common;

use custos::core::customer_table::CustomerSource;
use custos::core::eda::ChartKind;
use custos::core::explore::{self, ExploreParams};
use custos::core::features::{FeatureParams, RoleMapping};
use custos::core::ingest::Ingested;
use custos::core::prep::PrepParams;

use common::load_data;

fn params(ingested: &Ingested, source: CustomerSource) -> ExploreParams {
    ExploreParams {
        source,
        features: FeatureParams {
            mapping: RoleMapping::from_roles(&ingested.table),
            ..FeatureParams::default()
        },
        prep: PrepParams::default(),
    }
}

fn chart_ids(charts: &[custos::core::eda::Chart]) -> Vec<&str> {
    charts.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn online_retail_builds_a_gallery_from_the_detected_roles() {
    let ingested = load_data("online_retail_sparkguide.csv");
    let mut calls = 0;
    let explored = explore::run(
        &ingested.table,
        &params(&ingested, CustomerSource::Transactions),
        &mut |_| calls += 1,
    )
    .expect("explore");
    assert!(calls >= 2, "progress is reported");
    // Same figures as pandas (scripts/bench.d/pandas_netting.py): cancellations netted, 4,372
    // customers over 401,604 lines.
    assert_eq!(explored.prepared.n_rows(), 4372);
    assert_eq!(explored.built.lines_used, Some(401_604));
    // Line cleaning first, then the five customer-level steps.
    let steps: Vec<&str> = explored.receipt.iter().map(|l| l.step.as_str()).collect();
    for step in ["impute", "outliers", "log", "scale", "one_hot"] {
        assert!(steps.contains(&step), "receipt has {step}: {steps:?}");
    }
    assert!(
        steps.len() >= 8,
        "line cleaning is on the receipt too: {steps:?}"
    );

    let charts = explore::default_gallery(&explored);
    let ids = chart_ids(&charts);
    for id in [
        "monthly:revenue",
        "monthly:orders",
        "monthly:customers",
        "corr",
        "hist:recency_days",
        "box:frequency",
        "hist:monetary",
        "bar:rfm_segment",
        "missing",
    ] {
        assert!(ids.contains(&id), "gallery has {id}: {ids:?}");
    }
    // 2010-12 … 2011-12: 13 months.
    let revenue = charts
        .iter()
        .find(|c| c.id == "monthly:revenue")
        .expect("revenue");
    // The data ends on 2011-12-09: the last month's dip is not a trend, and the chart says so.
    assert!(
        revenue.subtitle.contains("2011-12 to the 9th only"),
        "{}",
        revenue.subtitle
    );
    match &revenue.kind {
        ChartKind::Line { x, series, .. } => {
            assert_eq!(x.len(), 13);
            assert_eq!(x.first().map(String::as_str), Some("2010-12"));
            let total: f64 = series[0].values.iter().flatten().sum();
            // pandas: sum(Quantity × UnitPrice) over the cleaned lines, returns netted.
            assert!(
                (total - 8_278_519.424).abs() < 0.01,
                "revenue total {total}"
            );
        }
        other => panic!("monthly revenue is a line chart, got {other:?}"),
    }
    // Every chart stays small whatever the table size.
    for chart in &charts {
        let size = serde_json::to_string(chart).expect("json").len();
        assert!(size < 200_000, "{} is {size} bytes", chart.id);
    }

    let picked = explore::charts_for(
        &explored.prepared,
        &[
            "avg_order_value".to_string(),
            "rfm_segment".to_string(),
            "nope".to_string(),
        ],
    );
    assert_eq!(
        chart_ids(&picked),
        [
            "hist:avg_order_value",
            "box:avg_order_value",
            "bar:rfm_segment"
        ]
    );

    let csv = explored.customer_facts().to_csv();
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("CustomerID,recency_days,"), "{header}");
    assert_eq!(lines.count(), 4372);
}

/// Item 3 of issue 12: blanks by construction are not imputed, stay blank in the download and
/// are counted by the missing-values chart (pandas: scripts/bench.d/pandas_netting.py).
#[test]
fn online_retail_blanks_by_construction_are_not_imputed() {
    let ingested = load_data("online_retail_sparkguide.csv");
    let explored = explore::run(
        &ingested.table,
        &params(&ingested, CustomerSource::Transactions),
        &mut |_| {},
    )
    .expect("explore");
    let column = |table: &custos::core::customer_table::CustomerTable, name: &str| -> Vec<f64> {
        match &table.feature(name).expect(name).values {
            custos::core::customer_table::FeatureValues::Numeric(v) => v.clone(),
            other => panic!("{name}: {other:?}"),
        }
    };
    // 1,538 customers with at most one order have no gap between orders, 908 no spend in
    // either 90-day window (no trend), 45 no order left (no average order value).
    let built = &explored.built.customers;
    let single = column(built, "single_order");
    assert_eq!(single.iter().filter(|&&x| x == 1.0).count(), 1_538);
    let gaps = column(built, "avg_days_between_orders");
    assert_eq!(gaps.iter().filter(|x| x.is_nan()).count(), 1_538);
    assert_eq!(
        column(built, "spend_trend")
            .iter()
            .filter(|x| x.is_nan())
            .count(),
        908
    );

    // The models see the defined value 0 (with single_order = 1), never the median (82.5 days
    // when imputed before).
    let prepared = column(&explored.prepared, "avg_days_between_orders");
    for (gap, one) in prepared.iter().zip(&single) {
        if *one == 1.0 {
            assert_eq!(*gap, 0.0);
        }
    }
    let line = |step: &str| {
        explored
            .receipt
            .iter()
            .find(|l| l.step == step)
            .unwrap_or_else(|| panic!("no {step} line"))
    };
    assert_eq!(line("not_defined").touched, 1_538 + 908 + 45);
    assert_eq!(line("impute").touched, 0, "{}", line("impute").detail);

    // The download keeps them blank.
    let csv = explored.customer_facts().to_csv();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let gap_at = header
        .iter()
        .position(|h| *h == "avg_days_between_orders")
        .unwrap();
    let blank = csv
        .lines()
        .skip(1)
        .filter(|l| {
            // The ids and numbers hold no comma or quote; only rfm_segment may, at the end.
            l.split(',').nth(gap_at) == Some("")
        })
        .count();
    assert_eq!(blank, 1_538);

    // The feature list (of the table as shown and downloaded) counts them as blanks, and its
    // median is that of the gaps that exist.
    let summaries = explore::summarize_features(&explored.customer_facts());
    let gap = summaries
        .iter()
        .find(|f| f.name == "avg_days_between_orders")
        .unwrap();
    assert_eq!(gap.missing, 1_538);
    // pandas: CSV's avg_days_between_orders.median() = 54.225 (28 with the blanks as 0).
    assert!((gap.stats.as_ref().unwrap().median - 54.225).abs() < 1e-9);

    // The missing-values chart counts what the receipt gave a value, never "No missing values".
    let charts = explore::default_gallery(&explored);
    let missing = charts
        .iter()
        .find(|c| c.id == "missing")
        .expect("missing chart");
    assert_eq!(
        missing.subtitle,
        "2,491 not-defined (n/a) cells in 3 columns, set to their model value (not imputed)"
    );
    let ChartKind::Bar { bars, .. } = &missing.kind else {
        panic!("{:?}", missing.kind)
    };
    assert_eq!(bars[0].label, "avg_days_between_orders (n/a)");
    assert!((bars[0].value - 1_538.0 * 100.0 / 4_372.0).abs() < 1e-9);

    // A chart of the gap leaves the not-defined cells out (not 1,538 zero-day gaps) and says so.
    let charts = explore::feature_charts(&explored, &["avg_days_between_orders".to_string()]);
    let histogram = charts
        .iter()
        .find(|c| c.id.starts_with("hist:"))
        .expect("histogram");
    assert!(
        histogram
            .subtitle
            .starts_with("4,372 customers · 1,538 not defined · median 54.2"),
        "{}",
        histogram.subtitle
    );
    let ChartKind::Histogram { bins, .. } = &histogram.kind else {
        panic!("{:?}", histogram.kind)
    };
    let drawn: u64 = bins.iter().map(|b| b.count).sum();
    assert!(drawn <= 4_372 - 1_538, "{drawn} gaps drawn");
}

#[test]
fn a_customer_file_is_used_as_it_is() {
    let ingested = load_data("Mall_Customers.csv");
    let explored = explore::run(
        &ingested.table,
        &params(&ingested, CustomerSource::CustomerFile),
        &mut |_| {},
    )
    .expect("explore");
    assert_eq!(explored.prepared.n_rows(), 200);
    assert_eq!(explored.built.monthly, None);
    let charts = explore::default_gallery(&explored);
    let ids = chart_ids(&charts);
    assert!(ids.contains(&"corr"), "{ids:?}");
    assert!(ids.contains(&"bar:Genre"), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("monthly:")), "{ids:?}");
    let summaries = explore::summarize_features(&explored.prepared);
    let age = summaries.iter().find(|f| f.name == "Age").expect("Age");
    let stats = age.stats.as_ref().expect("Age stats");
    assert_eq!((stats.min, stats.max), (18.0, 70.0));
}

#[test]
fn a_customer_file_read_as_transactions_names_the_missing_role() {
    let ingested = load_data("Mall_Customers.csv");
    let err = explore::run(
        &ingested.table,
        &params(&ingested, CustomerSource::Transactions),
        &mut |_| {},
    )
    .expect_err("no date column");
    assert!(err.to_string().to_lowercase().contains("date"), "{err}");
}

#[test]
fn groceries_without_amounts_has_no_monetary_charts() {
    let ingested = load_data("Groceries_dataset.csv");
    let explored = explore::run(
        &ingested.table,
        &params(&ingested, CustomerSource::Transactions),
        &mut |_| {},
    )
    .expect("explore");
    assert!(explored.prepared.feature("monetary").is_none());
    let charts = explore::default_gallery(&explored);
    let ids = chart_ids(&charts);
    assert!(!ids.contains(&"monthly:revenue"), "{ids:?}");
    assert!(ids.contains(&"monthly:orders"), "{ids:?}");
    assert!(!ids.contains(&"hist:monetary"), "{ids:?}");
}

#[test]
fn the_missing_chart_of_a_customer_file_counts_what_was_filled() {
    // marketing_campaign.csv: Income has 24 blanks, real missing data: filled with the median.
    let ingested = load_data("marketing_campaign.csv");
    let mut params = params(&ingested, CustomerSource::CustomerFile);
    let explored = explore::run(&ingested.table, &params, &mut |_| {}).expect("explore");
    let missing = |explored: &explore::Explored| {
        explore::default_gallery(explored)
            .into_iter()
            .find(|c| c.id == "missing")
            .expect("missing chart")
            .subtitle
    };
    assert_eq!(missing(&explored), "24 missing cells in 1 column, filled");
    assert!(!explored.receipt.iter().any(|l| l.step == "not_defined"));
    params.prep.impute.enabled = false;
    let explored = explore::run(&ingested.table, &params, &mut |_| {}).expect("explore");
    assert_eq!(
        missing(&explored),
        "24 missing cells in 1 column, kept blank (filling is off)"
    );
}
