//! What the Predict step shows: the form's choices (targets, features) and a finished run as
//! screen-sized view-models (leaderboard, curves, threshold table, importance), plus the scored
//! customer list in pages and as CSV. The CLI's `-o` and the app's export write the same CSV.
//! Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::csv_out::CsvWriter;
use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::eda::Chart;
use crate::core::predict::charts::{model_charts, overlay_charts};
use crate::core::predict::derived::{DerivedSetup, DerivedSummary};
use crate::core::predict::run::PredictReport;
use crate::core::predict::target::{candidates, default_target, TargetCandidate, TargetDefault};

/// The choices the Predict form offers for a customer table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictSetup {
    pub n_customers: usize,
    /// Columns that can be a target: those whose name reads as the outcome first, then
    /// two-valued ones.
    pub targets: Vec<TargetCandidate>,
    /// The column preselected as the target (by what its name means), or why none is and the
    /// user must choose.
    pub default_target: TargetDefault,
    /// Every feature column (a target's column is left out of the features automatically).
    pub features: Vec<FeatureOption>,
    /// Derived targets (churn, buys again, one-time buyer returns, high spender): offered when
    /// the customer table
    /// was built from purchase lines with dates; `None` for a customer file. The features of a
    /// derived target are built again from the lines up to its cutoff, so `features` above
    /// name the columns of that table too (without the segment column).
    #[serde(default)]
    pub derived: Option<DerivedSetup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureOption {
    pub name: String,
    pub description: String,
    pub numeric: bool,
}

/// The form's choices for `customers`; `derived` from [`DerivedSetup::new`] when the table was
/// built from purchase lines.
pub fn setup(customers: &CustomerTable, derived: Option<DerivedSetup>) -> PredictSetup {
    let targets = candidates(customers);
    PredictSetup {
        derived,
        n_customers: customers.n_rows(),
        default_target: default_target(&targets),
        targets,
        features: customers
            .features
            .iter()
            .map(|f| FeatureOption {
                name: f.name.clone(),
                description: f.description.clone(),
                numeric: matches!(f.values, FeatureValues::Numeric(_)),
            })
            .collect(),
    }
}

/// A finished Predict run as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictView {
    /// The run: target, parts, leakage, notes and the leaderboard (best mean CV AUC first; the
    /// first model scores the customers). The per-customer vectors stay in the worker.
    pub report: PredictReport,
    /// Curves of every model overlaid: ROC, precision–recall, cumulative gain.
    pub charts: Vec<Chart>,
    /// Per model (in `report.models` order): lift by decile, permutation importance.
    pub model_charts: Vec<Vec<Chart>>,
    pub n_scored: usize,
    pub elapsed_ms: f64,
    /// The worker's memory after the run (wasm memory, bytes; 0 when unknown).
    #[serde(default)]
    pub worker_memory_bytes: u64,
    /// The derived target's cutoff, window and counts (`report.params.derived` says what was
    /// asked).
    #[serde(default)]
    pub derived: Option<DerivedSummary>,
}

/// The view of a finished run; `derived` when its target was derived from purchase lines.
pub fn view(
    report: &PredictReport,
    derived: Option<DerivedSummary>,
    elapsed_ms: f64,
    worker_memory_bytes: u64,
) -> PredictView {
    PredictView {
        report: PredictReport {
            scores: Vec::new(),
            in_test: Vec::new(),
            labels: Vec::new(),
            ..report.clone()
        },
        charts: overlay_charts(report),
        model_charts: report.models.iter().map(model_charts).collect(),
        n_scored: report.scores.len(),
        elapsed_ms,
        worker_memory_bytes,
        derived,
    }
}

/// Orders of the scored list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreOrder {
    /// Most likely first (ties: table order).
    ProbabilityDesc,
    ProbabilityAsc,
    /// Table order.
    Table,
}

/// The scored list's header.
pub fn scores_header(customers: &CustomerTable, report: &PredictReport) -> Vec<String> {
    vec![
        customers.id_name.clone(),
        format!("probability of {} = {}", report.target, report.positive),
        report.target.clone(),
        "part".to_string(),
    ]
}

/// Table rows in the asked order.
fn ordered_rows(report: &PredictReport, order: ScoreOrder) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..report.scores.len()).collect();
    let score = |r: usize| report.scores.get(r).copied().unwrap_or(f64::NAN);
    match order {
        ScoreOrder::ProbabilityDesc => rows.sort_by(|&a, &b| score(b).total_cmp(&score(a))),
        ScoreOrder::ProbabilityAsc => rows.sort_by(|&a, &b| score(a).total_cmp(&score(b))),
        ScoreOrder::Table => {}
    }
    rows
}

fn part(report: &PredictReport, row: usize) -> &'static str {
    match (
        report.labels.get(row).copied().flatten(),
        report.in_test.get(row).copied(),
    ) {
        (None, _) => "unlabelled",
        (Some(_), Some(true)) => "test",
        (Some(_), _) => "train",
    }
}

fn outcome(report: &PredictReport, row: usize) -> Option<String> {
    report.labels.get(row).copied().flatten().map(|positive| {
        if positive {
            report.positive.clone()
        } else {
            report.negative.clone()
        }
    })
}

/// One page of the scored list: id, probability (4 decimals), known outcome, part.
pub fn scores_page(
    customers: &CustomerTable,
    report: &PredictReport,
    order: ScoreOrder,
    offset: usize,
    limit: usize,
) -> Vec<Vec<Option<String>>> {
    ordered_rows(report, order)
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|row| {
            vec![
                customers.ids.get(row).cloned(),
                report.scores.get(row).map(|p| format!("{p:.4}")),
                outcome(report, row),
                Some(part(report, row).to_string()),
            ]
        })
        .collect()
}

/// Every customer with the top model's probability, most likely first, as CSV: id, the known
/// outcome, `probability` (6 decimals), `part` (train / test / unlabelled).
pub fn scores_csv(customers: &CustomerTable, report: &PredictReport) -> String {
    let mut csv = CsvWriter::new();
    csv.text(&customers.id_name)
        .text(&report.target)
        .text("probability")
        .text("part")
        .end_row();
    for row in ordered_rows(report, ScoreOrder::ProbabilityDesc) {
        csv.text_or_empty(customers.ids.get(row).map(String::as_str))
            .text_or_empty(outcome(report, row).as_deref());
        match report.scores.get(row) {
            Some(&p) => csv.fixed(p, 6),
            None => csv.empty(),
        };
        csv.text(part(report, row)).end_row();
    }
    csv.finish()
}
