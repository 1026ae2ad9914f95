//! One pass over the rows: classify each line (cancellation, no customer, duplicate,
//! unreadable, kept), count each cleaning step for the receipt, and collect the lines that
//! belong to a customer.

use std::collections::hash_map::Entry;
use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::inputs::{Inputs, NO_CUSTOMER_ID};
use super::{DayRange, FeatureError, LineCleaning};
use crate::core::format::thousands;
use crate::core::receipt::{ReceiptLine, ReceiptUnit};
use crate::core::table::{Table, MISSING};

/// Order keys of lines without an order id (one order per customer and day) start here, above
/// every order code.
const DAY_ORDER_BASE: u64 = 1 << 32;

/// A line with a customer (or of the kept "no customer ID" group) and an order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub customer: u32,
    /// Order code, or [`DAY_ORDER_BASE`] + day.
    pub order: u64,
    /// Days since 1970-01-01 (`i32::MIN` when unreadable; such a line is never kept).
    pub day: i32,
    /// Year × 12 + month − 1.
    pub month: i32,
    /// `NaN` when the data has no spend.
    pub spend: f64,
    /// Product code, or [`MISSING`].
    pub product: u32,
    /// Survives the cleaning (used for the features).
    pub kept: bool,
    /// A cancellation or return (for `return_share`, whether dropped or not).
    pub cancellation: bool,
}

/// What the pass counted, for the receipt and the error when nothing is left.
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    pub rows: u64,
    pub cancelled_prefix: u64,
    pub cancelled_invoices: u64,
    pub cancelled_quantity: u64,
    pub cancelled_negative: u64,
    pub missing_customer: u64,
    pub duplicates: u64,
    pub no_date: u64,
    pub no_spend: u64,
    pub kept: u64,
}

impl Counts {
    pub fn cancelled(&self) -> u64 {
        self.cancelled_prefix + self.cancelled_quantity + self.cancelled_negative
    }
}

/// The lines of customers, with the counts of the pass.
pub(super) struct Cleaned {
    pub lines: Vec<Line>,
    pub counts: Counts,
}

/// Classify every row; with `days`, rows dated outside it (or without a readable date) are
/// skipped before any step, as if the file did not hold them.
pub(super) fn clean(
    table: &Table,
    inputs: &Inputs<'_>,
    cleaning: &LineCleaning,
    days: Option<DayRange>,
) -> Result<Cleaned, FeatureError> {
    let n_rows = table.n_rows();
    let mut counts = Counts::default();
    let mut duplicates = DuplicateFinder::new(table);
    let mut invoice_seen = vec![false; inputs.order.as_ref().map_or(0, |o| o.column.dict.len())];
    let no_customer = inputs.customer_ids.len() as u32;
    let has_spend = inputs.has_spend();
    let mut lines = Vec::with_capacity(n_rows);
    for row in 0..n_rows {
        let day = inputs.day_at(row);
        if let Some(range) = days {
            if !day.is_some_and(|(d, _)| range.contains(d)) {
                continue;
            }
        }
        counts.rows += 1;
        let customer = inputs.customer_at(row);
        let order = inputs.order.as_ref().and_then(|o| o.at(row));
        let quantity = inputs.quantity_at(row);
        let spend = inputs.spend_at(row, quantity);

        let mut kept = true;
        let cancellation = if let Some((code, true)) = order {
            counts.cancelled_prefix += 1;
            if let Some(seen) = invoice_seen.get_mut(code as usize) {
                if !*seen {
                    *seen = true;
                    counts.cancelled_invoices += 1;
                }
            }
            true
        } else if quantity <= 0.0 {
            counts.cancelled_quantity += 1;
            true
        } else if spend < 0.0 {
            counts.cancelled_negative += 1;
            true
        } else {
            false
        };
        if cancellation && cleaning.drop_cancellations {
            kept = false;
        }
        if kept && customer.is_none() {
            counts.missing_customer += 1;
            if cleaning.drop_missing_customer {
                kept = false;
            }
        }
        if kept && duplicates.is_repeat(row) {
            counts.duplicates += 1;
            if cleaning.drop_exact_duplicates {
                kept = false;
            }
        }
        if kept && day.is_none() {
            counts.no_date += 1;
            kept = false;
        }
        if kept && has_spend && !spend.is_finite() {
            counts.no_spend += 1;
            kept = false;
        }
        if kept {
            counts.kept += 1;
        }

        let customer = match customer {
            Some(c) => c,
            None if !cleaning.drop_missing_customer => no_customer,
            None => continue,
        };
        let (day, month) = day.unwrap_or((i32::MIN, i32::MIN));
        let order = match order {
            Some((code, _)) => u64::from(code),
            None if day != i32::MIN => {
                DAY_ORDER_BASE + (i64::from(day) - i64::from(i32::MIN)) as u64
            }
            None => continue,
        };
        let product = inputs
            .product
            .and_then(|p| p.codes.get(row).copied())
            .unwrap_or(MISSING);
        lines.push(Line {
            customer,
            order,
            day,
            month,
            spend,
            product,
            kept,
            cancellation,
        });
    }
    Ok(Cleaned { lines, counts })
}

/// Whether lines lacked an order id (so some orders are customer-days).
pub(super) fn is_day_order(order: u64) -> bool {
    order >= DAY_ORDER_BASE
}

/// The receipt lines of the line cleaning.
pub(super) fn receipt(
    counts: &Counts,
    cleaning: &LineCleaning,
    inputs: &Inputs<'_>,
) -> Vec<ReceiptLine> {
    let mut receipt = Vec::with_capacity(4);
    let cancelled = counts.cancelled();
    let mut parts = Vec::new();
    if counts.cancelled_prefix > 0 {
        parts.push(format!(
            "{} of {} starting with C",
            lines_text(counts.cancelled_prefix),
            plural(counts.cancelled_invoices, "order", "orders")
        ));
    }
    if counts.cancelled_quantity > 0 {
        parts.push(format!(
            "{} with quantity ≤ 0",
            lines_text(counts.cancelled_quantity)
        ));
    }
    if counts.cancelled_negative > 0 {
        parts.push(format!(
            "{} with a negative amount",
            lines_text(counts.cancelled_negative)
        ));
    }
    let found = if parts.is_empty() {
        "no cancellation or return found".to_string()
    } else {
        parts.join("; ")
    };
    let detail = if !inputs.can_see_returns() {
        "No order ID, quantity or amount column, so cancellations cannot be recognised".to_string()
    } else if cleaning.drop_cancellations {
        capitalise(&found)
    } else {
        format!("Switched off: kept, and counted as returns (negative spend): {found}")
    };
    receipt.push(line_step(
        "drop_cancellations",
        "Drop cancellations and returns",
        cleaning.drop_cancellations,
        cancelled,
        detail,
    ));

    let missing = counts.missing_customer;
    let customer = &inputs.customer.name;
    receipt.push(line_step(
        "drop_missing_customer",
        "Drop lines without a customer ID",
        cleaning.drop_missing_customer,
        missing,
        match (cleaning.drop_missing_customer, missing) {
            (_, 0) => format!("Every line has a value in '{customer}'"),
            (true, n) => format!("{} without a value in '{customer}'", lines_text(n)),
            (false, n) => format!(
                "Switched off: {} without a value in '{customer}' are kept as one customer, \
                 '{NO_CUSTOMER_ID}'",
                lines_text(n)
            ),
        },
    ));

    let repeated = counts.duplicates;
    receipt.push(line_step(
        "drop_exact_duplicates",
        "Drop exact duplicate lines",
        cleaning.drop_exact_duplicates,
        repeated,
        match (cleaning.drop_exact_duplicates, repeated) {
            (_, 0) => "No line repeats an earlier one in every column".to_string(),
            (true, n) => format!(
                "{} repeating an earlier line in every column",
                lines_text(n)
            ),
            (false, n) => format!(
                "Switched off: {} repeating an earlier line in every column are kept",
                lines_text(n)
            ),
        },
    ));

    if counts.no_date + counts.no_spend > 0 {
        let mut parts = Vec::new();
        if counts.no_date > 0 {
            parts.push(format!(
                "{} without a readable date in '{}'",
                lines_text(counts.no_date),
                inputs.date.name
            ));
        }
        if counts.no_spend > 0 {
            parts.push(format!(
                "{} without a value in {}",
                lines_text(counts.no_spend),
                inputs.spend_columns()
            ));
        }
        receipt.push(line_step(
            "drop_unreadable",
            "Drop lines without a date or amount",
            true,
            counts.no_date + counts.no_spend,
            parts.join("; "),
        ));
    }
    receipt
}

/// The receipt line of a line-cleaning step that finds `found` lines: it touches them only
/// when `enabled`.
fn line_step(step: &str, title: &str, enabled: bool, found: u64, detail: String) -> ReceiptLine {
    ReceiptLine {
        step: step.to_string(),
        title: title.to_string(),
        enabled,
        touched: if enabled { found } else { 0 },
        unit: ReceiptUnit::Lines,
        detail,
    }
}

/// "No line is left" explained with the counts.
pub(super) fn nothing_left(counts: &Counts, cleaning: &LineCleaning) -> String {
    let mut parts = vec![format!("{} read", lines_text(counts.rows))];
    let mut dropped = |n: u64, on: bool, what: &str| {
        if n > 0 && on {
            parts.push(format!("{} {what}", thousands(n)));
        }
    };
    dropped(
        counts.cancelled(),
        cleaning.drop_cancellations,
        "cancellations or returns",
    );
    dropped(
        counts.missing_customer,
        cleaning.drop_missing_customer,
        "without a customer ID",
    );
    dropped(
        counts.duplicates,
        cleaning.drop_exact_duplicates,
        "exact duplicates",
    );
    dropped(counts.no_date, true, "without a readable date");
    dropped(counts.no_spend, true, "without an amount");
    parts.join(", ")
}

fn lines_text(n: u64) -> String {
    plural(n, "line", "lines")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Finds rows identical in every column to an earlier row, by a hash of their codes (equal
/// hashes are confirmed code by code).
struct DuplicateFinder<'a> {
    columns: Vec<&'a [u32]>,
    first_by_hash: FxHashMap<u64, usize>,
    /// Rows whose hash collided with a different row (practically never).
    collided: FxHashSet<Vec<u32>>,
}

impl<'a> DuplicateFinder<'a> {
    fn new(table: &'a Table) -> DuplicateFinder<'a> {
        DuplicateFinder {
            columns: table.columns().iter().map(|c| c.codes.as_slice()).collect(),
            first_by_hash: FxHashMap::default(),
            collided: FxHashSet::default(),
        }
    }

    fn code(column: &[u32], row: usize) -> u32 {
        column.get(row).copied().unwrap_or(MISSING)
    }

    fn hash(&self, row: usize) -> u64 {
        let mut hasher = FxHasher::default();
        for column in &self.columns {
            hasher.write_u32(Self::code(column, row));
        }
        hasher.finish()
    }

    fn same(&self, a: usize, b: usize) -> bool {
        self.columns
            .iter()
            .all(|column| Self::code(column, a) == Self::code(column, b))
    }

    /// Whether `row` repeats a row seen before (and remember it otherwise).
    fn is_repeat(&mut self, row: usize) -> bool {
        let hash = self.hash(row);
        self.is_repeat_hashed(row, hash)
    }

    fn is_repeat_hashed(&mut self, row: usize, hash: u64) -> bool {
        let first = match self.first_by_hash.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(row);
                return false;
            }
            Entry::Occupied(slot) => *slot.get(),
        };
        if self.same(first, row) {
            return true;
        }
        let key: Vec<u32> = self
            .columns
            .iter()
            .map(|column| Self::code(column, row))
            .collect();
        !self.collided.insert(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::table::Column;

    #[test]
    fn duplicates_are_whole_rows() {
        let table = Table::new(vec![
            Column::from_cells("a", &["1", "1", "1", "2"]),
            Column::from_cells("b", &["x", "x", "y", "x"]),
        ])
        .unwrap();
        let mut finder = DuplicateFinder::new(&table);
        let repeats: Vec<bool> = (0..4).map(|r| finder.is_repeat(r)).collect();
        assert_eq!(repeats, [false, true, false, false]);
    }

    #[test]
    fn hash_collisions_are_confirmed_code_by_code() {
        let table = Table::new(vec![Column::from_cells("a", &["1", "2", "2", "3"])]).unwrap();
        let mut finder = DuplicateFinder::new(&table);
        // Every row on one hash: only equal codes may count as repeats.
        let rows: Vec<bool> = (0..4).map(|row| finder.is_repeat_hashed(row, 0)).collect();
        assert_eq!(rows, [false, false, true, false]);
    }
}
