//! What the Recommend step shows: the form's choices ([`setup_lines`], [`setup_basket_list`]),
//! the report of a finished run ([`view`]), pages of the rules and of the per-customer lists,
//! the "bought with" list of an item ([`item_partners`]) and the CSV exports. Plain serde data
//! the worker sends and the CLI prints; no drawing here (the charts are [`Chart`] models).

use serde::{Deserialize, Serialize};

use crate::core::chart::{BarValue, Chart, ChartKind, ColorScale, ValueFormat};
use crate::core::csv_out::CsvWriter;
use crate::core::features::PurchaseLines;
use crate::core::format::{self, thousands};
use crate::core::recommend::baskets::{baskets_from_lines, Baskets};
use crate::core::recommend::evaluate::RankingMetrics;
use crate::core::recommend::holdout::{Method, MethodResult};
use crate::core::recommend::rules::Rule;
use crate::core::recommend::run::{NoHoldout, RecommendParams, RecommendRun, RecommendTimings};

/// Rules in the report's first page and in the chart.
const CHART_RULES: usize = 15;
/// Items of the co-occurrence heat map.
const HEATMAP_ITEMS: usize = 12;
/// Items of the top-items chart.
const CHART_ITEMS: usize = 15;
/// Customers in the report's first page of recommendations.
const FIRST_CUSTOMERS: usize = 25;
/// Matches of an item search.
const ITEM_MATCHES: usize = 20;

/// The form's choices for the loaded data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendSetup {
    pub from_basket_list: bool,
    pub baskets: usize,
    pub items: usize,
    /// Customers of the purchase lines (0 for a basket list).
    pub customers: usize,
    /// First and last basket day, ISO (purchase lines).
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// The cutoff used when the user leaves it empty, ISO.
    pub default_cutoff: Option<String>,
    /// Segments exist: the per-segment lists will be made.
    pub segmented: bool,
    pub defaults: RecommendParams,
    pub notes: Vec<String>,
}

/// The form for purchase lines cleaned as the Explore step cleans them.
/// `customers`: the customer table's customers, those recommended to.
pub fn setup_lines(
    lines: &PurchaseLines,
    customers: usize,
    segmented: bool,
) -> Result<RecommendSetup, String> {
    let made = baskets_from_lines(lines, None).map_err(|e| format!("Cannot form baskets: {e}."))?;
    let first = made.days.iter().min().copied();
    let last = made.days.iter().max().copied();
    let mut notes = Vec::new();
    let single = made.baskets.baskets.iter().filter(|b| b.len() == 1).count();
    if single == made.baskets.n_baskets() {
        notes.push(
            "Every basket holds a single product: check that the order (invoice) column groups \
             the lines, else nothing is bought together."
                .to_string(),
        );
    }
    let iso = |d: i32| format::iso_date(i64::from(d));
    Ok(RecommendSetup {
        from_basket_list: false,
        baskets: made.baskets.n_baskets(),
        // Products in a basket (as the run counts them), not every code of the lines: a
        // product only ever returned is in none.
        items: made
            .baskets
            .baskets
            .iter()
            .flatten()
            .collect::<rustc_hash::FxHashSet<_>>()
            .len(),
        customers,
        first_day: first.map(iso),
        last_day: last.map(iso),
        default_cutoff: last.map(|d| iso(d - RecommendParams::DEFAULT_TEST_DAYS)),
        segmented,
        defaults: RecommendParams::new(),
        notes,
    })
}

/// The form for a basket list.
pub fn setup_basket_list(baskets: &Baskets) -> RecommendSetup {
    RecommendSetup {
        from_basket_list: true,
        baskets: baskets.n_baskets(),
        items: baskets.n_items(),
        customers: 0,
        first_day: None,
        last_day: None,
        default_cutoff: None,
        segmented: false,
        defaults: RecommendParams::new(),
        notes: vec![
            "A basket list has no customers or dates: you get the rules and what goes with \
             each product, but no per-customer lists or time holdout."
                .to_string(),
        ],
    }
}

/// A rule as the table shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRow {
    pub antecedent: Vec<String>,
    pub consequent: String,
    /// Baskets holding both sides.
    pub count: u64,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
    pub leverage: f64,
    /// `None` when the confidence is 1 (infinite).
    pub conviction: Option<f64>,
}

fn rule_row(rule: &Rule, items: &[String]) -> RuleRow {
    RuleRow {
        antecedent: rule.antecedent.iter().map(|&c| label(items, c)).collect(),
        consequent: label(items, rule.consequent),
        count: rule.count,
        support: rule.support,
        confidence: rule.confidence,
        lift: rule.lift,
        leverage: rule.leverage,
        conviction: rule.conviction.is_finite().then_some(rule.conviction),
    }
}

fn label(items: &[String], code: u32) -> String {
    items
        .get(code as usize)
        .cloned()
        .unwrap_or_else(|| "?".to_string())
}

/// Ranking metrics as shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub users: usize,
    pub hit_rate: f64,
    pub precision: f64,
    pub recall: f64,
    pub map: f64,
}

impl From<RankingMetrics> for Metrics {
    fn from(m: RankingMetrics) -> Metrics {
        Metrics {
            users: m.users,
            hit_rate: m.hit_rate,
            precision: m.precision,
            recall: m.recall,
            map: m.map,
        }
    }
}

/// One method's scores, with or without the items already bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    pub method: Method,
    pub label: String,
    pub exclude_bought: bool,
    /// On every item bought after the cutoff.
    pub all_items: Metrics,
    /// On the items new to each customer.
    pub new_items: Option<Metrics>,
    pub seconds: f64,
}

fn evaluation_row(r: &MethodResult) -> EvaluationRow {
    EvaluationRow {
        method: r.method,
        label: r.method.label().to_string(),
        exclude_bought: r.exclude_bought,
        all_items: r.evaluation.all_items.into(),
        new_items: r.evaluation.new_items.map(Metrics::from),
        seconds: r.seconds,
    }
}

/// The time holdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub n: usize,
    pub cutoff: String,
    pub validation_cutoff: Option<String>,
    pub customers: usize,
    pub train_baskets: usize,
    pub test_baskets: usize,
    pub rows: Vec<EvaluationRow>,
    /// What the method was chosen by (empty when the user chose it).
    pub validation: Vec<EvaluationRow>,
    /// The chosen method's hit rate ÷ popularity's, on the test period (with the user's
    /// "exclude bought" choice, on new items when excluding).
    pub versus_popularity: Option<f64>,
}

/// A segment's top products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProductRow {
    pub item: String,
    pub customers: usize,
    /// Of the segment's customers with a basket.
    pub share: f64,
    /// Share ÷ the share among all customers.
    pub lift: f64,
}

/// A segment's top products and rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentRecsView {
    pub segment: usize,
    pub name: String,
    pub customers: usize,
    pub baskets: usize,
    pub products: Vec<SegmentProductRow>,
    pub rules: Vec<RuleRow>,
    pub note: Option<String>,
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecItem {
    pub item: String,
    pub score: f64,
    pub reason: String,
}

/// A customer's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRecsRow {
    pub customer: String,
    pub segment: Option<String>,
    pub cold_start: bool,
    pub items: Vec<RecItem>,
}

/// An item and the baskets holding it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    pub item: String,
    pub baskets: u64,
    /// Of all baskets.
    pub share: f64,
}

/// Everything the Recommend step shows after a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendView {
    pub params: RecommendParams,
    pub from_basket_list: bool,
    /// What went in, one line each.
    pub receipt: Vec<String>,
    pub baskets: usize,
    pub items: usize,
    pub itemsets: usize,
    pub rules: usize,
    /// Least number of baskets the support threshold means.
    pub min_count: u64,
    /// The best rules by lift (the rules table pages them all).
    pub top_rules: Vec<RuleRow>,
    pub top_items: Vec<ItemCount>,
    pub evaluation: Option<EvaluationView>,
    /// Why there is no evaluation.
    pub no_evaluation: Option<String>,
    pub method: Option<Method>,
    pub method_label: Option<String>,
    pub method_reason: String,
    pub customers: usize,
    pub cold_start: usize,
    /// The first customers' lists (the page command gives the rest).
    pub first_customers: Vec<CustomerRecsRow>,
    pub segments: Vec<SegmentRecsView>,
    pub charts: Vec<Chart>,
    pub notes: Vec<String>,
    pub timings: RecommendTimings,
    pub elapsed_ms: f64,
    pub worker_memory_bytes: u64,
}

/// The report of a finished run.
pub fn view(run: &RecommendRun, elapsed_ms: f64, worker_memory_bytes: u64) -> RecommendView {
    let (evaluation, no_evaluation) = match &run.holdout {
        Ok(h) => {
            let rows: Vec<EvaluationRow> = h.test.iter().map(evaluation_row).collect();
            let hit = |method: Method| {
                h.test
                    .iter()
                    .find(|r| r.method == method && r.exclude_bought == run.params.exclude_bought)
                    .map(|r| {
                        if run.params.exclude_bought {
                            r.evaluation.new_items.map_or(0.0, |m| m.hit_rate)
                        } else {
                            r.evaluation.all_items.hit_rate
                        }
                    })
            };
            let versus_popularity = match (run.method.and_then(hit), hit(Method::Popularity)) {
                (Some(m), Some(p)) if p > 0.0 => Some(m / p),
                _ => None,
            };
            (
                Some(EvaluationView {
                    n: run.params.top,
                    cutoff: format::iso_date(i64::from(h.cutoff)),
                    validation_cutoff: h.validation_cutoff.map(|d| format::iso_date(i64::from(d))),
                    customers: h.customers,
                    train_baskets: h.train_baskets,
                    test_baskets: h.test_baskets,
                    rows,
                    validation: h.validation.iter().map(evaluation_row).collect(),
                    versus_popularity,
                }),
                None,
            )
        }
        Err(NoHoldout::BasketList) => (
            None,
            Some(
                "A basket list has no dates, so the recommenders cannot be checked against later \
                 purchases."
                    .to_string(),
            ),
        ),
        Err(NoHoldout::Skipped) => (
            None,
            Some("The holdout evaluation was not asked for.".to_string()),
        ),
        Err(NoHoldout::Failed(message)) => (None, Some(message.clone())),
    };
    let segments = run
        .segment_recs
        .iter()
        .map(|s| SegmentRecsView {
            segment: s.segment,
            name: s.name.clone(),
            customers: s.customers,
            baskets: s.baskets,
            products: s
                .products
                .iter()
                .map(|p| SegmentProductRow {
                    item: label(&run.items, p.item),
                    customers: p.customers,
                    share: p.share,
                    lift: p.lift,
                })
                .collect(),
            rules: s.rules.iter().map(|r| rule_row(r, &run.items)).collect(),
            note: s.note.clone(),
        })
        .collect();
    let mut charts = vec![top_items_chart(run)];
    if let Some(chart) = rules_chart(run) {
        charts.push(chart);
    }
    if let Some(chart) = heatmap_chart(run) {
        charts.push(chart);
    }
    if let Some(e) = &evaluation {
        charts.push(evaluation_chart(e));
    }
    RecommendView {
        params: run.params.clone(),
        from_basket_list: run.from_basket_list,
        receipt: receipt(run),
        baskets: run.counts.baskets,
        items: run.counts.items,
        itemsets: run.n_itemsets,
        rules: run.rules.len(),
        min_count: run.min_count,
        top_rules: run
            .rules
            .rules
            .iter()
            .take(CHART_RULES)
            .map(|r| rule_row(r, &run.items))
            .collect(),
        top_items: top_items(run, CHART_ITEMS),
        evaluation,
        no_evaluation,
        method: run.method,
        method_label: run.method.map(|m| m.label().to_string()),
        method_reason: run.method_reason.clone(),
        customers: run.customer_ids.len(),
        cold_start: run.cold_start.iter().filter(|&&c| c).count(),
        first_customers: customer_rows(run, "", 0, FIRST_CUSTOMERS).1,
        segments,
        charts,
        notes: run.notes.clone(),
        timings: run.timings,
        elapsed_ms,
        worker_memory_bytes,
    }
}

fn receipt(run: &RecommendRun) -> Vec<String> {
    let c = &run.counts;
    let mut lines = Vec::new();
    if run.from_basket_list {
        lines.push(format!(
            "{} baskets of {} products, read from a basket list",
            thousands(c.baskets as u64),
            thousands(c.items as u64)
        ));
    } else {
        lines.push(format!(
            "{} baskets of {} products from {} purchase lines ({} to {})",
            thousands(c.baskets as u64),
            thousands(c.items as u64),
            thousands(c.lines_used as u64),
            c.first_day
                .map_or("?".to_string(), |d| format::iso_date(i64::from(d))),
            c.last_day
                .map_or("?".to_string(), |d| format::iso_date(i64::from(d))),
        ));
        if c.returns_left_out > 0 {
            lines.push(format!(
                "{} return lines (and lines of orders returned in full) left out, as in Explore",
                thousands(c.returns_left_out as u64)
            ));
        }
        if c.without_product > 0 {
            lines.push(format!(
                "{} lines without a product left out",
                thousands(c.without_product as u64)
            ));
        }
    }
    lines.push(format!(
        "{} baskets of a single product ({:.0} %) count in the supports but pair with nothing",
        thousands(c.single_item as u64),
        100.0 * c.single_item as f64 / c.baskets.max(1) as f64
    ));
    lines.push(format!(
        "Itemsets in at least {:.2} % of the baskets ({} baskets), up to {} products; rules of at \
         least {:.0} % confidence, one product on the right (as R's arules counts them)",
        100.0 * run.params.min_support,
        thousands(run.min_count),
        run.params.max_len,
        100.0 * run.params.min_confidence
    ));
    lines
}

fn top_items(run: &RecommendRun, n: usize) -> Vec<ItemCount> {
    let mut order: Vec<usize> = (0..run.popularity.len()).collect();
    order.sort_by(|&a, &b| {
        run.popularity
            .get(b)
            .cmp(&run.popularity.get(a))
            .then(run.items.get(a).cmp(&run.items.get(b)))
    });
    let n_baskets = run.counts.baskets.max(1) as f64;
    order
        .into_iter()
        .take(n)
        .map(|i| {
            let count = run.popularity.get(i).copied().unwrap_or(0);
            ItemCount {
                item: label(&run.items, i as u32),
                baskets: u64::from(count),
                share: f64::from(count) / n_baskets,
            }
        })
        .collect()
}

fn top_items_chart(run: &RecommendRun) -> Chart {
    let items = top_items(run, CHART_ITEMS);
    Chart {
        id: "recommend:top_items".to_string(),
        title: "Best-selling products".to_string(),
        subtitle: format!(
            "Share of the {} baskets holding each product",
            thousands(run.counts.baskets as u64)
        ),
        kind: ChartKind::Bar {
            x_label: "Product".to_string(),
            y_label: "% of baskets".to_string(),
            y_format: ValueFormat::Percent,
            bars: items
                .into_iter()
                .map(|i| BarValue {
                    label: i.item,
                    value: 100.0 * i.share,
                })
                .collect(),
            horizontal: true,
        },
    }
}

/// "A + B → C".
fn rule_text(row: &RuleRow) -> String {
    format!("{} → {}", row.antecedent.join(" + "), row.consequent)
}

fn rules_chart(run: &RecommendRun) -> Option<Chart> {
    if run.rules.is_empty() {
        return None;
    }
    let bars: Vec<BarValue> = run
        .rules
        .rules
        .iter()
        .take(CHART_RULES)
        .map(|r| BarValue {
            label: rule_text(&rule_row(r, &run.items)),
            value: r.lift,
        })
        .collect();
    Some(Chart {
        id: "recommend:rules_by_lift".to_string(),
        title: "Top rules by lift".to_string(),
        subtitle: format!(
            "{} of {} rules; lift = how many times more often the right-hand product is in \
             baskets with the left-hand side than in baskets overall",
            bars.len(),
            thousands(run.rules.len() as u64)
        ),
        kind: ChartKind::Bar {
            x_label: "Rule".to_string(),
            y_label: "Lift".to_string(),
            y_format: ValueFormat::Number,
            bars,
            horizontal: true,
        },
    })
}

/// The top items by baskets: the share of the row item's baskets that also hold the column's.
fn heatmap_chart(run: &RecommendRun) -> Option<Chart> {
    let mut order: Vec<u32> = (0..run.popularity.len() as u32).collect();
    order.sort_by(|&a, &b| {
        run.popularity
            .get(b as usize)
            .cmp(&run.popularity.get(a as usize))
            .then(a.cmp(&b))
    });
    order.truncate(HEATMAP_ITEMS);
    if order.len() < 2 {
        return None;
    }
    let labels: Vec<String> = order.iter().map(|&i| label(&run.items, i)).collect();
    let mut cells = Vec::with_capacity(order.len());
    let mut notes = Vec::with_capacity(order.len());
    let mut max: f64 = 0.0;
    for &row in &order {
        let base = run.popularity.get(row as usize).copied().unwrap_or(0);
        let mut cell_row = Vec::with_capacity(order.len());
        let mut note_row = Vec::with_capacity(order.len());
        for &col in &order {
            if row == col || base == 0 {
                cell_row.push(None);
                note_row.push(String::new());
                continue;
            }
            let together = run.cooccurrence.together(row, col);
            let pct = 100.0 * f64::from(together) / f64::from(base);
            max = max.max(pct);
            cell_row.push(Some(pct));
            note_row.push(format!(
                "{} of the {} baskets with {} also hold {}",
                thousands(u64::from(together)),
                thousands(u64::from(base)),
                label(&run.items, row),
                label(&run.items, col)
            ));
        }
        cells.push(cell_row);
        notes.push(note_row);
    }
    Some(Chart {
        id: "recommend:cooccurrence".to_string(),
        title: "Bought together: the best sellers".to_string(),
        subtitle: "Of the baskets with the row's product, the share that also hold the column's"
            .to_string(),
        kind: ChartKind::Heatmap {
            labels,
            cells,
            min: 0.0,
            max: max.max(1.0),
            value_format: ValueFormat::Percent,
            column_labels: None,
            x_label: "Also in the basket".to_string(),
            y_label: "Baskets with".to_string(),
            value_label: "% of the row's baskets".to_string(),
            color_scale: ColorScale::Sequential,
            cell_notes: Some(notes),
        },
    })
}

fn evaluation_chart(e: &EvaluationView) -> Chart {
    let mut bars = Vec::new();
    for row in e.rows.iter().filter(|r| !r.exclude_bought) {
        bars.push(BarValue {
            label: format!("{} · all products", row.label),
            value: 100.0 * row.all_items.hit_rate,
        });
    }
    for row in e.rows.iter().filter(|r| r.exclude_bought) {
        if let Some(new) = row.new_items {
            bars.push(BarValue {
                label: format!("{} · new products", row.label),
                value: 100.0 * new.hit_rate,
            });
        }
    }
    Chart {
        id: "recommend:evaluation".to_string(),
        title: format!("Hit rate at {} on the test period", e.n),
        subtitle: format!(
            "{} customers with baskets before and after {}: the share whose {} recommendations \
             hold at least one product they then bought (new products: already-bought left out)",
            thousands(e.customers as u64),
            e.cutoff,
            e.n
        ),
        kind: ChartKind::Bar {
            x_label: "Method".to_string(),
            y_label: "Hit rate (%)".to_string(),
            y_format: ValueFormat::Percent,
            bars,
            horizontal: true,
        },
    }
}

/// How the rules table is sorted and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RuleSort {
    #[default]
    Lift,
    Confidence,
    Support,
    Leverage,
    Conviction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RulesQuery {
    pub sort: RuleSort,
    /// Ascending instead of the default descending.
    #[serde(default)]
    pub ascending: bool,
    /// Only rules naming a product that contains this text (any case); empty = all.
    #[serde(default)]
    pub search: String,
    /// Only rules with at least this lift (0 = all).
    #[serde(default)]
    pub min_lift: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesPage {
    pub query: RulesQuery,
    pub offset: usize,
    /// Rules matching the query.
    pub matching: usize,
    pub total: usize,
    pub rows: Vec<RuleRow>,
}

/// Rules `offset..offset + limit` of those matching `query`, in its order.
pub fn rules_page(
    run: &RecommendRun,
    query: &RulesQuery,
    offset: usize,
    limit: usize,
) -> RulesPage {
    let needle = query.search.trim().to_lowercase();
    let codes: Option<Vec<bool>> = (!needle.is_empty()).then(|| {
        run.items
            .iter()
            .map(|name| name.to_lowercase().contains(&needle))
            .collect()
    });
    let named = |code: u32| {
        codes
            .as_ref()
            .is_none_or(|m| m.get(code as usize).copied().unwrap_or(false))
    };
    let mut matching: Vec<&Rule> = run
        .rules
        .rules
        .iter()
        .filter(|r| r.lift >= query.min_lift)
        .filter(|r| named(r.consequent) || r.antecedent.iter().any(|&a| named(a)))
        .collect();
    let key = |r: &Rule| match query.sort {
        RuleSort::Lift => r.lift,
        RuleSort::Confidence => r.confidence,
        RuleSort::Support => r.support,
        RuleSort::Leverage => r.leverage,
        RuleSort::Conviction => r.conviction,
    };
    // Stable: ties keep the rules' own order (lift, then support).
    matching.sort_by(|a, b| {
        let order = key(b).total_cmp(&key(a));
        if query.ascending {
            order.reverse()
        } else {
            order
        }
    });
    let rows = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| rule_row(r, &run.items))
        .collect();
    RulesPage {
        query: query.clone(),
        offset,
        matching: matching.len(),
        total: run.rules.len(),
        rows,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRecsPage {
    pub search: String,
    pub offset: usize,
    pub matching: usize,
    pub total: usize,
    pub rows: Vec<CustomerRecsRow>,
}

/// Customers whose id contains `search` (all when empty), rows `offset..offset + limit`.
pub fn customer_page(
    run: &RecommendRun,
    search: &str,
    offset: usize,
    limit: usize,
) -> CustomerRecsPage {
    let (matching, rows) = customer_rows(run, search, offset, limit);
    CustomerRecsPage {
        search: search.to_string(),
        offset,
        matching,
        total: run.customer_ids.len(),
        rows,
    }
}

fn segment_name(run: &RecommendRun, customer: usize) -> Option<String> {
    let segments = run.segments.as_ref()?;
    let user = run.customer_users.get(customer).copied().flatten()?;
    let s = segments.of_customer.get(user).copied().flatten()?;
    segments.names.get(s).cloned()
}

fn customer_rows(
    run: &RecommendRun,
    search: &str,
    offset: usize,
    limit: usize,
) -> (usize, Vec<CustomerRecsRow>) {
    let needle = search.trim().to_lowercase();
    let matches = run
        .customer_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| needle.is_empty() || id.to_lowercase().contains(&needle));
    let mut n = 0;
    let mut rows = Vec::new();
    for (i, id) in matches {
        if n >= offset && rows.len() < limit {
            rows.push(CustomerRecsRow {
                customer: id.clone(),
                segment: segment_name(run, i),
                cold_start: run.cold_start.get(i).copied().unwrap_or(false),
                items: run
                    .recommendations
                    .get(i)
                    .map(|recs| {
                        recs.iter()
                            .map(|r| RecItem {
                                item: label(&run.items, r.item),
                                score: r.score,
                                reason: r.reason.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        n += 1;
    }
    (n, rows)
}

/// A product bought with the searched one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub item: String,
    /// Baskets holding both.
    pub together: u64,
    /// Of the searched product's baskets, the share that hold this one.
    pub confidence: f64,
    pub lift: f64,
}

/// The answer to an item search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemPartners {
    pub search: String,
    /// Products whose name contains the text, most baskets first.
    pub matches: Vec<ItemCount>,
    /// The product shown: an exact match, else the first match.
    pub item: Option<ItemCount>,
    pub partners: Vec<Partner>,
}

/// Products matching `search`, and what is bought with the best match.
pub fn item_partners(run: &RecommendRun, search: &str, n: usize) -> ItemPartners {
    let needle = search.trim().to_lowercase();
    let n_baskets = run.counts.baskets.max(1) as f64;
    let count = |i: usize| run.popularity.get(i).copied().unwrap_or(0);
    let mut found: Vec<usize> = if needle.is_empty() {
        Vec::new()
    } else {
        run.items
            .iter()
            .enumerate()
            .filter(|(i, name)| count(*i) > 0 && name.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect()
    };
    found.sort_by(|&a, &b| count(b).cmp(&count(a)).then(a.cmp(&b)));
    let item_count = |i: usize| ItemCount {
        item: label(&run.items, i as u32),
        baskets: u64::from(count(i)),
        share: f64::from(count(i)) / n_baskets,
    };
    let chosen = found
        .iter()
        .copied()
        .find(|&i| {
            run.items
                .get(i)
                .is_some_and(|name| name.to_lowercase() == needle)
        })
        .or_else(|| found.first().copied());
    let partners = chosen.map_or_else(Vec::new, |i| {
        let base = f64::from(count(i).max(1));
        let mut partners: Vec<Partner> = (0..run.items.len())
            .filter(|&j| j != i)
            .filter_map(|j| {
                let together = run.cooccurrence.together(i as u32, j as u32);
                (together > 0).then(|| {
                    let confidence = f64::from(together) / base;
                    Partner {
                        item: label(&run.items, j as u32),
                        together: u64::from(together),
                        confidence,
                        lift: confidence / (f64::from(count(j).max(1)) / n_baskets),
                    }
                })
            })
            .collect();
        partners.sort_by(|a, b| {
            b.together
                .cmp(&a.together)
                .then(b.lift.total_cmp(&a.lift))
                .then(a.item.cmp(&b.item))
        });
        partners.truncate(n);
        partners
    });
    ItemPartners {
        search: search.to_string(),
        matches: found
            .into_iter()
            .take(ITEM_MATCHES)
            .map(item_count)
            .collect(),
        item: chosen.map(item_count),
        partners,
    }
}

/// Every customer's list, one row per customer: id, segment, method, then each item and its
/// reason. Text cells are written so a spreadsheet never runs them as formulas.
pub fn recommendations_csv(run: &RecommendRun) -> String {
    let mut csv = CsvWriter::new();
    csv.text("customer_id").text("segment").text("method");
    for k in 1..=run.params.top {
        csv.text(&format!("product_{k}"))
            .text(&format!("score_{k}"))
            .text(&format!("why_{k}"));
    }
    csv.end_row();
    let method = run.method.map_or("", |m| m.key());
    for (i, id) in run.customer_ids.iter().enumerate() {
        csv.text(id).text_or_empty(segment_name(run, i).as_deref());
        let cold = run.cold_start.get(i).copied().unwrap_or(false);
        csv.text(if cold {
            "popularity (no purchases)"
        } else {
            method
        });
        let recs = run.recommendations.get(i).map_or(&[][..], Vec::as_slice);
        for k in 0..run.params.top {
            match recs.get(k) {
                Some(r) => {
                    csv.text(&label(&run.items, r.item))
                        .number(r.score)
                        .text(&r.reason);
                }
                None => {
                    csv.empty().empty().empty();
                }
            }
        }
        csv.end_row();
    }
    csv.finish()
}

/// Every rule: antecedent (items joined by " + "), consequent, counts and measures.
pub fn rules_csv(run: &RecommendRun) -> String {
    let mut csv = CsvWriter::new();
    for title in [
        "antecedent",
        "consequent",
        "baskets",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
    ] {
        csv.text(title);
    }
    csv.end_row();
    for rule in &run.rules.rules {
        let row = rule_row(rule, &run.items);
        csv.text(&row.antecedent.join(" + "))
            .text(&row.consequent)
            .number(row.count as f64)
            .number(row.support)
            .number(row.confidence)
            .number(row.lift)
            .number(row.leverage);
        match row.conviction {
            Some(c) => csv.number(c),
            None => csv.text("inf"),
        };
        csv.end_row();
    }
    csv.finish()
}
