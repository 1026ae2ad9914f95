//! Unit tests of the whole build on small in-memory tables.

use super::*;
use crate::core::customer_table::FeatureValues;
use crate::core::ingest::{ingest_bytes, IngestOptions};

fn load(csv: &str) -> Table {
    ingest_bytes(csv.as_bytes(), &IngestOptions::default())
        .unwrap()
        .table
}

/// The default parameters, with the roles guessed from the column names.
fn default_params(table: &Table) -> FeatureParams {
    FeatureParams {
        mapping: RoleMapping::from_roles(table),
        ..FeatureParams::default()
    }
}

fn build_with(table: &Table, params: &FeatureParams) -> Result<CustomerBuild, FeatureError> {
    build_customer_table(table, params, &mut |_| {})
}

fn build(table: &Table) -> Result<CustomerBuild, FeatureError> {
    build_with(table, &default_params(table))
}

/// The build of a CSV file that must succeed.
fn build_csv(csv: &str) -> CustomerBuild {
    build(&load(csv)).unwrap()
}

fn numbers(build: &CustomerBuild, name: &str) -> Vec<f64> {
    match &build.customers.feature(name).unwrap().values {
        FeatureValues::Numeric(v) => v.clone(),
        FeatureValues::Categorical { .. } => panic!("{name} is categorical"),
    }
}

#[test]
fn ids_written_as_floats_are_one_customer() {
    assert_eq!(inputs::normalise_id("17850.0"), "17850");
    assert_eq!(inputs::normalise_id("-3.00"), "-3");
    assert_eq!(inputs::normalise_id("17850.5"), "17850.5");
    assert_eq!(inputs::normalise_id("A.0"), "A.0");
    assert_eq!(inputs::normalise_id(".0"), ".0");
    assert_eq!(inputs::normalise_id("12."), "12.");
}

#[test]
fn cancellation_ids_are_c_and_a_digit() {
    assert!(inputs::is_cancellation_id("C536379"));
    assert!(inputs::is_cancellation_id("c1"));
    assert!(!inputs::is_cancellation_id("CA-2016-152156"));
    assert!(!inputs::is_cancellation_id("536379"));
    assert!(!inputs::is_cancellation_id("C"));
}

#[test]
fn trend_windows_and_gaps() {
    // Reference 2024-07-01 (the day after the last purchase, 2024-06-30).
    // a: 10 on 2024-06-30 (age 1), 30 on 2024-03-01 (age 122: the previous 90 days).
    // b: 5 on 2024-06-01 (age 30), 5 on 2024-05-02 (age 60).
    // c: one order long ago (age 182: outside both windows).
    let built = build_csv(
        "customer_id,order_date,amount\n\
         a,2024-06-30,10\n\
         a,2024-03-01,30\n\
         b,2024-06-01,5\n\
         b,2024-05-02,5\n\
         c,2023-12-31,7\n",
    );
    assert_eq!(built.customers.ids, ["a", "b", "c"]);
    assert_eq!(built.reference_date, 19_905);
    assert_eq!(numbers(&built, "recency_days"), [1.0, 30.0, 183.0]);
    assert_eq!(numbers(&built, "spend_30d"), [10.0, 5.0, 0.0]);
    assert_eq!(numbers(&built, "spend_90d"), [10.0, 10.0, 0.0]);
    let trend = numbers(&built, "spend_trend");
    assert_eq!(trend[0], (10.0 - 30.0) / 40.0);
    assert_eq!(trend[1], 1.0);
    assert!(trend[2].is_nan(), "no spend in either window");
    let gaps = numbers(&built, "avg_days_between_orders");
    assert_eq!(gaps[0], 121.0);
    assert_eq!(gaps[1], 30.0);
    assert!(gaps[2].is_nan(), "one order");
    // No order column: one order per customer and day.
    assert_eq!(numbers(&built, "frequency"), [2.0, 2.0, 1.0]);
    assert!(built.notes.iter().any(|n| n.contains("one order")));
}

#[test]
fn monthly_activity_includes_empty_months() {
    let built = build_csv(
        "customer_id,order_date,amount\n\
         a,2024-01-15,10\n\
         b,2024-01-20,5\n\
         a,2024-03-02,1\n",
    );
    let m = &built.monthly;
    assert_eq!(m.months, ["2024-01", "2024-02", "2024-03"]);
    assert_eq!(m.revenue.as_deref(), Some(&[15.0, 0.0, 1.0][..]));
    assert_eq!(m.orders, [2, 0, 1]);
    assert_eq!(m.active_customers, [2, 0, 1]);
}

#[test]
fn a_reference_date_before_the_last_purchase_is_refused() {
    let table = load("customer_id,order_date\na,2024-01-15\nb,2024-03-02\n");
    let mut params = default_params(&table);
    params.reference_date = Some(19_760); // 2024-02-08
    let err = build_with(&table, &params).unwrap_err();
    assert!(matches!(
        err,
        FeatureError::ReferenceBeforeLastPurchase { .. }
    ));
    assert!(err.to_string().contains("2024-03-02"), "{err}");
    params.reference_date = Some(19_000);
    let err = build_with(&table, &params).unwrap_err();
    assert!(matches!(
        err,
        FeatureError::ReferenceBeforeFirstPurchase { .. }
    ));
    // On the last purchase day: allowed, recency 0.
    params.reference_date = Some(19_784);
    let built = build_with(&table, &params).unwrap();
    assert_eq!(numbers(&built, "recency_days"), [47.0, 0.0]);
}

#[test]
fn switched_off_steps_keep_their_lines() {
    let table = load(
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
         1,a,2024-01-01,2,5\n\
         1,a,2024-01-01,2,5\n\
         C2,a,2024-01-02,-1,5\n\
         3,,2024-01-03,1,4\n\
         4,b,2024-01-04,1,1\n",
    );
    let mut params = FeatureParams {
        cleaning: LineCleaning {
            drop_cancellations: false,
            drop_missing_customer: false,
            drop_exact_duplicates: false,
        },
        ..default_params(&table)
    };
    let built = build_with(&table, &params).unwrap();
    assert_eq!(built.customers.ids, ["a", "b", "(no customer ID)"]);
    assert_eq!(numbers(&built, "monetary"), [15.0, 1.0, 4.0]);
    assert_eq!(built.lines_used, 5);
    assert!(built.receipt.iter().all(|l| l.touched == 0));
    assert!(built.receipt[0].detail.starts_with("Switched off"));

    params.cleaning = LineCleaning::default();
    let built = build_with(&table, &params).unwrap();
    assert_eq!(built.customers.ids, ["a", "b"]);
    assert_eq!(numbers(&built, "monetary"), [10.0, 1.0]);
    assert_eq!(numbers(&built, "return_share"), [0.5, 0.0]);
    let touched: Vec<u64> = built.receipt.iter().map(|l| l.touched).collect();
    assert_eq!(touched, [1, 1, 1]);
    assert_eq!(built.lines_used, 2);
}

#[test]
fn progress_is_reported_a_few_times_in_order() {
    let table = load("customer_id,order_date\na,2024-01-15\nb,2024-03-02\n");
    let mut seen = Vec::new();
    build_customer_table(&table, &default_params(&table), &mut |f| seen.push(f)).unwrap();
    assert!(seen.len() <= 20);
    assert_eq!(seen.first(), Some(&0.0));
    assert_eq!(seen.last(), Some(&1.0));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
}

#[test]
fn a_text_date_column_is_read_or_refused_with_examples() {
    let mut table = load("customer_id,order_date\na,2024-01-15\nb,2024-03-02\n");
    let index = table.column_index("order_date").unwrap();
    let column = table.column_mut(index).unwrap();
    column
        .set_type(crate::core::table::ColumnType::Text)
        .unwrap();
    let params = FeatureParams {
        mapping: RoleMapping {
            customer: Some(0),
            date: Some(index),
            ..RoleMapping::default()
        },
        ..FeatureParams::default()
    };
    assert!(build_with(&table, &params).is_ok());

    let table = load("customer_id,when\na,soon\nb,later\n");
    let params = FeatureParams {
        mapping: RoleMapping {
            customer: Some(0),
            date: Some(1),
            ..RoleMapping::default()
        },
        ..FeatureParams::default()
    };
    let err = build_with(&table, &params).unwrap_err();
    assert!(
        matches!(err, FeatureError::UnreadableDates { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("'when'") && text.contains("'soon'"), "{text}");
}

/// The Explore form shows each role of the Data step in its own slot: the product name /
/// category is the column the Data step gave that role, not the product id; products are
/// counted by the id when there is one.
#[test]
fn product_name_and_product_id_keep_their_own_columns() {
    let table = load(
        "InvoiceNo,StockCode,Description,CustomerID,InvoiceDate,Amount\n\
         1,A1,RED MUG,c1,2024-01-02,3\n\
         1,A2,RED MUG,c1,2024-01-02,4\n\
         2,A1,BLUE MUG,c2,2024-01-03,5\n",
    );
    let mapping = RoleMapping::from_roles(&table);
    assert_eq!(mapping.product_id, Some(1));
    assert_eq!(mapping.product, Some(2));
    assert_eq!(mapping.product_column(), (Role::ProductId, Some(1)));
    let products = |params: &FeatureParams| {
        let built = build_with(&table, params).unwrap();
        match &built.customers.feature("distinct_products").unwrap().values {
            FeatureValues::Numeric(v) => v.clone(),
            other => panic!("{other:?}"),
        }
    };
    // c1 bought two stock codes under one description.
    assert_eq!(products(&default_params(&table)), vec![2.0, 1.0]);
    let by_name = FeatureParams {
        mapping: RoleMapping {
            product_id: None,
            ..mapping.clone()
        },
        ..FeatureParams::default()
    };
    assert_eq!(products(&by_name), vec![1.0, 1.0]);
    // A role set by the user lands in its slot.
    let roles = [
        (0, None),
        (3, Some(Role::Product)),
        (1, Some(Role::ProductId)),
    ];
    let user = RoleMapping::from_column_roles(roles);
    assert_eq!((user.product, user.product_id), (Some(3), Some(1)));
}
