//! The Value step end to end.
//!
//! 1. From the loaded purchase lines (the Explore step's roles and cleaning): the calibration /
//!    holdout summary at the cutoff date.
//! 2. Probabilistic models on the calibration period: BG/NBD (purchases, P(alive)) and
//!    Gamma-Gamma (spend), judged on the holdout window against the naive repeat-rate model.
//! 3. Supervised models on the customer features built up to the cutoff, predicting the spend
//!    in the horizon (or a numeric column of a customer file): split, cross-validation on the
//!    training part, a leaderboard with baselines, the best model chosen by CV.
//! 4. The forecast per customer: the probabilistic models refitted on the whole period predict
//!    the next `horizon_days` after the last purchase day; the best supervised model scores the
//!    customer features built on the whole period.
//!
//! [`ValueJob::step`] does one unit of work so the worker can report progress and honour
//! Cancel between steps; the CLI and the tests drive the same job. Pure Rust: no web-sys. Time
//! is read through the `clock` given by the caller (milliseconds).

use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use crate::core::chart::Chart;
use crate::core::customer_table::CustomerTable;
use crate::core::features::{self, FeatureError, FeatureParams, PurchaseLines};
use crate::core::format;
use crate::core::prep::FittedPrep;
use crate::core::segment::run::Segmentation;
use crate::core::table::Table;
use crate::core::value::calibration::{
    calibration_and_holdout, default_cutoff, purchase_span, CalibrationParams, ZeroSpendLines,
};
use crate::core::value::charts;
use crate::core::value::clv::DiscountParams;
use crate::core::value::probabilistic::{self, Fitted};
use crate::core::value::regress::job::{RegressJob, Regression};
use crate::core::value::supervised::{self, SupervisedPlan};
use crate::core::value::view::ValueReport;
use crate::core::value::ValueError;

/// A model the Value step can fit (`--models` keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueModel {
    /// BG/NBD + Gamma-Gamma (needs purchase lines with dates).
    Bgnbd,
    Ridge,
    Tree,
    Rf,
    Gbdt,
    Mlp,
}

impl ValueModel {
    pub const ALL: [ValueModel; 6] = [
        ValueModel::Bgnbd,
        ValueModel::Ridge,
        ValueModel::Tree,
        ValueModel::Rf,
        ValueModel::Gbdt,
        ValueModel::Mlp,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ValueModel::Bgnbd => "bgnbd",
            ValueModel::Ridge => "ridge",
            ValueModel::Tree => "tree",
            ValueModel::Rf => "rf",
            ValueModel::Gbdt => "gbdt",
            ValueModel::Mlp => "mlp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ValueModel::Bgnbd => "BG/NBD + Gamma-Gamma",
            ValueModel::Ridge => "Ridge regression",
            ValueModel::Tree => "Decision tree",
            ValueModel::Rf => "Random forest",
            ValueModel::Gbdt => "Gradient boosting",
            ValueModel::Mlp => "Neural network (MLP)",
        }
    }

    pub fn from_key(key: &str) -> Option<ValueModel> {
        ValueModel::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// What the supervised models learn to predict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "column", rename_all = "snake_case")]
pub enum ValueTarget {
    /// Spend in the `horizon_days` after the cutoff date (purchase lines).
    HorizonSpend,
    /// A numeric column of a customer file.
    Column(String),
}

/// Everything the user chose for a Value run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueParams {
    /// Last day of the calibration period (days since 1970-01-01, included); `None` = the last
    /// purchase day − `horizon_days`.
    pub cutoff: Option<i32>,
    pub horizon_days: u32,
    /// Monthly discount rate of the 12-month CLV (0.01 = 1 % a month).
    pub discount_monthly: f64,
    pub models: Vec<ValueModel>,
    pub target: ValueTarget,
    /// Feature columns left out by the user.
    pub exclude: Vec<String>,
    /// Train the supervised models on log1p(target) and predict expm1 back.
    pub log_target: bool,
    pub folds: usize,
    /// Share of the customers held out for the test.
    pub test_fraction: f64,
    pub seed: u64,
}

impl ValueParams {
    pub const DEFAULT_SEED: u64 = 42;
    pub const DEFAULT_HORIZON_DAYS: u32 = 90;

    /// Every model, spend in the 90 days after the default cutoff, 5 folds, 20 % test.
    pub fn new() -> ValueParams {
        ValueParams {
            cutoff: None,
            horizon_days: Self::DEFAULT_HORIZON_DAYS,
            discount_monthly: 0.01,
            models: ValueModel::ALL.to_vec(),
            target: ValueTarget::HorizonSpend,
            exclude: Vec::new(),
            log_target: false,
            folds: 5,
            test_fraction: 0.2,
            seed: Self::DEFAULT_SEED,
        }
    }
}

impl Default for ValueParams {
    fn default() -> ValueParams {
        ValueParams::new()
    }
}

/// What a Value run reads. The worker and the CLI hand over the same things.
pub struct ValueInputs<'a> {
    /// The loaded file.
    pub table: &'a Table,
    /// The Explore step's roles and line cleaning when the file holds purchase lines; `None`
    /// for a customer file.
    pub lines: Option<&'a FeatureParams>,
    /// The explored customer table (natural units, nothing imputed), with the segment column
    /// when the Segment step has run on it.
    pub customers: &'a CustomerTable,
    /// The purchase lines of `table` cleaned with `lines` ([`features::purchase_lines`]) when
    /// the caller keeps them (the worker reads them when the Value form opens); `None`: the
    /// run reads them itself.
    pub purchases: Option<&'a PurchaseLines>,
    /// The Segment step's result when `customers` carries its segment column (the CLI has
    /// none): the segment can then be a feature, placed as of the cutoff.
    pub segments: Option<SegmentSource<'a>>,
}

/// A segmentation and the Explore preparation of the table it segmented.
#[derive(Debug, Clone, Copy)]
pub struct SegmentSource<'a> {
    /// The Explore step's fitted preparation: the segments were found on the prepared table.
    pub prep: &'a FittedPrep,
    pub segmentation: &'a Segmentation,
}

/// The Value step failed; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueRunError {
    #[error("choose at least one model")]
    NoModels,
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(
        "BG/NBD and Gamma-Gamma need purchase lines with dates, but this is a customer file (one \
         row per customer): choose a supervised model and a numeric column to predict, or load \
         the purchase lines"
    )]
    NeedsPurchaseLines,
    #[error("{0}")]
    Supervised(String),
}

/// One result column of the per-customer list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueColumn {
    /// Title as shown and exported, e.g. `clv_90d`.
    pub title: String,
    /// Decimals shown on screen (the CSV writes full precision).
    pub decimals: usize,
    /// One value per customer; `None` = not defined for this customer.
    pub values: Vec<Option<f64>>,
}

/// Per-customer results: one row per customer of the explored table (same ids as the segments
/// and the purchase probabilities), columns as [`crate::core::value::view::ValueView::header`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueCustomers {
    pub id_name: String,
    pub ids: Vec<String>,
    pub columns: Vec<ValueColumn>,
    /// Column the list and the CSV are sorted by at first (highest first): the CLV.
    pub default_sort: Option<usize>,
}

/// A finished run: the report and the per-customer results kept by the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRun {
    pub report: ValueReport,
    pub customers: ValueCustomers,
    /// Probabilistic views (see [`crate::core::value::view::ValueView::charts`]).
    pub charts: Vec<Chart>,
    /// Per leaderboard row: actual vs predicted, residuals on the test part.
    pub model_charts: Vec<Vec<Chart>>,
    pub importance_chart: Option<Chart>,
}

/// One unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Task {
    /// BG/NBD + Gamma-Gamma at the cutoff, judged on the holdout window.
    Validate,
    /// The same models at the last purchase day, for the per-customer forecast.
    Forecast,
    /// The supervised models, one fit per call (cross-validation, final fits, importance),
    /// then the chosen model's forecast for every customer.
    Supervised,
}

/// Share of the progress bar the supervised models take when they run (they are most of the
/// work: dozens of fits against two).
const SUPERVISED_WEIGHT: f64 = 8.0;

/// The Value step as a sequence of steps.
pub struct ValueJob {
    params: ValueParams,
    clock: fn() -> f64,
    discount: DiscountParams,
    lines: Option<PurchaseLines>,
    /// The calibration settings at the cutoff and at the last purchase day.
    at_cutoff: Option<CalibrationParams>,
    at_end: Option<CalibrationParams>,
    validated: Option<Fitted>,
    forecast: Option<Fitted>,
    /// Seconds the BG/NBD + Gamma-Gamma validation fit took.
    fit_seconds: f64,
    id_name: String,
    ids: Vec<String>,
    notes: Vec<String>,
    tasks: Vec<Task>,
    next: usize,
    /// What the supervised models learn from, planned before the first fit.
    plan: Option<SupervisedPlan>,
    regress: Option<RegressJob>,
    regression: Option<Regression>,
    /// Purchase lines: the explored customer table, features of the whole period, which the
    /// chosen supervised model scores for the next horizon (a customer file's model scores the
    /// table it learned from).
    whole_period: Option<CustomerTable>,
}

impl ValueJob {
    /// Plan a run; fails early on parameters the data cannot support.
    pub fn new(
        inputs: &ValueInputs<'_>,
        params: ValueParams,
        clock: fn() -> f64,
    ) -> Result<ValueJob, ValueRunError> {
        if params.models.is_empty() {
            return Err(ValueRunError::NoModels);
        }
        let discount = DiscountParams {
            monthly_rate: params.discount_monthly,
            ..DiscountParams::default()
        };
        discount.check()?;
        let wants_bgnbd = params.models.contains(&ValueModel::Bgnbd);
        let mut job = ValueJob {
            discount,
            clock,
            lines: None,
            at_cutoff: None,
            at_end: None,
            validated: None,
            forecast: None,
            fit_seconds: 0.0,
            id_name: inputs.customers.id_name.clone(),
            ids: inputs.customers.ids.clone(),
            notes: Vec::new(),
            tasks: Vec::new(),
            next: 0,
            plan: None,
            regress: None,
            regression: None,
            whole_period: None,
            params,
        };
        let kinds = supervised::regressor_kinds(&job.params);
        let Some(feature_params) = inputs.lines else {
            if wants_bgnbd {
                return Err(ValueRunError::NeedsPurchaseLines);
            }
            let column = match &job.params.target {
                ValueTarget::Column(column) => column.clone(),
                ValueTarget::HorizonSpend => {
                    return Err(ValueRunError::Supervised(
                        "this is a customer file (one row per customer, no purchase dates):                          choose the numeric column the models should predict"
                            .to_string(),
                    ))
                }
            };
            job.plan = Some(supervised::plan_from_column(
                inputs.customers,
                inputs.segments,
                &column,
                &job.params,
                kinds,
            )?);
            job.tasks.push(Task::Supervised);
            return Ok(job);
        };
        let lines = match inputs.purchases {
            Some(lines) => lines.clone(),
            None => features::purchase_lines(inputs.table, feature_params)?,
        };
        let zero_spend = ZeroSpendLines::for_mapping(&feature_params.mapping);
        let Some(span) = purchase_span(&lines, zero_spend) else {
            return Err(ValueError::NoPurchases {
                reason: "no purchase line with a positive amount is left after cleaning"
                    .to_string(),
            }
            .into());
        };
        let horizon = job.params.horizon_days;
        let at_cutoff = CalibrationParams {
            cutoff: job
                .params
                .cutoff
                .unwrap_or_else(|| default_cutoff(span, horizon)),
            horizon_days: horizon,
            zero_spend,
        };
        at_cutoff.check(span)?;
        job.at_cutoff = Some(at_cutoff);
        job.at_end = Some(CalibrationParams {
            cutoff: span.last,
            horizon_days: horizon,
            zero_spend,
        });
        if wants_bgnbd {
            job.tasks.push(Task::Validate);
            job.tasks.push(Task::Forecast);
        }
        if !kinds.is_empty() {
            let calibration = calibration_and_holdout(&lines, &at_cutoff)?;
            match supervised::plan_from_lines(
                inputs,
                feature_params,
                &calibration,
                &lines.ids,
                &job.params,
                kinds,
            ) {
                Ok(plan) => {
                    job.plan = Some(plan);
                    job.whole_period = Some(inputs.customers.clone());
                    job.tasks.push(Task::Supervised);
                }
                // BG/NBD still forecasts (a horizon past the end of the data, lines without
                // spend): the supervised models are skipped and the note says why.
                Err(ValueRunError::Supervised(why)) if wants_bgnbd => {
                    job.notes
                        .push(format!("The supervised models did not run: {why}."));
                }
                Err(e) => return Err(e),
            }
        }
        job.lines = Some(lines);
        Ok(job)
    }

    /// Share of the work done (0–1).
    pub fn fraction_done(&self) -> f64 {
        let weight = |task: &Task| match task {
            Task::Supervised => SUPERVISED_WEIGHT,
            _ => 1.0,
        };
        let total: f64 = self.tasks.iter().map(weight).sum();
        let done: f64 = self.tasks.iter().take(self.next).map(weight).sum();
        let current = match (self.tasks.get(self.next), self.regress.as_ref()) {
            (Some(Task::Supervised), Some(job)) => SUPERVISED_WEIGHT * job.fraction_done(),
            _ => 0.0,
        };
        ((done + current) / total.max(1.0)).min(1.0)
    }

    /// What the next step does, for the progress line.
    pub fn stage_label(&self) -> String {
        match self.tasks.get(self.next) {
            Some(Task::Validate) => "Fitting BG/NBD and Gamma-Gamma up to the cutoff".to_string(),
            Some(Task::Forecast) => {
                "Refitting BG/NBD and Gamma-Gamma on the whole period".to_string()
            }
            Some(Task::Supervised) => match &self.regress {
                Some(job) => job.stage_label(),
                None => "Preparing the supervised models".to_string(),
            },
            None => "Finishing".to_string(),
        }
    }

    /// Run one step; `false` when every step is done.
    pub fn step(&mut self) -> Result<bool, ValueRunError> {
        let Some(&task) = self.tasks.get(self.next) else {
            return Ok(false);
        };
        let lines = self.lines.as_ref();
        match task {
            Task::Validate => {
                if let (Some(lines), Some(at)) = (lines, self.at_cutoff.as_ref()) {
                    let start = (self.clock)();
                    self.validated = Some(probabilistic::fit(lines, at, &self.discount)?);
                    self.fit_seconds = ((self.clock)() - start) / 1000.0;
                }
            }
            Task::Forecast => {
                if let (Some(lines), Some(at)) = (lines, self.at_end.as_ref()) {
                    self.forecast = Some(probabilistic::fit(lines, at, &self.discount)?);
                }
            }
            Task::Supervised => {
                if self.supervised_step()? {
                    return Ok(true);
                }
            }
        }
        self.next += 1;
        Ok(true)
    }

    /// One step of the supervised models; `true` while fits remain.
    fn supervised_step(&mut self) -> Result<bool, ValueRunError> {
        let Some(plan) = self.plan.as_ref() else {
            return Ok(false);
        };
        let Some(job) = self.regress.as_mut() else {
            let mut forecasts = plan.forecasts.clone();
            if let (Some(fitted), Some(lines)) = (self.validated.as_ref(), self.lines.as_ref()) {
                forecasts.extend(supervised::bgnbd_forecast(
                    plan,
                    &fitted.calibration,
                    &fitted.values,
                    &lines.ids,
                ));
            }
            let job = RegressJob::new(
                &plan.features,
                &plan.target,
                &forecasts,
                plan.params.clone(),
                self.clock,
            )
            .map_err(|e| ValueRunError::Supervised(e.to_string()))?;
            self.regress = Some(job);
            return Ok(true);
        };
        if job
            .step()
            .map_err(|e| ValueRunError::Supervised(e.to_string()))?
        {
            return Ok(true);
        }
        if let Some(job) = self.regress.take() {
            self.regression = Some(
                job.finish()
                    .map_err(|e| ValueRunError::Supervised(e.to_string()))?,
            );
        }
        Ok(false)
    }

    /// Run what is left and assemble the result.
    pub fn finish(mut self) -> Result<ValueRun, ValueRunError> {
        while self.step()? {}
        let mut notes = std::mem::take(&mut self.notes);
        if let Some(plan) = self.plan.as_ref() {
            notes.extend(plan.notes.iter().cloned());
        }
        if let Some(regression) = self.regression.as_ref() {
            notes.extend(regression.report.notes.iter().cloned());
            notes.extend(supervised::beaten_note(regression));
        }
        let validated = self.validated.as_ref();
        let forecast = self.forecast.as_ref();
        if let Some(fitted) = validated {
            notes.extend(fitted.notes.iter().cloned());
            notes.extend(probabilistic::new_customers_note(&fitted.calibration));
            if !fitted.calibration.holdout_complete {
                notes.push(format!(
                    "The data end on {}, before the end of the {}-day holdout window ({}): the \
                     forecasts are made, but there is nothing complete to check them against. \
                     Choose an earlier cutoff or a shorter horizon to see the holdout check.",
                    iso(fitted.calibration.last_day),
                    fitted.calibration.horizon_days,
                    iso(fitted.calibration.holdout_end)
                ));
            }
        }
        let holdout = validated.and_then(probabilistic::holdout);
        if let Some(holdout) = &holdout {
            notes.extend(probabilistic::holdout_notes(holdout));
        }
        let mut bgnbd = validated.map(|f| probabilistic::bgnbd_fit(&f.bgnbd));
        if let Some(fit) = bgnbd.as_mut() {
            fit.fit_seconds = self.fit_seconds;
        }
        let report = ValueReport {
            cutoff: self.at_cutoff.map(|c| iso(c.cutoff)),
            horizon_days: self.params.horizon_days,
            holdout_end: self.at_cutoff.map(|c| iso(c.holdout_end())),
            holdout_complete: validated.is_some_and(|f| f.calibration.holdout_complete),
            discount_monthly: self.params.discount_monthly,
            seed: self.params.seed,
            receipt: validated
                .map(|f| f.calibration.receipt())
                .unwrap_or_default(),
            bgnbd,
            gamma_gamma: validated.and_then(|f| {
                f.gamma_gamma
                    .as_ref()
                    .map(|gg| probabilistic::gamma_gamma_fit(gg, &f.calibration))
            }),
            holdout,
            top_share: validated
                .map(probabilistic::top_share_table)
                .unwrap_or_default(),
            supervised: self
                .regression
                .as_ref()
                .zip(self.plan.as_ref())
                .map(|(regression, plan)| supervised::report(regression, &plan.target_words)),
            forecast_bgnbd: forecast.map(|f| probabilistic::bgnbd_fit(&f.bgnbd)),
            forecast_gamma_gamma: forecast.and_then(|f| {
                f.gamma_gamma
                    .as_ref()
                    .map(|gg| probabilistic::gamma_gamma_fit(gg, &f.calibration))
            }),
            notes,
        };
        let mut customers = self.customer_columns();
        let line_ids = self.lines.as_ref().map(|l| l.ids.as_slice()).unwrap_or(&[]);
        let charts = charts::probabilistic_charts(validated, forecast, line_ids);
        let (mut model_charts, mut importance_chart) = (Vec::new(), None);
        if let (Some(regression), Some(plan)) = (self.regression.as_ref(), self.plan.as_ref()) {
            model_charts =
                supervised::model_charts(regression, &plan.features.ids, &plan.target_words);
            importance_chart = supervised::importance_chart(regression);
            let column = supervised::forecast_column(regression, plan, self.whole_period.as_ref())?;
            if column.values.len() == customers.ids.len() {
                customers.columns.push(column);
                if customers.default_sort.is_none() {
                    customers.default_sort = Some(customers.columns.len() - 1);
                }
            }
        }
        Ok(ValueRun {
            report,
            customers,
            charts,
            model_charts,
            importance_chart,
        })
    }

    /// The per-customer list: the forecast of the models refitted on the whole period, for
    /// every customer of the explored table (empty cells for a customer the models do not
    /// cover, e.g. one whose every purchase was returned).
    fn customer_columns(&self) -> ValueCustomers {
        let n = self.ids.len();
        let mut columns = Vec::new();
        let mut default_sort = None;
        if let (Some(forecast), Some(lines)) = (self.forecast.as_ref(), self.lines.as_ref()) {
            let row_of: HashMap<&str, usize> = self
                .ids
                .iter()
                .enumerate()
                .map(|(row, id)| (id.as_str(), row))
                .collect();
            let rows: Vec<Option<usize>> = forecast
                .calibration
                .customers
                .iter()
                .map(|c| {
                    lines
                        .ids
                        .get(c.customer as usize)
                        .and_then(|id| row_of.get(id.as_str()).copied())
                })
                .collect();
            let column = |title: String, decimals: usize, value: &dyn Fn(usize) -> Option<f64>| {
                let mut values = vec![None; n];
                for (i, row) in rows.iter().enumerate() {
                    if let Some(slot) = row.and_then(|r| values.get_mut(r)) {
                        *slot = value(i);
                    }
                }
                ValueColumn {
                    title,
                    decimals,
                    values,
                }
            };
            let h = self.params.horizon_days;
            let summary = |i: usize| forecast.calibration.customers.get(i);
            let value = |i: usize| forecast.values.get(i);
            columns.push(column("repeat_purchases".to_string(), 0, &|i| {
                summary(i).map(|c| f64::from(c.x))
            }));
            columns.push(column("p_alive".to_string(), 3, &|i| {
                value(i).map(|v| v.p_alive)
            }));
            columns.push(column(format!("expected_purchases_{h}d"), 2, &|i| {
                value(i).map(|v| v.expected_purchases)
            }));
            if forecast.gamma_gamma.is_some() {
                columns.push(column("expected_spend_per_purchase".to_string(), 2, &|i| {
                    value(i).and_then(|v| v.expected_spend)
                }));
                columns.push(column(format!("clv_{h}d"), 2, &|i| {
                    value(i).and_then(|v| v.clv_horizon)
                }));
                default_sort = Some(columns.len() - 1);
                columns.push(column("clv_12m_discounted".to_string(), 2, &|i| {
                    value(i).and_then(|v| v.clv_discounted)
                }));
            }
        }
        if let Some(sort) = default_sort {
            let deciles = columns
                .get(sort)
                .map(|c| deciles(&c.values))
                .unwrap_or_default();
            columns.push(ValueColumn {
                title: "clv_decile".to_string(),
                decimals: 0,
                values: deciles,
            });
        }
        ValueCustomers {
            id_name: self.id_name.clone(),
            ids: self.ids.clone(),
            columns,
            default_sort,
        }
    }
}

/// Decile of each value, 1 = the top 10 % (highest first; ties keep table order); `None` stays
/// `None`.
fn deciles(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut rows: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(row, v)| v.filter(|v| v.is_finite()).map(|v| (row, v)))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let n = rows.len().max(1);
    let mut out = vec![None; values.len()];
    for (rank, (row, _)) in rows.iter().enumerate() {
        if let Some(slot) = out.get_mut(*row) {
            *slot = Some((rank * 10 / n + 1) as f64);
        }
    }
    out
}

fn iso(day: i32) -> String {
    format::iso_date(i64::from(day))
}
