//! Progress of a read: bytes, percent, rows so far, and a Cancel button.
//!
//! The card is built once per read; only its texts and the bar follow the progress events, so
//! the Cancel button is never replaced under the user's pointer.

use leptos::prelude::*;

use crate::ui::format::{bytes, percent, thousands};
use crate::ui::state::{AppState, Reading};

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
        let rows = state.reading.with(|r| r.as_ref().map_or(0, |r| r.rows));
        format!("{} rows parsed", thousands(rows))
    };
    let pct_text = move || pct.get().map(|p| format!("{}%", p.floor() as u64));
    let width = move || format!("{:.1}%", pct.get().unwrap_or(0.0));
    let value_now = move || pct.get().map(|p| (p.floor() as u64).to_string());

    move || {
        active.get().then(|| {
            view! {
                <section class="card progress-card" data-testid="progress">
                    <div class="progress-head">
                        <div class="progress-title" aria-live="polite">
                            <span class="spinner" aria-hidden="true"></span>
                            <span>"Reading "<strong>{file_name}</strong></span>
                        </div>
                        <button
                            type="button"
                            class="btn btn-secondary"
                            data-testid="cancel-button"
                            on:click=move |_| state.cancel()
                        >
                            "Cancel"
                        </button>
                    </div>
                    <div
                        class="progress-track"
                        class:indeterminate=move || pct.get().is_none()
                        role="progressbar"
                        aria-label="Reading progress"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=value_now
                    >
                        <div class="progress-fill" style:width=width></div>
                    </div>
                    <div class="progress-stats">
                        <span data-testid="progress-bytes">{bytes_text}</span>
                        <span class="progress-pct">{pct_text}</span>
                        <span data-testid="progress-rows">{rows_text}</span>
                    </div>
                </section>
            }
        })
    }
}
