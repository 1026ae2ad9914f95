//! A paged grid of rows: sticky header, scrollable both ways, previous/next buttons, and
//! optionally headers the user clicks to sort by (the worker sorts).
//! Used for the loaded data (Data step), the customer table (Explore step), the scored customers
//! (Predict) and the customer values (Value).

use leptos::prelude::*;

use crate::protocol::PreviewPage;
use crate::ui::format::thousands;

use super::{Pager, SortHeader};

/// One header cell: the column name and whether its cells are numbers (right-aligned).
#[derive(Debug, Clone, PartialEq)]
pub struct GridColumn {
    pub name: String,
    pub numeric: bool,
}

/// Sorting by a click on a column header.
#[derive(Clone, Copy)]
pub struct GridSort {
    /// The column the rows are sorted by and whether descending (`None`: not sorted by a
    /// column).
    pub current: Signal<Option<(usize, bool)>>,
    /// The user clicked the header of this column.
    pub on_sort: Callback<usize>,
}

#[component]
pub fn PagedGrid(
    /// Card title.
    title: &'static str,
    /// `data-testid` of the scrolling grid.
    testid: &'static str,
    #[prop(into)] columns: Signal<Vec<GridColumn>>,
    #[prop(into)] page: Signal<PreviewPage>,
    /// Rows per page.
    page_size: usize,
    /// Ask for the page starting at this row.
    on_page: Callback<usize>,
    /// Headers that sort on a click.
    #[prop(optional)]
    sort: Option<GridSort>,
) -> impl IntoView {
    let offset = Memo::new(move |_| page.with(|p| p.offset));
    let total = Memo::new(move |_| page.with(|p| p.total_rows));
    let shown = Memo::new(move |_| page.with(|p| p.rows.len()));
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
        columns.with(|columns| {
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| match sort {
                    Some(sort) => {
                        let sorted = Signal::derive(move || {
                            sort.current.get().and_then(|(column, descending)| {
                                (column == i).then_some(descending)
                            })
                        });
                        view! {
                            <SortHeader
                                text=c.name.clone()
                                numeric=c.numeric
                                title=Some(c.name.clone())
                                sorted=sorted
                                on_sort=Callback::new(move |_| sort.on_sort.run(i))
                            />
                        }
                        .into_any()
                    }
                    None => {
                        let class = if c.numeric { "num" } else { "" };
                        view! {
                            <th scope="col" class=class title=c.name.clone()>{c.name.clone()}</th>
                        }
                        .into_any()
                    }
                })
                .collect_view()
        })
    };
    let body = move || {
        let numeric: Vec<bool> =
            columns.with(|columns| columns.iter().map(|c| c.numeric).collect());
        page.with(|page| {
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
    let title_id = format!("{testid}-title");
    let labelled_by = title_id.clone();

    view! {
        <section class="card preview-card" aria-labelledby=labelled_by>
            <div class="card-head">
                <h2 id=title_id>{title}</h2>
                <Pager
                    testid=testid
                    page_size=page_size
                    offset=offset
                    shown=shown
                    total=total
                    text=Signal::derive(range_text)
                    on_page=on_page
                />
            </div>
            <div
                class="grid-scroll"
                data-testid=testid
                tabindex="0"
                role="region"
                aria-label=format!("{title}, scrollable")
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
