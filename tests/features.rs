//! Transactions → customer table on real datasets (checked against pandas), a small fixture
//! with a golden table, bad input, and the `custos customers` command.
//!
//! The Online Retail, Superstore and Groceries figures were computed once with pandas 3.1
//! (`python3`, numpy) as below, independently of Custos; rerun the steps to check them. The
//! netted Online Retail figures (the default cleaning) come from
//! `scripts/bench.d/pandas_netting.py`; the block below is the cleaning with cancellations
//! dropped.
//!
//! ```python
//! import pandas as pd, numpy as np
//! df = pd.read_csv("online_retail_sparkguide.csv", dtype=str, keep_default_na=False)
//! q, p = pd.to_numeric(df.Quantity), pd.to_numeric(df.UnitPrice)
//! c_invoice = df.InvoiceNo.str.match(r"^[Cc][0-9]")
//! cancel = c_invoice | (q <= 0) | (q * p < 0)        # 9,288 + 1,336 + 2 = 10,626 lines
//! nocust = df.CustomerID == ""                        # 133,359 of the non-cancelled lines
//! rest = df[~cancel & ~nocust]
//! d = rest.drop_duplicates().copy()                   # 5,192 duplicates; 392,732 lines left
//! d["cust"] = d.CustomerID.str.replace(r"\.0+$", "", regex=True)
//! d["day"] = pd.to_datetime(d.InvoiceDate).dt.floor("D")
//! d["spend"] = pd.to_numeric(d.Quantity) * pd.to_numeric(d.UnitPrice)
//! ref = d.day.max() + pd.Timedelta(days=1)            # 2011-12-10
//! g = d.groupby("cust").agg(last=("day", "max"), frequency=("InvoiceNo", "nunique"),
//!                           monetary=("spend", "sum"))
//! g["recency"] = (ref - g["last"]).dt.days            # 4,339 customers; spend 8,887,208.894
//! n = len(g)
//! def score(s):                                     # rfm::quintile_scores
//!     q = np.ceil(5 * (s.rank(method="average") - 0.5) / len(s))
//!     return q.mask(s == s.min(), 1).mask(s == s.max(), 5)
//! g["r"], g["f"], g["m"] = score(-g.recency), score(g.frequency), score(g.monetary)
//! raw = df[~nocust].assign(cust=..., cancel=cancel[~nocust])   # return share: orders with
//! o = raw.groupby(["cust", "InvoiceNo"]).cancel.any().groupby("cust").agg(["sum", "count"])
//! # a cancellation line / all orders of the customer, before cleaning
//!
//! s = pd.read_csv("Sample - Superstore.csv", encoding="cp1252")
//! s["Customer ID"].nunique()                          # 793; Sales sum 2,297,200.8603
//! s.groupby("Customer ID")["Order ID"].nunique().sum()   # 5,009
//! gr = pd.read_csv("Groceries_dataset.csv").drop_duplicates()   # 759 duplicates
//! gr["day"] = pd.to_datetime(gr.Date, format="%d-%m-%Y")
//! gg = gr.groupby("Member_number").agg(last=("day", "max"), freq=("day", "nunique"))
//! # 3,898 members; sum of freq 14,963; member 1000: recency 36, freq 5 (ref 2015-12-31)
//! ```

mod common;

use custos::core::customer_table::{CustomerTable, FeatureValues};
use custos::core::features::{
    build_customer_table, Cancellations, CustomerBuild, FeatureError, FeatureParams, RoleMapping,
    NO_ORDER_SEGMENT, RETURNED_MORE_COLUMN,
};
use custos::core::ingest::{self, IngestOptions};
use custos::core::table::{Role, Table};

use common::{
    check_golden, custos, data_dir, fixture, ingest_path, load_data, one_line_error, run_ok,
};

fn load_text(csv: &str) -> Table {
    ingest::ingest_bytes(csv.as_bytes(), &IngestOptions::default())
        .unwrap()
        .table
}

fn params(table: &Table) -> FeatureParams {
    FeatureParams {
        mapping: RoleMapping::from_roles(table),
        ..FeatureParams::default()
    }
}

fn build(table: &Table) -> CustomerBuild {
    build_customer_table(table, &params(table), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn build_err(table: &Table, params: &FeatureParams) -> FeatureError {
    match build_customer_table(table, params, &mut |_| {}) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn numbers<'a>(table: &'a CustomerTable, name: &str) -> &'a [f64] {
    match &table
        .feature(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .values
    {
        FeatureValues::Numeric(v) => v,
        FeatureValues::Categorical { .. } => panic!("{name} is categorical"),
    }
}

/// The value of feature `name` for customer `id`.
fn cell(table: &CustomerTable, id: &str, name: &str) -> f64 {
    let row = table
        .ids
        .iter()
        .position(|i| i == id)
        .unwrap_or_else(|| panic!("no customer {id}"));
    numbers(table, name)[row]
}

fn touched(build: &CustomerBuild, step: &str) -> u64 {
    build
        .receipt
        .iter()
        .find(|l| l.step == step)
        .unwrap_or_else(|| panic!("no receipt line {step}"))
        .touched
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

#[test]
fn online_retail_nets_cancellations_as_pandas() {
    let table = load_data("online_retail_sparkguide.csv").table;
    let built = build(&table);
    let c = &built.customers;
    // scripts/bench.d/pandas_netting.py: every customer with a line stays, returns included.
    assert_eq!(c.n_rows(), 4_372);
    assert_eq!(built.lines_used, 401_604);
    assert_eq!(touched(&built, "cancellations"), 8_872);
    assert_eq!(touched(&built, "drop_missing_customer"), 135_080);
    assert_eq!(touched(&built, "drop_exact_duplicates"), 5_225);
    // 12346 bought 74,215 units and cancelled them all: no spend, no order, not "At Risk".
    assert_eq!(cell(c, "12346", "monetary"), 0.0);
    assert_eq!(cell(c, "12346", "frequency"), 0.0);
    let segment = c.feature("rfm_segment").unwrap();
    let row = c.ids.iter().position(|id| id == "12346").unwrap();
    assert_eq!(segment.values.text(row).as_deref(), Some(NO_ORDER_SEGMENT));
    assert!(cell(c, "12346", "avg_order_value").is_nan());
    assert!(close(cell(c, "17850", "monetary"), 5_303.48));
    assert_eq!(cell(c, "17850", "frequency"), 34.0);
    // 41 customers returned more than they bought here: floored at 0 and flagged.
    let flagged = numbers(c, RETURNED_MORE_COLUMN);
    assert_eq!(flagged.iter().filter(|&&x| x == 1.0).count(), 41);
    let floored = numbers(c, "monetary")
        .iter()
        .zip(flagged)
        .filter(|(_, &f)| f == 1.0)
        .all(|(&m, _)| m == 0.0);
    assert!(floored);
    let revenue: f64 = numbers(c, "monetary").iter().sum();
    assert!((revenue - 8_291_748.564).abs() < 0.01, "{revenue}");
    // The monthly revenue is net of every return, negative nets included.
    let monthly: f64 = built.monthly.revenue.as_ref().unwrap().iter().sum();
    assert!((monthly - 8_278_519.424).abs() < 0.01, "{monthly}");
    let orders: f64 = numbers(c, "frequency").iter().sum();
    assert_eq!(orders, 18_336.0);
    let none_left = numbers(c, "frequency")
        .iter()
        .filter(|&&f| f == 0.0)
        .count();
    assert_eq!(none_left, 45);
    let receipt = &built.receipt[0].detail;
    for words in [
        "8,872 lines with a customer ID netted",
        "200 orders returned in full",
        "45 customers have no order left",
        "1,304 lines match no purchase",
        "41 customers returned more than they bought",
    ] {
        assert!(receipt.contains(words), "{words}: {receipt}");
    }
    assert!(c.check().is_ok());
}

#[test]
fn online_retail_with_cancellations_dropped_matches_pandas() {
    let table = load_data("online_retail_sparkguide.csv").table;
    let mut params = params(&table);
    params.cleaning.cancellations = Cancellations::Drop;
    let built = build_customer_table(&table, &params, &mut |_| {}).unwrap();
    let c = &built.customers;
    assert_eq!(c.id_name, "CustomerID");
    assert_eq!(c.n_rows(), 4_339);
    assert_eq!(built.lines_used, 392_732);
    assert_eq!(touched(&built, "cancellations"), 10_626);
    assert_eq!(touched(&built, "drop_missing_customer"), 133_359);
    assert_eq!(touched(&built, "drop_exact_duplicates"), 5_192);
    assert!(built.receipt[0]
        .detail
        .contains("9,288 lines of 3,836 orders starting with C"));
    assert_eq!(built.reference_date, 15_318); // 2011-12-10
    let revenue: f64 = numbers(c, "monetary").iter().sum();
    assert!((revenue - 8_887_208.894).abs() < 0.01, "{revenue}");
    let orders: f64 = numbers(c, "frequency").iter().sum();
    assert_eq!(orders, 18_536.0);

    // (id, recency, frequency, monetary, return share, R, F, M) from pandas.
    let expected = [
        ("12346", 326.0, 1.0, 77_183.6, 0.5, 1.0, 1.0, 5.0),
        ("12347", 3.0, 7.0, 4_310.0, 0.0, 5.0, 5.0, 5.0),
        ("17850", 373.0, 34.0, 5_391.21, 1.0 / 35.0, 1.0, 5.0, 5.0),
    ];
    for (id, recency, frequency, monetary, returns, r, f, m) in expected {
        assert_eq!(cell(c, id, "recency_days"), recency, "{id}");
        assert_eq!(cell(c, id, "frequency"), frequency, "{id}");
        assert!(close(cell(c, id, "monetary"), monetary), "{id}");
        assert!(close(cell(c, id, "return_share"), returns), "{id}");
        assert_eq!(
            [
                cell(c, id, "r_score"),
                cell(c, id, "f_score"),
                cell(c, id, "m_score")
            ],
            [r, f, m],
            "{id}"
        );
    }
    // Score sizes as pandas counts them (ties share a score, so F has no 2).
    let count = |name: &str, score: f64| numbers(c, name).iter().filter(|&&s| s == score).count();
    let sizes = |name: &str| {
        (1..=5)
            .map(|s| count(name, f64::from(s)))
            .collect::<Vec<_>>()
    };
    assert_eq!(sizes("r_score"), [869, 858, 863, 881, 868]);
    assert_eq!(sizes("f_score"), [1_494, 0, 1_343, 630, 872]);
    assert_eq!(sizes("m_score"), [868, 868, 867, 868, 868]);
    // Every month from 2010-12 to 2011-12.
    assert_eq!(built.monthly.months.len(), 13);
    let monthly: f64 = built.monthly.revenue.as_ref().unwrap().iter().sum();
    assert!((monthly - revenue).abs() < 0.01);
    assert!(c.check().is_ok());
}

#[test]
fn superstore_windows_1252() {
    let path = data_dir().join("Sample - Superstore.csv");
    // The file's bytes hold the name in Windows-1252 (ö = 0xF6).
    let bytes = std::fs::read(&path).unwrap();
    let raw_name = b"Barry Franz\xF6sisch";
    assert!(bytes.windows(raw_name.len()).any(|w| w == raw_name));
    let table = ingest_path(&path).table;
    let names = table.column_by_name("Customer Name").unwrap();
    let ids = table.column_by_name("Customer ID").unwrap();
    let barry = (0..table.n_rows())
        .find(|&r| names.text(r) == Some("Barry Französisch"))
        .expect("the accented name decodes");
    assert_eq!(ids.text(barry), Some("BF-11020"));

    let built = build(&table);
    let c = &built.customers;
    assert_eq!(c.n_rows(), 793);
    assert!(c.ids.iter().any(|id| id == "BF-11020"));
    // Order IDs like CA-2016-152156 are not cancellations.
    assert_eq!(touched(&built, "cancellations"), 0);
    assert_eq!(built.lines_used, 9_994);
    let revenue: f64 = numbers(c, "monetary").iter().sum();
    assert!((revenue - 2_297_200.86).abs() < 0.01, "{revenue}");
    let orders: f64 = numbers(c, "frequency").iter().sum();
    assert_eq!(orders, 5_009.0);
    assert!(built.notes.iter().any(|n| n.contains("'Sales'")));
}

#[test]
fn groceries_without_amounts_has_no_monetary_features() {
    let table = load_data("Groceries_dataset.csv").table;
    let built = build(&table);
    let c = &built.customers;
    assert_eq!(c.n_rows(), 3_898);
    for absent in [
        "monetary",
        "avg_order_value",
        "spend_30d",
        "spend_90d",
        "spend_trend",
        "m_score",
        "return_share",
    ] {
        assert!(c.feature(absent).is_none(), "{absent} should be absent");
    }
    assert!(c.feature("distinct_products").is_some());
    assert!(c.feature("rfm_segment").is_some());
    assert!(
        built
            .notes
            .iter()
            .any(|n| n.contains("monetary features") && n.contains("absent")),
        "{:?}",
        built.notes
    );
    assert!(built.notes.iter().any(|n| n.contains("one order")));
    assert!(built.monthly.revenue.is_none());
    // No order ID: the 759 lines identical to another (member, day, item) may be two of the same
    // item bought that day, so they are kept; they do not change the member-days.
    let duplicates = built
        .receipt
        .iter()
        .find(|l| l.step == "drop_exact_duplicates")
        .unwrap();
    assert_eq!((duplicates.enabled, duplicates.touched), (false, 0));
    assert!(
        duplicates.detail.contains("no order ID"),
        "{}",
        duplicates.detail
    );
    assert!(
        duplicates.detail.contains("759 lines"),
        "{}",
        duplicates.detail
    );
    assert_eq!(built.lines_used, 38_765);
    // pandas: member-days, reference 2015-12-31.
    let days: f64 = numbers(c, "frequency").iter().sum();
    assert_eq!(days, 14_963.0);
    assert_eq!(cell(c, "1000", "recency_days"), 36.0);
    assert_eq!(cell(c, "1000", "frequency"), 5.0);
}

/// A CDs shop's download (`id yyyymmdd n_cds dollars`, whitespace-delimited, no header, no
/// order ID), generated: 600 lines of 200 customers, then 25 of them written a second time
/// (the same customer buying the same again that day, or a double entry: the file cannot say).
fn cds_file(dir: &std::path::Path) -> (std::path::PathBuf, f64) {
    let mut text = String::new();
    let mut lines = Vec::new();
    for i in 0..600u32 {
        let day = 1 + (i * 7) % 28;
        let month = 1 + (i / 50) % 12;
        let cds = 1 + i % 3;
        let dollars = f64::from(cds) * 11.77 + f64::from(i % 5);
        lines.push(format!(
            "{:05} 1997{month:02}{day:02} {cds} {dollars:.2}",
            1 + i % 200
        ));
    }
    for i in 0..25 {
        lines.push(lines[i * 20].clone());
    }
    let mut total = 0.0;
    for line in &lines {
        total += line.rsplit(' ').next().unwrap().parse::<f64>().unwrap();
        text.push_str(line);
        text.push('\n');
    }
    let path = dir.join("cds.txt");
    std::fs::write(&path, text).unwrap();
    (path, total)
}

/// Item 5 of issue 12: without an order ID, identical lines are kept by default (they can be two
/// purchases) and the receipt says why; with one, they are dropped.
#[test]
fn identical_lines_without_an_order_id_are_kept_by_default() {
    let dir = std::env::temp_dir().join(format!("custos-cds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (path, total) = cds_file(&dir);
    let table = ingest_path(&path).table;
    assert_eq!(table.n_rows(), 625);
    // Roles set by hand (not detected): id, date, amount.
    let mut params = FeatureParams {
        mapping: RoleMapping {
            customer: Some(0),
            date: Some(1),
            amount: Some(3),
            ..RoleMapping::default()
        },
        ..FeatureParams::default()
    };
    let built = build_customer_table(&table, &params, &mut |_| {}).unwrap();
    assert_eq!(built.lines_used, 625);
    let revenue: f64 = numbers(&built.customers, "monetary").iter().sum();
    assert!(close(revenue, total), "{revenue} vs {total}");
    let line = built
        .receipt
        .iter()
        .find(|l| l.step == "drop_exact_duplicates")
        .unwrap();
    assert_eq!((line.enabled, line.touched), (false, 0));
    assert_eq!(
        line.detail,
        "Off because there is no order ID: identical lines can be two purchases, so they are \
         kept: 25 lines repeating an earlier line in every column"
    );
    // Switched on by choice, the 25 go.
    params.cleaning.exact_duplicates = custos::core::features::ExactDuplicates::Drop;
    let built = build_customer_table(&table, &params, &mut |_| {}).unwrap();
    assert_eq!(built.lines_used, 600);
    // The CLI follows the same rule.
    let output = run_ok(
        custos()
            .arg("customers")
            .arg(&path)
            .args(["--customer", "column_1", "--date", "column_2"])
            .args(["--amount", "column_4"]),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("from 625 of 625 lines"), "{stderr}");
    assert!(
        stderr.contains("Off because there is no order ID"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The customer table to 4 decimals, then the receipt, as text.
fn table_text(built: &CustomerBuild) -> String {
    let c = &built.customers;
    let mut out = String::new();
    let names: Vec<&str> = c.features.iter().map(|f| f.name.as_str()).collect();
    out.push_str(&format!("{}\t{}\n", c.id_name, names.join("\t")));
    for (row, id) in c.ids.iter().enumerate() {
        let cells: Vec<String> = c
            .features
            .iter()
            .map(|f| match &f.values {
                FeatureValues::Numeric(v) if v[row].is_nan() => String::new(),
                FeatureValues::Numeric(v) => format!("{:.4}", v[row]),
                FeatureValues::Categorical { .. } => f.values.text(row).unwrap_or_default(),
            })
            .collect();
        out.push_str(&format!("{id}\t{}\n", cells.join("\t")));
    }
    out.push_str(&format!(
        "\nreference_date\t{}\nlines_used\t{}\n",
        custos::core::format::iso_date(i64::from(built.reference_date)),
        built.lines_used
    ));
    for line in &built.receipt {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            line.step, line.enabled, line.touched, line.detail
        ));
    }
    for (i, month) in built.monthly.months.iter().enumerate() {
        let revenue = built.monthly.revenue.as_ref().map_or(0.0, |r| r[i]);
        out.push_str(&format!(
            "{month}\t{revenue:.4}\t{}\t{}\n",
            built.monthly.orders[i], built.monthly.active_customers[i]
        ));
    }
    out
}

#[test]
fn small_fixture_golden_table() {
    let table = ingest_path(&fixture("transactions_small.csv")).table;
    let built = build(&table);
    // Hand-checked: 19 lines; C1004 and the quantity-0 line are returns (netted), one line has
    // no customer, one repeats 1002 exactly; 17 lines of 5 customers are left.
    assert_eq!(built.lines_used, 17);
    assert_eq!(touched(&built, "cancellations"), 2);
    assert_eq!(touched(&built, "drop_missing_customer"), 1);
    assert_eq!(touched(&built, "drop_exact_duplicates"), 1);
    assert_eq!(built.customers.ids, ["101", "102", "103", "104", "105"]);
    // Customer 101: 21 + 6.75 + 8.10 over 3 orders, less the returned plate (12); 1 of its 4
    // orders holds a return. 103's quantity-0 order is no purchase.
    assert!(close(cell(&built.customers, "101", "monetary"), 23.85));
    assert_eq!(cell(&built.customers, "101", "frequency"), 3.0);
    assert_eq!(cell(&built.customers, "101", "return_share"), 0.25);
    assert_eq!(cell(&built.customers, "103", "frequency"), 1.0);
    check_golden("transactions_small.customers.tsv", &table_text(&built));
}

/// Issue 12: when most customers bought once (the CDs file: 14,119 of 23,570), their average
/// rank lies above the first fifth, so they all scored F = 2 and no one scored 1. The lowest
/// order count scores 1 and the highest 5, whatever the ties.
#[test]
fn one_time_buyers_score_f1_even_when_they_are_most_customers() {
    let mut csv = String::from("customer_id,order_id,order_date,amount\n");
    let mut order = 0;
    for customer in 0..100 {
        // 60 one-time buyers, then 10 each with 2, 3, 4 and 6 orders.
        let orders = match customer {
            0..=59 => 1,
            60..=69 => 2,
            70..=79 => 3,
            80..=89 => 4,
            _ => 6,
        };
        for k in 0..orders {
            order += 1;
            let day = 1 + (customer * 7 + k * 11) % 28;
            let amount = 10 + customer % 13 + k;
            csv.push_str(&format!("c{customer},o{order},2024-03-{day:02},{amount}\n"));
        }
    }
    let built = build(&load_text(&csv));
    let c = &built.customers;
    assert_eq!(c.n_rows(), 100);
    let frequency = numbers(c, "frequency");
    let f_score = numbers(c, "f_score");
    let by_orders = |n: f64| -> Vec<f64> {
        let mut scores: Vec<f64> = frequency
            .iter()
            .zip(f_score)
            .filter(|(&f, _)| f == n)
            .map(|(_, &s)| s)
            .collect();
        scores.dedup();
        scores
    };
    assert_eq!(by_orders(1.0), [1.0], "one-time buyers");
    // Two orders: ranks 61–70, midpoint 65 → the fourth fifth.
    assert_eq!(by_orders(2.0), [4.0]);
    assert_eq!(by_orders(6.0), [5.0], "the most orders");
    // Recency and spend have few ties: their quintiles stay equal-sized.
    for name in ["r_score", "m_score"] {
        let scores = numbers(c, name);
        for s in 1..=5 {
            let n = scores.iter().filter(|&&x| x == f64::from(s)).count();
            assert!((10..=30).contains(&n), "{name} {s}: {n}");
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Bad input: each error names the role or column and says what to do.
// ----------------------------------------------------------------------------------------------

const GOOD: &str = "customer_id,order_date,amount\n\
                    a,2024-01-01,10\n\
                    b,2024-01-02,20\n\
                    a,2024-02-01,5\n";

#[test]
fn no_customer_column_is_named() {
    let table = load_text(GOOD);
    let mut p = params(&table);
    p.mapping.customer = None;
    let err = build_err(&table, &p);
    assert_eq!(
        err,
        FeatureError::MissingRole {
            role: Role::CustomerId
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("Customer ID") && text.contains("Explore mapping"),
        "{text}"
    );
}

#[test]
fn no_date_column_is_named() {
    let table = load_text("customer_id,amount\na,1\nb,2\n");
    let err = build_err(&table, &params(&table));
    assert_eq!(err, FeatureError::MissingRole { role: Role::Date });
    assert!(err.to_string().contains("Date"), "{err}");
}

#[test]
fn unreadable_dates_show_examples() {
    let table = load_text("customer_id,bought\na,yesterday\nb,2024-01-02\nc,last week\n");
    let mut p = params(&table);
    p.mapping.date = table.column_index("bought");
    let err = build_err(&table, &p);
    assert!(
        matches!(err, FeatureError::UnreadableDates { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("'bought'") && text.contains("'yesterday'"),
        "{text}"
    );
}

#[test]
fn an_empty_amount_column_is_named() {
    let table = load_text("customer_id,order_date,amount\na,2024-01-01,\nb,2024-01-02,NA\n");
    let mut p = params(&table);
    p.mapping.amount = table.column_index("amount");
    let err = build_err(&table, &p);
    assert_eq!(
        err,
        FeatureError::EmptyColumn {
            role: Role::Amount,
            column: "amount".to_string()
        }
    );
    assert!(err.to_string().contains("'amount'"), "{err}");
}

#[test]
fn a_text_amount_column_is_named() {
    let table = load_text("customer_id,order_date,amount\na,2024-01-01,$10\nb,2024-01-02,$5\n");
    let mut p = params(&table);
    p.mapping.amount = table.column_index("amount");
    let err = build_err(&table, &p);
    assert!(matches!(err, FeatureError::NotNumeric { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("'amount'") && text.contains("'$10'"),
        "{text}"
    );
}

#[test]
fn nothing_left_after_cleaning() {
    let table = load_text(
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n\
         C1,a,2024-01-01,-1,5\n\
         2,,2024-01-02,1,5\n",
    );
    let err = build_err(&table, &params(&table));
    assert!(matches!(err, FeatureError::NoLinesLeft { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("'CustomerID'") && text.contains("1 cancellations or returns"),
        "{text}"
    );
}

#[test]
fn a_single_customer_is_refused() {
    let table = load_text("customer_id,order_date,amount\na,2024-01-01,10\na,2024-01-05,3\n");
    let err = build_err(&table, &params(&table));
    assert_eq!(
        err,
        FeatureError::SingleCustomer {
            column: "customer_id".to_string(),
            id: "a".to_string()
        }
    );
    assert!(err.to_string().contains("at least 2 customers"), "{err}");
}

#[test]
fn a_reference_date_before_all_purchases_is_refused() {
    let table = load_text(GOOD);
    let mut p = params(&table);
    p.reference_date = Some(0); // 1970-01-01
    let err = build_err(&table, &p);
    assert!(
        matches!(err, FeatureError::ReferenceBeforeFirstPurchase { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("1970-01-01") && text.contains("2024-01-01") && text.contains("'order_date'"),
        "{text}"
    );
}

#[test]
fn a_mapping_outside_the_table_is_refused() {
    let table = load_text(GOOD);
    let mut p = params(&table);
    p.mapping.order = Some(9);
    let err = build_err(&table, &p);
    assert!(matches!(err, FeatureError::NoSuchColumn { .. }), "{err:?}");
}

// ----------------------------------------------------------------------------------------------
// The `custos customers` command.
// ----------------------------------------------------------------------------------------------

#[test]
fn cli_customers_golden_csv() {
    let output = run_ok(
        custos()
            .arg("customers")
            .arg(fixture("transactions_small.csv")),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    check_golden(
        "transactions_small.customers.csv",
        &String::from_utf8(output.stdout).unwrap(),
    );
    assert!(
        stderr.contains("customers   5 from 17 of 19 lines"),
        "{stderr}"
    );
    assert!(stderr.contains("Drop exact duplicate lines"), "{stderr}");
}

#[test]
fn cli_customers_options_and_output_file() {
    let out = std::env::temp_dir().join(format!("custos-customers-{}.csv", std::process::id()));
    let run = |cleaning: &[&str]| {
        let output = run_ok(
            custos()
                .arg("customers")
                .arg(fixture("transactions_small.csv"))
                .args(["--customer", "CustomerID", "--date", "InvoiceDate"])
                .args(["--quantity", "Quantity", "--price", "UnitPrice"])
                .args(["--reference-date", "2024-07-31"])
                .args(cleaning)
                .arg("-o")
                .arg(&out),
        );
        assert!(output.stdout.is_empty());
        let csv = std::fs::read_to_string(&out).unwrap();
        std::fs::remove_file(&out).ok();
        let row = csv
            .lines()
            .find(|l| l.starts_with("101,"))
            .unwrap()
            .to_string();
        (row, String::from_utf8_lossy(&output.stderr).into_owned())
    };
    // Netted (the default): 101's returned plate (−12) comes off 35.85; its 3 orders still
    // count. Recency from 2024-07-31.
    let (row, _) = run(&[]);
    assert!(row.starts_with("101,72,3,23.85,"), "{row}");
    let (row, stderr) = run(&["--cancellations", "drop", "--duplicates", "keep"]);
    assert!(row.starts_with("101,72,3,35.85,"), "{row}");
    assert!(
        stderr.contains("Drop cancellations and returns"),
        "{stderr}"
    );
    assert!(stderr.contains("Switched off"), "{stderr}");
    // The old flag still works: it meant "keep them as negative spend", now the default.
    let (row, stderr) = run(&["--keep-cancellations"]);
    assert!(row.starts_with("101,72,3,23.85,"), "{row}");
    assert!(stderr.contains("--cancellations net"), "{stderr}");
}

#[test]
fn cli_customers_bad_input_fails_with_one_line() {
    let small = fixture("transactions_small.csv");
    let message = one_line_error(&[
        "customers".as_ref(),
        small.as_os_str(),
        "--customer".as_ref(),
        "Client".as_ref(),
    ]);
    assert!(message.contains("'Client'"), "{message}");
    let message = one_line_error(&[
        "customers".as_ref(),
        small.as_os_str(),
        "--reference-date".as_ref(),
        "2020-01-01".as_ref(),
    ]);
    assert!(message.contains("before the first purchase"), "{message}");
    let message = one_line_error(&[
        "customers".as_ref(),
        small.as_os_str(),
        "--reference-date".as_ref(),
        "31/12/2024".as_ref(),
    ]);
    assert!(message.contains("YYYY-MM-DD"), "{message}");
    // A customer file (one row per customer, no date): the Date role is missing.
    let dir = std::env::temp_dir().join(format!("custos-customers-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("customers.csv");
    std::fs::write(&path, "customer_id,age\n1,30\n2,41\n").unwrap();
    let message = one_line_error(&["customers".as_ref(), path.as_os_str()]);
    assert!(message.contains("Date"), "{message}");
    std::fs::remove_dir_all(&dir).ok();
}
