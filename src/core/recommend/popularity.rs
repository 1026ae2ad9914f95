//! Popularity: recommend the items in the most training baskets, the same list for everyone.
//!
//! `PopularityParams → check → fit → PopularityModel → recommend`. Score of an item = the number
//! of training baskets holding it ([`Interactions::popularity`]); ties → item name in text
//! order. The baseline every other recommender must beat (ANCHORS-VALUE.md §6: hit rate@10
//! 0.5383 on Online Retail). With [`TopN::exclude_bought`] each user gets the most popular items
//! they have not bought.
//!
//! Pure Rust, no web-sys; never panics on user data.

use crate::core::format::thousands;
use crate::core::recommend::interactions::{
    check_training, name_ranks, percent, Interactions, Ranking, RecommendError, Recommendation,
    TopN, TrainError,
};

/// Popularity has no settings; the value is kept for the `Params → check → fit` shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PopularityParams;

/// Popularity cannot be fitted on these purchases.
pub type PopularityError = TrainError;

impl PopularityParams {
    pub fn check(&self, train: &Interactions, names: &[String]) -> Result<(), PopularityError> {
        check_training(train, names)
    }

    /// Rank the items of `train` once; `names[item]` names each item (ties and reasons).
    pub fn fit(
        &self,
        train: &Interactions,
        names: &[String],
    ) -> Result<PopularityModel, PopularityError> {
        self.check(train, names)?;
        let popularity = train.popularity().to_vec();
        let name_rank = name_ranks(names, train.n_items());
        let scores: Vec<f64> = popularity.iter().map(|&p| f64::from(p)).collect();
        let ranking = Ranking {
            popularity: &popularity,
            name_rank: &name_rank,
        };
        let order = ranking.top(&scores, scores.len(), &[]);
        Ok(PopularityModel {
            order,
            popularity,
            n_users: train.n_users(),
            n_baskets: u32::try_from(train.n_baskets()).unwrap_or(u32::MAX),
        })
    }
}

/// Items in popularity order.
#[derive(Debug, Clone, PartialEq)]
pub struct PopularityModel {
    /// Every item, most popular first.
    pub order: Vec<u32>,
    /// Training baskets holding each item.
    pub popularity: Vec<u32>,
    n_users: usize,
    n_baskets: u32,
}

impl PopularityModel {
    /// The top items for `user` of `train` (the purchases the model was fitted on).
    pub fn recommend(
        &self,
        train: &Interactions,
        user: usize,
        top: &TopN,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        top.check_request(train, user, self.n_users, self.popularity.len())?;
        let bought = train.user_items(user);
        Ok(self
            .order
            .iter()
            .filter(|&&item| !(top.exclude_bought && bought.binary_search(&item).is_ok()))
            .take(top.n)
            .map(|&item| {
                let count = self.popularity.get(item as usize).copied().unwrap_or(0);
                Recommendation {
                    item,
                    score: f64::from(count),
                    reason: popularity_reason(count, self.n_baskets),
                }
            })
            .collect())
    }
}

/// "popular: in 12 % of baskets (1,434 of 11,906)".
pub(crate) fn popularity_reason(count: u32, n_baskets: u32) -> String {
    format!(
        "popular: in {} % of baskets ({} of {})",
        percent(count, n_baskets),
        thousands(u64::from(count)),
        thousands(u64::from(n_baskets))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item{i}")).collect()
    }

    fn train() -> Interactions {
        // Item 2 in 3 baskets, item 0 in 2, item 1 in 2, item 3 in none.
        Interactions::from_user_baskets(
            4,
            &[vec![vec![0, 2], vec![2]], vec![vec![1, 2], vec![0, 1]]],
        )
        .unwrap()
    }

    #[test]
    fn ranks_by_baskets_then_name() {
        let model = PopularityParams.fit(&train(), &names(4)).unwrap();
        assert_eq!(model.order, vec![2, 0, 1, 3]);
        let recs = model.recommend(&train(), 0, &TopN::new(2)).unwrap();
        assert_eq!(recs.iter().map(|r| r.item).collect::<Vec<_>>(), vec![2, 0]);
        assert_eq!(recs[0].score, 3.0);
        assert_eq!(recs[0].reason, "popular: in 75 % of baskets (3 of 4)");
    }

    #[test]
    fn can_leave_out_what_the_user_bought() {
        let model = PopularityParams.fit(&train(), &names(4)).unwrap();
        let recs = model
            .recommend(&train(), 0, &TopN::excluding_bought(5))
            .unwrap();
        assert_eq!(recs.iter().map(|r| r.item).collect::<Vec<_>>(), vec![1, 3]);
    }

    #[test]
    fn bad_requests_are_errors() {
        let model = PopularityParams.fit(&train(), &names(4)).unwrap();
        assert_eq!(
            model.recommend(&train(), 0, &TopN::new(0)),
            Err(RecommendError::ZeroItems)
        );
        assert_eq!(
            model.recommend(&train(), 2, &TopN::new(1)),
            Err(RecommendError::UnknownUser {
                user: 2,
                n_users: 2
            })
        );
    }

    #[test]
    fn no_users_or_wrong_names_are_errors() {
        let empty = Interactions::from_user_baskets(0, &[]).unwrap();
        assert_eq!(
            PopularityParams.fit(&empty, &[]),
            Err(PopularityError::NoPurchases)
        );
        assert_eq!(
            PopularityParams.fit(&train(), &names(3)),
            Err(PopularityError::NamesMismatch { names: 3, items: 4 })
        );
    }

    #[test]
    fn one_item_is_recommended_to_everyone() {
        let one = Interactions::from_user_baskets(1, &[vec![vec![0]], vec![]]).unwrap();
        let model = PopularityParams.fit(&one, &names(1)).unwrap();
        assert_eq!(model.recommend(&one, 1, &TopN::new(10)).unwrap().len(), 1);
        assert!(model
            .recommend(&one, 0, &TopN::excluding_bought(10))
            .unwrap()
            .is_empty());
    }
}
