//! Who bought what, as the recommenders read it: a users × items matrix of basket counts, and
//! what every recommender returns (a ranked list of items, each with a score and a reason).
//!
//! Users are `0..n_users` and items `0..n_items`. Each user's row is a sorted sparse list of
//! `(item, value)`, value = the number of distinct baskets (orders, invoices) of the user that
//! hold the item, stored CSR-like (one offsets array, one items array, one values array). Item
//! popularity = the number of distinct baskets that hold the item, over all users.
//!
//! Also here, because every recommender shares them: [`TopN`] (how many items, and whether to
//! leave out what the user already bought), [`Recommendation`] and the ranking rule for ties
//! (higher score, then more popular, then the item's name in text order), so popularity,
//! co-occurrence and ALS rank the same way.
//!
//! Pure Rust, no web-sys; never panics on user data (codes out of range are errors).

use std::cmp::Ordering;

/// A users × items matrix of basket counts (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interactions {
    n_users: usize,
    n_items: usize,
    n_baskets: usize,
    /// User `u`'s entries are `offsets[u]..offsets[u + 1]` of `items` and `counts`.
    offsets: Vec<usize>,
    items: Vec<u32>,
    counts: Vec<u32>,
    /// Baskets holding each item.
    popularity: Vec<u32>,
}

/// The purchases cannot be read as interactions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InteractionsError {
    #[error("Item code {item} is out of range: there are {n_items} items.")]
    ItemOutOfRange { item: u32, n_items: usize },
    #[error("User code {user} is out of range: there are {n_users} users.")]
    UserOutOfRange { user: u32, n_users: usize },
}

impl Interactions {
    /// From `(user, item, basket)` triples, one per purchase line (repeats allowed: a basket
    /// holding an item twice counts once). Basket ids are any numbers naming the baskets.
    pub fn from_triples(
        n_users: usize,
        n_items: usize,
        triples: &[(u32, u32, u32)],
    ) -> Result<Interactions, InteractionsError> {
        for &(user, item, _) in triples {
            check_user(user, n_users)?;
            check_item(item, n_items)?;
        }
        let mut lines = triples.to_vec();
        lines.sort_unstable();
        lines.dedup();
        let mut offsets = Vec::with_capacity(n_users + 1);
        offsets.push(0);
        let mut items = Vec::new();
        let mut counts: Vec<u32> = Vec::new();
        let mut user = 0usize;
        let mut row_start = 0usize;
        for &(u, item, _) in &lines {
            while user < u as usize {
                offsets.push(items.len());
                user += 1;
                row_start = items.len();
            }
            match counts.last_mut() {
                Some(count) if items.len() > row_start && items.last() == Some(&item) => {
                    *count += 1;
                }
                _ => {
                    items.push(item);
                    counts.push(1);
                }
            }
        }
        while offsets.len() <= n_users {
            offsets.push(items.len());
        }
        let mut by_basket: Vec<(u32, u32)> = lines.iter().map(|&(_, i, b)| (b, i)).collect();
        by_basket.sort_unstable();
        by_basket.dedup();
        let mut popularity = vec![0u32; n_items];
        for &(_, item) in &by_basket {
            if let Some(p) = popularity.get_mut(item as usize) {
                *p += 1;
            }
        }
        let mut n_baskets = 0;
        let mut previous = None;
        for &(basket, _) in &by_basket {
            if previous != Some(basket) {
                n_baskets += 1;
                previous = Some(basket);
            }
        }
        Ok(Interactions {
            n_users,
            n_items,
            n_baskets,
            offsets,
            items,
            counts,
            popularity,
        })
    }

    /// From each user's baskets (`user_baskets[u]` = the baskets of user `u`, each a list of
    /// item codes; repeats inside a basket count once, empty baskets are not counted).
    pub fn from_user_baskets(
        n_items: usize,
        user_baskets: &[Vec<Vec<u32>>],
    ) -> Result<Interactions, InteractionsError> {
        let mut triples = Vec::new();
        let mut basket_id = 0u32;
        for (user, baskets) in user_baskets.iter().enumerate() {
            for basket in baskets {
                for &item in basket {
                    triples.push((user as u32, item, basket_id));
                }
                basket_id = basket_id.wrapping_add(1);
            }
        }
        Interactions::from_triples(user_baskets.len(), n_items, &triples)
    }

    pub fn n_users(&self) -> usize {
        self.n_users
    }

    pub fn n_items(&self) -> usize {
        self.n_items
    }

    /// Distinct baskets with at least one item.
    pub fn n_baskets(&self) -> usize {
        self.n_baskets
    }

    /// Non-zero (user, item) pairs.
    pub fn nnz(&self) -> usize {
        self.items.len()
    }

    fn range(&self, user: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(user), self.offsets.get(user + 1)) {
            (Some(&start), Some(&end)) => start..end,
            _ => 0..0,
        }
    }

    /// The distinct items user `user` bought, sorted (empty for an unknown user).
    pub fn user_items(&self, user: usize) -> &[u32] {
        self.items.get(self.range(user)).unwrap_or(&[])
    }

    /// For each of [`Interactions::user_items`], the number of the user's baskets holding it.
    pub fn user_counts(&self, user: usize) -> &[u32] {
        self.counts.get(self.range(user)).unwrap_or(&[])
    }

    /// Whether user `user` bought `item`.
    pub fn bought(&self, user: usize, item: u32) -> bool {
        self.user_items(user).binary_search(&item).is_ok()
    }

    /// Baskets holding each item, indexed by item code.
    pub fn popularity(&self) -> &[u32] {
        &self.popularity
    }

    /// The CSR arrays (offsets, items, counts).
    pub(crate) fn csr(&self) -> (&[usize], &[u32], &[u32]) {
        (&self.offsets, &self.items, &self.counts)
    }

    /// The items × users matrix in the same layout (offsets, users, counts).
    pub(crate) fn transposed(&self) -> (Vec<usize>, Vec<u32>, Vec<u32>) {
        let mut offsets = vec![0usize; self.n_items + 1];
        for &item in &self.items {
            if let Some(o) = offsets.get_mut(item as usize + 1) {
                *o += 1;
            }
        }
        for i in 0..self.n_items {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut users = vec![0u32; self.items.len()];
        let mut counts = vec![0u32; self.items.len()];
        for user in 0..self.n_users {
            let range = self.range(user);
            for k in range {
                let (Some(&item), Some(&count)) = (self.items.get(k), self.counts.get(k)) else {
                    continue;
                };
                if let Some(slot) = next.get_mut(item as usize) {
                    if let (Some(u), Some(c)) = (users.get_mut(*slot), counts.get_mut(*slot)) {
                        *u = user as u32;
                        *c = count;
                    }
                    *slot += 1;
                }
            }
        }
        (offsets, users, counts)
    }
}

fn check_user(user: u32, n_users: usize) -> Result<(), InteractionsError> {
    if (user as usize) < n_users {
        Ok(())
    } else {
        Err(InteractionsError::UserOutOfRange { user, n_users })
    }
}

fn check_item(item: u32, n_items: usize) -> Result<(), InteractionsError> {
    if (item as usize) < n_items {
        Ok(())
    } else {
        Err(InteractionsError::ItemOutOfRange { item, n_items })
    }
}

/// How many items to recommend, and whether to leave out the items the user already bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopN {
    pub n: usize,
    /// Leave out the user's training items ("new to you" recommendations).
    pub exclude_bought: bool,
}

impl TopN {
    /// The top `n`, already-bought items included.
    pub fn new(n: usize) -> TopN {
        TopN {
            n,
            exclude_bought: false,
        }
    }

    /// The top `n` among the items the user has not bought.
    pub fn excluding_bought(n: usize) -> TopN {
        TopN {
            n,
            exclude_bought: true,
        }
    }

    pub fn check(&self) -> Result<(), RecommendError> {
        if self.n == 0 {
            return Err(RecommendError::ZeroItems);
        }
        Ok(())
    }

    /// Refuse what a model fitted on `n_users` users and `n_items` items cannot answer: N = 0,
    /// an unknown user, or purchases `train` on other items.
    pub(crate) fn check_request(
        &self,
        train: &Interactions,
        user: usize,
        n_users: usize,
        n_items: usize,
    ) -> Result<(), RecommendError> {
        self.check()?;
        if user >= n_users {
            return Err(RecommendError::UnknownUser { user, n_users });
        }
        if train.n_items() != n_items {
            return Err(RecommendError::OtherItems {
                got: train.n_items(),
                expected: n_items,
            });
        }
        Ok(())
    }
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Item code.
    pub item: u32,
    /// The recommender's score (higher first; its unit depends on the recommender).
    pub score: f64,
    /// Why, in words a business user reads (e.g. "bought with HERBS in 43 % of its baskets").
    pub reason: String,
}

/// The training purchases cannot be learned from (every recommender checks the same).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error("There are no purchases to learn from.")]
    NoPurchases,
    #[error("Got {names} item names for {items} items.")]
    NamesMismatch { names: usize, items: usize },
}

/// `train` has purchases and `names` names each of its items.
pub fn check_training(train: &Interactions, names: &[String]) -> Result<(), TrainError> {
    if names.len() != train.n_items() {
        return Err(TrainError::NamesMismatch {
            names: names.len(),
            items: train.n_items(),
        });
    }
    if train.nnz() == 0 {
        return Err(TrainError::NoPurchases);
    }
    Ok(())
}

/// A fitted recommender cannot answer this request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecommendError {
    #[error("Choose at least 1 item to recommend.")]
    ZeroItems,
    #[error("User {user} is unknown: the model knows {n_users} users.")]
    UnknownUser { user: usize, n_users: usize },
    #[error(
        "These purchases have {got} items but the model was fitted on {expected}: use the \
         purchases it was fitted on."
    )]
    OtherItems { got: usize, expected: usize },
}

/// Each item's position in the text order of the names (ties broken by code; items without a
/// name come last, by code).
pub(crate) fn name_ranks(names: &[String], n_items: usize) -> Vec<u32> {
    let mut order: Vec<usize> = (0..n_items).collect();
    order.sort_by(|&a, &b| match (names.get(a), names.get(b)) {
        (Some(x), Some(y)) => x.cmp(y).then(a.cmp(&b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(&b),
    });
    let mut ranks = vec![0u32; n_items];
    for (rank, item) in order.into_iter().enumerate() {
        if let Some(r) = ranks.get_mut(item) {
            *r = rank as u32;
        }
    }
    ranks
}

/// The shared ranking: higher score first, then higher popularity, then name order.
pub(crate) struct Ranking<'a> {
    pub popularity: &'a [u32],
    pub name_rank: &'a [u32],
}

impl Ranking<'_> {
    fn key(&self, item: u32) -> (u32, u32) {
        let i = item as usize;
        (
            self.popularity.get(i).copied().unwrap_or(0),
            self.name_rank.get(i).copied().unwrap_or(u32::MAX),
        )
    }

    /// `Less` when `a` ranks before `b`.
    pub fn compare(&self, a: u32, score_a: f64, b: u32, score_b: f64) -> Ordering {
        let (pop_a, name_a) = self.key(a);
        let (pop_b, name_b) = self.key(b);
        // `+ 0.0` makes −0 equal to 0 (a zero vector's dot product may be −0).
        (score_b + 0.0)
            .total_cmp(&(score_a + 0.0))
            .then(pop_b.cmp(&pop_a))
            .then(name_a.cmp(&name_b))
    }

    /// The top of `scores` for a user who bought the sorted `bought`, each with its reason.
    pub fn recommend(
        &self,
        scores: &[f64],
        top: &TopN,
        bought: &[u32],
        reason: impl Fn(u32) -> String,
    ) -> Vec<Recommendation> {
        let excluded = if top.exclude_bought { bought } else { &[] };
        self.top(scores, top.n, excluded)
            .into_iter()
            .map(|item| Recommendation {
                item,
                score: scores.get(item as usize).copied().unwrap_or(0.0),
                reason: reason(item),
            })
            .collect()
    }

    /// The best `n` items of `0..scores.len()` by `scores`, leaving out the sorted `excluded`.
    pub fn top(&self, scores: &[f64], n: usize, excluded: &[u32]) -> Vec<u32> {
        let mut candidates: Vec<u32> = (0..scores.len() as u32)
            .filter(|item| excluded.binary_search(item).is_err())
            .collect();
        let score = |item: u32| {
            scores
                .get(item as usize)
                .copied()
                .unwrap_or(f64::NEG_INFINITY)
        };
        let cmp = |a: &u32, b: &u32| self.compare(*a, score(*a), *b, score(*b));
        if n == 0 {
            return Vec::new();
        }
        if candidates.len() > n {
            candidates.select_nth_unstable_by(n - 1, cmp);
            candidates.truncate(n);
        }
        candidates.sort_unstable_by(cmp);
        candidates
    }
}

/// `part / whole` as a whole percentage for reasons ("43"); "0" when `whole` is 0.
pub(crate) fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "0".to_string();
    }
    let pct = 100.0 * f64::from(part) / f64::from(whole);
    if pct > 0.0 && pct < 1.0 {
        "<1".to_string()
    } else {
        format!("{pct:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Interactions {
        // User 0: baskets {0, 1}, {1}; user 1: {2}; user 2: nothing.
        Interactions::from_user_baskets(3, &[vec![vec![0, 1], vec![1, 1]], vec![vec![2]], vec![]])
            .unwrap()
    }

    #[test]
    fn counts_baskets_per_user_and_item() {
        let x = tiny();
        assert_eq!(
            (x.n_users(), x.n_items(), x.nnz(), x.n_baskets()),
            (3, 3, 3, 3)
        );
        assert_eq!(x.user_items(0), &[0, 1]);
        assert_eq!(x.user_counts(0), &[1, 2]);
        assert_eq!(x.user_items(1), &[2]);
        assert!(x.user_items(2).is_empty());
        assert!(x.user_items(99).is_empty());
        assert_eq!(x.popularity(), &[1, 2, 1]);
        assert!(x.bought(0, 1) && !x.bought(1, 1));
    }

    #[test]
    fn triples_repeat_lines_count_once() {
        let x = Interactions::from_triples(2, 2, &[(1, 0, 7), (1, 0, 7), (1, 0, 8), (0, 1, 9)])
            .unwrap();
        assert_eq!(x.user_items(1), &[0]);
        assert_eq!(x.user_counts(1), &[2]);
        assert_eq!(x.user_items(0), &[1]);
        assert_eq!(x.popularity(), &[2, 1]);
        assert_eq!(x.n_baskets(), 3);
    }

    #[test]
    fn transposed_lists_users_per_item() {
        let (offsets, users, counts) = tiny().transposed();
        assert_eq!(offsets, vec![0, 1, 2, 3]);
        assert_eq!(users, vec![0, 0, 1]);
        assert_eq!(counts, vec![1, 2, 1]);
    }

    #[test]
    fn codes_out_of_range_are_errors() {
        assert_eq!(
            Interactions::from_triples(1, 2, &[(0, 2, 0)]),
            Err(InteractionsError::ItemOutOfRange {
                item: 2,
                n_items: 2
            })
        );
        assert_eq!(
            Interactions::from_triples(1, 2, &[(1, 0, 0)]),
            Err(InteractionsError::UserOutOfRange {
                user: 1,
                n_users: 1
            })
        );
    }

    #[test]
    fn no_users_is_an_empty_matrix() {
        let x = Interactions::from_user_baskets(0, &[]).unwrap();
        assert_eq!((x.n_users(), x.n_items(), x.nnz()), (0, 0, 0));
        assert!(x.user_items(0).is_empty());
    }

    #[test]
    fn ties_rank_by_popularity_then_name() {
        let names: Vec<String> = ["b", "a", "c"].iter().map(|s| s.to_string()).collect();
        let ranks = name_ranks(&names, 3);
        assert_eq!(ranks, vec![1, 0, 2]);
        let popularity = [5, 5, 9];
        let ranking = Ranking {
            popularity: &popularity,
            name_rank: &ranks,
        };
        assert_eq!(ranking.top(&[1.0, 1.0, 1.0], 3, &[]), vec![2, 1, 0]);
        assert_eq!(ranking.top(&[1.0, 1.0, 1.0], 2, &[2]), vec![1, 0]);
        assert_eq!(ranking.top(&[1.0, 2.0, 1.0], 1, &[]), vec![1]);
        assert!(ranking.top(&[1.0], 0, &[]).is_empty());
    }

    #[test]
    fn zero_items_is_refused() {
        assert_eq!(TopN::new(0).check(), Err(RecommendError::ZeroItems));
        assert_eq!(TopN::excluding_bought(3).check(), Ok(()));
    }
}
