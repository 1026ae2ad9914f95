//! `custos predict`: the Predict step of the app (`core::predict::run`), so the CLI and the
//! app give the same models and numbers for the same choices. This module turns flags into
//! [`PredictParams`] and the [`PredictReport`] into text or JSON; it does no numeric work.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use serde::Serialize;

use custos::core::customer_table::{CustomerSource, CustomerTable};
use custos::core::explore;
use custos::core::format;
use custos::core::predict::balance::Balance;
use custos::core::predict::chance::ChanceWarning;
use custos::core::predict::derived::{
    self, DerivedError, DerivedKind, DerivedSummary, DerivedTarget,
};
use custos::core::predict::leakage::LeakageWarning;
use custos::core::predict::run::{self, PredictParams, PredictReport};
use custos::core::predict::search::{ModelKind, SearchMode};
use custos::core::predict::target::{self, TargetSpec};
use custos::core::predict::view;

use crate::flags::{self, list};
use crate::input::{self, BadRowsArgs};
use crate::output::{self, round4};

/// Train and evaluate purchase / churn / response models, as the app's Predict step.
///
/// FILE is a customer file (one row per customer) or a file of purchase lines (the
/// customer table is built from the detected roles). The target is a column
/// (--target), or for purchase lines a target derived from them (--derive churn,
/// repeat or high-spender): features from the lines up to a cutoff date only, the label
/// from the --window-days after it. A stratified test share is held out;
/// preprocessing, balancing and the hyperparameter search are fitted inside stratified
/// cross-validation folds of the rest. Per model and balance: CV ROC-AUC mean ± sd,
/// test ROC-AUC, PR-AUC, accuracy, precision, recall, F1 and the confusion matrix at the
/// threshold with the best out-of-fold F1, and fit time.
#[derive(clap::Args)]
pub struct PredictArgs {
    file: PathBuf,
    /// The column to predict, named as in the file (e.g. Revenue, Churn, y, Response).
    /// Without it (and without --derive), the one column whose name says it is the
    /// outcome is taken, as the app preselects it; when no column or several do, the
    /// command fails listing the columns to choose from.
    #[arg(long, conflicts_with = "derive")]
    target: Option<String>,
    /// The value of the target that is the positive outcome (default: yes / true / 1
    /// when the column has one, else the rarer value). With it, a column with more than
    /// two values is predicted as this value against all the others.
    #[arg(long, conflicts_with = "derive")]
    positive: Option<String>,
    /// A target derived from purchase lines instead of a column: churn (no order in
    /// the window after the cutoff), buys-again (every customer: at least one order in
    /// the window), one-time-returns (customers with exactly one order up to the
    /// cutoff: a second order in the window) or high-spender (spend in the window among
    /// the top --top-percent of customers). Features use only the lines up to the
    /// cutoff.
    #[arg(long, value_name = "churn|buys-again|one-time-returns|high-spender")]
    derive: Option<String>,
    /// --derive: the last day whose purchases feed the features (default: the last
    /// purchase date minus --window-days).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "derive")]
    cutoff: Option<String>,
    /// --derive: days after the cutoff that decide the label (default: 90).
    #[arg(long, value_name = "N", requires = "derive")]
    window_days: Option<u32>,
    /// --derive high-spender: the share of customers, in %, that counts as high
    /// spenders (default: 20).
    #[arg(long, value_name = "X", requires = "derive")]
    top_percent: Option<f64>,
    /// Feature columns to leave out, comma-separated (e.g. duration). Columns of the file
    /// that are no feature anyway (the id, the target, text) are accepted with a note.
    #[arg(long, value_name = "a,b,…")]
    exclude: Option<String>,
    /// Models, comma-separated: lr (logistic regression), tree, rf (random forest),
    /// gbdt (gradient boosting).
    #[arg(
        long,
        value_name = "lr,tree,rf,gbdt",
        default_value = "lr,tree,rf,gbdt"
    )]
    models: String,
    /// Imbalance handling, comma-separated (each model is fitted once per choice):
    /// none, smote, weights (balanced class weights).
    #[arg(long, value_name = "none,smote,weights", default_value = "none")]
    balance: String,
    /// SMOTE: neighbours per synthetic customer.
    #[arg(long, default_value_t = 5)]
    smote_k: usize,
    /// SMOTE: minority ÷ majority after resampling (0 < ratio ≤ 1).
    #[arg(long, default_value_t = 1.0)]
    smote_ratio: f64,
    /// Cross-validation folds on the training part.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Share of the customers held out for the test (0 < share < 1).
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// Hyperparameter search: defaults (one setting per model), grid, or random:N.
    #[arg(long, default_value = "defaults")]
    search: String,
    /// Do not log-transform skewed features before scaling.
    #[arg(long)]
    no_log: bool,
    /// Seed of every random choice (split, folds, SMOTE, forests): same seed, same numbers.
    #[arg(long, default_value_t = PredictParams::DEFAULT_SEED)]
    seed: u64,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Write every customer with the top model's probability, most likely first (id,
    /// known outcome, probability, part: train / test / unlabelled) as CSV to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn parse_search(text: &str) -> Result<SearchMode, String> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "defaults" | "default" => Ok(SearchMode::Defaults),
        "grid" => Ok(SearchMode::Grid),
        _ => match t.strip_prefix("random:").map(|n| n.trim().parse::<usize>()) {
            Some(Ok(n)) if n > 0 => Ok(SearchMode::Random { candidates: n }),
            _ => Err(format!(
                "--search '{text}' is unknown: use defaults, grid or random:N (N ≥ 1)"
            )),
        },
    }
}

/// `--derive` and its options.
fn derived_from_flags(args: &PredictArgs) -> Result<Option<DerivedTarget>, String> {
    let Some(name) = &args.derive else {
        return Ok(None);
    };
    let mut kind = DerivedKind::from_key(name).map_err(|e| format!("--derive {e}"))?;
    match (&mut kind, args.top_percent) {
        (DerivedKind::HighSpender { top_percent }, Some(wanted)) => *top_percent = wanted,
        (_, Some(_)) => {
            return Err("--top-percent applies only to --derive high-spender".to_string())
        }
        _ => {}
    }
    let cutoff = args
        .cutoff
        .as_deref()
        .map(|text| flags::parse_date("--cutoff", text))
        .transpose()?;
    Ok(Some(DerivedTarget {
        kind,
        cutoff,
        window_days: args.window_days.unwrap_or(derived::DEFAULT_WINDOW_DAYS),
    }))
}

fn params_from_flags(args: &PredictArgs) -> Result<PredictParams, String> {
    let models = list(&args.models)
        .iter()
        .map(|m| {
            ModelKind::from_key(m)
                .ok_or_else(|| format!("--models: '{m}' is unknown: use lr, tree, rf or gbdt"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let balances = list(&args.balance)
        .iter()
        .map(|b| {
            Balance::from_key(b)
                .ok_or_else(|| format!("--balance: '{b}' is unknown: use none, smote or weights"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut params = PredictParams::new(TargetSpec {
        column: args.target.clone().unwrap_or_default(),
        positive: args.positive.clone(),
    });
    params.derived = derived_from_flags(args)?;
    params.exclude = args.exclude.as_deref().map(list).unwrap_or_default();
    params.models = models;
    params.balances = balances;
    params.smote_k = args.smote_k;
    params.smote_ratio = args.smote_ratio;
    params.folds = args.folds;
    params.test_fraction = args.test_size;
    params.search = parse_search(&args.search)?;
    params.seed = args.seed;
    params.design.log_skewed = !args.no_log;
    Ok(params)
}

#[derive(Serialize)]
struct ConfusionJson {
    tp: usize,
    fp: usize,
    tn: usize,
    #[serde(rename = "fn")]
    fn_: usize,
}

#[derive(Serialize)]
struct ImportanceJson {
    feature: String,
    auc_drop: f64,
    sd: f64,
}

#[derive(Serialize)]
struct ModelJson {
    rank: usize,
    /// lr, tree, rf, gbdt.
    model: &'static str,
    /// none, smote, weights.
    balance: &'static str,
    params: String,
    note: Option<String>,
    cv_roc_auc_mean: f64,
    cv_roc_auc_sd: f64,
    cv_roc_auc_folds: Vec<f64>,
    /// Every hyperparameter setting tried: (params, CV AUC mean, sd).
    search: Vec<(String, f64, f64)>,
    test_roc_auc: f64,
    test_pr_auc: f64,
    /// Chosen on the out-of-fold scores (best F1), not on the test part.
    threshold: f64,
    accuracy: f64,
    precision: f64,
    recall: f64,
    f1: f64,
    mcc: f64,
    confusion: ConfusionJson,
    /// Share of the test part's positives captured by contacting its top 20 %.
    captured_top_20: f64,
    fit_seconds: f64,
    predict_seconds: f64,
    cv_fit_seconds_mean: f64,
    importance: Vec<ImportanceJson>,
}

#[derive(Serialize)]
struct PredictJson {
    file: String,
    target: String,
    positive: String,
    negative: String,
    train_rows: usize,
    train_positives: usize,
    test_rows: usize,
    test_positives: usize,
    folds: usize,
    test_size: f64,
    search: String,
    seed: u64,
    features: Vec<String>,
    encoded_columns: usize,
    leakage: Vec<LeakageWarning>,
    notes: Vec<String>,
    /// Set when the best model is within noise of a coin toss (or barely better).
    chance_warning: Option<ChanceWarning>,
    /// The leaderboard: best mean CV ROC-AUC first.
    models: Vec<ModelJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    /// --derive: the cutoff, window and counts of the derived target.
    #[serde(skip_serializing_if = "Option::is_none")]
    derived: Option<DerivedSummary>,
}

fn report_json(
    args: &PredictArgs,
    r: &PredictReport,
    derived: Option<DerivedSummary>,
) -> PredictJson {
    PredictJson {
        derived,
        file: args.file.display().to_string(),
        target: r.target.clone(),
        positive: r.positive.clone(),
        negative: r.negative.clone(),
        train_rows: r.n_train,
        train_positives: r.train_positives,
        test_rows: r.n_test,
        test_positives: r.test_positives,
        folds: r.params.folds,
        test_size: r.params.test_fraction,
        search: args.search.clone(),
        seed: r.params.seed,
        features: r.features.clone(),
        encoded_columns: r.columns.len(),
        leakage: r.leakage.warnings.clone(),
        notes: r.notes.clone(),
        chance_warning: r.chance_warning.clone().map(|w| ChanceWarning {
            cv_auc_mean: round4(w.cv_auc_mean),
            noise: round4(w.noise),
            ..w
        }),
        models: r
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let c = &m.test_confusion;
                ModelJson {
                    rank: i + 1,
                    model: m.model.key(),
                    balance: m.balance.key(),
                    params: m.params.clone(),
                    note: m.note.clone(),
                    cv_roc_auc_mean: round4(m.cv_auc_mean),
                    cv_roc_auc_sd: round4(m.cv_auc_sd),
                    cv_roc_auc_folds: m.cv_auc_folds.iter().map(|&a| round4(a)).collect(),
                    search: m
                        .candidates
                        .iter()
                        .map(|c| (c.params.clone(), round4(c.cv_auc_mean), round4(c.cv_auc_sd)))
                        .collect(),
                    test_roc_auc: round4(m.test_auc),
                    test_pr_auc: round4(m.test_average_precision),
                    threshold: round4(m.threshold),
                    accuracy: round4(c.accuracy()),
                    precision: round4(c.precision()),
                    recall: round4(c.recall()),
                    f1: round4(c.f1()),
                    mcc: round4(c.mcc()),
                    confusion: ConfusionJson {
                        tp: c.tp,
                        fp: c.fp,
                        tn: c.tn,
                        fn_: c.fn_,
                    },
                    captured_top_20: round4(m.gain.capture_at(0.2)),
                    fit_seconds: (m.fit_seconds * 1000.0).round() / 1000.0,
                    predict_seconds: (m.predict_seconds * 1000.0).round() / 1000.0,
                    cv_fit_seconds_mean: (m.cv_fit_seconds_mean * 1000.0).round() / 1000.0,
                    importance: m
                        .importance
                        .iter()
                        .map(|i| ImportanceJson {
                            feature: i.name.clone(),
                            auc_drop: round4(i.mean_drop),
                            sd: round4(i.std_drop),
                        })
                        .collect(),
                }
            })
            .collect(),
        output: args.output.as_ref().map(|p| p.display().to_string()),
    }
}

fn print_report(out: &mut Vec<u8>, r: &PredictJson) -> std::io::Result<()> {
    writeln!(out, "file        {}", r.file)?;
    writeln!(
        out,
        "target      {} = {} (against {})",
        r.target, r.positive, r.negative
    )?;
    if let Some(d) = &r.derived {
        writeln!(
            out,
            "derived     {}: {} customers; features from the purchases up to {}; label from the {} days to {}",
            d.kind.title(),
            format::thousands(d.n_customers as u64),
            d.cutoff_date,
            d.window_days,
            d.window_end_date
        )?;
    }
    writeln!(
        out,
        "train       {} customers, {} positive ({:.1} %)",
        format::thousands(r.train_rows as u64),
        format::thousands(r.train_positives as u64),
        100.0 * r.train_positives as f64 / r.train_rows.max(1) as f64
    )?;
    writeln!(
        out,
        "test        {} customers, {} positive (held out: {:.0} %)",
        format::thousands(r.test_rows as u64),
        format::thousands(r.test_positives as u64),
        r.test_size * 100.0
    )?;
    writeln!(
        out,
        "validation  stratified {}-fold CV on the train part; search: {}; seed {}",
        r.folds, r.search, r.seed
    )?;
    writeln!(
        out,
        "features    {} ({} columns after encoding)",
        r.features.len(),
        r.encoded_columns
    )?;
    if let Some(w) = &r.chance_warning {
        writeln!(out, "warning     {}", w.message)?;
    }
    for w in &r.leakage {
        writeln!(out, "leakage     {}", w.message)?;
    }
    for note in &r.notes {
        writeln!(out, "note        {note}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:>2}  {:<6} {:<8} {:>15}  {:>8}  {:>6}  {:>6}  {:>6}  {:>6}  {:>6}  {:>6}  {:>7}",
        "#",
        "model",
        "balance",
        "CV AUC",
        "test AUC",
        "PR-AUC",
        "acc",
        "prec",
        "recall",
        "F1",
        "thr",
        "fit s"
    )?;
    for m in &r.models {
        writeln!(
            out,
            "{:>2}  {:<6} {:<8} {:>7.4} ± {:.4}  {:>8.4}  {:>6.4}  {:>6.3}  {:>6.3}  {:>6.3}  {:>6.3}  {:>6.3}  {:>7.3}",
            m.rank, m.model, m.balance, m.cv_roc_auc_mean, m.cv_roc_auc_sd, m.test_roc_auc,
            m.test_pr_auc, m.accuracy, m.precision, m.recall, m.f1, m.threshold, m.fit_seconds
        )?;
    }
    if let Some(best) = r.models.first() {
        writeln!(out)?;
        writeln!(
            out,
            "best        {} · {} ({}{})",
            best.model,
            best.balance,
            best.params,
            best.note
                .as_ref()
                .map(|n| format!("; {n}"))
                .unwrap_or_default()
        )?;
        writeln!(
            out,
            "confusion   at threshold {:.3}: {} TP, {} FP, {} TN, {} FN",
            best.threshold,
            best.confusion.tp,
            best.confusion.fp,
            best.confusion.tn,
            best.confusion.fn_
        )?;
        writeln!(
            out,
            "lift        contacting the top 20 % of the test part captures {:.0} % of its positives",
            best.captured_top_20 * 100.0
        )?;
        let top: Vec<String> = best
            .importance
            .iter()
            .take(5)
            .map(|i| format!("{} ({:+.3})", i.feature, i.auc_drop))
            .collect();
        writeln!(out, "importance  {}", top.join(", "))?;
    }
    Ok(())
}

/// The target when `--target` is not given: the one column whose name says it is the
/// outcome (as the app preselects it) and a note saying so, or an error listing the
/// columns (and, for purchase lines, the derived targets) to choose from.
fn default_target(
    customers: &CustomerTable,
    transactions: bool,
) -> Result<(String, String), String> {
    let candidates = target::candidates(customers);
    let default = target::default_target(&candidates);
    if let Some(column) = default.column {
        let note = format!(
            "No --target given: {} Give --target to predict another column.",
            default.reason
        );
        return Ok((column, note));
    }
    let listed: Vec<String> = candidates
        .iter()
        .take(12)
        .map(|c| {
            let values: Vec<&str> = c.values.iter().take(3).map(|(v, _)| v.as_str()).collect();
            format!(
                "{} ({}{})",
                c.column,
                values.join("/"),
                if c.values.len() > 3 { "/…" } else { "" }
            )
        })
        .collect();
    let columns = if listed.is_empty() {
        "No column of the customer table has 2 to 12 values to predict".to_string()
    } else {
        format!("Columns that can be predicted: {}", listed.join(", "))
    };
    let derive = if transactions {
        "; or derive a target from the purchase lines with --derive churn, buys-again, \
         one-time-returns or high-spender"
    } else {
        ""
    };
    Err(format!(
        "choose what to predict with --target. {} {columns}{derive}.",
        default.reason
    ))
}

pub fn run(args: &PredictArgs) -> Result<(), String> {
    let params = params_from_flags(args)?;
    let (ingested, explore_params) = input::explore_input(&args.file, &args.bad_rows)?;
    let table = &ingested.table;
    // The customer table in natural units: Predict fits its own preparation on the
    // training rows only. A derived target builds its own from the lines up to the
    // cutoff.
    let mut params = params;
    params.file_columns = table.columns().iter().map(|c| c.name.clone()).collect();
    let mut default_note = None;
    let (customers, params, derived) = match &params.derived {
        None => {
            let built =
                explore::build(table, &explore_params, &mut |_| {}).map_err(|e| e.to_string())?;
            if params.target.column.is_empty() {
                let transactions = explore_params.source == CustomerSource::Transactions;
                let (column, note) = default_target(&built.customers, transactions)?;
                params.target.column = column;
                default_note = Some(note);
            }
            (built.customers, params, None)
        }
        Some(target) => {
            if explore_params.source != CustomerSource::Transactions {
                return Err(DerivedError::NotTransactions.to_string());
            }
            let derived = derived::derive(table, &explore_params.features, target, &mut |_| {})
                .map_err(|e| e.to_string())?;
            let params = derived.params(params);
            (
                derived.customers,
                params,
                Some((derived.summary, derived.notes)),
            )
        }
    };
    let (summary, notes) = derived.unzip();
    let mut report = run::predict(&customers, params, now_ms).map_err(|e| e.to_string())?;
    if let Some(notes) = notes {
        report.notes.splice(0..0, notes);
    }
    if let Some(note) = default_note {
        report.notes.insert(0, note);
    }
    if let Some(path) = &args.output {
        output::write_file(path, view::scores_csv(&customers, &report))?;
    }
    output::emit(
        &report_json(args, &report, summary),
        args.json,
        print_report,
    )
}
