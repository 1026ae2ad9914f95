//! The UI's side of the worker: spawn it, post commands, turn its messages into [`Event`]s.
//!
//! The worker cannot receive messages until its wasm has started (it says so with
//! [`Event::Ready`]), so commands posted before that are queued here. If the worker dies
//! (a panic, running out of memory, failing to load) it is terminated and a fresh one is
//! spawned; the UI is told through the crash handler and stays usable.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

use crate::protocol::{Command, Event};

/// Trunk's loader for the `custos-worker` binary; relative so the app works under a sub-path.
const WORKER_URL: &str = "./custos-worker_loader.js";

/// Workers that die before saying [`Event::Ready`] are not respawned more than this many times
/// in a row (a missing file would otherwise loop for ever).
const MAX_START_FAILURES: u32 = 2;

/// The worker died.
#[derive(Debug, Clone, PartialEq)]
pub struct Crash {
    /// What the browser or the panic said.
    pub detail: String,
    /// A fresh worker was started (its data is gone); `false`: none could be started.
    pub restarted: bool,
}

type EventHandler = Rc<dyn Fn(Event)>;
type CrashHandler = Rc<dyn Fn(Crash)>;

struct Running {
    worker: Worker,
    ready: bool,
    /// Messages waiting for [`Event::Ready`].
    queue: Vec<Array>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_message_error: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    static HANDLERS: RefCell<Option<(EventHandler, CrashHandler)>> = const { RefCell::new(None) };
    /// Incremented per spawned worker; messages from an older one are ignored.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
    static START_FAILURES: Cell<u32> = const { Cell::new(0) };
}

/// Spawn the worker. `on_event` receives every event; `on_crash` is called when the worker
/// died (and was replaced, if it could be).
pub fn start(on_event: impl Fn(Event) + 'static, on_crash: impl Fn(Crash) + 'static) {
    HANDLERS.with(|h| *h.borrow_mut() = Some((Rc::new(on_event), Rc::new(on_crash))));
    if let Err(detail) = spawn() {
        report_crash(Crash {
            detail,
            restarted: false,
        });
    }
}

/// Post a command.
pub fn send(command: &Command) {
    post(command, None);
}

/// Post [`Command::LoadFile`] with its file.
pub fn send_file(command: &Command, file: &File) {
    post(command, Some(file));
}

fn post(command: &Command, file: Option<&File>) {
    let value = match serde_wasm_bindgen::to_value(command) {
        Ok(value) => value,
        Err(err) => {
            deliver(Event::Failed {
                message: format!("The app could not prepare a request for its worker: {err}"),
            });
            return;
        }
    };
    let message = Array::new();
    message.push(&value);
    if let Some(file) = file {
        message.push(file);
    }
    let result = RUNNING.with(|r| match r.borrow_mut().as_mut() {
        Some(running) if running.ready => running
            .worker
            .post_message(&message)
            .map_err(|err| describe(&err)),
        Some(running) => {
            running.queue.push(message);
            Ok(())
        }
        None => Err("the data engine is not running".to_string()),
    });
    if let Err(detail) = result {
        deliver(Event::Failed {
            message: format!(
                "The request could not be sent to the data engine ({detail}). Reload the page."
            ),
        });
    }
}

fn spawn() -> Result<(), String> {
    let worker = Worker::new(WORKER_URL).map_err(|err| describe(&err))?;
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| on_message(generation, ev));
    // A script that fails to load fires a plain `Event`, a crash an `ErrorEvent`.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        let detail = ev
            .dyn_ref::<ErrorEvent>()
            .and_then(|err| Reflect::get(err, &"message".into()).ok())
            .and_then(|message| message.as_string())
            .filter(|message| !message.is_empty())
            .unwrap_or_else(|| {
                "its script could not be loaded or stopped with an error".to_string()
            });
        on_crash(generation, detail);
    });
    let on_message_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_ev: MessageEvent| {
        deliver(Event::Failed {
            message: "A message from the data engine could not be read. Try again.".to_string(),
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_message_error.as_ref().unchecked_ref()));
    let previous = RUNNING.with(|r| {
        let mut slot = r.borrow_mut();
        let mut previous = slot.take();
        // Commands sent to a worker that died while starting go to its replacement.
        let queue = match previous.as_mut() {
            Some(old) if !old.ready => std::mem::take(&mut old.queue),
            _ => Vec::new(),
        };
        *slot = Some(Running {
            worker,
            ready: false,
            queue,
            _on_message: on_message,
            _on_error: on_error,
            _on_message_error: on_message_error,
        });
        previous
    });
    retire(previous);
    Ok(())
}

/// Terminate a worker and drop its handlers later: a handler may be running right now.
fn retire(running: Option<Running>) {
    if let Some(running) = running {
        running.worker.set_onmessage(None);
        running.worker.set_onerror(None);
        running.worker.set_onmessageerror(None);
        running.worker.terminate();
        wasm_bindgen_futures::spawn_local(async move {
            drop(running);
        });
    }
}

fn is_current(generation: u32) -> bool {
    GENERATION.with(Cell::get) == generation
}

fn on_message(generation: u32, ev: MessageEvent) {
    if !is_current(generation) {
        return;
    }
    let data = ev.data();
    match serde_wasm_bindgen::from_value::<Event>(data) {
        Ok(Event::Crashed { message }) => on_crash(generation, message),
        Ok(Event::Ready) => {
            START_FAILURES.with(|f| f.set(0));
            let queued = RUNNING.with(|r| match r.borrow_mut().as_mut() {
                Some(running) => {
                    running.ready = true;
                    std::mem::take(&mut running.queue)
                        .into_iter()
                        .map(|message| running.worker.post_message(&message))
                        .filter_map(Result::err)
                        .map(|err| describe(&err))
                        .collect::<Vec<_>>()
                }
                None => Vec::new(),
            });
            deliver(Event::Ready);
            for detail in queued {
                deliver(Event::Failed {
                    message: format!("A request could not be sent to the data engine ({detail})."),
                });
            }
        }
        Ok(event) => deliver(event),
        Err(err) => deliver(Event::Failed {
            message: format!("The app could not read a message from its data engine: {err}"),
        }),
    }
}

fn on_crash(generation: u32, detail: String) {
    if !is_current(generation) {
        return;
    }
    let was_ready = RUNNING.with(|r| r.borrow().as_ref().is_some_and(|running| running.ready));
    let failures = if was_ready {
        0
    } else {
        START_FAILURES.with(|f| {
            f.set(f.get() + 1);
            f.get()
        })
    };
    if failures > MAX_START_FAILURES {
        GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
        let previous = RUNNING.with(|r| r.borrow_mut().take());
        retire(previous);
        report_crash(Crash {
            detail,
            restarted: false,
        });
        return;
    }
    match spawn() {
        // A worker that failed while starting is retried quietly.
        Ok(()) if !was_ready => {}
        Ok(()) => report_crash(Crash {
            detail,
            restarted: true,
        }),
        Err(spawn_error) => report_crash(Crash {
            detail: format!("{detail}; {spawn_error}"),
            restarted: false,
        }),
    }
}

fn deliver(event: Event) {
    let handler = HANDLERS.with(|h| h.borrow().as_ref().map(|(on_event, _)| on_event.clone()));
    if let Some(handler) = handler {
        handler(event);
    }
}

fn report_crash(crash: Crash) {
    let handler = HANDLERS.with(|h| h.borrow().as_ref().map(|(_, on_crash)| on_crash.clone()));
    if let Some(handler) = handler {
        handler(crash);
    }
}

/// Text of a thrown JS value.
fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
