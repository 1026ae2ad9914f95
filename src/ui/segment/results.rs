//! What the Segment step found: the summary (k and why), the k sweep table with its curves,
//! the personas (editable names, rules, actions), the profile table and the views (PCA
//! scatter, profile chart, silhouette plot, dendrogram or k-distance curve).

use std::sync::Arc;

use leptos::prelude::*;

use crate::charts::Theme;
use crate::core::eda::Chart;
use crate::core::format::number;
use crate::core::segment::profile::Statistic;
use crate::core::segment::run::Algorithm;
use crate::protocol::{SegmentRow, SegmentView};
use crate::ui::components::chart::ChartView;
use crate::ui::components::{Header, ScrollTable};
use crate::ui::format::{duration, percent_text, thousands};
use crate::ui::state::AppState;

use super::SegmentForm;

/// Ids of the sweep charts, shown beside the k table.
const SWEEP_CHARTS: [&str; 2] = ["segment:elbow", "segment:silhouette_by_k"];

fn swatch(segment: usize) -> String {
    Theme::current().series(segment).css()
}

fn share(x: f64) -> String {
    percent_text(x * 100.0)
}

#[component]
fn Summary(state: AppState, view: Arc<SegmentView>) -> impl IntoView {
    let silhouette = view.silhouette.map(|s| {
        let sampled = view.silhouette_sample.map(|n| {
            format!("on a random sample of {} customers", thousands(n as u64))
        });
        view! {
            <div class="stat">
                <dt>"Silhouette"</dt>
                <dd data-testid="segment-silhouette" title=sampled.clone().unwrap_or_else(|| "exact, every customer".to_string())>
                    {format!("{s:.3}")}
                </dd>
            </div>
        }
    });
    let noise = (view.algorithm == Algorithm::Dbscan).then(|| {
        view! {
            <div class="stat">
                <dt>"Noise"</dt>
                <dd data-testid="segment-noise">{thousands(view.n_noise as u64)}</dd>
            </div>
        }
    });
    let notes = (!view.notes.is_empty()).then(|| {
        let items = view
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info" data-testid="segment-notes">{items}</ul> }
    });
    let features = view
        .features
        .iter()
        .map(|f| {
            let logged = view.log_features.contains(f);
            view! {
                <span class="chip" title=if logged { "log(1 + x), then standardized" } else { "standardized" }>
                    <span class="chip-value">{f.clone()}</span>
                    {logged.then(|| view! { <span class="chip-count">"log"</span> })}
                </span>
            }
        })
        .collect_view();
    let seed = view.params.seed;
    view! {
        <section
            class="card segment-summary"
            aria-labelledby="segment-summary-title"
            data-testid="segment-summary"
            data-k=view.k.to_string()
            data-segmented=view.n_segmented.to_string()
            data-elapsed-ms=format!("{:.0}", view.elapsed_ms)
            data-worker-memory=view.worker_memory_bytes.to_string()
        >
            <div class="card-head">
                <div>
                    <p class="eyebrow">{format!("{} · seed {seed}", view.algorithm.label())}</p>
                    <h2 id="segment-summary-title">{format!("{} segments", view.k)}</h2>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-segments"
                    title="The customer table with a segment column"
                    on:click=move |_| state.export_customers()
                >
                    "Download customers with segments"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="continue-predict-from-segment"
                    title="Predict an outcome for each customer, with the segment as a feature"
                    on:click=move |_| state.continue_to_predict()
                >
                    "Continue to Predict"
                </button>
            </div>
            <p class="segment-reason" data-testid="segment-reason">{view.reason.clone()}</p>
            <dl class="stat-tiles">
                <div class="stat">
                    <dt>"Customers segmented"</dt>
                    <dd data-testid="segment-count">
                        {thousands(view.n_segmented as u64)}
                        <span class="muted small">{format!(" of {}", thousands(view.n_customers as u64))}</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt>"Segments"</dt>
                    <dd data-testid="segment-k-value">{view.k.to_string()}</dd>
                </div>
                {silhouette}
                {noise}
                <div class="stat">
                    <dt>"Computed in (this tab)"</dt>
                    <dd>{duration(view.elapsed_ms)}</dd>
                </div>
            </dl>
            <div class="chips segment-feature-chips">{features}</div>
            {notes}
        </section>
    }
}

fn chart_card(chart: Chart) -> impl IntoView {
    let signal = Signal::stored(chart);
    view! {
        <div class="gallery-item">
            <ChartView chart=signal/>
        </div>
    }
}

#[component]
fn KSweepCard(state: AppState, form: SegmentForm, view: Arc<SegmentView>) -> impl IntoView {
    if view.metrics.is_empty() {
        return None;
    }
    let chosen = view.k;
    let suggested = view.suggested_k;
    let rows = view
        .metrics
        .iter()
        .map(|m| {
            let k = m.k;
            let badge = (suggested == Some(k))
                .then(|| view! { <span class="pill pill-on">"suggested"</span> });
            let use_k = move |_| {
                form.k.set(Some(k));
                form.run(state);
            };
            view! {
                <tr class:chosen=k == chosen data-k=k.to_string()>
                    <td class="num">{k.to_string()}" "{badge}</td>
                    <td class="num">{number(m.inertia)}</td>
                    <td class="num">{format!("{:.3}", m.silhouette)}</td>
                    <td class="num">{number(m.calinski_harabasz)}</td>
                    <td class="num">{format!("{:.3}", m.davies_bouldin)}</td>
                    <td>
                        {if k == chosen {
                            view! { <span class="muted small">"shown"</span> }.into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-secondary btn-small"
                                    data-testid="segment-use-k"
                                    data-k=k.to_string()
                                    disabled=move || state.segmenting.with(Option::is_some)
                                    on:click=use_k
                                >
                                    {format!("Use {k}")}
                                </button>
                            }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let sample = view.silhouette_sample.map(|n| {
        view! {
            <p class="muted small">
                {format!("Silhouette measured on a random sample of {} customers (the same sample for every k).", thousands(n as u64))}
            </p>
        }
    });
    let charts = move || {
        state
            .segment_charts
            .get()
            .into_iter()
            .filter(|c| SWEEP_CHARTS.contains(&c.id.as_str()))
            .map(chart_card)
            .collect_view()
    };
    Some(view! {
        <section class="card segment-sweep" aria-labelledby="segment-sweep-title">
            <div class="card-head">
                <h2 id="segment-sweep-title">"Choosing k"</h2>
                <p class="muted small">
                    "Higher silhouette and Calinski–Harabasz, lower Davies–Bouldin = better separated. Inertia always falls; look for its bend."
                </p>
            </div>
            <ScrollTable
                testid="segment-sweep"
                class="column-table sweep-table"
                headers=vec![
                    Header::num("k"),
                    Header::num("Inertia"),
                    Header::num("Silhouette"),
                    Header::num("Calinski–Harabasz"),
                    Header::num("Davies–Bouldin"),
                    Header::hidden("Use"),
                ]
            >
                {rows}
            </ScrollTable>
            {sample}
            <div class="gallery gallery-two" data-testid="segment-sweep-charts">{charts}</div>
        </section>
    })
}

fn persona_card(state: AppState, row: &SegmentRow, view: &SegmentView) -> impl IntoView {
    let segment = row.segment;
    let persona = move || {
        state
            .personas
            .with(|p| p.iter().find(|p| p.segment == segment).cloned())
    };
    let label = move || persona().map(|p| p.label).unwrap_or_default();
    let name = move || persona().map(|p| p.name).unwrap_or_default();
    let rule = move || persona().map(|p| p.rule).unwrap_or_default();
    let action = move || persona().map(|p| p.action).unwrap_or_default();
    let revenue = row.revenue_share.map(|r| {
        view! { <span class="persona-stat">{format!("{} of revenue", share(r))}</span> }
    });
    let membership = row.membership.map(|m| {
        view! { <span class="persona-stat" title="Mean probability of belonging to this segment">{format!("membership {:.2}", m)}</span> }
    });
    let n = view.n_segmented.max(1);
    view! {
        <article class="persona-card" data-testid="persona" data-segment=segment.to_string()>
            <div class="persona-head">
                <span class="persona-swatch" style:background-color=swatch(segment)></span>
                <input
                    type="text"
                    class="persona-label"
                    data-testid="persona-label"
                    aria-label=format!("Name of segment {}", segment + 1)
                    maxlength="60"
                    prop:value=label
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        if text.trim().is_empty() {
                            // Put the current name back.
                            state.personas.update(|_| {});
                        } else {
                            state.rename_segment(segment, text);
                        }
                    }
                />
            </div>
            <p class="persona-stats">
                <span class="persona-stat">{format!("{} customers", thousands(row.size as u64))}</span>
                <span class="persona-stat">{percent_text(row.size as f64 * 100.0 / n as f64)}</span>
                {revenue}
                {membership}
            </p>
            <p class="persona-rule">
                <span class="persona-key">{move || format!("{}: ", name())}</span>
                <span data-testid="persona-rule">{rule}</span>
            </p>
            <p class="persona-action">
                <span class="persona-key">"Action: "</span>
                <span data-testid="persona-action">{action}</span>
            </p>
        </article>
    }
}

#[component]
fn Personas(state: AppState, view: Arc<SegmentView>) -> impl IntoView {
    let cards = view
        .segments
        .iter()
        .map(|row| persona_card(state, row, &view))
        .collect_view();
    view! {
        <section class="card personas-card" aria-labelledby="personas-title">
            <div class="card-head">
                <h2 id="personas-title">"Personas"</h2>
                <p class="muted small">"Named from each segment's profile; the rule says why. Click a name to change it."</p>
            </div>
            <div class="personas" data-testid="personas">{cards}</div>
        </section>
    }
}

/// Background of a profile cell by its distance from all customers as the persona rules measure
/// it (`SegmentRow::levels`: ±1 at the naming threshold, 1.25 × / 0.8 × or ±0.25 sd): blue above,
/// orange below (the heatmap's colours), full at 8 thresholds (2 sd, about 6 ×); set through the
/// CSSOM, as the page's CSP refuses style attributes.
fn level_fill(level: Option<f64>) -> String {
    match level.filter(|l| !l.is_nan()) {
        Some(level) => {
            let t = (level / 8.0).clamp(-1.0, 1.0);
            Theme::current().diverging_at(t).alpha(0.55).css()
        }
        None => "transparent".to_string(),
    }
}

/// "mean 1,265.9 · median 977.9": both statistics, for a cell's tooltip.
fn both_statistics(mean: Option<f64>, median: Option<f64>) -> String {
    let text = |x: Option<f64>| x.map(number).unwrap_or_else(|| "—".to_string());
    format!("mean {} · median {}", text(mean), text(median))
}

/// The statistic a profile column is read by ("mean" past the end of the list).
fn statistic_of(view: &SegmentView, j: usize) -> Statistic {
    view.statistics.get(j).copied().unwrap_or_default()
}

/// The value a cell shows: the column's statistic.
fn shown(statistic: Statistic, mean: Option<f64>, median: Option<f64>) -> Option<f64> {
    match statistic {
        Statistic::Mean => mean,
        Statistic::Median => median,
    }
}

#[component]
fn ProfileTable(state: AppState, view: Arc<SegmentView>) -> impl IntoView {
    let n_focus = view.features.len();
    let show_all = RwSignal::new(false);
    let total = view.profile_features.len();
    let headers = view
        .profile_features
        .iter()
        .enumerate()
        .map(|(j, f)| {
            let hidden = move || j >= n_focus && !show_all.get();
            let statistic = statistic_of(&view, j).label();
            view! {
                <th scope="col" class="num" class:hidden=hidden data-feature=f.clone() data-statistic=statistic>
                    {f.clone()}
                    <span class="profile-statistic">{statistic}</span>
                </th>
            }
        })
        .collect_view();
    let has_revenue = view.segments.iter().any(|s| s.revenue_share.is_some());
    let has_membership = view.segments.iter().any(|s| s.membership.is_some());
    let rows = view
        .segments
        .iter()
        .map(|row| {
            let segment = row.segment;
            let label = move || {
                state.personas.with(|p| {
                    p.iter()
                        .find(|p| p.segment == segment)
                        .map(|p| p.label.clone())
                        .unwrap_or_else(|| format!("Segment {}", segment + 1))
                })
            };
            let cells = row
                .means
                .iter()
                .enumerate()
                .map(|(j, &mean)| {
                    let hidden = move || j >= n_focus && !show_all.get();
                    let median = row.medians.get(j).copied().flatten();
                    let level = row.levels.get(j).copied().flatten();
                    let value = shown(statistic_of(&view, j), mean, median);
                    view! {
                        <td class="num" class:hidden=hidden style:background-color=level_fill(level) title=both_statistics(mean, median)>
                            {value.map(number).unwrap_or_else(|| "—".to_string())}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-segment=segment.to_string()>
                    <td class="col-name">
                        <span class="persona-swatch" style:background-color=swatch(segment)></span>
                        " "{label}
                    </td>
                    <td class="num">{thousands(row.size as u64)}</td>
                    <td class="num">{share(row.share)}</td>
                    {has_revenue.then(|| view! { <td class="num">{row.revenue_share.map(share).unwrap_or_else(|| "—".to_string())}</td> })}
                    <td class="num">{row.silhouette.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".to_string())}</td>
                    {has_membership.then(|| view! { <td class="num">{row.membership.map(|m| format!("{m:.2}")).unwrap_or_else(|| "—".to_string())}</td> })}
                    {cells}
                </tr>
            }
        })
        .collect_view();
    // All segmented customers: what the persona rules compare each segment with.
    let all_cells = view
        .overall_means
        .iter()
        .enumerate()
        .map(|(j, &mean)| {
            let hidden = move || j >= n_focus && !show_all.get();
            let median = view.overall_medians.get(j).copied().flatten();
            let value = shown(statistic_of(&view, j), mean, median);
            view! {
                <td class="num" class:hidden=hidden title=both_statistics(mean, median)>
                    {value.map(number).unwrap_or_else(|| "—".to_string())}
                </td>
            }
        })
        .collect_view();
    let all_row = (!view.overall_means.is_empty()).then(|| {
        view! {
            <tfoot>
                <tr class="profile-all-customers" data-testid="profile-all-customers">
                    <th scope="row" class="col-name">"All customers"</th>
                    <td class="num">{thousands(view.n_segmented as u64)}</td>
                    <td class="num">{share(1.0)}</td>
                    {has_revenue.then(|| view! { <td class="num">{share(1.0)}</td> })}
                    <td class="num">{view.silhouette.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".to_string())}</td>
                    {has_membership.then(|| view! { <td class="num">"—"</td> })}
                    {all_cells}
                </tr>
            </tfoot>
        }
    });
    let toggle = (total > n_focus).then(|| {
        view! {
            <label class="switch-row compact">
                <input
                    type="checkbox"
                    class="switch"
                    data-testid="profile-all"
                    prop:checked=move || show_all.get()
                    on:change=move |ev| show_all.set(event_target_checked(&ev))
                />
                <span class="switch-text">
                    <span class="switch-title">{format!("All {total} numeric features")}</span>
                </span>
            </label>
        }
    });
    view! {
        <section class="card profile-card" aria-labelledby="profile-title">
            <div class="card-head">
                <h2 id="profile-title">"Segment profiles"</h2>
                <p class="muted small">"Each feature's median (skewed ones: spend, orders, days — a few big customers pull a mean up) or mean, as its header says; hover a cell for both. All customers in the last row: the persona rules compare with it. Colour = distance from all customers as the rules measure it (blue above, orange below, as in the correlation heatmap)."</p>
            </div>
            {toggle}
            <div class="table-scroll">
                <table class="column-table profile-table" data-testid="segment-profiles">
                    <thead>
                        <tr>
                            <th scope="col">"Segment"</th>
                            <th scope="col" class="num">"Customers"</th>
                            <th scope="col" class="num">"Share"</th>
                            {has_revenue.then(|| view! { <th scope="col" class="num">"Revenue"</th> })}
                            <th scope="col" class="num">"Silhouette"</th>
                            {has_membership.then(|| view! { <th scope="col" class="num">"Membership"</th> })}
                            {headers}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    {all_row}
                </table>
            </div>
        </section>
    }
}

#[component]
fn Views(state: AppState) -> impl IntoView {
    let charts = move || {
        state
            .segment_charts
            .get()
            .into_iter()
            .filter(|c| !SWEEP_CHARTS.contains(&c.id.as_str()))
            .map(chart_card)
            .collect_view()
    };
    view! {
        <section class="gallery-section" aria-labelledby="segment-views-title">
            <div class="gallery-head">
                <h2 id="segment-views-title">"Views"</h2>
            </div>
            <p class="muted small">
                "Hover a chart to read the values under the pointer; each chart downloads as a PNG."
            </p>
            <div class="gallery" data-testid="segment-gallery">{charts}</div>
        </section>
    }
}

#[component]
pub fn Results(state: AppState, form: SegmentForm, view: Arc<SegmentView>) -> impl IntoView {
    view! {
        <div class="segment-results" data-testid="segment-results">
            <Summary state=state view=view.clone()/>
            <Personas state=state view=view.clone()/>
            <ProfileTable state=state view=view.clone()/>
            <Views state=state/>
            <KSweepCard state=state form=form view=view.clone()/>
        </div>
    }
}
