//! Column type inference: every distinct value of a column is checked, so a type is confirmed
//! on all rows, not guessed from a sample.

use crate::core::table::{Column, ColumnType, ParseNote, ParsedDict};

/// Facts about the file that change how values read.
#[derive(Debug, Clone, Copy)]
pub struct InferContext {
    /// `1,5` may be a decimal number only when `,` is not the delimiter.
    pub decimal_comma_allowed: bool,
}

/// A column cannot hold the type the user asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("Column '{column}' cannot be {}: {failed_rows} of {total_rows} values do not read as {} (e.g. {}). Keep its current type, or fix these values in the file.", .ctype.label(), .ctype.label(), quote_list(.examples))]
pub struct ConversionError {
    pub column: String,
    pub ctype: ColumnType,
    pub failed_rows: usize,
    pub total_rows: usize,
    pub examples: Vec<String>,
}

fn quote_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    quoted.join(", ")
}

/// Read `dict` as `ctype`. `counts[i]` is the number of rows holding `dict[i]`.
pub fn convert(
    _column: &str,
    _dict: &[Box<str>],
    _counts: &[usize],
    _ctype: ColumnType,
) -> Result<(ParsedDict, ParseNote), ConversionError> {
    todo!("helper")
}

/// Choose the column's type from its values (and name) and apply it.
pub fn infer_column(_column: &mut Column, _context: &InferContext) {
    todo!("helper")
}
