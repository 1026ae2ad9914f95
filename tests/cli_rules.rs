//! `custos rules` end to end: groceries.csv as a basket list gives the anchors' 463 rules with
//! the top rule {herbs} ⇒ {root vegetables} (ANCHORS-VALUE.md §5), JSON and CSV agree; a basket
//! list read without --baskets, and bad thresholds, are one-line errors; Online Retail's
//! invoices give rules over StockCodes shown with their descriptions. `custos inspect` notes a
//! basket list and the `rules --baskets` command that reads it, and says nothing of the kind for
//! a table.

mod common;

use std::ffi::OsStr;

use common::{custos, data_dir, one_line_error, run_ok};

fn json_of(args: &[&OsStr]) -> serde_json::Value {
    let output = run_ok(custos().args(args));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn groceries_basket_list_gives_the_anchors_rules_as_json_and_csv() {
    let file = data_dir().join("groceries.csv");
    let csv = std::env::temp_dir().join(format!("custos-rules-{}.csv", std::process::id()));
    let json = json_of(&[
        OsStr::new("rules"),
        file.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("--min-support"),
        OsStr::new("0.006"),
        OsStr::new("--min-confidence"),
        OsStr::new("0.25"),
        OsStr::new("--json"),
        OsStr::new("-o"),
        csv.as_os_str(),
    ]);
    assert_eq!(json["source"], "basket list");
    assert_eq!(json["baskets"], 9835);
    assert_eq!(json["items"], 169);
    assert_eq!(json["min_count"], 60);
    assert_eq!(json["itemsets"], 747);
    let rules = json["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 463);
    let top = &rules[0];
    assert_eq!(top["antecedent"], serde_json::json!(["herbs"]));
    assert_eq!(top["consequent"], "root vegetables");
    assert_eq!(top["support"], 0.007);
    assert_eq!(top["confidence"], 0.4313);
    assert_eq!(top["lift"], 3.9565);
    let text = std::fs::read_to_string(&csv).expect("CSV written");
    let _ = std::fs::remove_file(&csv);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("antecedent,consequent,support,confidence,lift,leverage,conviction,count")
    );
    assert_eq!(lines.clone().count(), 463);
    assert!(lines
        .next()
        .is_some_and(|l| l.starts_with("herbs,root vegetables,0.007,0.4313,3.9565,")));
}

#[test]
fn mistakes_are_one_line_errors() {
    let file = data_dir().join("groceries.csv");
    let line = one_line_error(&[OsStr::new("rules"), file.as_os_str()]);
    assert!(
        line.contains("looks like a basket list") && line.contains("--baskets"),
        "{line}"
    );
    let line = one_line_error(&[
        OsStr::new("rules"),
        file.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("--min-support"),
        OsStr::new("0"),
    ]);
    assert!(line.contains("--min-support"), "{line}");
    let line = one_line_error(&[
        OsStr::new("rules"),
        file.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("--min-confidence"),
        OsStr::new("1.5"),
    ]);
    assert!(line.contains("--min-confidence"), "{line}");
    // A support no item reaches says so.
    let line = one_line_error(&[
        OsStr::new("rules"),
        file.as_os_str(),
        OsStr::new("--baskets"),
        OsStr::new("--min-support"),
        OsStr::new("0.5"),
    ]);
    assert!(line.contains("support"), "{line}");
}

#[test]
fn online_retail_invoices_give_rules_over_described_stock_codes() {
    let file = data_dir().join("online_retail_sparkguide.csv");
    let json = json_of(&[
        OsStr::new("rules"),
        file.as_os_str(),
        OsStr::new("--min-support"),
        OsStr::new("0.02"),
        OsStr::new("--min-confidence"),
        OsStr::new("0.5"),
        OsStr::new("--json"),
    ]);
    assert_eq!(json["source"], "purchase lines");
    let baskets = json["baskets"].as_u64().expect("baskets");
    assert!((18_000..=18_600).contains(&baskets), "{baskets} invoices");
    let rules = json["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    // The teacups: GREEN / PINK / ROSES REGENCY TEACUP AND SAUCER go together.
    let top = &rules[0];
    let text = format!("{} {}", top["antecedent"], top["consequent"]);
    assert!(text.contains("REGENCY TEACUP AND SAUCER ("), "{text}");
    assert!(top["lift"].as_f64().expect("lift") > 10.0);
}

#[test]
fn inspect_notes_a_basket_list_and_the_command_that_reads_it() {
    let file = data_dir().join("groceries.csv");
    let output = run_ok(custos().arg("inspect").arg(&file));
    let text = String::from_utf8(output.stdout).unwrap();
    let command = format!("custos rules {} --baskets", file.display());
    assert!(
        text.contains("note        this looks like a basket list, not a table"),
        "{text}"
    );
    assert!(
        text.contains("(the first 500 lines: 147 different items, 1 to 23 per line)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("read it as baskets with: {command}")),
        "{text}"
    );

    let json = json_of(&[
        OsStr::new("inspect"),
        file.as_os_str(),
        OsStr::new("--json"),
    ]);
    let note = &json["basket_list"];
    assert_eq!(note["delimiter"], "comma");
    assert_eq!(note["sample_lines"], 500);
    assert_eq!(note["distinct_items"], 147);
    assert_eq!(note["command"], command.as_str());
}

#[test]
fn inspect_of_a_table_has_no_basket_note() {
    for name in ["Groceries_dataset.csv", "bank-full.csv"] {
        let file = data_dir().join(name);
        let output = run_ok(custos().arg("inspect").arg(&file));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(!text.contains("basket list"), "{name}: {text}");
        let json = json_of(&[
            OsStr::new("inspect"),
            file.as_os_str(),
            OsStr::new("--json"),
        ]);
        assert!(json.get("basket_list").is_none(), "{name}");
    }
}
