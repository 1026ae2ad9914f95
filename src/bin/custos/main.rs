//! `custos`: the native command-line tool over the same core as the browser app.
//!
//! For batch runs, files too large for a browser tab, and benchmarks. Human-readable output by
//! default, `--json` for machines. Bad input ends with a one-line error and a non-zero exit code,
//! never a panic trace.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run());
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fs::File;
    use std::io::{BufWriter, Write};
    use std::path::{Path, PathBuf};

    use clap::{Args, Parser, Subcommand, ValueEnum};
    use serde::Serialize;

    use custos::core::features::{
        self, Cancellations, ExactDuplicates, FeatureParams, LineCleaning, RoleMapping,
    };
    use custos::core::format;
    use custos::core::ingest::{self, Delimiter, IngestOptions, Ingested, TextEncoding};
    use custos::core::receipt::ReceiptUnit;
    use custos::core::table::Table;
    use custos::core::{sample, summary};

    #[derive(Parser)]
    #[command(
        name = "custos",
        version,
        about = "Private customer analytics on the command line"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Detect dialect, encoding, column types and roles of a CSV/TSV file.
        Inspect {
            file: PathBuf,
            /// Print JSON instead of a table.
            #[arg(long)]
            json: bool,
            /// Field delimiter: comma, semicolon, tab, pipe or whitespace (default: detect).
            #[arg(long)]
            delimiter: Option<String>,
            /// The first line is a header (default: detect).
            #[arg(long, conflicts_with = "no_header")]
            header: bool,
            /// The first line is data, not a header.
            #[arg(long)]
            no_header: bool,
            /// Text encoding: utf-8, utf-8-bom, utf-16le, utf-16be, windows-1252 (default: detect).
            #[arg(long)]
            encoding: Option<String>,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            skip_bad_rows: bool,
        },
        /// Build the customer feature table (RFM etc.) from a file of purchase lines, as CSV.
        ///
        /// Columns are named exactly as in the file's header; roles not given are taken from
        /// the detected roles (see `custos inspect`). Numbers are written plainly with up to 6
        /// decimals, missing values as empty cells. The cleaning receipt and notes go to
        /// standard error.
        Customers {
            file: PathBuf,
            #[command(flatten)]
            columns: RoleColumns,
            /// Reference date for recency, YYYY-MM-DD (default: the day after the last purchase).
            #[arg(long, value_name = "YYYY-MM-DD")]
            reference_date: Option<String>,
            /// Cancellations and returns: `net` them against the customer's purchases (a
            /// return reduces the spend; an order returned in full no longer counts), or `drop`
            /// the return lines.
            #[arg(long, value_enum, default_value_t = CancellationsArg::Net)]
            cancellations: CancellationsArg,
            /// Old flag: cancellations are now netted by default (the same as
            /// `--cancellations net`).
            #[arg(long, conflicts_with = "cancellations", hide = true)]
            keep_cancellations: bool,
            /// Exact duplicate lines: `auto` drops them only when an order ID column is mapped
            /// (without one, identical lines can be two purchases), or always `drop` / `keep`.
            #[arg(long, value_enum, default_value_t = DuplicatesArg::Auto)]
            duplicates: DuplicatesArg,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            skip_bad_rows: bool,
            /// Output file (default: standard output).
            #[arg(short, long)]
            output: Option<PathBuf>,
        },
        /// Segment customers (K-means, Ward, DBSCAN or a Gaussian mixture): the k sweep, the
        /// chosen k, segment profiles and personas, as the app's Segment step.
        ///
        /// FILE is a customer file (one row per customer) or a file of purchase lines (the
        /// customer table is built from the detected roles, as the Explore step does). Skewed
        /// features are log-transformed (unless --no-log), then every feature is standardized.
        Segment(segment::SegmentArgs),
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
        Predict(predict::PredictArgs),
        /// Write a generated sample dataset (the ones the app offers in one click).
        Sample {
            #[arg(value_enum)]
            kind: SampleKind,
            #[arg(long, default_value_t = 20_000)]
            rows: usize,
            #[arg(long, default_value_t = 42)]
            seed: u64,
            /// Output file (default: standard output).
            #[arg(short, long)]
            output: Option<PathBuf>,
        },
    }

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    enum CancellationsArg {
        Net,
        Drop,
    }

    #[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
    enum DuplicatesArg {
        Auto,
        Drop,
        Keep,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum SampleKind {
        Transactions,
        Customers,
    }

    pub fn run() -> i32 {
        let cli = Cli::parse();
        let result = match cli.command {
            Command::Inspect {
                file,
                json,
                delimiter,
                header,
                no_header,
                encoding,
                skip_bad_rows,
            } => options(delimiter, header, no_header, encoding)
                .and_then(|options| inspect(&file, &options, skip_bad_rows, json)),
            Command::Customers {
                file,
                columns,
                reference_date,
                cancellations,
                keep_cancellations,
                duplicates,
                skip_bad_rows,
                output,
            } => {
                if keep_cancellations {
                    eprintln!(
                        "note: --keep-cancellations is the default now: cancellations are netted \
                         against the purchases (--cancellations net); --cancellations drop drops \
                         them"
                    );
                }
                let cleaning = LineCleaning {
                    cancellations: match cancellations {
                        CancellationsArg::Net => Cancellations::Net,
                        CancellationsArg::Drop => Cancellations::Drop,
                    },
                    exact_duplicates: match duplicates {
                        DuplicatesArg::Auto => ExactDuplicates::ByMapping,
                        DuplicatesArg::Drop => ExactDuplicates::Drop,
                        DuplicatesArg::Keep => ExactDuplicates::Keep,
                    },
                    ..LineCleaning::default()
                };
                customers(
                    &file,
                    &columns,
                    reference_date.as_deref(),
                    cleaning,
                    skip_bad_rows,
                    output.as_deref(),
                )
            }
            Command::Segment(args) => segment::run(&args),
            Command::Predict(args) => predict::run(&args),
            Command::Sample {
                kind,
                rows,
                seed,
                output,
            } => write_sample(kind, rows, seed, output.as_deref()),
        };
        match result {
            Ok(()) => 0,
            Err(message) => {
                eprintln!("error: {}", message.replace('\n', " "));
                1
            }
        }
    }

    fn options(
        delimiter: Option<String>,
        header: bool,
        no_header: bool,
        encoding: Option<String>,
    ) -> Result<IngestOptions, String> {
        let delimiter = match delimiter {
            None => None,
            Some(name) => Some(Delimiter::from_name(&name).ok_or_else(|| {
                format!("unknown delimiter '{name}': use comma, semicolon, tab, pipe or whitespace")
            })?),
        };
        let encoding = match encoding {
            None => None,
            Some(name) => Some(TextEncoding::from_name(&name).ok_or_else(|| {
                format!("unknown encoding '{name}': use utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252")
            })?),
        };
        let header = match (header, no_header) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        Ok(IngestOptions {
            delimiter,
            quote: None,
            header,
            encoding,
        })
    }

    fn read(path: &Path, options: &IngestOptions) -> Result<Ingested, String> {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        ingest::ingest_reader(file, options, size, |_| {}).map_err(|e| e.to_string())
    }

    /// Write `text` to standard output; a reader that closes the pipe early (`custos … | head`)
    /// is not an error.
    fn write_stdout(text: &[u8]) -> Result<(), String> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match out.write_all(text).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| e.to_string()),
        }
    }

    /// A report as pretty JSON (`--json`) or as the human-readable text `print` writes, to
    /// standard output.
    fn emit<T: Serialize>(
        report: &T,
        json: bool,
        print: impl FnOnce(&mut Vec<u8>, &T) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let mut text = Vec::new();
        if json {
            serde_json::to_writer_pretty(&mut text, report).map_err(|e| e.to_string())?;
            text.push(b'\n');
        } else {
            print(&mut text, report).map_err(|e| e.to_string())?;
        }
        write_stdout(&text)
    }

    /// A file read for the Explore step's customer table: a customer file as is, purchase lines
    /// aggregated by the detected roles, natural units (Explore's default preparation).
    fn explore_input(
        path: &Path,
        skip_bad_rows: bool,
    ) -> Result<(Ingested, custos::core::explore::ExploreParams), String> {
        use custos::core::customer_table::CustomerSource;
        use custos::core::ingest::TableShape;
        let ingested = read(path, &IngestOptions::default())?;
        ingested
            .check_bad_rows(skip_bad_rows)
            .map_err(|e| format!("{e} (use --skip-bad-rows to load the other rows)"))?;
        let source = if ingested.shape.shape == TableShape::Transactions {
            CustomerSource::Transactions
        } else {
            CustomerSource::CustomerFile
        };
        let params = custos::core::explore::ExploreParams {
            source,
            features: FeatureParams {
                mapping: RoleMapping::from_roles(&ingested.table),
                ..FeatureParams::default()
            },
            prep: custos::core::prep::PrepParams::default(),
        };
        Ok((ingested, params))
    }

    #[derive(Serialize)]
    struct InspectColumn<'a> {
        name: &'a str,
        #[serde(rename = "type")]
        ctype: &'static str,
        role: Option<&'static str>,
        format: Option<&'a str>,
        missing: usize,
        distinct: usize,
        /// min / max / mean / median as displayed, for numeric and date columns (JSON only).
        #[serde(skip_serializing_if = "Option::is_none")]
        stats: Option<[String; 4]>,
    }

    #[derive(Serialize)]
    struct InspectReport<'a> {
        file: String,
        bytes: u64,
        encoding: &'static str,
        encoding_guessed: bool,
        gzip: bool,
        delimiter: Delimiter,
        quote: Option<String>,
        header: bool,
        line_ending: &'static str,
        rows: u64,
        skipped_bad_rows: u64,
        shape: &'a ingest::ShapeGuess,
        warnings: &'a [String],
        renamed_headers: &'a [(String, String)],
        columns: Vec<InspectColumn<'a>>,
    }

    fn inspect(
        path: &Path,
        options: &IngestOptions,
        skip_bad_rows: bool,
        json: bool,
    ) -> Result<(), String> {
        let ingested = read(path, options)?;
        ingested
            .check_bad_rows(skip_bad_rows)
            .map_err(|e| format!("{e} (use --skip-bad-rows to load the other rows)"))?;
        let d = &ingested.dialect;
        let report = InspectReport {
            file: path.display().to_string(),
            bytes: ingested.report.bytes_read,
            encoding: d.encoding.label(),
            encoding_guessed: d.encoding_guessed,
            gzip: d.gzip,
            delimiter: d.delimiter,
            quote: d.quote.map(|q| (q as char).to_string()),
            header: d.header,
            line_ending: d.line_ending.label(),
            rows: ingested.report.rows,
            skipped_bad_rows: ingested.report.bad_rows.count,
            shape: &ingested.shape,
            warnings: &ingested.report.warnings,
            renamed_headers: &ingested.report.renamed_headers,
            columns: ingested
                .table
                .columns()
                .iter()
                .enumerate()
                .map(|(i, c)| InspectColumn {
                    name: &c.name,
                    ctype: c.ctype.label(),
                    role: c.role.map(|r| r.label()),
                    format: c.note.format.as_deref(),
                    missing: c.missing_count(),
                    distinct: c.distinct_count(),
                    stats: summary::summarize_column(i, c)
                        .stats
                        .map(|s| [s.min_text, s.max_text, s.mean_text, s.median_text]),
                })
                .collect(),
        };
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let written = if json {
            serde_json::to_writer_pretty(&mut out, &report)
                .map_err(|e| e.to_string())
                .and_then(|()| writeln!(out).map_err(|e| e.to_string()))
        } else {
            print_report(&mut out, &report).map_err(|e| e.to_string())
        };
        written.and_then(|()| out.flush().map_err(|e| e.to_string()))
    }

    fn print_report(out: &mut impl Write, r: &InspectReport<'_>) -> std::io::Result<()> {
        writeln!(out, "file        {}", r.file)?;
        writeln!(out, "size        {}", format::bytes(r.bytes))?;
        let guessed = if r.encoding_guessed { " (guessed)" } else { "" };
        let gzip = if r.gzip { ", gzip" } else { "" };
        writeln!(out, "encoding    {}{guessed}{gzip}", r.encoding)?;
        writeln!(out, "delimiter   {}", r.delimiter.label())?;
        writeln!(out, "quote       {}", r.quote.as_deref().unwrap_or("none"))?;
        writeln!(out, "header      {}", if r.header { "yes" } else { "no" })?;
        writeln!(out, "line ends   {}", r.line_ending)?;
        writeln!(out, "rows        {}", format::thousands(r.rows))?;
        if r.skipped_bad_rows > 0 {
            writeln!(
                out,
                "skipped     {} bad rows",
                format::thousands(r.skipped_bad_rows)
            )?;
        }
        writeln!(out, "columns     {}", r.columns.len())?;
        writeln!(out, "shape       {}", r.shape.reason)?;
        for (from, to) in r.renamed_headers {
            writeln!(out, "renamed     '{from}' -> '{to}'")?;
        }
        for warning in r.warnings {
            writeln!(out, "warning     {warning}")?;
        }
        writeln!(out)?;
        let width = r
            .columns
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 40);
        writeln!(
            out,
            "{:<width$}  {:<11}  {:<11}  {:>9}  {:>9}  format",
            "name", "type", "role", "missing", "distinct"
        )?;
        for c in &r.columns {
            writeln!(
                out,
                "{:<width$}  {:<11}  {:<11}  {:>9}  {:>9}  {}",
                c.name,
                c.ctype,
                c.role.unwrap_or("-"),
                format::thousands(c.missing as u64),
                format::thousands(c.distinct as u64),
                c.format.unwrap_or("")
            )?;
        }
        Ok(())
    }

    /// Column names given on the command line, one per role (names as in the header).
    #[derive(Args)]
    struct RoleColumns {
        /// Customer ID column.
        #[arg(long)]
        customer: Option<String>,
        /// Purchase date column.
        #[arg(long)]
        date: Option<String>,
        /// Order / invoice ID column (default: detected; without one, a customer-day is an order).
        #[arg(long)]
        order: Option<String>,
        /// Amount (spend per line) column.
        #[arg(long, conflicts_with_all = ["quantity", "price"])]
        amount: Option<String>,
        /// Quantity column (spend = quantity × price).
        #[arg(long)]
        quantity: Option<String>,
        /// Unit price column (spend = quantity × price).
        #[arg(long)]
        price: Option<String>,
        /// Product column (for distinct_products).
        #[arg(long)]
        product: Option<String>,
    }

    fn column_index(table: &Table, option: &str, name: &str) -> Result<usize, String> {
        table.column_index(name).ok_or_else(|| {
            let names: Vec<String> = table
                .columns()
                .iter()
                .map(|c| format!("'{}'", c.name))
                .collect();
            format!(
                "--{option}: there is no column named '{name}' (the columns are {})",
                names.join(", ")
            )
        })
    }

    /// The detected roles, overridden by the columns named on the command line.
    fn role_mapping(table: &Table, columns: &RoleColumns) -> Result<RoleMapping, String> {
        let mut mapping = RoleMapping::from_roles(table);
        let pick = |option: &str, name: &Option<String>, slot: &mut Option<usize>| {
            if let Some(name) = name {
                *slot = Some(column_index(table, option, name)?);
            }
            Ok::<(), String>(())
        };
        pick("customer", &columns.customer, &mut mapping.customer)?;
        pick("date", &columns.date, &mut mapping.date)?;
        pick("order", &columns.order, &mut mapping.order)?;
        pick("amount", &columns.amount, &mut mapping.amount)?;
        pick("quantity", &columns.quantity, &mut mapping.quantity)?;
        pick("price", &columns.price, &mut mapping.unit_price)?;
        pick("product", &columns.product, &mut mapping.product)?;
        // Asking for a product column means: count products by it, not by the detected id.
        if columns.product.is_some() {
            mapping.product_id = None;
        }
        // Asking for quantity × price means: not the detected amount.
        if columns.quantity.is_some() || columns.price.is_some() {
            mapping.amount = None;
        }
        Ok(mapping)
    }

    fn parse_reference_date(text: &str) -> Result<i32, String> {
        parse_date("--reference-date", text)
    }

    /// A `YYYY-MM-DD` flag value as days since 1970-01-01.
    fn parse_date(flag: &str, text: &str) -> Result<i32, String> {
        format::parse_iso_date(text)
            .ok_or_else(|| format!("{flag} '{text}' is not a date: write it as YYYY-MM-DD"))
    }

    fn customers(
        path: &Path,
        columns: &RoleColumns,
        reference_date: Option<&str>,
        cleaning: LineCleaning,
        skip_bad_rows: bool,
        output: Option<&Path>,
    ) -> Result<(), String> {
        let reference_date = reference_date.map(parse_reference_date).transpose()?;
        let ingested = read(path, &IngestOptions::default())?;
        ingested
            .check_bad_rows(skip_bad_rows)
            .map_err(|e| format!("{e} (use --skip-bad-rows to load the other rows)"))?;
        let table = &ingested.table;
        let params = FeatureParams {
            mapping: role_mapping(table, columns)?,
            reference_date,
            cleaning,
        };
        let built = features::build_customer_table(table, &params, &mut |_| {})
            .map_err(|e| e.to_string())?;
        let csv = built.customers.to_csv();
        match output {
            Some(path) => std::fs::write(path, csv)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            None => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                match out.write_all(csv.as_bytes()).and_then(|()| out.flush()) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    other => other.map_err(|e| e.to_string())?,
                }
            }
        }
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        // The report is informational: a closed standard error does not fail the run.
        let _ = print_build(&mut err, &built, ingested.report.rows);
        Ok(())
    }

    fn print_build(
        out: &mut impl Write,
        built: &features::CustomerBuild,
        rows: u64,
    ) -> std::io::Result<()> {
        writeln!(
            out,
            "customers   {} from {} of {} lines",
            format::thousands(built.customers.n_rows() as u64),
            format::thousands(built.lines_used),
            format::thousands(rows)
        )?;
        writeln!(
            out,
            "reference   {}",
            format::iso_date(i64::from(built.reference_date))
        )?;
        let names: Vec<&str> = built
            .customers
            .features
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        writeln!(out, "features    {}", names.join(", "))?;
        writeln!(out, "receipt")?;
        for line in &built.receipt {
            let unit = match (line.unit, line.touched == 1) {
                (ReceiptUnit::Lines, true) => "line",
                (ReceiptUnit::Lines, false) => "lines",
                (ReceiptUnit::Rows, true) => "row",
                (ReceiptUnit::Rows, false) => "rows",
                (ReceiptUnit::Values, true) => "value",
                (ReceiptUnit::Values, false) => "values",
                (ReceiptUnit::Columns, true) => "column",
                (ReceiptUnit::Columns, false) => "columns",
            };
            let state = if line.enabled { "on " } else { "off" };
            writeln!(
                out,
                "  [{state}] {:<46} {:>9} {unit:<6} {}",
                line.title,
                format::thousands(line.touched),
                line.detail
            )?;
        }
        for note in &built.notes {
            writeln!(out, "note        {note}")?;
        }
        Ok(())
    }

    fn write_sample(
        kind: SampleKind,
        rows: usize,
        seed: u64,
        output: Option<&Path>,
    ) -> Result<(), String> {
        let text = match kind {
            SampleKind::Transactions => sample::transactions_csv(rows, seed),
            SampleKind::Customers => sample::customers_csv(rows, seed),
        };
        match output {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => write_stdout(text.as_bytes()),
        }
    }

    /// `custos predict`: the Predict step of the app (`core::predict::run`), so the CLI and the
    /// app give the same models and numbers for the same choices. This module turns flags into
    /// [`PredictParams`] and the [`PredictReport`] into text or JSON; it does no numeric work.
    mod predict {
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

        #[derive(clap::Args)]
        pub struct PredictArgs {
            pub file: PathBuf,
            /// The column to predict, named as in the file (e.g. Revenue, Churn, y, Response).
            /// Without it (and without --derive), the one column whose name says it is the
            /// outcome is taken, as the app preselects it; when no column or several do, the
            /// command fails listing the columns to choose from.
            #[arg(long, conflicts_with = "derive")]
            pub target: Option<String>,
            /// The value of the target that is the positive outcome (default: yes / true / 1
            /// when the column has one, else the rarer value). With it, a column with more than
            /// two values is predicted as this value against all the others.
            #[arg(long, conflicts_with = "derive")]
            pub positive: Option<String>,
            /// A target derived from purchase lines instead of a column: churn (no order in
            /// the window after the cutoff), buys-again (every customer: at least one order in
            /// the window), one-time-returns (customers with exactly one order up to the
            /// cutoff: a second order in the window) or high-spender (spend in the window among
            /// the top --top-percent of customers). Features use only the lines up to the
            /// cutoff.
            #[arg(long, value_name = "churn|buys-again|one-time-returns|high-spender")]
            pub derive: Option<String>,
            /// --derive: the last day whose purchases feed the features (default: the last
            /// purchase date minus --window-days).
            #[arg(long, value_name = "YYYY-MM-DD", requires = "derive")]
            pub cutoff: Option<String>,
            /// --derive: days after the cutoff that decide the label (default: 90).
            #[arg(long, value_name = "N", requires = "derive")]
            pub window_days: Option<u32>,
            /// --derive high-spender: the share of customers, in %, that counts as high
            /// spenders (default: 20).
            #[arg(long, value_name = "X", requires = "derive")]
            pub top_percent: Option<f64>,
            /// Feature columns to leave out, comma-separated (e.g. duration). Columns of the file
            /// that are no feature anyway (the id, the target, text) are accepted with a note.
            #[arg(long, value_name = "a,b,…")]
            pub exclude: Option<String>,
            /// Models, comma-separated: lr (logistic regression), tree, rf (random forest),
            /// gbdt (gradient boosting).
            #[arg(
                long,
                value_name = "lr,tree,rf,gbdt",
                default_value = "lr,tree,rf,gbdt"
            )]
            pub models: String,
            /// Imbalance handling, comma-separated (each model is fitted once per choice):
            /// none, smote, weights (balanced class weights).
            #[arg(long, value_name = "none,smote,weights", default_value = "none")]
            pub balance: String,
            /// SMOTE: neighbours per synthetic customer.
            #[arg(long, default_value_t = 5)]
            pub smote_k: usize,
            /// SMOTE: minority ÷ majority after resampling (0 < ratio ≤ 1).
            #[arg(long, default_value_t = 1.0)]
            pub smote_ratio: f64,
            /// Cross-validation folds on the training part.
            #[arg(long, default_value_t = 5)]
            pub folds: usize,
            /// Share of the customers held out for the test (0 < share < 1).
            #[arg(long, default_value_t = 0.2)]
            pub test_size: f64,
            /// Hyperparameter search: defaults (one setting per model), grid, or random:N.
            #[arg(long, default_value = "defaults")]
            pub search: String,
            /// Do not log-transform skewed features before scaling.
            #[arg(long)]
            pub no_log: bool,
            /// Seed of every random choice (split, folds, SMOTE, forests): same seed, same numbers.
            #[arg(long, default_value_t = PredictParams::DEFAULT_SEED)]
            pub seed: u64,
            /// Print JSON instead of tables.
            #[arg(long)]
            pub json: bool,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            pub skip_bad_rows: bool,
            /// Write every customer with the top model's probability, most likely first (id,
            /// known outcome, probability, part: train / test / unlabelled) as CSV to this file.
            #[arg(short, long, value_name = "FILE")]
            pub output: Option<PathBuf>,
        }

        fn now_ms() -> f64 {
            static START: OnceLock<Instant> = OnceLock::new();
            START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
        }

        fn list(text: &str) -> Vec<String> {
            text.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
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
                .map(|text| super::parse_date("--cutoff", text))
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
                    ModelKind::from_key(m).ok_or_else(|| {
                        format!("--models: '{m}' is unknown: use lr, tree, rf or gbdt")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let balances = list(&args.balance)
                .iter()
                .map(|b| {
                    Balance::from_key(b).ok_or_else(|| {
                        format!("--balance: '{b}' is unknown: use none, smote or weights")
                    })
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

        fn round4(x: f64) -> f64 {
            if x.is_finite() {
                (x * 1e4).round() / 1e4
            } else {
                x
            }
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
                                .map(|c| {
                                    (c.params.clone(), round4(c.cv_auc_mean), round4(c.cv_auc_sd))
                                })
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
                    let values: Vec<&str> =
                        c.values.iter().take(3).map(|(v, _)| v.as_str()).collect();
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
            let (ingested, explore_params) = super::explore_input(&args.file, args.skip_bad_rows)?;
            let table = &ingested.table;
            // The customer table in natural units: Predict fits its own preparation on the
            // training rows only. A derived target builds its own from the lines up to the
            // cutoff.
            let mut params = params;
            params.file_columns = table.columns().iter().map(|c| c.name.clone()).collect();
            let mut default_note = None;
            let (customers, params, derived) = match &params.derived {
                None => {
                    let built = explore::build(table, &explore_params, &mut |_| {})
                        .map_err(|e| e.to_string())?;
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
                    let derived =
                        derived::derive(table, &explore_params.features, target, &mut |_| {})
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
                std::fs::write(path, view::scores_csv(&customers, &report))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            super::emit(
                &report_json(args, &report, summary),
                args.json,
                print_report,
            )
        }
    }

    /// `custos segment`: the Segment step of the app (`core::segment::run`), so the CLI and the
    /// app give the same segments for the same choices. This module only turns flags into
    /// [`SegmentParams`] and the [`Segmentation`] into a report; it does no numeric work.
    mod segment {
        use std::io::Write;
        use std::path::PathBuf;

        use serde::Serialize;

        use custos::core::customer_table::{CustomerSource, CustomerTable, FeatureValues};
        use custos::core::explore;
        use custos::core::format;
        use custos::core::segment::dbscan::{DbscanError, DbscanParams};
        use custos::core::segment::gmm::GmmParams;
        use custos::core::segment::kmeans::KMeansParams;
        use custos::core::segment::personas::Persona;
        use custos::core::segment::profile::Statistic;
        use custos::core::segment::run::{
            self, Algorithm, SegmentError, SegmentParams, Segmentation,
        };
        use custos::core::segment::sweep::KMetrics;
        use custos::core::segment::SegmentDataError;

        /// The `--algo` names, in the order the help lists them.
        const ALGORITHMS: [(&str, Algorithm); 4] = [
            ("kmeans", Algorithm::KMeans),
            ("hierarchical", Algorithm::Hierarchical),
            ("dbscan", Algorithm::Dbscan),
            ("gmm", Algorithm::Gmm),
        ];

        #[derive(clap::Args)]
        pub struct SegmentArgs {
            pub file: PathBuf,
            /// Features to segment on, comma-separated, named as in the customer table (default:
            /// recency, frequency and monetary for purchase lines; every numeric feature that
            /// varies and is not 0/1 for a customer file).
            #[arg(long, value_name = "a,b,…")]
            pub features: Option<String>,
            /// Algorithm: kmeans, hierarchical (Ward), dbscan or gmm (Gaussian mixture).
            #[arg(long, value_name = "ALGO", default_value = "kmeans")]
            pub algo: String,
            /// Number of segments (default: the suggested k). The k sweep still runs, so its
            /// metrics show how this k compares.
            #[arg(long)]
            pub k: Option<usize>,
            /// Range of k to sweep, both ends included (default 2..10).
            #[arg(long, value_name = "FROM..TO")]
            pub k_range: Option<String>,
            /// DBSCAN only: neighbourhood radius in standardized units (default: the knee of the
            /// k-distance curve).
            #[arg(long, value_name = "X", allow_negative_numbers = true)]
            pub eps: Option<f64>,
            /// DBSCAN only: customers within eps, itself included, that make a core customer
            /// (default 5).
            #[arg(long, value_name = "N")]
            pub min_points: Option<usize>,
            /// Do not log-transform skewed features before standardizing (on by default, as in
            /// the app).
            #[arg(long)]
            pub no_log: bool,
            /// Seed of the random generator: same seed, same segments.
            #[arg(long, default_value_t = KMeansParams::DEFAULT_SEED)]
            pub seed: u64,
            /// Print JSON instead of tables.
            #[arg(long)]
            pub json: bool,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            pub skip_bad_rows: bool,
            /// Write the customer table with a `segment` column (persona names; "Noise" for
            /// DBSCAN noise; plus `segment_probability` for gmm) as CSV to this file.
            #[arg(short, long, value_name = "FILE")]
            pub output: Option<PathBuf>,
        }

        #[derive(Serialize)]
        struct SegmentReport {
            file: String,
            /// `customers` (one row per customer) or `transactions` (built from purchase lines).
            source: &'static str,
            customers: usize,
            /// Customers with a value in every feature (the ones segmented, noise included).
            segmented: usize,
            features: Vec<String>,
            /// Features log-transformed (log(1 + x)) before standardizing.
            log_features: Vec<String>,
            /// Per feature, the statistic the persona rules compare and the text table shows:
            /// `median` for right-skewed features, else `mean`.
            statistics: Vec<Statistic>,
            /// `kmeans`, `hierarchical`, `dbscan` or `gmm`.
            algo: &'static str,
            seed: u64,
            /// K-means restarts, or Gaussian mixture EM runs.
            #[serde(skip_serializing_if = "Option::is_none")]
            n_init: Option<usize>,
            /// Customers the silhouette was computed on when sampled; null when exact.
            silhouette_sample: Option<usize>,
            /// Mean silhouette of the segmentation (DBSCAN: noise left out).
            silhouette: Option<f64>,
            /// The k sweep (K-means fits; tree cuts for hierarchical); empty for DBSCAN.
            metrics: Vec<KMetrics>,
            suggested_k: Option<usize>,
            /// Segments made (DBSCAN: found).
            chosen_k: usize,
            reason: String,
            notes: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            eps: Option<f64>,
            /// The knee of the k-distance curve.
            #[serde(skip_serializing_if = "Option::is_none")]
            suggested_eps: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            min_points: Option<usize>,
            /// DBSCAN: customers in no segment.
            #[serde(skip_serializing_if = "Option::is_none")]
            noise: Option<usize>,
            /// Where `-o` wrote the segmented customer table.
            #[serde(skip_serializing_if = "Option::is_none")]
            output: Option<String>,
            /// All segmented customers: what the persona rules compare each segment with.
            all_customers: AllCustomers,
            /// Largest segment first.
            segments: Vec<SegmentRow>,
        }

        #[derive(Serialize)]
        struct AllCustomers {
            /// Mean and median of each feature over all segmented customers, in `features`
            /// order.
            means: Vec<Option<f64>>,
            medians: Vec<Option<f64>>,
        }

        #[derive(Serialize)]
        struct SegmentRow {
            /// 1 = the largest.
            segment: usize,
            size: usize,
            /// Of the customers segmented, noise included.
            share: f64,
            /// Mean of each feature in the segment, natural units, in `features` order.
            means: Vec<Option<f64>>,
            /// Median of each feature in the segment, natural units, in `features` order.
            medians: Vec<Option<f64>>,
            /// Share of all revenue (`monetary`) when the table has it.
            revenue_share: Option<f64>,
            /// Mean silhouette of the segment's customers (of those in the sample when sampled).
            silhouette: Option<f64>,
            /// Gaussian mixture: mean probability of the segment's customers to belong to it.
            #[serde(skip_serializing_if = "Option::is_none")]
            membership: Option<f64>,
            /// Persona named from the segment's profile, the rule that named it, and an action.
            persona: String,
            rule: String,
            action: String,
        }

        /// Rounded to 4 decimals, as the golden files keep them.
        fn round4(x: f64) -> f64 {
            if x.is_finite() {
                (x * 1e4).round() / 1e4
            } else {
                x
            }
        }

        fn parse_algorithm(name: &str) -> Result<Algorithm, String> {
            let wanted = name.trim().to_lowercase();
            ALGORITHMS
                .iter()
                .find(|(n, _)| *n == wanted)
                .map(|&(_, a)| a)
                .ok_or_else(|| {
                    let names: Vec<&str> = ALGORITHMS.iter().map(|(n, _)| *n).collect();
                    let (last, init) = names.split_last().unwrap_or((&"kmeans", &[]));
                    format!(
                        "--algo '{name}' is unknown: use {} or {last}",
                        init.join(", ")
                    )
                })
        }

        fn algorithm_name(algorithm: Algorithm) -> &'static str {
            ALGORITHMS
                .iter()
                .find(|(_, a)| *a == algorithm)
                .map_or("kmeans", |&(n, _)| n)
        }

        fn parse_range(text: &str) -> Result<(usize, usize), String> {
            let bad =
                || format!("--k-range '{text}' is not a range: write it as FROM..TO, e.g. 2..10");
            let (from, to) = text.trim().split_once("..").ok_or_else(bad)?;
            let to = to.strip_prefix('=').unwrap_or(to);
            let from: usize = from.trim().parse().map_err(|_| bad())?;
            let to: usize = to.trim().parse().map_err(|_| bad())?;
            Ok((from, to))
        }

        /// The flags as Segment-step choices (features are filled in once the table is built).
        /// Flags that do not apply to the algorithm are refused rather than ignored.
        fn params_from_flags(args: &SegmentArgs) -> Result<SegmentParams, String> {
            let algorithm = parse_algorithm(&args.algo)?;
            let defaults = SegmentParams::default();
            if algorithm.takes_k() {
                if args.eps.is_some() || args.min_points.is_some() {
                    let flag = if args.eps.is_some() {
                        "--eps"
                    } else {
                        "--min-points"
                    };
                    return Err(format!(
                        "{flag} applies only to --algo dbscan (this run uses {}); leave it out \
                         or choose the number of segments with --k",
                        algorithm_name(algorithm)
                    ));
                }
            } else if args.k.is_some() || args.k_range.is_some() {
                let flag = if args.k.is_some() { "--k" } else { "--k-range" };
                return Err(format!(
                    "{flag} does not apply to --algo dbscan: it finds the number of segments \
                     from the density; set --eps and --min-points instead"
                ));
            }
            let (k_min, k_max) = match &args.k_range {
                Some(text) => parse_range(text)?,
                None => (defaults.k_min, defaults.k_max),
            };
            Ok(SegmentParams {
                features: Vec::new(),
                log_skewed: !args.no_log,
                algorithm,
                k: args.k,
                k_min,
                k_max,
                eps: args.eps,
                min_points: args.min_points.unwrap_or(defaults.min_points),
                seed: args.seed,
            })
        }

        /// A core error as one line, with the flag that fixes it when the core's words point
        /// at the app's controls.
        fn error_message(err: &SegmentError, table: &CustomerTable) -> String {
            let text = err.to_string();
            match err {
                SegmentError::Data(SegmentDataError::NoSuchFeature(_)) => {
                    let numeric: Vec<&str> = table
                        .features
                        .iter()
                        .filter(|f| matches!(f.values, FeatureValues::Numeric(_)))
                        .map(|f| f.name.as_str())
                        .collect();
                    format!("{text} Numeric features: {}.", numeric.join(", "))
                }
                SegmentError::Data(SegmentDataError::TooFewFeatures { .. }) => {
                    format!("{text} Name them with --features a,b,…")
                }
                SegmentError::LogNegative { .. } => {
                    format!("{} with --no-log.", text.trim_end_matches('.'))
                }
                SegmentError::Dbscan(DbscanError::AllNoise { .. }) => {
                    format!("{text} Set them with --eps X and --min-points N.")
                }
                _ => text,
            }
        }

        pub fn run(args: &SegmentArgs) -> Result<(), String> {
            let mut params = params_from_flags(args)?;
            let (ingested, explore_params) = super::explore_input(&args.file, args.skip_bad_rows)?;
            let table = &ingested.table;
            let explored =
                explore::run(table, &explore_params, &mut |_| {}).map_err(|e| e.to_string())?;
            let customers = &explored.prepared;
            let source = explored.built.source;
            params.features = match &args.features {
                Some(list) => list
                    .split(',')
                    .map(|name| name.trim().to_string())
                    .filter(|name| !name.is_empty())
                    .collect(),
                None => run::default_features(customers, source),
            };
            let segmentation = run::segment(customers, params, &mut |_, _| {})
                .map_err(|e| error_message(&e, customers))?;
            if let Some(path) = &args.output {
                // As the app downloads it: the built values (blanks blank) and the segment.
                let facts = explored.customer_facts();
                std::fs::write(path, segmentation.add_to(&facts).to_csv())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            super::emit(
                &report(args, source, &segmentation),
                args.json,
                print_segments,
            )
        }

        /// Mean silhouette of each segment, from the customers the silhouette was computed on.
        fn segment_silhouettes(s: &Segmentation) -> Vec<Option<f64>> {
            let mut sums = vec![(0.0, 0usize); s.k];
            if let Some(samples) = &s.silhouette {
                for (&row, &value) in samples.rows.iter().zip(&samples.values) {
                    if let Some(Some(label)) = s.labels.get(row) {
                        if let Some(slot) = sums.get_mut(*label) {
                            slot.0 += value;
                            slot.1 += 1;
                        }
                    }
                }
            }
            sums.into_iter()
                .map(|(sum, n)| (n > 0).then(|| sum / n as f64))
                .collect()
        }

        /// Gaussian mixture: mean probability of each segment's customers to belong to it.
        fn segment_memberships(s: &Segmentation) -> Option<Vec<Option<f64>>> {
            let memberships = s.memberships.as_ref()?;
            let mut sums = vec![(0.0, 0usize); s.k];
            for (i, label) in s.labels.iter().enumerate() {
                let Some(label) = label else { continue };
                if let (Some(p), Some(slot)) = (memberships.get((i, *label)), sums.get_mut(*label))
                {
                    slot.0 += p;
                    slot.1 += 1;
                }
            }
            Some(
                sums.into_iter()
                    .map(|(sum, n)| (n > 0).then(|| sum / n as f64))
                    .collect(),
            )
        }

        fn report(args: &SegmentArgs, source: CustomerSource, s: &Segmentation) -> SegmentReport {
            let algorithm = s.params.algorithm;
            let dbscan = algorithm == Algorithm::Dbscan;
            let silhouettes = segment_silhouettes(s);
            let memberships = segment_memberships(s);
            let columns: Vec<Option<usize>> = s
                .data
                .names
                .iter()
                .map(|name| s.profiles.feature_index(name))
                .collect();
            let segments = s
                .profiles
                .segments
                .iter()
                .map(|p| {
                    let persona = s.personas.iter().find(|x| x.segment == p.segment);
                    let text = |field: fn(&Persona) -> &String| {
                        persona.map(|x| field(x).clone()).unwrap_or_default()
                    };
                    SegmentRow {
                        segment: p.segment + 1,
                        size: p.size,
                        share: round4(p.share),
                        means: columns
                            .iter()
                            .map(|j| j.and_then(|j| p.means.get(j).copied().flatten()))
                            .map(|m| m.map(round4))
                            .collect(),
                        medians: columns
                            .iter()
                            .map(|j| j.and_then(|j| p.medians.get(j).copied().flatten()))
                            .map(|m| m.map(round4))
                            .collect(),
                        revenue_share: p.revenue_share.map(round4),
                        silhouette: silhouettes.get(p.segment).copied().flatten().map(round4),
                        membership: memberships
                            .as_ref()
                            .and_then(|m| m.get(p.segment).copied().flatten())
                            .map(round4),
                        persona: text(|x| &x.name),
                        rule: text(|x| &x.rule),
                        action: text(|x| &x.action),
                    }
                })
                .collect();
            let sweep = s.sweep.as_ref();
            SegmentReport {
                file: args.file.display().to_string(),
                source: match source {
                    CustomerSource::Transactions => "transactions",
                    CustomerSource::CustomerFile => "customers",
                },
                customers: s.n_customers,
                segmented: s.data.n_rows(),
                features: s.data.names.clone(),
                log_features: s.log_features.clone(),
                statistics: columns
                    .iter()
                    .map(|j| j.map(|j| s.profiles.statistic(j)).unwrap_or_default())
                    .collect(),
                algo: algorithm_name(algorithm),
                seed: s.params.seed,
                n_init: match algorithm {
                    Algorithm::KMeans => Some(KMeansParams::new(s.k).n_init),
                    Algorithm::Gmm => Some(GmmParams::new(s.k).n_runs),
                    Algorithm::Hierarchical | Algorithm::Dbscan => None,
                },
                silhouette_sample: s
                    .silhouette
                    .as_ref()
                    .map(|x| x.sample_size)
                    .unwrap_or_else(|| sweep.and_then(|x| x.silhouette_sample)),
                silhouette: s.mean_silhouette().map(round4),
                metrics: sweep
                    .map(|x| {
                        x.rows
                            .iter()
                            .map(|r| KMetrics {
                                k: r.k,
                                inertia: round4(r.inertia),
                                silhouette: round4(r.silhouette),
                                calinski_harabasz: round4(r.calinski_harabasz),
                                davies_bouldin: round4(r.davies_bouldin),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                suggested_k: sweep.map(|x| x.suggested_k),
                chosen_k: s.k,
                reason: s.reason.clone(),
                notes: s.notes.clone(),
                // The core leaves `eps` unset when DBSCAN fell back to its default radius.
                eps: dbscan.then(|| round4(s.eps.unwrap_or(DbscanParams::default().eps))),
                suggested_eps: s
                    .k_distance
                    .as_ref()
                    .and_then(|c| c.suggested_eps)
                    .map(round4),
                min_points: dbscan.then_some(s.params.min_points),
                noise: dbscan.then(|| s.n_noise()),
                output: args.output.as_ref().map(|p| p.display().to_string()),
                all_customers: AllCustomers {
                    means: columns
                        .iter()
                        .map(|j| j.and_then(|j| s.profiles.overall_means.get(j).copied().flatten()))
                        .map(|m| m.map(round4))
                        .collect(),
                    medians: columns
                        .iter()
                        .map(|j| {
                            j.and_then(|j| s.profiles.overall_medians.get(j).copied().flatten())
                        })
                        .map(|m| m.map(round4))
                        .collect(),
                },
                segments,
            }
        }

        fn algorithm_line(r: &SegmentReport) -> String {
            match r.algo {
                "kmeans" => format!(
                    "K-means, k-means++ start, {} restarts, seed {}",
                    r.n_init.unwrap_or_default(),
                    r.seed
                ),
                "hierarchical" => format!("Hierarchical, Ward linkage, seed {}", r.seed),
                "gmm" => format!(
                    "Gaussian mixture, full covariance, {} EM runs, seed {}",
                    r.n_init.unwrap_or_default(),
                    r.seed
                ),
                _ => format!(
                    "DBSCAN, eps {}{}, min points {}, seed {}",
                    r.eps.map(format::number).unwrap_or_default(),
                    match (r.suggested_eps, r.eps) {
                        (Some(knee), Some(eps)) if knee == eps =>
                            " (knee of the k-distance curve)".to_string(),
                        (Some(knee), _) =>
                            format!(" (knee of the k-distance curve: {})", format::number(knee)),
                        (None, _) => String::new(),
                    },
                    r.min_points.unwrap_or_default(),
                    r.seed
                ),
            }
        }

        fn print_segments(out: &mut impl Write, r: &SegmentReport) -> std::io::Result<()> {
            writeln!(out, "file        {}", r.file)?;
            writeln!(
                out,
                "customers   {} segmented of {} ({})",
                format::thousands(r.segmented as u64),
                format::thousands(r.customers as u64),
                if r.source == "transactions" {
                    "built from purchase lines"
                } else {
                    "one row per customer"
                }
            )?;
            let features: Vec<String> = r
                .features
                .iter()
                .map(|f| {
                    if r.log_features.contains(f) {
                        format!("{f} (log)")
                    } else {
                        f.clone()
                    }
                })
                .collect();
            writeln!(out, "features    {} (standardized)", features.join(", "))?;
            writeln!(out, "algorithm   {}", algorithm_line(r))?;
            match r.silhouette_sample {
                Some(n) => writeln!(
                    out,
                    "silhouette  on a random sample of {} customers",
                    format::thousands(n as u64)
                )?,
                None if r.noise.is_some_and(|n| n > 0) => writeln!(
                    out,
                    "silhouette  exact, every customer in a segment (noise left out)"
                )?,
                None => writeln!(out, "silhouette  exact, every customer")?,
            }
            if let Some(noise) = r.noise {
                writeln!(
                    out,
                    "noise       {} customers ({:.1}%) in no dense region",
                    format::thousands(noise as u64),
                    100.0 * noise as f64 / r.segmented.max(1) as f64
                )?;
            }
            if !r.metrics.is_empty() {
                writeln!(out)?;
                let fitted = match r.algo {
                    "hierarchical" => "the Ward tree cut at each k",
                    "gmm" => "K-means at each k (the mixture is fitted at the chosen k)",
                    _ => "K-means at each k",
                };
                writeln!(out, "k sweep     {fitted}")?;
                writeln!(
                    out,
                    "{:>4}  {:>14}  {:>10}  {:>17}  {:>14}",
                    "k", "inertia", "silhouette", "calinski-harabasz", "davies-bouldin"
                )?;
                for m in &r.metrics {
                    let mark = if m.k == r.chosen_k { "*" } else { " " };
                    writeln!(
                        out,
                        "{:>3}{mark}  {:>14.1}  {:>10.4}  {:>17.1}  {:>14.4}",
                        m.k, m.inertia, m.silhouette, m.calinski_harabasz, m.davies_bouldin
                    )?;
                }
            }
            writeln!(out)?;
            writeln!(out, "chosen      {}", r.reason)?;
            if let Some(s) = r.silhouette {
                writeln!(out, "silhouette  {s:.4} (mean of the segmented customers)")?;
            }
            for note in &r.notes {
                writeln!(out, "note        {note}")?;
            }
            writeln!(out)?;
            print_segment_table(out, r)?;
            writeln!(out)?;
            for s in &r.segments {
                let revenue = s
                    .revenue_share
                    .map(|share| format!(", {:.1}% of revenue", share * 100.0))
                    .unwrap_or_default();
                writeln!(out, "segment {}  {}{revenue}", s.segment, s.persona)?;
                writeln!(out, "  why       {}", s.rule)?;
                writeln!(out, "  action    {}", s.action)?;
            }
            if let Some(path) = &r.output {
                writeln!(out)?;
                writeln!(
                    out,
                    "output      {path}: the customer table with a segment column"
                )?;
            }
            Ok(())
        }

        /// Size, share, each feature's median or mean (the statistic the persona rules compare,
        /// named under its header), revenue share, silhouette (and GMM membership) per segment,
        /// then all customers.
        fn print_segment_table(out: &mut impl Write, r: &SegmentReport) -> std::io::Result<()> {
            let widths: Vec<usize> = r
                .features
                .iter()
                .map(|name| name.chars().count().max(10))
                .collect();
            let revenue = r.segments.iter().any(|s| s.revenue_share.is_some());
            let membership = r.segments.iter().any(|s| s.membership.is_some());
            let percent =
                |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{:.1}%", x * 100.0));
            let statistic = |j: usize| r.statistics.get(j).copied().unwrap_or_default();
            let shown = |j: usize, means: &[Option<f64>], medians: &[Option<f64>]| {
                let values = match statistic(j) {
                    Statistic::Mean => means,
                    Statistic::Median => medians,
                };
                values
                    .get(j)
                    .copied()
                    .flatten()
                    .map_or("–".to_string(), format::number)
            };
            write!(out, "{:>7}  {:>9}  {:>6}", "segment", "customers", "share")?;
            for (name, width) in r.features.iter().zip(&widths) {
                write!(out, "  {name:>width$}")?;
            }
            if revenue {
                write!(out, "  {:>7}", "revenue")?;
            }
            write!(out, "  {:>10}", "silhouette")?;
            if membership {
                write!(out, "  {:>10}", "membership")?;
            }
            writeln!(out)?;
            write!(out, "{:>7}  {:>9}  {:>6}", "", "", "")?;
            for (j, width) in widths.iter().enumerate() {
                write!(out, "  {:>width$}", statistic(j).label())?;
            }
            writeln!(out)?;
            for s in &r.segments {
                write!(
                    out,
                    "{:>7}  {:>9}  {:>6}",
                    s.segment,
                    format::thousands(s.size as u64),
                    percent(Some(s.share))
                )?;
                for (j, width) in widths.iter().enumerate() {
                    write!(out, "  {:>width$}", shown(j, &s.means, &s.medians))?;
                }
                if revenue {
                    write!(out, "  {:>7}", percent(s.revenue_share))?;
                }
                let silhouette = s.silhouette.map_or("–".to_string(), |x| format!("{x:.4}"));
                write!(out, "  {silhouette:>10}")?;
                if membership {
                    let m = s.membership.map_or("–".to_string(), |x| format!("{x:.3}"));
                    write!(out, "  {m:>10}")?;
                }
                writeln!(out)?;
            }
            if let Some(noise) = r.noise.filter(|&n| n > 0) {
                writeln!(
                    out,
                    "{:>7}  {:>9}  {:>6}",
                    "noise",
                    format::thousands(noise as u64),
                    percent(Some(noise as f64 / r.segmented.max(1) as f64))
                )?;
            }
            // All segmented customers, noise included: what the persona rules compare with.
            write!(
                out,
                "{:>7}  {:>9}  {:>6}",
                "all",
                format::thousands(r.segmented as u64),
                percent(Some(1.0))
            )?;
            for (j, width) in widths.iter().enumerate() {
                let all = &r.all_customers;
                write!(out, "  {:>width$}", shown(j, &all.means, &all.medians))?;
            }
            writeln!(out)?;
            Ok(())
        }
    }
}
