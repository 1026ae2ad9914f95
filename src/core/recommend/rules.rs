//! Association rules from frequent itemsets: `RulesParams → check → fit → AssociationRules`.
//!
//! Counted as R's arules counts them: every frequent itemset of 2 or more items gives one
//! candidate rule per item, that item alone as the consequent and the others as the antecedent
//! (mlxtend's `association_rules` also emits multi-item consequents; the anchors compare the
//! single-consequent count). A rule is kept when its confidence is at least the minimum
//! (inclusive, with a 1e-9 tolerance so that 10/20 against 0.5 is kept).
//!
//! For a rule A ⇒ c over n baskets, with `n(X)` the baskets holding all of X:
//! - support = n(A ∪ c) / n
//! - confidence = n(A ∪ c) / n(A)
//! - lift = confidence / (n(c) / n), computed as n(A ∪ c)·n / (n(A)·n(c)), so that a rule and
//!   its mirror have exactly the same lift
//! - leverage = support − (n(A)/n)·(n(c)/n)
//! - conviction = (1 − n(c)/n) / (1 − confidence); `f64::INFINITY` when the confidence is 1
//!   (every basket with A has c). JSON has no infinity: writers must map it (e.g. to `null`).
//!
//! Rules are sorted by lift descending, then support descending, then by the rule text: the
//! antecedent's item names (each antecedent listed by name), compared name by name, then the
//! consequent's name. Lift and support are compared on their exact counts (integer
//! cross-products), so float round-off never reorders two rules. Pure Rust: no web-sys; never
//! panics on user data.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;

use crate::core::recommend::fpgrowth::FrequentItemsets;

/// Tolerance of the confidence comparison.
const CONFIDENCE_TOLERANCE: f64 = 1e-9;

/// What the user asked of the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesParams {
    /// Least confidence of a kept rule, in [0, 1] (inclusive).
    pub min_confidence: f64,
    /// Most rules: more is a [`RulesError::TooManyRules`].
    pub max_rules: usize,
}

impl RulesParams {
    pub const DEFAULT_MAX_RULES: usize = 1_000_000;

    /// Rules of at least `min_confidence`, with the default cap.
    pub fn new(min_confidence: f64) -> RulesParams {
        RulesParams {
            min_confidence,
            max_rules: Self::DEFAULT_MAX_RULES,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), RulesError> {
        if !(self.min_confidence.is_finite() && (0.0..=1.0).contains(&self.min_confidence)) {
            return Err(RulesError::Confidence(self.min_confidence));
        }
        if self.max_rules == 0 {
            return Err(RulesError::NoRulesAllowed);
        }
        Ok(())
    }

    /// The rules of `itemsets` (see the module documentation); `item_names` names the item codes
    /// (the `items` of the baskets mined). No itemset of 2 or more items, or none confident
    /// enough, gives an empty list, not an error.
    pub fn fit(
        &self,
        itemsets: &FrequentItemsets,
        item_names: &[String],
    ) -> Result<AssociationRules, RulesError> {
        self.check()?;
        if item_names.len() < itemsets.n_items() {
            return Err(RulesError::ItemNames {
                names: item_names.len(),
                items: itemsets.n_items(),
            });
        }
        let counts: FxHashMap<&[u32], u64> = itemsets.iter().collect();
        let name = |code: u32| -> &str {
            item_names
                .get(code as usize)
                .map(String::as_str)
                .unwrap_or("")
        };
        let min_confidence = self.min_confidence - CONFIDENCE_TOLERANCE;
        let n = itemsets.n_baskets();
        let n_f = n.max(1) as f64;
        let mut rules: Vec<Rule> = Vec::new();
        let mut antecedent: Vec<u32> = Vec::new();
        for (set, count) in itemsets.iter() {
            if set.len() < 2 {
                continue;
            }
            for (at, &consequent) in set.iter().enumerate() {
                antecedent.clear();
                antecedent.extend(
                    set.iter()
                        .enumerate()
                        .filter(|&(i, _)| i != at)
                        .map(|(_, &c)| c),
                );
                // Every subset of a frequent itemset is frequent, so both are found for itemsets
                // from `FpGrowthParams::fit`.
                let (Some(&antecedent_count), Some(&consequent_count)) = (
                    counts.get(antecedent.as_slice()),
                    counts.get(std::slice::from_ref(&consequent)),
                ) else {
                    continue;
                };
                if antecedent_count == 0 || consequent_count == 0 {
                    continue;
                }
                let confidence = count as f64 / antecedent_count as f64;
                if confidence < min_confidence {
                    continue;
                }
                if rules.len() >= self.max_rules {
                    return Err(RulesError::TooManyRules {
                        max_rules: self.max_rules,
                    });
                }
                let support = count as f64 / n_f;
                let antecedent_support = antecedent_count as f64 / n_f;
                let consequent_support = consequent_count as f64 / n_f;
                let lift =
                    (count as f64 * n_f) / (antecedent_count as f64 * consequent_count as f64);
                let conviction = if count >= antecedent_count {
                    f64::INFINITY
                } else {
                    (1.0 - consequent_support) / (1.0 - confidence)
                };
                let mut by_name = antecedent.clone();
                by_name.sort_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
                rules.push(Rule {
                    antecedent: by_name,
                    consequent,
                    count,
                    antecedent_count,
                    consequent_count,
                    support,
                    confidence,
                    lift,
                    leverage: support - antecedent_support * consequent_support,
                    conviction,
                });
            }
        }
        rules.sort_by(|a, b| {
            compare_lift(b, a)
                .then(b.count.cmp(&a.count))
                .then_with(|| {
                    let names_a = a.antecedent.iter().map(|&c| name(c));
                    names_a.cmp(b.antecedent.iter().map(|&c| name(c)))
                })
                .then_with(|| name(a.consequent).cmp(name(b.consequent)))
                .then_with(|| a.antecedent.cmp(&b.antecedent))
                .then(a.consequent.cmp(&b.consequent))
        });
        Ok(AssociationRules {
            n_baskets: n,
            rules,
        })
    }
}

/// Lift of `a` against lift of `b`, exactly: n(AB)·n / (n(A)·n(c)) cross-multiplied.
fn compare_lift(a: &Rule, b: &Rule) -> Ordering {
    let left =
        u128::from(a.count) * u128::from(b.antecedent_count) * u128::from(b.consequent_count);
    let right =
        u128::from(b.count) * u128::from(a.antecedent_count) * u128::from(a.consequent_count);
    left.cmp(&right)
}

/// The rules cannot be found with these choices; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RulesError {
    #[error("The minimum confidence must be between 0 and 1 (got {0}).")]
    Confidence(f64),
    #[error("The cap on the number of rules must be at least 1.")]
    NoRulesAllowed,
    #[error("{names} item names for {items} items: the names must be those of the baskets mined.")]
    ItemNames { names: usize, items: usize },
    #[error("More than {max_rules} rules: raise the minimum support (or the minimum confidence).")]
    TooManyRules { max_rules: usize },
}

/// One rule: baskets holding all of `antecedent` tend to hold `consequent` too.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Item codes of the left-hand side, listed by item name.
    pub antecedent: Vec<u32>,
    /// Item code of the right-hand side.
    pub consequent: u32,
    /// Baskets holding the antecedent and the consequent.
    pub count: u64,
    /// Baskets holding the antecedent.
    pub antecedent_count: u64,
    /// Baskets holding the consequent.
    pub consequent_count: u64,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
    pub leverage: f64,
    /// `f64::INFINITY` when the confidence is 1.
    pub conviction: f64,
}

impl Rule {
    /// The rule as text, `{a, b} => {c}`, with the items named by `item_names`.
    pub fn text(&self, item_names: &[String]) -> String {
        let name = |code: u32| {
            item_names
                .get(code as usize)
                .map(String::as_str)
                .unwrap_or("?")
        };
        let antecedent: Vec<&str> = self.antecedent.iter().map(|&c| name(c)).collect();
        format!(
            "{{{}}} => {{{}}}",
            antecedent.join(", "),
            name(self.consequent)
        )
    }
}

/// The kept rules, best first (see the module documentation for the order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssociationRules {
    /// Baskets the itemsets were mined from.
    pub n_baskets: usize,
    pub rules: Vec<Rule>,
}

impl AssociationRules {
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::recommend::baskets::Baskets;
    use crate::core::recommend::fpgrowth::FpGrowthParams;

    fn baskets(names: &[&str], baskets: &[&[u32]]) -> Baskets {
        Baskets {
            items: names.iter().map(|s| s.to_string()).collect(),
            baskets: baskets.iter().map(|b| b.to_vec()).collect(),
        }
    }

    fn rules_of(b: &Baskets, support: f64, confidence: f64) -> AssociationRules {
        let itemsets = FpGrowthParams::new(support).fit(b).unwrap();
        RulesParams::new(confidence)
            .fit(&itemsets, &b.items)
            .unwrap()
    }

    /// 10 baskets: bread 6, milk 5, butter 4, bread+milk 4, bread+butter 4, milk+butter 2,
    /// all three 2.
    fn shop() -> Baskets {
        baskets(
            &["milk", "bread", "butter", "jam"],
            &[
                &[0, 1, 2],
                &[0, 1, 2],
                &[0, 1],
                &[0, 1],
                &[1, 2],
                &[1, 2],
                &[0],
                &[3],
                &[3],
                &[3],
            ],
        )
    }

    #[test]
    fn metrics_by_hand() {
        let r = rules_of(&shop(), 0.2, 0.0);
        let texts: Vec<String> = r.rules.iter().map(|x| x.text(&shop().items)).collect();
        let at = |t: &str| {
            r.rules
                .get(texts.iter().position(|x| x == t).unwrap())
                .unwrap()
        };
        // {butter} => {bread}: 4 of 4 butter baskets.
        let rule = at("{butter} => {bread}");
        assert_eq!(
            (rule.count, rule.antecedent_count, rule.consequent_count),
            (4, 4, 6)
        );
        assert_eq!(rule.support, 0.4);
        assert_eq!(rule.confidence, 1.0);
        assert!((rule.lift - 0.4 / (0.4 * 0.6)).abs() < 1e-12);
        assert!((rule.leverage - (0.4 - 0.4 * 0.6)).abs() < 1e-12);
        assert_eq!(rule.conviction, f64::INFINITY);
        // {bread} => {milk}: 4 of 6, milk in 5 of 10.
        let rule = at("{bread} => {milk}");
        assert!((rule.confidence - 4.0 / 6.0).abs() < 1e-12);
        assert!((rule.lift - (4.0 / 6.0) / 0.5).abs() < 1e-12);
        assert!((rule.conviction - 0.5 / (1.0 - 4.0 / 6.0)).abs() < 1e-12);
        // The antecedent is listed by name: bread before milk.
        assert!(texts.contains(&"{bread, milk} => {butter}".to_string()));
        assert_eq!(r.n_baskets, 10);
    }

    #[test]
    fn confidence_is_inclusive() {
        // {milk} => {bread}: 4 of 5 = 0.8 exactly; {bread} => {butter}: 4 of 6.
        let r = rules_of(&shop(), 0.2, 0.8);
        let texts: Vec<String> = r.rules.iter().map(|x| x.text(&shop().items)).collect();
        assert!(texts.contains(&"{milk} => {bread}".to_string()));
        assert!(!texts.contains(&"{bread} => {butter}".to_string()));
        let r = rules_of(&shop(), 0.2, 0.8000001);
        assert!(!r
            .rules
            .iter()
            .any(|x| x.text(&shop().items) == "{milk} => {bread}"));
    }

    #[test]
    fn sorted_by_lift_then_support_then_text() {
        let r = rules_of(&shop(), 0.2, 0.0);
        for pair in r.rules.windows(2) {
            let [a, b] = pair else { continue };
            assert!(a.lift >= b.lift - 1e-12);
            if a.lift == b.lift {
                assert!(a.count >= b.count);
            }
        }
        // {bread} => {butter} and {butter} => {bread}: mirrors, same lift and support; the text
        // decides.
        let texts: Vec<String> = r.rules.iter().map(|x| x.text(&shop().items)).collect();
        let first = texts
            .iter()
            .position(|t| t == "{bread} => {butter}")
            .unwrap();
        let second = texts
            .iter()
            .position(|t| t == "{butter} => {bread}")
            .unwrap();
        assert_eq!(second, first + 1);
        assert_eq!(
            r.rules.get(first).unwrap().lift,
            r.rules.get(second).unwrap().lift
        );
    }

    #[test]
    fn every_rule_counted_once() {
        // 3 pairs (2 rules each) and 1 triple (3 rules) are frequent at 0.2.
        assert_eq!(rules_of(&shop(), 0.2, 0.0).len(), 9);
    }

    #[test]
    fn single_item_baskets_give_no_rules() {
        let b = baskets(&["a", "b"], &[&[0], &[1], &[0], &[1]]);
        let r = rules_of(&b, 0.1, 0.0);
        assert!(r.is_empty());
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn a_high_confidence_gives_no_rules() {
        let b = baskets(&["a", "b"], &[&[0, 1], &[0], &[1]]);
        assert!(rules_of(&b, 0.3, 0.9).is_empty());
        assert_eq!(rules_of(&b, 0.3, 0.5).len(), 2);
    }

    #[test]
    fn the_rule_cap_is_an_error() {
        let itemsets = FpGrowthParams::new(0.2).fit(&shop()).unwrap();
        let params = RulesParams {
            max_rules: 3,
            ..RulesParams::new(0.0)
        };
        let err = params.fit(&itemsets, &shop().items).unwrap_err();
        assert_eq!(err, RulesError::TooManyRules { max_rules: 3 });
        assert!(err.to_string().contains("raise the minimum support"));
        let params = RulesParams {
            max_rules: 9,
            ..RulesParams::new(0.0)
        };
        assert_eq!(params.fit(&itemsets, &shop().items).unwrap().len(), 9);
    }

    #[test]
    fn bad_settings_fail_the_check() {
        for c in [-0.1, 1.1, f64::NAN] {
            assert!(matches!(
                RulesParams::new(c).check(),
                Err(RulesError::Confidence(_))
            ));
        }
        let zero_cap = RulesParams {
            max_rules: 0,
            ..RulesParams::new(0.5)
        };
        assert_eq!(zero_cap.check(), Err(RulesError::NoRulesAllowed));
        assert!(RulesParams::new(1.0).check().is_ok());
    }

    #[test]
    fn too_few_names_is_an_error() {
        let itemsets = FpGrowthParams::new(0.2).fit(&shop()).unwrap();
        let names = vec!["milk".to_string()];
        assert_eq!(
            RulesParams::new(0.5).fit(&itemsets, &names),
            Err(RulesError::ItemNames { names: 1, items: 4 })
        );
    }
}
