//! The association rules, read as "customers who buy … also buy …": paged, sorted and filtered
//! by the worker (a click on a measure's header sorts by it, a second click flips the order; a
//! text keeps the rules naming a matching product; a minimum lift), every rule downloadable as
//! CSV, and the chart of the top rules by lift.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::recommend::view::{RecommendView, RuleRow, RuleSort, RulesQuery};
use crate::ui::components::{search_field, Pager, SortHeader};
use crate::ui::format::thousands;
use crate::ui::state::{AppState, RULES_PAGE};

use super::input::{parse_min_lift, range_text};
use super::pager_signals;
use super::results::{chart_item, chart_of, share, times};

/// The measures a click sorts by.
const SORTABLE: [(RuleSort, &str, &str); 5] = [
    (
        RuleSort::Support,
        "Support",
        "Share of all baskets holding every product of the rule",
    ),
    (
        RuleSort::Confidence,
        "Confidence",
        "Of the baskets with the left-hand products, the share that also hold the right-hand one",
    ),
    (
        RuleSort::Lift,
        "Lift",
        "Confidence ÷ the right-hand product’s share of all baskets: above 1, bought together more than by chance",
    ),
    (
        RuleSort::Leverage,
        "Leverage",
        "Support − the support expected if the two sides were independent",
    ),
    (
        RuleSort::Conviction,
        "Conviction",
        "How much more often the left side would come without the right one if they were independent (∞: never without)",
    ),
];

/// "A + B".
fn side(items: &[String]) -> String {
    items.join(" + ")
}

/// The rule in words.
pub fn rule_sentence(rule: &RuleRow) -> String {
    format!(
        "{} of the baskets with {} also hold {}: {} as often as in all baskets; {} baskets hold \
         them all ({} of the baskets).",
        share(rule.confidence),
        side(&rule.antecedent),
        rule.consequent,
        times(rule.lift),
        thousands(rule.count),
        share(rule.support),
    )
}

/// The products of a side, each on its own (they wrap between products, not inside one).
pub fn rule_items(items: &[String]) -> impl IntoView {
    let n = items.len();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let plus = (i + 1 < n)
                .then(|| view! { <span class="rule-plus" aria-label="and">" + "</span> });
            view! { <span class="rule-item">{item.clone()}</span>{plus} }
        })
        .collect_view()
}

fn rule_row(rank: usize, rule: &RuleRow) -> impl IntoView {
    let conviction = rule
        .conviction
        .map_or_else(|| "∞".to_string(), |c| format!("{c:.2}"));
    view! {
        <tr title=rule_sentence(rule) data-testid="rule-row" data-lift=format!("{:.6}", rule.lift) data-confidence=format!("{:.6}", rule.confidence)>
            <td class="num muted">{thousands(rank as u64)}</td>
            <td class="rule-side">{rule_items(&rule.antecedent)}</td>
            <td class="rule-side rule-consequent"><span class="rule-arrow" aria-hidden="true">"→ "</span><span class="rule-item">{rule.consequent.clone()}</span></td>
            <td class="num">{thousands(rule.count)}</td>
            <td class="num">{share(rule.support)}</td>
            <td class="num">{share(rule.confidence)}</td>
            <td class="num"><strong>{times(rule.lift)}</strong></td>
            <td class="num">{format!("{:.4}", rule.leverage)}</td>
            <td class="num">{conviction}</td>
        </tr>
    }
}

#[component]
pub fn RulesCard(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    let query = RwSignal::new(RulesQuery::default());
    let search = RwSignal::new(String::new());
    let min_lift = RwSignal::new(String::new());
    let lift_error = move || min_lift.with(|t| parse_min_lift(t).err());
    // Every change of the query starts at its first page.
    let ask = move |q: RulesQuery| {
        query.set(q.clone());
        state.show_rules(q, 0);
    };
    let headers = SORTABLE
        .into_iter()
        .map(|(sort, name, tip)| {
            let sorted = Signal::derive(move || {
                query.with(|q| (q.sort == sort).then_some(!q.ascending))
            });
            let on_sort = Callback::new(move |_| {
                let mut q = query.get_untracked();
                if q.sort == sort {
                    q.ascending = !q.ascending;
                } else {
                    q.sort = sort;
                    q.ascending = false;
                }
                ask(q);
            });
            view! {
                <SortHeader text=name.to_string() numeric=true title=Some(tip.to_string()) sorted=sorted on_sort=on_sort/>
            }
        })
        .collect_view();
    let counts = Memo::new(move |_| {
        state
            .rules_page
            .with(|p| p.as_ref().map(|p| (p.offset, p.rows.len(), p.matching)))
    });
    let (offset, shown, matching) = pager_signals(counts);
    let total = view.rules;
    let range_text = move || range_text("Rules", counts.get(), total);
    let on_page = Callback::new(move |next: usize| state.show_rules(query.get_untracked(), next));
    let body = move || {
        state.rules_page.with(|page| {
            let Some(page) = page else {
                return ().into_any();
            };
            if page.rows.is_empty() {
                let text = if total == 0 {
                    "No rule reaches these thresholds: lower the minimum support or confidence and run again."
                } else {
                    "No rule matches the filter: change the product text or the minimum lift."
                };
                return view! { <tr><td colspan="9" class="muted empty-row">{text}</td></tr> }.into_any();
            }
            page.rows
                .iter()
                .enumerate()
                .map(|(i, rule)| rule_row(page.offset + i + 1, rule))
                .collect_view()
                .into_any()
        })
    };
    let on_search = move |text: String| {
        let mut q = query.get_untracked();
        q.search = text;
        ask(q);
    };
    let on_lift = move |ev| {
        let text = event_target_value(&ev);
        min_lift.set(text.clone());
        if let Ok(lift) = parse_min_lift(&text) {
            let mut q = query.get_untracked();
            q.min_lift = lift;
            ask(q);
        }
    };
    let chart = chart_of(&view, "recommend:rules_by_lift").map(|chart| {
        view! { <div class="gallery recommend-wide-chart">{chart_item(chart)}</div> }
    });
    view! {
        <section class="card recommend-rules" aria-labelledby="recommend-rules-title" data-testid="recommend-rules">
            <div class="card-head">
                <div>
                    <h3 id="recommend-rules-title" class="card-title">"Bought together: association rules"</h3>
                    <p class="muted small">
                        "Read each row as “customers who buy the left-hand products also buy the right-hand one”. "
                        "Hover a row for it in words; click a measure to sort by it."
                    </p>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-rules"
                    title="Every rule with its counts and measures"
                    disabled=total == 0
                    on:click=move |_| state.export_rules()
                >
                    "Download rules (CSV)"
                </button>
            </div>
            <div class="recommend-toolbar" role="search" aria-label="Filter the rules">
                {search_field("Product name contains", "rules-search", "e.g. HEART", search, on_search)}
                <label class="field field-inline">
                    <span class="field-label">"Minimum lift"</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        class="input-compact input-number"
                        class:invalid=move || lift_error().is_some()
                        data-testid="rules-min-lift"
                        placeholder="any"
                        aria-invalid=move || lift_error().is_some().then_some("true")
                        aria-describedby="rules-min-lift-error"
                        prop:value=move || min_lift.get()
                        on:change=on_lift
                    />
                </label>
                <Pager
                    testid="rules"
                    page_size=RULES_PAGE
                    offset=offset
                    shown=shown
                    total=matching
                    text=Signal::derive(range_text)
                    on_page=on_page
                />
            </div>
            <p class="field-error" id="rules-min-lift-error" aria-live="polite">{lift_error}</p>
            <div class="table-scroll recommend-scroll" tabindex="0" role="region" aria-label="Association rules, scrollable">
                <table class="column-table rules-table" data-testid="rules-table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">"Customers who buy"</th>
                            <th scope="col">"also buy"</th>
                            <th scope="col" class="num" title="Baskets holding every product of the rule">"Baskets"</th>
                            {headers}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {chart}
        </section>
    }
}
