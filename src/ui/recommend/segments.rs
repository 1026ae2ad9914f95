//! A card per segment: its persona (the name the user gave it, what defines it and the
//! suggested action, from the Segment step), how many customers and baskets it holds, its top
//! products (the share of its customers who bought each, and the lift against all customers:
//! what is typical of it) and its own top rules, mined on its baskets.
//!
//! The cards follow persona renames; after a new segmentation they keep the names of the run
//! and say that the segments have changed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::charts::Theme;
use crate::core::recommend::view::{RecommendView, SegmentRecsView};
use crate::core::segment::personas::Persona;
use crate::protocol::SegmentView;
use crate::ui::format::thousands;
use crate::ui::state::AppState;

use super::results::{share, times};
use super::rules::{rule_items, rule_sentence};

fn swatch(segment: usize) -> String {
    Theme::current().series(segment).css()
}

fn segmentation_id(segmented: &Option<Arc<SegmentView>>) -> Option<usize> {
    segmented.as_ref().map(|s| Arc::as_ptr(s) as usize)
}

fn products_table(segment: &SegmentRecsView) -> impl IntoView {
    if segment.products.is_empty() {
        return ().into_any();
    }
    let rows = segment
        .products
        .iter()
        .map(|p| {
            let typical = p.lift >= 1.5;
            view! {
                <tr>
                    <td class="seg-product">{p.item.clone()}</td>
                    <td class="num">{share(p.share)}</td>
                    <td class="num" class:lift-high=typical>{times(p.lift)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="column-table seg-products" data-testid="recommend-segment-products">
            <thead>
                <tr>
                    <th scope="col">"Top products"</th>
                    <th scope="col" class="num" title="Share of the segment’s customers who bought it">"Bought by"</th>
                    <th scope="col" class="num" title="That share ÷ the share among all customers: above 1, typical of this segment">"Lift"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn rules_list(segment: &SegmentRecsView) -> impl IntoView {
    if segment.rules.is_empty() {
        return ().into_any();
    }
    let items = segment
        .rules
        .iter()
        .map(|rule| {
            view! {
                <li class="seg-rule" title=rule_sentence(rule)>
                    <span class="seg-rule-text">
                        {rule_items(&rule.antecedent)}
                        <span class="rule-arrow" aria-label="leads to">" → "</span>
                        <span class="rule-item">{rule.consequent.clone()}</span>
                    </span>
                    <span class="seg-rule-measures muted small">
                        {format!("{} confidence · lift {}", share(rule.confidence), times(rule.lift))}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="seg-rules">
            <p class="seg-section-title">"Its own top rules"</p>
            <ol class="seg-rule-list" data-testid="recommend-segment-rules">{items}</ol>
        </div>
    }
    .into_any()
}

fn segment_card(
    state: AppState,
    segment: &SegmentRecsView,
    current: Signal<bool>,
) -> impl IntoView {
    let index = segment.segment;
    let persona = move || -> Option<Persona> {
        if !current.get() {
            return None;
        }
        state
            .personas
            .with(|p| p.iter().find(|p| p.segment == index).cloned())
    };
    let run_name = segment.name.clone();
    let name = move || persona().map_or_else(|| run_name.clone(), |p| p.label);
    // What defines the segment (under the persona's own name when the user renamed it).
    let about = move || {
        persona().map(|p| {
            let named = (p.label != p.name).then(|| {
                view! { <span class="persona-key">{format!("{}: ", p.name)}</span> }
            });
            view! {
                <p class="persona-rule seg-persona muted" data-testid="recommend-segment-persona">
                    {named}
                    {p.rule}
                </p>
                <p class="persona-action">
                    <span class="persona-key">"Action: "</span>
                    {p.action}
                </p>
            }
        })
    };
    let note = segment
        .note
        .clone()
        .map(|note| view! { <p class="muted small seg-note">{note}</p> });
    view! {
        <article class="persona-card recommend-segment" data-testid="recommend-segment" data-segment=index.to_string()>
            <div class="persona-head">
                <span class="persona-swatch" style:background-color=swatch(index)></span>
                <h4 class="seg-name" data-testid="recommend-segment-name">{name}</h4>
            </div>
            <p class="persona-stats">
                <span class="persona-stat">{format!("{} customers", thousands(segment.customers as u64))}</span>
                <span class="persona-stat">{format!("{} baskets", thousands(segment.baskets as u64))}</span>
            </p>
            {about}
            {products_table(segment)}
            {rules_list(segment)}
            {note}
        </article>
    }
}

#[component]
pub fn SegmentsCard(state: AppState, view: Arc<RecommendView>) -> impl IntoView {
    if view.segments.is_empty() {
        return view! {
            <section class="card" aria-labelledby="recommend-segments-title" data-testid="recommend-no-segments">
                <div class="card-head">
                    <h3 id="recommend-segments-title" class="card-title">"By segment"</h3>
                </div>
                <p class="muted">
                    "No segments were found before this run: segment the customers (step 3), then run "
                    "the recommendations again to see each segment’s top products and rules."
                </p>
            </section>
        }
        .into_any();
    }
    // The segmentation the run listed (the results are made when the run arrives).
    let at_run = state.segmented.with_untracked(segmentation_id);
    let current = Signal::derive(move || state.segmented.with(segmentation_id) == at_run);
    let cards = view
        .segments
        .iter()
        .map(|s| segment_card(state, s, current))
        .collect_view();
    let stale = move || {
        (!current.get()).then(|| {
            view! {
                <ul class="notes" data-testid="recommend-segments-stale">
                    <li class="note">
                        "The segments have changed since this run: these cards show the segments it "
                        "used. Run the recommendations again for the new ones."
                    </li>
                </ul>
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="recommend-segments-title" data-testid="recommend-segments">
            <div class="card-head">
                <h3 id="recommend-segments-title" class="card-title">"By segment"</h3>
                <p class="muted small">"Each segment’s most bought products and the rules within its own baskets."</p>
            </div>
            {stale}
            <div class="personas recommend-segment-cards">{cards}</div>
        </section>
    }
    .into_any()
}
