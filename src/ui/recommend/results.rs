//! What the Recommend step found: the summary (baskets, products, itemsets, rules, the method
//! used and why, how it compares with the bestsellers), the notes, the baskets used, the
//! evaluation on the time holdout (a row per method, on all products and on new ones, the
//! chosen method marked, the validation it was chosen by) with its chart, then the
//! per-customer lists, the per-segment cards, the rules, "bought with" and the charts of what
//! sells and what goes together.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::eda::Chart;
use crate::core::recommend::holdout::Method;
use crate::core::recommend::view::{EvaluationRow, EvaluationView, Metrics, RecommendView};
use crate::ui::components::chart::ChartView;
use crate::ui::format::{duration, percent_text, thousands};
use crate::ui::state::AppState;

use super::customers::CustomersCard;
use super::items::ItemsCard;
use super::rules::RulesCard;
use super::segments::SegmentsCard;

/// A share (0.25) as a percentage cell (`25.0%`).
pub fn share(x: f64) -> String {
    if x.is_finite() {
        percent_text(x * 100.0)
    } else {
        "—".to_string()
    }
}

/// A lift or a ratio: `3.41×`.
pub fn times(x: f64) -> String {
    if !x.is_finite() {
        "∞".to_string()
    } else if x >= 100.0 {
        format!("{}×", thousands(x.round() as u64))
    } else {
        format!("{x:.2}×")
    }
}

/// The chart of `id`, if the run made it.
pub fn chart_of(view: &RecommendView, id: &str) -> Option<Chart> {
    view.charts.iter().find(|c| c.id == id).cloned()
}

/// A chart in a gallery cell.
pub fn chart_item(chart: Chart) -> impl IntoView {
    let signal = Signal::stored(chart);
    view! { <div class="gallery-item"><ChartView chart=signal/></div> }
}

fn method_key(method: Option<Method>) -> String {
    method.map_or(String::new(), |m| m.key().to_string())
}

#[component]
fn Summary(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    let params = &view.params;
    let mut eyebrow = vec![
        format!("Support ≥ {}", share(params.min_support)),
        format!("confidence ≥ {}", share(params.min_confidence)),
        format!("up to {} products an itemset", params.max_len),
    ];
    if !view.from_basket_list {
        if let Some(e) = &view.evaluation {
            eyebrow.push(format!("cutoff {}", e.cutoff));
        }
        eyebrow.push(format!("top {}", params.top));
        if params.exclude_bought {
            eyebrow.push("new products only".to_string());
        }
        eyebrow.push(format!("seed {}", params.seed));
    }
    let heading = format!(
        "{} rules from {} baskets",
        thousands(view.rules as u64),
        thousands(view.baskets as u64)
    );
    let versus = view.evaluation.as_ref().and_then(|e| e.versus_popularity);
    let versus_tile = versus.map(|ratio| {
        let on = if params.exclude_bought {
            "their hit rate on new products, test period"
        } else {
            "their hit rate on all products, test period"
        };
        view! {
            <div class="stat">
                <dt>"Against the bestsellers"</dt>
                <dd data-testid="recommend-versus-popularity">
                    {format!("{:.1}×", ratio)}
                    <span class="stat-note">{on}</span>
                </dd>
            </div>
        }
    });
    let customers_tile = (!view.from_basket_list).then(|| {
        let cold = (view.cold_start > 0).then(|| {
            view! { <span class="stat-note">{format!("{} with no basket get the bestsellers", thousands(view.cold_start as u64))}</span> }
        });
        view! {
            <div class="stat">
                <dt>"Customers with a list"</dt>
                <dd>{thousands(view.customers as u64)}{cold}</dd>
            </div>
        }
    });
    // "Recommended with ALS — the best hit rate … ": the reason starts with the method's name.
    let reason = view.method_label.clone().map(|label| {
        let prefix = format!("{label}: ");
        let why = view
            .method_reason
            .strip_prefix(&prefix)
            .unwrap_or(&view.method_reason)
            .to_string();
        let why = (!why.is_empty()).then(|| format!(" — {why}"));
        view! {
            <p class="recommend-reason" data-testid="recommend-method-reason">
                <span class="recommend-reason-label">"Recommended with "</span>
                <strong data-testid="recommend-method-used">{label}</strong>
                {why}
            </p>
        }
    });
    let t = &view.timings;
    let timing = if view.from_basket_list {
        format!(
            "Computed in {} in this tab: baskets {}, rules {}.",
            duration(view.elapsed_ms),
            duration(t.baskets_seconds * 1000.0),
            duration(t.rules_seconds * 1000.0),
        )
    } else {
        format!(
            "Computed in {} in this tab: baskets {}, rules {}, evaluation {}, final fit {}, \
             lists {}.",
            duration(view.elapsed_ms),
            duration(t.baskets_seconds * 1000.0),
            duration(t.rules_seconds * 1000.0),
            duration(t.evaluation_seconds * 1000.0),
            duration(t.fit_seconds * 1000.0),
            duration(t.recommend_seconds * 1000.0),
        )
    };
    let download = (!view.from_basket_list).then(|| {
        view! {
            <button
                type="button"
                class="btn btn-secondary"
                data-testid="export-recommendations-top"
                title="Every customer with their products, scores and reasons"
                on:click=move |_| state.export_recommendations()
            >
                "Download recommendations"
            </button>
        }
    });
    view! {
        <section
            class="card recommend-summary"
            aria-labelledby="recommend-summary-title"
            data-testid="recommend-summary"
            data-elapsed-ms=format!("{:.0}", view.elapsed_ms)
            data-worker-memory=view.worker_memory_bytes.to_string()
            data-baskets=view.baskets.to_string()
            data-items=view.items.to_string()
            data-itemsets=view.itemsets.to_string()
            data-rules=view.rules.to_string()
            data-customers=view.customers.to_string()
            data-cold-start=view.cold_start.to_string()
            data-method=method_key(view.method)
            data-versus-popularity=versus.map(|v| format!("{v:.4}"))
            data-baskets-ms=format!("{:.0}", 1000.0 * view.timings.baskets_seconds)
            data-rules-ms=format!("{:.0}", 1000.0 * view.timings.rules_seconds)
            data-evaluation-ms=format!("{:.0}", 1000.0 * view.timings.evaluation_seconds)
            data-fit-ms=format!("{:.0}", 1000.0 * view.timings.fit_seconds)
            data-recommend-ms=format!("{:.0}", 1000.0 * view.timings.recommend_seconds)
        >
            <div class="card-head">
                <div>
                    <p class="eyebrow">{eyebrow.join(" · ")}</p>
                    <h3 id="recommend-summary-title" class="card-title">{heading}</h3>
                </div>
                {download}
            </div>
            <dl class="stat-tiles recommend-tiles">
                <div class="stat">
                    <dt>"Baskets"</dt>
                    <dd data-testid="recommend-baskets">{thousands(view.baskets as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"Products"</dt>
                    <dd>{thousands(view.items as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"Frequent itemsets"</dt>
                    <dd>
                        {thousands(view.itemsets as u64)}
                        <span class="stat-note">{format!("each in ≥ {} baskets", thousands(view.min_count))}</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt>"Association rules"</dt>
                    <dd data-testid="recommend-rules-count">{thousands(view.rules as u64)}</dd>
                </div>
                {customers_tile}
                {versus_tile}
            </dl>
            {reason}
            <p class="muted small recommend-timing">{timing}</p>
        </section>
    }
}

/// Facts the user must know (thresholds that found nothing, cold-start customers, …).
fn notes(view: &RecommendView) -> Option<impl IntoView> {
    (!view.notes.is_empty()).then(|| {
        let items = view
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info" data-testid="recommend-notes">{items}</ul> }
    })
}

#[component]
fn BasketsUsed(view: Arc<RecommendView>) -> impl IntoView {
    let lines = view
        .receipt
        .iter()
        .map(|line| view! { <li>{line.clone()}</li> })
        .collect_view();
    let what = if view.from_basket_list {
        "A basket is one line of the file; its products are counted once each."
    } else {
        "A basket is one order (invoice), or one customer's day without an order column; its \
         products are counted once each."
    };
    view! {
        <section class="card receipt-card" aria-labelledby="recommend-receipt-title">
            <div class="card-head">
                <h3 id="recommend-receipt-title" class="card-title">"Baskets used"</h3>
                <p class="muted small">{what}</p>
            </div>
            <ul class="recommend-receipt" data-testid="recommend-receipt">{lines}</ul>
        </section>
    }
}

/// The four ranking metrics of a row, as cells; the column's best value in bold.
fn metric_cells(metrics: Option<Metrics>, best: &[f64; 4]) -> impl IntoView {
    let values = metrics.map(|m| [m.hit_rate, m.precision, m.recall, m.map]);
    (0..4)
        .map(|k| {
            let value = values.and_then(|v| v.get(k).copied());
            let is_best = value.is_some_and(|v| best.get(k).is_some_and(|b| v >= *b && v > 0.0));
            let text = match (k, value) {
                (_, None) => "—".to_string(),
                (3, Some(v)) => format!("{v:.3}"),
                (_, Some(v)) => share(v),
            };
            view! { <td class="num" class:best-cell=is_best>{text}</td> }
        })
        .collect_view()
}

/// A method's row: its scores on all products (recommending bought ones too) and on new
/// products (leaving them out).
struct MethodScores {
    method: Method,
    label: String,
    all: Option<Metrics>,
    new: Option<Metrics>,
}

fn method_scores(rows: &[EvaluationRow]) -> Vec<MethodScores> {
    let mut out: Vec<MethodScores> = Vec::new();
    for row in rows {
        let index = match out.iter().position(|s| s.method == row.method) {
            Some(i) => i,
            None => {
                out.push(MethodScores {
                    method: row.method,
                    label: row.label.clone(),
                    all: None,
                    new: None,
                });
                out.len() - 1
            }
        };
        if let Some(scores) = out.get_mut(index) {
            if row.exclude_bought {
                scores.new = row.new_items;
            } else {
                scores.all = Some(row.all_items);
            }
        }
    }
    out
}

/// The best of each metric over the rows.
fn column_best(scores: &[MethodScores], pick: fn(&MethodScores) -> Option<Metrics>) -> [f64; 4] {
    let mut best = [f64::NEG_INFINITY; 4];
    for m in scores.iter().filter_map(pick) {
        for (b, v) in best
            .iter_mut()
            .zip([m.hit_rate, m.precision, m.recall, m.map])
        {
            if v.is_finite() && v > *b {
                *b = v;
            }
        }
    }
    best
}

/// The evaluation table of `rows` (`testid`), the chosen method marked.
fn evaluation_table(
    rows: &[EvaluationRow],
    n: usize,
    chosen: Option<Method>,
    after: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let scores = method_scores(rows);
    let best_all = column_best(&scores, |s| s.all);
    let best_new = column_best(&scores, |s| s.new);
    let body = scores
        .iter()
        .map(|s| {
            let is_chosen = chosen == Some(s.method);
            let marks = (
                is_chosen.then(|| view! { <span class="pill pill-on" data-testid="recommend-chosen-mark">"chosen"</span> }),
                (s.method == Method::Popularity).then(|| view! { <span class="pill pill-off" title="The bestsellers for everyone: what a method must beat">"baseline"</span> }),
            );
            let attr = |m: Option<Metrics>| m.map(|m| format!("{:.6}", m.hit_rate));
            view! {
                <tr
                    class:chosen=is_chosen
                    data-method=s.method.key()
                    data-label=s.label.clone()
                    data-chosen=is_chosen.to_string()
                    data-all-hit=attr(s.all)
                    data-new-hit=attr(s.new)
                    data-users=s.all.map(|m| m.users.to_string())
                >
                    <th scope="row"><span class="method-name">{s.label.clone()}</span>" "{marks}</th>
                    {metric_cells(s.all, &best_all)}
                    {metric_cells(s.new, &best_new)}
                </tr>
            }
        })
        .collect_view();
    let heads = move || {
        ["Hit rate", "Precision", "Recall", "MAP"]
            .into_iter()
            .enumerate()
            .map(|(k, name)| {
                let title = match k {
                    0 => "Share of the customers with at least one recommended product among what they bought after the cutoff",
                    1 => "Share of the recommended products that were bought",
                    2 => "Share of what was bought that was recommended",
                    _ => "Mean average precision: rewards hits near the top of the list",
                };
                view! { <th scope="col" class="num" title=title>{format!("{name}@{n}")}</th> }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll">
            <table class="column-table recommend-evaluation-table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col" rowspan="2">"Method"</th>
                        <th scope="colgroup" colspan="4" class="group-head">{format!("All products bought after {after}")}</th>
                        <th scope="colgroup" colspan="4" class="group-head">"New products only (already bought left out)"</th>
                    </tr>
                    <tr>{heads()}{heads()}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

fn evaluation_intro(e: &EvaluationView) -> String {
    format!(
        "{} customers bought both up to and after the cutoff {}: each method learns from the {} \
         baskets up to it and recommends {} products to each customer, judged on the {} baskets \
         after it. Best value of each column in bold.",
        thousands(e.customers as u64),
        e.cutoff,
        thousands(e.train_baskets as u64),
        e.n,
        thousands(e.test_baskets as u64),
    )
}

#[component]
fn EvaluationCard(view: Arc<RecommendView>) -> impl IntoView {
    let Some(e) = view.evaluation.clone() else {
        let message = view.no_evaluation.clone().unwrap_or_else(|| {
            "The recommenders could not be checked against later purchases.".to_string()
        });
        return view! {
            <section class="card" aria-labelledby="recommend-evaluation-title" data-testid="recommend-no-evaluation">
                <div class="card-head">
                    <h3 id="recommend-evaluation-title" class="card-title">"How well it predicts"</h3>
                </div>
                <ul class="notes notes-info"><li class="note">{message}</li></ul>
            </section>
        }
        .into_any();
    };
    let chosen = view.method;
    let validation = (!e.validation.is_empty()).then(|| {
        let cut = e
            .validation_cutoff
            .clone()
            .map_or(String::new(), |d| format!(" (cut at {d})"));
        view! {
            <details class="recommend-validation" data-testid="recommend-validation">
                <summary>{format!("How the method was chosen: scores on the training period alone{cut}")}</summary>
                <p class="muted small">
                    "Each method learnt from the baskets up to the cut and was scored on the rest of the "
                    "training period; the best hit rate (on new products when they are left out) was "
                    "chosen, the simplest on a tie. The test period above played no part."
                </p>
                {evaluation_table(&e.validation, e.n, chosen, "the cut", "recommend-validation-table")}
            </details>
        }
    });
    let chart = chart_of(&view, "recommend:evaluation").map(|chart| {
        view! { <div class="gallery recommend-wide-chart">{chart_item(chart)}</div> }
    });
    view! {
        <section class="card recommend-evaluation" aria-labelledby="recommend-evaluation-title" data-testid="recommend-evaluation">
            <div class="card-head">
                <h3 id="recommend-evaluation-title" class="card-title">"How well each method predicts the next purchases"</h3>
            </div>
            <p class="muted small recommend-evaluation-intro" data-testid="recommend-evaluation-intro">{evaluation_intro(&e)}</p>
            {evaluation_table(&e.rows, e.n, chosen, "the cutoff", "recommend-evaluation-table")}
            {validation}
            {chart}
        </section>
    }
    .into_any()
}

#[component]
pub fn Results(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    let per_customer = (!view.from_basket_list).then(|| {
        view! {
            <EvaluationCard view=view.clone()/>
            <CustomersCard state=state view=view.clone()/>
            <SegmentsCard state=state view=view.clone()/>
        }
    });
    let no_evaluation = view
        .from_basket_list
        .then(|| view! { <EvaluationCard view=view.clone()/> });
    view! {
        <div class="recommend-results predict-results" data-testid="recommend-results">
            <Summary state=state view=view.clone()/>
            {notes(&view)}
            <BasketsUsed view=view.clone()/>
            {no_evaluation}
            {per_customer}
            <RulesCard state=state view=view.clone()/>
            <ItemsCard state=state view=view.clone()/>
        </div>
    }
}
