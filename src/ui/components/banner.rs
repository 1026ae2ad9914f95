//! The error banner: one message at a time, dismissable; for ragged rows it offers to skip them.

use leptos::prelude::*;

use crate::ui::format::{line_list, thousands};
use crate::ui::state::AppState;

#[component]
pub fn ErrorBanner(state: AppState) -> impl IntoView {
    move || {
        state.problem.get().map(|problem| {
            let offer = problem.bad_rows.map(|offer| {
                let count = thousands(offer.count);
                let noun = if offer.count == 1 { "row" } else { "rows" };
                let shown = offer.first_lines.len() as u64;
                let more = if offer.count > shown { ", …" } else { "" };
                let lines = format!(
                    "{}: {} {} with a number of fields other than {} — line{} {}{more}.",
                    offer.file_name,
                    count,
                    noun,
                    offer.expected,
                    if shown == 1 { "" } else { "s" },
                    line_list(&offer.first_lines),
                );
                view! {
                    <p class="banner-detail">{lines}</p>
                    <div class="banner-actions">
                        <button
                            type="button"
                            class="btn btn-primary"
                            data-testid="skip-bad-rows"
                            on:click=move |_| state.skip_bad_rows()
                        >
                            {format!("Skip {count} bad {noun}")}
                        </button>
                    </div>
                }
            });
            view! {
                <div class="banner banner-error" role="alert" data-testid="error-banner">
                    <span class="banner-icon" aria-hidden="true">"!"</span>
                    <div class="banner-body">
                        <p class="banner-message">{problem.message}</p>
                        {problem.detail.map(|d| view! { <p class="banner-detail">{d}</p> })}
                        {offer}
                    </div>
                    <button
                        type="button"
                        class="btn-icon banner-close"
                        aria-label="Dismiss this message"
                        title="Dismiss"
                        on:click=move |_| state.dismiss_problem()
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}
