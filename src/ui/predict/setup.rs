//! The Predict step's form: the outcome to predict and its positive value, the features (with
//! the last run's leakage flags), the models, how to handle imbalance, the validation and the
//! hyperparameter search, the seed.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::format::{iso_date, parse_iso_date};
use crate::core::predict::balance::Balance;
use crate::core::predict::derived::DerivedSetup;
use crate::core::predict::leakage::LeakSeverity;
use crate::core::predict::search::ModelKind;
use crate::core::predict::view::PredictSetup;
use crate::ui::components::{decimal_field, feature_check, number_field, seed_field, switch_field};
use crate::ui::format::{percent_text, thousands};
use crate::ui::state::AppState;

use super::{Goal, PredictForm, SearchChoice, MAX_CANDIDATES, MAX_FOLDS};

/// Longest window after the cutoff the form offers, in days.
const MAX_WINDOW_DAYS: usize = 3650;

fn goal_title(goal: Goal) -> &'static str {
    match goal.kind(0.0) {
        None => "A column",
        Some(kind) => kind.title(),
    }
}

fn goal_key(goal: Goal) -> &'static str {
    match goal.kind(0.0) {
        None => "column",
        Some(kind) => kind.key(),
    }
}

/// What a derived target means, for the line under the dates.
fn goal_meaning(goal: Goal, top_percent: usize) -> String {
    match goal {
        Goal::Column => String::new(),
        Goal::Churn => "churned = no order in the window. Customers who first bought after the \
                        cutoff have no history yet and are left out."
            .to_string(),
        Goal::BuysAgain => "buys again = at least one order in the window, for every customer \
                            who bought up to the cutoff (the opposite of churn)."
            .to_string(),
        Goal::OneTimeReturns => "Only customers with exactly one order up to the cutoff; orders \
                                 again = a second order within the window."
            .to_string(),
        Goal::HighSpender => format!(
            "high spender = spend in the window among the top {top_percent}% of customers \
             (spend up to the cutoff is a feature, so the label must come from later spend)."
        ),
    }
}

/// Cutoff, window (as an end date and as days, kept in sync) and (high spender) top share of
/// a derived target, with what they mean.
#[component]
fn DerivedFields(form: PredictForm, derived: DerivedSetup) -> impl IntoView {
    let (first_day, last_day) = (derived.first_day, derived.last_day);
    let cutoff_day = move || form.cutoff_day(last_day);
    let cutoff_value =
        move || cutoff_day().map_or_else(|| form.cutoff.get(), |d| iso_date(i64::from(d)));
    let end_value = move || {
        cutoff_day()
            .map(|d| iso_date(i64::from(d) + form.window_days.get() as i64))
            .unwrap_or_default()
    };
    // A new end date keeps the cutoff where it is shown and sets the window's days.
    let on_end = move |ev| {
        let typed = event_target_value(&ev);
        if let (Some(cutoff), Some(end)) = (cutoff_day(), parse_iso_date(typed.trim())) {
            let days = i64::from(end) - i64::from(cutoff);
            if days >= 1 && days <= MAX_WINDOW_DAYS as i64 {
                form.cutoff.set(iso_date(i64::from(cutoff)));
                form.window_days.set(days as usize);
            }
        }
        // Show the end kept (the last valid one when the typed date is before the cutoff).
        form.window_days.update(|_| {});
    };
    let span = move || {
        let window = form.window_days.get() as i32;
        let Some(cutoff) = cutoff_day() else {
            return "Write the cutoff as YYYY-MM-DD, or clear it for the default.".to_string();
        };
        let end = cutoff + window;
        let mut text = format!(
            "Features from the purchases up to {}; the outcome from the {window} days after it \
             ({} to {}).",
            iso_date(i64::from(cutoff)),
            iso_date(i64::from(cutoff) + 1),
            iso_date(i64::from(end)),
        );
        if cutoff < first_day {
            text.push_str(
                " The cutoff is before the first purchase: choose a later one or a shorter window.",
            );
        } else if end > last_day {
            text.push_str(&format!(
                " The window runs past the last purchase ({}): customers would look inactive only because the data stops. Choose an earlier cutoff or a shorter window.",
                iso_date(i64::from(last_day))
            ));
        }
        text
    };
    let meaning = move || goal_meaning(form.goal.get(), form.top_percent.get());
    view! {
        <div class="predict-derived" data-testid="predict-derived">
            <div class="predict-window" role="group" aria-label="Label window">
                <label class="field field-inline">
                    <span class="field-label">"Cutoff date"</span>
                    <input
                        type="date"
                        class="input-compact"
                        data-testid="predict-cutoff"
                        min=derived.first_date.clone()
                        max=derived.last_date.clone()
                        prop:value=cutoff_value
                        on:change=move |ev| form.cutoff.set(event_target_value(&ev))
                    />
                </label>
                <span class="predict-window-arrow" aria-hidden="true">"→"</span>
                <label class="field field-inline">
                    <span class="field-label">"Window ends"</span>
                    <input
                        type="date"
                        class="input-compact"
                        data-testid="predict-window-end"
                        min=derived.first_date.clone()
                        max=derived.last_date.clone()
                        prop:value=end_value
                        on:change=on_end
                    />
                </label>
                {number_field("Window (days)", "predict-window-days", form.window_days, 1, MAX_WINDOW_DAYS)}
            </div>
            <div class:hidden=move || form.goal.get() != Goal::HighSpender>
                {number_field("Top share (%)", "predict-top-percent", form.top_percent, 1, 99)}
            </div>
            <p class="muted small" data-testid="predict-derived-span">{span}</p>
            <p class="muted small">{meaning}</p>
            <p class="muted small">
                {format!("Purchases from {} to {}.", derived.first_date, derived.last_date)}
            </p>
        </div>
    }
}

/// The choice between a column of the table and the targets derived from purchase lines, each
/// derived one with the customers it is about at the cutoff shown.
#[component]
fn GoalChoice(form: PredictForm, setup: Arc<PredictSetup>) -> impl IntoView {
    let derived = setup.derived.clone()?;
    let has_columns = !setup.targets.is_empty();
    let has_spend = derived.has_spend;
    let options = [Goal::Column]
        .into_iter()
        .chain(Goal::DERIVED)
        .map(|goal| {
            let available = match goal {
                Goal::Column => has_columns,
                Goal::HighSpender => has_spend,
                _ => true,
            };
            let title = match (goal, available) {
                (Goal::Column, false) => "No column of this table has two values to predict",
                (Goal::HighSpender, false) => "High spender needs spend: map an amount, or quantity and unit price, in Explore",
                _ => "",
            };
            let chosen = move || form.goal.get() == goal;
            let population = {
                let derived = derived.clone();
                move || {
                    let kind = goal.kind(0.0)?;
                    let cutoff = form.cutoff_day(derived.last_day)?;
                    let n = derived.population(&kind, cutoff);
                    Some(format!("{} customers", thousands(n as u64)))
                }
            };
            view! {
                <label class="chip-choice" class:chosen=chosen title=title>
                    <input
                        type="radio"
                        name="predict-goal"
                        data-testid=format!("predict-goal-{}", goal_key(goal))
                        disabled=!available
                        prop:checked=chosen
                        on:change=move |_| form.goal.set(goal)
                    />
                    <span>{goal_title(goal)}</span>
                    <span class="muted small" data-testid=format!("predict-population-{}", goal_key(goal))>
                        {population}
                    </span>
                </label>
            }
        })
        .collect_view();
    let problem = derived
        .problem
        .clone()
        .map(|p| view! { <p class="field-error" data-testid="predict-derived-problem">{p}</p> });
    Some(view! {
        <div class="predict-goal">
            <span class="field-label">"Predict"</span>
            <div class="chip-choices" role="radiogroup" aria-label="What to predict">{options}</div>
        </div>
        <div class:hidden=move || form.goal.get() == Goal::Column>
            <DerivedFields form=form derived=derived.clone()/>
            {problem}
        </div>
    })
}

fn model_hint(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Logistic => "A weighted sum of the features; fast, easy to explain.",
        ModelKind::DecisionTree => "Yes/no questions on the features; readable, less accurate.",
        ModelKind::RandomForest => "100 trees on random parts of the data, averaged.",
        ModelKind::Gbdt => "Trees that correct each other’s mistakes; usually the most accurate.",
    }
}

fn balance_hint(balance: Balance) -> &'static str {
    match balance {
        Balance::None => "Train on the customers as they are.",
        Balance::Smote => {
            "Add synthetic customers of the rarer outcome between real neighbours (training folds \
             only; validation and test customers stay real)."
        }
        Balance::Weights => "Count each customer of the rarer outcome more in training.",
    }
}

/// A checkbox that adds `item` to or removes it from `chosen`.
fn toggle<T: Copy + PartialEq + Send + Sync + 'static>(
    chosen: RwSignal<Vec<T>>,
    item: T,
    testid: String,
    title: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let checked = move || chosen.with(|c| c.contains(&item));
    view! {
        <label class="radio-card" class:chosen=checked>
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| {
                        c.retain(|x| *x != item);
                        if on {
                            c.push(item);
                        }
                    });
                }
            />
            <span>
                <strong>{title}</strong>
                <span class="muted small">" — "{hint}</span>
            </span>
        </label>
    }
}

#[component]
fn TargetFields(form: PredictForm, setup: Arc<PredictSetup>) -> impl IntoView {
    if setup.targets.is_empty() && setup.derived.is_some() {
        return ().into_any();
    }
    if setup.targets.is_empty() {
        return view! {
            <p class="field-error" data-testid="predict-no-target">
                "No column of this customer table can be predicted: a target needs two values \
                 (like yes/no) or a few, one of which you call positive. Load a table with such \
                 a column (Churn, Response, Revenue …)."
            </p>
        }
        .into_any();
    }
    let target_options = {
        let setup = setup.clone();
        move || {
            let current = form.target.get();
            let placeholder = view! {
                <option value="" disabled=true selected=current.is_empty()>"Choose what to predict"</option>
            };
            let columns = setup
                .targets
                .iter()
                .map(|t| {
                    let text = format!("{} ({} values)", t.column, t.values.len());
                    view! { <option value=t.column.clone() selected=t.column == current>{text}</option> }
                })
                .collect_view();
            (placeholder, columns)
        }
    };
    // Why the target shown was preselected, or why none was.
    let why = {
        let default = setup.default_target.clone();
        move || {
            let current = form.target.get();
            match &default.column {
                Some(column) if *column == current => Some(default.reason.clone()),
                None if current.is_empty() => Some(format!(
                    "{} Choose what to predict: Train stays off until you do.",
                    default.reason
                )),
                _ => None,
            }
        }
    };
    let chosen = {
        let setup = setup.clone();
        move || {
            let column = form.target.get();
            setup.targets.iter().find(|t| t.column == column).cloned()
        }
    };
    let positive_options = {
        let chosen = chosen.clone();
        move || {
            let current = form.positive.get();
            chosen()
                .map(|t| {
                    t.values
                        .iter()
                        .map(|(value, count)| {
                            let text = format!("{value} ({})", thousands(*count as u64));
                            view! { <option value=value.clone() selected=*value == current>{text}</option> }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        }
    };
    let rate = move || {
        let target = chosen()?;
        let positive = form.positive.get();
        let labelled: usize = target.values.iter().map(|(_, n)| n).sum();
        let count = target
            .values
            .iter()
            .find(|(v, _)| *v == positive)
            .map_or(0, |(_, n)| *n);
        let others = if target.values.len() > 2 {
            " (every other value counts as the negative outcome)"
        } else {
            ""
        };
        Some(format!(
            "{} of {} customers with a {} have {} = {} ({}){others}.",
            thousands(count as u64),
            thousands(labelled as u64),
            target.column,
            target.column,
            positive,
            percent_text(count as f64 * 100.0 / labelled.max(1) as f64)
        ))
    };
    let on_target = {
        let setup = setup.clone();
        move |ev| form.choose_target(&setup, event_target_value(&ev))
    };
    let column_label = if setup.derived.is_some() {
        "Column"
    } else {
        "Predict"
    };
    view! {
        <div class="predict-target" class:hidden=move || form.goal.get() != Goal::Column>
            <label class="field field-inline">
                <span class="field-label">{column_label}</span>
                <select class="select-compact" data-testid="predict-target" on:change=on_target>
                    {target_options}
                </select>
            </label>
            <label class="field field-inline">
                <span class="field-label">"Positive outcome"</span>
                <select
                    class="select-compact"
                    data-testid="predict-positive"
                    on:change=move |ev| form.positive.set(event_target_value(&ev))
                >
                    {positive_options}
                </select>
            </label>
            <p class="muted small" data-testid="predict-target-rate">{rate}</p>
            <p class="muted small" data-testid="predict-target-why">{why}</p>
        </div>
    }
    .into_any()
}

#[component]
fn FeatureFields(state: AppState, form: PredictForm, setup: Arc<PredictSetup>) -> impl IntoView {
    // The last run's leakage flags, when it predicted the same target.
    let flag = move |name: &str| {
        state.predicted.with(|view| {
            let view = view.as_ref()?;
            if view.report.target != form.target_column() {
                return None;
            }
            view.report
                .leakage
                .warnings
                .iter()
                .find(|w| w.feature == name)
                .map(|w| (w.severity, w.auc, w.message.clone()))
        })
    };
    let boxes = setup
        .features
        .iter()
        .map(|feature| {
            let name = feature.name.clone();
            let is_target = {
                let name = name.clone();
                move || form.goal.get() == Goal::Column && form.target.with(|t| *t == name)
            };
            let badge = {
                let name = name.clone();
                move || {
                    flag(&name).map(|(severity, auc, message)| {
                        let (class, word) = match severity {
                            LeakSeverity::Leak => ("pill pill-bad", "leak?"),
                            LeakSeverity::Check => ("pill pill-warn", "check"),
                        };
                        view! {
                            <span class=class data-testid="predict-leak-flag" title=message>
                                {format!("{word} · AUC {auc:.2}")}
                            </span>
                        }
                    })
                }
            };
            feature_check(
                "predict-feature",
                name,
                feature.description.clone(),
                form.exclude,
                is_target,
                badge,
            )
        })
        .collect_view();
    let all_names: Vec<String> = setup.features.iter().map(|f| f.name.clone()).collect();
    let used = move || {
        let target = match form.goal.get() {
            Goal::Column => form.target.get(),
            _ => String::new(),
        };
        let excluded = form
            .exclude
            .with(|e| e.iter().filter(|n| **n != target).count());
        let offered = all_names.iter().filter(|n| **n != target).count();
        format!(
            "{} of {offered} features used. The customer id is never a feature; the target’s \
             own column is left out.",
            offered.saturating_sub(excluded)
        )
    };
    view! {
        <fieldset class="predict-features">
            <legend class="field-label">"Features"</legend>
            <div class="feature-checks">{boxes}</div>
            <p class="muted small">{used}</p>
        </fieldset>
    }
}

#[component]
pub fn SetupCard(state: AppState, form: PredictForm, setup: Arc<PredictSetup>) -> impl IntoView {
    let busy = move || {
        state.predicting.with(Option::is_some)
            || state.exploring.with(Option::is_some)
            || state.segmenting.with(Option::is_some)
    };
    let can_run = !setup.targets.is_empty() || setup.derived.is_some();
    let models = ModelKind::ALL
        .into_iter()
        .map(|kind| {
            toggle(
                form.models,
                kind,
                format!("predict-model-{}", kind.key()),
                kind.label(),
                model_hint(kind),
            )
        })
        .collect_view();
    let balances = Balance::ALL
        .into_iter()
        .map(|balance| {
            let title = match balance {
                Balance::None => "None",
                Balance::Smote => "SMOTE",
                Balance::Weights => "Class weights",
            };
            toggle(
                form.balances,
                balance,
                format!("predict-balance-{}", balance.key()),
                title,
                balance_hint(balance),
            )
        })
        .collect_view();
    let smote_chosen = move || form.balances.with(|b| b.contains(&Balance::Smote));
    let search_options = [
        (
            SearchChoice::Defaults,
            "defaults",
            "Default settings (fastest)",
        ),
        (SearchChoice::Grid, "grid", "Grid search"),
        (SearchChoice::Random, "random", "Random search"),
    ];
    let search_select = search_options
        .into_iter()
        .map(|(choice, key, text)| {
            view! { <option value=key selected=move || form.search.get() == choice>{text}</option> }
        })
        .collect_view();
    let on_search = move |ev| {
        let choice = match event_target_value(&ev).as_str() {
            "grid" => SearchChoice::Grid,
            "random" => SearchChoice::Random,
            _ => SearchChoice::Defaults,
        };
        form.search.set(choice);
    };
    let run = move |_| form.run(state);
    view! {
        <section class="card setup-card predict-setup" aria-labelledby="predict-setup-title">
            <div class="card-head">
                <h2 id="predict-setup-title">"Train models"</h2>
                <p class="muted small">
                    {format!("{} customers · {} features", thousands(setup.n_customers as u64), setup.features.len())}
                </p>
            </div>
            <GoalChoice form=form setup=setup.clone()/>
            <TargetFields form=form setup=setup.clone()/>
            <div class="predict-form">
                <FeatureFields state=state form=form setup=setup.clone()/>
                <fieldset class="predict-models">
                    <legend class="field-label">"Models"</legend>
                    {models}
                </fieldset>
                <fieldset class="predict-balance">
                    <legend class="field-label">"Imbalance"</legend>
                    {balances}
                    <div class="predict-smote" class:hidden=move || !smote_chosen()>
                        {number_field("SMOTE neighbours (k)", "predict-smote-k", form.smote_k, 1, 50)}
                        {decimal_field("Target ratio (rarer ÷ common, 1 = as many)", "predict-smote-ratio", form.smote_ratio, "1")}
                    </div>
                </fieldset>
                <fieldset class="predict-validation">
                    <legend class="field-label">"Validation"</legend>
                    {number_field("Cross-validation folds", "predict-folds", form.folds, 2, MAX_FOLDS)}
                    {number_field("Test share (%)", "predict-test-percent", form.test_percent, 10, 50)}
                    <label class="field field-inline">
                        <span class="field-label">"Hyperparameters"</span>
                        <select class="select-compact" data-testid="predict-search" on:change=on_search>
                            {search_select}
                        </select>
                    </label>
                    <div class:hidden=move || form.search.get() != SearchChoice::Random>
                        {number_field("Candidates per model", "predict-candidates", form.random_candidates, 2, MAX_CANDIDATES)}
                    </div>
                    {switch_field(
                        "predict-log",
                        "Log-transform skewed features",
                        "Helps logistic regression on spend-like columns; trees do not care",
                        form.log_skewed,
                    )}
                    {seed_field("predict-seed", form.seed)}
                    <p class="muted small">
                        "The test customers are held out first (stratified); folds, preparation, "
                        "SMOTE and the search see training customers only."
                    </p>
                </fieldset>
            </div>
            <div class="setup-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="predict-run"
                    disabled=move || busy() || !can_run || form.needs_target()
                    on:click=run
                >
                    {move || if state.predicted.with(Option::is_some) { "Train again" } else { "Train models" }}
                </button>
                <span class="muted small" data-testid="predict-run-why">
                    {move || if form.needs_target() {
                        "Choose what to predict first: no column is clearly the outcome, so none was picked for you."
                    } else {
                        "Same seed, same split, same models. Runs in the background."
                    }}
                </span>
            </div>
            {move || form.error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="predict-form-error">{e}</p> })}
        </section>
    }
}
