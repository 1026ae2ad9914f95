//! `custos recommend`: the Recommend step headless (`core::recommend::run`) — baskets, rules,
//! the recommenders judged on a time holdout (the method chosen on the training period unless
//! --method names one) and every customer's top N with a reason. The same job the browser's
//! worker runs, so the same choices give the same numbers. It does no numeric work of its own.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use serde::Serialize;

use custos::core::features::{build_customer_table, purchase_lines};
use custos::core::format;
use custos::core::recommend::baskets::item_labels;
use custos::core::recommend::holdout::Method;
use custos::core::recommend::run::{
    RecommendInputs, RecommendJob, RecommendParams, RecommendSource, RecommendTimings,
};
use custos::core::recommend::view::{self, EvaluationRow, RecommendView};

use crate::commands::rules::BasketArgs;
use crate::flags;
use crate::input::BadRowsArgs;
use crate::output::{self, round4};
use crate::roles::CustomerTableArgs;

/// Customers whose lists the text report prints.
const TEXT_CUSTOMERS: usize = 5;

/// What to offer each customer next: products bought together (association rules,
/// co-occurrence) and implicit-feedback matrix factorisation (ALS), judged on a time holdout
/// against the bestsellers.
///
/// FILE is a file of purchase lines (baskets = orders, or customer-days without an order
/// column; items = the product column; roles detected or named with --customer, --date,
/// --order, --product …; returns left out as the Explore step leaves them out) or, with
/// --baskets, a basket list (one basket per line: rules and co-occurrence only, as it has no
/// customers or dates). Baskets up to --cutoff train, those after it test: hit rate,
/// precision, recall and MAP at --top for every method, on all products and on new ones. The
/// method (unless --method names one) is the best on the training period alone — a validation
/// cut inside it — never on the test period. Then the method refitted on every basket
/// recommends --top products to each customer; -o writes them as CSV, one row per customer.
#[derive(clap::Args)]
pub struct RecommendArgs {
    file: PathBuf,
    #[command(flatten)]
    basket: BasketArgs,
    #[command(flatten)]
    table: CustomerTableArgs,
    /// popularity, cooccurrence, cosine, rules or als (default: the best on the training
    /// period).
    #[arg(long)]
    method: Option<String>,
    /// Products per customer (and the N of the evaluation), 1–100.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Last training day, YYYY-MM-DD (default: the last basket day − 90 days).
    #[arg(long)]
    cutoff: Option<String>,
    /// Recommend only products the customer has not bought (the choice is then made on new
    /// products).
    #[arg(long)]
    exclude_bought: bool,
    /// Skip the time holdout (and the choice: --method, or popularity).
    #[arg(long)]
    no_evaluation: bool,
    /// Seed of ALS's initial factors.
    #[arg(long, default_value_t = RecommendParams::DEFAULT_SEED)]
    seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Write every customer's recommendations as CSV to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Serialize)]
struct MetricsJson {
    users: usize,
    hit_rate: f64,
    precision: f64,
    recall: f64,
    map: f64,
}

#[derive(Serialize)]
struct EvaluationJson {
    method: &'static str,
    exclude_bought: bool,
    n: usize,
    all_items: MetricsJson,
    new_items: Option<MetricsJson>,
    seconds: f64,
}

#[derive(Serialize)]
struct RecommendJson {
    file: String,
    /// "basket list" or "purchase lines".
    source: &'static str,
    baskets: usize,
    items: usize,
    n_customers: usize,
    itemsets: usize,
    rules: usize,
    method: Option<&'static str>,
    method_reason: String,
    cutoff: Option<String>,
    validation_cutoff: Option<String>,
    /// Customers evaluated (baskets on both sides of the cutoff).
    evaluated_customers: Option<usize>,
    /// Every method on the test period, with and without already-bought products.
    evaluation: Vec<EvaluationJson>,
    /// What the method was chosen by.
    validation: Vec<EvaluationJson>,
    cold_start: usize,
    /// The first customers' lists.
    sample: Vec<view::CustomerRecsRow>,
    /// Reading and cleaning the file, seconds.
    read_seconds: f64,
    timings: RecommendTimings,
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
}

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

pub fn run(args: &RecommendArgs) -> Result<(), String> {
    let params = RecommendParams {
        min_support: args.basket.min_support,
        min_confidence: args.basket.min_confidence,
        max_len: args.basket.max_len,
        method: args
            .method
            .as_deref()
            .map(|key| {
                Method::from_key(key).ok_or_else(|| {
                    format!("--method {key}: use popularity, cooccurrence, cosine, rules or als")
                })
            })
            .transpose()?,
        top: args.top,
        cutoff: args
            .cutoff
            .as_deref()
            .map(|text| flags::parse_date("--cutoff", text))
            .transpose()?,
        exclude_bought: args.exclude_bought,
        seed: args.seed,
        evaluate: !args.no_evaluation,
        keep_service_items: args.basket.keep_service_lines,
    };
    params.check().map_err(|e| e.to_string())?;
    if args.basket.baskets && args.output.is_some() {
        return Err(
            "a basket list has no customers to recommend to: -o writes customers' lists; use \
             `custos rules --baskets -o rules.csv` for its rules"
                .to_string(),
        );
    }
    let started = Instant::now();
    let read_seconds;
    let recommend_run = if args.basket.baskets {
        let list = args.basket.read_list(&args.file)?;
        read_seconds = started.elapsed().as_secs_f64();
        let inputs = RecommendInputs {
            source: RecommendSource::BasketList(&list),
            segments: None,
            customers: None,
        };
        RecommendJob::new(inputs, params, now_ms).and_then(RecommendJob::finish)
    } else {
        args.basket.refuse_unflagged_list(&args.file)?;
        let (ingested, feature_params) = args.table.read(&args.file, &args.bad_rows)?;
        let lines = purchase_lines(&ingested.table, &feature_params).map_err(|e| e.to_string())?;
        let labels = item_labels(&ingested.table, &feature_params.mapping, &lines);
        // Recommend to the customers of the customer table, as the app does.
        let customers = build_customer_table(&ingested.table, &feature_params, &mut |_| {})
            .map_err(|e| e.to_string())?
            .customers
            .ids;
        read_seconds = started.elapsed().as_secs_f64();
        let inputs = RecommendInputs {
            source: RecommendSource::Lines {
                lines: &lines,
                labels,
            },
            segments: None,
            customers: Some(&customers),
        };
        RecommendJob::new(inputs, params, now_ms).and_then(RecommendJob::finish)
    }
    .map_err(|e| e.to_string())?;
    if let Some(path) = &args.output {
        output::write_file(path, view::recommendations_csv(&recommend_run))?;
    }
    let report = view::view(&recommend_run, 0.0, 0);
    let json = to_json(args, &report, read_seconds);
    output::emit(&json, args.json, |out, json| {
        print_report(out, json, &report)
    })
}

fn metrics(m: &view::Metrics) -> MetricsJson {
    MetricsJson {
        users: m.users,
        hit_rate: round4(m.hit_rate),
        precision: round4(m.precision),
        recall: round4(m.recall),
        map: round4(m.map),
    }
}

fn evaluation_json(rows: &[EvaluationRow], n: usize) -> Vec<EvaluationJson> {
    rows.iter()
        .map(|r| EvaluationJson {
            method: r.method.key(),
            exclude_bought: r.exclude_bought,
            n,
            all_items: metrics(&r.all_items),
            new_items: r.new_items.as_ref().map(metrics),
            seconds: round4(r.seconds),
        })
        .collect()
}

fn to_json(args: &RecommendArgs, report: &RecommendView, read_seconds: f64) -> RecommendJson {
    let evaluation = report.evaluation.as_ref();
    let n = report.params.top;
    let mut notes = report.notes.clone();
    if let Some(why) = &report.no_evaluation {
        notes.push(why.clone());
    }
    RecommendJson {
        file: args.file.display().to_string(),
        source: if report.from_basket_list {
            "basket list"
        } else {
            "purchase lines"
        },
        baskets: report.baskets,
        items: report.items,
        n_customers: report.customers,
        itemsets: report.itemsets,
        rules: report.rules,
        method: report.method.map(Method::key),
        method_reason: report.method_reason.clone(),
        cutoff: evaluation.map(|e| e.cutoff.clone()),
        validation_cutoff: evaluation.and_then(|e| e.validation_cutoff.clone()),
        evaluated_customers: evaluation.map(|e| e.customers),
        evaluation: evaluation.map_or_else(Vec::new, |e| evaluation_json(&e.rows, n)),
        validation: evaluation.map_or_else(Vec::new, |e| evaluation_json(&e.validation, n)),
        cold_start: report.cold_start,
        sample: report
            .first_customers
            .iter()
            .take(TEXT_CUSTOMERS)
            .cloned()
            .collect(),
        read_seconds,
        timings: report.timings,
        notes,
        output: args.output.as_ref().map(|p| p.display().to_string()),
    }
}

fn print_report(
    out: &mut impl Write,
    json: &RecommendJson,
    report: &RecommendView,
) -> std::io::Result<()> {
    writeln!(out, "file        {} ({})", json.file, json.source)?;
    for line in &report.receipt {
        writeln!(out, "baskets     {line}")?;
    }
    writeln!(
        out,
        "rules       {} ({} itemsets)",
        format::thousands(json.rules as u64),
        format::thousands(json.itemsets as u64)
    )?;
    for rule in report.top_rules.iter().take(5) {
        writeln!(
            out,
            "            {} => {}  (confidence {:.3}, lift {:.2})",
            rule.antecedent.join(" + "),
            rule.consequent,
            rule.confidence,
            rule.lift
        )?;
    }
    if let Some(e) = &report.evaluation {
        writeln!(
            out,
            "holdout     {} customers with baskets before and after {} (validation cut {})",
            format::thousands(e.customers as u64),
            e.cutoff,
            e.validation_cutoff.as_deref().unwrap_or("–")
        )?;
        writeln!(
            out,
            "{:<40} {:>9} {:>9} {:>9} {:>9} {:>11}",
            "method (at N)", "hit rate", "precision", "recall", "MAP", "new: hit"
        )?;
        for row in &e.rows {
            writeln!(
                out,
                "{:<40} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>11}",
                format!(
                    "{}{}",
                    row.label,
                    if row.exclude_bought {
                        ", not bought"
                    } else {
                        ""
                    }
                ),
                row.all_items.hit_rate,
                row.all_items.precision,
                row.all_items.recall,
                row.all_items.map,
                row.new_items
                    .map_or("–".to_string(), |m| format!("{:.4}", m.hit_rate))
            )?;
        }
    } else if let Some(why) = &report.no_evaluation {
        writeln!(out, "holdout     {why}")?;
    }
    if report.method.is_some() {
        writeln!(out, "method      {}", report.method_reason)?;
    }
    for customer in &json.sample {
        writeln!(out, "customer    {}", customer.customer)?;
        for (k, item) in customer.items.iter().enumerate() {
            writeln!(out, "  {:>2}. {} — {}", k + 1, item.item, item.reason)?;
        }
    }
    for note in &json.notes {
        writeln!(out, "note        {note}")?;
    }
    if let Some(path) = &json.output {
        writeln!(out, "wrote       {path}")?;
    }
    Ok(())
}
