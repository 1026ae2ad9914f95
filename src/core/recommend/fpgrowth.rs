//! Frequent itemsets by FP-growth (Han, Pei & Yin 2000, "Mining frequent patterns without
//! candidate generation"): `FpGrowthParams → check → fit → FrequentItemsets`.
//!
//! An itemset is frequent when the number of baskets holding all its items is at least
//! `min_support × baskets` (inclusive; compared as `count ≥ min_support·n − 1e-9·n`, so a support
//! that is exactly met in decimal is not lost to float round-off, e.g. 59 of 9,835 baskets at
//! 0.006 is out and 60 in). These are the itemsets mlxtend's `apriori`/`fpgrowth` and R's arules
//! `apriori` report at the same support.
//!
//! The method: count the items, drop the infrequent ones, rank the rest by count (most frequent
//! first), and insert every basket, its frequent items in rank order, into a prefix tree (the
//! FP-tree) whose nodes count the baskets sharing that prefix. For each item, from the least
//! frequent up, the paths above its nodes form its conditional database; its frequent items
//! give a smaller conditional tree, mined the same way with the item added to the prefix. The
//! search runs depth first on an explicit stack.
//!
//! There are caps: at most [`FpGrowthParams::max_itemsets`] itemsets (a low support on dense
//! baskets can give billions; the error says to raise the support) and optionally a longest
//! itemset. A frequent itemset of `L` items implies `2^L − 1` frequent itemsets, so the search
//! stops as soon as it finds one whose subsets alone pass the cap: with the default cap no
//! search goes deeper than 20 items, which bounds its memory. Pure Rust: no web-sys; never panics on user data.

use crate::core::recommend::baskets::Baskets;

/// What the user asked FP-growth to find.
#[derive(Debug, Clone, PartialEq)]
pub struct FpGrowthParams {
    /// Least share of the baskets that must hold all the items of an itemset, in (0, 1].
    pub min_support: f64,
    /// Longest itemset to report (`None`: no limit). At least 1.
    pub max_len: Option<usize>,
    /// Most itemsets: more is a [`FpGrowthError::TooManyItemsets`], found before the memory runs
    /// out.
    pub max_itemsets: usize,
}

impl FpGrowthParams {
    pub const DEFAULT_MAX_ITEMSETS: usize = 2_000_000;

    /// Itemsets in at least `min_support` of the baskets, any length, the default cap.
    pub fn new(min_support: f64) -> FpGrowthParams {
        FpGrowthParams {
            min_support,
            max_len: None,
            max_itemsets: Self::DEFAULT_MAX_ITEMSETS,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), FpGrowthError> {
        if !(self.min_support.is_finite() && self.min_support > 0.0 && self.min_support <= 1.0) {
            return Err(FpGrowthError::Support(self.min_support));
        }
        if self.max_len == Some(0) {
            return Err(FpGrowthError::MaxLen);
        }
        if self.max_itemsets == 0 {
            return Err(FpGrowthError::NoItemsetsAllowed);
        }
        Ok(())
    }

    /// Least count of baskets of a frequent itemset among `n_baskets` (at least 1): the smallest
    /// integer `c` with `c ≥ min_support·n − 1e-9·n`.
    pub fn min_count(&self, n_baskets: usize) -> u64 {
        let n = n_baskets as f64;
        let threshold = self.min_support * n - 1e-9 * n;
        // Saturating float → integer cast; a NaN (impossible after `check`) gives 0.
        (threshold.ceil() as u64).max(1)
    }

    /// Every frequent itemset of `baskets` (see the module documentation).
    pub fn fit(&self, baskets: &Baskets) -> Result<FrequentItemsets, FpGrowthError> {
        self.check()?;
        let n_baskets = baskets.n_baskets();
        if n_baskets == 0 {
            return Err(FpGrowthError::NoBaskets);
        }
        let min_count = self.min_count(n_baskets);

        // Baskets holding each item. An item repeated in a basket counts once, and codes past
        // the item list are counted too (the baskets should have neither).
        let mut counts: Vec<u64> = vec![0; baskets.n_items()];
        let mut last_basket: Vec<usize> = vec![usize::MAX; baskets.n_items()];
        for (b, basket) in baskets.baskets.iter().enumerate() {
            for &code in basket {
                let code = code as usize;
                if code >= counts.len() {
                    counts.resize(code + 1, 0);
                    last_basket.resize(code + 1, usize::MAX);
                }
                if let (Some(c), Some(last)) = (counts.get_mut(code), last_basket.get_mut(code)) {
                    if *last != b {
                        *last = b;
                        *c += 1;
                    }
                }
            }
        }
        let n_items = counts.len();
        // Frequent items by count descending, then code: rank 0 is the most frequent.
        let mut ranked: Vec<u32> = (0..counts.len() as u32)
            .filter(|&code| counts.get(code as usize).is_some_and(|&c| c >= min_count))
            .collect();
        if ranked.is_empty() {
            let best = counts.iter().copied().max().unwrap_or(0);
            return Err(FpGrowthError::NoFrequentItems {
                min_support: self.min_support,
                min_count,
                best_count: best,
                n_baskets,
            });
        }
        ranked.sort_by_key(|&code| (std::cmp::Reverse(counts.get(code as usize)), code));
        let mut rank_of: Vec<u32> = vec![u32::MAX; counts.len()];
        for (rank, &code) in ranked.iter().enumerate() {
            if let Some(slot) = rank_of.get_mut(code as usize) {
                *slot = rank as u32;
            }
        }

        let mut tree = FpTree::new(ranked.len());
        tree.codes.clone_from(&ranked);
        let mut path: Vec<u32> = Vec::new();
        for basket in &baskets.baskets {
            path.clear();
            path.extend(
                basket
                    .iter()
                    .filter_map(|&code| rank_of.get(code as usize).copied())
                    .filter(|&rank| rank != u32::MAX),
            );
            path.sort_unstable();
            path.dedup();
            tree.insert(&path, 1);
        }

        let mut out = ItemsetCollector {
            max_itemsets: self.max_itemsets,
            offsets: vec![0],
            items: Vec::new(),
            counts: Vec::new(),
        };
        mine(tree, min_count, self.max_len, &mut out)?;
        Ok(out.finish(n_baskets, n_items, min_count))
    }
}

/// FP-growth cannot run with these choices; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FpGrowthError {
    #[error("The minimum support must be a share of the baskets above 0 and at most 1 (got {0}).")]
    Support(f64),
    #[error("The longest itemset must have at least 1 item.")]
    MaxLen,
    #[error("The cap on the number of itemsets must be at least 1.")]
    NoItemsetsAllowed,
    #[error("There are no baskets to mine.")]
    NoBaskets,
    #[error(
        "No item is in {min_count} or more of the {n_baskets} baskets (minimum support \
         {min_support}); the most common item is in {best_count}: lower the minimum support."
    )]
    NoFrequentItems {
        min_support: f64,
        min_count: u64,
        best_count: u64,
        n_baskets: usize,
    },
    #[error(
        "More than {max_itemsets} frequent itemsets at this support: raise the minimum support \
         (or set a longest itemset)."
    )]
    TooManyItemsets { max_itemsets: usize },
}

/// The frequent itemsets of a set of baskets, ordered by length, then by their item codes.
#[derive(Debug, Clone, PartialEq)]
pub struct FrequentItemsets {
    n_baskets: usize,
    n_items: usize,
    min_count: u64,
    /// Itemset `i` is `items[offsets[i]..offsets[i + 1]]`, codes ascending.
    offsets: Vec<usize>,
    items: Vec<u32>,
    counts: Vec<u64>,
}

impl FrequentItemsets {
    /// Number of frequent itemsets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Baskets mined.
    pub fn n_baskets(&self) -> usize {
        self.n_baskets
    }

    /// Items of the baskets mined (codes `0..n_items`), frequent or not: the baskets' item list,
    /// or more if a basket holds a code past it.
    pub fn n_items(&self) -> usize {
        self.n_items
    }

    /// Least number of baskets of a frequent itemset (the support threshold as a count).
    pub fn min_count(&self) -> u64 {
        self.min_count
    }

    /// Itemset `i`: its item codes (ascending) and the number of baskets holding them all.
    pub fn get(&self, i: usize) -> Option<(&[u32], u64)> {
        let start = *self.offsets.get(i)?;
        let end = *self.offsets.get(i + 1)?;
        Some((self.items.get(start..end)?, *self.counts.get(i)?))
    }

    /// Every itemset with its count, by length then codes.
    pub fn iter(&self) -> impl Iterator<Item = (&[u32], u64)> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Share of the baskets holding all the items of itemset `i`.
    pub fn support(&self, i: usize) -> Option<f64> {
        let count = *self.counts.get(i)?;
        Some(count as f64 / self.n_baskets.max(1) as f64)
    }
}

const NONE: usize = usize::MAX;

/// One node of an FP-tree: an item, the baskets sharing the path from the root to it, and its
/// links.
#[derive(Debug, Clone)]
struct Node {
    item: u32,
    count: u64,
    parent: usize,
    first_child: usize,
    next_sibling: usize,
    /// Next node of the same item (the item's node list).
    next_same: usize,
}

/// An FP-tree over local items `0..codes.len()`, local 0 the most frequent; node 0 is the root.
#[derive(Debug, Clone)]
struct FpTree {
    /// Item code of each local item.
    codes: Vec<u32>,
    /// Baskets (weighted) holding each local item.
    item_counts: Vec<u64>,
    /// First node of each local item.
    heads: Vec<usize>,
    nodes: Vec<Node>,
}

impl FpTree {
    fn new(n_items: usize) -> FpTree {
        FpTree {
            codes: Vec::with_capacity(n_items),
            item_counts: vec![0; n_items],
            heads: vec![NONE; n_items],
            nodes: vec![Node {
                item: u32::MAX,
                count: 0,
                parent: NONE,
                first_child: NONE,
                next_sibling: NONE,
                next_same: NONE,
            }],
        }
    }

    /// Add a basket of `weight` whose local items are `path`, ascending.
    fn insert(&mut self, path: &[u32], weight: u64) {
        let mut at = 0usize;
        for &item in path {
            let mut child = self.nodes.get(at).map_or(NONE, |n| n.first_child);
            while let Some(node) = self.nodes.get(child) {
                if node.item == item {
                    break;
                }
                child = node.next_sibling;
            }
            if let Some(node) = self.nodes.get_mut(child) {
                node.count += weight;
            } else {
                child = self.nodes.len();
                let first_sibling = self.nodes.get(at).map_or(NONE, |n| n.first_child);
                let next_same = self.heads.get(item as usize).copied().unwrap_or(NONE);
                self.nodes.push(Node {
                    item,
                    count: weight,
                    parent: at,
                    first_child: NONE,
                    next_sibling: first_sibling,
                    next_same,
                });
                if let Some(parent) = self.nodes.get_mut(at) {
                    parent.first_child = child;
                }
                if let Some(head) = self.heads.get_mut(item as usize) {
                    *head = child;
                }
            }
            if let Some(c) = self.item_counts.get_mut(item as usize) {
                *c += weight;
            }
            at = child;
        }
    }

    /// The conditional tree of local item `item`: the paths above its nodes, restricted to
    /// their items frequent among them (`min_count`). `None` when none is.
    fn conditional(&self, item: usize, min_count: u64, counts: &mut Vec<u64>) -> Option<FpTree> {
        counts.clear();
        counts.resize(item, 0);
        let mut node = self.heads.get(item).copied().unwrap_or(NONE);
        while let Some(n) = self.nodes.get(node) {
            let mut up = n.parent;
            while let Some(p) = self.nodes.get(up) {
                if let Some(c) = counts.get_mut(p.item as usize) {
                    *c += n.count;
                }
                up = p.parent;
            }
            node = n.next_same;
        }
        // Kept items keep their order (local 0 stays the most frequent of the parent tree).
        let mut local: Vec<u32> = vec![u32::MAX; item];
        let mut codes: Vec<u32> = Vec::new();
        for (old, (&count, slot)) in counts.iter().zip(local.iter_mut()).enumerate() {
            if count >= min_count {
                *slot = codes.len() as u32;
                codes.push(self.codes.get(old).copied().unwrap_or(u32::MAX));
            }
        }
        if codes.is_empty() {
            return None;
        }
        let mut tree = FpTree::new(codes.len());
        tree.codes = codes;
        let mut path: Vec<u32> = Vec::new();
        let mut node = self.heads.get(item).copied().unwrap_or(NONE);
        while let Some(n) = self.nodes.get(node) {
            path.clear();
            let mut up = n.parent;
            while let Some(p) = self.nodes.get(up) {
                if let Some(&l) = local.get(p.item as usize) {
                    if l != u32::MAX {
                        path.push(l);
                    }
                }
                up = p.parent;
            }
            path.reverse();
            tree.insert(&path, n.count);
            node = n.next_same;
        }
        Some(tree)
    }
}

/// The itemsets found so far, flat.
struct ItemsetCollector {
    max_itemsets: usize,
    offsets: Vec<usize>,
    items: Vec<u32>,
    counts: Vec<u64>,
}

impl ItemsetCollector {
    fn push(&mut self, prefix: &[u32], last: u32, count: u64) -> Result<(), FpGrowthError> {
        // A frequent itemset of `len` items has 2^len − 1 frequent subsets: past the cap, stop
        // now (this also bounds the depth of the search, and so its memory, by log2 of the cap).
        let len = prefix.len() + 1;
        let implied = if len >= 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        if self.counts.len() >= self.max_itemsets || implied > self.max_itemsets as u64 {
            return Err(FpGrowthError::TooManyItemsets {
                max_itemsets: self.max_itemsets,
            });
        }
        let start = self.items.len();
        self.items.extend_from_slice(prefix);
        self.items.push(last);
        if let Some(new) = self.items.get_mut(start..) {
            new.sort_unstable();
        }
        self.offsets.push(self.items.len());
        self.counts.push(count);
        Ok(())
    }

    /// Order the itemsets by length, then codes.
    fn finish(self, n_baskets: usize, n_items: usize, min_count: u64) -> FrequentItemsets {
        let slice = |i: usize| -> &[u32] {
            match (self.offsets.get(i), self.offsets.get(i + 1)) {
                (Some(&s), Some(&e)) => self.items.get(s..e).unwrap_or_default(),
                _ => &[],
            }
        };
        let mut order: Vec<usize> = (0..self.counts.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            let (sa, sb) = (slice(a), slice(b));
            sa.len().cmp(&sb.len()).then_with(|| sa.cmp(sb))
        });
        let mut offsets = Vec::with_capacity(self.offsets.len());
        offsets.push(0);
        let mut items = Vec::with_capacity(self.items.len());
        let mut counts = Vec::with_capacity(self.counts.len());
        for &i in &order {
            items.extend_from_slice(slice(i));
            offsets.push(items.len());
            counts.push(self.counts.get(i).copied().unwrap_or(0));
        }
        FrequentItemsets {
            n_baskets,
            n_items,
            min_count,
            offsets,
            items,
            counts,
        }
    }
}

/// One conditional tree being mined: its items are visited from the last (least frequent) down.
struct Frame {
    tree: FpTree,
    /// Items of the tree not yet visited: `0..next`.
    next: usize,
    /// Length of the shared prefix when this frame was pushed.
    prefix_len: usize,
}

/// FP-growth on `tree`, depth first on an explicit stack.
fn mine(
    tree: FpTree,
    min_count: u64,
    max_len: Option<usize>,
    out: &mut ItemsetCollector,
) -> Result<(), FpGrowthError> {
    let max_len = max_len.unwrap_or(usize::MAX);
    let mut prefix: Vec<u32> = Vec::new();
    let mut scratch: Vec<u64> = Vec::new();
    let next = tree.codes.len();
    let mut stack = vec![Frame {
        tree,
        next,
        prefix_len: 0,
    }];
    while let Some(frame) = stack.last_mut() {
        if frame.next == 0 {
            stack.pop();
            continue;
        }
        frame.next -= 1;
        let item = frame.next;
        prefix.truncate(frame.prefix_len);
        let code = frame.tree.codes.get(item).copied().unwrap_or(u32::MAX);
        let count = frame.tree.item_counts.get(item).copied().unwrap_or(0);
        out.push(&prefix, code, count)?;
        if prefix.len() + 1 >= max_len {
            continue;
        }
        if let Some(conditional) = frame.tree.conditional(item, min_count, &mut scratch) {
            prefix.push(code);
            let next = conditional.codes.len();
            stack.push(Frame {
                tree: conditional,
                next,
                prefix_len: prefix.len(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baskets(n_items: usize, baskets: &[&[u32]]) -> Baskets {
        Baskets {
            items: (0..n_items).map(|i| format!("i{i}")).collect(),
            baskets: baskets.iter().map(|b| b.to_vec()).collect(),
        }
    }

    /// Every itemset counted by brute force over all subsets of the items.
    fn brute_force(b: &Baskets, min_count: u64, max_len: usize) -> Vec<(Vec<u32>, u64)> {
        let n = b.n_items();
        let mut found = Vec::new();
        for mask in 1u32..(1 << n) {
            let set: Vec<u32> = (0..n as u32).filter(|i| mask & (1 << i) != 0).collect();
            if set.len() > max_len {
                continue;
            }
            let count = b
                .baskets
                .iter()
                .filter(|basket| set.iter().all(|i| basket.contains(i)))
                .count() as u64;
            if count >= min_count {
                found.push((set, count));
            }
        }
        found.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
        found
    }

    fn as_vec(f: &FrequentItemsets) -> Vec<(Vec<u32>, u64)> {
        f.iter().map(|(s, c)| (s.to_vec(), c)).collect()
    }

    fn shop() -> Baskets {
        baskets(
            6,
            &[
                &[0, 1, 2],
                &[0, 1],
                &[1, 2, 3],
                &[0, 1, 2, 3],
                &[2, 3, 4],
                &[0, 2, 4],
                &[1, 2],
                &[0, 1, 2, 4, 5],
                &[5],
                &[0, 1, 3],
            ],
        )
    }

    #[test]
    fn matches_brute_force_at_every_support() {
        let b = shop();
        for min_count in 1..=7u64 {
            let support = min_count as f64 / 10.0;
            let f = FpGrowthParams::new(support).fit(&b).unwrap();
            assert_eq!(f.min_count(), min_count);
            assert_eq!(
                as_vec(&f),
                brute_force(&b, min_count, usize::MAX),
                "{support}"
            );
        }
    }

    #[test]
    fn max_len_limits_the_itemsets() {
        let b = shop();
        let params = FpGrowthParams {
            max_len: Some(2),
            ..FpGrowthParams::new(0.1)
        };
        let f = params.fit(&b).unwrap();
        assert_eq!(as_vec(&f), brute_force(&b, 1, 2));
        assert!(f.iter().all(|(s, _)| s.len() <= 2));
    }

    #[test]
    fn support_is_inclusive() {
        // 3 of 10 baskets hold item 4: support 0.3 keeps it (0.3·10 is 3.0000000000000004).
        let f = FpGrowthParams::new(0.3).fit(&shop()).unwrap();
        assert!(f.iter().any(|(s, c)| s == [4] && c == 3));
        let f = FpGrowthParams::new(0.31).fit(&shop()).unwrap();
        assert!(!f.iter().any(|(s, _)| s == [4]));
    }

    #[test]
    fn supports_and_accessors() {
        let f = FpGrowthParams::new(0.5).fit(&shop()).unwrap();
        assert_eq!(f.n_baskets(), 10);
        assert_eq!(f.n_items(), 6);
        assert_eq!(f.get(0), Some((&[0u32][..], 6)));
        assert_eq!(f.support(0), Some(0.6));
        assert_eq!(f.get(f.len()), None);
        assert_eq!(f.support(f.len()), None);
    }

    #[test]
    fn repeated_and_unknown_codes_do_not_break_it() {
        // Not from `Baskets` builders: unsorted, repeated, and a code past the item list.
        let b = baskets(2, &[&[1, 0, 1], &[0, 7], &[7, 0]]);
        let f = FpGrowthParams::new(0.5).fit(&b).unwrap();
        assert_eq!(
            as_vec(&f),
            vec![(vec![0], 3), (vec![7], 2), (vec![0, 7], 2)]
        );
        assert_eq!(f.n_items(), 8);
    }

    #[test]
    fn no_baskets_is_an_error() {
        let b = baskets(3, &[]);
        assert_eq!(
            FpGrowthParams::new(0.1).fit(&b),
            Err(FpGrowthError::NoBaskets)
        );
    }

    #[test]
    fn too_high_support_says_the_best_count() {
        let err = FpGrowthParams::new(0.9).fit(&shop()).unwrap_err();
        assert_eq!(
            err,
            FpGrowthError::NoFrequentItems {
                min_support: 0.9,
                min_count: 9,
                best_count: 7,
                n_baskets: 10
            }
        );
        assert!(err.to_string().contains("lower the minimum support"));
    }

    #[test]
    fn the_itemset_cap_is_an_error() {
        // One basket of 20 items: 2^20 − 1 itemsets at any support.
        let all: Vec<u32> = (0..20).collect();
        let b = baskets(20, &[&all]);
        let params = FpGrowthParams {
            max_itemsets: 1000,
            ..FpGrowthParams::new(1.0)
        };
        let err = params.fit(&b).unwrap_err();
        assert_eq!(err, FpGrowthError::TooManyItemsets { max_itemsets: 1000 });
        assert!(err.to_string().contains("raise the minimum support"));
        let params = FpGrowthParams {
            max_itemsets: 20,
            max_len: Some(1),
            ..FpGrowthParams::new(1.0)
        };
        assert_eq!(params.fit(&b).unwrap().len(), 20);
    }

    #[test]
    fn a_long_frequent_itemset_stops_at_once() {
        // One 5,000-item basket: the first 21-item itemset implies more than 2,000,000.
        let all: Vec<u32> = (0..5000).collect();
        let b = baskets(5000, &[&all]);
        assert_eq!(
            FpGrowthParams::new(1.0).fit(&b),
            Err(FpGrowthError::TooManyItemsets {
                max_itemsets: FpGrowthParams::DEFAULT_MAX_ITEMSETS
            })
        );
    }

    #[test]
    fn bad_settings_fail_the_check() {
        for s in [0.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                FpGrowthParams::new(s).check(),
                Err(FpGrowthError::Support(_))
            ));
        }
        let zero_len = FpGrowthParams {
            max_len: Some(0),
            ..FpGrowthParams::new(0.5)
        };
        assert_eq!(zero_len.check(), Err(FpGrowthError::MaxLen));
        let zero_cap = FpGrowthParams {
            max_itemsets: 0,
            ..FpGrowthParams::new(0.5)
        };
        assert_eq!(zero_cap.check(), Err(FpGrowthError::NoItemsetsAllowed));
        assert!(FpGrowthParams::new(1.0).check().is_ok());
    }
}
