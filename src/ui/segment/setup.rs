//! The Segment step's form: features, log transform, algorithm, number of segments (or the
//! DBSCAN radius), seed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::segment::run::Algorithm;
use crate::protocol::ExploreView;
use crate::ui::components::{decimal_field, number_field, seed_field, switch_field};
use crate::ui::state::AppState;

use super::SegmentForm;

/// Largest k the form offers.
pub const K_LIMIT: usize = 15;

const ALGORITHMS: [(Algorithm, &str, &str); 4] = [
    (
        Algorithm::KMeans,
        "kmeans",
        "Compact groups around a centre; fast on any size. The usual first choice.",
    ),
    (
        Algorithm::Hierarchical,
        "hierarchical",
        "Merges the closest groups step by step (Ward); shows the tree. Samples 5,000 customers \
         on large tables.",
    ),
    (
        Algorithm::Dbscan,
        "dbscan",
        "Finds dense regions of any shape and leaves outliers out as noise; no k to choose.",
    ),
    (
        Algorithm::Gmm,
        "gmm",
        "Overlapping oval groups with a probability of belonging for each customer.",
    ),
];

#[component]
pub fn SetupCard(state: AppState, form: SegmentForm, view: Arc<ExploreView>) -> impl IntoView {
    let busy =
        move || state.segmenting.with(Option::is_some) || state.exploring.with(Option::is_some);
    let numeric: Vec<(String, String)> = view
        .features
        .iter()
        .filter(|f| f.numeric)
        .map(|f| (f.name.clone(), f.description.clone()))
        .collect();
    let n_numeric = numeric.len();
    let feature_boxes = numeric
        .into_iter()
        .map(|(name, description)| {
            let key = name.clone();
            let checked = {
                let key = key.clone();
                move || form.features.with(|f| f.contains(&key))
            };
            view! {
                <label class="feature-check" title=description.clone()>
                    <input
                        type="checkbox"
                        data-testid="segment-feature"
                        data-feature=name.clone()
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let key = key.clone();
                            form.features.update(|features| {
                                features.retain(|f| *f != key);
                                if on {
                                    features.push(key);
                                }
                            });
                        }
                    />
                    <span class="feature-check-name">{name.clone()}</span>
                </label>
            }
        })
        .collect_view();
    let algorithm_cards = ALGORITHMS
        .into_iter()
        .map(|(algorithm, key, hint)| {
            let chosen = move || form.algorithm.get() == algorithm;
            view! {
                <label class="radio-card" class:chosen=chosen>
                    <input
                        type="radio"
                        name="segment-algorithm"
                        data-testid=format!("algo-{key}")
                        prop:checked=chosen
                        on:change=move |_| form.algorithm.set(algorithm)
                    />
                    <span>
                        <strong>{algorithm.label()}</strong>
                        <span class="muted small">" — "{hint}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    let k_options = move || {
        let current = form.k.get();
        (2..=K_LIMIT)
            .map(|k| {
                view! { <option value=k.to_string() selected=current == Some(k)>{k.to_string()}</option> }
            })
            .collect_view()
    };
    let takes_k = move || form.algorithm.get().takes_k();
    let run = move |_| form.run(state);
    view! {
        <section class="card setup-card segment-setup" aria-labelledby="segment-setup-title">
            <div class="card-head">
                <h2 id="segment-setup-title">"Segment the customers"</h2>
                <p class="muted small">
                    {format!("{} customers · {n_numeric} numeric features", crate::ui::format::thousands(view.n_customers as u64))}
                </p>
            </div>
            <div class="segment-form">
                <fieldset class="segment-features">
                    <legend class="field-label">"Segment on"</legend>
                    <div class="feature-checks">{feature_boxes}</div>
                    <p class="muted small">
                        {move || format!("{} chosen. Every feature is standardized (mean 0, sd 1) so each counts the same.", form.features.with(Vec::len))}
                    </p>
                    {switch_field(
                        "segment-log",
                        "Log-transform skewed features first",
                        "Spend and order counts are long-tailed: without log(1 + x) a few big customers decide the segments",
                        form.log_skewed,
                    )}
                </fieldset>
                <fieldset class="segment-algorithms">
                    <legend class="field-label">"Algorithm"</legend>
                    {algorithm_cards}
                </fieldset>
                <div class="segment-numbers">
                    <div class="segment-k" class:hidden=move || !takes_k()>
                        <label class="field field-inline">
                            <span class="field-label">"Segments (k)"</span>
                            <select
                                class="select-compact"
                                data-testid="segment-k"
                                on:change=move |ev| form.k.set(event_target_value(&ev).parse::<usize>().ok())
                            >
                                <option value="" selected=move || form.k.get().is_none()>"Suggested"</option>
                                {k_options}
                            </select>
                        </label>
                        {number_field("Try k from", "segment-k-min", form.k_min, 2, K_LIMIT)}
                        {number_field("to", "segment-k-max", form.k_max, 2, K_LIMIT)}
                    </div>
                    <div class="segment-dbscan" class:hidden=takes_k>
                        {decimal_field("eps (radius)", "segment-eps", form.eps, "auto")}
                        {number_field("Min points", "segment-min-points", form.min_points, 2, 1000)}
                        <span class="muted small">"Empty eps: the knee of the k-distance curve."</span>
                    </div>
                    {seed_field("segment-seed", form.seed)}
                </div>
            </div>
            <div class="setup-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="segment-run"
                    disabled=busy
                    on:click=run
                >
                    {move || if state.segmented.with(Option::is_some) { "Segment again" } else { "Find segments" }}
                </button>
                <span class="muted small">"Same seed, same segments. Runs in the background."</span>
            </div>
            {move || form.error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="segment-form-error">{e}</p> })}
        </section>
    }
}
