//! `custos rules`: frequent itemsets (FP-growth) and association rules
//! (`core::recommend::{fpgrowth, rules}`) from the baskets of a file of purchase lines (one per
//! order, or per customer and day without an order column) or of a basket-list file (one
//! basket per line, `--baskets`). Counted as R's arules counts them: single-item consequents,
//! thresholds inclusive. It does no numeric work of its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use custos::core::csv_out::CsvWriter;
use custos::core::features::purchase_lines;
use custos::core::format;
use custos::core::ingest::Delimiter;
use custos::core::recommend::basket_list::read_basket_list;
use custos::core::recommend::baskets::{baskets_from_lines, item_labels, Baskets, ServiceItems};
use custos::core::recommend::fpgrowth::FpGrowthParams;
use custos::core::recommend::rules::{AssociationRules, RulesParams};

use crate::input::{self, BadRowsArgs};
use crate::output::{self, round4};
use crate::roles::CustomerTableArgs;

/// Rules shown by the text report (all of them go to --json and -o).
const TEXT_RULES: usize = 20;

/// Which products go together: frequent itemsets (FP-growth) and association rules
/// "customers who buy X also buy Y", with support, confidence, lift, leverage and conviction.
///
/// FILE is a file of purchase lines (baskets = orders, or customer-days without an order
/// column; items = the product column; roles detected or named with --customer, --date,
/// --order, --product …; returns left out as the Explore step leaves them out) or, with
/// --baskets, a basket list: one basket per line, items separated by --delimiter (comma by
/// default), lines of any length (arules' `read.transactions(format = "basket")`). A rule
/// has one item on its right-hand side (as arules counts them); an itemset or rule is kept
/// when its support or confidence is at least the threshold. Best rules first (lift, then
/// support). --json prints every rule; -o writes them as CSV.
#[derive(clap::Args)]
pub struct RulesArgs {
    file: PathBuf,
    #[command(flatten)]
    basket: BasketArgs,
    #[command(flatten)]
    table: CustomerTableArgs,
    /// Print every rule as JSON instead of the text report.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Write every rule as CSV to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Where the baskets come from and the rules' thresholds (shared with `custos recommend`).
#[derive(clap::Args)]
pub struct BasketArgs {
    /// Read FILE as a basket list: one basket per line, items separated by --delimiter.
    #[arg(long)]
    pub baskets: bool,
    /// The basket list's item separator: comma, semicolon, tab, pipe or whitespace.
    #[arg(long, requires = "baskets", default_value = "comma")]
    pub delimiter: String,
    /// Least share of the baskets an itemset must be in (0 < share ≤ 1, inclusive).
    #[arg(long, default_value_t = 0.01)]
    pub min_support: f64,
    /// Least confidence of a rule (0…1, inclusive).
    #[arg(long, default_value_t = 0.25)]
    pub min_confidence: f64,
    /// Most items in an itemset (a rule's both sides together).
    #[arg(long, default_value_t = 4)]
    pub max_len: usize,
    /// Keep service lines (postage, carriage, fees, discounts, manual adjustments) in the
    /// baskets; by default they are left out: no one should be offered postage.
    #[arg(long)]
    pub keep_service_lines: bool,
}

impl BasketArgs {
    /// The basket list's delimiter, or an error naming the known ones.
    pub fn delimiter(&self) -> Result<Delimiter, String> {
        Delimiter::from_name(&self.delimiter).ok_or_else(|| {
            format!(
                "unknown delimiter '{}': use comma, semicolon, tab, pipe or whitespace",
                self.delimiter
            )
        })
    }

    /// The basket list at `path`, read with --delimiter.
    pub fn read_list(&self, path: &Path) -> Result<Baskets, String> {
        let delimiter = self.delimiter()?;
        let text = input::read_basket_text(path)?;
        read_basket_list(&text, delimiter).map_err(|e| e.to_string())
    }

    /// Refuse a file that looks like a basket list when --baskets is not given.
    pub fn refuse_unflagged_list(&self, path: &Path) -> Result<(), String> {
        if !self.baskets && input::looks_like_basket_file(path) {
            return Err(format!(
                "{} looks like a basket list (one basket per line, lines of different lengths, \
                 no header): add --baskets to read it so",
                path.display()
            ));
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct RuleJson {
    antecedent: Vec<String>,
    consequent: String,
    support: f64,
    confidence: f64,
    lift: f64,
    leverage: f64,
    /// `null` when the confidence is 1 (infinite conviction).
    conviction: Option<f64>,
    /// Baskets holding both sides.
    count: u64,
}

#[derive(Serialize)]
struct RulesJson {
    file: String,
    /// "basket list" or "purchase lines".
    source: &'static str,
    baskets: usize,
    items: usize,
    min_support: f64,
    /// The least number of baskets the support threshold means.
    min_count: u64,
    min_confidence: f64,
    max_len: usize,
    /// Frequent itemsets (of any length).
    itemsets: usize,
    rules: Vec<RuleJson>,
    /// FP-growth and the rules, wall seconds.
    fit_seconds: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
}

pub fn run(args: &RulesArgs) -> Result<(), String> {
    let itemset_params = FpGrowthParams {
        max_len: Some(args.basket.max_len),
        ..FpGrowthParams::new(args.basket.min_support)
    };
    itemset_params
        .check()
        .map_err(|e| format!("--min-support / --max-len: {e}"))?;
    let rule_params = RulesParams::new(args.basket.min_confidence);
    rule_params
        .check()
        .map_err(|e| format!("--min-confidence: {e}"))?;
    let (mut baskets, source, mut notes) = if args.basket.baskets {
        (
            args.basket.read_list(&args.file)?,
            "basket list",
            Vec::new(),
        )
    } else {
        line_baskets(args)?
    };
    if !args.basket.keep_service_lines {
        if let Some(left_out) = ServiceItems::find(&baskets) {
            notes.push(left_out.note(&baskets, "--keep-service-lines"));
            baskets = baskets.without_items(&left_out.drop).0;
        }
    }

    let started = Instant::now();
    let itemsets = itemset_params.fit(&baskets).map_err(|e| e.to_string())?;
    let rules = rule_params
        .fit(&itemsets, &baskets.items)
        .map_err(|e| e.to_string())?;
    let fit_seconds = started.elapsed().as_secs_f64();

    if let Some(path) = &args.output {
        output::write_file(path, rules_csv(&rules, &baskets.items))?;
    }
    let json = RulesJson {
        file: args.file.display().to_string(),
        source,
        baskets: baskets.n_baskets(),
        items: baskets.n_items(),
        min_support: args.basket.min_support,
        min_count: itemsets.min_count(),
        min_confidence: args.basket.min_confidence,
        max_len: args.basket.max_len,
        itemsets: itemsets.len(),
        rules: rules
            .rules
            .iter()
            .map(|r| RuleJson {
                antecedent: r
                    .antecedent
                    .iter()
                    .map(|&i| item_name(&baskets.items, i))
                    .collect(),
                consequent: item_name(&baskets.items, r.consequent),
                support: round4(r.support),
                confidence: round4(r.confidence),
                lift: round4(r.lift),
                leverage: round4(r.leverage),
                conviction: r.conviction.is_finite().then(|| round4(r.conviction)),
                count: r.count,
            })
            .collect(),
        fit_seconds,
        notes,
        output: args.output.as_ref().map(|p| p.display().to_string()),
    };
    output::emit(&json, args.json, |out, json| {
        print_report(out, json, &rules, &baskets.items)
    })
}

/// The baskets of a file of purchase lines; a file that looks like a basket list is refused
/// with the flag that reads it.
fn line_baskets(args: &RulesArgs) -> Result<(Baskets, &'static str, Vec<String>), String> {
    args.basket.refuse_unflagged_list(&args.file)?;
    let (ingested, params) = args.table.read(&args.file, &args.bad_rows)?;
    let lines = purchase_lines(&ingested.table, &params).map_err(|e| e.to_string())?;
    let mut made = baskets_from_lines(&lines, None).map_err(|e| e.to_string())?;
    made.baskets.items = item_labels(&ingested.table, &params.mapping, &lines);
    let mut notes = vec![format!(
        "{} baskets from {} purchase lines (items: '{}'); {} return lines and lines of orders \
         returned in full left out",
        format::thousands(made.baskets.n_baskets() as u64),
        format::thousands(made.lines_used as u64),
        lines.product_name.as_deref().unwrap_or("product"),
        format::thousands(made.returns_left_out as u64),
    )];
    if made.without_product > 0 {
        notes.push(format!(
            "{} lines without a product left out",
            format::thousands(made.without_product as u64)
        ));
    }
    Ok((made.baskets, "purchase lines", notes))
}

fn item_name(items: &[String], code: u32) -> String {
    items
        .get(code as usize)
        .cloned()
        .unwrap_or_else(|| format!("item {code}"))
}

/// Every rule as CSV; item names are text cells (never a live formula).
fn rules_csv(rules: &AssociationRules, items: &[String]) -> String {
    let mut csv = CsvWriter::new();
    for title in [
        "antecedent",
        "consequent",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
        "count",
    ] {
        csv.text(title);
    }
    csv.end_row();
    for rule in &rules.rules {
        let antecedent: Vec<String> = rule
            .antecedent
            .iter()
            .map(|&i| item_name(items, i))
            .collect();
        csv.text(&antecedent.join(" & "))
            .text(&item_name(items, rule.consequent))
            .number(round4(rule.support))
            .number(round4(rule.confidence))
            .number(round4(rule.lift))
            .number(round4(rule.leverage))
            .number(round4(rule.conviction))
            .number(rule.count as f64)
            .end_row();
    }
    csv.finish()
}

fn print_report(
    out: &mut impl Write,
    json: &RulesJson,
    rules: &AssociationRules,
    items: &[String],
) -> std::io::Result<()> {
    writeln!(out, "file        {} ({})", json.file, json.source)?;
    writeln!(
        out,
        "baskets     {} of {} items",
        format::thousands(json.baskets as u64),
        format::thousands(json.items as u64)
    )?;
    writeln!(
        out,
        "itemsets    {} with support ≥ {} (≥ {} baskets), at most {} items",
        format::thousands(json.itemsets as u64),
        json.min_support,
        format::thousands(json.min_count),
        json.max_len
    )?;
    writeln!(
        out,
        "rules       {} with confidence ≥ {} (one item on the right), in {:.3} s",
        format::thousands(rules.len() as u64),
        json.min_confidence,
        json.fit_seconds
    )?;
    for note in &json.notes {
        writeln!(out, "note        {note}")?;
    }
    if rules.is_empty() {
        writeln!(
            out,
            "No rule reaches these thresholds: lower --min-support or --min-confidence."
        )?;
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<58} {:>8} {:>10} {:>7}",
        "rule", "support", "confidence", "lift"
    )?;
    for rule in rules.rules.iter().take(TEXT_RULES) {
        writeln!(
            out,
            "{:<58} {:>8.4} {:>10.4} {:>7.3}",
            rule.text(items),
            rule.support,
            rule.confidence,
            rule.lift
        )?;
    }
    if rules.len() > TEXT_RULES {
        writeln!(
            out,
            "… {} more (--json or -o for all of them)",
            format::thousands((rules.len() - TEXT_RULES) as u64)
        )?;
    }
    Ok(())
}
