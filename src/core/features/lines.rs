//! One pass over the rows: classify each line (cancellation, no customer, duplicate,
//! unreadable, kept), count each cleaning step for the receipt, and collect the lines that
//! belong to a customer.

use std::collections::hash_map::Entry;
use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::inputs::{Inputs, NO_CUSTOMER_ID};
use super::netting::{self, Netting};
use super::{Cancellations, DayRange, ExactDuplicates, FeatureError, FeatureParams, LineCleaning};
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
    /// `NaN` when the data has no spend. A return's spend is negative (−|spend|).
    pub spend: f64,
    /// Product code, or [`MISSING`].
    pub product: u32,
    /// Survives the cleaning (used for the features).
    pub kept: bool,
    /// A cancellation or return (for `return_share`, whether dropped or not; netted when kept).
    pub cancellation: bool,
    /// What netting matches a return against a purchase by: |spend|, else |quantity|, else 1
    /// per line (see [`netting`]).
    pub measure: f64,
    /// After netting: a purchase's measure not taken back by a return, or the part of a
    /// return that matched no purchase. Without netting: the measure.
    pub left: f64,
    /// The line's order still counts as an order: false for an order (or a return's own
    /// order) whose every purchase line was returned. Always true without netting.
    pub order_stands: bool,
    /// A purchase: the day of the return that took back the last of it (`None` while some of
    /// it is left). Returns are matched in day order, so what was taken back by any day is
    /// what a file ending that day would net.
    pub taken_back_on: Option<i32>,
    /// The day from which the line's order no longer counts (returned in full by then), `None`
    /// while it counts to the end of the file. For an order of returns only: its first day.
    pub order_ends: Option<i32>,
}

impl Line {
    /// The spend the line adds to its customer's total: purchases their spend, returns minus
    /// theirs (0 when the data has no spend).
    pub fn signed_spend(&self, has_spend: bool) -> f64 {
        if has_spend {
            self.spend
        } else {
            0.0
        }
    }

    /// A purchase's spend that no return took back (0 for a return line, or without spend).
    pub fn net_purchase_spend(&self, has_spend: bool) -> f64 {
        if has_spend && !self.cancellation {
            self.left
        } else {
            0.0
        }
    }
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
    /// Whether exact duplicates were dropped (the mapping decides by default).
    pub drop_duplicates: bool,
    /// What netting did (all zero when cancellations are dropped).
    pub netting: Netting,
}

/// Classify every row; with `days`, rows dated outside it (or without a readable date) are
/// skipped before any step, as if the file did not hold them.
pub(super) fn clean(
    table: &Table,
    inputs: &Inputs<'_>,
    params: &FeatureParams,
    days: Option<DayRange>,
) -> Result<Cleaned, FeatureError> {
    let cleaning = &params.cleaning;
    let drop_duplicates = cleaning.drops_duplicates(&params.mapping);
    let net = cleaning.cancellations == Cancellations::Net;
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
        if cancellation && !net {
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
            if drop_duplicates {
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
        let measure = if has_spend {
            spend.abs()
        } else if quantity.is_finite() {
            quantity.abs()
        } else {
            1.0
        };
        let measure = if measure.is_finite() { measure } else { 0.0 };
        lines.push(Line {
            customer,
            order,
            day,
            month,
            spend: if cancellation { -spend.abs() } else { spend },
            product,
            kept,
            cancellation,
            measure,
            left: measure,
            order_stands: true,
            taken_back_on: None,
            order_ends: None,
        });
    }
    let netting = if net {
        netting::net(&mut lines, inputs.product.is_some())
    } else {
        Netting::default()
    };
    Ok(Cleaned {
        lines,
        counts,
        drop_duplicates,
        netting,
    })
}

/// Whether lines lacked an order id (so some orders are customer-days).
pub(super) fn is_day_order(order: u64) -> bool {
    order >= DAY_ORDER_BASE
}

/// Customers the netting left without an order or with more returned than bought (counted
/// by the aggregation, shown on the cancellations line).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct NetCustomers {
    pub no_order_left: u64,
    pub returned_more: u64,
}

/// The receipt lines of the line cleaning.
pub(super) fn receipt(
    cleaned: &Cleaned,
    customers: NetCustomers,
    cleaning: &LineCleaning,
    inputs: &Inputs<'_>,
) -> Vec<ReceiptLine> {
    let counts = &cleaned.counts;
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
    let net = cleaning.cancellations == Cancellations::Net;
    let netting = &cleaned.netting;
    let detail = if !inputs.can_see_returns() {
        "No order ID, quantity or amount column, so cancellations cannot be recognised".to_string()
    } else if !net {
        format!(
            "{}. Dropped: purchases keep their full spend, and a cancelled order still counts",
            capitalise(&found)
        )
    } else if cancelled == 0 {
        capitalise(&found)
    } else {
        let against = if inputs.product.is_some() {
            "the same customer's purchases of the same product"
        } else {
            "the same customer's purchases"
        };
        let returned = match netting.cancelled_orders {
            0 => "no order was returned in full".to_string(),
            1 => "1 order returned in full no longer counts as an order".to_string(),
            n => format!(
                "{} orders returned in full no longer count as orders",
                thousands(n)
            ),
        };
        let mut text = format!(
            "{}. {} with a customer ID netted against {against} up to the return's day, latest \
             first: {returned}",
            capitalise(&found),
            lines_text(netting.return_lines),
        );
        if customers.no_order_left > 0 {
            text.push_str(&format!(
                "; {} no order left (frequency 0, RFM segment '{}')",
                plural(customers.no_order_left, "customer has", "customers have"),
                super::NO_ORDER_SEGMENT
            ));
        }
        if netting.unmatched_lines > 0 {
            text.push_str(&format!(
                "; {} match no purchase in the file (bought before it starts) and still reduce \
                 the spend",
                lines_text(netting.unmatched_lines)
            ));
        }
        if customers.returned_more > 0 {
            text.push_str(&format!(
                "; {} returned more than they bought in the file: monetary set to 0 and flagged \
                 in {}",
                plural(customers.returned_more, "customer", "customers"),
                super::RETURNED_MORE_COLUMN
            ));
        }
        text
    };
    receipt.push(line_step(
        "cancellations",
        if net {
            "Net cancellations and returns"
        } else {
            "Drop cancellations and returns"
        },
        true,
        if net { netting.return_lines } else { cancelled },
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
    let drop = cleaned.drop_duplicates;
    let why = match &inputs.order {
        Some(order) => format!(
            "an order ID ('{}') is mapped, so a line repeating another in every column is a \
             double entry",
            order.column.name
        ),
        None => "there is no order ID: identical lines can be two purchases".to_string(),
    };
    let repeats = format!(
        "{} repeating an earlier line in every column",
        lines_text(repeated)
    );
    receipt.push(line_step(
        "drop_exact_duplicates",
        "Drop exact duplicate lines",
        drop,
        repeated,
        match (drop, inputs.order.is_some(), cleaning.exact_duplicates) {
            (true, _, ExactDuplicates::ByMapping) => format!("On because {why}: {repeats}"),
            (true, true, _) => format!("{}: {why}", capitalise(&repeats)),
            (true, false, _) => format!("Switched on, although {why}: {repeats}"),
            (false, false, ExactDuplicates::ByMapping) => {
                format!("Off because {why}, so they are kept: {repeats}")
            }
            (false, false, _) => format!("Switched off ({why}): {repeats} are kept"),
            (false, true, _) => format!("Switched off: {repeats} are kept"),
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
pub(super) fn nothing_left(cleaned: &Cleaned, cleaning: &LineCleaning) -> String {
    let counts = &cleaned.counts;
    let mut parts = vec![format!("{} read", lines_text(counts.rows))];
    let mut dropped = |n: u64, on: bool, what: &str| {
        if n > 0 && on {
            parts.push(format!("{} {what}", thousands(n)));
        }
    };
    match cleaning.cancellations {
        Cancellations::Drop => dropped(counts.cancelled(), true, "cancellations or returns"),
        Cancellations::Net => dropped(
            cleaned.netting.return_lines,
            true,
            "cancellations or returns (no purchase to net them against)",
        ),
    }
    dropped(
        counts.missing_customer,
        cleaning.drop_missing_customer,
        "without a customer ID",
    );
    dropped(
        counts.duplicates,
        cleaned.drop_duplicates,
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
