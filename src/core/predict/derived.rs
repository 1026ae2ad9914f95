//! Derived targets from purchase lines: churn, repeat purchase and high spender, built so that
//! no feature knows anything that happened after the moment the prediction is made.
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
//!   - **repeat purchase** (`repeat_purchase` = `repeat` / `no repeat`): among the *one-time
//!     buyers* — customers with exactly one order up to C — at least one more order in the
//!     window. Over all customers "bought again" would just be the complement of churn; the
//!     question a shop asks of a first order is whether a second follows, so this target is
//!     about first-time buyers only and is refused when there are too few of them;
//!   - **high spender** (`high_spender` = `high spender` / `other`): the customer's spend in the
//!     window is among the top X % (default 20 %) of all customers of the table. Total spend up
//!     to C is a feature (monetary), so the label must come from later spend, or it would be
//!     read off a feature. Customers who spend nothing in the window are never high spenders;
//!     customers tied at the threshold all are (so slightly more than X % can be).
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
/// Fewest customers (one-time buyers for repeat purchase) a derived target is built for.
pub const MIN_CUSTOMERS: usize = 50;
/// Fewest customers of each outcome.
pub const MIN_PER_CLASS: usize = 10;

/// Which target to derive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DerivedKind {
    /// No order in the window.
    Churn,
    /// One-time buyers up to the cutoff who order again in the window.
    RepeatPurchase,
    /// Spend in the window among the top `top_percent` % of the customers.
    HighSpender { top_percent: f64 },
}

impl DerivedKind {
    /// The CLI's name: `churn`, `repeat`, `high-spender`.
    pub fn key(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "churn",
            DerivedKind::RepeatPurchase => "repeat",
            DerivedKind::HighSpender { .. } => "high-spender",
        }
    }

    /// The kind named `key` (high spender with the default share).
    pub fn from_key(key: &str) -> Option<DerivedKind> {
        match key.trim().to_lowercase().replace('_', "-").as_str() {
            "churn" => Some(DerivedKind::Churn),
            "repeat" | "repeat-purchase" => Some(DerivedKind::RepeatPurchase),
            "high-spender" => Some(DerivedKind::HighSpender {
                top_percent: DEFAULT_TOP_PERCENT,
            }),
            _ => None,
        }
    }

    /// "Churn", "Repeat purchase", "High spender".
    pub fn title(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "Churn",
            DerivedKind::RepeatPurchase => "Repeat purchase",
            DerivedKind::HighSpender { .. } => "High spender",
        }
    }

    /// The label column added to the customer table.
    pub fn column(&self) -> &'static str {
        match self {
            DerivedKind::Churn => "churn",
            DerivedKind::RepeatPurchase => "repeat_purchase",
            DerivedKind::HighSpender { .. } => "high_spender",
        }
    }

    /// The positive and the negative value of the label.
    pub fn values(&self) -> (&'static str, &'static str) {
        match self {
            DerivedKind::Churn => ("churned", "active"),
            DerivedKind::RepeatPurchase => ("repeat", "no repeat"),
            DerivedKind::HighSpender { .. } => ("high spender", "other"),
        }
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
}

impl DerivedSetup {
    /// The choices for purchase lines from `span.first` to `span.last`.
    pub fn new(span: DayRange, has_spend: bool) -> DerivedSetup {
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
    /// Customers with a label (one-time buyers for repeat purchase) and how many are positive.
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
        "Churn, repeat purchase and high spender are derived from purchase lines over time, but \
         this data is a customer table (one row per customer). Load a file of purchase lines \
         (customer ID, date, amount), or predict one of the table's two-valued columns instead."
    )]
    NotTransactions,
    #[error(
        "Churn, repeat purchase and high spender need the date of every purchase, but no column \
         has the Date role. Give it to the column with the purchase dates {WHERE_ROLES}, or \
         predict a two-valued column instead."
    )]
    NoDates,
    #[error(
        "High spender needs what each purchase cost, but no amount column (nor quantity and unit \
         price) is set. Give the Amount role (or Quantity and Unit price) to those columns \
         {WHERE_ROLES}, or predict churn or repeat purchase, which need only dates."
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
        "Repeat purchase is predicted for one-time buyers (exactly one order up to the cutoff), \
         and only {} of the {} customers up to {} had one order: a model needs at least \
         {needed}. Choose another cutoff, or predict churn, which uses every customer.",
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

/// Orders and spend of one customer in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct WindowActivity {
    orders: u32,
    spend: f64,
}

/// Orders (distinct order keys) and spend per customer id over the lines in `days`.
fn window_activity(purchases: &PurchaseLines, days: DayRange) -> FxHashMap<&str, WindowActivity> {
    let mut lines: Vec<&PurchaseLine> = purchases
        .lines
        .iter()
        .filter(|l| days.contains(l.day))
        .collect();
    lines.sort_unstable_by_key(|l| (l.customer, l.order));
    let mut out: FxHashMap<&str, WindowActivity> = FxHashMap::default();
    for group in lines.chunk_by(|a, b| a.customer == b.customer) {
        let Some(first) = group.first() else {
            continue;
        };
        let Some(id) = purchases.ids.get(first.customer as usize) else {
            continue;
        };
        let orders = group
            .chunk_by(|a, b| a.order == b.order)
            .filter(|order| order.iter().any(|l| l.counts_as_order))
            .count();
        let spend = if purchases.has_spend {
            group.iter().map(|l| l.spend).sum()
        } else {
            0.0
        };
        out.insert(
            id.as_str(),
            WindowActivity {
                orders: u32::try_from(orders).unwrap_or(u32::MAX),
                spend,
            },
        );
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
    if customers.n_rows() < MIN_CUSTOMERS {
        return Err(too_few(customers.n_rows()));
    }
    let n_before = customers.n_rows();
    let activity = window_activity(&purchases, window);
    let in_table: FxHashMap<&str, ()> = customers.ids.iter().map(|id| (id.as_str(), ())).collect();
    let n_new = activity
        .keys()
        .filter(|id| !in_table.contains_key(*id))
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
        DerivedKind::RepeatPurchase => {
            let frequency = match customers.feature("frequency").map(|f| &f.values) {
                Some(FeatureValues::Numeric(values)) => values.clone(),
                _ => Vec::new(),
            };
            let one_time: Vec<usize> = frequency
                .iter()
                .enumerate()
                .filter(|(_, &f)| f == 1.0)
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
                "Repeat purchase is predicted for the {} one-time buyers (exactly one order up to \
                 {}, {} of the {} customers); customers with more orders are left out.",
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
                format!("another order from {window_text}"),
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
        (DerivedKind::RepeatPurchase, true) => {
            "Choose a longer window, so more one-time buyers come back in it."
        }
        (DerivedKind::RepeatPurchase, false) => {
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

    #[test]
    fn repeat_and_high_spender_labels() {
        let table = load(&lines(60, 3));
        let p = params(&table);
        let mut target = DerivedTarget {
            kind: DerivedKind::RepeatPurchase,
            cutoff: None,
            window_days: 60,
        };
        let repeat = derive(&table, &p, &target, &mut |_| {}).unwrap();
        assert_eq!(repeat.summary.n_customers, 60);
        assert_eq!(repeat.summary.n_positive, 20);
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
        let setup = DerivedSetup::new(span, true);
        assert_eq!(setup.default_cutoff, 275);
        assert_eq!(setup.default_cutoff_date, "1970-10-03");
        assert_eq!(setup.problem, None);
        let short = DerivedSetup::new(DayRange { first: 0, last: 60 }, false);
        assert!(short.problem.unwrap().contains("span only 61 days"));
    }
}
