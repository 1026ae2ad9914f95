//! Small form fields shared by the steps' forms: a bounded whole number, a decimal as typed
//! (checked when the form is sent), a seed, a feature's include box and a list's search box.

use leptos::prelude::*;

/// A labelled whole-number input kept within `min..=max` (a value out of range is clamped, an
/// unreadable one puts the last valid value back).
pub fn number_field(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<usize>,
    min: usize,
    max: usize,
) -> impl IntoView {
    view! {
        <label class="field field-inline">
            <span class="field-label">{label}</span>
            <input
                type="number"
                class="input-compact input-number"
                data-testid=testid
                min=min.to_string()
                max=max.to_string()
                step="1"
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() {
                        value.set(n.clamp(min, max));
                    }
                    // Show the value kept (clamped, or the last valid one).
                    value.update(|_| {});
                }
            />
        </label>
    }
}

/// An on/off switch with its title and a one-line hint, bound to `on`.
pub fn switch_field(
    testid: &'static str,
    title: &'static str,
    hint: &'static str,
    on: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <label class="switch-row">
            <input
                type="checkbox"
                class="switch"
                data-testid=testid
                prop:checked=move || on.get()
                on:change=move |ev| on.set(event_target_checked(&ev))
            />
            <span class="switch-text">
                <span class="switch-title">{title}</span>
                <span class="switch-hint">{hint}</span>
            </span>
        </label>
    }
}

/// The random seed of a step (any whole number ≥ 0).
pub fn seed_field(testid: &'static str, seed: RwSignal<u64>) -> impl IntoView {
    view! {
        <label class="field field-inline">
            <span class="field-label">"Seed"</span>
            <input
                type="number"
                class="input-compact input-number"
                data-testid=testid
                min="0"
                step="1"
                prop:value=move || seed.get().to_string()
                on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).trim().parse::<u64>() {
                        seed.set(n);
                    }
                    seed.update(|_| {});
                }
            />
        </label>
    }
}

/// A labelled decimal input kept as typed (the form checks it when it is sent, so a half-typed
/// number is never rewritten under the user's cursor). `placeholder` shows while it is empty.
pub fn decimal_field(
    label: impl IntoView + 'static,
    testid: &'static str,
    value: RwSignal<String>,
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label class="field field-inline">
            <span class="field-label">{label}</span>
            <input
                type="text"
                inputmode="decimal"
                class="input-compact input-number"
                data-testid=testid
                placeholder=placeholder
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// One feature's box in a model form's feature list: ticked while `name` is not in `exclude`
/// (the features left out), hidden while `hidden` (the feature is the target); `extra` follows
/// the name (a leakage badge, say).
pub fn feature_check(
    testid: &'static str,
    name: String,
    description: String,
    exclude: RwSignal<Vec<String>>,
    hidden: impl Fn() -> bool + Send + Sync + 'static,
    extra: impl IntoView + 'static,
) -> impl IntoView {
    let checked = {
        let name = name.clone();
        move || exclude.with(|e| !e.contains(&name))
    };
    let key = name.clone();
    view! {
        <label class="feature-check" title=description class:hidden=hidden>
            <input
                type="checkbox"
                data-testid=testid
                data-feature=name.clone()
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let key = key.clone();
                    exclude.update(|exclude| {
                        exclude.retain(|f| *f != key);
                        if !on {
                            exclude.push(key);
                        }
                    });
                }
            />
            <span class="feature-check-name">{name}</span>
            {extra}
        </label>
    }
}

/// A labelled search box over a list the worker filters: `value` holds the text, `on_text` gets
/// every change as it is typed.
pub fn search_field(
    label: &'static str,
    testid: &'static str,
    placeholder: &'static str,
    value: RwSignal<String>,
    on_text: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <label class="field field-inline">
            <span class="field-label">{label}</span>
            <input
                type="search"
                class="input-compact input-search"
                data-testid=testid
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    value.set(text.clone());
                    on_text(text);
                }
            />
        </label>
    }
}
