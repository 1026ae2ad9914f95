//! The probabilistic half of the Value step: BG/NBD + Gamma-Gamma fitted at a cutoff date,
//! judged on the holdout window after it (against the naive repeat-rate model), and the
//! top-share table; the same fit at the last purchase day gives the per-customer forecast.
//! Pure Rust: no web-sys.

use crate::core::evaluate::regression::regression_metrics;
use crate::core::features::PurchaseLines;
use crate::core::format::{self, thousands};

use super::bgnbd::{BgNbd, BgNbdParams};
use super::calibration::{calibration_and_holdout, Calibration, CalibrationParams};
use super::clv::{score, CustomerValue, DiscountParams};
use super::error::ValueError;
use super::gamma_gamma::{GammaGamma, GammaGammaParams};
use super::view::{BgNbdFit, GammaGammaFit, HoldoutReport, HoldoutRow, TopShareRow};

/// BG/NBD (+ Gamma-Gamma when the lines carry spend) fitted on the calibration period of
/// `calibration`, and what they say of each modelled customer over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub calibration: Calibration,
    pub bgnbd: BgNbd,
    pub gamma_gamma: Option<GammaGamma>,
    /// One per `calibration.customers`, same order.
    pub values: Vec<CustomerValue>,
    /// Why Gamma-Gamma was not fitted, boundary fits, and similar facts.
    pub notes: Vec<String>,
}

/// Summarise the lines at `params.cutoff` and fit both models.
pub fn fit(
    lines: &PurchaseLines,
    params: &CalibrationParams,
    discount: &DiscountParams,
) -> Result<Fitted, ValueError> {
    let calibration = calibration_and_holdout(lines, params)?;
    let bgnbd = BgNbdParams::default().fit(&calibration.histories())?;
    let mut notes = Vec::new();
    let gamma_gamma = if calibration.has_spend {
        match calibration
            .repeat_spend()
            .and_then(|repeat| GammaGammaParams::default().fit(&repeat))
        {
            Ok(gg) => Some(gg),
            Err(e) => {
                notes.push(format!(
                    "Spend per purchase (Gamma-Gamma) is not modelled: {e}"
                ));
                None
            }
        }
    } else {
        None
    };
    let values = score(&calibration, &bgnbd, gamma_gamma.as_ref(), discount);
    Ok(Fitted {
        calibration,
        bgnbd,
        gamma_gamma,
        values,
        notes,
    })
}

/// The BG/NBD fit as reported (`alpha` per day).
pub fn bgnbd_fit(model: &BgNbd) -> BgNbdFit {
    BgNbdFit {
        r: model.r,
        alpha: model.alpha,
        a: model.a,
        b: model.b,
        log_likelihood: model.log_likelihood,
        time_unit_days: 1,
        boundary: model.boundary.as_ref().map(|b| b.explanation.clone()),
        customers: model.customers,
        fit_seconds: 0.0,
    }
}

/// The Gamma-Gamma fit as reported, with the frequency–spend correlation among the repeat
/// buyers of `calibration` (the model assumes none).
pub fn gamma_gamma_fit(model: &GammaGamma, calibration: &Calibration) -> GammaGammaFit {
    let repeat = calibration.repeat_spend().unwrap_or_default();
    let x: Vec<f64> = repeat.iter().map(|&(x, _)| f64::from(x)).collect();
    let m: Vec<f64> = repeat.iter().map(|&(_, m)| m).collect();
    GammaGammaFit {
        p: model.p,
        q: model.q,
        v: model.v,
        log_likelihood: model.log_likelihood,
        customers: model.customers,
        population_mean: model.population_mean(),
        frequency_spend_correlation: pearson(&x, &m),
    }
}

/// Pearson correlation; 0 when either side is constant or empty.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let mean = |v: &[f64]| v.iter().take(n).sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y).take(n) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// The naive repeat-rate forecast of purchases: x / T × horizon (0 for a customer seen on the
/// cutoff day only).
pub fn naive_purchases(calibration: &Calibration) -> Vec<f64> {
    let horizon = f64::from(calibration.horizon_days);
    calibration
        .customers
        .iter()
        .map(|c| {
            if c.t_big > 0.0 {
                f64::from(c.x) / c.t_big * horizon
            } else {
                0.0
            }
        })
        .collect()
}

/// The naive spend forecast: the naive purchases × the mean repeat spend.
pub fn naive_spend(calibration: &Calibration) -> Vec<f64> {
    naive_purchases(calibration)
        .iter()
        .zip(&calibration.customers)
        .map(|(p, c)| p * c.monetary)
        .collect()
}

fn row(predictor: &str, quantity: &str, actual: &[f64], predicted: &[f64]) -> Option<HoldoutRow> {
    let metrics = regression_metrics(actual, predicted).ok()?;
    Some(HoldoutRow {
        predictor: predictor.to_string(),
        quantity: quantity.to_string(),
        predicted_total: predicted.iter().sum(),
        actual_total: actual.iter().sum(),
        mae: metrics.mae,
        rmse: metrics.rmse,
        r2: metrics.r2,
        spearman: metrics.spearman.unwrap_or(f64::NAN),
    })
}

/// Predicted vs actual purchases (and spend) in the holdout window; `None` when the data do not
/// reach its end.
pub fn holdout(fitted: &Fitted) -> Option<HoldoutReport> {
    let calibration = &fitted.calibration;
    if !calibration.holdout_complete {
        return None;
    }
    let customers = &calibration.customers;
    let actual_purchases: Vec<f64> = customers
        .iter()
        .map(|c| f64::from(c.holdout_purchases))
        .collect();
    let predicted_purchases: Vec<f64> =
        fitted.values.iter().map(|v| v.expected_purchases).collect();
    let mut rows = Vec::new();
    rows.extend(row(
        "BG/NBD",
        "purchases",
        &actual_purchases,
        &predicted_purchases,
    ));
    rows.extend(row(
        "Naive rate x/T × horizon",
        "purchases",
        &actual_purchases,
        &naive_purchases(&fitted.calibration),
    ));
    let spend = fitted.gamma_gamma.as_ref().map(|_| {
        let actual: Vec<f64> = customers.iter().map(|c| c.holdout_spend).collect();
        let predicted: Vec<f64> = fitted
            .values
            .iter()
            .map(|v| v.clv_horizon.unwrap_or(0.0))
            .collect();
        (actual, predicted)
    });
    if let Some((actual, predicted)) = &spend {
        rows.extend(row("BG/NBD + Gamma-Gamma", "spend", actual, predicted));
        rows.extend(row(
            "Naive rate × mean repeat spend",
            "spend",
            actual,
            &naive_spend(&fitted.calibration),
        ));
    }
    Some(HoldoutReport {
        customers: customers.len(),
        predicted_purchases: predicted_purchases.iter().sum(),
        actual_purchases: actual_purchases.iter().sum(),
        predicted_spend: spend.as_ref().map(|(_, p)| p.iter().sum()),
        actual_spend: spend.as_ref().map(|(a, _)| a.iter().sum()),
        new_customers: calibration.new_in_holdout,
        new_customers_spend: calibration
            .has_spend
            .then_some(calibration.new_in_holdout_spend),
        rows,
    })
}

/// Warnings a marketer needs when the holdout check speaks against BG/NBD: for purchases and
/// for spend, when its forecast explains less than one number for everybody would (R² < 0), or
/// when the naive repeat rate forecasts better (lower RMSE). The first row of a quantity is the
/// model's, the second the naive rate's (as [`holdout`] lists them).
pub fn holdout_notes(report: &HoldoutReport) -> Vec<String> {
    let mut notes = Vec::new();
    for quantity in ["purchases", "spend"] {
        let mut rows = report.rows.iter().filter(|r| r.quantity == quantity);
        let (Some(model), naive) = (rows.next(), rows.next()) else {
            continue;
        };
        if model.r2 < 0.0 {
            let ranking = if model.spearman >= 0.3 {
                format!(
                    "its amounts are not to be trusted on this data, though its order of the \
                     customers still follows theirs (Spearman {})",
                    format::number(model.spearman)
                )
            } else {
                format!(
                    "on this data neither its amounts nor its order of the customers (Spearman \
                     {}) are to be trusted",
                    format::number(model.spearman)
                )
            };
            notes.push(format!(
                "On the holdout window, {}'s {quantity} forecast was further off than giving \
                 every customer the same number (R² {}): {ranking}.",
                model.predictor,
                format::number(model.r2)
            ));
        } else if let Some(naive) = naive.filter(|n| n.rmse < model.rmse) {
            notes.push(format!(
                "On the holdout window, the naive rate forecast {quantity} more closely than {} \
                 (RMSE {} against {}): on this data the model's {quantity} forecast is no better \
                 than each customer's own past rate.",
                model.predictor,
                format::number(naive.rmse),
                format::number(model.rmse)
            ));
        }
    }
    notes
}

/// Share of the total of `actual` taken by the top `fraction` of rows ranked by `score`
/// (highest first; ties → the row listed first, i.e. the smaller customer index).
pub fn top_share(score: &[f64], actual: &[f64], fraction: f64) -> f64 {
    let n = score.len().min(actual.len());
    let total: f64 = actual.iter().take(n).sum();
    if n == 0 || total <= 0.0 {
        return 0.0;
    }
    let mut rows: Vec<usize> = (0..n).collect();
    rows.sort_by(|&a, &b| {
        let (x, y) = (score.get(a).copied(), score.get(b).copied());
        y.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&x.unwrap_or(f64::NEG_INFINITY))
            .then(a.cmp(&b))
    });
    let top = ((fraction * n as f64).ceil() as usize).min(n);
    let captured: f64 = rows.iter().take(top).filter_map(|&r| actual.get(r)).sum();
    captured / total
}

/// The top-10 % / 20 % table of the holdout spend: customers ranked by predicted CLV, by the
/// naive forecast, by their spend up to the cutoff, and the best possible ranking (by the
/// actual holdout spend). Empty without a complete holdout or without Gamma-Gamma.
pub fn top_share_table(fitted: &Fitted) -> Vec<TopShareRow> {
    let calibration = &fitted.calibration;
    if !calibration.holdout_complete || fitted.gamma_gamma.is_none() {
        return Vec::new();
    }
    // Rank in customer-id order so ties fall to the smaller id, as the anchors do.
    let actual: Vec<f64> = calibration
        .customers
        .iter()
        .map(|c| c.holdout_spend)
        .collect();
    let clv: Vec<f64> = fitted
        .values
        .iter()
        .map(|v| v.clv_horizon.unwrap_or(0.0))
        .collect();
    let past: Vec<f64> = calibration
        .customers
        .iter()
        .map(|c| c.calibration_spend)
        .collect();
    let rankings: [(&str, Vec<f64>); 4] = [
        ("Predicted CLV (BG/NBD + Gamma-Gamma)", clv),
        (
            "Naive rate × mean repeat spend",
            naive_spend(&fitted.calibration),
        ),
        ("Spend up to the cutoff", past),
        ("Best possible (actual holdout spend)", actual.clone()),
    ];
    rankings
        .into_iter()
        .map(|(ranking, score)| TopShareRow {
            ranking: ranking.to_string(),
            top10: top_share(&score, &actual, 0.1),
            top20: top_share(&score, &actual, 0.2),
        })
        .collect()
}

/// A sentence on the customers first seen in the holdout window (not modelled).
pub fn new_customers_note(calibration: &Calibration) -> Option<String> {
    (calibration.new_in_holdout > 0).then(|| {
        format!(
            "{} customers first bought after the cutoff: the models cannot forecast them at the \
             cutoff, so the holdout comparison leaves them out.",
            thousands(calibration.new_in_holdout as u64)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_share_takes_the_ceiling_of_the_share_and_breaks_ties_by_order() {
        // 10 rows: the top 10 % is 1 row; the tie at 5.0 goes to row 1 (listed first).
        let score = [1.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let actual = [0.0, 10.0, 30.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 60.0];
        assert!((top_share(&score, &actual, 0.1) - 0.1).abs() < 1e-12);
        assert!((top_share(&score, &actual, 0.2) - 0.4).abs() < 1e-12);
        assert!((top_share(&actual, &actual, 0.1) - 0.6).abs() < 1e-12);
        assert_eq!(top_share(&[], &[], 0.1), 0.0);
    }

    #[test]
    fn the_holdout_check_warns_when_bgnbd_loses_to_a_constant_or_the_naive_rate() {
        let row = |predictor: &str, quantity: &str, rmse: f64, r2: f64| HoldoutRow {
            predictor: predictor.to_string(),
            quantity: quantity.to_string(),
            predicted_total: 0.0,
            actual_total: 0.0,
            mae: 0.0,
            rmse,
            r2,
            spearman: 0.0,
        };
        let mut report = HoldoutReport {
            customers: 10,
            predicted_purchases: 0.0,
            actual_purchases: 0.0,
            predicted_spend: None,
            actual_spend: None,
            new_customers: 0,
            new_customers_spend: None,
            rows: vec![
                row("BG/NBD", "purchases", 1.0, 0.4),
                row("Naive", "purchases", 1.2, 0.3),
                row("BG/NBD + Gamma-Gamma", "spend", 300.0, 0.2),
                row("Naive", "spend", 310.0, 0.1),
            ],
        };
        assert!(holdout_notes(&report).is_empty());
        report.rows[1].rmse = 0.9;
        report.rows[2].r2 = -0.21;
        let notes = holdout_notes(&report);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("naive rate forecast purchases more closely than BG/NBD"));
        assert!(notes[1].contains("R² -0.21") && notes[1].contains("neither its amounts"));
    }

    #[test]
    fn pearson_is_zero_for_constant_sides() {
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), 0.0);
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
    }
}
