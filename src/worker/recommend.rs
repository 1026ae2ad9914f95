//! The Recommend step in the worker: form the baskets, mine the rules, judge the recommenders
//! on a time holdout and recommend to every customer, one [`RecommendJob::step`] at a time,
//! returning to the event loop between steps so a Cancel (or a new file) stops the job. The
//! finished [`RecommendRun`] is kept for the rules and customer pages, the item search, the
//! CSVs and the later Dashboard and Export steps; a failed run leaves everything as it was.
//!
//! Recommend reads the purchase lines the Explore step keeps (its roles and cleaning, the
//! lines the Value step reads too), with each customer's segment once segmented — or, when the
//! file was read as a basket list, its baskets.

use crate::core::recommend::baskets::item_labels;
use crate::core::recommend::run::{
    CustomerSegments, RecommendInputs, RecommendJob, RecommendParams, RecommendSource,
};
use crate::core::recommend::view::{self, RulesQuery};
use crate::protocol::Event;

use super::read::yield_now;
use super::state::State;
use super::{is_active, now_ms, post, STATE};

/// Largest page the UI may ask for.
const MAX_PAGE: usize = 500;
/// Products in an item's "bought with" list.
const PARTNERS: usize = 20;

fn no_lines() -> String {
    "Recommendations need purchase lines with a product column (or a basket list): load such a \
     file and build its customer table in Explore first."
        .to_string()
}

fn failed(message: String) -> Event {
    Event::RecommendFailed { message }
}

fn no_run() -> Event {
    failed("There are no recommendations yet. Run the Recommend step first.".to_string())
}

/// The form's choices for the loaded data.
pub(crate) fn setup() -> Event {
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        if let Some(list) = state.basket_list.as_ref() {
            return Event::RecommendSetupReady(Box::new(view::setup_basket_list(&list.baskets)));
        }
        let segmented = state.segmentation.is_some();
        let customers = state
            .explored
            .as_ref()
            .map_or(0, |explored| explored.built.customers.ids.len());
        match state.explored_lines() {
            Some(Ok(lines)) => match view::setup_lines(lines, customers, segmented) {
                Ok(setup) => Event::RecommendSetupReady(Box::new(setup)),
                Err(message) => failed(message),
            },
            Some(Err(err)) => failed(format!("Cannot read the purchase lines: {err}.")),
            None => failed(no_lines()),
        }
    })
}

/// Plan a run on what the worker holds (the job copies what it needs).
fn plan(state: &mut State, params: RecommendParams) -> Result<RecommendJob, String> {
    if let Some(list) = state.basket_list.as_ref() {
        let inputs = RecommendInputs {
            source: RecommendSource::BasketList(&list.baskets),
            segments: None,
            customers: None,
        };
        return RecommendJob::new(inputs, params, now_ms).map_err(|e| e.to_string());
    }
    if let Some(Err(err)) = state.explored_lines() {
        return Err(format!("Cannot read the purchase lines: {err}."));
    }
    let state: &State = state;
    let lines = state.kept_lines().ok_or_else(no_lines)?;
    let loaded = state.current.as_ref().ok_or_else(no_lines)?;
    let mapping = state
        .explored_features
        .as_ref()
        .map(|f| &f.mapping)
        .ok_or_else(no_lines)?;
    let segments = match (state.segmentation.as_ref(), state.explored.as_ref()) {
        (Some(segmentation), Some(explored)) => Some(CustomerSegments::from_segmentation(
            segmentation,
            &explored.built.customers.ids,
            &lines.ids,
        )),
        _ => None,
    };
    let inputs = RecommendInputs {
        source: RecommendSource::Lines {
            lines,
            labels: item_labels(&loaded.ingested.table, mapping, lines),
        },
        segments,
        customers: state
            .explored
            .as_ref()
            .map(|explored| explored.built.customers.ids.as_slice()),
    };
    RecommendJob::new(inputs, params, now_ms).map_err(|e| e.to_string())
}

/// Start a run, unless another job is running.
pub(crate) fn start(params: RecommendParams) {
    match STATE.with(|s| s.borrow_mut().start_data_job()) {
        Some(job) => wasm_bindgen_futures::spawn_local(run(job, params)),
        None => post(&failed(
            "Custos is still reading a file or running a step. Wait for it to finish or cancel \
             it, then run the Recommend step."
                .to_string(),
        )),
    }
}

fn fail(job: u64, message: String) {
    STATE.with(|s| s.borrow_mut().end_job(job));
    post(&failed(message));
}

async fn run(job: u64, params: RecommendParams) {
    let started = now_ms();
    post(&Event::RecommendProgress {
        stage: "Forming the baskets".to_string(),
        fraction: 0.0,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let mut recommend_job = match STATE.with(|s| plan(&mut s.borrow_mut(), params)) {
        Ok(recommend_job) => recommend_job,
        Err(message) => return fail(job, message),
    };
    loop {
        post(&Event::RecommendProgress {
            stage: recommend_job.stage_label(),
            fraction: recommend_job.fraction_done() * 0.98,
        });
        yield_now().await;
        if !is_active(job) {
            return;
        }
        match recommend_job.step() {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return fail(job, err.to_string()),
        }
    }
    let event = match recommend_job.finish() {
        Ok(recommend_run) => {
            let view = view::view(&recommend_run, now_ms() - started, super::memory_bytes());
            STATE.with(|s| {
                let mut state = s.borrow_mut();
                state.active_job = None;
                state.recommend = Some(recommend_run);
            });
            Event::Recommended(Box::new(view))
        }
        Err(err) => {
            STATE.with(|s| s.borrow_mut().end_job(job));
            failed(err.to_string())
        }
    };
    post(&event);
}

/// A page of the kept run's rules.
pub(crate) fn rules_page(query: &RulesQuery, offset: usize, limit: usize) -> Event {
    STATE.with(|s| match s.borrow().recommend.as_ref() {
        Some(run) => Event::RulesPage(view::rules_page(run, query, offset, limit.min(MAX_PAGE))),
        None => no_run(),
    })
}

/// A page of the kept run's per-customer lists.
pub(crate) fn customer_page(search: &str, offset: usize, limit: usize) -> Event {
    STATE.with(|s| match s.borrow().recommend.as_ref() {
        Some(run) => Event::RecommendPage(view::customer_page(
            run,
            search,
            offset,
            limit.min(MAX_PAGE),
        )),
        None => no_run(),
    })
}

pub(crate) fn item_search(text: &str) -> Event {
    STATE.with(|s| match s.borrow().recommend.as_ref() {
        Some(run) => Event::ItemPartners(view::item_partners(run, text, PARTNERS)),
        None => no_run(),
    })
}

pub(crate) fn recommendations_csv() -> Event {
    STATE.with(|s| {
        let state = s.borrow();
        match state.recommend.as_ref() {
            Some(run) => Event::RecommendCsv {
                file_name: format!("{}_recommendations.csv", state.export_stem()),
                csv: view::recommendations_csv(run),
            },
            None => no_run(),
        }
    })
}

pub(crate) fn rules_csv() -> Event {
    STATE.with(|s| {
        let state = s.borrow();
        match state.recommend.as_ref() {
            Some(run) => Event::RulesCsv {
                file_name: format!("{}_rules.csv", state.export_stem()),
                csv: view::rules_csv(run),
            },
            None => no_run(),
        }
    })
}
