//! Judging the recommenders on a time holdout: the baskets up to a cutoff day train, each
//! customer's items after it test (ANCHORS-VALUE.md §6). Every method — popularity (the
//! baseline), co-occurrence (counts and cosine), association rules and implicit ALS — recommends N items to each
//! customer with baskets on both sides, with and without the items the customer already
//! bought, and [`crate::core::recommend::evaluate`] scores the lists on all test items and on
//! the new ones only.
//!
//! The method to recommend with is chosen on the training period alone ([`choose_method`]): a
//! validation cut inside it, as long before the cutoff as the test window is after it, so the
//! test period never decides.
//!
//! Items are named by their codes here (ties between equal scores go to the more popular item,
//! then the code), whatever labels the user sees. Pure Rust: no web-sys; never panics on user
//! data. The clock is the caller's (the browser has no `Instant`).

use crate::core::format;
use crate::core::recommend::als::AlsParams;
use crate::core::recommend::baskets::{Baskets, LineBaskets};
use crate::core::recommend::cooccurrence::{CooccurrenceParams, CooccurrenceWeighting};
use crate::core::recommend::evaluate::{EvaluateParams, Evaluation, HoldoutUser};
use crate::core::recommend::fpgrowth::FpGrowthParams;
use crate::core::recommend::interactions::{Interactions, RecommendError, Recommendation, TopN};
use crate::core::recommend::popularity::PopularityParams;
use crate::core::recommend::rule_based::RuleBasedParams;
use crate::core::recommend::rules::RulesParams;

/// The purchases before the cutoff, and what each customer bought after it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSplit {
    /// Days since 1970-01-01; baskets on or before it train.
    pub cutoff: i32,
    /// Customers × items of the training baskets (customer = index into the lines' ids).
    pub train: Interactions,
    /// The training baskets (every item code of the file, so codes match the test's).
    pub train_baskets: Baskets,
    /// Customers with baskets before and after the cutoff, and their items after it.
    pub holdout: Vec<HoldoutUser>,
    /// Baskets after the cutoff (of every customer).
    pub test_baskets: usize,
}

/// The holdout cannot be made or scored; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HoldoutError {
    #[error("no basket is dated on or before the cutoff {0}: choose a later cutoff")]
    NothingBefore(String),
    #[error(
        "no basket is dated after the cutoff {0}, so there is nothing to check the \
         recommendations against: choose an earlier cutoff"
    )]
    NothingAfter(String),
    #[error("no customer has baskets both before and after the cutoff {0}: choose another cutoff")]
    NoReturningCustomers(String),
    #[error("{method}: {message}")]
    Method {
        method: &'static str,
        message: String,
    },
}

/// Split `baskets` at `cutoff` (baskets dated on or before it train).
pub fn time_split(baskets: &LineBaskets, cutoff: i32) -> Result<TimeSplit, HoldoutError> {
    let day = format::iso_date(i64::from(cutoff));
    let n_items = baskets.baskets.n_items();
    let n_users = baskets
        .customers
        .iter()
        .max()
        .map_or(0, |&c| c as usize + 1);
    let mut triples = Vec::new();
    let mut train_baskets = Vec::new();
    let mut after: Vec<Vec<u32>> = vec![Vec::new(); n_users];
    let mut test_baskets = 0;
    let rows = baskets
        .baskets
        .baskets
        .iter()
        .zip(&baskets.customers)
        .zip(&baskets.days);
    for ((items, &customer), &basket_day) in rows {
        if basket_day <= cutoff {
            let id = train_baskets.len() as u32;
            triples.extend(items.iter().map(|&item| (customer, item, id)));
            train_baskets.push(items.clone());
        } else {
            test_baskets += 1;
            if let Some(bought) = after.get_mut(customer as usize) {
                bought.extend_from_slice(items);
            }
        }
    }
    if train_baskets.is_empty() {
        return Err(HoldoutError::NothingBefore(day));
    }
    if test_baskets == 0 {
        return Err(HoldoutError::NothingAfter(day));
    }
    let train = Interactions::from_triples(n_users, n_items, &triples).map_err(|e| {
        HoldoutError::Method {
            method: "the training purchases",
            message: e.to_string(),
        }
    })?;
    let holdout: Vec<HoldoutUser> = after
        .into_iter()
        .enumerate()
        .filter(|(user, items)| !items.is_empty() && !train.user_items(*user).is_empty())
        .map(|(user, mut items)| {
            items.sort_unstable();
            items.dedup();
            HoldoutUser {
                user,
                test_items: items,
            }
        })
        .collect();
    if holdout.is_empty() {
        return Err(HoldoutError::NoReturningCustomers(day));
    }
    Ok(TimeSplit {
        cutoff,
        train,
        train_baskets: Baskets {
            items: baskets.baskets.items.clone(),
            baskets: train_baskets,
        },
        holdout,
        test_baskets,
    })
}

/// The recommenders compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Popularity,
    Cooccurrence,
    Cosine,
    Rules,
    Als,
}

impl Method {
    /// Simplest first: ties in [`choose_method`] go to the earlier one.
    pub const ALL: [Method; 5] = [
        Method::Popularity,
        Method::Cooccurrence,
        Method::Cosine,
        Method::Rules,
        Method::Als,
    ];

    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            Method::Popularity => "popularity",
            Method::Cooccurrence => "cooccurrence",
            Method::Cosine => "cosine",
            Method::Rules => "rules",
            Method::Als => "als",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Popularity => "Popularity (bestsellers)",
            Method::Cooccurrence => "Bought together (co-occurrence counts)",
            Method::Cosine => "Bought together (cosine)",
            Method::Rules => "Association rules",
            Method::Als => "Matrix factorisation (implicit ALS)",
        }
    }
}

/// The settings of the methods that have any.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodSettings {
    pub als: AlsParams,
    /// The thresholds of the rules the rule-based method recommends from.
    pub rules: RuleBasedParams,
}

impl Default for MethodSettings {
    /// ALS's defaults (implicit's); rules of at least 1 % support and 25 % confidence, up to 4
    /// items.
    fn default() -> MethodSettings {
        MethodSettings {
            als: AlsParams::default(),
            rules: RuleBasedParams {
                itemsets: FpGrowthParams {
                    max_len: Some(4),
                    ..FpGrowthParams::new(0.01)
                },
                rules: RulesParams::new(0.25),
            },
        }
    }
}

/// A fitted method's top-N lists.
type Recommender<'a> =
    Box<dyn Fn(usize, &TopN) -> Result<Vec<Recommendation>, RecommendError> + 'a>;

/// One method's scores, with or without the items already bought.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResult {
    pub method: Method,
    pub exclude_bought: bool,
    pub evaluation: Evaluation,
    /// Fit plus the top-N lists of every evaluated customer, seconds.
    pub seconds: f64,
}

/// Every method of `methods` fitted on `split`'s training purchases and scored at `n`, each
/// with and without the items the customer already bought; `clock` gives milliseconds.
pub fn evaluate_methods(
    split: &TimeSplit,
    methods: &[Method],
    n: usize,
    settings: &MethodSettings,
    clock: fn() -> f64,
) -> Result<Vec<MethodResult>, HoldoutError> {
    let mut out = Vec::new();
    for &method in methods {
        out.extend(evaluate_method(split, method, n, settings, clock)?);
    }
    Ok(out)
}

/// One method fitted on `split`'s training purchases and scored at `n`, with and without the
/// items the customer already bought (the worker reports progress between methods).
pub fn evaluate_method(
    split: &TimeSplit,
    method: Method,
    n: usize,
    settings: &MethodSettings,
    clock: fn() -> f64,
) -> Result<Vec<MethodResult>, HoldoutError> {
    let params = EvaluateParams { n };
    let names = &split.train_baskets.items;
    let err = |e: &dyn std::fmt::Display| HoldoutError::Method {
        method: method.label(),
        message: e.to_string(),
    };
    let mut out = Vec::with_capacity(2);
    let started = clock();
    // Fitted once; scored with and without the items already bought.
    let recommend: Recommender<'_> = match method {
        Method::Popularity => {
            let model = PopularityParams
                .fit(&split.train, names)
                .map_err(|e| err(&e))?;
            Box::new(move |u, top| model.recommend(&split.train, u, top))
        }
        Method::Cooccurrence | Method::Cosine => {
            let weighting = if method == Method::Cosine {
                CooccurrenceWeighting::Cosine
            } else {
                CooccurrenceWeighting::Count
            };
            let model = CooccurrenceParams { weighting }
                .fit(&split.train_baskets)
                .map_err(|e| err(&e))?;
            Box::new(move |u, top| model.recommend(&split.train, u, top))
        }
        Method::Rules => {
            let model = settings
                .rules
                .fit(&split.train, &split.train_baskets)
                .map_err(|e| err(&e))?;
            Box::new(move |u, top| model.recommend(&split.train, u, top))
        }
        Method::Als => {
            let model = settings.als.fit(&split.train, names).map_err(|e| err(&e))?;
            Box::new(move |u, top| model.recommend(&split.train, u, top))
        }
    };
    let fit_ms = clock() - started;
    for exclude_bought in [false, true] {
        let top = if exclude_bought {
            TopN::excluding_bought(n)
        } else {
            TopN::new(n)
        };
        let started = clock();
        let evaluation = params
            .evaluate(&split.train, &split.holdout, |u| recommend(u, &top))
            .map_err(|e| err(&e))?;
        out.push(MethodResult {
            method,
            exclude_bought,
            evaluation,
            seconds: (fit_ms + clock() - started) / 1000.0,
        });
    }
    Ok(out)
}

/// The method chosen on the training period, and the validation scores it was chosen by.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub method: Method,
    /// Days since 1970-01-01: baskets after it and up to the cutoff validated.
    pub validation_cutoff: i32,
    /// Every method's validation scores (with `exclude_bought` as asked).
    pub validation: Vec<MethodResult>,
}

/// The validation split of a split at `cutoff`: the baskets up to `cutoff − window` train,
/// those after it and up to `cutoff` validate, where `window` is the test window's length (the
/// last basket day − `cutoff`, at most half the training span).
pub fn validation_split(baskets: &LineBaskets, cutoff: i32) -> Result<TimeSplit, HoldoutError> {
    let first = baskets.days.iter().min().copied().unwrap_or(cutoff);
    let last = baskets.days.iter().max().copied().unwrap_or(cutoff);
    let window = (last - cutoff).min((cutoff - first) / 2).max(1);
    time_split(&baskets.up_to(cutoff), cutoff - window)
}

/// The best of `validation` by hit rate (on new items when `exclude_bought`; only the results
/// with that `exclude_bought` count), ties to the simpler method (the earlier one).
pub fn best_method(validation: &[MethodResult], exclude_bought: bool) -> Method {
    let score = |r: &MethodResult| {
        if exclude_bought {
            r.evaluation.new_items.map_or(0.0, |m| m.hit_rate)
        } else {
            r.evaluation.all_items.hit_rate
        }
    };
    let mut best: Option<&MethodResult> = None;
    for r in validation
        .iter()
        .filter(|r| r.exclude_bought == exclude_bought)
    {
        if best.is_none_or(|b| score(r) > score(b)) {
            best = Some(r);
        }
    }
    best.map_or(Method::Popularity, |b| b.method)
}

/// Choose among `methods` on the training period of a split at `cutoff` (see
/// [`validation_split`]): the best hit rate at `n` wins ([`best_method`]).
pub fn choose_method(
    baskets: &LineBaskets,
    cutoff: i32,
    methods: &[Method],
    n: usize,
    exclude_bought: bool,
    settings: &MethodSettings,
    clock: fn() -> f64,
) -> Result<Choice, HoldoutError> {
    let split = validation_split(baskets, cutoff)?;
    let validation: Vec<MethodResult> = evaluate_methods(&split, methods, n, settings, clock)?
        .into_iter()
        .filter(|r| r.exclude_bought == exclude_bought)
        .collect();
    Ok(Choice {
        method: best_method(&validation, exclude_bought),
        validation_cutoff: split.cutoff,
        validation,
    })
}
