//! How good are a recommender's top-N lists? Ranking metrics on a time holdout.
//!
//! A recommender fitted on the purchases before a cutoff recommends `n` items to each evaluated
//! user; the user's test set is the distinct items they bought after the cutoff (repeat buys
//! included). Per user, with `hits` = recommended items in the test set (only the first `n`
//! recommendations count, each item once):
//!
//! * hit = 1 if hits ≥ 1, else 0;
//! * precision@n = hits / n (n, not the length of a shorter list);
//! * recall@n = hits / |test|;
//! * average precision@n = Σ over the ranks k ≤ n holding a test item of (hits in the first k
//!   / k), divided by min(|test|, n): the usual denominator (as in `ml_metrics`' `apk`), so a
//!   user with 3 test items, all in the top 3, scores 1.
//!
//! Each metric is averaged over the evaluated users (MAP = mean average precision), users with
//! an empty test set left out (ANCHORS-VALUE.md §6 and its Notes). The same lists are also
//! scored on the *new items only*: the test items the user had not bought before the cutoff,
//! averaged over the users with at least one. Because about 30 % of what customers buy after a
//! cutoff are re-purchases, a method that may recommend already-bought items scores higher on
//! all items and lower on new ones.
//!
//! Test items may be codes the training data never saw (≥ its item count): they count in
//! |test| (no method can recommend them). Pure Rust, no web-sys; never panics on user data.

use crate::core::recommend::interactions::{Interactions, RecommendError, Recommendation};

/// How many recommendations count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluateParams {
    pub n: usize,
}

/// One evaluated user and what they bought after the cutoff.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutUser {
    /// User code in the training interactions.
    pub user: usize,
    /// Items bought after the cutoff (any order, repeats allowed).
    pub test_items: Vec<u32>,
}

/// Metrics at `n`, averaged over `users`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingMetrics {
    pub n: usize,
    /// Users averaged over (those with a non-empty test set).
    pub users: usize,
    pub hit_rate: f64,
    pub precision: f64,
    pub recall: f64,
    /// Mean average precision at `n`.
    pub map: f64,
}

/// The metrics on all test items and on the items new to each user.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub all_items: RankingMetrics,
    /// `None` when no user bought anything new.
    pub new_items: Option<RankingMetrics>,
}

/// The recommender cannot be evaluated this way.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluateError {
    #[error("Choose at least 1 recommendation to evaluate.")]
    ZeroN,
    #[error("No user has a purchase after the cutoff: there is nothing to evaluate on.")]
    EmptyTest,
    #[error(transparent)]
    Recommend(#[from] RecommendError),
}

impl EvaluateParams {
    pub fn check(&self) -> Result<(), EvaluateError> {
        if self.n == 0 {
            return Err(EvaluateError::ZeroN);
        }
        Ok(())
    }

    /// Score `recommend(user)` (the user's ranked list) for every user of `holdout`;
    /// `train` says which items each user had bought before the cutoff.
    pub fn evaluate<F>(
        &self,
        train: &Interactions,
        holdout: &[HoldoutUser],
        mut recommend: F,
    ) -> Result<Evaluation, EvaluateError>
    where
        F: FnMut(usize) -> Result<Vec<Recommendation>, RecommendError>,
    {
        self.check()?;
        let mut all = Sums::default();
        let mut new = Sums::default();
        for case in holdout {
            let mut test = case.test_items.clone();
            test.sort_unstable();
            test.dedup();
            if test.is_empty() {
                continue;
            }
            let recommended: Vec<u32> = recommend(case.user)?.iter().map(|r| r.item).collect();
            all.add(&user_metrics(self.n, &recommended, &test));
            let bought = train.user_items(case.user);
            test.retain(|item| bought.binary_search(item).is_err());
            if !test.is_empty() {
                new.add(&user_metrics(self.n, &recommended, &test));
            }
        }
        Ok(Evaluation {
            all_items: all.mean(self.n).ok_or(EvaluateError::EmptyTest)?,
            new_items: new.mean(self.n),
        })
    }
}

/// One user's metrics at `n` (see the module documentation); `relevant` sorted, distinct and
/// not empty.
fn user_metrics(n: usize, recommended: &[u32], relevant: &[u32]) -> [f64; 4] {
    let mut hits = 0usize;
    let mut precision_sum = 0.0;
    let mut seen: Vec<u32> = Vec::with_capacity(n);
    for (rank, &item) in recommended.iter().take(n).enumerate() {
        if seen.contains(&item) {
            continue;
        }
        seen.push(item);
        if relevant.binary_search(&item).is_ok() {
            hits += 1;
            precision_sum += hits as f64 / (rank + 1) as f64;
        }
    }
    let denominator = relevant.len().min(n).max(1) as f64;
    [
        if hits > 0 { 1.0 } else { 0.0 },
        hits as f64 / n as f64,
        hits as f64 / relevant.len().max(1) as f64,
        precision_sum / denominator,
    ]
}

#[derive(Default)]
struct Sums {
    users: usize,
    totals: [f64; 4],
}

impl Sums {
    fn add(&mut self, metrics: &[f64; 4]) {
        self.users += 1;
        for (t, m) in self.totals.iter_mut().zip(metrics) {
            *t += m;
        }
    }

    fn mean(&self, n: usize) -> Option<RankingMetrics> {
        if self.users == 0 {
            return None;
        }
        let [hit, precision, recall, ap] = self.totals.map(|t| t / self.users as f64);
        Some(RankingMetrics {
            n,
            users: self.users,
            hit_rate: hit,
            precision,
            recall,
            map: ap,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(items: &[u32]) -> Vec<Recommendation> {
        items
            .iter()
            .map(|&item| Recommendation {
                item,
                score: 0.0,
                reason: String::new(),
            })
            .collect()
    }

    fn train() -> Interactions {
        // User 0 bought item 0; user 1 bought items 1 and 2.
        Interactions::from_user_baskets(5, &[vec![vec![0]], vec![vec![1, 2]]]).unwrap()
    }

    #[test]
    fn one_user_by_hand() {
        // Test {0, 3, 9}; top 4 = [3, 1, 0, 4]: hits at ranks 1 and 3.
        let m = user_metrics(4, &[3, 1, 0, 4], &[0, 3, 9]);
        assert_eq!(m[0], 1.0);
        assert_eq!(m[1], 0.5);
        assert!((m[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!((m[3] - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        // Only the first n count; a short list still divides by n.
        assert_eq!(user_metrics(1, &[1, 0], &[0]), [0.0, 0.0, 0.0, 0.0]);
        assert_eq!(user_metrics(4, &[0], &[0]), [1.0, 0.25, 1.0, 1.0]);
    }

    #[test]
    fn averages_over_users_and_over_new_items() {
        let holdout = vec![
            HoldoutUser {
                user: 0,
                test_items: vec![0, 3, 3],
            },
            HoldoutUser {
                user: 1,
                test_items: vec![2],
            },
            HoldoutUser {
                user: 1,
                test_items: vec![],
            },
        ];
        let lists = |user: usize| Ok(recs(if user == 0 { &[0, 4] } else { &[2, 3] }));
        let eval = EvaluateParams { n: 2 }
            .evaluate(&train(), &holdout, lists)
            .unwrap();
        // User 0: hit 0 of {0, 3} at rank 1; user 1: hit 2 at rank 1.
        assert_eq!(eval.all_items.users, 2);
        assert_eq!(eval.all_items.hit_rate, 1.0);
        assert_eq!(eval.all_items.precision, 0.5);
        assert_eq!(eval.all_items.recall, 0.75);
        assert_eq!(eval.all_items.map, 0.75);
        // New items: user 0's test is {3} (missed); user 1 has none.
        let new = eval.new_items.unwrap();
        assert_eq!((new.users, new.hit_rate, new.map), (1, 0.0, 0.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let lists = |_: usize| Ok(recs(&[0]));
        assert_eq!(
            EvaluateParams { n: 0 }.evaluate(&train(), &[], lists),
            Err(EvaluateError::ZeroN)
        );
        assert_eq!(
            EvaluateParams { n: 10 }.evaluate(&train(), &[], lists),
            Err(EvaluateError::EmptyTest)
        );
        let empty = [HoldoutUser {
            user: 0,
            test_items: vec![],
        }];
        assert_eq!(
            EvaluateParams { n: 10 }.evaluate(&train(), &empty, lists),
            Err(EvaluateError::EmptyTest)
        );
        let failing = |user: usize| Err(RecommendError::UnknownUser { user, n_users: 2 });
        let one = [HoldoutUser {
            user: 7,
            test_items: vec![1],
        }];
        assert_eq!(
            EvaluateParams { n: 10 }.evaluate(&train(), &one, failing),
            Err(EvaluateError::Recommend(RecommendError::UnknownUser {
                user: 7,
                n_users: 2
            }))
        );
    }

    #[test]
    fn nothing_new_gives_no_new_item_metrics() {
        let holdout = [HoldoutUser {
            user: 1,
            test_items: vec![1, 2],
        }];
        let eval = EvaluateParams { n: 3 }
            .evaluate(&train(), &holdout, |_| Ok(recs(&[1])))
            .unwrap();
        assert_eq!(eval.new_items, None);
        assert_eq!(eval.all_items.recall, 0.5);
    }
}
