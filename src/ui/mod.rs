//! The Leptos app: shell (header, step navigation) and one module per flow step.
//!
//! The UI never does numeric work and never holds the full table: it sends
//! [`crate::protocol::Command`]s to the worker and renders the view-models it gets back.

mod components;
mod data;
mod download;
mod explore;
mod format;
mod nav;
mod predict;
mod recommend;
mod segment;
mod state;
mod value;
pub mod worker_client;

use leptos::prelude::*;

pub use state::AppState;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.connect();
    prevent_drop_navigation();
    nav::focus_heading_on_step_change(state);

    view! {
        <div class="app">
            <header class="app-header">
                <div class="brand">
                    <img class="brand-mark" src="favicon.svg" alt="" width="28" height="28"/>
                    <span class="brand-name">"Custos"</span>
                    <span class="brand-tag">"Customer analytics"</span>
                </div>
                <p class="privacy-note">
                    <span class="privacy-icon" aria-hidden="true">
                        <svg viewBox="0 0 16 16" width="14" height="14" focusable="false">
                            <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5A1 1 0 0 1 13 8v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.5 0h4V5a2 2 0 0 0-4 0v2Z"/>
                        </svg>
                    </span>
                    "Runs entirely in this tab — your data never leaves this device"
                </p>
            </header>
            <nav::StepNav state=state/>
            <main class="app-main" id="main">
                <data::DataStep state=state/>
                <explore::ExploreStep state=state/>
                <segment::SegmentStep state=state/>
                <predict::PredictStep state=state/>
                <value::ValueStep state=state/>
            </main>
            <footer class="app-footer">
                "Custos works offline: nothing is uploaded, nothing is tracked."
            </footer>
        </div>
    }
}

/// A file dropped outside the drop zone would make the browser open it in place of the app.
fn prevent_drop_navigation() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        ev.prevent_default();
    });
    for name in ["dragover", "drop"] {
        let _ = window.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    handler.forget();
}
