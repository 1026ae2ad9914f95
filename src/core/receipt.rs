//! The cleaning receipt: what each preparation step did, with counts.
//!
//! Every step that can change data (dropping rows, imputing, capping, scaling, encoding) adds
//! one [`ReceiptLine`], also when it is switched off or touched nothing, so the user sees the
//! whole recipe. Pure data, shown by the UI and printed by the CLI.

use serde::{Deserialize, Serialize};

/// What a step counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptUnit {
    /// Transaction lines (before aggregation).
    Lines,
    /// Customer rows.
    Rows,
    /// Cells.
    Values,
    /// Columns (added, removed or transformed).
    Columns,
}

/// One step of the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// Stable key, e.g. `drop_cancellations`, `impute`, `scale`.
    pub step: String,
    /// Title shown to the user, e.g. "Drop cancellations and returns".
    pub title: String,
    pub enabled: bool,
    /// How many lines, rows, values or columns the step touched (0 when switched off).
    pub touched: u64,
    pub unit: ReceiptUnit,
    /// What exactly happened, e.g. "8,905 invoices starting with C; 1,336 lines with quantity ≤ 0".
    pub detail: String,
}
