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
            cancellations: Cancellations::Drop,
            drop_missing_customer: false,
            exact_duplicates: ExactDuplicates::Keep,
        },
        ..default_params(&table)
    };
    let built = build_with(&table, &params).unwrap();
    assert_eq!(built.customers.ids, ["a", "b", "(no customer ID)"]);
    // The cancellation is dropped: a keeps both (identical) lines.
    assert_eq!(numbers(&built, "monetary"), [20.0, 1.0, 4.0]);
    assert_eq!(built.lines_used, 4);
    let touched: Vec<u64> = built.receipt.iter().map(|l| l.touched).collect();
    assert_eq!(touched, [1, 0, 0]);
    assert!(built.receipt[1].detail.starts_with("Switched off"));
    assert!(built.receipt[2].detail.starts_with("Switched off"));

    // The defaults: net the return, drop the line without a customer, and (an order ID is
    // mapped) the repeated line.
    params.cleaning = LineCleaning::default();
    let built = build_with(&table, &params).unwrap();
    assert_eq!(built.customers.ids, ["a", "b"]);
    assert_eq!(numbers(&built, "monetary"), [5.0, 1.0]);
    assert_eq!(numbers(&built, "frequency"), [1.0, 1.0]);
    assert_eq!(numbers(&built, "return_share"), [0.5, 0.0]);
    let touched: Vec<u64> = built.receipt.iter().map(|l| l.touched).collect();
    assert_eq!(touched, [1, 1, 1]);
    assert_eq!(built.receipt[0].step, "cancellations");
    assert_eq!(built.receipt[0].title, "Net cancellations and returns");
    assert!(
        built.receipt[2]
            .detail
            .starts_with("On because an order ID ('InvoiceNo') is mapped"),
        "{}",
        built.receipt[2].detail
    );
    assert_eq!(built.lines_used, 3);
}

/// Online Retail's customer 12346 in small: bought once and cancelled it all; customer r only
/// returns (a purchase made before the file starts); customer p returns part of one order.
const NETTING: &str = "InvoiceNo,StockCode,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
                       541431,23166,12346,2011-01-18,74215,1.04\n\
                       C541433,23166,12346,2011-01-18,-74215,1.04\n\
                       1,A,p,2011-01-02,2,10\n\
                       1,B,p,2011-01-02,1,5\n\
                       2,A,p,2011-02-01,1,10\n\
                       C3,B,p,2011-02-03,-1,5\n\
                       C4,A,p,2011-02-03,-3,10\n\
                       C5,Z,r,2011-01-10,-2,7.5\n\
                       6,A,q,2011-03-01,1,10\n";

#[test]
fn cancellations_are_netted_against_the_purchases_they_take_back() {
    let built = build_csv(NETTING);
    assert_eq!(built.customers.ids, ["12346", "p", "q", "r"]);
    // 12346: the cancellation takes back the whole order: no order, no spend, kept and said.
    // p: C3 takes back B of order 1, C4 the A of order 2 (the latest) and 2 of order 1's 2 A:
    // every line returned in full, no order left. r: only a return, bought before the file.
    assert_eq!(numbers(&built, "frequency"), [0.0, 0.0, 1.0, 0.0]);
    assert_eq!(numbers(&built, "monetary"), [0.0, 0.0, 10.0, 0.0]);
    let segment = built.customers.feature("rfm_segment").unwrap();
    assert_eq!(segment.values.text(0).as_deref(), Some(NO_ORDER_SEGMENT));
    assert_eq!(segment.values.text(2).as_deref(), Some("Champions"));
    assert_eq!(numbers(&built, RETURNED_MORE_COLUMN), [0.0, 0.0, 0.0, 1.0]);
    let value = numbers(&built, "avg_order_value");
    assert!(value[0].is_nan() && value[1].is_nan() && value[3].is_nan());
    assert_eq!(value[2], 10.0);
    // No order left: recency from their last line (12346 cancelled on 2011-01-18).
    assert_eq!(numbers(&built, "recency_days")[0], 43.0);
    let line = &built.receipt[0];
    assert_eq!((line.step.as_str(), line.touched), ("cancellations", 4));
    for words in [
        "3 orders returned in full no longer count",
        "3 customers have no order left",
        "1 line match no purchase",
        "1 customer returned more than they bought",
    ] {
        assert!(line.detail.contains(words), "{words}: {}", line.detail);
    }
    assert!(built.notes.iter().any(|n| n.contains(RETURNED_MORE_COLUMN)));

    // A partial return: p's C3 alone leaves order 1 standing with 20 of its 25.
    let partial = NETTING.replace("C4,A,p,2011-02-03,-3,10\n", "");
    let built = build_csv(&partial);
    assert_eq!(numbers(&built, "frequency")[1], 2.0);
    assert_eq!(numbers(&built, "monetary")[1], 30.0);
    assert_eq!(numbers(&built, "distinct_products")[1], 1.0);

    // Dropped instead: 12346 keeps its 77,183.60 and one order, r is gone.
    let table = load(NETTING);
    let mut params = default_params(&table);
    params.cleaning.cancellations = Cancellations::Drop;
    let built = build_with(&table, &params).unwrap();
    assert_eq!(built.customers.ids, ["12346", "p", "q"]);
    assert!((numbers(&built, "monetary")[0] - 77_183.6).abs() < 1e-6);
    assert_eq!(numbers(&built, "frequency"), [1.0, 2.0, 1.0]);
    assert!(built.customers.feature(RETURNED_MORE_COLUMN).is_none());
    assert_eq!(built.receipt[0].title, "Drop cancellations and returns");
    assert_eq!(built.receipt[0].touched, 4);
}

#[test]
fn purchase_lines_carry_net_spend_and_which_lines_count_as_orders() {
    let table = load(NETTING);
    let lines = purchase_lines(&table, &default_params(&table)).unwrap();
    let of = |id: &str| {
        let index = lines.ids.iter().position(|i| i == id).unwrap() as u32;
        let mut rows: Vec<(f64, bool)> = lines
            .lines
            .iter()
            .filter(|l| l.customer == index)
            .map(|l| (l.spend, l.counts_as_order))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        rows
    };
    assert_eq!(of("12346"), [(0.0, false), (0.0, false)]);
    assert_eq!(of("r"), [(-15.0, false)]);
    assert_eq!(of("q"), [(10.0, true)]);
    // Each line names its product (the baskets of the Recommend step).
    assert_eq!(lines.product_name.as_deref(), Some("StockCode"));
    let q = lines.ids.iter().position(|i| i == "q").unwrap() as u32;
    let bought: Vec<&str> = lines
        .lines
        .iter()
        .filter(|l| l.customer == q)
        .map(|l| lines.products[l.product as usize].as_str())
        .collect();
    assert_eq!(bought, ["A"]);
}

#[test]
fn purchase_lines_keep_each_line_gross_spend_beside_the_netted_one() {
    let table = load(NETTING);
    let lines = purchase_lines(&table, &default_params(&table)).unwrap();
    let p = lines.ids.iter().position(|i| i == "p").unwrap() as u32;
    let mut rows: Vec<(i32, f64, f64, bool)> = lines
        .lines
        .iter()
        .filter(|l| l.customer == p)
        .map(|l| (l.day, l.gross_spend, l.spend, l.is_return))
        .collect();
    rows.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
    // Order 1 (20 + 5) and order 2 (10) were all taken back on 2011-02-03: net 0, gross as
    // bought; the two returns keep their own (negative) spend.
    let gross: Vec<(f64, f64, bool)> = rows.iter().map(|r| (r.1, r.2, r.3)).collect();
    assert_eq!(
        gross,
        [
            (5.0, 0.0, false),
            (20.0, 0.0, false),
            (10.0, 0.0, false),
            (-30.0, -0.0, true),
            (-5.0, -0.0, true),
        ]
    );
    // Without a spend column there is no gross spend either.
    let table = load("customer_id,order_date\na,2024-01-01\nb,2024-01-02\n");
    let lines = purchase_lines(&table, &default_params(&table)).unwrap();
    assert!(lines.lines.iter().all(|l| l.gross_spend.is_nan()));
}

#[test]
fn blanks_by_construction_are_marked_with_their_model_value() {
    let built = build_csv(
        "customer_id,order_date,amount\n\
         a,2024-06-30,10\n\
         a,2024-03-01,30\n\
         c,2023-12-31,7\n",
    );
    let gaps = built.customers.feature("avg_days_between_orders").unwrap();
    let undefined = gaps
        .meta
        .undefined
        .as_ref()
        .expect("blanks are not missing data");
    assert_eq!(undefined.model_value, 0.0);
    assert!(
        undefined.reason.contains("single order"),
        "{}",
        undefined.reason
    );
    assert_eq!(numbers(&built, SINGLE_ORDER_COLUMN), [0.0, 1.0]);
    let trend = built.customers.feature("spend_trend").unwrap();
    assert!(trend.meta.undefined.is_some());
    assert!(built
        .customers
        .feature("recency_days")
        .unwrap()
        .meta
        .undefined
        .is_none());
    // The export keeps them blank: c's gap and trend are empty cells.
    let csv = built.customers.to_csv();
    let c = csv.lines().find(|l| l.starts_with("c,")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let cells: Vec<&str> = c.split(',').collect();
    for name in ["avg_days_between_orders", "spend_trend"] {
        let i = header.iter().position(|h| *h == name).unwrap();
        assert_eq!(cells[i], "", "{name}");
    }
}

#[test]
fn exact_duplicates_are_dropped_by_default_only_with_an_order_id() {
    // A CDs shop's lines: no order ID, so two identical lines are two purchases.
    let csv = "customer_id,order_date,amount\n\
               a,2024-01-01,12.5\n\
               a,2024-01-01,12.5\n\
               b,2024-01-02,3\n";
    let table = load(csv);
    let params = default_params(&table);
    assert!(!params.cleaning.drops_duplicates(&params.mapping));
    let built = build_with(&table, &params).unwrap();
    assert_eq!(numbers(&built, "monetary"), [25.0, 3.0]);
    let line = &built.receipt[2];
    assert_eq!((line.enabled, line.touched), (false, 0));
    assert!(
        line.detail.starts_with("Off because there is no order ID"),
        "{}",
        line.detail
    );
    // With an order ID the same lines are a double entry.
    let table = load(
        "order_id,customer_id,order_date,amount\n\
         1,a,2024-01-01,12.5\n\
         1,a,2024-01-01,12.5\n\
         2,b,2024-01-02,3\n",
    );
    let params = default_params(&table);
    assert!(params.cleaning.drops_duplicates(&params.mapping));
    let built = build_with(&table, &params).unwrap();
    assert_eq!(numbers(&built, "monetary"), [12.5, 3.0]);
    assert_eq!(built.receipt[2].touched, 1);
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
