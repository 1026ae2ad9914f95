//! The columnar table every analysis step reads.
//!
//! Each column keeps the text of its cells dictionary-encoded: every distinct value is stored
//! once and every cell is a `u32` code into that dictionary ([`MISSING`] for a missing cell).
//! The column's type is applied to the dictionary, not to the cells: an integer column holds one
//! parsed `i64` per distinct value. This keeps memory at about four bytes a cell whatever the
//! type, makes "confirmed on all rows" cheap (each distinct value is checked once), and lets the
//! user change a column's type without reading the file again.
//!
//! Pure Rust: no web-sys, no I/O.

use serde::{Deserialize, Serialize};

use crate::core::ingest::infer::{self, ConversionError};

/// Code of a missing cell.
pub const MISSING: u32 = u32::MAX;

/// What kind of values a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Integer,
    Decimal,
    Boolean,
    Date,
    DateTime,
    Categorical,
    Text,
    Identifier,
}

impl ColumnType {
    pub const ALL: [ColumnType; 8] = [
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::DateTime,
        ColumnType::Categorical,
        ColumnType::Text,
        ColumnType::Identifier,
    ];

    /// Lower-case name used in the CLI, JSON and UI.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::DateTime => "datetime",
            ColumnType::Categorical => "categorical",
            ColumnType::Text => "text",
            ColumnType::Identifier => "identifier",
        }
    }

    pub fn from_label(label: &str) -> Option<ColumnType> {
        ColumnType::ALL.into_iter().find(|t| t.label() == label)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }
}

/// What a column means for customer analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CustomerId,
    OrderId,
    Date,
    Quantity,
    UnitPrice,
    Amount,
    ProductId,
    Product,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::CustomerId,
        Role::OrderId,
        Role::Date,
        Role::Quantity,
        Role::UnitPrice,
        Role::Amount,
        Role::ProductId,
        Role::Product,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::CustomerId => "customer_id",
            Role::OrderId => "order_id",
            Role::Date => "date",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit_price",
            Role::Amount => "amount",
            Role::ProductId => "product_id",
            Role::Product => "product",
        }
    }

    /// Words a business user reads in the UI.
    pub fn title(self) -> &'static str {
        match self {
            Role::CustomerId => "Customer ID",
            Role::OrderId => "Order / invoice ID",
            Role::Date => "Date",
            Role::Quantity => "Quantity",
            Role::UnitPrice => "Unit price",
            Role::Amount => "Amount",
            Role::ProductId => "Product ID",
            Role::Product => "Product name / category",
        }
    }

    pub fn from_label(label: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// Typed values, one per dictionary entry (index = code).
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedDict {
    /// Categorical, text and identifier columns: the dictionary text is the value.
    Text,
    Integer(Vec<i64>),
    Decimal(Vec<f64>),
    Boolean(Vec<bool>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    /// Seconds since 1970-01-01T00:00:00 (no time zone).
    DateTime(Vec<i64>),
}

/// How the text of a typed column was read, kept so the UI can say it and so that a type
/// override can be applied the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseNote {
    /// e.g. "dd/mm/yyyy", "decimal comma", "yes/no".
    pub format: Option<String>,
}

/// One column: its name, type, role and dictionary-encoded cells.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub ctype: ColumnType,
    pub role: Option<Role>,
    pub note: ParseNote,
    /// Distinct cell texts (trimmed, never a missing token).
    pub dict: Vec<Box<str>>,
    /// One code per row into `dict`, or [`MISSING`].
    pub codes: Vec<u32>,
    /// `dict` read as `ctype`.
    pub parsed: ParsedDict,
}

impl Column {
    /// A text column straight from the parser, before inference.
    pub fn raw(name: String, dict: Vec<Box<str>>, codes: Vec<u32>) -> Column {
        Column {
            name,
            ctype: ColumnType::Text,
            role: None,
            note: ParseNote::default(),
            dict,
            codes,
            parsed: ParsedDict::Text,
        }
    }

    /// A text column from cell texts, `""` meaning missing (test fixtures).
    #[cfg(test)]
    pub(crate) fn from_cells(name: &str, cells: &[&str]) -> Column {
        let mut dict: Vec<Box<str>> = Vec::new();
        let codes = cells
            .iter()
            .map(|cell| {
                if cell.is_empty() {
                    return MISSING;
                }
                match dict.iter().position(|d| &**d == *cell) {
                    Some(i) => i as u32,
                    None => {
                        dict.push((*cell).into());
                        (dict.len() - 1) as u32
                    }
                }
            })
            .collect();
        Column::raw(name.to_string(), dict, codes)
    }

    /// A column from cell texts with its type inferred (test fixtures; no decimal comma).
    #[cfg(test)]
    pub(crate) fn inferred(name: &str, cells: &[&str]) -> Column {
        let mut column = Column::from_cells(name, cells);
        infer::infer_column(
            &mut column,
            &infer::InferContext {
                decimal_comma_allowed: false,
            },
        );
        column
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn missing_count(&self) -> usize {
        self.codes.iter().filter(|&&c| c == MISSING).count()
    }

    /// Distinct non-missing values that occur in the column.
    pub fn distinct_count(&self) -> usize {
        self.dict.len()
    }

    /// Cell text as it was in the file (trimmed); `None` when missing.
    pub fn text(&self, row: usize) -> Option<&str> {
        let code = *self.codes.get(row)?;
        self.dict.get(code as usize).map(|s| &**s)
    }

    /// Cell as a number for numeric, boolean (1/0) and date (days or seconds) columns.
    pub fn number(&self, row: usize) -> Option<f64> {
        let code = *self.codes.get(row)? as usize;
        self.code_number(code)
    }

    /// Number for a dictionary code (see [`Column::number`]).
    pub fn code_number(&self, code: usize) -> Option<f64> {
        match &self.parsed {
            ParsedDict::Text => None,
            ParsedDict::Integer(v) => v.get(code).map(|&x| x as f64),
            ParsedDict::Decimal(v) => v.get(code).copied(),
            ParsedDict::Boolean(v) => v.get(code).map(|&b| if b { 1.0 } else { 0.0 }),
            ParsedDict::Date(v) => v.get(code).map(|&d| d as f64),
            ParsedDict::DateTime(v) => v.get(code).map(|&s| s as f64),
        }
    }

    /// Count of rows per dictionary code.
    pub fn code_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.dict.len()];
        for &code in &self.codes {
            if let Some(n) = counts.get_mut(code as usize) {
                *n += 1;
            }
        }
        counts
    }

    /// Re-read the dictionary as `ctype`. On failure the column is left unchanged and the error
    /// says how many rows could not be read, with examples.
    pub fn set_type(&mut self, ctype: ColumnType) -> Result<(), ConversionError> {
        let counts = self.code_counts();
        let (parsed, note) = infer::convert(&self.name, &self.dict, &counts, ctype)?;
        self.ctype = ctype;
        self.parsed = parsed;
        self.note = note;
        Ok(())
    }
}

/// A loaded dataset: equally long columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<Column>,
    n_rows: usize,
}

/// A table could not be built from the given columns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("column '{name}' has {found} rows but the table has {expected}")]
    LengthMismatch {
        name: String,
        expected: usize,
        found: usize,
    },
    #[error("there is no column number {0}")]
    NoSuchColumn(usize),
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Result<Table, TableError> {
        let n_rows = columns.first().map_or(0, Column::len);
        if let Some(bad) = columns.iter().find(|c| c.len() != n_rows) {
            return Err(TableError::LengthMismatch {
                name: bad.name.clone(),
                expected: n_rows,
                found: bad.len(),
            });
        }
        Ok(Table { columns, n_rows })
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn column(&self, index: usize) -> Option<&Column> {
        self.columns.get(index)
    }

    pub fn column_mut(&mut self, index: usize) -> Option<&mut Column> {
        self.columns.get_mut(index)
    }

    pub fn column_by_name(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Give `role` to column `index` (taking it from any other column), or clear its role.
    pub fn set_role(&mut self, index: usize, role: Option<Role>) -> Result<(), TableError> {
        if index >= self.columns.len() {
            return Err(TableError::NoSuchColumn(index));
        }
        if let Some(role) = role {
            for column in &mut self.columns {
                if column.role == Some(role) {
                    column.role = None;
                }
            }
        }
        if let Some(column) = self.columns.get_mut(index) {
            column.role = role;
        }
        Ok(())
    }

    /// The column holding `role`, if any.
    pub fn role_column(&self, role: Role) -> Option<(usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.role == Some(role))
    }

    /// Approximate heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.columns
            .iter()
            .map(|c| {
                let dict: usize = c.dict.iter().map(|s| s.len() + 16).sum();
                let parsed = match &c.parsed {
                    ParsedDict::Text => 0,
                    ParsedDict::Integer(v) => v.len() * 8,
                    ParsedDict::Decimal(v) => v.len() * 8,
                    ParsedDict::Boolean(v) => v.len(),
                    ParsedDict::Date(v) => v.len() * 4,
                    ParsedDict::DateTime(v) => v.len() * 8,
                };
                c.codes.len() * 4 + dict + parsed
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, cells: &[Option<&str>]) -> Column {
        let texts: Vec<&str> = cells.iter().map(|c| c.unwrap_or("")).collect();
        Column::from_cells(name, &texts)
    }

    #[test]
    fn cells_are_read_through_the_dictionary() {
        let c = column("x", &[Some("a"), None, Some("b"), Some("a")]);
        assert_eq!(c.text(0), Some("a"));
        assert_eq!(c.text(1), None);
        assert_eq!(c.text(3), Some("a"));
        assert_eq!(c.text(99), None);
        assert_eq!(c.distinct_count(), 2);
        assert_eq!(c.missing_count(), 1);
        assert_eq!(c.code_counts(), vec![2, 1]);
    }

    #[test]
    fn columns_of_unequal_length_are_refused() {
        let a = column("a", &[Some("1"), Some("2")]);
        let b = column("b", &[Some("1")]);
        assert!(matches!(
            Table::new(vec![a, b]),
            Err(TableError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn a_role_moves_to_the_column_it_is_given() {
        let mut t = Table::new(vec![column("a", &[Some("1")]), column("b", &[Some("2")])]).unwrap();
        t.set_role(0, Some(Role::CustomerId)).unwrap();
        t.set_role(1, Some(Role::CustomerId)).unwrap();
        assert_eq!(t.columns()[0].role, None);
        assert_eq!(t.role_column(Role::CustomerId).map(|(i, _)| i), Some(1));
        assert_eq!(t.set_role(5, None), Err(TableError::NoSuchColumn(5)));
    }

    #[test]
    fn a_type_that_does_not_fit_leaves_the_column_unchanged() {
        let mut c = column("n", &[Some("1"), Some("x"), Some("3")]);
        assert!(c.set_type(ColumnType::Integer).is_err());
        assert_eq!(c.ctype, ColumnType::Text);
        let mut d = column("n", &[Some("1"), Some("2"), None]);
        d.set_type(ColumnType::Integer).unwrap();
        assert_eq!(d.number(1), Some(2.0));
        assert_eq!(d.number(2), None);
    }
}
