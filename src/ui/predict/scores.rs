//! Every customer with the top model's probability: pages from the worker in the chosen order,
//! and the whole list as a CSV download.

use leptos::prelude::*;

use crate::core::predict::view::ScoreOrder;
use crate::protocol::PreviewPage;
use crate::ui::components::{GridColumn, PagedGrid};
use crate::ui::state::{AppState, SCORES_PAGE};

const ORDERS: [(ScoreOrder, &str, &str); 3] = [
    (
        ScoreOrder::ProbabilityDesc,
        "probability_desc",
        "Most likely first",
    ),
    (
        ScoreOrder::ProbabilityAsc,
        "probability_asc",
        "Least likely first",
    ),
    (ScoreOrder::Table, "table", "Table order"),
];

#[component]
pub fn ScoresCard(state: AppState, model_label: String) -> impl IntoView {
    let order = Memo::new(move |_| {
        state
            .scores
            .with(|s| s.as_ref().map_or(ScoreOrder::ProbabilityDesc, |s| s.order))
    });
    let columns = Signal::derive(move || {
        state.scores.with(|s| {
            s.as_ref()
                .map(|s| {
                    s.header
                        .iter()
                        .enumerate()
                        .map(|(i, name)| GridColumn {
                            name: name.clone(),
                            numeric: i == 1,
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let page = Signal::derive(move || {
        state.scores.with(|s| {
            s.as_ref()
                .map(|s| s.page.clone())
                .unwrap_or_else(PreviewPage::default)
        })
    });
    let options = ORDERS
        .into_iter()
        .map(|(o, key, text)| view! { <option value=key selected=move || order.get() == o>{text}</option> })
        .collect_view();
    let on_order = move |ev| {
        let key = event_target_value(&ev);
        if let Some((o, _, _)) = ORDERS.into_iter().find(|(_, k, _)| *k == key) {
            state.show_scores(o, 0);
        }
    };
    view! {
        <section class="predict-scores" data-testid="predict-scores-card">
            <div class="scores-toolbar">
                <p class="muted small">
                    {format!("Probabilities from {model_label}, the leaderboard’s top model. ")}
                    "“part” says whether the model trained on the customer (train), was tested on it (test) or had no outcome to learn from (unlabelled)."
                </p>
                <label class="field field-inline">
                    <span class="field-label">"Order"</span>
                    <select class="select-compact" data-testid="predict-score-order" on:change=on_order>
                        {options}
                    </select>
                </label>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-scores"
                    title="Every customer with the probability, most likely first"
                    on:click=move |_| state.export_scores()
                >
                    "Download scored customers (CSV)"
                </button>
            </div>
            <PagedGrid
                title="Scored customers"
                testid="predict-scores"
                columns=columns
                page=page
                page_size=SCORES_PAGE
                on_page=Callback::new(move |offset| state.show_scores(order.get_untracked(), offset))
            />
        </section>
    }
}
