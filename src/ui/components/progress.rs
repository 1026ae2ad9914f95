//! Progress cards: a read (bytes, percent, rows so far) and any long step, with a Cancel button.
//!
//! The card is built once per read; only its texts and the bar follow the progress events, so
//! the Cancel button is never replaced under the user's pointer.

use leptos::prelude::*;

use crate::ui::format::{bytes, percent, thousands};
use crate::ui::state::{AppState, ExploreProgress, Reading};

fn fraction(reading: &Reading) -> Option<f64> {
    reading
        .total_bytes
        .filter(|total| *total > 0)
        .map(|total| percent(reading.bytes_read, total))
}

#[component]
pub fn ReadProgress(state: AppState) -> impl IntoView {
    let active = Memo::new(move |_| state.reading.with(Option::is_some));
    let pct = Memo::new(move |_| state.reading.with(|r| r.as_ref().and_then(fraction)));
    let file_name = move || {
        state
            .reading
            .with(|r| r.as_ref().map(|r| r.file_name.clone()).unwrap_or_default())
    };
    let bytes_text = move || {
        state.reading.with(|r| match r {
            Some(Reading {
                bytes_read,
                total_bytes: Some(total),
                ..
            }) => format!("{} of {}", bytes((*bytes_read).min(*total)), bytes(*total)),
            Some(_) => "Preparing…".to_string(),
            None => String::new(),
        })
    };
    let rows_text = move || {
        state.reading.with(|r| {
            let (rows, unit) = r.as_ref().map_or((0, "rows"), |r| (r.rows, r.unit));
            format!("{} {unit} parsed", thousands(rows))
        })
    };
    let pct_text = move || pct.get().map(|p| format!("{}%", p.floor() as u64));
    move || {
        active.get().then(|| {
            view! {
                <ProgressCard
                    testid="progress"
                    cancel_testid="cancel-button"
                    label="Reading progress"
                    pct=Signal::derive(move || pct.get())
                    on_cancel=Callback::new(move |_| state.cancel())
                    title=view! { <span>"Reading "<strong>{file_name}</strong></span> }.into_any()
                >
                    <div class="progress-stats">
                        <span data-testid="progress-bytes">{bytes_text}</span>
                        <span class="progress-pct">{pct_text}</span>
                        <span data-testid="progress-rows">{rows_text}</span>
                    </div>
                </ProgressCard>
            }
        })
    }
}

/// A progress card: spinner and title, a Cancel button, a bar (indeterminate while `pct` is
/// `None`) and whatever details follow as children.
#[component]
pub fn ProgressCard(
    testid: &'static str,
    cancel_testid: &'static str,
    /// Accessible name of the bar.
    label: &'static str,
    #[prop(into)] pct: Signal<Option<f64>>,
    on_cancel: Callback<()>,
    title: AnyView,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let width = move || format!("{:.1}%", pct.get().unwrap_or(0.0));
    let value_now = move || pct.get().map(|p| (p.floor() as u64).to_string());
    view! {
        <section class="card progress-card" data-testid=testid>
            <div class="progress-head">
                <div class="progress-title" aria-live="polite">
                    <span class="spinner" aria-hidden="true"></span>
                    {title}
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid=cancel_testid
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
            <div
                class="progress-track"
                class:indeterminate=move || pct.get().is_none()
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=value_now
            >
                <div class="progress-fill" style:width=width></div>
            </div>
            {children.map(|children| children())}
        </section>
    }
}

/// The progress card of a step's job (Explore, Segment, Predict) while `progress` holds one:
/// the stage, the bar and Cancel (which stops the worker's job).
#[component]
pub fn StepProgress(
    state: AppState,
    progress: RwSignal<Option<ExploreProgress>>,
    testid: &'static str,
    cancel_testid: &'static str,
    /// Accessible name of the bar.
    label: &'static str,
) -> impl IntoView {
    move || {
        progress.get().map(|progress| {
            let pct = progress.fraction.clamp(0.0, 1.0) * 100.0;
            view! {
                <ProgressCard
                    testid=testid
                    cancel_testid=cancel_testid
                    label=label
                    pct=Signal::stored(Some(pct))
                    on_cancel=Callback::new(move |_| state.cancel())
                    title=view! { <span>{progress.stage}"…"</span> }.into_any()
                />
            }
        })
    }
}
