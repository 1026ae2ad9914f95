//! The preview grid: a page of rows, sticky header, scrollable both ways, with paging.

use leptos::prelude::*;

use crate::ui::format::thousands;
use crate::ui::state::{AppState, PREVIEW_PAGE};

#[component]
pub fn PreviewGrid(state: AppState) -> impl IntoView {
    let offset = Memo::new(move |_| state.preview.with(|p| p.offset));
    let total = Memo::new(move |_| state.preview.with(|p| p.total_rows));
    let shown = Memo::new(move |_| state.preview.with(|p| p.rows.len()));
    let at_start = move || offset.get() == 0;
    let at_end = move || offset.get() + shown.get() >= total.get();
    let range_text = move || {
        let (offset, total, shown) = (offset.get(), total.get(), shown.get());
        if total == 0 || shown == 0 {
            "No rows".to_string()
        } else {
            format!(
                "Rows {}–{} of {}",
                thousands(offset as u64 + 1),
                thousands((offset + shown) as u64),
                thousands(total as u64)
            )
        }
    };
    let header = move || {
        state.columns.with(|columns| {
            columns
                .iter()
                .map(|c| {
                    let class = if c.ctype.is_numeric() { "num" } else { "" };
                    view! {
                        <th scope="col" class=class title=c.name.clone()>{c.name.clone()}</th>
                    }
                })
                .collect_view()
        })
    };
    let body = move || {
        let numeric: Vec<bool> = state
            .columns
            .with(|columns| columns.iter().map(|c| c.ctype.is_numeric()).collect());
        state.preview.with(|page| {
            page.rows
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(j, cell)| {
                            let num = numeric.get(j).copied().unwrap_or(false);
                            match cell {
                                Some(text) => {
                                    let class = if num { "num" } else { "" };
                                    let title = (text.chars().count() > 24).then(|| text.clone());
                                    view! { <td class=class title=title>{text.clone()}</td> }.into_any()
                                }
                                None => view! {
                                    <td class="missing" title="missing">"—"</td>
                                }
                                .into_any(),
                            }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <th scope="row" class="rownum">{thousands((page.offset + i + 1) as u64)}</th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let go = move |delta: isize| {
        let current = offset.get_untracked() as isize;
        let next = (current + delta * PREVIEW_PAGE as isize).max(0) as usize;
        state.show_rows(next);
    };

    view! {
        <section class="card preview-card" aria-labelledby="preview-title">
            <div class="card-head">
                <h2 id="preview-title">"Preview"</h2>
                <div class="pager">
                    <span class="pager-text" aria-live="polite">{range_text}</span>
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        data-testid="preview-prev"
                        disabled=at_start
                        on:click=move |_| go(-1)
                    >
                        {format!("‹ Previous {PREVIEW_PAGE}")}
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        data-testid="preview-next"
                        disabled=at_end
                        on:click=move |_| go(1)
                    >
                        {format!("Next {PREVIEW_PAGE} ›")}
                    </button>
                </div>
            </div>
            <div
                class="grid-scroll"
                data-testid="preview-grid"
                tabindex="0"
                role="region"
                aria-label="Data preview, scrollable"
            >
                <table class="grid">
                    <thead>
                        <tr>
                            <th scope="col" class="rownum">"#"</th>
                            {header}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}
