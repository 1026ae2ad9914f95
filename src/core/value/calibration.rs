//! The calibration/holdout summary of the purchase lines: per customer what the probabilistic
//! models learn from (repeat purchase days `x`, recency `t_x`, age `T`, mean repeat spend) up
//! to a cutoff date, and what the customer really did in the holdout window after it.
//!
//! Definitions are lifetimes' `calibration_and_holdout_data` with `freq = "D"`:
//! - only purchase lines count, each with its gross spend ([`PurchaseLine::gross_spend`]: what
//!   it cost on its day; netting against returns would reach past the cutoff). Return lines are
//!   never purchases. A line with a spend of 0 is left out and counted when the spend is
//!   quantity × unit price (a free item on an order: Online Retail's price-0 lines), and is a
//!   purchase day without spend when the spend is an amount column (a purchase paid
//!   otherwise: the BG/NBD paper's CDNOW data have 8 such purchases and count them); see
//!   [`ZeroSpendLines`]. Without any spend in the data every purchase line counts;
//! - a customer's lines on one day make one purchase day, its spend the sum of the lines;
//! - calibration = days on or before the cutoff; `x` = purchase days − 1, `t_x` = last − first
//!   purchase day, `T` = cutoff − first purchase day (days); the mean repeat spend `m_x` = mean
//!   spend of the purchase days after the first (0 when `x` = 0);
//! - holdout = days after the cutoff, up to cutoff + horizon (both counted per purchase day);
//! - a customer whose first purchase is after the cutoff is not modelled (nothing is known of
//!   them at the cutoff): counted, with their spend in the holdout window.
//!
//! Pure Rust: no web-sys, no I/O.

use serde::{Deserialize, Serialize};

use super::error::{ValueError, MIN_CUSTOMERS};
use crate::core::features::{
    purchase_lines, DayRange, FeatureParams, PurchaseLine, PurchaseLines, RoleMapping,
};
use crate::core::format::{iso_date, thousands};
use crate::core::ingest::roles::{guess_shape, TableShape};
use crate::core::receipt::{ReceiptLine, ReceiptUnit};
use crate::core::table::Table;

/// Days in one step of the tracking chart.
pub const TRACKING_WEEK_DAYS: i32 = 7;

/// Where the calibration period ends and how long the holdout window after it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalibrationParams {
    /// The last day of the calibration period (days since 1970-01-01), included.
    pub cutoff: i32,
    /// The holdout window: the days after the cutoff, up to `cutoff + horizon_days`.
    pub horizon_days: u32,
    /// What a purchase line with a spend of 0 is ([`ZeroSpendLines::for_mapping`] chooses).
    #[serde(default)]
    pub zero_spend: ZeroSpendLines,
}

/// What a purchase line whose spend is 0 (or less) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroSpendLines {
    /// Not a purchase: left out and counted on the receipt (a free item on an order, a
    /// zero-price adjustment line).
    #[default]
    LeftOut,
    /// A purchase day without spend (a purchase paid with a voucher or gift): it counts for
    /// the purchase forecasts and adds 0 to the spend, as lifetimes and the BG/NBD paper count
    /// it.
    Purchases,
}

impl ZeroSpendLines {
    /// The default for a role mapping: a zero amount is a purchase ([`ZeroSpendLines::Purchases`]
    /// when an amount column gives the spend), a zero unit price is a free item
    /// ([`ZeroSpendLines::LeftOut`] when the spend is quantity × unit price).
    pub fn for_mapping(mapping: &RoleMapping) -> ZeroSpendLines {
        if mapping.amount.is_some() {
            ZeroSpendLines::Purchases
        } else {
            ZeroSpendLines::LeftOut
        }
    }
}

impl CalibrationParams {
    /// Check the choices against the purchase days' range `span`: a horizon of at least a
    /// day, a cutoff within the range. A horizon reaching past the last purchase is allowed
    /// (forecasts are still made; [`Calibration::holdout_complete`] is false).
    pub fn check(&self, span: DayRange) -> Result<(), ValueError> {
        if self.horizon_days == 0 {
            return Err(ValueError::ZeroHorizon);
        }
        if self.cutoff < span.first {
            return Err(ValueError::CutoffBeforeFirst {
                cutoff: self.cutoff,
                first: span.first,
                last: span.last,
                horizon_days: self.horizon_days,
            });
        }
        if self.cutoff > span.last {
            return Err(ValueError::CutoffAfterLast {
                cutoff: self.cutoff,
                first: span.first,
                last: span.last,
                horizon_days: self.horizon_days,
            });
        }
        Ok(())
    }

    /// The last day of the holdout window.
    pub fn holdout_end(&self) -> i32 {
        self.cutoff
            .saturating_add(i32::try_from(self.horizon_days).unwrap_or(i32::MAX))
    }
}

/// The default cutoff: the last purchase day minus the horizon, so the holdout window ends
/// with the data and the forecasts can be checked on all of it. (Before `span.first` when the
/// data are shorter than the horizon; [`CalibrationParams::check`] then says so.)
pub fn default_cutoff(span: DayRange, horizon_days: u32) -> i32 {
    let cutoff = i64::from(span.last) - i64::from(horizon_days);
    i32::try_from(cutoff).unwrap_or(i32::MIN)
}

/// First and last day of the lines that count as purchases here (not returns; zero-spend
/// lines as `zero_spend` says). `None` without any.
pub fn purchase_span(lines: &PurchaseLines, zero_spend: ZeroSpendLines) -> Option<DayRange> {
    let mut days = lines
        .lines
        .iter()
        .filter(|l| line_use(l, lines.has_spend, zero_spend).is_purchase())
        .map(|l| l.day);
    let first = days.next()?;
    let (first, last) = days.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    Some(DayRange { first, last })
}

/// What the models know of one customer at the cutoff, and what the customer did after it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// Index into [`PurchaseLines::ids`].
    pub customer: u32,
    /// The first purchase day (days since 1970-01-01), on or before the cutoff.
    pub first_day: i32,
    /// Repeat purchase days in the calibration period (purchase days − 1).
    pub x: u32,
    /// Recency: days from the first to the last purchase day in the calibration period.
    pub t_x: f64,
    /// Age `T`: days from the first purchase day to the cutoff.
    pub t_big: f64,
    /// Mean spend of the repeat purchase days (the first excluded); 0 when `x` = 0, `NaN`
    /// without spend in the data.
    pub monetary: f64,
    /// Spend of all calibration purchase days, the first included (`NaN` without spend).
    pub calibration_spend: f64,
    /// Purchase days in the holdout window.
    pub holdout_purchases: u32,
    /// Spend in the holdout window (`NaN` without spend).
    pub holdout_spend: f64,
}

impl CustomerSummary {
    /// What BG/NBD is fitted on.
    pub fn history(&self) -> PurchaseHistory {
        PurchaseHistory {
            x: self.x,
            t_x: self.t_x,
            t_big: self.t_big,
        }
    }
}

/// One customer's purchase history at the cutoff as BG/NBD sees it (lifetimes' frequency,
/// recency and T, in days).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PurchaseHistory {
    /// Repeat purchase days.
    pub x: u32,
    /// Days from the first to the last purchase day.
    pub t_x: f64,
    /// Days from the first purchase day to the cutoff.
    pub t_big: f64,
}

/// How the purchase lines were used (for the receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CalibrationCounts {
    /// Purchase lines used (every one without spend in the data).
    pub purchase_lines: u64,
    /// Of these, on or before the cutoff.
    pub calibration_lines: u64,
    /// Of these, in the holdout window (of any customer, new ones included).
    pub holdout_lines: u64,
    /// Of these, after the holdout window (not used).
    pub lines_after_holdout: u64,
    /// Return and cancellation lines (never purchases here).
    pub return_lines: u64,
    /// Purchase lines whose spend is 0 or less: left out, or purchases without spend (as
    /// [`Calibration::zero_spend`] says).
    pub zero_spend_lines: u64,
}

/// Cumulative repeat purchases per week, for the tracking chart (actual here; the model's
/// from `BgNbd::expected_cumulative_repeats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyTracking {
    /// The last day of each week (days since 1970-01-01): weeks of
    /// [`TRACKING_WEEK_DAYS`] days from the first purchase day, the last one cut at the end of
    /// the holdout window.
    pub week_ends: Vec<i32>,
    /// Repeat purchase days of the modelled customers up to each week's end, for the weeks the
    /// data cover (as many as `week_ends`, or fewer when the holdout window runs past the last
    /// purchase).
    pub actual_cumulative: Vec<u64>,
}

/// The calibration/holdout summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The modelled customers (first purchase on or before the cutoff), by customer index.
    pub customers: Vec<CustomerSummary>,
    pub cutoff: i32,
    pub horizon_days: u32,
    /// `cutoff + horizon_days`.
    pub holdout_end: i32,
    /// Whether the data reach the end of the holdout window (the last purchase day is on or
    /// after it): only then are holdout comparisons fair.
    pub holdout_complete: bool,
    /// First and last purchase day of the lines used.
    pub first_day: i32,
    pub last_day: i32,
    /// Whether spend is known (else only BG/NBD can be fitted).
    pub has_spend: bool,
    /// What the zero-spend lines were.
    pub zero_spend: ZeroSpendLines,
    /// Customers whose first purchase is in the holdout window (not modelled).
    pub new_in_holdout: usize,
    /// Their spend in the holdout window (`NaN` without spend).
    pub new_in_holdout_spend: f64,
    pub counts: CalibrationCounts,
    pub tracking: WeeklyTracking,
}

impl Calibration {
    /// Customers with at least one repeat purchase day in the calibration period.
    pub fn repeat_buyers(&self) -> usize {
        self.customers.iter().filter(|c| c.x > 0).count()
    }

    /// Σ x over the modelled customers.
    pub fn repeat_purchases(&self) -> u64 {
        self.customers.iter().map(|c| u64::from(c.x)).sum()
    }

    /// The BG/NBD input, in customer order.
    pub fn histories(&self) -> Vec<PurchaseHistory> {
        self.customers
            .iter()
            .map(CustomerSummary::history)
            .collect()
    }

    /// The Gamma-Gamma input: `(x, m_x)` of the repeat buyers with a positive mean repeat
    /// spend. Without spend in the data: [`ValueError::NoSpend`].
    pub fn repeat_spend(&self) -> Result<Vec<(u32, f64)>, ValueError> {
        if !self.has_spend {
            return Err(ValueError::NoSpend);
        }
        Ok(self
            .customers
            .iter()
            .filter(|c| c.x > 0 && c.monetary > 0.0 && c.monetary.is_finite())
            .map(|c| (c.x, c.monetary))
            .collect())
    }

    /// What the lines were used for, as receipt lines.
    pub fn receipt(&self) -> Vec<ReceiptLine> {
        let c = &self.counts;
        let mut receipt = Vec::with_capacity(4);
        let after = if c.lines_after_holdout > 0 {
            format!(
                ", {} after it (not used)",
                lines_text(c.lines_after_holdout)
            )
        } else {
            String::new()
        };
        receipt.push(ReceiptLine {
            step: "value_purchase_days".to_string(),
            title: "Purchase days".to_string(),
            enabled: true,
            touched: c.purchase_lines,
            unit: ReceiptUnit::Lines,
            detail: format!(
                "A customer's purchase lines of one day make one purchase day, with the day's \
                 spend: {} on or before the cutoff {}, {} in the {}-day holdout window up to \
                 {}{after}",
                lines_text(c.calibration_lines),
                iso(self.cutoff),
                lines_text(c.holdout_lines),
                self.horizon_days,
                iso(self.holdout_end),
            ),
        });
        receipt.push(ReceiptLine {
            step: "value_returns".to_string(),
            title: "Returns are not purchases".to_string(),
            enabled: true,
            touched: c.return_lines,
            unit: ReceiptUnit::Lines,
            detail: if c.return_lines == 0 {
                "No return or cancellation line among the kept lines".to_string()
            } else {
                format!(
                    "{} of returns and cancellations are not purchase days; purchases keep \
                     their spend as bought, whatever was returned later",
                    capitalise(&lines_text(c.return_lines))
                )
            },
        });
        if self.has_spend {
            let n = c.zero_spend_lines;
            let (title, detail) = match self.zero_spend {
                ZeroSpendLines::LeftOut => (
                    "Lines without spend left out",
                    format!(
                        "{} with a spend of 0 (free items, zero prices) are no purchase here",
                        capitalise(&lines_text(n))
                    ),
                ),
                ZeroSpendLines::Purchases => (
                    "Purchases without spend",
                    format!(
                        "{} with an amount of 0 count as purchases that added nothing to the \
                         spend",
                        capitalise(&lines_text(n))
                    ),
                ),
            };
            receipt.push(ReceiptLine {
                step: "value_zero_spend".to_string(),
                title: title.to_string(),
                enabled: n > 0,
                touched: n,
                unit: ReceiptUnit::Lines,
                detail: if n == 0 {
                    "Every purchase line has a spend above 0".to_string()
                } else {
                    detail
                },
            });
        }
        let spend = if self.has_spend {
            format!(
                " (spend {} in the window)",
                money(self.new_in_holdout_spend)
            )
        } else {
            String::new()
        };
        receipt.push(ReceiptLine {
            step: "value_new_in_holdout".to_string(),
            title: "Customers new after the cutoff".to_string(),
            enabled: true,
            touched: self.new_in_holdout as u64,
            unit: ReceiptUnit::Rows,
            detail: if self.new_in_holdout == 0 {
                format!(
                    "Nobody bought for the first time in the holdout window: all {} are scored",
                    customers_text(self.customers.len() as u64)
                )
            } else {
                format!(
                    "{} bought for the first time in the holdout window{spend}: nothing is \
                     known of them at the cutoff, so they are not scored; {} are",
                    customers_text(self.new_in_holdout as u64),
                    customers_text(self.customers.len() as u64),
                )
            },
        });
        receipt
    }
}

/// What a kept line is here.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LineUse {
    /// A purchase with this spend (0 without spend in the data).
    Purchase(f64),
    /// A purchase line with a spend of 0 or less: a purchase without spend, or left out.
    ZeroSpend {
        purchase: bool,
    },
    Return,
}

impl LineUse {
    fn is_purchase(self) -> bool {
        matches!(
            self,
            LineUse::Purchase(_) | LineUse::ZeroSpend { purchase: true }
        )
    }
}

fn line_use(line: &PurchaseLine, has_spend: bool, zero_spend: ZeroSpendLines) -> LineUse {
    let spend = line.gross_spend;
    if line.is_return {
        LineUse::Return
    } else if !has_spend {
        LineUse::Purchase(0.0)
    } else if spend > 0.0 && spend.is_finite() {
        LineUse::Purchase(spend)
    } else {
        LineUse::ZeroSpend {
            purchase: zero_spend == ZeroSpendLines::Purchases && spend.is_finite(),
        }
    }
}

/// One purchase line as used here.
#[derive(Debug, Clone, Copy)]
struct Purchase {
    customer: u32,
    day: i32,
    /// 0 without spend in the data.
    spend: f64,
}

/// The purchase lines the models learn from, cleaned as the Explore step cleans them
/// ([`purchase_lines`]). Without a date column the error says why the models need one.
pub fn value_purchase_lines(
    table: &Table,
    params: &FeatureParams,
) -> Result<PurchaseLines, ValueError> {
    if params.mapping.date.is_none() {
        return Err(ValueError::NoDates {
            customer_file: guess_shape(table).shape == TableShape::Customers,
        });
    }
    Ok(purchase_lines(table, params)?)
}

/// Build the calibration/holdout summary (lifetimes' `calibration_and_holdout_data`, in days).
pub fn calibration_and_holdout(
    lines: &PurchaseLines,
    params: &CalibrationParams,
) -> Result<Calibration, ValueError> {
    let has_spend = lines.has_spend;
    let mut counts = CalibrationCounts::default();
    let mut purchases = Vec::with_capacity(lines.lines.len());
    for line in &lines.lines {
        let spend = match line_use(line, has_spend, params.zero_spend) {
            LineUse::Return => {
                counts.return_lines += 1;
                continue;
            }
            LineUse::ZeroSpend { purchase } => {
                counts.zero_spend_lines += 1;
                if !purchase {
                    continue;
                }
                0.0
            }
            LineUse::Purchase(spend) => spend,
        };
        purchases.push(Purchase {
            customer: line.customer,
            day: line.day,
            spend,
        });
    }
    let first = purchases.iter().map(|p| p.day).min();
    let last = purchases.iter().map(|p| p.day).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(ValueError::NoPurchases {
            reason: no_purchase_reason(lines, &counts),
        });
    };
    let span = DayRange { first, last };
    params.check(span)?;
    let cutoff = params.cutoff;
    let holdout_end = params.holdout_end();
    counts.purchase_lines = purchases.len() as u64;
    for p in &purchases {
        if p.day <= cutoff {
            counts.calibration_lines += 1;
        } else if p.day <= holdout_end {
            counts.holdout_lines += 1;
        } else {
            counts.lines_after_holdout += 1;
        }
    }
    let purchases = by_customer_and_day(purchases);

    let n_weeks = weeks_between(span.first, holdout_end);
    let mut repeats_per_week = vec![0u64; n_weeks];
    let mut customers = Vec::new();
    let mut new_in_holdout = 0usize;
    let mut new_in_holdout_spend = 0.0;
    for customer_lines in purchases.chunk_by(|a, b| a.customer == b.customer) {
        let days = purchase_days(customer_lines);
        let Some(&(first_day, _)) = days.first() else {
            continue;
        };
        let customer = customer_lines.first().map_or(0, |p| p.customer);
        if first_day > cutoff {
            if first_day <= holdout_end {
                new_in_holdout += 1;
                new_in_holdout_spend += days
                    .iter()
                    .filter(|(d, _)| *d <= holdout_end)
                    .map(|(_, s)| s)
                    .sum::<f64>();
            }
            continue;
        }
        for &(day, _) in days.iter().skip(1).filter(|(d, _)| *d <= holdout_end) {
            let week = usize::try_from((day - span.first) / TRACKING_WEEK_DAYS).unwrap_or(0);
            if let Some(count) = repeats_per_week.get_mut(week) {
                *count += 1;
            }
        }
        customers.push(summarize_customer(
            customer,
            &days,
            cutoff,
            holdout_end,
            has_spend,
        ));
    }
    if customers.len() < MIN_CUSTOMERS {
        return Err(ValueError::TooFewCustomers {
            found: customers.len(),
            needed: MIN_CUSTOMERS,
            cutoff,
            last: span.last,
        });
    }
    let week_ends: Vec<i32> = (0..n_weeks)
        .map(|k| {
            let end = span.first + TRACKING_WEEK_DAYS * (k as i32 + 1) - 1;
            end.min(holdout_end)
        })
        .collect();
    let actual_cumulative = repeats_per_week
        .iter()
        .scan(0u64, |total, n| {
            *total += n;
            Some(*total)
        })
        .zip(&week_ends)
        .take_while(|(_, end)| **end <= span.last)
        .map(|(total, _)| total)
        .collect();
    Ok(Calibration {
        customers,
        cutoff,
        horizon_days: params.horizon_days,
        holdout_end,
        holdout_complete: span.last >= holdout_end,
        first_day: span.first,
        last_day: span.last,
        has_spend,
        zero_spend: params.zero_spend,
        new_in_holdout,
        new_in_holdout_spend: if has_spend {
            new_in_holdout_spend
        } else {
            f64::NAN
        },
        counts,
        tracking: WeeklyTracking {
            week_ends,
            actual_cumulative,
        },
    })
}

/// The purchases ordered by customer, then day: a counting sort on the customer index (one
/// pass, whatever the number of lines), then each customer's few lines by day.
fn by_customer_and_day(purchases: Vec<Purchase>) -> Vec<Purchase> {
    let customers = purchases
        .iter()
        .map(|p| p.customer as usize + 1)
        .max()
        .unwrap_or(0);
    let mut starts = vec![0usize; customers + 1];
    for p in &purchases {
        if let Some(count) = starts.get_mut(p.customer as usize + 1) {
            *count += 1;
        }
    }
    let mut total = 0;
    for start in starts.iter_mut() {
        total += *start;
        *start = total;
    }
    let mut next = starts.clone();
    let mut sorted = purchases.clone();
    for p in purchases {
        if let Some(slot) = next.get_mut(p.customer as usize) {
            if let Some(place) = sorted.get_mut(*slot) {
                *place = p;
            }
            *slot += 1;
        }
    }
    for window in starts.windows(2) {
        if let [from, to] = *window {
            if let Some(lines) = sorted.get_mut(from..to) {
                lines.sort_unstable_by_key(|p| p.day);
            }
        }
    }
    sorted
}

/// Weeks from `first` to `last` (both included), the last one possibly shorter.
fn weeks_between(first: i32, last: i32) -> usize {
    let days = i64::from(last) - i64::from(first) + 1;
    usize::try_from((days.max(0) + i64::from(TRACKING_WEEK_DAYS) - 1) / 7).unwrap_or(0)
}

/// A customer's purchase days with their spend, in day order (`lines` sorted by day).
fn purchase_days(lines: &[Purchase]) -> Vec<(i32, f64)> {
    lines
        .chunk_by(|a, b| a.day == b.day)
        .filter_map(|day| {
            let first = day.first()?;
            Some((first.day, day.iter().map(|p| p.spend).sum()))
        })
        .collect()
}

fn summarize_customer(
    customer: u32,
    days: &[(i32, f64)],
    cutoff: i32,
    holdout_end: i32,
    has_spend: bool,
) -> CustomerSummary {
    let first_day = days.first().map_or(cutoff, |d| d.0);
    let calibration: Vec<&(i32, f64)> = days.iter().filter(|(d, _)| *d <= cutoff).collect();
    let last_day = calibration.last().map_or(first_day, |d| d.0);
    let x = calibration.len().saturating_sub(1);
    let repeat_spend: f64 = calibration.iter().skip(1).map(|(_, s)| s).sum();
    let holdout = days
        .iter()
        .filter(|(d, _)| *d > cutoff && *d <= holdout_end);
    let (holdout_purchases, holdout_spend) =
        holdout.fold((0u32, 0.0), |(n, s), (_, spend)| (n + 1, s + spend));
    let spend_or_nan = |value: f64| if has_spend { value } else { f64::NAN };
    CustomerSummary {
        customer,
        first_day,
        x: u32::try_from(x).unwrap_or(u32::MAX),
        t_x: f64::from(last_day - first_day),
        t_big: f64::from(cutoff - first_day),
        monetary: spend_or_nan(if x > 0 { repeat_spend / x as f64 } else { 0.0 }),
        calibration_spend: spend_or_nan(calibration.iter().map(|(_, s)| s).sum()),
        holdout_purchases,
        holdout_spend: spend_or_nan(holdout_spend),
    }
}

/// Why no line is a purchase.
fn no_purchase_reason(lines: &PurchaseLines, counts: &CalibrationCounts) -> String {
    if lines.lines.is_empty() {
        return "the cleaning left no line".to_string();
    }
    let mut parts = Vec::new();
    if counts.return_lines > 0 {
        parts.push(format!(
            "returns or cancellations: {}",
            lines_text(counts.return_lines)
        ));
    }
    if counts.zero_spend_lines > 0 {
        parts.push(format!(
            "a spend of 0 or less: {}",
            lines_text(counts.zero_spend_lines)
        ));
    }
    format!(
        "of the {} kept, {}",
        lines_text(lines.lines.len() as u64),
        parts.join("; ")
    )
}

fn iso(days: i32) -> String {
    iso_date(i64::from(days))
}

fn lines_text(n: u64) -> String {
    if n == 1 {
        "1 line".to_string()
    } else {
        format!("{} lines", thousands(n))
    }
}

fn customers_text(n: u64) -> String {
    if n == 1 {
        "1 customer".to_string()
    } else {
        format!("{} customers", thousands(n))
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `604129.414` → `"604,129.41"`.
pub(crate) fn money(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let cents = (value.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let sign = if value < 0.0 && cents > 0.0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        thousands(whole as u64),
        (cents - whole * 100.0) as u64
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(customer: u32, day: i32, spend: f64) -> PurchaseLine {
        PurchaseLine {
            customer,
            order: 0,
            day,
            spend,
            gross_spend: spend,
            counts_as_order: spend > 0.0,
            is_return: spend < 0.0,
            order_ends: None,
            product: crate::core::table::MISSING,
        }
    }

    /// `n` customers with one purchase on day 0 each, plus `extra` lines.
    fn lines(n: u32, extra: &[PurchaseLine]) -> PurchaseLines {
        let mut all: Vec<PurchaseLine> = (0..n).map(|c| line(c, 0, 10.0)).collect();
        all.extend_from_slice(extra);
        PurchaseLines {
            id_name: "customer".to_string(),
            date_name: "date".to_string(),
            ids: (0..n + 5).map(|c| c.to_string()).collect(),
            lines: all,
            has_spend: true,
            product_name: None,
            products: Vec::new(),
        }
    }

    fn params(cutoff: i32, horizon_days: u32) -> CalibrationParams {
        CalibrationParams {
            cutoff,
            horizon_days,
            zero_spend: ZeroSpendLines::LeftOut,
        }
    }

    #[test]
    fn lifetimes_definitions_per_customer() {
        // Customer 0: days 0 (two lines), 10, 10, 30 | holdout 45, 60 | after: 200.
        let extra = [
            line(0, 0, 5.0),
            line(0, 10, 7.0),
            line(0, 10, 3.0),
            line(0, 30, 20.0),
            line(0, 45, 4.0),
            line(0, 60, 6.0),
            line(0, 60, -6.0),
            line(0, 200, 1.0),
            line(1, 35, 0.0),
            line(40, 50, 99.0),
        ];
        let purchases = lines(40, &extra);
        let calibration = calibration_and_holdout(&purchases, &params(40, 30)).unwrap();
        let c0 = calibration.customers[0];
        assert_eq!(c0.first_day, 0);
        assert_eq!(c0.x, 2);
        assert_eq!(c0.t_x, 30.0);
        assert_eq!(c0.t_big, 40.0);
        assert_eq!(c0.monetary, 15.0); // (10 + 20) / 2
        assert_eq!(c0.calibration_spend, 45.0);
        assert_eq!(c0.holdout_purchases, 2);
        assert_eq!(c0.holdout_spend, 10.0); // gross: the return is no purchase
        let c1 = calibration.customers[1];
        assert_eq!((c1.x, c1.t_x, c1.monetary), (0, 0.0, 0.0));
        assert_eq!(calibration.customers.len(), 40);
        assert_eq!(calibration.new_in_holdout, 1);
        assert_eq!(calibration.new_in_holdout_spend, 99.0);
        assert_eq!(calibration.repeat_buyers(), 1);
        assert_eq!(calibration.repeat_purchases(), 2);
        assert_eq!(calibration.repeat_spend().unwrap(), [(2, 15.0)]);
        let counts = calibration.counts;
        assert_eq!(counts.return_lines, 1);
        assert_eq!(counts.zero_spend_lines, 1);
        assert_eq!(counts.purchase_lines, 48);
        assert_eq!(counts.calibration_lines, 44);
        assert_eq!(counts.holdout_lines, 2 + 1);
        assert_eq!(counts.lines_after_holdout, 1);
        assert_eq!(calibration.holdout_end, 70);
        assert!(calibration.holdout_complete);
        // Weekly tracking from day 0: customer 0's repeat days 10 (week 1), 30 (week 4),
        // 45 (week 6), 60 (week 8); day 200 is past the holdout window (day 70, week 10).
        let tracking = &calibration.tracking;
        assert_eq!(tracking.week_ends.len(), 11);
        assert_eq!(tracking.week_ends[0], 6);
        assert_eq!(tracking.week_ends[10], 70);
        assert_eq!(
            tracking.actual_cumulative,
            [0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4]
        );
        let receipt = calibration.receipt();
        assert_eq!(receipt.len(), 4);
        assert!(receipt[3]
            .detail
            .contains("1 customer bought for the first time"));
        assert!(receipt[3].detail.contains("99.00"), "{}", receipt[3].detail);
    }

    #[test]
    fn a_zero_amount_is_a_purchase_without_spend_and_a_free_item_is_none() {
        let purchases = lines(
            30,
            &[
                line(1, 35, 0.0),
                line(2, 5, 8.0),
                line(2, 60, 0.0),
                line(3, 70, 1.0),
            ],
        );
        let free = calibration_and_holdout(&purchases, &params(40, 30)).unwrap();
        assert_eq!((free.customers[1].x, free.customers[1].t_x), (0, 0.0));
        assert_eq!(free.customers[2].holdout_purchases, 0);
        let paid = CalibrationParams {
            zero_spend: ZeroSpendLines::Purchases,
            ..params(40, 30)
        };
        let paid = calibration_and_holdout(&purchases, &paid).unwrap();
        let c1 = paid.customers[1];
        assert_eq!((c1.x, c1.t_x, c1.monetary), (1, 35.0, 0.0));
        assert_eq!(paid.customers[2].holdout_purchases, 1);
        assert_eq!(paid.customers[2].holdout_spend, 0.0);
        // Gamma-Gamma needs a positive mean repeat spend: customer 1 is not among its input.
        assert_eq!(paid.repeat_spend().unwrap(), [(1, 8.0)]);
        for calibration in [&free, &paid] {
            assert_eq!(calibration.counts.zero_spend_lines, 2);
        }
        assert!(free.receipt()[2]
            .detail
            .contains("2 lines with a spend of 0"));
        assert!(paid.receipt()[2]
            .detail
            .contains("2 lines with an amount of 0 count"));
        let mut mapping = RoleMapping::default();
        assert_eq!(
            ZeroSpendLines::for_mapping(&mapping),
            ZeroSpendLines::LeftOut
        );
        mapping.amount = Some(3);
        assert_eq!(
            ZeroSpendLines::for_mapping(&mapping),
            ZeroSpendLines::Purchases
        );
    }

    #[test]
    fn a_horizon_past_the_data_is_no_error() {
        let purchases = lines(30, &[line(0, 20, 5.0)]);
        let calibration = calibration_and_holdout(&purchases, &params(10, 90)).unwrap();
        assert!(!calibration.holdout_complete);
        assert_eq!(calibration.holdout_end, 100);
        // Weeks up to day 100, actual counts only up to the last purchase (day 20).
        assert_eq!(calibration.tracking.week_ends.len(), 15);
        assert_eq!(calibration.tracking.actual_cumulative, [0, 0, 1]);
    }

    #[test]
    fn without_spend_the_summary_still_counts_purchase_days() {
        let mut purchases = lines(30, &[line(3, 5, 1.0), line(3, 8, 1.0)]);
        purchases.has_spend = false;
        for l in &mut purchases.lines {
            l.spend = f64::NAN;
            l.gross_spend = f64::NAN;
        }
        let calibration = calibration_and_holdout(&purchases, &params(8, 1)).unwrap();
        let c3 = calibration.customers[3];
        assert_eq!((c3.x, c3.t_x, c3.t_big), (2, 8.0, 8.0));
        assert!(c3.monetary.is_nan());
        assert_eq!(calibration.repeat_spend(), Err(ValueError::NoSpend));
        assert!(calibration.new_in_holdout_spend.is_nan());
        assert_eq!(calibration.receipt().len(), 3);
    }

    #[test]
    fn bad_choices_say_what_to_change() {
        let purchases = lines(30, &[line(0, 100, 5.0)]);
        let message = |p: CalibrationParams| {
            calibration_and_holdout(&purchases, &p)
                .unwrap_err()
                .to_string()
        };
        assert!(message(params(50, 0)).contains("at least 1 day"));
        let before = message(params(-5, 30));
        assert!(
            before.contains("before the first purchase (1970-01-01)"),
            "{before}"
        );
        assert!(before.contains("the usual one is 1970-03-12"), "{before}");
        let after = message(params(101, 30));
        assert!(
            after.contains("after the last purchase (1970-04-11)"),
            "{after}"
        );
        let shorter = message(params(-5, 300));
        assert!(shorter.contains("span only 101 days"), "{shorter}");
        let few = lines(29, &[]);
        let error = calibration_and_holdout(&few, &params(0, 30)).unwrap_err();
        assert!(
            matches!(error, ValueError::TooFewCustomers { found: 29, .. }),
            "{error}"
        );
        let returns_only = lines(0, &[line(0, 1, -5.0), line(1, 1, 0.0)]);
        let error = calibration_and_holdout(&returns_only, &params(0, 30)).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("of the 2 lines kept, returns or cancellations: 1 line; a spend of 0 or less: 1 line"),
            "{text}"
        );
    }

    #[test]
    fn default_cutoff_leaves_the_horizon_at_the_end() {
        let span = DayRange {
            first: 100,
            last: 465,
        };
        assert_eq!(default_cutoff(span, 90), 375);
        let params = params(default_cutoff(span, 90), 90);
        assert_eq!(params.holdout_end(), 465);
        assert_eq!(money(604_129.414), "604,129.41");
        assert_eq!(money(-0.5), "-0.50");
    }
}
