//! DBSCAN: density-based segments with noise, and the k-distance plot to choose eps.
//!
//! Clustering is linfa-clustering's `Dbscan` (k-d tree range queries, Euclidean distance on the
//! standardized features). `min_points` counts the customer itself, as scikit-learn's
//! `min_samples`, so a customer is a core point when its `(min_points − 1)`-th nearest other
//! customer is within eps: exactly what the k-distance curve with `k = min_points − 1` shows.
//!
//! Pure Rust: no web-sys.

use linfa::prelude::*;
use linfa_clustering::Dbscan;
use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::data::SegmentData;
use super::hierarchical::SampleInfo;

/// Hyperparameters of DBSCAN.
#[derive(Debug, Clone, PartialEq)]
pub struct DbscanParams {
    /// Neighbourhood radius in standardized units.
    pub eps: f64,
    /// Customers (itself included) within eps that make a customer a core point; at least 2.
    pub min_points: usize,
}

impl Default for DbscanParams {
    fn default() -> Self {
        DbscanParams {
            eps: 0.5,
            min_points: 5,
        }
    }
}

/// Invalid DBSCAN hyperparameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DbscanParamsError {
    #[error("eps must be a positive number (got {0}).")]
    Eps(f64),
    #[error("min points must be at least 2 (got {0}).")]
    MinPoints(usize),
}

/// DBSCAN cannot run on this data, or found no segment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DbscanError {
    #[error(transparent)]
    Params(#[from] DbscanParamsError),
    #[error("DBSCAN needs at least 2 customers (got {rows}).")]
    TooFewRows { rows: usize },
    #[error("The feature matrix has a missing or infinite value in row {row}.")]
    NonFinite { row: usize },
    #[error(
        "Every customer is noise at eps = {}: raise eps{} or lower min points (now {min_points}).",
        short(*.eps),
        match .suggested_eps {
            Some(s) => format!(" (the k-distance plot suggests ≈ {})", short(*s)),
            None => String::new(),
        }
    )]
    AllNoise {
        eps: f64,
        min_points: usize,
        suggested_eps: Option<f64>,
    },
}

/// A DBSCAN segmentation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DbscanModel {
    /// Segment of each row of the data, `None` for noise. Segments are numbered `0..n_clusters`
    /// in order of first appearance.
    pub labels: Vec<Option<usize>>,
    pub n_clusters: usize,
    /// Customers in each segment.
    pub cluster_sizes: Vec<usize>,
    /// Share of customers that are noise, 0…1.
    pub noise_share: f64,
}

/// The k-distance curve: each customer's distance to its k-th nearest other customer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KDistance {
    pub k: usize,
    /// Sorted descending.
    pub distances: Vec<f64>,
    /// The knee of the curve (see [`suggest_eps`]).
    pub suggested_eps: Option<f64>,
    /// `Some` when the curve was computed for a sample of the customers (their neighbours are
    /// still searched among all customers).
    pub sampled: Option<SampleInfo>,
}

/// At most this many customers get a point on the k-distance curve.
pub const K_DISTANCE_MAX_ROWS: usize = 5_000;
/// Distance evaluations the exact k-distance loop may spend (queries × rows); larger data gets a
/// smaller sample of query rows (never fewer than 1,000).
const K_DISTANCE_BUDGET: usize = 100_000_000;
const K_DISTANCE_SEED: u64 = 42;

impl DbscanParams {
    /// Validate the hyperparameters.
    pub fn check(&self) -> Result<(), DbscanParamsError> {
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(DbscanParamsError::Eps(self.eps));
        }
        if self.min_points < 2 {
            return Err(DbscanParamsError::MinPoints(self.min_points));
        }
        Ok(())
    }

    /// Segment `data`. All customers noise is an error whose message suggests an eps.
    pub fn fit(&self, data: &SegmentData) -> Result<DbscanModel, DbscanError> {
        self.check()?;
        let n = data.matrix.nrows();
        if n < 2 {
            return Err(DbscanError::TooFewRows { rows: n });
        }
        if let Some(row) = first_non_finite_row(data.matrix.view()) {
            return Err(DbscanError::NonFinite { row });
        }
        // linfa's k-d tree needs contiguous rows.
        let matrix = data.matrix.as_standard_layout();
        let raw = Dbscan::params(self.min_points)
            .tolerance(self.eps)
            .check()
            .map_err(|_| DbscanParamsError::MinPoints(self.min_points))?
            .transform(&matrix);
        // Renumber in order of first appearance (linfa already does; this makes it a contract).
        let mut renumber = std::collections::HashMap::new();
        let mut cluster_sizes = Vec::new();
        let labels: Vec<Option<usize>> = raw
            .iter()
            .map(|l| {
                l.map(|c| {
                    let next = renumber.len();
                    let id = *renumber.entry(c).or_insert(next);
                    if id == cluster_sizes.len() {
                        cluster_sizes.push(0);
                    }
                    cluster_sizes[id] += 1;
                    id
                })
            })
            .collect();
        let noise = labels.iter().filter(|l| l.is_none()).count();
        if noise == n {
            let curve = k_distance(data, self.min_points - 1);
            return Err(DbscanError::AllNoise {
                eps: self.eps,
                min_points: self.min_points,
                suggested_eps: curve.suggested_eps,
            });
        }
        Ok(DbscanModel {
            n_clusters: cluster_sizes.len(),
            cluster_sizes,
            noise_share: noise as f64 / n as f64,
            labels,
        })
    }
}

/// The k-distance curve of `data` (k = min points − 1), sorted descending, with a suggested eps.
///
/// Exact: for each query customer, the k-th smallest distance to every other customer. Up to
/// [`K_DISTANCE_MAX_ROWS`] query customers (a seeded sample above that, smaller still for very
/// large data so the loop stays under 10⁸ distances); their neighbours are searched among all
/// customers, so sampling thins the curve without shifting it. `k` is clamped to `1..n − 1`.
pub fn k_distance(data: &SegmentData, k: usize) -> KDistance {
    let matrix = data.matrix.view();
    let n = matrix.nrows();
    if n < 2 {
        return KDistance {
            k,
            distances: Vec::new(),
            suggested_eps: None,
            sampled: None,
        };
    }
    let k = k.clamp(1, n - 1);
    let max_queries = K_DISTANCE_MAX_ROWS.min((K_DISTANCE_BUDGET / n).max(1_000));
    let (queries, sampled) = if n > max_queries {
        let mut rng = Xoshiro256Plus::seed_from_u64(K_DISTANCE_SEED);
        let mut rows = rand::seq::index::sample(&mut rng, n, max_queries).into_vec();
        rows.sort_unstable();
        let info = SampleInfo {
            used: rows.len(),
            total: n,
        };
        (rows, Some(info))
    } else {
        ((0..n).collect(), None)
    };
    // Row-major copy: plain slices keep the n × queries loop fast.
    let d = matrix.ncols().max(1);
    let flat: Vec<f64> = matrix.iter().copied().collect();
    let mut nearest = Vec::with_capacity(k + 1);
    let mut distances: Vec<f64> = queries
        .iter()
        .map(|&q| {
            // The k smallest squared distances to other rows, ascending.
            nearest.clear();
            let pq = &flat[q * d..(q + 1) * d];
            for (r, pr) in flat.chunks_exact(d).enumerate() {
                if r == q {
                    continue;
                }
                let d2 = squared_distance(pq, pr);
                if nearest.len() == k {
                    if d2 >= nearest[k - 1] {
                        continue;
                    }
                    nearest.pop();
                }
                let at = nearest.partition_point(|&x| x <= d2);
                nearest.insert(at, d2);
            }
            nearest[k - 1].sqrt()
        })
        .collect();
    distances.sort_unstable_by(|a, b| b.total_cmp(a));
    let suggested_eps = suggest_eps(&distances);
    KDistance {
        k,
        distances,
        suggested_eps,
        sampled,
    }
}

/// The knee of a descending k-distance curve, as eps.
///
/// Method (the "kneedle" idea): scale the curve's index and value to 0…1, draw the chord from
/// the first point (largest distance) to the last, and take the value at the point farthest
/// below that chord, where the steep part of the curve (noise) turns into the flat part (dense
/// customers). `None` for fewer than 3 points or a flat curve.
pub fn suggest_eps(descending: &[f64]) -> Option<f64> {
    let m = descending.len();
    if m < 3 {
        return None;
    }
    let (hi, lo) = (descending[0], descending[m - 1]);
    if hi.is_nan() || lo.is_nan() || hi <= lo {
        return None;
    }
    // After scaling, the chord runs from (0, 1) to (1, 0): the distance below it is
    // proportional to 1 − x − y.
    let mut best = (0, 0.0);
    for (i, &d) in descending.iter().enumerate() {
        let x = i as f64 / (m - 1) as f64;
        let y = (d - lo) / (hi - lo);
        let below = 1.0 - x - y;
        if below > best.1 {
            best = (i, below);
        }
    }
    (best.1 > 0.0).then(|| descending[best.0])
}

/// A number for a message: 2 significant digits for small values, 2 decimals otherwise.
fn short(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.1 {
        format!("{x:.2e}")
    } else {
        let s = format!("{x:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (x, y) in a.iter().zip(b) {
        let t = x - y;
        sum += t * t;
    }
    sum
}

fn first_non_finite_row(matrix: ArrayView2<f64>) -> Option<usize> {
    matrix
        .axis_iter(Axis(0))
        .position(|row| row.iter().any(|x| !x.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knee_of_a_hockey_stick() {
        let curve = [10.0, 3.0, 1.0, 0.9, 0.85, 0.8, 0.8, 0.75, 0.7, 0.7];
        assert_eq!(suggest_eps(&curve), Some(1.0));
        assert_eq!(suggest_eps(&[1.0, 1.0, 1.0]), None);
        assert_eq!(suggest_eps(&[2.0, 1.0]), None);
    }

    #[test]
    fn message_numbers_are_short() {
        assert_eq!(short(0.1), "0.1");
        assert_eq!(short(0.8), "0.8");
        assert_eq!(short(1.25), "1.25");
        assert_eq!(short(2.0), "2");
    }

    #[test]
    fn bad_params_fail_at_check() {
        let p = DbscanParams {
            eps: 0.0,
            min_points: 5,
        };
        assert_eq!(p.check(), Err(DbscanParamsError::Eps(0.0)));
        let p = DbscanParams {
            eps: 0.5,
            min_points: 1,
        };
        assert_eq!(p.check(), Err(DbscanParamsError::MinPoints(1)));
    }
}
