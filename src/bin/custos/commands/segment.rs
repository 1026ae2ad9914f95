//! `custos segment`: the Segment step of the app (`core::segment::run`), so the CLI and the
//! app give the same segments for the same choices. This module only turns flags into
//! [`SegmentParams`] and the [`Segmentation`] into a report; it does no numeric work.

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
use custos::core::segment::run::{self, Algorithm, SegmentError, SegmentParams, Segmentation};
use custos::core::segment::sweep::KMetrics;
use custos::core::segment::SegmentDataError;

use crate::flags;
use crate::input::{self, BadRowsArgs};
use crate::output::{self, round4};

/// The `--algo` names, in the order the help lists them.
const ALGORITHMS: [(&str, Algorithm); 4] = [
    ("kmeans", Algorithm::KMeans),
    ("hierarchical", Algorithm::Hierarchical),
    ("dbscan", Algorithm::Dbscan),
    ("gmm", Algorithm::Gmm),
];

/// Segment customers (K-means, Ward, DBSCAN or a Gaussian mixture): the k sweep, the
/// chosen k, segment profiles and personas, as the app's Segment step.
///
/// FILE is a customer file (one row per customer) or a file of purchase lines (the
/// customer table is built from the detected roles, as the Explore step does). Skewed
/// features are log-transformed (unless --no-log), then every feature is standardized.
#[derive(clap::Args)]
pub struct SegmentArgs {
    file: PathBuf,
    /// Features to segment on, comma-separated, named as in the customer table (default:
    /// recency, frequency and monetary for purchase lines; every numeric feature that
    /// varies and is not 0/1 for a customer file).
    #[arg(long, value_name = "a,b,…")]
    features: Option<String>,
    /// Algorithm: kmeans, hierarchical (Ward), dbscan or gmm (Gaussian mixture).
    #[arg(long, value_name = "ALGO", default_value = "kmeans")]
    algo: String,
    /// Number of segments (default: the suggested k). The k sweep still runs, so its
    /// metrics show how this k compares.
    #[arg(long)]
    k: Option<usize>,
    /// Range of k to sweep, both ends included (default 2..10).
    #[arg(long, value_name = "FROM..TO")]
    k_range: Option<String>,
    /// DBSCAN only: neighbourhood radius in standardized units (default: the knee of the
    /// k-distance curve).
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    eps: Option<f64>,
    /// DBSCAN only: customers within eps, itself included, that make a core customer
    /// (default 5).
    #[arg(long, value_name = "N")]
    min_points: Option<usize>,
    /// Do not log-transform skewed features before standardizing (on by default, as in
    /// the app).
    #[arg(long)]
    no_log: bool,
    /// Seed of the random generator: same seed, same segments.
    #[arg(long, default_value_t = KMeansParams::DEFAULT_SEED)]
    seed: u64,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Write the customer table with a `segment` column (persona names; "Noise" for
    /// DBSCAN noise; plus `segment_probability` for gmm) as CSV to this file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
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
    let bad = || format!("--k-range '{text}' is not a range: write it as FROM..TO, e.g. 2..10");
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
    let (ingested, explore_params) = input::explore_input(&args.file, &args.bad_rows)?;
    let table = &ingested.table;
    let explored = explore::run(table, &explore_params, &mut |_| {}).map_err(|e| e.to_string())?;
    let customers = &explored.prepared;
    let source = explored.built.source;
    params.features = match &args.features {
        Some(list) => flags::list(list),
        None => run::default_features(customers, source),
    };
    let segmentation = run::segment(customers, params, &mut |_, _| {})
        .map_err(|e| error_message(&e, customers))?;
    if let Some(path) = &args.output {
        // As the app downloads it: the built values (blanks blank) and the segment.
        let facts = explored.customer_facts();
        output::write_file(path, segmentation.add_to(&facts).to_csv())?;
    }
    output::emit(
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
        if let (Some(p), Some(slot)) = (memberships.get((i, *label)), sums.get_mut(*label)) {
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
                .map(|j| j.and_then(|j| s.profiles.overall_medians.get(j).copied().flatten()))
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
    let percent = |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{:.1}%", x * 100.0));
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
