//! The dataset header: what was read, its shape, and anything the user should know.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::ingest::TableShape;
use crate::core::table::Role;
use crate::protocol::DatasetView;
use crate::ui::format::{bytes, duration, line_list, thousands};
use crate::ui::state::AppState;

/// Which column holds each role, in [`Role::ALL`] order (follows the user's changes).
fn role_list(state: AppState) -> impl IntoView {
    move || {
        state.columns.with(|columns| {
            let found: Vec<(Role, String)> = Role::ALL
                .into_iter()
                .filter_map(|role| {
                    columns
                        .iter()
                        .find(|c| c.role == Some(role))
                        .map(|c| (role, c.name.clone()))
                })
                .collect();
            if found.is_empty() {
                return view! {
                    <p class="muted small">
                        "No roles found. Set customer ID, date, amount… in the Columns table below."
                    </p>
                }
                .into_any();
            }
            let items = found
                .into_iter()
                .map(|(role, name)| {
                    view! {
                        <li class="role-chip">
                            <span class="role-chip-role">{role.title()}</span>
                            <span class="role-chip-column" title=name.clone()>{name.clone()}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="role-chips">{items}</ul> }.into_any()
        })
    }
}

/// The badge's words and class for a shape.
fn shape_badge(shape: TableShape) -> (&'static str, &'static str) {
    match shape {
        TableShape::Customers => ("Customer table", "badge badge-customers"),
        TableShape::Transactions => ("Transaction table", "badge badge-transactions"),
        TableShape::Unknown => ("Shape unclear", "badge badge-unknown"),
    }
}

#[component]
pub fn DatasetSummary(state: AppState, dataset: Arc<DatasetView>) -> impl IntoView {
    let d = dataset;
    // The shape the worker guessed from the roles as they are now (it follows role changes).
    let loaded_shape = d.shape.clone();
    let shape = Memo::new(move |_| state.shape.get().unwrap_or_else(|| loaded_shape.clone()));
    let shape_kind = move || shape.with(|s| s.shape);
    let shape_label = move || shape_badge(shape_kind()).0;
    let bad = &d.report.bad_rows;
    let skipped = (bad.count > 0).then(|| {
        let lines: Vec<u64> = bad.first.iter().map(|l| l.line).collect();
        format!(
            "{} {} with a number of fields other than {} skipped (first at line{} {}).",
            thousands(bad.count),
            if bad.count == 1 { "row" } else { "rows" },
            bad.expected_fields,
            if lines.len() == 1 { "" } else { "s" },
            line_list(&lines),
        )
    });
    let warnings = d.report.warnings.clone();
    let renamed = d.report.renamed_headers.clone();
    let has_notes = skipped.is_some() || !warnings.is_empty() || !renamed.is_empty();
    let notes = has_notes.then(|| {
        let renamed_view = (!renamed.is_empty()).then(|| {
            let items = renamed
                .into_iter()
                .map(|(from, to)| {
                    let from = if from.is_empty() {
                        "(empty)".to_string()
                    } else {
                        format!("“{from}”")
                    };
                    view! { <li>{from}" → "<code>{to}</code></li> }
                })
                .collect_view();
            view! {
                <li class="note">
                    "Column names changed so each is unique and not empty:"
                    <ul class="renamed-list">{items}</ul>
                </li>
            }
        });
        let warning_items = warnings
            .into_iter()
            .map(|w| view! { <li class="note">{w}</li> })
            .collect_view();
        view! {
            <ul class="notes" aria-label="Notes about this file">
                {skipped.map(|text| view! { <li class="note note-skipped">{text}</li> })}
                {warning_items}
                {renamed_view}
            </ul>
        }
    });
    let memory = if d.worker_memory_bytes > 0 {
        format!(
            "Table ≈ {} · worker memory {}",
            bytes(d.table_bytes),
            bytes(d.worker_memory_bytes)
        )
    } else {
        format!("Table ≈ {}", bytes(d.table_bytes))
    };

    view! {
        <section
            class="card dataset-card"
            data-testid="dataset-summary"
            data-rows=d.n_rows.to_string()
            data-cols=d.n_cols.to_string()
            data-file-name=d.file_name.clone()
            data-elapsed-ms=(d.elapsed_ms.max(0.0).round() as u64).to_string()
            data-worker-memory=d.worker_memory_bytes.to_string()
        >
            <div class="dataset-head">
                <div class="dataset-title">
                    <p class="eyebrow">"Loaded dataset"</p>
                    <h2 class="dataset-name" title=d.file_name.clone()>{d.file_name.clone()}</h2>
                </div>
                <span
                    class=move || shape_badge(shape_kind()).1
                    data-testid="shape-badge"
                    data-shape=move || match shape_kind() {
                        TableShape::Customers => "customers",
                        TableShape::Transactions => "transactions",
                        TableShape::Unknown => "unknown",
                    }
                >
                    {shape_label}
                </span>
            </div>
            <dl class="stat-tiles">
                <div class="stat">
                    <dt>"Rows"</dt>
                    <dd>{thousands(d.n_rows as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"Columns"</dt>
                    <dd>{thousands(d.n_cols as u64)}</dd>
                </div>
                <div class="stat">
                    <dt>"File size"</dt>
                    <dd>{bytes(d.file_bytes)}</dd>
                </div>
                <div class="stat">
                    <dt>"Read in"</dt>
                    <dd>{duration(d.elapsed_ms)}</dd>
                </div>
            </dl>
            <p class="shape-reason" data-testid="shape-reason">
                <strong>{shape_label}": "</strong>
                {move || shape.with(|s| s.reason.clone())}
            </p>
            <div class="roles-found">
                <h3 class="roles-title">"Roles"</h3>
                {role_list(state)}
            </div>
            {notes}
            <p class="memory-note">{memory}</p>
        </section>
    }
}
