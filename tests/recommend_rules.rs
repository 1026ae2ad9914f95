//! Basket-list reading, FP-growth and association rules on `groceries.csv` against the anchors
//! (`ANCHORS-VALUE.md` §5, mlxtend apriori + association_rules, single-item consequents).

mod common;

use std::time::Instant;

use custos::core::ingest::Delimiter;
use custos::core::recommend::basket_list::{looks_like_basket_list, read_basket_list};
use custos::core::recommend::baskets::Baskets;
use custos::core::recommend::fpgrowth::{FpGrowthParams, FrequentItemsets};
use custos::core::recommend::rules::{AssociationRules, RulesParams};

fn groceries() -> Baskets {
    let path = common::data_dir().join("groceries.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = Instant::now();
    let baskets = read_basket_list(&text, Delimiter::Comma).unwrap();
    eprintln!(
        "groceries: read_basket_list {:.4} s",
        start.elapsed().as_secs_f64()
    );
    baskets
}

/// The first `bytes` of a data file, cut back to whole UTF-8 characters.
fn sample(name: &str, bytes: usize) -> String {
    use std::io::Read;
    let path = common::data_dir().join(name);
    let mut file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0u8; bytes];
    let mut len = 0;
    while len < bytes {
        let read = file.read(&mut buf[len..]).unwrap();
        if read == 0 {
            break;
        }
        len += read;
    }
    buf.truncate(len);
    match String::from_utf8(buf) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned()
        }
    }
}

/// FP-growth then rules, timed (median of 3 runs), the times printed for the record.
fn mine(b: &Baskets, support: f64, confidence: f64) -> (FrequentItemsets, AssociationRules) {
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..3 {
        let start = Instant::now();
        let itemsets = FpGrowthParams::new(support).fit(b).unwrap();
        let fp = start.elapsed().as_secs_f64();
        let rules = RulesParams::new(confidence)
            .fit(&itemsets, &b.items)
            .unwrap();
        let total = start.elapsed().as_secs_f64();
        times.push((fp, total));
        result = Some((itemsets, rules));
    }
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (fp, total) = times[1];
    eprintln!(
        "groceries support {support} confidence {confidence}: FP-growth {fp:.4} s, FP-growth + \
         rules {total:.4} s (median of 3; this build's profile)"
    );
    result.unwrap()
}

/// The first `k` rules as (text, support, confidence, lift) to 4 decimals.
fn top(rules: &AssociationRules, names: &[String], k: usize) -> Vec<(String, String)> {
    rules
        .rules
        .iter()
        .take(k)
        .map(|r| {
            (
                r.text(names),
                format!("{:.4} {:.4} {:.4}", r.support, r.confidence, r.lift),
            )
        })
        .collect()
}

fn expected(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(t, m)| (t.to_string(), m.to_string()))
        .collect()
}

#[test]
fn groceries_reads_as_9835_baskets_of_169_items() {
    let b = groceries();
    assert_eq!(b.n_baskets(), 9835);
    assert_eq!(b.n_items(), 169);
    let occurrences: usize = b.baskets.iter().map(Vec::len).sum();
    assert_eq!(occurrences, 43_367);
    assert!(
        b.items.iter().any(|n| n == "cream cheese"),
        "items are trimmed"
    );
    assert!(b.items.windows(2).all(|w| w[0] < w[1]), "coded by name");
}

#[test]
fn groceries_looks_like_a_basket_list_and_tables_do_not() {
    assert!(looks_like_basket_list(
        &sample("groceries.csv", 64 * 1024),
        Delimiter::Comma
    ));
    assert!(!looks_like_basket_list(
        &sample("online_retail_sparkguide.csv", 64 * 1024),
        Delimiter::Comma
    ));
    assert!(!looks_like_basket_list(
        &sample("Mall_Customers.csv", 64 * 1024),
        Delimiter::Comma
    ));
    assert!(!looks_like_basket_list(
        &sample("bank-full.csv", 64 * 1024),
        Delimiter::Semicolon
    ));
    assert!(!looks_like_basket_list(
        &sample("Groceries_dataset.csv", 64 * 1024),
        Delimiter::Comma
    ));
}

#[test]
fn groceries_rules_at_support_0_006_confidence_0_25_match_the_anchors() {
    let b = groceries();
    let (itemsets, rules) = mine(&b, 0.006, 0.25);
    assert_eq!(itemsets.min_count(), 60);
    assert_eq!(itemsets.len(), 747);
    assert_eq!(itemsets.iter().filter(|(s, _)| s.len() >= 2).count(), 638);
    assert_eq!(rules.len(), 463);
    assert_eq!(
        top(&rules, &b.items, 5),
        expected(&[
            ("{herbs} => {root vegetables}", "0.0070 0.4313 3.9565"),
            ("{berries} => {whipped/sour cream}", "0.0090 0.2722 3.7969"),
            (
                "{other vegetables, tropical fruit, whole milk} => {root vegetables}",
                "0.0070 0.4107 3.7681"
            ),
            (
                "{beef, other vegetables} => {root vegetables}",
                "0.0079 0.4021 3.6887"
            ),
            (
                "{other vegetables, tropical fruit} => {pip fruit}",
                "0.0095 0.2635 3.4826"
            ),
        ])
    );
    // 2 rules sit exactly at the confidence threshold; a strict '>' would give 461.
    let at_threshold = rules
        .rules
        .iter()
        .filter(|r| r.count * 4 == r.antecedent_count)
        .count();
    assert_eq!(at_threshold, 2);
}

#[test]
fn groceries_rules_at_support_0_001_confidence_0_5_match_the_anchors() {
    let b = groceries();
    let (itemsets, rules) = mine(&b, 0.001, 0.5);
    assert_eq!(itemsets.min_count(), 10);
    assert_eq!(itemsets.len(), 13_492);
    assert_eq!(
        itemsets.iter().filter(|(s, _)| s.len() >= 2).count(),
        13_335
    );
    assert_eq!(rules.len(), 5_668);
    assert_eq!(
        top(&rules, &b.items, 5),
        expected(&[
            (
                "{Instant food products, soda} => {hamburger meat}",
                "0.0012 0.6316 18.9957"
            ),
            ("{popcorn, soda} => {salty snack}", "0.0012 0.6316 16.6978"),
            ("{baking powder, flour} => {sugar}", "0.0010 0.5556 16.4081"),
            (
                "{ham, processed cheese} => {white bread}",
                "0.0019 0.6333 15.0455"
            ),
            (
                "{Instant food products, whole milk} => {hamburger meat}",
                "0.0015 0.5000 15.0382"
            ),
        ])
    );
    let at_threshold = rules
        .rules
        .iter()
        .filter(|r| r.count * 2 == r.antecedent_count)
        .count();
    assert_eq!(at_threshold, 452);
    assert!(rules.rules.iter().all(|r| r.confidence >= 0.5 - 1e-9));
}
