//! Ingest of every real dataset in `../shared/data`, checked against the figures in its README.

mod common;

use custos::core::ingest::{Delimiter, Ingested, LineEnding, TableShape, TextEncoding};
use custos::core::table::{ColumnType, Role};

use common::load_data;

struct Expect<'a> {
    rows: usize,
    cols: usize,
    delimiter: Delimiter,
    encoding: TextEncoding,
    line_ending: LineEnding,
    header: bool,
    types: &'a [(&'a str, ColumnType)],
    roles: &'a [(&'a str, Role)],
}

fn check(name: &str, expect: Expect<'_>) -> Ingested {
    let got = load_data(name);
    let t = &got.table;
    assert_eq!(t.n_rows(), expect.rows, "{name}: rows");
    assert_eq!(t.n_cols(), expect.cols, "{name}: columns");
    assert_eq!(got.dialect.delimiter, expect.delimiter, "{name}: delimiter");
    assert_eq!(got.dialect.encoding, expect.encoding, "{name}: encoding");
    assert_eq!(
        got.dialect.line_ending, expect.line_ending,
        "{name}: line ending"
    );
    assert_eq!(got.dialect.header, expect.header, "{name}: header");
    assert_eq!(
        got.report.bad_rows.count, 0,
        "{name}: bad rows {:?}",
        got.report.bad_rows
    );
    for (column, ctype) in expect.types {
        let c = t
            .column_by_name(column)
            .unwrap_or_else(|| panic!("{name}: no column {column}"));
        assert_eq!(
            c.ctype, *ctype,
            "{name}: type of {column} (format {:?})",
            c.note.format
        );
    }
    for (column, role) in expect.roles {
        let c = t
            .column_by_name(column)
            .unwrap_or_else(|| panic!("{name}: no column {column}"));
        assert_eq!(c.role, Some(*role), "{name}: role of {column}");
    }
    // The roles are pinned: no other column gets one (a customer file must not gain a date or
    // an amount that makes it look like purchase lines).
    for c in t.columns() {
        if !expect.roles.iter().any(|(column, _)| *column == c.name) {
            assert_eq!(c.role, None, "{name}: role of {}", c.name);
        }
    }
    got
}

#[test]
fn online_shoppers_intention() {
    use ColumnType::*;
    let got = check(
        "online_shoppers_intention.csv",
        Expect {
            rows: 12_330,
            cols: 18,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[
                ("Administrative", Integer),
                ("Administrative_Duration", Decimal),
                ("BounceRates", Decimal),
                ("ExitRates", Decimal),
                ("PageValues", Decimal),
                ("SpecialDay", Decimal),
                ("Month", Categorical),
                ("VisitorType", Categorical),
                ("OperatingSystems", Integer),
                ("Weekend", Boolean),
                ("Revenue", Boolean),
            ],
            roles: &[],
        },
    );
    let revenue = got.table.column_by_name("Revenue").unwrap();
    let positives = (0..got.table.n_rows())
        .filter(|&r| revenue.number(r) == Some(1.0))
        .count();
    assert_eq!(positives, 1_908);
    assert!(got.table.columns().iter().all(|c| c.missing_count() == 0));
    // The one value written in scientific notation is read as a number.
    let rates = got.table.column_by_name("BounceRates").unwrap();
    assert!((0..got.table.n_rows())
        .any(|r| rates.text(r) == Some("7.50E-05") && rates.number(r) == Some(7.5e-5)));
}

#[test]
fn mall_customers() {
    use ColumnType::*;
    let got = check(
        "Mall_Customers.csv",
        Expect {
            rows: 200,
            cols: 5,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[
                ("CustomerID", Identifier),
                ("Genre", Categorical),
                ("Age", Integer),
                ("Annual Income (k$)", Integer),
                ("Spending Score (1-100)", Integer),
            ],
            roles: &[("CustomerID", Role::CustomerId)],
        },
    );
    assert_eq!(got.shape.shape, TableShape::Customers);
}

#[test]
fn telco_churn() {
    use ColumnType::*;
    let got = check(
        "WA_Fn-UseC_-Telco-Customer-Churn.csv",
        Expect {
            rows: 7_043,
            cols: 21,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[
                ("customerID", Identifier),
                ("gender", Categorical),
                ("SeniorCitizen", Integer),
                ("Partner", Boolean),
                ("tenure", Integer),
                ("PaymentMethod", Categorical),
                ("MonthlyCharges", Decimal),
                ("TotalCharges", Decimal),
                ("Churn", Boolean),
            ],
            roles: &[("customerID", Role::CustomerId)],
        },
    );
    // 11 customers with tenure 0 have a blank TotalCharges.
    assert_eq!(
        got.table
            .column_by_name("TotalCharges")
            .unwrap()
            .missing_count(),
        11
    );
    let churn = got.table.column_by_name("Churn").unwrap();
    let yes = (0..got.table.n_rows())
        .filter(|&r| churn.number(r) == Some(1.0))
        .count();
    assert_eq!(yes, 1_869);
    assert_eq!(got.shape.shape, TableShape::Customers);
}

#[test]
fn bank_full_semicolon_quoted() {
    use ColumnType::*;
    let got = check(
        "bank-full.csv",
        Expect {
            rows: 45_211,
            cols: 17,
            delimiter: Delimiter::Semicolon,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::Lf,
            header: true,
            types: &[
                ("age", Integer),
                ("job", Categorical),
                ("balance", Integer),
                ("duration", Integer),
                ("pdays", Integer),
                ("month", Categorical),
                ("y", Boolean),
            ],
            roles: &[],
        },
    );
    assert_eq!(got.dialect.quote, Some(b'"'));
    let job = got.table.column_by_name("job").unwrap();
    assert!(
        job.dict.iter().any(|v| &**v == "unknown"),
        "quotes are removed"
    );
    let y = got.table.column_by_name("y").unwrap();
    let yes = (0..got.table.n_rows())
        .filter(|&r| y.number(r) == Some(1.0))
        .count();
    assert_eq!(yes, 5_289);
}

#[test]
fn bank_additional_full() {
    use ColumnType::*;
    check(
        "bank-additional-full.csv",
        Expect {
            rows: 41_188,
            cols: 21,
            delimiter: Delimiter::Semicolon,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[
                ("age", Integer),
                ("emp.var.rate", Decimal),
                ("euribor3m", Decimal),
                ("y", Boolean),
            ],
            roles: &[],
        },
    );
}

#[test]
fn marketing_campaign_tab() {
    use ColumnType::*;
    let got = check(
        "marketing_campaign.csv",
        Expect {
            rows: 2_240,
            cols: 29,
            delimiter: Delimiter::Tab,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::Lf,
            header: true,
            types: &[
                ("ID", Identifier),
                ("Education", Categorical),
                ("Marital_Status", Categorical),
                ("Income", Integer),
                ("Dt_Customer", Date),
                ("Z_CostContact", Integer),
                ("Response", Integer),
            ],
            roles: &[("ID", Role::CustomerId)],
        },
    );
    assert_eq!(
        got.table.column_by_name("Income").unwrap().missing_count(),
        24
    );
    let dates = got.table.column_by_name("Dt_Customer").unwrap();
    assert!(
        dates.note.format.as_deref().unwrap_or("").contains("dd"),
        "{:?}",
        dates.note
    );
}

#[test]
fn online_retail_transactions() {
    use ColumnType::*;
    let got = check(
        "online_retail_sparkguide.csv",
        Expect {
            rows: 541_909,
            cols: 8,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::Lf,
            header: true,
            types: &[
                ("InvoiceNo", Identifier),
                ("Quantity", Integer),
                ("InvoiceDate", DateTime),
                ("UnitPrice", Decimal),
                ("CustomerID", Identifier),
                ("Country", Categorical),
            ],
            roles: &[
                ("InvoiceNo", Role::OrderId),
                ("StockCode", Role::ProductId),
                ("Description", Role::Product),
                ("Quantity", Role::Quantity),
                ("InvoiceDate", Role::Date),
                ("UnitPrice", Role::UnitPrice),
                ("CustomerID", Role::CustomerId),
            ],
        },
    );
    let t = &got.table;
    assert_eq!(
        t.column_by_name("InvoiceNo").unwrap().distinct_count(),
        25_900
    );
    assert_eq!(
        t.column_by_name("StockCode").unwrap().distinct_count(),
        4_070
    );
    // 1,454 empty descriptions (the README's figure) plus 47 written `?`, a missing token.
    assert_eq!(
        t.column_by_name("Description").unwrap().missing_count(),
        1_454 + 47
    );
    let customer = t.column_by_name("CustomerID").unwrap();
    assert_eq!(customer.missing_count(), 135_080);
    assert_eq!(customer.distinct_count(), 4_372);
    let quantity = t.column_by_name("Quantity").unwrap();
    let total: f64 = (0..t.n_rows()).filter_map(|r| quantity.number(r)).sum();
    assert_eq!(total, 5_176_450.0);
    assert_eq!(got.shape.shape, TableShape::Transactions);
}

#[test]
fn superstore_windows_1252() {
    use ColumnType::*;
    let got = check(
        "Sample - Superstore.csv",
        Expect {
            rows: 9_994,
            cols: 21,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Windows1252,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[
                ("Row ID", Identifier),
                ("Order Date", Date),
                ("Ship Date", Date),
                ("Sales", Decimal),
                ("Quantity", Integer),
                ("Postal Code", Integer),
            ],
            roles: &[
                ("Order ID", Role::OrderId),
                ("Order Date", Role::Date),
                ("Customer ID", Role::CustomerId),
                ("Product ID", Role::ProductId),
                ("Product Name", Role::Product),
                ("Sales", Role::Amount),
                ("Quantity", Role::Quantity),
            ],
        },
    );
    assert!(got.dialect.encoding_guessed);
    let t = &got.table;
    assert_eq!(
        t.column_by_name("Customer ID").unwrap().distinct_count(),
        793
    );
    assert_eq!(
        t.column_by_name("Order ID").unwrap().distinct_count(),
        5_009
    );
    let names = t.column_by_name("Customer Name").unwrap();
    assert!(names.dict.iter().any(|n| &**n == "Barry Französisch"));
    let products = t.column_by_name("Product Name").unwrap();
    assert!(products
        .dict
        .iter()
        .any(|n| n.contains("\u{201C}Pillow Soft\u{201D}")));
    let sales = t.column_by_name("Sales").unwrap();
    let total: f64 = (0..t.n_rows()).filter_map(|r| sales.number(r)).sum();
    assert!((total - 2_297_200.86).abs() < 0.01, "{total}");
    let date = t.column_by_name("Order Date").unwrap();
    assert!(
        date.note.format.as_deref().unwrap_or("").starts_with("m"),
        "{:?}",
        date.note
    );
    assert_eq!(got.shape.shape, TableShape::Transactions);
}

#[test]
fn groceries_baskets_without_header() {
    let got = load_data("groceries.csv");
    assert_eq!(got.table.n_rows(), 9_835);
    assert_eq!(got.table.n_cols(), 32);
    assert!(!got.dialect.header);
    assert!(got.dialect.variable_width);
    assert_eq!(got.report.bad_rows.count, 0);
    assert_eq!(got.table.columns()[0].name, "column_1");
    assert!(got.table.columns().iter().all(|c| c.role.is_none()));
    let items: usize = got
        .table
        .columns()
        .iter()
        .map(|c| c.len() - c.missing_count())
        .sum();
    assert_eq!(items, 43_367);
}

#[test]
fn groceries_dataset_members() {
    use ColumnType::*;
    let got = check(
        "Groceries_dataset.csv",
        Expect {
            rows: 38_765,
            cols: 3,
            delimiter: Delimiter::Comma,
            encoding: TextEncoding::Utf8,
            line_ending: LineEnding::CrLf,
            header: true,
            types: &[("Date", Date), ("itemDescription", Categorical)],
            roles: &[
                ("Member_number", Role::CustomerId),
                ("Date", Role::Date),
                ("itemDescription", Role::Product),
            ],
        },
    );
    let t = &got.table;
    assert_eq!(
        t.column_by_name("Member_number").unwrap().distinct_count(),
        3_898
    );
    assert_eq!(
        t.column_by_name("itemDescription")
            .unwrap()
            .distinct_count(),
        167
    );
    let date = t.column_by_name("Date").unwrap();
    let days: Vec<f64> = (0..t.n_rows()).filter_map(|r| date.number(r)).collect();
    let min = days.iter().copied().fold(f64::INFINITY, f64::min);
    let max = days.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(custos::core::format::iso_date(min as i64), "2014-01-01");
    assert_eq!(custos::core::format::iso_date(max as i64), "2015-12-30");
    assert_eq!(got.shape.shape, TableShape::Transactions);
}
