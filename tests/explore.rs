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

    let charts = explore::default_gallery(&explored, &ingested.table);
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

    let csv = explored.prepared.to_csv();
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(header.starts_with("CustomerID,recency_days,"), "{header}");
    assert_eq!(lines.count(), 4372);
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
    let charts = explore::default_gallery(&explored, &ingested.table);
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
    let charts = explore::default_gallery(&explored, &ingested.table);
    let ids = chart_ids(&charts);
    assert!(!ids.contains(&"monthly:revenue"), "{ids:?}");
    assert!(ids.contains(&"monthly:orders"), "{ids:?}");
    assert!(!ids.contains(&"hist:monetary"), "{ids:?}");
}
