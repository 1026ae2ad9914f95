//! What the Predict step found: the summary (best model, test AUC, "contact the top 20 %"),
//! warnings (a target no better than a coin toss, leakage) and notes, the leaderboard, the ROC
//! / precision–recall / gain curves with the threshold marker, the confusion matrix at the
//! slider's threshold, lift and importance of the model shown, its search candidates, and the
//! scored customers.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::eda::Chart;
use crate::core::predict::charts::with_threshold_marker;
use crate::core::predict::leakage::LeakSeverity;
use crate::core::predict::search::SearchMode;
use crate::core::predict::view::PredictView;
use crate::ui::components::chart::ChartView;
use crate::ui::components::{Header, ScrollTable};
use crate::ui::format::{duration, percent_text, thousands};
use crate::ui::state::AppState;

use super::scores::ScoresCard;
use super::threshold::{current, Selection, ThresholdCard};

/// Share of customers in the "contact the top …" sentence.
const TOP_SHARE: f64 = 0.2;

fn pct(x: f64) -> String {
    percent_text(x * 100.0)
}

fn search_text(search: SearchMode) -> String {
    match search {
        SearchMode::Defaults => "default settings".to_string(),
        SearchMode::Grid => "grid search".to_string(),
        SearchMode::Random { candidates } => format!("random search, {candidates} candidates"),
    }
}

#[component]
fn Summary(state: AppState, view: Arc<PredictView>) -> impl IntoView {
    let best = view.report.models.first().cloned();
    let params = &view.report.params;
    let eyebrow = format!(
        "{} = {} · {}-fold CV · {} · seed {}",
        view.report.target,
        view.report.positive,
        params.folds,
        search_text(params.search),
        params.seed
    );
    let heading = best.as_ref().map_or_else(
        || "No model".to_string(),
        |m| format!("Best: {} — test ROC-AUC {:.3}", m.label, m.test_auc),
    );
    let weak = view.report.chance_warning.is_some();
    let capture = best.as_ref().map(|m| {
        let captured = m.gain.capture_at(TOP_SHARE);
        let n_test_contacted = (view.report.n_test as f64 * TOP_SHARE).round() as u64;
        view! {
            <p
                class="predict-capture"
                class:predict-capture-weak=weak
                data-testid="predict-capture"
                data-captured=format!("{captured:.4}")
            >
                {format!(
                    "Contact the top {:.0}% of customers by probability → capture {} of all {} = {} \
                     ({:.1} times as many as at random). On the test part: the top {} customers.",
                    TOP_SHARE * 100.0,
                    pct(captured),
                    view.report.target,
                    view.report.positive,
                    captured / TOP_SHARE,
                    thousands(n_test_contacted),
                )}
            </p>
        }
    });
    // A coin toss must not read as an answer: said first, above the "contact the top" line.
    let chance = view.report.chance_warning.as_ref().map(|w| {
        view! {
            <ul
                class="notes notes-warn predict-chance"
                data-testid="predict-chance-warning"
                data-within-noise=w.within_noise.to_string()
            >
                <li class="note note-bad">{w.message.clone()}</li>
            </ul>
        }
    });
    let warnings = (!view.report.leakage.warnings.is_empty()).then(|| {
        let items = view
            .report.leakage
            .warnings
            .iter()
            .map(|w| {
                let class = match w.severity {
                    LeakSeverity::Leak => "note note-bad",
                    LeakSeverity::Check => "note",
                };
                view! { <li class=class data-feature=w.feature.clone()>{w.message.clone()}"."</li> }
            })
            .collect_view();
        view! {
            <div class="predict-leakage" data-testid="predict-leakage">
                <h3 class="subhead">"Leakage check"</h3>
                <ul class="notes notes-warn">{items}</ul>
                <p class="muted small">"Untick a flagged feature in the form above and train again to see the model without it."</p>
            </div>
        }
    });
    let notes = (!view.report.notes.is_empty()).then(|| {
        let items = view
            .report
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info" data-testid="predict-notes">{items}</ul> }
    });
    let train_rate = view.report.train_positives as f64 / view.report.n_train.max(1) as f64;
    let test_rate = view.report.test_positives as f64 / view.report.n_test.max(1) as f64;
    view! {
        <section
            class="card predict-summary"
            aria-labelledby="predict-summary-title"
            data-testid="predict-summary"
            data-elapsed-ms=format!("{:.0}", view.elapsed_ms)
            data-worker-memory=view.worker_memory_bytes.to_string()
            data-best-model=best.as_ref().map(|m| m.model.key())
            data-test-auc=best.as_ref().map(|m| format!("{:.4}", m.test_auc))
        >
            <div class="card-head">
                <div>
                    <p class="eyebrow">{eyebrow}</p>
                    <h2 id="predict-summary-title">{heading}</h2>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-scores-top"
                    title="Every customer with the top model's probability, most likely first"
                    on:click=move |_| state.export_scores()
                >
                    "Download scored customers"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="continue-value-from-predict"
                    title="What each customer is worth: purchases to expect, P(alive), CLV"
                    on:click=move |_| state.continue_to_value()
                >
                    "Continue to Value"
                </button>
            </div>
            {chance}
            {capture}
            <dl class="stat-tiles">
                <div class="stat">
                    <dt>"Training part"</dt>
                    <dd>
                        {thousands(view.report.n_train as u64)}
                        <span class="muted small">{format!(" · {} positive", pct(train_rate))}</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt>"Test part (held out)"</dt>
                    <dd data-testid="predict-n-test">
                        {thousands(view.report.n_test as u64)}
                        <span class="muted small">{format!(" · {} positive", pct(test_rate))}</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt>"Features"</dt>
                    <dd title=view.report.features.join(", ")>
                        {view.report.features.len().to_string()}
                        <span class="muted small">{format!(" → {} columns", view.report.columns.len())}</span>
                    </dd>
                </div>
                <div class="stat">
                    <dt>"Customers scored"</dt>
                    <dd>{thousands(view.n_scored as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"Computed in (this tab)"</dt>
                    <dd>{duration(view.elapsed_ms)}</dd>
                </div>
            </dl>
            {warnings}
            {notes}
        </section>
    }
}

#[component]
fn Leaderboard(view: Arc<PredictView>, selection: Selection) -> impl IntoView {
    let rows = view
        .report.models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let folds = m
                .cv_auc_folds
                .iter()
                .map(|a| format!("{a:.3}"))
                .collect::<Vec<_>>()
                .join(", ");
            // Each on its own line: "L2 0" and "4 boosting rounds" used to run together.
            let note = m
                .note
                .clone()
                .map(|n| view! { <span class="muted small model-line" data-testid="model-note">{n}</span> });
            let flat = m.same_for_everyone.map(|p| {
                view! {
                    <span
                        class="pill pill-warn"
                        data-testid="model-same-for-everyone"
                        title=format!("Every customer gets {p:.4}: this model ranks no one, so it is listed last")
                    >
                        "same probability for everyone"
                    </span>
                }
            });
            let shown = move || selection.model.get() == i;
            let pick = {
                let view = view.clone();
                move |_| selection.show(&view, i)
            };
            view! {
                <tr
                    class:chosen=shown
                    data-model=m.model.key()
                    data-balance=m.balance.key()
                    data-fit-seconds=format!("{:.4}", m.fit_seconds)
                    data-predict-seconds=format!("{:.4}", m.predict_seconds)
                    data-cv-fit-seconds=format!("{:.4}", m.cv_fit_seconds_mean)
                    data-test-auc=format!("{:.4}", m.test_auc)
                    data-cv-auc=format!("{:.4}", m.cv_auc_mean)
                >
                    <td class="num">{(i + 1).to_string()}</td>
                    <td>
                        <strong>{m.label.clone()}</strong>
                        " "
                        {flat}
                        <span class="muted small model-line" data-testid="model-params">{m.params.clone()}</span>
                        {note}
                    </td>
                    <td class="num" title=format!("Per fold: {folds}")>
                        {format!("{:.3} ± {:.3}", m.cv_auc_mean, m.cv_auc_sd)}
                    </td>
                    <td class="num">{format!("{:.3}", m.test_auc)}</td>
                    <td class="num">{format!("{:.3}", m.test_average_precision)}</td>
                    <td class="num" title=format!("At threshold {:.3}, the best F1 in cross-validation", m.threshold)>
                        {format!("{:.3}", m.test_confusion.f1())}
                    </td>
                    <td class="num">{duration(m.fit_seconds * 1000.0)}</td>
                    <td class="num">{duration(m.predict_seconds * 1000.0)}</td>
                    <td>
                        {move || if shown() {
                            view! { <span class="muted small">"shown"</span> }.into_any()
                        } else {
                            let pick = pick.clone();
                            view! {
                                <button type="button" class="btn btn-secondary btn-small" data-testid="predict-show-model" on:click=pick>
                                    "Show"
                                </button>
                            }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card predict-leaderboard-card" aria-labelledby="predict-leaderboard-title">
            <div class="card-head">
                <h2 id="predict-leaderboard-title">"Leaderboard"</h2>
                <p class="muted small">
                    "Ranked by cross-validated ROC-AUC on the training part; the test part only reports. The top model scores every customer."
                </p>
            </div>
            <ScrollTable
                testid="predict-leaderboard"
                class="column-table leaderboard"
                headers=vec![
                    Header::num("#"),
                    Header::text("Model"),
                    Header::num("CV ROC-AUC").titled("Mean ± standard deviation over the folds"),
                    Header::num("Test ROC-AUC"),
                    Header::num("Test avg. precision").titled("Area under the precision–recall curve"),
                    Header::num("Test F1"),
                    Header::num("Fit").titled("Final fit on the whole training part"),
                    Header::num("Score").titled("Scoring the test part"),
                    Header::hidden("Show"),
                ]
            >
                {rows}
            </ScrollTable>
        </section>
    }
}

#[component]
fn Curves(view: Arc<PredictView>, selection: Selection) -> impl IntoView {
    let charts = view
        .charts
        .iter()
        .cloned()
        .map(|chart| {
            let view = view.clone();
            let marked = Signal::derive(move || match current(&view, selection) {
                Some((t, c)) => with_threshold_marker(&chart, selection.model.get(), t, &c),
                None => chart.clone(),
            });
            view! { <div class="gallery-item"><ChartView chart=marked/></div> }
        })
        .collect_view();
    view! {
        <section class="predict-curves" aria-label="Curves of every model on the test part">
            <div class="gallery gallery-three" data-testid="predict-curves">{charts}</div>
        </section>
    }
}

fn chart_of(view: &PredictView, model: usize, id: &str) -> Option<Chart> {
    view.model_charts
        .get(model)?
        .iter()
        .find(|c| c.id == id)
        .cloned()
}

#[component]
fn ModelDetail(view: Arc<PredictView>, selection: Selection) -> impl IntoView {
    let charts = {
        let view = view.clone();
        move || {
            let model = selection.model.get();
            view.model_charts
                .get(model)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|chart| {
                    let signal = Signal::stored(chart);
                    view! { <div class="gallery-item"><ChartView chart=signal/></div> }
                })
                .collect_view()
        }
    };
    let deciles = {
        let view = view.clone();
        move || {
            let m = view.report.models.get(selection.model.get())?;
            let rows = m
                .deciles
                .iter()
                .map(|d| {
                    view! {
                        <tr>
                            <td class="num">{d.decile.to_string()}</td>
                            <td class="num">{thousands(d.customers as u64)}</td>
                            <td class="num">{thousands(d.positives as u64)}</td>
                            <td class="num">{pct(d.rate)}</td>
                            <td class="num">{format!("{:.2}", d.lift)}</td>
                            <td class="num">{pct(d.cumulative_captured)}</td>
                            <td class="num">{format!("{:.3}–{:.3}", d.min_score, d.max_score)}</td>
                        </tr>
                    }
                })
                .collect_view();
            Some(view! {
                <ScrollTable
                    testid="predict-deciles"
                    class="column-table decile-table"
                    headers=vec![
                        Header::num("Decile"),
                        Header::num("Customers"),
                        Header::num("Positive"),
                        Header::num("Rate"),
                        Header::num("Lift"),
                        Header::num("Captured so far"),
                        Header::num("Probabilities"),
                    ]
                >
                    {rows}
                </ScrollTable>
            })
        }
    };
    let candidates = {
        let view = view.clone();
        move || {
            let m = view.report.models.get(selection.model.get())?;
            if m.candidates.len() < 2 {
                return None;
            }
            let best = m.params.clone();
            let rows = m
                .candidates
                .iter()
                .map(|c| {
                    view! {
                        <tr class:chosen=c.params == best>
                            <td>{c.params.clone()}</td>
                            <td class="num">{format!("{:.4} ± {:.4}", c.cv_auc_mean, c.cv_auc_sd)}</td>
                        </tr>
                    }
                })
                .collect_view();
            Some(view! {
                <div class="predict-candidates">
                    <h3 class="subhead">{format!("Search: {} settings tried", m.candidates.len())}</h3>
                    <ScrollTable
                        testid="predict-candidates-table"
                        class="column-table"
                        headers=vec![
                            Header::text("Settings"),
                            Header::num("CV ROC-AUC"),
                        ]
                    >
                        {rows}
                    </ScrollTable>
                </div>
            })
        }
    };
    let title = {
        let view = view.clone();
        move || {
            view.report
                .models
                .get(selection.model.get())
                .map_or(String::new(), |m| m.label.clone())
        }
    };
    let has_lift = chart_of(&view, 0, crate::core::predict::charts::LIFT_CHART).is_some();
    view! {
        <section class="card predict-detail" aria-labelledby="predict-detail-title" data-testid="predict-detail">
            <div class="card-head">
                <div>
                    <p class="eyebrow">{title}</p>
                    <h2 id="predict-detail-title">"Lift and what drives the model"</h2>
                </div>
                <p class="muted small">"Choose another model in the leaderboard to see its own."</p>
            </div>
            <div class="gallery gallery-two" data-testid="predict-model-charts" data-has-lift=has_lift.to_string()>{charts}</div>
            {deciles}
            {candidates}
        </section>
    }
}

#[component]
pub fn Results(state: AppState, view: Arc<PredictView>) -> impl IntoView {
    let selection = Selection::new(&view);
    let top_label = view
        .report
        .models
        .first()
        .map_or_else(String::new, |m| m.label.clone());
    view! {
        <div class="predict-results">
            <Summary state=state view=view.clone()/>
            <Leaderboard view=view.clone() selection=selection/>
            <Curves view=view.clone() selection=selection/>
            <ThresholdCard view=view.clone() selection=selection/>
            <ModelDetail view=view.clone() selection=selection/>
            <ScoresCard state=state model_label=top_label/>
        </div>
    }
}
