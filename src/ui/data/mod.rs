//! Step 1, Data: load a file or a sample, see how it was read, fix types and roles, preview it;
//! or, for a basket-list file, read it as baskets and see what they hold.

mod baskets;
mod columns;
mod dialect;
mod load;
mod preview;
mod summary;

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::components::{ErrorBanner, ReadProgress};
use crate::ui::state::{AppState, Step};

#[component]
pub fn DataStep(state: AppState) -> impl IntoView {
    // Keyed by the dataset itself: each load draws fresh cards (and fresh `<select>`s).
    let loaded = view! {
        <For
            each=move || state.dataset.get()
            key=|dataset| Arc::as_ptr(dataset) as usize
            children=move |dataset| {
                let n_rows = dataset.n_rows;
                // The table stays drawn (hidden) while the file is read as baskets.
                let as_baskets = move || state.basket_list.with(Option::is_some);
                view! {
                    <baskets::BasketOffer state=state dataset=dataset.clone()/>
                    <div class="table-view" class:hidden=as_baskets>
                        <div class="overview-grid">
                            <summary::DatasetSummary state=state dataset=dataset.clone()/>
                            <dialect::DialectCard state=state dataset=dataset/>
                        </div>
                        <columns::ColumnTable state=state n_rows=n_rows/>
                        <preview::PreviewGrid state=state/>
                        <div class="next-step">
                            <p class="muted">"Types and roles look right?"</p>
                            <button
                                type="button"
                                class="btn btn-primary"
                                data-testid="go-explore"
                                on:click=move |_| {
                                    state.step.set(Step::Explore);
                                    scroll_to_top();
                                }
                            >
                                "Continue to Explore ›"
                            </button>
                        </div>
                    </div>
                }
            }
        />
    };
    let basket_list = move || {
        state
            .basket_list
            .get()
            .map(|view| view! { <baskets::BasketListPanel state=state view=view/> })
    };
    view! {
        <div class="step data-step" class:hidden=move || state.step.get() != Step::Data>
            <div class="step-intro">
                <h1 tabindex="-1" data-step-heading="data">"Data"</h1>
                <p class="lead">
                    "Load a customer table (one row per customer) or a transaction table "
                    "(one row per purchase line). Custos detects the format, the column types "
                    "and what each column means; check them below before moving on."
                </p>
            </div>
            <load::LoadPanel state=state/>
            <ReadProgress state=state/>
            <ErrorBanner state=state/>
            {loaded}
            {basket_list}
        </div>
    }
}

fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}
