//! "Bought with": type part of a product's name, pick one of the products that match, and see
//! what is most often in the same baskets (how many baskets, the share of the product's
//! baskets, the lift); any product of the list opens its own. Below, the heat map of what the
//! best sellers are bought with, and the best sellers.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::recommend::view::{ItemCount, RecommendView};
use crate::ui::format::thousands;
use crate::ui::state::AppState;

use super::results::{chart_item, chart_of, share, times};

/// Best sellers offered as a first search.
const SUGGESTIONS: usize = 5;

#[component]
pub fn ItemsCard(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    // What the user typed, and the products matching it (kept while one of them is picked).
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(None::<(String, Vec<ItemCount>)>);
    Effect::new(move |_| {
        state.item_partners.with(|answer| {
            if let Some(answer) = answer {
                if text.with_untracked(|t| *t == answer.search) {
                    found.set(Some((answer.search.clone(), answer.matches.clone())));
                }
            }
        })
    });
    let look_up = move |value: String| {
        text.set(value.clone());
        state.search_item(value);
    };
    // A match picked: its partners, the matches of the text typed kept.
    let pick = move |name: String| state.search_item(name);
    let suggestions = view
        .top_items
        .iter()
        .take(SUGGESTIONS)
        .map(|item| {
            let name = item.item.clone();
            view! {
                <button
                    type="button"
                    class="chip-choice"
                    data-testid="item-suggestion"
                    on:click=move |_| look_up(name.clone())
                >
                    {item.item.clone()}
                </button>
            }
        })
        .collect_view();
    let matches = move || {
        let shown = state.item_partners.with(|a| {
            a.as_ref()
                .and_then(|a| a.item.as_ref().map(|i| i.item.clone()))
        });
        found.with(|found| {
            let (search, matches) = found.as_ref()?;
            if search.trim().is_empty() {
                return None;
            }
            if matches.is_empty() {
                return Some(
                    view! {
                        <p class="muted" data-testid="item-no-match">
                            {format!("No product name contains “{}”.", search.trim())}
                        </p>
                    }
                    .into_any(),
                );
            }
            let buttons = matches
                .iter()
                .map(|m| {
                    let name = m.item.clone();
                    let pressed = shown.as_deref() == Some(m.item.as_str());
                    view! {
                        <button
                            type="button"
                            class="chip-choice"
                            class:chosen=pressed
                            data-testid="item-match"
                            aria-pressed=if pressed { "true" } else { "false" }
                            title=format!("In {} baskets", thousands(m.baskets))
                            on:click=move |_| pick(name.clone())
                        >
                            {m.item.clone()}
                            <span class="chip-count">{thousands(m.baskets)}</span>
                        </button>
                    }
                })
                .collect_view();
            let n = matches.len();
            let head = if n == 1 {
                "1 product matches:".to_string()
            } else {
                format!("{n} products match, most baskets first (pick one):")
            };
            Some(
                view! {
                    <div class="item-matches" role="group" aria-label="Products that match">
                        <p class="muted small">{head}</p>
                        <div class="chip-choices">{buttons}</div>
                    </div>
                }
                .into_any(),
            )
        })
    };
    let partners = move || {
        state.item_partners.with(|answer| {
            let answer = answer.as_ref()?;
            let item = answer.item.as_ref()?;
            if answer.partners.is_empty() {
                return Some(
                    view! {
                        <p class="muted" data-testid="item-partners-none">
                            {format!("Nothing else is ever in a basket with {}.", item.item)}
                        </p>
                    }
                    .into_any(),
                );
            }
            let rows = answer
                .partners
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let name = p.item.clone();
                    view! {
                        <tr data-testid="item-partner">
                            <td class="num muted">{i + 1}</td>
                            <td>
                                <button
                                    type="button"
                                    class="link-button"
                                    title="Show what is bought with this product"
                                    on:click=move |_| look_up(name.clone())
                                >
                                    {p.item.clone()}
                                </button>
                            </td>
                            <td class="num">{thousands(p.together)}</td>
                            <td class="num">{share(p.confidence)}</td>
                            <td class="num">{times(p.lift)}</td>
                        </tr>
                    }
                })
                .collect_view();
            Some(
                view! {
                    <div class="item-partners" data-testid="item-partners" data-item=item.item.clone()>
                        <h4 class="subhead">"Bought with "<span class="item-name">{item.item.clone()}</span></h4>
                        <p class="muted small">
                            {format!(
                                "In {} baskets ({} of all). Products most often in the same baskets:",
                                thousands(item.baskets),
                                share(item.share)
                            )}
                        </p>
                        <div class="table-scroll">
                            <table class="column-table item-partners-table">
                                <thead>
                                    <tr>
                                        <th scope="col" class="num">"#"</th>
                                        <th scope="col">"Product"</th>
                                        <th scope="col" class="num" title="Baskets holding both products">"Together"</th>
                                        <th scope="col" class="num" title="Of the baskets with the searched product, the share that hold this one">"Of its baskets"</th>
                                        <th scope="col" class="num" title="That share ÷ this product’s share of all baskets">"Lift"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    </div>
                }
                .into_any(),
            )
        })
    };
    let placeholder = move || {
        state
            .item_partners
            .with(|a| a.as_ref().and_then(|a| a.item.as_ref()).is_none())
            .then(|| {
                view! {
                    <p class="muted item-placeholder">
                        "Type part of a product’s name (or its code), or start from a best seller: what "
                        "is most often bought with it shows here."
                    </p>
                }
            })
    };
    let best_sellers = chart_of(&view, "recommend:top_items").map(|chart| {
        view! { <div class="gallery recommend-wide-chart">{chart_item(chart)}</div> }
    });
    let heatmap = chart_of(&view, "recommend:cooccurrence").map(|chart| {
        view! { <div class="gallery recommend-wide-chart" data-testid="recommend-heatmap">{chart_item(chart)}</div> }
    });
    view! {
        <section class="card recommend-items" aria-labelledby="recommend-items-title" data-testid="recommend-items">
            <div class="card-head">
                <h3 id="recommend-items-title" class="card-title">"What goes with a product"</h3>
                <p class="muted small">"Counted over every basket; the lift says how much more often than by chance."</p>
            </div>
            <div class="recommend-items-body">
                <div class="recommend-item-search">
                    <label class="field">
                        <span class="field-label">"Product name contains"</span>
                        <input
                            type="search"
                            class="input-compact input-search"
                            data-testid="item-search"
                            placeholder="e.g. HEART or 85123A"
                            prop:value=move || text.get()
                            on:input=move |ev| look_up(event_target_value(&ev))
                        />
                    </label>
                    <div class="item-suggestions" class:hidden=move || !text.with(|t| t.trim().is_empty())>
                        <p class="muted small">"Or start from a best seller:"</p>
                        <div class="chip-choices">{suggestions}</div>
                    </div>
                    {matches}
                </div>
                <div class="recommend-item-partners" aria-live="polite">
                    {placeholder}
                    {partners}
                </div>
            </div>
            {heatmap}
            {best_sellers}
        </section>
    }
}
