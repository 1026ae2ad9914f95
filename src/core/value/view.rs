//! What the Value step shows: the form's choices and a finished run as screen-sized
//! view-models (fitted parameters, holdout checks, leaderboard, charts, the top-share table),
//! plus the per-customer value list in pages and as CSV. The CLI's `--json` is the
//! [`ValueReport`]; its `-o` and the app's download write the same CSV.
//! Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use std::cmp::Ordering;

use crate::core::csv_out::CsvWriter;
use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::eda::Chart;
use crate::core::features::{FeatureError, PurchaseLines};
use crate::core::predict::view::FeatureOption;
use crate::core::receipt::ReceiptLine;
use crate::core::value::run::{ValueCustomers, ValueParams, ValueRun};

/// The choices the Value form offers for the loaded data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueSetup {
    /// Customers in the explored customer table.
    pub n_customers: usize,
    /// Purchase lines with dates: BG/NBD, Gamma-Gamma and the spend-in-the-horizon target are
    /// possible. `false` for a customer file (supervised only, on a numeric column).
    pub has_purchase_dates: bool,
    /// The lines carry spend (amount, or quantity × price): Gamma-Gamma and CLV in money.
    pub has_spend: bool,
    /// First and last purchase day of the cleaned lines (days since 1970-01-01).
    pub first_day: Option<i32>,
    pub last_day: Option<i32>,
    /// Last purchase day − the default horizon.
    pub default_cutoff: Option<i32>,
    pub default_horizon_days: u32,
    /// Numeric columns of a customer file a supervised model can learn to predict (empty for
    /// purchase lines, whose target is the spend in the horizon).
    pub numeric_targets: Vec<String>,
    /// The column preselected as the target of a customer file: the only numeric column whose
    /// name says it is the customer's value (CLV, LTV, lifetime value); `None` = the user
    /// chooses.
    #[serde(default)]
    pub default_target: Option<String>,
    /// Feature columns of the supervised models.
    pub features: Vec<FeatureOption>,
    /// The Segment step has run: the segment label is offered as a feature.
    pub segmented: bool,
    /// What the data allows and why (e.g. "No dates: BG/NBD needs the day of each purchase").
    pub notes: Vec<String>,
}

/// A fitted BG/NBD model as shown and as in the CLI's JSON (`alpha` per day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbdFit {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub log_likelihood: f64,
    /// Days per time unit of `alpha` (always 1: days).
    pub time_unit_days: u32,
    /// The fit ran to a boundary of the parameter space, in plain words (e.g. nobody drops
    /// out: a → 0, b → ∞); the predictions are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    /// Customers fitted on.
    pub customers: usize,
    /// Seconds the fit took (BG/NBD and Gamma-Gamma together; 0 when not measured).
    #[serde(default)]
    pub fit_seconds: f64,
}

/// A fitted Gamma-Gamma spend model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaFit {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    pub log_likelihood: f64,
    /// Repeat buyers fitted on.
    pub customers: usize,
    /// The model's mean spend per purchase, p·v/(q−1).
    pub population_mean: f64,
    /// Pearson correlation of frequency and mean spend among repeat buyers (the model assumes
    /// none; a warning above ~0.3).
    pub frequency_spend_correlation: f64,
}

/// One predictor judged on the holdout window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutRow {
    /// e.g. "BG/NBD", "Naive rate x/T·t", "BG/NBD + Gamma-Gamma", "Ridge".
    pub predictor: String,
    /// "purchases" or "spend".
    pub quantity: String,
    pub predicted_total: f64,
    pub actual_total: f64,
    pub mae: f64,
    pub rmse: f64,
    pub r2: f64,
    pub spearman: f64,
}

/// The calibration/holdout check of the probabilistic models (`None` in the report when the
/// horizon runs past the end of the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutReport {
    /// Customers with a purchase on or before the cutoff (the modelled ones).
    pub customers: usize,
    pub predicted_purchases: f64,
    pub actual_purchases: f64,
    /// `None` without spend.
    pub predicted_spend: Option<f64>,
    pub actual_spend: Option<f64>,
    /// Customers whose first purchase falls in the holdout window (not modelled) and their
    /// spend there.
    pub new_customers: usize,
    pub new_customers_spend: Option<f64>,
    pub rows: Vec<HoldoutRow>,
}

/// Share of the holdout spend captured by the top k % of customers as ranked by a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopShareRow {
    /// e.g. "Predicted CLV (BG/NBD + Gamma-Gamma)", "Past spend", "Best possible".
    pub ranking: String,
    /// Shares (0–1) for the top 10 % and 20 %.
    pub top10: f64,
    pub top20: f64,
}

/// One row of the supervised leaderboard (models and baselines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// Stable key: `mean`, `median`, `naive_rate`, `ridge`, `tree`, `rf`, `gbdt`, `mlp`.
    pub key: String,
    pub label: String,
    /// A baseline (always shown, never chosen as the best model).
    pub baseline: bool,
    /// Cross-validated RMSE and R² on the training part (mean and sd over folds); `None` for a
    /// baseline not fitted per fold.
    pub cv_rmse: Option<f64>,
    pub cv_rmse_sd: Option<f64>,
    pub cv_r2: Option<f64>,
    pub cv_r2_sd: Option<f64>,
    pub test_mae: f64,
    pub test_rmse: f64,
    pub test_r2: f64,
    /// `None` when the forecast is one constant (a rank correlation is not defined).
    pub test_spearman: Option<f64>,
    pub fit_seconds: f64,
    /// Settings in words ("100 trees, all features per split", "log1p target").
    pub settings: String,
}

/// The supervised half of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisedReport {
    /// What is predicted, in words ("Spend in the 90 days after 2011-09-10").
    pub target: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub folds: usize,
    pub features: Vec<String>,
    /// Best first by CV RMSE (baselines after the models they are compared with).
    pub leaderboard: Vec<LeaderboardRow>,
    /// Key of the model chosen by cross-validation (never by the test part).
    pub best: Option<String>,
    /// Permutation importance of the best model on the test part: feature, mean drop of the
    /// test R², sd.
    pub importance: Vec<(String, f64, f64)>,
}

/// A finished Value run: what the CLI prints as `--json` and what the UI shows in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueReport {
    /// Cutoff date (`YYYY-MM-DD`, inclusive in the calibration period); `None` for a customer
    /// file.
    pub cutoff: Option<String>,
    pub horizon_days: u32,
    /// Last day of the holdout window (`YYYY-MM-DD`).
    pub holdout_end: Option<String>,
    /// The data reaches the end of the holdout window: holdout metrics are shown.
    pub holdout_complete: bool,
    /// Monthly discount rate of the 12-month CLV.
    pub discount_monthly: f64,
    pub seed: u64,
    /// Which lines the models used (purchase days, returns left out, non-positive spend …).
    pub receipt: Vec<ReceiptLine>,
    /// Fitted on the calibration period (validation).
    pub bgnbd: Option<BgNbdFit>,
    pub gamma_gamma: Option<GammaGammaFit>,
    pub holdout: Option<HoldoutReport>,
    pub top_share: Vec<TopShareRow>,
    pub supervised: Option<SupervisedReport>,
    /// Refitted on the whole period for the per-customer forecast (the next `horizon_days`
    /// after the last purchase day).
    pub forecast_bgnbd: Option<BgNbdFit>,
    pub forecast_gamma_gamma: Option<GammaGammaFit>,
    /// Facts the user must know (boundary fits, left-out customers, skipped models).
    pub notes: Vec<String>,
}

/// A finished run as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueView {
    pub report: ValueReport,
    /// Probabilistic views: calibration by frequency, tracking, P(alive) heat map, CLV
    /// distribution.
    pub charts: Vec<Chart>,
    /// Per leaderboard model (in leaderboard order): actual vs predicted, residuals.
    pub model_charts: Vec<Vec<Chart>>,
    /// Permutation importance of the best supervised model.
    pub importance_chart: Option<Chart>,
    /// Rows of the per-customer list.
    pub n_customers: usize,
    /// Column titles of the per-customer list.
    pub header: Vec<String>,
    pub elapsed_ms: f64,
    /// The worker's memory after the run (wasm memory, bytes; 0 when unknown).
    #[serde(default)]
    pub worker_memory_bytes: u64,
}

/// How the per-customer list is sorted: by a column of [`ValueView::header`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueOrder {
    pub column: usize,
    pub descending: bool,
}

/// Words of a column name that say it holds a customer's value (`CLV`, `ltv`,
/// `lifetime_value`, `customer value`): such a column is the default target of a customer file
/// when it is the only one.
const VALUE_WORDS: [&str; 4] = ["clv", "ltv", "cltv", "lifetime"];

fn reads_as_value(name: &str) -> bool {
    let words = crate::core::names::words(name);
    words.iter().any(|w| VALUE_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| pair[0] == "customer" && pair[1] == "value")
}

/// The form's choices for the loaded data: `purchases` = the purchase lines as the Explore step
/// cleaned them (see [`features::purchase_lines`]) when the file holds purchase lines, `None`
/// for a customer file.
pub fn setup(
    purchases: Option<Result<&PurchaseLines, &FeatureError>>,
    customers: &CustomerTable,
    segmented: bool,
) -> ValueSetup {
    let horizon = ValueParams::DEFAULT_HORIZON_DAYS;
    let mut notes = Vec::new();
    let is_line_file = purchases.is_some();
    let (span, has_spend) = match &purchases {
        Some(Ok(p)) => (p.span(), p.has_spend),
        Some(Err(e)) => {
            notes.push(format!("The purchase lines cannot be read for BG/NBD: {e}"));
            (None, false)
        }
        None => {
            notes.push(
                "This is a customer file (one row per customer, no purchase dates): BG/NBD and \
                 Gamma-Gamma need the day of every purchase, so only the supervised models run, \
                 on a numeric column you choose."
                    .to_string(),
            );
            (None, false)
        }
    };
    if span.is_some() && !has_spend {
        notes.push(
            "The lines carry no amount or price: BG/NBD forecasts purchases and P(alive), but \
             spend (Gamma-Gamma, CLV) and the supervised spend models need an amount column."
                .to_string(),
        );
    }
    let default_cutoff = span
        .map(|s| s.last - horizon as i32)
        .filter(|&c| span.is_some_and(|s| c > s.first));
    if let (Some(s), None) = (span, default_cutoff) {
        notes.push(format!(
            "The purchases span {} days only, less than the {horizon}-day horizon: choose a \
             shorter horizon so that a calibration period remains.",
            s.last - s.first + 1
        ));
    }
    let numeric_targets: Vec<String> = if is_line_file {
        Vec::new()
    } else {
        customers
            .features
            .iter()
            .filter(|f| matches!(f.values, FeatureValues::Numeric(_)))
            .map(|f| f.name.clone())
            .collect()
    };
    let value_named: Vec<&String> = numeric_targets
        .iter()
        .filter(|name| reads_as_value(name))
        .collect();
    let default_target = match value_named.as_slice() {
        [only] => Some((*only).clone()),
        _ => None,
    };
    ValueSetup {
        n_customers: customers.n_rows(),
        has_purchase_dates: span.is_some(),
        has_spend,
        first_day: span.map(|s| s.first),
        last_day: span.map(|s| s.last),
        default_cutoff,
        default_horizon_days: horizon,
        numeric_targets,
        default_target,
        features: customers
            .features
            .iter()
            .map(|f| FeatureOption {
                name: f.name.clone(),
                description: f.description.clone(),
                numeric: matches!(f.values, FeatureValues::Numeric(_)),
            })
            .collect(),
        segmented,
        notes,
    }
}

/// The view of a finished run.
pub fn view(run: &ValueRun, elapsed_ms: f64, worker_memory_bytes: u64) -> ValueView {
    ValueView {
        report: run.report.clone(),
        charts: run.charts.clone(),
        model_charts: run.model_charts.clone(),
        importance_chart: run.importance_chart.clone(),
        n_customers: run.customers.ids.len(),
        header: header(run),
        elapsed_ms,
        worker_memory_bytes,
    }
}

/// Column titles of the per-customer list: the id, then each result column.
pub fn header(run: &ValueRun) -> Vec<String> {
    std::iter::once(run.customers.id_name.clone())
        .chain(run.customers.columns.iter().map(|c| c.title.clone()))
        .collect()
}

/// Row order of the per-customer list: by `order.column` of the header (0 = the id), undefined
/// values last, ties in table order.
fn ordered_rows(customers: &ValueCustomers, order: ValueOrder) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..customers.ids.len()).collect();
    match order.column.checked_sub(1) {
        None => {
            rows.sort_by(|&a, &b| {
                let (x, y) = (customers.ids.get(a), customers.ids.get(b));
                let ord = compare_ids(x.map(String::as_str), y.map(String::as_str));
                if order.descending {
                    ord.reverse()
                } else {
                    ord
                }
            });
        }
        Some(c) => {
            let Some(column) = customers.columns.get(c) else {
                return rows;
            };
            let value = |row: usize| {
                column
                    .values
                    .get(row)
                    .copied()
                    .flatten()
                    .filter(|v| !v.is_nan())
            };
            rows.sort_by(|&a, &b| match (value(a), value(b)) {
                (Some(x), Some(y)) => {
                    let ord = x.total_cmp(&y);
                    if order.descending {
                        ord.reverse()
                    } else {
                        ord
                    }
                }
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            });
        }
    }
    rows
}

/// Ids compare as numbers when both are numbers (customer 9 before 10), else as text.
fn compare_ids(a: Option<&str>, b: Option<&str>) -> Ordering {
    let number = |s: Option<&str>| s.and_then(|s| s.trim().parse::<f64>().ok());
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.cmp(&b),
    }
}

/// The list's first order: the CLV column, highest first (table order without one).
pub fn default_order(run: &ValueRun) -> ValueOrder {
    match run.customers.default_sort {
        Some(c) => ValueOrder {
            column: c + 1,
            descending: true,
        },
        None => ValueOrder {
            column: 0,
            descending: false,
        },
    }
}

/// One page of the per-customer list, sorted by `order`.
pub fn page(
    run: &ValueRun,
    order: ValueOrder,
    offset: usize,
    limit: usize,
) -> Vec<Vec<Option<String>>> {
    let customers = &run.customers;
    ordered_rows(customers, order)
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|row| {
            std::iter::once(customers.ids.get(row).cloned())
                .chain(customers.columns.iter().map(|c| {
                    c.values
                        .get(row)
                        .copied()
                        .flatten()
                        .filter(|v| v.is_finite())
                        .map(|v| format!("{v:.*}", c.decimals))
                }))
                .collect()
        })
        .collect()
}

/// Every customer's results as CSV (formula-safe), in the list's default order (CLV, highest
/// first); undefined cells are empty.
pub fn csv(run: &ValueRun) -> String {
    let customers = &run.customers;
    let mut csv = CsvWriter::new();
    csv.text(&customers.id_name);
    for column in &customers.columns {
        csv.text(&column.title);
    }
    csv.end_row();
    for row in ordered_rows(customers, default_order(run)) {
        csv.text_or_empty(customers.ids.get(row).map(String::as_str));
        for column in &customers.columns {
            match column.values.get(row).copied().flatten() {
                Some(v) if v.is_finite() => csv.number(v),
                _ => csv.empty(),
            };
        }
        csv.end_row();
    }
    csv.finish()
}
