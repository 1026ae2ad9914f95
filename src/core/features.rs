//! Transactions → customer features (RFM and behaviour), with the row-cleaning receipt.
//!
//! Input: the loaded [`Table`] of purchase lines and a [`RoleMapping`] saying which column is
//! the customer id, the date, the amount (or quantity × unit price), etc. Output: a
//! [`CustomerTable`] with one row per customer, the receipt of the line-level cleaning, and
//! monthly activity for the EDA charts. Pure Rust: no web-sys, no I/O.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::CustomerTable;
use crate::core::receipt::ReceiptLine;
use crate::core::table::Table;

/// Which column plays which role (column indices into the loaded table).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleMapping {
    pub customer: Option<usize>,
    pub date: Option<usize>,
    pub order: Option<usize>,
    pub quantity: Option<usize>,
    pub unit_price: Option<usize>,
    pub amount: Option<usize>,
    pub product: Option<usize>,
}

/// Line-level cleaning before aggregation; each switch appears on the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCleaning {
    /// Drop cancellations/returns: order ids starting with `C`, and lines with quantity ≤ 0 or
    /// a negative amount. When off, they count as returns (negative spend).
    pub drop_cancellations: bool,
    pub drop_missing_customer: bool,
    pub drop_exact_duplicates: bool,
}

impl Default for LineCleaning {
    fn default() -> LineCleaning {
        LineCleaning {
            drop_cancellations: true,
            drop_missing_customer: true,
            drop_exact_duplicates: true,
        }
    }
}

/// Parameters of [`build_customer_table`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FeatureParams {
    pub mapping: RoleMapping,
    /// Days since 1970-01-01; `None` = last date in the data + 1 day.
    pub reference_date: Option<i32>,
    pub cleaning: LineCleaning,
}

/// Activity per calendar month of the cleaned lines (for the monthly charts).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MonthlyActivity {
    /// `YYYY-MM`, every month from the first to the last, gaps included.
    pub months: Vec<String>,
    /// `None` when the data has no amounts.
    pub revenue: Option<Vec<f64>>,
    pub orders: Vec<u64>,
    pub active_customers: Vec<u64>,
}

/// Result of [`build_customer_table`].
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerBuild {
    pub customers: CustomerTable,
    pub receipt: Vec<ReceiptLine>,
    pub monthly: MonthlyActivity,
    /// The reference date used (days since 1970-01-01).
    pub reference_date: i32,
    /// Lines kept after cleaning.
    pub lines_used: u64,
    /// Facts the user must know, e.g. "No amount or price column: monetary features are absent".
    pub notes: Vec<String>,
}
