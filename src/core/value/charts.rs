//! The Value step's charts as data: calibration by frequency, tracking, the holdout spend of
//! each customer against the forecast, the P(alive) matrix and the CLV distribution
//! (probabilistic); actual vs predicted and residuals per supervised model. Drawn by
//! `src/charts` like every other step's charts. Pure Rust: no web-sys.

use crate::core::chart::{
    actual_and_model_lines, actual_vs_predicted, log1p_histogram, probability_matrix, residuals,
    Chart, ChartText, Predictions, ValueFormat,
};
use crate::core::format::{iso_date, thousands};

use super::probabilistic::Fitted;

/// Frequency groups of the calibration chart: 0, 1, …, 6 and "7+".
const FREQUENCY_GROUPS: u32 = 8;
/// Frequency rows of the P(alive) matrix: 0 … 20.
const MATRIX_FREQUENCIES: u32 = 20;
/// Recency columns of the P(alive) matrix.
const MATRIX_RECENCY_BINS: usize = 12;

fn iso(day: i32) -> String {
    iso_date(i64::from(day))
}

/// lifetimes' `plot_calibration_purchases_vs_holdout_purchases`: customers grouped by their
/// repeat purchases up to the cutoff (0 … 6, 7+), the mean predicted vs the mean actual repeat
/// purchases in the holdout window. `None` without a complete holdout.
pub fn calibration_chart(fitted: &Fitted) -> Option<Chart> {
    let calibration = &fitted.calibration;
    if !calibration.holdout_complete {
        return None;
    }
    let groups = FREQUENCY_GROUPS as usize;
    let mut n = vec![0usize; groups];
    let mut actual = vec![0.0; groups];
    let mut predicted = vec![0.0; groups];
    for (c, v) in calibration.customers.iter().zip(&fitted.values) {
        let g = c.x.min(FREQUENCY_GROUPS - 1) as usize;
        if let (Some(count), Some(a), Some(p)) =
            (n.get_mut(g), actual.get_mut(g), predicted.get_mut(g))
        {
            *count += 1;
            *a += f64::from(c.holdout_purchases);
            *p += v.expected_purchases;
        }
    }
    let mean = |sums: &[f64]| -> Vec<f64> {
        sums.iter()
            .zip(&n)
            .map(|(s, &k)| if k > 0 { s / k as f64 } else { f64::NAN })
            .collect()
    };
    let labels: Vec<String> = (0..FREQUENCY_GROUPS)
        .map(|g| {
            if g + 1 == FREQUENCY_GROUPS {
                format!("{g}+")
            } else {
                g.to_string()
            }
        })
        .collect();
    let notes = n
        .iter()
        .map(|&k| format!("{} customers", thousands(k as u64)))
        .collect();
    Some(
        actual_and_model_lines(
            ChartText {
                id: "value-calibration",
                title: "Predicted vs actual purchases in the holdout window",
                subtitle: format!(
                    "Customers grouped by their repeat purchases up to {}; mean purchases in the \
                     {} days after it",
                    iso(calibration.cutoff),
                    calibration.horizon_days
                ),
                x_label: "Repeat purchases up to the cutoff",
                y_label: "Mean purchases in the holdout window",
            },
            ValueFormat::Number,
            labels,
            ("Actual", &mean(&actual)),
            ("BG/NBD", &mean(&predicted)),
        )
        .with_x_notes(notes),
    )
}

/// Cumulative repeat purchases per week of the modelled customers, actual vs BG/NBD's
/// expectation, the cutoff marked.
pub fn tracking_chart(fitted: &Fitted) -> Option<Chart> {
    let calibration = &fitted.calibration;
    let tracking = &calibration.tracking;
    if tracking.week_ends.len() < 2 {
        return None;
    }
    let actual: Vec<f64> = (0..tracking.week_ends.len())
        .map(|i| {
            tracking
                .actual_cumulative
                .get(i)
                .map_or(f64::NAN, |&v| v as f64)
        })
        .collect();
    let model = fitted.bgnbd.expected_cumulative_repeats(calibration);
    let labels: Vec<String> = tracking.week_ends.iter().map(|&d| iso(d)).collect();
    let cutoff_week = tracking
        .week_ends
        .iter()
        .position(|&end| end >= calibration.cutoff)
        .unwrap_or(tracking.week_ends.len().saturating_sub(1));
    Some(
        actual_and_model_lines(
            ChartText {
                id: "value-tracking",
                title: "Repeat purchases week by week",
                subtitle: format!(
                    "Cumulative repeat purchases of the {} customers seen by {}: actual and \
                     what BG/NBD expects; after the cutoff the model forecasts",
                    thousands(calibration.customers.len() as u64),
                    iso(calibration.cutoff)
                ),
                x_label: "Week ending",
                y_label: "Cumulative repeat purchases",
            },
            ValueFormat::Count,
            labels,
            ("Actual", &actual),
            ("BG/NBD", &model),
        )
        .with_x_marker(
            cutoff_week as f64,
            &format!("cutoff {}", iso(calibration.cutoff)),
        ),
    )
}

/// The holdout spend of each modelled customer against the BG/NBD + Gamma-Gamma forecast made
/// at the cutoff. `None` without Gamma-Gamma or a complete holdout.
pub fn holdout_spend_chart(fitted: &Fitted, ids: &[String]) -> Option<Chart> {
    let calibration = &fitted.calibration;
    fitted.gamma_gamma.as_ref()?;
    if !calibration.holdout_complete {
        return None;
    }
    let labels: Vec<String> = calibration
        .customers
        .iter()
        .map(|c| ids.get(c.customer as usize).cloned().unwrap_or_default())
        .collect();
    let actual: Vec<f64> = calibration
        .customers
        .iter()
        .map(|c| c.holdout_spend)
        .collect();
    let predicted: Vec<f64> = fitted
        .values
        .iter()
        .map(|v| v.clv_horizon.unwrap_or(0.0))
        .collect();
    Some(actual_vs_predicted(
        ChartText {
            id: "value-holdout-spend",
            title: "Forecast vs actual spend per customer (BG/NBD + Gamma-Gamma)",
            subtitle: format!(
                "Spend in the {} days after {}: forecast at the cutoff vs what each customer spent",
                calibration.horizon_days,
                iso(calibration.cutoff)
            ),
            x_label: "Forecast spend",
            y_label: "Actual spend",
        },
        ValueFormat::Money,
        Predictions {
            labels: &labels,
            actual: &actual,
            predicted: &predicted,
        },
        true,
    ))
}

/// P(alive) for a customer first seen `T` days before the last purchase day (the longest
/// history), by repeat purchases (rows) and days from the first to the last purchase (columns);
/// each cell's tooltip says how many customers are there.
pub fn p_alive_chart(fitted: &Fitted) -> Option<Chart> {
    let calibration = &fitted.calibration;
    let t_max = calibration
        .customers
        .iter()
        .map(|c| c.t_big)
        .fold(0.0_f64, f64::max);
    if t_max <= 0.0 {
        return None;
    }
    let max_x = calibration
        .customers
        .iter()
        .map(|c| c.x)
        .max()
        .unwrap_or(0)
        .min(MATRIX_FREQUENCIES);
    let width = t_max / MATRIX_RECENCY_BINS as f64;
    let bin_of = |t_x: f64| ((t_x / width) as usize).min(MATRIX_RECENCY_BINS - 1);
    let mut counts = vec![vec![0u64; MATRIX_RECENCY_BINS]; max_x as usize + 1];
    for c in &calibration.customers {
        if c.x <= max_x {
            if let Some(cell) = counts
                .get_mut(c.x as usize)
                .and_then(|row| row.get_mut(bin_of(c.t_x)))
            {
                *cell += 1;
            }
        }
    }
    // Highest frequency on top, as lifetimes draws it.
    let xs: Vec<u32> = (0..=max_x).rev().collect();
    let cells: Vec<Vec<Option<f64>>> = xs
        .iter()
        .map(|&x| {
            (0..MATRIX_RECENCY_BINS)
                .map(|b| {
                    let t_x = (b as f64 + 0.5) * width;
                    // One purchase only: its recency is 0 by definition.
                    if x == 0 && b > 0 {
                        None
                    } else {
                        let t_x = if x == 0 { 0.0 } else { t_x };
                        Some(fitted.bgnbd.p_alive(x, t_x, t_max))
                    }
                })
                .collect()
        })
        .collect();
    let notes: Vec<Vec<String>> = xs
        .iter()
        .map(|&x| {
            counts
                .get(x as usize)
                .map(|row| {
                    row.iter()
                        .map(|&k| format!("{} customers here", thousands(k)))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let columns: Vec<String> = (0..MATRIX_RECENCY_BINS)
        .map(|b| format!("{:.0}–{:.0}", b as f64 * width, (b + 1) as f64 * width))
        .collect();
    let rows: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
    Some(probability_matrix(
        ChartText {
            id: "value-p-alive",
            title: "Probability a customer is still active (P(alive))",
            subtitle: format!(
                "For a customer first seen {:.0} days before {}, by repeat purchases and the days \
                 from the first to the last purchase",
                t_max,
                iso(calibration.cutoff)
            ),
            x_label: "Days from the first to the last purchase",
            y_label: "Repeat purchases",
        },
        "P(alive)",
        (rows, columns),
        &cells,
        Some(notes),
    ))
}

/// The distribution of the forecast CLV over the horizon.
pub fn clv_distribution(fitted: &Fitted) -> Option<Chart> {
    let values: Vec<f64> = fitted.values.iter().filter_map(|v| v.clv_horizon).collect();
    let total: f64 = values.iter().sum();
    log1p_histogram(
        "value-clv-distribution",
        (
            "Customer value over the next days (CLV)",
            format!(
                "{} customers, {} days after {}: expected spend {} in all",
                thousands(values.len() as u64),
                fitted.calibration.horizon_days,
                iso(fitted.calibration.cutoff),
                crate::core::format::number(total)
            ),
        ),
        "Expected spend",
        ValueFormat::Money,
        &values,
    )
}

/// Actual vs predicted and residuals of one supervised model on the test part.
pub fn model_charts(
    model: &str,
    target: &str,
    labels: &[String],
    actual: &[f64],
    predicted: &[f64],
) -> Vec<Chart> {
    let id_scatter = format!("value-model-{}-scatter", slug(model));
    let id_residuals = format!("value-model-{}-residuals", slug(model));
    let title_scatter = format!("{model}: actual vs predicted (test customers)");
    let title_residuals = format!("{model}: residuals (test customers)");
    let data = || Predictions {
        labels,
        actual,
        predicted,
    };
    vec![
        actual_vs_predicted(
            ChartText {
                id: &id_scatter,
                title: &title_scatter,
                subtitle: format!("{target}; each point a customer held out from training"),
                x_label: "Predicted",
                y_label: "Actual",
            },
            ValueFormat::Money,
            data(),
            true,
        ),
        residuals(
            ChartText {
                id: &id_residuals,
                title: &title_residuals,
                subtitle: "Actual − predicted: above zero the model under-predicted".to_string(),
                x_label: "Predicted",
                y_label: "Actual − predicted",
            },
            ValueFormat::Money,
            data(),
            false,
        ),
    ]
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The probabilistic charts of a run: validation views from the fit at the cutoff, the
/// P(alive) matrix and the CLV distribution from the forecast fit.
pub fn probabilistic_charts(
    validated: Option<&Fitted>,
    forecast: Option<&Fitted>,
    ids: &[String],
) -> Vec<Chart> {
    let mut charts = Vec::new();
    if let Some(v) = validated {
        charts.extend(calibration_chart(v));
        charts.extend(tracking_chart(v));
        charts.extend(holdout_spend_chart(v, ids));
    }
    if let Some(f) = forecast {
        charts.extend(p_alive_chart(f));
        charts.extend(clv_distribution(f));
    }
    charts
}
