//! Agglomerative hierarchical clustering with Ward linkage, and its dendrogram.
//!
//! The linkage itself is kodama's (a port of fastcluster, the same algorithm and merge heights
//! as SciPy's `linkage(method="ward")`) on condensed Euclidean distances of the standardized
//! rows. The condensed matrix takes `n(n−1)/2 × 8` bytes (100 MB at 5,000 rows), so above
//! [`WardParams::max_exact_rows`] a seeded random sample of that many rows is clustered and every
//! other row joins the segment with the nearest centroid; the model records the sample in
//! [`WardModel::sampled`] so the UI can say so. A sample was chosen over K-means micro-clusters
//! because it is the simplest honest option: every merge in the dendrogram is between real
//! customers, and nothing here depends on the K-means module.
//!
//! Pure Rust: no web-sys.

use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::data::SegmentData;

/// Hyperparameters of Ward clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct WardParams {
    /// Largest number of rows clustered exactly; above it a seeded sample of this many rows is.
    pub max_exact_rows: usize,
    /// Seed of the sample (used only when the data has more than `max_exact_rows` rows).
    pub seed: u64,
}

impl Default for WardParams {
    fn default() -> Self {
        WardParams {
            max_exact_rows: 5_000,
            seed: 42,
        }
    }
}

/// Largest accepted `max_exact_rows`: 10,000 rows already need a 400 MB distance matrix.
pub const WARD_MAX_EXACT_ROWS_LIMIT: usize = 10_000;

/// Invalid Ward hyperparameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WardParamsError {
    #[error(
        "Hierarchical clustering needs at least 3 rows to cluster exactly (max exact rows: \
         {given})."
    )]
    MaxExactRowsTooSmall { given: usize },
    #[error(
        "Hierarchical clustering of {given} rows exactly would need {} MB for the distances; \
         the limit is {limit} rows.",
        condensed_bytes(*.given) / 1_000_000
    )]
    MaxExactRowsTooLarge { given: usize, limit: usize },
}

/// Ward clustering cannot run on this data or cut.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WardError {
    #[error(transparent)]
    Params(#[from] WardParamsError),
    #[error("Hierarchical clustering needs at least 2 customers (got {rows}).")]
    TooFewRows { rows: usize },
    #[error("The feature matrix has a missing or infinite value in row {row}.")]
    NonFinite { row: usize },
    #[error("Choose between 1 and {max} segments (asked for {k}).")]
    BadK { k: usize, max: usize },
    #[error("The points have {got} features; the model was fitted on {expected}.")]
    WrongDimension { got: usize, expected: usize },
}

/// A clustering ran on a sample of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SampleInfo {
    /// Rows in the sample.
    pub used: usize,
    /// Rows in the data.
    pub total: usize,
}

/// One merge of a (truncated) dendrogram, numbered like SciPy: the leaves are `0..n_leaves`,
/// and merge `i` creates the cluster `n_leaves + i`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DendrogramMerge {
    pub left: usize,
    pub right: usize,
    /// Ward merge height (SciPy's linkage distance).
    pub height: f64,
    /// Customers in the merged cluster (of the clustered sample).
    pub size: usize,
}

/// The top of the dendrogram, ready to draw (like SciPy's `truncate_mode="lastp"`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dendrogram {
    /// Customers under each leaf; a leaf is a single customer or a cluster formed below the
    /// truncation.
    pub leaf_sizes: Vec<usize>,
    /// Merges bottom-up, the last one joining everything.
    pub merges: Vec<DendrogramMerge>,
}

/// A fitted Ward hierarchy, cut at any k with [`WardModel::cut`].
#[derive(Debug, Clone)]
pub struct WardModel {
    /// All rows of the data (the non-sampled rows are assigned to centroids at each cut).
    matrix: Array2<f64>,
    /// Rows of `matrix` that were clustered, ascending.
    clustered_rows: Vec<usize>,
    /// kodama's merges over `clustered_rows` (labels as on [`Dendrogram`]).
    steps: Vec<DendrogramMerge>,
    sampled: Option<SampleInfo>,
}

/// The hierarchy cut into k segments.
#[derive(Debug, Clone, PartialEq)]
pub struct WardCut {
    /// Segment `0..k` of each row of the data, numbered in order of first appearance.
    pub labels: Vec<usize>,
    /// Mean of each segment over its clustered rows, `k × features`.
    pub centroids: Array2<f64>,
}

impl WardParams {
    /// Validate the hyperparameters.
    pub fn check(&self) -> Result<(), WardParamsError> {
        if self.max_exact_rows < 3 {
            return Err(WardParamsError::MaxExactRowsTooSmall {
                given: self.max_exact_rows,
            });
        }
        if self.max_exact_rows > WARD_MAX_EXACT_ROWS_LIMIT {
            return Err(WardParamsError::MaxExactRowsTooLarge {
                given: self.max_exact_rows,
                limit: WARD_MAX_EXACT_ROWS_LIMIT,
            });
        }
        Ok(())
    }

    /// Build the Ward hierarchy of `data` (of a seeded sample above `max_exact_rows`).
    pub fn fit(&self, data: &SegmentData) -> Result<WardModel, WardError> {
        self.check()?;
        let matrix = &data.matrix;
        let n = matrix.nrows();
        if n < 2 {
            return Err(WardError::TooFewRows { rows: n });
        }
        if let Some(row) = first_non_finite_row(matrix.view()) {
            return Err(WardError::NonFinite { row });
        }
        let (clustered_rows, sampled) = if n > self.max_exact_rows {
            let mut rng = Xoshiro256Plus::seed_from_u64(self.seed);
            let mut rows = rand::seq::index::sample(&mut rng, n, self.max_exact_rows).into_vec();
            rows.sort_unstable();
            let info = SampleInfo {
                used: rows.len(),
                total: n,
            };
            (rows, Some(info))
        } else {
            ((0..n).collect(), None)
        };
        let m = clustered_rows.len();
        let d = matrix.ncols();
        let sample: Vec<f64> = clustered_rows
            .iter()
            .flat_map(|&r| matrix.row(r).to_vec())
            .collect();
        let point = |i: usize| &sample[i * d..(i + 1) * d];
        let mut condensed = Vec::with_capacity(m * (m - 1) / 2);
        for a in 0..m {
            let pa = point(a);
            for b in a + 1..m {
                let mut d2 = 0.0;
                for (x, y) in pa.iter().zip(point(b)) {
                    let t = x - y;
                    d2 += t * t;
                }
                condensed.push(d2.sqrt());
            }
        }
        let dendrogram = kodama::linkage(&mut condensed, m, kodama::Method::Ward);
        drop(condensed);
        let steps = dendrogram
            .steps()
            .iter()
            .map(|s| DendrogramMerge {
                left: s.cluster1,
                right: s.cluster2,
                height: s.dissimilarity,
                size: s.size,
            })
            .collect();
        Ok(WardModel {
            matrix: matrix.clone(),
            clustered_rows,
            steps,
            sampled,
        })
    }
}

impl WardModel {
    /// `Some` when the hierarchy was built on a sample: "clustered a sample of `used` of `total`
    /// customers".
    pub fn sampled(&self) -> Option<SampleInfo> {
        self.sampled
    }

    /// Number of rows in the hierarchy (the sample size when sampled).
    pub fn n_clustered(&self) -> usize {
        self.clustered_rows.len()
    }

    /// Cut the hierarchy into `k` segments (`1 ≤ k ≤` [`WardModel::n_clustered`]); rows outside
    /// the sample join the segment with the nearest centroid.
    pub fn cut(&self, k: usize) -> Result<WardCut, WardError> {
        let m = self.clustered_rows.len();
        if k == 0 || k > m {
            return Err(WardError::BadK { k, max: m });
        }
        // Replay the first m − k merges with a union-find over the 2m − 1 cluster labels.
        let mut parent: Vec<usize> = (0..2 * m - 1).collect();
        for (i, step) in self.steps.iter().take(m - k).enumerate() {
            parent[step.left] = m + i;
            parent[step.right] = m + i;
        }
        let mut root_label = vec![usize::MAX; 2 * m - 1];
        let mut sample_labels = Vec::with_capacity(m);
        let mut next = 0;
        for leaf in 0..m {
            let mut root = leaf;
            while parent[root] != root {
                root = parent[root];
            }
            if root_label[root] == usize::MAX {
                root_label[root] = next;
                next += 1;
            }
            sample_labels.push(root_label[root]);
        }
        let d = self.matrix.ncols();
        let mut centroids = Array2::<f64>::zeros((k, d));
        let mut counts = vec![0usize; k];
        for (&row, &label) in self.clustered_rows.iter().zip(&sample_labels) {
            let mut c = centroids.row_mut(label);
            c += &self.matrix.row(row);
            counts[label] += 1;
        }
        for (mut c, &count) in centroids.axis_iter_mut(Axis(0)).zip(&counts) {
            c /= count.max(1) as f64;
        }
        let labels = if self.sampled.is_some() {
            let mut labels = nearest_centroid(self.matrix.view(), centroids.view());
            for (&row, &label) in self.clustered_rows.iter().zip(&sample_labels) {
                labels[row] = label;
            }
            labels
        } else {
            sample_labels
        };
        Ok(WardCut { labels, centroids })
    }

    /// The last `max_merges` merges (at least 1) as a drawable dendrogram with leaf counts.
    pub fn dendrogram(&self, max_merges: usize) -> Dendrogram {
        let m = self.clustered_rows.len();
        let total = self.steps.len();
        let keep = max_merges.clamp(1, total.max(1)).min(total);
        let first = total - keep;
        let size_of = |label: usize| {
            if label < m {
                1
            } else {
                self.steps[label - m].size
            }
        };
        // Leaves: children of the kept merges that were formed before them, in order met.
        let mut leaf_sizes = Vec::new();
        let mut leaf_of = std::collections::HashMap::new();
        for step in &self.steps[first..] {
            for child in [step.left, step.right] {
                if child < m + first && !leaf_of.contains_key(&child) {
                    leaf_of.insert(child, leaf_sizes.len());
                    leaf_sizes.push(size_of(child));
                }
            }
        }
        let n_leaves = leaf_sizes.len();
        let relabel = |label: usize| match leaf_of.get(&label) {
            Some(&leaf) => leaf,
            None => n_leaves + (label - m - first),
        };
        let merges = self.steps[first..]
            .iter()
            .map(|s| DendrogramMerge {
                left: relabel(s.left),
                right: relabel(s.right),
                height: s.height,
                size: s.size,
            })
            .collect();
        Dendrogram { leaf_sizes, merges }
    }
}

impl WardCut {
    /// The segment with the nearest centroid for each row of `points` (standardized like the
    /// data the model was fitted on).
    pub fn assign(&self, points: ArrayView2<f64>) -> Result<Vec<usize>, WardError> {
        if points.ncols() != self.centroids.ncols() {
            return Err(WardError::WrongDimension {
                got: points.ncols(),
                expected: self.centroids.ncols(),
            });
        }
        Ok(nearest_centroid(points, self.centroids.view()))
    }
}

/// Bytes of the condensed distance matrix of `n` rows.
fn condensed_bytes(n: usize) -> usize {
    n.saturating_mul(n.saturating_sub(1)) / 2 * 8
}

fn first_non_finite_row(matrix: ArrayView2<f64>) -> Option<usize> {
    matrix
        .axis_iter(Axis(0))
        .position(|row| row.iter().any(|x| !x.is_finite()))
}

fn nearest_centroid(points: ArrayView2<f64>, centroids: ArrayView2<f64>) -> Vec<usize> {
    points
        .axis_iter(Axis(0))
        .map(|p| {
            let mut best = (0, f64::INFINITY);
            for (j, c) in centroids.axis_iter(Axis(0)).enumerate() {
                let d2: f64 = p.iter().zip(c.iter()).map(|(x, y)| (x - y) * (x - y)).sum();
                if d2 < best.1 {
                    best = (j, d2);
                }
            }
            best.0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn data(matrix: Array2<f64>) -> SegmentData {
        SegmentData::from_standardized(matrix)
    }

    #[test]
    fn two_pairs_cut_in_two() {
        let m = array![[0.0, 0.0], [10.0, 10.0], [0.1, 0.0], [10.0, 10.1]];
        let model = WardParams::default().fit(&data(m)).unwrap();
        assert_eq!(model.cut(2).unwrap().labels, vec![0, 1, 0, 1]);
        assert_eq!(model.cut(1).unwrap().labels, vec![0; 4]);
        assert_eq!(model.cut(4).unwrap().labels, vec![0, 1, 2, 3]);
        assert_eq!(model.cut(5), Err(WardError::BadK { k: 5, max: 4 }));
    }

    #[test]
    fn dendrogram_truncated_to_last_merges() {
        let m = array![[0.0, 0.0], [10.0, 10.0], [0.1, 0.0], [10.0, 10.1]];
        let model = WardParams::default().fit(&data(m)).unwrap();
        let full = model.dendrogram(50);
        assert_eq!(full.leaf_sizes, vec![1; 4]);
        assert_eq!(full.merges.len(), 3);
        let top = model.dendrogram(1);
        assert_eq!(top.leaf_sizes, vec![2, 2]);
        assert_eq!(top.merges.len(), 1);
        assert_eq!((top.merges[0].left, top.merges[0].right), (0, 1));
        assert_eq!(top.merges[0].size, 4);
    }

    #[test]
    fn bad_params_fail_at_check() {
        let p = WardParams {
            max_exact_rows: 2,
            ..WardParams::default()
        };
        assert!(matches!(
            p.check(),
            Err(WardParamsError::MaxExactRowsTooSmall { given: 2 })
        ));
    }
}
