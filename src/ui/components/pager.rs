//! The pager of a list paged by the worker: which rows are shown, and previous/next buttons
//! (`{testid}-prev`, `{testid}-next`; the text `{testid}-range`, read out when it changes).

use leptos::prelude::*;

#[component]
pub fn Pager(
    testid: &'static str,
    /// Rows per page.
    page_size: usize,
    /// First row shown (0-based), rows shown, rows in the list.
    #[prop(into)]
    offset: Signal<usize>,
    #[prop(into)] shown: Signal<usize>,
    #[prop(into)] total: Signal<usize>,
    /// "Rows 1–50 of 1,234", as the list says it.
    #[prop(into)]
    text: Signal<String>,
    /// Ask for the page starting at this row.
    on_page: Callback<usize>,
) -> impl IntoView {
    let at_end = move || offset.get() + shown.get() >= total.get();
    let go = move |delta: isize| {
        let current = offset.get_untracked() as isize;
        let next = (current + delta * page_size as isize).max(0) as usize;
        on_page.run(next);
    };
    view! {
        <div class="pager">
            <span class="pager-text" aria-live="polite" data-testid=format!("{testid}-range")>{text}</span>
            <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid=format!("{testid}-prev")
                disabled=move || offset.get() == 0
                on:click=move |_| go(-1)
            >
                {format!("‹ Previous {page_size}")}
            </button>
            <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid=format!("{testid}-next")
                disabled=at_end
                on:click=move |_| go(1)
            >
                {format!("Next {page_size} ›")}
            </button>
        </div>
    }
}
