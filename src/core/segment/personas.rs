//! Personas: a name, the rule that gave it, an editable label and a suggested marketing action
//! for each segment, read off its [`SegmentProfile`].
//!
//! A name follows from a rule against the whole customer base in the units of the profile table:
//! the segment's typical value (its row of the profile table) against all segmented customers'
//! (the table's "All customers" row), in natural units — never the standardized, log-scale
//! values the segments were built on. The typical value is the feature's [`Statistic`]: the
//! **median** for a right-skewed feature (spend, order counts, days since the last purchase),
//! the **mean** otherwise (age, income, a score). On skewed features the mean misleads: a few
//! big spenders pull all customers' mean up (Online Retail: monetary mean 2,048, median 669), so
//! by means a segment at 1,266 read "Low Monetary" while its median customer spent 978 — 1.46 ×
//! the median customer. Each rule text names the statistic and gives both numbers and the
//! threshold, so a reader can check the name on the same screen.
//!
//! # Features the rules look for (names compared case-insensitively)
//! - recency: `recency_days`, `recency`, or a name containing `recency` / `days_since`;
//! - frequency (orders): `frequency`, `orders`, `n_orders`, `num_orders`, `order_count`, or a
//!   name containing `frequency`;
//! - monetary: `monetary`, `total_spend`, `spend`, `revenue`, `total_revenue`, or a name
//!   containing `monetary`;
//! - tenure: `lifetime_days` (days since the first purchase) first, then `tenure_days`,
//!   `tenure`, or a name containing `lifetime` / `tenure`;
//! - deals: a name containing `deal`, `discount`, `coupon` or `promo` (marketing_campaign's
//!   `NumDealsPurchases`).
//!
//! # Comparisons with all customers
//! These five count days, orders or money, so a segment's value is compared as a multiple of
//! all customers' (only when theirs is > 0):
//! - high: ≥ [`HIGH_RATIO`] (1.25 ×); low — for recency, *recent* — ≤ [`LOW_RATIO`] (0.8 ×);
//! - lapsed: recency ≥ [`LAPSED_RATIO`] (1.5 ×); new: tenure ≤ [`NEW_RATIO`] (0.5 ×);
//! - deal-driven: deals ≥ [`DEALS_RATIO`] (1.5 ×);
//! - above average: > 1 ×.
//!
//! Any other feature (age, income, a score, marketing_campaign's `MntWines`) is compared by its
//! distance from all customers' value in standard deviations of all customers, in natural
//! units: high or low at [`DISTINCT_SD`] (0.25 sd) or more either way — median against median
//! for a skewed one (its sd, swollen by the same few big customers, makes that a cautious
//! test), mean against mean otherwise. (As multiples, skewed features with a small median —
//! `MntFruits`, 8 — would outrank every other feature in the fallback rule below: 30 is
//! 3.75 × 8.)
//!
//! # Rules, first match wins
//! 1. **High-Value Loyalists**: monetary high, frequency high, and recent (when recency exists).
//! 2. **At Risk**: recency lapsed, and monetary or frequency above average.
//! 3. **Discount Seekers**: deal-driven.
//! 4. **New Customers**: tenure new, and recent (when recency exists).
//! 5. **Returned Everything**: mean frequency under [`RETURNED_MAX_ORDERS`] (0.5) and below all
//!    customers' mean: orders are whole numbers, 0 for a customer whose every order was
//!    returned in full (cancellations netted), so most of the segment kept nothing.
//! 6. **One-Time Buyers**: mean frequency ≤ [`ONE_TIME_MAX_ORDERS`] (1.5) orders and below all
//!    customers' mean — the mean, whatever the feature is read by: a segment that bought once,
//!    with a few second orders.
//! 7. **Lapsed Customers**: recency lapsed.
//! 8. Otherwise, for any file (e.g. Mall_Customers without RFM columns), the 1–2 features furthest
//!    past their threshold — among the features the segments were built on when given — name
//!    it, in table order: "High Annual Income, Low Spending Score". "Furthest" counts in
//!    thresholds: ln(ratio) / ln(threshold) for features compared as multiples, |z| / 0.25 for
//!    the others. Recency reads "Recent Buyers" / "Long Since Last Purchase" (≤ 0.8 × /
//!    ≥ 1.25 ×) and tenure "Newer Customers" / "Long-Standing" (never "Low Recency").
//!    No feature past its threshold: **Average Customers**.
//!
//! # Across segments
//! Every name that says recent (High-Value Loyalists, New Customers, Recent Buyers) needs a
//! recency ≤ 0.8 × all customers', every name that says the opposite (At Risk, Lapsed Customers,
//! Long Since Last Purchase) ≥ 1.25 ×, so the first always bought more recently than the
//! second (in the statistic recency is read by). New customers are recent by nature; a segment
//! the fallback would call "Recent Buyers" while a New Customers segment bought more recently is
//! called "Fairly Recent Buyers", and its rule says so.
//!
//! A segment without customers is an **Empty Segment**. Names are unique: of the segments a rule
//! gives the same name, the one that fits it best keeps it plain and the others get " (2)",
//! " (3)", … in order of fit (then segment order) — so "(2)" never marks the top tier:
//! High-Value Loyalists by monetary × frequency multiple (Online Retail, k = 3: 5.6 × the median
//! customer's spend plain, 1.5 × "(2)"), At Risk by that value too, New Customers newest,
//! One-Time Buyers fewest orders, Lapsed Customers longest gone, Discount Seekers most deals, the
//! fallback by how far past their thresholds its features are. Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::format;
use crate::core::segment::profile::{SegmentProfile, SegmentProfiles, Statistic};

/// Multiple of all customers' value at or above which a count of days, orders or money is high.
pub const HIGH_RATIO: f64 = 1.25;
/// Multiple of all customers' value at or below which it is low (recency: recent).
pub const LOW_RATIO: f64 = 0.8;
/// Multiple of all customers' recency at or above which a segment has lapsed.
pub const LAPSED_RATIO: f64 = 1.5;
/// Multiple of all customers' number of deals at or above which a segment seeks discounts
/// (a segment that buys more of everything buys more deals too: 1.25 × is not enough).
pub const DEALS_RATIO: f64 = 1.5;
/// Multiple of all customers' tenure (days since the first purchase) at or below which a
/// segment is new.
pub const NEW_RATIO: f64 = 0.5;
/// Mean orders at or below which a segment is one-time buyers.
pub const ONE_TIME_MAX_ORDERS: f64 = 1.5;
/// Mean orders below which most of a segment kept no order (every one returned in full).
pub const RETURNED_MAX_ORDERS: f64 = 0.5;
/// The name of a segment that returned what it bought.
pub const RETURNED_EVERYTHING: &str = "Returned Everything";
/// Distance from all customers' value, in their standard deviations, at which any other feature
/// is high or low.
pub const DISTINCT_SD: f64 = 0.25;

/// A segment's persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Persona {
    /// Segment index (the label value).
    pub segment: usize,
    /// Name given by the rules, unique across segments.
    pub name: String,
    /// The rule that fired, in natural units against all customers, naming the statistic
    /// compared: "median monetary 3714.6 = 5.56 × all customers' 668.56 (≥ 1.25 ×); …".
    pub rule: String,
    /// A suggested marketing action.
    pub action: String,
    /// The name shown; starts as `name`, the user may edit it.
    pub label: String,
}

/// Which profile column plays which role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Roles {
    recency: Option<usize>,
    frequency: Option<usize>,
    monetary: Option<usize>,
    tenure: Option<usize>,
    deals: Option<usize>,
}

fn find_feature(features: &[String], exact: &[&str], contains: &[&str]) -> Option<usize> {
    let lower: Vec<String> = features.iter().map(|f| f.to_lowercase()).collect();
    exact
        .iter()
        .find_map(|e| lower.iter().position(|f| f == e))
        .or_else(|| {
            lower
                .iter()
                .position(|f| contains.iter().any(|c| f.contains(c)))
        })
}

impl Roles {
    fn of(features: &[String]) -> Roles {
        Roles {
            recency: find_feature(
                features,
                &["recency_days", "recency"],
                &["recency", "days_since"],
            ),
            frequency: find_feature(
                features,
                &[
                    "frequency",
                    "orders",
                    "n_orders",
                    "num_orders",
                    "order_count",
                ],
                &["frequency"],
            ),
            monetary: find_feature(
                features,
                &[
                    "monetary",
                    "total_spend",
                    "spend",
                    "revenue",
                    "total_revenue",
                ],
                &["monetary"],
            ),
            tenure: find_feature(
                features,
                &["lifetime_days", "tenure_days", "tenure"],
                &["lifetime", "tenure"],
            ),
            deals: find_feature(features, &[], &["deal", "discount", "coupon", "promo"]),
        }
    }
}

/// "+1.8 sd", "−0.9 sd" (a true minus sign), "0.0 sd".
fn sd(z: f64) -> String {
    let text = format!("{z:+.1}");
    match text.as_str() {
        "+0.0" | "-0.0" => "0.0 sd".to_string(),
        _ => format!("{} sd", text.replace('-', "−")),
    }
}

/// "Annual Income (k$)" → "Annual Income", "recency_days" → "Recency", "NumDealsPurchases" →
/// "Num Deals Purchases".
pub fn display_name(feature: &str) -> String {
    let mut text = String::new();
    let mut depth = 0usize;
    for c in feature.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let text = text.trim();
    let text = text
        .strip_suffix("_days")
        .or_else(|| text.strip_suffix(" days"))
        .unwrap_or(text);
    let mut spaced = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c == '_' || c == '-' {
            spaced.push(' ');
        } else {
            if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase()) {
                spaced.push(' ');
            }
            spaced.push(c);
        }
        previous = Some(c);
    }
    let words: Vec<String> = spaced
        .split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        feature.to_string()
    } else {
        words.join(" ")
    }
}

/// "3.9", "0.19", "1.25", "12" — a multiple of all customers' mean, as the rule texts print it.
fn times(ratio: f64) -> String {
    let text = if ratio.abs() >= 10.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.2}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The name of profile column `j` ("" past the end).
fn feature_name(profiles: &SegmentProfiles, j: usize) -> &str {
    profiles.features.get(j).map_or("", String::as_str)
}

/// One feature of one segment against all customers, in natural units and in the feature's
/// [`Statistic`] (median for right-skewed features, else mean).
#[derive(Debug, Clone, Copy)]
struct Measure {
    /// Column in [`SegmentProfiles::features`].
    j: usize,
    statistic: Statistic,
    /// The segment's median or mean (its profile-table cell).
    value: f64,
    /// All segmented customers' median or mean (the "All customers" row), and their
    /// population sd.
    base: f64,
    sd: f64,
}

impl Measure {
    fn of(profiles: &SegmentProfiles, p: &SegmentProfile, j: usize) -> Option<Measure> {
        let value = profiles.typical(p, j)?;
        let base = profiles.overall_typical(j)?;
        let sd = profiles
            .overall_sds
            .get(j)
            .copied()
            .flatten()
            .unwrap_or(0.0);
        (value.is_finite() && base.is_finite()).then_some(Measure {
            j,
            statistic: profiles.statistic(j),
            value,
            base,
            sd,
        })
    }

    /// The segment's value as a multiple of all customers' (`None` when theirs is not > 0).
    fn ratio(&self) -> Option<f64> {
        (self.base > 0.0).then(|| self.value / self.base)
    }

    /// Distance from all customers' value in their sds (`None` for a constant feature).
    fn z(&self) -> Option<f64> {
        (self.sd.is_finite() && self.sd > 1e-12 * self.base.abs().max(1.0))
            .then(|| (self.value - self.base) / self.sd)
    }

    /// "median monetary 977.9", "mean Age 55.60".
    fn value_text(&self, profiles: &SegmentProfiles) -> String {
        format!(
            "{} {} {}",
            self.statistic.label(),
            feature_name(profiles, self.j),
            format::number(self.value)
        )
    }

    /// "median monetary 7977.9 = 3.9 × all customers' 2048.2 (≥ 1.25 ×)".
    fn ratio_text(&self, profiles: &SegmentProfiles, op: &str, threshold: f64) -> String {
        format!(
            "{} = {} × all customers' {} ({op} {} ×)",
            self.value_text(profiles),
            times(self.ratio().unwrap_or(f64::NAN)),
            format::number(self.base),
            times(threshold)
        )
    }

    /// "mean Annual Income (k$) 86.54 vs all customers' 60.56 (+1.0 sd, beyond ±0.25 sd)".
    fn sd_text(&self, profiles: &SegmentProfiles) -> String {
        format!(
            "{} vs all customers' {} ({}, beyond ±{DISTINCT_SD} sd)",
            self.value_text(profiles),
            format::number(self.base),
            sd(self.z().unwrap_or(0.0))
        )
    }

    /// The rule text when the ratio is at least `threshold`.
    fn at_least(&self, profiles: &SegmentProfiles, threshold: f64) -> Option<String> {
        let r = self.ratio()?;
        (r >= threshold).then(|| self.ratio_text(profiles, "≥", threshold))
    }

    /// The rule text when the ratio is at most `threshold`.
    fn at_most(&self, profiles: &SegmentProfiles, threshold: f64) -> Option<String> {
        let r = self.ratio()?;
        (r <= threshold).then(|| self.ratio_text(profiles, "≤", threshold))
    }

    /// The rule text when the value is above all customers'.
    fn above_average(&self, profiles: &SegmentProfiles) -> Option<String> {
        let r = self.ratio()?;
        (r > 1.0).then(|| self.ratio_text(profiles, ">", 1.0))
    }
}

/// How feature `j` is compared with all customers in the fallback rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    /// As a multiple of all customers' value.
    Ratio,
    /// In all customers' standard deviations.
    Sd,
}

impl Scale {
    /// Days, orders, money and deals (the roles) are compared as multiples, and not at all when
    /// all customers' value is not > 0; any other feature in sds.
    fn of(roles: &Roles, m: &Measure) -> Option<Scale> {
        if roles.is_quantity(m.j) {
            m.ratio().map(|_| Scale::Ratio)
        } else {
            Some(Scale::Sd)
        }
    }
}

/// Signed distance of segment `p` from all customers in feature `j`, in the thresholds the
/// names use: ln(ratio) / ln(1.25) for features compared as multiples (±1 at 1.25 × and
/// 0.8 ×), z / 0.25 for the others (±1 at ±0.25 sd); 0 = all customers' value. `None` when
/// there is nothing to compare. For colouring the profile table like the names read it.
pub fn rule_levels(profiles: &SegmentProfiles, p: &SegmentProfile) -> Vec<Option<f64>> {
    let roles = Roles::of(&profiles.features);
    (0..profiles.features.len())
        .map(|j| {
            let m = Measure::of(profiles, p, j)?;
            match Scale::of(&roles, &m)? {
                // Finite at a multiple ≤ 0 (a negative spend), for the JSON it crosses.
                Scale::Ratio => Some(m.ratio()?.max(f64::MIN_POSITIVE).ln() / HIGH_RATIO.ln()),
                Scale::Sd => Some(m.z().unwrap_or(0.0) / DISTINCT_SD),
            }
        })
        .collect()
}

/// A feature past its threshold in the fallback rule: high or low, and how far (1 = at the
/// threshold).
#[derive(Debug, Clone, Copy)]
struct Level {
    measure: Measure,
    high: bool,
    strength: f64,
    /// Compared as a multiple of all customers' value (else in sds).
    by_ratio: bool,
}

impl Level {
    fn of(roles: &Roles, m: Measure) -> Option<Level> {
        if Scale::of(roles, &m)? == Scale::Ratio {
            let r = m.ratio()?;
            let (high, strength) = if r >= HIGH_RATIO {
                (true, r.ln() / HIGH_RATIO.ln())
            } else if r <= LOW_RATIO {
                (
                    false,
                    if r > 0.0 {
                        r.ln() / LOW_RATIO.ln()
                    } else {
                        f64::INFINITY
                    },
                )
            } else {
                return None;
            };
            Some(Level {
                measure: m,
                high,
                strength,
                by_ratio: true,
            })
        } else {
            let z = m.z()?;
            (z.abs() >= DISTINCT_SD).then(|| Level {
                measure: m,
                high: z > 0.0,
                strength: z.abs() / DISTINCT_SD,
                by_ratio: false,
            })
        }
    }

    fn text(&self, profiles: &SegmentProfiles) -> String {
        match (self.by_ratio, self.high) {
            (true, true) => self.measure.ratio_text(profiles, "≥", HIGH_RATIO),
            (true, false) => self.measure.ratio_text(profiles, "≤", LOW_RATIO),
            (false, _) => self.measure.sd_text(profiles),
        }
    }

    /// "High Annual Income", "Low Spending Score"; recency and tenure read as what they mean:
    /// "Recent Buyers" / "Long Since Last Purchase", "Newer Customers" / "Long-Standing".
    fn name(&self, roles: &Roles, profiles: &SegmentProfiles) -> String {
        let j = self.measure.j;
        if roles.recency == Some(j) {
            return if self.high { LONG_SINCE } else { RECENT_BUYERS }.to_string();
        }
        if roles.tenure == Some(j) {
            return if self.high {
                "Long-Standing"
            } else {
                "Newer Customers"
            }
            .to_string();
        }
        format!(
            "{} {}",
            if self.high { "High" } else { "Low" },
            display_name(feature_name(profiles, j))
        )
    }
}

const RECENT_BUYERS: &str = "Recent Buyers";
const FAIRLY_RECENT_BUYERS: &str = "Fairly Recent Buyers";
const LONG_SINCE: &str = "Long Since Last Purchase";
const NEW_CUSTOMERS: &str = "New Customers";

impl Roles {
    /// Recency, frequency, monetary, tenure and deals count days, orders or money: compared as
    /// multiples of all customers' mean.
    fn is_quantity(&self, j: usize) -> bool {
        [
            self.recency,
            self.frequency,
            self.monetary,
            self.tenure,
            self.deals,
        ]
        .contains(&Some(j))
    }
}

/// A name, its rule and action.
struct Named {
    name: String,
    rule: String,
    action: String,
    /// How well the segment fits its name (how far past the rule's thresholds): of segments
    /// given the same name, the best fit keeps it plain and the others get " (2)", " (3)", …
    fit: f64,
}

fn named(name: &str, rule: String, action: &str) -> Named {
    Named {
        name: name.to_string(),
        rule,
        action: action.to_string(),
        fit: 0.0,
    }
}

impl Named {
    fn fit(self, fit: f64) -> Named {
        Named {
            fit: if fit.is_nan() { 0.0 } else { fit },
            ..self
        }
    }
}

/// ln of a measure's multiple of all customers' value (0 without one): summed, how far a
/// segment lies from all customers on the log scale.
fn ln_ratio(m: Option<Measure>) -> f64 {
    m.and_then(|m| m.ratio())
        .filter(|r| *r > 0.0)
        .map_or(0.0, f64::ln)
}

/// Apply the rules of the module doc to one segment.
fn name_segment(
    profiles: &SegmentProfiles,
    roles: &Roles,
    focus: &[usize],
    p: &SegmentProfile,
) -> Named {
    if p.size == 0 {
        return named(
            "Empty Segment",
            "no customers in this segment".to_string(),
            "Choose fewer segments: this one has no customers.",
        );
    }
    let measure = |role: Option<usize>| role.and_then(|j| Measure::of(profiles, p, j));
    let recency = measure(roles.recency);
    let frequency = measure(roles.frequency);
    let monetary = measure(roles.monetary);
    let tenure = measure(roles.tenure);
    let deals = measure(roles.deals);
    // `Some(text)` when the segment is recent, or when there is no recency to contradict.
    let recent: Option<Option<String>> = match recency {
        Some(r) => r.at_most(profiles, LOW_RATIO).map(Some),
        None if roles.recency.is_none() => Some(None),
        None => None,
    };
    let lapsed = recency.and_then(|r| r.at_least(profiles, LAPSED_RATIO));

    // 1. High-Value Loyalists.
    let high = |m: Option<Measure>| m.and_then(|m| m.at_least(profiles, HIGH_RATIO));
    if let (Some(m), Some(f), Some(r)) = (high(monetary), high(frequency), recent.clone()) {
        let mut parts = vec![m, f];
        parts.extend(r);
        return named(
            "High-Value Loyalists",
            parts.join("; "),
            "Reward and keep them: a loyalty tier, early access to new products and referral \
             asks; no discounts needed.",
        )
        .fit(ln_ratio(monetary) + ln_ratio(frequency));
    }
    // 2. At Risk.
    if let Some(r) = &lapsed {
        let value: Vec<String> = [monetary, frequency]
            .into_iter()
            .flatten()
            .filter_map(|m| m.above_average(profiles))
            .collect();
        if !value.is_empty() {
            let mut parts = vec![r.clone()];
            parts.extend(value);
            return named(
                "At Risk",
                parts.join("; "),
                "Win them back now: a personal reactivation message with a time-limited offer on \
                 what they used to buy, and ask what went wrong.",
            )
            .fit(ln_ratio(monetary) + ln_ratio(frequency));
        }
    }
    // 3. Discount Seekers.
    if let Some(d) = deals.and_then(|d| d.at_least(profiles, DEALS_RATIO)) {
        return named(
            "Discount Seekers",
            d,
            "Time promotions and bundles for them; keep full-price messages for other segments \
             and watch the margin.",
        )
        .fit(ln_ratio(deals));
    }
    // 4. New Customers.
    if let (Some(t), Some(r)) = (
        tenure.and_then(|t| t.at_most(profiles, NEW_RATIO)),
        recent.clone(),
    ) {
        let mut parts = vec![t];
        parts.extend(r);
        return named(
            NEW_CUSTOMERS,
            parts.join("; "),
            "Onboard them: a welcome series, product guidance and an incentive for a second \
             purchase within 30 days.",
        )
        .fit(-ln_ratio(tenure));
    }
    // 5. Returned Everything, 6. One-Time Buyers: on the mean, whatever the statistic the
    // feature is read by. Orders are whole numbers, 0 for a customer whose every order was
    // returned in full (netted cancellations): a mean under 0.5 means most of the segment
    // kept nothing; up to 1.5, a segment that bought once, with a few second orders.
    if let Some(f) = frequency {
        let mean = p.means.get(f.j).copied().flatten();
        let base = profiles.overall_means.get(f.j).copied().flatten();
        if let (Some(mean), Some(base)) = (mean, base) {
            if mean < RETURNED_MAX_ORDERS && mean < base {
                return named(
                    RETURNED_EVERYTHING,
                    format!(
                        "mean {} {} (< {RETURNED_MAX_ORDERS}: most of them returned every order \
                         in full; all customers' mean {})",
                        feature_name(profiles, f.j),
                        format::number(mean),
                        format::number(base)
                    ),
                    "Find out why they sent everything back (quality, fit, delivery): a service \
                     follow-up rather than a promotion, and keep them out of sales campaigns \
                     until they keep a purchase.",
                )
                .fit(-mean);
            }
            if mean <= ONE_TIME_MAX_ORDERS && mean < base {
                let mut rule = format!(
                    "mean {} {} (≤ {ONE_TIME_MAX_ORDERS} orders; all customers' mean {})",
                    feature_name(profiles, f.j),
                    format::number(mean),
                    format::number(base)
                );
                if f.statistic == Statistic::Median {
                    rule.push_str(&format!(
                        "; median {} against all customers' {}",
                        format::number(f.value),
                        format::number(f.base)
                    ));
                }
                return named(
                    "One-Time Buyers",
                    rule,
                    "Ask for a second purchase: follow-up recommendations based on the first \
                     order and a small incentive; stop after a couple of unanswered messages.",
                )
                .fit(-mean);
            }
        }
    }
    // 7. Lapsed Customers.
    if let Some(r) = lapsed {
        return named(
            "Lapsed Customers",
            r,
            "Try a low-cost win-back (one or two emails); leave them out of paid campaigns if \
             they do not respond.",
        )
        .fit(ln_ratio(recency));
    }
    // 8. The features furthest past their thresholds.
    let candidates: Vec<usize> = if focus.is_empty() {
        (0..profiles.features.len()).collect()
    } else {
        focus.to_vec()
    };
    let mut levels: Vec<Level> = candidates
        .iter()
        .filter_map(|&j| Measure::of(profiles, p, j))
        .filter_map(|m| Level::of(roles, m))
        .collect();
    levels.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(a.measure.j.cmp(&b.measure.j))
    });
    levels.truncate(2);
    levels.sort_by_key(|l| l.measure.j);
    if levels.is_empty() {
        // How each feature was compared, in table order: "a, b within 0.8–1.25 × all
        // customers' median; every other feature within ±0.25 sd of all customers' mean".
        let mut groups: Vec<((Scale, Statistic), Vec<usize>)> = Vec::new();
        for &j in &candidates {
            let Some(m) = Measure::of(profiles, p, j) else {
                continue;
            };
            let Some(scale) = Scale::of(roles, &m) else {
                continue;
            };
            match groups
                .iter_mut()
                .find(|(key, _)| *key == (scale, m.statistic))
            {
                Some((_, features)) => features.push(j),
                None => groups.push(((scale, m.statistic), vec![j])),
            }
        }
        groups.sort_by_key(|(key, _)| *key == (Scale::Sd, Statistic::Mean));
        let within = |(scale, statistic): (Scale, Statistic)| match scale {
            Scale::Ratio => format!(
                "within {}–{} × all customers' {}",
                times(LOW_RATIO),
                times(HIGH_RATIO),
                statistic.label()
            ),
            Scale::Sd => format!(
                "within ±{DISTINCT_SD} sd of all customers' {}",
                statistic.label()
            ),
        };
        let rule = match groups.as_slice() {
            [] => "no feature to compare".to_string(),
            [(key, _)] => format!("every feature {}", within(*key)),
            _ => groups
                .iter()
                .map(|(key, features)| {
                    if *key == (Scale::Sd, Statistic::Mean) {
                        format!("every other feature {}", within(*key))
                    } else {
                        format!(
                            "{} {}",
                            features
                                .iter()
                                .map(|&j| feature_name(profiles, j))
                                .collect::<Vec<_>>()
                                .join(", "),
                            within(*key)
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
        };
        return named(
            "Average Customers",
            rule,
            "The core of the customer base: keep regular communication going and test new offers \
             here first.",
        );
    }
    let name = levels
        .iter()
        .map(|l| l.name(roles, profiles))
        .collect::<Vec<_>>()
        .join(", ");
    let rule = levels
        .iter()
        .map(|l| l.text(profiles))
        .collect::<Vec<_>>()
        .join("; ");
    let spend_like = |j: usize| {
        let f = feature_name(profiles, j).to_lowercase();
        [
            "spend", "monetary", "mnt", "amount", "revenue", "purchase", "sales", "value",
        ]
        .iter()
        .any(|w| f.contains(w))
    };
    let spend = levels.iter().find(|l| spend_like(l.measure.j));
    let action = match spend {
        Some(l) if l.high => {
            "Keep them close: premium ranges, loyalty rewards and early access.".to_string()
        }
        Some(_) => "Lift their spending: entry offers, bundles and reminders, with low contact \
                    costs."
            .to_string(),
        None => format!(
            "Shape offers and messages around what sets them apart ({}); test on a small share \
             first.",
            levels
                .iter()
                .map(|l| display_name(feature_name(profiles, l.measure.j)).to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let fit = levels.iter().map(|l| l.strength).sum();
    named(&name, rule, &action).fit(fit)
}

/// A segment the fallback calls "Recent Buyers" while a New Customers segment bought more
/// recently becomes "Fairly Recent Buyers", its rule saying so.
fn fairly_recent(profiles: &SegmentProfiles, roles: &Roles, named: &mut [Named]) {
    let Some(j) = roles.recency else {
        return;
    };
    let recency = |s: usize| -> Option<f64> {
        profiles
            .segments
            .get(s)
            .and_then(|p| profiles.typical(p, j))
    };
    let newest = named
        .iter()
        .enumerate()
        .filter(|(_, n)| n.name == NEW_CUSTOMERS)
        .filter_map(|(s, _)| recency(s))
        .min_by(f64::total_cmp);
    let Some(newest) = newest else {
        return;
    };
    for (s, n) in named.iter_mut().enumerate() {
        let is_recent = n.name.split(", ").any(|part| part == RECENT_BUYERS);
        if is_recent && recency(s).is_some_and(|r| r > newest) {
            n.name = n
                .name
                .split(", ")
                .map(|part| {
                    if part == RECENT_BUYERS {
                        FAIRLY_RECENT_BUYERS
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            n.rule = format!(
                "{}; New Customers bought more recently ({} {} {})",
                n.rule,
                profiles.statistic(j).label(),
                feature_name(profiles, j),
                format::number(newest)
            );
        }
    }
}

/// Name every segment of `profiles`. `focus` lists the features the segments were built on
/// (they name segments in the fallback rule; empty = all profiled features).
pub fn name_personas(profiles: &SegmentProfiles, focus: &[String]) -> Vec<Persona> {
    let roles = Roles::of(&profiles.features);
    let focus: Vec<usize> = focus
        .iter()
        .filter_map(|f| profiles.feature_index(f))
        .collect();
    let mut named: Vec<Named> = profiles
        .segments
        .iter()
        .map(|p| name_segment(profiles, &roles, &focus, p))
        .collect();
    fairly_recent(profiles, &roles, &mut named);
    // Repeated names: the best fit first, then segment order.
    let mut order: Vec<usize> = (0..named.len()).collect();
    order.sort_by(|&a, &b| named[b].fit.total_cmp(&named[a].fit).then(a.cmp(&b)));
    let mut unique: Vec<String> = vec![String::new(); named.len()];
    let mut used: Vec<String> = Vec::new();
    for &s in &order {
        let name = &named[s].name;
        let mut candidate = name.clone();
        let mut k = 2;
        while used.contains(&candidate) {
            candidate = format!("{name} ({k})");
            k += 1;
        }
        used.push(candidate.clone());
        unique[s] = candidate;
    }
    profiles
        .segments
        .iter()
        .zip(named)
        .zip(unique)
        .map(|((p, Named { rule, action, .. }), unique)| Persona {
            segment: p.segment,
            label: unique.clone(),
            name: unique,
            rule,
            action,
        })
        .collect()
}

/// The labels shown for the segments (the personas' labels, in segment order).
pub fn persona_labels(personas: &[Persona]) -> Vec<String> {
    personas.iter().map(|p| p.label.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Profiles with all customers' means `base` and sds `sds`, and one segment of 10 customers
    /// per row of `means`. Standardized means are set to −(natural z), to show the rules never
    /// read them.
    fn profiles(
        features: &[&str],
        base: &[f64],
        sds: &[f64],
        means: Vec<Vec<f64>>,
    ) -> SegmentProfiles {
        let n = means.len();
        SegmentProfiles {
            features: features.iter().map(|f| f.to_string()).collect(),
            overall_means: base.iter().copied().map(Some).collect(),
            overall_sds: sds.iter().copied().map(Some).collect(),
            overall_medians: base.iter().copied().map(Some).collect(),
            statistics: vec![Statistic::Mean; features.len()],
            n_customers: 10 * n,
            n_noise: 0,
            log_scale: Vec::new(),
            segments: means
                .into_iter()
                .enumerate()
                .map(|(s, means)| SegmentProfile {
                    segment: s,
                    size: 10,
                    share: 1.0 / n as f64,
                    standardized_means: means
                        .iter()
                        .zip(base.iter().zip(sds))
                        .map(|(m, (b, sd))| Some(-(m - b) / sd))
                        .collect(),
                    medians: means.iter().copied().map(Some).collect(),
                    means: means.into_iter().map(Some).collect(),
                    revenue_share: None,
                })
                .collect(),
        }
    }

    /// Read the features by their medians: all customers' `base` and one row per segment.
    fn read_by_median(
        mut p: SegmentProfiles,
        features: &[&str],
        base: &[f64],
        medians: Vec<Vec<f64>>,
    ) -> SegmentProfiles {
        for (f, b) in features.iter().zip(base) {
            let Some(j) = p.feature_index(f) else {
                panic!("no {f}");
            };
            p.statistics[j] = Statistic::Median;
            p.overall_medians[j] = Some(*b);
            for (segment, row) in p.segments.iter_mut().zip(&medians) {
                segment.medians[j] = row
                    .get(features.iter().position(|x| x == f).unwrap_or(0))
                    .copied();
            }
        }
        p
    }

    fn names(p: &SegmentProfiles, focus: &[&str]) -> Vec<String> {
        let focus: Vec<String> = focus.iter().map(|f| f.to_string()).collect();
        name_personas(p, &focus)
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    const RFM: [&str; 4] = ["recency_days", "frequency", "monetary", "lifetime_days"];
    const RFM_BASE: [f64; 4] = [93.0, 4.3, 2048.2, 223.8];
    const RFM_SD: [f64; 4] = [100.0, 7.7, 8900.0, 117.0];

    #[test]
    fn display_names_read_like_words() {
        assert_eq!(display_name("Annual Income (k$)"), "Annual Income");
        assert_eq!(display_name("Spending Score (1-100)"), "Spending Score");
        assert_eq!(display_name("recency_days"), "Recency");
        assert_eq!(display_name("NumDealsPurchases"), "Num Deals Purchases");
        assert_eq!(display_name("(x)"), "(x)");
    }

    #[test]
    fn sd_uses_a_true_minus() {
        assert_eq!(sd(-0.94), "−0.9 sd");
        assert_eq!(sd(1.75), "+1.8 sd");
        assert_eq!(sd(-0.01), "0.0 sd");
    }

    #[test]
    fn multiples_print_short() {
        assert_eq!(times(3.8951), "3.9");
        assert_eq!(times(0.1896), "0.19");
        assert_eq!(times(1.25), "1.25");
        assert_eq!(times(1.0), "1");
        assert_eq!(times(12.4), "12");
    }

    /// Online Retail at k = 3 (K-means on log RFM) as the profile table shows it: recency,
    /// frequency and monetary are right-skewed, so read by their medians; lifetime_days is not.
    fn online_retail_k3() -> SegmentProfiles {
        let p = profiles(
            &RFM,
            &[93.04, 4.27, 2048.2, 223.8],
            &RFM_SD,
            vec![
                vec![168.2, 1.36, 361.4, 196.8],
                vec![44.2, 3.38, 1265.9, 213.8],
                vec![17.6, 13.48, 7977.9, 312.9],
            ],
        );
        read_by_median(
            p,
            &RFM[..3],
            &[51.0, 2.0, 668.56],
            vec![
                vec![159.5, 1.0, 296.1],
                vec![30.0, 3.0, 977.93],
                vec![10.0, 10.0, 3714.6],
            ],
        )
    }

    /// The skew problem: by means, segment 1 (1,265.9 against all customers' 2,048.2) read
    /// "Recent Buyers, Low Monetary", though its median customer spends 1.46 × the median
    /// customer. By medians it is a High-Value Loyalist — the second: "(2)" goes to the segment
    /// that fits the name less (1.46 × and 1.5 ×, against 5.56 × and 5 ×), not to the smaller one.
    #[test]
    fn online_retail_names_follow_the_median_customer() {
        let p = online_retail_k3();
        let personas = name_personas(
            &p,
            &["recency_days", "frequency", "monetary"].map(String::from),
        );
        let names: Vec<&str> = personas.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "One-Time Buyers",
                "High-Value Loyalists (2)",
                "High-Value Loyalists"
            ],
            "{personas:#?}"
        );
        assert_eq!(
            personas[1].rule,
            "median monetary 977.93 = 1.46 × all customers' 668.56 (≥ 1.25 ×); median frequency 3 \
             = 1.5 × all customers' 2 (≥ 1.25 ×); median recency_days 30 = 0.59 × all customers' 51 \
             (≤ 0.8 ×)"
        );
        // One-Time Buyers on the mean, with the medians the table shows.
        assert_eq!(
            personas[0].rule,
            "mean frequency 1.36 (≤ 1.5 orders; all customers' mean 4.27); median 1 against all \
             customers' 2"
        );
        // Read by means (the statistic of every feature back to the mean), the same segment is
        // called low in the monetary it leads the median customer in.
        let mut by_means = p.clone();
        by_means.statistics = vec![Statistic::Mean; RFM.len()];
        assert_eq!(
            name_personas(
                &by_means,
                &["recency_days", "frequency", "monetary"].map(String::from)
            )[1]
            .name,
            "Recent Buyers, Low Monetary"
        );
    }

    /// Online Retail at k = 4 and 5 by means (the mean-read path, as on a file whose RFM is not
    /// skewed): above average on the log scale but below the mean in natural units is never
    /// "High Monetary".
    #[test]
    fn mean_read_names_follow_the_natural_means() {
        let p = profiles(
            &RFM,
            &RFM_BASE,
            &RFM_SD,
            vec![
                vec![168.2, 1.36, 361.4, 196.8],
                vec![44.2, 3.38, 1265.9, 213.8],
                vec![17.6, 13.48, 7977.9, 312.9],
                vec![65.4, 4.2, 1820.1, 261.0],
                vec![22.6, 1.9, 484.8, 100.9],
            ],
        );
        let personas = name_personas(
            &p,
            &["recency_days", "frequency", "monetary"].map(String::from),
        );
        let names: Vec<&str> = personas.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "One-Time Buyers",
                // More recent than all customers, less than the New Customers.
                "Fairly Recent Buyers, Low Monetary",
                "High-Value Loyalists",
                "Fairly Recent Buyers",
                "New Customers"
            ],
            "{personas:#?}"
        );
        assert_eq!(
            personas[2].rule,
            "mean monetary 7,977.9 = 3.9 × all customers' 2,048.2 (≥ 1.25 ×); mean frequency 13.48 = \
             3.13 × all customers' 4.30 (≥ 1.25 ×); mean recency_days 17.60 = 0.19 × all \
             customers' 93 (≤ 0.8 ×)"
        );
        assert_eq!(
            personas[0].rule,
            "mean frequency 1.36 (≤ 1.5 orders; all customers' mean 4.30)"
        );
        assert_eq!(
            personas[4].rule,
            "mean lifetime_days 100.90 = 0.45 × all customers' 223.80 (≤ 0.5 ×); mean recency_days \
             22.60 = 0.24 × all customers' 93 (≤ 0.8 ×)"
        );
    }

    /// "Average Customers" says which statistic each feature was compared by.
    #[test]
    fn average_customers_name_their_statistics() {
        let mut p = online_retail_k3();
        p.features.push("Age".to_string());
        p.overall_means.push(Some(40.0));
        p.overall_sds.push(Some(10.0));
        p.overall_medians.push(Some(39.0));
        p.statistics.push(Statistic::Mean);
        let segment = &mut p.segments[1];
        segment.means = vec![Some(90.0), Some(4.0), Some(2000.0), Some(220.0), Some(41.0)];
        segment.medians = vec![Some(50.0), Some(2.0), Some(700.0), Some(250.0), Some(40.0)];
        let personas = name_personas(&p, &[]);
        assert_eq!(personas[1].name, "Average Customers");
        assert_eq!(
            personas[1].rule,
            "recency_days, frequency, monetary within 0.8–1.25 × all customers' median; \
             lifetime_days within 0.8–1.25 × all customers' mean; every other feature within \
             ±0.25 sd of all customers' mean"
        );
    }

    /// Colours follow the rules: ±1 at the thresholds, on the statistic the table shows.
    #[test]
    fn rule_levels_measure_in_thresholds() {
        let p = online_retail_k3();
        let levels = rule_levels(&p, &p.segments[1]);
        // Median monetary 1.46 × → ln 1.46 / ln 1.25 ≈ 1.7; lifetime_days by its mean, a role:
        // 213.8 / 223.8.
        let expected = [
            (30.0f64 / 51.0).ln(),
            1.5f64.ln(),
            (977.93f64 / 668.56).ln(),
            (213.8f64 / 223.8).ln(),
        ]
        .map(|x| x / 1.25f64.ln());
        for (level, expected) in levels.iter().zip(expected) {
            assert!((level.unwrap() - expected).abs() < 1e-12, "{levels:?}");
        }
        let mall = profiles(
            &["Age", "Score"],
            &[38.85, 50.2],
            &[13.9, 25.8],
            vec![vec![55.6, 50.2]],
        );
        let levels = rule_levels(&mall, &mall.segments[0]);
        assert!((levels[0].unwrap() - (55.6 - 38.85) / 13.9 / 0.25).abs() < 1e-12);
        assert_eq!(levels[1], Some(0.0));
    }

    #[test]
    fn lapsed_at_risk_and_one_time_buyers() {
        let p = profiles(
            &RFM,
            &RFM_BASE,
            &RFM_SD,
            vec![
                // Lapsed (1.8 ×) and spent more than average: at risk.
                vec![170.0, 5.0, 2500.0, 400.0],
                // Lapsed, below-average value, 1.2 orders: one-time buyers first.
                vec![240.0, 1.2, 250.0, 250.0],
                // Lapsed with 2 orders: lapsed.
                vec![150.0, 2.0, 600.0, 300.0],
            ],
        );
        assert_eq!(
            names(&p, &[]),
            ["At Risk", "One-Time Buyers", "Lapsed Customers"]
        );
        let personas = name_personas(&p, &[]);
        assert!(
            personas[0].rule.starts_with(
                "mean recency_days 170 = 1.83 × all customers' 93 (≥ 1.5 ×); mean monetary 2,500 = \
                 1.22 ×"
            ),
            "{}",
            personas[0].rule
        );
        assert_eq!(
            personas[1].rule,
            "mean frequency 1.20 (≤ 1.5 orders; all customers' mean 4.30)"
        );
    }

    /// A segment the fallback calls recent, less recent than the New Customers: "Fairly Recent
    /// Buyers" (issue 12: "Recent Buyers" less recent than "New Customers").
    #[test]
    fn recent_buyers_are_never_less_recent_than_new_customers() {
        let p = profiles(
            &RFM,
            &RFM_BASE,
            &RFM_SD,
            vec![
                vec![35.2, 3.4, 1079.4, 225.9],
                vec![9.2, 2.1, 519.9, 101.3],
                vec![5.0, 3.0, 1500.0, 230.0],
            ],
        );
        let personas = name_personas(
            &p,
            &["recency_days", "frequency", "monetary"].map(String::from),
        );
        let names: Vec<&str> = personas.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Fairly Recent Buyers, Low Monetary",
                "New Customers",
                "Recent Buyers, Low Frequency"
            ]
        );
        assert!(
            personas[0]
                .rule
                .ends_with("; New Customers bought more recently (mean recency_days 9.20)"),
            "{}",
            personas[0].rule
        );
    }

    #[test]
    fn mall_style_names_and_unique_suffixes() {
        let features = ["Age", "Annual Income (k$)", "Spending Score (1-100)"];
        let p = profiles(
            &features,
            &[38.85, 60.56, 50.2],
            &[13.9, 26.2, 25.8],
            vec![
                vec![41.1, 88.2, 17.1],
                vec![39.9, 86.1, 19.4],
                vec![55.6, 50.0, 48.9],
                vec![40.0, 62.0, 52.0],
                vec![39.0, 61.0, 51.0],
            ],
        );
        assert_eq!(
            names(&p, &features[1..]),
            vec![
                "High Annual Income, Low Spending Score",
                "High Annual Income, Low Spending Score (2)",
                "Low Annual Income",
                "Average Customers",
                "Average Customers (2)",
            ]
        );
        let personas = name_personas(&p, &[]);
        assert_eq!(
            personas[3].rule,
            "every feature within ±0.25 sd of all customers' mean"
        );
        assert_eq!(personas[2].name, "High Age, Low Annual Income");
        assert_eq!(
            personas[2].rule,
            "mean Age 55.60 vs all customers' 38.85 (+1.2 sd, beyond ±0.25 sd); mean Annual Income \
             (k$) 50 vs all customers' 60.56 (−0.4 sd, beyond ±0.25 sd)"
        );
    }

    #[test]
    fn discount_seekers_where_a_deal_column_exists() {
        let p = profiles(
            &["Recency", "NumDealsPurchases", "MntWines"],
            &[49.1, 2.3, 303.9],
            &[29.0, 1.9, 336.0],
            vec![vec![50.0, 4.0, 100.0]],
        );
        let persona = &name_personas(&p, &[])[0];
        assert_eq!(persona.name, "Discount Seekers");
        assert_eq!(
            persona.rule,
            "mean NumDealsPurchases 4 = 1.74 × all customers' 2.30 (≥ 1.5 ×)"
        );
        assert_eq!(persona.label, persona.name);
    }

    #[test]
    fn missing_means_never_fire_a_rule() {
        let mut p = profiles(
            &["recency_days", "frequency", "monetary"],
            &[90.0, 4.0, 2000.0],
            &[100.0, 7.0, 9000.0],
            vec![],
        );
        p.segments.push(SegmentProfile {
            segment: 0,
            size: 3,
            share: 1.0,
            means: vec![None, Some(f64::NAN), None],
            medians: vec![None, Some(f64::NAN), None],
            standardized_means: vec![Some(-3.0), Some(f64::NAN), Some(3.0)],
            revenue_share: None,
        });
        assert_eq!(name_personas(&p, &[])[0].name, "Average Customers");
        // All customers' mean of 0: no multiple to compare with.
        let p = profiles(
            &["recency_days", "frequency"],
            &[0.0, 0.0],
            &[0.0, 0.0],
            vec![vec![0.0, 0.0]],
        );
        assert_eq!(name_personas(&p, &[])[0].name, "Average Customers");
    }
}
