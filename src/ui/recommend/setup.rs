//! The Recommend form: the rule thresholds (minimum support and confidence, longest itemset),
//! and for purchase lines the holdout cutoff, the method (or the best on the training period),
//! the products per customer, "only products not bought yet" and the seed. Every field is kept
//! as typed and checked as typed, with its message under it; nothing is sent while one is wrong.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::parse_iso_date;
use crate::core::recommend::holdout::Method;
use crate::core::recommend::run::RecommendParams;
use crate::core::recommend::view::RecommendSetup;
use crate::ui::components::{seed_field, switch_field};
use crate::ui::format::thousands;
use crate::ui::state::AppState;

use super::input::{
    iso, parse_cutoff, parse_max_len, parse_min_confidence, parse_min_support, parse_top,
};
use super::{busy, RecommendForm};

/// What each method does, in a line.
pub fn method_hint(method: Option<Method>) -> &'static str {
    match method {
        None => {
            "Every method is fitted on the baskets up to a cut inside the training period and \
             checked on the rest of it; the best hit rate wins. The test period never decides."
        }
        Some(Method::Popularity) => "The bestsellers, the same for everyone: the baseline.",
        Some(Method::Cooccurrence) => {
            "The products most often in the same baskets as the customer’s own."
        }
        Some(Method::Cosine) => {
            "Like co-occurrence, with the bestsellers weighed down (cosine similarity)."
        }
        Some(Method::Rules) => {
            "The most confident association rule that fires on the customer’s products; \
             bestsellers fill the list."
        }
        Some(Method::Als) => {
            "Matrix factorisation of who bought what (implicit-feedback ALS, seeded): products \
             bought by customers of similar taste."
        }
    }
}

/// A text input checked as typed: `check` gives the message shown under it (and marks the
/// input invalid for screen readers).
fn checked_field(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    placeholder: String,
    inputmode: &'static str,
    check: impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static,
    hint: impl IntoView + 'static,
) -> impl IntoView {
    let error_id = format!("{testid}-error");
    let hint_id = format!("{testid}-hint");
    let error = {
        let check = check.clone();
        move || value.with(|text| check(text))
    };
    let invalid = {
        let error = error.clone();
        move || error().is_some().then_some("true")
    };
    let described = format!("{hint_id} {error_id}");
    let message = {
        let error = error.clone();
        move || error().unwrap_or_default()
    };
    view! {
        <div class="recommend-field">
            <label class="field field-inline">
                <span class="field-label">{label}</span>
                <input
                    type="text"
                    inputmode=inputmode
                    class="input-compact input-number"
                    class:invalid=move || error().is_some()
                    data-testid=testid
                    placeholder=placeholder
                    aria-invalid=invalid
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:change=move |ev| value.set(event_target_value(&ev))
                />
            </label>
            <span class="muted small field-hint" id=hint_id.clone() data-testid=hint_id>{hint}</span>
            <span class="field-error field-error-inline" id=error_id data-testid=format!("{testid}-error") aria-live="polite">{message}</span>
        </div>
    }
}

#[component]
fn RuleFields(form: RecommendForm, setup: Arc<RecommendSetup>) -> impl IntoView {
    let baskets = setup.baskets;
    let support_hint = move || {
        form.min_support.with(|text| match parse_min_support(text) {
            Ok(min_support) => {
                let min_count = RecommendParams {
                    min_support,
                    ..RecommendParams::new()
                }
                .itemset_params()
                .min_count(baskets);
                format!(
                    "Itemsets in at least {} of the {} baskets.",
                    thousands(min_count),
                    thousands(baskets as u64)
                )
            }
            Err(_) => "Share of the baskets an itemset must be in.".to_string(),
        })
    };
    let confidence_hint = move || {
        form.min_confidence
            .with(|text| match parse_min_confidence(text) {
                Ok(c) => format!(
                    "A rule A → B is kept when at least {} % of the baskets with A hold B.",
                    crate::core::format::number(c * 100.0)
                ),
                Err(_) => "Share of the baskets with the left-hand side that hold the right-hand \
                           product."
                    .to_string(),
            })
    };
    view! {
        <fieldset class="recommend-fieldset" data-testid="recommend-rule-fields">
            <legend class="field-label">"Association rules"</legend>
            {checked_field(
                "Minimum support (%)",
                "recommend-min-support",
                form.min_support,
                "1".to_string(),
                "decimal",
                |t| parse_min_support(t).err(),
                support_hint,
            )}
            {checked_field(
                "Minimum confidence (%)",
                "recommend-min-confidence",
                form.min_confidence,
                "25".to_string(),
                "decimal",
                |t| parse_min_confidence(t).err(),
                confidence_hint,
            )}
            {checked_field(
                "Longest itemset",
                "recommend-max-len",
                form.max_len,
                "4".to_string(),
                "numeric",
                |t| parse_max_len(t).err(),
                "Products in a rule, both sides together (2 = pairs only).",
            )}
            {switch_field(
                "recommend-keep-service",
                "Keep service lines",
                "Postage, carriage, fees, discounts and manual adjustments are left out of the baskets by default: no one should be offered postage. The results list what was left out.",
                form.keep_service_items,
            )}
        </fieldset>
    }
}

/// The holdout's cutoff: typed as YYYY-MM-DD, the default as placeholder, what it means in
/// dates.
#[component]
fn CutoffField(form: RecommendForm, setup: Arc<RecommendSetup>) -> impl IntoView {
    let default = setup.default_cutoff.clone().unwrap_or_default();
    let last = setup.last_day.clone();
    let span = {
        let setup = setup.clone();
        let default = default.clone();
        move || {
            let typed = form.cutoff.get();
            let shown = match parse_cutoff(&typed, &setup) {
                Ok(Some(day)) => Some(day),
                Ok(None) => parse_iso_date(&default),
                Err(_) => None,
            };
            let (Some(cutoff), Some(last)) = (shown, last.as_deref()) else {
                return "Baskets up to the cutoff train the recommenders; those after it test them."
                    .to_string();
            };
            format!(
                "Baskets up to {} train the recommenders; those from {} to {last} test them \
                 (customers with baskets on both sides are scored).",
                iso(cutoff),
                iso(cutoff.saturating_add(1)),
            )
        }
    };
    let check = {
        let setup = setup.clone();
        move |text: &str| parse_cutoff(text, &setup).err()
    };
    let data_span = match (&setup.first_day, &setup.last_day) {
        (Some(first), Some(last)) => format!(" Baskets from {first} to {last}."),
        _ => String::new(),
    };
    view! {
        <fieldset class="recommend-fieldset" data-testid="recommend-holdout-fields">
            <legend class="field-label">"Time holdout"</legend>
            {checked_field(
                "Cutoff date",
                "recommend-cutoff",
                form.cutoff,
                default,
                "text",
                check,
                view! { <span data-testid="recommend-cutoff-span">{span}</span>{data_span}" Empty = the last basket day − 90 days." },
            )}
        </fieldset>
    }
}

#[component]
fn MethodFields(form: RecommendForm) -> impl IntoView {
    let options = move || {
        let chosen = form.method.get();
        let best = view! {
            <option value="" selected=chosen.is_none()>"Best on the training period (recommended)"</option>
        };
        let methods = Method::ALL
            .into_iter()
            .map(
                |m| view! { <option value=m.key() selected=chosen == Some(m)>{m.label()}</option> },
            )
            .collect_view();
        (best, methods)
    };
    view! {
        <fieldset class="recommend-fieldset" data-testid="recommend-method-fields">
            <legend class="field-label">"Recommendations"</legend>
            <div class="recommend-field">
                <label class="field field-inline">
                    <span class="field-label">"Method"</span>
                    <select
                        class="select-compact recommend-method"
                        data-testid="recommend-method"
                        aria-describedby="recommend-method-hint"
                        on:change=move |ev| form.method.set(Method::from_key(&event_target_value(&ev)))
                    >
                        {options}
                    </select>
                </label>
                <span class="muted small field-hint" id="recommend-method-hint">{move || method_hint(form.method.get())}</span>
            </div>
            {checked_field(
                "Products per customer",
                "recommend-top",
                form.top,
                "10".to_string(),
                "numeric",
                |t| parse_top(t).err(),
                "From 1 to 100; also the N of the evaluation (hit rate at N …).",
            )}
            {switch_field(
                "recommend-exclude-bought",
                "Only products the customer has not bought",
                "New products to suggest. The evaluation shows both figures: on all products and on new ones.",
                form.exclude_bought,
            )}
            {seed_field("recommend-seed", form.seed)}
            <p class="muted small">"The seed starts the matrix factorisation (ALS); the other methods are exact."</p>
        </fieldset>
    }
}

#[component]
pub fn SetupCard(
    state: AppState,
    form: RecommendForm,
    setup: Arc<RecommendSetup>,
) -> impl IntoView {
    let basket_list = setup.from_basket_list;
    let mut facts = vec![
        format!("{} baskets", thousands(setup.baskets as u64)),
        format!("{} products", thousands(setup.items as u64)),
    ];
    if basket_list {
        facts.push("a basket list (no customers, no dates)".to_string());
    } else {
        facts.push(format!("{} customers", thousands(setup.customers as u64)));
        if let (Some(first), Some(last)) = (&setup.first_day, &setup.last_day) {
            facts.push(format!("{first} to {last}"));
        }
    }
    let mut notes = setup.notes.clone();
    if !basket_list {
        notes.push(if setup.segmented {
            "Segments were found: each gets its own top products and rules.".to_string()
        } else {
            "No segments yet: segment the customers (step 3) to get top products and rules per \
             segment too."
                .to_string()
        });
    }
    let notes = notes
        .into_iter()
        .map(|note| view! { <li class="note">{note}</li> })
        .collect_view();
    let lines_only = (!basket_list).then(|| {
        view! {
            <CutoffField form=form setup=setup.clone()/>
            <MethodFields form=form/>
        }
    });
    let run = {
        let setup = setup.clone();
        move |_| form.run(state, &setup)
    };
    let run_why = if basket_list {
        "Rules and “bought with” lists from every basket. Runs in the background."
    } else {
        "Same data, settings and seed: the same results. Runs in the background."
    };
    view! {
        <section class="card setup-card recommend-setup" aria-labelledby="recommend-setup-title" data-testid="recommend-setup">
            <div class="card-head">
                <h3 id="recommend-setup-title" class="card-title">"Find what is bought together, and what to offer next"</h3>
                <p class="muted small" data-testid="recommend-setup-facts">{facts.join(" · ")}</p>
            </div>
            <ul class="notes notes-info" data-testid="recommend-setup-notes">{notes}</ul>
            <div class="recommend-form">
                <RuleFields form=form setup=setup.clone()/>
                {lines_only}
            </div>
            <div class="setup-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="recommend-run"
                    disabled=move || busy(state)
                    on:click=run
                >
                    {move || if state.recommended.with(Option::is_some) { "Run again" } else { "Find rules and recommend" }}
                </button>
                <span class="muted small">{run_why}</span>
            </div>
            {move || form.error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="recommend-form-error">{e}</p> })}
        </section>
    }
}
