//! Exported CSV never carries a live spreadsheet formula: a persona label the user typed in the
//! Segment step reaches the segmented customer table's CSV neutralised (`core::csv_out`), while
//! the numbers stay numbers.

use custos::core::customer_table::{CustomerTable, Feature, FeatureValues};
use custos::core::segment::run::{segment, SegmentParams};

fn numeric(name: &str, values: Vec<f64>) -> Feature {
    Feature {
        name: name.to_string(),
        description: String::new(),
        values: FeatureValues::Numeric(values),
        meta: Default::default(),
    }
}

/// Two clear groups of 20 customers; the second has negative balances.
fn two_groups() -> CustomerTable {
    let mut ids = Vec::new();
    let (mut balance, mut visits) = (Vec::new(), Vec::new());
    for i in 0..40 {
        ids.push(format!("C{i:02}"));
        let (b, v) = if i < 20 {
            (100.0 + i as f64, 10.0 + (i % 3) as f64)
        } else {
            (-20.5 - i as f64, 1.0 + (i % 2) as f64)
        };
        balance.push(b);
        visits.push(v);
    }
    CustomerTable {
        id_name: "customer_id".to_string(),
        ids,
        features: vec![numeric("balance", balance), numeric("visits", visits)],
    }
}

#[test]
fn a_renamed_persona_is_exported_neutralised() {
    let table = two_groups();
    let params = SegmentParams {
        features: vec!["balance".to_string(), "visits".to_string()],
        log_skewed: false,
        k: Some(2),
        k_min: 2,
        k_max: 3,
        ..SegmentParams::default()
    };
    let mut segmentation = segment(&table, params, &mut |_, _| {}).unwrap();
    let labels = [r#"=HYPERLINK("http://x","y")"#, "@SUM(1+1) <b>vip</b>"];
    for (segment, label) in labels.iter().enumerate() {
        assert!(segmentation.rename(segment, label));
    }
    let csv = segmentation.add_to(&table).to_csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("customer_id,balance,visits,segment"));
    let segments: Vec<&str> = lines
        .clone()
        .map(|l| l.splitn(4, ',').nth(3).unwrap_or(""))
        .collect();
    assert!(
        segments.contains(&r#""'=HYPERLINK(""http://x"",""y"")""#),
        "{csv}"
    );
    assert!(segments.contains(&r#""'@SUM(1+1) <b>vip</b>""#), "{csv}");
    assert_eq!(segments.len(), 40);
    // The negative balances are written as numbers.
    assert!(lines.any(|l| l.starts_with("C20,-40.5,")), "{csv}");
}
