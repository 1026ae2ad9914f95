//! What the worker holds between commands: the loaded dataset, a read waiting for the user's
//! "skip bad rows", the file read as a basket list, and the id of the read in progress.

use super::predict::Prediction;
use crate::core::customer_table::CustomerSource;
use crate::core::explore::{ExploreParams, Explored};
use crate::core::features::{self, FeatureError, FeatureParams, PurchaseLines};
use crate::core::ingest::roles::guess_shape;
use crate::core::ingest::{Delimiter, IngestOptions, Ingested};
use crate::core::recommend::basket_list::BasketListOffer;
use crate::core::recommend::baskets::Baskets;
use crate::core::recommend::run::RecommendRun;
use crate::core::segment::run::Segmentation;
use crate::core::summary::{preview_rows, summarize, summarize_column, ColumnSummary};
use crate::core::table::{ColumnType, Role};
use crate::core::value::run::ValueRun;
use crate::protocol::{DatasetView, Event, PreviewPage};

use super::read::Source;

/// Rows in one page of the preview grid.
pub const PREVIEW_ROWS: usize = 100;
/// Largest page the UI may ask for.
const MAX_PREVIEW_ROWS: usize = 1_000;

/// A read that finished: the table and where it came from.
pub(crate) struct Loaded {
    pub ingested: Ingested,
    pub source: Source,
    pub options: IngestOptions,
    pub file_name: String,
    pub file_bytes: u64,
    pub elapsed_ms: f64,
    /// Column summaries, kept up to date with type and role changes.
    pub summaries: Vec<ColumnSummary>,
    /// The start of the file looks like a basket list (see [`DatasetView::basket_list`]).
    pub basket_offer: Option<BasketListOffer>,
}

/// The current file read as a basket list ([`crate::protocol::Command::ReadAsBaskets`]); the
/// Recommend step reads its baskets.
pub(crate) struct LoadedBaskets {
    #[allow(dead_code)]
    pub file_name: String,
    pub baskets: Baskets,
    /// The item separator it was read with.
    #[allow(dead_code)]
    pub delimiter: Delimiter,
}

#[derive(Default)]
pub(crate) struct State {
    pub current: Option<Loaded>,
    /// Read with ragged rows set aside; becomes `current` on [`crate::protocol::Command::SkipBadRows`].
    pub pending: Option<Loaded>,
    /// Id of the last read started.
    pub last_job: u64,
    /// Id of the job (read or Explore step) in progress; `None` when idle or cancelled.
    pub active_job: Option<u64>,
    /// The customer table built from `current` by the Explore step.
    pub explored: Option<Explored>,
    /// The roles and cleaning `explored` was built with from purchase lines (`None` for a
    /// customer file): Predict's derived targets build their own table from the lines with them.
    pub explored_features: Option<FeatureParams>,
    /// The purchase lines `explored` was built from, cleaned with `explored_features`: read
    /// when the Value step first needs them (see [`State::explored_lines`]).
    purchase_lines: Option<Result<PurchaseLines, FeatureError>>,
    /// Segments of `explored`'s customers.
    pub segmentation: Option<Segmentation>,
    /// Models trained on `explored`'s customers and their scores.
    pub prediction: Option<Prediction>,
    /// The last finished Value run on `explored`'s customers (the Dashboard and Export steps
    /// read it).
    pub value: Option<ValueRun>,
    /// The last finished Recommend run (the Dashboard and Export steps read it).
    pub recommend: Option<RecommendRun>,
    /// `current`'s file read as a basket list, while the user works with it so (the Recommend
    /// step reads it); `None` once any file is loaded or read again as a table.
    pub basket_list: Option<LoadedBaskets>,
}

impl State {
    pub fn current_source(&self) -> Option<Source> {
        self.current.as_ref().map(|loaded| loaded.source.clone())
    }

    /// The loaded file's name without its extension, for exported files ("customers" when none).
    pub fn export_stem(&self) -> String {
        let name = self
            .current
            .as_ref()
            .map_or("customers", |loaded| loaded.file_name.as_str());
        name.rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_string()
    }

    /// A new customer table from the Explore step: earlier segments and models no longer apply.
    pub fn set_explored(&mut self, explored: Explored, params: &ExploreParams) {
        self.forget_analysis();
        self.explored_features = (explored.built.source == CustomerSource::Transactions)
            .then(|| params.features.clone());
        self.explored = Some(explored);
    }

    /// A dataset read as a table becomes the current one: what was found from the previous
    /// one, and any reading of a file as baskets, no longer apply.
    pub fn set_current(&mut self, loaded: Loaded) {
        self.current = Some(loaded);
        self.basket_list = None;
        self.forget_analysis();
    }

    /// A new file: the customer table and everything found from it no longer apply.
    pub fn forget_analysis(&mut self) {
        self.explored = None;
        self.explored_features = None;
        self.purchase_lines = None;
        self.segmentation = None;
        self.prediction = None;
        self.value = None;
        self.recommend = None;
    }

    /// The purchase lines of the explored table (`None` for a customer file), cleaned once
    /// and kept: the Value form reads them for its dates, and its run starts from them.
    pub fn explored_lines(&mut self) -> Option<Result<&PurchaseLines, &FeatureError>> {
        let params = self.explored_features.as_ref()?;
        let loaded = self.current.as_ref()?;
        if self.purchase_lines.is_none() {
            self.purchase_lines = Some(features::purchase_lines(&loaded.ingested.table, params));
        }
        self.purchase_lines.as_ref().map(Result::as_ref)
    }

    /// The purchase lines [`State::explored_lines`] read, when it read them without error.
    pub fn kept_lines(&self) -> Option<&PurchaseLines> {
        self.purchase_lines
            .as_ref()
            .and_then(|lines| lines.as_ref().ok())
    }

    pub fn start_job(&mut self) -> u64 {
        self.last_job += 1;
        self.active_job = Some(self.last_job);
        self.pending = None;
        self.last_job
    }

    /// A job that works on the loaded data (a set-aside read stays set aside); `None` while a
    /// read or another job runs: it would be abandoned silently.
    pub fn start_data_job(&mut self) -> Option<u64> {
        if self.active_job.is_some() {
            return None;
        }
        self.last_job += 1;
        self.active_job = Some(self.last_job);
        Some(self.last_job)
    }

    /// The job is over (done or failed); a newer job stays active.
    pub fn end_job(&mut self, job: u64) {
        if self.is_active(job) {
            self.active_job = None;
        }
    }

    pub fn is_active(&self, job: u64) -> bool {
        self.active_job == Some(job)
    }

    pub fn accept_pending(&mut self) -> Event {
        match self.pending.take() {
            Some(loaded) => {
                let view = dataset_view(&loaded);
                self.set_current(loaded);
                Event::Loaded(Box::new(view))
            }
            None => Event::Failed {
                message: "There are no set-aside rows to skip: the file was already loaded or \
                          replaced. Load the file again."
                    .to_string(),
            },
        }
    }

    pub fn set_column_type(&mut self, index: usize, ctype: ColumnType) -> Event {
        // The lines are read again from the changed column when next needed.
        self.purchase_lines = None;
        let Some(loaded) = self.current.as_mut() else {
            return no_data();
        };
        let Some(column) = loaded.ingested.table.column_mut(index) else {
            return no_column(index);
        };
        if let Err(err) = column.set_type(ctype) {
            return Event::Failed {
                message: err.to_string(),
            };
        }
        let summary = summarize_column(index, column);
        if let Some(slot) = loaded.summaries.get_mut(index) {
            *slot = summary;
        } else {
            loaded.summaries = summarize(&loaded.ingested.table);
        }
        columns_changed(loaded)
    }

    pub fn set_column_role(&mut self, index: usize, role: Option<Role>) -> Event {
        self.purchase_lines = None;
        let Some(loaded) = self.current.as_mut() else {
            return no_data();
        };
        if loaded.ingested.table.set_role(index, role).is_err() {
            return no_column(index);
        }
        // A role moves: other columns may have lost it.
        for (summary, column) in loaded
            .summaries
            .iter_mut()
            .zip(loaded.ingested.table.columns())
        {
            summary.role = column.role;
        }
        columns_changed(loaded)
    }

    pub fn preview(&self, offset: usize, limit: usize) -> Event {
        match self.current.as_ref() {
            Some(loaded) => Event::PreviewPage(preview_page(loaded, offset, limit)),
            None => no_data(),
        }
    }
}

/// The columns after a type or role change, with the table's shape guessed again from the
/// roles as they are now (kept, so a later view shows the same).
fn columns_changed(loaded: &mut Loaded) -> Event {
    loaded.ingested.shape = guess_shape(&loaded.ingested.table);
    Event::ColumnsChanged {
        columns: loaded.summaries.clone(),
        shape: loaded.ingested.shape.clone(),
    }
}

fn no_data() -> Event {
    Event::Failed {
        message: "No dataset is loaded. Load a file or a sample first.".to_string(),
    }
}

fn no_column(index: usize) -> Event {
    Event::Failed {
        message: format!(
            "There is no column number {} in the loaded data. Load the file again.",
            index + 1
        ),
    }
}

/// A page of rows, clamped to the table.
pub(crate) fn preview_page(loaded: &Loaded, offset: usize, limit: usize) -> PreviewPage {
    let table = &loaded.ingested.table;
    page_of(table.n_rows(), offset, limit, |offset, limit| {
        preview_rows(table, offset, limit)
    })
}

/// A page of `total_rows` rows starting at `offset`: the offset clamped to the last row, the
/// length to 1…[`MAX_PREVIEW_ROWS`], the rows from `rows(offset, limit)`.
pub(crate) fn page_of(
    total_rows: usize,
    offset: usize,
    limit: usize,
    rows: impl FnOnce(usize, usize) -> Vec<Vec<Option<String>>>,
) -> PreviewPage {
    let limit = limit.clamp(1, MAX_PREVIEW_ROWS);
    let offset = offset.min(total_rows.saturating_sub(1));
    PreviewPage {
        offset,
        total_rows,
        rows: rows(offset, limit),
    }
}

pub(crate) fn dataset_view(loaded: &Loaded) -> DatasetView {
    let ingested = &loaded.ingested;
    DatasetView {
        file_name: loaded.file_name.clone(),
        file_bytes: loaded.file_bytes,
        dialect: ingested.dialect.clone(),
        report: ingested.report.clone(),
        shape: ingested.shape.clone(),
        n_rows: ingested.table.n_rows(),
        n_cols: ingested.table.n_cols(),
        columns: loaded.summaries.clone(),
        preview: preview_page(loaded, 0, PREVIEW_ROWS),
        elapsed_ms: loaded.elapsed_ms,
        table_bytes: ingested.table.heap_bytes() as u64,
        worker_memory_bytes: super::memory_bytes(),
        options: loaded.options.clone(),
        basket_list: loaded.basket_offer.clone(),
    }
}
