//! Column summaries and preview pages: the small view-models the UI and CLI show.
//!
//! Pure Rust, no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::table::{Column, ColumnType, Role, Table};

/// Numeric statistics of a column (numbers, or days/seconds for dates), with display text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericStats {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    /// The same four values formatted for display (dates as ISO dates).
    pub min_text: String,
    pub max_text: String,
    pub mean_text: String,
    pub median_text: String,
}

/// One column as the Data step shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub index: usize,
    pub name: String,
    pub ctype: ColumnType,
    pub role: Option<Role>,
    /// How the values were read (e.g. "dd/mm/yyyy", "decimal comma").
    pub format: Option<String>,
    pub missing: usize,
    pub missing_pct: f64,
    pub distinct: usize,
    /// For numeric, boolean-as-number and date columns.
    pub stats: Option<NumericStats>,
    /// Most frequent values with their counts (categorical, text, identifier, boolean).
    pub top: Vec<(String, usize)>,
}

/// Summarize column `index` of a table.
pub fn summarize_column(_index: usize, _column: &Column) -> ColumnSummary {
    todo!("helper")
}

/// Summaries of every column.
pub fn summarize(table: &Table) -> Vec<ColumnSummary> {
    table
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| summarize_column(i, c))
        .collect()
}

/// Display text of rows `offset..offset+limit` (clamped to the table).
pub fn preview_rows(_table: &Table, _offset: usize, _limit: usize) -> Vec<Vec<Option<String>>> {
    todo!("helper")
}
