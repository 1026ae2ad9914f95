//! Cleaned lines → one row per customer (the features), monthly activity, scores and segments.

use super::inputs::{Inputs, NO_CUSTOMER_ID};
use super::lines::{self, is_day_order, Cleaned, Line, NetCustomers};
use super::rfm::{fm_score, quintile_scores, RfmSegment};
use super::{iso, CustomerBuild, FeatureError, FeatureParams, MonthlyActivity};
use crate::core::customer_table::{CustomerTable, Feature, FeatureValues, UndefinedBlanks};
use crate::core::format::thousands;
use crate::core::table::MISSING;

/// Spend windows, in days before the reference date.
const RECENT_DAYS: i64 = 30;
const QUARTER_DAYS: i64 = 90;

/// The running totals of one customer.
#[derive(Debug, Clone)]
struct CustomerRow {
    customer: u32,
    /// First and last day of an order that stands (of any kept line when none stands).
    first: i32,
    last: i32,
    /// Orders that stand (not returned in full).
    orders: u32,
    /// Purchases minus returns, before the floor at 0.
    net: f64,
    /// Purchases plus returns (the scale of rounding noise in `net`).
    gross: f64,
    spend_30: f64,
    spend_90: f64,
    spend_previous_90: f64,
    products: usize,
    /// Orders before cleaning, and those holding a cancellation or return line.
    raw_orders: u32,
    returned_orders: u32,
}

impl CustomerRow {
    fn new(customer: u32) -> CustomerRow {
        CustomerRow {
            customer,
            first: i32::MAX,
            last: i32::MIN,
            orders: 0,
            net: 0.0,
            gross: 0.0,
            spend_30: 0.0,
            spend_90: 0.0,
            spend_previous_90: 0.0,
            products: 0,
            raw_orders: 0,
            returned_orders: 0,
        }
    }

    /// Returns of purchases made before the file (or under other codes) exceed what the
    /// customer bought in it.
    fn returned_more(&self) -> bool {
        self.net < -self.gross * NET_ROUNDING
    }

    /// Total spend: purchases minus returns, at least 0.
    fn monetary(&self) -> f64 {
        if self.net > self.gross * NET_ROUNDING {
            self.net
        } else {
            0.0
        }
    }
}

/// Relative size below which a customer's net spend is rounding noise, i.e. 0.
const NET_ROUNDING: f64 = 1e-9;

/// Monthly counters over the span of the kept lines.
struct Months {
    first: i32,
    orders: Vec<u64>,
    customers: Vec<u64>,
    revenue: Vec<f64>,
    /// Customer last counted in each month (customers come grouped, so one slot is enough).
    last_customer: Vec<u32>,
}

impl Months {
    fn new(first: i32, last: i32) -> Months {
        let n = usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(0);
        Months {
            first,
            orders: vec![0; n],
            customers: vec![0; n],
            revenue: vec![0.0; n],
            last_customer: vec![u32::MAX; n],
        }
    }

    fn index(&self, month: i32) -> usize {
        usize::try_from(i64::from(month) - i64::from(self.first)).unwrap_or(usize::MAX)
    }

    fn add_order(&mut self, month: usize) {
        if let Some(n) = self.orders.get_mut(month) {
            *n += 1;
        }
    }

    fn add_customer(&mut self, month: usize, customer: u32) {
        if let (Some(last), Some(n)) = (
            self.last_customer.get_mut(month),
            self.customers.get_mut(month),
        ) {
            if *last != customer {
                *last = customer;
                *n += 1;
            }
        }
    }

    fn add_revenue(&mut self, month: usize, spend: f64) {
        if let Some(r) = self.revenue.get_mut(month) {
            *r += spend;
        }
    }

    fn into_activity(self, with_revenue: bool, first_day: i32, last_day: i32) -> MonthlyActivity {
        let months = (0..self.orders.len())
            .map(|k| {
                let month = i64::from(self.first) + k as i64;
                format!(
                    "{:04}-{:02}",
                    month.div_euclid(12),
                    month.rem_euclid(12) + 1
                )
            })
            .collect();
        MonthlyActivity {
            months,
            revenue: with_revenue.then_some(self.revenue),
            orders: self.orders,
            active_customers: self.customers,
            first_day,
            last_day,
        }
    }
}

/// The customer rows from the lines sorted by customer and order, filling `months` on the
/// way. Only orders that stand count as orders, set the dates and fill the spend windows (with
/// the spend no return took back); every kept line, returns included, adds its signed spend to
/// the customer's net and to its month's revenue.
fn customer_rows(
    lines: &[Line],
    reference: i32,
    has_spend: bool,
    months: &mut Months,
) -> Vec<CustomerRow> {
    let mut rows = Vec::new();
    let mut products: Vec<u32> = Vec::new();
    for group in lines.chunk_by(|a, b| a.customer == b.customer) {
        let Some(first_line) = group.first() else {
            continue;
        };
        let mut row = CustomerRow::new(first_line.customer);
        let (mut active_first, mut active_last) = (i32::MAX, i32::MIN);
        products.clear();
        for order in group.chunk_by(|a, b| a.order == b.order) {
            row.raw_orders += 1;
            if order.iter().any(|l| l.cancellation) {
                row.returned_orders += 1;
            }
            let mut stands = false;
            let mut counted_month = usize::MAX;
            for line in order.iter().filter(|l| l.kept) {
                active_first = active_first.min(line.day);
                active_last = active_last.max(line.day);
                let signed = line.signed_spend(has_spend);
                row.net += signed;
                row.gross += signed.abs();
                let month = months.index(line.month);
                months.add_revenue(month, signed);
                if line.cancellation || !line.order_stands {
                    continue;
                }
                stands = true;
                row.first = row.first.min(line.day);
                row.last = row.last.max(line.day);
                let spend = line.net_purchase_spend(has_spend);
                let age = i64::from(reference) - i64::from(line.day);
                if age <= RECENT_DAYS {
                    row.spend_30 += spend;
                }
                if age <= QUARTER_DAYS {
                    row.spend_90 += spend;
                } else if age <= 2 * QUARTER_DAYS {
                    row.spend_previous_90 += spend;
                }
                // A product returned in full was not kept by the customer.
                if line.product != MISSING && (line.left > 0.0 || line.measure == 0.0) {
                    products.push(line.product);
                }
                // Lines of an order are sorted by day, so its months come in order.
                if month != counted_month {
                    counted_month = month;
                    months.add_order(month);
                }
                months.add_customer(month, row.customer);
            }
            if stands {
                row.orders += 1;
            }
        }
        if active_first > active_last {
            // No kept line: the customer's lines were all cleaned away.
            continue;
        }
        if row.orders == 0 {
            // Every order returned in full (or only returns): the dates of their activity.
            row.first = active_first;
            row.last = active_last;
        }
        products.sort_unstable();
        products.dedup();
        row.products = products.len();
        rows.push(row);
    }
    rows
}

fn numeric(name: &str, description: &str, values: Vec<f64>) -> Feature {
    Feature {
        name: name.to_string(),
        description: description.to_string(),
        values: FeatureValues::Numeric(values),
        meta: Default::default(),
    }
}

/// Aggregate the cleaned lines into the customer build.
pub(super) fn build(
    inputs: &Inputs<'_>,
    cleaned: Cleaned,
    params: &FeatureParams,
    progress: &mut dyn FnMut(f64),
) -> Result<CustomerBuild, FeatureError> {
    let mut cleaned = cleaned;
    let mut lines = std::mem::take(&mut cleaned.lines);
    let cleaning = &params.cleaning;
    let nothing_left = || FeatureError::NoLinesLeft {
        customer: inputs.customer.name.clone(),
        date: inputs.date.name.clone(),
        summary: lines::nothing_left(&cleaned, cleaning),
    };
    // Returns alone are no purchases: nothing to build a customer table from.
    if !lines.iter().any(|l| l.kept && !l.cancellation) {
        return Err(nothing_left());
    }
    let span =
        lines
            .iter()
            .filter(|l| l.kept)
            .fold(None, |span: Option<(i32, i32, i32, i32)>, l| {
                Some(match span {
                    None => (l.day, l.day, l.month, l.month),
                    Some((first, last, first_month, last_month)) => (
                        first.min(l.day),
                        last.max(l.day),
                        first_month.min(l.month),
                        last_month.max(l.month),
                    ),
                })
            });
    let Some((first_day, last_day, first_month, last_month)) = span else {
        return Err(nothing_left());
    };
    let column = || inputs.date.name.clone();
    let reference = match params.reference_date {
        Some(reference) if reference < first_day => {
            return Err(FeatureError::ReferenceBeforeFirstPurchase {
                column: column(),
                reference,
                first: first_day,
                last: last_day,
            })
        }
        Some(reference) if reference < last_day => {
            return Err(FeatureError::ReferenceBeforeLastPurchase {
                column: column(),
                reference,
                last: last_day,
            })
        }
        Some(reference) => reference,
        None => last_day.saturating_add(1),
    };

    lines.sort_unstable_by_key(|l| (l.customer, l.order, l.day));
    progress(0.7);
    let has_spend = inputs.has_spend();
    let mut months = Months::new(first_month, last_month);
    let rows = customer_rows(&lines, reference, has_spend, &mut months);
    let day_orders = if inputs.order.is_some() {
        lines
            .iter()
            .filter(|l| l.kept && is_day_order(l.order))
            .count()
    } else {
        0
    };
    drop(lines);
    progress(0.8);

    let ids: Vec<String> = rows
        .iter()
        .map(|r| {
            inputs
                .customer_ids
                .get(r.customer as usize)
                .cloned()
                .unwrap_or_else(|| NO_CUSTOMER_ID.to_string())
        })
        .collect();
    match ids.as_slice() {
        [] => return Err(nothing_left()),
        [only] => {
            return Err(FeatureError::SingleCustomer {
                column: inputs.customer.name.clone(),
                id: only.clone(),
            })
        }
        _ => {}
    }

    let mut notes = inputs.notes.clone();
    if day_orders > 0 {
        notes.push(format!(
            "{} without an order ID count as one order per customer and day.",
            plural_lines(day_orders as u64)
        ));
    }
    notes.push(match params.reference_date {
        None => format!(
            "Reference date {}: the day after the last purchase.",
            iso(reference)
        ),
        Some(_) => format!(
            "Reference date {} (chosen); the last purchase is on {}.",
            iso(reference),
            iso(last_day)
        ),
    });
    if inputs.product.is_none() {
        notes.push("No product column: distinct_products is absent.".to_string());
    }
    if !inputs.can_see_returns() {
        notes.push(
            "No order ID, quantity or amount column: returns cannot be recognised, so \
             return_share is absent."
                .to_string(),
        );
    }

    let net_customers = NetCustomers {
        no_order_left: rows.iter().filter(|r| r.orders == 0).count() as u64,
        returned_more: rows.iter().filter(|r| r.returned_more()).count() as u64,
    };
    if net_customers.returned_more > 0 {
        notes.push(format!(
            "{} returned more than they bought in the file (returns of purchases made before \
             it starts): their monetary is 0, not negative, and {} is 1.",
            plural_customers(net_customers.returned_more),
            super::RETURNED_MORE_COLUMN
        ));
    }
    let features = features(&rows, reference, inputs);
    let customers = CustomerTable {
        id_name: inputs.customer.name.clone(),
        ids,
        features,
    };
    Ok(CustomerBuild {
        customers,
        receipt: lines::receipt(&cleaned, net_customers, cleaning, inputs),
        monthly: months.into_activity(has_spend, first_day, last_day),
        reference_date: reference,
        lines_used: cleaned.counts.kept,
        notes,
    })
}

fn plural_customers(n: u64) -> String {
    if n == 1 {
        "1 customer".to_string()
    } else {
        format!("{} customers", thousands(n))
    }
}

fn plural_lines(n: u64) -> String {
    if n == 1 {
        "1 line".to_string()
    } else {
        format!("{} lines", thousands(n))
    }
}

/// A numeric feature whose blanks are not missing data: not defined for those customers.
fn undefined_blanks(mut feature: Feature, reason: &str, model_value: f64) -> Feature {
    feature.meta.undefined = Some(UndefinedBlanks {
        reason: reason.to_string(),
        model_value,
    });
    feature
}

/// A 0/1 column.
fn indicator(
    name: &str,
    description: &str,
    rows: &[CustomerRow],
    on: &dyn Fn(&CustomerRow) -> bool,
) -> Feature {
    numeric(
        name,
        description,
        rows.iter().map(|r| if on(r) { 1.0 } else { 0.0 }).collect(),
    )
}

/// The feature columns, in the documented order.
fn features(rows: &[CustomerRow], reference: i32, inputs: &Inputs<'_>) -> Vec<Feature> {
    let has_spend = inputs.has_spend();
    let per = |f: &dyn Fn(&CustomerRow) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    let days = |a: i32, b: i32| (i64::from(a) - i64::from(b)) as f64;
    let recency = per(&|r| days(reference, r.last));
    let frequency = per(&|r| f64::from(r.orders));
    let monetary = per(&|r| r.monetary());

    let mut out = Vec::with_capacity(18);
    out.push(numeric(
        "recency_days",
        "Days from the last purchase to the reference date.",
        recency.clone(),
    ));
    let frequency_text = if inputs.order.is_some() {
        "Number of distinct orders (an order returned in full does not count)."
    } else {
        "Number of days with a purchase (each day counts as one order; a day returned in full \
         does not count)."
    };
    out.push(numeric("frequency", frequency_text, frequency.clone()));
    if has_spend {
        out.push(numeric(
            "monetary",
            "Total spend: purchases minus returns (0 when the returns are larger).",
            monetary.clone(),
        ));
    }
    out.push(numeric(
        "tenure_days",
        "Days from the first to the last purchase.",
        per(&|r| days(r.last, r.first)),
    ));
    out.push(numeric(
        "lifetime_days",
        "Days from the first purchase to the reference date.",
        per(&|r| days(reference, r.first)),
    ));
    if has_spend {
        out.push(undefined_blanks(
            numeric(
                "avg_order_value",
                "Average spend per order (blank for a customer with no order left).",
                per(&|r| {
                    if r.orders > 0 {
                        r.monetary() / f64::from(r.orders)
                    } else {
                        f64::NAN
                    }
                }),
            ),
            "no order left: every order was returned in full",
            0.0,
        ));
    }
    out.push(undefined_blanks(
        numeric(
            "avg_days_between_orders",
            "Average days between two orders (blank for a customer with a single order or \
             none left: see single_order).",
            per(&|r| {
                if r.orders > 1 {
                    days(r.last, r.first) / f64::from(r.orders - 1)
                } else {
                    f64::NAN
                }
            }),
        ),
        "a single order (or none left): no gap between orders",
        0.0,
    ));
    out.push(indicator(
        super::SINGLE_ORDER_COLUMN,
        "1 = at most one order (avg_days_between_orders is not defined), 0 = two or more.",
        rows,
        &|r| r.orders <= 1,
    ));
    if inputs.product.is_some() {
        out.push(numeric(
            "distinct_products",
            "Number of different products bought (and not returned in full).",
            per(&|r| r.products as f64),
        ));
    }
    if inputs.can_see_returns() {
        out.push(numeric(
            "return_share",
            "Share of the customer's orders holding a cancellation or return (0 to 1).",
            per(&|r| {
                if r.raw_orders > 0 {
                    f64::from(r.returned_orders) / f64::from(r.raw_orders)
                } else {
                    0.0
                }
            }),
        ));
    }
    if has_spend && rows.iter().any(CustomerRow::returned_more) {
        out.push(indicator(
            super::RETURNED_MORE_COLUMN,
            "1 = the customer returned more than they bought in the file (returns of purchases \
             made before it starts): monetary is set to 0.",
            rows,
            &CustomerRow::returned_more,
        ));
    }
    if has_spend {
        out.push(numeric(
            "spend_30d",
            "Spend in the 30 days before the reference date (net of what was returned).",
            per(&|r| r.spend_30),
        ));
        out.push(numeric(
            "spend_90d",
            "Spend in the 90 days before the reference date (net of what was returned).",
            per(&|r| r.spend_90),
        ));
        out.push(undefined_blanks(
            numeric(
                "spend_trend",
                "Spend in the last 90 days against the 90 days before: +1 all recent, −1 all \
                 earlier (blank when both are 0).",
                per(&|r| {
                    let total = r.spend_90.abs() + r.spend_previous_90.abs();
                    if total > 0.0 {
                        (r.spend_90 - r.spend_previous_90) / total
                    } else {
                        f64::NAN
                    }
                }),
            ),
            "no spend in either 90-day window: no trend",
            0.0,
        ));
    }
    let r_score = quintile_scores(&recency, false);
    let f_score = quintile_scores(&frequency, true);
    let m_score = has_spend.then(|| quintile_scores(&monetary, true));
    out.push(numeric(
        "r_score",
        "Recency score from 1 to 5 (5 = the fifth of customers who bought most recently).",
        r_score.clone(),
    ));
    out.push(numeric(
        "f_score",
        "Frequency score from 1 to 5 (5 = the fifth with the most orders).",
        f_score.clone(),
    ));
    if let Some(m_score) = &m_score {
        out.push(numeric(
            "m_score",
            "Monetary score from 1 to 5 (5 = the fifth with the highest spend).",
            m_score.clone(),
        ));
    }
    let no_order: Vec<bool> = rows.iter().map(|r| r.orders == 0).collect();
    out.push(segments(&r_score, &f_score, m_score.as_deref(), &no_order));
    out
}

fn score_u8(score: f64) -> u8 {
    if score.is_nan() {
        1
    } else {
        score.clamp(1.0, 5.0) as u8
    }
}

/// The RFM segment of each customer; a customer with no order left is not any buyer segment:
/// [`super::NO_ORDER_SEGMENT`], listed last.
fn segments(r: &[f64], f: &[f64], m: Option<&[f64]>, no_order: &[bool]) -> Feature {
    let segment_of: Vec<RfmSegment> = r
        .iter()
        .zip(f)
        .enumerate()
        .map(|(i, (&r, &f))| {
            let m = m.map(|m| score_u8(m.get(i).copied().unwrap_or(f64::NAN)));
            RfmSegment::from_scores(score_u8(r), fm_score(score_u8(f), m))
        })
        .collect();
    let present: Vec<RfmSegment> = RfmSegment::ALL
        .into_iter()
        .filter(|s| {
            segment_of
                .iter()
                .zip(no_order)
                .any(|(x, &none)| !none && x == s)
        })
        .collect();
    let mut levels: Vec<String> = present.iter().map(|s| s.label().to_string()).collect();
    let no_order_code = no_order.iter().any(|&n| n).then(|| {
        levels.push(super::NO_ORDER_SEGMENT.to_string());
        (levels.len() - 1) as u32
    });
    let codes = segment_of
        .iter()
        .zip(no_order)
        .map(|(s, &none)| match no_order_code {
            Some(code) if none => code,
            _ => present
                .iter()
                .position(|p| p == s)
                .map_or(MISSING, |i| i as u32),
        })
        .collect();
    let description = if m.is_some() {
        "Classic RFM segment from the recency score and the mean of the frequency and monetary \
         scores."
    } else {
        "Classic RFM segment from the recency and frequency scores (the data has no spend)."
    };
    Feature {
        name: "rfm_segment".to_string(),
        description: description.to_string(),
        values: FeatureValues::Categorical { levels, codes },
        meta: Default::default(),
    }
}
