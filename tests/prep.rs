//! Customer files → customer table → preparation → EDA charts, on the real datasets in
//! `../shared/data` and on a small fixture with a golden result
//! (`tests/golden/prep_customers.csv.json`, rewritten with `UPDATE_GOLDEN=1`, reviewed like code).

mod common;

use custos::core::customer_table::{CustomerTable, FeatureValues};
use custos::core::eda::{self, ChartKind};
use custos::core::prep::{self, stats, OutlierAction, OutlierMethod, PrepParams, ScaleMethod};
use custos::core::receipt::ReceiptUnit;
use custos::core::table::Table;

use common::{check_golden, fixture, ingest_path, load_data};

fn customers(name: &str) -> (Table, CustomerTable, Vec<String>) {
    let table = load_data(name).table;
    let (customers, notes) = CustomerTable::from_table(&table).unwrap();
    (table, customers, notes)
}

fn numbers<'a>(table: &'a CustomerTable, name: &str) -> &'a [f64] {
    match table.feature(name).map(|f| &f.values) {
        Some(FeatureValues::Numeric(v)) => v,
        other => panic!("{name} is not numeric: {other:?}"),
    }
}

/// Every step on: cap IQR outliers, automatic log, standard scaling, one-hot.
fn all_on() -> PrepParams {
    let mut p = PrepParams::default();
    p.outliers.enabled = true;
    p.outliers.action = OutlierAction::Cap;
    p.log.enabled = true;
    p.scale.enabled = true;
    p.one_hot.enabled = true;
    p
}

fn assert_all_finite(table: &CustomerTable) {
    for f in &table.features {
        if let FeatureValues::Numeric(v) = &f.values {
            assert!(v.iter().all(|x| x.is_finite()), "{} has NaN or inf", f.name);
        }
    }
}

#[test]
fn mall_customers_from_table() {
    let (_, c, notes) = customers("Mall_Customers.csv");
    assert_eq!(c.n_rows(), 200);
    assert_eq!(c.id_name, "CustomerID");
    assert_eq!(c.ids.first().map(String::as_str), Some("0001"));
    assert_eq!(c.ids.last().map(String::as_str), Some("0200"));
    assert!(notes.is_empty(), "{notes:?}");
    let names: Vec<&str> = c.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Genre",
            "Age",
            "Annual Income (k$)",
            "Spending Score (1-100)"
        ]
    );
    match &c.feature("Genre").unwrap().values {
        FeatureValues::Categorical { levels, codes } => {
            let mut sorted = levels.clone();
            sorted.sort();
            assert_eq!(sorted, ["Female", "Male"]);
            assert_eq!(codes.len(), 200);
        }
        other => panic!("Genre: {other:?}"),
    }
    assert_eq!(numbers(&c, "Age").len(), 200);
    assert_eq!(
        c.features.iter().filter(|f| f.values.is_numeric()).count(),
        3
    );

    let (_, prepared) = prep::fit_transform(&all_on(), &c).unwrap();
    assert_all_finite(&prepared.table);
    // Genre → Genre_Female, Genre_Male (Female is the more frequent: 112 of 200).
    assert_eq!(prepared.table.features[0].name, "Genre_Female");
    assert_eq!(
        numbers(&prepared.table, "Genre_Female").iter().sum::<f64>(),
        112.0
    );
}

#[test]
fn marketing_campaign_income_median_fills_24_values() {
    let (raw, c, notes) = customers("marketing_campaign.csv");
    assert_eq!(c.n_rows(), 2240);
    assert_eq!(c.id_name, "ID");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(c.feature("Income").unwrap().values.missing_count(), 24);
    let joined = c.feature("Dt_Customer").unwrap();
    assert!(
        joined.description.contains("days since 2012-07-30"),
        "{}",
        joined.description
    );
    assert_eq!(
        stats::min_max(numbers(&c, "Dt_Customer")).map(|(lo, _)| lo),
        Some(0.0)
    );

    let (fitted, prepared) = prep::fit_transform(&PrepParams::default(), &c).unwrap();
    let impute = &prepared.receipt[0];
    assert_eq!((impute.step.as_str(), impute.touched), ("impute", 24));
    assert_eq!(impute.unit, ReceiptUnit::Values);
    assert_eq!(impute.detail, "median of 1 column: 24 values filled");
    let median = stats::median(numbers(&c, "Income")).unwrap();
    assert_eq!(median, 51_381.5);
    let income = numbers(&prepared.table, "Income");
    assert_eq!(income.iter().filter(|&&x| x == median).count(), 24);
    assert!(fitted
        .impute
        .fills
        .iter()
        .any(|f| f.name == "Income" && f.fill == prep::FillValue::Number(median)));

    // The raw table's missing chart puts Income first.
    let chart = eda::missing_chart_for_table(&raw);
    let ChartKind::Bar { bars, .. } = &chart.kind else {
        panic!()
    };
    assert_eq!(bars[0].label, "Income");
    assert!((bars[0].value - 24.0 * 100.0 / 2240.0).abs() < 1e-9);
    assert_eq!(bars.len(), 29);
}

#[test]
fn every_step_on_real_data_keeps_values_finite_and_lists_five_steps() {
    let (_, c, _) = customers("marketing_campaign.csv");
    let mut params = all_on();
    params.outliers.action = OutlierAction::Flag;
    let (fitted, prepared) = prep::fit_transform(&params, &c).unwrap();
    let steps: Vec<&str> = prepared.receipt.iter().map(|l| l.step.as_str()).collect();
    assert_eq!(steps, ["impute", "outliers", "log", "scale", "one_hot"]);
    assert!(prepared.receipt.iter().all(|l| l.enabled));
    assert_all_finite(&prepared.table);
    // The constant Z_ columns are not outlier-checked and scale to 0.
    assert!(fitted.outliers.skipped.contains(&"Z_Revenue".to_string()));
    assert!(numbers(&prepared.table, "Z_Revenue")
        .iter()
        .all(|&x| x == 0.0));
    // Flags are 0/1 and left unscaled; the 0/1 campaign answers too.
    assert!(stats::is_indicator(numbers(
        &prepared.table,
        "Income_outlier"
    )));
    assert!(stats::is_indicator(numbers(&prepared.table, "Response")));
    // Skewed spend columns were logged.
    assert!(fitted.log.columns.contains(&"MntWines".to_string()));
    // Marital_Status has 8 levels, within the default 10: one column each, rare ones too.
    assert!(prepared.table.feature("Marital_Status_YOLO").is_some());
    assert!(prepared.table.feature("Marital_Status").is_none());

    let removed = {
        let mut p = all_on();
        p.outliers.action = OutlierAction::Remove;
        p.outliers.method = OutlierMethod::ZScore { z: 3.0 };
        prep::fit_transform(&p, &c).unwrap().1
    };
    let line = &removed.receipt[1];
    assert_eq!(line.unit, ReceiptUnit::Rows);
    assert_eq!(removed.table.n_rows() as u64, 2240 - line.touched);
    assert!(line.touched > 0);
    removed.table.check().unwrap();
}

#[test]
fn transform_of_new_data_uses_the_fitted_parameters() {
    let (_, c, _) = customers("marketing_campaign.csv");
    let split = |range: std::ops::Range<usize>| CustomerTable {
        id_name: c.id_name.clone(),
        ids: c.ids[range.clone()].to_vec(),
        features: c
            .features
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.values = match &f.values {
                    FeatureValues::Numeric(v) => FeatureValues::Numeric(v[range.clone()].to_vec()),
                    FeatureValues::Categorical { levels, codes } => FeatureValues::Categorical {
                        levels: levels.clone(),
                        codes: codes[range.clone()].to_vec(),
                    },
                };
                f
            })
            .collect(),
    };
    let a = split(0..1000);
    let b = split(1000..2240);
    let mut params = PrepParams::default();
    params.scale.enabled = true;
    params.scale.method = ScaleMethod::Standard;
    params.one_hot.enabled = true;
    let fitted = prep::fit(&params, &a).unwrap();
    let out = fitted.transform(&b).unwrap();

    // Income in B: missing values get A's median, then A's mean and sd scale it.
    let a_income = numbers(&a, "Income");
    let a_median = stats::median(a_income).unwrap();
    let a_filled: Vec<f64> = a_income
        .iter()
        .map(|&x| if x.is_nan() { a_median } else { x })
        .collect();
    let (a_mean, a_sd) = stats::mean_sd(&a_filled).unwrap();
    let b_income = numbers(&b, "Income");
    let b_out = numbers(&out.table, "Income");
    assert!(b_income.iter().any(|x| x.is_nan()));
    for (&raw, &got) in b_income.iter().zip(b_out) {
        let want = (if raw.is_nan() { a_median } else { raw } - a_mean) / a_sd;
        assert!((got - want).abs() < 1e-12, "{raw}: {got} vs {want}");
    }
    // B's own statistics would give a different result.
    assert_ne!(stats::median(b_income).unwrap(), a_median);
    let (b_mean, _) = stats::mean_sd(b_out).unwrap();
    assert!(b_mean.abs() > 1e-6);
    assert_eq!(
        out.receipt[0].touched as usize,
        b.feature("Income").unwrap().values.missing_count()
    );
    // One-hot columns are A's, in A's order.
    let a_out = fitted.transform(&a).unwrap();
    let names = |t: &CustomerTable| {
        t.features
            .iter()
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a_out.table), names(&out.table));
}

#[test]
fn histograms_count_every_value_and_correlations_are_symmetric() {
    for file in ["Mall_Customers.csv", "marketing_campaign.csv"] {
        let (_, c, _) = customers(file);
        for f in &c.features {
            let FeatureValues::Numeric(v) = &f.values else {
                assert!(eda::bar_chart(f).is_some());
                continue;
            };
            let chart = eda::histogram(f).unwrap();
            let ChartKind::Histogram { bins, .. } = &chart.kind else {
                panic!()
            };
            assert!(
                bins.len() <= eda::MAX_BINS,
                "{}: {} bins",
                f.name,
                bins.len()
            );
            let (lo, hi) = (bins[0].lo, bins[bins.len() - 1].hi);
            let outside = v
                .iter()
                .filter(|x| x.is_finite() && (**x < lo || **x > hi))
                .count() as u64;
            let shown: u64 = bins.iter().map(|b| b.count).sum();
            let present = v.iter().filter(|x| x.is_finite()).count() as u64;
            assert_eq!(shown + outside, present, "{file} {}", f.name);
            assert_eq!(
                outside > 0,
                chart.subtitle.contains("not shown"),
                "{}",
                chart.subtitle
            );
            assert!(eda::box_plot(f).is_some());
        }
        let chart = eda::correlation_heatmap(&c, 40).unwrap();
        let ChartKind::Heatmap { labels, cells, .. } = &chart.kind else {
            panic!()
        };
        for (i, name) in labels.iter().enumerate() {
            let constant = stats::min_max(numbers(&c, name)).is_some_and(|(a, b)| a == b);
            assert_eq!(
                cells[i][i],
                if constant { None } else { Some(1.0) },
                "{name}"
            );
            for (j, other) in cells.iter().enumerate() {
                assert_eq!(cells[i][j], other[i]);
            }
        }
    }
    // Mall: no heavy tails, so every value is in the bins.
    let (_, mall, _) = customers("Mall_Customers.csv");
    let chart = eda::histogram(mall.feature("Annual Income (k$)").unwrap()).unwrap();
    assert_eq!(chart.subtitle, "200 customers · 0 missing · median 61.50");
}

/// Round every number to 4 decimals, so the golden does not depend on the last bits of `ln`.
fn round(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() => serde_json::json!((x * 1e4).round() / 1e4),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(round).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, round(v))).collect()),
        other => other,
    }
}

fn table_json(t: &CustomerTable) -> serde_json::Value {
    let features: Vec<serde_json::Value> = t
        .features
        .iter()
        .map(|f| {
            let values: Vec<Option<String>> = (0..t.n_rows()).map(|r| f.values.text(r)).collect();
            let raw = match &f.values {
                FeatureValues::Numeric(v) => serde_json::json!(v
                    .iter()
                    .map(|x| x.is_finite().then_some(*x))
                    .collect::<Vec<_>>()),
                FeatureValues::Categorical { .. } => serde_json::json!(values),
            };
            serde_json::json!({ "name": f.name, "description": f.description, "values": raw })
        })
        .collect();
    serde_json::json!({ "id_name": t.id_name, "ids": t.ids, "features": features })
}

#[test]
fn golden_small_customer_file() {
    let name = "prep_customers.csv";
    let table = ingest_path(&fixture(name)).table;
    let (customers, notes) = CustomerTable::from_table(&table).unwrap();
    let mut params = all_on();
    params.one_hot.max_levels = 3;
    let (fitted, prepared) = prep::fit_transform(&params, &customers).unwrap();
    let charts: Vec<_> = customers
        .features
        .iter()
        .flat_map(eda::feature_charts)
        .collect();
    let json = serde_json::json!({
        "file": name,
        "customers": table_json(&customers),
        "notes": notes,
        "params": params,
        "fitted": fitted,
        "receipt": prepared.receipt,
        "prepared": table_json(&prepared.table),
        "charts": charts,
        "missing": eda::missing_chart(&customers),
        "correlation": eda::correlation_heatmap(&customers, 10),
    });
    let actual = serde_json::to_string_pretty(&round(json)).unwrap() + "\n";
    check_golden(&format!("{name}.json"), &actual);
}
