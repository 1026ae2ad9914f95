//! A receipt table: each step that touched the data (lines, customers, values, columns), on or
//! off, how many it touched and what exactly happened. Explore's cleaning receipt and the Value
//! step's "which lines the models used".

use leptos::prelude::*;

use crate::core::receipt::{ReceiptLine, ReceiptUnit};
use crate::ui::format::thousands;

use super::{Header, ScrollTable};

fn unit_text(line: &ReceiptLine) -> String {
    let (one, many) = match line.unit {
        ReceiptUnit::Lines => ("line", "lines"),
        ReceiptUnit::Rows => ("customer", "customers"),
        ReceiptUnit::Values => ("value", "values"),
        ReceiptUnit::Columns => ("column", "columns"),
    };
    format!(
        "{} {}",
        thousands(line.touched),
        if line.touched == 1 { one } else { many }
    )
}

/// The receipt's lines as a table (`data-testid=testid`, a row per line with `data-step`).
#[component]
pub fn ReceiptTable(testid: &'static str, lines: Vec<ReceiptLine>) -> impl IntoView {
    let rows = lines
        .iter()
        .map(|line| {
            let status = if line.enabled { "On" } else { "Off" };
            let count = if line.enabled { unit_text(line) } else { "—".to_string() };
            view! {
                <tr class:off=!line.enabled data-step=line.step.clone()>
                    <td class="receipt-title">{line.title.clone()}</td>
                    <td><span class=if line.enabled { "pill pill-on" } else { "pill pill-off" }>{status}</span></td>
                    <td class="num receipt-count">{count}</td>
                    <td class="receipt-detail">{line.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable
            testid=testid
            class="receipt-table"
            headers=vec![
                Header::text("Step"),
                Header::text(""),
                Header::num("Touched"),
                Header::text("Details"),
            ]
        >
            {rows}
        </ScrollTable>
    }
}
