//! The UI's state (Leptos signals) and the actions that talk to the worker.

use std::sync::Arc;

use leptos::prelude::*;
use web_sys::File;

use crate::core::eda::Chart;
use crate::core::explore::ExploreParams;
use crate::core::ingest::{check_browser_size, IngestOptions, ShapeGuess};
use crate::core::predict::run::PredictParams;
use crate::core::predict::view::{PredictSetup, PredictView, ScoreOrder};
use crate::core::recommend::run::RecommendParams;
use crate::core::recommend::view::{
    CustomerRecsPage, ItemPartners, RecommendSetup, RecommendView, RulesPage, RulesQuery,
};
use crate::core::segment::personas::Persona;
use crate::core::segment::run::SegmentParams;
use crate::core::summary::ColumnSummary;
use crate::core::table::{ColumnType, Role};
use crate::core::value::run::ValueParams;
use crate::core::value::view::{ValueOrder, ValueSetup, ValueView};
use crate::protocol::{
    BasketListView, Command, DatasetView, Event, ExploreView, PreviewPage, SampleKind, ScoresPage,
    SegmentView,
};

use super::worker_client::{self, Crash};

/// Rows per preview page (the worker answers with at most this many).
pub const PREVIEW_PAGE: usize = 100;

/// Rows per page of the scored customer list.
pub const SCORES_PAGE: usize = 50;

/// Rows per page of the per-customer value list.
pub const VALUE_PAGE: usize = 50;

/// Rows in one page of the rules table.
pub const RULES_PAGE: usize = 50;

/// Customers in one page of the recommendations list.
pub const RECOMMEND_PAGE: usize = 25;

/// A read in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub file_name: String,
    pub bytes_read: u64,
    pub total_bytes: Option<u64>,
    pub rows: u64,
    /// What `rows` counts ("rows", or "baskets" while reading a file as baskets).
    pub unit: &'static str,
}

/// Rows set aside because they have the wrong number of fields.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRowsOffer {
    pub file_name: String,
    pub count: u64,
    pub expected: usize,
    pub first_lines: Vec<u64>,
}

/// The step of the flow on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Data,
    Explore,
    Segment,
    Predict,
    Value,
}

/// The Explore step at work.
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreProgress {
    pub stage: String,
    pub fraction: f64,
}

/// A page of the per-customer value list as the worker sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuePage {
    pub order: ValueOrder,
    pub header: Vec<String>,
    pub page: PreviewPage,
}

/// What the error banner shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    /// Technical detail, shown smaller.
    pub detail: Option<String>,
    pub bad_rows: Option<BadRowsOffer>,
}

impl Problem {
    pub fn message(message: String) -> Problem {
        Problem {
            message,
            detail: None,
            bad_rows: None,
        }
    }
}

/// Every signal of the app. `Copy`: pass it to components by value.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The loaded dataset (its `columns` and `preview` are the ones at load time; the live
    /// ones are [`AppState::columns`] and [`AppState::preview`]).
    pub dataset: RwSignal<Option<Arc<DatasetView>>>,
    /// The loaded file read as a basket list (the user accepted the Data step's offer): the
    /// steps that need customers are closed and Value & Recommend opens. `None` again once a
    /// file is loaded or read as a table.
    pub basket_list: RwSignal<Option<Arc<BasketListView>>>,
    pub columns: RwSignal<Vec<ColumnSummary>>,
    /// Bumped whenever the column selects must be redrawn from [`AppState::columns`] (also
    /// after a refused change, so a select shows the type the worker kept).
    pub columns_rev: RwSignal<u64>,
    /// The table's shape as the worker guesses it from the current roles (follows role changes).
    pub shape: RwSignal<Option<ShapeGuess>>,
    pub preview: RwSignal<PreviewPage>,
    pub reading: RwSignal<Option<Reading>>,
    pub problem: RwSignal<Option<Problem>>,
    pub worker_ready: RwSignal<bool>,
    pub step: RwSignal<Step>,
    /// The customer table built by the Explore step for the loaded dataset.
    pub explored: RwSignal<Option<Arc<ExploreView>>>,
    pub exploring: RwSignal<Option<ExploreProgress>>,
    /// Why the last Explore run failed (the loaded data and earlier results stay).
    pub explore_problem: RwSignal<Option<String>>,
    /// Charts the user asked for, newest first.
    pub picked_charts: RwSignal<Vec<Chart>>,
    pub customer_page: RwSignal<PreviewPage>,
    /// The dataset changed (types, roles) since the customer table was built.
    pub explore_stale: RwSignal<bool>,
    /// Segments of the customer table, with the personas and charts kept up to date with
    /// renames.
    pub segmented: RwSignal<Option<Arc<SegmentView>>>,
    pub personas: RwSignal<Vec<Persona>>,
    pub segment_charts: RwSignal<Vec<Chart>>,
    pub segmenting: RwSignal<Option<ExploreProgress>>,
    pub segment_problem: RwSignal<Option<String>>,
    /// The Predict form's choices for the current customer table (asked for when the Predict
    /// step opens; dropped when the table or its segments change).
    pub predict_setup: RwSignal<Option<Arc<PredictSetup>>>,
    /// The last finished Predict run.
    pub predicted: RwSignal<Option<Arc<PredictView>>>,
    pub predicting: RwSignal<Option<ExploreProgress>>,
    pub predict_problem: RwSignal<Option<String>>,
    /// The page of scored customers on screen.
    pub scores: RwSignal<Option<ScoresPage>>,
    /// The Value form's choices for the current customer table (asked for when the Value step
    /// opens; dropped when the table or its segments change).
    pub value_setup: RwSignal<Option<Arc<ValueSetup>>>,
    /// The last finished Value run (kept when a later run fails).
    pub valued: RwSignal<Option<Arc<ValueView>>>,
    pub valuing: RwSignal<Option<ExploreProgress>>,
    pub value_problem: RwSignal<Option<String>>,
    /// The page of the per-customer value list on screen.
    pub value_page: RwSignal<Option<ValuePage>>,
    /// The Recommend form's choices (asked for when the Recommend tab opens; dropped when the
    /// data, the customer table or its segments change).
    pub recommend_setup: RwSignal<Option<Arc<RecommendSetup>>>,
    /// The last finished Recommend run (kept when a later run fails).
    pub recommended: RwSignal<Option<Arc<RecommendView>>>,
    pub recommending: RwSignal<Option<ExploreProgress>>,
    pub recommend_problem: RwSignal<Option<String>>,
    /// The page of the rules table on screen.
    pub rules_page: RwSignal<Option<RulesPage>>,
    /// The page of the per-customer recommendations on screen.
    pub recommend_page: RwSignal<Option<CustomerRecsPage>>,
    /// The last item search's answer.
    pub item_partners: RwSignal<Option<ItemPartners>>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            dataset: RwSignal::new(None),
            basket_list: RwSignal::new(None),
            columns: RwSignal::new(Vec::new()),
            columns_rev: RwSignal::new(0),
            shape: RwSignal::new(None),
            preview: RwSignal::new(PreviewPage::default()),
            reading: RwSignal::new(None),
            problem: RwSignal::new(None),
            worker_ready: RwSignal::new(false),
            step: RwSignal::new(Step::Data),
            explored: RwSignal::new(None),
            exploring: RwSignal::new(None),
            explore_problem: RwSignal::new(None),
            picked_charts: RwSignal::new(Vec::new()),
            customer_page: RwSignal::new(PreviewPage::default()),
            explore_stale: RwSignal::new(false),
            segmented: RwSignal::new(None),
            personas: RwSignal::new(Vec::new()),
            segment_charts: RwSignal::new(Vec::new()),
            segmenting: RwSignal::new(None),
            segment_problem: RwSignal::new(None),
            predict_setup: RwSignal::new(None),
            predicted: RwSignal::new(None),
            predicting: RwSignal::new(None),
            predict_problem: RwSignal::new(None),
            scores: RwSignal::new(None),
            value_setup: RwSignal::new(None),
            valued: RwSignal::new(None),
            valuing: RwSignal::new(None),
            value_problem: RwSignal::new(None),
            value_page: RwSignal::new(None),
            recommend_setup: RwSignal::new(None),
            recommended: RwSignal::new(None),
            recommending: RwSignal::new(None),
            recommend_problem: RwSignal::new(None),
            rules_page: RwSignal::new(None),
            recommend_page: RwSignal::new(None),
            item_partners: RwSignal::new(None),
        }
    }

    /// Spawn the worker and route its events into the signals.
    pub fn connect(self) {
        worker_client::start(
            move |event| self.apply(event),
            move |crash| self.crashed(crash),
        );
    }

    fn apply(self, event: Event) {
        match event {
            Event::Ready => self.worker_ready.set(true),
            Event::Progress {
                bytes_read,
                total_bytes,
                rows,
            } => self.reading.update(|reading| {
                if let Some(reading) = reading {
                    reading.bytes_read = bytes_read;
                    reading.total_bytes = total_bytes.or(reading.total_bytes);
                    reading.rows = rows;
                }
            }),
            Event::Loaded(view) => {
                self.reading.set(None);
                self.problem.set(None);
                self.columns.set(view.columns.clone());
                self.columns_rev.update(|rev| *rev += 1);
                self.shape.set(Some(view.shape.clone()));
                self.preview.set(view.preview.clone());
                self.dataset.set(Some(Arc::from(view)));
                self.basket_list.set(None);
                self.clear_explore();
                // A new dataset: show how it was read first.
                self.step.set(Step::Data);
            }
            Event::BasketsLoaded(view) => {
                self.reading.set(None);
                self.problem.set(None);
                // The worker dropped the customer table: the customer steps do not apply.
                self.clear_explore();
                self.basket_list.set(Some(Arc::from(view)));
            }
            Event::BadRows {
                file_name,
                expected,
                count,
                first,
                message,
            } => {
                self.reading.set(None);
                self.problem.set(Some(Problem {
                    message,
                    detail: None,
                    bad_rows: Some(BadRowsOffer {
                        file_name,
                        count,
                        expected,
                        first_lines: first.iter().map(|bad| bad.line).collect(),
                    }),
                }));
            }
            Event::ColumnsChanged { columns, shape } => {
                self.columns.set(columns);
                self.shape.set(Some(shape));
                if self.explored.with_untracked(Option::is_some) {
                    self.explore_stale.set(true);
                }
                self.columns_rev.update(|rev| *rev += 1);
                // Cells may read differently under the new type.
                let offset = self.preview.with_untracked(|page| page.offset);
                self.show_rows(offset);
            }
            Event::PreviewPage(page) => self.preview.set(page),
            Event::Failed { message } => {
                self.reading.set(None);
                self.problem.set(Some(Problem::message(message)));
                // A refused type change: redraw the selects with the types the worker holds.
                self.columns_rev.update(|rev| *rev += 1);
            }
            Event::Cancelled => {
                self.reading.set(None);
                self.exploring.set(None);
                self.segmenting.set(None);
                self.predicting.set(None);
                self.valuing.set(None);
                self.recommending.set(None);
            }
            Event::ExploreProgress { stage, fraction } => {
                self.exploring
                    .set(Some(ExploreProgress { stage, fraction }));
            }
            Event::Explored(view) => {
                self.exploring.set(None);
                self.explore_problem.set(None);
                self.explore_stale.set(false);
                self.customer_page.set(view.preview.clone());
                self.picked_charts.set(Vec::new());
                self.explored.set(Some(Arc::from(view)));
                // The segments and models belonged to the table just replaced.
                self.clear_segments();
                self.clear_predict();
                self.clear_value();
                self.clear_recommend();
            }
            Event::ExploreFailed { message } => {
                self.exploring.set(None);
                self.explore_problem.set(Some(message));
            }
            Event::FeatureCharts { charts } => self.picked_charts.update(|picked| {
                let mut fresh: Vec<Chart> = charts
                    .into_iter()
                    .filter(|chart| !picked.iter().any(|p| p.id == chart.id))
                    .collect();
                fresh.append(picked);
                *picked = fresh;
            }),
            Event::CustomerPage(page) => self.customer_page.set(page),
            Event::CustomersCsv { file_name, csv } => {
                if let Err(message) = super::download::text_file(&file_name, &csv, "text/csv") {
                    self.explore_problem.set(Some(message));
                }
            }
            Event::SegmentProgress { stage, fraction } => {
                self.segmenting
                    .set(Some(ExploreProgress { stage, fraction }));
            }
            Event::Segmented(view) => {
                self.segmenting.set(None);
                self.segment_problem.set(None);
                self.personas.set(view.personas.clone());
                self.segment_charts.set(view.charts.clone());
                self.segmented.set(Some(Arc::from(view)));
                // The segment is a feature (and a possible target) of the Predict form, and a
                // feature of the Value form; Recommend lists per segment.
                self.predict_setup.set(None);
                self.value_setup.set(None);
                self.recommend_setup.set(None);
            }
            Event::SegmentFailed { message } => {
                self.segmenting.set(None);
                self.segment_problem.set(Some(message));
            }
            Event::SegmentRenamed { personas, charts } => {
                self.personas.set(personas);
                self.segment_charts.set(charts);
            }
            Event::PredictSetupReady(setup) => self.predict_setup.set(Some(Arc::from(setup))),
            Event::PredictProgress { stage, fraction } => {
                self.predicting
                    .set(Some(ExploreProgress { stage, fraction }));
            }
            Event::Predicted(view) => {
                self.predicting.set(None);
                self.predict_problem.set(None);
                self.scores.set(None);
                self.predicted.set(Some(Arc::from(view)));
                self.show_scores(ScoreOrder::ProbabilityDesc, 0);
            }
            Event::PredictFailed { message } => {
                self.predicting.set(None);
                self.predict_problem.set(Some(message));
            }
            Event::ScoresPage(page) => self.scores.set(Some(page)),
            Event::ScoresCsv { file_name, csv } => {
                if let Err(message) = super::download::text_file(&file_name, &csv, "text/csv") {
                    self.predict_problem.set(Some(message));
                }
            }
            Event::ValueSetupReady(setup) => self.value_setup.set(Some(Arc::from(setup))),
            Event::ValueProgress { stage, fraction } => {
                self.valuing.set(Some(ExploreProgress { stage, fraction }));
            }
            Event::Valued(view) => {
                self.valuing.set(None);
                self.value_problem.set(None);
                self.value_page.set(None);
                let order = super::value::default_order(&view.header);
                self.valued.set(Some(Arc::from(view)));
                self.show_values(order, 0);
            }
            Event::ValueFailed { message } => {
                self.valuing.set(None);
                self.value_problem.set(Some(message));
            }
            Event::ValuePage {
                order,
                header,
                page,
            } => self.value_page.set(Some(ValuePage {
                order,
                header,
                page,
            })),
            Event::ValueCsv { file_name, csv } => {
                if let Err(message) = super::download::text_file(&file_name, &csv, "text/csv") {
                    self.value_problem.set(Some(message));
                }
            }
            Event::RecommendSetupReady(setup) => self.recommend_setup.set(Some(Arc::from(setup))),
            Event::RecommendProgress { stage, fraction } => {
                self.recommending
                    .set(Some(ExploreProgress { stage, fraction }));
            }
            Event::Recommended(view) => {
                self.recommending.set(None);
                self.recommend_problem.set(None);
                self.rules_page.set(None);
                self.recommend_page.set(None);
                self.item_partners.set(None);
                self.recommended.set(Some(Arc::from(view)));
                self.show_rules(RulesQuery::default(), 0);
                self.show_recommendations(String::new(), 0);
            }
            Event::RecommendFailed { message } => {
                self.recommending.set(None);
                self.recommend_problem.set(Some(message));
            }
            Event::RulesPage(page) => self.rules_page.set(Some(page)),
            Event::RecommendPage(page) => self.recommend_page.set(Some(page)),
            Event::ItemPartners(partners) => self.item_partners.set(Some(partners)),
            Event::RecommendCsv { file_name, csv } | Event::RulesCsv { file_name, csv } => {
                if let Err(message) = super::download::text_file(&file_name, &csv, "text/csv") {
                    self.recommend_problem.set(Some(message));
                }
            }
            // Intercepted by the worker client, which restarts the worker and calls `crashed`.
            Event::Crashed { .. } => {}
        }
    }

    fn clear_segments(self) {
        self.segmented.set(None);
        self.personas.set(Vec::new());
        self.segment_charts.set(Vec::new());
        self.segmenting.set(None);
        self.segment_problem.set(None);
    }

    fn clear_predict(self) {
        self.predict_setup.set(None);
        self.predicted.set(None);
        self.predicting.set(None);
        self.predict_problem.set(None);
        self.scores.set(None);
    }

    fn clear_value(self) {
        self.value_setup.set(None);
        self.valued.set(None);
        self.valuing.set(None);
        self.value_problem.set(None);
        self.value_page.set(None);
    }

    fn clear_recommend(self) {
        self.recommend_setup.set(None);
        self.recommended.set(None);
        self.recommending.set(None);
        self.recommend_problem.set(None);
        self.rules_page.set(None);
        self.recommend_page.set(None);
        self.item_partners.set(None);
    }

    fn clear_explore(self) {
        self.clear_segments();
        self.clear_predict();
        self.clear_value();
        self.clear_recommend();
        self.explored.set(None);
        self.exploring.set(None);
        self.explore_problem.set(None);
        self.picked_charts.set(Vec::new());
        self.customer_page.set(PreviewPage::default());
        self.explore_stale.set(false);
    }

    fn crashed(self, crash: Crash) {
        let was_reading = self.reading.with_untracked(Option::is_some)
            || self.exploring.with_untracked(Option::is_some)
            || self.segmenting.with_untracked(Option::is_some)
            || self.predicting.with_untracked(Option::is_some)
            || self.valuing.with_untracked(Option::is_some)
            || self.recommending.with_untracked(Option::is_some);
        let had_data = self.dataset.with_untracked(Option::is_some);
        self.clear_explore();
        self.step.set(Step::Data);
        self.reading.set(None);
        self.dataset.set(None);
        self.basket_list.set(None);
        self.columns.set(Vec::new());
        self.shape.set(None);
        self.preview.set(PreviewPage::default());
        self.worker_ready.set(false);
        let mut message = if crash.restarted {
            "Custos’s data engine stopped unexpectedly and has been restarted.".to_string()
        } else {
            "Custos’s data engine could not be started. Reload the page; if this keeps \
             happening, use a current version of Chrome, Edge, Firefox or Safari."
                .to_string()
        };
        if crash.restarted && had_data {
            message.push_str(" The loaded data was lost: load the file again.");
        }
        if crash.restarted && was_reading {
            message.push_str(
                " A very large file may need more memory than a browser tab has; the custos \
                 command-line tool reads files of any size.",
            );
        }
        self.problem.set(Some(Problem {
            message,
            detail: Some(format!("Details: {}", crash.detail)),
            bad_rows: None,
        }));
    }

    fn begin_reading(self, file_name: String, total_bytes: Option<u64>) {
        self.begin_reading_as(file_name, total_bytes, "rows");
    }

    fn begin_reading_as(self, file_name: String, total_bytes: Option<u64>, unit: &'static str) {
        self.problem.set(None);
        self.reading.set(Some(Reading {
            file_name,
            bytes_read: 0,
            total_bytes,
            rows: 0,
            unit,
        }));
    }

    pub fn load_file(self, file: File) {
        let name = file.name();
        let size = file.size().max(0.0) as u64;
        if let Err(err) = check_browser_size(size) {
            self.problem.set(Some(Problem::message(err.to_string())));
            return;
        }
        self.begin_reading(name.clone(), Some(size));
        worker_client::send_file(
            &Command::LoadFile {
                name,
                size,
                options: IngestOptions::default(),
            },
            &file,
        );
    }

    pub fn load_sample(self, sample: SampleKind) {
        let name = match sample {
            SampleKind::Transactions => "sample_transactions.csv",
            SampleKind::Customers => "sample_customers.csv",
        };
        self.begin_reading(name.to_string(), None);
        worker_client::send(&Command::LoadSample { sample });
    }

    /// Read the current file again with other dialect settings.
    pub fn reload(self, options: IngestOptions) {
        let Some(dataset) = self.dataset.get_untracked() else {
            return;
        };
        self.begin_reading(dataset.file_name.clone(), Some(dataset.file_bytes));
        worker_client::send(&Command::Reload { options });
    }

    /// Read the current file again as a basket list (the Data step's offer).
    pub fn read_as_baskets(self) {
        let Some(dataset) = self.dataset.get_untracked() else {
            return;
        };
        self.begin_reading_as(
            dataset.file_name.clone(),
            Some(dataset.file_bytes),
            "baskets",
        );
        worker_client::send(&Command::ReadAsBaskets);
    }

    /// Read the current file again as a table, with the options it was last read with.
    pub fn read_as_table(self) {
        let Some(dataset) = self.dataset.get_untracked() else {
            return;
        };
        self.reload(dataset.options.clone());
    }

    pub fn cancel(self) {
        worker_client::send(&Command::Cancel);
    }

    pub fn skip_bad_rows(self) {
        self.problem.set(None);
        worker_client::send(&Command::SkipBadRows);
    }

    pub fn dismiss_problem(self) {
        self.problem.set(None);
    }

    pub fn set_column_type(self, column: usize, ctype: ColumnType) {
        worker_client::send(&Command::SetColumnType { column, ctype });
    }

    pub fn set_column_role(self, column: usize, role: Option<Role>) {
        worker_client::send(&Command::SetColumnRole { column, role });
    }

    /// Build the customer table, prepare it and draw the default charts.
    pub fn explore(self, params: ExploreParams) {
        self.explore_problem.set(None);
        self.exploring.set(Some(ExploreProgress {
            stage: "Starting".to_string(),
            fraction: 0.0,
        }));
        worker_client::send(&Command::Explore {
            params: Box::new(params),
        });
    }

    /// Segment the customer table.
    pub fn segment(self, params: SegmentParams) {
        self.segment_problem.set(None);
        self.segmenting.set(Some(ExploreProgress {
            stage: "Starting".to_string(),
            fraction: 0.0,
        }));
        worker_client::send(&Command::Segment {
            params: Box::new(params),
        });
    }

    /// Open the Segment step; segment with the default choices the first time.
    pub fn continue_to_segment(self) {
        self.step.set(Step::Segment);
        let idle = self.segmented.with_untracked(Option::is_none)
            && self.segmenting.with_untracked(Option::is_none);
        if let (true, Some(view)) = (idle, self.explored.get_untracked()) {
            if view.segment_features.len() >= 2 {
                self.segment(SegmentParams {
                    features: view.segment_features.clone(),
                    ..SegmentParams::default()
                });
            }
        }
    }

    /// Ask the worker for the Predict form's choices.
    pub fn ask_predict_setup(self) {
        worker_client::send(&Command::PredictSetup);
    }

    /// Train and evaluate the models.
    pub fn predict(self, params: PredictParams) {
        self.predict_problem.set(None);
        self.predicting.set(Some(ExploreProgress {
            stage: "Starting".to_string(),
            fraction: 0.0,
        }));
        worker_client::send(&Command::Predict {
            params: Box::new(params),
        });
    }

    /// Open the Predict step.
    pub fn continue_to_predict(self) {
        self.step.set(Step::Predict);
    }

    /// Show the scored customers in `order` from row `offset`.
    pub fn show_scores(self, order: ScoreOrder, offset: usize) {
        worker_client::send(&Command::Scores {
            order,
            offset,
            limit: SCORES_PAGE,
        });
    }

    pub fn export_scores(self) {
        worker_client::send(&Command::ExportScores);
    }

    /// Ask the worker for the Value form's choices.
    pub fn ask_value_setup(self) {
        worker_client::send(&Command::ValueSetup);
    }

    /// Fit the value models and score every customer.
    pub fn value(self, params: ValueParams) {
        self.value_problem.set(None);
        self.valuing.set(Some(ExploreProgress {
            stage: "Starting".to_string(),
            fraction: 0.0,
        }));
        worker_client::send(&Command::Value {
            params: Box::new(params),
        });
    }

    /// Open the Value step.
    pub fn continue_to_value(self) {
        self.step.set(Step::Value);
    }

    /// Show the per-customer values in `order` from row `offset`.
    pub fn show_values(self, order: ValueOrder, offset: usize) {
        worker_client::send(&Command::ValuePage {
            order,
            offset,
            limit: VALUE_PAGE,
        });
    }

    pub fn export_values(self) {
        worker_client::send(&Command::ValueCsv);
    }

    /// Ask the worker for the Recommend form's choices.
    pub fn ask_recommend_setup(self) {
        worker_client::send(&Command::RecommendSetup);
    }

    /// Form the baskets, mine the rules, evaluate and recommend.
    pub fn recommend(self, params: RecommendParams) {
        self.recommend_problem.set(None);
        self.recommending.set(Some(ExploreProgress {
            stage: "Starting".to_string(),
            fraction: 0.0,
        }));
        worker_client::send(&Command::Recommend {
            params: Box::new(params),
        });
    }

    /// Show the rules matching `query` from row `offset`.
    pub fn show_rules(self, query: RulesQuery, offset: usize) {
        worker_client::send(&Command::RulesPage {
            query,
            offset,
            limit: RULES_PAGE,
        });
    }

    /// Show the recommendations of the customers whose id contains `search`, from `offset`.
    pub fn show_recommendations(self, search: String, offset: usize) {
        worker_client::send(&Command::RecommendPage {
            search,
            offset,
            limit: RECOMMEND_PAGE,
        });
    }

    pub fn search_item(self, text: String) {
        worker_client::send(&Command::ItemSearch { text });
    }

    pub fn export_recommendations(self) {
        worker_client::send(&Command::RecommendCsv);
    }

    pub fn export_rules(self) {
        worker_client::send(&Command::RulesCsv);
    }

    pub fn rename_segment(self, segment: usize, label: String) {
        worker_client::send(&Command::RenameSegment { segment, label });
    }

    pub fn chart_features(self, names: Vec<String>) {
        worker_client::send(&Command::ChartFeatures { names });
    }

    pub fn remove_chart(self, id: &str) {
        self.picked_charts
            .update(|charts| charts.retain(|c| c.id != id));
    }

    pub fn show_customers(self, offset: usize) {
        worker_client::send(&Command::CustomerPreview {
            offset,
            limit: PREVIEW_PAGE,
        });
    }

    pub fn export_customers(self) {
        worker_client::send(&Command::ExportCustomers);
    }

    /// Show the preview page starting at row `offset` (0-based).
    pub fn show_rows(self, offset: usize) {
        worker_client::send(&Command::Preview {
            offset,
            limit: PREVIEW_PAGE,
        });
    }
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::new()
    }
}
