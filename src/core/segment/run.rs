//! The Segment step end to end: from the customer table and the user's choices to segments
//! with profiles, personas, quality numbers and charts. Used by the worker (one step at a time,
//! so it can report progress and honour a cancel) and by `custos segment`.
//!
//! 1. **Prepare**: the chosen numeric features, complete rows; skewed non-negative features
//!    (skewness > 1, not 0/1) are log-transformed first when [`SegmentParams::log_skewed`] is
//!    on (the default: raw spend and order counts are so skewed that distances are ruled by a
//!    few extreme customers), then every feature is standardized.
//! 2. **Choose k** (K-means, Ward, Gaussian mixture): the k sweep. K-means and the mixture
//!    sweep K-means fits; Ward measures cuts of its own tree. DBSCAN has no k: its eps comes
//!    from the k-distance curve unless the user sets it.
//! 3. **Fit** the chosen algorithm at the chosen (or suggested) k.
//! 4. **Describe**: segments renumbered largest first, silhouette of each customer, profiles
//!    (means in natural units; standardized means on the transformed scale the segments were
//!    built on), personas, PCA.
//!
//! Pure Rust: no web-sys.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerSource, CustomerTable, Feature, FeatureValues};
use crate::core::eda::{Chart, ChartKind, LineSeries, ValueFormat};
use crate::core::format;
use crate::core::prep::stats;
use crate::core::prep::transform::AUTO_SKEWNESS;
use crate::core::segment::charts;
use crate::core::segment::dbscan::{self, DbscanError, DbscanParams, KDistance};
use crate::core::segment::gmm::{GmmError, GmmParams};
use crate::core::segment::hierarchical::{
    Dendrogram, SampleInfo, WardError, WardModel, WardParams,
};
use crate::core::segment::kmeans::{KMeansError, KMeansParams};
use crate::core::segment::metrics::{self, SilhouetteSamples};
use crate::core::segment::pca::{self, PcaModel, PcaParams};
use crate::core::segment::personas::{self, Persona};
use crate::core::segment::profile::{self, SegmentProfiles};
use crate::core::segment::sweep::{KSweep, SweepError, SweepParams, Sweeper};
use crate::core::segment::{SegmentData, SegmentDataError};
use crate::core::table::MISSING;

/// Name of the column [`Segmentation::add_to`] adds to the customer table.
pub const SEGMENT_COLUMN: &str = "segment";
pub const SEGMENT_PROBABILITY_COLUMN: &str = "segment_probability";

/// `table` without the segment columns a segmentation added ([`SEGMENT_COLUMN`],
/// [`SEGMENT_PROBABILITY_COLUMN`]).
pub fn without_segment(table: &CustomerTable) -> CustomerTable {
    let mut out = table.clone();
    out.features
        .retain(|f| f.name != SEGMENT_COLUMN && f.name != SEGMENT_PROBABILITY_COLUMN);
    out
}

/// Most points the PCA scatter draws (a stratified sample beyond).
pub const SCATTER_MAX_POINTS: usize = 4_000;
/// Merges kept in the drawn dendrogram.
pub const DENDROGRAM_MERGES: usize = 30;

/// The segmentation algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    #[default]
    KMeans,
    /// Agglomerative, Ward linkage.
    Hierarchical,
    Dbscan,
    /// Gaussian mixture, soft memberships.
    Gmm,
}

impl Algorithm {
    pub fn label(self) -> &'static str {
        match self {
            Algorithm::KMeans => "K-means",
            Algorithm::Hierarchical => "Hierarchical (Ward)",
            Algorithm::Dbscan => "DBSCAN",
            Algorithm::Gmm => "Gaussian mixture",
        }
    }

    /// Whether the user chooses a number of segments.
    pub fn takes_k(self) -> bool {
        self != Algorithm::Dbscan
    }
}

/// What the user chose in the Segment step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentParams {
    /// Numeric features of the customer table to segment on.
    pub features: Vec<String>,
    /// Log-transform skewed non-negative features before standardizing.
    pub log_skewed: bool,
    pub algorithm: Algorithm,
    /// Number of segments; `None` = the suggested k.
    pub k: Option<usize>,
    /// Range of the k sweep, both ends included.
    pub k_min: usize,
    pub k_max: usize,
    /// DBSCAN radius in standardized units; `None` = the knee of the k-distance curve.
    pub eps: Option<f64>,
    /// DBSCAN: customers within eps (itself included) that make a core customer.
    pub min_points: usize,
    pub seed: u64,
}

impl Default for SegmentParams {
    fn default() -> Self {
        SegmentParams {
            features: Vec::new(),
            log_skewed: true,
            algorithm: Algorithm::KMeans,
            k: None,
            k_min: 2,
            k_max: 10,
            eps: None,
            min_points: 5,
            seed: KMeansParams::DEFAULT_SEED,
        }
    }
}

/// The Segment step cannot go on; every message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    #[error(transparent)]
    Data(#[from] SegmentDataError),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    #[error(transparent)]
    Ward(#[from] WardError),
    #[error(transparent)]
    Dbscan(#[from] DbscanError),
    #[error("The Gaussian mixture could not be fitted: {0} Try K-means or fewer segments.")]
    Gmm(String),
    #[error(
        "k = {k} is too many segments: there are only {distinct} distinct customers (customers \
         with the same values count once). Choose k from 2 to {}.",
        .distinct.saturating_sub(1).max(2)
    )]
    KTooLarge { k: usize, distinct: usize },
    #[error("k must be at least 2 (got {0}): one segment is no segmentation.")]
    KTooSmall(usize),
    #[error(
        "The log transform cannot be applied to '{name}': it has negative values (lowest \
         {min}). Turn the log transform off."
    )]
    LogNegative { name: String, min: String },
}

impl From<GmmError> for SegmentError {
    fn from(err: GmmError) -> Self {
        SegmentError::Gmm(err.to_string())
    }
}

/// The features segmented on by default: recency, frequency and monetary for a table built from
/// purchases (with tenure and distinct products when one of them is absent); for a customer
/// file, every numeric feature that varies and is not a 0/1 indicator.
pub fn default_features(table: &CustomerTable, source: CustomerSource) -> Vec<String> {
    let usable = |name: &str| {
        table.feature(name).is_some_and(|f| match &f.values {
            FeatureValues::Numeric(v) => varies(v),
            FeatureValues::Categorical { .. } => false,
        })
    };
    match source {
        CustomerSource::Transactions => {
            let mut chosen: Vec<String> = ["recency_days", "frequency", "monetary"]
                .into_iter()
                .filter(|n| usable(n))
                .map(str::to_string)
                .collect();
            for extra in ["tenure_days", "distinct_products"] {
                if chosen.len() >= 3 {
                    break;
                }
                if usable(extra) {
                    chosen.push(extra.to_string());
                }
            }
            chosen
        }
        CustomerSource::CustomerFile => table
            .features
            .iter()
            .filter(|f| f.name != SEGMENT_PROBABILITY_COLUMN)
            .filter(|f| match &f.values {
                FeatureValues::Numeric(v) => varies(v) && !stats::is_indicator(v),
                FeatureValues::Categorical { .. } => false,
            })
            .map(|f| f.name.clone())
            .collect(),
    }
}

fn varies(values: &[f64]) -> bool {
    let mut finite = values.iter().filter(|x| x.is_finite());
    let first = finite.next();
    first.is_some_and(|a| finite.any(|b| b != a))
}

/// The table and matrix a segmentation runs on.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub data: SegmentData,
    /// Features log-transformed before standardizing.
    pub log_features: Vec<String>,
    /// The customer table with those features log-transformed (for standardized profiles);
    /// `None` when nothing was transformed.
    scaled_table: Option<CustomerTable>,
    pub notes: Vec<String>,
}

/// Check the choices and build the standardized matrix.
pub fn prepare(table: &CustomerTable, params: &SegmentParams) -> Result<Prepared, SegmentError> {
    if let Some(k) = params.k.filter(|&k| k < 2 && params.algorithm.takes_k()) {
        return Err(SegmentError::KTooSmall(k));
    }
    let mut log_features = Vec::new();
    if params.log_skewed {
        for name in &params.features {
            let Some(feature) = table.feature(name) else {
                continue;
            };
            let FeatureValues::Numeric(values) = &feature.values else {
                continue;
            };
            let already_log = feature.description.to_lowercase().contains("log scale");
            let non_negative = stats::min_max(values).is_some_and(|(min, _)| min >= 0.0);
            let skewed = stats::skewness(values).is_some_and(|s| s > AUTO_SKEWNESS);
            if !already_log && non_negative && skewed && !stats::is_indicator(values) {
                log_features.push(name.clone());
            }
        }
    }
    let scaled_table = (!log_features.is_empty()).then(|| {
        let mut scaled = table.clone();
        for feature in &mut scaled.features {
            if log_features.contains(&feature.name) {
                if let FeatureValues::Numeric(values) = &mut feature.values {
                    for x in values.iter_mut() {
                        *x = x.ln_1p();
                    }
                }
            }
        }
        scaled
    });
    let data = SegmentData::from_table(scaled_table.as_ref().unwrap_or(table), &params.features)?;
    let mut notes = Vec::new();
    if !log_features.is_empty() {
        notes.push(format!(
            "{} {} so skewed that a few extreme customers would decide the segments; {} \
             log-transformed (log(1 + x)) before standardizing. The profile shows medians and \
             means in natural units.",
            list(&log_features),
            if log_features.len() == 1 { "is" } else { "are" },
            if log_features.len() == 1 {
                "it was"
            } else {
                "they were"
            },
        ));
    }
    let left_out = table.n_rows().saturating_sub(data.n_rows());
    if left_out > 0 {
        notes.push(format!(
            "{} customers were left out: they miss a value in a chosen feature.",
            format::thousands(left_out as u64)
        ));
    }
    Ok(Prepared {
        data,
        log_features,
        scaled_table,
        notes,
    })
}

fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Where a [`SegmentJob`] is.
#[derive(Debug)]
enum Stage {
    /// Fit K-means (or cut the tree) for the next k of the sweep.
    Sweep,
    /// Fit the Ward tree before its sweep.
    FitWard,
    KDistance,
    /// Fit the chosen algorithm at the chosen k.
    Fit,
    Done,
}

/// What the fitted algorithm left.
#[derive(Debug, Clone)]
struct Fitted {
    labels: Vec<Option<usize>>,
    /// DBSCAN: the eps used.
    eps: Option<f64>,
    memberships: Option<Array2<f64>>,
    k: usize,
    reason: String,
    notes: Vec<String>,
}

/// A segmentation run one step at a time: call [`SegmentJob::step`] until it returns `false`
/// (each step is one fit: one k of the sweep, the tree, the final model), then
/// [`SegmentJob::finish`].
pub struct SegmentJob {
    params: SegmentParams,
    prepared: Prepared,
    stage: Stage,
    sweeper: Option<Sweeper>,
    sweep: Option<KSweep>,
    ward: Option<WardModel>,
    k_distance: Option<KDistance>,
    fitted: Option<Fitted>,
    /// Steps done and expected, for progress.
    done: usize,
    total: usize,
}

/// A finished segmentation.
#[derive(Debug, Clone)]
pub struct Segmentation {
    pub params: SegmentParams,
    pub data: SegmentData,
    pub log_features: Vec<String>,
    /// Customers in the table (segmented or not).
    pub n_customers: usize,
    pub sweep: Option<KSweep>,
    /// Number of segments (DBSCAN: found).
    pub k: usize,
    /// Why this k (or eps), in plain words.
    pub reason: String,
    /// Segment of each row of `data` (`None`: DBSCAN noise), 0 = largest.
    pub labels: Vec<Option<usize>>,
    /// Gaussian mixture: `rows × k` membership probabilities (columns in segment order).
    pub memberships: Option<Array2<f64>>,
    /// Silhouette of every segmented customer (noise left out), exact or sampled.
    pub silhouette: Option<SilhouetteSamples>,
    pub profiles: SegmentProfiles,
    pub personas: Vec<Persona>,
    pub notes: Vec<String>,
    pub ward: Option<WardModel>,
    pub k_distance: Option<KDistance>,
    pub eps: Option<f64>,
    pub pca: Option<(PcaModel, Array2<f64>)>,
}

impl SegmentJob {
    /// Prepare the data and plan the steps. `previous`: an earlier segmentation whose sweep (and
    /// Ward tree) can be reused when only k changed.
    pub fn new(
        table: &CustomerTable,
        params: SegmentParams,
        previous: Option<&Segmentation>,
    ) -> Result<SegmentJob, SegmentError> {
        let prepared = prepare(table, &params)?;
        let mut params = params;
        // The chosen k is always part of the sweep.
        if let Some(k) = params.k {
            params.k_min = params.k_min.min(k);
            params.k_max = params.k_max.max(k);
        }
        let reusable = previous.filter(|p| {
            let mut a = p.params.clone();
            let mut b = params.clone();
            a.k = None;
            b.k = None;
            a == b && p.data == prepared.data
        });
        let mut job = SegmentJob {
            params,
            prepared,
            stage: Stage::Done,
            sweeper: None,
            sweep: reusable.and_then(|p| p.sweep.clone()),
            ward: reusable.and_then(|p| p.ward.clone()),
            k_distance: reusable.and_then(|p| p.k_distance.clone()),
            fitted: None,
            done: 0,
            total: 1,
        };
        let data = &job.prepared.data;
        match job.params.algorithm {
            Algorithm::KMeans | Algorithm::Gmm if job.sweep.is_none() => {
                let sweeper = Sweeper::new(data, &job.sweep_params())?;
                job.total = sweeper.ks().len() + 1;
                job.sweeper = Some(sweeper);
                job.stage = Stage::Sweep;
            }
            Algorithm::Hierarchical if job.sweep.is_none() || job.ward.is_none() => {
                let sweeper = Sweeper::new(data, &job.sweep_params())?;
                job.total = sweeper.ks().len() + 2;
                job.sweeper = Some(sweeper);
                job.stage = Stage::FitWard;
            }
            Algorithm::Dbscan if job.k_distance.is_none() => {
                job.total = 2;
                job.stage = Stage::KDistance;
            }
            _ => {
                job.total = 1;
                job.stage = Stage::Fit;
            }
        }
        Ok(job)
    }

    fn sweep_params(&self) -> SweepParams {
        SweepParams {
            k_min: self.params.k_min,
            k_max: self.params.k_max,
            kmeans: KMeansParams {
                seed: self.params.seed,
                ..KMeansParams::new(self.params.k_min)
            },
        }
    }

    /// Share of the work done, 0…1.
    pub fn fraction_done(&self) -> f64 {
        (self.done as f64 / self.total.max(1) as f64).min(1.0)
    }

    /// What the next step does, for the progress line.
    pub fn stage_label(&self) -> String {
        match self.stage {
            Stage::Sweep => match self.sweeper.as_ref().and_then(Sweeper::next_k) {
                Some(k) if self.params.algorithm == Algorithm::Hierarchical => {
                    format!("Measuring the tree cut into {k} segments")
                }
                Some(k) => format!("Trying k = {k}"),
                None => "Choosing k".to_string(),
            },
            Stage::FitWard => "Building the Ward tree".to_string(),
            Stage::KDistance => "Computing the k-distance curve".to_string(),
            Stage::Fit => format!("Fitting {}", self.params.algorithm.label()),
            Stage::Done => "Describing the segments".to_string(),
        }
    }

    /// Run one step; `false` when every step is done.
    pub fn step(&mut self) -> Result<bool, SegmentError> {
        let data = &self.prepared.data;
        match self.stage {
            Stage::Done => return Ok(false),
            Stage::FitWard => {
                let ward = WardParams {
                    seed: self.params.seed,
                    ..WardParams::default()
                }
                .fit(data)?;
                self.ward = Some(ward);
                self.stage = Stage::Sweep;
            }
            Stage::Sweep => {
                let Some(sweeper) = self.sweeper.as_mut() else {
                    self.stage = Stage::Fit;
                    return Ok(true);
                };
                let more = match (&self.ward, self.params.algorithm) {
                    (Some(ward), Algorithm::Hierarchical) => match sweeper.next_k() {
                        Some(k) => {
                            let cut = ward.cut(k)?;
                            sweeper.measure_next(data, &cut.labels)
                        }
                        None => false,
                    },
                    _ => sweeper.step(data)?,
                };
                if !more || sweeper.next_k().is_none() {
                    if let Some(sweeper) = self.sweeper.take() {
                        self.sweep = Some(sweeper.finish());
                    }
                    self.stage = Stage::Fit;
                }
            }
            Stage::KDistance => {
                self.k_distance = Some(dbscan::k_distance(
                    data,
                    self.params.min_points.saturating_sub(1).max(1),
                ));
                self.stage = Stage::Fit;
            }
            Stage::Fit => {
                self.fitted = Some(self.fit()?);
                self.stage = Stage::Done;
            }
        }
        self.done += 1;
        Ok(!matches!(self.stage, Stage::Done))
    }

    /// The k to fit and why.
    fn chosen_k(&self) -> Result<(usize, String), SegmentError> {
        let sweep = self.sweep.as_ref();
        let silhouette_at = |k: usize| {
            sweep
                .and_then(|s| s.rows.iter().find(|r| r.k == k))
                .map(|r| r.silhouette)
        };
        let distinct =
            crate::core::segment::kmeans::distinct_rows(self.prepared.data.matrix.view());
        match (self.params.k, sweep) {
            (Some(k), _) if k >= distinct => Err(SegmentError::KTooLarge { k, distinct }),
            (Some(k), _) => {
                let suggested = sweep.map(|s| s.suggested_k);
                let text = match (silhouette_at(k), suggested) {
                    (Some(s), Some(sk)) if sk != k => format!(
                        "k = {k}: your choice (silhouette {s:.2}); the suggestion was {sk}."
                    ),
                    (Some(s), _) => {
                        format!("k = {k}: your choice, also the suggestion (silhouette {s:.2}).")
                    }
                    _ => format!("k = {k}: your choice."),
                };
                Ok((k, text))
            }
            (None, Some(sweep)) => Ok((sweep.suggested_k, sweep.reason.clone())),
            (None, None) => Err(SegmentError::KTooSmall(0)),
        }
    }

    fn fit(&self) -> Result<Fitted, SegmentError> {
        let data = &self.prepared.data;
        let seed = self.params.seed;
        match self.params.algorithm {
            Algorithm::KMeans => {
                let (k, reason) = self.chosen_k()?;
                let model = match self.sweep.as_ref().and_then(|s| s.model(k)) {
                    Some(model) => model.clone(),
                    None => KMeansParams {
                        seed,
                        ..KMeansParams::new(k)
                    }
                    .fit(data)?,
                };
                Ok(Fitted {
                    eps: None,
                    labels: model.labels.iter().map(|&l| Some(l)).collect(),
                    memberships: None,
                    k,
                    reason,
                    notes: Vec::new(),
                })
            }
            Algorithm::Hierarchical => {
                let (k, reason) = self.chosen_k()?;
                let ward = match &self.ward {
                    Some(ward) => ward.clone(),
                    None => WardParams {
                        seed,
                        ..WardParams::default()
                    }
                    .fit(data)?,
                };
                let cut = ward.cut(k)?;
                let mut notes = Vec::new();
                if let Some(SampleInfo { used, total }) = ward.sampled() {
                    notes.push(format!(
                        "Hierarchical clustering needs the distance between every two customers, \
                         so it ran on a random sample of {} of the {} customers (seed {seed}); \
                         the others joined the segment with the nearest centre.",
                        format::thousands(used as u64),
                        format::thousands(total as u64)
                    ));
                }
                Ok(Fitted {
                    eps: None,
                    labels: cut.labels.iter().map(|&l| Some(l)).collect(),
                    memberships: None,
                    k,
                    reason,
                    notes,
                })
            }
            Algorithm::Gmm => {
                let (k, reason) = self.chosen_k()?;
                let model = GmmParams {
                    seed,
                    ..GmmParams::new(k)
                }
                .fit(data)?;
                Ok(Fitted {
                    eps: None,
                    labels: model.labels.iter().map(|&l| Some(l)).collect(),
                    memberships: Some(model.memberships.clone()),
                    k,
                    reason: format!(
                        "{reason} The number of components comes from the K-means sweep; each \
                         customer belongs to the component with the highest probability."
                    ),
                    notes: Vec::new(),
                })
            }
            Algorithm::Dbscan => {
                let suggested = self.k_distance.as_ref().and_then(|c| c.suggested_eps);
                let (eps, why) = match (self.params.eps, suggested) {
                    (Some(eps), _) => (eps, "your choice".to_string()),
                    (None, Some(eps)) => (eps, "the knee of the k-distance curve".to_string()),
                    (None, None) => (
                        0.5,
                        "the default (the k-distance curve has no clear knee)".to_string(),
                    ),
                };
                let model = DbscanParams {
                    eps,
                    min_points: self.params.min_points,
                }
                .fit(data)?;
                let noise = model.labels.iter().filter(|l| l.is_none()).count();
                let reason = format!(
                    "DBSCAN found {} segment{} at eps = {} ({why}) and min points {}; {} \
                     customers ({:.1}%) are noise: in no dense region.",
                    model.n_clusters,
                    if model.n_clusters == 1 { "" } else { "s" },
                    format::number(eps),
                    self.params.min_points,
                    format::thousands(noise as u64),
                    model.noise_share * 100.0
                );
                let mut notes = Vec::new();
                if model.n_clusters == 1 {
                    notes.push(
                        "Only one dense segment: lower eps to split it, or use K-means."
                            .to_string(),
                    );
                }
                if model.noise_share > 0.5 {
                    notes.push(format!(
                        "More than half the customers are noise: raise eps (now {}) or lower min \
                         points.",
                        format::number(eps)
                    ));
                }
                Ok(Fitted {
                    eps: Some(eps),
                    k: model.n_clusters,
                    labels: model.labels,
                    memberships: None,
                    reason,
                    notes,
                })
            }
        }
    }

    /// Describe the fitted segments. Call after [`SegmentJob::step`] returned `false`.
    pub fn finish(self, table: &CustomerTable) -> Result<Segmentation, SegmentError> {
        let fitted = match self.fitted.clone() {
            Some(fitted) => fitted,
            None => self.fit()?,
        };
        let SegmentJob {
            params,
            prepared,
            sweep,
            ward,
            k_distance,
            ..
        } = self;
        let Prepared {
            data,
            log_features,
            scaled_table,
            notes: mut all_notes,
        } = prepared;
        if let Some(sweep) = &sweep {
            all_notes.extend(sweep.notes.iter().cloned());
        }
        all_notes.extend(fitted.notes.iter().cloned());
        let (labels, order) = relabel_by_size(&fitted.labels, fitted.k);
        let memberships = fitted.memberships.as_ref().map(|m| {
            let mut sorted = Array2::zeros(m.raw_dim());
            for (new, &old) in order.iter().enumerate() {
                sorted.column_mut(new).assign(&m.column(old));
            }
            sorted
        });
        // Silhouette of the segmented customers (noise left out).
        let kept: Vec<usize> = (0..labels.len()).filter(|&i| labels[i].is_some()).collect();
        let kept_labels: Vec<usize> = labels.iter().flatten().copied().collect();
        let silhouette = if fitted.k >= 2 {
            let x = data.matrix.select(Axis(0), &kept);
            metrics::silhouette_samples(x.view(), &kept_labels, params.seed)
                .ok()
                .map(|mut s| {
                    // Back to rows of `data`.
                    s.rows = s
                        .rows
                        .iter()
                        .filter_map(|&r| kept.get(r).copied())
                        .collect();
                    s
                })
        } else {
            None
        };
        let mut profiles = profile::profile_segments(table, &data.rows, &labels, fitted.k);
        if let Some(scaled) = &scaled_table {
            let on_scale = profile::profile_segments(scaled, &data.rows, &labels, fitted.k);
            for (segment, scaled) in profiles.segments.iter_mut().zip(on_scale.segments) {
                segment.standardized_means = scaled.standardized_means;
            }
            profiles.log_scale = log_features.clone();
        }
        let personas = personas::name_personas(&profiles, &data.names);
        let pca = PcaParams::default().fit(&data).ok().map(|model| {
            let projected = model.transform(&data.matrix);
            (model, projected)
        });
        let eps = fitted.eps;
        Ok(Segmentation {
            n_customers: table.n_rows(),
            params,
            data,
            log_features,
            sweep,
            k: fitted.k,
            reason: fitted.reason,
            labels,
            memberships,
            silhouette,
            profiles,
            personas,
            notes: all_notes,
            ward,
            k_distance,
            eps,
            pca,
        })
    }
}

/// Run every step (the CLI); `progress` receives the stage and 0…1 after each step.
pub fn segment(
    table: &CustomerTable,
    params: SegmentParams,
    progress: &mut dyn FnMut(&str, f64),
) -> Result<Segmentation, SegmentError> {
    let mut job = SegmentJob::new(table, params, None)?;
    loop {
        let label = job.stage_label();
        let more = job.step()?;
        progress(&label, job.fraction_done());
        if !more {
            break;
        }
    }
    job.finish(table)
}

/// Renumber segments largest first (ties: lower old number first). Returns the new labels and
/// `order[new] = old`.
fn relabel_by_size(labels: &[Option<usize>], k: usize) -> (Vec<Option<usize>>, Vec<usize>) {
    let k = labels
        .iter()
        .flatten()
        .map(|&l| l + 1)
        .max()
        .unwrap_or(0)
        .max(k);
    let mut sizes = vec![0usize; k];
    for &l in labels.iter().flatten() {
        sizes[l] += 1;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(sizes[c]), c));
    let mut new_of = vec![0usize; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    let labels = labels.iter().map(|l| l.map(|l| new_of[l])).collect();
    (labels, order)
}

impl Segmentation {
    /// The labels shown for the segments (persona labels), in segment order.
    pub fn segment_names(&self) -> Vec<String> {
        personas::persona_labels(&self.personas)
    }

    /// Customers in a segment (noise left out).
    pub fn n_segmented(&self) -> usize {
        self.labels.iter().flatten().count()
    }

    pub fn n_noise(&self) -> usize {
        self.labels.iter().filter(|l| l.is_none()).count()
    }

    /// Mean silhouette of the final segmentation.
    pub fn mean_silhouette(&self) -> Option<f64> {
        let s = self.silhouette.as_ref()?;
        (!s.values.is_empty()).then(|| s.values.iter().sum::<f64>() / s.values.len() as f64)
    }

    /// Set the label of a segment (the user renamed it). Names must stay non-empty.
    pub fn rename(&mut self, segment: usize, label: &str) -> bool {
        let label = label.trim();
        if label.is_empty() {
            return false;
        }
        match self.personas.iter_mut().find(|p| p.segment == segment) {
            Some(persona) => {
                persona.label = label.chars().take(60).collect();
                true
            }
            None => false,
        }
    }

    /// Segment label of each customer-table row: the persona label, "Noise" for DBSCAN noise,
    /// `None` for customers left out (a missing value).
    pub fn table_labels(&self) -> Vec<Option<String>> {
        let names = self.segment_names();
        let mut out = vec![None; self.n_customers];
        for (&row, label) in self.data.rows.iter().zip(&self.labels) {
            if let Some(slot) = out.get_mut(row) {
                *slot = Some(match label {
                    Some(s) => names
                        .get(*s)
                        .cloned()
                        .unwrap_or_else(|| format!("Segment {}", s + 1)),
                    None => "Noise".to_string(),
                });
            }
        }
        out
    }

    /// `table` (the customer table segmented) with a categorical `segment` column (the segment
    /// labels; "Noise" for DBSCAN noise; missing for customers left out) and, for a Gaussian
    /// mixture, `segment_probability`. An earlier `segment` column is replaced.
    pub fn add_to(&self, table: &CustomerTable) -> CustomerTable {
        let mut out = without_segment(table);
        let mut labels = self.table_labels();
        labels.resize(out.n_rows(), None);
        out.features.push(self.segment_feature(&labels));
        if let Some(memberships) = &self.memberships {
            let mut values = vec![f64::NAN; out.n_rows()];
            for (i, (&row, label)) in self.data.rows.iter().zip(&self.labels).enumerate() {
                if let (Some(slot), Some(s)) = (values.get_mut(row), label) {
                    *slot = memberships.get((i, *s)).copied().unwrap_or(f64::NAN);
                }
            }
            out.features.push(Feature {
                name: SEGMENT_PROBABILITY_COLUMN.to_string(),
                description: "Probability of belonging to that segment (Gaussian mixture)"
                    .to_string(),
                values: FeatureValues::Numeric(values),
                meta: Default::default(),
            });
        }
        out
    }

    /// `table` (another table of these customers' features, e.g. as of an earlier date) with
    /// a categorical `segment` column from `segments` (one per row: a segment index, `None` =
    /// missing), labelled as [`Segmentation::add_to`] labels them.
    pub fn add_segments_to(
        &self,
        table: &CustomerTable,
        segments: &[Option<usize>],
    ) -> CustomerTable {
        let names = self.segment_names();
        let labels: Vec<Option<String>> = (0..table.n_rows())
            .map(|row| {
                let s = segments.get(row).copied().flatten()?;
                Some(
                    names
                        .get(s)
                        .cloned()
                        .unwrap_or_else(|| format!("Segment {}", s + 1)),
                )
            })
            .collect();
        let mut out = without_segment(table);
        out.features.push(self.segment_feature(&labels));
        out
    }

    /// The `segment` column of one label per row (`None` = missing).
    fn segment_feature(&self, labels: &[Option<String>]) -> Feature {
        let mut levels: Vec<String> = self.segment_names();
        if self.n_noise() > 0 {
            levels.push("Noise".to_string());
        }
        let codes = labels
            .iter()
            .map(|label| {
                label
                    .as_ref()
                    .and_then(|l| levels.iter().position(|x| x == l))
                    .map_or(MISSING, |i| i as u32)
            })
            .collect();
        Feature {
            name: SEGMENT_COLUMN.to_string(),
            description: format!(
                "Segment from the Segment step ({}, {} segments, seed {})",
                self.params.algorithm.label(),
                self.k,
                self.params.seed
            ),
            values: FeatureValues::Categorical { levels, codes },
            meta: Default::default(),
        }
    }

    /// Every chart of the step, in the order the UI shows them.
    pub fn charts(&self) -> Vec<Chart> {
        let names = self.segment_names();
        let mut out = Vec::new();
        if let Some(sweep) = &self.sweep {
            out.extend(sweep_charts(sweep, self.k, self.params.algorithm));
        }
        if let Some(curve) = &self.k_distance {
            out.push(charts::k_distance_chart(curve, self.eps));
        }
        if let Some((model, projected)) = &self.pca {
            out.push(pca::scatter_chart(
                model,
                projected,
                &self.labels,
                &names,
                SCATTER_MAX_POINTS,
                self.params.seed,
            ));
        }
        out.push(profile::profile_chart(
            &self.profiles,
            &names,
            &self.data.names,
        ));
        if let Some(samples) = &self.silhouette {
            let labels: Vec<usize> = self
                .labels
                .iter()
                .map(|l| l.unwrap_or(usize::MAX))
                .collect();
            out.push(charts::silhouette_chart(samples, &labels, &names));
        }
        if let Some(ward) = &self.ward {
            let tree: Dendrogram = ward.dendrogram(DENDROGRAM_MERGES);
            out.push(charts::dendrogram_chart(
                &tree,
                Some(self.k),
                ward.sampled(),
            ));
        }
        out
    }
}

/// Inertia (elbow) and silhouette by k, the chosen k marked.
pub fn sweep_charts(sweep: &KSweep, chosen: usize, algorithm: Algorithm) -> Vec<Chart> {
    let x: Vec<String> = sweep.rows.iter().map(|r| r.k.to_string()).collect();
    let marked = |value: &dyn Fn(&crate::core::segment::sweep::KMetrics) -> f64| LineSeries {
        name: format!("chosen k = {chosen}"),
        values: sweep
            .rows
            .iter()
            .map(|r| (r.k == chosen).then(|| value(r)).filter(|v| v.is_finite()))
            .collect(),
        dashed: false,
    };
    let series =
        |name: &str, value: &dyn Fn(&crate::core::segment::sweep::KMetrics) -> f64| LineSeries {
            name: name.to_string(),
            values: sweep
                .rows
                .iter()
                .map(|r| Some(value(r)).filter(|v| v.is_finite()))
                .collect(),
            dashed: false,
        };
    let fitted = match algorithm {
        Algorithm::Hierarchical => "Ward tree cut at each k",
        _ => "K-means at each k",
    };
    let sample = match sweep.silhouette_sample {
        Some(n) => format!(
            " · silhouette on a random sample of {} customers",
            format::thousands(n as u64)
        ),
        None => String::new(),
    };
    let inertia = |r: &crate::core::segment::sweep::KMetrics| r.inertia;
    let silhouette = |r: &crate::core::segment::sweep::KMetrics| r.silhouette;
    vec![
        Chart {
            id: "segment:elbow".to_string(),
            title: "Elbow: inertia by k".to_string(),
            subtitle: format!(
                "{fitted} · within-segment sum of squares, lower = tighter; look for the bend"
            ),
            kind: ChartKind::Line {
                x_label: "k (segments)".to_string(),
                y_label: "inertia".to_string(),
                y_format: ValueFormat::Number,
                x: x.clone(),
                series: vec![series("inertia", &inertia), marked(&inertia)],
                x_notes: None,
                x_marker: None,
            },
        },
        Chart {
            id: "segment:silhouette_by_k".to_string(),
            title: "Silhouette by k".to_string(),
            subtitle: format!("{fitted} · higher = better separated segments{sample}"),
            kind: ChartKind::Line {
                x_label: "k (segments)".to_string(),
                y_label: "mean silhouette".to_string(),
                y_format: ValueFormat::Number,
                x,
                series: vec![series("silhouette", &silhouette), marked(&silhouette)],
                x_notes: None,
                x_marker: None,
            },
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(name: &str, values: Vec<f64>) -> Feature {
        Feature {
            name: name.to_string(),
            description: String::new(),
            values: FeatureValues::Numeric(values),
            meta: Default::default(),
        }
    }

    /// Three planted groups on (a, b); `spend` is skewed.
    fn table() -> CustomerTable {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let mut spend = Vec::new();
        for i in 0..60 {
            let g = i % 3;
            let jitter = ((i * 37) % 11) as f64 / 11.0;
            a.push(g as f64 * 10.0 + jitter);
            b.push(if g == 1 { 20.0 } else { 0.0 } + jitter);
            spend.push(if i % 20 == 0 { 5_000.0 } else { 10.0 + jitter });
        }
        CustomerTable {
            id_name: "id".to_string(),
            ids: (0..60).map(|i| i.to_string()).collect(),
            features: vec![numeric("a", a), numeric("b", b), numeric("spend", spend)],
        }
    }

    fn params(features: &[&str]) -> SegmentParams {
        SegmentParams {
            features: features.iter().map(|s| s.to_string()).collect(),
            ..SegmentParams::default()
        }
    }

    #[test]
    fn kmeans_finds_the_planted_groups_largest_first() {
        let table = table();
        let result = segment(&table, params(&["a", "b"]), &mut |_, _| {}).unwrap();
        assert_eq!(result.k, 3, "{}", result.reason);
        assert_eq!(result.labels.len(), 60);
        assert_eq!(
            result
                .profiles
                .segments
                .iter()
                .map(|s| s.size)
                .collect::<Vec<_>>(),
            vec![20; 3]
        );
        assert!(result.mean_silhouette().unwrap() > 0.8);
        let charts = result.charts();
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert!(ids.contains(&"segment:elbow"), "{ids:?}");
        assert!(ids.contains(&"segment:silhouette"), "{ids:?}");
        assert_eq!(result.table_labels().iter().flatten().count(), 60);
    }

    #[test]
    fn skewed_features_are_logged_and_said_so() {
        let table = table();
        let prepared = prepare(&table, &params(&["a", "spend"])).unwrap();
        assert_eq!(prepared.log_features, vec!["spend".to_string()]);
        assert!(
            prepared.notes[0].contains("'spend' is so skewed"),
            "{:?}",
            prepared.notes
        );
        let off = SegmentParams {
            log_skewed: false,
            ..params(&["a", "spend"])
        };
        assert!(prepare(&table, &off).unwrap().log_features.is_empty());
    }

    #[test]
    fn every_algorithm_runs_and_is_deterministic() {
        let table = table();
        for algorithm in [
            Algorithm::KMeans,
            Algorithm::Hierarchical,
            Algorithm::Gmm,
            Algorithm::Dbscan,
        ] {
            let p = SegmentParams {
                algorithm,
                k: algorithm.takes_k().then_some(3),
                k_max: 5,
                ..params(&["a", "b"])
            };
            let first = segment(&table, p.clone(), &mut |_, _| {}).unwrap();
            let again = segment(&table, p, &mut |_, _| {}).unwrap();
            assert_eq!(first.labels, again.labels, "{algorithm:?}");
            assert!(first.k >= 1, "{algorithm:?}");
        }
    }

    #[test]
    fn bad_k_is_a_clear_error() {
        let table = table();
        let too_many = SegmentParams {
            k: Some(500),
            ..params(&["a", "b"])
        };
        let err = segment(&table, too_many, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("distinct customers"), "{err}");
        let one = SegmentParams {
            k: Some(1),
            ..params(&["a", "b"])
        };
        assert_eq!(
            segment(&table, one, &mut |_, _| {}).unwrap_err(),
            SegmentError::KTooSmall(1)
        );
    }

    #[test]
    fn reuse_skips_the_sweep_when_only_k_changes() {
        let table = table();
        let first = segment(&table, params(&["a", "b"]), &mut |_, _| {}).unwrap();
        let p = SegmentParams {
            k: Some(4),
            ..params(&["a", "b"])
        };
        let mut job = SegmentJob::new(&table, p, Some(&first)).unwrap();
        let mut steps = 0;
        while job.step().unwrap() {
            steps += 1;
        }
        assert_eq!(steps, 0, "only the final fit runs");
        let second = job.finish(&table).unwrap();
        assert_eq!(second.k, 4);
    }

    #[test]
    fn a_large_table_sent_to_ward_is_sampled_and_says_so() {
        let n = 6_000;
        let a: Vec<f64> = (0..n)
            .map(|i| (i % 3) as f64 * 10.0 + (i % 7) as f64 / 7.0)
            .collect();
        let b: Vec<f64> = (0..n).map(|i| (i % 5) as f64 / 5.0).collect();
        let table = CustomerTable {
            id_name: "id".to_string(),
            ids: (0..n).map(|i| i.to_string()).collect(),
            features: vec![numeric("a", a), numeric("b", b)],
        };
        let p = SegmentParams {
            algorithm: Algorithm::Hierarchical,
            k: Some(3),
            k_min: 3,
            k_max: 3,
            ..params(&["a", "b"])
        };
        let result = segment(&table, p, &mut |_, _| {}).unwrap();
        assert_eq!(
            result.labels.iter().flatten().count(),
            n,
            "every customer gets a segment"
        );
        assert!(
            result
                .notes
                .iter()
                .any(|note| note.contains("random sample of 5,000 of the 6,000")),
            "{:?}",
            result.notes
        );
        assert_eq!(
            result
                .profiles
                .segments
                .iter()
                .map(|s| s.size)
                .collect::<Vec<_>>(),
            vec![2_000; 3]
        );
    }

    #[test]
    fn relabel_puts_the_largest_first() {
        let (labels, order) =
            relabel_by_size(&[Some(0), Some(1), Some(1), None, Some(2), Some(1)], 3);
        assert_eq!(
            labels,
            vec![Some(1), Some(0), Some(0), None, Some(2), Some(0)]
        );
        assert_eq!(order, vec![1, 0, 2]);
    }
}
