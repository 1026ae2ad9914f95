//! Baskets of items: what was bought together — one order, or one customer's day when the
//! file has no order column (Groceries_dataset: Member_number + Date).
//!
//! From purchase lines ([`baskets_from_lines`]) the lines are those the Explore step keeps,
//! cleaned as it cleans them; returns are left out, and so are the lines of orders returned in
//! full (with netting, Explore's default, such an order no longer counts as a purchase). Items
//! are the product column's codes (StockCode), so a basket lists each product once however
//! many lines or units it has. Pure Rust: no web-sys; never panics on user data.

use rustc_hash::FxHashMap;

use crate::core::features::{DayRange, PurchaseLines, RoleMapping};
use crate::core::table::{Table, MISSING};

/// Items `0..items.len()` and the baskets that hold them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Baskets {
    /// Item names (the product code, or the item text of a basket-list file), indexed by code.
    pub items: Vec<String>,
    /// Each basket's item codes, sorted and without repeats; empty baskets are not kept.
    pub baskets: Vec<Vec<u32>>,
}

impl Baskets {
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    pub fn n_baskets(&self) -> usize {
        self.baskets.len()
    }
}

/// Baskets made from purchase lines, with whose and which day each basket is.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBaskets {
    /// Items = every product code of the file (the same codes whatever the days chosen).
    pub baskets: Baskets,
    /// Customer of each basket: an index into [`PurchaseLines::ids`].
    pub customers: Vec<u32>,
    /// Day of each basket (its first line's), days since 1970-01-01.
    pub days: Vec<i32>,
    /// Purchase lines that went into the baskets.
    pub lines_used: usize,
    /// Return lines, and lines of orders returned in full, left out.
    pub returns_left_out: usize,
    /// Purchase lines without a product, left out.
    pub without_product: usize,
}

impl LineBaskets {
    /// The baskets dated on or before `day` (the same items and counts of left-out lines).
    pub fn up_to(&self, day: i32) -> LineBaskets {
        let mut out = LineBaskets {
            baskets: Baskets {
                items: self.baskets.items.clone(),
                baskets: Vec::new(),
            },
            customers: Vec::new(),
            days: Vec::new(),
            lines_used: self.lines_used,
            returns_left_out: self.returns_left_out,
            without_product: self.without_product,
        };
        let rows = self
            .baskets
            .baskets
            .iter()
            .zip(&self.customers)
            .zip(&self.days);
        for ((basket, &customer), &basket_day) in rows {
            if basket_day <= day {
                out.baskets.baskets.push(basket.clone());
                out.customers.push(customer);
                out.days.push(basket_day);
            }
        }
        out
    }
}

/// The baskets cannot be formed; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BasketsError {
    #[error(
        "no product column is mapped, so there are no items to put in baskets: give a column \
         the Product ID or Product role in the Data step (StockCode, item, SKU …)"
    )]
    NoProduct,
    #[error(
        "no basket with a product is left{}: check the product column and the cleaning",
        if *.within { " in the chosen period" } else { "" }
    )]
    NoBaskets { within: bool },
}

/// The baskets of `lines` dated within `days` (all of them with `None`): one per customer and
/// order (the lines' order key is one per customer and day without an order column).
pub fn baskets_from_lines(
    lines: &PurchaseLines,
    days: Option<DayRange>,
) -> Result<LineBaskets, BasketsError> {
    if lines.product_name.is_none() || lines.products.is_empty() {
        return Err(BasketsError::NoProduct);
    }
    let mut keyed: Vec<(u32, u64, i32, u32)> = Vec::with_capacity(lines.lines.len());
    let (mut returns_left_out, mut without_product) = (0, 0);
    for line in &lines.lines {
        if days.is_some_and(|range| !range.contains(line.day)) {
            continue;
        }
        // As of the period's last day: an order returned in full later still counted then.
        let counts = match days {
            Some(range) => line.counts_as_order_on(range.last),
            None => line.counts_as_order,
        };
        if !counts {
            returns_left_out += 1;
        } else if line.product == MISSING || line.product as usize >= lines.products.len() {
            without_product += 1;
        } else {
            keyed.push((line.customer, line.order, line.day, line.product));
        }
    }
    keyed.sort_unstable();
    let mut out = LineBaskets {
        baskets: Baskets {
            items: lines.products.clone(),
            baskets: Vec::new(),
        },
        customers: Vec::new(),
        days: Vec::new(),
        lines_used: keyed.len(),
        returns_left_out,
        without_product,
    };
    for group in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let Some(&(customer, _, _, _)) = group.first() else {
            continue;
        };
        let day = group.iter().map(|l| l.2).min().unwrap_or_default();
        let mut items: Vec<u32> = group.iter().map(|l| l.3).collect();
        items.sort_unstable();
        items.dedup();
        out.baskets.baskets.push(items);
        out.customers.push(customer);
        out.days.push(day);
    }
    if out.baskets.baskets.is_empty() {
        return Err(BasketsError::NoBaskets {
            within: days.is_some(),
        });
    }
    Ok(out)
}

/// Names to show for the product codes of `lines` (items of [`baskets_from_lines`]): when the
/// products are counted by an id column (StockCode) and a product name column is mapped too
/// (Description), each code's most frequent name in `table` (ties: the name first seen), as
/// "NAME (CODE)"; else the codes themselves.
pub fn item_labels(table: &Table, mapping: &RoleMapping, lines: &PurchaseLines) -> Vec<String> {
    let columns = (
        mapping.product_id.and_then(|i| table.column(i)),
        mapping.product.and_then(|i| table.column(i)),
    );
    let (Some(ids), Some(names)) = columns else {
        return lines.products.clone();
    };
    // Per id code: (name code, lines) pairs in first-seen order.
    let mut seen: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    let mut best: Vec<Option<(u32, usize)>> = vec![None; lines.products.len()];
    for (&id, &name) in ids.codes.iter().zip(&names.codes) {
        if id == MISSING || name == MISSING {
            continue;
        }
        let count = seen.entry((id, name)).or_insert(0);
        *count += 1;
        if let Some(slot) = best.get_mut(id as usize) {
            if slot.is_none_or(|(_, most)| *count > most) {
                *slot = Some((name, *count));
            }
        }
    }
    lines
        .products
        .iter()
        .zip(best)
        .map(
            |(code, best)| match best.and_then(|(name, _)| names.dict.get(name as usize)) {
                Some(name) => format!("{} ({code})", name.trim()),
                None => code.clone(),
            },
        )
        .collect()
}

/// Names of lines that are services or bookkeeping, not products (compared in lower case,
/// with any " (CODE)" suffix of an item label removed): postage, carriage, fees, bank charges,
/// discounts, manual adjustments, samples (Online Retail's POST, DOT, C2, AMAZONFEE, BANK
/// CHARGES, CRUK, D, M, B, S). Recommending them would mislead; they also make every basket
/// with postage look alike.
const SERVICE_NAMES: &[&str] = &[
    "postage",
    "dotcom postage",
    "carriage",
    "next day carriage",
    "shipping",
    "shipping fee",
    "shipping charge",
    "delivery",
    "delivery charge",
    "delivery fee",
    "handling fee",
    "service charge",
    "amazon fee",
    "bank charges",
    "bank charge",
    "cruk commission",
    "commission",
    "discount",
    "manual",
    "adjust bad debt",
    "bad debt",
    "samples",
    "sample",
    "gift card",
    "gift voucher",
    "voucher",
    "tax",
    "vat",
    "fee",
];

/// Whether an item named `label` ("NAME" or "NAME (CODE)") is a service line, not a product
/// (see [`SERVICE_NAMES`]).
pub fn is_service_item(label: &str) -> bool {
    let name = label.trim();
    let name = match (name.ends_with(')'), name.rfind(" (")) {
        (true, Some(at)) => name.get(..at).unwrap_or(name),
        _ => name,
    };
    let name = name.trim().to_lowercase();
    SERVICE_NAMES.contains(&name.as_str())
}

/// The service lines found in some baskets (see [`is_service_item`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceItems {
    /// Flag per item code: a service line.
    pub drop: Vec<bool>,
    /// The service items in at least one basket, with their baskets, most first.
    pub found: Vec<(u32, usize)>,
}

impl ServiceItems {
    /// The service lines of `baskets` (named by their `items`); `None` when no basket holds one.
    pub fn find(baskets: &Baskets) -> Option<ServiceItems> {
        let drop: Vec<bool> = baskets.items.iter().map(|l| is_service_item(l)).collect();
        if !drop.contains(&true) {
            return None;
        }
        let mut in_baskets = vec![0usize; baskets.n_items()];
        for &item in baskets.baskets.iter().flatten() {
            if let Some(c) = in_baskets.get_mut(item as usize) {
                *c += 1;
            }
        }
        let mut found: Vec<(u32, usize)> = in_baskets
            .iter()
            .enumerate()
            .filter(|(i, &c)| c > 0 && drop.get(*i).copied().unwrap_or(false))
            .map(|(i, &c)| (i as u32, c))
            .collect();
        if found.is_empty() {
            return None;
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Some(ServiceItems { drop, found })
    }

    /// What was left out, in words; `keep` names the way to keep them.
    pub fn note(&self, baskets: &Baskets, keep: &str) -> String {
        let named: Vec<String> = self
            .found
            .iter()
            .map(|&(i, c)| {
                format!(
                    "{} ({} baskets)",
                    baskets.items.get(i as usize).map_or("?", String::as_str),
                    crate::core::format::thousands(c as u64)
                )
            })
            .collect();
        format!(
            "Left out as services, not products (never recommended, not in the rules): {}. \
             Keep them with {keep}.",
            named.join(", ")
        )
    }
}

impl Baskets {
    /// The baskets without the items flagged in `drop` (by code), and which baskets were kept
    /// (baskets left empty are dropped).
    pub fn without_items(&self, drop: &[bool]) -> (Baskets, Vec<bool>) {
        let dropped = |code: &u32| drop.get(*code as usize).copied().unwrap_or(false);
        let mut kept = Vec::with_capacity(self.baskets.len());
        let mut baskets = Vec::with_capacity(self.baskets.len());
        for basket in &self.baskets {
            let left: Vec<u32> = basket.iter().copied().filter(|c| !dropped(c)).collect();
            kept.push(!left.is_empty());
            if !left.is_empty() {
                baskets.push(left);
            }
        }
        (
            Baskets {
                items: self.items.clone(),
                baskets,
            },
            kept,
        )
    }
}

impl LineBaskets {
    /// The baskets without the items flagged in `drop` (see [`Baskets::without_items`]).
    pub fn without_items(&self, drop: &[bool]) -> LineBaskets {
        let (baskets, kept) = self.baskets.without_items(drop);
        let keep = |values: &[u32]| -> Vec<u32> {
            values
                .iter()
                .zip(&kept)
                .filter(|(_, &k)| k)
                .map(|(&v, _)| v)
                .collect()
        };
        LineBaskets {
            baskets,
            customers: keep(&self.customers),
            days: self
                .days
                .iter()
                .zip(&kept)
                .filter(|(_, &k)| k)
                .map(|(&d, _)| d)
                .collect(),
            lines_used: self.lines_used,
            returns_left_out: self.returns_left_out,
            without_product: self.without_product,
        }
    }
}

#[cfg(test)]
mod service_tests {
    use super::*;

    #[test]
    fn service_lines_are_told_from_products() {
        for name in [
            "POSTAGE (POST)",
            "DOTCOM POSTAGE (DOT)",
            "Manual (M)",
            "Bank Charges",
        ] {
            assert!(is_service_item(name), "{name}");
        }
        for name in [
            "POSTAGE STAMP MUG (22000)",
            "whole milk",
            "MANUAL COFFEE GRINDER",
            "",
        ] {
            assert!(!is_service_item(name), "{name}");
        }
    }

    #[test]
    fn dropping_items_drops_the_baskets_left_empty() {
        let lines = LineBaskets {
            baskets: Baskets {
                items: vec!["a".into(), "POSTAGE".into()],
                baskets: vec![vec![0, 1], vec![1], vec![0]],
            },
            customers: vec![0, 1, 2],
            days: vec![10, 11, 12],
            lines_used: 4,
            returns_left_out: 0,
            without_product: 0,
        };
        let out = lines.without_items(&[false, true]);
        assert_eq!(out.baskets.baskets, vec![vec![0], vec![0]]);
        assert_eq!(out.customers, vec![0, 2]);
        assert_eq!(out.days, vec![10, 12]);
    }
}
