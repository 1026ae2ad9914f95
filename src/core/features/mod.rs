//! Transactions → customer features (RFM and behaviour), with the row-cleaning receipt.
//!
//! Input: the loaded [`Table`] of purchase lines and a [`RoleMapping`] saying which column is
//! the customer id, the date, the amount (or quantity × unit price), etc. Output: a
//! [`CustomerTable`] with one row per customer, the receipt of the line-level cleaning, and
//! monthly activity for the EDA charts. Pure Rust: no web-sys, no I/O.
//!
//! # Lines
//! Everything works on dictionary codes: dates, amounts, customer ids and order flags are read
//! once per distinct value (`inputs.rs`), then one pass over the rows classifies each line
//! (`lines.rs`), and the kept lines, sorted by customer and order, are summed up
//! (`aggregate.rs`). Cleaning steps, in this order, each counted on what the earlier ones left:
//! 1. cancellations and returns: an order id written `C` + digit (Online Retail's `C536379`;
//!    not Superstore's `CA-2016-…`, and not when *every* order id looks like that), a quantity
//!    ≤ 0, or a negative amount (or negative quantity × price). [`Cancellations::Net`] (the
//!    default) keeps them as returns netted against the purchases they take back (below);
//!    [`Cancellations::Drop`] leaves them out;
//! 2. lines without a customer id (when switched off: kept as one customer, `(no customer ID)`);
//! 3. exact duplicates: the whole row identical, every column, to an earlier row. Dropped by
//!    default only when an order ID column is mapped ([`ExactDuplicates::ByMapping`]): a line
//!    repeated with its order ID is a double entry, but without one two identical lines can be
//!    two purchases (a shop's `id yyyymmdd n_cds dollars` lines);
//! 4. lines whose date, or amount / quantity / unit price, is missing (always dropped).
//!
//! Dates are whole days: a date-time is floored to its day. Customer ids are the cell text, with
//! `17850.0` (integers written as floats) read as `17850`. An order is a distinct order id;
//! without an order column (or for a line without one) an order is one customer and day.
//! Spend is the amount column, else quantity × unit price; without either, the spend features
//! are absent (not zero).
//!
//! # Cancellations and returns (netted)
//! A return's spend is negative (−|spend|). Each return takes back the same customer's latest
//! earlier purchases of the same product (`netting.rs` says how it is matched). Then:
//! - `monetary` = purchases − returns, every return counted (also those that matched nothing in
//!   the file). A customer whose returns exceed their purchases in the file (returns of
//!   purchases made before it starts: 41 on Online Retail) gets monetary 0, not a negative
//!   total, and 1 in `returns_exceed_purchases` (present when at least one customer has it); the
//!   receipt and a note count them;
//! - an order counts (in `frequency`, the dates, the monthly orders) unless returns took back
//!   every line of it; a return's own order (`C536379`) is no purchase;
//! - a customer with no order left (everything returned, like Online Retail's 12346, or returns
//!   only) stays in the table with frequency 0 and monetary 0, dated by their last line, and
//!   gets the RFM segment [`NO_ORDER_SEGMENT`], not a buyer segment such as "At Risk";
//! - the spend windows hold what the customer bought in them and kept (a purchase's spend less
//!   what returns took back); the monthly revenue is net (each line in its own month).
//!
//! Predict's derived targets (`predict::derived`) use two more entry points over the same
//! cleaning: [`build_customer_table_within`] builds the table from the lines of a range of days
//! only (the lines up to a cutoff date; returns after it are unknown there), and
//! [`purchase_lines`] hands out the kept lines themselves with their net spend and whether they
//! count as an order (to count each customer's orders and spend after the cutoff).
//!
//! # Features (one row per customer, rows sorted by id: numbers by value, then text)
//! With `ref` the reference date (default: last date + 1 day) and `age` = `ref` − line date:
//! - `recency_days` = ref − last purchase; `tenure_days` = last − first purchase;
//!   `lifetime_days` = ref − first purchase;
//! - `frequency` = distinct orders; `monetary` = total spend (net of returns);
//!   `avg_order_value` = monetary / frequency; `avg_days_between_orders` = tenure_days /
//!   (frequency − 1); `single_order` = 1 when frequency ≤ 1, else 0;
//! - `distinct_products` (product column mapped): products bought and not returned in full;
//! - `return_share` = orders holding a cancellation or return line / all orders, counted on the
//!   lines before cancellations, duplicates and unreadable lines are dropped (needs an order,
//!   quantity or amount column to recognise a return);
//! - `spend_30d`, `spend_90d` = spend with age ≤ 30 / ≤ 90 days; `spend_trend` =
//!   (S₉₀ − P₉₀) / (|S₉₀| + |P₉₀|) with P₉₀ the spend with 90 < age ≤ 180: −1 = all of the last
//!   half-year's spend was in its first half, +1 = all in the recent 90 days;
//! - `r_score`, `f_score`, `m_score`: quintile scores 1–5, 5 = best (most recent, most orders,
//!   most spend); see [`rfm::quintile_scores`] for ties;
//! - `rfm_segment`: the classic segment names from R and FM = round-half-up((F + M) / 2) (F alone
//!   without spend), on this grid (a common R × FM map, where the lowest recency with low FM is
//!   `Lost` rather than `Hibernating`):
//!
//! | R \ FM | 1              | 2                   | 3                   | 4               | 5               |
//! |--------|----------------|---------------------|---------------------|-----------------|-----------------|
//! | 5      | New Customers  | Potential Loyalists | Potential Loyalists | Champions       | Champions       |
//! | 4      | Promising      | Potential Loyalists | Potential Loyalists | Loyal Customers | Loyal Customers |
//! | 3      | About to Sleep | About to Sleep      | Need Attention      | Loyal Customers | Loyal Customers |
//! | 2      | Hibernating    | Hibernating         | At Risk             | At Risk         | Can't Lose Them |
//! | 1      | Lost           | Lost                | At Risk             | At Risk         | Can't Lose Them |
//!
//! Blanks by construction are not missing data: the table keeps them blank (so the export shows
//! no invented value) and marks the feature with
//! [`FeatureMeta::undefined`](crate::core::customer_table::FeatureMeta), whose model value
//! `prep` gives them (never a median; see `prep::impute`):
//! - `avg_days_between_orders` of a customer with at most one order → 0, with `single_order`
//!   = 1 beside it, because 0 alone would read as "orders on the same day" (a real value);
//! - `spend_trend` with no spend in either window → 0, "no trend": `spend_90d` = 0 beside it
//!   already tells the rest, so no indicator;
//! - `avg_order_value` of a customer with no order left → 0 (frequency 0 tells it apart).

mod aggregate;
mod inputs;
mod lines;
mod netting;
pub mod rfm;

use serde::{Deserialize, Serialize};

use crate::core::customer_table::CustomerTable;
use crate::core::format::{iso_date, thousands};
use crate::core::receipt::ReceiptLine;
use crate::core::table::{Role, Table};

pub use rfm::RfmSegment;

/// The RFM segment of a customer with no order left (every order returned in full, or returns
/// only): none of the buyer segments describes them.
pub const NO_ORDER_SEGMENT: &str = "No Order Left";
/// The 0/1 column of customers who returned more than they bought in the file.
pub const RETURNED_MORE_COLUMN: &str = "returns_exceed_purchases";
/// The 0/1 column of customers with at most one order.
pub const SINGLE_ORDER_COLUMN: &str = "single_order";

/// Which column plays which role (column indices into the loaded table).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleMapping {
    pub customer: Option<usize>,
    pub date: Option<usize>,
    pub order: Option<usize>,
    pub quantity: Option<usize>,
    pub unit_price: Option<usize>,
    pub amount: Option<usize>,
    /// The product name / category column ([`Role::Product`]).
    pub product: Option<usize>,
    /// The product id column ([`Role::ProductId`]); when set, products are counted by it
    /// rather than by [`RoleMapping::product`] (see [`RoleMapping::product_column`]).
    #[serde(default)]
    pub product_id: Option<usize>,
}

impl RoleMapping {
    /// Mapping from the roles detected at ingest (Column.role), for the UI to pre-fill: each
    /// role to the column that holds it, the product id and the product name / category each
    /// in its own slot.
    pub fn from_roles(table: &Table) -> RoleMapping {
        RoleMapping::from_column_roles(
            table
                .columns()
                .iter()
                .enumerate()
                .map(|(index, column)| (index, column.role)),
        )
    }

    /// The same from `(column index, role)` pairs (the UI holds column summaries, not the
    /// table). The first column with a role takes it.
    pub fn from_column_roles(
        roles: impl IntoIterator<Item = (usize, Option<Role>)>,
    ) -> RoleMapping {
        let roles: Vec<(usize, Option<Role>)> = roles.into_iter().collect();
        let find = |role: Role| {
            roles
                .iter()
                .find(|(_, r)| *r == Some(role))
                .map(|(index, _)| *index)
        };
        RoleMapping {
            customer: find(Role::CustomerId),
            date: find(Role::Date),
            order: find(Role::OrderId),
            quantity: find(Role::Quantity),
            unit_price: find(Role::UnitPrice),
            amount: find(Role::Amount),
            product: find(Role::Product),
            product_id: find(Role::ProductId),
        }
    }

    /// The column products are counted by (`distinct_products`) and its role: the product id
    /// when one is mapped, else the product name / category.
    pub fn product_column(&self) -> (Role, Option<usize>) {
        match self.product_id {
            Some(index) => (Role::ProductId, Some(index)),
            None => (Role::Product, self.product),
        }
    }
}

/// What happens to cancellations and returns (see the module doc, "Cancellations and returns").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancellations {
    /// Net them against the customer's purchases: a return reduces the spend, an order whose
    /// every line was returned no longer counts as an order.
    #[default]
    Net,
    /// Leave the return lines out, as if they were not in the file (purchases keep their full
    /// spend).
    Drop,
}

/// Whether lines identical in every column to an earlier line are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExactDuplicates {
    /// Dropped only when an order ID column is mapped: then a line repeated in every column,
    /// order ID included, is a double entry; without one, two identical lines can be two
    /// purchases of the same thing on the same day.
    #[default]
    ByMapping,
    Drop,
    Keep,
}

impl ExactDuplicates {
    /// Whether exact duplicates are dropped under `mapping`.
    pub fn drops(self, mapping: &RoleMapping) -> bool {
        match self {
            ExactDuplicates::ByMapping => mapping.order.is_some(),
            ExactDuplicates::Drop => true,
            ExactDuplicates::Keep => false,
        }
    }
}

/// Line-level cleaning before aggregation; each step appears on the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineCleaning {
    /// Cancellations and returns: order ids written `C` + digit, lines with quantity ≤ 0 or a
    /// negative amount.
    #[serde(default)]
    pub cancellations: Cancellations,
    pub drop_missing_customer: bool,
    #[serde(default)]
    pub exact_duplicates: ExactDuplicates,
}

impl Default for LineCleaning {
    fn default() -> LineCleaning {
        LineCleaning {
            cancellations: Cancellations::Net,
            drop_missing_customer: true,
            exact_duplicates: ExactDuplicates::ByMapping,
        }
    }
}

impl LineCleaning {
    /// Whether exact duplicate lines are dropped under `mapping` (the one rule the build, the
    /// Explore form's switch and the CLI follow).
    pub fn drops_duplicates(&self, mapping: &RoleMapping) -> bool {
        self.exact_duplicates.drops(mapping)
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
    /// First and last purchase day of the cleaned lines (days since 1970-01-01), so a chart can
    /// say when the first or last month is only partly covered.
    pub first_day: i32,
    pub last_day: i32,
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

/// Where to fix a role, said at the end of the role messages.
const WHERE_ROLES: &str = "in the Data step's role column or in the Explore mapping";

/// Why a customer table could not be built from the lines. Each message names the column (or
/// role) and says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    #[error(
        "No column is set as the {} ('{}' role): customer features need one. Give that role to \
         the column that holds it {WHERE_ROLES}.",
        .role.title(), .role.label()
    )]
    MissingRole { role: Role },
    #[error(
        "The {} role points to column number {}, but the table has {n_cols} columns. Choose the \
         column again {WHERE_ROLES}.",
        .role.title(), .index + 1
    )]
    NoSuchColumn {
        role: Role,
        index: usize,
        n_cols: usize,
    },
    #[error(
        "Column '{column}' ({}) has no value on any line. Give the {} role to another column \
         {WHERE_ROLES}.",
        .role.title(), .role.title()
    )]
    EmptyColumn { role: Role, column: String },
    #[error(
        "Column '{column}' (the date) cannot be read as dates: {} of {} values are not dates \
         (e.g. {}). Give the Date role to another column {WHERE_ROLES}, or fix these values in \
         the file.",
        thousands(*.failed_rows as u64), thousands(*.total_rows as u64), quote_list(.examples)
    )]
    UnreadableDates {
        column: String,
        failed_rows: usize,
        total_rows: usize,
        examples: Vec<String>,
    },
    #[error(
        "Column '{column}' ({}) does not hold numbers: {} of {} values do not read as numbers \
         (e.g. {}). Give the {} role to another column {WHERE_ROLES}, or fix these values in \
         the file.",
        .role.title(), thousands(*.failed_rows as u64), thousands(*.total_rows as u64),
        quote_list(.examples), .role.title()
    )]
    NotNumeric {
        role: Role,
        column: String,
        failed_rows: usize,
        total_rows: usize,
        examples: Vec<String>,
    },
    #[error(
        "No purchase line is left after cleaning ({summary}). Check the columns chosen for the \
         customer ID ('{customer}') and the date ('{date}'), or switch off a cleaning step."
    )]
    NoLinesLeft {
        customer: String,
        date: String,
        summary: String,
    },
    #[error(
        "Only one customer ('{id}' in column '{column}') is left after cleaning: segments and \
         predictions need at least 2 customers. Check that '{column}' is the column that \
         identifies customers, or load data with more customers."
    )]
    SingleCustomer { column: String, id: String },
    #[error(
        "The reference date {} is before the first purchase ({}) in column '{column}'. Choose \
         a date on or after the last purchase ({}), or leave it empty to use {}.",
        iso(*.reference), iso(*.first), iso(*.last), iso(*.last + 1)
    )]
    ReferenceBeforeFirstPurchase {
        column: String,
        reference: i32,
        first: i32,
        last: i32,
    },
    #[error(
        "The reference date {} is before the last purchase ({}) in column '{column}': recency \
         would be negative. Choose {} or later, or leave it empty to use {}.",
        iso(*.reference), iso(*.last), iso(*.last), iso(*.last + 1)
    )]
    ReferenceBeforeLastPurchase {
        column: String,
        reference: i32,
        last: i32,
    },
}

fn iso(days: i32) -> String {
    iso_date(i64::from(days))
}

fn quote_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    quoted.join(", ")
}

/// Build the customer table from purchase lines.
///
/// `progress` receives the fraction done (0 to 1) a handful of times. Fails with a
/// [`FeatureError`] a business user can act on; never panics on user data.
pub fn build_customer_table(
    table: &Table,
    params: &FeatureParams,
    progress: &mut dyn FnMut(f64),
) -> Result<CustomerBuild, FeatureError> {
    build_lines(table, params, None, progress)
}

/// Days `first..=last` (days since 1970-01-01), both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    pub first: i32,
    pub last: i32,
}

impl DayRange {
    /// Every day up to `last`.
    pub fn until(last: i32) -> DayRange {
        DayRange {
            first: i32::MIN,
            last,
        }
    }

    pub fn contains(self, day: i32) -> bool {
        self.first <= day && day <= self.last
    }
}

/// [`build_customer_table`] on the lines dated within `days` only, as if the file held no other
/// line (rows without a readable date are left out too): Predict's derived targets build the
/// features from the lines up to a cutoff date this way, so nothing after it leaks in. Every
/// cleaning step and the receipt count only those lines.
pub fn build_customer_table_within(
    table: &Table,
    params: &FeatureParams,
    days: DayRange,
    progress: &mut dyn FnMut(f64),
) -> Result<CustomerBuild, FeatureError> {
    build_lines(table, params, Some(days), progress)
}

fn build_lines(
    table: &Table,
    params: &FeatureParams,
    days: Option<DayRange>,
    progress: &mut dyn FnMut(f64),
) -> Result<CustomerBuild, FeatureError> {
    progress(0.0);
    let inputs = inputs::Inputs::resolve(table, &params.mapping)?;
    progress(0.15);
    let cleaned = lines::clean(table, &inputs, params, days)?;
    progress(0.5);
    let build = aggregate::build(&inputs, cleaned, params, progress)?;
    progress(1.0);
    Ok(build)
}

/// One purchase line kept by the cleaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PurchaseLine {
    /// Index into [`PurchaseLines::ids`].
    pub customer: u32,
    /// The order: a code of the order column, or one key per customer and day without one.
    pub order: u64,
    /// Days since 1970-01-01.
    pub day: i32,
    /// `NaN` when the data has no spend. With netted cancellations (the default) this is net
    /// spend: a purchase line's spend less what later returns took back, and for a return line
    /// minus the part of it that matched no purchase (0 when it all did).
    pub spend: f64,
    /// The line's own spend as the file gives it, before any netting (a return's is negative):
    /// what a purchase cost on its day, whatever later returns took back. `NaN` when the data
    /// has no spend. The Value step's calibration period uses it, so that returns after the
    /// cutoff date do not reach back into it.
    pub gross_spend: f64,
    /// Whether the line belongs to an order that counts at the end of the file: false for a
    /// return line and for the lines of an order returned in full. Count orders over these
    /// lines only (or, as of an earlier day, with [`PurchaseLine::counts_as_order_on`]).
    pub counts_as_order: bool,
    /// A return (or cancellation) line.
    pub is_return: bool,
    /// The day from which the line's order no longer counts, returned in full by then; `None`
    /// while it counts to the end of the file.
    pub order_ends: Option<i32>,
    /// Index into [`PurchaseLines::products`], or [`crate::core::table::MISSING`] without a
    /// product.
    pub product: u32,
}

impl PurchaseLine {
    /// Whether the line belongs to an order that counts as of `day`: a purchase whose order
    /// was not yet returned in full by then. Returns are netted in day order, so this is what
    /// the cleaning of a file ending on `day` would say: no return after `day` is looked at.
    pub fn counts_as_order_on(&self, day: i32) -> bool {
        !self.is_return && self.order_ends.is_none_or(|ends| ends > day)
    }
}

/// The lines the customer table is built from (after the same cleaning), for figures that
/// are not customer features, such as what each customer bought after a cutoff date.
#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseLines {
    /// The customer id column's name.
    pub id_name: String,
    /// The date column's name.
    pub date_name: String,
    /// Customer ids, written as in the customer table.
    pub ids: Vec<String>,
    pub lines: Vec<PurchaseLine>,
    /// Whether spend is known (amount, or quantity × unit price).
    pub has_spend: bool,
    /// The product column's name, when one is mapped.
    pub product_name: Option<String>,
    /// The products' codes as the file writes them (what the lines' `product` index).
    pub products: Vec<String>,
}

impl PurchaseLines {
    /// First and last purchase day; `None` without lines.
    pub fn span(&self) -> Option<DayRange> {
        let first = self.lines.iter().map(|l| l.day).min()?;
        let last = self.lines.iter().map(|l| l.day).max()?;
        Some(DayRange { first, last })
    }
}

/// The kept purchase lines, cleaned as [`build_customer_table`] cleans them.
pub fn purchase_lines(
    table: &Table,
    params: &FeatureParams,
) -> Result<PurchaseLines, FeatureError> {
    let inputs = inputs::Inputs::resolve(table, &params.mapping)?;
    let cleaned = lines::clean(table, &inputs, params, None)?;
    let mut ids = inputs.customer_ids.clone();
    // Lines without a customer id, when kept, belong to one more customer.
    ids.push(inputs::NO_CUSTOMER_ID.to_string());
    let lines = cleaned
        .lines
        .iter()
        .filter(|l| l.kept)
        .map(|l| PurchaseLine {
            customer: l.customer,
            order: l.order,
            day: l.day,
            spend: if !inputs.has_spend() {
                f64::NAN
            } else if l.cancellation {
                -l.left
            } else {
                l.left
            },
            gross_spend: if inputs.has_spend() {
                l.spend
            } else {
                f64::NAN
            },
            counts_as_order: !l.cancellation && l.order_stands,
            is_return: l.cancellation,
            order_ends: l.order_ends,
            product: l.product,
        })
        .collect();
    Ok(PurchaseLines {
        id_name: inputs.customer.name.clone(),
        date_name: inputs.date.name.clone(),
        ids,
        lines,
        has_spend: inputs.has_spend(),
        product_name: inputs.product.map(|p| p.name.clone()),
        products: inputs
            .product
            .map(|p| p.dict.iter().map(|d| d.to_string()).collect())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;
