//! The Value step's form: the cutoff and the horizon (the holdout window as dates and as days,
//! in sync), the monthly discount rate, the models (BG/NBD + Gamma-Gamma and the supervised
//! ones, each disabled with its reason when the data cannot support it), what the supervised
//! models predict, the features, the validation and the seed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::parse_iso_date;
use crate::core::value::run::ValueModel;
use crate::core::value::view::ValueSetup;
use crate::ui::components::{decimal_field, feature_check, number_field, seed_field, switch_field};
use crate::ui::format::thousands;
use crate::ui::state::AppState;

use super::{iso, model_unavailable, ValueForm, MAX_FOLDS, MAX_HORIZON_DAYS};

/// Cutoff → end of the holdout window (dates) and the horizon in days, kept in sync, with
/// what they mean and the data's first and last purchase day.
#[component]
fn WindowFields(form: ValueForm, setup: Arc<ValueSetup>) -> impl IntoView {
    let (Some(first_day), Some(last_day)) = (setup.first_day, setup.last_day) else {
        return ().into_any();
    };
    let (first, last) = (iso(first_day), iso(last_day));
    let cutoff_day = {
        let setup = setup.clone();
        move || form.cutoff_day(&setup)
    };
    let cutoff_value = {
        let cutoff_day = cutoff_day.clone();
        move || cutoff_day().map_or_else(|| form.cutoff.get(), iso)
    };
    let end_value = {
        let cutoff_day = cutoff_day.clone();
        move || {
            cutoff_day()
                .map(|d| iso(d.saturating_add(form.horizon_days.get() as i32)))
                .unwrap_or_default()
        }
    };
    // A new end date keeps the cutoff where it is shown and sets the horizon's days.
    let on_end = {
        let cutoff_day = cutoff_day.clone();
        move |ev| {
            let typed = event_target_value(&ev);
            if let (Some(cutoff), Some(end)) = (cutoff_day(), parse_iso_date(typed.trim())) {
                let days = i64::from(end) - i64::from(cutoff);
                if days >= 1 && days <= MAX_HORIZON_DAYS as i64 {
                    form.cutoff.set(iso(cutoff));
                    form.horizon_days.set(days as usize);
                }
            }
            // Show the end kept (the last valid one when the typed date is before the cutoff).
            form.horizon_days.update(|_| {});
        }
    };
    let span = {
        let cutoff_day = cutoff_day.clone();
        move || {
            let horizon = form.horizon_days.get() as i32;
            let Some(cutoff) = cutoff_day() else {
                return "Write the cutoff as YYYY-MM-DD, or clear it for the default.".to_string();
            };
            let end = cutoff.saturating_add(horizon);
            let mut text = format!(
                "The models learn from the purchases up to {} and are checked on the {horizon} \
                 days after it ({} to {}).",
                iso(cutoff),
                iso(cutoff.saturating_add(1)),
                iso(end),
            );
            if cutoff < first_day {
                text.push_str(&format!(
                    " The cutoff is before the first purchase ({}): choose a later one or a \
                     shorter horizon.",
                    iso(first_day)
                ));
            } else if cutoff > last_day {
                text.push_str(&format!(
                    " The cutoff is after the last purchase ({}): choose an earlier one.",
                    iso(last_day)
                ));
            } else if end > last_day {
                text.push_str(&format!(
                    " The window runs past the last purchase ({}): there is no full holdout to \
                     check on, so no holdout figures; the forecasts are still made.",
                    iso(last_day)
                ));
            }
            text
        }
    };
    let forecast = move || {
        let horizon = form.horizon_days.get() as i32;
        format!(
            "Each customer’s forecast: the models refitted on every purchase predict the {horizon} \
             days after the last one ({} to {}).",
            iso(last_day.saturating_add(1)),
            iso(last_day.saturating_add(horizon)),
        )
    };
    view! {
        <div class="value-window-block" data-testid="value-window">
            <div class="predict-window value-window" role="group" aria-label="Calibration and holdout window">
                <label class="field field-inline">
                    <span class="field-label">"Cutoff date"</span>
                    <input
                        type="date"
                        class="input-compact"
                        data-testid="value-cutoff"
                        min=first.clone()
                        max=last.clone()
                        prop:value=cutoff_value
                        on:change=move |ev| form.cutoff.set(event_target_value(&ev))
                    />
                </label>
                <span class="predict-window-arrow" aria-hidden="true">"→"</span>
                <label class="field field-inline">
                    <span class="field-label">"Holdout ends"</span>
                    <input
                        type="date"
                        class="input-compact"
                        data-testid="value-holdout-end"
                        min=first.clone()
                        prop:value=end_value
                        on:change=on_end
                    />
                </label>
                {number_field("Horizon (days)", "value-horizon-days", form.horizon_days, 1, MAX_HORIZON_DAYS)}
            </div>
            <p class="muted small" data-testid="value-window-span">{span}</p>
            <p class="muted small" data-testid="value-forecast-span">{forecast}</p>
            <p class="muted small" data-testid="value-data-span">
                {format!("Purchases from {first} to {last}.")}
            </p>
        </div>
    }
    .into_any()
}

/// What the supervised models predict: the spend in the horizon (purchase lines), or a numeric
/// column the user picks (a customer file; preselected only when there is exactly one).
#[component]
fn TargetField(form: ValueForm, setup: Arc<ValueSetup>) -> impl IntoView {
    if setup.has_purchase_dates && !setup.has_spend {
        return view! {
            <p class="field-error" data-testid="value-no-target">
                "These purchase lines carry no spend (map an amount, or quantity and unit price, in \
                 Explore): the supervised models have nothing to predict and Gamma-Gamma no spend \
                 to model. BG/NBD still forecasts purchases and P(alive)."
            </p>
        }
        .into_any();
    }
    if setup.has_purchase_dates {
        let text = move || {
            format!(
                "Supervised models predict each customer’s spend in the {} days after the \
                 cutoff, from the features built on the purchases up to it.",
                form.horizon_days.get()
            )
        };
        return view! { <p class="muted small value-target" data-testid="value-target-text">{text}</p> }
            .into_any();
    }
    if setup.numeric_targets.is_empty() {
        return view! {
            <p class="field-error" data-testid="value-no-target">
                "This customer table has no numeric column a model could learn to predict (a past \
                 spend, a revenue). Load purchase lines with dates, or a table with such a column."
            </p>
        }
        .into_any();
    }
    let options = {
        let setup = setup.clone();
        move || {
            let current = form.target.get();
            let placeholder = view! {
                <option value="" disabled=true selected=current.is_empty()>"Choose what to predict"</option>
            };
            let columns = setup
                .numeric_targets
                .iter()
                .map(|column| {
                    view! { <option value=column.clone() selected=*column == current>{column.clone()}</option> }
                })
                .collect_view();
            (placeholder, columns)
        }
    };
    let why = {
        let several = setup.numeric_targets.len() > 1;
        move || {
            if form.target.with(String::is_empty) && several {
                "Several numeric columns could be a customer’s value: choose the one to predict \
                 (Run stays off until you do)."
            } else {
                "Supervised models learn this column from the other features."
            }
        }
    };
    view! {
        <div class="predict-target value-target">
            <label class="field field-inline">
                <span class="field-label">"Predict"</span>
                <select
                    class="select-compact"
                    data-testid="value-target"
                    on:change=move |ev| form.target.set(event_target_value(&ev))
                >
                    {options}
                </select>
            </label>
            <p class="muted small" data-testid="value-target-why">{why}</p>
        </div>
    }
    .into_any()
}

fn model_hint(model: ValueModel) -> &'static str {
    match model {
        ValueModel::Bgnbd => {
            "Purchases to expect and the chance a customer is still active (BG/NBD), and spend \
             per purchase (Gamma-Gamma), from each customer’s purchase days alone."
        }
        ValueModel::Ridge => "A weighted sum of the features; fast, easy to explain.",
        ValueModel::Tree => "Yes/no questions on the features; readable, less accurate.",
        ValueModel::Rf => "Many trees on random parts of the data, averaged.",
        ValueModel::Gbdt => "Trees that correct each other’s mistakes.",
        ValueModel::Mlp => "A small neural network on standardized features (seeded).",
    }
}

#[component]
fn ModelChoices(form: ValueForm, setup: Arc<ValueSetup>) -> impl IntoView {
    ValueModel::ALL
        .into_iter()
        .map(|model| {
            let reason = model_unavailable(&setup, model);
            let checked = move || form.models.with(|m| m.contains(&model));
            // BG/NBD's reason is its own; the supervised models share one, said above them.
            let hint = match reason {
                Some(_) if model != ValueModel::Bgnbd => "not available on this table (see above)",
                Some(reason) => reason,
                None => model_hint(model),
            };
            view! {
                <label class="radio-card" class:chosen=checked class:unavailable=reason.is_some() title=reason>
                    <input
                        type="checkbox"
                        data-testid=format!("value-model-{}", model.key())
                        disabled=reason.is_some()
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.models.update(|models| {
                                models.retain(|m| *m != model);
                                if on {
                                    models.push(model);
                                }
                            });
                        }
                    />
                    <span>
                        <strong>{model.label()}</strong>
                        <span class="muted small" data-testid=format!("value-model-hint-{}", model.key())>" — "{hint}</span>
                    </span>
                </label>
            }
        })
        .collect_view()
}

#[component]
fn FeatureFields(form: ValueForm, setup: Arc<ValueSetup>) -> impl IntoView {
    if setup.features.is_empty() {
        return ().into_any();
    }
    let boxes = setup
        .features
        .iter()
        .map(|feature| {
            let name = feature.name.clone();
            let is_target = {
                let name = name.clone();
                move || form.target.with(|t| *t == name)
            };
            feature_check(
                "value-feature",
                name,
                feature.description.clone(),
                form.exclude,
                is_target,
                (),
            )
        })
        .collect_view();
    let names: Vec<String> = setup.features.iter().map(|f| f.name.clone()).collect();
    let segmented = setup.segmented;
    let segment_words = if setup.has_purchase_dates {
        " The segment found in the Segment step is one of them: each customer's segment as of \
         the cutoff date (the nearest segment centre), never the one their later purchases put \
         them in."
    } else {
        " The segment found in the Segment step is one of them, unless it was found on the \
         column to predict."
    };
    let used = move || {
        let target = form.target.get();
        let offered = names.iter().filter(|n| **n != target).count();
        let excluded = form.exclude.with(|e| {
            e.iter()
                .filter(|n| **n != target && names.contains(n))
                .count()
        });
        let mut text = format!(
            "{} of {offered} features used by the supervised models. The customer id is never a \
             feature.",
            offered.saturating_sub(excluded)
        );
        if segmented {
            text.push_str(segment_words);
        }
        text
    };
    view! {
        <fieldset class="predict-features value-features">
            <legend class="field-label">"Features"</legend>
            <div class="feature-checks">{boxes}</div>
            <p class="muted small" data-testid="value-features-used">{used}</p>
        </fieldset>
    }
    .into_any()
}

#[component]
pub fn SetupCard(state: AppState, form: ValueForm, setup: Arc<ValueSetup>) -> impl IntoView {
    let busy = move || {
        state.valuing.with(Option::is_some)
            || state.predicting.with(Option::is_some)
            || state.exploring.with(Option::is_some)
            || state.segmenting.with(Option::is_some)
    };
    let can_run = ValueModel::ALL
        .into_iter()
        .any(|m| model_unavailable(&setup, m).is_none());
    let needs_target = {
        let setup = setup.clone();
        move || form.needs_target(&setup)
    };
    let notes = (!setup.notes.is_empty()).then(|| {
        let items = setup
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info value-setup-notes" data-testid="value-setup-notes">{items}</ul> }
    });
    let discount_hint = move || {
        let text = form.discount_percent.get();
        format!(
            "The 12-month CLV discounts each month’s spend at {} % a month (lifetimes’ \
             customer_lifetime_value); the CLV over the horizon is not discounted.",
            text.trim()
        )
    };
    // The discount applies to BG/NBD's 12-month CLV: purchase lines with dates only.
    let discount = setup.has_purchase_dates.then(|| {
        view! {
            {decimal_field("Monthly discount rate (%)", "value-discount", form.discount_percent, "1")}
            <p class="muted small">{discount_hint}</p>
        }
    });
    let run = {
        let setup = setup.clone();
        move |_| form.run(state, &setup)
    };
    let run_why = {
        let needs_target = needs_target.clone();
        move || {
            if !can_run {
                "Nothing can be estimated on this table (see above)."
            } else if needs_target() {
                "Choose the column to predict first: no column is clearly the customer’s value, \
                 so none was picked for you."
            } else {
                "Same seed, same split, same models. Runs in the background."
            }
        }
    };
    let run_disabled = {
        let needs_target = needs_target.clone();
        move || busy() || !can_run || needs_target()
    };
    let dates = if setup.has_purchase_dates {
        "purchase lines with dates"
    } else {
        "one row per customer"
    };
    view! {
        <section class="card setup-card value-setup" aria-labelledby="value-setup-title" data-testid="value-setup">
            <div class="card-head">
                <h3 id="value-setup-title" class="card-title">"Estimate customer value"</h3>
                <p class="muted small">
                    {format!("{} customers · {} · {} features", thousands(setup.n_customers as u64), dates, setup.features.len())}
                </p>
            </div>
            {notes}
            <WindowFields form=form setup=setup.clone()/>
            <TargetField form=form setup=setup.clone()/>
            <div class="predict-form value-form">
                <FeatureFields form=form setup=setup.clone()/>
                <fieldset class="predict-models value-models">
                    <legend class="field-label">"Models"</legend>
                    <ModelChoices form=form setup=setup.clone()/>
                </fieldset>
                <fieldset class="predict-validation value-validation">
                    <legend class="field-label">"Value and validation"</legend>
                    {discount}
                    {switch_field(
                        "value-log-target",
                        "Learn log(1 + value)",
                        "Tames a few very large customers; predictions are turned back into money",
                        form.log_target,
                    )}
                    {number_field("Cross-validation folds", "value-folds", form.folds, 2, MAX_FOLDS)}
                    {number_field("Test share (%)", "value-test-percent", form.test_percent, 10, 50)}
                    {seed_field("value-seed", form.seed)}
                    <p class="muted small">
                        "The test customers are held out first; folds, scaling and the best model’s "
                        "choice see training customers only."
                    </p>
                </fieldset>
            </div>
            <div class="setup-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="value-run"
                    disabled=run_disabled
                    on:click=run
                >
                    {move || if state.valued.with(Option::is_some) { "Run again" } else { "Estimate value" }}
                </button>
                <span class="muted small" data-testid="value-run-why">{run_why}</span>
            </div>
            {move || form.error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="value-form-error">{e}</p> })}
        </section>
    }
}
