//! The customer table: one row per customer, typed feature columns ready for analysis.
//!
//! Every analysis step after Explore (segment, predict, value) reads a [`CustomerTable`]. It is
//! built either from transactions ([`crate::core::features`]) or from a file that already has
//! one row per customer ([`CustomerTable::from_table`]), then cleaned by [`crate::core::prep`].
//!
//! Numeric features are `f64` with `NaN` for missing; categorical features are dictionary
//! codes with [`MISSING`] for missing. Pure Rust: no web-sys, no I/O.

use serde::{Deserialize, Serialize};

use crate::core::table::MISSING;

/// One feature column.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Column name as shown and exported, e.g. `recency_days`.
    pub name: String,
    /// One sentence a marketer understands, e.g. "Days since the last purchase".
    pub description: String,
    pub values: FeatureValues,
}

/// The cells of a feature column.
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureValues {
    /// `NaN` = missing.
    Numeric(Vec<f64>),
    /// `codes[i]` indexes `levels`, or is [`MISSING`].
    Categorical {
        levels: Vec<String>,
        codes: Vec<u32>,
    },
}

impl FeatureValues {
    pub fn len(&self) -> usize {
        match self {
            FeatureValues::Numeric(v) => v.len(),
            FeatureValues::Categorical { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, FeatureValues::Numeric(_))
    }

    pub fn missing_count(&self) -> usize {
        match self {
            FeatureValues::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
            FeatureValues::Categorical { codes, .. } => {
                codes.iter().filter(|&&c| c == MISSING).count()
            }
        }
    }

    /// Cell `row` as display text (`None` = missing).
    pub fn text(&self, row: usize) -> Option<String> {
        match self {
            FeatureValues::Numeric(v) => v
                .get(row)
                .filter(|x| !x.is_nan())
                .map(|&x| crate::core::format::number(x)),
            FeatureValues::Categorical { levels, codes } => codes
                .get(row)
                .and_then(|&c| levels.get(c as usize))
                .cloned(),
        }
    }
}

/// A table with one row per customer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerTable {
    /// Name of the customer id column (e.g. `CustomerID`), or `row` when the file has none.
    pub id_name: String,
    /// One id per row (the row number, from 1, when the file has no id column).
    pub ids: Vec<String>,
    /// Feature columns, each `ids.len()` long.
    pub features: Vec<Feature>,
}

/// A customer table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerTableError {
    #[error("the table has no rows: load a file with at least one customer")]
    Empty,
    #[error(
        "the table has no column that can be analysed: every column is text or an identifier. \
         Set a column's type to integer, decimal, boolean or categorical in the Data step"
    )]
    NoFeatures,
    #[error("feature '{name}' has {found} rows but the table has {expected}")]
    LengthMismatch {
        name: String,
        expected: usize,
        found: usize,
    },
}

impl CustomerTable {
    pub fn n_rows(&self) -> usize {
        self.ids.len()
    }

    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.name == name)
    }

    /// Check that every feature has one value per customer.
    pub fn check(&self) -> Result<(), CustomerTableError> {
        let expected = self.ids.len();
        match self.features.iter().find(|f| f.values.len() != expected) {
            Some(bad) => Err(CustomerTableError::LengthMismatch {
                name: bad.name.clone(),
                expected,
                found: bad.values.len(),
            }),
            None => Ok(()),
        }
    }
}

/// Where a customer table came from, for the UI and the receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerSource {
    /// Aggregated from purchase lines.
    Transactions,
    /// The file already had one row per customer.
    CustomerFile,
}
