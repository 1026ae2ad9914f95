//! A row of tabs (WAI-ARIA "tabs with automatic activation"): `role=tablist` of `role=tab`
//! buttons, the chosen one `aria-selected` and the only Tab stop; ←/→ move to the previous/next
//! tab (wrapping), Home/End to the first/last, and the tab focused is the tab shown. The panels
//! are the caller's: each a `role=tabpanel` with id [`panel_id`], labelled by [`tab_id`], kept
//! in the page while hidden so that its state (a form, a scroll position) survives a switch.

use leptos::prelude::*;

/// One tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabInfo {
    /// Unique in the page: ids `{key}-tab` and `{key}-panel`.
    pub key: &'static str,
    pub label: &'static str,
    pub testid: &'static str,
}

/// Id of the tab button of `key`.
pub fn tab_id(key: &str) -> String {
    format!("{key}-tab")
}

/// Id of the panel of `key`.
pub fn panel_id(key: &str) -> String {
    format!("{key}-panel")
}

/// Focus the tab button of `key` (after a key press moved the choice).
fn focus_tab(key: &str) {
    use wasm_bindgen::JsCast;

    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&tab_id(key)))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// The index a key press moves to from `current` among `n` tabs (`None`: not a tab key).
fn moved(key: &str, current: usize, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((current + 1) % n),
        "ArrowLeft" => Some((current + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

/// The tab row; `selected` is the index of the tab shown.
#[component]
pub fn TabList(
    /// Accessible name of the row.
    label: &'static str,
    tabs: Vec<TabInfo>,
    selected: RwSignal<usize>,
) -> impl IntoView {
    let n = tabs.len();
    let keys: Vec<&'static str> = tabs.iter().map(|t| t.key).collect();
    let buttons = tabs
        .iter()
        .enumerate()
        .map(|(i, tab)| {
            let is_selected = move || selected.get() == i;
            let keys = keys.clone();
            let on_key = move |ev: web_sys::KeyboardEvent| {
                if let Some(next) = moved(&ev.key(), i, n) {
                    ev.prevent_default();
                    selected.set(next);
                    if let Some(key) = keys.get(next) {
                        focus_tab(key);
                    }
                }
            };
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    class:selected=is_selected
                    id=tab_id(tab.key)
                    data-testid=tab.testid
                    aria-controls=panel_id(tab.key)
                    aria-selected=move || if is_selected() { "true" } else { "false" }
                    tabindex=move || if is_selected() { "0" } else { "-1" }
                    on:click=move |_| selected.set(i)
                    on:keydown=on_key
                >
                    {tab.label}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="tabs" role="tablist" aria-label=label>
            {buttons}
        </div>
    }
}
