//! Step 4, Predict: who will buy (churn, respond …), how sure the model is, and why.
//!
//! The form ([`setup`]) sends one [`crate::protocol::Command::Predict`]; the worker
//! cross-validates every model one fit at a time (progress, cancel) and sends a
//! [`crate::core::predict::view::PredictView`], which [`results`] renders: the leaderboard, the
//! ROC / precision–recall / gain curves, the confusion matrix at a threshold the user drags
//! ([`threshold`], counts read from the threshold tables the worker sent, no numeric work
//! here), lift, importance and the scored customer list ([`scores`]).

mod results;
mod scores;
mod setup;
mod threshold;

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::parse_iso_date;
use crate::core::predict::balance::Balance;
use crate::core::predict::derived::{DerivedKind, DerivedTarget};
use crate::core::predict::run::PredictParams;
use crate::core::predict::search::{ModelKind, SearchMode};
use crate::core::predict::target::TargetSpec;
use crate::core::predict::view::PredictSetup;
use crate::ui::components::{StepProblem, StepProgress};
use crate::ui::state::{AppState, Step};

/// What to predict: a column of the table, or a target derived from the purchase lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    Column,
    Churn,
    BuysAgain,
    OneTimeReturns,
    HighSpender,
}

impl Goal {
    pub const DERIVED: [Goal; 4] = [
        Goal::Churn,
        Goal::BuysAgain,
        Goal::OneTimeReturns,
        Goal::HighSpender,
    ];

    /// The derived target's kind (`None` for a column).
    fn kind(self, top_percent: f64) -> Option<DerivedKind> {
        match self {
            Goal::Column => None,
            Goal::Churn => Some(DerivedKind::Churn),
            Goal::BuysAgain => Some(DerivedKind::BuysAgain),
            Goal::OneTimeReturns => Some(DerivedKind::OneTimeReturns),
            Goal::HighSpender => Some(DerivedKind::HighSpender { top_percent }),
        }
    }
}

/// How hyperparameters are searched, as the form offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchChoice {
    Defaults,
    Grid,
    Random,
}

/// Most folds the form offers.
pub const MAX_FOLDS: usize = 10;
/// Most random-search candidates per model.
pub const MAX_CANDIDATES: usize = 50;

/// The form's choices.
#[derive(Clone, Copy)]
pub struct PredictForm {
    pub goal: RwSignal<Goal>,
    /// Derived targets: the cutoff as typed (`YYYY-MM-DD`; empty = the default), the window
    /// in days and, for high spender, the top share in %.
    pub cutoff: RwSignal<String>,
    pub window_days: RwSignal<usize>,
    pub top_percent: RwSignal<usize>,
    pub target: RwSignal<String>,
    pub positive: RwSignal<String>,
    /// Features left out (the target's own column is always left out).
    pub exclude: RwSignal<Vec<String>>,
    pub models: RwSignal<Vec<ModelKind>>,
    pub balances: RwSignal<Vec<Balance>>,
    pub smote_k: RwSignal<usize>,
    /// As typed.
    pub smote_ratio: RwSignal<String>,
    pub folds: RwSignal<usize>,
    /// Percent of the labelled customers held out.
    pub test_percent: RwSignal<usize>,
    pub search: RwSignal<SearchChoice>,
    pub random_candidates: RwSignal<usize>,
    pub log_skewed: RwSignal<bool>,
    pub seed: RwSignal<u64>,
    /// Why the form cannot be sent, shown under the button.
    pub error: RwSignal<Option<String>>,
}

impl PredictForm {
    fn new() -> PredictForm {
        let defaults = PredictParams::new(TargetSpec {
            column: String::new(),
            positive: None,
        });
        PredictForm {
            goal: RwSignal::new(Goal::Column),
            cutoff: RwSignal::new(String::new()),
            window_days: RwSignal::new(crate::core::predict::derived::DEFAULT_WINDOW_DAYS as usize),
            top_percent: RwSignal::new(crate::core::predict::derived::DEFAULT_TOP_PERCENT as usize),
            target: RwSignal::new(String::new()),
            positive: RwSignal::new(String::new()),
            exclude: RwSignal::new(Vec::new()),
            models: RwSignal::new(defaults.models),
            balances: RwSignal::new(defaults.balances),
            smote_k: RwSignal::new(defaults.smote_k),
            smote_ratio: RwSignal::new(format!("{}", defaults.smote_ratio)),
            folds: RwSignal::new(defaults.folds),
            test_percent: RwSignal::new((defaults.test_fraction * 100.0).round() as usize),
            search: RwSignal::new(SearchChoice::Defaults),
            random_candidates: RwSignal::new(10),
            log_skewed: RwSignal::new(defaults.design.log_skewed),
            seed: RwSignal::new(defaults.seed),
            error: RwSignal::new(None),
        }
    }

    /// Fit the form to new choices: keep the target the user picked if the table still offers
    /// it, else take the default (the one column whose name means the outcome) with its
    /// suggested positive value, else none — the user chooses; forget excluded features that
    /// no longer exist.
    fn adopt(self, setup: &PredictSetup) {
        let current = self.target.get_untracked();
        let kept = setup.targets.iter().find(|t| t.column == current);
        let default = setup
            .default_target
            .column
            .as_ref()
            .and_then(|column| setup.targets.iter().find(|t| t.column == *column));
        match kept.or(default) {
            Some(target) => {
                if target.column != current
                    || !target
                        .values
                        .iter()
                        .any(|(v, _)| *v == self.positive.get_untracked())
                {
                    self.positive.set(target.suggested_positive.clone());
                }
                self.target.set(target.column.clone());
            }
            None => {
                self.target.set(String::new());
                self.positive.set(String::new());
            }
        }
        self.exclude.update(|exclude| {
            exclude.retain(|name| setup.features.iter().any(|f| f.name == *name));
        });
        // Purchase lines: every column was computed from the history (RFM scores, the 0/1
        // single_order and returns_exceed_purchases), none is an outcome: churn is the natural
        // first question.
        match (&setup.derived, self.goal.get_untracked()) {
            (None, _) => self.goal.set(Goal::Column),
            (Some(_), Goal::Column) if kept.is_none() => self.goal.set(Goal::Churn),
            _ => {}
        }
        self.error.set(None);
    }

    /// The cutoff in effect (tracked): the one typed, else the last purchase day − the window;
    /// `None` while the typed text is not a date.
    pub fn cutoff_day(self, last_day: i32) -> Option<i32> {
        let typed = self.cutoff.get();
        match typed.trim() {
            "" => Some(last_day.saturating_sub(self.window_days.get() as i32)),
            text => parse_iso_date(text),
        }
    }

    /// Whether the form still waits for the user to choose what to predict (no column is
    /// clearly the outcome, so none was preselected); tracked.
    pub fn needs_target(self) -> bool {
        self.goal.get() == Goal::Column && self.target.with(String::is_empty)
    }

    /// The column the form would predict (a derived target's label column); tracked.
    pub fn target_column(self) -> String {
        match self.goal.get().kind(0.0) {
            Some(kind) => kind.column().to_string(),
            None => self.target.get(),
        }
    }

    /// Choose another target column: its suggested positive value comes with it.
    pub fn choose_target(self, setup: &PredictSetup, column: String) {
        if let Some(target) = setup.targets.iter().find(|t| t.column == column) {
            self.positive.set(target.suggested_positive.clone());
        }
        self.target.set(column);
    }

    /// The parameters, or what is wrong with the form.
    pub fn params(self) -> Result<PredictParams, String> {
        let goal = self.goal.get_untracked();
        let derived = match goal.kind(self.top_percent.get_untracked() as f64) {
            None => None,
            Some(kind) => {
                let text = self.cutoff.get_untracked();
                let cutoff = match text.trim() {
                    "" => None,
                    typed => Some(parse_iso_date(typed).ok_or_else(|| {
                        format!(
                            "The cutoff '{typed}' is not a date: pick one in the calendar or \
                             write it as YYYY-MM-DD (empty = the default)."
                        )
                    })?),
                };
                Some(DerivedTarget {
                    kind,
                    cutoff,
                    window_days: self.window_days.get_untracked() as u32,
                })
            }
        };
        let column = match &derived {
            Some(d) => d.kind.column().to_string(),
            None => self.target.get_untracked(),
        };
        if column.is_empty() {
            return Err("Choose what to predict.".to_string());
        }
        let models = self.models.get_untracked();
        if models.is_empty() {
            return Err("Choose at least one model.".to_string());
        }
        let balances = self.balances.get_untracked();
        if balances.is_empty() {
            return Err(
                "Choose at least one way to handle imbalance (None trains on the customers as \
                 they are)."
                    .to_string(),
            );
        }
        let ratio_text = self.smote_ratio.get_untracked();
        let smote_ratio = match ratio_text.trim().replace(',', ".").parse::<f64>() {
            Ok(r) if r.is_finite() && r > 0.0 && r <= 1.0 => r,
            _ => {
                return Err(format!(
                    "SMOTE's target ratio '{}' must be a number above 0 and at most 1 (1 = as \
                     many of the rarer outcome as of the common one).",
                    ratio_text.trim()
                ))
            }
        };
        let positive = match &derived {
            Some(d) => d.kind.values().0.to_string(),
            None => self.positive.get_untracked(),
        };
        let mut params = PredictParams::new(TargetSpec {
            column: column.clone(),
            positive: (!positive.is_empty()).then_some(positive),
        });
        params.derived = derived;
        params.exclude = self
            .exclude
            .get_untracked()
            .into_iter()
            .filter(|name| *name != column)
            .collect();
        params.models = models;
        params.balances = balances;
        params.smote_k = self.smote_k.get_untracked();
        params.smote_ratio = smote_ratio;
        params.folds = self.folds.get_untracked();
        params.test_fraction = self.test_percent.get_untracked() as f64 / 100.0;
        params.search = match self.search.get_untracked() {
            SearchChoice::Defaults => SearchMode::Defaults,
            SearchChoice::Grid => SearchMode::Grid,
            SearchChoice::Random => SearchMode::Random {
                candidates: self.random_candidates.get_untracked(),
            },
        };
        params.design.log_skewed = self.log_skewed.get_untracked();
        params.seed = self.seed.get_untracked();
        Ok(params)
    }

    /// Send the form to the worker, or show what is wrong with it.
    pub fn run(self, state: AppState) {
        match self.params() {
            Ok(params) => {
                self.error.set(None);
                state.predict(params);
            }
            Err(message) => self.error.set(Some(message)),
        }
    }
}

#[component]
pub fn PredictStep(state: AppState) -> impl IntoView {
    let form = PredictForm::new();
    // The form's choices come from the worker, asked for when the step is open and the table
    // (or its segments) changed.
    Effect::new(move |_| {
        let open = state.step.get() == Step::Predict;
        let missing = state.predict_setup.with(Option::is_none);
        let has_table = state.explored.with(Option::is_some);
        if open && missing && has_table {
            state.ask_predict_setup();
        }
    });
    Effect::new(move |_| {
        if let Some(setup) = state.predict_setup.get() {
            form.adopt(&setup);
        }
    });
    let setup = view! {
        <For
            each=move || state.predict_setup.get()
            key=|setup| Arc::as_ptr(setup) as usize
            children=move |setup| view! { <setup::SetupCard state=state form=form setup=setup/> }
        />
    };
    let results = view! {
        <For
            each=move || state.predicted.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| view! { <results::Results state=state view=view/> }
        />
    };
    let waiting = move || {
        (state.predict_setup.with(Option::is_none) && state.explored.with(Option::is_some)).then(
            || view! { <p class="muted" data-testid="predict-setup-loading">"Reading the customer table’s columns…"</p> },
        )
    };
    view! {
        <div class="step predict-step" class:hidden=move || state.step.get() != Step::Predict>
            <div class="step-intro">
                <h1 tabindex="-1" data-step-heading="predict">"Predict"</h1>
                <p class="lead">
                    "Train models that score every customer’s chance of an outcome — buying, "
                    "churning, responding — checked on customers they never saw, with the curves, "
                    "the mistakes at your threshold and the features that drive them."
                </p>
            </div>
            {waiting}
            {setup}
            <StepProgress state=state progress=state.predicting testid="predict-progress" cancel_testid="predict-cancel" label="Predict progress"/>
            <StepProblem problem=state.predict_problem testid="predict-error"/>
            {results}
        </div>
    }
}
