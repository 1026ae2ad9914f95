//! Derived targets from purchase lines: churn, buying again, a one-time buyer's return and high
//! spender, built so that no feature knows anything that happened after the moment the
//! prediction is made.
//!
//! Every derived target splits time at a **cutoff date** C and looks at a **window** of N days
//! after it (default: N = 90 and C = the last purchase date − N, so the window ends where the
//! data ends):
//! - the **features** are the customer table of the Explore step built again from the purchase
//!   lines dated ≤ C only ([`features::build_customer_table_within`], same roles and cleaning),
//!   with the reference date C + 1 day, exactly as the full table uses the day after its last
//!   purchase: recency 1 = bought on the cutoff day;
//! - the **customers** are those with at least one purchase up to C (a customer whose first
//!   purchase comes after C has no history to learn from and is not in the table);
//! - the **label** comes only from the lines in the window (C, C + N]:
//!   - **churn** (`churn` = `churned` / `active`): no order in the window;
//!   - **buys again in the window (all customers)** (`buys_again` = `buys again` / `no order`):
//!     at least one order in the window, for every customer — the question an analyst asks,
//!     "will this customer buy again?", and exactly the opposite of churn (same customers,
//!     labels swapped), offered under its own name so nobody has to find it as "not churned";
//!   - **one-time buyer returns** (`one_time_buyer_returns` = `orders again` / `no second
//!     order`): only the customers with exactly one order up to C, and whether a second order
//!     follows in the window — a different, smaller population (refused when there are too
//!     few of them);
//!   - **high spender** (`high_spender` = `high spender` / `other`): the customer's spend in the
//!     window is among the top X % (default 20 %) of all customers of the table. Total spend up
//!     to C is a feature (monetary), so the label must come from later spend, or it would be
//!     read off a feature. Customers who spend nothing in the window are never high spenders;
//!     customers tied at the threshold all are (so slightly more than X % can be).
//!
//! What counts as an order, and its day and spend, is decided in one place
//! ([`customer_orders`]): the window labels, the one-time buyers and the population sizes the
//! form shows beside each choice ([`CutoffPopulations`], for every possible cutoff at once, so
//! moving the cutoff needs no new pass over the lines) all count from it.
//!
//! The segments of the Segment step are never a feature of a derived target: they were found on
//! the customer table of the whole period, which includes the purchases after the cutoff.
//!
//! Refused with a [`DerivedError`] that says what to change: data without purchase dates (a
//! customer table, or no Date role), high spender without spend, a window of 0 days, a top
//! share outside 0…100 %, a cutoff before the first purchase, a window that runs past the last
//! purchase (customers would look churned because the data stops), fewer than
//! [`MIN_CUSTOMERS`] customers (or one-time buyers), fewer than [`MIN_PER_CLASS`] customers in
//! either outcome. Pure Rust: no web-sys; never panics on user data.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
use crate::core::features::{
    self, DayRange, FeatureError, FeatureParams, PurchaseLine, PurchaseLines,
};
use crate::core::format::{self, iso_date, thousands};
use crate::core::predict::run::PredictParams;
use crate::core::predict::target::TargetSpec;
use crate::core::table::{Table, MISSING};

/// Days after the cutoff that decide the label, unless chosen.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
/// High spender: the share of customers (in %) with the highest spend in the window.
pub const DEFAULT_TOP_PERCENT: f64 = 20.0;
/// Fewest customers (one-time buyers for one-time buyer returns) a derived target is built for.
pub const MIN_CUSTOMERS: usize = 50;
/// Fewest customers of each outcome.
pub const MIN_PER_CLASS: usize = 10;

/// Which target to derive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DerivedKind {
    /// No order in the window.
    Churn,
    /// At least one order in the window, among every customer (the opposite of churn).
    BuysAgain,
    /// Customers with exactly one order up to the cutoff who order again in the window.
    OneTimeReturns,
    /// Spend in the window among the top `top_percent` % of the customers.
    HighSpender { top_percent: f64 },
}

/// A `--derive` name that names no derived target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerivedKeyError {
    #[error(
        "'{0}' could mean two targets: buys-again (every customer: at least one order in the \
         window after the cutoff) or one-time-returns (only customers with exactly one order up \
         to the cutoff: a second order in the window). Choose one of them"
    )]
    Ambiguous(String),
    #[error("'{0}' is unknown: use churn, buys-again, one-time-returns or high-spender")]
    Unknown(String),
}

impl DerivedKind {
    /// Every kind, in the order the form and the help list them (high spender with the default
    /// share).
    pub const ALL: [DerivedKind; 4] = [
        DerivedKind::Churn,
        DerivedKind::BuysAgain,
        DerivedKind::OneTimeReturns,
        DerivedKind::HighSpender {
            top_percent: DEFAULT_TOP_PERCENT,
        },
    ];

    /// The CLI's name: `churn`, `buys-again`, `one-time-returns`, `high-spender`.
    pub fn key(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "churn",
            DerivedKind::BuysAgain => "buys-again",
            DerivedKind::OneTimeReturns => "one-time-returns",
            DerivedKind::HighSpender { .. } => "high-spender",
        }
    }

    /// The kind named `key` (high spender with the default share). `repeat` is refused: it
    /// could mean either of the two "buys again" targets.
    pub fn from_key(key: &str) -> Result<DerivedKind, DerivedKeyError> {
        let wanted = key.trim().to_lowercase().replace(['_', ' '], "-");
        match wanted.as_str() {
            "repeat" | "repeat-purchase" | "repeat-buyer" => {
                Err(DerivedKeyError::Ambiguous(key.to_string()))
            }
            _ => DerivedKind::ALL
                .into_iter()
                .find(|k| k.key() == wanted)
                .ok_or_else(|| DerivedKeyError::Unknown(key.to_string())),
        }
    }

    /// The name the form and the report give the target.
    pub fn title(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "Churn",
            DerivedKind::BuysAgain => "Buys again in the window (all customers)",
            DerivedKind::OneTimeReturns => "One-time buyer returns",
            DerivedKind::HighSpender { .. } => "High spender",
        }
    }

    /// The label column added to the customer table.
    pub fn column(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "churn",
            DerivedKind::BuysAgain => "buys_again",
            DerivedKind::OneTimeReturns => "one_time_buyer_returns",
            DerivedKind::HighSpender { .. } => "high_spender",
        }
    }

    /// The positive and the negative value of the label.
    pub fn values(&self) -> (&'static str, &'static str) {
        match self {
            DerivedKind::Churn => ("churned", "active"),
            DerivedKind::BuysAgain => ("buys again", "no order"),
            DerivedKind::OneTimeReturns => ("orders again", "no second order"),
            DerivedKind::HighSpender { .. } => ("high spender", "other"),
        }
    }

    /// Whether the target is about one-time buyers only (else every customer up to the cutoff).
    pub fn one_time_buyers_only(&self) -> bool {
        matches!(self, DerivedKind::OneTimeReturns)
    }
}

/// A derived target as the user chose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedTarget {
    pub kind: DerivedKind,
    /// The last day whose purchases feed the features (days since 1970-01-01); `None` = the
    /// last purchase date − `window_days`.
    #[serde(default)]
    pub cutoff: Option<i32>,
    /// Days after the cutoff that decide the label.
    #[serde(default = "default_window_days")]
    pub window_days: u32,
}

fn default_window_days() -> u32 {
    DEFAULT_WINDOW_DAYS
}

impl DerivedTarget {
    /// `kind` with the default cutoff and window.
    pub fn new(kind: DerivedKind) -> DerivedTarget {
        DerivedTarget {
            kind,
            cutoff: None,
            window_days: DEFAULT_WINDOW_DAYS,
        }
    }
}

/// What the Predict form needs to offer derived targets (purchase lines with dates only).
/// For a window of N days the cutoff can be any day from `first_day` to `last_day` − N.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedSetup {
    /// First and last purchase day of the cleaned lines (days since 1970-01-01) and as ISO
    /// dates.
    pub first_day: i32,
    pub last_day: i32,
    pub first_date: String,
    pub last_date: String,
    pub default_window_days: u32,
    /// `last_day` − `default_window_days` (may be before `first_day` for short data: then
    /// `problem` says so).
    pub default_cutoff: i32,
    pub default_cutoff_date: String,
    pub default_top_percent: f64,
    /// Whether spend is known, which high spender needs.
    pub has_spend: bool,
    /// Why the default cutoff and window cannot be used (data shorter than the window).
    pub problem: Option<String>,
    /// The customers each target is about, for any cutoff ([`DerivedSetup::population`]).
    #[serde(default)]
    pub populations: CutoffPopulations,
}

impl DerivedSetup {
    /// The choices for purchase lines from `span.first` to `span.last`.
    pub fn new(span: DayRange, has_spend: bool, populations: CutoffPopulations) -> DerivedSetup {
        let target = DerivedTarget::new(DerivedKind::Churn);
        let default_cutoff = default_cutoff(span, DEFAULT_WINDOW_DAYS);
        DerivedSetup {
            first_day: span.first,
            last_day: span.last,
            first_date: iso(span.first),
            last_date: iso(span.last),
            default_window_days: DEFAULT_WINDOW_DAYS,
            default_cutoff,
            default_cutoff_date: iso(default_cutoff),
            default_top_percent: DEFAULT_TOP_PERCENT,
            has_spend,
            problem: check_dates(span, &target).err().map(|e| e.to_string()),
            populations,
        }
    }

    /// The choices for the cleaned purchase lines `purchases`; `None` without lines.
    pub fn from_lines(purchases: &PurchaseLines) -> Option<DerivedSetup> {
        let span = purchases.span()?;
        Some(DerivedSetup::new(
            span,
            purchases.has_spend,
            CutoffPopulations::from_lines(purchases),
        ))
    }

    /// How many customers `kind` is about with the cutoff `cutoff`.
    pub fn population(&self, kind: &DerivedKind, cutoff: i32) -> usize {
        let at = self.populations.at(cutoff);
        if kind.one_time_buyers_only() {
            at.one_time_buyers
        } else {
            at.customers
        }
    }
}

/// The customers with a history at each purchase day: `days` ascending, and for each the
/// customers with at least one order up to that day and those with exactly one. Small (one
/// entry per day on which some customer's first or second order falls), so the form can say
/// the population beside every choice for whatever cutoff is typed, without asking the worker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CutoffPopulations {
    pub days: Vec<i32>,
    pub customers: Vec<u32>,
    pub one_time_buyers: Vec<u32>,
}

/// The customers a derived target is about at one cutoff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Population {
    /// Customers with at least one order up to the cutoff (churn, buys again, high spender).
    pub customers: usize,
    /// Customers with exactly one order up to the cutoff (one-time buyer returns).
    pub one_time_buyers: usize,
}

impl CutoffPopulations {
    /// Count from the orders of `purchases` ([`customer_orders`]): at each day, the customers
    /// with at least one order (and with exactly one) that counts as of that day — an order
    /// counts from its day until it is returned in full, so no return after a cutoff changes
    /// the population at that cutoff.
    pub fn from_lines(purchases: &PurchaseLines) -> CutoffPopulations {
        let orders = customer_orders(purchases, DayRange::until(i32::MAX));
        // (day, change of customers, change of one-time buyers)
        let mut events: Vec<(i32, i64, i64)> = Vec::new();
        // One customer's orders: +1 on an order's day, −1 from the day it was returned in full.
        let mut changes: Vec<(i32, i64)> = Vec::new();
        for group in orders.chunk_by(|a, b| a.customer == b.customer) {
            changes.clear();
            for order in group {
                match (order.ends, order.counts_as_order) {
                    // Returns only: never an order.
                    (None, false) => {}
                    (None, true) => changes.push((order.day, 1)),
                    // Returned in full on or after its own day.
                    (Some(ends), _) => {
                        changes.push((order.day, 1));
                        changes.push((ends, -1));
                    }
                }
            }
            changes.sort_unstable();
            let mut count = 0i64;
            for same_day in changes.chunk_by(|a, b| a.0 == b.0) {
                let before = count;
                count += same_day.iter().map(|c| c.1).sum::<i64>();
                let is_customer = |n: i64| i64::from(n > 0);
                let is_one_time = |n: i64| i64::from(n == 1);
                let (customers, one_time) = (
                    is_customer(count) - is_customer(before),
                    is_one_time(count) - is_one_time(before),
                );
                if let Some(&(day, _)) = same_day.first() {
                    if customers != 0 || one_time != 0 {
                        events.push((day, customers, one_time));
                    }
                }
            }
        }
        events.sort_unstable_by_key(|e| e.0);
        let mut out = CutoffPopulations::default();
        let (mut customers, mut one_time) = (0i64, 0i64);
        for same_day in events.chunk_by(|a, b| a.0 == b.0) {
            for (_, c, o) in same_day {
                customers += c;
                one_time += o;
            }
            if let Some(&(day, _, _)) = same_day.first() {
                out.days.push(day);
                out.customers.push(u32::try_from(customers).unwrap_or(0));
                out.one_time_buyers
                    .push(u32::try_from(one_time).unwrap_or(0));
            }
        }
        out
    }

    /// The population with the cutoff `cutoff` (the counts of the last day on or before it).
    pub fn at(&self, cutoff: i32) -> Population {
        let upto = self.days.partition_point(|&d| d <= cutoff);
        let Some(index) = upto.checked_sub(1) else {
            return Population::default();
        };
        let count = |v: &[u32]| v.get(index).map_or(0, |&n| n as usize);
        Population {
            customers: count(&self.customers),
            one_time_buyers: count(&self.one_time_buyers),
        }
    }
}

/// What a derived target came to, for reports and views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedSummary {
    pub kind: DerivedKind,
    /// The label column and its values.
    pub column: String,
    pub positive: String,
    pub negative: String,
    /// Days since 1970-01-01, and as ISO dates.
    pub cutoff: i32,
    pub cutoff_date: String,
    pub window_days: u32,
    /// The last day of the window (cutoff + window_days).
    pub window_end_date: String,
    pub first_date: String,
    pub last_date: String,
    /// Customers with a label (the one-time buyers for one-time buyer returns) and how many are
    /// positive.
    pub n_customers: usize,
    pub n_positive: usize,
    /// Purchase lines dated up to the cutoff (the features' lines).
    pub lines_before_cutoff: u64,
    /// Customers whose first purchase is after the cutoff (not in the table).
    pub n_new_after_cutoff: usize,
    /// High spender: the least window spend that counts.
    pub spend_threshold: Option<f64>,
}

/// A derived target: the customer table to learn from and what to predict in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Features from the lines up to the cutoff, plus the label column (the target).
    pub customers: CustomerTable,
    pub target: TargetSpec,
    pub summary: DerivedSummary,
    /// The definition and the counts, for the report.
    pub notes: Vec<String>,
}

impl Derived {
    /// `params` with the target set to the derived label (the rest unchanged).
    pub fn params(&self, params: PredictParams) -> PredictParams {
        PredictParams {
            target: self.target.clone(),
            ..params
        }
    }
}

/// Where to set the roles, said in the role messages.
const WHERE_ROLES: &str = "in the Data step's role column or in the Explore mapping";

/// A derived target cannot be built; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DerivedError {
    #[error(
        "Churn, buying again, one-time buyer returns and high spender are derived from purchase \
         lines over time, but \
         this data is a customer table (one row per customer). Load a file of purchase lines \
         (customer ID, date, amount), or predict one of the table's two-valued columns instead."
    )]
    NotTransactions,
    #[error(
        "Churn, buying again, one-time buyer returns and high spender need the date of every \
         purchase, but no column \
         has the Date role. Give it to the column with the purchase dates {WHERE_ROLES}, or \
         predict a two-valued column instead."
    )]
    NoDates,
    #[error(
        "High spender needs what each purchase cost, but no amount column (nor quantity and unit \
         price) is set. Give the Amount role (or Quantity and Unit price) to those columns \
         {WHERE_ROLES}, or predict churn or buying again, which need only dates."
    )]
    NoSpend,
    #[error(
        "The window after the cutoff must be at least 1 day long. 90 days is the usual choice."
    )]
    EmptyWindow,
    #[error(
        "The high-spender share must be more than 0 % and less than 100 % (it is {percent} %). \
         20 % is the usual choice."
    )]
    BadTopPercent { percent: f64 },
    #[error(
        "The purchases span only {} days ({} to {}), no more than the {window_days}-day window \
         after the cutoff: no cutoff leaves both a history and a full window. Choose a window \
         shorter than {} days.",
        thousands(span_days(*.first, *.last)), iso(*.first), iso(*.last),
        thousands(span_days(*.first, *.last))
    )]
    DataShorterThanWindow {
        first: i32,
        last: i32,
        window_days: u32,
    },
    #[error(
        "The cutoff date {} is before the first purchase ({}): no customer has a history before \
         it. Choose a cutoff from {} to {} (the last purchase, {}, minus the {window_days}-day \
         window).",
        iso(*.cutoff), iso(*.first), iso(*.first), iso(*.latest), iso(*.last)
    )]
    CutoffBeforeFirst {
        cutoff: i32,
        first: i32,
        last: i32,
        latest: i32,
        window_days: u32,
    },
    #[error(
        "The {window_days}-day window after the cutoff {} ends on {}, after the last purchase in \
         the data ({}): customers would look as if they stopped buying only because the data \
         stops. Choose a cutoff on or before {}, or a window of at most {} days.",
        iso(*.cutoff), iso(*.window_end), iso(*.last), iso(*.latest),
        thousands(span_days(*.cutoff, *.last).saturating_sub(1))
    )]
    WindowPastLast {
        cutoff: i32,
        window_days: u32,
        window_end: i64,
        last: i32,
        latest: i32,
    },
    #[error(
        "Only {} customers bought up to the cutoff {}: a model needs at least {needed}. Choose a \
         later cutoff (at most {}).",
        thousands(*.found as u64), iso(*.cutoff), iso(*.latest)
    )]
    TooFewCustomers {
        found: usize,
        needed: usize,
        cutoff: i32,
        latest: i32,
    },
    #[error(
        "One-time buyer returns is about customers with exactly one order up to the cutoff, \
         and only {} of the {} customers up to {} had one order: a model needs at least \
         {needed}. Choose another cutoff, or predict 'Buys again in the window (all \
         customers)', which uses every customer.",
        thousands(*.found as u64), thousands(*.customers as u64), iso(*.cutoff)
    )]
    TooFewOneTimeBuyers {
        found: usize,
        customers: usize,
        needed: usize,
        cutoff: i32,
    },
    #[error(
        "Only {} of the {} customers are '{value}' ({meaning}): a model needs at least {needed} \
         of each outcome. {advice}",
        thousands(*.found as u64), thousands(*.total as u64)
    )]
    TooFewInClass {
        value: String,
        meaning: String,
        found: usize,
        total: usize,
        needed: usize,
        advice: String,
    },
    #[error(transparent)]
    Features(#[from] FeatureError),
}

fn iso(days: impl Into<i64>) -> String {
    iso_date(days.into())
}

/// Days from `first` to `last`, both included.
fn span_days(first: i32, last: i32) -> u64 {
    u64::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(0)
}

fn default_cutoff(span: DayRange, window_days: u32) -> i32 {
    let cutoff = i64::from(span.last) - i64::from(window_days);
    i32::try_from(cutoff).unwrap_or(i32::MIN)
}

/// The cutoff to use, checked against the span of the purchases: at least the first purchase
/// day, and the window must end on or before the last purchase day.
fn check_dates(span: DayRange, target: &DerivedTarget) -> Result<i32, DerivedError> {
    let window_days = target.window_days;
    if window_days == 0 {
        return Err(DerivedError::EmptyWindow);
    }
    if let DerivedKind::HighSpender { top_percent } = target.kind {
        if !(top_percent > 0.0 && top_percent < 100.0) {
            return Err(DerivedError::BadTopPercent {
                percent: top_percent,
            });
        }
    }
    let latest = default_cutoff(span, window_days);
    if latest < span.first {
        return Err(DerivedError::DataShorterThanWindow {
            first: span.first,
            last: span.last,
            window_days,
        });
    }
    let cutoff = target.cutoff.unwrap_or(latest);
    if cutoff < span.first {
        return Err(DerivedError::CutoffBeforeFirst {
            cutoff,
            first: span.first,
            last: span.last,
            latest,
            window_days,
        });
    }
    let window_end = i64::from(cutoff) + i64::from(window_days);
    if window_end > i64::from(span.last) {
        return Err(DerivedError::WindowPastLast {
            cutoff,
            window_days,
            window_end,
            last: span.last,
            latest,
        });
    }
    Ok(cutoff)
}

/// One order of one customer: the first day of its lines and what they cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerOrder {
    /// Index into [`PurchaseLines::ids`].
    pub customer: u32,
    pub day: i32,
    /// 0 when the data has no spend; net of the returns among its lines.
    pub spend: f64,
    /// Whether it counts as an order as of the last of the days asked for: it holds a
    /// purchase not yet taken back in full by then (an order of returns only, or one returned
    /// in full, moves spend but is no order). Returns after that day are not looked at.
    pub counts_as_order: bool,
    /// The day from which it no longer counts (returned in full), `None` while it counts to
    /// the end of the file.
    pub ends: Option<i32>,
}

/// The orders among the lines dated within `days`, by customer (ascending customer index).
/// The one place that decides what counts as an order: the distinct order keys of the lines
/// the cleaning kept (an order without an order column is a customer's day). The labels in the
/// window, the one-time buyers and the populations all count from here.
pub fn customer_orders(purchases: &PurchaseLines, days: DayRange) -> Vec<CustomerOrder> {
    let mut lines: Vec<&PurchaseLine> = purchases
        .lines
        .iter()
        .filter(|l| days.contains(l.day))
        .collect();
    lines.sort_unstable_by_key(|l| (l.customer, l.order));
    lines
        .chunk_by(|a, b| a.customer == b.customer && a.order == b.order)
        .filter_map(|order| {
            let first = order.first()?;
            Some(CustomerOrder {
                customer: first.customer,
                day: order.iter().map(|l| l.day).min()?,
                spend: if purchases.has_spend {
                    order.iter().map(|l| l.spend).sum()
                } else {
                    0.0
                },
                counts_as_order: order.iter().any(|l| l.counts_as_order_on(days.last)),
                ends: order
                    .iter()
                    .filter(|l| !l.is_return)
                    .map(|l| l.order_ends)
                    .max()
                    .flatten(),
            })
        })
        .collect()
}

/// Orders and spend of one customer within some days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Activity {
    orders: u32,
    spend: f64,
}

/// Orders and spend per customer id over the orders ([`customer_orders`]) within `days`.
fn activity_within(purchases: &PurchaseLines, days: DayRange) -> FxHashMap<&str, Activity> {
    let mut out: FxHashMap<&str, Activity> = FxHashMap::default();
    for order in customer_orders(purchases, days) {
        let Some(id) = purchases.ids.get(order.customer as usize) else {
            continue;
        };
        let activity = out.entry(id.as_str()).or_default();
        if order.counts_as_order {
            activity.orders = activity.orders.saturating_add(1);
        }
        activity.spend += order.spend;
    }
    out
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1} %", 100.0 * part as f64 / whole.max(1) as f64)
}

/// Build the customer table of a derived target from the loaded purchase lines.
///
/// `features` are the Explore step's roles and cleaning (its reference date is not used: the
/// derived table measures from the cutoff). `progress` receives the fraction done (0 to 1).
pub fn derive(
    table: &Table,
    features: &FeatureParams,
    target: &DerivedTarget,
    progress: &mut dyn FnMut(f64),
) -> Result<Derived, DerivedError> {
    if features.mapping.date.is_none() {
        return Err(DerivedError::NoDates);
    }
    progress(0.0);
    let purchases = features::purchase_lines(table, features)?;
    if matches!(target.kind, DerivedKind::HighSpender { .. }) && !purchases.has_spend {
        return Err(DerivedError::NoSpend);
    }
    let Some(span) = purchases.span() else {
        // No line survives the cleaning: the customer table build says why.
        features::build_customer_table(table, features, &mut |_| {})?;
        return Err(DerivedError::TooFewCustomers {
            found: 0,
            needed: MIN_CUSTOMERS,
            cutoff: target.cutoff.unwrap_or(0),
            latest: 0,
        });
    };
    let cutoff = check_dates(span, target)?;
    let latest = default_cutoff(span, target.window_days);
    let window_last =
        i32::try_from(i64::from(cutoff) + i64::from(target.window_days)).unwrap_or(span.last);
    let window = DayRange {
        first: cutoff.saturating_add(1),
        last: window_last,
    };
    progress(0.3);

    // The features: the lines up to the cutoff only, recency measured from the day after it.
    let before_params = FeatureParams {
        reference_date: Some(cutoff.saturating_add(1)),
        ..features.clone()
    };
    let too_few = |found: usize| DerivedError::TooFewCustomers {
        found,
        needed: MIN_CUSTOMERS,
        cutoff,
        latest,
    };
    let before = match features::build_customer_table_within(
        table,
        &before_params,
        DayRange::until(cutoff),
        &mut |f| progress(0.3 + 0.6 * f),
    ) {
        Ok(before) => before,
        Err(FeatureError::SingleCustomer { .. }) => return Err(too_few(1)),
        Err(FeatureError::NoLinesLeft { .. }) => return Err(too_few(0)),
        Err(other) => return Err(other.into()),
    };
    let mut customers = before.customers;
    // Customers whose every order up to the cutoff was returned in full have no purchase to
    // learn from (and are not counted in the cutoff's population): left out.
    let history = activity_within(&purchases, DayRange::until(cutoff));
    let with_orders: Vec<usize> = customers
        .ids
        .iter()
        .enumerate()
        .filter(|(_, id)| history.get(id.as_str()).is_some_and(|a| a.orders > 0))
        .map(|(row, _)| row)
        .collect();
    let n_all_returned = customers.n_rows() - with_orders.len();
    if n_all_returned > 0 {
        customers = customers.select_rows(&with_orders);
    }
    if customers.n_rows() < MIN_CUSTOMERS {
        return Err(too_few(customers.n_rows()));
    }
    let n_before = customers.n_rows();
    let activity = activity_within(&purchases, window);
    // New in the window: no line at all up to the cutoff (kept lines of returns included).
    let n_new = activity
        .keys()
        .filter(|id| !history.contains_key(*id))
        .count();
    let activity_of = |id: &str| activity.get(id).copied().unwrap_or_default();

    let kind = &target.kind;
    let (positive, negative) = kind.values();
    let window_text = format!(
        "{} to {}, the {} days after the cutoff {}",
        iso(window.first),
        iso(window.last),
        target.window_days,
        iso(cutoff)
    );
    let mut spend_threshold = None;
    let mut label_notes = Vec::new();
    let (labels, meaning): (Vec<bool>, String) = match kind {
        DerivedKind::Churn => (
            customers
                .ids
                .iter()
                .map(|id| activity_of(id).orders == 0)
                .collect(),
            format!("no order from {window_text}"),
        ),
        DerivedKind::BuysAgain => (
            customers
                .ids
                .iter()
                .map(|id| activity_of(id).orders > 0)
                .collect(),
            format!("at least one order from {window_text}"),
        ),
        DerivedKind::OneTimeReturns => {
            let one_time: Vec<usize> = customers
                .ids
                .iter()
                .enumerate()
                .filter(|(_, id)| history.get(id.as_str()).is_some_and(|a| a.orders == 1))
                .map(|(row, _)| row)
                .collect();
            if one_time.len() < MIN_CUSTOMERS {
                return Err(DerivedError::TooFewOneTimeBuyers {
                    found: one_time.len(),
                    customers: n_before,
                    needed: MIN_CUSTOMERS,
                    cutoff,
                });
            }
            label_notes.push(format!(
                "One-time buyer returns is about the {} customers with exactly one order up to \
                 {} ({} of the {} customers); customers with more orders are left out. For \
                 every customer, predict 'Buys again in the window (all customers)'.",
                thousands(one_time.len() as u64),
                iso(cutoff),
                percent(one_time.len(), n_before),
                thousands(n_before as u64)
            ));
            customers = customers.select_rows(&one_time);
            (
                customers
                    .ids
                    .iter()
                    .map(|id| activity_of(id).orders > 0)
                    .collect(),
                format!("a second order from {window_text}"),
            )
        }
        DerivedKind::HighSpender { top_percent } => {
            let spends: Vec<f64> = customers
                .ids
                .iter()
                .map(|id| activity_of(id).spend)
                .collect();
            let n = spends.len();
            // The smallest count of at least X % (a hair below, so 20 % of 60 is 12, not 13).
            let wanted = ((top_percent * n as f64 / 100.0) - 1e-9).ceil().max(1.0) as usize;
            let mut sorted: Vec<f64> = spends.iter().copied().filter(|s| *s > 0.0).collect();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let buyers = sorted.len();
            let threshold = sorted
                .get(wanted.saturating_sub(1))
                .or(sorted.last())
                .copied()
                .unwrap_or(f64::INFINITY);
            if buyers > 0 && buyers < wanted {
                label_notes.push(format!(
                    "Only {} customers spent anything from {} to {}, fewer than the top {} % ({}): \
                     every one of them counts as a high spender.",
                    thousands(buyers as u64),
                    iso(window.first),
                    iso(window.last),
                    top_percent,
                    thousands(wanted as u64)
                ));
            }
            if threshold.is_finite() {
                spend_threshold = Some(threshold);
            }
            (
                spends.iter().map(|&s| s > 0.0 && s >= threshold).collect(),
                format!(
                    "spend from {window_text} among the top {top_percent} % of the customers{}",
                    spend_threshold
                        .map(|t| format!(", at least {}", format::number(t)))
                        .unwrap_or_default()
                ),
            )
        }
    };
    let total = labels.len();
    let n_positive = labels.iter().filter(|&&l| l).count();
    let n_negative = total - n_positive;
    for (value, found, is_positive) in [(positive, n_positive, true), (negative, n_negative, false)]
    {
        if found < MIN_PER_CLASS {
            return Err(DerivedError::TooFewInClass {
                value: value.to_string(),
                meaning: if is_positive {
                    meaning.clone()
                } else {
                    format!("not {positive}")
                },
                found,
                total,
                needed: MIN_PER_CLASS,
                advice: advice(kind, is_positive).to_string(),
            });
        }
    }

    let column = kind.column().to_string();
    customers.features.push(Feature {
        name: column.clone(),
        description: format!("{}: {positive} = {meaning}.", kind.title()),
        values: FeatureValues::Categorical {
            levels: vec![positive.to_string(), negative.to_string()],
            codes: labels
                .iter()
                .map(|&l| if l { 0 } else { 1 })
                .chain(std::iter::repeat(MISSING))
                .take(customers.n_rows())
                .collect(),
        },
        meta: Default::default(),
    });

    let mut notes = vec![format!(
        "{}: {column} = {positive} means {meaning}: {} of {} customers ({}).",
        kind.title(),
        thousands(n_positive as u64),
        thousands(total as u64),
        percent(n_positive, total)
    )];
    notes.extend(label_notes);
    notes.push(format!(
        "Features come only from the {} purchase lines dated up to the cutoff {} (recency \
         counted from {}), so each is known before the outcome: a leakage warning flags a \
         strong predictor here, not a leak. The purchases after the cutoff only make the label.",
        thousands(before.lines_used),
        iso(cutoff),
        iso(cutoff.saturating_add(1))
    ));
    if n_all_returned > 0 {
        notes.push(format!(
            "{} customers whose every order up to the cutoff was returned in full are not in \
             the table: they have no purchase to learn from.",
            thousands(n_all_returned as u64)
        ));
    }
    if n_new > 0 {
        notes.push(format!(
            "{} customers whose first purchase is after the cutoff are not in the table: they \
             have no history to learn from.",
            thousands(n_new as u64)
        ));
    }
    if features.reference_date.is_some() {
        notes.push(
            "The reference date chosen in the Explore step is not used: recency is counted \
             from the cutoff."
                .to_string(),
        );
    }
    notes.push(
        "Segments, if the Segment step has run, are not a feature here: they were found on the \
         whole period's customer table, which holds the purchases after the cutoff."
            .to_string(),
    );
    progress(1.0);
    Ok(Derived {
        target: TargetSpec {
            column: column.clone(),
            positive: Some(positive.to_string()),
        },
        summary: DerivedSummary {
            kind: kind.clone(),
            column,
            positive: positive.to_string(),
            negative: negative.to_string(),
            cutoff,
            cutoff_date: iso(cutoff),
            window_days: target.window_days,
            window_end_date: iso(window.last),
            first_date: iso(span.first),
            last_date: iso(span.last),
            n_customers: total,
            n_positive,
            lines_before_cutoff: before.lines_used,
            n_new_after_cutoff: n_new,
            spend_threshold,
        },
        customers,
        notes,
    })
}

/// What to change when the outcome `positive` (or the other one) is too rare.
fn advice(kind: &DerivedKind, positive: bool) -> &'static str {
    match (kind, positive) {
        (DerivedKind::Churn, true) => "Choose a shorter window, so more customers go quiet in it.",
        (DerivedKind::Churn, false) => "Choose a longer window, so more customers buy again in it.",
        (DerivedKind::BuysAgain, true) => "Choose a longer window, so more customers buy in it.",
        (DerivedKind::BuysAgain, false) => "Choose a shorter window, so fewer customers buy in it.",
        (DerivedKind::OneTimeReturns, true) => {
            "Choose a longer window, so more one-time buyers come back in it."
        }
        (DerivedKind::OneTimeReturns, false) => {
            "Choose a shorter window, so fewer one-time buyers come back in it."
        }
        (DerivedKind::HighSpender { .. }, true) => {
            "Choose a larger top share or a longer window, so more customers spend in it."
        }
        (DerivedKind::HighSpender { .. }, false) => "Choose a smaller top share.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::features::RoleMapping;
    use crate::core::ingest::{ingest_bytes, IngestOptions};

    fn load(csv: &str) -> Table {
        ingest_bytes(csv.as_bytes(), &IngestOptions::default())
            .unwrap()
            .table
    }

    fn params(table: &Table) -> FeatureParams {
        FeatureParams {
            mapping: RoleMapping::from_roles(table),
            ..FeatureParams::default()
        }
    }

    /// `n` customers buying on 2020-01-01 (+ their number of days, up to 9), and every
    /// `every`-th of them again on 2020-03-01 for 10 × its number.
    fn lines(n: usize, every: usize) -> String {
        let mut csv = String::from("customer_id,order_id,date,amount\n");
        for c in 0..n {
            csv.push_str(&format!("C{c},A{c},2020-01-0{},5\n", 1 + c % 9));
            if c % every == 0 {
                csv.push_str(&format!("C{c},B{c},2020-03-01,{}\n", 10 * (c + 1)));
            }
        }
        csv.push_str("X,Z,2020-03-31,1\n");
        csv
    }

    #[test]
    fn churn_uses_only_lines_up_to_the_cutoff() {
        let table = load(&lines(60, 3));
        let p = params(&table);
        let target = DerivedTarget {
            kind: DerivedKind::Churn,
            cutoff: None,
            window_days: 60,
        };
        let derived = derive(&table, &p, &target, &mut |_| {}).unwrap();
        // The last purchase is on 2020-03-31; the cutoff is 60 days earlier.
        assert_eq!(derived.summary.cutoff_date, "2020-01-31");
        assert_eq!(derived.summary.window_end_date, "2020-03-31");
        assert_eq!(derived.customers.n_rows(), 60);
        assert_eq!(derived.summary.n_positive, 40);
        assert_eq!(derived.summary.n_new_after_cutoff, 1);
        let monetary = match &derived.customers.feature("monetary").unwrap().values {
            FeatureValues::Numeric(v) => v.clone(),
            _ => panic!(),
        };
        assert!(monetary.iter().all(|&m| m == 5.0));
        assert_eq!(
            derived.target,
            TargetSpec {
                column: "churn".into(),
                positive: Some("churned".into())
            }
        );
    }

    /// A return after the cutoff takes back an order before it: at the cutoff that order
    /// still counted (a file ending on the cutoff would say so), so neither the population nor
    /// the table may change because of it; a return before the cutoff does change them.
    #[test]
    fn returns_after_the_cutoff_do_not_change_the_cutoffs_population() {
        let mut csv = lines(60, 3);
        // C1 bought once (A1, 2020-01-02, 5) and returns it after the cutoff (2020-01-31);
        // C2 bought once (A2, 2020-01-03, 5) and returned it before the cutoff.
        csv.push_str("C1,CA1,2020-02-10,-5\nC2,CA2,2020-01-20,-5\n");
        let table = load(&csv);
        let p = params(&table);
        let purchases = features::purchase_lines(&table, &p).unwrap();
        let cutoff = parse_day("2020-01-31");
        let populations = CutoffPopulations::from_lines(&purchases);
        // 60 customers with an order on their first day; C2's only order is gone by the cutoff.
        assert_eq!(populations.at(cutoff).customers, 59);
        assert_eq!(populations.at(parse_day("2020-01-19")).customers, 60);
        // At the end of the file C1's only order is gone as well, and X has bought: 60 − 2 + 1.
        assert_eq!(populations.at(parse_day("2020-03-31")).customers, 59);
        let target = DerivedTarget {
            kind: DerivedKind::Churn,
            cutoff: Some(cutoff),
            window_days: 60,
        };
        let derived = derive(&table, &p, &target, &mut |_| {}).unwrap();
        assert_eq!(derived.customers.n_rows(), 59);
        assert!(derived.customers.ids.iter().any(|id| id == "C1"));
        assert!(!derived.customers.ids.iter().any(|id| id == "C2"));
        let one_time = DerivedTarget {
            kind: DerivedKind::OneTimeReturns,
            ..target
        };
        let derived = derive(&table, &p, &one_time, &mut |_| {}).unwrap();
        assert_eq!(
            derived.summary.n_customers,
            populations.at(cutoff).one_time_buyers
        );
    }

    fn parse_day(text: &str) -> i32 {
        crate::core::format::parse_iso_date(text).unwrap()
    }

    #[test]
    fn buys_again_one_time_returns_and_high_spender_labels() {
        let table = load(&lines(60, 3));
        let p = params(&table);
        let mut target = DerivedTarget {
            kind: DerivedKind::OneTimeReturns,
            cutoff: None,
            window_days: 60,
        };
        let returns = derive(&table, &p, &target, &mut |_| {}).unwrap();
        assert_eq!(returns.summary.n_customers, 60);
        assert_eq!(returns.summary.n_positive, 20);
        target.kind = DerivedKind::BuysAgain;
        let again = derive(&table, &p, &target, &mut |_| {}).unwrap();
        let churn = derive(
            &table,
            &p,
            &DerivedTarget {
                kind: DerivedKind::Churn,
                ..target.clone()
            },
            &mut |_| {},
        )
        .unwrap();
        // The opposite of churn, over the same customers.
        assert_eq!(again.summary.n_customers, churn.summary.n_customers);
        assert_eq!(
            again.summary.n_positive + churn.summary.n_positive,
            churn.summary.n_customers
        );
        target.kind = DerivedKind::HighSpender { top_percent: 20.0 };
        let high = derive(&table, &p, &target, &mut |_| {}).unwrap();
        // 12 = 20 % of 60: the 12 largest of the 20 later spends (10 × 58, 10 × 55, …, 10 × 25).
        assert_eq!(high.summary.n_positive, 12);
        assert_eq!(high.summary.spend_threshold, Some(10.0 * 25.0));
    }

    #[test]
    fn bad_choices_are_refused() {
        let table = load(&lines(60, 3));
        let p = params(&table);
        let run = |kind: DerivedKind, cutoff: Option<&str>, window_days: u32| {
            let cutoff = cutoff.map(|c| format::parse_iso_date(c).unwrap());
            let target = DerivedTarget {
                kind,
                cutoff,
                window_days,
            };
            derive(&table, &p, &target, &mut |_| {}).unwrap_err()
        };
        assert_eq!(run(DerivedKind::Churn, None, 0), DerivedError::EmptyWindow);
        assert!(matches!(
            run(DerivedKind::Churn, None, 200),
            DerivedError::DataShorterThanWindow { .. }
        ));
        assert!(matches!(
            run(DerivedKind::Churn, Some("2019-12-01"), 30),
            DerivedError::CutoffBeforeFirst { .. }
        ));
        let past = run(DerivedKind::Churn, Some("2020-03-01"), 60).to_string();
        assert!(past.contains("ends on 2020-04-30"), "{past}");
        assert!(past.contains("on or before 2020-01-31"), "{past}");
        // Up to 2020-01-01 only 7 customers (C0, C9, …, C54) have bought.
        assert!(matches!(
            run(DerivedKind::Churn, Some("2020-01-01"), 60),
            DerivedError::TooFewCustomers { found: 7, .. }
        ));
        assert!(matches!(
            run(DerivedKind::HighSpender { top_percent: 100.0 }, None, 60),
            DerivedError::BadTopPercent { .. }
        ));
        // Nobody buys in the last 10 days but X, who is new: every customer churned.
        let one = run(DerivedKind::Churn, Some("2020-03-21"), 10);
        assert!(
            matches!(one, DerivedError::TooFewInClass { found: 0, .. }),
            "{one}"
        );
    }

    #[test]
    fn customer_files_and_dateless_lines_are_refused() {
        let table = load("customer_id,amount\nA,1\nB,2\n");
        let p = params(&table);
        let target = DerivedTarget::new(DerivedKind::Churn);
        assert_eq!(
            derive(&table, &p, &target, &mut |_| {}).unwrap_err(),
            DerivedError::NoDates
        );
        let table = load("customer_id,date\nA,2020-01-01\nB,2020-06-01\n");
        let target = DerivedTarget::new(DerivedKind::HighSpender { top_percent: 20.0 });
        assert_eq!(
            derive(&table, &params(&table), &target, &mut |_| {}).unwrap_err(),
            DerivedError::NoSpend
        );
    }

    #[test]
    fn setup_gives_the_default_cutoff_or_the_problem() {
        let span = DayRange {
            first: 0,
            last: 365,
        };
        let setup = DerivedSetup::new(span, true, CutoffPopulations::default());
        assert_eq!(setup.default_cutoff, 275);
        assert_eq!(setup.default_cutoff_date, "1970-10-03");
        assert_eq!(setup.problem, None);
        let short = DerivedSetup::new(
            DayRange { first: 0, last: 60 },
            false,
            CutoffPopulations::default(),
        );
        assert!(short.problem.unwrap().contains("span only 61 days"));
    }

    #[test]
    fn populations_follow_the_cutoff_and_match_the_derived_tables() {
        let table = load(&lines(60, 3));
        let p = params(&table);
        let purchases = features::purchase_lines(&table, &p).unwrap();
        let setup = DerivedSetup::from_lines(&purchases).unwrap();
        let day = |text: &str| format::parse_iso_date(text).unwrap();
        // Up to 2020-01-01: C0, C9, …, C54 (7 customers), each with one order.
        let first = setup.populations.at(day("2020-01-01"));
        assert_eq!((first.customers, first.one_time_buyers), (7, 7));
        // Before any purchase: nobody.
        assert_eq!(
            setup.populations.at(day("2019-12-31")),
            Population::default()
        );
        // From 2020-03-01 on, 20 of the 60 have a second order; X arrives on 2020-03-31.
        let all = setup.populations.at(day("2020-03-31"));
        assert_eq!((all.customers, all.one_time_buyers), (61, 41));
        for kind in DerivedKind::ALL {
            let target = DerivedTarget {
                kind: kind.clone(),
                cutoff: None,
                window_days: 60,
            };
            let derived = derive(&table, &p, &target, &mut |_| {}).unwrap();
            assert_eq!(
                setup.population(&kind, derived.summary.cutoff),
                derived.summary.n_customers,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn kinds_by_name_and_repeat_is_refused_naming_both() {
        for kind in DerivedKind::ALL {
            assert_eq!(DerivedKind::from_key(kind.key()), Ok(kind.clone()));
        }
        assert_eq!(
            DerivedKind::from_key("Buys_Again"),
            Ok(DerivedKind::BuysAgain)
        );
        let repeat = DerivedKind::from_key("repeat").unwrap_err().to_string();
        assert!(
            repeat.contains("buys-again") && repeat.contains("one-time-returns"),
            "{repeat}"
        );
        assert!(matches!(
            DerivedKind::from_key("loyal"),
            Err(DerivedKeyError::Unknown(_))
        ));
    }
}
