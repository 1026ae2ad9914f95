//! The Predict step in the worker: train and evaluate models one fit at a time (each fold of
//! each candidate, each final refit, each importance), returning to the event loop between fits
//! so a Cancel (or a new file) stops the job. The customer table, the segments and earlier
//! models are never touched until the new models are ready.
//!
//! Predict reads the customer table before Explore's preparation (natural units, nothing
//! imputed), because its own preparation must be fitted on training rows only; the segment of
//! each customer is added as a feature when the Segment step has run.
//!
//! A derived target (churn, buys again, one-time buyer returns, high spender: `params.derived`)
//! is built from the loaded purchase lines with the Explore step's roles and cleaning
//! ([`crate::core::predict::derived::derive`]): features from the lines up to the cutoff only,
//! no segment column (segments were found on the whole period). That table is trained on,
//! scored, listed and exported instead of the explored one.

use crate::core::customer_table::{CustomerSource, CustomerTable};
use crate::core::predict::derived::{self, Derived, DerivedError, DerivedSetup, DerivedTarget};
use crate::core::predict::run::{PredictJob, PredictParams, PredictReport};
use crate::core::predict::view::{self, ScoreOrder};
use crate::protocol::{Event, PreviewPage, ScoresPage};

use super::read::yield_now;
use super::state::State;
use super::{is_active, now_ms, post, STATE};

/// A finished run and the table it scored.
pub(crate) struct Prediction {
    pub customers: CustomerTable,
    pub report: PredictReport,
}

fn not_explored() -> String {
    "There is no customer table yet. Build it in the Explore step first.".to_string()
}

fn no_prediction() -> Event {
    Event::PredictFailed {
        message: "There are no scored customers yet. Train the models first.".to_string(),
    }
}

/// The table Predict learns from: the built customer table, plus the segment column when the
/// Segment step has run on the same customers.
fn predict_table(state: &State) -> Result<CustomerTable, String> {
    model_table(state).map(|(table, _)| table)
}

/// The table the models of Predict and Value learn from (the built customer table, natural
/// units, plus the segment column when the Segment step has run on the same customers) and
/// whether it carries that column.
pub(crate) fn model_table(state: &State) -> Result<(CustomerTable, bool), String> {
    let explored = state.explored.as_ref().ok_or_else(not_explored)?;
    let built = &explored.built.customers;
    match state.segmentation.as_ref() {
        Some(segmentation) if explored.prepared.n_rows() == built.n_rows() => {
            Ok((segmentation.add_to(built), true))
        }
        _ => Ok((built.clone(), false)),
    }
}

/// The derived-target choices when the customer table was built from purchase lines, with the
/// population of each target for any cutoff (one pass over the cleaned lines, as `derive`
/// cleans them).
fn derived_setup(state: &mut State) -> Option<DerivedSetup> {
    let built = &state.explored.as_ref()?.built;
    if built.source != CustomerSource::Transactions {
        return None;
    }
    // The cleaned lines the worker keeps (the Value step reads the same ones).
    let purchases = state.explored_lines()?.ok()?;
    DerivedSetup::from_lines(purchases)
}

pub(crate) fn setup() -> Event {
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        match predict_table(&state) {
            Ok(table) => {
                let derived = derived_setup(&mut state);
                Event::PredictSetupReady(Box::new(view::setup(&table, derived)))
            }
            Err(message) => Event::PredictFailed { message },
        }
    })
}

/// The derived target's table, built from the loaded purchase lines with the Explore step's
/// roles and cleaning.
fn derive_table(state: &State, target: &DerivedTarget) -> Result<Derived, String> {
    let explored = state.explored.as_ref().ok_or_else(not_explored)?;
    if explored.built.source != CustomerSource::Transactions {
        return Err(DerivedError::NotTransactions.to_string());
    }
    let features = state.explored_features.as_ref().ok_or_else(not_explored)?;
    let loaded = state.current.as_ref().ok_or_else(not_explored)?;
    let mut progress = |fraction: f64| {
        post(&Event::PredictProgress {
            stage: "Building the features from the purchases up to the cutoff".to_string(),
            fraction: fraction * 0.05,
        })
    };
    derived::derive(&loaded.ingested.table, features, target, &mut progress)
        .map_err(|e| e.to_string())
}

/// What a run trains on: the customer table, the params, and for a derived target its summary
/// and notes.
struct Planned {
    customers: CustomerTable,
    job: PredictJob,
    derived: Option<(derived::DerivedSummary, Vec<String>)>,
}

fn plan(state: &State, params: PredictParams) -> Result<Planned, String> {
    let Some(target) = params.derived.clone() else {
        let customers = predict_table(state)?;
        let job = PredictJob::new(&customers, params, now_ms).map_err(|e| e.to_string())?;
        return Ok(Planned {
            customers,
            job,
            derived: None,
        });
    };
    let derived = derive_table(state, &target)?;
    let mut params = derived.params(params);
    // The form lists the segment column among the features; the derived table has none.
    let offered = predict_table(state)?;
    params.exclude.retain(|name| {
        derived.customers.feature(name).is_some() || offered.feature(name).is_none()
    });
    let job = PredictJob::new(&derived.customers, params, now_ms).map_err(|e| e.to_string())?;
    Ok(Planned {
        customers: derived.customers,
        job,
        derived: Some((derived.summary, derived.notes)),
    })
}

/// Start training, unless another job is running or there is no customer table.
pub(crate) fn start(params: PredictParams) {
    match STATE.with(|s| s.borrow_mut().start_data_job()) {
        Some(job) => wasm_bindgen_futures::spawn_local(run(job, params)),
        None => post(&Event::PredictFailed {
            message: "Custos is still reading a file or building a table. Wait for it to finish \
                      or cancel it, then train."
                .to_string(),
        }),
    }
}

fn fail(job: u64, message: String) {
    STATE.with(|s| s.borrow_mut().end_job(job));
    post(&Event::PredictFailed { message });
}

async fn run(job: u64, params: PredictParams) {
    let started = now_ms();
    post(&Event::PredictProgress {
        stage: "Splitting the customers and checking the features".to_string(),
        fraction: 0.0,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let planned = STATE.with(|s| plan(&s.borrow(), params));
    let Planned {
        customers,
        job: mut predict_job,
        derived,
    } = match planned {
        Ok(planned) => planned,
        Err(message) => return fail(job, message),
    };
    let (derived_summary, derived_notes) = derived.unzip();
    // Building a derived table took the first 5 %.
    let start = if derived_summary.is_some() { 0.05 } else { 0.0 };
    loop {
        post(&Event::PredictProgress {
            stage: predict_job.stage_label(),
            fraction: start + predict_job.fraction_done() * (0.97 - start),
        });
        yield_now().await;
        if !is_active(job) {
            return;
        }
        match predict_job.step() {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return fail(job, err.to_string()),
        }
    }
    post(&Event::PredictProgress {
        stage: "Writing the report".to_string(),
        fraction: 0.97,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let event = match predict_job.finish() {
        Ok(mut report) => {
            if let Some(notes) = derived_notes {
                report.notes.splice(0..0, notes);
            }
            let predict_view = view::view(
                &report,
                derived_summary,
                now_ms() - started,
                super::memory_bytes(),
            );
            STATE.with(|s| {
                let mut state = s.borrow_mut();
                state.active_job = None;
                state.prediction = Some(Prediction { customers, report });
            });
            Event::Predicted(Box::new(predict_view))
        }
        Err(err) => {
            STATE.with(|s| s.borrow_mut().end_job(job));
            Event::PredictFailed {
                message: err.to_string(),
            }
        }
    };
    post(&event);
}

pub(crate) fn scores(order: ScoreOrder, offset: usize, limit: usize) -> Event {
    STATE.with(|s| match s.borrow().prediction.as_ref() {
        Some(p) => Event::ScoresPage(ScoresPage {
            order,
            header: view::scores_header(&p.customers, &p.report),
            page: PreviewPage {
                offset,
                total_rows: p.report.scores.len(),
                rows: view::scores_page(&p.customers, &p.report, order, offset, limit),
            },
        }),
        None => no_prediction(),
    })
}

pub(crate) fn export_csv() -> Event {
    STATE.with(|s| {
        let state = s.borrow();
        let Some(p) = state.prediction.as_ref() else {
            return no_prediction();
        };
        let stem = state.export_stem();
        Event::ScoresCsv {
            file_name: format!("{stem}_scored.csv"),
            csv: view::scores_csv(&p.customers, &p.report),
        }
    })
}
