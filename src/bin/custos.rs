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

    use custos::core::features::{self, FeatureParams, LineCleaning, RoleMapping};
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
            /// Keep cancellations and returns (they count as negative spend).
            #[arg(long)]
            keep_cancellations: bool,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            skip_bad_rows: bool,
            /// Output file (default: standard output).
            #[arg(short, long)]
            output: Option<PathBuf>,
        },
        /// Segment customers: K-means for each k, its quality, the suggested k and segment sizes.
        ///
        /// FILE is a customer file (one row per customer) or a file of purchase lines (the
        /// customer table is built from the detected roles, as the Explore step does). Features
        /// are standardized before clustering. Default: every numeric feature that varies.
        Segment(segment::SegmentArgs),
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
                keep_cancellations,
                skip_bad_rows,
                output,
            } => customers(
                &file,
                &columns,
                reference_date.as_deref(),
                keep_cancellations,
                skip_bad_rows,
                output.as_deref(),
            ),
            Command::Segment(args) => segment::run(&args),
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
        // Asking for quantity × price means: not the detected amount.
        if columns.quantity.is_some() || columns.price.is_some() {
            mapping.amount = None;
        }
        Ok(mapping)
    }

    fn parse_reference_date(text: &str) -> Result<i32, String> {
        let bad = || format!("--reference-date '{text}' is not a date: write it as YYYY-MM-DD");
        let mut parts = text.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let year: i64 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        format::days_from_civil(year, month, day)
            .and_then(|days| i32::try_from(days).ok())
            .ok_or_else(bad)
    }

    fn customers(
        path: &Path,
        columns: &RoleColumns,
        reference_date: Option<&str>,
        keep_cancellations: bool,
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
            cleaning: LineCleaning {
                drop_cancellations: !keep_cancellations,
                ..LineCleaning::default()
            },
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
            None => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                    // `custos sample … | head` closes the pipe early: not an error.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => other.map_err(|e| e.to_string()),
                }
            }
        }
    }

    /// `custos segment`.
    mod segment {
        use std::io::{BufWriter, Write};
        use std::path::PathBuf;

        use serde::Serialize;

        use custos::core::customer_table::{CustomerSource, CustomerTable, FeatureValues};
        use custos::core::explore::{self, ExploreParams};
        use custos::core::features::{FeatureParams, RoleMapping};
        use custos::core::format;
        use custos::core::ingest::{IngestOptions, TableShape};
        use custos::core::prep::PrepParams;
        use custos::core::segment::kmeans::KMeansParams;
        use custos::core::segment::sweep::{self, KMetrics, SweepParams};
        use custos::core::segment::SegmentData;
        use custos::core::segment::{personas, profile};

        #[derive(clap::Args)]
        pub struct SegmentArgs {
            pub file: PathBuf,
            /// Features to segment on, comma-separated, named as in the customer table.
            #[arg(long, value_name = "a,b,…")]
            pub features: Option<String>,
            /// Algorithm: kmeans (hierarchical, dbscan and gmm come later).
            #[arg(long, default_value = "kmeans")]
            pub algo: String,
            /// Number of segments (skips the sweep).
            #[arg(long, conflicts_with = "k_range")]
            pub k: Option<usize>,
            /// Range of k to sweep, both ends included.
            #[arg(long, value_name = "FROM..TO", default_value = "2..10")]
            pub k_range: String,
            /// Seed of the random generator: same seed, same segments.
            #[arg(long, default_value_t = 42)]
            pub seed: u64,
            /// Print JSON instead of tables.
            #[arg(long)]
            pub json: bool,
            /// Load the file even if some rows have the wrong number of fields (they are skipped).
            #[arg(long)]
            pub skip_bad_rows: bool,
        }

        #[derive(Serialize)]
        struct SegmentReport {
            file: String,
            /// `customers` (one row per customer) or `transactions` (built from purchase lines).
            source: &'static str,
            customers: usize,
            /// Customers with a value in every feature (the ones segmented).
            segmented: usize,
            features: Vec<String>,
            algo: &'static str,
            seed: u64,
            n_init: usize,
            /// Customers the silhouette was computed on when sampled; null when exact.
            silhouette_sample: Option<usize>,
            metrics: Vec<KMetrics>,
            suggested_k: usize,
            chosen_k: usize,
            reason: String,
            notes: Vec<String>,
            /// Largest segment first.
            segments: Vec<SegmentSize>,
        }

        #[derive(Serialize)]
        struct SegmentSize {
            segment: usize,
            size: usize,
            share: f64,
            /// Mean of each feature in the segment, natural units, in `features` order.
            means: Vec<f64>,
            /// Share of all revenue (`monetary`) when the table has it.
            revenue_share: Option<f64>,
            /// Persona named from the segment's profile, the rule that named it, and an action.
            persona: String,
            rule: String,
            action: String,
        }

        fn persona_field(
            named: &[personas::Persona],
            segment: usize,
            field: impl Fn(&personas::Persona) -> &String,
        ) -> String {
            named
                .iter()
                .find(|p| p.segment == segment)
                .map(|p| field(p).clone())
                .unwrap_or_default()
        }

        /// Rounded to 4 decimals, as the golden files keep them.
        fn round4(x: f64) -> f64 {
            if x.is_finite() {
                (x * 1e4).round() / 1e4
            } else {
                x
            }
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

        /// Numeric features that vary (the default choice).
        fn default_features(table: &CustomerTable) -> Vec<String> {
            table
                .features
                .iter()
                .filter(|f| match &f.values {
                    FeatureValues::Numeric(values) => {
                        let mut finite = values.iter().filter(|x| x.is_finite());
                        let first = finite.next();
                        first.is_some_and(|a| finite.any(|b| b != a))
                    }
                    FeatureValues::Categorical { .. } => false,
                })
                .map(|f| f.name.clone())
                .collect()
        }

        pub fn run(args: &SegmentArgs) -> Result<(), String> {
            if args.algo != "kmeans" {
                return Err(match args.algo.as_str() {
                    "hierarchical" | "dbscan" | "gmm" => format!(
                        "--algo {}: not available yet; only kmeans is, hierarchical, dbscan and \
                         gmm come later",
                        args.algo
                    ),
                    other => format!(
                        "--algo '{other}' is unknown: use kmeans (hierarchical, dbscan and gmm \
                         come later)"
                    ),
                });
            }
            let (k_min, k_max) = match args.k {
                Some(k) => (k, k),
                None => parse_range(&args.k_range)?,
            };
            let ingested = super::read(&args.file, &IngestOptions::default())?;
            ingested
                .check_bad_rows(args.skip_bad_rows)
                .map_err(|e| format!("{e} (use --skip-bad-rows to load the other rows)"))?;
            let table = &ingested.table;
            let source = if ingested.shape.shape == TableShape::Transactions {
                CustomerSource::Transactions
            } else {
                CustomerSource::CustomerFile
            };
            let params = ExploreParams {
                source,
                features: FeatureParams {
                    mapping: RoleMapping::from_roles(table),
                    ..FeatureParams::default()
                },
                prep: PrepParams::default(),
            };
            let explored = explore::run(table, &params, &mut |_| {}).map_err(|e| e.to_string())?;
            let customers = &explored.prepared;
            let features: Vec<String> = match &args.features {
                Some(list) => list
                    .split(',')
                    .map(|name| name.trim().to_string())
                    .filter(|name| !name.is_empty())
                    .collect(),
                None => match source {
                    CustomerSource::Transactions => ["recency_days", "frequency", "monetary"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    CustomerSource::CustomerFile => default_features(customers),
                },
            };
            let data = SegmentData::from_table(customers, &features).map_err(|e| e.to_string())?;
            let kmeans = KMeansParams {
                k: k_min,
                seed: args.seed,
                ..KMeansParams::new(k_min)
            };
            if args.k.is_some() {
                kmeans.check(&data).map_err(|e| e.to_string())?;
            }
            let params = SweepParams {
                k_min,
                k_max,
                kmeans: kmeans.clone(),
            };
            let result = sweep::sweep(&data, &params, &mut |_| {}).map_err(|e| e.to_string())?;
            let chosen_k = args.k.unwrap_or(result.suggested_k);
            let reason = match args.k {
                Some(k) => format!(
                    "k = {k}: set with --k (silhouette {:.2}).",
                    result.rows.first().map_or(f64::NAN, |r| r.silhouette)
                ),
                None => result.reason.clone(),
            };
            let model = result
                .model(chosen_k)
                .ok_or_else(|| format!("k = {chosen_k} was not fitted"))?;
            let sizes = model.sizes();
            let mut order: Vec<usize> = (0..sizes.len()).collect();
            order.sort_by_key(|&c| (std::cmp::Reverse(sizes[c]), c));
            let n = data.n_rows();
            let labels: Vec<Option<usize>> = model.labels.iter().map(|&c| Some(c)).collect();
            let profiles = profile::profile_segments(customers, &data.rows, &labels, model.k());
            let named = personas::name_personas(&profiles, &data.names);
            let segments = order
                .iter()
                .enumerate()
                .map(|(rank, &c)| SegmentSize {
                    segment: rank + 1,
                    size: sizes[c],
                    share: round4(sizes[c] as f64 / n as f64),
                    means: (0..data.names.len())
                        .map(|j| round4(model.centroids[[c, j]] * data.sds[j] + data.means[j]))
                        .collect(),
                    revenue_share: profiles
                        .segments
                        .iter()
                        .find(|p| p.segment == c)
                        .and_then(|p| p.revenue_share)
                        .map(round4),
                    persona: persona_field(&named, c, |p| &p.name),
                    rule: persona_field(&named, c, |p| &p.rule),
                    action: persona_field(&named, c, |p| &p.action),
                })
                .collect();
            let mut notes = result.notes.clone();
            if n < customers.n_rows() {
                notes.push(format!(
                    "{} customers left out: they miss a value in a chosen feature",
                    format::thousands((customers.n_rows() - n) as u64)
                ));
            }
            let report = SegmentReport {
                file: args.file.display().to_string(),
                source: match source {
                    CustomerSource::Transactions => "transactions",
                    CustomerSource::CustomerFile => "customers",
                },
                customers: customers.n_rows(),
                segmented: n,
                features: data.names.clone(),
                algo: "kmeans",
                seed: args.seed,
                n_init: kmeans.n_init,
                silhouette_sample: result.silhouette_sample,
                metrics: result
                    .rows
                    .iter()
                    .map(|r| KMetrics {
                        k: r.k,
                        inertia: round4(r.inertia),
                        silhouette: round4(r.silhouette),
                        calinski_harabasz: round4(r.calinski_harabasz),
                        davies_bouldin: round4(r.davies_bouldin),
                    })
                    .collect(),
                suggested_k: result.suggested_k,
                chosen_k,
                reason,
                notes,
                segments,
            };
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let written = if args.json {
                serde_json::to_writer_pretty(&mut out, &report)
                    .map_err(|e| e.to_string())
                    .and_then(|()| writeln!(out).map_err(|e| e.to_string()))
            } else {
                print_segments(&mut out, &report).map_err(|e| e.to_string())
            };
            match written.and_then(|()| out.flush().map_err(|e| e.to_string())) {
                Err(e) if e.contains("Broken pipe") => Ok(()),
                other => other,
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
            writeln!(out, "features    {} (standardized)", r.features.join(", "))?;
            writeln!(
                out,
                "algorithm   K-means, k-means++ start, {} restarts, seed {}",
                r.n_init, r.seed
            )?;
            match r.silhouette_sample {
                Some(n) => writeln!(
                    out,
                    "silhouette  on a random sample of {} customers",
                    format::thousands(n as u64)
                )?,
                None => writeln!(out, "silhouette  exact, every customer")?,
            }
            writeln!(out)?;
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
            writeln!(out)?;
            writeln!(out, "chosen      {}", r.reason)?;
            for note in &r.notes {
                writeln!(out, "note        {note}")?;
            }
            writeln!(out)?;
            let widths: Vec<usize> = r
                .features
                .iter()
                .map(|name| name.chars().count().max(10))
                .collect();
            write!(out, "{:>7}  {:>9}  {:>6}", "segment", "customers", "share")?;
            for (name, width) in r.features.iter().zip(&widths) {
                write!(out, "  {name:>width$}")?;
            }
            writeln!(out)?;
            for s in &r.segments {
                write!(
                    out,
                    "{:>7}  {:>9}  {:>5.1}%",
                    s.segment,
                    format::thousands(s.size as u64),
                    s.share * 100.0
                )?;
                for (mean, width) in s.means.iter().zip(&widths) {
                    write!(out, "  {:>width$}", format::number(*mean))?;
                }
                writeln!(out)?;
            }
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
            Ok(())
        }
    }
}
