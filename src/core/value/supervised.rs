//! The Value step's supervised half, between the run and [`crate::core::value::regress`]: what
//! the models learn from and predict, the comparison rows made elsewhere, and the report,
//! charts and per-customer column of a finished run.
//!
//! - **Purchase lines**: the customer features are rebuilt from the lines on or before the
//!   cutoff (the Explore step's roles and cleaning, recency counted from the day after the
//!   cutoff), the target is each customer's spend in the holdout window — the same spend the
//!   BG/NBD check compares with — and the customers are those the calibration models (a first
//!   purchase on or before the cutoff). The naive repeat-rate forecast and, when fitted,
//!   BG/NBD + Gamma-Gamma's are scored on the same test customers. The model chosen by
//!   cross-validation then forecasts every customer of the explored table (features of the
//!   whole period): the spend of the next horizon.
//! - **A customer file**: the target is a numeric column; every other column may be a feature.
//!
//! The segment label is a feature when it tells the models nothing they must not know: for
//! lines, each customer is placed in the segment their features at the cutoff fall in
//! ([`crate::core::segment::assign`]), not the one their whole history (after the cutoff too)
//! put them in; for a customer file, only when the segments were not found on the target.
//! Pure Rust: no web-sys.

use std::collections::HashMap;

use crate::core::chart::Chart;
use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::eda::{BarValue, ChartKind, ValueFormat};
use crate::core::features::{self, DayRange, FeatureParams};
use crate::core::format;
use crate::core::segment::assign;
use crate::core::segment::run::{without_segment, Algorithm, SEGMENT_COLUMN};
use crate::core::value::calibration::Calibration;
use crate::core::value::charts;
use crate::core::value::clv::CustomerValue;
use crate::core::value::probabilistic;
use crate::core::value::regress::job::{
    PrecomputedForecast, RegressParams, RegressTarget, Regression, RowKind, TargetScales,
};
use crate::core::value::regress::models::RegressorKind;
use crate::core::value::run::{
    SegmentSource, ValueColumn, ValueInputs, ValueModel, ValueParams, ValueRunError,
};
use crate::core::value::view::{LeaderboardRow, SupervisedReport};

/// Most features the importance chart lists.
const IMPORTANCE_BARS: usize = 12;

/// Key of the naive repeat-rate row of the leaderboard.
pub const NAIVE_KEY: &str = "naive_rate";
/// Key of the BG/NBD + Gamma-Gamma row of the leaderboard.
pub const BGNBD_KEY: &str = "bgnbd";

/// Everything a supervised run needs, prepared before the first fit.
pub struct SupervisedPlan {
    /// The customers trained and tested on, with their features.
    pub features: CustomerTable,
    pub target: RegressTarget,
    /// The target in words, e.g. "Spend in the 90 days after 2011-09-10".
    pub target_words: String,
    pub params: RegressParams,
    /// Forecasts made elsewhere, one per customer of `features`, compared on the same
    /// customers (the BG/NBD one is added once its fit is done).
    pub forecasts: Vec<PrecomputedForecast>,
    /// Title of the per-customer forecast column.
    pub column_title: String,
    /// The target is never negative: forecasts below 0 show as 0.
    pub at_least_zero: bool,
    pub notes: Vec<String>,
}

/// The supervised models chosen in `params`, as the regression job names them.
pub fn regressor_kinds(params: &ValueParams) -> Vec<RegressorKind> {
    params
        .models
        .iter()
        .filter_map(|m| match m {
            ValueModel::Bgnbd => None,
            ValueModel::Ridge => Some(RegressorKind::Ridge),
            ValueModel::Tree => Some(RegressorKind::DecisionTree),
            ValueModel::Rf => Some(RegressorKind::RandomForest),
            ValueModel::Gbdt => Some(RegressorKind::Gbdt),
            ValueModel::Mlp => Some(RegressorKind::Mlp),
        })
        .collect()
}

/// The regression's choices; `at_least_zero`: the target is never negative, so no forecast is
/// either (a linear model extrapolates below 0 for a customer unlike the others).
fn regress_params(
    params: &ValueParams,
    kinds: Vec<RegressorKind>,
    at_least_zero: bool,
) -> RegressParams {
    RegressParams {
        floor: at_least_zero.then_some(0.0),
        models: kinds,
        scales: if params.log_target {
            TargetScales::Log1p
        } else {
            TargetScales::ByModel
        },
        exclude: params.exclude.clone(),
        folds: params.folds,
        test_fraction: params.test_fraction,
        seed: params.seed,
        ..RegressParams::new()
    }
}

/// The segment columns present in `customers`, left out of the features with a note.
fn leave_out_segments(customers: &CustomerTable, why: &str, notes: &mut Vec<String>) {
    if customers.feature(SEGMENT_COLUMN).is_some() {
        notes.push(format!(
            "The segment is not a feature of the supervised models: {why}."
        ));
    }
}

/// `at_cutoff` (the features as of the cutoff) with the segment each customer was in on that
/// date, when the explored table is segmented: placed by the segmentation's own centres from
/// the features at the cutoff, so the label knows nothing after it. Without the segmentation
/// (or when it cannot place customers) the segment is left out, and a note says why.
fn segments_at_cutoff(
    at_cutoff: CustomerTable,
    explored: &CustomerTable,
    segments: Option<SegmentSource<'_>>,
    notes: &mut Vec<String>,
) -> CustomerTable {
    if explored.feature(SEGMENT_COLUMN).is_none() {
        return at_cutoff;
    }
    let Some(source) = segments else {
        leave_out_segments(
            explored,
            "it was found from the customers' whole history, after the cutoff too, so it would \
             leak what they are asked to forecast",
            notes,
        );
        return at_cutoff;
    };
    let placed = source
        .prep
        .transform(&at_cutoff)
        .map_err(|e| e.to_string())
        .and_then(|prepared| {
            assign::assign(source.segmentation, &prepared.table).map_err(|e| e.to_string())
        });
    match placed {
        Ok(segments) => {
            let rule = match source.segmentation.params.algorithm {
                Algorithm::KMeans => "K-means' own rule".to_string(),
                other => format!("close to, not exactly, how {} assigns them", other.label()),
            };
            notes.push(format!(
                "The segment is a feature: each customer is placed in the segment whose centre \
                 is nearest to their features on the cutoff date ({rule}), so the models learn \
                 nothing from after the cutoff; the forecasts use each customer's segment of the \
                 whole history."
            ));
            source.segmentation.add_segments_to(&at_cutoff, &segments)
        }
        Err(why) => {
            leave_out_segments(
                explored,
                &format!("the customers cannot be placed in the segments as of the cutoff ({why})"),
                notes,
            );
            at_cutoff
        }
    }
}

/// Purchase lines: features at the cutoff, target = spend in the holdout window.
pub fn plan_from_lines(
    inputs: &ValueInputs<'_>,
    feature_params: &FeatureParams,
    calibration: &Calibration,
    line_ids: &[String],
    params: &ValueParams,
    kinds: Vec<RegressorKind>,
) -> Result<SupervisedPlan, ValueRunError> {
    let explored = inputs.customers;
    let cutoff = calibration.cutoff;
    let h = calibration.horizon_days;
    let mut notes = Vec::new();
    if !calibration.has_spend {
        return Err(ValueRunError::Supervised(
            "the supervised models forecast spend, but the purchase lines carry no amount or \
             price: map an amount (or quantity and unit price) column in Explore, or choose \
             BG/NBD only"
                .to_string(),
        ));
    }
    if !calibration.holdout_complete {
        return Err(ValueRunError::Supervised(format!(
            "the supervised models learn the spend in the {h} days after the cutoff, but the \
             data end on {} before that window does ({}): choose an earlier cutoff or a shorter \
             horizon",
            format::iso_date(i64::from(calibration.last_day)),
            format::iso_date(i64::from(calibration.holdout_end)),
        )));
    }
    let at_cutoff = FeatureParams {
        reference_date: Some(cutoff.saturating_add(1)),
        ..feature_params.clone()
    };
    let build = features::build_customer_table_within(
        inputs.table,
        &at_cutoff,
        DayRange::until(cutoff),
        &mut |_| {},
    )?;
    // The builder's notes (spend, orders, reference date) repeat what Explore said.
    let at_cutoff = segments_at_cutoff(build.customers, explored, inputs.segments, &mut notes);
    // The modelled customers (a purchase on or before the cutoff): their holdout spend and the
    // naive repeat-rate forecast of it.
    let naive_spend = probabilistic::naive_spend(calibration);
    let spend_of: HashMap<&str, (f64, f64)> = calibration
        .customers
        .iter()
        .zip(&naive_spend)
        .filter_map(|(c, &naive)| {
            line_ids
                .get(c.customer as usize)
                .map(|id| (id.as_str(), (c.holdout_spend, naive)))
        })
        .collect();
    let rows: Vec<usize> = at_cutoff
        .ids
        .iter()
        .enumerate()
        .filter(|(_, id)| spend_of.contains_key(id.as_str()))
        .map(|(row, _)| row)
        .collect();
    let left = at_cutoff.n_rows() - rows.len();
    if left > 0 {
        notes.push(format!(
            "{} customers with lines before the cutoff but no purchase with a positive amount \
             are not trained or tested on.",
            format::thousands(left as u64)
        ));
    }
    let features = at_cutoff.select_rows(&rows);
    let (values, naive): (Vec<f64>, Vec<f64>) = features
        .ids
        .iter()
        .map(|id| {
            spend_of
                .get(id.as_str())
                .copied()
                .unwrap_or((f64::NAN, f64::NAN))
        })
        .unzip();
    Ok(SupervisedPlan {
        target: RegressTarget {
            name: format!("spend_{h}d_after_cutoff"),
            values,
        },
        target_words: format!(
            "Spend in the {h} days after {}",
            format::iso_date(i64::from(cutoff))
        ),
        params: regress_params(params, kinds, true),
        forecasts: vec![PrecomputedForecast {
            key: NAIVE_KEY.to_string(),
            label: "Naive rate (x / T × horizon × mean spend)".to_string(),
            values: naive,
        }],
        column_title: format!("predicted_spend_{h}d"),
        at_least_zero: true,
        notes,
        features,
    })
}

/// BG/NBD + Gamma-Gamma's spend in the holdout window, fitted at the cutoff, for the customers
/// of `plan` (the calibration's own order is `values`).
pub fn bgnbd_forecast(
    plan: &SupervisedPlan,
    calibration: &Calibration,
    values: &[CustomerValue],
    line_ids: &[String],
) -> Option<PrecomputedForecast> {
    let by_id: HashMap<&str, f64> = calibration
        .customers
        .iter()
        .zip(values)
        .filter_map(|(c, v)| {
            let id = line_ids.get(c.customer as usize)?;
            Some((id.as_str(), v.clv_horizon?))
        })
        .collect();
    if by_id.is_empty() {
        return None;
    }
    Some(PrecomputedForecast {
        key: BGNBD_KEY.to_string(),
        label: "BG/NBD + Gamma-Gamma at the cutoff".to_string(),
        values: plan
            .features
            .ids
            .iter()
            .map(|id| by_id.get(id.as_str()).copied().unwrap_or(f64::NAN))
            .collect(),
    })
}

/// A customer file: the target is the numeric column `column`.
pub fn plan_from_column(
    explored: &CustomerTable,
    segments: Option<SegmentSource<'_>>,
    column: &str,
    params: &ValueParams,
    kinds: Vec<RegressorKind>,
) -> Result<SupervisedPlan, ValueRunError> {
    let Some(feature) = explored.feature(column) else {
        let numeric: Vec<&str> = explored
            .features
            .iter()
            .filter(|f| f.values.is_numeric())
            .map(|f| f.name.as_str())
            .collect();
        return Err(ValueRunError::Supervised(format!(
            "there is no column '{column}' to predict: choose one of {}",
            if numeric.is_empty() {
                "the numeric columns (this file has none)".to_string()
            } else {
                numeric.join(", ")
            }
        )));
    };
    let FeatureValues::Numeric(values) = &feature.values else {
        return Err(ValueRunError::Supervised(format!(
            "'{column}' holds text, not numbers: choose a numeric column to predict"
        )));
    };
    let values = values.clone();
    let mut notes = Vec::new();
    // The segments leak the target only when they were found on it.
    let leak = match segments {
        None => Some(format!(
            "what it was found on is not known here, and it may have been '{column}', the \
             column to predict"
        )),
        Some(source) if source.segmentation.data.names.iter().any(|n| n == column) => {
            Some(format!(
                "it was found from '{column}' too, the column to predict, so it would leak it: \
                 segment on other features to use the segment here"
            ))
        }
        Some(_) => None,
    };
    let features = match leak {
        Some(why) => {
            leave_out_segments(explored, &why, &mut notes);
            without_segment(explored)
        }
        None => explored.clone(),
    };
    let at_least_zero = values.iter().filter(|v| v.is_finite()).all(|&v| v >= 0.0);
    Ok(SupervisedPlan {
        features,
        target: RegressTarget {
            name: column.to_string(),
            values,
        },
        target_words: format!("The column '{column}'"),
        params: regress_params(params, kinds, at_least_zero),
        forecasts: Vec::new(),
        column_title: format!("predicted_{column}"),
        at_least_zero,
        notes,
    })
}

/// The report of a finished regression, in the view's terms.
pub fn report(regression: &Regression, target_words: &str) -> SupervisedReport {
    let r = &regression.report;
    let finite = |x: f64| x.is_finite().then_some(x);
    let leaderboard = r
        .leaderboard
        .iter()
        .map(|row| {
            let settings = match (&row.kind, row.note.as_deref()) {
                (_, Some(note)) if row.params.is_empty() => note.to_string(),
                (_, Some(note)) => format!("{}; {note}", row.params),
                _ => row.params.clone(),
            };
            LeaderboardRow {
                key: row.key.clone(),
                label: row.label.clone(),
                baseline: !matches!(row.kind, RowKind::Model { .. }),
                cv_rmse: finite(row.cv_rmse.mean),
                cv_rmse_sd: finite(row.cv_rmse.sd),
                cv_r2: finite(row.cv_r2.mean),
                cv_r2_sd: finite(row.cv_r2.sd),
                test_mae: row.test.mae,
                test_rmse: row.test.rmse,
                test_r2: row.test.r2,
                test_spearman: row.test.spearman.filter(|s| s.is_finite()),
                fit_seconds: row.fit_seconds,
                settings,
            }
        })
        .collect();
    SupervisedReport {
        target: target_words.to_string(),
        train_rows: r.n_train,
        test_rows: r.n_test,
        folds: r.folds,
        features: r.features.clone(),
        leaderboard,
        best: Some(r.best.clone()),
        importance: r
            .importance
            .iter()
            .map(|i| (i.name.clone(), i.mean_drop, i.std_drop))
            .collect(),
    }
}

/// A forecast made without the features (the naive rate, BG/NBD) that cross-validates better
/// than the chosen model, said in words: the purchase history alone forecasts better.
pub fn beaten_note(regression: &Regression) -> Option<String> {
    let r = &regression.report;
    let best = r.leaderboard.iter().find(|row| row.key == r.best)?;
    let better = r
        .leaderboard
        .iter()
        .filter(|row| matches!(row.kind, RowKind::Precomputed))
        .filter(|row| row.cv_rmse.mean < best.cv_rmse.mean)
        .min_by(|a, b| a.cv_rmse.mean.total_cmp(&b.cv_rmse.mean))?;
    Some(format!(
        "{} forecasts this spend better than every supervised model by cross-validation (CV \
         RMSE {} against {} for {}, the best of them): on this data the purchase history alone \
         says more than the customer features. The supervised column is shown for comparison.",
        better.label,
        format::number(better.cv_rmse.mean),
        format::number(best.cv_rmse.mean),
        best.label
    ))
}

/// Per leaderboard row: actual vs predicted and residuals on the test customers.
pub fn model_charts(
    regression: &Regression,
    plan_ids: &[String],
    target_words: &str,
) -> Vec<Vec<Chart>> {
    let r = &regression.report;
    let labels: Vec<String> = r
        .test_rows
        .iter()
        .map(|&row| plan_ids.get(row).cloned().unwrap_or_default())
        .collect();
    r.leaderboard
        .iter()
        .map(|row| {
            charts::model_charts(
                &row.label,
                target_words,
                &labels,
                &r.test_actual,
                &row.test_predictions,
            )
        })
        .collect()
}

/// Permutation importance of the chosen model (`None` when a baseline was chosen).
pub fn importance_chart(regression: &Regression) -> Option<Chart> {
    let r = &regression.report;
    if r.importance.is_empty() {
        return None;
    }
    let label = r
        .leaderboard
        .iter()
        .find(|row| row.key == r.best)
        .map_or(r.best.as_str(), |row| row.label.as_str());
    Some(Chart {
        id: "value-importance".to_string(),
        title: format!("Permutation importance — {label}"),
        subtitle: "Drop of the test R² when the feature is shuffled (mean of repeats): how much \
                   the forecast leans on it"
            .to_string(),
        kind: ChartKind::Bar {
            x_label: "Feature".to_string(),
            y_label: "R² drop".to_string(),
            y_format: ValueFormat::Number,
            bars: r
                .importance
                .iter()
                .take(IMPORTANCE_BARS)
                .map(|i| BarValue {
                    label: i.name.clone(),
                    value: i.mean_drop,
                })
                .collect(),
            horizontal: true,
        },
    })
}

/// The chosen model's forecast for every customer of the explored table.
pub fn forecast_column(
    regression: &Regression,
    plan: &SupervisedPlan,
    whole_period: Option<&CustomerTable>,
) -> Result<ValueColumn, ValueRunError> {
    // Lines: the features of the whole period, the next horizon. A customer file: the same
    // table the model learned from.
    let predicted = match whole_period {
        Some(table) => regression
            .best
            .predict_table(table)
            .map_err(|e| ValueRunError::Supervised(e.to_string()))?,
        None => regression.best.predict_fitted_table(),
    };
    let values = predicted
        .into_iter()
        .map(|v| {
            v.is_finite()
                .then_some(if plan.at_least_zero { v.max(0.0) } else { v })
        })
        .collect();
    Ok(ValueColumn {
        title: plan.column_title.clone(),
        decimals: 2,
        values,
    })
}
