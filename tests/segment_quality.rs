//! Segment quality bar (issue 4): K-means silhouette at the same k within 0.005 of
//! scikit-learn's K-means (k-means++, n_init=10) on standardized features, plus determinism, the
//! k-above-distinct-customers refusal. The `custos segment` goldens and errors are in `cli.rs`.
//!
//! References: scikit-learn 1.9.1 on the same machine, `StandardScaler` then
//! `KMeans(k, init="k-means++", n_init=10, random_state=0 and 42)`, `silhouette_score` exact
//! (the better of the two seeds is the bar).

mod common;

use custos::core::customer_table::CustomerTable;
use custos::core::segment::kmeans::{KMeansError, KMeansParams};
use custos::core::segment::metrics;
use custos::core::segment::SegmentData;

use common::{fixture, load_data};

const TOLERANCE: f64 = 0.005;

const SHOPPERS_COLUMNS: [&str; 10] = [
    "Administrative",
    "Administrative_Duration",
    "Informational",
    "Informational_Duration",
    "ProductRelated",
    "ProductRelated_Duration",
    "BounceRates",
    "ExitRates",
    "PageValues",
    "SpecialDay",
];

fn segment_data(file: &str, features: &[&str]) -> SegmentData {
    let ingested = load_data(file);
    let (customers, _notes) = CustomerTable::from_table(&ingested.table).expect("customer table");
    let names: Vec<String> = features.iter().map(|s| s.to_string()).collect();
    SegmentData::from_table(&customers, &names).expect("segment data")
}

/// Fit K-means with the defaults and return the exact silhouette.
fn silhouette_at(data: &SegmentData, k: usize) -> f64 {
    let model = KMeansParams::new(k).fit(data).expect("fit");
    let values = metrics::silhouette_values(data.matrix.view(), &model.labels).expect("silhouette");
    values.iter().sum::<f64>() / values.len() as f64
}

fn meets_bar(case: &str, ours: f64, reference: f64) {
    eprintln!("{case}: ours {ours:.4}, scikit-learn {reference:.4}");
    assert!(
        ours >= reference - TOLERANCE,
        "{case}: silhouette {ours:.4} is below scikit-learn's {reference:.4} − {TOLERANCE}"
    );
}

#[test]
fn mall_income_and_score_k5() {
    let data = segment_data(
        "Mall_Customers.csv",
        &["Annual Income (k$)", "Spending Score (1-100)"],
    );
    assert_eq!(data.n_rows(), 200);
    meets_bar("Mall income+score k=5", silhouette_at(&data, 5), 0.555);
}

#[test]
fn mall_age_income_and_score_k6() {
    let data = segment_data(
        "Mall_Customers.csv",
        &["Age", "Annual Income (k$)", "Spending Score (1-100)"],
    );
    meets_bar("Mall age+income+score k=6", silhouette_at(&data, 6), 0.428);
}

#[test]
fn online_shoppers_ten_columns_k3() {
    let data = segment_data("online_shoppers_intention.csv", &SHOPPERS_COLUMNS);
    assert_eq!(data.n_rows(), 12_330);
    meets_bar("online shoppers k=3", silhouette_at(&data, 3), 0.452);
}

#[test]
fn same_seed_same_labels_other_seed_still_valid() {
    let data = segment_data(
        "Mall_Customers.csv",
        &["Age", "Annual Income (k$)", "Spending Score (1-100)"],
    );
    let first = KMeansParams::new(6).fit(&data).unwrap();
    let again = KMeansParams::new(6).fit(&data).unwrap();
    assert_eq!(first.labels, again.labels);
    assert_eq!(first.centroids, again.centroids);
    let other = KMeansParams {
        seed: 7,
        ..KMeansParams::new(6)
    }
    .fit(&data)
    .unwrap();
    assert_eq!(other.labels.len(), 200);
}

#[test]
fn k_above_distinct_customers_is_refused_with_a_clear_message() {
    // The fixture has 7 customers, 5 of them distinct in (recency, frequency).
    let ingested = common::ingest_path(&fixture("segment_customers.csv"));
    let (customers, _) = CustomerTable::from_table(&ingested.table).unwrap();
    let names = vec!["recency_days".to_string(), "frequency".to_string()];
    let data = SegmentData::from_table(&customers, &names).unwrap();
    let err = KMeansParams::new(8).fit(&data).unwrap_err();
    assert_eq!(
        err,
        KMeansError::MoreSegmentsThanCustomers { k: 8, distinct: 5 }
    );
    assert!(
        err.to_string()
            .starts_with("k = 8 is more than the 5 distinct customers"),
        "{err}"
    );
}
