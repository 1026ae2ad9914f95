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

use crate::core::customer_table::CustomerTable;
use crate::core::features::FeatureParams;
use crate::core::table::Table;
use crate::core::value::view::ValueReport;

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
}

/// The Value step failed; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueRunError {
    #[error("choose at least one model")]
    NoModels,
    #[error("{0}")]
    Other(String),
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
}

/// The Value step as a sequence of steps.
pub struct ValueJob {
    tasks: usize,
    next: usize,
}

impl ValueJob {
    /// Plan a run; fails early on parameters the data cannot support.
    pub fn new(
        inputs: &ValueInputs<'_>,
        params: ValueParams,
        clock: fn() -> f64,
    ) -> Result<ValueJob, ValueRunError> {
        let _ = (inputs, clock);
        if params.models.is_empty() {
            return Err(ValueRunError::NoModels);
        }
        Ok(ValueJob { tasks: 1, next: 0 })
    }

    /// Share of the work done (0–1).
    pub fn fraction_done(&self) -> f64 {
        (self.next as f64 / self.tasks.max(1) as f64).min(1.0)
    }

    /// What the next step does, for the progress line.
    pub fn stage_label(&self) -> String {
        "Fitting".to_string()
    }

    /// Run one step; `false` when every step is done.
    pub fn step(&mut self) -> Result<bool, ValueRunError> {
        if self.next >= self.tasks {
            return Ok(false);
        }
        self.next += 1;
        Ok(true)
    }

    /// Run what is left and assemble the result.
    pub fn finish(mut self) -> Result<ValueRun, ValueRunError> {
        while self.step()? {}
        Err(ValueRunError::Other(
            "the Value step is not built yet".to_string(),
        ))
    }
}
