//! Supervised CLV end to end, one fit at a time: which customers' future spend can the
//! customer features forecast, and how well — judged the way a sceptical data scientist checks
//! it.
//!
//! 1. The target: one number per customer (spend in the horizon after the cutoff, or a numeric
//!    column of a customer file). A customer without a finite value is left out of training
//!    and testing, counted in a note, and still forecast at the end.
//! 2. Split: scikit-learn's `train_test_split(test_size, random_state=seed)` without
//!    stratification ([`super::split::holdout`]), so the test customers are the ones
//!    scikit-learn holds out for the same seed.
//! 3. On the training part only: shuffled k-fold cross-validation (scikit-learn's `KFold`). In
//!    each fold the preparation ([`Design`]: median imputation, optional `log(1 + x)` of skewed
//!    columns, standardisation, one-hot) is fitted on the fold's training rows, every model ×
//!    target scale is fitted there and scored (RMSE, R², MAE) on the fold's validation rows.
//!    The mean and median baselines are fitted per fold too; precomputed forecasts (the naive
//!    repeat-rate model of the probabilistic side) are scored on the same validation rows.
//! 4. The best model is the one with the lowest mean CV RMSE (spend is judged in its own unit,
//!    and squared errors weigh the big customers a CLV forecast exists for); baselines compete
//!    (when none beats the mean, the mean forecasts and a note says so); precomputed forecasts
//!    are shown but not chosen (they cannot forecast another table). The test part is for
//!    reporting, never for choosing.
//! 5. Each model is refitted on the whole training part and scored once on the test part (MAE,
//!    RMSE, R², Spearman; its per-customer test forecasts kept for the charts); the best keeps
//!    its fitted preparation and model ([`BestModel`]) to forecast another table with the same
//!    features (built at the end of the data), and gets permutation importance (drop of R²)
//!    on the test part.
//!
//! [`RegressJob::step`] does one unit of work (one fit, or the importance) so the worker can
//! report progress and honour Cancel between steps; the CLI and the tests drive the same job.
//! Pure Rust: no web-sys. Time is read through the `clock` given by the caller (milliseconds),
//! since `std::time::Instant` does not exist in the browser.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::models::{
    Baseline, FitError, FittedRegressor, RegressorKind, RegressorSpec, TargetScale,
};
use super::split::{holdout, kfold, Fold, SplitError};
use crate::core::customer_table::CustomerTable;
use crate::core::evaluate::importance::{permutation_importance_r2, Importance, PermutationParams};
use crate::core::evaluate::regression::{mae, r2, regression_metrics, rmse, RegressionMetrics};
use crate::core::evaluate::EvalError;
use crate::core::format;
use crate::core::predict::design::{select_features, Design, DesignError, DesignParams};

/// The target to forecast: one value per customer of the table (`NaN` = no value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressTarget {
    /// What the target is called in the report (a column name, or e.g. "spend_next_90d").
    pub name: String,
    pub values: Vec<f64>,
}

/// A forecast made elsewhere (the naive repeat-rate model, BG/NBD + Gamma-Gamma), one value per
/// customer of the table, scored on the same test and validation customers as the models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecomputedForecast {
    pub key: String,
    pub label: String,
    pub values: Vec<f64>,
}

/// Which models get `log(1 + x)` of the skewed feature columns before standardisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFeatures {
    /// No model: every numeric column is only standardised.
    Never,
    /// Every model (Predict's default design).
    Always,
    /// The neural network only (see [`RegressParams::new`] for the measurement).
    NeuralNetworkOnly,
}

impl LogFeatures {
    fn for_model(self, kind: RegressorKind) -> bool {
        match self {
            LogFeatures::Never => false,
            LogFeatures::Always => true,
            LogFeatures::NeuralNetworkOnly => kind == RegressorKind::Mlp,
        }
    }
}

/// Which target scale(s) each model is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetScales {
    /// Each model on the scale that cross-validates better on spend (see
    /// [`TargetScales::for_model`]).
    ByModel,
    Raw,
    Log1p,
    /// Every model on both scales (two leaderboard rows each).
    Both,
}

impl TargetScales {
    /// The scales of `kind`. By model: the random forest and the neural network on
    /// `log(1 + y)`, the others on the raw target. Measured on Online Retail's 2,696 training
    /// customers by 5-fold CV repeated with 6 seeds (30 folds; mean fold RMSE, mean fold R²):
    /// forest 2,723 / 0.10 raw against 2,587 / 0.39 log; network (64 × 32 units, logged
    /// features) 2,834 / 0.30 against 2,469 / 0.38; gradient boosting 2,657 / 0.36 against
    /// 2,832 / 0.30; ridge 2,502 / 0.18 against 5,835 / −11.5 (one run); the tree is a draw
    /// (2,962 / 0.20 against 2,935 / 0.31) and stays raw, so a leaf reads as the mean spend of
    /// its customers.
    pub fn for_model(self, kind: RegressorKind) -> Vec<TargetScale> {
        match self {
            TargetScales::ByModel => match kind {
                RegressorKind::RandomForest | RegressorKind::Mlp => vec![TargetScale::Log1p],
                _ => vec![TargetScale::Raw],
            },
            TargetScales::Raw => vec![TargetScale::Raw],
            TargetScales::Log1p => vec![TargetScale::Log1p],
            TargetScales::Both => vec![TargetScale::Raw, TargetScale::Log1p],
        }
    }
}

/// Everything the user chose for a supervised CLV run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressParams {
    pub models: Vec<RegressorKind>,
    /// The target scale(s) of each model.
    pub scales: TargetScales,
    /// Feature columns left out by the user.
    pub exclude: Vec<String>,
    /// The columns of the loaded file, so that excluding one that is no feature is a note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_columns: Vec<String>,
    pub folds: usize,
    /// Share of the customers held out for the test.
    pub test_fraction: f64,
    pub seed: u64,
    /// Most one-hot columns per categorical feature.
    pub max_levels: usize,
    pub log_features: LogFeatures,
    /// The lowest forecast any model makes: 0 for a target that is never negative (spend), so
    /// that a linear model's extrapolation below it counts as 0 in the metrics and the list.
    /// `None` = as fitted (scikit-learn's behaviour, which the anchors compare with).
    #[serde(default)]
    pub floor: Option<f64>,
}

impl RegressParams {
    pub const DEFAULT_SEED: u64 = 42;

    /// Every model, each on its own target scale ([`TargetScales::ByModel`]); skewed features
    /// log-transformed for the neural network only ([`LogFeatures::NeuralNetworkOnly`]); 5
    /// folds, 20 % test.
    pub fn new() -> RegressParams {
        RegressParams {
            models: RegressorKind::ALL.to_vec(),
            scales: TargetScales::ByModel,
            exclude: Vec::new(),
            file_columns: Vec::new(),
            folds: 5,
            test_fraction: 0.2,
            seed: Self::DEFAULT_SEED,
            max_levels: DesignParams::default().max_levels,
            log_features: LogFeatures::NeuralNetworkOnly,
            floor: None,
        }
    }

    fn design(&self, kind: RegressorKind) -> DesignParams {
        DesignParams {
            log_skewed: self.log_features.for_model(kind),
            max_levels: self.max_levels,
        }
    }
}

impl Default for RegressParams {
    fn default() -> Self {
        RegressParams::new()
    }
}

/// The run cannot go ahead; the message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegressError {
    #[error(transparent)]
    Design(#[from] DesignError),
    #[error(transparent)]
    Split(#[from] SplitError),
    #[error(transparent)]
    Fit(#[from] FitError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error("choose at least one model to train")]
    NoModels,
    #[error(
        "the target has {values} values but the customer table has {rows} customers: give one \
         value per customer"
    )]
    TargetLength { rows: usize, values: usize },
    #[error(
        "the forecast '{key}' has {values} values but the customer table has {rows} customers: \
         give one value per customer"
    )]
    ForecastLength {
        key: String,
        rows: usize,
        values: usize,
    },
    #[error(
        "only {labelled} customers have a value of '{target}'{}: a forecast needs at least \
         {needed} to train and test on; choose a target most customers have, or load more \
         customers",
        if *.missing > 0 { format!(" ({} have none)", format::thousands(*.missing as u64)) } else { String::new() }
    )]
    TooFewCustomers {
        target: String,
        labelled: usize,
        missing: usize,
        needed: usize,
    },
    #[error(
        "every customer has the same value of '{target}' ({value}): there is nothing to \
         forecast, so choose another target"
    )]
    TargetOneValue { target: String, value: f64 },
    #[error(
        "the model was fitted without feature '{0}', which this table lacks: build the table \
         with the same features"
    )]
    MissingFeature(String),
}

/// Mean and sample standard deviation over the folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanSd {
    pub mean: f64,
    pub sd: f64,
}

impl MeanSd {
    fn of(values: &[f64]) -> MeanSd {
        if values.is_empty() {
            return MeanSd {
                mean: f64::NAN,
                sd: f64::NAN,
            };
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        MeanSd { mean, sd }
    }
}

/// What a leaderboard row is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RowKind {
    Model {
        model: RegressorKind,
        scale: TargetScale,
    },
    Baseline {
        baseline: Baseline,
    },
    /// A forecast made elsewhere, scored on the same customers.
    Precomputed,
}

/// One leaderboard row: a model, a baseline or a precomputed forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// E.g. `gbdt`, `mlp_log1p`, `mean`, or the precomputed forecast's key.
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: RowKind,
    /// The settings in words ("" for baselines and precomputed forecasts).
    pub params: String,
    /// Whether the skewed features were log-transformed for this model.
    pub log_features: bool,
    /// On the test part.
    pub test: RegressionMetrics,
    /// Sum of the test forecasts (beside [`RegressReport::test_sum_actual`]: a model on the
    /// log scale forecasts a typical customer rather than the mean, and its total falls short).
    pub test_sum_predicted: f64,
    pub cv_rmse: MeanSd,
    pub cv_r2: MeanSd,
    pub cv_mae: MeanSd,
    /// The final fit on the training part (0 for precomputed forecasts).
    pub fit_seconds: f64,
    /// Mean fit time over the folds.
    pub cv_fit_seconds_mean: f64,
    pub note: Option<String>,
    /// The forecast of every test customer, in [`RegressReport::test_rows`] order.
    pub test_predictions: Vec<f64>,
}

/// The result of a run, as the views and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressReport {
    pub target: String,
    /// The feature columns the models learned from.
    pub features: Vec<String>,
    pub notes: Vec<String>,
    pub seed: u64,
    pub folds: usize,
    pub test_fraction: f64,
    /// Customers in the table, with a target value, without one.
    pub n_customers: usize,
    pub n_labelled: usize,
    pub n_missing_target: usize,
    pub n_train: usize,
    pub n_test: usize,
    /// Table rows of the test customers, ascending.
    pub test_rows: Vec<usize>,
    /// Their actual target values.
    pub test_actual: Vec<f64>,
    pub test_sum_actual: f64,
    /// Sorted by mean CV RMSE, best first.
    pub leaderboard: Vec<LeaderboardRow>,
    /// Key of the chosen row (lowest mean CV RMSE among models and baselines).
    pub best: String,
    /// Permutation importance (drop of test R²) of the best model; empty for a baseline.
    pub importance: Vec<Importance>,
}

/// The chosen model with the preparation fitted on the training part: forecasts any table with
/// the same features.
pub struct BestModel {
    pub key: String,
    design: Design,
    model: FittedRegressor,
}

impl BestModel {
    /// One forecast per customer of `table`, which must hold the features the model learned
    /// from (by name; other columns are ignored). Built from the lines up to the end of the
    /// data, this is the forecast of the next horizon.
    pub fn predict_table(&self, table: &CustomerTable) -> Result<Vec<f64>, RegressError> {
        let x = self.design.matrix_of(table).map_err(|e| match e {
            DesignError::Prep(crate::core::prep::PrepError::MissingColumn { name }) => {
                RegressError::MissingFeature(name)
            }
            other => RegressError::Design(other),
        })?;
        Ok(self.model.predict(x.view()))
    }

    /// Forecasts for the customers of the table the run was fitted on.
    pub fn predict_fitted_table(&self) -> Vec<f64> {
        self.model.predict(self.design.matrix.view())
    }
}

/// A finished run: the report, and the chosen model to forecast with.
pub struct Regression {
    pub report: RegressReport,
    pub best: BestModel,
}

/// One model on one target scale.
struct Entry {
    spec: RegressorSpec,
    scale: TargetScale,
    /// Index into `RegressJob::designs`.
    design: usize,
}

/// One unit of work.
#[derive(Debug, Clone, Copy)]
enum Task {
    Cv { fold: usize, entry: usize },
    Final { entry: usize },
    Importance,
}

/// What a fold or the training part needs: the preparation per design, fitted on its rows.
struct Prepared {
    /// Per design: the matrix of the fitting rows and of the scored rows.
    x_fit: Vec<Array2<f64>>,
    x_score: Vec<Array2<f64>>,
}

/// A model's final fit.
struct FinalFit {
    note: Option<String>,
    fit_ms: f64,
    test_predictions: Vec<f64>,
    test: RegressionMetrics,
}

/// A supervised CLV run, one step at a time: call [`RegressJob::step`] until it returns
/// `false`, then [`RegressJob::finish`].
pub struct RegressJob {
    params: RegressParams,
    clock: fn() -> f64,
    target: String,
    features: CustomerTable,
    notes: Vec<String>,
    /// Target value per table row.
    y_all: Vec<f64>,
    n_labelled: usize,
    n_missing: usize,
    /// Table rows of the training and test parts, ascending.
    train: Vec<usize>,
    test: Vec<usize>,
    y_train: Vec<f64>,
    y_test: Vec<f64>,
    /// Folds as positions in `train`.
    folds: Vec<Fold>,
    designs: Vec<DesignParams>,
    entries: Vec<Entry>,
    tasks: Vec<Task>,
    next: usize,
    fold_data: Option<(usize, Prepared)>,
    final_data: Option<(Vec<Design>, Prepared)>,
    /// Per entry: per fold (RMSE, R², MAE), CV fit time (ms).
    cv: Vec<Vec<[f64; 3]>>,
    cv_fit_ms: Vec<f64>,
    finals: Vec<Option<FinalFit>>,
    /// Baselines and precomputed forecasts, scored at once.
    fixed_rows: Vec<LeaderboardRow>,
    best: Option<BestModel>,
    /// The entry of `best`.
    best_entry: Option<usize>,
    importance: Vec<Importance>,
}

/// Fewest customers with a target value: enough for 5 folds of a few each and a test part.
pub const MIN_CUSTOMERS: usize = 30;

impl RegressJob {
    /// Check the choices against the data and plan every step. Fails fast on a target of the
    /// wrong length or with one value, too few customers, no usable feature, impossible folds.
    pub fn new(
        customers: &CustomerTable,
        target: &RegressTarget,
        forecasts: &[PrecomputedForecast],
        params: RegressParams,
        clock: fn() -> f64,
    ) -> Result<RegressJob, RegressError> {
        let mut params = params;
        dedup(&mut params.models);
        if params.models.is_empty() {
            return Err(RegressError::NoModels);
        }
        let n = customers.n_rows();
        if target.values.len() != n {
            return Err(RegressError::TargetLength {
                rows: n,
                values: target.values.len(),
            });
        }
        for f in forecasts {
            if f.values.len() != n {
                return Err(RegressError::ForecastLength {
                    key: f.key.clone(),
                    rows: n,
                    values: f.values.len(),
                });
            }
        }
        let labelled: Vec<usize> = (0..n)
            .filter(|&r| target.values.get(r).is_some_and(|v| v.is_finite()))
            .collect();
        let n_missing = n - labelled.len();
        if labelled.len() < MIN_CUSTOMERS {
            return Err(RegressError::TooFewCustomers {
                target: target.name.clone(),
                labelled: labelled.len(),
                missing: n_missing,
                needed: MIN_CUSTOMERS,
            });
        }
        let value = |r: usize| target.values.get(r).copied().unwrap_or(f64::NAN);
        let first = labelled.first().map_or(f64::NAN, |&r| value(r));
        if labelled.iter().all(|&r| value(r) == first) {
            return Err(RegressError::TargetOneValue {
                target: target.name.clone(),
                value: first,
            });
        }
        let mut notes = Vec::new();
        if n_missing > 0 {
            notes.push(format!(
                "{} of {} customers have no value of '{}': they are not trained or tested on, \
                 and still get a forecast",
                format::thousands(n_missing as u64),
                format::thousands(n as u64),
                target.name
            ));
        }
        let wants_log = params
            .models
            .iter()
            .any(|&kind| params.scales.for_model(kind).contains(&TargetScale::Log1p));
        let negative = labelled.iter().filter(|&&r| value(r) < 0.0).count();
        let log_allowed = negative == 0;
        if wants_log && !log_allowed {
            notes.push(format!(
                "Every model is fitted on the raw target: {} customers have a negative '{}', \
                 which has no log(1 + y)",
                format::thousands(negative as u64),
                target.name
            ));
        }
        let selection = select_features(
            customers,
            &target.name,
            &params.exclude,
            &params.file_columns,
            &labelled,
        )?;
        notes.extend(selection.notes);

        let split = holdout(labelled.len(), params.test_fraction, params.seed)?;
        let to_rows = |positions: &[usize]| -> Vec<usize> {
            positions
                .iter()
                .filter_map(|&p| labelled.get(p).copied())
                .collect()
        };
        let train = to_rows(&split.train);
        let test = to_rows(&split.test);
        let y_train: Vec<f64> = train.iter().map(|&r| value(r)).collect();
        let y_test: Vec<f64> = test.iter().map(|&r| value(r)).collect();
        let folds = kfold(train.len(), params.folds, params.seed)?;

        let mut designs: Vec<DesignParams> = Vec::new();
        let mut entries = Vec::new();
        for &kind in &params.models {
            let design = params.design(kind);
            let index = match designs.iter().position(|d| *d == design) {
                Some(i) => i,
                None => {
                    designs.push(design);
                    designs.len() - 1
                }
            };
            let mut scales = params.scales.for_model(kind);
            if !log_allowed {
                scales.retain(|&s| s == TargetScale::Raw);
                if scales.is_empty() {
                    scales.push(TargetScale::Raw);
                }
            }
            for scale in scales {
                entries.push(Entry {
                    spec: kind.default_spec(params.seed),
                    scale,
                    design: index,
                });
            }
        }
        let mut tasks = Vec::new();
        for fold in 0..folds.len() {
            for entry in 0..entries.len() {
                tasks.push(Task::Cv { fold, entry });
            }
        }
        for entry in 0..entries.len() {
            tasks.push(Task::Final { entry });
        }
        tasks.push(Task::Importance);

        let mut job = RegressJob {
            clock,
            target: target.name.clone(),
            features: selection.table,
            notes,
            y_all: (0..n).map(value).collect(),
            n_labelled: labelled.len(),
            n_missing,
            train,
            test,
            y_train,
            y_test,
            folds,
            designs,
            cv: vec![Vec::new(); entries.len()],
            cv_fit_ms: vec![0.0; entries.len()],
            finals: (0..entries.len()).map(|_| None).collect(),
            entries,
            tasks,
            next: 0,
            fold_data: None,
            final_data: None,
            fixed_rows: Vec::new(),
            best: None,
            best_entry: None,
            importance: Vec::new(),
            params,
        };
        let mut notes = Vec::new();
        job.fixed_rows = job.score_fixed(forecasts, &mut notes)?;
        job.notes.extend(notes);
        Ok(job)
    }

    /// The baselines (fitted per fold and on the training part) and the precomputed forecasts,
    /// scored on the validation folds and the test part.
    fn score_fixed(
        &self,
        forecasts: &[PrecomputedForecast],
        notes: &mut Vec<String>,
    ) -> Result<Vec<LeaderboardRow>, RegressError> {
        let mut rows = Vec::new();
        for baseline in Baseline::ALL {
            let mut cv = Vec::new();
            for fold in &self.folds {
                let fit: Vec<f64> = self.at_train(&fold.train);
                let valid: Vec<f64> = self.at_train(&fold.valid);
                let constant = vec![baseline.value(&fit); valid.len()];
                cv.push(fold_scores(&valid, &constant));
            }
            let constant = baseline.value(&self.y_train);
            let predictions = vec![constant; self.test.len()];
            rows.push(LeaderboardRow {
                key: baseline.key().to_string(),
                label: baseline.label().to_string(),
                kind: RowKind::Baseline { baseline },
                params: String::new(),
                log_features: false,
                test: regression_metrics(&self.y_test, &predictions)?,
                test_sum_predicted: predictions.iter().sum(),
                cv_rmse: MeanSd::of(&column(&cv, 0)),
                cv_r2: MeanSd::of(&column(&cv, 1)),
                cv_mae: MeanSd::of(&column(&cv, 2)),
                fit_seconds: 0.0,
                cv_fit_seconds_mean: 0.0,
                note: Some(format!(
                    "forecasts {} for everyone",
                    format::number(constant)
                )),
                test_predictions: predictions,
            });
        }
        for f in forecasts {
            let at = |r: &usize| f.values.get(*r).copied().unwrap_or(f64::NAN);
            let missing = self
                .train
                .iter()
                .chain(&self.test)
                .filter(|r| !at(r).is_finite())
                .count();
            if missing > 0 {
                notes.push(format!(
                    "'{}' is not compared: it has no finite forecast for {} of the customers \
                     with a target",
                    f.label,
                    format::thousands(missing as u64)
                ));
                continue;
            }
            let mut cv = Vec::new();
            for fold in &self.folds {
                let valid: Vec<f64> = self.at_train(&fold.valid);
                let predicted: Vec<f64> = fold
                    .valid
                    .iter()
                    .filter_map(|&p| self.train.get(p))
                    .map(at)
                    .collect();
                cv.push(fold_scores(&valid, &predicted));
            }
            let predictions: Vec<f64> = self.test.iter().map(at).collect();
            rows.push(LeaderboardRow {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: RowKind::Precomputed,
                params: String::new(),
                log_features: false,
                test: regression_metrics(&self.y_test, &predictions)?,
                test_sum_predicted: predictions.iter().sum(),
                cv_rmse: MeanSd::of(&column(&cv, 0)),
                cv_r2: MeanSd::of(&column(&cv, 1)),
                cv_mae: MeanSd::of(&column(&cv, 2)),
                fit_seconds: 0.0,
                cv_fit_seconds_mean: 0.0,
                note: None,
                test_predictions: predictions,
            });
        }
        Ok(rows)
    }

    /// The targets of training positions `positions`.
    fn at_train(&self, positions: &[usize]) -> Vec<f64> {
        positions
            .iter()
            .filter_map(|&p| self.y_train.get(p).copied())
            .collect()
    }

    /// Share of the work done, 0…1.
    pub fn fraction_done(&self) -> f64 {
        (self.next as f64 / self.tasks.len().max(1) as f64).min(1.0)
    }

    /// What the next step does, for the progress line.
    pub fn stage_label(&self) -> String {
        match self.tasks.get(self.next) {
            Some(Task::Cv { fold, entry }) => format!(
                "Cross-validating {}: fold {} of {}",
                self.entry_label(*entry),
                fold + 1,
                self.folds.len()
            ),
            Some(Task::Final { entry }) => format!(
                "Refitting {} on the training part",
                self.entry_label(*entry)
            ),
            Some(Task::Importance) => "Measuring feature importance of the best model".to_string(),
            None => "Writing the report".to_string(),
        }
    }

    fn entry_label(&self, entry: usize) -> String {
        self.entries.get(entry).map_or(String::new(), |e| {
            format!("{}{}", e.spec.kind().label(), e.scale.suffix())
        })
    }

    fn entry_key(&self, entry: usize) -> String {
        self.entries
            .get(entry)
            .map_or(String::new(), |e| match e.scale {
                TargetScale::Raw => e.spec.kind().key().to_string(),
                scale => format!("{}_{}", e.spec.kind().key(), scale.key()),
            })
    }

    /// Fits planned in all (for the summary line).
    pub fn n_fits(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| !matches!(t, Task::Importance))
            .count()
    }

    /// Run one step; `false` when every step is done.
    pub fn step(&mut self) -> Result<bool, RegressError> {
        let Some(&task) = self.tasks.get(self.next) else {
            return Ok(false);
        };
        match task {
            Task::Cv { fold, entry } => self.cv_step(fold, entry)?,
            Task::Final { entry } => self.final_step(entry)?,
            Task::Importance => self.importance_step()?,
        }
        self.next += 1;
        Ok(self.next < self.tasks.len())
    }

    /// Fit every design on `fit_rows` (table rows) and take the matrices of them and of
    /// `score_rows`.
    fn prepare(
        &self,
        fit_rows: &[usize],
        score_rows: &[usize],
    ) -> Result<(Vec<Design>, Prepared), RegressError> {
        let mut designs = Vec::with_capacity(self.designs.len());
        let mut x_fit = Vec::with_capacity(self.designs.len());
        let mut x_score = Vec::with_capacity(self.designs.len());
        for params in &self.designs {
            let design = Design::fit(&self.features, fit_rows, params)?;
            x_fit.push(design.rows(fit_rows));
            x_score.push(design.rows(score_rows));
            designs.push(design);
        }
        Ok((designs, Prepared { x_fit, x_score }))
    }

    fn cv_step(&mut self, fold: usize, entry: usize) -> Result<(), RegressError> {
        let Some(f) = self.folds.get(fold) else {
            return Ok(());
        };
        if self.fold_data.as_ref().map(|(k, _)| *k) != Some(fold) {
            self.fold_data = None; // free the previous fold first
            let rows = |positions: &[usize]| -> Vec<usize> {
                positions
                    .iter()
                    .filter_map(|&p| self.train.get(p).copied())
                    .collect()
            };
            let (_, prepared) = self.prepare(&rows(&f.train), &rows(&f.valid))?;
            self.fold_data = Some((fold, prepared));
        }
        let y_fit = self.at_train(&f.train);
        let y_valid = self.at_train(&f.valid);
        let (Some(e), Some((_, data))) = (self.entries.get(entry), self.fold_data.as_ref()) else {
            return Ok(());
        };
        let (Some(x_fit), Some(x_valid)) = (data.x_fit.get(e.design), data.x_score.get(e.design))
        else {
            return Ok(());
        };
        let started = (self.clock)();
        let mut fitted = e.spec.fit(x_fit.view(), &y_fit, e.scale)?;
        fitted.floor = self.params.floor;
        let elapsed = (self.clock)() - started;
        let predicted = fitted.predict(x_valid.view());
        let scores = fold_scores(&y_valid, &predicted);
        if let Some(cv) = self.cv.get_mut(entry) {
            cv.push(scores);
        }
        if let Some(t) = self.cv_fit_ms.get_mut(entry) {
            *t += elapsed;
        }
        Ok(())
    }

    /// The entry or baseline with the lowest mean CV RMSE: `Ok(entry)` or `Err(baseline key)`.
    fn best_by_cv(&self) -> Result<usize, String> {
        let mut best: (f64, Result<usize, String>) =
            (f64::INFINITY, Err(Baseline::Mean.key().to_string()));
        for row in &self.fixed_rows {
            if matches!(row.kind, RowKind::Baseline { .. }) && row.cv_rmse.mean < best.0 {
                best = (row.cv_rmse.mean, Err(row.key.clone()));
            }
        }
        for (entry, cv) in self.cv.iter().enumerate() {
            let mean = MeanSd::of(&column(cv, 0)).mean;
            if mean < best.0 {
                best = (mean, Ok(entry));
            }
        }
        best.1
    }

    fn final_step(&mut self, entry: usize) -> Result<(), RegressError> {
        self.fold_data = None;
        if self.final_data.is_none() {
            self.final_data = Some(self.prepare(&self.train, &self.test)?);
        }
        let best = self.best_by_cv();
        let (Some(e), Some((designs, data))) = (self.entries.get(entry), self.final_data.as_ref())
        else {
            return Ok(());
        };
        let (Some(x_train), Some(x_test)) = (data.x_fit.get(e.design), data.x_score.get(e.design))
        else {
            return Ok(());
        };
        let started = (self.clock)();
        let mut fitted = e.spec.fit(x_train.view(), &self.y_train, e.scale)?;
        fitted.floor = self.params.floor;
        let fit_ms = (self.clock)() - started;
        let test_predictions = fitted.predict(x_test.view());
        let test = regression_metrics(&self.y_test, &test_predictions)?;
        let note = fitted.note.clone();
        if best == Ok(entry) {
            if let Some(design) = designs.get(e.design) {
                self.best = Some(BestModel {
                    key: self.entry_key(entry),
                    design: design.clone(),
                    model: fitted,
                });
                self.best_entry = Some(entry);
            }
        }
        if let Some(slot) = self.finals.get_mut(entry) {
            *slot = Some(FinalFit {
                note,
                fit_ms,
                test_predictions,
                test,
            });
        }
        Ok(())
    }

    fn importance_step(&mut self) -> Result<(), RegressError> {
        let Some(best) = self.best.as_ref() else {
            return Ok(());
        };
        let Some(design_index) = self
            .best_entry
            .and_then(|entry| self.entries.get(entry))
            .map(|e| e.design)
        else {
            return Ok(());
        };
        let Some((designs, data)) = self.final_data.as_ref() else {
            return Ok(());
        };
        let (Some(design), Some(x_test)) =
            (designs.get(design_index), data.x_score.get(design_index))
        else {
            return Ok(());
        };
        let params = PermutationParams {
            seed: self.params.seed,
            ..PermutationParams::default()
        };
        let predict = |x: ndarray::ArrayView2<'_, f64>| best.model.predict(x);
        self.importance = permutation_importance_r2(
            &predict,
            x_test.view(),
            &self.y_test,
            &design.groups,
            &params,
            &mut |_| {},
        )?;
        Ok(())
    }

    /// The report and the chosen model, once every step is done.
    pub fn finish(mut self) -> Result<Regression, RegressError> {
        while self.step()? {}
        let mut rows = Vec::new();
        for (entry, e) in self.entries.iter().enumerate() {
            let Some(Some(fit)) = self.finals.get_mut(entry).map(Option::take) else {
                continue;
            };
            let cv = self.cv.get(entry).cloned().unwrap_or_default();
            let kind = e.spec.kind();
            rows.push(LeaderboardRow {
                key: self.entry_key(entry),
                label: self.entry_label(entry),
                kind: RowKind::Model {
                    model: kind,
                    scale: e.scale,
                },
                params: e.spec.describe(),
                log_features: self.params.log_features.for_model(kind),
                test: fit.test,
                test_sum_predicted: fit.test_predictions.iter().sum(),
                cv_rmse: MeanSd::of(&column(&cv, 0)),
                cv_r2: MeanSd::of(&column(&cv, 1)),
                cv_mae: MeanSd::of(&column(&cv, 2)),
                fit_seconds: fit.fit_ms / 1000.0,
                cv_fit_seconds_mean: self.cv_fit_ms.get(entry).copied().unwrap_or(0.0)
                    / 1000.0
                    / cv.len().max(1) as f64,
                note: fit.note,
                test_predictions: fit.test_predictions,
            });
        }
        rows.extend(std::mem::take(&mut self.fixed_rows));
        rows.sort_by(|a, b| a.cv_rmse.mean.total_cmp(&b.cv_rmse.mean));
        let best = match self.best.take() {
            Some(best) => best,
            None => {
                // A baseline won: it forecasts a constant from the training part.
                let key = self
                    .best_by_cv()
                    .err()
                    .unwrap_or_else(|| "mean".to_string());
                let baseline = Baseline::ALL
                    .into_iter()
                    .find(|b| b.key() == key)
                    .unwrap_or(Baseline::Mean);
                let design = Design::fit(&self.features, &self.train, &DesignParams::default())?;
                self.notes.push(format!(
                    "No model forecasts better than the {} of the training customers by \
                     cross-validation: the customer features do not tell this target apart, \
                     so the {} forecasts",
                    baseline.key(),
                    baseline.key()
                ));
                BestModel {
                    key,
                    design,
                    model: FittedRegressor::constant(baseline.value(&self.y_train)),
                }
            }
        };
        let features = self
            .features
            .features
            .iter()
            .map(|f| f.name.clone())
            .collect();
        let test_actual = self.y_test.clone();
        let report = RegressReport {
            target: self.target,
            features,
            notes: self.notes,
            seed: self.params.seed,
            folds: self.folds.len(),
            test_fraction: self.params.test_fraction,
            n_customers: self.y_all.len(),
            n_labelled: self.n_labelled,
            n_missing_target: self.n_missing,
            n_train: self.train.len(),
            n_test: self.test.len(),
            test_rows: self.test,
            test_sum_actual: test_actual.iter().sum(),
            test_actual,
            leaderboard: rows,
            best: best.key.clone(),
            importance: self.importance,
        };
        Ok(Regression { report, best })
    }
}

/// RMSE, R² and MAE of one fold.
fn fold_scores(actual: &[f64], predicted: &[f64]) -> [f64; 3] {
    [
        rmse(actual, predicted),
        r2(actual, predicted),
        mae(actual, predicted),
    ]
}

/// Measure `k` of every fold.
fn column(scores: &[[f64; 3]], k: usize) -> Vec<f64> {
    scores.iter().filter_map(|s| s.get(k).copied()).collect()
}

fn dedup<T: PartialEq + Copy>(items: &mut Vec<T>) {
    let mut seen = Vec::new();
    items.retain(|item| {
        let new = !seen.contains(item);
        seen.push(*item);
        new
    });
}

/// Run every step at once (the CLI and the tests).
pub fn regress(
    customers: &CustomerTable,
    target: &RegressTarget,
    forecasts: &[PrecomputedForecast],
    params: RegressParams,
    clock: fn() -> f64,
) -> Result<Regression, RegressError> {
    RegressJob::new(customers, target, forecasts, params, clock)?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::{Feature, FeatureValues};

    fn clock() -> f64 {
        0.0
    }

    fn numeric(name: &str, values: Vec<f64>) -> Feature {
        Feature {
            name: name.into(),
            description: String::new(),
            values: FeatureValues::Numeric(values),
            meta: Default::default(),
        }
    }

    /// `n` customers: `signal` drives the spend, `noise` does not, `plan` a categorical.
    fn table(n: usize) -> (CustomerTable, RegressTarget) {
        let signal: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
        let noise: Vec<f64> = (0..n).map(|i| ((i * 53) % 17) as f64).collect();
        let spend: Vec<f64> = signal.iter().map(|s| 20.0 * s + 5.0).collect();
        let customers = CustomerTable {
            id_name: "id".into(),
            ids: (0..n).map(|i| i.to_string()).collect(),
            features: vec![
                numeric("signal", signal),
                numeric("noise", noise),
                Feature {
                    name: "plan".into(),
                    description: String::new(),
                    values: FeatureValues::Categorical {
                        levels: vec!["a".into(), "b".into()],
                        codes: (0..n as u32).map(|i| i % 2).collect(),
                    },
                    meta: Default::default(),
                },
            ],
        };
        let target = RegressTarget {
            name: "spend_next_90d".into(),
            values: spend,
        };
        (customers, target)
    }

    fn quick() -> RegressParams {
        RegressParams {
            models: vec![RegressorKind::Ridge, RegressorKind::DecisionTree],
            ..RegressParams::new()
        }
    }

    #[test]
    fn a_learnable_target_picks_a_model_with_its_forecasts_and_importance() {
        let (customers, target) = table(120);
        let naive = PrecomputedForecast {
            key: "naive".into(),
            label: "Naive rate".into(),
            values: target.values.iter().map(|v| v * 0.5).collect(),
        };
        let run = regress(&customers, &target, &[naive], quick(), clock).unwrap();
        let report = &run.report;
        assert_eq!((report.n_train, report.n_test), (96, 24));
        assert_eq!(report.best, "ridge");
        let keys: Vec<&str> = report.leaderboard.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys.len(), 5);
        for key in ["ridge", "tree", "mean", "median", "naive"] {
            assert!(keys.contains(&key), "{keys:?}");
        }
        let best = &report.leaderboard[0];
        assert_eq!(best.key, "ridge");
        assert!(best.test.r2 > 0.999);
        assert_eq!(report.importance[0].name, "signal");
        assert_eq!(report.features, vec!["signal", "noise", "plan"]);
        // Spend 5…2,005: the ridge penalty shrinks the slope a little.
        let forecast = run.best.predict_table(&customers).unwrap();
        for (f, y) in forecast.iter().zip(&target.values) {
            assert!((f - y).abs() < 25.0, "{f} vs {y}");
        }
        // The naive forecast is scored, never chosen.
        let naive = report
            .leaderboard
            .iter()
            .find(|r| r.key == "naive")
            .unwrap();
        assert_eq!(naive.kind, RowKind::Precomputed);
        assert_eq!(naive.test_predictions.len(), 24);
    }

    #[test]
    fn customers_without_a_target_are_left_out_counted_and_still_forecast() {
        let (customers, mut target) = table(120);
        target.values[3] = f64::NAN;
        target.values[7] = f64::INFINITY;
        let mut job = RegressJob::new(&customers, &target, &[], quick(), clock).unwrap();
        assert!(job
            .stage_label()
            .starts_with("Cross-validating Ridge regression: fold 1 of 5"));
        let mut steps = 0;
        while job.step().unwrap() {
            steps += 1;
            assert!(job.fraction_done() < 1.0);
        }
        assert_eq!(steps + 1, 5 * 2 + 2 + 1);
        let run = job.finish().unwrap();
        assert_eq!(run.report.n_labelled, 118);
        assert_eq!(run.report.n_missing_target, 2);
        assert!(!run.report.test_rows.contains(&3) && !run.report.test_rows.contains(&7));
        assert!(run.report.notes[0].starts_with("2 of 120 customers have no value"));
        assert_eq!(run.best.predict_fitted_table().len(), 120);
    }

    #[test]
    fn unlearnable_targets_let_the_baseline_forecast_with_a_note() {
        let (mut customers, mut target) = table(100);
        customers.features.retain(|f| f.name == "noise");
        // Spend unrelated to the one feature left.
        target.values = (0..100).map(|i| ((i * 7919) % 97) as f64).collect();
        let params = RegressParams {
            models: vec![RegressorKind::DecisionTree],
            ..RegressParams::new()
        };
        let run = regress(&customers, &target, &[], params, clock).unwrap();
        let best = run
            .report
            .leaderboard
            .iter()
            .find(|r| r.key == run.report.best)
            .unwrap();
        if let RowKind::Baseline { .. } = best.kind {
            assert!(run
                .report
                .notes
                .iter()
                .any(|n| n.starts_with("No model forecasts better")));
            assert!(run.report.importance.is_empty());
            let f = run.best.predict_table(&customers).unwrap();
            assert!(f.iter().all(|&v| v == f[0]));
        } else {
            panic!(
                "the tree beat the baselines on noise: {:?}",
                run.report.leaderboard
            );
        }
    }

    #[test]
    fn bad_input_is_a_typed_error_naming_what_to_change() {
        let (customers, target) = table(60);
        let new = |customers: &CustomerTable, target: &RegressTarget, params: RegressParams| {
            RegressJob::new(customers, target, &[], params, clock).err()
        };
        let one = RegressTarget {
            values: vec![12.5; 60],
            ..target.clone()
        };
        assert_eq!(
            new(&customers, &one, quick()),
            Some(RegressError::TargetOneValue {
                target: "spend_next_90d".into(),
                value: 12.5
            })
        );
        let mut few = target.clone();
        for v in few.values.iter_mut().skip(20) {
            *v = f64::NAN;
        }
        let err = new(&customers, &few, quick()).unwrap();
        assert_eq!(
            err.to_string(),
            "only 20 customers have a value of 'spend_next_90d' (40 have none): a forecast \
             needs at least 30 to train and test on; choose a target most customers have, or \
             load more customers"
        );
        let short = RegressTarget {
            values: vec![1.0; 5],
            ..target.clone()
        };
        assert_eq!(
            new(&customers, &short, quick()),
            Some(RegressError::TargetLength {
                rows: 60,
                values: 5
            })
        );
        let mut constant = customers.clone();
        constant.features = vec![numeric("same", vec![1.0; 60])];
        assert!(matches!(
            new(&constant, &target, quick()),
            Some(RegressError::Design(DesignError::NoFeatures(_)))
        ));
        let none = RegressParams {
            models: vec![],
            ..quick()
        };
        assert_eq!(new(&customers, &target, none), Some(RegressError::NoModels));
        let folds = RegressParams {
            folds: 1,
            ..quick()
        };
        assert!(matches!(
            new(&customers, &target, folds),
            Some(RegressError::Split(SplitError::TooFewFolds { k: 1 }))
        ));
        // A target with negative values has no log scale: left out with a note.
        let mut negative = target.clone();
        negative.values[0] = -4.0;
        let params = RegressParams {
            scales: TargetScales::Both,
            ..quick()
        };
        let job = RegressJob::new(&customers, &negative, &[], params, clock).unwrap();
        assert!(job
            .notes
            .iter()
            .any(|n| n.starts_with("Every model is fitted on the raw target: 1 customers")));
        assert_eq!(job.entries.len(), 2);
    }
}
