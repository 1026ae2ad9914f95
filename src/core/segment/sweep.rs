//! Choosing k: fit K-means for every k in a range, measure each segmentation, suggest one k
//! with the reason in words a marketer reads.
//!
//! Suggestion rule: the k with the highest silhouette (customers closest to their own segment
//! and farthest from the others). Silhouettes within [`NEAR_TIE`] of the best count as equally
//! good; among those, the k nearest the elbow of the inertia curve wins (the elbow is the k with
//! the largest second difference of inertia, `I(k−1) − 2·I(k) + I(k+1)`: where adding a segment
//! stops paying off), smaller k on a tie. The user can always override it.
//!
//! Two segments rarely make a marketing plan, and silhouette favours k = 2 on most customer
//! data (one "more active" half against the rest). So when the best silhouette is at k = 2 but
//! below [`STRONG_SILHOUETTE`] (0.7, "strong structure" in Kaufman & Rousseeuw's reading), the
//! rule is applied to k ≥ 3 and the reason says what k = 2 would give. A k = 2 with strong
//! structure stays the suggestion.
//!
//! k_max is capped at the number of distinct customers − 1 (silhouette needs fewer segments than
//! customers), with a note. Silhouette above [`SILHOUETTE_EXACT_MAX`] rows is computed on one
//! seeded sample shared by every k, so the values compare. Pure Rust: no web-sys.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::core::segment::kmeans::{distinct_rows, KMeansError, KMeansModel, KMeansParams};
use crate::core::segment::metrics::{self, MetricsError, SILHOUETTE_EXACT_MAX};
use crate::core::segment::SegmentData;

/// Silhouettes closer than this to the best one are a tie, broken by the elbow.
pub const NEAR_TIE: f64 = 0.01;
/// A best silhouette at k = 2 at least this high is kept as the suggestion.
pub const STRONG_SILHOUETTE: f64 = 0.7;

/// Which k to try, and how to fit each.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepParams {
    pub k_min: usize,
    pub k_max: usize,
    /// Settings of every fit (its `k` is replaced by each k of the range).
    pub kmeans: KMeansParams,
}

impl Default for SweepParams {
    fn default() -> SweepParams {
        SweepParams {
            k_min: 2,
            k_max: 10,
            kmeans: KMeansParams::new(2),
        }
    }
}

/// Quality of the segmentation with k segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMetrics {
    pub k: usize,
    /// Sum of squared distances to the segment centres (lower = tighter; always falls with k).
    pub inertia: f64,
    /// Mean silhouette, −1…1 (higher = better separated).
    pub silhouette: f64,
    /// Higher = better separated.
    pub calinski_harabasz: f64,
    /// Lower = better separated.
    pub davies_bouldin: f64,
}

/// The k sweep and its suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KSweep {
    /// One row per k, increasing.
    pub rows: Vec<KMetrics>,
    /// `Some(n)`: silhouette computed on a random sample of n customers.
    pub silhouette_sample: Option<usize>,
    pub suggested_k: usize,
    /// Why that k, in plain words.
    pub reason: String,
    /// Adjustments made to the request (e.g. k_max capped).
    pub notes: Vec<String>,
    /// The fitted models, aligned with `rows` (not serialized).
    #[serde(skip)]
    pub models: Vec<KMeansModel>,
}

impl KSweep {
    /// The model fitted with `k` segments, if k was in the sweep.
    pub fn model(&self, k: usize) -> Option<&KMeansModel> {
        self.rows
            .iter()
            .position(|r| r.k == k)
            .and_then(|i| self.models.get(i))
    }
}

/// The sweep cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    #[error("The k range {k_min}..{k_max} is empty: the first k must not be above the last.")]
    EmptyRange { k_min: usize, k_max: usize },
    #[error("k starts at 2: one segment is no segmentation.")]
    KMinTooSmall,
    #[error(
        "Only {distinct} distinct customers (customers with the same values in every chosen \
         feature count once): at least {needed} are needed to try k = {k_min}."
    )]
    TooFewDistinct {
        distinct: usize,
        needed: usize,
        k_min: usize,
    },
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

/// Fit and measure every k of the range; `progress` receives 0…1 after each k.
pub fn sweep(
    data: &SegmentData,
    params: &SweepParams,
    progress: &mut dyn FnMut(f64),
) -> Result<KSweep, SweepError> {
    let mut sweeper = Sweeper::new(data, params)?;
    while sweeper.step(data)? {
        progress(sweeper.fraction_done());
    }
    Ok(sweeper.finish())
}

/// The sweep one k at a time, so a caller (the worker) can report progress and honour a cancel
/// between two fits. Each step either fits K-means ([`Sweeper::step`]) or measures labels the
/// caller made for the next k ([`Sweeper::measure_next`], e.g. cuts of a Ward tree). Every
/// step must be given the data the sweeper was made with.
pub struct Sweeper {
    kmeans: KMeansParams,
    ks: Vec<usize>,
    /// Rows of the shared silhouette sample and the sampled matrix (`None`: exact).
    sample: Option<(Vec<usize>, Array2<f64>)>,
    rows: Vec<KMetrics>,
    models: Vec<KMeansModel>,
    notes: Vec<String>,
}

impl Sweeper {
    /// Check the range against the data (see [`sweep`]).
    pub fn new(data: &SegmentData, params: &SweepParams) -> Result<Sweeper, SweepError> {
        let (k_min, requested_max) = (params.k_min, params.k_max);
        if k_min < 2 {
            return Err(SweepError::KMinTooSmall);
        }
        if requested_max < k_min {
            return Err(SweepError::EmptyRange {
                k_min,
                k_max: requested_max,
            });
        }
        KMeansParams {
            k: k_min,
            ..params.kmeans.clone()
        }
        .check_settings()?;
        let distinct = distinct_rows(data.matrix.view());
        if distinct < k_min + 1 {
            return Err(SweepError::TooFewDistinct {
                distinct,
                needed: k_min + 1,
                k_min,
            });
        }
        let mut notes = Vec::new();
        let k_max = requested_max.min(distinct - 1);
        if k_max < requested_max {
            notes.push(format!(
                "k goes up to {k_max}, not {requested_max}: there are only {distinct} distinct \
                 customers, and measuring separation needs fewer segments than customers."
            ));
        }
        let sample =
            metrics::silhouette_sample_rows(data.n_rows(), params.kmeans.seed).map(|rows| {
                let sub = data.matrix.select(Axis(0), &rows);
                (rows, sub)
            });
        let ks: Vec<usize> = (k_min..=k_max).collect();
        Ok(Sweeper {
            kmeans: params.kmeans.clone(),
            rows: Vec::with_capacity(ks.len()),
            models: Vec::with_capacity(ks.len()),
            ks,
            sample,
            notes,
        })
    }

    /// Every k of the sweep, increasing (k_max possibly capped).
    pub fn ks(&self) -> &[usize] {
        &self.ks
    }

    /// The k the next step measures, `None` when done.
    pub fn next_k(&self) -> Option<usize> {
        self.ks.get(self.rows.len()).copied()
    }

    /// Share of the k already measured, 0…1.
    pub fn fraction_done(&self) -> f64 {
        self.rows.len() as f64 / self.ks.len().max(1) as f64
    }

    /// Fit K-means at the next k and measure it; `false` when every k is done.
    pub fn step(&mut self, data: &SegmentData) -> Result<bool, SweepError> {
        let Some(k) = self.next_k() else {
            return Ok(false);
        };
        let model = KMeansParams {
            k,
            ..self.kmeans.clone()
        }
        .fit_checked(data)?;
        let row = self.measure(data, k, &model.labels, Some(model.inertia));
        self.rows.push(row);
        self.models.push(model);
        Ok(true)
    }

    /// Measure `labels` (one segment per data row, made by another algorithm) as the next k;
    /// `false` when every k is done or the labels do not fit the data. The sweep then keeps
    /// no K-means models.
    pub fn measure_next(&mut self, data: &SegmentData, labels: &[usize]) -> bool {
        let Some(k) = self.next_k() else {
            return false;
        };
        if labels.len() != data.n_rows() {
            return false;
        }
        let row = self.measure(data, k, labels, None);
        self.rows.push(row);
        true
    }

    fn measure(
        &self,
        data: &SegmentData,
        k: usize,
        labels: &[usize],
        inertia: Option<f64>,
    ) -> KMetrics {
        let x = data.matrix.view();
        let silhouette = match &self.sample {
            Some((rows, sub)) => {
                let sub_labels: Option<Vec<usize>> =
                    rows.iter().map(|&r| labels.get(r).copied()).collect();
                match sub_labels {
                    Some(sub_labels) => {
                        mean_or_nan(metrics::silhouette_values(sub.view(), &sub_labels))
                    }
                    None => f64::NAN,
                }
            }
            None => mean_or_nan(metrics::silhouette_values(x, labels)),
        };
        KMetrics {
            k,
            inertia: inertia.unwrap_or_else(|| metrics::inertia(x, labels).unwrap_or(f64::NAN)),
            silhouette,
            calinski_harabasz: metrics::calinski_harabasz(x, labels).unwrap_or(f64::NAN),
            davies_bouldin: metrics::davies_bouldin(x, labels).unwrap_or(f64::NAN),
        }
    }

    /// The measured rows with the suggested k.
    pub fn finish(self) -> KSweep {
        let (suggested_k, reason) = suggest(&self.rows);
        let models = if self.models.len() == self.rows.len() {
            self.models
        } else {
            Vec::new()
        };
        KSweep {
            rows: self.rows,
            silhouette_sample: self
                .sample
                .map(|(rows, _)| rows.len().min(SILHOUETTE_EXACT_MAX)),
            suggested_k,
            reason,
            notes: self.notes,
            models,
        }
    }
}

/// Mean silhouette, or NaN when it cannot be measured (e.g. every customer in one segment).
fn mean_or_nan(values: Result<Vec<f64>, MetricsError>) -> f64 {
    match values {
        Ok(values) if !values.is_empty() => values.iter().sum::<f64>() / values.len() as f64,
        _ => f64::NAN,
    }
}

/// The k of largest second difference of inertia (needs 3 consecutive k).
pub fn elbow(rows: &[KMetrics]) -> Option<usize> {
    rows.windows(3)
        .map(|w| (w[1].k, w[0].inertia - 2.0 * w[1].inertia + w[2].inertia))
        .filter(|(_, bend)| bend.is_finite())
        .fold(None, |best: Option<(usize, f64)>, (k, bend)| match best {
            Some((_, b)) if b >= bend => best,
            _ => Some((k, bend)),
        })
        .map(|(k, _)| k)
}

/// The suggested k and its reason (rule in the module documentation).
pub fn suggest(rows: &[KMetrics]) -> (usize, String) {
    let (k, reason) = suggest_among(rows, rows);
    let two = rows.iter().find(|r| r.k == 2);
    let beyond: Vec<KMetrics> = rows.iter().filter(|r| r.k >= 3).cloned().collect();
    match two {
        Some(two) if k == 2 && two.silhouette < STRONG_SILHOUETTE && !beyond.is_empty() => {
            let (k, reason) = suggest_among(rows, &beyond);
            let reason = reason
                .replacen(
                    "highest silhouette",
                    "highest silhouette from 3 segments up",
                    1,
                )
                .replacen(
                    "as good as the highest",
                    "as good as the highest from 3 up",
                    1,
                );
            (
                k,
                format!(
                    "{reason} k = 2 separates more cleanly (silhouette {:.2}) but only splits the \
                     customers in two; choose it in the table if that is what you need.",
                    two.silhouette
                ),
            )
        }
        _ => (k, reason),
    }
}

/// The rule of the module documentation over the `candidates` (the elbow is read on all
/// `rows`).
fn suggest_among(rows: &[KMetrics], candidates: &[KMetrics]) -> (usize, String) {
    let score = |r: &KMetrics| {
        if r.silhouette.is_finite() {
            r.silhouette
        } else {
            f64::NEG_INFINITY
        }
    };
    let Some(best) = candidates
        .iter()
        .fold(None, |best: Option<&KMetrics>, r| match best {
            Some(b) if score(b) >= score(r) => Some(b),
            _ => Some(r),
        })
    else {
        return (0, "No k was tried.".to_string());
    };
    if candidates.len() == 1 {
        return (
            best.k,
            format!(
                "k = {}: the only k tried (silhouette {:.2}).",
                best.k, best.silhouette
            ),
        );
    }
    if !best.silhouette.is_finite() {
        return (
            best.k,
            format!(
                "k = {}: no k gave measurable separation; this is the smallest k tried.",
                best.k
            ),
        );
    }
    let elbow = elbow(rows);
    let near: Vec<&KMetrics> = candidates
        .iter()
        .filter(|r| score(r) >= best.silhouette - NEAR_TIE)
        .collect();
    let Some(elbow_k) = elbow else {
        return (
            best.k,
            format!(
                "k = {}: highest silhouette ({:.2}).",
                best.k, best.silhouette
            ),
        );
    };
    if elbow_k == best.k {
        return (
            best.k,
            format!(
                "k = {}: highest silhouette ({:.2}); the elbow of the inertia curve is also at {}.",
                best.k, best.silhouette, elbow_k
            ),
        );
    }
    let chosen = near
        .iter()
        .min_by_key(|r| (r.k.abs_diff(elbow_k), r.k))
        .copied()
        .unwrap_or(best);
    if chosen.k == best.k {
        let elbow_silhouette = rows
            .iter()
            .find(|r| r.k == elbow_k)
            .map_or(f64::NAN, |r| r.silhouette);
        return (
            best.k,
            format!(
                "k = {}: highest silhouette ({:.2}); the elbow of the inertia curve is at {}, \
                 but its segments are less well separated (silhouette {:.2}).",
                best.k, best.silhouette, elbow_k, elbow_silhouette
            ),
        );
    }
    let where_elbow = if chosen.k == elbow_k {
        "it is the elbow of the inertia curve".to_string()
    } else {
        format!("it is nearest the elbow of the inertia curve (at {elbow_k})")
    };
    (
        chosen.k,
        format!(
            "k = {}: silhouette {:.2}, as good as the highest ({:.2} at k = {}), and {}.",
            chosen.k, chosen.silhouette, best.silhouette, best.k, where_elbow
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn rows(values: &[(usize, f64, f64)]) -> Vec<KMetrics> {
        values
            .iter()
            .map(|&(k, inertia, silhouette)| KMetrics {
                k,
                inertia,
                silhouette,
                calinski_harabasz: 1.0,
                davies_bouldin: 1.0,
            })
            .collect()
    }

    #[test]
    fn highest_silhouette_at_the_elbow() {
        // Second differences: k=3: 100−160+40 = −20… k=4: 80−80+30 = 30, k=5: 40−60+25 = 5.
        let r = rows(&[
            (2, 100.0, 0.30),
            (3, 80.0, 0.40),
            (4, 40.0, 0.55),
            (5, 30.0, 0.45),
            (6, 25.0, 0.40),
        ]);
        assert_eq!(elbow(&r), Some(4));
        let (k, reason) = suggest(&r);
        assert_eq!(k, 4);
        assert_eq!(
            reason,
            "k = 4: highest silhouette (0.55); the elbow of the inertia curve is also at 4."
        );
    }

    #[test]
    fn near_tie_goes_to_the_elbow() {
        let r = rows(&[
            (2, 100.0, 0.30),
            (3, 50.0, 0.548),
            (4, 40.0, 0.555),
            (5, 35.0, 0.45),
        ]);
        assert_eq!(elbow(&r), Some(3));
        let (k, reason) = suggest(&r);
        assert_eq!(k, 3);
        assert_eq!(
            reason,
            "k = 3: silhouette 0.55, as good as the highest (0.56 at k = 4), and it is the elbow \
             of the inertia curve."
        );
    }

    #[test]
    fn clear_winner_beats_the_elbow() {
        let r = rows(&[
            (2, 100.0, 0.30),
            (3, 50.0, 0.40),
            (4, 40.0, 0.60),
            (5, 35.0, 0.45),
        ]);
        let (k, reason) = suggest(&r);
        assert_eq!(k, 4);
        assert!(
            reason.contains("elbow of the inertia curve is at 3, but"),
            "{reason}"
        );
    }

    #[test]
    fn weak_two_segments_give_way_to_three_or_more() {
        let r = rows(&[
            (2, 6488.0, 0.43),
            (3, 4871.0, 0.34),
            (4, 3939.0, 0.33),
            (5, 3283.0, 0.32),
        ]);
        let (k, reason) = suggest(&r);
        assert_eq!(k, 3, "{reason}");
        assert!(
            reason.starts_with("k = 3: highest silhouette from 3 segments up (0.34)"),
            "{reason}"
        );
        assert!(
            reason.contains("k = 2 separates more cleanly (silhouette 0.43)"),
            "{reason}"
        );
        // Strong structure at k = 2 stays.
        let strong = rows(&[(2, 100.0, 0.82), (3, 60.0, 0.5), (4, 50.0, 0.4)]);
        assert_eq!(suggest(&strong).0, 2);
    }

    fn blobs(n_per: usize, centres: &[(f64, f64)]) -> SegmentData {
        let n = n_per * centres.len();
        let matrix = Array2::from_shape_fn((n, 2), |(i, j)| {
            let (cx, cy) = centres[i / n_per];
            let jitter = ((i * 7919 + j * 104_729) % 97) as f64 / 97.0 - 0.5;
            (if j == 0 { cx } else { cy }) + jitter
        });
        SegmentData {
            names: vec!["a".into(), "b".into()],
            rows: (0..n).collect(),
            means: vec![0.0; 2],
            sds: vec![1.0; 2],
            matrix,
        }
    }

    #[test]
    fn sweep_finds_planted_segments_and_reports_progress() {
        let data = blobs(20, &[(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (10.0, 10.0)]);
        let mut calls = Vec::new();
        let result = sweep(&data, &SweepParams::default(), &mut |p| calls.push(p)).unwrap();
        assert_eq!(result.rows.len(), 9);
        assert_eq!(result.suggested_k, 4, "{}", result.reason);
        assert_eq!(calls.len(), 9);
        assert_eq!(calls.last(), Some(&1.0));
        assert_eq!(result.silhouette_sample, None);
        assert_eq!(result.model(4).map(|m| m.sizes()), Some(vec![20; 4]));
    }

    #[test]
    fn k_max_is_capped_at_distinct_customers() {
        let mut data = blobs(
            1,
            &[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (5.0, 5.0), (5.0, 6.0)],
        );
        let first = data.matrix.row(0).to_owned();
        data.matrix.row_mut(1).assign(&first);
        // 4 distinct customers → k up to 3.
        let result = sweep(&data, &SweepParams::default(), &mut |_| {}).unwrap();
        assert_eq!(
            result.rows.iter().map(|r| r.k).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(
            result.notes,
            vec![
                "k goes up to 3, not 10: there are only 4 distinct customers, and measuring \
                 separation needs fewer segments than customers."
            ]
        );
    }

    #[test]
    fn too_few_distinct_customers_is_an_error() {
        let mut data = blobs(1, &[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]);
        let first = data.matrix.row(0).to_owned();
        data.matrix.row_mut(2).assign(&first);
        let err = sweep(&data, &SweepParams::default(), &mut |_| {}).unwrap_err();
        assert_eq!(
            err,
            SweepError::TooFewDistinct {
                distinct: 2,
                needed: 3,
                k_min: 2
            }
        );
    }
}
