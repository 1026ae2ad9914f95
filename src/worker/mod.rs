//! The Web Worker: owns the loaded dataset and runs every heavy step off the main thread.
//!
//! Messages in are `[command]` or `[command, file]` (a `web_sys::File` beside
//! [`Command::LoadFile`]); messages out are serialized [`Event`]s. A panic posts one extra
//! message, `{kind: "panic", message}`, before the instance dies, so the UI can say what
//! happened; it then terminates and respawns the worker (see `ui::worker_client`).
//!
//! Files are read in [`CHUNK_BYTES`] slices with `Blob.arrayBuffer()`: every await returns to
//! the event loop, so a [`Command::Cancel`] is handled between two chunks.

mod explore;
mod predict;
mod read;
mod recommend;
mod segment;
mod state;
mod value;

use std::cell::RefCell;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

use crate::core::ingest::IngestOptions;
use crate::protocol::{Command, Event};

pub use read::CHUNK_BYTES;
pub use state::PREVIEW_ROWS;

thread_local! {
    static STATE: RefCell<state::State> = RefCell::new(state::State::default());
}

/// Entry point of the `custos-worker` binary.
pub fn run() {
    install_panic_hook();
    let global = scope();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    global.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Event::Ready);
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Post an event to the UI.
pub(crate) fn post(event: &Event) {
    match serde_wasm_bindgen::to_value(event) {
        Ok(value) => {
            if let Err(err) = scope().post_message(&value) {
                web_sys::console::error_2(&"custos worker: postMessage failed".into(), &err);
            }
        }
        Err(err) => {
            web_sys::console::error_1(
                &format!("custos worker: could not serialize an event: {err}").into(),
            );
        }
    }
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&Event::Crashed {
            message: info.to_string(),
        });
    }));
}

fn on_message(event: MessageEvent) {
    match decode(&event.data()) {
        Ok((command, file)) => handle(command, file),
        Err(message) => post(&Event::Failed { message }),
    }
}

/// `[command]` or `[command, file]` → the command and its file.
fn decode(data: &JsValue) -> Result<(Command, Option<File>), String> {
    let array: &Array = data
        .dyn_ref()
        .ok_or_else(|| "The worker received a message it does not understand.".to_string())?;
    let raw = array.get(0);
    let command: Command = serde_wasm_bindgen::from_value(raw)
        .map_err(|err| format!("The worker received a command it does not understand: {err}"))?;
    let file = array.get(1).dyn_into::<File>().ok();
    Ok((command, file))
}

fn handle(command: Command, file: Option<File>) {
    match command {
        Command::LoadFile { name, options, .. } => match file {
            Some(file) => read::start(read::Source::File { file, name }, options),
            None => post(&Event::Failed {
                message: "No file arrived with the request to read it. Choose the file again."
                    .to_string(),
            }),
        },
        Command::LoadSample { sample } => {
            read::start(read::Source::Sample(sample), IngestOptions::default())
        }
        Command::Reload { options } => {
            let source = STATE.with(|s| s.borrow().current_source());
            match source {
                Some(source) => read::start(source, options),
                None => post(&Event::Failed {
                    message: "There is no file to read again. Load a file first.".to_string(),
                }),
            }
        }
        Command::Cancel => {
            STATE.with(|s| s.borrow_mut().active_job = None);
            post(&Event::Cancelled);
        }
        Command::ReadAsBaskets => read::start_baskets(),
        Command::SkipBadRows => {
            let event = STATE.with(|s| s.borrow_mut().accept_pending());
            post(&event);
        }
        Command::SetColumnType { column, ctype } => {
            let event = STATE.with(|s| s.borrow_mut().set_column_type(column, ctype));
            post(&event);
        }
        Command::SetColumnRole { column, role } => {
            let event = STATE.with(|s| s.borrow_mut().set_column_role(column, role));
            post(&event);
        }
        Command::Preview { offset, limit } => {
            let event = STATE.with(|s| s.borrow().preview(offset, limit));
            post(&event);
        }
        Command::Explore { params } => explore::start(*params),
        Command::ChartFeatures { names } => post(&explore::charts(&names)),
        Command::CustomerPreview { offset, limit } => post(&explore::page(offset, limit)),
        Command::ExportCustomers => post(&explore::export_csv()),
        Command::Segment { params } => segment::start(*params),
        Command::RenameSegment { segment, label } => post(&segment::rename(segment, &label)),
        Command::PredictSetup => post(&predict::setup()),
        Command::Predict { params } => predict::start(*params),
        Command::Scores {
            order,
            offset,
            limit,
        } => post(&predict::scores(order, offset, limit)),
        Command::ExportScores => post(&predict::export_csv()),
        Command::ValueSetup => post(&value::setup()),
        Command::Value { params } => value::start(*params),
        Command::ValuePage {
            order,
            offset,
            limit,
        } => post(&value::page(order, offset, limit)),
        Command::ValueCsv => post(&value::export_csv()),
        Command::RecommendSetup => post(&recommend::setup()),
        Command::Recommend { params } => recommend::start(*params),
        Command::RulesPage {
            query,
            offset,
            limit,
        } => post(&recommend::rules_page(&query, offset, limit)),
        Command::RecommendPage {
            search,
            offset,
            limit,
        } => post(&recommend::customer_page(&search, offset, limit)),
        Command::ItemSearch { text } => post(&recommend::item_search(&text)),
        Command::RecommendCsv => post(&recommend::recommendations_csv()),
        Command::RulesCsv => post(&recommend::rules_csv()),
    }
}

/// Whether `job` is still the job in progress (not cancelled or replaced).
pub(crate) fn is_active(job: u64) -> bool {
    STATE.with(|s| s.borrow().is_active(job))
}

/// Bytes of the worker's WebAssembly memory (its peak: wasm memory never shrinks).
pub(crate) fn memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|memory| memory.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |buffer| buffer.byte_length() as u64)
}

/// Milliseconds since the epoch (`std::time::Instant` panics on wasm32).
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}
