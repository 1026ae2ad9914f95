//! Step 5, Value & Recommend, in two tabs (each keeps its state while the other is shown):
//! Customer value — how many purchases each customer will make, whether the customer is still
//! "alive", and what the customer is worth, with the checks that say how far to trust it — and
//! Recommendations ([`crate::ui::recommend`]). Without a customer table (a basket list) only
//! the Recommendations apply, and the step opens on them.
//!
//! The form ([`setup`]) sends one [`crate::protocol::Command::Value`]; the worker fits BG/NBD +
//! Gamma-Gamma and the supervised models one step at a time (progress, cancel) and sends a
//! [`crate::core::value::view::ValueView`], which [`results`] renders: the lines used, the
//! fitted parameters, the holdout check, the top-share table, the supervised leaderboard and
//! the charts; [`customers`] pages the per-customer list the worker keeps (sorted by any column,
//! downloadable as CSV). No numeric work here.

mod customers;
mod results;
mod setup;

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::parse_iso_date;
use crate::core::value::run::{ValueModel, ValueParams, ValueTarget};
use crate::core::value::view::ValueSetup;
use crate::ui::components::{panel_id, tab_id, StepProblem, StepProgress, TabInfo, TabList};
use crate::ui::recommend::RecommendPart;
use crate::ui::state::{AppState, Step};

pub use customers::default_order;

/// Longest horizon the form offers, in days.
pub const MAX_HORIZON_DAYS: usize = 3650;
/// Most folds the form offers.
pub const MAX_FOLDS: usize = 10;

/// Whether `model` can run on this data, and if not, why (for the disabled checkbox).
pub fn model_unavailable(setup: &ValueSetup, model: ValueModel) -> Option<&'static str> {
    match model {
        ValueModel::Bgnbd if !setup.has_purchase_dates => Some(
            "BG/NBD needs the day of each purchase: load purchase lines with a customer id and \
             a date (this table has one row per customer).",
        ),
        ValueModel::Bgnbd => None,
        _ if !supervised_possible(setup) => Some(
            "The supervised models need something to learn: spend (an amount, or quantity and \
             unit price, mapped in Explore) or a numeric column to predict.",
        ),
        _ => None,
    }
}

/// A supervised model has a target: the spend in the horizon (purchase lines with spend) or a
/// numeric column of a customer file.
fn supervised_possible(setup: &ValueSetup) -> bool {
    (setup.has_purchase_dates && setup.has_spend) || !setup.numeric_targets.is_empty()
}

/// The form's choices.
#[derive(Clone, Copy)]
pub struct ValueForm {
    /// The cutoff as typed (`YYYY-MM-DD`; empty = the last purchase day − the horizon).
    pub cutoff: RwSignal<String>,
    pub horizon_days: RwSignal<usize>,
    /// Monthly discount rate in %, as typed.
    pub discount_percent: RwSignal<String>,
    pub models: RwSignal<Vec<ValueModel>>,
    /// A customer file's numeric column to predict (empty: not chosen yet).
    pub target: RwSignal<String>,
    pub log_target: RwSignal<bool>,
    /// Features left out (the target's own column is always left out).
    pub exclude: RwSignal<Vec<String>>,
    pub folds: RwSignal<usize>,
    /// Percent of the customers held out for the test.
    pub test_percent: RwSignal<usize>,
    pub seed: RwSignal<u64>,
    /// Why the form cannot be sent, shown under the button.
    pub error: RwSignal<Option<String>>,
    /// What the last adopted choices were for: other data resets the models and the cutoff.
    adopted_for: RwSignal<Option<DataKind>>,
}

/// What the form's defaults depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DataKind {
    has_purchase_dates: bool,
    has_spend: bool,
    first_day: Option<i32>,
    last_day: Option<i32>,
}

impl ValueForm {
    fn new() -> ValueForm {
        let defaults = ValueParams::new();
        ValueForm {
            cutoff: RwSignal::new(String::new()),
            horizon_days: RwSignal::new(defaults.horizon_days as usize),
            discount_percent: RwSignal::new(format!("{}", defaults.discount_monthly * 100.0)),
            models: RwSignal::new(defaults.models),
            target: RwSignal::new(String::new()),
            log_target: RwSignal::new(defaults.log_target),
            exclude: RwSignal::new(Vec::new()),
            folds: RwSignal::new(defaults.folds),
            test_percent: RwSignal::new((defaults.test_fraction * 100.0).round() as usize),
            seed: RwSignal::new(defaults.seed),
            error: RwSignal::new(None),
            adopted_for: RwSignal::new(None),
        }
    }

    /// Fit the form to new choices: on another kind of data, the default models it allows and
    /// the default cutoff; the target kept if still offered, else the one numeric column if
    /// there is exactly one, else none (the user chooses); excluded features that no longer
    /// exist forgotten.
    fn adopt(self, setup: &ValueSetup) {
        let kind = DataKind {
            has_purchase_dates: setup.has_purchase_dates,
            has_spend: setup.has_spend,
            first_day: setup.first_day,
            last_day: setup.last_day,
        };
        if self.adopted_for.get_untracked() != Some(kind) {
            self.adopted_for.set(Some(kind));
            self.cutoff.set(String::new());
            self.horizon_days.set(setup.default_horizon_days as usize);
            self.models.set(
                ValueParams::new()
                    .models
                    .into_iter()
                    .filter(|m| model_unavailable(setup, *m).is_none())
                    .collect(),
            );
        }
        let current = self.target.get_untracked();
        if !setup.numeric_targets.contains(&current) {
            match setup.numeric_targets.as_slice() {
                [only] => self.target.set(only.clone()),
                _ => self.target.set(String::new()),
            }
        }
        self.exclude.update(|exclude| {
            exclude.retain(|name| setup.features.iter().any(|f| f.name == *name));
        });
        self.error.set(None);
    }

    /// The cutoff in effect (tracked): the one typed, else the last purchase day − the
    /// horizon; `None` while the typed text is not a date or the data has no dates.
    pub fn cutoff_day(self, setup: &ValueSetup) -> Option<i32> {
        let typed = self.cutoff.get();
        match typed.trim() {
            "" => setup
                .last_day
                .map(|last| last.saturating_sub(self.horizon_days.get() as i32)),
            text => parse_iso_date(text),
        }
    }

    /// A supervised model is chosen (tracked).
    fn supervised_chosen(self) -> bool {
        self.models
            .with(|models| models.iter().any(|m| *m != ValueModel::Bgnbd))
    }

    /// The form waits for the user to choose the column to predict (a customer file with
    /// several numeric columns, none preselected); tracked.
    pub fn needs_target(self, setup: &ValueSetup) -> bool {
        !setup.has_purchase_dates && self.supervised_chosen() && self.target.with(String::is_empty)
    }

    /// The parameters, or what is wrong with the form.
    pub fn params(self, setup: &ValueSetup) -> Result<ValueParams, String> {
        let models = self.models.get_untracked();
        if models.is_empty() {
            return Err("Choose at least one model.".to_string());
        }
        let horizon_days = self.horizon_days.get_untracked();
        let cutoff = if setup.has_purchase_dates {
            let text = self.cutoff.get_untracked();
            match text.trim() {
                "" => None,
                typed => Some(parse_iso_date(typed).ok_or_else(|| {
                    format!(
                        "The cutoff '{typed}' is not a date: pick one in the calendar or write it \
                         as YYYY-MM-DD (empty = the last purchase day − the horizon)."
                    )
                })?),
            }
        } else {
            None
        };
        let shown = cutoff.or_else(|| {
            setup
                .last_day
                .map(|last| last.saturating_sub(horizon_days as i32))
        });
        if let (Some(cutoff), Some(first), Some(last)) = (shown, setup.first_day, setup.last_day) {
            if cutoff < first {
                return Err(format!(
                    "The cutoff {} is before the first purchase ({}): the models would have no \
                     history to learn from. Choose a later cutoff or a shorter horizon.",
                    iso(cutoff),
                    iso(first)
                ));
            }
            if cutoff > last {
                return Err(format!(
                    "The cutoff {} is after the last purchase ({}): there is nothing after it to \
                     check the models on. Choose an earlier cutoff (the default is the last \
                     purchase day − the horizon).",
                    iso(cutoff),
                    iso(last)
                ));
            }
        }
        let discount_text = self.discount_percent.get_untracked();
        let discount_monthly = match discount_text.trim().replace(',', ".").parse::<f64>() {
            Ok(pct) if pct.is_finite() && (0.0..100.0).contains(&pct) => pct / 100.0,
            _ => {
                return Err(format!(
                    "The monthly discount rate '{}' must be a percentage from 0 to below 100 \
                     (1 = 1 % a month).",
                    discount_text.trim()
                ))
            }
        };
        let supervised = models.iter().any(|m| *m != ValueModel::Bgnbd);
        let target = if setup.has_purchase_dates {
            ValueTarget::HorizonSpend
        } else {
            let column = self.target.get_untracked();
            if supervised && column.is_empty() {
                return Err("Choose the column to predict.".to_string());
            }
            ValueTarget::Column(column)
        };
        let target_column = match &target {
            ValueTarget::Column(column) => column.clone(),
            ValueTarget::HorizonSpend => String::new(),
        };
        Ok(ValueParams {
            cutoff,
            horizon_days: horizon_days as u32,
            discount_monthly,
            models,
            target,
            exclude: self
                .exclude
                .get_untracked()
                .into_iter()
                .filter(|name| *name != target_column)
                .collect(),
            log_target: self.log_target.get_untracked(),
            folds: self.folds.get_untracked(),
            test_fraction: self.test_percent.get_untracked() as f64 / 100.0,
            seed: self.seed.get_untracked(),
        })
    }

    /// Send the form to the worker, or show what is wrong with it.
    pub fn run(self, state: AppState, setup: &ValueSetup) {
        match self.params(setup) {
            Ok(params) => {
                self.error.set(None);
                state.value(params);
            }
            Err(message) => self.error.set(Some(message)),
        }
    }
}

/// A day as `YYYY-MM-DD`.
fn iso(day: i32) -> String {
    crate::core::format::iso_date(i64::from(day))
}

/// The step's tabs, in order.
const TABS: [TabInfo; 2] = [
    TabInfo {
        key: "value-part",
        label: "Customer value",
        testid: "value-tab",
    },
    TabInfo {
        key: "recommend-part",
        label: "Recommendations",
        testid: "recommend-tab",
    },
];
const VALUE_TAB: usize = 0;
const RECOMMEND_TAB: usize = 1;

#[component]
pub fn ValueStep(state: AppState) -> impl IntoView {
    let form = ValueForm::new();
    let tab = RwSignal::new(VALUE_TAB);
    // Without a customer table (a basket list) only the Recommendations apply.
    Effect::new(move |_| {
        if state.step.get() == Step::Value && state.explored.with(Option::is_none) {
            tab.set(RECOMMEND_TAB);
        }
    });
    // The form's choices come from the worker, asked for when the step is open and the table
    // (or its segments) changed.
    Effect::new(move |_| {
        let open = state.step.get() == Step::Value;
        let missing = state.value_setup.with(Option::is_none);
        let has_table = state.explored.with(Option::is_some);
        if open && missing && has_table {
            state.ask_value_setup();
        }
    });
    Effect::new(move |_| {
        if let Some(setup) = state.value_setup.get() {
            form.adopt(&setup);
        }
    });
    let setup = view! {
        <For
            each=move || state.value_setup.get()
            key=|setup| Arc::as_ptr(setup) as usize
            children=move |setup| view! { <setup::SetupCard state=state form=form setup=setup/> }
        />
    };
    let results = view! {
        <For
            each=move || state.valued.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| view! { <results::Results state=state view=view/> }
        />
    };
    let waiting = move || {
        (state.value_setup.with(Option::is_none) && state.explored.with(Option::is_some)).then(
            || view! { <p class="muted" data-testid="value-setup-loading">"Reading the customer table and the purchases…"</p> },
        )
    };
    let no_table = move || {
        state.explored.with(Option::is_none).then(|| {
            view! {
                <p class="muted" data-testid="value-no-table">
                    "Customer value needs a customer table, built in Explore from purchase lines or a "
                    "customer file. A list of baskets has no customers: its rules and “bought with” "
                    "lists are under Recommendations."
                </p>
            }
        })
    };
    let recommend_open =
        Signal::derive(move || state.step.get() == Step::Value && tab.get() == RECOMMEND_TAB);
    let [value_tab, recommend_tab] = TABS;
    view! {
        <div class="step value-step" class:hidden=move || state.step.get() != Step::Value>
            <div class="step-intro">
                <h1 tabindex="-1" data-step-heading="value">"Value & Recommend"</h1>
                <p class="lead">
                    "What each customer is worth — the purchases to expect, the chance the customer "
                    "is still active and the spend to come — and what to offer each one next, from "
                    "what is bought together. Both are fitted on the purchases up to a cutoff and "
                    "checked on the days after it, so you can see how far to trust them."
                </p>
            </div>
            <TabList label="Value & Recommend" tabs=TABS.to_vec() selected=tab/>
            <section
                class="value-part tab-panel"
                role="tabpanel"
                id=panel_id(value_tab.key)
                aria-labelledby=tab_id(value_tab.key)
                tabindex="0"
                class:hidden=move || tab.get() != VALUE_TAB
                data-testid="value-part"
            >
                <h2 class="part-title visually-hidden">"Customer value"</h2>
                {no_table}
                {waiting}
                {setup}
                <StepProgress state=state progress=state.valuing testid="value-progress" cancel_testid="value-cancel" label="Value progress"/>
                <StepProblem problem=state.value_problem testid="value-error"/>
                {results}
            </section>
            <div
                class="tab-panel"
                role="tabpanel"
                id=panel_id(recommend_tab.key)
                aria-labelledby=tab_id(recommend_tab.key)
                tabindex="0"
                class:hidden=move || tab.get() != RECOMMEND_TAB
            >
                <RecommendPart state=state open=recommend_open/>
            </div>
        </div>
    }
}
