//! Why a preparation could not be fitted or applied, in words the user can act on.

use crate::core::customer_table::CustomerTableError;

/// A preparation step failed. Parameter errors come from [`crate::core::prep::PrepParams::check`]
/// before any data is read; the others name the column at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepError {
    #[error("the fill-in number for missing values must be a finite number, not {0}")]
    ImputeConstant(f64),
    #[error("the fill-in label for missing categories is empty: type a label such as \"unknown\"")]
    EmptyImputeLabel,
    #[error("the IQR factor must be a positive number (1.5 is usual), not {0}")]
    IqrFactor(f64),
    #[error("the z-score threshold must be a positive number (3 is usual), not {0}")]
    ZThreshold(f64),
    #[error(
        "one-hot encoding needs at least 2 columns per categorical column, not {0}: \
         set the maximum number of levels to 2 or more"
    )]
    MaxLevels(usize),
    #[error("the table has no rows: there is nothing to prepare")]
    Empty,
    #[error(
        "there is no column '{name}' to log-transform: pick it again from the list of \
         numeric columns"
    )]
    UnknownLogColumn { name: String },
    #[error(
        "column '{name}' is categorical and cannot be log-transformed: remove it from the log \
         columns"
    )]
    LogNotNumeric { name: String },
    #[error(
        "column '{name}' has negative values (smallest {min}), and the log transform needs \
         values of 0 or more: remove it from the log columns"
    )]
    LogNegative { name: String, min: f64 },
    #[error(
        "removing outliers would leave no customers: raise the threshold, or flag or cap \
         outliers instead"
    )]
    AllRowsRemoved,
    #[error(
        "column '{name}' was there when the preparation was set up but is missing from this \
         table: prepare this table with its own settings"
    )]
    MissingColumn { name: String },
    #[error(
        "column '{name}' was {expected} when the preparation was set up but is {found} in this \
         table: give it the same type in the Data step"
    )]
    KindChanged {
        name: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error(
        "column '{name}' was not there when the preparation was set up: prepare this table \
         with its own settings"
    )]
    UnexpectedColumn { name: String },
    #[error(transparent)]
    Table(#[from] CustomerTableError),
}
