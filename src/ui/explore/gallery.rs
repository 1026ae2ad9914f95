//! The chart gallery: charts the user picked (newest first, removable) above the default ones.
//! Drawing is done by [`crate::ui::components::chart::ChartView`]; the worker sends the data.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::eda::Chart;
use crate::protocol::ExploreView;
use crate::ui::components::chart::ChartView;
use crate::ui::state::AppState;

fn chart_card(chart: Chart, remove: Option<Callback<()>>) -> impl IntoView {
    let signal = Signal::stored(chart);
    view! {
        <div class="gallery-item">
            {remove.map(|remove| view! {
                <button
                    type="button"
                    class="btn-icon gallery-remove"
                    aria-label="Remove this chart"
                    title="Remove this chart"
                    on:click=move |_| remove.run(())
                >
                    "×"
                </button>
            })}
            <ChartView chart=signal/>
        </div>
    }
}

#[component]
pub fn Gallery(state: AppState, view: Arc<ExploreView>) -> impl IntoView {
    let picked_name = RwSignal::new(String::new());
    let options = view
        .features
        .iter()
        .map(|f| {
            let kind = if f.numeric {
                "histogram + box plot"
            } else {
                "bar chart"
            };
            view! { <option value=f.name.clone()>{format!("{} — {kind}", f.name)}</option> }
        })
        .collect_view();
    let add = move |_| {
        let name = picked_name.get_untracked();
        if !name.is_empty() {
            state.chart_features(vec![name]);
        }
    };
    let picked = view! {
        <For
            each=move || state.picked_charts.get()
            key=|chart| chart.id.clone()
            children=move |chart| {
                let id = chart.id.clone();
                chart_card(chart, Some(Callback::new(move |_| state.remove_chart(&id))))
            }
        />
    };
    let defaults = view
        .charts
        .iter()
        .cloned()
        .map(|chart| chart_card(chart, None))
        .collect_view();
    view! {
        <section class="gallery-section" aria-labelledby="gallery-title">
            <div class="gallery-head">
                <h2 id="gallery-title">"Charts"</h2>
                <div class="gallery-picker">
                    <label class="field field-inline">
                        <span class="field-label">"Chart a feature"</span>
                        <select
                            data-testid="chart-picker"
                            on:change=move |ev| picked_name.set(event_target_value(&ev))
                        >
                            <option value="" selected>"Choose a feature…"</option>
                            {options}
                        </select>
                    </label>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="chart-add"
                        disabled=move || picked_name.with(String::is_empty)
                        on:click=add
                    >
                        "Add chart"
                    </button>
                </div>
            </div>
            <p class="muted small">
                "Hover a chart to read the values under the pointer; each chart downloads as a PNG."
            </p>
            <div class="gallery" data-testid="gallery">
                {picked}
                {defaults}
            </div>
        </section>
    }
}
