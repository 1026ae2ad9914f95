//! Column summaries and preview pages: the small view-models the UI and CLI show.
//!
//! Pure Rust, no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::format;
use crate::core::table::{Column, ColumnType, ParsedDict, Role, Table};

/// How many most frequent values a summary lists.
pub const TOP_VALUES: usize = 5;

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
///
/// Statistics are computed on the dictionary: each distinct value weighted by the number of
/// rows holding it, so the median needs a sort of the distinct values only.
pub fn summarize_column(index: usize, column: &Column) -> ColumnSummary {
    let rows = column.len();
    let counts = column.code_counts();
    let present: usize = counts.iter().sum();
    let missing = rows.saturating_sub(present);
    let missing_pct = if rows == 0 {
        0.0
    } else {
        missing as f64 * 100.0 / rows as f64
    };
    let distinct = counts.iter().filter(|&&n| n > 0).count();
    let stats = match column.ctype {
        ColumnType::Integer
        | ColumnType::Decimal
        | ColumnType::Boolean
        | ColumnType::Date
        | ColumnType::DateTime => numeric_stats(column, &counts),
        ColumnType::Categorical | ColumnType::Text | ColumnType::Identifier => None,
    };
    let top = match column.ctype {
        ColumnType::Categorical
        | ColumnType::Text
        | ColumnType::Identifier
        | ColumnType::Boolean => top_values(column, &counts, TOP_VALUES),
        _ => Vec::new(),
    };
    ColumnSummary {
        index,
        name: column.name.clone(),
        ctype: column.ctype,
        role: column.role,
        format: column.note.format.clone(),
        missing,
        missing_pct,
        distinct,
        stats,
        top,
    }
}

/// Min, max, mean and median over rows, from (value, rows) pairs of the dictionary.
fn numeric_stats(column: &Column, counts: &[usize]) -> Option<NumericStats> {
    let mut pairs: Vec<(f64, usize)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .filter_map(|(code, &n)| column.code_number(code).map(|x| (x, n)))
        .filter(|(x, _)| x.is_finite())
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = pairs.iter().map(|&(_, n)| n).sum();
    let sum: f64 = pairs.iter().map(|&(x, n)| x * n as f64).sum();
    let mean = sum / total as f64;
    let min = pairs.first().map(|p| p.0)?;
    let max = pairs.last().map(|p| p.0)?;
    // 0-based positions of the middle row(s).
    let low = (total - 1) / 2;
    let high = total / 2;
    let median = (value_at(&pairs, low)? + value_at(&pairs, high)?) / 2.0;
    let show = |x: f64| display_value(column, x);
    Some(NumericStats {
        min,
        max,
        mean,
        median,
        min_text: show(min),
        max_text: show(max),
        mean_text: show(mean),
        median_text: show(median),
    })
}

/// The value of the row at sorted position `position`, walking cumulative counts.
fn value_at(sorted: &[(f64, usize)], position: usize) -> Option<f64> {
    let mut seen = 0usize;
    for &(x, n) in sorted {
        seen += n;
        if position < seen {
            return Some(x);
        }
    }
    None
}

/// A statistic as text: ISO dates for date columns (the day or second containing the value),
/// readable numbers otherwise.
fn display_value(column: &Column, x: f64) -> String {
    match column.parsed {
        ParsedDict::Date(_) => format::iso_date(x.floor() as i64),
        ParsedDict::DateTime(_) => format::iso_datetime(x.floor() as i64),
        _ => format::number(x),
    }
}

/// The `limit` most frequent values, most frequent first; ties keep dictionary order.
fn top_values(column: &Column, counts: &[usize], limit: usize) -> Vec<(String, usize)> {
    // (count, code), kept sorted by count descending then code ascending.
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(limit + 1);
    for (code, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let beats_last = best.len() < limit || best.last().is_some_and(|&(m, _)| n > m);
        if !beats_last {
            continue;
        }
        let at = best.iter().position(|&(m, _)| n > m).unwrap_or(best.len());
        best.insert(at, (n, code));
        best.truncate(limit);
    }
    best.into_iter()
        .filter_map(|(n, code)| column.dict.get(code).map(|text| (text.to_string(), n)))
        .collect()
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
pub fn preview_rows(table: &Table, offset: usize, limit: usize) -> Vec<Vec<Option<String>>> {
    let end = offset.saturating_add(limit).min(table.n_rows());
    (offset..end)
        .map(|row| {
            table
                .columns()
                .iter()
                .map(|column| column.text(row).map(str::to_string))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, cells: &[&str]) -> Column {
        Column::inferred(name, cells)
    }

    #[test]
    fn golden_integer_summary() {
        let c = column("qty", &["3", "1", "", "3", "10", "1", "3", ""]);
        assert_eq!(c.ctype, ColumnType::Integer);
        let s = summarize_column(2, &c);
        let expected = ColumnSummary {
            index: 2,
            name: "qty".to_string(),
            ctype: ColumnType::Integer,
            role: None,
            format: None,
            missing: 2,
            missing_pct: 25.0,
            distinct: 3,
            stats: Some(NumericStats {
                min: 1.0,
                max: 10.0,
                mean: 3.5,
                median: 3.0,
                min_text: "1".to_string(),
                max_text: "10".to_string(),
                mean_text: "3.50".to_string(),
                median_text: "3".to_string(),
            }),
            top: Vec::new(),
        };
        assert_eq!(s, expected);
    }

    #[test]
    fn median_of_an_even_count_averages_the_middle_rows() {
        let c = column("x", &["4", "1", "2", "100"]);
        let stats = summarize_column(0, &c).stats.unwrap();
        assert_eq!(stats.median, 3.0);
    }

    #[test]
    fn median_of_an_odd_count_is_the_middle_row() {
        let c = column("x", &["7", "7", "1", "9", "9", "9", "2"]);
        let stats = summarize_column(0, &c).stats.unwrap();
        assert_eq!(stats.median, 7.0);
    }

    #[test]
    fn date_statistics_are_iso_dates() {
        let c = column("d", &["2020-01-01", "2020-01-03", "2020-01-04"]);
        let stats = summarize_column(0, &c).stats.unwrap();
        assert_eq!(stats.min_text, "2020-01-01");
        assert_eq!(stats.max_text, "2020-01-04");
        assert_eq!(stats.median_text, "2020-01-03");
        assert_eq!(stats.mean_text, "2020-01-02");
    }

    #[test]
    fn boolean_mean_is_the_share_of_true() {
        let c = column("churn", &["Yes", "No", "No", "No"]);
        let s = summarize_column(0, &c);
        assert_eq!(s.stats.map(|st| st.mean), Some(0.25));
        assert_eq!(s.top, vec![("No".to_string(), 3), ("Yes".to_string(), 1)]);
    }

    #[test]
    fn top_values_are_the_five_most_frequent_ties_in_dictionary_order() {
        let c = column(
            "city",
            &["b", "a", "c", "a", "d", "e", "f", "f", "g", "a", "f", "e"],
        );
        let s = summarize_column(0, &c);
        let top: Vec<(&str, usize)> = s.top.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(top, vec![("a", 3), ("f", 3), ("e", 2), ("b", 1), ("c", 1)]);
        assert!(s.stats.is_none());
    }

    #[test]
    fn identifiers_have_no_statistics() {
        let c = column("CustomerID", &["1", "2", "3"]);
        let s = summarize_column(0, &c);
        assert_eq!(s.ctype, ColumnType::Identifier);
        assert!(s.stats.is_none());
        assert_eq!(s.top.len(), 3);
    }

    #[test]
    fn all_missing_column_has_no_statistics() {
        let mut c = column("x", &["", "", ""]);
        c.set_type(ColumnType::Integer).unwrap();
        let s = summarize_column(0, &c);
        assert_eq!(s.missing, 3);
        assert_eq!(s.missing_pct, 100.0);
        assert_eq!(s.distinct, 0);
        assert!(s.stats.is_none());
        assert!(s.top.is_empty());
    }

    #[test]
    fn empty_column_summary() {
        let c = column("x", &[]);
        let s = summarize_column(0, &c);
        assert_eq!(s.missing, 0);
        assert_eq!(s.missing_pct, 0.0);
        assert!(s.stats.is_none());
    }

    fn small_table() -> Table {
        Table::new(vec![
            column("a", &["1", "", "3"]),
            column("b", &["x", "y", "x"]),
        ])
        .unwrap()
    }

    #[test]
    fn preview_gives_cell_texts_and_none_for_missing() {
        let rows = preview_rows(&small_table(), 1, 5);
        assert_eq!(
            rows,
            vec![
                vec![None, Some("y".to_string())],
                vec![Some("3".to_string()), Some("x".to_string())],
            ]
        );
    }

    #[test]
    fn preview_past_the_end_is_empty() {
        assert!(preview_rows(&small_table(), 3, 10).is_empty());
        assert!(preview_rows(&small_table(), usize::MAX, usize::MAX).is_empty());
    }
}
