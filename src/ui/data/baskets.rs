//! A basket-list file in the Data step: the offer to read it as baskets (when the worker saw
//! one basket per line in its first lines), and once read so, what the baskets hold — counts,
//! a chart of basket sizes, the most frequent items — with the way back to the table.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::ingest::Delimiter;
use crate::core::recommend::basket_list::{BasketListOffer, ItemCount};
use crate::protocol::{BasketListView, DatasetView};
use crate::ui::components::chart::ChartView;
use crate::ui::components::SortHeader;
use crate::ui::format::{duration, percent_text, thousands};
use crate::ui::state::{AppState, Step};

/// "items separated by commas".
fn separated_by(delimiter: Delimiter) -> &'static str {
    match delimiter {
        Delimiter::Comma => "commas",
        Delimiter::Semicolon => "semicolons",
        Delimiter::Tab => "tabs",
        Delimiter::Pipe => "pipes ( | )",
        Delimiter::Whitespace => "spaces",
    }
}

/// The offer, while the loaded file looks like a basket list and is read as a table.
#[component]
pub fn BasketOffer(state: AppState, dataset: Arc<DatasetView>) -> impl IntoView {
    let Some(offer) = dataset.basket_list.clone() else {
        return ().into_any();
    };
    let BasketListOffer {
        delimiter,
        sample_lines,
        distinct_items,
        shortest,
        longest,
    } = offer;
    let message = format!(
        "This file looks like a basket list — one basket per line, items separated by {}, no \
         customers or dates. Read it as baskets for the Recommend step?",
        separated_by(delimiter)
    );
    let lines = if dataset.dialect.header {
        dataset.n_rows + 1
    } else {
        dataset.n_rows
    };
    let per_line = if shortest == longest {
        format!("{shortest} per line")
    } else {
        format!("{shortest} to {longest} per line")
    };
    let detail = format!(
        "{} lines. The first {} hold {} different items, {per_line}. Read as a table, each \
         position on a line is a column ({} columns) and there are no customers to analyse.",
        thousands(lines as u64),
        thousands(sample_lines as u64),
        thousands(distinct_items as u64),
        thousands(dataset.n_cols as u64),
    );
    let reading = move || state.reading.with(Option::is_some);
    let hidden = move || state.basket_list.with(Option::is_some);
    view! {
        <div
            class="banner banner-info basket-offer"
            class:hidden=hidden
            role="status"
            data-testid="basket-offer"
            data-delimiter=crate::ui::format::serde_name(&delimiter)
        >
            <span class="banner-icon banner-icon-info" aria-hidden="true">"i"</span>
            <div class="banner-body">
                <p class="banner-message">{message}</p>
                <p class="banner-detail">{detail}</p>
                <div class="banner-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="read-as-baskets"
                        disabled=reading
                        on:click=move |_| state.read_as_baskets()
                    >
                        "Read as baskets"
                    </button>
                </div>
            </div>
        </div>
    }
    .into_any()
}

/// The columns of the top-items table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemColumn {
    Rank,
    Item,
    Baskets,
}

impl ItemColumn {
    const ALL: [ItemColumn; 3] = [ItemColumn::Rank, ItemColumn::Item, ItemColumn::Baskets];

    fn title(self) -> &'static str {
        match self {
            ItemColumn::Rank => "#",
            ItemColumn::Item => "Item",
            ItemColumn::Baskets => "Baskets",
        }
    }

    /// Sorted descending the first time it is clicked (counts: most first).
    fn descending_first(self) -> bool {
        self == ItemColumn::Baskets
    }
}

/// Row indices of `items` (most frequent first) in the order of `sort`.
fn item_order(items: &[ItemCount], sort: Option<(ItemColumn, bool)>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let Some((column, descending)) = sort else {
        return order;
    };
    order.sort_by(|&a, &b| {
        let ord = match column {
            // Rank is the row's place in the list; equal counts keep it.
            ItemColumn::Rank => a.cmp(&b),
            ItemColumn::Item => {
                let name = |i: usize| items.get(i).map(|t| t.item.to_lowercase());
                name(a).cmp(&name(b))
            }
            ItemColumn::Baskets => {
                let count = |i: usize| items.get(i).map_or(0, |t| t.baskets);
                count(a).cmp(&count(b)).then(b.cmp(&a))
            }
        };
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
    order
}

#[component]
fn TopItems(items: Arc<Vec<ItemCount>>, total_items: usize) -> impl IntoView {
    let sort = RwSignal::new(None::<(ItemColumn, bool)>);
    let headers = ItemColumn::ALL
        .into_iter()
        .map(|column| {
            let sorted = Signal::derive(move || {
                sort.get()
                    .and_then(|(c, descending)| (c == column).then_some(descending))
            });
            let on_sort = Callback::new(move |_| {
                sort.update(|s| {
                    *s = match *s {
                        Some((c, descending)) if c == column => Some((c, !descending)),
                        _ => Some((column, column.descending_first())),
                    }
                })
            });
            view! {
                <SortHeader
                    text=column.title().to_string()
                    numeric=column != ItemColumn::Item
                    sorted=sorted
                    on_sort=on_sort
                />
            }
        })
        .collect_view();
    let shown = items.len();
    let rows_items = items.clone();
    let body = move || {
        item_order(&rows_items, sort.get())
            .into_iter()
            .filter_map(|i| {
                let item = rows_items.get(i)?.clone();
                Some(view! {
                    <tr data-testid="basket-item" data-item=item.item.clone() data-baskets=item.baskets.to_string()>
                        <td class="num muted">{i + 1}</td>
                        <td class="basket-item-name" title=item.item.clone()>{item.item.clone()}</td>
                        <td class="num">{thousands(item.baskets as u64)}</td>
                        <td class="num">{percent_text(item.share * 100.0)}</td>
                    </tr>
                })
            })
            .collect_view()
    };
    let caption = if shown < total_items {
        format!(
            "The {shown} items in the most baskets (of {}).",
            thousands(total_items as u64)
        )
    } else {
        "Every item, by the baskets it is in.".to_string()
    };
    view! {
        <div class="basket-items">
            <h3 class="section-title">"Most frequent items"</h3>
            <p class="muted small">{caption}</p>
            <div class="table-scroll basket-items-scroll">
                <table class="column-table basket-items-table" data-testid="basket-items">
                    <thead>
                        <tr>
                            {headers}
                            <th scope="col" class="num" title="Share of all baskets that hold the item">
                                "Of baskets"
                            </th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </div>
    }
}

/// The file read as baskets: what they hold, and the way back to the table.
#[component]
pub fn BasketListPanel(state: AppState, view: Arc<BasketListView>) -> impl IntoView {
    let s = &view.summary;
    let reading = move || state.reading.with(Option::is_some);
    let chart = Signal::stored(view.size_chart.clone());
    let items = Arc::new(s.top_items.clone());
    let tile = |label: &'static str, value: String, testid: &'static str| {
        view! {
            <div class="stat">
                <dt>{label}</dt>
                <dd data-testid=testid>{value}</dd>
            </div>
        }
    };
    let mean = format!("{:.2}", s.mean_size);
    let median = crate::core::format::number(s.median_size);
    view! {
        <section
            class="card dataset-card basket-card"
            data-testid="basket-summary"
            data-baskets=s.baskets.to_string()
            data-items=s.items.to_string()
            data-file-name=view.file_name.clone()
            data-elapsed-ms=(view.elapsed_ms.max(0.0).round() as u64).to_string()
        >
            <div class="dataset-head">
                <div class="dataset-title">
                    <p class="eyebrow">"Read as baskets"</p>
                    <h2 class="dataset-name" title=view.file_name.clone()>{view.file_name.clone()}</h2>
                </div>
                <span class="badge badge-transactions" data-testid="shape-badge" data-shape="baskets">
                    "Basket list"
                </span>
            </div>
            <dl class="stat-tiles basket-tiles">
                {tile("Baskets", thousands(s.baskets as u64), "basket-count")}
                {tile("Different items", thousands(s.items as u64), "item-count")}
                {tile("Items per basket", format!("{mean} mean · {median} median"), "basket-size")}
                {tile("Largest basket", format!("{} items", thousands(s.max_size as u64)), "basket-max")}
            </dl>
            <p class="shape-reason">
                {format!(
                    "One basket per line, items separated by {}: an item repeated on a line counts once, \
                     lines without an item are skipped. {} items in all baskets together.",
                    separated_by(view.delimiter),
                    thousands(s.item_occurrences as u64),
                )}
            </p>
            <div class="basket-body">
                <div class="basket-chart">
                    <ChartView chart=chart/>
                </div>
                <TopItems items=items total_items=s.items/>
            </div>
            <p class="memory-note">{format!("Read in {}", duration(view.elapsed_ms))}</p>
            <div class="basket-actions">
                <p class="muted small">
                    "Not a basket list after all? Read the file as a table of columns again."
                </p>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="read-as-table"
                    disabled=reading
                    on:click=move |_| state.read_as_table()
                >
                    "Read as a table"
                </button>
            </div>
        </section>
        <div class="next-step">
            <p class="muted">"Rules and recommendations from these baskets:"</p>
            <button
                type="button"
                class="btn btn-primary"
                data-testid="go-value"
                on:click=move |_| {
                    state.step.set(Step::Value);
                    super::scroll_to_top();
                }
            >
                "Continue to Value & Recommend ›"
            </button>
        </div>
    }
}
