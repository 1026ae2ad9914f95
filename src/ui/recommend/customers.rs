//! Every customer's recommendations, in pages from the worker: the products in order, the
//! customer's segment, customers without a basket to learn from (given the bestsellers)
//! marked; "Why" opens each product's score and reason. A customer id filter, and the whole
//! list as a CSV download.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::number;
use crate::core::recommend::view::{CustomerRecsRow, RecommendView};
use crate::ui::components::{search_field, Pager};
use crate::ui::state::{AppState, RECOMMEND_PAGE};

use super::input::{dom_id, range_text};
use super::pager_signals;

fn customer_rows(
    row: &CustomerRecsRow,
    index: usize,
    expanded: RwSignal<Vec<String>>,
) -> impl IntoView {
    let id = row.customer.clone();
    let detail_id = dom_id(&format!("recs-why-{index}"), &id);
    let open = {
        let id = id.clone();
        move || expanded.with(|e| e.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            expanded.update(|e| {
                if let Some(at) = e.iter().position(|x| *x == id) {
                    e.remove(at);
                } else {
                    e.push(id.clone());
                }
            })
        }
    };
    let cold = row.cold_start.then(|| {
        view! {
            <span class="pill pill-warn" data-testid="recommend-cold-start" title="No basket of this customer was kept: the bestsellers are offered">"no history"</span>
        }
    });
    let chips = row
        .items
        .iter()
        .map(|item| {
            let title = format!("Score {} — {}", number(item.score), item.reason);
            view! { <li class="rec-chip" title=title>{item.item.clone()}</li> }
        })
        .collect_view();
    let reasons = row
        .items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            view! {
                <tr data-testid="recommend-item">
                    <td class="num muted">{k + 1}</td>
                    <td class="rec-product">{item.item.clone()}</td>
                    <td class="num">{number(item.score)}</td>
                    <td class="rec-reason" data-testid="recommend-reason">{item.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let segment = row.segment.clone().unwrap_or_else(|| "—".to_string());
    let n = row.items.len();
    let open_class = open.clone();
    let open_aria = open.clone();
    let open_text = open.clone();
    view! {
        <tr
            class="rec-customer"
            class:open=open_class
            data-testid="recommend-customer-row"
            data-customer=id.clone()
            data-items=n.to_string()
            data-cold-start=row.cold_start.to_string()
        >
            <th scope="row" class="rec-id">{id.clone()}" "{cold}</th>
            <td class="rec-segment">{segment}</td>
            <td><ol class="rec-chips" aria-label=format!("{n} products for customer {id}")>{chips}</ol></td>
            <td class="rec-toggle">
                <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    data-testid="recommend-why"
                    aria-expanded=move || if open_aria() { "true" } else { "false" }
                    aria-controls=detail_id.clone()
                    on:click=toggle
                >
                    {move || if open_text() { "Hide" } else { "Why?" }}
                </button>
            </td>
        </tr>
        <tr class="rec-detail" id=detail_id class:hidden=move || !open()>
            <td colspan="4">
                <table class="rec-detail-table" data-testid="recommend-reasons">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Product"</th>
                            <th scope="col" class="num" title="The method’s score: higher first; comparable within a customer’s list only">"Score"</th>
                            <th scope="col">"Why"</th>
                        </tr>
                    </thead>
                    <tbody>{reasons}</tbody>
                </table>
            </td>
        </tr>
    }
}

#[component]
pub fn CustomersCard(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    // The first customer's reasons open, so the list shows what "Why?" holds.
    let expanded = RwSignal::new(
        view.first_customers
            .first()
            .map(|c| vec![c.customer.clone()])
            .unwrap_or_default(),
    );
    let counts = Memo::new(move |_| {
        state
            .recommend_page
            .with(|p| p.as_ref().map(|p| (p.offset, p.rows.len(), p.matching)))
    });
    let (offset, shown, matching) = pager_signals(counts);
    let total = view.customers;
    let range_text = move || range_text("Customers", counts.get(), total);
    let on_page =
        Callback::new(move |next: usize| state.show_recommendations(search.get_untracked(), next));
    let body = move || {
        state.recommend_page.with(|page| {
            let Some(page) = page else {
                return ().into_any();
            };
            if page.rows.is_empty() {
                return view! {
                    <tr><td colspan="4" class="muted empty-row">{format!("No customer id contains “{}”.", page.search.trim())}</td></tr>
                }
                .into_any();
            }
            page.rows
                .iter()
                .enumerate()
                .map(|(i, row)| customer_rows(row, page.offset + i, expanded))
                .collect_view()
                .into_any()
        })
    };
    let method = view
        .method_label
        .clone()
        .unwrap_or_else(|| "the chosen method".to_string());
    let excluded = if view.params.exclude_bought {
        " Products the customer already bought are left out."
    } else {
        " Products the customer already bought may come back (repeat purchases)."
    };
    view! {
        <section class="card recommend-customers" aria-labelledby="recommend-customers-title" data-testid="recommend-customers-card">
            <div class="card-head">
                <div>
                    <h3 id="recommend-customers-title" class="card-title">"What to offer each customer"</h3>
                    <p class="muted small">
                        {format!(
                            "The top {} products of each customer from {method}, refitted on every basket.{excluded}",
                            view.params.top
                        )}
                    </p>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-recommendations"
                    title="Every customer: segment, method, then each product with its score and reason"
                    on:click=move |_| state.export_recommendations()
                >
                    "Download recommendations (CSV)"
                </button>
            </div>
            <div class="recommend-toolbar" role="search" aria-label="Find a customer">
                {search_field(
                    "Customer id contains",
                    "recommend-customer-search",
                    "",
                    search,
                    move |text| state.show_recommendations(text, 0),
                )}
                <Pager
                    testid="recommend-customers"
                    page_size=RECOMMEND_PAGE
                    offset=offset
                    shown=shown
                    total=matching
                    text=Signal::derive(range_text)
                    on_page=on_page
                />
            </div>
            <div class="table-scroll recommend-scroll" tabindex="0" role="region" aria-label="Recommendations per customer, scrollable">
                <table class="column-table rec-table" data-testid="recommend-customers">
                    <thead>
                        <tr>
                            <th scope="col">"Customer"</th>
                            <th scope="col">"Segment"</th>
                            <th scope="col">"Recommended products, best first"</th>
                            <th scope="col"><span class="visually-hidden">"Reasons"</span></th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}
