//! The confusion matrix at a threshold the user drags, with the metrics there and two
//! suggestions (best F1, lowest cost of mistakes), both chosen on the training part's
//! out-of-fold scores so the test part stays untouched. Counts are read from the threshold
//! tables the worker sent: no numeric work here beyond ratios.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::evaluate::confusion::{Confusion, ThresholdTable};
use crate::core::predict::run::ModelReport;
use crate::core::predict::view::PredictView;
use crate::ui::components::decimal_field;
use crate::ui::format::{percent_text, thousands};

/// The model shown and the slider's row of its test threshold table.
#[derive(Clone, Copy)]
pub struct Selection {
    /// Index into the leaderboard.
    pub model: RwSignal<usize>,
    /// Index into the shown model's `thresholds.rows`.
    pub row: RwSignal<usize>,
}

impl Selection {
    pub fn new(view: &PredictView) -> Selection {
        let row = view.report.models.first().map_or(0, start_row);
        Selection {
            model: RwSignal::new(0),
            row: RwSignal::new(row),
        }
    }

    /// Show model `index` at its own suggested threshold.
    pub fn show(self, view: &PredictView, index: usize) {
        if let Some(model) = view.report.models.get(index) {
            self.row.set(start_row(model));
            self.model.set(index);
        }
    }
}

/// The slider row of the model's best-F1 threshold.
fn start_row(model: &ModelReport) -> usize {
    model.thresholds.index_at(model.threshold).unwrap_or(0)
}

/// The shown model's threshold and confusion matrix on the test part.
pub fn current(view: &PredictView, selection: Selection) -> Option<(f64, Confusion)> {
    let model = view.report.models.get(selection.model.get())?;
    let row = model.thresholds.rows.get(selection.row.get())?;
    Some((row.threshold, row.confusion))
}

fn pct(x: f64) -> String {
    percent_text(x * 100.0)
}

fn metric(
    name: &'static str,
    key: &'static str,
    title: &'static str,
    value: String,
) -> impl IntoView {
    view! {
        <div class="stat" title=title>
            <dt>{name}</dt>
            <dd data-testid=format!("predict-metric-{key}")>{value}</dd>
        </div>
    }
}

fn read_cost(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|c| c.is_finite() && *c >= 0.0)
}

/// Move the slider to the test table's row at or below `threshold`.
fn go_to(selection: Selection, table: &ThresholdTable, threshold: f64) {
    if let Some(i) = table.index_at(threshold) {
        selection.row.set(i);
    }
}

#[component]
pub fn ThresholdCard(view: Arc<PredictView>, selection: Selection) -> impl IntoView {
    let positive = view.report.positive.clone();
    let negative = view.report.negative.clone();
    let target = view.report.target.clone();
    let cost_fp = RwSignal::new("1".to_string());
    let cost_fn = RwSignal::new("5".to_string());
    let cost_note = RwSignal::new(None::<String>);
    // The note speaks of one model's costs: gone when another model is shown.
    Effect::new(move |_| {
        selection.model.track();
        cost_note.set(None);
    });

    let model = {
        let view = view.clone();
        move || view.report.models.get(selection.model.get()).cloned()
    };
    let state_now = {
        let view = view.clone();
        move || current(&view, selection)
    };
    let max_row = {
        let model = model.clone();
        move || model().map_or(0, |m| m.thresholds.rows.len().saturating_sub(1))
    };
    let matrix = {
        let (positive, negative) = (positive.clone(), negative.clone());
        let state_now = state_now.clone();
        move || {
            let (_, c) = state_now()?;
            Some(view! {
                <table class="confusion" data-testid="predict-confusion" data-tp=c.tp.to_string() data-fp=c.fp.to_string() data-tn=c.tn.to_string() data-fn=c.fn_.to_string()>
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">{format!("Called {positive}")}</th>
                            <th scope="col">{format!("Called {negative}")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">{format!("Actually {positive}")}</th>
                            <td class="cell-good" data-testid="predict-tp">
                                <span class="confusion-count">{thousands(c.tp as u64)}</span>
                                <span class="confusion-label">"caught"</span>
                            </td>
                            <td class="cell-bad" data-testid="predict-fn">
                                <span class="confusion-count">{thousands(c.fn_ as u64)}</span>
                                <span class="confusion-label">"missed"</span>
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">{format!("Actually {negative}")}</th>
                            <td class="cell-bad" data-testid="predict-fp">
                                <span class="confusion-count">{thousands(c.fp as u64)}</span>
                                <span class="confusion-label">"false alarms"</span>
                            </td>
                            <td class="cell-good" data-testid="predict-tn">
                                <span class="confusion-count">{thousands(c.tn as u64)}</span>
                                <span class="confusion-label">"rightly left out"</span>
                            </td>
                        </tr>
                    </tbody>
                </table>
            })
        }
    };
    let metrics = {
        let state_now = state_now.clone();
        move || {
            let (_, c) = state_now()?;
            Some(view! {
                <dl class="stat-tiles predict-metrics">
                    {metric("Accuracy", "accuracy", "Share of test customers called right", pct(c.accuracy()))}
                    {metric("Precision", "precision", "Of those called positive, the share that are", pct(c.precision()))}
                    {metric("Recall", "recall", "Of the positive customers, the share caught", pct(c.recall()))}
                    {metric("F1", "f1", "Harmonic mean of precision and recall", format!("{:.3}", c.f1()))}
                    {metric("MCC", "mcc", "Matthews correlation: −1 always wrong, 0 chance, 1 always right", format!("{:.3}", c.mcc()))}
                    {metric("Balanced accuracy", "balanced-accuracy", "Mean of recall and specificity", pct(c.balanced_accuracy()))}
                    {metric("Specificity", "specificity", "Of the negative customers, the share left out", pct(c.specificity()))}
                </dl>
            })
        }
    };
    let sentence = {
        let (target, positive) = (target.clone(), positive.clone());
        let state_now = state_now.clone();
        move || {
            let (t, c) = state_now()?;
            Some(format!(
                "At threshold {t:.3} the model calls {} of the {} test customers ({}) {target} = \
                 {positive}: it catches {} of the {} who are ({}), and {} of those it calls are \
                 right.",
                thousands(c.called_positive() as u64),
                thousands(c.total() as u64),
                pct(c.called_positive() as f64 / c.total().max(1) as f64),
                thousands(c.tp as u64),
                thousands(c.positives() as u64),
                pct(c.recall()),
                pct(c.precision()),
            ))
        }
    };
    let threshold_text = {
        let state_now = state_now.clone();
        move || state_now().map_or(String::new(), |(t, _)| format!("{t:.3}"))
    };
    let best_f1 = {
        let model = model.clone();
        move |_| {
            if let Some(m) = model() {
                go_to(selection, &m.thresholds, m.threshold);
                cost_note.set(None);
            }
        }
    };
    let half = {
        let model = model.clone();
        move |_| {
            if let Some(m) = model() {
                go_to(selection, &m.thresholds, 0.5);
                cost_note.set(None);
            }
        }
    };
    let lowest_cost = {
        let model = model.clone();
        let positive = positive.clone();
        move |_| {
            let Some(m) = model() else {
                return;
            };
            let (Some(fp), Some(fn_)) = (
                read_cost(&cost_fp.get_untracked()),
                read_cost(&cost_fn.get_untracked()),
            ) else {
                cost_note.set(Some(
                    "Type each cost as a number of 0 or more, e.g. 1 and 5.".to_string(),
                ));
                return;
            };
            match m.cv_thresholds.min_cost(fp, fn_) {
                Some(row) => {
                    go_to(selection, &m.thresholds, row.threshold);
                    let n = row.confusion.total().max(1) as f64;
                    let cost = row.confusion.fp as f64 * fp + row.confusion.fn_ as f64 * fn_;
                    cost_note.set(Some(format!(
                        "Lowest cost in cross-validation on the training part: threshold {:.3}, \
                         {:.2} per customer (a false alarm costs {fp}, a missed {positive} \
                         {fn_}); the slider stands on the nearest step at or below it.",
                        row.threshold,
                        cost / n
                    )));
                }
                None => cost_note.set(Some(
                    "At least one of the two costs must be above 0.".to_string(),
                )),
            }
        }
    };
    let suggested_f1 = {
        let model = model.clone();
        move || model().map_or(String::new(), |m| format!("Best F1 ({:.3})", m.threshold))
    };
    let title = {
        let model = model.clone();
        move || model().map_or(String::new(), |m| m.label)
    };
    view! {
        <section class="card predict-threshold" data-testid="predict-threshold" aria-labelledby="predict-threshold-title">
            <div class="card-head">
                <div>
                    <p class="eyebrow">{title}</p>
                    <h2 id="predict-threshold-title">"Mistakes at a threshold"</h2>
                </div>
                <p class="muted small">
                    "Customers scoring at or above the threshold are called positive. Test part only."
                </p>
            </div>
            <div class="threshold-slider">
                <label class="field">
                    <span class="field-label">
                        "Threshold "
                        <strong data-testid="predict-threshold-value">{threshold_text}</strong>
                    </span>
                    <input
                        type="range"
                        class="range"
                        data-testid="predict-threshold-slider"
                        aria-label="Threshold"
                        min="0"
                        max=move || max_row().to_string()
                        step="1"
                        prop:value=move || selection.row.get().to_string()
                        on:input=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                selection.row.set(i);
                                cost_note.set(None);
                            }
                        }
                    />
                </label>
                <div class="threshold-suggestions">
                    <button type="button" class="btn btn-secondary btn-small" data-testid="predict-threshold-f1" title="The threshold with the best F1 on the training part's out-of-fold scores" on:click=best_f1>
                        {suggested_f1}
                    </button>
                    <button type="button" class="btn btn-secondary btn-small" data-testid="predict-threshold-half" on:click=half>"0.5"</button>
                    <span class="threshold-costs">
                        {decimal_field("False alarm costs", "predict-cost-fp", cost_fp, "1")}
                        {decimal_field(format!("a missed {positive} costs"), "predict-cost-fn", cost_fn, "5")}
                        <button type="button" class="btn btn-secondary btn-small" data-testid="predict-threshold-cost" on:click=lowest_cost>"Lowest cost"</button>
                    </span>
                </div>
                {move || cost_note.get().map(|n| view! { <p class="muted small" data-testid="predict-cost-note">{n}</p> })}
            </div>
            <div class="threshold-body">
                {matrix}
                {metrics}
            </div>
            <p class="threshold-sentence" data-testid="predict-threshold-sentence">{sentence}</p>
        </section>
    }
}
