//! The Explore step end to end: loaded table → customer table → prepared table → charts.
//!
//! Orchestrates [`features`] (transactions → customers) or [`CustomerTable::from_table`] (a file
//! that already has one row per customer), then [`prep`] (impute, outliers, log, scale, one-hot),
//! and picks the default chart gallery from [`eda`]. The worker runs the stages one by one,
//! yielding between them so a cancel is honoured; the CLI and tests call the same functions.
//! Pure Rust: no web-sys.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{
    CustomerSource, CustomerTable, CustomerTableError, Feature, FeatureValues,
};
use crate::core::eda::{self, Chart};
use crate::core::features::{self, FeatureError, FeatureParams, MonthlyActivity};
use crate::core::format;
use crate::core::prep::{self, FittedPrep, PrepError, PrepParams};
use crate::core::receipt::ReceiptLine;
use crate::core::summary::NumericStats;
use crate::core::table::{Table, MISSING};

/// Most columns the correlation heatmap shows: every numeric feature of a customer table built
/// from purchase lines (15) and of the customer files tried (marketing_campaign: 24 with a
/// spread); beyond, the chart names the columns left out.
pub const HEATMAP_COLUMNS: usize = 24;
/// Most values a categorical summary lists.
const TOP_LEVELS: usize = 5;

/// What the user asked the Explore step to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExploreParams {
    pub source: CustomerSource,
    /// Used when `source` is [`CustomerSource::Transactions`].
    pub features: FeatureParams,
    pub prep: PrepParams,
}

/// The Explore step failed; the message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExploreError {
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    CustomerTable(#[from] CustomerTableError),
    #[error(transparent)]
    Prep(#[from] PrepError),
}

/// Stage one: the customer table in natural units, before customer-level preparation.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub source: CustomerSource,
    pub customers: CustomerTable,
    /// Line-level cleaning (transactions only).
    pub receipt: Vec<ReceiptLine>,
    pub notes: Vec<String>,
    pub monthly: Option<MonthlyActivity>,
    /// Days since 1970-01-01 (transactions only).
    pub reference_date: Option<i32>,
    /// Transaction lines kept after cleaning (transactions only).
    pub lines_used: Option<u64>,
}

/// Stage two: the prepared table and the fitted transform that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explored {
    pub built: Built,
    pub fitted: FittedPrep,
    pub prepared: CustomerTable,
    /// Line cleaning followed by the customer-level steps.
    pub receipt: Vec<ReceiptLine>,
}

/// Build the customer table from the loaded table.
pub fn build(
    table: &Table,
    params: &ExploreParams,
    progress: &mut dyn FnMut(f64),
) -> Result<Built, ExploreError> {
    match params.source {
        CustomerSource::Transactions => {
            let build = features::build_customer_table(table, &params.features, progress)?;
            Ok(Built {
                source: CustomerSource::Transactions,
                customers: build.customers,
                receipt: build.receipt,
                notes: build.notes,
                monthly: Some(build.monthly),
                reference_date: Some(build.reference_date),
                lines_used: Some(build.lines_used),
            })
        }
        CustomerSource::CustomerFile => {
            let (customers, notes) = CustomerTable::from_table(table)?;
            progress(1.0);
            Ok(Built {
                source: CustomerSource::CustomerFile,
                customers,
                receipt: Vec::new(),
                notes,
                monthly: None,
                reference_date: None,
                lines_used: None,
            })
        }
    }
}

impl Explored {
    /// The customer table to show and download: the built table's values in natural units —
    /// facts only, so a missing or not-defined cell stays blank (never an imputed or model
    /// value) — for the customers the preparation kept (outlier removal can drop some), in
    /// their order. The prepared table is what the charts and Segment see.
    pub fn customer_facts(&self) -> Cow<'_, CustomerTable> {
        let built = &self.built.customers;
        if built.n_rows() == self.prepared.n_rows() {
            return Cow::Borrowed(built);
        }
        // Removal keeps the order, so the prepared ids are a subsequence of the built ones.
        let mut rows = Vec::with_capacity(self.prepared.n_rows());
        let mut next = 0;
        for id in &self.prepared.ids {
            while let Some(candidate) = built.ids.get(next) {
                next += 1;
                if candidate == id {
                    rows.push(next - 1);
                    break;
                }
            }
        }
        Cow::Owned(built.select_rows(&rows))
    }
}

/// Fit the customer-level preparation on the built table and apply it.
pub fn prepare(built: Built, params: &PrepParams) -> Result<Explored, ExploreError> {
    let (fitted, prepared) = prep::fit_transform(params, &built.customers)?;
    let mut receipt = built.receipt.clone();
    receipt.extend(prepared.receipt);
    Ok(Explored {
        built,
        fitted,
        prepared: prepared.table,
        receipt,
    })
}

/// Both stages at once (CLI and tests).
pub fn run(
    table: &Table,
    params: &ExploreParams,
    progress: &mut dyn FnMut(f64),
) -> Result<Explored, ExploreError> {
    let built = build(table, params, progress)?;
    prepare(built, &params.prep)
}

/// One feature of the customer table as the Explore step lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSummary {
    pub name: String,
    pub description: String,
    pub numeric: bool,
    pub missing: usize,
    pub distinct: usize,
    pub stats: Option<NumericStats>,
    /// Most frequent levels with their counts (categorical features).
    pub top: Vec<(String, usize)>,
}

/// Summaries of every feature of `table`.
pub fn summarize_features(table: &CustomerTable) -> Vec<FeatureSummary> {
    table.features.iter().map(summarize_feature).collect()
}

fn summarize_feature(feature: &Feature) -> FeatureSummary {
    let missing = feature.values.missing_count();
    match &feature.values {
        FeatureValues::Numeric(values) => {
            let mut present: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
            present.sort_by(f64::total_cmp);
            let mut distinct = 0usize;
            let mut last: Option<f64> = None;
            for &x in &present {
                if last != Some(x) {
                    distinct += 1;
                    last = Some(x);
                }
            }
            FeatureSummary {
                name: feature.name.clone(),
                description: feature.description.clone(),
                numeric: true,
                missing,
                distinct,
                stats: numeric_stats(&present),
                top: Vec::new(),
            }
        }
        FeatureValues::Categorical { levels, codes } => {
            let mut counts = vec![0usize; levels.len()];
            for &code in codes {
                if code != MISSING {
                    if let Some(n) = counts.get_mut(code as usize) {
                        *n += 1;
                    }
                }
            }
            let distinct = counts.iter().filter(|&&n| n > 0).count();
            let mut order: Vec<usize> = (0..levels.len()).filter(|&i| counts[i] > 0).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            let top = order
                .into_iter()
                .take(TOP_LEVELS)
                .filter_map(|i| levels.get(i).map(|level| (level.clone(), counts[i])))
                .collect();
            FeatureSummary {
                name: feature.name.clone(),
                description: feature.description.clone(),
                numeric: false,
                missing,
                distinct,
                stats: None,
                top,
            }
        }
    }
}

/// Min, max, mean and median of sorted finite values.
fn numeric_stats(sorted: &[f64]) -> Option<NumericStats> {
    let min = *sorted.first()?;
    let max = *sorted.last()?;
    let n = sorted.len();
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let median = (sorted.get((n - 1) / 2)? + sorted.get(n / 2)?) / 2.0;
    Some(NumericStats {
        min,
        max,
        mean,
        median,
        min_text: format::number(min),
        max_text: format::number(max),
        mean_text: format::number(mean),
        median_text: format::number(median),
    })
}

/// Header of the customer preview: the id column, then the features.
pub fn preview_header(table: &CustomerTable) -> Vec<String> {
    std::iter::once(table.id_name.clone())
        .chain(table.features.iter().map(|f| f.name.clone()))
        .collect()
}

/// Display text of customer rows `offset..offset+limit` (clamped), id first.
pub fn preview_rows(
    table: &CustomerTable,
    offset: usize,
    limit: usize,
) -> Vec<Vec<Option<String>>> {
    let end = offset.saturating_add(limit).min(table.n_rows());
    (offset..end)
        .map(|row| {
            std::iter::once(table.ids.get(row).cloned())
                .chain(table.features.iter().map(|f| f.values.text(row)))
                .collect()
        })
        .collect()
}

/// Features charted by default: RFM for transactions, else the first numeric features.
fn key_features(table: &CustomerTable, source: CustomerSource) -> Vec<&Feature> {
    let preferred = ["recency_days", "frequency", "monetary"];
    let mut chosen: Vec<&Feature> = match source {
        CustomerSource::Transactions => preferred
            .iter()
            .filter_map(|name| table.feature(name))
            .collect(),
        CustomerSource::CustomerFile => Vec::new(),
    };
    if chosen.is_empty() {
        chosen = table
            .features
            .iter()
            .filter(|f| f.values.is_numeric())
            .take(3)
            .collect();
    }
    chosen
}

/// A prepared feature as the charts draw it: where it is not defined for a customer
/// (`meta.undefined`, e.g. the gap between orders of a one-order customer) the cell is left
/// out, not drawn at the value the models use in its place (1,538 zero-day gaps on Online
/// Retail otherwise). `facts`: [`Explored::customer_facts`], row for row with the prepared table.
fn chartable<'a>(prepared: &'a Feature, facts: &CustomerTable) -> Cow<'a, Feature> {
    if prepared.meta.undefined.is_none() {
        return Cow::Borrowed(prepared);
    }
    let (FeatureValues::Numeric(values), Some(built)) =
        (&prepared.values, facts.feature(&prepared.name))
    else {
        return Cow::Borrowed(prepared);
    };
    let FeatureValues::Numeric(facts) = &built.values else {
        return Cow::Borrowed(prepared);
    };
    let masked = values
        .iter()
        .zip(facts.iter().chain(std::iter::repeat(&f64::NAN)))
        .map(|(&x, fact)| if fact.is_nan() { f64::NAN } else { x })
        .collect();
    Cow::Owned(Feature {
        values: FeatureValues::Numeric(masked),
        ..prepared.clone()
    })
}

/// The default gallery: activity over time (transactions), correlations, histogram and box plot
/// of the key features, the main categorical, and the blank cells of the customer table (what
/// the receipt filled, and what is not defined).
pub fn default_gallery(explored: &Explored) -> Vec<Chart> {
    let mut charts = Vec::new();
    if let Some(monthly) = &explored.built.monthly {
        charts.extend(eda::monthly_charts(monthly));
    }
    if let Some(heatmap) = eda::correlation_heatmap(&explored.prepared, HEATMAP_COLUMNS) {
        charts.push(heatmap);
    }
    let facts = explored.customer_facts();
    for feature in key_features(&explored.prepared, explored.built.source) {
        let feature = chartable(feature, &facts);
        charts.extend(eda::histogram(&feature));
        charts.extend(eda::box_plot(&feature));
    }
    let categorical = explored.prepared.feature("rfm_segment").or_else(|| {
        explored
            .prepared
            .features
            .iter()
            .find(|f| !f.values.is_numeric())
    });
    if let Some(bar) = categorical.and_then(eda::bar_chart) {
        charts.push(bar);
    }
    charts.push(eda::blank_cells_chart(
        &explored.built.customers,
        &explored.fitted.impute,
    ));
    charts
}

/// The charts the user asks for by name (from the feature list, which shows the table as
/// built): of the prepared table, as the gallery draws, or of the built table for a column the
/// preparation replaced (a one-hot encoded category). Unknown names are skipped.
pub fn feature_charts(explored: &Explored, names: &[String]) -> Vec<Chart> {
    let facts = explored.customer_facts();
    let mut charts = Vec::new();
    for name in names {
        let one = std::slice::from_ref(name);
        charts.extend(match explored.prepared.feature(name) {
            Some(prepared) => feature_charts_of(&chartable(prepared, &facts)),
            None => charts_for(&facts, one),
        });
    }
    charts
}

/// Histogram and box plot of a numeric feature, a bar chart of a categorical one.
fn feature_charts_of(feature: &Feature) -> Vec<Chart> {
    let mut charts = Vec::new();
    if feature.values.is_numeric() {
        charts.extend(eda::histogram(feature));
        charts.extend(eda::box_plot(feature));
    } else {
        charts.extend(eda::bar_chart(feature));
    }
    charts
}

/// The charts of the named features: histogram and box plot for numeric ones, a bar chart for
/// categorical ones. Unknown names are skipped.
pub fn charts_for(table: &CustomerTable, names: &[String]) -> Vec<Chart> {
    let mut charts = Vec::new();
    for name in names {
        let Some(feature) = table.feature(name) else {
            continue;
        };
        if feature.values.is_numeric() {
            charts.extend(eda::histogram(feature));
            charts.extend(eda::box_plot(feature));
        } else {
            charts.extend(eda::bar_chart(feature));
        }
    }
    charts
}
