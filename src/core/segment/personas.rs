//! Personas: a name, the rule that gave it, an editable label and a suggested marketing action
//! for each segment, read off its [`SegmentProfile`].
//!
//! A name follows from a rule against the whole customer base in the units of the profile table:
//! the segment's **mean** (its row of the profile table) against the mean of all segmented
//! customers (the table's "All customers" row), in natural units — never the standardized,
//! log-scale values the segments were built on, which can point the other way (Online Retail,
//! k = 4: monetary +0.5 sd on the log scale, yet a mean of 1,820 against 2,048 for all
//! customers). Each rule text gives both numbers and the threshold, so a reader can check the
//! name on the same screen.
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
//! These five count days, orders or money, so a segment's mean is compared as a multiple of all
//! customers' mean (only when that mean is > 0):
//! - high: ≥ [`HIGH_RATIO`] (1.25 ×); low — for recency, *recent* — ≤ [`LOW_RATIO`] (0.8 ×);
//! - lapsed: recency ≥ [`LAPSED_RATIO`] (1.5 ×); new: tenure ≤ [`NEW_RATIO`] (0.5 ×);
//! - deal-driven: deals ≥ [`DEALS_RATIO`] (1.5 ×);
//! - above average: > 1 ×.
//!
//! Any other feature (age, income, a score, a year) is compared by its distance from all
//! customers' mean in standard deviations of all customers, in natural units: high or low at
//! [`DISTINCT_SD`] (0.25 sd) or more either way.
//!
//! # Rules, first match wins
//! 1. **High-Value Loyalists**: monetary high, frequency high, and recent (when recency exists).
//! 2. **At Risk**: recency lapsed, and monetary or frequency above average.
//! 3. **Discount Seekers**: deal-driven.
//! 4. **New Customers**: tenure new, and recent (when recency exists).
//! 5. **One-Time Buyers**: mean frequency ≤ [`ONE_TIME_MAX_ORDERS`] (1.5) orders and below all
//!    customers' mean.
//! 6. **Lapsed Customers**: recency lapsed.
//! 7. Otherwise, for any file (e.g. Mall_Customers without RFM columns), the 1–2 features furthest
//!    past their threshold — among the features the segments were built on when given — name
//!    it, in table order: "High Annual Income, Low Spending Score". "Furthest" counts in
//!    thresholds: ln(ratio) / ln(threshold) for the five above, |z| / 0.25 for others. Recency
//!    reads "Recent Buyers" / "Long Since Last Purchase" (≤ 0.8 × / ≥ 1.25 ×) and tenure
//!    "Newer Customers" / "Long-Standing" (never "Low Recency").
//!    No feature past its threshold: **Average Customers**.
//!
//! # Across segments
//! Every name that says recent (High-Value Loyalists, New Customers, Recent Buyers) needs a mean
//! recency ≤ 0.8 × all customers', every name that says the opposite (At Risk, Lapsed Customers,
//! Long Since Last Purchase) ≥ 1.25 ×, so the first always bought more recently than the
//! second. New customers are recent by nature; a segment the fallback would call "Recent
//! Buyers" while a New Customers segment bought more recently is called "Fairly Recent Buyers",
//! and its rule says so.
//!
//! A segment without customers is an **Empty Segment**. Names are unique: a repeated name gets
//! " (2)", " (3)", … in segment order. Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::format;
use crate::core::segment::profile::{SegmentProfile, SegmentProfiles};

/// Multiple of all customers' mean at or above which a count of days, orders or money is high.
pub const HIGH_RATIO: f64 = 1.25;
/// Multiple of all customers' mean at or below which it is low (recency: recent).
pub const LOW_RATIO: f64 = 0.8;
/// Multiple of all customers' mean recency at or above which a segment has lapsed.
pub const LAPSED_RATIO: f64 = 1.5;
/// Multiple of all customers' mean number of deals at or above which a segment seeks discounts
/// (a segment that buys more of everything buys more deals too: 1.25 × is not enough).
pub const DEALS_RATIO: f64 = 1.5;
/// Multiple of all customers' mean tenure (days since the first purchase) at or below which a
/// segment is new.
pub const NEW_RATIO: f64 = 0.5;
/// Mean orders at or below which a segment is one-time buyers.
pub const ONE_TIME_MAX_ORDERS: f64 = 1.5;
/// Distance from all customers' mean, in their standard deviations, at which any other feature
/// is high or low.
pub const DISTINCT_SD: f64 = 0.25;

/// A segment's persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Persona {
    /// Segment index (the label value).
    pub segment: usize,
    /// Name given by the rules, unique across segments.
    pub name: String,
    /// The rule that fired, in natural units against all customers: "monetary 7977.9 = 3.9 ×
    /// all customers' 2048.2 (≥ 1.25 ×); …".
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

/// One feature of one segment against all customers, in natural units.
#[derive(Debug, Clone, Copy)]
struct Measure {
    /// Column in [`SegmentProfiles::features`].
    j: usize,
    /// The segment's mean (its profile-table cell).
    mean: f64,
    /// All segmented customers' mean and population sd.
    base: f64,
    sd: f64,
}

impl Measure {
    fn of(profiles: &SegmentProfiles, p: &SegmentProfile, j: usize) -> Option<Measure> {
        let mean = p.means.get(j).copied().flatten()?;
        let base = profiles.overall_means.get(j).copied().flatten()?;
        let sd = profiles
            .overall_sds
            .get(j)
            .copied()
            .flatten()
            .unwrap_or(0.0);
        (mean.is_finite() && base.is_finite()).then_some(Measure { j, mean, base, sd })
    }

    /// The segment's mean as a multiple of all customers' (`None` when theirs is not > 0).
    fn ratio(&self) -> Option<f64> {
        (self.base > 0.0).then(|| self.mean / self.base)
    }

    /// Distance from all customers' mean in their sds (`None` for a constant feature).
    fn z(&self) -> Option<f64> {
        (self.sd.is_finite() && self.sd > 1e-12 * self.base.abs().max(1.0))
            .then(|| (self.mean - self.base) / self.sd)
    }

    /// "monetary 7977.9 = 3.9 × all customers' 2048.2 (≥ 1.25 ×)".
    fn ratio_text(&self, profiles: &SegmentProfiles, op: &str, threshold: f64) -> String {
        format!(
            "{} {} = {} × all customers' {} ({op} {} ×)",
            feature_name(profiles, self.j),
            format::number(self.mean),
            times(self.ratio().unwrap_or(f64::NAN)),
            format::number(self.base),
            times(threshold)
        )
    }

    /// "Annual Income (k$) 86.54 vs all customers' 60.56 (+1.0 sd, beyond ±0.25 sd)".
    fn sd_text(&self, profiles: &SegmentProfiles) -> String {
        format!(
            "{} {} vs all customers' {} ({}, beyond ±{DISTINCT_SD} sd)",
            feature_name(profiles, self.j),
            format::number(self.mean),
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

    /// The rule text when the mean is above all customers' mean.
    fn above_average(&self, profiles: &SegmentProfiles) -> Option<String> {
        let r = self.ratio()?;
        (r > 1.0).then(|| self.ratio_text(profiles, ">", 1.0))
    }
}

/// A feature past its threshold in the fallback rule: high or low, and how far (1 = at the
/// threshold).
#[derive(Debug, Clone, Copy)]
struct Level {
    measure: Measure,
    high: bool,
    strength: f64,
    /// Compared as a multiple of all customers' mean (else in sds).
    by_ratio: bool,
}

impl Level {
    fn of(roles: &Roles, m: Measure) -> Option<Level> {
        if roles.is_quantity(m.j) {
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
}

fn named(name: &str, rule: String, action: &str) -> Named {
    Named {
        name: name.to_string(),
        rule,
        action: action.to_string(),
    }
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
        );
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
            );
        }
    }
    // 3. Discount Seekers.
    if let Some(d) = deals.and_then(|d| d.at_least(profiles, DEALS_RATIO)) {
        return named(
            "Discount Seekers",
            d,
            "Time promotions and bundles for them; keep full-price messages for other segments \
             and watch the margin.",
        );
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
        );
    }
    // 5. One-Time Buyers.
    if let Some(f) = frequency {
        if f.mean <= ONE_TIME_MAX_ORDERS && f.mean < f.base {
            return named(
                "One-Time Buyers",
                format!(
                    "{} {} on average (≤ {ONE_TIME_MAX_ORDERS} orders; all customers {})",
                    feature_name(profiles, f.j),
                    format::number(f.mean),
                    format::number(f.base)
                ),
                "Ask for a second purchase: follow-up recommendations based on the first \
                 order and a small incentive; stop after a couple of unanswered messages.",
            );
        }
    }
    // 6. Lapsed Customers.
    if let Some(r) = lapsed {
        return named(
            "Lapsed Customers",
            r,
            "Try a low-cost win-back (one or two emails); leave them out of paid campaigns if \
             they do not respond.",
        );
    }
    // 7. The features furthest past their thresholds.
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
        let (quantities, others): (Vec<usize>, Vec<usize>) =
            candidates.iter().partition(|&&j| roles.is_quantity(j));
        let by_ratio = format!(
            "within {}–{} × all customers' mean",
            times(LOW_RATIO),
            times(HIGH_RATIO)
        );
        let by_sd = format!("within ±{DISTINCT_SD} sd of all customers' mean");
        let rule = match (quantities.is_empty(), others.is_empty()) {
            (false, true) => format!("every feature {by_ratio}"),
            (true, _) => format!("every feature {by_sd}"),
            (false, false) => format!(
                "{} {by_ratio}; every other feature {by_sd}",
                quantities
                    .iter()
                    .map(|&j| feature_name(profiles, j))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
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
    Named { name, rule, action }
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
            .and_then(|p| p.means.get(j).copied().flatten())
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
                "{}; New Customers bought more recently ({} {})",
                n.rule,
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
    let mut used: Vec<String> = Vec::new();
    profiles
        .segments
        .iter()
        .zip(named)
        .map(|(p, Named { name, rule, action })| {
            let mut unique = name.clone();
            let mut k = 2;
            while used.contains(&unique) {
                unique = format!("{name} ({k})");
                k += 1;
            }
            used.push(unique.clone());
            Persona {
                segment: p.segment,
                label: unique.clone(),
                name: unique,
                rule,
                action,
            }
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
                    means: means.into_iter().map(Some).collect(),
                    revenue_share: None,
                })
                .collect(),
        }
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

    /// Online Retail at k = 3 and 4 (K-means on log RFM), means as the profile table shows them.
    #[test]
    fn online_retail_names_follow_the_natural_means() {
        let p = profiles(
            &RFM,
            &RFM_BASE,
            &RFM_SD,
            vec![
                vec![168.2, 1.36, 361.4, 196.8],
                vec![44.2, 3.38, 1265.9, 213.8],
                vec![17.6, 13.48, 7977.9, 312.9],
                // Above average on the log scale, below the mean in natural units: never
                // "High Monetary" (the old rules said "High Frequency, High Monetary").
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
            "monetary 7977.9 = 3.9 × all customers' 2048.2 (≥ 1.25 ×); frequency 13.48 = 3.13 × \
             all customers' 4.30 (≥ 1.25 ×); recency_days 17.60 = 0.19 × all customers' 93 (≤ 0.8 ×)"
        );
        assert_eq!(
            personas[0].rule,
            "frequency 1.36 on average (≤ 1.5 orders; all customers 4.30)"
        );
        assert_eq!(
            personas[4].rule,
            "lifetime_days 100.90 = 0.45 × all customers' 223.80 (≤ 0.5 ×); recency_days 22.60 = \
             0.24 × all customers' 93 (≤ 0.8 ×)"
        );
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
                "recency_days 170 = 1.83 × all customers' 93 (≥ 1.5 ×); monetary 2,500 = 1.22 ×"
            ),
            "{}",
            personas[0].rule
        );
        assert_eq!(
            personas[1].rule,
            "frequency 1.20 on average (≤ 1.5 orders; all customers 4.30)"
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
                .ends_with("; New Customers bought more recently (recency_days 9.20)"),
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
            "Age 55.60 vs all customers' 38.85 (+1.2 sd, beyond ±0.25 sd); Annual Income (k$) 50 vs \
             all customers' 60.56 (−0.4 sd, beyond ±0.25 sd)"
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
            "NumDealsPurchases 4 = 1.74 × all customers' 2.30 (≥ 1.5 ×)"
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
