//! A CDs retailer's purchase lines in the CDNOW shape: whitespace-separated text, customer id,
//! the date as `yyyymmdd`, the number of CDs and the dollar value, with and without a header.
//! The date column is read as dates from its values alone, the header's names give every role,
//! the shape follows the roles the user sets, and the customer table reads the days right
//! (checked against a plain re-computation of recency, frequency and monetary from the lines).

use std::collections::BTreeMap;

use custos::core::customer_table::{CustomerTable, FeatureValues};
use custos::core::features::{build_customer_table, FeatureParams, RoleMapping};
use custos::core::format::{days_from_civil, iso_date};
use custos::core::ingest::roles::guess_shape;
use custos::core::ingest::{ingest_bytes, IngestOptions, TableShape};
use custos::core::table::{ColumnType, Role, Table};

/// One purchase line: customer, day (days since 1970-01-01), CDs, dollars.
struct Line {
    customer: u32,
    day: i64,
    cds: u32,
    dollars: f64,
}

/// 120 customers, 1–6 lines each, days in 1997-01-01 … 1998-06-30; no two lines identical.
fn lines() -> Vec<Line> {
    let start = days_from_civil(1997, 1, 1).unwrap();
    let mut state: u64 = 12_345;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut out = Vec::new();
    for customer in 1..=120u32 {
        for k in 0..1 + next(6) {
            let cds = 1 + next(5) as u32;
            out.push(Line {
                customer,
                day: start + next(546) as i64,
                cds,
                dollars: cds as f64 * 11.0 + (k as f64) * 0.01 + next(100) as f64 / 100.0,
            });
        }
    }
    out.sort_by_key(|l| (l.customer, l.day));
    out
}

fn yyyymmdd(day: i64) -> String {
    iso_date(day).replace('-', "")
}

/// The file as CDNOW_master.txt writes it: right-aligned fields separated by runs of spaces.
fn cdnow_text(lines: &[Line], header: bool) -> String {
    let mut text = String::new();
    if header {
        text.push_str("customer_id date number_of_cds dollar_value\n");
    }
    for l in lines {
        text.push_str(&format!(
            "{:>8} {} {:>2} {:>7.2}\n",
            format!("{:05}", l.customer),
            yyyymmdd(l.day),
            l.cds,
            l.dollars
        ));
    }
    text
}

fn load(text: &str) -> Table {
    ingest_bytes(text.as_bytes(), &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .table
}

fn numbers<'a>(table: &'a CustomerTable, name: &str) -> &'a [f64] {
    match &table
        .feature(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .values
    {
        FeatureValues::Numeric(values) => values,
        other => panic!("{name}: {other:?}"),
    }
}

/// Recency, frequency (customer-days: there is no order id) and monetary per customer, computed
/// straight from the generated lines, against the customer table.
fn check_customer_table(table: &Table, lines: &[Line]) {
    let params = FeatureParams {
        mapping: RoleMapping::from_roles(table),
        ..FeatureParams::default()
    };
    let built = build_customer_table(table, &params, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let last_day = lines.iter().map(|l| l.day).max().unwrap();
    assert_eq!(built.reference_date as i64, last_day + 1);
    let mut expected: BTreeMap<String, (i64, std::collections::BTreeSet<i64>, f64)> =
        BTreeMap::new();
    for l in lines {
        let entry = expected.entry(format!("{:05}", l.customer)).or_insert((
            i64::MIN,
            Default::default(),
            0.0,
        ));
        entry.0 = entry.0.max(l.day);
        entry.1.insert(l.day);
        entry.2 += (l.dollars * 100.0).round() / 100.0;
    }
    let c = &built.customers;
    assert_eq!(c.n_rows(), expected.len());
    let (recency, frequency, monetary) = (
        numbers(c, "recency_days"),
        numbers(c, "frequency"),
        numbers(c, "monetary"),
    );
    for (row, id) in c.ids.iter().enumerate() {
        let key = format!("{:05}", id.parse::<u32>().unwrap());
        let (last, days, spend) = &expected[&key];
        assert_eq!(
            recency[row],
            (last_day + 1 - last) as f64,
            "recency of {id}"
        );
        assert_eq!(frequency[row], days.len() as f64, "frequency of {id}");
        assert!((monetary[row] - spend).abs() < 1e-6, "monetary of {id}");
    }
}

#[test]
fn without_a_header_the_date_is_read_and_the_shape_follows_the_roles() {
    let lines = lines();
    let mut table = load(&cdnow_text(&lines, false));
    let names: Vec<&str> = table.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["column_1", "column_2", "column_3", "column_4"]);
    let date = table.column_by_name("column_2").unwrap();
    assert_eq!(date.ctype, ColumnType::Date);
    assert_eq!(date.note.format.as_deref(), Some("yyyymmdd"));
    assert_eq!(date.role, Some(Role::Date));
    // Names say nothing else: the user is asked which column is the customer.
    let shape = guess_shape(&table);
    assert_eq!(shape.shape, TableShape::Unknown, "{}", shape.reason);
    table.set_role(0, Some(Role::CustomerId)).unwrap();
    table.set_role(2, Some(Role::Quantity)).unwrap();
    table.set_role(3, Some(Role::Amount)).unwrap();
    let shape = guess_shape(&table);
    assert_eq!(shape.shape, TableShape::Transactions, "{}", shape.reason);
    check_customer_table(&table, &lines);
    // Taking the customer role away again makes the shape unclear again.
    table.set_role(0, None).unwrap();
    assert_eq!(guess_shape(&table).shape, TableShape::Unknown);
}

#[test]
fn with_the_header_every_role_is_found() {
    let lines = lines();
    let table = load(&cdnow_text(&lines, true));
    let role = |name: &str| table.column_by_name(name).and_then(|c| c.role);
    assert_eq!(role("customer_id"), Some(Role::CustomerId));
    assert_eq!(role("date"), Some(Role::Date));
    assert_eq!(role("number_of_cds"), Some(Role::Quantity));
    assert_eq!(role("dollar_value"), Some(Role::Amount));
    assert_eq!(guess_shape(&table).shape, TableShape::Transactions);
    check_customer_table(&table, &lines);
}
