//! The Explore step in the worker: build the customer table from the loaded data, prepare it
//! and compute the default charts, in stages. Between stages the worker returns to the event
//! loop, so a Cancel (or a new file) stops the job; the loaded data is never touched.

use crate::core::eda::Chart;
use crate::core::explore::{self, ExploreParams, Explored};
use crate::core::format;
use crate::core::segment::run as segment_run;
use crate::protocol::{Event, ExploreView, PreviewPage};

use super::read::yield_now;
use super::state::page_of;
use super::{is_active, now_ms, post, STATE};

/// Rows in one page of the customer preview.
pub const CUSTOMER_PAGE_ROWS: usize = 100;

/// Start the Explore step, unless a read or another build is in progress.
pub(crate) fn start(params: ExploreParams) {
    match STATE.with(|s| s.borrow_mut().start_data_job()) {
        Some(job) => wasm_bindgen_futures::spawn_local(run(job, params)),
        None => post(&Event::ExploreFailed {
            message: "Custos is still reading a file or building a table. Wait for it to finish \
                      or cancel it, then build the customer table."
                .to_string(),
        }),
    }
}

fn stage(name: &str, fraction: f64) {
    post(&Event::ExploreProgress {
        stage: name.to_string(),
        fraction,
    });
}

fn fail(job: u64, message: String) {
    STATE.with(|s| s.borrow_mut().end_job(job));
    post(&Event::ExploreFailed { message });
}

async fn run(job: u64, params: ExploreParams) {
    let started = now_ms();
    stage("Building the customer table", 0.0);
    yield_now().await;
    if !is_active(job) {
        return;
    }
    // Stage 1: customer table (the loaded table is borrowed only inside this closure).
    let built = STATE.with(|s| {
        let state = s.borrow();
        let Some(loaded) = state.current.as_ref() else {
            return Err("No dataset is loaded. Load a file or a sample first.".to_string());
        };
        let mut report = |fraction: f64| stage("Building the customer table", fraction * 0.7);
        explore::build(&loaded.ingested.table, &params, &mut report).map_err(|e| e.to_string())
    });
    let built = match built {
        Ok(built) => built,
        Err(message) => return fail(job, message),
    };
    stage("Cleaning and transforming", 0.7);
    yield_now().await;
    if !is_active(job) {
        return;
    }
    // Stage 2: customer-level preparation.
    let explored = match explore::prepare(built, &params.prep) {
        Ok(explored) => explored,
        Err(err) => return fail(job, err.to_string()),
    };
    stage("Drawing up the charts", 0.85);
    yield_now().await;
    if !is_active(job) {
        return;
    }
    // Stage 3: charts and the view.
    let event = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.active_job = None;
        if state.current.is_none() {
            return Event::ExploreFailed {
                message: "The loaded dataset was replaced while the customer table was being \
                          built. Run the step again."
                    .to_string(),
            };
        }
        let charts = explore::default_gallery(&explored);
        let view = explore_view(&explored, &params, charts, now_ms() - started);
        state.set_explored(explored, &params);
        Event::Explored(Box::new(view))
    });
    post(&event);
}

fn explore_view(
    explored: &Explored,
    params: &ExploreParams,
    charts: Vec<Chart>,
    elapsed_ms: f64,
) -> ExploreView {
    let table = &explored.prepared;
    let facts = explored.customer_facts();
    ExploreView {
        source: explored.built.source,
        mapping: params.features.mapping.clone(),
        n_customers: table.n_rows(),
        id_name: table.id_name.clone(),
        reference_date: explored
            .built
            .reference_date
            .map(|days| format::iso_date(i64::from(days))),
        lines_used: explored.built.lines_used,
        receipt: explored.receipt.clone(),
        notes: explored.built.notes.clone(),
        fitted: explored.fitted.describe(),
        // The feature list describes the table the grid shows and the file downloads.
        features: explore::summarize_features(&facts),
        header: explore::preview_header(&facts),
        preview: customer_page(explored, 0, CUSTOMER_PAGE_ROWS),
        charts,
        segment_features: segment_run::default_features(table, explored.built.source),
        elapsed_ms,
        worker_memory_bytes: super::memory_bytes(),
    }
}

/// A page of the customer table as downloaded (facts: blanks stay blank), clamped.
pub(crate) fn customer_page(explored: &Explored, offset: usize, limit: usize) -> PreviewPage {
    let table = explored.customer_facts();
    page_of(table.n_rows(), offset, limit, |offset, limit| {
        explore::preview_rows(&table, offset, limit)
    })
}

fn not_explored() -> Event {
    Event::ExploreFailed {
        message: "There is no customer table yet. Build it in the Explore step first.".to_string(),
    }
}

pub(crate) fn charts(names: &[String]) -> Event {
    STATE.with(|s| match s.borrow().explored.as_ref() {
        Some(explored) => Event::FeatureCharts {
            charts: explore::feature_charts(explored, names),
        },
        None => not_explored(),
    })
}

pub(crate) fn page(offset: usize, limit: usize) -> Event {
    STATE.with(|s| match s.borrow().explored.as_ref() {
        Some(explored) => Event::CustomerPage(customer_page(explored, offset, limit)),
        None => not_explored(),
    })
}

pub(crate) fn export_csv() -> Event {
    STATE.with(|s| {
        let state = s.borrow();
        match state.explored.as_ref() {
            Some(explored) => {
                let stem = state.export_stem();
                // Facts only: the built values, blanks blank (see Explored::customer_facts).
                let facts = explored.customer_facts();
                let csv = match state.segmentation.as_ref() {
                    Some(segmentation) => segmentation.add_to(&facts).to_csv(),
                    None => facts.to_csv(),
                };
                Event::CustomersCsv {
                    file_name: format!("{stem}_customers.csv"),
                    csv,
                }
            }
            None => not_explored(),
        }
    })
}
