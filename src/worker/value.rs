//! The Value step in the worker: fit the value models one step at a time
//! ([`ValueJob::step`]), returning to the event loop between steps so a Cancel (or a new file)
//! stops the job, and keep the finished [`ValueRun`] for the per-customer list, its CSV and the
//! later Dashboard and Export steps. The data, the customer table, the segments, the predictions
//! and an earlier value run are never touched until the new run is ready; a failed run leaves
//! them all as they were.
//!
//! Value reads what Predict reads: the customer table before Explore's preparation (natural
//! units, nothing imputed) with the segment column once segmented, and, when the table was built
//! from purchase lines, those lines with the Explore step's roles and cleaning.

use crate::core::value::run::{SegmentSource, ValueInputs, ValueJob, ValueParams};
use crate::core::value::view::{self, ValueOrder};
use crate::protocol::Event;

use super::predict::model_table;
use super::read::yield_now;
use super::state::{page_of, State};
use super::{is_active, now_ms, post, STATE};

fn not_loaded() -> String {
    "No dataset is loaded. Load a file and build its customer table in Explore first.".to_string()
}

fn no_run() -> Event {
    Event::ValueFailed {
        message: "There are no customer values yet. Run the Value step first.".to_string(),
    }
}

/// The form's choices for the loaded data and its customer table.
pub(crate) fn setup() -> Event {
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        let (customers, segmented) = match model_table(&state) {
            Ok(found) => found,
            Err(message) => return Event::ValueFailed { message },
        };
        if state.current.is_none() {
            return Event::ValueFailed {
                message: not_loaded(),
            };
        }
        let purchases = state.explored_lines();
        Event::ValueSetupReady(Box::new(view::setup(purchases, &customers, segmented)))
    })
}

/// Plan a run on what the worker holds (the job copies what it needs).
fn plan(state: &mut State, params: ValueParams) -> Result<ValueJob, String> {
    let (customers, segmented) = model_table(state)?;
    if state.current.is_none() {
        return Err(not_loaded());
    }
    // Read (or reuse) the cleaned lines first: the rest borrows the state.
    let _ = state.explored_lines();
    let state: &State = state;
    let loaded = state.current.as_ref().ok_or_else(not_loaded)?;
    let segments = match (
        segmented,
        state.explored.as_ref(),
        state.segmentation.as_ref(),
    ) {
        (true, Some(explored), Some(segmentation)) => Some(SegmentSource {
            prep: &explored.fitted,
            segmentation,
        }),
        _ => None,
    };
    let inputs = ValueInputs {
        table: &loaded.ingested.table,
        lines: state.explored_features.as_ref(),
        customers: &customers,
        purchases: state.kept_lines(),
        segments,
    };
    ValueJob::new(&inputs, params, now_ms).map_err(|e| e.to_string())
}

/// Start a run, unless another job is running.
pub(crate) fn start(params: ValueParams) {
    match STATE.with(|s| s.borrow_mut().start_data_job()) {
        Some(job) => wasm_bindgen_futures::spawn_local(run(job, params)),
        None => post(&Event::ValueFailed {
            message: "Custos is still reading a file or building a table. Wait for it to finish \
                      or cancel it, then run the Value step."
                .to_string(),
        }),
    }
}

fn fail(job: u64, message: String) {
    STATE.with(|s| s.borrow_mut().end_job(job));
    post(&Event::ValueFailed { message });
}

async fn run(job: u64, params: ValueParams) {
    let started = now_ms();
    post(&Event::ValueProgress {
        stage: "Reading the purchases up to the cutoff".to_string(),
        fraction: 0.0,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let mut value_job = match STATE.with(|s| plan(&mut s.borrow_mut(), params)) {
        Ok(value_job) => value_job,
        Err(message) => return fail(job, message),
    };
    loop {
        post(&Event::ValueProgress {
            stage: value_job.stage_label(),
            fraction: value_job.fraction_done() * 0.97,
        });
        yield_now().await;
        if !is_active(job) {
            return;
        }
        match value_job.step() {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return fail(job, err.to_string()),
        }
    }
    post(&Event::ValueProgress {
        stage: "Writing the report".to_string(),
        fraction: 0.97,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let event = match value_job.finish() {
        Ok(value_run) => {
            let value_view = view::view(&value_run, now_ms() - started, super::memory_bytes());
            STATE.with(|s| {
                let mut state = s.borrow_mut();
                state.active_job = None;
                state.value = Some(value_run);
            });
            Event::Valued(Box::new(value_view))
        }
        Err(err) => {
            STATE.with(|s| s.borrow_mut().end_job(job));
            Event::ValueFailed {
                message: err.to_string(),
            }
        }
    };
    post(&event);
}

/// A page of the per-customer list of the kept run, sorted by `order`.
pub(crate) fn page(order: ValueOrder, offset: usize, limit: usize) -> Event {
    STATE.with(|s| match s.borrow().value.as_ref() {
        Some(value_run) => Event::ValuePage {
            order,
            header: view::header(value_run),
            page: page_of(
                value_run.customers.ids.len(),
                offset,
                limit,
                |offset, limit| view::page(value_run, order, offset, limit),
            ),
        },
        None => no_run(),
    })
}

/// Every customer's value of the kept run as CSV.
pub(crate) fn export_csv() -> Event {
    STATE.with(|s| {
        let state = s.borrow();
        let Some(value_run) = state.value.as_ref() else {
            return no_run();
        };
        Event::ValueCsv {
            file_name: format!("{}_value.csv", state.export_stem()),
            csv: view::csv(value_run),
        }
    })
}
