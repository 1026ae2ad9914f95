//! The column summary: type and role (editable), missing share, distinct count, statistics or
//! most frequent values.

use leptos::prelude::*;

use crate::core::summary::ColumnSummary;
use crate::core::table::{ColumnType, Role};
use crate::ui::components::{Header, ScrollTable};
use crate::ui::format::{capitalize, percent, percent_text, thousands};
use crate::ui::state::AppState;

/// Most frequent values shown per column.
const TOP_SHOWN: usize = 4;

#[component]
pub fn ColumnTable(state: AppState, n_rows: usize) -> impl IntoView {
    // Rows are keyed by a revision, so every change draws fresh rows: a `<select>` the user
    // changed keeps its own value otherwise, even when the worker refused the change.
    let rows = view! {
        <For
            each=move || {
                let rev = state.columns_rev.get();
                state.columns.get().into_iter().map(move |column| (rev, column))
            }
            key=|(rev, column)| (*rev, column.index)
            children=move |(_, column)| column_row(state, column, n_rows)
        />
    };
    view! {
        <section class="card columns-card" aria-labelledby="columns-title">
            <div class="card-head">
                <h2 id="columns-title">"Columns"</h2>
                <p class="muted small">
                    "Each type is confirmed on every row. Change a type or a role if the guess is wrong."
                </p>
            </div>
            <ScrollTable
                testid="column-summary"
                class="column-table"
                headers=vec![
                    Header::text("Column"),
                    Header::text("Type"),
                    Header::text("Role"),
                    Header::num("Missing"),
                    Header::num("Distinct"),
                    Header::num("Min"),
                    Header::num("Max"),
                    Header::num("Mean"),
                    Header::num("Median"),
                    Header::text("Most frequent"),
                ]
            >
                {rows}
            </ScrollTable>
        </section>
    }
}

fn column_row(state: AppState, column: ColumnSummary, n_rows: usize) -> impl IntoView {
    let index = column.index;
    let pct = percent(column.missing as u64, n_rows as u64);
    let missing_title = format!(
        "{} of {} rows missing",
        thousands(column.missing as u64),
        thousands(n_rows as u64)
    );
    let type_options = ColumnType::ALL
        .into_iter()
        .map(|t| {
            view! {
                <option value=t.label() selected=t == column.ctype>{capitalize(t.label())}</option>
            }
        })
        .collect_view();
    let role_options = Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.label() selected=Some(r) == column.role>{r.title()}</option> })
        .collect_view();
    // Numbers under Min…Median only for columns that have them; most frequent values in their
    // own column (an identifier's top values used to sit under the Min/Max/Mean headings).
    let stats_cells = match &column.stats {
        Some(stats) => view! {
            <td class="num stat-value">{stat_text(&stats.min_text)}</td>
            <td class="num stat-value">{stat_text(&stats.max_text)}</td>
            <td class="num stat-value">{stat_text(&stats.mean_text)}</td>
            <td class="num stat-value">{stat_text(&stats.median_text)}</td>
        }
        .into_any(),
        None => {
            view! { <td class="num no-stats" colspan="4" data-testid="no-stats"></td> }.into_any()
        }
    };
    let top_cell = top_values_cell(&column);
    let name = column.name.clone();
    let name_title = column.name.clone();
    let type_label = format!("Type of column {}", column.name);
    let role_label = format!("Role of column {}", column.name);
    view! {
        <tr data-testid="column-row" data-name=column.name.clone() data-type=column.ctype.label()>
            <th scope="row" class="col-name">
                <span class="col-name-text" title=name_title>{name}</span>
                {column.format.clone().map(|f| view! { <span class="col-format">{f}</span> })}
            </th>
            <td>
                <select
                    class="select-compact type-select"
                    data-testid="column-type-select"
                    aria-label=type_label
                    on:change=move |ev| {
                        if let Some(ctype) = ColumnType::from_label(&event_target_value(&ev)) {
                            state.set_column_type(index, ctype);
                        }
                    }
                >
                    {type_options}
                </select>
            </td>
            <td>
                <select
                    class="select-compact role-select"
                    class:has-role=column.role.is_some()
                    data-testid="column-role-select"
                    aria-label=role_label
                    on:change=move |ev| {
                        let role = Role::from_label(&event_target_value(&ev));
                        state.set_column_role(index, role);
                    }
                >
                    <option value="" selected=column.role.is_none()>"—"</option>
                    {role_options}
                </select>
            </td>
            <td class="num missing-cell" title=missing_title>
                <span class="missing-text">{percent_text(pct)}</span>
                <span class="meter" aria-hidden="true">
                    <span class="meter-fill" style:width=format!("{pct:.1}%")></span>
                </span>
            </td>
            <td class="num">{thousands(column.distinct as u64)}</td>
            {stats_cells}
            {top_cell}
        </tr>
    }
}

/// The most frequent values with their counts; for a column whose values each occur once (an
/// identifier of a customer file) that fact and one example, not four counts of 1.
fn top_values_cell(column: &ColumnSummary) -> impl IntoView {
    let every_value_once = column.top.first().is_some_and(|(_, count)| *count <= 1);
    let content = if column.top.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else if every_value_once {
        let example = column
            .top
            .first()
            .map(|(value, _)| short(value))
            .unwrap_or_default();
        view! {
            <span class="muted small" data-testid="every-value-once">
                {format!("Each value once, e.g. {example}")}
            </span>
        }
        .into_any()
    } else {
        let chips = column
            .top
            .iter()
            .take(TOP_SHOWN)
            .map(|(value, count)| {
                view! {
                    <li class="chip" title=value.clone()>
                        <span class="chip-value">{short(value)}</span>
                        <span class="chip-count">{thousands(*count as u64)}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="chips" aria-label="Most frequent values">{chips}</ul> }.into_any()
    };
    view! { <td class="top-values" data-testid="top-values">{content}</td> }
}

/// A statistic that may break only between a date and its time (`2023-01-02 12:25:30`), so that
/// the summary fits a desktop window beside its most frequent values.
fn stat_text(text: &str) -> impl IntoView {
    let mut parts = text.split(' ');
    let date = parts.next().unwrap_or_default().to_string();
    let time = parts.collect::<Vec<_>>().join(" ");
    view! {
        <span class="nowrap">{date}</span>
        {(!time.is_empty()).then(|| view! { " " <span class="nowrap">{time}</span> })}
    }
}

/// A value cut to 28 characters for a chip.
fn short(value: &str) -> String {
    if value.chars().count() > 28 {
        let cut: String = value.chars().take(27).collect();
        format!("{cut}…")
    } else {
        value.to_string()
    }
}
