//! The drop zone, the file chooser and the sample buttons.

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::core::ingest::BROWSER_MAX_MB;
use crate::protocol::SampleKind;
use crate::ui::state::AppState;

const ACCEPT: &str = ".csv,.tsv,.txt,.gz,text/csv,text/plain";

#[component]
pub fn LoadPanel(state: AppState) -> impl IntoView {
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let over = RwSignal::new(false);
    // dragenter/dragleave also fire when the pointer crosses child elements: count them.
    let depth = StoredValue::new(0i32);
    let has_data = Memo::new(move |_| state.dataset.with(Option::is_some));
    let limit_mb = BROWSER_MAX_MB;

    let choose = move |_| {
        if let Some(input) = input_ref.get() {
            input.click();
        }
    };
    let on_change = move |ev: web_sys::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.load_file(file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };

    view! {
        <section class="card load-card" class:compact=has_data aria-label="Load data">
            <div
                class="drop-zone"
                class:over=over
                data-testid="drop-zone"
                on:dragenter=move |ev| {
                    ev.prevent_default();
                    depth.update_value(|d| *d += 1);
                    over.set(true);
                }
                on:dragover=move |ev| {
                    ev.prevent_default();
                    if let Some(transfer) = ev.data_transfer() {
                        transfer.set_drop_effect("copy");
                    }
                    over.set(true);
                }
                on:dragleave=move |_| {
                    depth.update_value(|d| *d -= 1);
                    if depth.get_value() <= 0 {
                        depth.set_value(0);
                        over.set(false);
                    }
                }
                on:drop=move |ev| {
                    ev.prevent_default();
                    depth.set_value(0);
                    over.set(false);
                    let file = ev
                        .data_transfer()
                        .and_then(|transfer| transfer.files())
                        .and_then(|files| files.get(0));
                    if let Some(file) = file {
                        state.load_file(file);
                    }
                }
            >
                <svg class="drop-icon" viewBox="0 0 48 48" width="44" height="44" aria-hidden="true" focusable="false">
                    <path d="M14 6h14l10 10v24a2 2 0 0 1-2 2H14a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2Z" class="drop-icon-sheet"/>
                    <path d="M28 6v10h10" class="drop-icon-fold"/>
                    <path d="M25 36V23m0 0-5 5m5-5 5 5" class="drop-icon-arrow"/>
                </svg>
                <div class="drop-text">
                    <p class="drop-title">
                        {move || if has_data.get() { "Drop another file here" } else { "Drop a data file here" }}
                    </p>
                    <p class="drop-hint">
                        {format!("CSV, TSV or other delimited text · .gz welcome · up to {limit_mb} MB")}
                    </p>
                </div>
                <button type="button" class="btn btn-primary" on:click=choose>
                    "Choose file…"
                </button>
                <input
                    type="file"
                    class="file-input"
                    node_ref=input_ref
                    data-testid="file-input"
                    accept=ACCEPT
                    tabindex="-1"
                    aria-hidden="true"
                    on:change=on_change
                />
            </div>
            <div class="samples">
                <p class="samples-label">"No file at hand? Try a generated sample:"</p>
                <div class="samples-buttons">
                    <button
                        type="button"
                        class="btn btn-sample"
                        data-testid="sample-transactions"
                        on:click=move |_| state.load_sample(SampleKind::Transactions)
                    >
                        <span class="sample-name">"Sample transactions"</span>
                        <span class="sample-hint">"20,000 purchase lines"</span>
                    </button>
                    <button
                        type="button"
                        class="btn btn-sample"
                        data-testid="sample-customers"
                        on:click=move |_| state.load_sample(SampleKind::Customers)
                    >
                        <span class="sample-name">"Sample customers"</span>
                        <span class="sample-hint">"2,000 customers"</span>
                    </button>
                </div>
            </div>
        </section>
    }
}
