//! The Recommend step end to end.
//!
//! 1. Baskets: from the purchase lines the Explore step keeps (one per order, or per customer
//!    and day), items named "DESCRIPTION (CODE)"; or from a basket-list file.
//! 2. Frequent itemsets (FP-growth) and association rules on every basket, at the user's
//!    thresholds; item-to-item co-occurrence counts (the heat map, "bought with" per item).
//! 3. Purchase lines only: the time holdout. The method is the user's, or chosen on the
//!    training period alone (a validation cut inside it, [`holdout::validation_split`]); then
//!    every method is scored on the test period against popularity, on all and on new items.
//! 4. Purchase lines only: the chosen method refitted on every basket recommends the top N to
//!    every customer, each item with a score and a reason; a customer with no basket kept gets
//!    the bestsellers, and says so (cold start).
//! 5. With segments: each segment's top products (with their lift against all customers) and
//!    its own top rules, mined on its baskets.
//!
//! [`RecommendJob::step`] does one unit of work so the worker can report progress and honour
//! Cancel between steps; the CLI and the tests drive the same job. Pure Rust: no web-sys; never
//! panics on user data. Time is read through the `clock` given by the caller (milliseconds).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::core::features::PurchaseLines;
use crate::core::format::{self, thousands};
use crate::core::recommend::als::{AlsError, AlsModel, AlsParams};
use crate::core::recommend::baskets::{
    baskets_from_lines, Baskets, BasketsError, LineBaskets, ServiceItems,
};
use crate::core::recommend::cooccurrence::{
    CooccurrenceError, CooccurrenceModel, CooccurrenceParams, CooccurrenceWeighting,
};
use crate::core::recommend::fpgrowth::{FpGrowthError, FpGrowthParams};
use crate::core::recommend::holdout::{
    self, best_method, evaluate_method, HoldoutError, Method, MethodResult, MethodSettings,
    TimeSplit,
};
use crate::core::recommend::interactions::{
    Interactions, InteractionsError, RecommendError, Recommendation, TopN,
};
use crate::core::recommend::popularity::{PopularityModel, PopularityParams};
use crate::core::recommend::rule_based::{RuleBasedModel, RuleBasedParams};
use crate::core::recommend::rules::{AssociationRules, RulesError, RulesParams};
use crate::core::segment::run::Segmentation;

/// Everything the user chose for a Recommend run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendParams {
    /// Least share of the baskets an itemset must be in (inclusive), 0 < s ≤ 1.
    pub min_support: f64,
    /// Least confidence of a rule (inclusive), 0…1.
    pub min_confidence: f64,
    /// Most items in an itemset (a rule's both sides together).
    pub max_len: usize,
    /// The method to recommend with; `None` = the best on the training period.
    pub method: Option<Method>,
    /// Items recommended per customer (and the N of the evaluation).
    pub top: usize,
    /// Last training day of the holdout (days since 1970-01-01, included); `None` = the last
    /// basket day − [`RecommendParams::DEFAULT_TEST_DAYS`].
    pub cutoff: Option<i32>,
    /// Leave out the items a customer already bought ("new products to suggest").
    pub exclude_bought: bool,
    /// Seed of ALS's initial factors.
    pub seed: u64,
    /// Run the time holdout (and choose the method on the training period); without it the
    /// method is the user's, or popularity.
    #[serde(default = "yes")]
    pub evaluate: bool,
    /// Keep service lines (postage, fees, discounts, manual adjustments: see
    /// `baskets::is_service_item`) in the baskets; by default they are left out, as no one
    /// should be offered postage.
    #[serde(default)]
    pub keep_service_items: bool,
}

fn yes() -> bool {
    true
}

impl RecommendParams {
    pub const DEFAULT_SEED: u64 = 42;
    pub const DEFAULT_TEST_DAYS: i32 = 90;
    /// Most rules kept (more: raise the support).
    pub const MAX_RULES: usize = 200_000;
    /// Most frequent itemsets (more: raise the support); bounds the memory.
    pub const MAX_ITEMSETS: usize = 1_000_000;
    /// Rules per segment.
    pub const SEGMENT_RULES: usize = 5;
    /// Products per segment.
    pub const SEGMENT_PRODUCTS: usize = 5;

    pub fn new() -> RecommendParams {
        RecommendParams {
            min_support: 0.01,
            min_confidence: 0.25,
            max_len: 4,
            method: None,
            top: 10,
            cutoff: None,
            exclude_bought: true,
            seed: Self::DEFAULT_SEED,
            evaluate: true,
            keep_service_items: false,
        }
    }

    pub fn itemset_params(&self) -> FpGrowthParams {
        FpGrowthParams {
            min_support: self.min_support,
            max_len: Some(self.max_len),
            max_itemsets: Self::MAX_ITEMSETS,
        }
    }

    pub fn rule_params(&self) -> RulesParams {
        RulesParams {
            min_confidence: self.min_confidence,
            max_rules: Self::MAX_RULES,
        }
    }

    pub fn method_settings(&self) -> MethodSettings {
        MethodSettings {
            als: AlsParams {
                seed: self.seed,
                ..AlsParams::default()
            },
            rules: RuleBasedParams {
                itemsets: self.itemset_params(),
                rules: self.rule_params(),
            },
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), RecommendRunError> {
        self.itemset_params().check()?;
        self.rule_params().check()?;
        if self.top == 0 || self.top > 100 {
            return Err(RecommendRunError::Top(self.top));
        }
        Ok(())
    }
}

impl Default for RecommendParams {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the baskets come from.
pub enum RecommendSource<'a> {
    /// Purchase lines (cleaned as the Explore step cleans them) and a label per product code
    /// (`baskets::item_labels`).
    Lines {
        lines: &'a PurchaseLines,
        labels: Vec<String>,
    },
    /// A basket-list file: no customers, no dates.
    BasketList(&'a Baskets),
}

/// The segment of each customer of the lines.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSegments {
    /// Aligned with the lines' customer ids; `None` = not segmented (noise, or not in the table).
    pub of_customer: Vec<Option<usize>>,
    /// Segment names (the personas' labels), indexed by segment.
    pub names: Vec<String>,
}

impl CustomerSegments {
    /// The segment of each of `line_ids` from `segmentation` of the customer table whose row
    /// ids are `table_ids` (matched by id; customers not in the table are not segmented).
    pub fn from_segmentation(
        segmentation: &Segmentation,
        table_ids: &[String],
        line_ids: &[String],
    ) -> CustomerSegments {
        let mut by_id: FxHashMap<&str, usize> = FxHashMap::default();
        for (&row, label) in segmentation.data.rows.iter().zip(&segmentation.labels) {
            if let (Some(id), Some(segment)) = (table_ids.get(row), label) {
                by_id.insert(id.as_str(), *segment);
            }
        }
        CustomerSegments {
            of_customer: line_ids
                .iter()
                .map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            names: segmentation.segment_names(),
        }
    }
}

pub struct RecommendInputs<'a> {
    pub source: RecommendSource<'a>,
    /// Segments of the lines' customers (aligned with the lines' ids).
    pub segments: Option<CustomerSegments>,
    /// The customers to recommend to (the customer table's ids); `None` = every customer of
    /// the lines.
    pub customers: Option<&'a [String]>,
}

/// The step cannot run; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecommendRunError {
    #[error("Recommend {0} items: choose between 1 and 100.")]
    Top(usize),
    #[error("Cannot form baskets: {0}.")]
    Baskets(#[from] BasketsError),
    #[error(
        "Every basket holds a single product, so nothing is bought together: there are no rules \
         or co-occurrences to find. Check that the order (invoice) column groups the lines."
    )]
    SingleItemBaskets,
    #[error("Only one product was bought: there is nothing to recommend beside it.")]
    SingleItem,
    #[error("Frequent itemsets: {0}")]
    Itemsets(#[from] FpGrowthError),
    #[error("Association rules: {0}")]
    Rules(#[from] RulesError),
    #[error("Co-occurrence: {0}")]
    Cooccurrence(#[from] CooccurrenceError),
    #[error("{0}")]
    Interactions(#[from] InteractionsError),
    #[error("Matrix factorisation (ALS): {0}")]
    Als(#[from] AlsError),
    #[error("{0}")]
    Recommend(#[from] RecommendError),
    #[error("{0}")]
    Holdout(#[from] HoldoutError),
    #[error("The step has already finished.")]
    Finished,
}

/// The holdout evaluation: what the method was chosen by and how every method did.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutRun {
    pub cutoff: i32,
    pub validation_cutoff: Option<i32>,
    /// Customers evaluated (baskets on both sides of the cutoff).
    pub customers: usize,
    pub train_baskets: usize,
    pub test_baskets: usize,
    /// Validation scores the method was chosen by (empty when the user chose it).
    pub validation: Vec<MethodResult>,
    /// Every method on the test period, with and without the items already bought.
    pub test: Vec<MethodResult>,
}

/// Why the holdout was not run (the rest of the step still was).
#[derive(Debug, Clone, PartialEq)]
pub enum NoHoldout {
    /// A basket list has no dates or customers.
    BasketList,
    /// The user asked for no evaluation.
    Skipped,
    /// The split or the validation failed; the message says why.
    Failed(String),
}

/// A segment's top products and rules.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRecs {
    pub segment: usize,
    pub name: String,
    pub customers: usize,
    pub baskets: usize,
    /// (item, customers of the segment who bought it, share of them, lift = share / the share
    /// among all customers).
    pub products: Vec<SegmentProduct>,
    /// The segment's own rules, best lift first (at most [`RecommendParams::SEGMENT_RULES`]).
    pub rules: Vec<crate::core::recommend::rules::Rule>,
    /// Why there are no rules (too few baskets, thresholds), when there are none.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentProduct {
    pub item: u32,
    pub customers: usize,
    pub share: f64,
    pub lift: f64,
}

/// Wall seconds of each part, for the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RecommendTimings {
    pub baskets_seconds: f64,
    pub rules_seconds: f64,
    pub evaluation_seconds: f64,
    /// The chosen method fitted on every basket.
    pub fit_seconds: f64,
    /// Top-N for every customer.
    pub recommend_seconds: f64,
}

/// Basket counts, as the receipt shows them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BasketCounts {
    pub baskets: usize,
    pub items: usize,
    pub lines_used: usize,
    pub returns_left_out: usize,
    pub without_product: usize,
    /// Baskets of one item (kept; they count in the supports).
    pub single_item: usize,
    /// Baskets that held only service lines (postage …), left out with them.
    pub service_baskets: usize,
    pub first_day: Option<i32>,
    pub last_day: Option<i32>,
}

/// Everything the step found; the worker keeps it for the pages, the exports and the
/// Dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendRun {
    pub params: RecommendParams,
    pub from_basket_list: bool,
    /// Item labels, indexed by item code.
    pub items: Vec<String>,
    pub counts: BasketCounts,
    /// Baskets holding each item (all baskets).
    pub popularity: Vec<u32>,
    pub n_itemsets: usize,
    /// Itemsets of 2 items or more.
    pub n_pair_itemsets: usize,
    /// Least number of baskets the support threshold means.
    pub min_count: u64,
    pub rules: AssociationRules,
    /// Co-occurrence counts of every basket.
    pub cooccurrence: CooccurrenceModel,
    pub holdout: Result<HoldoutRun, NoHoldout>,
    /// The method the recommendations come from (`None` for a basket list).
    pub method: Option<Method>,
    /// Why that method, in words.
    pub method_reason: String,
    /// The customers recommended to (the customer table's), and each one's top N; empty for
    /// a basket list.
    pub customer_ids: Vec<String>,
    /// Each customer's index among the lines' customers (`None`: no purchase line).
    pub customer_users: Vec<Option<usize>>,
    pub recommendations: Vec<Vec<Recommendation>>,
    /// Customers with no basket kept, given the bestsellers.
    pub cold_start: Vec<bool>,
    pub segments: Option<CustomerSegments>,
    pub segment_recs: Vec<SegmentRecs>,
    pub notes: Vec<String>,
    pub timings: RecommendTimings,
}

/// The parts of the run, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Rules,
    Cooccurrence,
    Split,
    Validate(Method),
    Test(Method),
    FinalFit,
    RecommendAll,
    Segments,
}

/// What the run has so far.
struct Partial {
    itemsets: Option<(usize, usize, u64)>,
    rules: Option<AssociationRules>,
    cooccurrence: Option<CooccurrenceModel>,
    split: Option<(TimeSplit, Option<TimeSplit>)>,
    holdout_failed: Option<String>,
    validation: Vec<MethodResult>,
    test: Vec<MethodResult>,
    method: Option<Method>,
    method_reason: String,
    interactions: Option<Interactions>,
    recommendations: Vec<Vec<Recommendation>>,
    cold_start: Vec<bool>,
    segment_recs: Vec<SegmentRecs>,
}

/// A Recommend run, one [`RecommendJob::step`] at a time.
pub struct RecommendJob {
    params: RecommendParams,
    settings: MethodSettings,
    clock: fn() -> f64,
    /// Items named by their labels.
    baskets: Baskets,
    /// Purchase lines only: each basket's customer and day (items named by their codes).
    line_baskets: Option<LineBaskets>,
    customer_ids: Vec<String>,
    customer_users: Vec<Option<usize>>,
    /// Customers of the lines (users of the interactions).
    n_users: usize,
    segments: Option<CustomerSegments>,
    counts: BasketCounts,
    plan: Vec<Stage>,
    done: usize,
    partial: Partial,
    notes: Vec<String>,
    timings: RecommendTimings,
}

impl RecommendJob {
    /// Form the baskets and plan the steps.
    pub fn new(
        inputs: RecommendInputs<'_>,
        params: RecommendParams,
        clock: fn() -> f64,
    ) -> Result<RecommendJob, RecommendRunError> {
        params.check()?;
        let started = clock();
        let mut notes = Vec::new();
        let (baskets, line_baskets, line_ids, mut counts) = match inputs.source {
            RecommendSource::Lines { lines, labels } => {
                let made = baskets_from_lines(lines, None)?;
                let mut baskets = made.baskets.clone();
                if labels.len() == baskets.items.len() {
                    baskets.items = labels;
                }
                let counts = BasketCounts {
                    lines_used: made.lines_used,
                    returns_left_out: made.returns_left_out,
                    without_product: made.without_product,
                    first_day: made.days.iter().min().copied(),
                    last_day: made.days.iter().max().copied(),
                    ..BasketCounts::default()
                };
                (baskets, Some(made), lines.ids.clone(), counts)
            }
            RecommendSource::BasketList(list) => {
                notes.push(
                    "A basket list has no customers or dates: the rules and the \"bought with\" \
                     lists describe the baskets, and there is no per-customer list or time \
                     holdout."
                        .to_string(),
                );
                (list.clone(), None, Vec::new(), BasketCounts::default())
            }
        };
        let (baskets, line_baskets) = if params.keep_service_items {
            (baskets, line_baskets)
        } else {
            leave_out_service_items(baskets, line_baskets, &mut counts, &mut notes)
        };
        counts.baskets = baskets.n_baskets();
        counts.items = baskets
            .baskets
            .iter()
            .flatten()
            .collect::<rustc_hash::FxHashSet<_>>()
            .len();
        counts.single_item = baskets.baskets.iter().filter(|b| b.len() == 1).count();
        if counts.items < 2 {
            return Err(RecommendRunError::SingleItem);
        }
        if counts.single_item == counts.baskets {
            return Err(RecommendRunError::SingleItemBaskets);
        }
        let n_users = line_ids.len();
        let (customer_ids, customer_users) = match inputs.customers {
            Some(ids) if line_baskets.is_some() => {
                let index: FxHashMap<&str, usize> = line_ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (id.as_str(), i))
                    .collect();
                let users = ids
                    .iter()
                    .map(|id| index.get(id.as_str()).copied())
                    .collect();
                (ids.to_vec(), users)
            }
            _ => {
                let users = (0..n_users).map(Some).collect();
                (line_ids, users)
            }
        };
        let mut plan = vec![Stage::Rules, Stage::Cooccurrence];
        if line_baskets.is_some() {
            plan.push(Stage::Split);
            // Validation and test stages are planned once the split is known.
            plan.push(Stage::FinalFit);
            plan.push(Stage::RecommendAll);
            if inputs.segments.is_some() {
                plan.push(Stage::Segments);
            }
        }
        let timings = RecommendTimings {
            baskets_seconds: (clock() - started) / 1000.0,
            ..RecommendTimings::default()
        };
        Ok(RecommendJob {
            settings: params.method_settings(),
            params,
            clock,
            baskets,
            line_baskets,
            customer_ids,
            customer_users,
            n_users,
            segments: inputs.segments,
            counts,
            plan,
            done: 0,
            partial: Partial {
                itemsets: None,
                rules: None,
                cooccurrence: None,
                split: None,
                holdout_failed: None,
                validation: Vec::new(),
                test: Vec::new(),
                method: None,
                method_reason: String::new(),
                interactions: None,
                recommendations: Vec::new(),
                cold_start: Vec::new(),
                segment_recs: Vec::new(),
            },
            notes,
            timings,
        })
    }

    pub fn fraction_done(&self) -> f64 {
        let weight = |s: &Stage| match s {
            Stage::Validate(Method::Als) | Stage::Test(Method::Als) => 6.0,
            Stage::FinalFit if self.final_method() == Method::Als => 6.0,
            Stage::Validate(_) | Stage::Test(_) => 1.0,
            _ => 1.0,
        };
        let total: f64 = self.plan.iter().map(weight).sum();
        let done: f64 = self.plan.iter().take(self.done).map(weight).sum();
        if total > 0.0 {
            done / total
        } else {
            1.0
        }
    }

    pub fn stage_label(&self) -> String {
        match self.plan.get(self.done) {
            Some(Stage::Rules) => format!(
                "Finding frequent itemsets and rules in {} baskets",
                thousands(self.counts.baskets as u64)
            ),
            Some(Stage::Cooccurrence) => "Counting the products bought together".to_string(),
            Some(Stage::Split) => "Splitting the baskets at the cutoff".to_string(),
            Some(Stage::Validate(m)) => {
                format!("Choosing the method on the training period: {}", m.label())
            }
            Some(Stage::Test(m)) => format!("Scoring on the test period: {}", m.label()),
            Some(Stage::FinalFit) => format!(
                "Fitting {} on every basket",
                self.final_method().label().to_lowercase()
            ),
            Some(Stage::RecommendAll) => format!(
                "Recommending {} products to each of {} customers",
                self.params.top,
                thousands(self.customer_ids.len() as u64)
            ),
            Some(Stage::Segments) => "Top products and rules per segment".to_string(),
            None => "Done".to_string(),
        }
    }

    fn final_method(&self) -> Method {
        self.params
            .method
            .or(self.partial.method)
            .unwrap_or(Method::Popularity)
    }

    fn seconds_since(&self, started: f64) -> f64 {
        ((self.clock)() - started) / 1000.0
    }

    /// Do the next part; `Ok(false)` once everything is done.
    pub fn step(&mut self) -> Result<bool, RecommendRunError> {
        let Some(&stage) = self.plan.get(self.done) else {
            return Ok(false);
        };
        let started = (self.clock)();
        match stage {
            Stage::Rules => {
                let itemset_params = self.params.itemset_params();
                match itemset_params.fit(&self.baskets) {
                    Ok(itemsets) => {
                        let pairs = itemsets.iter().filter(|(set, _)| set.len() >= 2).count();
                        let rules = self
                            .params
                            .rule_params()
                            .fit(&itemsets, &self.baskets.items)?;
                        self.partial.itemsets = Some((itemsets.len(), pairs, itemsets.min_count()));
                        self.partial.rules = Some(rules);
                    }
                    // No product reaches the support: no rules, which the notes say; the
                    // recommenders do not need them.
                    Err(FpGrowthError::NoFrequentItems { min_count, .. }) => {
                        self.partial.itemsets = Some((0, 0, min_count));
                        self.partial.rules = Some(AssociationRules::default());
                    }
                    Err(err) => return Err(err.into()),
                }
                self.timings.rules_seconds = self.seconds_since(started);
            }
            Stage::Cooccurrence => {
                let model = CooccurrenceParams {
                    weighting: CooccurrenceWeighting::Count,
                }
                .fit(&self.baskets)?;
                self.partial.cooccurrence = Some(model);
            }
            Stage::Split => self.split(),
            Stage::Validate(method) => {
                if let Some((_, Some(validation))) = &self.partial.split {
                    match evaluate_method(
                        validation,
                        method,
                        self.params.top,
                        &self.settings,
                        self.clock,
                    ) {
                        Ok(results) => self.partial.validation.extend(results),
                        // A method that cannot run on the shorter period is not chosen.
                        Err(err) => self.notes.push(format!(
                            "{} was left out of the choice: {err}",
                            method.label()
                        )),
                    }
                }
                self.timings.evaluation_seconds += self.seconds_since(started);
                if !matches!(self.plan.get(self.done + 1), Some(Stage::Validate(_))) {
                    self.choose();
                }
            }
            Stage::Test(method) => {
                if let Some((split, _)) = &self.partial.split {
                    match evaluate_method(
                        split,
                        method,
                        self.params.top,
                        &self.settings,
                        self.clock,
                    ) {
                        Ok(results) => self.partial.test.extend(results),
                        Err(err) => self
                            .notes
                            .push(format!("{} could not be evaluated: {err}", method.label())),
                    }
                }
                self.timings.evaluation_seconds += self.seconds_since(started);
            }
            Stage::FinalFit => {
                // Fitted in `RecommendAll` (the model borrows the interactions); the
                // interactions of every basket are made here.
                let lines = self.line_baskets.as_ref();
                self.partial.interactions = match lines {
                    Some(lines) => Some(all_interactions(lines, self.n_users)?),
                    None => None,
                };
                if self.partial.method_reason.is_empty() {
                    self.partial.method_reason = match self.params.method {
                        Some(m) => format!("{}: your choice.", m.label()),
                        None => format!(
                            "{}: the default, as the holdout could not choose.",
                            Method::Popularity.label()
                        ),
                    };
                }
            }
            Stage::RecommendAll => self.recommend_all()?,
            Stage::Segments => self.segments(),
        }
        self.done += 1;
        Ok(self.done < self.plan.len())
    }

    /// The test split at the cutoff and, when the method is to be chosen, the validation split
    /// inside the training period; plan their stages. A split that fails is noted, not fatal.
    fn split(&mut self) {
        let Some(lines) = &self.line_baskets else {
            return;
        };
        if !self.params.evaluate {
            return;
        }
        let cutoff = self.params.cutoff.unwrap_or_else(|| {
            self.counts
                .last_day
                .map_or(0, |last| last - RecommendParams::DEFAULT_TEST_DAYS)
        });
        let split = match holdout::time_split(lines, cutoff) {
            Ok(split) => split,
            Err(err) => {
                self.partial.holdout_failed = Some(format!(
                    "No holdout evaluation: {err}. The recommendations below are not checked \
                     against later purchases."
                ));
                return;
            }
        };
        let validation = if self.params.method.is_none() {
            match holdout::validation_split(lines, cutoff) {
                Ok(v) => Some(v),
                Err(err) => {
                    self.notes.push(format!(
                        "The method could not be chosen on the training period ({err}); \
                         popularity is used. Choose a method, or a later cutoff."
                    ));
                    None
                }
            }
        } else {
            None
        };
        let at = self.done + 1;
        let mut stages: Vec<Stage> = Vec::new();
        if validation.is_some() {
            stages.extend(Method::ALL.iter().map(|&m| Stage::Validate(m)));
        }
        stages.extend(Method::ALL.iter().map(|&m| Stage::Test(m)));
        self.plan.splice(at..at, stages);
        self.partial.split = Some((split, validation));
    }

    fn choose(&mut self) {
        let method = best_method(&self.partial.validation, self.params.exclude_bought);
        let validation_cutoff = self
            .partial
            .split
            .as_ref()
            .and_then(|(_, v)| v.as_ref())
            .map(|v| v.cutoff);
        let hit = self
            .partial
            .validation
            .iter()
            .find(|r| r.method == method && r.exclude_bought == self.params.exclude_bought)
            .map(|r| {
                if self.params.exclude_bought {
                    r.evaluation.new_items.map_or(0.0, |m| m.hit_rate)
                } else {
                    r.evaluation.all_items.hit_rate
                }
            });
        self.partial.method = Some(method);
        self.partial.method_reason = format!(
            "{}: the best hit rate@{} ({}{}) on the training period — fitted on the baskets up \
             to {}, checked on those after it up to the cutoff; the test period did not decide.",
            method.label(),
            self.params.top,
            hit.map_or("–".to_string(), |h| format!("{:.1} %", 100.0 * h)),
            if self.params.exclude_bought {
                ", new products"
            } else {
                ""
            },
            validation_cutoff.map_or("?".to_string(), |d| format::iso_date(i64::from(d))),
        );
    }

    /// The chosen method fitted on every basket, and every customer's top N.
    fn recommend_all(&mut self) -> Result<(), RecommendRunError> {
        let Some(train) = self.partial.interactions.as_ref() else {
            return Ok(());
        };
        let method = self.final_method();
        let names = &self.baskets.items;
        let top = if self.params.exclude_bought {
            TopN::excluding_bought(self.params.top)
        } else {
            TopN::new(self.params.top)
        };
        let started = (self.clock)();
        let popularity: PopularityModel = PopularityParams
            .fit(train, names)
            .map_err(|e| RecommendRunError::Holdout(method_error(Method::Popularity, &e)))?;
        let model: Fitted = match method {
            Method::Popularity => Fitted::Popularity,
            Method::Cooccurrence | Method::Cosine => Fitted::Cooccurrence(
                CooccurrenceParams {
                    weighting: if method == Method::Cosine {
                        CooccurrenceWeighting::Cosine
                    } else {
                        CooccurrenceWeighting::Count
                    },
                }
                .fit(&self.baskets)?,
            ),
            Method::Rules => Fitted::Rules(RuleBasedModel::new(
                self.partial.rules.clone().unwrap_or_default(),
                train,
                names,
            )),
            Method::Als => Fitted::Als(Box::new(self.settings.als.fit(train, names)?)),
        };
        self.timings.fit_seconds = self.seconds_since(started);
        let started = (self.clock)();
        let n = self.customer_users.len();
        let mut recommendations = Vec::with_capacity(n);
        let mut cold_start = Vec::with_capacity(n);
        for &user in &self.customer_users {
            let known = user.filter(|&u| !train.user_items(u).is_empty());
            let cold = known.is_none();
            let recs = if let Some(user) = known {
                match &model {
                    Fitted::Popularity => popularity.recommend(train, user, &top)?,
                    Fitted::Cooccurrence(m) => m.recommend(train, user, &top)?,
                    Fitted::Rules(m) => m.recommend(train, user, &top)?,
                    Fitted::Als(m) => m.recommend(train, user, &top)?,
                }
            } else {
                // Nothing bought to learn from (or to leave out): the bestsellers.
                let mut recs = popularity.recommend(train, user.unwrap_or(0), &TopN::new(top.n))?;
                for r in &mut recs {
                    r.reason = format!("no purchase of theirs to learn from — {}", r.reason);
                }
                recs
            };
            recommendations.push(recs);
            cold_start.push(cold);
        }
        self.timings.recommend_seconds = self.seconds_since(started);
        let n_cold = cold_start.iter().filter(|&&c| c).count();
        if n_cold > 0 {
            self.notes.push(format!(
                "{} customer(s) have no basket kept (only returns, service lines or lines \
                 without a product): they get the bestsellers, and their reasons say so.",
                thousands(n_cold as u64)
            ));
        }
        self.partial.recommendations = recommendations;
        self.partial.cold_start = cold_start;
        Ok(())
    }

    /// Each segment's top products and own rules.
    fn segments(&mut self) {
        let (Some(segments), Some(lines), Some(train)) = (
            self.segments.as_ref(),
            self.line_baskets.as_ref(),
            self.partial.interactions.as_ref(),
        ) else {
            return;
        };
        let n_items = self.baskets.n_items();
        let n_customers_with_baskets = (0..train.n_users())
            .filter(|&u| !train.user_items(u).is_empty())
            .count()
            .max(1);
        let mut all_buyers = vec![0usize; n_items];
        for u in 0..train.n_users() {
            for &item in train.user_items(u) {
                if let Some(c) = all_buyers.get_mut(item as usize) {
                    *c += 1;
                }
            }
        }
        let mut out = Vec::new();
        for (segment, name) in segments.names.iter().enumerate() {
            let members: Vec<usize> = (0..train.n_users())
                .filter(|&u| segments.of_customer.get(u).copied().flatten() == Some(segment))
                .collect();
            let buyers: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&u| !train.user_items(u).is_empty())
                .collect();
            let mut bought = vec![0usize; n_items];
            for &u in &buyers {
                for &item in train.user_items(u) {
                    if let Some(c) = bought.get_mut(item as usize) {
                        *c += 1;
                    }
                }
            }
            let n_buyers = buyers.len().max(1) as f64;
            let mut products: Vec<SegmentProduct> = bought
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(item, &c)| {
                    let share = c as f64 / n_buyers;
                    let overall = all_buyers.get(item).copied().unwrap_or(0) as f64
                        / n_customers_with_baskets as f64;
                    SegmentProduct {
                        item: item as u32,
                        customers: c,
                        share,
                        lift: if overall > 0.0 { share / overall } else { 0.0 },
                    }
                })
                .collect();
            products.sort_by(|a, b| {
                b.customers
                    .cmp(&a.customers)
                    .then(b.lift.total_cmp(&a.lift))
                    .then(a.item.cmp(&b.item))
            });
            products.truncate(RecommendParams::SEGMENT_PRODUCTS);
            let in_segment: Vec<Vec<u32>> = lines
                .customers
                .iter()
                .zip(&self.baskets.baskets)
                .filter(|(c, _)| {
                    segments.of_customer.get(**c as usize).copied().flatten() == Some(segment)
                })
                .map(|(_, b)| b.clone())
                .collect();
            let n_baskets = in_segment.len();
            let segment_baskets = Baskets {
                items: self.baskets.items.clone(),
                baskets: in_segment,
            };
            let (rules, note) = segment_rules(&segment_baskets, &self.params);
            out.push(SegmentRecs {
                segment,
                name: name.clone(),
                customers: members.len(),
                baskets: n_baskets,
                products,
                rules,
                note,
            });
        }
        self.partial.segment_recs = out;
    }

    /// The finished run.
    pub fn finish(mut self) -> Result<RecommendRun, RecommendRunError> {
        while self.step()? {}
        let (n_itemsets, n_pair_itemsets, min_count) =
            self.partial.itemsets.ok_or(RecommendRunError::Finished)?;
        let rules = self
            .partial
            .rules
            .take()
            .ok_or(RecommendRunError::Finished)?;
        let cooccurrence = self
            .partial
            .cooccurrence
            .take()
            .ok_or(RecommendRunError::Finished)?;
        let mut notes = rule_notes(&self.params, n_pair_itemsets, rules.len());
        let holdout = if self.line_baskets.is_none() {
            Err(NoHoldout::BasketList)
        } else if !self.params.evaluate {
            Err(NoHoldout::Skipped)
        } else if let Some(message) = self.partial.holdout_failed.take() {
            Err(NoHoldout::Failed(message))
        } else {
            match self.partial.split.take() {
                Some((split, validation)) => Ok(HoldoutRun {
                    cutoff: split.cutoff,
                    validation_cutoff: validation.map(|v| v.cutoff),
                    customers: split.holdout.len(),
                    train_baskets: split.train_baskets.n_baskets(),
                    test_baskets: split.test_baskets,
                    validation: std::mem::take(&mut self.partial.validation),
                    test: std::mem::take(&mut self.partial.test),
                }),
                None => Err(NoHoldout::Failed("No holdout evaluation.".to_string())),
            }
        };
        notes.append(&mut self.notes);
        let method = self.line_baskets.as_ref().map(|_| self.final_method());
        let popularity = cooccurrence.popularity.clone();
        Ok(RecommendRun {
            params: self.params,
            from_basket_list: self.line_baskets.is_none(),
            items: self.baskets.items,
            counts: self.counts,
            popularity,
            n_itemsets,
            n_pair_itemsets,
            min_count,
            rules,
            cooccurrence,
            holdout,
            method,
            method_reason: self.partial.method_reason,
            customer_ids: self.customer_ids,
            customer_users: self.customer_users,
            recommendations: self.partial.recommendations,
            cold_start: self.partial.cold_start,
            segments: self.segments,
            segment_recs: self.partial.segment_recs,
            notes,
            timings: self.timings,
        })
    }
}

enum Fitted {
    Popularity,
    Cooccurrence(CooccurrenceModel),
    Rules(RuleBasedModel),
    Als(Box<AlsModel>),
}

fn method_error(method: Method, e: &dyn std::fmt::Display) -> HoldoutError {
    HoldoutError::Method {
        method: method.label(),
        message: e.to_string(),
    }
}

/// The baskets without service lines (postage, fees …), with a note naming what was left out.
fn leave_out_service_items(
    baskets: Baskets,
    line_baskets: Option<LineBaskets>,
    counts: &mut BasketCounts,
    notes: &mut Vec<String>,
) -> (Baskets, Option<LineBaskets>) {
    let Some(left_out) = ServiceItems::find(&baskets) else {
        return (baskets, line_baskets);
    };
    notes.push(left_out.note(&baskets, "the \"keep service lines\" option"));
    let before = baskets.n_baskets();
    let (kept, _) = baskets.without_items(&left_out.drop);
    counts.service_baskets = before - kept.n_baskets();
    let line_baskets = line_baskets.map(|l| l.without_items(&left_out.drop));
    (kept, line_baskets)
}

/// Customers × items of every basket (customer = index into the lines' ids).
fn all_interactions(
    lines: &LineBaskets,
    n_users: usize,
) -> Result<Interactions, InteractionsError> {
    let mut triples = Vec::new();
    for (id, (items, &customer)) in lines
        .baskets
        .baskets
        .iter()
        .zip(&lines.customers)
        .enumerate()
    {
        triples.extend(items.iter().map(|&item| (customer, item, id as u32)));
    }
    Interactions::from_triples(n_users, lines.baskets.n_items(), &triples)
}

/// A segment's own top rules (same thresholds), and why there are none.
fn segment_rules(
    baskets: &Baskets,
    params: &RecommendParams,
) -> (Vec<crate::core::recommend::rules::Rule>, Option<String>) {
    const MIN_BASKETS: usize = 20;
    if baskets.n_baskets() < MIN_BASKETS {
        return (
            Vec::new(),
            Some(format!(
                "{} basket(s): too few for rules of their own.",
                baskets.n_baskets()
            )),
        );
    }
    // At least MIN_SEGMENT_COUNT baskets per itemset: a small segment at the overall support
    // would mine thousands of itemsets seen twice.
    const MIN_SEGMENT_COUNT: f64 = 10.0;
    let support = params
        .min_support
        .max(MIN_SEGMENT_COUNT / baskets.n_baskets() as f64)
        .min(1.0);
    let itemsets = FpGrowthParams {
        min_support: support,
        ..params.itemset_params()
    };
    let mined = itemsets
        .fit(baskets)
        .map_err(|e| e.to_string())
        .and_then(|sets| {
            params
                .rule_params()
                .fit(&sets, &baskets.items)
                .map_err(|e| e.to_string())
        });
    match mined {
        Ok(mut rules) if !rules.is_empty() => {
            rules.rules.truncate(RecommendParams::SEGMENT_RULES);
            (rules.rules, None)
        }
        Ok(_) => (
            Vec::new(),
            Some(format!(
                "No rule reaches {:.1} % support and {:.0} % confidence in its {} baskets.",
                100.0 * support,
                100.0 * params.min_confidence,
                thousands(baskets.n_baskets() as u64)
            )),
        ),
        Err(err) => (Vec::new(), Some(err)),
    }
}

/// What to tell the user about the number of rules.
fn rule_notes(params: &RecommendParams, pair_itemsets: usize, rules: usize) -> Vec<String> {
    let mut notes = Vec::new();
    if pair_itemsets == 0 {
        notes.push(format!(
            "No two products are bought together in {:.2} % of the baskets or more, so there \
             are no rules: lower the minimum support.",
            100.0 * params.min_support
        ));
    } else if rules == 0 {
        notes.push(format!(
            "{} sets of products reach the support, but no rule reaches {:.0} % confidence: \
             lower the minimum confidence.",
            thousands(pair_itemsets as u64),
            100.0 * params.min_confidence
        ));
    }
    notes
}
