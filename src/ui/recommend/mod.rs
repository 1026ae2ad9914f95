//! Step 5, Value & Recommend — its second part, Recommendations: what is bought together
//! (association rules, co-occurrence) and what to offer each customer next, checked on the
//! purchases after a cutoff against the bestsellers.
//!
//! The form ([`setup`]) sends one [`crate::protocol::Command::Recommend`]; the worker forms the
//! baskets, mines the rules, scores every method on a time holdout (the method chosen on the
//! training period alone), recommends to every customer and per segment, one step at a time
//! (progress, cancel), and sends a [`RecommendView`] which [`results`] renders: the summary and
//! the baskets used, the evaluation, the per-customer lists ([`customers`], paged by the
//! worker), the per-segment cards ([`segments`]), the rules ([`rules`], sorted, filtered and
//! paged by the worker), "bought with" for any product ([`items`]) and the charts.
//!
//! Everything is driven by [`RecommendSetup::from_basket_list`] / [`RecommendView`]'s: a basket
//! list (no customers, no dates) hides the holdout, method, top-N and "already bought" fields
//! and the evaluation, customer and segment sections, and says why instead. No numeric work
//! here beyond reading what the user typed.

mod customers;
pub mod input;
mod items;
mod results;
mod rules;
mod segments;
mod setup;

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::recommend::holdout::Method;
use crate::core::recommend::run::RecommendParams;
use crate::core::recommend::view::RecommendSetup;
use crate::ui::components::{StepProblem, StepProgress};
use crate::ui::state::AppState;

use input::{
    parse_cutoff, parse_max_len, parse_min_confidence, parse_min_support, parse_top, percent_text,
};

/// What the form's defaults depend on: other data resets them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DataKind {
    from_basket_list: bool,
    baskets: usize,
    items: usize,
    first_day: Option<String>,
    last_day: Option<String>,
}

/// The form's choices, as typed.
#[derive(Clone, Copy)]
pub struct RecommendForm {
    /// % of the baskets.
    pub min_support: RwSignal<String>,
    /// %.
    pub min_confidence: RwSignal<String>,
    pub max_len: RwSignal<String>,
    /// `None`: the best on the training period.
    pub method: RwSignal<Option<Method>>,
    pub top: RwSignal<String>,
    /// `YYYY-MM-DD`; empty = the setup's default cutoff.
    pub cutoff: RwSignal<String>,
    pub exclude_bought: RwSignal<bool>,
    /// Keep postage, fees and other service lines in the baskets.
    pub keep_service_items: RwSignal<bool>,
    pub seed: RwSignal<u64>,
    /// Why the form cannot be sent, shown under the button.
    pub error: RwSignal<Option<String>>,
    adopted_for: RwSignal<Option<DataKind>>,
}

impl RecommendForm {
    fn new() -> RecommendForm {
        let form = RecommendForm {
            min_support: RwSignal::new(String::new()),
            min_confidence: RwSignal::new(String::new()),
            max_len: RwSignal::new(String::new()),
            method: RwSignal::new(None),
            top: RwSignal::new(String::new()),
            cutoff: RwSignal::new(String::new()),
            exclude_bought: RwSignal::new(true),
            keep_service_items: RwSignal::new(false),
            seed: RwSignal::new(RecommendParams::DEFAULT_SEED),
            error: RwSignal::new(None),
            adopted_for: RwSignal::new(None),
        };
        form.reset(&RecommendParams::new());
        form
    }

    fn reset(self, defaults: &RecommendParams) {
        self.min_support.set(percent_text(defaults.min_support));
        self.min_confidence
            .set(percent_text(defaults.min_confidence));
        self.max_len.set(defaults.max_len.to_string());
        self.method.set(defaults.method);
        self.top.set(defaults.top.to_string());
        self.cutoff.set(String::new());
        self.exclude_bought.set(defaults.exclude_bought);
        self.keep_service_items.set(defaults.keep_service_items);
        self.seed.set(defaults.seed);
    }

    /// Fit the form to a new setup: other data → the setup's defaults; the same data (asked
    /// again after a segmentation, say) keeps what the user typed.
    fn adopt(self, setup: &RecommendSetup) {
        let kind = DataKind {
            from_basket_list: setup.from_basket_list,
            baskets: setup.baskets,
            items: setup.items,
            first_day: setup.first_day.clone(),
            last_day: setup.last_day.clone(),
        };
        if self.adopted_for.get_untracked().as_ref() != Some(&kind) {
            self.adopted_for.set(Some(kind));
            self.reset(&setup.defaults);
        }
        self.error.set(None);
    }

    /// The parameters, or the first thing wrong with the form. A basket list keeps the
    /// defaults of the fields it hides.
    pub fn params(self, setup: &RecommendSetup) -> Result<RecommendParams, String> {
        let defaults = &setup.defaults;
        let min_support = parse_min_support(&self.min_support.get_untracked())?;
        let min_confidence = parse_min_confidence(&self.min_confidence.get_untracked())?;
        let max_len = parse_max_len(&self.max_len.get_untracked())?;
        if setup.from_basket_list {
            return Ok(RecommendParams {
                min_support,
                min_confidence,
                max_len,
                keep_service_items: self.keep_service_items.get_untracked(),
                ..defaults.clone()
            });
        }
        let top = parse_top(&self.top.get_untracked())?;
        let cutoff = parse_cutoff(&self.cutoff.get_untracked(), setup)?;
        Ok(RecommendParams {
            min_support,
            min_confidence,
            max_len,
            method: self.method.get_untracked(),
            top,
            cutoff,
            exclude_bought: self.exclude_bought.get_untracked(),
            seed: self.seed.get_untracked(),
            evaluate: defaults.evaluate,
            keep_service_items: self.keep_service_items.get_untracked(),
        })
    }

    /// Send the form to the worker, or show what is wrong with it.
    pub fn run(self, state: AppState, setup: &RecommendSetup) {
        match self.params(setup) {
            Ok(params) => {
                self.error.set(None);
                state.recommend(params);
            }
            Err(message) => self.error.set(Some(message)),
        }
    }
}

/// A worker-paged list's first row, rows shown and rows matching (`None` before a page).
pub type PageCounts = Option<(usize, usize, usize)>;

/// The pager's signals (first row, rows shown, rows matching) from a page's counts.
pub fn pager_signals(counts: Memo<PageCounts>) -> (Signal<usize>, Signal<usize>, Signal<usize>) {
    let at = move |k: usize| {
        Signal::derive(move || {
            counts.get().map_or(0, |(offset, shown, matching)| {
                [offset, shown, matching][k.min(2)]
            })
        })
    };
    (at(0), at(1), at(2))
}

/// Another job holds the worker.
fn busy(state: AppState) -> bool {
    state.recommending.with(Option::is_some)
        || state.valuing.with(Option::is_some)
        || state.predicting.with(Option::is_some)
        || state.exploring.with(Option::is_some)
        || state.segmenting.with(Option::is_some)
}

/// The Recommendations part of the step: the form, the progress, the last error and the
/// results. `open`: the part is on screen (its form is asked for then, when missing).
#[component]
pub fn RecommendPart(state: AppState, #[prop(into)] open: Signal<bool>) -> impl IntoView {
    let form = RecommendForm::new();
    // The form's choices come from the worker, asked for when the part is on screen and they
    // are missing (first opening, or dropped because the data, the table or the segments
    // changed).
    Effect::new(move |_| {
        let missing = state.recommend_setup.with(Option::is_none);
        if open.get() && missing {
            state.ask_recommend_setup();
        }
    });
    Effect::new(move |_| {
        if let Some(setup) = state.recommend_setup.get() {
            form.adopt(&setup);
        }
    });
    let setup = view! {
        <For
            each=move || state.recommend_setup.get()
            key=|setup| Arc::as_ptr(setup) as usize
            children=move |setup| view! { <setup::SetupCard state=state form=form setup=setup/> }
        />
    };
    let results = view! {
        <For
            each=move || state.recommended.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| view! { <results::Results state=state view=view/> }
        />
    };
    // The form could not be made (no purchase lines with products): say why, where the form
    // would be, with a way to ask again once the data is fixed.
    let unavailable = move || {
        if state.recommend_setup.with(Option::is_some) {
            return None;
        }
        let message = state.recommend_problem.get()?;
        Some(view! {
            <section class="card recommend-unavailable" data-testid="recommend-unavailable" role="alert">
                <h3 class="card-title">"Recommendations are not available for this data"</h3>
                <p>{message}</p>
                <button
                    type="button"
                    class="btn btn-secondary"
                    on:click=move |_| {
                        state.recommend_problem.set(None);
                        state.ask_recommend_setup();
                    }
                >
                    "Check again"
                </button>
            </section>
        })
    };
    let waiting = move || {
        (state.recommend_setup.with(Option::is_none) && state.recommend_problem.with(Option::is_none))
            .then(|| view! { <p class="muted" data-testid="recommend-setup-loading">"Forming the baskets from the purchase lines…"</p> })
    };
    // The banner shows a run's errors; a missing form says its own (above).
    let banner = move || {
        state.recommend_setup.with(Option::is_some).then(
            || view! { <StepProblem problem=state.recommend_problem testid="recommend-error"/> },
        )
    };
    view! {
        <div class="value-part recommend-part" data-testid="recommend-part">
            <h2 class="part-title visually-hidden">"Recommendations"</h2>
            {waiting}
            {unavailable}
            {setup}
            <StepProgress state=state progress=state.recommending testid="recommend-progress" cancel_testid="recommend-cancel" label="Recommendations progress"/>
            {banner}
            {results}
        </div>
    }
}
