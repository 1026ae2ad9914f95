//! Personas: a name, the rule that gave it, an editable label and a suggested marketing action
//! for each segment, read off its [`SegmentProfile`].
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
//! # Rules, first match wins
//! `z` is a segment's standardized mean: (segment mean − all customers' mean) / sd.
//! High = z ≥ [`HIGH`] (+0.5), low = z ≤ [`LOW`] (−0.5), recent = recency z ≤ [`RECENT`]
//! (−0.25), above-average value = monetary or frequency z ≥ [`ABOVE_AVERAGE`] (+0.25).
//! 1. **High-Value Loyalists**: high monetary and high frequency, and recent (when recency
//!    exists).
//! 2. **At Risk**: high recency and above-average value (monetary or frequency).
//! 3. **Discount Seekers**: high deals.
//! 4. **New Customers**: low tenure, and recent (when recency exists).
//! 5. **One-Time Buyers**: mean frequency ≤ [`ONE_TIME_MAX_ORDERS`] (1.5) orders.
//! 6. **Lapsed Customers**: high recency (value not above average).
//! 7. Otherwise, for any file (e.g. Mall_Customers without RFM columns), the 1–2 features with
//!    the largest |z| of at least [`DISTINCT`] (0.25) — among the features the segments were
//!    built on when given — name it, in table order: "High Annual Income, Low Spending Score";
//!    recency reads "Recent Buyers" / "Long Since Last Purchase" and tenure "Newer Customers" /
//!    "Long-Standing" (never "Low Recency").
//!    No feature that far from average: **Average Customers**.
//!
//! A segment without customers is an **Empty Segment**. Names are unique: a repeated name gets
//! " (2)", " (3)", … in segment order. Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::segment::profile::{SegmentProfile, SegmentProfiles};

/// z at or above which a mean is high.
pub const HIGH: f64 = 0.5;
/// z at or below which a mean is low.
pub const LOW: f64 = -0.5;
/// Recency z at or below which a segment bought recently.
pub const RECENT: f64 = -0.25;
/// Monetary or frequency z at or above which a lapsed segment was worth more than average.
pub const ABOVE_AVERAGE: f64 = 0.25;
/// Mean orders at or below which a segment is one-time buyers.
pub const ONE_TIME_MAX_ORDERS: f64 = 1.5;
/// Smallest |z| that names a segment after a feature in the fallback.
pub const DISTINCT: f64 = 0.25;

/// A segment's persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Persona {
    /// Segment index (the label value).
    pub segment: usize,
    /// Name given by the rules, unique across segments.
    pub name: String,
    /// The rule that fired, with the numbers: "monetary +1.8 sd, frequency +1.5 sd, recency
    /// −0.9 sd".
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

/// "High Annual Income", "Low Spending Score"; recency and tenure read as what they mean:
/// "Recent Buyers" / "Long Since Last Purchase", "Newer Customers" / "Long-Standing".
fn level_name(roles: &Roles, j: usize, z: f64, feature: &str) -> String {
    let high = z >= 0.0;
    if roles.recency == Some(j) {
        return if high {
            "Long Since Last Purchase"
        } else {
            "Recent Buyers"
        }
        .to_string();
    }
    if roles.tenure == Some(j) {
        return if high {
            "Long-Standing"
        } else {
            "Newer Customers"
        }
        .to_string();
    }
    format!(
        "{} {}",
        if high { "High" } else { "Low" },
        display_name(feature)
    )
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
    let z = |role: Option<usize>| -> Option<(usize, f64)> {
        let j = role?;
        let v = p.standardized_means.get(j).copied().flatten()?;
        v.is_finite().then_some((j, v))
    };
    let part = |(j, v): (usize, f64)| {
        let name = &profiles.features[j];
        let scale = if profiles.log_scale.contains(name) {
            " (log scale)"
        } else {
            ""
        };
        format!("{name} {}{scale}", sd(v))
    };
    let recency = z(roles.recency);
    let frequency = z(roles.frequency);
    let monetary = z(roles.monetary);
    let tenure = z(roles.tenure);
    let deals = z(roles.deals);
    let recent = recency.is_none_or(|(_, v)| v <= RECENT);

    // 1. High-Value Loyalists.
    if let (Some(m), Some(f)) = (monetary, frequency) {
        if m.1 >= HIGH && f.1 >= HIGH && recent {
            let mut parts = vec![part(m), part(f)];
            parts.extend(recency.map(part));
            return named(
                "High-Value Loyalists",
                parts.join(", "),
                "Reward and keep them: a loyalty tier, early access to new products and referral \
                 asks; no discounts needed.",
            );
        }
    }
    // 2. At Risk.
    if let Some(r) = recency.filter(|r| r.1 >= HIGH) {
        let value: Vec<(usize, f64)> = [monetary, frequency].into_iter().flatten().collect();
        if value.iter().any(|v| v.1 >= ABOVE_AVERAGE) {
            let mut parts = vec![part(r)];
            parts.extend(value.into_iter().map(part));
            return named(
                "At Risk",
                parts.join(", "),
                "Win them back now: a personal reactivation message with a time-limited offer on \
                 what they used to buy, and ask what went wrong.",
            );
        }
    }
    // 3. Discount Seekers.
    if let Some(d) = deals.filter(|d| d.1 >= HIGH) {
        return named(
            "Discount Seekers",
            part(d),
            "Time promotions and bundles for them; keep full-price messages for other segments \
             and watch the margin.",
        );
    }
    // 4. New Customers.
    if let Some(t) = tenure.filter(|t| t.1 <= LOW) {
        if recent {
            let mut parts = vec![part(t)];
            parts.extend(recency.map(part));
            return named(
                "New Customers",
                parts.join(", "),
                "Onboard them: a welcome series, product guidance and an incentive for a second \
                 purchase within 30 days.",
            );
        }
    }
    // 5. One-Time Buyers.
    if let Some(j) = roles.frequency {
        if let Some(orders) = p.means.get(j).copied().flatten() {
            if orders <= ONE_TIME_MAX_ORDERS {
                return named(
                    "One-Time Buyers",
                    format!(
                        "{} {:.1} on average (≤ {ONE_TIME_MAX_ORDERS})",
                        profiles.features[j], orders
                    ),
                    "Ask for a second purchase: follow-up recommendations based on the first \
                     order and a small incentive; stop after a couple of unanswered messages.",
                );
            }
        }
    }
    // 6. Lapsed Customers.
    if let Some(r) = recency.filter(|r| r.1 >= HIGH) {
        return named(
            "Lapsed Customers",
            part(r),
            "Try a low-cost win-back (one or two emails); leave them out of paid campaigns if \
             they do not respond.",
        );
    }
    // 7. The most distinctive features.
    let candidates: Vec<usize> = if focus.is_empty() {
        (0..profiles.features.len()).collect()
    } else {
        focus.to_vec()
    };
    let mut distinct: Vec<(usize, f64)> = candidates
        .iter()
        .filter_map(|&j| z(Some(j)))
        .filter(|(_, v)| v.abs() >= DISTINCT)
        .collect();
    distinct.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    distinct.truncate(2);
    distinct.sort_by_key(|&(j, _)| j);
    if distinct.is_empty() {
        return named(
            "Average Customers",
            format!("every feature within ±{DISTINCT} sd of all customers"),
            "The core of the customer base: keep regular communication going and test new offers \
             here first.",
        );
    }
    let name = distinct
        .iter()
        .map(|&(j, v)| level_name(roles, j, v, &profiles.features[j]))
        .collect::<Vec<_>>()
        .join(", ");
    let rule = distinct
        .iter()
        .map(|&d| part(d))
        .collect::<Vec<_>>()
        .join(", ");
    let spend_like = |j: usize| {
        let f = profiles.features[j].to_lowercase();
        [
            "spend", "monetary", "mnt", "amount", "revenue", "purchase", "sales", "value",
        ]
        .iter()
        .any(|w| f.contains(w))
    };
    let spend = distinct.iter().find(|&&(j, _)| spend_like(j));
    let action = match spend {
        Some(&(_, v)) if v > 0.0 => {
            "Keep them close: premium ranges, loyalty rewards and early access.".to_string()
        }
        Some(_) => "Lift their spending: entry offers, bundles and reminders, with low contact \
                    costs."
            .to_string(),
        None => format!(
            "Shape offers and messages around what sets them apart ({}); test on a small share \
             first.",
            distinct
                .iter()
                .map(|&(j, _)| display_name(&profiles.features[j]).to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Named { name, rule, action }
}

/// Name every segment of `profiles`. `focus` lists the features the segments were built on
/// (they name segments in the fallback rule; empty = all profiled features).
pub fn name_personas(profiles: &SegmentProfiles, focus: &[String]) -> Vec<Persona> {
    let roles = Roles::of(&profiles.features);
    let focus: Vec<usize> = focus
        .iter()
        .filter_map(|f| profiles.feature_index(f))
        .collect();
    let mut used: Vec<String> = Vec::new();
    profiles
        .segments
        .iter()
        .map(|p| {
            let Named { name, rule, action } = name_segment(profiles, &roles, &focus, p);
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

    fn profiles(features: &[&str], segments: Vec<(Vec<f64>, Vec<f64>)>) -> SegmentProfiles {
        SegmentProfiles {
            features: features.iter().map(|f| f.to_string()).collect(),
            overall_means: vec![Some(0.0); features.len()],
            overall_sds: vec![Some(1.0); features.len()],
            n_customers: 10 * segments.len(),
            n_noise: 0,
            log_scale: Vec::new(),
            segments: segments
                .into_iter()
                .enumerate()
                .map(|(s, (means, z))| SegmentProfile {
                    segment: s,
                    size: 10,
                    share: 0.1,
                    means: means.into_iter().map(Some).collect(),
                    standardized_means: z.into_iter().map(Some).collect(),
                    revenue_share: None,
                })
                .collect(),
        }
    }

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
    fn mall_style_names_and_unique_suffixes() {
        let p = profiles(
            &["Age", "Annual Income (k$)", "Spending Score (1-100)"],
            vec![
                (vec![0.0; 3], vec![0.1, 1.0, -1.3]),
                (vec![0.0; 3], vec![0.0, 0.9, -1.2]),
                (vec![0.0; 3], vec![0.9, -0.1, 0.05]),
                (vec![0.0; 3], vec![0.1, -0.1, 0.05]),
            ],
        );
        let focus = vec![
            "Annual Income (k$)".to_string(),
            "Spending Score (1-100)".to_string(),
        ];
        let names: Vec<String> = name_personas(&p, &focus)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(
            names,
            vec![
                "High Annual Income, Low Spending Score",
                "High Annual Income, Low Spending Score (2)",
                "Average Customers",
                "Average Customers (2)",
            ]
        );
    }

    #[test]
    fn discount_seekers_where_a_deal_column_exists() {
        let p = profiles(
            &["Recency", "NumDealsPurchases", "MntWines"],
            vec![(vec![50.0, 6.0, 100.0], vec![0.0, 1.2, -0.4])],
        );
        let persona = &name_personas(&p, &[])[0];
        assert_eq!(persona.name, "Discount Seekers");
        assert_eq!(persona.rule, "NumDealsPurchases +1.2 sd");
        assert_eq!(persona.label, persona.name);
    }

    #[test]
    fn missing_means_never_fire_a_rule() {
        let mut p = profiles(&["recency_days", "frequency", "monetary"], vec![]);
        p.segments.push(SegmentProfile {
            segment: 0,
            size: 3,
            share: 1.0,
            means: vec![None; 3],
            standardized_means: vec![None, Some(f64::NAN), None],
            revenue_share: None,
        });
        assert_eq!(name_personas(&p, &[])[0].name, "Average Customers");
    }
}
