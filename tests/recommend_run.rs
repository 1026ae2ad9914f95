//! The Recommend step end to end (`core::recommend::run`), as the worker and the CLI drive it:
//! Online Retail with the app's defaults (service lines such as POSTAGE left out) and as the
//! anchors count it (kept), against issue 14's bars; Groceries_dataset's member-days; the
//! groceries.csv basket list (rules, no holdout); segments; and every bad input the issue lists,
//! each a message rather than a crash.

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use custos::core::features::{purchase_lines, FeatureParams, PurchaseLines, RoleMapping};
use custos::core::format::parse_iso_date;
use custos::core::ingest::Delimiter;
use custos::core::recommend::basket_list::read_basket_list;
use custos::core::recommend::baskets::{is_service_item, item_labels, Baskets};
use custos::core::recommend::holdout::Method;
use custos::core::recommend::run::{
    CustomerSegments, RecommendInputs, RecommendJob, RecommendParams, RecommendRun,
    RecommendRunError, RecommendSource,
};
use custos::core::recommend::view::{self, RuleSort, RulesQuery};

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn lines_and_labels(name: &str) -> (PurchaseLines, Vec<String>) {
    let ingested = common::load_data(name);
    let params = FeatureParams {
        mapping: RoleMapping::from_roles(&ingested.table),
        ..FeatureParams::default()
    };
    let lines = purchase_lines(&ingested.table, &params).expect("purchase lines");
    let labels = item_labels(&ingested.table, &params.mapping, &lines);
    (lines, labels)
}

fn run_lines(
    lines: &PurchaseLines,
    labels: &[String],
    params: RecommendParams,
    segments: Option<CustomerSegments>,
) -> Result<RecommendRun, RecommendRunError> {
    let inputs = RecommendInputs {
        source: RecommendSource::Lines {
            lines,
            labels: labels.to_vec(),
        },
        segments,
        customers: None,
    };
    RecommendJob::new(inputs, params, now_ms)?.finish()
}

fn hit(run: &RecommendRun, method: Method, exclude_bought: bool, new_items: bool) -> f64 {
    let holdout = run.holdout.as_ref().expect("holdout");
    let r = holdout
        .test
        .iter()
        .find(|r| r.method == method && r.exclude_bought == exclude_bought)
        .expect("evaluated");
    if new_items {
        r.evaluation.new_items.map_or(0.0, |m| m.hit_rate)
    } else {
        r.evaluation.all_items.hit_rate
    }
}

fn online_retail() -> &'static (PurchaseLines, Vec<String>) {
    static DATA: OnceLock<(PurchaseLines, Vec<String>)> = OnceLock::new();
    DATA.get_or_init(|| lines_and_labels("online_retail_sparkguide.csv"))
}

#[test]
fn online_retail_defaults_choose_on_the_training_period_and_recommend_to_everyone() {
    let (lines, labels) = online_retail();
    let params = RecommendParams {
        cutoff: parse_iso_date("2011-09-10"),
        ..RecommendParams::new()
    };
    // Segments: odd and even customers, to check the per-segment lists are made.
    let segments = CustomerSegments {
        of_customer: (0..lines.ids.len()).map(|i| Some(i % 2)).collect(),
        names: vec!["Even".to_string(), "Odd".to_string()],
    };
    let run = run_lines(lines, labels, params, Some(segments)).expect("run");
    let holdout = run.holdout.as_ref().expect("holdout");
    for r in &holdout.test {
        eprintln!(
            "{:12} exclude {:5} hit {:.4} new {:.4}",
            r.method.key(),
            r.exclude_bought,
            r.evaluation.all_items.hit_rate,
            r.evaluation.new_items.map_or(f64::NAN, |m| m.hit_rate)
        );
    }
    assert_eq!(holdout.test.len(), 2 * Method::ALL.len());
    assert!(
        (1_880..=1_960).contains(&holdout.customers),
        "{}",
        holdout.customers
    );
    // Chosen on new products (exclude-bought is the default) before the cutoff: ALS.
    assert_eq!(run.method, Some(Method::Als), "{}", run.method_reason);
    assert!(run.method_reason.contains("training period"));
    // Postage and other service lines are gone from rules and recommendations.
    assert!(
        run.notes.iter().any(|n| n.contains("POSTAGE (POST)")),
        "{:?}",
        run.notes
    );
    assert!(!run.rules.rules.iter().any(|r| r
        .antecedent
        .iter()
        .chain([&r.consequent])
        .any(|&c| { is_service_item(&run.items[c as usize]) })));
    // ALS beats the bestsellers on new products by far.
    let als_new = hit(&run, Method::Als, true, true);
    let popularity_new = hit(&run, Method::Popularity, true, true);
    assert!(
        als_new >= 0.49 && als_new > 1.5 * popularity_new,
        "{als_new} vs {popularity_new}"
    );
    // Every customer gets 10 products not bought before, none a service line.
    assert_eq!(run.recommendations.len(), lines.ids.len());
    assert_eq!(run.customer_ids.len(), lines.ids.len());
    for (i, recs) in run.recommendations.iter().enumerate() {
        assert_eq!(recs.len(), 10, "customer {}", run.customer_ids[i]);
        assert!(recs
            .iter()
            .all(|r| !is_service_item(&run.items[r.item as usize])));
        assert!(recs.iter().all(|r| !r.reason.is_empty()));
    }
    let cold = run.cold_start.iter().filter(|&&c| c).count();
    assert!(cold > 0 && cold < 100, "{cold}");
    // Per segment: both halves with products and rules.
    assert_eq!(run.segment_recs.len(), 2);
    for s in &run.segment_recs {
        assert_eq!(s.products.len(), 5);
        assert!(!s.rules.is_empty(), "{}: {:?}", s.name, s.note);
    }
    // The rules table: filtered by a product, sorted by confidence.
    let page = view::rules_page(
        &run,
        &RulesQuery {
            sort: RuleSort::Confidence,
            search: "regency".to_string(),
            ..RulesQuery::default()
        },
        0,
        20,
    );
    assert!(page.matching > 0 && page.matching < page.total);
    assert!(page
        .rows
        .windows(2)
        .all(|w| w[0].confidence >= w[1].confidence));
    // Item search: what goes with the jumbo bag.
    let partners = view::item_partners(&run, "jumbo bag red", 10);
    assert_eq!(
        partners.item.as_ref().map(|i| i.item.as_str()),
        Some("JUMBO BAG RED RETROSPOT (85099B)")
    );
    assert_eq!(partners.partners.len(), 10);
    // The CSV: a header and one row per customer; 3 + 3 × 10 columns.
    let csv = view::recommendations_csv(&run);
    assert_eq!(csv.lines().count(), 1 + lines.ids.len());
    let header = csv.lines().next().unwrap_or("");
    assert_eq!(header.split(',').count(), 33);
}

#[test]
fn online_retail_as_the_anchors_count_it_reaches_the_issue_bars() {
    let (lines, labels) = online_retail();
    // The anchors keep POSTAGE and the other service lines, and recommend already-bought items.
    let params = RecommendParams {
        cutoff: parse_iso_date("2011-09-10"),
        exclude_bought: false,
        keep_service_items: true,
        ..RecommendParams::new()
    };
    let run = run_lines(lines, labels, params, None).expect("run");
    assert_eq!(run.method, Some(Method::Als));
    assert!((hit(&run, Method::Popularity, false, false) - 0.538).abs() < 0.02);
    assert!((hit(&run, Method::Cooccurrence, false, false) - 0.650).abs() < 0.02);
    assert!(hit(&run, Method::Als, false, false) >= 0.78);
    let best_excluding = Method::ALL
        .iter()
        .map(|&m| hit(&run, m, true, false))
        .fold(0.0, f64::max);
    assert!(best_excluding >= 0.49, "{best_excluding}");
}

#[test]
fn groceries_member_days_reach_the_bar() {
    let (lines, labels) = lines_and_labels("Groceries_dataset.csv");
    let params = RecommendParams {
        cutoff: parse_iso_date("2015-07-01"),
        exclude_bought: false,
        ..RecommendParams::new()
    };
    let run = run_lines(&lines, &labels, params, None).expect("run");
    let best = Method::ALL
        .iter()
        .map(|&m| hit(&run, m, false, false))
        .fold(0.0, f64::max);
    eprintln!("Groceries best hit@10 {best:.4}, chosen {:?}", run.method);
    assert!(best >= 0.802, "{best}");
    assert!((hit(&run, Method::Popularity, false, false) - 0.798).abs() < 0.01);
}

fn groceries_list() -> Baskets {
    let text = std::fs::read_to_string(common::data_dir().join("groceries.csv")).expect("read");
    read_basket_list(&text, Delimiter::Comma).expect("baskets")
}

#[test]
fn a_basket_list_gives_rules_and_partners_but_no_holdout() {
    let baskets = groceries_list();
    let params = RecommendParams {
        min_support: 0.006,
        min_confidence: 0.25,
        ..RecommendParams::new()
    };
    let inputs = RecommendInputs {
        source: RecommendSource::BasketList(&baskets),
        segments: None,
        customers: None,
    };
    let run = RecommendJob::new(inputs, params, now_ms)
        .and_then(RecommendJob::finish)
        .expect("run");
    assert_eq!((run.counts.baskets, run.counts.items), (9_835, 169));
    assert_eq!((run.n_itemsets, run.rules.len()), (747, 463));
    let top = view::view(&run, 0.0, 0).top_rules;
    assert_eq!(top[0].antecedent, vec!["herbs".to_string()]);
    assert_eq!(top[0].consequent, "root vegetables");
    assert!((top[0].lift - 3.9565).abs() < 1e-4);
    assert!(run.holdout.is_err() && run.recommendations.is_empty() && run.method.is_none());
    let partners = view::item_partners(&run, "herbs", 5);
    // 76 baskets each with other vegetables and with whole milk: the tie goes to the higher lift.
    assert_eq!(partners.partners[0].item, "other vegetables");
    assert_eq!(partners.partners[0].together, 76);
    assert_eq!(partners.partners.len(), 5);
}

#[test]
fn bad_inputs_are_messages() {
    let (lines, labels) = online_retail();
    // Bad settings are refused before any work.
    for params in [
        RecommendParams {
            top: 0,
            ..RecommendParams::new()
        },
        RecommendParams {
            min_support: 0.0,
            ..RecommendParams::new()
        },
        RecommendParams {
            min_confidence: 1.5,
            ..RecommendParams::new()
        },
    ] {
        let err = run_lines(lines, labels, params, None).expect_err("refused");
        assert!(!err.to_string().is_empty());
    }
    // A cutoff after the last basket: no evaluation, said so; recommendations still made.
    let late = RecommendParams {
        cutoff: parse_iso_date("2012-06-01"),
        method: Some(Method::Cooccurrence),
        min_support: 0.05,
        ..RecommendParams::new()
    };
    let run = run_lines(lines, labels, late, None).expect("run");
    let report = view::view(&run, 0.0, 0);
    let why = report.no_evaluation.expect("no evaluation");
    assert!(why.contains("choose an earlier cutoff"), "{why}");
    assert_eq!(run.recommendations.len(), lines.ids.len());
    // Thresholds too high for any pair: no rules, and which threshold to lower.
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("lower the minimum support")));
    // Too many itemsets: a message that says to raise the support.
    let groceries = groceries_list();
    let inputs = RecommendInputs {
        source: RecommendSource::BasketList(&groceries),
        segments: None,
        customers: None,
    };
    let flood = RecommendParams {
        min_support: 0.000_1,
        max_len: 10,
        ..RecommendParams::new()
    };
    let err = RecommendJob::new(inputs, flood, now_ms)
        .and_then(RecommendJob::finish)
        .expect_err("capped");
    assert!(err.to_string().contains("support"), "{err}");
    // A single item, and baskets of one item each.
    let one = Baskets {
        items: vec!["milk".to_string()],
        baskets: vec![vec![0]; 5],
    };
    let singles = Baskets {
        items: vec!["milk".to_string(), "bread".to_string()],
        baskets: vec![vec![0], vec![1], vec![0]],
    };
    for (baskets, expected) in [(one, "Only one product"), (singles, "single product")] {
        let inputs = RecommendInputs {
            source: RecommendSource::BasketList(&baskets),
            segments: None,
            customers: None,
        };
        let err = RecommendJob::new(inputs, RecommendParams::new(), now_ms)
            .err()
            .expect("refused");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn a_shop_where_no_product_reaches_the_support_still_gets_recommendations() {
    // Superstore: 5,009 orders of 1,862 products, the most common in 18 orders, so nothing
    // reaches the default 1 % support: no rules (said so), but every customer gets a list.
    let (lines, labels) = lines_and_labels("Sample - Superstore.csv");
    let run = run_lines(&lines, &labels, RecommendParams::new(), None).expect("run");
    assert!(run.rules.is_empty());
    assert_eq!(run.n_itemsets, 0);
    assert!(
        run.notes
            .iter()
            .any(|n| n.contains("lower the minimum support")),
        "{:?}",
        run.notes
    );
    assert!(run.holdout.is_ok());
    assert_eq!(run.recommendations.len(), lines.ids.len());
    assert!(run.recommendations.iter().all(|r| r.len() == 10));
}
