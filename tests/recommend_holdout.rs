//! The recommenders judged on a time holdout from the baskets the app makes (the Explore
//! step's default cleaning), against ANCHORS-VALUE.md §6 and issue 14's bars: Online Retail at
//! 2011-09-10 (the anchors' own cleaning gives popularity 0.538, co-occurrence 0.650, ALS
//! 0.780 hit rate@10; ours differs by the orders returned in full, which it leaves out), and
//! Groceries_dataset at 2015-07-01 (member-days; popularity 0.798, co-occurrence 0.802). A
//! cutoff without baskets after it is refused with a message.

mod common;

use std::sync::OnceLock;
use std::time::Instant;

use custos::core::features::{purchase_lines, FeatureParams, RoleMapping};
use custos::core::format::parse_iso_date;
use custos::core::recommend::baskets::{baskets_from_lines, LineBaskets};
use custos::core::recommend::holdout::{
    choose_method, evaluate_methods, time_split, HoldoutError, Method, MethodResult, MethodSettings,
};

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn baskets_of(name: &str) -> LineBaskets {
    let ingested = common::load_data(name);
    let params = FeatureParams {
        mapping: RoleMapping::from_roles(&ingested.table),
        ..FeatureParams::default()
    };
    let lines = purchase_lines(&ingested.table, &params).expect("purchase lines");
    baskets_from_lines(&lines, None).expect("baskets")
}

fn hit(results: &[MethodResult], method: Method, exclude_bought: bool) -> f64 {
    let r = results
        .iter()
        .find(|r| r.method == method && r.exclude_bought == exclude_bought)
        .expect("evaluated");
    r.evaluation.all_items.hit_rate
}

fn report(name: &str, results: &[MethodResult]) {
    for r in results {
        let a = r.evaluation.all_items;
        eprintln!(
            "{name} {:12} exclude {:5} hit {:.4} P {:.4} R {:.4} MAP {:.4} new hit {:.4} ({:.2} s, {} users)",
            r.method.key(),
            r.exclude_bought,
            a.hit_rate,
            a.precision,
            a.recall,
            a.map,
            r.evaluation.new_items.map_or(f64::NAN, |m| m.hit_rate),
            r.seconds,
            a.users
        );
    }
}

#[test]
fn online_retail_recommenders_reach_the_anchors_bars() {
    let baskets = baskets_of("online_retail_sparkguide.csv");
    let cutoff = parse_iso_date("2011-09-10").expect("date");
    let split = time_split(&baskets, cutoff).expect("split");
    // The anchors evaluate 1,921 customers; the default cleaning keeps a few more or less.
    assert!(
        (1_880..=1_960).contains(&split.holdout.len()),
        "{} customers",
        split.holdout.len()
    );
    let results = evaluate_methods(&split, &Method::ALL, 10, &MethodSettings::default(), now_ms)
        .expect("run");
    report("Online Retail", &results);
    assert!((hit(&results, Method::Popularity, false) - 0.538).abs() < 0.02);
    assert!((hit(&results, Method::Cooccurrence, false) - 0.650).abs() < 0.02);
    // Issue 14: the best method ≥ 0.78, and ≥ 0.49 with already-bought items excluded.
    let best = Method::ALL
        .iter()
        .map(|&m| hit(&results, m, false))
        .fold(0.0, f64::max);
    assert!(best >= 0.78, "best hit rate@10 {best}");
    // Chosen on the training period alone (a validation cut 90 days before the cutoff): ALS,
    // the method the test period also ranks first.
    let choice = choose_method(
        &baskets,
        cutoff,
        &Method::ALL,
        10,
        false,
        &MethodSettings::default(),
        now_ms,
    )
    .expect("choice");
    report("Online Retail validation", &choice.validation);
    assert_eq!(
        custos::core::format::iso_date(i64::from(choice.validation_cutoff)),
        "2011-06-12"
    );
    assert_eq!(choice.method, Method::Als);
    let best_new = Method::ALL
        .iter()
        .map(|&m| hit(&results, m, true))
        .fold(0.0, f64::max);
    assert!(
        best_new >= 0.49,
        "best hit rate@10 excluding bought {best_new}"
    );
}

#[test]
fn groceries_member_days_reach_the_bar_and_a_late_cutoff_is_refused() {
    let baskets = baskets_of("Groceries_dataset.csv");
    let cutoff = parse_iso_date("2015-07-01").expect("date");
    let split = time_split(&baskets, cutoff).expect("split");
    let results = evaluate_methods(
        &split,
        &[Method::Popularity, Method::Cooccurrence, Method::Cosine],
        10,
        &MethodSettings::default(),
        now_ms,
    )
    .expect("run");
    report("Groceries", &results);
    assert!((hit(&results, Method::Popularity, false) - 0.798).abs() < 0.02);
    let best = [Method::Popularity, Method::Cooccurrence, Method::Cosine]
        .iter()
        .map(|&m| hit(&results, m, false))
        .fold(0.0, f64::max);
    assert!(best >= 0.80, "best hit rate@10 {best}");

    let late = parse_iso_date("2016-01-01").expect("date");
    let err = time_split(&baskets, late).err();
    assert_eq!(
        err,
        Some(HoldoutError::NothingAfter("2016-01-01".to_string()))
    );
    assert!(err.expect("refused").to_string().contains("earlier cutoff"));
}
