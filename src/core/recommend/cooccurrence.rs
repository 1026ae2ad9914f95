//! Co-occurrence: recommend what is bought together with what the customer already bought.
//!
//! `CooccurrenceParams → check → fit → CooccurrenceModel → recommend`. The fit counts, for
//! every pair of items, the training baskets holding both (`together(i, j)`, a sparse symmetric
//! matrix without its diagonal). For a user with distinct training items `I`:
//!
//! * [`CooccurrenceWeighting::Count`] (ANCHORS-VALUE.md §6): score(j) = Σ over i ∈ I, i ≠ j of
//!   together(i, j);
//! * [`CooccurrenceWeighting::Cosine`]: score(j) = Σ over i ∈ I, i ≠ j of
//!   together(i, j) / √(popularity(i) · popularity(j)), popularity = baskets holding the item.
//!
//! Ties (e.g. score 0 for a user whose items were never bought with anything) → popularity →
//! item name in text order, so the list falls back to the popular items.
//!
//! Why cosine as the normalised variant, not lift: raw counts favour items that are in many
//! baskets whatever the customer bought; cosine divides that out but stays in 0..1 and rewards
//! pairs that are both frequent together and each reasonably common. Lift
//! (together · n / (pop(i) · pop(j))) divides by pop(j) alone, so an item bought once, in the
//! same basket as one of the user's items, gets the largest lift there is: the top of a
//! lift-ranked list is made of one-off items, noise rather than advice.
//!
//! The reason names the user's item contributing most to the score: "bought with HERBS in 43 %
//! of the baskets with HERBS (…)", i.e. together(i, j) / popularity(i).
//!
//! Pure Rust, no web-sys; never panics on user data.

use crate::core::format::thousands;
use crate::core::recommend::baskets::Baskets;
use crate::core::recommend::interactions::{
    name_ranks, percent, Interactions, Ranking, RecommendError, Recommendation, TopN,
};
use crate::core::recommend::popularity::popularity_reason;

/// How pair counts become a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CooccurrenceWeighting {
    /// Baskets holding both items (the anchors' definition).
    #[default]
    Count,
    /// Baskets holding both, divided by the geometric mean of each item's baskets.
    Cosine,
}

/// What the user asked co-occurrence to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CooccurrenceParams {
    pub weighting: CooccurrenceWeighting,
}

/// Co-occurrence cannot be fitted on these baskets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CooccurrenceError {
    #[error("There are no baskets to count items bought together.")]
    NoBaskets,
    #[error("Item code {item} is out of range: there are {n_items} items.")]
    ItemOutOfRange { item: u32, n_items: usize },
}

impl CooccurrenceParams {
    pub fn check(&self, baskets: &Baskets) -> Result<(), CooccurrenceError> {
        let n_items = baskets.n_items();
        if baskets.baskets.iter().all(|b| b.is_empty()) {
            return Err(CooccurrenceError::NoBaskets);
        }
        for &item in baskets.baskets.iter().flatten() {
            if item as usize >= n_items {
                return Err(CooccurrenceError::ItemOutOfRange { item, n_items });
            }
        }
        Ok(())
    }

    /// Count the pairs of the training `baskets` (their item names name the items).
    pub fn fit(&self, baskets: &Baskets) -> Result<CooccurrenceModel, CooccurrenceError> {
        self.check(baskets)?;
        let n_items = baskets.n_items();
        // Distinct items of each basket, and the baskets of each item.
        let clean: Vec<Vec<u32>> = baskets
            .baskets
            .iter()
            .map(|b| {
                let mut b = b.clone();
                b.sort_unstable();
                b.dedup();
                b
            })
            .filter(|b| !b.is_empty())
            .collect();
        let mut popularity = vec![0u32; n_items];
        for &item in clean.iter().flatten() {
            if let Some(p) = popularity.get_mut(item as usize) {
                *p += 1;
            }
        }
        let mut item_baskets: Vec<Vec<u32>> = vec![Vec::new(); n_items];
        for (b, basket) in clean.iter().enumerate() {
            for &item in basket {
                if let Some(list) = item_baskets.get_mut(item as usize) {
                    list.push(b as u32);
                }
            }
        }
        let mut offsets = Vec::with_capacity(n_items + 1);
        offsets.push(0usize);
        let mut partners: Vec<u32> = Vec::new();
        let mut together: Vec<u32> = Vec::new();
        let mut scratch = vec![0u32; n_items];
        let mut touched: Vec<u32> = Vec::new();
        for (i, its_baskets) in item_baskets.iter().enumerate() {
            for &b in its_baskets {
                for &j in clean.get(b as usize).map(Vec::as_slice).unwrap_or(&[]) {
                    if j as usize == i {
                        continue;
                    }
                    if let Some(count) = scratch.get_mut(j as usize) {
                        if *count == 0 {
                            touched.push(j);
                        }
                        *count += 1;
                    }
                }
            }
            touched.sort_unstable();
            for &j in &touched {
                if let Some(count) = scratch.get_mut(j as usize) {
                    partners.push(j);
                    together.push(*count);
                    *count = 0;
                }
            }
            touched.clear();
            offsets.push(partners.len());
        }
        Ok(CooccurrenceModel {
            weighting: self.weighting,
            names: baskets.items.clone(),
            name_rank: name_ranks(&baskets.items, n_items),
            inverse_sqrt_popularity: popularity
                .iter()
                .map(|&p| {
                    if p > 0 {
                        1.0 / f64::from(p).sqrt()
                    } else {
                        0.0
                    }
                })
                .collect(),
            popularity,
            n_baskets: u32::try_from(clean.len()).unwrap_or(u32::MAX),
            offsets,
            partners,
            together,
        })
    }
}

/// Pair counts of the training baskets.
#[derive(Debug, Clone, PartialEq)]
pub struct CooccurrenceModel {
    pub weighting: CooccurrenceWeighting,
    names: Vec<String>,
    name_rank: Vec<u32>,
    /// Training baskets holding each item.
    pub popularity: Vec<u32>,
    /// 1 / √popularity (0 for an item in no basket), for the cosine.
    inverse_sqrt_popularity: Vec<f64>,
    n_baskets: u32,
    /// Item `i`'s partners are `offsets[i]..offsets[i + 1]` of `partners` and `together`.
    offsets: Vec<usize>,
    partners: Vec<u32>,
    together: Vec<u32>,
}

impl CooccurrenceModel {
    pub fn n_items(&self) -> usize {
        self.popularity.len()
    }

    /// Distinct pairs of items bought together at least once, each counted twice (i, j), (j, i).
    pub fn n_pairs(&self) -> usize {
        self.partners.len()
    }

    fn row(&self, item: u32) -> (&[u32], &[u32]) {
        let i = item as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&start), Some(&end)) => (
                self.partners.get(start..end).unwrap_or(&[]),
                self.together.get(start..end).unwrap_or(&[]),
            ),
            _ => (&[], &[]),
        }
    }

    /// Training baskets holding both `i` and `j` (0 when `i == j`).
    pub fn together(&self, i: u32, j: u32) -> u32 {
        let (partners, counts) = self.row(i);
        partners
            .binary_search(&j)
            .ok()
            .and_then(|k| counts.get(k).copied())
            .unwrap_or(0)
    }

    fn weight(&self, i: u32, j: u32, together: u32) -> f64 {
        match self.weighting {
            CooccurrenceWeighting::Count => f64::from(together),
            CooccurrenceWeighting::Cosine => {
                let scale = |k: u32| self.inverse_sqrt_popularity.get(k as usize).copied();
                f64::from(together) * scale(i).unwrap_or(0.0) * scale(j).unwrap_or(0.0)
            }
        }
    }

    /// Score of every item for a user who bought the distinct `items`.
    ///
    /// Σ over the user's items i of weight(i, j, together(i, j)); the cosine's factor
    /// 1/√popularity(j) is the same for every i, so it is applied once per item at the end
    /// (the inner loop is then a plain scatter-add, the step's hottest loop).
    pub fn scores(&self, items: &[u32]) -> Vec<f64> {
        let cosine = self.weighting == CooccurrenceWeighting::Cosine;
        let scale = |k: u32| {
            self.inverse_sqrt_popularity
                .get(k as usize)
                .copied()
                .unwrap_or(0.0)
        };
        let mut scores = vec![0.0; self.n_items()];
        for &i in items {
            let (partners, counts) = self.row(i);
            let w = if cosine { scale(i) } else { 1.0 };
            for (&j, &c) in partners.iter().zip(counts) {
                if let Some(s) = scores.get_mut(j as usize) {
                    *s += w * f64::from(c);
                }
            }
        }
        if cosine {
            for (j, s) in scores.iter_mut().enumerate() {
                *s *= scale(j as u32);
            }
        }
        scores
    }

    /// The top items for `user` of `train` (the purchases of the users, on the model's items).
    pub fn recommend(
        &self,
        train: &Interactions,
        user: usize,
        top: &TopN,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        top.check_request(train, user, train.n_users(), self.n_items())?;
        let bought = train.user_items(user);
        let ranking = Ranking {
            popularity: &self.popularity,
            name_rank: &self.name_rank,
        };
        Ok(
            ranking.recommend(&self.scores(bought), top, bought, |item| {
                self.reason(bought, item)
            }),
        )
    }

    /// The user's item that adds most to `item`'s score, in words.
    fn reason(&self, bought: &[u32], item: u32) -> String {
        let mut best: Option<(f64, u32, u32)> = None;
        for &i in bought {
            let c = self.together(i, item);
            if c == 0 || i == item {
                continue;
            }
            let w = self.weight(i, item, c);
            let rank = |k: u32| self.name_rank.get(k as usize).copied().unwrap_or(u32::MAX);
            let better = match best {
                None => true,
                Some((bw, bi, _)) => w > bw || (w == bw && rank(i) < rank(bi)),
            };
            if better {
                best = Some((w, i, c));
            }
        }
        match best {
            Some((_, i, c)) => {
                let name = self
                    .names
                    .get(i as usize)
                    .map(String::as_str)
                    .unwrap_or("?");
                let pop = self.popularity.get(i as usize).copied().unwrap_or(0);
                format!(
                    "bought with {name} in {} % of the baskets with {name} ({} of {})",
                    percent(c, pop),
                    thousands(u64::from(c)),
                    thousands(u64::from(pop))
                )
            }
            None => popularity_reason(
                self.popularity.get(item as usize).copied().unwrap_or(0),
                self.n_baskets,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baskets() -> Baskets {
        Baskets {
            items: ["milk", "bread", "butter", "jam"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            // milk+bread ×2, bread+butter, milk+bread+butter, jam alone.
            baskets: vec![vec![0, 1], vec![0, 1], vec![1, 2], vec![0, 1, 2], vec![3]],
        }
    }

    fn train() -> Interactions {
        // User 0 bought milk; user 1 bought bread and butter; user 2 bought jam.
        Interactions::from_user_baskets(
            4,
            &[vec![vec![0]], vec![vec![1, 2]], vec![vec![3]], vec![]],
        )
        .unwrap()
    }

    fn items(recs: &[Recommendation]) -> Vec<u32> {
        recs.iter().map(|r| r.item).collect()
    }

    #[test]
    fn counts_baskets_holding_both() {
        let model = CooccurrenceParams::default().fit(&baskets()).unwrap();
        assert_eq!(model.together(0, 1), 3);
        assert_eq!(model.together(1, 0), 3);
        assert_eq!(model.together(1, 2), 2);
        assert_eq!(model.together(0, 3), 0);
        assert_eq!(model.together(1, 1), 0);
        assert_eq!(model.popularity, vec![3, 4, 2, 1]);
        assert_eq!(model.n_pairs(), 6);
    }

    #[test]
    fn scores_sum_over_the_users_other_items() {
        let model = CooccurrenceParams::default().fit(&baskets()).unwrap();
        // Bread and butter: milk 3 + 1, bread 2 (from butter), butter 2 (from bread), jam 0.
        assert_eq!(model.scores(&[1, 2]), vec![4.0, 2.0, 2.0, 0.0]);
        let recs = model.recommend(&train(), 1, &TopN::new(4)).unwrap();
        // Bread and butter tie at 2: bread is more popular.
        assert_eq!(items(&recs), vec![0, 1, 2, 3]);
        assert_eq!(
            recs[0].reason,
            "bought with bread in 75 % of the baskets with bread (3 of 4)"
        );
        assert!(recs[3].reason.starts_with("popular: "));
    }

    #[test]
    fn can_leave_out_what_the_user_bought() {
        let model = CooccurrenceParams::default().fit(&baskets()).unwrap();
        let recs = model
            .recommend(&train(), 0, &TopN::excluding_bought(2))
            .unwrap();
        assert_eq!(items(&recs), vec![1, 2]);
    }

    #[test]
    fn a_user_without_purchases_gets_the_popular_items() {
        let model = CooccurrenceParams::default().fit(&baskets()).unwrap();
        let recs = model.recommend(&train(), 3, &TopN::new(2)).unwrap();
        assert_eq!(items(&recs), vec![1, 0]);
    }

    #[test]
    fn cosine_divides_by_the_items_popularity() {
        let params = CooccurrenceParams {
            weighting: CooccurrenceWeighting::Cosine,
        };
        let model = params.fit(&baskets()).unwrap();
        let scores = model.scores(&[0]);
        assert!((scores[1] - 3.0 / 12f64.sqrt()).abs() < 1e-12);
        assert!((scores[2] - 1.0 / 6f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn bad_input_is_an_error() {
        let params = CooccurrenceParams::default();
        assert_eq!(
            params.fit(&Baskets::default()),
            Err(CooccurrenceError::NoBaskets)
        );
        let mut bad = baskets();
        bad.baskets.push(vec![7]);
        assert_eq!(
            params.fit(&bad),
            Err(CooccurrenceError::ItemOutOfRange {
                item: 7,
                n_items: 4
            })
        );
        let model = params.fit(&baskets()).unwrap();
        assert_eq!(
            model.recommend(&train(), 0, &TopN::new(0)),
            Err(RecommendError::ZeroItems)
        );
        assert_eq!(
            model.recommend(&train(), 9, &TopN::new(1)),
            Err(RecommendError::UnknownUser {
                user: 9,
                n_users: 4
            })
        );
    }

    #[test]
    fn one_item_has_no_pairs() {
        let one = Baskets {
            items: vec!["tea".to_string()],
            baskets: vec![vec![0], vec![0]],
        };
        let model = CooccurrenceParams::default().fit(&one).unwrap();
        assert_eq!(model.n_pairs(), 0);
        let train = Interactions::from_user_baskets(1, &[vec![vec![0]]]).unwrap();
        let recs = model.recommend(&train, 0, &TopN::new(3)).unwrap();
        assert_eq!(items(&recs), vec![0]);
    }
}
