//! The customer table: one row per customer, typed feature columns ready for analysis.
//!
//! Every analysis step after Explore (segment, predict, value) reads a [`CustomerTable`]. It is
//! built either from transactions ([`crate::core::features`]) or from a file that already has
//! one row per customer ([`CustomerTable::from_table`]), then cleaned by [`crate::core::prep`].
//!
//! Numeric features are `f64` with `NaN` for missing; categorical features are dictionary
//! codes with [`MISSING`] for missing. Pure Rust: no web-sys, no I/O.

use serde::{Deserialize, Serialize};

use crate::core::csv_out::CsvWriter;
use crate::core::format;
use crate::core::table::{Column, ColumnType, ParsedDict, Role, Table, MISSING};

/// One feature column.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Column name as shown and exported, e.g. `recency_days`.
    pub name: String,
    /// One sentence a marketer understands, e.g. "Days since the last purchase".
    pub description: String,
    pub values: FeatureValues,
    /// What the cells mean beyond their values (file words of a 0/1 column, blanks that are
    /// not missing data). Default: nothing more.
    pub meta: FeatureMeta,
}

/// Facts about a feature's cells that the values alone do not carry. Steps that copy a
/// feature keep its meta; steps that make a new column (one-hot, outlier flags) start from
/// the default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeatureMeta {
    /// A 0/1 column read from a two-valued column of the file (`TRUE`/`FALSE`, `Yes`/`No`):
    /// the file's own words for 1 and 0, so targets and tables can show them as written.
    pub value_labels: Option<ValueLabels>,
    /// Blank cells that are not missing data: the feature is not defined for those customers
    /// (e.g. the gap between orders of a customer with one order).
    pub undefined: Option<UndefinedBlanks>,
}

/// The file's words for the two values of a 0/1 column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueLabels {
    /// The word for 1 (`TRUE`, `Yes`).
    pub one: String,
    /// The word for 0 (`FALSE`, `No`).
    pub zero: String,
}

/// Blanks by construction: what they mean and the value models use for them.
#[derive(Debug, Clone, PartialEq)]
pub struct UndefinedBlanks {
    /// Why the cell is blank, in words ("a single order: no gap between orders").
    pub reason: String,
    /// The value models use in place of the blank (never counted as imputed).
    pub model_value: f64,
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
                .filter(|x| x.is_finite())
                .map(|&x| cell_number(x)),
            FeatureValues::Categorical { levels, codes } => codes
                .get(row)
                .and_then(|&c| levels.get(c as usize))
                .cloned(),
        }
    }
}

/// A number as a table cell: whole numbers without decimals, others with two (four below 1),
/// no thousands separators, so columns line up and read like the exported CSV.
fn cell_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
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

    /// The table as CSV: the id column, then the features; numbers plain (up to 6 decimals, no
    /// thousands separators); missing cells empty; text cells that would start a spreadsheet
    /// formula neutralised ([`crate::core::csv_out`]).
    pub fn to_csv(&self) -> String {
        let mut csv = CsvWriter::new();
        csv.text(&self.id_name);
        for feature in &self.features {
            csv.text(&feature.name);
        }
        csv.end_row();
        for (row, id) in self.ids.iter().enumerate() {
            csv.text(id);
            for feature in &self.features {
                match &feature.values {
                    FeatureValues::Numeric(values) => match values.get(row) {
                        Some(&x) => csv.number(x),
                        None => csv.empty(),
                    },
                    FeatureValues::Categorical { .. } => {
                        csv.text_or_empty(feature.values.text(row).as_deref())
                    }
                };
            }
            csv.end_row();
        }
        csv.finish()
    }

    /// The customers at `rows` (in that order; rows out of range are skipped).
    pub fn select_rows(&self, rows: &[usize]) -> CustomerTable {
        let rows: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&r| r < self.n_rows())
            .collect();
        let pick_f64 = |v: &[f64]| rows.iter().filter_map(|&r| v.get(r).copied()).collect();
        CustomerTable {
            id_name: self.id_name.clone(),
            ids: rows
                .iter()
                .filter_map(|&r| self.ids.get(r).cloned())
                .collect(),
            features: self
                .features
                .iter()
                .map(|f| Feature {
                    name: f.name.clone(),
                    description: f.description.clone(),
                    values: match &f.values {
                        FeatureValues::Numeric(v) => FeatureValues::Numeric(pick_f64(v)),
                        FeatureValues::Categorical { levels, codes } => {
                            FeatureValues::Categorical {
                                levels: levels.clone(),
                                codes: rows
                                    .iter()
                                    .map(|&r| codes.get(r).copied().unwrap_or(MISSING))
                                    .collect(),
                            }
                        }
                    },
                    meta: f.meta.clone(),
                })
                .collect(),
        }
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

impl CustomerTable {
    /// A file that already has one row per customer → a customer table.
    ///
    /// - Ids: the column with the customer-id role, else the first identifier column, else
    ///   the row numbers "1", "2", … with `id_name` "row". A missing id becomes "row N".
    /// - Integer and decimal columns → numeric; boolean → numeric 1 (true/yes) / 0, with the
    ///   file's words for 1 and 0 (`Yes`/`No`, `TRUE`/`FALSE`) in `meta.value_labels`.
    /// - Date and date-time columns → numeric "days since the earliest date in the column"
    ///   (fractional days for date-times); the description names that date. The name stays.
    /// - Categorical → categorical, keeping only levels that occur, in first-seen order.
    /// - Other identifier and text columns are left out.
    ///
    /// Returns notes for the user: columns left out and why, repeated or missing ids.
    pub fn from_table(table: &Table) -> Result<(CustomerTable, Vec<String>), CustomerTableError> {
        let n = table.n_rows();
        if n == 0 {
            return Err(CustomerTableError::Empty);
        }
        let mut notes = Vec::new();
        let id_column = table.role_column(Role::CustomerId).or_else(|| {
            table
                .columns()
                .iter()
                .enumerate()
                .find(|(_, c)| c.ctype == ColumnType::Identifier)
        });
        let (id_name, ids) = match id_column {
            Some((_, column)) => (column.name.clone(), column_ids(column, n, &mut notes)),
            None => {
                notes.push(
                    "No customer id column: customers are numbered by their row in the file"
                        .to_string(),
                );
                ("row".to_string(), (1..=n).map(|i| i.to_string()).collect())
            }
        };
        let id_index = id_column.map(|(i, _)| i);
        let mut features = Vec::new();
        for (index, column) in table.columns().iter().enumerate() {
            if Some(index) == id_index {
                continue;
            }
            match column_feature(column, n) {
                Some(feature) => features.push(feature),
                None => notes.push(format!(
                    "'{}' left out: it is {} (set its type to categorical in the Data step to \
                     analyse it)",
                    column.name,
                    match column.ctype {
                        ColumnType::Identifier => "an identifier",
                        _ => "free text",
                    }
                )),
            }
        }
        if features.is_empty() {
            return Err(CustomerTableError::NoFeatures);
        }
        let customers = CustomerTable {
            id_name,
            ids,
            features,
        };
        customers.check()?;
        Ok((customers, notes))
    }
}

/// Id text per row; notes missing and repeated ids.
fn column_ids(column: &Column, n: usize, notes: &mut Vec<String>) -> Vec<String> {
    let mut missing = 0usize;
    let ids: Vec<String> = (0..n)
        .map(|row| match column.text(row) {
            Some(text) => text.to_string(),
            None => {
                missing += 1;
                format!("row {}", row + 1)
            }
        })
        .collect();
    if missing > 0 {
        notes.push(format!(
            "{} rows have no {}: they are named by their row number (\"row 12\")",
            format::thousands(missing as u64),
            column.name
        ));
    }
    let used = column.code_counts();
    let repeated: usize = used.iter().map(|&c| c.saturating_sub(1)).sum();
    if repeated > 0 {
        notes.push(format!(
            "{} has {} repeated ids: the file may have more than one row per customer \
             (each row is treated as its own customer)",
            column.name,
            format::thousands(repeated as u64)
        ));
    }
    ids
}

/// The file's words for true and false in a boolean column: for each, the spelling most rows
/// use (`Yes` when a few rows say `yes`). `None` unless both values occur.
fn file_words(column: &Column) -> Option<ValueLabels> {
    let ParsedDict::Boolean(values) = &column.parsed else {
        return None;
    };
    let counts = column.code_counts();
    let most_used = |wanted: bool| {
        values
            .iter()
            .zip(&column.dict)
            .zip(&counts)
            .filter(|((&value, _), &n)| value == wanted && n > 0)
            .max_by_key(|(_, &n)| n)
            .map(|((_, text), _)| text.to_string())
    };
    Some(ValueLabels {
        one: most_used(true)?,
        zero: most_used(false)?,
    })
}

/// The feature of a non-id column, `None` for text and identifier columns.
fn column_feature(column: &Column, n: usize) -> Option<Feature> {
    let name = column.name.clone();
    let numeric = |description: String, per_code: Vec<f64>| Feature {
        name: column.name.clone(),
        description,
        values: FeatureValues::Numeric(
            (0..n)
                .map(|row| {
                    column
                        .codes
                        .get(row)
                        .and_then(|&c| per_code.get(c as usize))
                        .copied()
                        .filter(|x| x.is_finite())
                        .unwrap_or(f64::NAN)
                })
                .collect(),
        ),
        meta: Default::default(),
    };
    let per_code = |column: &Column| -> Vec<f64> {
        (0..column.dict.len())
            .map(|code| column.code_number(code).unwrap_or(f64::NAN))
            .collect()
    };
    match column.ctype {
        ColumnType::Integer | ColumnType::Decimal => {
            Some(numeric(format!("{name}, from the file"), per_code(column)))
        }
        ColumnType::Boolean => {
            let words = file_words(column);
            let (one, zero) = words
                .as_ref()
                .map_or(("yes", "no"), |w| (w.one.as_str(), w.zero.as_str()));
            let mut feature = numeric(
                format!(
                    "{name}: 1 = {one}, 0 = {zero}{}",
                    column
                        .note
                        .format
                        .as_ref()
                        .map(|f| format!(" (read as {f})"))
                        .unwrap_or_default()
                ),
                per_code(column),
            );
            feature.meta.value_labels = words;
            Some(feature)
        }
        ColumnType::Date | ColumnType::DateTime => {
            let seconds = matches!(column.parsed, ParsedDict::DateTime(_));
            let raw = per_code(column);
            let first = used_codes(column)
                .filter_map(|code| raw.get(code).copied())
                .filter(|x| x.is_finite())
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
            let (description, days) = match first {
                Some(first) => {
                    let since = if seconds {
                        format::iso_datetime(first as i64)
                    } else {
                        format::iso_date(first as i64)
                    };
                    let per_day = if seconds { 86_400.0 } else { 1.0 };
                    (
                        format!("{name} as days since {since}, its earliest date"),
                        raw.iter().map(|x| (x - first) / per_day).collect(),
                    )
                }
                None => (format!("{name} as days since its earliest date"), raw),
            };
            Some(numeric(description, days))
        }
        ColumnType::Categorical => {
            let counts = column.code_counts();
            let mut new_code = vec![MISSING; column.dict.len()];
            let mut levels = Vec::new();
            for (code, &count) in counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                if let (Some(text), Some(slot), Ok(next)) = (
                    column.dict.get(code),
                    new_code.get_mut(code),
                    u32::try_from(levels.len()),
                ) {
                    *slot = next;
                    levels.push(text.to_string());
                }
            }
            let codes = (0..n)
                .map(|row| {
                    column
                        .codes
                        .get(row)
                        .and_then(|&c| new_code.get(c as usize))
                        .copied()
                        .unwrap_or(MISSING)
                })
                .collect();
            Some(Feature {
                name,
                description: format!("{}, from the file", column.name),
                values: FeatureValues::Categorical { levels, codes },
                meta: Default::default(),
            })
        }
        ColumnType::Text | ColumnType::Identifier => None,
    }
}

/// Dictionary codes that occur in the column.
fn used_codes(column: &Column) -> impl Iterator<Item = usize> + '_ {
    column
        .code_counts()
        .into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .map(|(code, _)| code)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::{ingest_bytes, IngestOptions};
    use crate::core::table::ColumnType;

    fn load(csv: &str) -> Table {
        ingest_bytes(csv.as_bytes(), &IngestOptions::default())
            .unwrap()
            .table
    }

    #[test]
    fn ids_numbers_dates_and_categories() {
        let mut t = load(
            "customer_id,segment,spend,joined,vip,notes\n\
             C1,gold,10.5,2020-01-03,yes,likes tea and coffee every morning\n\
             C2,silver,,2020-01-01,no,asked about the new store on main street\n\
             C3,gold,7,2020-01-10,yes,wants a call back next week please\n",
        );
        let notes_index = t.column_index("notes").unwrap();
        t.column_mut(notes_index)
            .unwrap()
            .set_type(ColumnType::Text)
            .unwrap();
        let (c, notes) = CustomerTable::from_table(&t).unwrap();
        assert_eq!(c.id_name, "customer_id");
        assert_eq!(c.ids, vec!["C1", "C2", "C3"]);
        let names: Vec<&str> = c.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["segment", "spend", "joined", "vip"]);
        match &c.feature("spend").unwrap().values {
            FeatureValues::Numeric(v) => {
                assert_eq!(v[0], 10.5);
                assert!(v[1].is_nan());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c.feature("joined").unwrap().values,
            FeatureValues::Numeric(vec![2.0, 0.0, 9.0])
        );
        assert!(c
            .feature("joined")
            .unwrap()
            .description
            .contains("days since 2020-01-01, its earliest date"));
        assert_eq!(
            c.feature("vip").unwrap().values,
            FeatureValues::Numeric(vec![1.0, 0.0, 1.0])
        );
        assert_eq!(
            c.feature("segment").unwrap().values,
            FeatureValues::Categorical {
                levels: vec!["gold".into(), "silver".into()],
                codes: vec![0, 1, 0]
            }
        );
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("'notes' left out"), "{notes:?}");
    }

    #[test]
    fn boolean_columns_keep_the_files_words_for_one_and_zero() {
        let t = load(
            "id,Churn,Revenue,Complain\n\
             A,Yes,TRUE,1\n\
             B,No,FALSE,0\n\
             C,yes,FALSE,0\n\
             D,Yes,FALSE,0\n",
        );
        let (c, _) = CustomerTable::from_table(&t).unwrap();
        let words = |name: &str| c.feature(name).unwrap().meta.value_labels.clone();
        // The spelling most rows use: `Yes` (2 rows) over `yes` (1).
        assert_eq!(
            words("Churn"),
            Some(ValueLabels {
                one: "Yes".into(),
                zero: "No".into()
            })
        );
        assert_eq!(
            words("Revenue"),
            Some(ValueLabels {
                one: "TRUE".into(),
                zero: "FALSE".into()
            })
        );
        assert!(c
            .feature("Churn")
            .unwrap()
            .description
            .starts_with("Churn: 1 = Yes, 0 = No"));
        // A 1/0 integer column is a number, not a boolean: no words to keep.
        assert_eq!(words("Complain"), None);
    }

    #[test]
    fn without_an_id_column_rows_are_numbered() {
        let t = load("a,b\n1,x\n2,y\n");
        let (c, notes) = CustomerTable::from_table(&t).unwrap();
        assert_eq!(c.id_name, "row");
        assert_eq!(c.ids, vec!["1", "2"]);
        assert_eq!(c.features.len(), 2);
        assert!(notes[0].starts_with("No customer id column"));
    }

    #[test]
    fn repeated_ids_are_noted() {
        let mut t = load("id,a\nA,1\nA,2\nB,3\n");
        t.column_mut(0)
            .unwrap()
            .set_type(ColumnType::Identifier)
            .unwrap();
        t.set_role(0, Some(Role::CustomerId)).unwrap();
        let (c, notes) = CustomerTable::from_table(&t).unwrap();
        assert_eq!(c.ids, vec!["A", "A", "B"]);
        assert!(
            notes.iter().any(|n| n.contains("1 repeated ids")),
            "{notes:?}"
        );
    }

    #[test]
    fn only_text_columns_is_an_error() {
        let mut t = load("id,a\nA,x\n");
        t.column_mut(1).unwrap().set_type(ColumnType::Text).unwrap();
        t.set_role(0, Some(Role::CustomerId)).unwrap();
        assert_eq!(
            CustomerTable::from_table(&t),
            Err(CustomerTableError::NoFeatures)
        );
        assert_eq!(
            CustomerTable::from_table(&Table::default()),
            Err(CustomerTableError::Empty)
        );
    }

    #[test]
    fn the_csv_neutralises_formulas_in_text_but_keeps_negative_numbers() {
        let feature = |name: &str, values| Feature {
            name: name.to_string(),
            description: String::new(),
            values,
            meta: FeatureMeta::default(),
        };
        let c = CustomerTable {
            id_name: "@id".to_string(),
            ids: vec![
                r#"=HYPERLINK("http://x","y")"#.to_string(),
                " =cmd|' /C calc'!A0".to_string(),
                "-5".to_string(),
            ],
            features: vec![
                feature(
                    "balance",
                    FeatureValues::Numeric(vec![-12.5, f64::NAN, 3.0]),
                ),
                feature(
                    "plan",
                    FeatureValues::Categorical {
                        levels: vec!["\tgold".to_string(), "+44 20 7946".to_string()],
                        codes: vec![0, 1, MISSING],
                    },
                ),
            ],
        };
        assert_eq!(
            c.to_csv(),
            "\"'@id\",balance,plan\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-12.5,\"'\tgold\"\n\
             \"' =cmd|' /C calc'!A0\",,\"'+44 20 7946\"\n\
             -5,3,\n"
        );
    }
}
