//! Every customer's value — predicted purchases, P(alive), expected spend, CLV and its decile —
//! in pages from the worker, sorted by any column the user clicks (the worker sorts), and the
//! whole list as a CSV download. The same customer ids as the segments and the purchase
//! probabilities.

use leptos::prelude::*;

use crate::core::value::view::ValueOrder;
use crate::protocol::PreviewPage;
use crate::ui::components::{GridColumn, GridSort, PagedGrid};
use crate::ui::state::{AppState, VALUE_PAGE};

/// The list's first order: by the CLV, highest first (the first column whose title names the
/// CLV, not its decile); else by the first result column, highest first.
pub fn default_order(header: &[String]) -> ValueOrder {
    let clv = header.iter().enumerate().skip(1).find(|(_, name)| {
        let name = name.to_lowercase();
        name.contains("clv") && !name.contains("decile")
    });
    ValueOrder {
        column: clv.map_or(usize::from(header.len() > 1), |(i, _)| i),
        descending: true,
    }
}

#[component]
pub fn CustomersCard(state: AppState) -> impl IntoView {
    let order = Memo::new(move |_| state.value_page.with(|p| p.as_ref().map(|p| p.order)));
    let columns = Signal::derive(move || {
        state.value_page.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.header
                        .iter()
                        .enumerate()
                        .map(|(i, name)| GridColumn {
                            name: name.clone(),
                            numeric: i > 0,
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let page = Signal::derive(move || {
        state.value_page.with(|p| {
            p.as_ref()
                .map(|p| p.page.clone())
                .unwrap_or_else(PreviewPage::default)
        })
    });
    // A click on the column sorted by flips it; another column starts highest first (the id
    // column A to Z).
    let on_sort = Callback::new(move |column: usize| {
        let descending = match order.get_untracked() {
            Some(current) if current.column == column => !current.descending,
            _ => column > 0,
        };
        state.show_values(ValueOrder { column, descending }, 0);
    });
    let sort = GridSort {
        current: Signal::derive(move || order.get().map(|o| (o.column, o.descending))),
        on_sort,
    };
    let on_page = Callback::new(move |offset| {
        if let Some(order) = order.get_untracked() {
            state.show_values(order, offset);
        }
    });
    view! {
        <section class="value-customers" data-testid="value-customers-card">
            <div class="scores-toolbar">
                <p class="muted small">
                    "Each customer’s forecast for the horizon after the last purchase day, from the models "
                    "refitted on every purchase. Click a column title to sort by it. An empty cell: not "
                    "defined for this customer."
                </p>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-values"
                    title="Every customer with the values, highest CLV first"
                    on:click=move |_| state.export_values()
                >
                    "Download customer values (CSV)"
                </button>
            </div>
            <PagedGrid
                title="Customer values"
                testid="value-customers"
                columns=columns
                page=page
                page_size=VALUE_PAGE
                on_page=on_page
                sort=sort
            />
        </section>
    }
}
