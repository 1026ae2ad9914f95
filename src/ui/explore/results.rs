//! What the Explore step built: the overview (counts, reference date, notes, export), the
//! cleaning receipt with the fitted parameters, and the feature summary.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::customer_table::CustomerSource;
use crate::core::explore::FeatureSummary;
use crate::protocol::ExploreView;
use crate::ui::components::{Header, ReceiptTable, ScrollTable};
use crate::ui::format::{duration, thousands};
use crate::ui::state::AppState;

#[component]
pub fn Overview(state: AppState, view: Arc<ExploreView>) -> impl IntoView {
    let source_text = match view.source {
        CustomerSource::Transactions => "Built from purchase lines",
        CustomerSource::CustomerFile => "One row per customer, as loaded",
    };
    let lines = view.lines_used.map(|n| {
        view! {
            <div class="stat">
                <dt>"Purchase lines used"</dt>
                <dd data-testid="explore-lines">{thousands(n)}</dd>
            </div>
        }
    });
    let reference = view.reference_date.clone().map(|date| {
        view! {
            <div class="stat">
                <dt>"Reference date"</dt>
                <dd data-testid="explore-reference">{date}</dd>
            </div>
        }
    });
    let notes = (!view.notes.is_empty()).then(|| {
        let items = view
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info" data-testid="explore-notes">{items}</ul> }
    });
    view! {
        <section
            class="card explore-overview"
            aria-labelledby="overview-title"
            data-testid="explore-overview"
            data-customers=view.n_customers.to_string()
            data-elapsed-ms=format!("{:.0}", view.elapsed_ms)
            data-worker-memory=view.worker_memory_bytes.to_string()
        >
            <div class="card-head">
                <div>
                    <p class="eyebrow">{source_text}</p>
                    <h2 id="overview-title">"Customer table"</h2>
                </div>
                <div class="card-actions">
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="export-customers"
                        title="The customer table as built, in natural units: blank cells stay blank"
                        on:click=move |_| state.export_customers()
                    >
                        "Download CSV"
                    </button>
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="continue-segment"
                        title="Segment these customers with the suggested settings"
                        on:click=move |_| state.continue_to_segment()
                    >
                        "Continue to Segment"
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="continue-predict"
                        title="Predict an outcome (buy, churn, respond) for each customer"
                        on:click=move |_| state.continue_to_predict()
                    >
                        "Predict"
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="continue-value"
                        title="What each customer is worth: purchases to expect, P(alive), CLV"
                        on:click=move |_| state.continue_to_value()
                    >
                        "Value"
                    </button>
                </div>
            </div>
            <dl class="stat-tiles explore-tiles">
                <div class="stat">
                    <dt>"Customers"</dt>
                <dd data-testid="explore-customers">{thousands(view.n_customers as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"Features"</dt>
                <dd data-testid="explore-features">{thousands(view.features.len() as u64)}</dd>
                </div>
                {lines}
                {reference}
                <div class="stat">
                    <dt>"Built in (this tab)"</dt>
                <dd>{duration(view.elapsed_ms)}</dd>
                </div>
            </dl>
            {notes}
            <p class="muted small" data-testid="export-note">
                "Download CSV and the customer table at the end of this page hold the values as built, "
                "in natural units: a missing or not-defined value stays blank. Filling, scaling and "
                "encoding (on the receipt) prepare the charts and models, not the file."
            </p>
        </section>
    }
}

#[component]
pub fn Receipt(view: Arc<ExploreView>) -> impl IntoView {
    let fitted = (!view.fitted.is_empty()).then(|| {
        let items = view
            .fitted
            .iter()
            .map(|line| view! { <li>{line.clone()}</li> })
            .collect_view();
        view! {
            <details class="fitted">
                <summary>"Fitted parameters (kept to apply the same cleaning to new data)"</summary>
                <ul class="fitted-list">{items}</ul>
            </details>
        }
    });
    view! {
        <section class="card receipt-card" aria-labelledby="receipt-title">
            <div class="card-head">
                <h2 id="receipt-title">"Cleaning receipt"</h2>
                <p class="muted small">"In the order applied."</p>
            </div>
            <ReceiptTable testid="receipt" lines=view.receipt.clone()/>
            {fitted}
        </section>
    }
}

fn feature_row(state: AppState, feature: &FeatureSummary, n: usize) -> impl IntoView {
    let missing_pct = if n == 0 {
        0.0
    } else {
        feature.missing as f64 * 100.0 / n as f64
    };
    let missing_text = if feature.missing == 0 {
        "0".to_string()
    } else {
        format!(
            "{} ({:.1}%)",
            thousands(feature.missing as u64),
            missing_pct
        )
    };
    let values = match &feature.stats {
        Some(stats) => view! {
            <td class="num">{stats.min_text.clone()}</td>
            <td class="num">{stats.median_text.clone()}</td>
            <td class="num">{stats.mean_text.clone()}</td>
            <td class="num">{stats.max_text.clone()}</td>
        }
        .into_any(),
        // A category's levels go under "Most frequent", not under Min…Max.
        None => view! { <td class="num no-stats" colspan="4"></td> }.into_any(),
    };
    let chips = feature
        .top
        .iter()
        .map(|(level, count)| {
            view! {
                <span class="chip" title=level.clone()>
                    <span class="chip-value">{level.clone()}</span>
                    <span class="chip-count">{thousands(*count as u64)}</span>
                </span>
            }
        })
        .collect_view();
    let top = view! { <td class="top-values"><div class="chips">{chips}</div></td> };
    let name = feature.name.clone();
    view! {
        <tr>
            <td class="col-name">
                <span class="col-name-text">{feature.name.clone()}</span>
                <span class="col-format">{feature.description.clone()}</span>
            </td>
            <td>{if feature.numeric { "numeric" } else { "category" }}</td>
            <td class="num">{missing_text}</td>
            <td class="num">{thousands(feature.distinct as u64)}</td>
            {values}
            {top}
            <td>
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    data-testid="chart-feature"
                    data-feature=feature.name.clone()
                    title=format!("Chart {}", feature.name)
                    on:click=move |_| state.chart_features(vec![name.clone()])
                >
                    "Chart"
                </button>
            </td>
        </tr>
    }
}

#[component]
pub fn FeatureTable(state: AppState, view: Arc<ExploreView>) -> impl IntoView {
    let n = view.n_customers;
    let rows = view
        .features
        .iter()
        .map(|feature| feature_row(state, feature, n))
        .collect_view();
    view! {
        <section class="card columns-card" aria-labelledby="features-title">
            <div class="card-head">
                <h2 id="features-title">"Features"</h2>
                <p class="muted small">"As built, in natural units: Missing counts blank cells, missing or not defined. “Chart” adds its charts to the gallery."</p>
            </div>
            <ScrollTable
                testid="feature-summary"
                class="column-table"
                headers=vec![
                    Header::text("Feature"),
                    Header::text("Kind"),
                    Header::num("Missing"),
                    Header::num("Distinct"),
                    Header::num("Min"),
                    Header::num("Median"),
                    Header::num("Mean"),
                    Header::num("Max"),
                    Header::text("Most frequent"),
                    Header::hidden("Chart"),
                ]
            >
                {rows}
            </ScrollTable>
        </section>
    }
}
