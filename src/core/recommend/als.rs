//! Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren & Volinsky
//! 2008, "Collaborative Filtering for Implicit Feedback Datasets"), solved by conjugate
//! gradient as in Takács, Pilászy & Tikk 2011 and the `implicit` library.
//!
//! `AlsParams → check → fit → AlsModel → recommend`. Each user `u` gets factors `x_u` and each
//! item `i` factors `y_i` (`factors` numbers each) so that `x_u · y_i` approaches the preference
//! `p_ui = 1[r_ui > 0]`, where `r_ui` is the number of the user's baskets holding the item,
//! weighted by the confidence `c_ui` (1 for the items the user did not buy). It minimises
//!
//! Σ_u Σ_i c_ui (p_ui − x_u · y_i)² + λ (Σ_u |x_u|² + Σ_i |y_i|²)
//!
//! by alternating: all user factors given the item factors, then all item factors given the
//! user factors, `iterations` times. Each row's least-squares problem
//! `(YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u p_u` is not solved exactly but by `cg_steps` steps of
//! conjugate gradient from the row's previous factors (the shared `YᵀY + λI` is computed once
//! per half-iteration, the sparse part from the user's own items), as `implicit`'s CPU solver
//! does with its default of 3 steps. A row without items gets factors 0.
//!
//! Confidence: [`AlsConfidence::OnePlusAlpha`] (the default) is the paper's
//! `c_ui = 1 + alpha · r_ui`. `implicit` 0.7.3, which measured the anchors (ANCHORS-VALUE.md §6,
//! hit rate@10 0.7803 on Online Retail), uses the stored value itself, `c_ui = alpha · r_ui`,
//! offered as [`AlsConfidence::AlphaTimes`].
//!
//! Initialisation: every factor uniform in `[0, init_scale)`, `init_scale` 0.01 as `implicit`'s
//! (user factors first, then item factors, from one Xoshiro256+ stream seeded with `seed`).
//! Only the item factors matter for the result: the first half-iteration solves the user
//! factors from them (the initial user factors are only CG's starting point). Same data and
//! seed → same factors, natively and in the browser.
//!
//! Numbers in `f32` as `implicit`'s default. The conjugate-gradient half-iteration and the
//! scoring product live in the `custos-kernels` crate, compiled for speed (the app is compiled
//! for size); they are written so that the compiler vectorises them (the `k × k` product as a
//! sum of rows, dot products with eight running sums); a confidence of exactly 1 adds nothing to
//! the sparse part and is skipped. Online Retail
//! (3,370 users, 3,438 items, 168,272 non-zeros, 64 factors, 15 iterations), one thread, test
//! profile on the 2 shared cores: 0.97 s with `1 + alpha · r`, 0.55 s with `alpha · r` (most
//! counts are 1), against `implicit`'s 1.14 s.
//!
//! Pure Rust, no web-sys; never panics on user data.

use custos_kernels::{row_dots, CgSolver, Rows};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use crate::core::recommend::interactions::{
    check_training, name_ranks, Interactions, Ranking, RecommendError, Recommendation, TopN,
    TrainError,
};

/// How a basket count becomes a confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlsConfidence {
    /// `1 + alpha · r` (Hu, Koren & Volinsky).
    #[default]
    OnePlusAlpha,
    /// `alpha · r` (what `implicit` does with the matrix it is given).
    AlphaTimes,
}

/// What the user asked ALS to do.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsParams {
    /// Latent factors per user and per item.
    pub factors: usize,
    /// λ, the weight of the squared factors in the loss.
    pub regularization: f32,
    /// Weight of a purchase count in the confidence.
    pub alpha: f32,
    pub confidence: AlsConfidence,
    /// Alternations (users, then items).
    pub iterations: usize,
    /// Conjugate-gradient steps per row and half-iteration.
    pub cg_steps: usize,
    /// Initial factors are uniform in `[0, init_scale)`.
    pub init_scale: f32,
    /// Seed of the initial factors: same seed, same model.
    pub seed: u64,
}

impl Default for AlsParams {
    fn default() -> AlsParams {
        AlsParams {
            factors: 64,
            regularization: 0.01,
            alpha: 1.0,
            confidence: AlsConfidence::OnePlusAlpha,
            iterations: 15,
            cg_steps: 3,
            init_scale: 0.01,
            seed: 42,
        }
    }
}

/// ALS cannot run with these choices or on these purchases.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlsError {
    #[error("ALS needs at least 1 factor.")]
    NoFactors,
    #[error("ALS needs at least 1 iteration.")]
    NoIterations,
    #[error("ALS needs at least 1 conjugate-gradient step.")]
    NoCgSteps,
    #[error("The ALS regularization must be a number of at least 0 (got {0}).")]
    Regularization(f32),
    #[error("The ALS alpha must be a positive number (got {0}).")]
    Alpha(f32),
    #[error("The ALS initial scale must be a positive number (got {0}).")]
    InitScale(f32),
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(
        "ALS did not converge (factors became infinite): raise the regularization or lower alpha."
    )]
    Diverged,
}

impl AlsParams {
    /// The checks that do not need the data.
    pub fn check_settings(&self) -> Result<(), AlsError> {
        if self.factors == 0 {
            return Err(AlsError::NoFactors);
        }
        if self.iterations == 0 {
            return Err(AlsError::NoIterations);
        }
        if self.cg_steps == 0 {
            return Err(AlsError::NoCgSteps);
        }
        if !(self.regularization.is_finite() && self.regularization >= 0.0) {
            return Err(AlsError::Regularization(self.regularization));
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(AlsError::Alpha(self.alpha));
        }
        if !(self.init_scale.is_finite() && self.init_scale > 0.0) {
            return Err(AlsError::InitScale(self.init_scale));
        }
        Ok(())
    }

    pub fn check(&self, train: &Interactions, names: &[String]) -> Result<(), AlsError> {
        self.check_settings()?;
        Ok(check_training(train, names)?)
    }

    /// Fit the factors on `train`; `names[item]` names each item (ties and reasons).
    pub fn fit(&self, train: &Interactions, names: &[String]) -> Result<AlsModel, AlsError> {
        self.check(train, names)?;
        let k = self.factors;
        let (n_users, n_items) = (train.n_users(), train.n_items());
        let confidence = |count: u32| {
            let r = count as f32;
            match self.confidence {
                AlsConfidence::OnePlusAlpha => 1.0 + self.alpha * r,
                AlsConfidence::AlphaTimes => self.alpha * r,
            }
        };
        let (u_offsets, u_items, u_counts) = train.csr();
        let user_confidence: Vec<f32> = u_counts.iter().map(|&c| confidence(c)).collect();
        let by_user = Rows {
            offsets: u_offsets,
            cols: u_items,
            confidence: &user_confidence,
        };
        let (i_offsets, i_users, i_counts) = train.transposed();
        let item_confidence: Vec<f32> = i_counts.iter().map(|&c| confidence(c)).collect();
        let by_item = Rows {
            offsets: &i_offsets,
            cols: &i_users,
            confidence: &item_confidence,
        };
        let mut rng = Xoshiro256Plus::seed_from_u64(self.seed);
        let mut users: Vec<f32> = (0..n_users * k)
            .map(|_| rng.gen::<f32>() * self.init_scale)
            .collect();
        let mut items: Vec<f32> = (0..n_items * k)
            .map(|_| rng.gen::<f32>() * self.init_scale)
            .collect();
        let mut solver = CgSolver::new(k, self.regularization, self.cg_steps);
        for _ in 0..self.iterations {
            solver.solve(&by_user, &mut users, &items);
            solver.solve(&by_item, &mut items, &users);
        }
        if !users.iter().chain(&items).all(|v| v.is_finite()) {
            return Err(AlsError::Diverged);
        }
        let user_factors =
            Array2::from_shape_vec((n_users, k), users).map_err(|_| AlsError::Diverged)?;
        let item_factors =
            Array2::from_shape_vec((n_items, k), items).map_err(|_| AlsError::Diverged)?;
        let item_norms = item_factors
            .rows()
            .into_iter()
            .map(|row| row.dot(&row).sqrt())
            .collect();
        Ok(AlsModel {
            user_factors,
            item_factors,
            item_norms,
            names: names.to_vec(),
            name_rank: name_ranks(names, n_items),
            popularity: train.popularity().to_vec(),
        })
    }
}

/// Fitted ALS factors.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsModel {
    /// `users × factors`.
    pub user_factors: Array2<f32>,
    /// `items × factors`.
    pub item_factors: Array2<f32>,
    item_norms: Vec<f32>,
    names: Vec<String>,
    name_rank: Vec<u32>,
    popularity: Vec<u32>,
}

impl AlsModel {
    pub fn n_users(&self) -> usize {
        self.user_factors.nrows()
    }

    pub fn n_items(&self) -> usize {
        self.item_factors.nrows()
    }

    /// `x_u · y_i` for every item (empty for an unknown user).
    pub fn scores(&self, user: usize) -> Vec<f64> {
        if user >= self.n_users() {
            return Vec::new();
        }
        let k = self.item_factors.ncols();
        let x: Vec<f32> = self.user_factors.row(user).to_vec();
        match self.item_factors.as_slice() {
            Some(items) if k > 0 => {
                let mut scores = Vec::with_capacity(self.n_items());
                row_dots(items, &x, &mut scores);
                scores
            }
            _ => self
                .item_factors
                .rows()
                .into_iter()
                .map(|y| f64::from(y.dot(&self.user_factors.row(user))))
                .collect(),
        }
    }

    /// The top items for `user` of `train` (the purchases the model was fitted on). Ties (e.g.
    /// a user without purchases, whose factors are 0) → popularity → name.
    pub fn recommend(
        &self,
        train: &Interactions,
        user: usize,
        top: &TopN,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        top.check_request(train, user, self.n_users(), self.n_items())?;
        let bought = train.user_items(user);
        let ranking = Ranking {
            popularity: &self.popularity,
            name_rank: &self.name_rank,
        };
        Ok(ranking.recommend(&self.scores(user), top, bought, |item| {
            self.reason(bought, item)
        }))
    }

    /// Cosine of two items' factors (0 when either is 0).
    pub fn item_similarity(&self, a: u32, b: u32) -> f32 {
        let (a, b) = (a as usize, b as usize);
        if a >= self.n_items() || b >= self.n_items() {
            return 0.0;
        }
        let norm = self.item_norms.get(a).copied().unwrap_or(0.0)
            * self.item_norms.get(b).copied().unwrap_or(0.0);
        if norm > 0.0 {
            self.item_factors.row(a).dot(&self.item_factors.row(b)) / norm
        } else {
            0.0
        }
    }

    /// The bought item whose factors are closest (cosine) to `item`'s, in words. It is a hint,
    /// not the exact decomposition of the score.
    fn reason(&self, bought: &[u32], item: u32) -> String {
        let best = bought
            .iter()
            .filter(|&&i| i != item)
            .map(|&i| (self.item_similarity(i, item), i))
            .filter(|(s, _)| *s > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((_, i)) => format!(
                "bought by the same kind of customers as {}",
                self.names
                    .get(i as usize)
                    .map(String::as_str)
                    .unwrap_or("?")
            ),
            None if bought.binary_search(&item).is_ok() => "bought before".to_string(),
            None => "popular with customers like this one".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item{i}")).collect()
    }

    /// Two tastes: users 0-3 buy items 0-2, users 4-7 buy items 3-5; user 0 never bought item
    /// 2 and user 4 never bought item 5.
    fn two_tastes() -> Interactions {
        let mut user_baskets = Vec::new();
        for u in 0..8 {
            let group: Vec<u32> = if u < 4 { vec![0, 1, 2] } else { vec![3, 4, 5] };
            let basket: Vec<u32> = match u {
                0 => vec![0, 1],
                4 => vec![3, 4],
                _ => group,
            };
            user_baskets.push(vec![basket.clone(), basket]);
        }
        Interactions::from_user_baskets(6, &user_baskets).unwrap()
    }

    fn small() -> AlsParams {
        AlsParams {
            factors: 4,
            regularization: 0.1,
            ..AlsParams::default()
        }
    }

    #[test]
    fn recommends_the_missing_item_of_the_users_taste() {
        let train = two_tastes();
        let model = small().fit(&train, &names(6)).unwrap();
        let recs = model
            .recommend(&train, 0, &TopN::excluding_bought(1))
            .unwrap();
        assert_eq!(recs[0].item, 2);
        assert!(recs[0]
            .reason
            .starts_with("bought by the same kind of customers as item"));
        let recs = model
            .recommend(&train, 4, &TopN::excluding_bought(1))
            .unwrap();
        assert_eq!(recs[0].item, 5);
        let all = model.recommend(&train, 0, &TopN::new(3)).unwrap();
        let mut top: Vec<u32> = all.iter().map(|r| r.item).collect();
        top.sort_unstable();
        assert_eq!(top, vec![0, 1, 2]);
    }

    #[test]
    fn same_seed_same_factors_and_both_confidences_work() {
        let train = two_tastes();
        let a = small().fit(&train, &names(6)).unwrap();
        let b = small().fit(&train, &names(6)).unwrap();
        assert_eq!(a, b);
        let implicit = AlsParams {
            confidence: AlsConfidence::AlphaTimes,
            alpha: 2.0,
            ..small()
        };
        let c = implicit.fit(&train, &names(6)).unwrap();
        assert_ne!(a.item_factors, c.item_factors);
        assert!(c.item_factors.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn a_user_without_purchases_gets_zero_factors_and_popular_items() {
        let mut user_baskets = vec![vec![vec![0, 1]], vec![vec![1]]];
        user_baskets.push(vec![]);
        let train = Interactions::from_user_baskets(3, &user_baskets).unwrap();
        let model = small().fit(&train, &names(3)).unwrap();
        assert!(model.user_factors.row(2).iter().all(|&v| v == 0.0));
        let recs = model.recommend(&train, 2, &TopN::new(3)).unwrap();
        assert_eq!(
            recs.iter().map(|r| r.item).collect::<Vec<_>>(),
            vec![1, 0, 2]
        );
    }

    #[test]
    fn bad_settings_are_refused_before_any_work() {
        let train = two_tastes();
        let bad = |params: AlsParams| params.fit(&train, &names(6)).err();
        assert_eq!(
            bad(AlsParams {
                factors: 0,
                ..small()
            }),
            Some(AlsError::NoFactors)
        );
        assert_eq!(
            bad(AlsParams {
                iterations: 0,
                ..small()
            }),
            Some(AlsError::NoIterations)
        );
        assert_eq!(
            bad(AlsParams {
                cg_steps: 0,
                ..small()
            }),
            Some(AlsError::NoCgSteps)
        );
        assert!(matches!(
            bad(AlsParams {
                regularization: f32::NAN,
                ..small()
            }),
            Some(AlsError::Regularization(_))
        ));
        assert_eq!(
            bad(AlsParams {
                alpha: 0.0,
                ..small()
            }),
            Some(AlsError::Alpha(0.0))
        );
        assert_eq!(
            bad(AlsParams {
                init_scale: -1.0,
                ..small()
            }),
            Some(AlsError::InitScale(-1.0))
        );
        assert_eq!(
            small().fit(&train, &names(5)).err(),
            Some(AlsError::Train(TrainError::NamesMismatch {
                names: 5,
                items: 6
            }))
        );
    }

    #[test]
    fn no_users_one_item_and_zero_n() {
        let empty = Interactions::from_user_baskets(0, &[]).unwrap();
        assert_eq!(
            small().fit(&empty, &[]).err(),
            Some(AlsError::Train(TrainError::NoPurchases))
        );
        let one = Interactions::from_user_baskets(1, &[vec![vec![0]], vec![vec![0]]]).unwrap();
        let model = small().fit(&one, &names(1)).unwrap();
        let recs = model.recommend(&one, 0, &TopN::new(5)).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].reason, "bought before");
        assert!(model
            .recommend(&one, 0, &TopN::excluding_bought(5))
            .unwrap()
            .is_empty());
        assert_eq!(
            model.recommend(&one, 0, &TopN::new(0)),
            Err(RecommendError::ZeroItems)
        );
        assert_eq!(
            model.recommend(&one, 2, &TopN::new(1)),
            Err(RecommendError::UnknownUser {
                user: 2,
                n_users: 2
            })
        );
    }
}
