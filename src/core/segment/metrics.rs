//! How good a segmentation is: silhouette (mean and per customer), Calinski–Harabasz,
//! Davies–Bouldin and inertia, with scikit-learn's definitions (Euclidean distance).
//!
//! Silhouette is exact up to [`SILHOUETTE_EXACT_MAX`] rows; above, it is computed on a seeded
//! random sample of that many rows, as scikit-learn's `silhouette_score(sample_size=…)` does
//! (distances among the sampled rows only), and the sample size is returned so it can be shown.
//! The exact computation is O(n²·d) without an n × n matrix: row blocks × column blocks of the
//! Gram matrix (`|x|² + |y|² − 2x·y`, as scikit-learn's `euclidean_distances`), summed per
//! segment as they are produced. Segments that got no customer are ignored, as scikit-learn
//! relabels. Pure Rust: no web-sys; never panics on user data.

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};
use rand::seq::index;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

/// Most rows for which silhouette is exact; larger data is sampled to this many rows.
pub const SILHOUETTE_EXACT_MAX: usize = 10_000;

/// Rows per block of the silhouette distance computation (a 256 × 256 block of distances is
/// 512 KB, held in L2).
const BLOCK: usize = 256;

/// A metric cannot be computed for these labels.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    #[error("{labels} labels for {rows} rows: every row needs one label.")]
    LengthMismatch { rows: usize, labels: usize },
    #[error(
        "Only {found} segment(s) have customers: at least 2 are needed to measure separation."
    )]
    TooFewSegments { found: usize },
    #[error(
        "{segments} segments for {rows} customers: silhouette needs fewer segments than customers."
    )]
    TooManySegments { segments: usize, rows: usize },
}

/// Mean silhouette of a segmentation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Silhouette {
    /// From −1 (customers closer to another segment) to 1 (tight, well separated segments).
    pub mean: f64,
    /// `Some(n)` when computed on a random sample of `n` rows, `None` when exact.
    pub sample_size: Option<usize>,
}

/// Silhouette of each customer (for the silhouette plot).
#[derive(Debug, Clone, PartialEq)]
pub struct SilhouetteSamples {
    /// Rows of the data the values belong to (all rows, or the sorted sample).
    pub rows: Vec<usize>,
    pub values: Vec<f64>,
    /// `Some(n)` when the rows are a random sample of `n` rows.
    pub sample_size: Option<usize>,
}

/// The rows silhouette is computed on for `n` rows: `None` (all of them) up to
/// [`SILHOUETTE_EXACT_MAX`], else a seeded sorted random sample of that many.
pub fn silhouette_sample_rows(n: usize, seed: u64) -> Option<Vec<usize>> {
    if n <= SILHOUETTE_EXACT_MAX {
        return None;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut rows = index::sample(&mut rng, n, SILHOUETTE_EXACT_MAX).into_vec();
    rows.sort_unstable();
    Some(rows)
}

/// Mean silhouette of `labels` on `x`, exact or sampled (see the module documentation).
pub fn silhouette(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
    seed: u64,
) -> Result<Silhouette, MetricsError> {
    let samples = silhouette_samples(x, labels, seed)?;
    Ok(Silhouette {
        mean: mean(&samples.values),
        sample_size: samples.sample_size,
    })
}

/// Silhouette of each customer, exact or on the same sample as [`silhouette`].
pub fn silhouette_samples(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
    seed: u64,
) -> Result<SilhouetteSamples, MetricsError> {
    check_lengths(x, labels)?;
    match silhouette_sample_rows(x.nrows(), seed) {
        None => Ok(SilhouetteSamples {
            rows: (0..x.nrows()).collect(),
            values: silhouette_values(x, labels)?,
            sample_size: None,
        }),
        Some(rows) => {
            let sub = x.select(ndarray::Axis(0), &rows);
            let sub_labels: Vec<usize> = rows.iter().map(|&r| labels[r]).collect();
            let values = silhouette_values(sub.view(), &sub_labels)?;
            Ok(SilhouetteSamples {
                sample_size: Some(rows.len()),
                rows,
                values,
            })
        }
    }
}

/// Exact silhouette of every row of `x` (scikit-learn's `silhouette_samples`): for row i in
/// segment A, a = mean distance to the other rows of A, b = the smallest mean distance to the
/// rows of another segment, s = (b − a) / max(a, b); 0 for a row alone in its segment.
pub fn silhouette_values(
    x: ArrayView2<'_, f64>,
    labels: &[usize],
) -> Result<Vec<f64>, MetricsError> {
    check_lengths(x, labels)?;
    let n = x.nrows();
    let (dense, sizes) = dense_labels(labels);
    let m = sizes.len();
    if m < 2 {
        return Err(MetricsError::TooFewSegments { found: m });
    }
    if m >= n {
        return Err(MetricsError::TooManySegments {
            segments: m,
            rows: n,
        });
    }
    // Rows sorted by segment, so each segment is one contiguous range of columns.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| dense[i]);
    let sorted: Array2<f64> = x.select(ndarray::Axis(0), &order);
    let norms: Vec<f64> = sorted.rows().into_iter().map(|r| r.dot(&r)).collect();
    let mut starts = Vec::with_capacity(m + 1);
    starts.push(0);
    for &size in &sizes {
        starts.push(starts[starts.len() - 1] + size);
    }
    // Blocks of at most BLOCK rows, each inside one segment.
    let mut blocks: Vec<(usize, usize, usize)> = Vec::new();
    for c in 0..m {
        let mut start = starts[c];
        while start < starts[c + 1] {
            let end = (start + BLOCK).min(starts[c + 1]);
            blocks.push((start, end, c));
            start = end;
        }
    }
    // sums[i * m + c]: sum of distances from sorted row i to the rows of segment c. Each pair
    // of blocks is computed once and added to both sides (distances are symmetric).
    let mut sums = vec![0.0; n * m];
    let mut gram = vec![0.0; BLOCK * BLOCK];
    let mut column_acc = vec![0.0; BLOCK];
    for (bi_index, &(i0, i1, ci)) in blocks.iter().enumerate() {
        let rows = sorted.slice(s![i0..i1, ..]);
        for &(j0, j1, cj) in &blocks[bi_index..] {
            let (bi, bj) = (i1 - i0, j1 - j0);
            let g = &mut gram[..bi * bj];
            if let Ok(mut view) = ArrayViewMut2::from_shape((bi, bj), &mut *g) {
                let columns = sorted.slice(s![j0..j1, ..]);
                general_mat_mul(1.0, &rows, &columns.t(), 0.0, &mut view);
            }
            let diagonal = j0 == i0;
            let column_norms = &norms[j0..j1];
            let column_acc = &mut column_acc[..bj];
            column_acc.fill(0.0);
            for (i, g_row) in g.chunks_exact(bj).enumerate() {
                sums[(i0 + i) * m + cj] +=
                    distance_sums(norms[i0 + i], column_norms, g_row, column_acc);
            }
            if !diagonal {
                for (j, &acc) in column_acc.iter().enumerate() {
                    sums[(j0 + j) * m + ci] += acc;
                }
            }
        }
    }
    let mut values = vec![0.0; n];
    for (i, &row) in order.iter().enumerate() {
        let own = dense[row];
        if sizes[own] < 2 {
            continue;
        }
        let row_sums = &sums[i * m..(i + 1) * m];
        let a = row_sums[own] / (sizes[own] - 1) as f64;
        let b = (0..m)
            .filter(|&c| c != own)
            .map(|c| row_sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        let scale = a.max(b);
        values[row] = if scale > 0.0 { (b - a) / scale } else { 0.0 };
    }
    Ok(values)
}

/// Distances from one row to a block of columns, `sqrt(max(row_norm + column_norms[j] −
/// 2·gram[j], 0))`: returns their sum and adds each to `column_acc[j]`. Equal-length slices and
/// plain indexing, so no bounds checks and no iterator adapters are left to inline (the release
/// profile optimises this crate for size).
fn distance_sums(row_norm: f64, column_norms: &[f64], gram: &[f64], column_acc: &mut [f64]) -> f64 {
    let n = column_norms.len().min(gram.len()).min(column_acc.len());
    let (norms, gram, acc) = (&column_norms[..n], &gram[..n], &mut column_acc[..n]);
    let mut sum = 0.0;
    for j in 0..n {
        let distance = (row_norm + norms[j] - 2.0 * gram[j]).max(0.0).sqrt();
        sum += distance;
        acc[j] += distance;
    }
    sum
}

/// Calinski–Harabasz index: between-segment dispersion / within-segment dispersion, each per
/// degree of freedom, `[B / (m − 1)] / [W / (n − m)]`; higher is better (1 when W = 0, as
/// scikit-learn).
pub fn calinski_harabasz(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64, MetricsError> {
    let Segments {
        sizes,
        centroids,
        dense,
    } = segments(x, labels)?;
    let n = x.nrows();
    let m = sizes.len();
    if m >= n {
        return Err(MetricsError::TooManySegments {
            segments: m,
            rows: n,
        });
    }
    let overall = x.mean_axis(ndarray::Axis(0)).unwrap_or_default();
    let mut between = 0.0;
    for (c, &size) in sizes.iter().enumerate() {
        let diff = &centroids.row(c) - &overall;
        between += size as f64 * diff.dot(&diff);
    }
    let within = within_sum(x, &dense, &centroids);
    if within == 0.0 {
        return Ok(1.0);
    }
    Ok(between * (n - m) as f64 / (within * (m - 1) as f64))
}

/// Davies–Bouldin index: mean over segments of the worst ratio (sᵢ + sⱼ) / dᵢⱼ, where s is the
/// mean distance of a segment's customers to its centroid and d the distance between
/// centroids; lower is better (0 = perfectly separated points).
pub fn davies_bouldin(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64, MetricsError> {
    let Segments {
        sizes,
        centroids,
        dense,
    } = segments(x, labels)?;
    let m = sizes.len();
    let mut spread = vec![0.0; m];
    for (row, &c) in x.rows().into_iter().zip(&dense) {
        let diff = &row - &centroids.row(c);
        spread[c] += diff.dot(&diff).sqrt();
    }
    for (s, &size) in spread.iter_mut().zip(&sizes) {
        *s /= size as f64;
    }
    if spread.iter().all(|&s| s == 0.0) {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for i in 0..m {
        let mut worst = 0.0f64;
        for j in 0..m {
            if i == j {
                continue;
            }
            let diff = &centroids.row(i) - &centroids.row(j);
            let distance = diff.dot(&diff).sqrt();
            if distance > 0.0 {
                worst = worst.max((spread[i] + spread[j]) / distance);
            }
        }
        total += worst;
    }
    Ok(total / m as f64)
}

/// Sum of squared distances of every row to the mean of its segment (K-means inertia).
pub fn inertia(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64, MetricsError> {
    check_lengths(x, labels)?;
    let (dense, sizes) = dense_labels(labels);
    let centroids = means(x, &dense, sizes.len(), &sizes);
    Ok(within_sum(x, &dense, &centroids))
}

/// Non-empty segments of a labelling.
struct Segments {
    sizes: Vec<usize>,
    /// Mean of each segment, in dense order.
    centroids: Array2<f64>,
    /// Dense segment (`0..sizes.len()`) of each row.
    dense: Vec<usize>,
}

fn segments(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<Segments, MetricsError> {
    check_lengths(x, labels)?;
    let (dense, sizes) = dense_labels(labels);
    if sizes.len() < 2 {
        return Err(MetricsError::TooFewSegments { found: sizes.len() });
    }
    let centroids = means(x, &dense, sizes.len(), &sizes);
    Ok(Segments {
        sizes,
        centroids,
        dense,
    })
}

fn check_lengths(x: ArrayView2<'_, f64>, labels: &[usize]) -> Result<(), MetricsError> {
    if x.nrows() != labels.len() {
        return Err(MetricsError::LengthMismatch {
            rows: x.nrows(),
            labels: labels.len(),
        });
    }
    Ok(())
}

/// Labels renumbered `0..m` in increasing order of the original label (empty segments
/// dropped), and the size of each.
fn dense_labels(labels: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut used: Vec<usize> = labels.to_vec();
    used.sort_unstable();
    used.dedup();
    let dense: Vec<usize> = labels
        .iter()
        .map(|l| used.binary_search(l).unwrap_or(0))
        .collect();
    let mut sizes = vec![0; used.len()];
    for &c in &dense {
        sizes[c] += 1;
    }
    (dense, sizes)
}

fn means(x: ArrayView2<'_, f64>, dense: &[usize], m: usize, sizes: &[usize]) -> Array2<f64> {
    let mut centroids = Array2::<f64>::zeros((m, x.ncols()));
    for (row, &c) in x.rows().into_iter().zip(dense) {
        let mut centroid = centroids.row_mut(c);
        centroid += &row;
    }
    for (mut centroid, &size) in centroids.rows_mut().into_iter().zip(sizes) {
        centroid /= size.max(1) as f64;
    }
    centroids
}

fn within_sum(x: ArrayView2<'_, f64>, dense: &[usize], centroids: &Array2<f64>) -> f64 {
    x.rows()
        .into_iter()
        .zip(dense)
        .map(|(row, &c)| {
            let diff = &row - &centroids.row(c);
            diff.dot(&diff)
        })
        .sum()
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }

    /// Four points on a line, segments {0, 1} and {4, 6}.
    fn line() -> (Array2<f64>, Vec<usize>) {
        (array![[0.0], [1.0], [4.0], [6.0]], vec![0, 0, 1, 1])
    }

    #[test]
    fn silhouette_on_a_line_by_hand() {
        // x=0: a = 1, b = (4 + 6) / 2 = 5 → 4/5.      x=1: a = 1, b = (3 + 5) / 2 = 4 → 3/4.
        // x=4: a = 2, b = (4 + 3) / 2 = 3.5 → 1.5/3.5. x=6: a = 2, b = (6 + 5) / 2 = 5.5 → 3.5/5.5.
        // scikit-learn 1.9.1 silhouette_samples: [0.8, 0.75, 0.42857143, 0.63636364].
        let (x, labels) = line();
        let values = silhouette_values(x.view(), &labels).unwrap();
        let expected = [0.8, 0.75, 1.5 / 3.5, 3.5 / 5.5];
        for (v, e) in values.iter().zip(expected) {
            close(*v, e);
        }
        let score = silhouette(x.view(), &labels, 0).unwrap();
        close(score.mean, expected.iter().sum::<f64>() / 4.0); // 0.6538961
        assert_eq!(score.sample_size, None);
    }

    #[test]
    fn silhouette_ignores_label_numbers_and_gives_singletons_zero() {
        // Labels 7 and 3 instead of 0 and 1; the lone point at 10 scores 0. scikit-learn 1.9.1
        // silhouette_samples: [0.8, 0.75, 0.42857143, 0.5, 0].
        // 0: a = 1, b = min(mean(4, 6) = 5, 10) = 5 → 0.8; 10 is alone → 0.
        let x = array![[0.0], [1.0], [4.0], [6.0], [10.0]];
        let values = silhouette_values(x.view(), &[7, 7, 3, 3, 9]).unwrap();
        close(values[0], 0.8);
        close(values[4], 0.0);
        // 4: a = 2, b = min(mean(4, 3) = 3.5, 6) = 3.5 → 1.5/3.5.
        close(values[2], 1.5 / 3.5);
    }

    #[test]
    fn silhouette_in_two_dimensions_matches_scikit_learn() {
        // scikit-learn 1.9.1: silhouette_samples([[0,0],[0,1],[3,4],[4,4],[4,3]], [0,0,1,1,1])
        // = [0.80839063, 0.78125783, 0.73879613, 0.81232736, 0.74512469]; by hand for (0,0):
        // a = 1, b = (5 + √32 + 5) / 3 = 5.218951 → (b − a) / b = 0.808391.
        let x = array![[0.0, 0.0], [0.0, 1.0], [3.0, 4.0], [4.0, 4.0], [4.0, 3.0]];
        let labels = [0, 0, 1, 1, 1];
        let values = silhouette_values(x.view(), &labels).unwrap();
        let expected = [0.80839063, 0.78125783, 0.73879613, 0.81232736, 0.74512469];
        for (v, e) in values.iter().zip(expected) {
            assert!((v - e).abs() < 1e-7, "{v} vs {e}");
        }
        // silhouette_score = 0.7771793267893459.
        let score = silhouette(x.view(), &labels, 0).unwrap();
        assert!((score.mean - 0.7771793267893459).abs() < 1e-7);
    }

    #[test]
    fn calinski_harabasz_and_davies_bouldin_by_hand() {
        // Segments {0, 1} (mean 0.5) and {4, 6} (mean 5); overall mean 2.75.
        // B = 2·2.25² + 2·2.25² = 20.25; W = 0.25·2 + 1·2 = 2.5; CH = (20.25/1) / (2.5/2) = 16.2.
        // DB: s₀ = 0.5, s₁ = 1, d = 4.5 → (0.5 + 1) / 4.5 = 1/3 for both segments → 1/3.
        // scikit-learn 1.9.1: calinski_harabasz_score 16.2, davies_bouldin_score 0.3333333.
        let (x, labels) = line();
        close(calinski_harabasz(x.view(), &labels).unwrap(), 16.2);
        close(davies_bouldin(x.view(), &labels).unwrap(), 1.0 / 3.0);
        close(inertia(x.view(), &labels).unwrap(), 2.5);
    }

    #[test]
    fn large_data_is_sampled_with_the_size_shown() {
        let n = SILHOUETTE_EXACT_MAX + 500;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            (i % 2) as f64 * 10.0 + (i * (j + 1) % 7) as f64 * 0.01
        });
        let labels: Vec<usize> = (0..n).map(|i| i % 2).collect();
        let score = silhouette(x.view(), &labels, 42).unwrap();
        assert_eq!(score.sample_size, Some(SILHOUETTE_EXACT_MAX));
        assert!(score.mean > 0.99);
        let samples = silhouette_samples(x.view(), &labels, 42).unwrap();
        assert_eq!(samples.rows.len(), SILHOUETTE_EXACT_MAX);
        assert_eq!(samples.rows, silhouette_sample_rows(n, 42).unwrap());
        assert!(samples.rows.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn too_few_or_too_many_segments_are_errors() {
        let (x, _) = line();
        assert_eq!(
            silhouette(x.view(), &[1, 1, 1, 1], 0).unwrap_err(),
            MetricsError::TooFewSegments { found: 1 }
        );
        assert_eq!(
            silhouette(x.view(), &[0, 1, 2, 3], 0).unwrap_err(),
            MetricsError::TooManySegments {
                segments: 4,
                rows: 4
            }
        );
        assert_eq!(
            davies_bouldin(x.view(), &[0, 1]).unwrap_err(),
            MetricsError::LengthMismatch { rows: 4, labels: 2 }
        );
    }
}
