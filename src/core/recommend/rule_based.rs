//! Rule-based recommendations: "customers who bought X also bought Y".
//!
//! `RuleBasedParams → check → fit → RuleBasedModel → recommend`. Fitting mines the training
//! baskets for frequent itemsets (FP-growth) and single-consequent association rules
//! ([`crate::core::recommend::rules`]). An item's score for a user is the highest confidence of
//! a rule whose left-hand side the user has bought in full and whose right-hand side is the
//! item (ties → the higher lift, in the reason). Items no rule reaches score 0, so the shared
//! ranking fills the rest of the list with the most popular items, each with a popularity
//! reason: everyone gets N items, as with the other recommenders.
//!
//! Pure Rust, no web-sys; never panics on user data.

use crate::core::format::thousands;
use crate::core::recommend::baskets::Baskets;
use crate::core::recommend::fpgrowth::{FpGrowthError, FpGrowthParams};
use crate::core::recommend::interactions::{
    check_training, name_ranks, Interactions, Ranking, RecommendError, Recommendation, TopN,
    TrainError,
};
use crate::core::recommend::popularity::popularity_reason;
use crate::core::recommend::rules::{AssociationRules, Rule, RulesError, RulesParams};

/// The thresholds of the rules recommended from.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBasedParams {
    pub itemsets: FpGrowthParams,
    pub rules: RulesParams,
}

/// Rules cannot be mined from these baskets with these thresholds.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleBasedError {
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(transparent)]
    Itemsets(#[from] FpGrowthError),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("The baskets have {baskets} items but the purchases {purchases}.")]
    OtherItems { baskets: usize, purchases: usize },
}

impl RuleBasedParams {
    pub fn check(&self, train: &Interactions, baskets: &Baskets) -> Result<(), RuleBasedError> {
        self.itemsets.check()?;
        self.rules.check()?;
        check_training(train, &baskets.items)?;
        if baskets.n_items() != train.n_items() {
            return Err(RuleBasedError::OtherItems {
                baskets: baskets.n_items(),
                purchases: train.n_items(),
            });
        }
        Ok(())
    }

    /// Mine `baskets` (the training baskets of the users of `train`, on the same items).
    pub fn fit(
        &self,
        train: &Interactions,
        baskets: &Baskets,
    ) -> Result<RuleBasedModel, RuleBasedError> {
        self.check(train, baskets)?;
        let itemsets = self.itemsets.fit(baskets)?;
        let rules = self.rules.fit(&itemsets, &baskets.items)?;
        Ok(RuleBasedModel::new(rules, train, &baskets.items))
    }
}

/// Rules indexed by their right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBasedModel {
    rules: AssociationRules,
    names: Vec<String>,
    name_rank: Vec<u32>,
    popularity: Vec<u32>,
    n_baskets: u32,
    /// `by_consequent[item]` = indices into `rules.rules` of the rules ending in `item`.
    by_consequent: Vec<Vec<u32>>,
}

impl RuleBasedModel {
    /// From rules already mined on the baskets behind `train` (whose items `names` names).
    pub fn new(rules: AssociationRules, train: &Interactions, names: &[String]) -> RuleBasedModel {
        let n_items = train.n_items();
        let mut by_consequent = vec![Vec::new(); n_items];
        for (i, rule) in rules.rules.iter().enumerate() {
            if let Some(list) = by_consequent.get_mut(rule.consequent as usize) {
                list.push(i as u32);
            }
        }
        RuleBasedModel {
            rules,
            names: names.to_vec(),
            name_rank: name_ranks(names, n_items),
            popularity: train.popularity().to_vec(),
            n_baskets: u32::try_from(train.n_baskets()).unwrap_or(u32::MAX),
            by_consequent,
        }
    }

    pub fn n_rules(&self) -> usize {
        self.rules.len()
    }

    /// The best rule for `item` that a user who bought the sorted `bought` fires.
    fn best_rule(&self, bought: &[u32], item: u32) -> Option<&Rule> {
        let mut best: Option<&Rule> = None;
        for &r in self.by_consequent.get(item as usize)?.iter() {
            let Some(rule) = self.rules.rules.get(r as usize) else {
                continue;
            };
            if !rule
                .antecedent
                .iter()
                .all(|a| bought.binary_search(a).is_ok())
            {
                continue;
            }
            // Rules are sorted by lift, so the first of equal confidence has the higher lift.
            if best.is_none_or(|b| rule.confidence > b.confidence) {
                best = Some(rule);
            }
        }
        best
    }

    /// Score of every item for a user who bought the sorted, distinct `bought`.
    pub fn scores(&self, bought: &[u32]) -> Vec<f64> {
        (0..self.by_consequent.len() as u32)
            .map(|item| self.best_rule(bought, item).map_or(0.0, |r| r.confidence))
            .collect()
    }

    /// The top items for `user` of `train` (the purchases the model was fitted on).
    pub fn recommend(
        &self,
        train: &Interactions,
        user: usize,
        top: &TopN,
    ) -> Result<Vec<Recommendation>, RecommendError> {
        top.check_request(train, user, train.n_users(), self.by_consequent.len())?;
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

    fn reason(&self, bought: &[u32], item: u32) -> String {
        match self.best_rule(bought, item) {
            Some(rule) => {
                let name = |c: u32| {
                    self.names
                        .get(c as usize)
                        .map(String::as_str)
                        .unwrap_or("?")
                };
                let left: Vec<&str> = rule.antecedent.iter().map(|&c| name(c)).collect();
                format!(
                    "{} % of the baskets with {} also hold it ({} of {}; lift {:.1})",
                    (100.0 * rule.confidence).round(),
                    left.join(" + "),
                    thousands(rule.count),
                    thousands(rule.antecedent_count),
                    rule.lift
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

    fn names() -> Vec<String> {
        ["bread", "butter", "jam", "milk"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// User 0 bought bread; user 1 bread and butter; user 2 milk.
    fn data() -> (Interactions, Baskets) {
        let user_baskets = vec![
            vec![vec![0, 1], vec![0, 1, 2], vec![0]],
            vec![vec![0, 1, 2], vec![0, 1, 2]],
            vec![vec![3], vec![3], vec![3]],
        ];
        let train = Interactions::from_user_baskets(4, &user_baskets).unwrap();
        let baskets = Baskets {
            items: names(),
            baskets: user_baskets.into_iter().flatten().collect(),
        };
        (train, baskets)
    }

    fn params(support: f64, confidence: f64) -> RuleBasedParams {
        RuleBasedParams {
            itemsets: FpGrowthParams::new(support),
            rules: RulesParams::new(confidence),
        }
    }

    #[test]
    fn a_fired_rule_ranks_its_item_first_with_its_confidence_as_reason() {
        let (train, baskets) = data();
        let model = params(0.2, 0.5).fit(&train, &baskets).unwrap();
        assert!(model.n_rules() > 0);
        // User 2 bought milk only: no rule fires, popularity fills the list (bread: 5 of 8).
        let recs = model.recommend(&train, 2, &TopN::new(2)).unwrap();
        assert_eq!(recs[0].item, 0);
        assert_eq!(recs[0].score, 0.0);
        assert!(recs[0].reason.starts_with("popular:"), "{}", recs[0].reason);
        // User 0 bought bread, butter and jam; excluding them leaves milk only.
        let recs = model
            .recommend(&train, 0, &TopN::excluding_bought(3))
            .unwrap();
        assert_eq!(recs.iter().map(|r| r.item).collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn confidence_of_the_best_rule_fired() {
        let (train, baskets) = data();
        let model = params(0.2, 0.5).fit(&train, &baskets).unwrap();
        // bread → butter: 4 of the 5 bread baskets; butter → jam: 3 of 4.
        let scores = model.scores(&[0]);
        assert!((scores[1] - 0.8).abs() < 1e-12, "{scores:?}");
        let recs = model.recommend(&train, 2, &TopN::new(4)).unwrap();
        assert_eq!(recs.len(), 4);
        let reason = model.reason(&[0], 1);
        assert_eq!(
            reason,
            "80 % of the baskets with bread also hold it (4 of 5; lift 1.6)"
        );
    }

    #[test]
    fn bad_settings_and_items_are_errors() {
        let (train, mut baskets) = data();
        assert!(matches!(
            params(0.0, 0.5).fit(&train, &baskets),
            Err(RuleBasedError::Itemsets(_))
        ));
        assert!(matches!(
            params(0.2, 2.0).fit(&train, &baskets),
            Err(RuleBasedError::Rules(_))
        ));
        baskets.items.pop();
        assert!(params(0.2, 0.5).fit(&train, &baskets).is_err());
    }
}
