//! Step 2, Explore: from the loaded data to a clean, explained customer table with EDA charts.
//!
//! The form ([`setup`]) sends one [`crate::protocol::Command::Explore`]; the worker builds the
//! customer table, cleans it and computes the default charts; the results ([`results`],
//! [`gallery`]) render the view it sends back. No numeric work happens here.

mod gallery;
mod results;
mod setup;

use std::sync::Arc;

use leptos::prelude::*;

use crate::ui::components::{GridColumn, PagedGrid, StepProblem, StepProgress};
use crate::ui::state::{AppState, Step, PREVIEW_PAGE};

#[component]
pub fn ExploreStep(state: AppState) -> impl IntoView {
    // A fresh form per dataset (its role selects start from the detected roles).
    let setup = view! {
        <For
            each=move || state.dataset.get()
            key=|dataset| Arc::as_ptr(dataset) as usize
            children=move |dataset| view! { <setup::SetupCard state=state shape=dataset.shape.shape/> }
        />
    };
    let results = view! {
        <For
            each=move || state.explored.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| {
                let columns: Vec<GridColumn> = view
                    .header
                    .iter()
                    .enumerate()
                    .map(|(i, name)| GridColumn {
                        name: name.clone(),
                        numeric: i > 0 && view.features.get(i - 1).is_some_and(|f| f.numeric),
                    })
                    .collect();
                view! {
                    <div class="explore-results" data-testid="explore-results">
                        <results::Overview state=state view=view.clone()/>
                        <results::Receipt view=view.clone()/>
                        <gallery::Gallery state=state view=view.clone()/>
                        <results::FeatureTable state=state view=view.clone()/>
                        <PagedGrid
                            title="Customer table"
                            testid="customer-grid"
                            columns=Signal::stored(columns)
                            page=state.customer_page
                            page_size=PREVIEW_PAGE
                            on_page=Callback::new(move |offset| state.show_customers(offset))
                        />
                    </div>
                }
            }
        />
    };
    let stale = move || {
        state.explore_stale.get().then(|| {
            view! {
                <div class="banner banner-info" role="status">
                    <span class="banner-icon" aria-hidden="true">"i"</span>
                    <div class="banner-body">
                        <p class="banner-message">
                            "Column types or roles changed in the Data step since this table was built. Rebuild it to use them."
                        </p>
                    </div>
                </div>
            }
        })
    };
    view! {
        <div class="step explore-step" class:hidden=move || state.step.get() != Step::Explore>
            <div class="step-intro">
                <h1 tabindex="-1" data-step-heading="explore">"Explore"</h1>
                <p class="lead">
                    "Turn the loaded data into one clean row per customer — recency, frequency, "
                    "spend, RFM segments — see exactly what cleaning did, and chart any feature."
                </p>
            </div>
            {setup}
            <StepProgress state=state progress=state.exploring testid="explore-progress" cancel_testid="explore-cancel" label="Explore progress"/>
            <StepProblem problem=state.explore_problem testid="explore-error"/>
            {stale}
            {results}
        </div>
    }
}
