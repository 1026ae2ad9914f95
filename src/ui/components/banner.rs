//! Error banners: a dismissable [`Banner`], a step's last error ([`StepProblem`]), and the Data
//! step's [`ErrorBanner`] (one message at a time; for ragged rows it offers to skip them).

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
                <Banner
                    testid="error-banner"
                    message=problem.message
                    on_dismiss=Callback::new(move |_| state.dismiss_problem())
                >
                    {problem.detail.map(|d| view! { <p class="banner-detail">{d}</p> })}
                    {offer}
                </Banner>
            }
        })
    }
}

/// A dismissable error message; `children` go under the message (details, actions).
#[component]
pub fn Banner(
    testid: &'static str,
    message: String,
    on_dismiss: Callback<()>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="banner banner-error" role="alert" data-testid=testid>
            <span class="banner-icon" aria-hidden="true">"!"</span>
            <div class="banner-body">
                <p class="banner-message">{message}</p>
                {children.map(|children| children())}
            </div>
            <button
                type="button"
                class="btn-icon banner-close"
                aria-label="Dismiss this message"
                title="Dismiss"
                on:click=move |_| on_dismiss.run(())
            >
                "×"
            </button>
        </div>
    }
}

/// A step's last error (dismissable) while `problem` holds one.
#[component]
pub fn StepProblem(problem: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    move || {
        problem.get().map(|message| {
            view! {
                <Banner
                    testid=testid
                    message=message
                    on_dismiss=Callback::new(move |_| problem.set(None))
                />
            }
        })
    }
}
