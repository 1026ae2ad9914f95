//! A column header the user clicks to sort by that column: a button in the `<th>`, the arrow of
//! the current direction, and `aria-sort` for screen readers. The sorting itself is the
//! caller's (the worker for long lists).

use leptos::prelude::*;

/// The `<th>` of a sortable column. `sorted`: `Some(descending)` while the table is sorted by
/// this column.
#[component]
pub fn SortHeader(
    text: String,
    /// Right-aligned, as the numbers under it.
    numeric: bool,
    #[prop(optional_no_strip)] title: Option<String>,
    #[prop(into)] sorted: Signal<Option<bool>>,
    on_sort: Callback<()>,
) -> impl IntoView {
    let aria_sort = move || match sorted.get() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let arrow = move || match sorted.get() {
        Some(true) => "▼",
        Some(false) => "▲",
        None => "",
    };
    let label = format!("Sort by {text}");
    let column = text.clone();
    let class = if numeric { "num sortable" } else { "sortable" };
    view! {
        <th scope="col" class=class aria-sort=aria_sort title=title>
            <button
                type="button"
                class="sort-button"
                data-testid="sort-header"
                data-column=column
                aria-label=label
                on:click=move |_| on_sort.run(())
            >
                <span>{text}</span>
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}
