//! Reading a file (or a generated sample) into a table, chunk by chunk, with progress and
//! cancel.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, WorkerGlobalScope};

use crate::core::ingest::{check_browser_size, IngestError, IngestOptions, Ingested, Ingestor};
use crate::core::sample;
use crate::core::summary::summarize;
use crate::protocol::{Event, SampleKind};

use super::state::{dataset_view, Loaded};
use super::{is_active, now_ms, post, STATE};

/// Bytes read from the file per step.
pub const CHUNK_BYTES: u64 = 2 * 1024 * 1024;

/// Rows of the generated samples.
const SAMPLE_TRANSACTION_ROWS: usize = 20_000;
const SAMPLE_CUSTOMER_ROWS: usize = 2_000;
const SAMPLE_SEED: u64 = 42;

/// Where a dataset's bytes come from; kept so the file can be read again with other options.
#[derive(Clone)]
pub(crate) enum Source {
    File { file: File, name: String },
    Sample(SampleKind),
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::File { name, .. } => name.clone(),
            Source::Sample(SampleKind::Transactions) => "sample_transactions.csv".to_string(),
            Source::Sample(SampleKind::Customers) => "sample_customers.csv".to_string(),
        }
    }
}

/// Start reading `source`; a read already in progress is abandoned (its result is dropped).
pub(crate) fn start(source: Source, options: IngestOptions) {
    let job = STATE.with(|s| s.borrow_mut().start_job());
    wasm_bindgen_futures::spawn_local(run_job(job, source, options));
}

/// Why a read stopped early.
enum Stop {
    /// Cancelled by the user or replaced by a newer read: say nothing more.
    Abandoned,
    Error(IngestError),
}

impl From<IngestError> for Stop {
    fn from(err: IngestError) -> Stop {
        Stop::Error(err)
    }
}

async fn run_job(job: u64, source: Source, options: IngestOptions) {
    let started = now_ms();
    let result = match &source {
        Source::File { file, .. } => read_file(job, file, &options).await,
        Source::Sample(kind) => read_sample(job, *kind, &options).await,
    };
    if !is_active(job) {
        return;
    }
    let (ingested, file_bytes) = match result {
        Ok(done) => done,
        Err(Stop::Abandoned) => return,
        Err(Stop::Error(err)) => {
            STATE.with(|s| s.borrow_mut().active_job = None);
            post(&Event::Failed {
                message: err.to_string(),
            });
            return;
        }
    };
    let summaries = summarize(&ingested.table);
    let loaded = Loaded {
        file_name: source.name(),
        source,
        options,
        file_bytes,
        elapsed_ms: now_ms() - started,
        summaries,
        ingested,
    };
    let event = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.active_job = None;
        match loaded.ingested.check_bad_rows(false) {
            Ok(()) => {
                let view = dataset_view(&loaded);
                state.current = Some(loaded);
                state.forget_analysis();
                Event::Loaded(Box::new(view))
            }
            Err(err) => {
                let bad = &loaded.ingested.report.bad_rows;
                let event = Event::BadRows {
                    file_name: loaded.file_name.clone(),
                    expected: bad.expected_fields,
                    count: bad.count,
                    first: bad.first.clone(),
                    message: err.to_string(),
                };
                state.pending = Some(loaded);
                event
            }
        }
    });
    post(&event);
}

fn progress(ingestor: &Ingestor, total_bytes: u64) {
    post(&Event::Progress {
        bytes_read: ingestor.bytes_read(),
        total_bytes: Some(total_bytes),
        rows: ingestor.rows(),
    });
}

/// Start reading the chunk at `offset` (the promise runs while the caller parses).
fn read_chunk(file: &File, offset: u64, size: u64) -> Result<JsFuture, Stop> {
    let end = (offset + CHUNK_BYTES).min(size);
    let blob = file
        .slice_with_f64_and_f64(offset as f64, end as f64)
        .map_err(js_error)?;
    Ok(JsFuture::from(blob.array_buffer()))
}

async fn read_file(
    job: u64,
    file: &File,
    options: &IngestOptions,
) -> Result<(Ingested, u64), Stop> {
    let size = file.size().max(0.0) as u64;
    check_browser_size(size)?;
    let mut ingestor = Ingestor::new(options.clone());
    let mut buffer: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    post(&Event::Progress {
        bytes_read: 0,
        total_bytes: Some(size),
        rows: 0,
    });
    // The browser reads the next chunk while this one is parsed.
    let mut next = (size > 0).then(|| read_chunk(file, 0, size)).transpose()?;
    while let Some(chunk) = next.take() {
        let array_buffer = chunk.await.map_err(js_error)?;
        // A Cancel (or a newer read) was handled while waiting for the bytes.
        if !is_active(job) {
            return Err(Stop::Abandoned);
        }
        let bytes = Uint8Array::new(&array_buffer);
        let len = bytes.length() as usize;
        if len == 0 {
            return Err(Stop::Error(IngestError::Io(
                "the browser returned no data for part of the file (was it moved or changed?)"
                    .to_string(),
            )));
        }
        offset += len as u64;
        if offset < size {
            next = Some(read_chunk(file, offset, size)?);
        }
        buffer.resize(len, 0);
        bytes.copy_to(&mut buffer);
        ingestor.push(&buffer)?;
        progress(&ingestor, size);
    }
    Ok((ingestor.finish()?, size))
}

async fn read_sample(
    job: u64,
    kind: SampleKind,
    options: &IngestOptions,
) -> Result<(Ingested, u64), Stop> {
    // Let the UI show the progress bar before the (synchronous) generation.
    post(&Event::Progress {
        bytes_read: 0,
        total_bytes: None,
        rows: 0,
    });
    yield_now().await;
    if !is_active(job) {
        return Err(Stop::Abandoned);
    }
    let text = match kind {
        SampleKind::Transactions => sample::transactions_csv(SAMPLE_TRANSACTION_ROWS, SAMPLE_SEED),
        SampleKind::Customers => sample::customers_csv(SAMPLE_CUSTOMER_ROWS, SAMPLE_SEED),
    };
    let bytes = text.as_bytes();
    let size = bytes.len() as u64;
    let mut ingestor = Ingestor::new(options.clone());
    for chunk in bytes.chunks(CHUNK_BYTES as usize) {
        ingestor.push(chunk)?;
        progress(&ingestor, size);
        yield_now().await;
        if !is_active(job) {
            return Err(Stop::Abandoned);
        }
    }
    Ok((ingestor.finish()?, size))
}

/// Return to the event loop once (a macrotask), so queued messages such as Cancel run.
pub(crate) async fn yield_now() {
    let promise = Promise::new(&mut |resolve, _reject| {
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        if scope
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .is_err()
        {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A rejected browser call as a user-facing read error.
fn js_error(value: JsValue) -> Stop {
    let text = value
        .dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the browser could not read the file".to_string());
    Stop::Error(IngestError::Io(text))
}
