//! The probabilistic half of the Value step on real data: the calibration/holdout summary,
//! BG/NBD and Gamma-Gamma fitted by maximum likelihood, and their holdout forecasts, against
//! `../shared/docs/ANCHORS-VALUE.md` §4 (Online Retail, lifetimes 0.11.3 and the anchors' own
//! numpy/scipy fits) and the BG/NBD paper's CDNOW sample (Fader, Hardie & Lee 2005, and
//! lifetimes 0.11.3 on the same lines; `scripts/bench.d/lifetimes_value.py` prints them all).
//! Then every bad input of this half: a clear message, never a panic.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use custos::core::features::{
    Cancellations, ExactDuplicates, FeatureParams, PurchaseLines, RoleMapping,
};
use custos::core::format::parse_iso_date;
use custos::core::ingest::{ingest_bytes, IngestOptions};
use custos::core::table::{Role, Table};
use custos::core::value::bgnbd::{BgNbd, BgNbdParams};
use custos::core::value::calibration::{
    calibration_and_holdout, default_cutoff, purchase_span, value_purchase_lines, Calibration,
    CalibrationParams, ZeroSpendLines,
};
use custos::core::value::clv::{score, DiscountParams};
use custos::core::value::error::{MIN_CUSTOMERS, MIN_REPEAT_BUYERS};
use custos::core::value::gamma_gamma::{GammaGamma, GammaGammaParams};
use custos::core::value::ValueError;

use common::load_data;

/// Online Retail, read once for every test of this file.
fn retail() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| load_data("online_retail_sparkguide.csv").table)
}

fn day(text: &str) -> i32 {
    parse_iso_date(text).unwrap()
}

fn feature_params(table: &Table) -> FeatureParams {
    FeatureParams {
        mapping: RoleMapping::from_roles(table),
        ..FeatureParams::default()
    }
}

/// `actual` within `relative` of `expected`.
fn assert_close(what: &str, actual: f64, expected: f64, relative: f64) {
    assert!(
        (actual - expected).abs() <= relative * expected.abs(),
        "{what}: {actual} is not within {} % of {expected}",
        relative * 100.0
    );
}

/// The summary and both models, as the Value step makes them.
struct Fitted {
    calibration: Calibration,
    bgnbd: BgNbd,
    gamma_gamma: GammaGamma,
    fit_times: (Duration, Duration),
}

fn fit(lines: &PurchaseLines, mapping: &RoleMapping, cutoff: &str, horizon_days: u32) -> Fitted {
    let params = CalibrationParams {
        cutoff: day(cutoff),
        horizon_days,
        zero_spend: ZeroSpendLines::for_mapping(mapping),
    };
    let calibration = calibration_and_holdout(lines, &params).unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    let bgnbd = BgNbdParams::default()
        .fit(&calibration.histories())
        .unwrap_or_else(|e| panic!("{e}"));
    let bgnbd_time = start.elapsed();
    let start = Instant::now();
    let gamma_gamma = GammaGammaParams::default()
        .fit(&calibration.repeat_spend().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let gamma_gamma_time = start.elapsed();
    Fitted {
        calibration,
        bgnbd,
        gamma_gamma,
        fit_times: (bgnbd_time, gamma_gamma_time),
    }
}

/// Σ predicted and Σ actual holdout purchase days, Σ CLV over the horizon and Σ holdout spend.
fn holdout_totals(f: &Fitted) -> (f64, u64, f64, f64) {
    let c = &f.calibration;
    let scores = score(
        c,
        &f.bgnbd,
        Some(&f.gamma_gamma),
        &DiscountParams::default(),
    );
    let predicted = scores.iter().map(|s| s.expected_purchases).sum();
    let actual = c
        .customers
        .iter()
        .map(|s| u64::from(s.holdout_purchases))
        .sum();
    let clv = scores.iter().filter_map(|s| s.clv_horizon).sum();
    let spend = c.customers.iter().map(|s| s.holdout_spend).sum();
    (predicted, actual, clv, spend)
}

fn retail_lines(
    cancellations: Cancellations,
    duplicates: ExactDuplicates,
) -> (PurchaseLines, RoleMapping) {
    let table = retail();
    let mut params = feature_params(table);
    params.cleaning.cancellations = cancellations;
    params.cleaning.exact_duplicates = duplicates;
    let lines = value_purchase_lines(table, &params).unwrap_or_else(|e| panic!("{e}"));
    (lines, params.mapping)
}

#[test]
fn online_retail_matches_the_anchors() {
    // The anchors' cleaning: no customer ID, `C` invoices and quantity ≤ 0 out (dropped, not
    // netted), exact duplicates kept, unit price ≤ 0 out (the zero-spend lines of a quantity ×
    // price file).
    let (lines, mapping) = retail_lines(Cancellations::Drop, ExactDuplicates::Keep);
    assert_eq!(
        ZeroSpendLines::for_mapping(&mapping),
        ZeroSpendLines::LeftOut
    );
    let span = purchase_span(&lines, ZeroSpendLines::LeftOut).unwrap();
    assert_eq!(default_cutoff(span, 90), day("2011-09-10"));
    let f = fit(&lines, &mapping, "2011-09-10", 90);
    let c = &f.calibration;
    assert_eq!(c.counts.purchase_lines, 397_884);
    assert_eq!(c.counts.zero_spend_lines, 40);
    assert_eq!(c.counts.return_lines, 0);
    assert_eq!(c.customers.len(), 3_370);
    assert_eq!(c.repeat_buyers(), 1_956);
    assert_eq!(c.repeat_purchases(), 7_437);
    assert_eq!(c.new_in_holdout, 968);
    assert_close(
        "new customers' spend",
        c.new_in_holdout_spend,
        604_129.41,
        1e-8,
    );
    assert!(c.holdout_complete);
    assert_eq!(c.holdout_end, day("2011-12-09"));

    let gg = &f.gamma_gamma;
    assert_eq!(gg.customers, 1_956);
    assert_close("Gamma-Gamma p", gg.p, 2.3287, 0.005);
    assert_close("Gamma-Gamma q", gg.q, 3.3454, 0.005);
    assert_close("Gamma-Gamma v", gg.v, 413.78, 0.005);
    assert!((gg.log_likelihood - -13_367.00).abs() < 0.01, "{gg:?}");
    assert_close("population mean spend", gg.population_mean(), 410.83, 0.001);

    let bg = &f.bgnbd;
    assert_close("BG/NBD r", bg.r, 0.7224, 0.005);
    assert_close("BG/NBD alpha", bg.alpha, 65.873, 0.005);
    assert!((bg.log_likelihood - -37_395.84).abs() < 0.01, "{bg:?}");
    // a → 0 or b → ∞: said in words, with the no-dropout NBD fitting as well.
    let boundary = bg
        .boundary
        .as_ref()
        .expect("the no-dropout boundary is detected");
    assert!(boundary.mean_dropout < 1e-6, "{boundary:?}");
    assert!((boundary.no_dropout_log_likelihood - bg.log_likelihood).abs() < 0.01);
    assert!(
        boundary
            .explanation
            .contains("almost no customers dropping out")
            && boundary.explanation.contains("P(alive) ≈ 1 for everyone"),
        "{}",
        boundary.explanation
    );

    let (predicted, actual, clv, spend) = holdout_totals(&f);
    assert_close("Σ predicted holdout purchases", predicted, 3_326.1, 0.01);
    assert_eq!(actual, 4_482);
    assert_close("Σ CLV over the horizon", clv, 1_574_288.0, 0.01);
    assert_close("Σ holdout spend", spend, 2_851_873.31, 1e-8);
    // In-sample Σ_i E[X(T_i)] (anchors: 6,759.4 against Σx = 7,437).
    let in_sample: f64 = c
        .customers
        .iter()
        .map(|s| bg.expected_unconditional(s.t_big))
        .sum();
    assert_close("Σ E[X(T)]", in_sample, 6_759.4, 0.001);
    // The tracking chart ends with every repeat purchase day, and the model's curve there with
    // the in-sample and the holdout forecasts of the cohort.
    let tracking = &c.tracking;
    assert_eq!(tracking.week_ends.len(), 54);
    assert_eq!(tracking.actual_cumulative.len(), 54);
    assert_eq!(tracking.actual_cumulative.last(), Some(&(7_437 + 4_482)));
    let expected = bg.expected_cumulative_repeats(c);
    assert_close(
        "tracking at the end",
        expected[53],
        6_759.4 + 3_326.1,
        0.001,
    );
    assert!(expected.windows(2).all(|w| w[0] <= w[1]));
    eprintln!(
        "Online Retail fit times (test profile, opt-level 2): BG/NBD {:?}, Gamma-Gamma {:?}",
        f.fit_times.0, f.fit_times.1
    );
}

/// The defaults (cancellations netted, exact duplicates dropped as an order ID is mapped):
/// the same customers and purchase days, a little less spend (duplicated lines counted once).
/// Measured here, for the lead's tables; the anchors use the cleaning of the test above.
#[test]
fn online_retail_with_the_default_cleaning() {
    let (lines, mapping) = retail_lines(Cancellations::Net, ExactDuplicates::ByMapping);
    let f = fit(&lines, &mapping, "2011-09-10", 90);
    let c = &f.calibration;
    assert_eq!(c.counts.purchase_lines, 392_692);
    assert_eq!(c.counts.return_lines, 8_872);
    assert_eq!(c.counts.zero_spend_lines, 40);
    assert_eq!(
        (c.customers.len(), c.repeat_buyers(), c.repeat_purchases()),
        (3_370, 1_956, 7_437)
    );
    assert_eq!(c.new_in_holdout, 968);
    assert_close(
        "new customers' spend",
        c.new_in_holdout_spend,
        600_391.00,
        1e-8,
    );
    let gg = &f.gamma_gamma;
    assert_close("Gamma-Gamma p", gg.p, 2.3321, 0.001);
    assert_close("Gamma-Gamma q", gg.q, 3.3342, 0.001);
    assert_close("Gamma-Gamma v", gg.v, 410.21, 0.001);
    assert_close("BG/NBD r", f.bgnbd.r, 0.7224, 0.005);
    let (predicted, actual, clv, spend) = holdout_totals(&f);
    assert_close("Σ predicted", predicted, 3_326.1, 0.01);
    assert_eq!(actual, 4_482);
    assert_close("Σ CLV", clv, 1_571_011.0, 0.001);
    assert_close("Σ holdout spend", spend, 2_843_839.25, 1e-8);
}

/// The CDNOW sample through the real ingest, with the roles a user sets on a file without a
/// header: customer = column 2, date = column 3, amount = column 5.
fn cdnow() -> (PurchaseLines, RoleMapping) {
    let bytes = std::fs::read(common::fixture("cdnow/CDNOW_sample.txt")).unwrap();
    let mut ingested =
        ingest_bytes(&bytes, &IngestOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let table = &mut ingested.table;
    assert_eq!(table.n_rows(), 6_919);
    table.set_role(1, Some(Role::CustomerId)).unwrap();
    table.set_role(2, Some(Role::Date)).unwrap();
    table.set_role(4, Some(Role::Amount)).unwrap();
    let params = feature_params(table);
    let lines = value_purchase_lines(table, &params).unwrap_or_else(|e| panic!("{e}"));
    (lines, params.mapping)
}

#[test]
fn cdnow_gives_the_papers_parameters() {
    let (lines, mapping) = cdnow();
    // 39 weeks of calibration (the paper's), holdout to the end of June 1998.
    let f = fit(&lines, &mapping, "1997-09-30", 273);
    let c = &f.calibration;
    assert_eq!(c.holdout_end, day("1998-06-30"));
    assert!(c.holdout_complete);
    // Eight purchases of one CD for $0.00 are purchases (the paper's 2,357 customers).
    assert_eq!(c.zero_spend, ZeroSpendLines::Purchases);
    assert_eq!(c.counts.zero_spend_lines, 8);
    assert_eq!(c.customers.len(), 2_357);
    assert_eq!(c.repeat_purchases(), 2_457);
    assert_eq!(c.repeat_buyers(), 946);
    assert_eq!(c.new_in_holdout, 0);

    let bg = &f.bgnbd;
    assert!(bg.boundary.is_none(), "{bg:?}");
    // lifetimes 0.11.3 (the paper: r = 0.243, alpha = 4.414 per week, a = 0.793, b = 2.426).
    assert_close("BG/NBD r", bg.r, 0.2426, 0.005);
    assert_close("BG/NBD alpha (per day)", bg.alpha, 30.895, 0.005);
    assert_close("BG/NBD alpha (per week)", bg.alpha / 7.0, 4.414, 0.005);
    assert_close("BG/NBD a", bg.a, 0.7929, 0.005);
    assert_close("BG/NBD b", bg.b, 2.4259, 0.005);
    let gg = &f.gamma_gamma;
    assert_eq!(gg.customers, 946);
    assert_close("Gamma-Gamma p", gg.p, 6.2496, 0.005);
    assert_close("Gamma-Gamma q", gg.q, 3.7442, 0.005);
    assert_close("Gamma-Gamma v", gg.v, 15.4435, 0.005);

    let (predicted, actual, _, _) = holdout_totals(&f);
    assert_eq!(actual, 1_882);
    assert_close("Σ predicted holdout purchases", predicted, 1_653.4, 0.005);
}

// ---- Bad input: small generated files, each refused (or handled) with a clear message. ----

/// Purchase lines: `customers` customers; customer i buys on days 0, and on i % 4 more days
/// spread over `days` (so some buy again), each for 10 + i.
fn purchase_csv(customers: usize, days: u32, amount: impl Fn(usize, u32) -> String) -> String {
    let mut text = String::from("customer_id,order_date,amount\n");
    for i in 0..customers {
        for k in 0..=(i % 4) as u32 {
            let day = 1 + (k * days / 4 + (i as u32 * 7) % 20).min(days - 1);
            text.push_str(&format!(
                "c{i},2024-01-{:02},{}\n",
                day.min(28),
                amount(i, k)
            ));
        }
    }
    text
}

/// Purchase lines as BG/NBD imagines them, from a fixed pseudo-random sequence: 300 customers
/// who first buy in January 2024, buy at rates from one a month to one a week while alive and
/// drop out after a purchase with probability 0 to 30 %, up to 2024-06-28 (180 days); spend
/// 20 to 80 a purchase.
fn simulated_csv() -> String {
    let mut state: u64 = 42;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let start = day("2024-01-01");
    let mut text = String::from("customer_id,order_date,amount\n");
    for i in 0..300 {
        let rate = 1.0 / (7.0 + 23.0 * uniform());
        let dropout = 0.3 * uniform();
        let mut t = 30.0 * uniform();
        while t < 180.0 {
            let date = custos::core::format::iso_date(i64::from(start) + t as i64);
            text.push_str(&format!("c{i},{date},{:.2}\n", 20.0 + 60.0 * uniform()));
            if uniform() < dropout {
                break;
            }
            t += -uniform().ln() / rate;
        }
    }
    text
}

fn load(csv: &str) -> Table {
    ingest_bytes(csv.as_bytes(), &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .table
}

fn lines_of(table: &Table) -> Result<PurchaseLines, ValueError> {
    value_purchase_lines(table, &feature_params(table))
}

fn calibrate(
    lines: &PurchaseLines,
    cutoff: &str,
    horizon_days: u32,
) -> Result<Calibration, ValueError> {
    calibration_and_holdout(
        lines,
        &CalibrationParams {
            cutoff: day(cutoff),
            horizon_days,
            zero_spend: ZeroSpendLines::Purchases,
        },
    )
}

#[test]
fn a_customer_file_without_dates_says_why_dates_are_needed() {
    let mut text = String::from("customer_id,total_spend,orders\n");
    for i in 0..50 {
        text.push_str(&format!("c{i},{},{}\n", 10 + i, 1 + i % 3));
    }
    let error = lines_of(&load(&text)).unwrap_err();
    assert_eq!(
        error,
        ValueError::NoDates {
            customer_file: true
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("need the date of every purchase")
            && message.contains("this is a customer file")
            && message.contains("supervised models"),
        "{message}"
    );
}

#[test]
fn without_an_amount_bgnbd_runs_and_gamma_gamma_says_why_not() {
    let text: String = simulated_csv()
        .lines()
        .map(|line| {
            line.rsplit_once(',')
                .map_or(line, |(rest, _)| rest)
                .to_string()
                + "\n"
        })
        .collect();
    let lines = lines_of(&load(&text)).unwrap();
    assert!(!lines.has_spend);
    let calibration = calibrate(&lines, "2024-03-31", 89).unwrap();
    assert_eq!(calibration.customers.len(), 300);
    let bgnbd = BgNbdParams::default().fit(&calibration.histories());
    assert!(bgnbd.is_ok(), "{bgnbd:?}");
    let error = calibration.repeat_spend().unwrap_err();
    assert_eq!(error, ValueError::NoSpend);
    assert!(
        error.to_string().contains("Give the Amount role"),
        "{error}"
    );
}

#[test]
fn amounts_of_zero_or_less_are_counted() {
    // Every tenth line is free (0), every seventh a refund (negative: a return line).
    let text = purchase_csv(60, 28, |i, k| {
        let n = i * 4 + k as usize;
        if n.is_multiple_of(10) {
            "0".to_string()
        } else if n.is_multiple_of(7) {
            format!("-{}", 5 + i)
        } else {
            format!("{}", 10 + i)
        }
    });
    let lines = lines_of(&load(&text)).unwrap();
    let calibration = calibrate(&lines, "2024-01-14", 14).unwrap();
    let counts = calibration.counts;
    assert!(
        counts.zero_spend_lines > 0 && counts.return_lines > 0,
        "{counts:?}"
    );
    let receipt = calibration.receipt();
    let returns = receipt.iter().find(|r| r.step == "value_returns").unwrap();
    assert_eq!(returns.touched, counts.return_lines);
    assert!(
        returns.detail.contains("are not purchase days"),
        "{}",
        returns.detail
    );
    let zero = receipt
        .iter()
        .find(|r| r.step == "value_zero_spend")
        .unwrap();
    assert_eq!(zero.touched, counts.zero_spend_lines);
}

#[test]
fn no_repeat_buyer_means_no_model_and_says_so() {
    let mut text = String::from("customer_id,order_date,amount\n");
    for i in 0..40 {
        text.push_str(&format!("c{i},2024-01-{:02},{}\n", 1 + i % 20, 10 + i));
    }
    let lines = lines_of(&load(&text)).unwrap();
    let calibration = calibrate(&lines, "2024-01-15", 5).unwrap();
    assert_eq!(calibration.repeat_buyers(), 0);
    let error = BgNbdParams::default()
        .fit(&calibration.histories())
        .unwrap_err();
    assert!(
        error.to_string().contains("bought on more than one day"),
        "{error}"
    );
    let error = GammaGammaParams::default()
        .fit(&calibration.repeat_spend().unwrap())
        .unwrap_err();
    assert_eq!(
        error,
        ValueError::TooFewRepeatBuyers {
            found: 0,
            needed: MIN_REPEAT_BUYERS
        }
    );
    assert!(
        error.to_string().contains("no customer bought again"),
        "{error}"
    );
}

#[test]
fn fewer_than_thirty_customers_is_refused() {
    let lines = lines_of(&load(&purchase_csv(MIN_CUSTOMERS + 5, 28, |i, _| {
        format!("{}", 10 + i)
    })))
    .unwrap();
    // Only the customers who bought by the cutoff count.
    let error = calibrate(&lines, "2024-01-03", 7).unwrap_err();
    let ValueError::TooFewCustomers { found, needed, .. } = error else {
        panic!("{error:?}");
    };
    assert!(found < MIN_CUSTOMERS && needed == MIN_CUSTOMERS, "{found}");
    assert!(
        error.to_string().contains("Choose a later cutoff"),
        "{error}"
    );
}

#[test]
fn a_cutoff_outside_the_data_names_the_range() {
    let lines = lines_of(&load(&purchase_csv(60, 28, |i, _| format!("{}", 10 + i)))).unwrap();
    let before = calibrate(&lines, "2023-12-01", 7).unwrap_err().to_string();
    assert!(
        before.contains("before the first purchase (2024-01-01)")
            && before.contains("to 2024-01-28"),
        "{before}"
    );
    let after = calibrate(&lines, "2024-02-15", 7).unwrap_err().to_string();
    assert!(
        after.contains("after the last purchase (2024-01-28)"),
        "{after}"
    );
    let zero = calibrate(&lines, "2024-01-14", 0).unwrap_err();
    assert_eq!(zero, ValueError::ZeroHorizon);
}

#[test]
fn a_horizon_past_the_data_still_forecasts() {
    let lines = lines_of(&load(&simulated_csv())).unwrap();
    let calibration = calibrate(&lines, "2024-04-30", 90).unwrap();
    assert!(!calibration.holdout_complete);
    let bgnbd = BgNbdParams::default()
        .fit(&calibration.histories())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(bgnbd.boundary.is_none(), "{bgnbd:?}");
    let gamma_gamma = GammaGammaParams::default()
        .fit(&calibration.repeat_spend().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    let scores = score(
        &calibration,
        &bgnbd,
        Some(&gamma_gamma),
        &DiscountParams::default(),
    );
    assert_eq!(scores.len(), calibration.customers.len());
    assert!(scores
        .iter()
        .all(|s| s.expected_purchases.is_finite() && s.clv_horizon.is_some_and(f64::is_finite)));
    // The tracking chart: the model's curve up to the end of the window, the actual one only
    // as far as the data go.
    let tracking = &calibration.tracking;
    assert!(tracking.actual_cumulative.len() < tracking.week_ends.len());
    assert_eq!(
        bgnbd.expected_cumulative_repeats(&calibration).len(),
        tracking.week_ends.len()
    );
}
