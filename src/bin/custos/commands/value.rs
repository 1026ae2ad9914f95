//! `custos value`: the Value step of the app (`core::value::run`), so the CLI and the app give
//! the same numbers for the same choices. This module reads the file as the Explore step does
//! (roles and cleaning from the flags), turns flags into [`ValueParams`], drives the same
//! [`ValueJob`] the worker drives, and writes the [`ValueReport`] as text or JSON and the
//! per-customer list as CSV; it does no numeric work.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use serde::Serialize;

use custos::core::customer_table::CustomerSource;
use custos::core::explore::{self, ExploreParams};
use custos::core::features::{FeatureParams, RoleMapping};
use custos::core::format;
use custos::core::ingest::roles::guess_shape;
use custos::core::ingest::TableShape;
use custos::core::prep::PrepParams;
use custos::core::table::{Role, Table};
use custos::core::value::run::{
    ValueInputs, ValueJob, ValueModel, ValueParams, ValueRun, ValueTarget,
};
use custos::core::value::view::{self, BgNbdFit, GammaGammaFit, ValueReport};

use crate::flags::{self, list};
use crate::input::BadRowsArgs;
use crate::output;
use crate::roles::CustomerTableArgs;

/// What each customer is worth, as the app's Value step: BG/NBD + Gamma-Gamma and supervised
/// CLV models, validated on a holdout period.
///
/// FILE is a file of purchase lines (roles detected or named with --customer, --date,
/// --amount …) or a customer file (one row per customer). From purchase lines, per customer
/// from the lines up to the --cutoff date: repeat purchase days, recency and age in days
/// (lifetimes' definitions); BG/NBD (r, alpha per day, a, b) and Gamma-Gamma (p, q, v) are
/// fitted by maximum likelihood and checked on the --horizon-days after the cutoff; the
/// supervised models learn the spend in that window from the customer features up to the
/// cutoff (k-fold CV on a training part, a held-out test part, baselines). From a customer
/// file, only the supervised models run, on a numeric --target column. --json prints the
/// report; -o writes every customer's forecast (purchases, P(alive), spend, CLV, decile).
#[derive(clap::Args)]
pub struct ValueArgs {
    file: PathBuf,
    #[command(flatten)]
    table: CustomerTableArgs,
    /// Last day of the calibration period (included); the holdout window is the
    /// --horizon-days after it (default: the last purchase day minus the horizon).
    #[arg(long, value_name = "YYYY-MM-DD")]
    cutoff: Option<String>,
    /// Days after the cutoff that the models forecast and are checked on.
    #[arg(long, value_name = "N", default_value_t = ValueParams::DEFAULT_HORIZON_DAYS)]
    horizon_days: u32,
    /// Models, comma-separated: bgnbd (BG/NBD + Gamma-Gamma), ridge, tree, rf (random
    /// forest), gbdt (gradient boosting), mlp (neural network). Default: all of them; for a
    /// customer file, all but bgnbd (it needs purchase dates).
    #[arg(long, value_name = "bgnbd,ridge,tree,rf,gbdt,mlp")]
    models: Option<String>,
    /// A customer file: the numeric column the supervised models learn to predict (default:
    /// the only column whose name says it is the customer's value, such as CLV or LTV).
    /// Purchase lines predict the spend in the horizon instead.
    #[arg(long, value_name = "COLUMN")]
    target: Option<String>,
    /// Monthly discount rate of the 12-month CLV (0.01 = 1 % a month).
    #[arg(long, value_name = "RATE", default_value_t = 0.01)]
    discount_monthly: f64,
    /// Feature columns the supervised models leave out, comma-separated.
    #[arg(long, value_name = "a,b,…")]
    exclude: Option<String>,
    /// Train the supervised models on log(1 + target) and predict back.
    #[arg(long)]
    log_target: bool,
    /// Cross-validation folds on the training part.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Share of the customers held out for the test (0 < share < 1).
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// Seed of every random choice (split, folds, forests, network, optimizer starts): same
    /// seed, same numbers.
    #[arg(long, default_value_t = ValueParams::DEFAULT_SEED)]
    seed: u64,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Write every customer's forecast as CSV to this file (highest CLV first).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// `--models` as the core's models; an unknown key is an error naming the valid ones.
fn parse_models(text: &str) -> Result<Vec<ValueModel>, String> {
    let mut models = Vec::new();
    for key in list(text) {
        let model = ValueModel::from_key(&key.to_lowercase()).ok_or_else(|| {
            let keys: Vec<&str> = ValueModel::ALL.iter().map(|m| m.key()).collect();
            format!("--models: '{key}' is unknown: use {}", keys.join(", "))
        })?;
        if !models.contains(&model) {
            models.push(model);
        }
    }
    if models.is_empty() {
        return Err(
            "--models is empty: name at least one of bgnbd, ridge, tree, rf, gbdt, mlp".to_string(),
        );
    }
    Ok(models)
}

/// The flags that need no file, as the core's parameters (the target is set once the file
/// is read).
fn params_from_flags(args: &ValueArgs) -> Result<ValueParams, String> {
    let mut params = ValueParams::new();
    params.cutoff = args
        .cutoff
        .as_deref()
        .map(|text| flags::parse_date("--cutoff", text))
        .transpose()?;
    params.horizon_days = args.horizon_days;
    if let Some(models) = &args.models {
        params.models = parse_models(models)?;
    }
    params.discount_monthly = args.discount_monthly;
    params.exclude = args.exclude.as_deref().map(list).unwrap_or_default();
    params.log_target = args.log_target;
    params.folds = args.folds;
    params.test_fraction = args.test_size;
    params.seed = args.seed;
    Ok(params)
}

/// Give the table the roles the flags chose (detected ones, overridden by the named columns),
/// so its shape is judged as the app judges it after the user set the roles.
fn set_roles(table: &mut Table, mapping: &RoleMapping) -> Result<(), String> {
    let roles = [
        (mapping.customer, Role::CustomerId),
        (mapping.date, Role::Date),
        (mapping.order, Role::OrderId),
        (mapping.quantity, Role::Quantity),
        (mapping.unit_price, Role::UnitPrice),
        (mapping.amount, Role::Amount),
        (mapping.product, Role::Product),
        (mapping.product_id, Role::ProductId),
    ];
    for (column, role) in roles {
        if let Some(index) = column {
            table
                .set_role(index, Some(role))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Wall time of one part of the run, as measured by the CLI.
#[derive(Serialize)]
struct StageSeconds {
    stage: String,
    seconds: f64,
}

/// Time `stages` of the run: consecutive steps with the same label are added up.
fn add_stage(stages: &mut Vec<StageSeconds>, stage: String, ms: f64) {
    let seconds = ms / 1000.0;
    match stages.last_mut() {
        Some(last) if last.stage == stage => last.seconds += seconds,
        _ => stages.push(StageSeconds { stage, seconds }),
    }
}

/// The `--json` body: the core's [`ValueReport`] (the same the app shows) with the file, the
/// `-o` path and the CLI's wall time per stage beside it.
#[derive(Serialize)]
struct ValueJson<'a> {
    file: String,
    /// Customers in the customer table (rows of `-o`).
    customers: usize,
    #[serde(flatten)]
    report: &'a ValueReport,
    /// Wall seconds of each part of the run, in order: reading the file, the customer table,
    /// then each stage of the Value step as the core names it.
    stage_seconds: Vec<StageSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
}

pub fn run(args: &ValueArgs) -> Result<(), String> {
    let mut params = params_from_flags(args)?;
    let mut stages = Vec::new();
    let started = now_ms();
    let (mut ingested, features) = args.table.read(&args.file, &args.bad_rows)?;
    set_roles(&mut ingested.table, &features.mapping)?;
    let table = &ingested.table;
    let shape = guess_shape(table);
    let transactions = match shape.shape {
        TableShape::Transactions => true,
        TableShape::Customers => false,
        TableShape::Unknown => {
            return Err(format!(
                "{} Name the columns with --customer, --date and --amount (custos inspect lists \
                 them).",
                shape.reason
            ))
        }
    };
    add_stage(
        &mut stages,
        "Reading the file".to_string(),
        now_ms() - started,
    );

    let started = now_ms();
    let explore_params = ExploreParams {
        source: if transactions {
            CustomerSource::Transactions
        } else {
            CustomerSource::CustomerFile
        },
        features: features.clone(),
        prep: PrepParams::default(),
    };
    let customers = explore::build(table, &explore_params, &mut |_| {})
        .map_err(|e| e.to_string())?
        .customers;
    let lines: Option<&FeatureParams> = transactions.then_some(&features);
    if args.models.is_none() && !transactions {
        params.models.retain(|&m| m != ValueModel::Bgnbd);
    }
    params.target = target(args, lines, &customers)?;
    add_stage(
        &mut stages,
        "Building the customer table".to_string(),
        now_ms() - started,
    );

    let inputs = ValueInputs {
        table,
        lines,
        customers: &customers,
        purchases: None,
        segments: None,
    };
    let mut job = ValueJob::new(&inputs, params, now_ms).map_err(|e| e.to_string())?;
    loop {
        let stage = job.stage_label();
        let started = now_ms();
        let more = job.step().map_err(|e| e.to_string())?;
        add_stage(&mut stages, stage, now_ms() - started);
        if !more {
            break;
        }
    }
    let started = now_ms();
    let run = job.finish().map_err(|e| e.to_string())?;
    add_stage(
        &mut stages,
        "Assembling the results".to_string(),
        now_ms() - started,
    );
    for stage in &mut stages {
        stage.seconds = (stage.seconds * 1000.0).round() / 1000.0;
    }

    if let Some(path) = &args.output {
        output::write_file(path, view::csv(&run))?;
    }
    let json = ValueJson {
        file: args.file.display().to_string(),
        customers: run.customers.ids.len(),
        report: &run.report,
        stage_seconds: stages,
        output: args.output.as_ref().map(|p| p.display().to_string()),
    };
    output::emit(&json, args.json, |out, json| print_report(out, json, &run))
}

/// What the supervised models predict: the spend in the horizon for purchase lines; for a
/// customer file `--target`, or the only value-named numeric column the app preselects, or an
/// error listing the numeric columns.
fn target(
    args: &ValueArgs,
    lines: Option<&FeatureParams>,
    customers: &custos::core::customer_table::CustomerTable,
) -> Result<ValueTarget, String> {
    if lines.is_some() {
        if let Some(column) = &args.target {
            return Err(format!(
                "--target {column}: this is a file of purchase lines, whose models predict the \
                 spend in the --horizon-days after the cutoff; --target names a column of a \
                 customer file"
            ));
        }
        return Ok(ValueTarget::HorizonSpend);
    }
    if let Some(date) = &args.cutoff {
        return Err(format!(
            "--cutoff {date}: this is read as a customer file (one row per customer), which has \
             no purchase dates to cut; for purchase lines name the columns with --customer and \
             --date"
        ));
    }
    let setup = view::setup(None, customers, false);
    if let Some(column) = &args.target {
        if !setup.numeric_targets.contains(column) {
            return Err(format!(
                "--target: '{column}' is not a numeric column of the customer table ({})",
                numeric_list(&setup.numeric_targets)
            ));
        }
        return Ok(ValueTarget::Column(column.clone()));
    }
    match setup.default_target {
        Some(column) => Ok(ValueTarget::Column(column)),
        None => Err(format!(
            "this is a customer file (one row per customer, no purchase dates): choose the value \
             to predict with --target ({})",
            numeric_list(&setup.numeric_targets)
        )),
    }
}

fn numeric_list(columns: &[String]) -> String {
    if columns.is_empty() {
        return "it has no numeric column".to_string();
    }
    let shown: Vec<&str> = columns.iter().take(15).map(String::as_str).collect();
    format!(
        "numeric columns: {}{}",
        shown.join(", "),
        if columns.len() > 15 { ", …" } else { "" }
    )
}

/// A fitted parameter: 4 significant decimals, scientific when tiny or huge (a boundary fit's
/// a → 0, b → ∞).
fn param(x: f64) -> String {
    let magnitude = x.abs();
    if x != 0.0 && x.is_finite() && !(1e-3..1e6).contains(&magnitude) {
        format!("{x:.4e}")
    } else {
        format!("{x:.4}")
    }
}

fn share(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn print_bgnbd(out: &mut Vec<u8>, title: &str, fit: &BgNbdFit) -> std::io::Result<()> {
    writeln!(
        out,
        "{title:<12}r {}  alpha {} per {}  a {}  b {}  log-likelihood {:.2}  ({} customers)",
        param(fit.r),
        param(fit.alpha),
        if fit.time_unit_days == 1 {
            "day".to_string()
        } else {
            format!("{} days", fit.time_unit_days)
        },
        param(fit.a),
        param(fit.b),
        fit.log_likelihood,
        format::thousands(fit.customers as u64)
    )?;
    if let Some(boundary) = &fit.boundary {
        writeln!(out, "{:<12}{boundary}", "")?;
    }
    Ok(())
}

fn print_gamma_gamma(out: &mut Vec<u8>, title: &str, fit: &GammaGammaFit) -> std::io::Result<()> {
    writeln!(
        out,
        "{title:<12}p {}  q {}  v {}  log-likelihood {:.2}  ({} repeat buyers)",
        param(fit.p),
        param(fit.q),
        param(fit.v),
        fit.log_likelihood,
        format::thousands(fit.customers as u64)
    )?;
    writeln!(
        out,
        "{:<12}mean spend per purchase p·v/(q−1) = {}; frequency–spend correlation {:.3}",
        "",
        format::number(fit.population_mean),
        fit.frequency_spend_correlation
    )
}

fn print_report(out: &mut Vec<u8>, json: &ValueJson<'_>, run: &ValueRun) -> std::io::Result<()> {
    let r = json.report;
    writeln!(out, "file        {}", json.file)?;
    writeln!(
        out,
        "customers   {}",
        format::thousands(json.customers as u64)
    )?;
    if let Some(cutoff) = &r.cutoff {
        writeln!(
            out,
            "cutoff      {cutoff} (the calibration period ends that day, included)"
        )?;
        writeln!(
            out,
            "horizon     {} days, to {}{}",
            r.horizon_days,
            r.holdout_end.as_deref().unwrap_or("?"),
            if r.holdout_complete {
                ""
            } else {
                " (past the end of the data: forecasts only, no holdout check)"
            }
        )?;
    }
    writeln!(
        out,
        "discount    {} a month (12-month CLV); seed {}",
        share(r.discount_monthly),
        r.seed
    )?;
    for line in r.receipt.iter().filter(|l| l.enabled) {
        writeln!(out, "lines       {}: {}", line.title, line.detail)?;
    }

    if r.bgnbd.is_some() || r.gamma_gamma.is_some() {
        writeln!(out)?;
    }
    if let Some(fit) = &r.bgnbd {
        print_bgnbd(out, "BG/NBD", fit)?;
    }
    if let Some(fit) = &r.gamma_gamma {
        print_gamma_gamma(out, "Gamma-Gamma", fit)?;
    }
    if let Some(h) = &r.holdout {
        writeln!(out)?;
        let spend = match (h.predicted_spend, h.actual_spend) {
            (Some(p), Some(a)) => format!(
                "; spend predicted {}, actual {}",
                format::number(p),
                format::number(a)
            ),
            _ => String::new(),
        };
        writeln!(
            out,
            "holdout     {} customers: purchases predicted {}, actual {}{spend}",
            format::thousands(h.customers as u64),
            format::number(h.predicted_purchases),
            format::number(h.actual_purchases)
        )?;
        if h.new_customers > 0 {
            writeln!(
                out,
                "            {} customers first bought in the holdout window (not modelled){}",
                format::thousands(h.new_customers as u64),
                h.new_customers_spend
                    .map(|s| format!(", spending {}", format::number(s)))
                    .unwrap_or_default()
            )?;
        }
        writeln!(
            out,
            "  {:<34} {:<9} {:>13} {:>13} {:>10} {:>10} {:>7} {:>8}",
            "predictor", "of", "Σ predicted", "Σ actual", "MAE", "RMSE", "R²", "Spearman"
        )?;
        for row in &h.rows {
            writeln!(
                out,
                "  {:<34} {:<9} {:>13} {:>13} {:>10.4} {:>10.4} {:>7.4} {:>8.4}",
                row.predictor,
                row.quantity,
                format::number(row.predicted_total),
                format::number(row.actual_total),
                row.mae,
                row.rmse,
                row.r2,
                row.spearman
            )?;
        }
    }
    if !r.top_share.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "share of the holdout spend captured by the top customers, as ranked by"
        )?;
        writeln!(out, "  {:<44} {:>8} {:>8}", "", "top 10 %", "top 20 %")?;
        for row in &r.top_share {
            writeln!(
                out,
                "  {:<44} {:>8} {:>8}",
                row.ranking,
                share(row.top10),
                share(row.top20)
            )?;
        }
    }
    if let Some(s) = &r.supervised {
        writeln!(out)?;
        writeln!(out, "target      {}", s.target)?;
        writeln!(
            out,
            "split       {} train, {} test; {}-fold CV on the train part; {} feature{}",
            format::thousands(s.train_rows as u64),
            format::thousands(s.test_rows as u64),
            s.folds,
            s.features.len(),
            if s.features.len() == 1 { "" } else { "s" }
        )?;
        writeln!(
            out,
            "  {:<52} {:>19} {:>8} {:>10} {:>10} {:>7} {:>8} {:>7}",
            "model", "CV RMSE", "CV R²", "test MAE", "test RMSE", "R²", "Spearman", "fit s"
        )?;
        let cell = |x: Option<f64>, decimals: usize| {
            x.map(|x| format!("{x:.decimals$}"))
                .unwrap_or_else(|| "–".to_string())
        };
        for row in &s.leaderboard {
            let cv_rmse = match (row.cv_rmse, row.cv_rmse_sd) {
                (Some(m), Some(sd)) => format!("{m:.1} ± {sd:.1}"),
                (m, _) => cell(m, 1),
            };
            writeln!(
                out,
                "  {:<52} {:>19} {:>8} {:>10.2} {:>10.2} {:>7.4} {:>8} {:>7.3}",
                if row.baseline && !row.label.starts_with("Baseline") {
                    format!("{} (baseline)", row.label)
                } else {
                    row.label.clone()
                },
                cv_rmse,
                cell(row.cv_r2, 4),
                row.test_mae,
                row.test_rmse,
                row.test_r2,
                cell(row.test_spearman, 4),
                row.fit_seconds
            )?;
        }
        if let Some(best) = &s.best {
            let settings = s
                .leaderboard
                .iter()
                .find(|row| &row.key == best)
                .map(|row| format!("{} ({})", row.label, row.settings))
                .unwrap_or_else(|| best.clone());
            writeln!(out, "best        {settings}, chosen by CV")?;
        }
        if !s.importance.is_empty() {
            let top: Vec<String> = s
                .importance
                .iter()
                .take(5)
                .map(|(name, drop, _)| format!("{name} (R² −{drop:.3})"))
                .collect();
            writeln!(out, "importance  {}", top.join(", "))?;
        }
    }
    if r.forecast_bgnbd.is_some() || r.forecast_gamma_gamma.is_some() {
        writeln!(out)?;
        writeln!(
            out,
            "forecast    refitted on the whole period, for the {} days after the last purchase day",
            r.horizon_days
        )?;
    }
    if let Some(fit) = &r.forecast_bgnbd {
        print_bgnbd(out, "  BG/NBD", fit)?;
    }
    if let Some(fit) = &r.forecast_gamma_gamma {
        print_gamma_gamma(out, "  Gamma-G.", fit)?;
    }
    if !r.notes.is_empty() {
        writeln!(out)?;
    }
    for note in &r.notes {
        writeln!(out, "note        {note}")?;
    }
    if let Some(path) = &json.output {
        writeln!(out)?;
        writeln!(
            out,
            "output      {path}: {} customers, columns {}",
            format::thousands(run.customers.ids.len() as u64),
            view::header(run).join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos::core::receipt::ReceiptUnit;
    use custos::core::value::run::{ValueColumn, ValueCustomers};

    /// A finished run as the core reports it: Online Retail's anchors (a boundary BG/NBD fit).
    /// Read from JSON, so fields the core adds later (with a default) do not break the test.
    fn run() -> ValueRun {
        let bgnbd = serde_json::json!({
            "r": 0.7224, "alpha": 65.873, "a": 2.345e-6, "b": 46_616.17,
            "log_likelihood": -37_395.84, "time_unit_days": 1, "customers": 3_370,
            "boundary": "Nobody seems to drop out (a → 0, b → ∞).",
        });
        let row = |key: &str, baseline: bool| {
            let cv = (!baseline).then_some(1.0);
            serde_json::json!({
                "key": key, "label": key, "baseline": baseline,
                "cv_rmse": cv.map(|x| x * 7_100.0), "cv_rmse_sd": cv.map(|x| x * 900.0),
                "cv_r2": cv.map(|x| x * 0.3), "cv_r2_sd": cv.map(|x| x * 0.2),
                "test_mae": 1_065.0, "test_rmse": 7_199.6, "test_r2": 0.2036,
                "test_spearman": 0.31, "fit_seconds": 0.012, "settings": "alpha 1",
            })
        };
        let report: ValueReport = serde_json::from_value(serde_json::json!({
            "cutoff": "2011-09-10", "horizon_days": 90, "holdout_end": "2011-12-09",
            "holdout_complete": true, "discount_monthly": 0.01, "seed": 42,
            "receipt": [{
                "step": "purchase_days", "title": "Purchase days", "enabled": true,
                "touched": 397_884, "unit": ReceiptUnit::Lines,
                "detail": "returns are not purchase days",
            }],
            "bgnbd": bgnbd,
            "gamma_gamma": {
                "p": 2.3287, "q": 3.3454, "v": 413.78, "log_likelihood": -13_367.0,
                "customers": 1_956, "population_mean": 410.83,
                "frequency_spend_correlation": 0.1054,
            },
            "holdout": {
                "customers": 3_370, "predicted_purchases": 3_326.1, "actual_purchases": 4_482.0,
                "predicted_spend": 1_574_288.0, "actual_spend": 2_851_873.0,
                "new_customers": 968, "new_customers_spend": 604_129.41,
                "rows": [{
                    "predictor": "BG/NBD", "quantity": "purchases", "predicted_total": 3_326.1,
                    "actual_total": 4_482.0, "mae": 0.9414, "rmse": 1.525, "r2": 0.6,
                    "spearman": 0.4974,
                }],
            },
            "top_share": [{"ranking": "Predicted CLV", "top10": 0.5249, "top20": 0.6517}],
            "supervised": {
                "target": "Spend in the 90 days after 2011-09-10", "train_rows": 2_696,
                "test_rows": 674, "folds": 5, "features": ["monetary"],
                "leaderboard": [row("ridge", false), row("mean", true)], "best": "ridge",
                "importance": [["monetary", 0.125, 0.01]],
            },
            "forecast_bgnbd": bgnbd,
            "forecast_gamma_gamma": null,
            "notes": ["968 customers first bought after the cutoff."],
        }))
        .unwrap();
        ValueRun {
            report,
            customers: ValueCustomers {
                id_name: "CustomerID".to_string(),
                ids: vec!["12346".to_string(), "12347".to_string()],
                columns: vec![ValueColumn {
                    title: "clv_90d".to_string(),
                    decimals: 2,
                    values: vec![Some(10.0), None],
                }],
                default_sort: Some(0),
            },
            charts: Vec::new(),
            model_charts: Vec::new(),
            importance_chart: None,
        }
    }

    #[test]
    fn the_text_report_says_the_fits_the_holdout_and_the_leaderboard() {
        let run = run();
        let json = ValueJson {
            file: "online_retail.csv".to_string(),
            customers: 2,
            report: &run.report,
            stage_seconds: Vec::new(),
            output: Some("value.csv".to_string()),
        };
        let mut out = Vec::new();
        print_report(&mut out, &json, &run).unwrap();
        let text = String::from_utf8(out).unwrap();
        for needle in [
            "cutoff      2011-09-10",
            "discount    1.0 % a month (12-month CLV); seed 42",
            "5-fold CV on the train part; 1 feature\n",
            "horizon     90 days, to 2011-12-09",
            "BG/NBD      r 0.7224  alpha 65.8730 per day  a 2.3450e-6  b 46616.1700",
            "Nobody seems to drop out",
            "Gamma-Gamma p 2.3287  q 3.3454  v 413.7800  log-likelihood -13367.00  (1,956 repeat buyers)",
            "purchases predicted 3,326.1, actual 4,482",
            "968 customers first bought in the holdout window",
            "Predicted CLV",
            "52.5 %",
            "ridge",
            "mean (baseline)",
            "best        ridge (alpha 1), chosen by CV",
            "importance  monetary (R² −0.125)",
            "output      value.csv: 2 customers, columns CustomerID, clv_90d",
        ] {
            assert!(text.contains(needle), "{needle:?} not in\n{text}");
        }
        // The JSON keeps the report's keys at the top, beside the CLI's own.
        let value = serde_json::to_value(&json).unwrap();
        assert_eq!(value["bgnbd"]["time_unit_days"], 1);
        assert_eq!(value["holdout"]["customers"], 3_370);
        assert_eq!(value["customers"], 2);
        let back: ValueReport = serde_json::from_value(value).unwrap();
        assert_eq!(back, run.report);
    }

    #[test]
    fn models_parse_with_the_valid_keys_named() {
        assert_eq!(
            parse_models("bgnbd, RF,bgnbd").unwrap(),
            [ValueModel::Bgnbd, ValueModel::Rf]
        );
        let err = parse_models("bgnbd,xgb").unwrap_err();
        assert!(err.contains("'xgb' is unknown: use bgnbd, ridge, tree, rf, gbdt, mlp"));
        assert!(parse_models(" , ").unwrap_err().contains("empty"));
    }
}
