//! Reading a file (or a generated sample) into a table, or as a basket list, chunk by chunk,
//! with progress and cancel.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, WorkerGlobalScope};

use crate::core::ingest::{
    check_browser_size, Delimiter, IngestError, IngestOptions, Ingested, Ingestor, TextEncoding,
};
use crate::core::recommend::basket_list::{
    basket_list_offer, size_chart, summarize as summarize_baskets, BasketListError,
    BasketListReader,
};
use crate::core::sample;
use crate::core::summary::summarize;
use crate::protocol::{BasketListView, Event, SampleKind};

use super::state::{dataset_view, Loaded, LoadedBaskets};
use super::{is_active, now_ms, post, STATE};

/// Bytes read from the file per step.
pub const CHUNK_BYTES: u64 = 2 * 1024 * 1024;

/// Items of a basket list the Data step lists, most frequent first.
const TOP_ITEMS: usize = 50;

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
    /// The message for the user.
    Error(String),
}

impl From<IngestError> for Stop {
    fn from(err: IngestError) -> Stop {
        Stop::Error(err.to_string())
    }
}

impl From<BasketListError> for Stop {
    fn from(err: BasketListError) -> Stop {
        Stop::Error(format!("This file cannot be read as baskets: {err}"))
    }
}

/// What the chunks of a file go into: the table's [`Ingestor`], or a [`BasketListReader`].
trait ChunkSink {
    fn push(&mut self, chunk: &[u8]) -> Result<(), Stop>;
    /// Rows (or baskets) read so far, for the progress bar.
    fn rows(&self) -> u64;
}

impl ChunkSink for Ingestor {
    fn push(&mut self, chunk: &[u8]) -> Result<(), Stop> {
        Ok(Ingestor::push(self, chunk)?)
    }

    fn rows(&self) -> u64 {
        Ingestor::rows(self)
    }
}

impl ChunkSink for BasketListReader {
    fn push(&mut self, chunk: &[u8]) -> Result<(), Stop> {
        Ok(BasketListReader::push(self, chunk)?)
    }

    fn rows(&self) -> u64 {
        self.baskets() as u64
    }
}

/// Feed every byte of `source` to `sink`, posting progress; the size read, in bytes.
async fn read_source(job: u64, source: &Source, sink: &mut impl ChunkSink) -> Result<u64, Stop> {
    match source {
        Source::File { file, .. } => read_file(job, file, sink).await,
        Source::Sample(kind) => read_sample(job, *kind, sink).await,
    }
}

/// End a job that stopped early: nothing more for an abandoned one, the message for an error.
fn stopped(job: u64, stop: Stop) {
    let Stop::Error(message) = stop else {
        return;
    };
    if !is_active(job) {
        return;
    }
    STATE.with(|s| s.borrow_mut().active_job = None);
    post(&Event::Failed { message });
}

async fn read_table(
    job: u64,
    source: &Source,
    options: &IngestOptions,
) -> Result<(Ingested, u64), Stop> {
    let mut ingestor = Ingestor::new(options.clone());
    let size = read_source(job, source, &mut ingestor).await?;
    Ok((ingestor.finish()?, size))
}

async fn run_job(job: u64, source: Source, options: IngestOptions) {
    let started = now_ms();
    let result = read_table(job, &source, &options).await;
    if !is_active(job) {
        return;
    }
    let (ingested, file_bytes) = match result {
        Ok(done) => done,
        Err(stop) => return stopped(job, stop),
    };
    let summaries = summarize(&ingested.table);
    let basket_offer = basket_list_offer(&ingested.head, ingested.dialect.delimiter);
    let loaded = Loaded {
        file_name: source.name(),
        source,
        options,
        file_bytes,
        elapsed_ms: now_ms() - started,
        summaries,
        basket_offer,
        ingested,
    };
    let event = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.active_job = None;
        match loaded.ingested.check_bad_rows(false) {
            Ok(()) => {
                let view = dataset_view(&loaded);
                state.set_current(loaded);
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

fn progress(sink: &impl ChunkSink, bytes_read: u64, total_bytes: u64) {
    post(&Event::Progress {
        bytes_read,
        total_bytes: Some(total_bytes),
        rows: sink.rows(),
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

/// Read the current dataset's source again as a basket list ([`crate::protocol::Command::ReadAsBaskets`]);
/// a read already in progress is abandoned.
pub(crate) fn start_baskets() {
    let current = STATE.with(|s| {
        s.borrow().current.as_ref().map(|loaded| {
            let delimiter = loaded
                .basket_offer
                .as_ref()
                .map_or(loaded.ingested.dialect.delimiter, |offer| offer.delimiter);
            (
                loaded.source.clone(),
                delimiter,
                loaded.ingested.dialect.encoding,
            )
        })
    });
    let Some((source, delimiter, encoding)) = current else {
        post(&Event::Failed {
            message: "There is no file to read as baskets. Load a file first.".to_string(),
        });
        return;
    };
    let job = STATE.with(|s| s.borrow_mut().start_job());
    wasm_bindgen_futures::spawn_local(run_baskets(job, source, delimiter, encoding));
}

async fn run_baskets(job: u64, source: Source, delimiter: Delimiter, encoding: TextEncoding) {
    let started = now_ms();
    // The encoding the table was read with: both readings see the same text.
    let mut reader = BasketListReader::new(delimiter, Some(encoding));
    let result = match read_source(job, &source, &mut reader).await {
        Ok(_) => reader.finish().map_err(Stop::from),
        Err(stop) => Err(stop),
    };
    if !is_active(job) {
        return;
    }
    let baskets = match result {
        Ok(baskets) => baskets,
        Err(stop) => return stopped(job, stop),
    };
    let summary = summarize_baskets(&baskets, TOP_ITEMS);
    let file_name = source.name();
    let view = BasketListView {
        file_name: file_name.clone(),
        delimiter,
        size_chart: size_chart(&summary),
        summary,
        elapsed_ms: now_ms() - started,
    };
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.active_job = None;
        // The customer steps do not apply to baskets; the table stays for a reload.
        state.forget_analysis();
        state.basket_list = Some(LoadedBaskets {
            file_name,
            baskets,
            delimiter,
        });
    });
    post(&Event::BasketsLoaded(Box::new(view)));
}

async fn read_file(job: u64, file: &File, sink: &mut impl ChunkSink) -> Result<u64, Stop> {
    let size = file.size().max(0.0) as u64;
    check_browser_size(size)?;
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
            return Err(IngestError::Io(
                "the browser returned no data for part of the file (was it moved or changed?)"
                    .to_string(),
            )
            .into());
        }
        offset += len as u64;
        if offset < size {
            next = Some(read_chunk(file, offset, size)?);
        }
        buffer.resize(len, 0);
        bytes.copy_to(&mut buffer);
        sink.push(&buffer)?;
        progress(sink, offset, size);
    }
    Ok(size)
}

async fn read_sample(job: u64, kind: SampleKind, sink: &mut impl ChunkSink) -> Result<u64, Stop> {
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
    let mut offset = 0u64;
    for chunk in bytes.chunks(CHUNK_BYTES as usize) {
        sink.push(chunk)?;
        offset += chunk.len() as u64;
        progress(sink, offset, size);
        yield_now().await;
        if !is_active(job) {
            return Err(Stop::Abandoned);
        }
    }
    Ok(size)
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
    IngestError::Io(text).into()
}
