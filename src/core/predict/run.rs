//! The Predict step end to end, one fit at a time, the way a sceptical data scientist checks it.
//!
//! 1. Resolve the target; customers without one are scored but never trained or tested on.
//! 2. Stratified split into a training part and a held-out test part (seeded).
//! 3. On the training part only: the leakage check, then stratified k-fold cross-validation.
//!    In each fold the preparation ([`Design`]) is fitted on the fold's training rows, the
//!    fold's training rows are balanced (SMOTE / class weights), every candidate of every model
//!    is fitted and scored (ROC-AUC) on the fold's untouched validation rows. Out-of-fold scores
//!    are kept for the threshold choice.
//! 4. Per model and balance, the candidate with the best mean CV AUC is refitted on the whole
//!    (prepared, balanced) training part and scored once on the test part: curves, confusion
//!    matrix at the threshold that maximised F1 on the out-of-fold scores (chosen without the
//!    test part), lift, and permutation importance on the test part.
//! 5. The leaderboard ranks by mean CV AUC (the test part is for reporting, not for choosing);
//!    its top model scores every customer.
//!
//! [`PredictJob::step`] does one unit of work (one fit, or one importance) so the worker can
//! report progress and honour Cancel between steps; the CLI and the tests drive the same job.
//! Pure Rust: no web-sys. Time is read through the `clock` given by the caller (milliseconds),
//! since `std::time::Instant` does not exist in the browser.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::core::customer_table::CustomerTable;
use crate::core::evaluate::confusion::{self, Confusion, ThresholdTable};
use crate::core::evaluate::importance::{permutation_importance, Importance, PermutationParams};
use crate::core::evaluate::lift::{self, DecileRow, GainCurve};
use crate::core::evaluate::pr::{self, PrCurve};
use crate::core::evaluate::roc::{self, RocCurve};
use crate::core::evaluate::{EvalError, DEFAULT_CURVE_POINTS};
use crate::core::format;
use crate::core::predict::balance::{self as balancing, Balance, Balanced, FitData};
use crate::core::predict::chance::{self, ChanceWarning};
use crate::core::predict::derived::DerivedTarget;
use crate::core::predict::design::{select_features, Design, DesignError, DesignParams};
use crate::core::predict::leakage::{self, LeakageReport};
use crate::core::predict::search::{candidates, FitError, ModelKind, ModelSpec, SearchMode};
use crate::core::predict::smote::{SmoteError, SmoteParams};
use crate::core::predict::split::{stratified_kfold, stratified_split, Fold, SplitError};
use crate::core::predict::target::{resolve, Target, TargetError, TargetSpec};
use crate::core::predict::Classifier;

/// Rows of the threshold table sent to the UI's slider.
const THRESHOLD_ROWS: usize = 201;

/// Everything the user chose for a Predict run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictParams {
    pub target: TargetSpec,
    /// Feature columns left out by the user.
    pub exclude: Vec<String>,
    /// The columns of the loaded file, so that excluding one that is no feature (a text
    /// column; the id and the target are known anyway) is a note, not an error. Empty = only
    /// the customer table's names are known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_columns: Vec<String>,
    pub models: Vec<ModelKind>,
    /// Each model is fitted once per balance.
    pub balances: Vec<Balance>,
    /// SMOTE's neighbours.
    pub smote_k: usize,
    /// SMOTE's minority ÷ majority after resampling (1 = as many as the majority).
    pub smote_ratio: f64,
    pub folds: usize,
    /// Share of the customers held out for the test.
    pub test_fraction: f64,
    pub search: SearchMode,
    pub seed: u64,
    pub design: DesignParams,
    /// A target derived from purchase lines (churn, repeat purchase, high spender) instead of
    /// a column. [`PredictJob`] does not read it: the caller builds the table with
    /// [`crate::core::predict::derived::derive`] from the loaded lines and trains on that table
    /// with `target` set to its label ([`crate::core::predict::derived::Derived::params`]);
    /// whatever `target` held is replaced. Kept here so a report says how its target was made.
    #[serde(default)]
    pub derived: Option<DerivedTarget>,
}

impl PredictParams {
    pub const DEFAULT_SEED: u64 = 42;

    /// All four models, no balancing, 5 folds, 20 % test, default hyperparameters.
    pub fn new(target: TargetSpec) -> PredictParams {
        PredictParams {
            target,
            exclude: Vec::new(),
            file_columns: Vec::new(),
            models: ModelKind::ALL.to_vec(),
            balances: vec![Balance::None],
            smote_k: 5,
            smote_ratio: 1.0,
            folds: 5,
            test_fraction: 0.2,
            search: SearchMode::Defaults,
            seed: Self::DEFAULT_SEED,
            design: DesignParams::default(),
            derived: None,
        }
    }

    fn smote(&self) -> SmoteParams {
        SmoteParams {
            k_neighbors: self.smote_k,
            target_ratio: self.smote_ratio,
            seed: self.seed,
        }
    }
}

/// The Predict step failed; the message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PredictError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Design(#[from] DesignError),
    #[error(transparent)]
    Split(#[from] SplitError),
    #[error(transparent)]
    Smote(#[from] SmoteError),
    #[error(transparent)]
    Fit(#[from] FitError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error("choose at least one model to train")]
    NoModels,
    #[error("choose at least one way to handle the imbalance (none, SMOTE or class weights)")]
    NoBalance,
    #[error("random search needs at least 1 candidate per model")]
    NoCandidates,
    #[error(
        "SMOTE needs at least {needed} customers with {target} = {class} in every training fold \
         to find {k} neighbours, but the smallest fold has {found}: lower SMOTE's neighbours, use \
         fewer folds, or choose class weights"
    )]
    SmoteTooFewMinority {
        target: String,
        class: String,
        k: usize,
        needed: usize,
        found: usize,
    },
}

/// The work of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Task {
    /// Fit candidate `candidate` of model `model` on fold `fold` balanced by `balance`.
    Cv {
        fold: usize,
        balance: usize,
        model: usize,
        candidate: usize,
    },
    /// Refit the best candidate of entry (`model`, `balance`) on the training part.
    Final { balance: usize, model: usize },
    /// Permutation importance of the entry's final model on the test part.
    Importance { balance: usize, model: usize },
}

/// Prepared training rows and, per balance, what balancing made of them (made when first
/// needed, once per fold or training part, whatever the number of candidates).
struct TrainingSet {
    x: Array2<f64>,
    y: Vec<bool>,
    balanced: Vec<Option<Balanced>>,
}

impl TrainingSet {
    fn new(x: Array2<f64>, y: Vec<bool>, n_balances: usize) -> TrainingSet {
        TrainingSet {
            x,
            y,
            balanced: vec![None; n_balances],
        }
    }

    /// The data a model of balance `index` (`how`) is fitted on.
    fn fit_data(
        &mut self,
        index: usize,
        how: Balance,
        smote: &SmoteParams,
    ) -> Result<FitData<'_>, PredictError> {
        let slot = self
            .balanced
            .get_mut(index)
            .ok_or(PredictError::NoBalance)?;
        if slot.is_none() {
            *slot = Some(balancing::balance(how, self.x.view(), &self.y, smote)?);
        }
        match slot {
            Some(set) => Ok(set.data(&self.x, &self.y)),
            None => Err(PredictError::NoBalance),
        }
    }

    /// Rows SMOTE added for balance `index` (0 when not made or not SMOTE).
    fn n_synthetic(&self, index: usize) -> usize {
        self.balanced
            .get(index)
            .and_then(Option::as_ref)
            .map_or(0, Balanced::n_synthetic)
    }
}

/// A cross-validation fold, prepared.
struct FoldData {
    fold: usize,
    training: TrainingSet,
    /// Positions (in the training part) of the fold's validation rows.
    valid: Vec<usize>,
    x_valid: Array2<f64>,
}

/// The whole training part, prepared, and the test part.
struct FinalData {
    design: Design,
    training: TrainingSet,
    x_test: Array2<f64>,
}

struct FinalFit {
    spec: ModelSpec,
    model: Box<dyn Classifier>,
    note: Option<String>,
    fit_ms: f64,
    predict_ms: f64,
    /// Scores of the test rows, in `test` order.
    test_scores: Vec<f64>,
    /// Scores of every customer of the table.
    all_scores: Vec<f64>,
    importance: Vec<Importance>,
}

/// A Predict run, one step at a time: call [`PredictJob::step`] until it returns `false`, then
/// [`PredictJob::finish`].
pub struct PredictJob {
    params: PredictParams,
    clock: fn() -> f64,
    target: Target,
    features: CustomerTable,
    notes: Vec<String>,
    /// Table rows of the training and test parts.
    train: Vec<usize>,
    test: Vec<usize>,
    y_train: Vec<bool>,
    y_test: Vec<bool>,
    /// Folds as positions in `train`.
    folds: Vec<Fold>,
    leakage: LeakageReport,
    /// Candidates per model (in `params.models` order).
    specs: Vec<Vec<ModelSpec>>,
    tasks: Vec<Task>,
    next: usize,
    fold_data: Option<FoldData>,
    final_data: Option<FinalData>,
    /// `[balance][model][candidate]`: out-of-fold scores (positions in `train`) and AUC per fold.
    oof: Vec<Vec<Vec<Vec<f64>>>>,
    fold_auc: Vec<Vec<Vec<Vec<f64>>>>,
    /// `[balance][model]`: total CV fit time (ms) and fits.
    cv_fit_ms: Vec<Vec<(f64, usize)>>,
    finals: Vec<Vec<Option<FinalFit>>>,
}

impl PredictJob {
    /// Check the choices against the data and plan every step. Fails fast on a bad target, no
    /// usable feature, too few customers for the folds or SMOTE.
    pub fn new(
        customers: &CustomerTable,
        params: PredictParams,
        clock: fn() -> f64,
    ) -> Result<PredictJob, PredictError> {
        if params.models.is_empty() {
            return Err(PredictError::NoModels);
        }
        if params.balances.is_empty() {
            return Err(PredictError::NoBalance);
        }
        if matches!(params.search, SearchMode::Random { candidates: 0 }) {
            return Err(PredictError::NoCandidates);
        }
        let mut params = params;
        let mut seen_models = Vec::new();
        params.models.retain(|m| {
            let new = !seen_models.contains(m);
            seen_models.push(*m);
            new
        });
        let mut seen_balances = Vec::new();
        params.balances.retain(|b| {
            let new = !seen_balances.contains(b);
            seen_balances.push(*b);
            new
        });
        let target = resolve(customers, &params.target)?;
        let labelled: Vec<usize> = (0..customers.n_rows())
            .filter(|&r| target.labels.get(r).copied().flatten().is_some())
            .collect();
        let selection = select_features(
            customers,
            &target.column,
            &params.exclude,
            &params.file_columns,
            &labelled,
        )?;
        let y_labelled: Vec<bool> = labelled
            .iter()
            .map(|&r| target.labels.get(r).copied().flatten().unwrap_or(false))
            .collect();
        let split = stratified_split(&y_labelled, params.test_fraction, params.seed)?;
        let train: Vec<usize> = split
            .train
            .iter()
            .filter_map(|&i| labelled.get(i).copied())
            .collect();
        let test: Vec<usize> = split
            .test
            .iter()
            .filter_map(|&i| labelled.get(i).copied())
            .collect();
        let label = |r: &usize| target.labels.get(*r).copied().flatten().unwrap_or(false);
        let y_train: Vec<bool> = train.iter().map(label).collect();
        let y_test: Vec<bool> = test.iter().map(label).collect();
        let folds = stratified_kfold(&y_train, params.folds, params.seed)?;
        if params.balances.contains(&Balance::Smote) {
            params.smote().check()?;
            check_smote_room(&params, &target, &folds, &y_train)?;
        }
        let leakage = leakage::check(&selection.table, &train, &y_train);
        let specs: Vec<Vec<ModelSpec>> = params
            .models
            .iter()
            .map(|&m| candidates(m, params.search, params.seed))
            .collect();
        let (nb, nm) = (params.balances.len(), params.models.len());
        let mut tasks = Vec::new();
        for fold in 0..folds.len() {
            for balance in 0..nb {
                for (model, cands) in specs.iter().enumerate() {
                    for candidate in 0..cands.len() {
                        tasks.push(Task::Cv {
                            fold,
                            balance,
                            model,
                            candidate,
                        });
                    }
                }
            }
        }
        for balance in 0..nb {
            for model in 0..nm {
                tasks.push(Task::Final { balance, model });
            }
        }
        for balance in 0..nb {
            for model in 0..nm {
                tasks.push(Task::Importance { balance, model });
            }
        }
        let per_candidate = |fill: Vec<f64>| -> Vec<Vec<Vec<Vec<f64>>>> {
            (0..nb)
                .map(|_| specs.iter().map(|c| vec![fill.clone(); c.len()]).collect())
                .collect()
        };
        let mut notes = target.notes.clone();
        notes.extend(selection.notes);
        Ok(PredictJob {
            oof: per_candidate(vec![f64::NAN; train.len()]),
            fold_auc: per_candidate(Vec::new()),
            cv_fit_ms: vec![vec![(0.0, 0); nm]; nb],
            finals: (0..nb).map(|_| (0..nm).map(|_| None).collect()).collect(),
            params,
            clock,
            target,
            features: selection.table,
            notes,
            train,
            test,
            y_train,
            y_test,
            folds,
            leakage,
            specs,
            tasks,
            next: 0,
            fold_data: None,
            final_data: None,
        })
    }

    /// Share of the work done, 0…1.
    pub fn fraction_done(&self) -> f64 {
        (self.next as f64 / self.tasks.len().max(1) as f64).min(1.0)
    }

    /// What the next step does, for the progress line.
    pub fn stage_label(&self) -> String {
        let entry = |balance: usize, model: usize| {
            format!(
                "{} ({})",
                self.params.models.get(model).map_or("", |m| m.label()),
                self.params.balances.get(balance).map_or("", |b| b.label())
            )
        };
        match self.tasks.get(self.next) {
            Some(Task::Cv {
                fold,
                balance,
                model,
                candidate,
            }) => {
                let n = self.specs.get(*model).map_or(1, Vec::len);
                let which = if n > 1 {
                    format!(", setting {} of {n}", candidate + 1)
                } else {
                    String::new()
                };
                format!(
                    "Cross-validating {}{which}: fold {} of {}",
                    entry(*balance, *model),
                    fold + 1,
                    self.folds.len()
                )
            }
            Some(Task::Final { balance, model }) => {
                format!("Refitting {} on the training part", entry(*balance, *model))
            }
            Some(Task::Importance { balance, model }) => {
                format!(
                    "Measuring feature importance of {}",
                    entry(*balance, *model)
                )
            }
            None => "Writing the report".to_string(),
        }
    }

    /// Fits planned in all (for the summary line).
    pub fn n_fits(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| !matches!(t, Task::Importance { .. }))
            .count()
    }

    /// Run one step; `false` when every step is done.
    pub fn step(&mut self) -> Result<bool, PredictError> {
        let Some(&task) = self.tasks.get(self.next) else {
            return Ok(false);
        };
        match task {
            Task::Cv {
                fold,
                balance,
                model,
                candidate,
            } => self.cv_step(fold, balance, model, candidate)?,
            Task::Final { balance, model } => self.final_step(balance, model)?,
            Task::Importance { balance, model } => self.importance_step(balance, model)?,
        }
        self.next += 1;
        Ok(self.next < self.tasks.len())
    }

    fn cv_step(
        &mut self,
        fold: usize,
        balance: usize,
        model: usize,
        candidate: usize,
    ) -> Result<(), PredictError> {
        if self.fold_data.as_ref().map(|d| d.fold) != Some(fold) {
            self.fold_data = None; // free the previous fold first
            self.fold_data = Some(self.prepare_fold(fold)?);
        }
        let how = self
            .params
            .balances
            .get(balance)
            .copied()
            .unwrap_or(Balance::None);
        let smote = self.params.smote();
        let Some(data) = self.fold_data.as_mut() else {
            return Ok(());
        };
        let Some(spec) = self.specs.get(model).and_then(|s| s.get(candidate)) else {
            return Ok(());
        };
        let (x, y, w) = data.training.fit_data(balance, how, &smote)?;
        let started = (self.clock)();
        let fitted = spec.fit(x, y, w)?;
        let scores = fitted.model.predict_proba(data.x_valid.view());
        let elapsed = (self.clock)() - started;
        let y_valid: Vec<bool> = data
            .valid
            .iter()
            .filter_map(|&p| self.y_train.get(p).copied())
            .collect();
        let auc = roc::roc_auc(&y_valid, &scores)?;
        if let Some(oof) = self
            .oof
            .get_mut(balance)
            .and_then(|b| b.get_mut(model))
            .and_then(|m| m.get_mut(candidate))
        {
            for (&p, &s) in data.valid.iter().zip(&scores) {
                if let Some(cell) = oof.get_mut(p) {
                    *cell = s;
                }
            }
        }
        if let Some(aucs) = self
            .fold_auc
            .get_mut(balance)
            .and_then(|b| b.get_mut(model))
            .and_then(|m| m.get_mut(candidate))
        {
            aucs.push(auc);
        }
        if let Some(t) = self
            .cv_fit_ms
            .get_mut(balance)
            .and_then(|b| b.get_mut(model))
        {
            t.0 += elapsed;
            t.1 += 1;
        }
        Ok(())
    }

    fn prepare_fold(&self, fold: usize) -> Result<FoldData, PredictError> {
        let Some(f) = self.folds.get(fold) else {
            return Err(PredictError::NoModels);
        };
        let train_rows: Vec<usize> = f
            .train
            .iter()
            .filter_map(|&p| self.train.get(p).copied())
            .collect();
        let valid_rows: Vec<usize> = f
            .valid
            .iter()
            .filter_map(|&p| self.train.get(p).copied())
            .collect();
        let design = Design::fit(&self.features, &train_rows, &self.params.design)?;
        let y_fold = f
            .train
            .iter()
            .filter_map(|&p| self.y_train.get(p).copied())
            .collect();
        Ok(FoldData {
            fold,
            training: TrainingSet::new(
                design.rows(&train_rows),
                y_fold,
                self.params.balances.len(),
            ),
            valid: f.valid.clone(),
            x_valid: design.rows(&valid_rows),
        })
    }

    /// The candidate of (`balance`, `model`) with the best mean CV AUC.
    fn best_candidate(&self, balance: usize, model: usize) -> usize {
        let Some(per_candidate) = self.fold_auc.get(balance).and_then(|b| b.get(model)) else {
            return 0;
        };
        let mut best = (0, f64::NEG_INFINITY);
        for (i, aucs) in per_candidate.iter().enumerate() {
            let (mean, _) = mean_sd(aucs);
            if mean > best.1 {
                best = (i, mean);
            }
        }
        best.0
    }

    fn final_step(&mut self, balance: usize, model: usize) -> Result<(), PredictError> {
        self.fold_data = None;
        if self.final_data.is_none() {
            let design = Design::fit(&self.features, &self.train, &self.params.design)?;
            let training = TrainingSet::new(
                design.rows(&self.train),
                self.y_train.clone(),
                self.params.balances.len(),
            );
            let x_test = design.rows(&self.test);
            self.final_data = Some(FinalData {
                design,
                training,
                x_test,
            });
        }
        let how = self
            .params
            .balances
            .get(balance)
            .copied()
            .unwrap_or(Balance::None);
        let smote = self.params.smote();
        let candidate = self.best_candidate(balance, model);
        let Some(spec) = self
            .specs
            .get(model)
            .and_then(|s| s.get(candidate))
            .cloned()
        else {
            return Ok(());
        };
        let Some(data) = self.final_data.as_mut() else {
            return Ok(());
        };
        let (x, y, w) = data.training.fit_data(balance, how, &smote)?;
        let started = (self.clock)();
        let fitted = spec.fit(x, y, w)?;
        let fit_ms = (self.clock)() - started;
        let started = (self.clock)();
        let test_scores = fitted.model.predict_proba(data.x_test.view());
        let predict_ms = (self.clock)() - started;
        let all_scores = fitted.model.predict_proba(data.design.matrix.view());
        if let Some(slot) = self.finals.get_mut(balance).and_then(|b| b.get_mut(model)) {
            *slot = Some(FinalFit {
                spec,
                model: fitted.model,
                note: fitted.note,
                fit_ms,
                predict_ms,
                test_scores,
                all_scores,
                importance: Vec::new(),
            });
        }
        Ok(())
    }

    fn importance_step(&mut self, balance: usize, model: usize) -> Result<(), PredictError> {
        let Some(data) = self.final_data.as_ref() else {
            return Ok(());
        };
        let groups = &data.design.groups;
        let params = PermutationParams {
            seed: self.params.seed,
            ..PermutationParams::default()
        };
        let Some(Some(fit)) = self.finals.get(balance).and_then(|b| b.get(model)) else {
            return Ok(());
        };
        let importance = permutation_importance(
            fit.model.as_ref(),
            data.x_test.view(),
            &self.y_test,
            groups,
            &params,
            &mut |_| {},
        )?;
        if let Some(Some(fit)) = self.finals.get_mut(balance).and_then(|b| b.get_mut(model)) {
            fit.importance = importance;
        }
        Ok(())
    }

    /// The report, once every step is done.
    pub fn finish(mut self) -> Result<PredictReport, PredictError> {
        while self.step()? {}
        let mut models = Vec::new();
        for (b, &how) in self.params.balances.iter().enumerate() {
            for (m, &kind) in self.params.models.iter().enumerate() {
                let Some(fit) = self
                    .finals
                    .get_mut(b)
                    .and_then(|x| x.get_mut(m))
                    .and_then(Option::take)
                else {
                    continue;
                };
                let best = self.best_candidate(b, m);
                let specs = self.specs.get(m).cloned().unwrap_or_default();
                let aucs = self
                    .fold_auc
                    .get(b)
                    .and_then(|x| x.get(m))
                    .cloned()
                    .unwrap_or_default();
                let candidates_report: Vec<CandidateScore> = specs
                    .iter()
                    .zip(&aucs)
                    .map(|(s, a)| {
                        let (mean, sd) = mean_sd(a);
                        CandidateScore {
                            params: s.describe(),
                            cv_auc_mean: mean,
                            cv_auc_sd: sd,
                        }
                    })
                    .collect();
                let folds_auc = aucs.get(best).cloned().unwrap_or_default();
                let (cv_mean, cv_sd) = mean_sd(&folds_auc);
                let oof = self
                    .oof
                    .get(b)
                    .and_then(|x| x.get(m))
                    .and_then(|x| x.get(best))
                    .cloned()
                    .unwrap_or_default();
                let threshold = confusion::best_f1(&self.y_train, &oof)?.threshold;
                let cv_thresholds = ThresholdTable::new(&self.y_train, &oof, THRESHOLD_ROWS)?;
                let y = &self.y_test;
                let s = &fit.test_scores;
                let test_confusion = confusion::confusion_at(y, s, threshold)?;
                let (cv_ms, cv_n) = self
                    .cv_fit_ms
                    .get(b)
                    .and_then(|x| x.get(m))
                    .copied()
                    .unwrap_or((0.0, 0));
                let same_for_everyone = same_probability(&fit.all_scores);
                models.push(ModelReport {
                    model: kind,
                    balance: how,
                    label: format!("{} · {}", kind.label(), how.label()),
                    params: fit.spec.describe(),
                    note: fit.note,
                    same_for_everyone,
                    candidates: candidates_report,
                    cv_auc_mean: cv_mean,
                    cv_auc_sd: cv_sd,
                    cv_auc_folds: folds_auc,
                    threshold,
                    test_auc: roc::roc_auc(y, s)?,
                    test_average_precision: pr::average_precision(y, s)?,
                    test_confusion,
                    fit_seconds: fit.fit_ms / 1000.0,
                    predict_seconds: fit.predict_ms / 1000.0,
                    cv_fit_seconds_mean: if cv_n > 0 {
                        cv_ms / cv_n as f64 / 1000.0
                    } else {
                        0.0
                    },
                    roc: roc::roc_curve(y, s, DEFAULT_CURVE_POINTS)?,
                    pr: pr::pr_curve(y, s, DEFAULT_CURVE_POINTS)?,
                    gain: lift::gain_curve(y, s, 100)?,
                    deciles: lift::lift_by_decile(y, s)?,
                    // The slider can stand exactly on the suggested threshold.
                    thresholds: ThresholdTable::with_thresholds(
                        y,
                        s,
                        THRESHOLD_ROWS,
                        &[threshold],
                    )?,
                    cv_thresholds,
                    importance: fit.importance,
                    all_scores: fit.all_scores,
                });
            }
        }
        // The leaderboard: best mean CV AUC first (ties: the simpler, earlier entry); a model
        // that gives everyone the same probability ranks nothing, so it goes last, with a note.
        models.sort_by(|a, b| {
            (a.same_for_everyone.is_some())
                .cmp(&b.same_for_everyone.is_some())
                .then(b.cv_auc_mean.total_cmp(&a.cv_auc_mean))
        });
        let train_positives = self.y_train.iter().filter(|&&b| b).count();
        let chance_warning = models.first().and_then(|best| {
            chance::check(
                &best.label,
                &best.cv_auc_folds,
                train_positives,
                self.y_train.len() - train_positives,
            )
        });
        let scores = models
            .first()
            .map(|m| m.all_scores.clone())
            .unwrap_or_default();
        let mut notes = self.notes;
        let any_ranking = models.iter().any(|m| m.same_for_everyone.is_none());
        for m in &models {
            if let Some(p) = m.same_for_everyone {
                notes.push(format!(
                    "{} gives every customer the same probability ({}), so it ranks no one{}{}",
                    m.label,
                    format::number(p),
                    if any_ranking {
                        ": it is listed last and does not score the customers"
                    } else {
                        ""
                    },
                    m.note
                        .as_deref()
                        .map_or(String::new(), |note| format!(" ({note})")),
                ));
            }
        }
        for (b, &how) in self.params.balances.iter().enumerate() {
            if how == Balance::Smote {
                if let Some(n) = self.final_data.as_ref().map(|d| d.training.n_synthetic(b)) {
                    notes.push(format!(
                        "SMOTE added {} synthetic {} = {} customers to the training part (and to \
                         each training fold); validation and test customers are all real",
                        format::thousands(n as u64),
                        self.target.column,
                        minority_label(&self.target, &self.y_train)
                    ));
                }
            }
        }
        let mut in_test = vec![false; self.target.labels.len()];
        for &r in &self.test {
            if let Some(cell) = in_test.get_mut(r) {
                *cell = true;
            }
        }
        let final_columns = self
            .final_data
            .as_ref()
            .map(|d| d.design.columns.clone())
            .unwrap_or_default();
        Ok(PredictReport {
            target: self.target.column.clone(),
            positive: self.target.positive.clone(),
            negative: self.target.negative.clone(),
            n_train: self.train.len(),
            n_test: self.test.len(),
            train_positives,
            test_positives: self.y_test.iter().filter(|&&b| b).count(),
            features: self
                .features
                .features
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            columns: final_columns,
            params: self.params,
            leakage: self.leakage,
            notes,
            models,
            chance_warning,
            scores,
            in_test,
            labels: self.target.labels,
        })
    }
}

/// SMOTE needs k + 1 minority rows in every training fold (and in the whole training part).
fn check_smote_room(
    params: &PredictParams,
    target: &Target,
    folds: &[Fold],
    y_train: &[bool],
) -> Result<(), PredictError> {
    let minority_is_positive = y_train.iter().filter(|&&b| b).count() * 2 <= y_train.len();
    let smallest = folds
        .iter()
        .map(|f| {
            f.train
                .iter()
                .filter(|&&p| y_train.get(p).copied() == Some(minority_is_positive))
                .count()
        })
        .min()
        .unwrap_or(0);
    if smallest <= params.smote_k {
        return Err(PredictError::SmoteTooFewMinority {
            target: target.column.clone(),
            class: minority_label(target, y_train),
            k: params.smote_k,
            needed: params.smote_k + 1,
            found: smallest,
        });
    }
    Ok(())
}

fn minority_label(target: &Target, y: &[bool]) -> String {
    if y.iter().filter(|&&b| b).count() * 2 <= y.len() {
        target.positive.clone()
    } else {
        target.negative.clone()
    }
}

/// Mean and sample sd (0 for one value; NaN-free input expected).
/// The one probability of `scores` when they are all the same (and there are some).
fn same_probability(scores: &[f64]) -> Option<f64> {
    let first = *scores.first()?;
    scores.iter().all(|&s| s == first).then_some(first)
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, sd)
}

/// One hyperparameter setting's cross-validated AUC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateScore {
    pub params: String,
    pub cv_auc_mean: f64,
    pub cv_auc_sd: f64,
}

/// One model under one balance: how it did in cross-validation and on the test part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub model: ModelKind,
    pub balance: Balance,
    /// "Gradient boosting · SMOTE".
    pub label: String,
    /// The chosen hyperparameters in words.
    pub params: String,
    pub note: Option<String>,
    /// The probability the final fit gives every customer, when it gives all the same one (e.g.
    /// gradient boosting with 0 rounds: the base rate). Such a model ranks no one: it is listed
    /// last and never scores the customers unless every model is like it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_for_everyone: Option<f64>,
    /// Every candidate tried, in search order.
    pub candidates: Vec<CandidateScore>,
    pub cv_auc_mean: f64,
    pub cv_auc_sd: f64,
    pub cv_auc_folds: Vec<f64>,
    /// The threshold with the best F1 on the out-of-fold scores (chosen without the test part).
    pub threshold: f64,
    pub test_auc: f64,
    pub test_average_precision: f64,
    /// On the test part at `threshold`.
    pub test_confusion: Confusion,
    /// The final fit on the whole training part.
    pub fit_seconds: f64,
    /// Scoring the test part.
    pub predict_seconds: f64,
    /// Mean fit (+ validation scoring) time of one cross-validation fit.
    pub cv_fit_seconds_mean: f64,
    pub roc: RocCurve,
    pub pr: PrCurve,
    pub gain: GainCurve,
    pub deciles: Vec<DecileRow>,
    /// Test part: the confusion matrix at thresholds for the slider.
    pub thresholds: ThresholdTable,
    /// The same on the out-of-fold scores of the training part, for choosing a threshold
    /// (best F1, lowest cost) without looking at the test part.
    pub cv_thresholds: ThresholdTable,
    pub importance: Vec<Importance>,
    /// Probability of every customer of the table (in table order).
    #[serde(skip)]
    pub all_scores: Vec<f64>,
}

/// A finished Predict run. Serialized (for the UI) without the per-customer vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictReport {
    pub params: PredictParams,
    pub target: String,
    pub positive: String,
    pub negative: String,
    pub n_train: usize,
    pub n_test: usize,
    pub train_positives: usize,
    pub test_positives: usize,
    /// Feature columns used (before encoding).
    pub features: Vec<String>,
    /// Matrix columns of the final fit (after encoding).
    pub columns: Vec<String>,
    pub leakage: LeakageReport,
    pub notes: Vec<String>,
    /// The leaderboard, best mean CV AUC first.
    pub models: Vec<ModelReport>,
    /// Set when the best model is within noise of a coin toss, or barely better
    /// ([`crate::core::predict::chance`]).
    #[serde(default)]
    pub chance_warning: Option<ChanceWarning>,
    /// Probability from the top model for every customer of the table.
    #[serde(skip)]
    pub scores: Vec<f64>,
    /// Whether each customer is in the test part.
    #[serde(skip)]
    pub in_test: Vec<bool>,
    /// Each customer's known outcome.
    #[serde(skip)]
    pub labels: Vec<Option<bool>>,
}

/// A whole run at once (CLI and tests).
pub fn predict(
    customers: &CustomerTable,
    params: PredictParams,
    clock: fn() -> f64,
) -> Result<PredictReport, PredictError> {
    PredictJob::new(customers, params, clock)?.finish()
}
