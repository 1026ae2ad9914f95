//! SMOTE (Chawla, Bowyer, Hall & Kegelmeyer 2002): balance a training fold by adding synthetic
//! rows of the minority class on the segments between minority rows and their near neighbours.
//! Applied to training rows only, never to validation or test rows (the caller's duty).
//!
//! `SmoteParams → check → fit_resample(x, y) → Resampled`:
//! - the minority class is the smaller one (the positive class on a tie);
//! - the number of synthetic rows is imbalanced-learn's for `SMOTE(sampling_strategy=ratio)`:
//!   `⌊majority × target_ratio − minority⌋`, so minority ÷ majority ends at the target ratio
//!   (a ratio that would add no row is refused, as imbalanced-learn does);
//! - neighbours: the `k` nearest other minority rows by Euclidean distance (brute force over the
//!   minority rows only; a tie in distance goes to the earlier row, so the result does not hang
//!   on the search order; duplicate rows are neighbours at distance 0);
//! - each synthetic row, like imbalanced-learn's: a base row drawn uniformly among the minority
//!   rows (so some rows are used more than others, as in imbalanced-learn, rather than
//!   round-robin), one of its `k` neighbours drawn uniformly, and `u` uniform in [0, 1):
//!   `base + u · (neighbour − base)`; all drawn from one seeded Xoshiro256+ stream;
//! - the original rows come first, unchanged and in order; the synthetic rows follow.
//!
//! The neighbour search is exact and brute force: each pair of minority rows is visited once (the
//! distance counts for both rows), screened by a dot product computed four rows at a time, and
//! each row keeps its `k` best in a small sorted list — about `m² · d / 2` multiply-adds for `m`
//! minority rows of `d` columns. Bank-full's training part (4,231 minority rows × 48 columns):
//! 0.25–0.35 s at opt-level "z" on a busy 2-core machine (0.85–1.0 s for the plain pairwise
//! loop). A tree (e.g. linfa-nn's ball tree) prunes little at 50 dimensions.
//!
//! Pure Rust: no web-sys; never panics on user data (bad input is a [`SmoteError`]).

use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use crate::core::predict::inputs::{
    check_training_data, class_name, rename_class, DataError, FeatureColumns,
};
use crate::core::random::index_in;

/// What the user asked SMOTE to do.
#[derive(Debug, Clone, PartialEq)]
pub struct SmoteParams {
    /// Neighbours among which each synthetic row's partner is drawn.
    pub k_neighbors: usize,
    /// Minority ÷ majority after resampling, in (current ratio, 1]; 1 balances the classes.
    pub target_ratio: f64,
    /// Seed of the random generator: same data and seed, same synthetic rows.
    pub seed: u64,
}

/// The training rows after SMOTE: the originals first, then the synthetic rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Resampled {
    pub x: Array2<f64>,
    pub y: Vec<bool>,
    /// How many rows were added at the end of `x` and `y` (all of the minority class).
    pub n_synthetic: usize,
}

/// SMOTE cannot run with these choices or this data; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SmoteError {
    #[error("SMOTE needs at least 1 neighbour (k = 0 was asked for): 5 is usual")]
    NoNeighbours,
    #[error(
        "the SMOTE target ratio (minority ÷ majority after resampling) must be more than 0 and \
         at most 1 (got {0}): 1 balances the classes"
    )]
    TargetRatio(f64),
    #[error(
        "the SMOTE target ratio {target} would add no rows: the training rows already have \
         {current:.3} minority rows per majority row, and SMOTE only adds rows, so choose a ratio \
         above {current:.3}, up to 1 (or no resampling)"
    )]
    TargetNotAboveCurrent { target: f64, current: f64 },
    #[error(
        "SMOTE needs at least k + 1 = {needed} rows of the minority class '{class}' to find {k} \
         neighbours, but this training fold has {rows}: lower k or choose class weights",
        needed = .k + 1
    )]
    MinorityTooSmall {
        class: String,
        rows: usize,
        k: usize,
    },
    #[error(transparent)]
    Data(#[from] DataError),
}

impl SmoteError {
    /// The same error with the classes named as the user knows them (e.g. "yes" / "no") instead
    /// of "positive" / "negative".
    pub fn with_class_names(self, positive: &str, negative: &str) -> SmoteError {
        match self {
            SmoteError::MinorityTooSmall { class, rows, k } => SmoteError::MinorityTooSmall {
                class: rename_class(class, positive, negative),
                rows,
                k,
            },
            SmoteError::Data(e) => SmoteError::Data(e.with_class_names(positive, negative)),
            other => other,
        }
    }
}

impl Default for SmoteParams {
    fn default() -> Self {
        SmoteParams {
            k_neighbors: Self::DEFAULT_K_NEIGHBORS,
            target_ratio: Self::DEFAULT_TARGET_RATIO,
            seed: Self::DEFAULT_SEED,
        }
    }
}

impl SmoteParams {
    pub const DEFAULT_K_NEIGHBORS: usize = 5;
    pub const DEFAULT_TARGET_RATIO: f64 = 1.0;
    pub const DEFAULT_SEED: u64 = 42;

    /// Reject impossible settings before looking at the data.
    pub fn check(&self) -> Result<(), SmoteError> {
        if self.k_neighbors == 0 {
            return Err(SmoteError::NoNeighbours);
        }
        if !(self.target_ratio > 0.0 && self.target_ratio <= 1.0) {
            return Err(SmoteError::TargetRatio(self.target_ratio));
        }
        Ok(())
    }

    /// The rows of `x` (labels `y`) plus synthetic minority rows up to the target ratio (see the
    /// module documentation). A target ratio that would add no row is an error, as in
    /// imbalanced-learn.
    pub fn fit_resample(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
    ) -> Result<Resampled, SmoteError> {
        self.check()?;
        check_training_data(x, y, None, FeatureColumns::Optional)?;
        let (n, d) = x.dim();
        let n_positive = y.iter().filter(|&&label| label).count();
        let n_negative = n - n_positive;
        let minority_label = n_positive <= n_negative;
        let (minority, majority) = if minority_label {
            (n_positive, n_negative)
        } else {
            (n_negative, n_positive)
        };
        let k = self.k_neighbors;
        if minority <= k {
            return Err(SmoteError::MinorityTooSmall {
                class: class_name(minority_label),
                rows: minority,
                k,
            });
        }
        // imbalanced-learn's `int(majority × ratio − minority)`, refused when not above 0.
        let wanted = majority as f64 * self.target_ratio - minority as f64;
        if wanted < 1.0 {
            return Err(SmoteError::TargetNotAboveCurrent {
                target: self.target_ratio,
                current: minority as f64 / majority as f64,
            });
        }
        let n_synthetic = wanted as usize;

        let minority_rows: Vec<f64> = x
            .outer_iter()
            .zip(y)
            .filter(|(_, &label)| label == minority_label)
            .flat_map(|(row, _)| row.to_vec())
            .collect();
        let neighbours = nearest_neighbours(&minority_rows, d, k);
        let synthetic = synthesize(&minority_rows, d, &neighbours, k, n_synthetic, self.seed);

        let mut all = Vec::with_capacity((n + n_synthetic) * d);
        all.extend(x.iter().copied());
        all.extend(synthetic);
        let x = Array2::from_shape_vec((n + n_synthetic, d), all)
            .map_err(|_| DataError::TargetLength { rows: n, labels: n })?;
        let mut y = y.to_vec();
        y.resize(n + n_synthetic, minority_label);
        Ok(Resampled { x, y, n_synthetic })
    }
}

/// Squared Euclidean distance of two rows of the same length.
fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    let (a4, a_tail) = a.as_chunks::<4>();
    let (b4, b_tail) = b.as_chunks::<4>();
    let mut sums = [0.0; 4];
    for (p, q) in a4.iter().zip(b4) {
        let diff = [p[0] - q[0], p[1] - q[1], p[2] - q[2], p[3] - q[3]];
        sums[0] += diff[0] * diff[0];
        sums[1] += diff[1] * diff[1];
        sums[2] += diff[2] * diff[2];
        sums[3] += diff[3] * diff[3];
    }
    let tail: f64 = a_tail
        .iter()
        .zip(b_tail)
        .map(|(u, v)| (u - v) * (u - v))
        .sum();
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}

/// Dot products of four rows with `b` (over their common length).
fn dots4(a: [&[f64]; 4], b: &[f64]) -> [f64; 4] {
    let n = a.iter().fold(b.len(), |n, row| n.min(row.len()));
    let (a0, a1, a2, a3, b) = (&a[0][..n], &a[1][..n], &a[2][..n], &a[3][..n], &b[..n]);
    let mut sums = [0.0; 4];
    for t in 0..n {
        let y = b[t];
        sums[0] += a0[t] * y;
        sums[1] += a1[t] * y;
        sums[2] += a2[t] * y;
        sums[3] += a3[t] * y;
    }
    sums
}

/// The `k` nearest of a row's candidates, nearest first, as `(squared distance, row)`; ties go to
/// the earlier row.
#[derive(Clone)]
struct Nearest {
    best: Vec<(f64, usize)>,
    k: usize,
    /// Distance above which a candidate cannot enter (infinite until `k` are kept).
    bound: f64,
}

impl Nearest {
    fn new(k: usize) -> Nearest {
        Nearest {
            best: Vec::with_capacity(k + 1),
            k,
            bound: f64::INFINITY,
        }
    }

    fn offer(&mut self, dist: f64, row: usize) {
        if dist > self.bound {
            return;
        }
        // Ties are offered too: the earlier row wins them here.
        let at = self.best.partition_point(|&(d, r)| (d, r) < (dist, row));
        if at < self.k {
            self.best.insert(at, (dist, row));
            self.best.truncate(self.k);
            if self.best.len() == self.k {
                self.bound = self.best.last().map_or(f64::INFINITY, |&(d, _)| d);
            }
        }
    }
}

/// Offer rows `i` and `j`, at squared distance `dist`, to each other's list.
fn offer_pair(nearest: &mut [Nearest], i: usize, j: usize, dist: f64) {
    if let Some(near) = nearest.get_mut(i).filter(|near| dist <= near.bound) {
        near.offer(dist, j);
    }
    if let Some(near) = nearest.get_mut(j).filter(|near| dist <= near.bound) {
        near.offer(dist, i);
    }
}

/// For each of the `m = rows.len() / d` rows (row-major), the indices of its `k` nearest other
/// rows, nearest first: `m × k` indices. Needs `k < m`.
///
/// Every pair is visited once. Rows go in blocks of four; a block meets each later row through
/// four dot products, and `‖a‖² + ‖b‖² − 2 a·b` screens the pair: only when it could beat the
/// worst kept distance of either row is the distance computed exactly (as a sum of squared
/// differences) and offered. The screen allows `8 (d + 2) ε (‖a‖² + ‖b‖²)` for rounding,
/// comfortably above the `(4 d + 6) ε (‖a‖² + ‖b‖²)` the two computations can differ by, so it
/// never drops a pair the exact distances would keep: the result is the exact search's.
fn nearest_neighbours(rows: &[f64], d: usize, k: usize) -> Vec<usize> {
    let Some(m) = rows.len().checked_div(d) else {
        return Vec::new();
    };
    let mut nearest = vec![Nearest::new(k); m];
    let row = |i: usize| rows.get(i * d..(i + 1) * d).unwrap_or(&[]);
    let norms: Vec<f64> = rows
        .chunks_exact(d)
        .map(|r| r.iter().map(|v| v * v).sum())
        .collect();
    let norm = |i: usize| norms.get(i).copied().unwrap_or(0.0);
    let bound = |nearest: &[Nearest], i: usize| nearest.get(i).map_or(f64::INFINITY, |n| n.bound);
    let slack = 8.0 * (d as f64 + 2.0) * f64::EPSILON;
    let mut start = 0;
    while start < m {
        let end = (start + 4).min(m);
        for i in start..end {
            for j in i + 1..end {
                offer_pair(&mut nearest, i, j, squared_distance(row(i), row(j)));
            }
        }
        // A last block of fewer than four rows has no later rows.
        if end - start == 4 {
            let block = [row(start), row(start + 1), row(start + 2), row(start + 3)];
            for j in end..m {
                for (i, dot) in (start..end).zip(dots4(block, row(j))) {
                    let total = norm(i) + norm(j);
                    let lowest = total - 2.0 * dot - slack * total;
                    if lowest <= bound(&nearest, i) || lowest <= bound(&nearest, j) {
                        offer_pair(&mut nearest, i, j, squared_distance(row(i), row(j)));
                    }
                }
            }
        }
        start = end;
    }
    nearest
        .iter()
        .flat_map(|near| near.best.iter().map(|&(_, row)| row))
        .collect()
}

/// `count` synthetic rows (row-major), each between a random minority row and one of its `k`
/// neighbours (see the module documentation).
fn synthesize(
    rows: &[f64],
    d: usize,
    neighbours: &[usize],
    k: usize,
    count: usize,
    seed: u64,
) -> Vec<f64> {
    let m = neighbours.len() / k.max(1);
    let mut out = Vec::with_capacity(count * d);
    if m == 0 || d == 0 {
        return out;
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let row = |i: usize| rows.get(i * d..(i + 1) * d).unwrap_or(&[]);
    for _ in 0..count {
        let base = index_in(&mut rng, 0..m);
        let partner = neighbours
            .get(base * k + index_in(&mut rng, 0..k))
            .copied()
            .unwrap_or(base);
        let u: f64 = rng.gen();
        out.extend(
            row(base)
                .iter()
                .zip(row(partner))
                .map(|(&a, &b)| a + u * (b - a)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// `n` rows of `d` columns from a seeded generator; positive when `i % every == 0`.
    fn data(n: usize, d: usize, every: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let x = Array2::from_shape_fn((n, d), |_| rng.gen_range(-3.0..3.0));
        let y = (0..n).map(|i| i % every == 0).collect();
        (x, y)
    }

    fn params(k: usize, ratio: f64, seed: u64) -> SmoteParams {
        SmoteParams {
            k_neighbors: k,
            target_ratio: ratio,
            seed,
        }
    }

    /// The `k` nearest other minority rows of minority row `i`, by a plain sort.
    fn k_nearest(minority: &[Vec<f64>], i: usize, k: usize) -> Vec<usize> {
        let mut by_distance: Vec<(f64, usize)> = minority
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(j, b)| (squared_distance(&minority[i], b), j))
            .collect();
        by_distance.sort_by(|p, q| p.partial_cmp(q).unwrap());
        by_distance.into_iter().take(k).map(|(_, j)| j).collect()
    }

    /// `Some(u)` when `s = a + u (b − a)` with `u` in [0, 1] (within rounding).
    fn segment_parameter(s: &[f64], a: &[f64], b: &[f64]) -> Option<f64> {
        let ab: Vec<f64> = a.iter().zip(b).map(|(p, q)| q - p).collect();
        let length2: f64 = ab.iter().map(|v| v * v).sum();
        if length2 == 0.0 {
            return (squared_distance(s, a) < 1e-20).then_some(0.0);
        }
        let u = s
            .iter()
            .zip(a)
            .zip(&ab)
            .map(|((p, q), v)| (p - q) * v)
            .sum::<f64>()
            / length2;
        let off_line = s
            .iter()
            .zip(a)
            .zip(&ab)
            .map(|((p, q), v)| (p - q - u * v).powi(2))
            .sum::<f64>();
        (off_line < 1e-18 && (-1e-12..=1.0 + 1e-12).contains(&u)).then_some(u)
    }

    #[test]
    fn every_synthetic_row_lies_between_a_minority_row_and_one_of_its_k_nearest() {
        let (x, y) = data(300, 4, 6, 1);
        let k = 5;
        let out = params(k, 1.0, 7).fit_resample(x.view(), &y).unwrap();
        let minority: Vec<Vec<f64>> = x
            .outer_iter()
            .zip(&y)
            .filter(|(_, &label)| label)
            .map(|(row, _)| row.to_vec())
            .collect();
        let near: Vec<Vec<usize>> = (0..minority.len())
            .map(|i| k_nearest(&minority, i, k))
            .collect();
        for s in out.x.outer_iter().skip(300) {
            let s = s.to_vec();
            let found = minority.iter().enumerate().any(|(i, a)| {
                near[i]
                    .iter()
                    .any(|&j| segment_parameter(&s, a, &minority[j]).is_some())
            });
            assert!(found, "synthetic row {s:?} is on no neighbour segment");
        }
    }

    #[test]
    fn neighbour_search_matches_a_full_sort() {
        let (x, _) = data(120, 3, 1, 5);
        let rows: Vec<f64> = x.iter().copied().collect();
        let minority: Vec<Vec<f64>> = x.outer_iter().map(|r| r.to_vec()).collect();
        let found = nearest_neighbours(&rows, 3, 4);
        for (i, got) in found.chunks(4).enumerate() {
            assert_eq!(got, k_nearest(&minority, i, 4).as_slice());
        }
    }

    #[test]
    fn screened_search_matches_a_full_sort_with_many_ties() {
        // 30 rows (seven blocks of four and a last block of two) on a small integer grid: many
        // duplicates and equal distances, which the screen must not reorder.
        let mut rng = Xoshiro256Plus::seed_from_u64(8);
        let x = Array2::from_shape_fn((30, 5), |_| f64::from(rng.gen_range(0..3)));
        let rows: Vec<f64> = x.iter().copied().collect();
        let minority: Vec<Vec<f64>> = x.outer_iter().map(|r| r.to_vec()).collect();
        for (i, got) in nearest_neighbours(&rows, 5, 6).chunks(6).enumerate() {
            assert_eq!(got, k_nearest(&minority, i, 6).as_slice(), "row {i}");
        }
    }

    #[test]
    fn duplicate_rows_are_neighbours_and_the_earlier_wins_a_tie() {
        let rows = [0.0, 0.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0];
        // Rows 0, 2 and 3 coincide: row 3's nearest are rows 0 then 2 (tie to the earlier).
        assert_eq!(nearest_neighbours(&rows, 2, 2), [2, 3, 0, 2, 0, 3, 0, 2]);
    }

    #[test]
    fn synthetic_count_reaches_the_target_ratio() {
        let (x, y) = data(400, 3, 5, 2);
        // 80 positives, 320 negatives.
        // imbalanced-learn 0.14's SMOTE(sampling_strategy=ratio) adds the same numbers.
        for (ratio, expected) in [(1.0, 240), (0.5, 80), (0.4, 48)] {
            let out = params(5, ratio, 0).fit_resample(x.view(), &y).unwrap();
            assert_eq!(out.n_synthetic, expected, "ratio {ratio}");
            assert_eq!(out.x.nrows(), 400 + expected);
            assert_eq!(out.y.len(), 400 + expected);
            assert!(out.y[400..].iter().all(|&label| label));
        }
    }

    #[test]
    fn count_truncates_like_imbalanced_learn() {
        // imbalanced-learn 0.14, SMOTE(sampling_strategy=0.33).fit_resample on 17 positives and
        // 100 negatives: 16 synthetic rows (int(100 × 0.33 − 17) = int(16.0…) = 16);
        // sampling_strategy=0.335: int(16.5) = 16 as well.
        let (x, _) = data(117, 2, 1, 3);
        let y: Vec<bool> = (0..117).map(|i| i < 17).collect();
        for ratio in [0.33, 0.335] {
            let out = params(5, ratio, 0).fit_resample(x.view(), &y).unwrap();
            assert_eq!(out.n_synthetic, 16);
        }
    }

    #[test]
    fn the_smaller_class_is_the_minority_even_when_negative() {
        let (x, y) = data(60, 2, 6, 4);
        let flipped: Vec<bool> = y.iter().map(|&label| !label).collect();
        let out = params(3, 1.0, 0).fit_resample(x.view(), &flipped).unwrap();
        assert_eq!(out.n_synthetic, 40);
        assert!(out.y[60..].iter().all(|&label| !label));
    }

    #[test]
    fn original_rows_come_first_unchanged() {
        let (x, y) = data(200, 3, 4, 6);
        let out = params(5, 1.0, 1).fit_resample(x.view(), &y).unwrap();
        assert_eq!(out.x.slice(ndarray::s![..200, ..]), x);
        assert_eq!(&out.y[..200], y.as_slice());
    }

    #[test]
    fn same_seed_same_rows_other_seed_other_rows() {
        let (x, y) = data(200, 3, 4, 6);
        let a = params(5, 1.0, 11).fit_resample(x.view(), &y).unwrap();
        let b = params(5, 1.0, 11).fit_resample(x.view(), &y).unwrap();
        let c = params(5, 1.0, 12).fit_resample(x.view(), &y).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.x, c.x);
    }

    #[test]
    fn too_few_minority_rows_names_the_class_and_the_numbers() {
        let x = Array2::zeros((20, 2));
        let y: Vec<bool> = (0..20).map(|i| i < 4).collect();
        let err = params(5, 1.0, 0).fit_resample(x.view(), &y).unwrap_err();
        assert_eq!(
            err,
            SmoteError::MinorityTooSmall {
                class: "positive".into(),
                rows: 4,
                k: 5
            }
        );
        assert_eq!(
            err.with_class_names("yes", "no").to_string(),
            "SMOTE needs at least k + 1 = 6 rows of the minority class 'yes' to find 5 \
             neighbours, but this training fold has 4: lower k or choose class weights"
        );
    }

    #[test]
    fn bad_settings_are_refused_before_the_data_is_read() {
        assert_eq!(params(0, 1.0, 0).check(), Err(SmoteError::NoNeighbours));
        for ratio in [0.0, -1.0, 1.5, f64::NAN] {
            assert!(matches!(
                params(5, ratio, 0).check(),
                Err(SmoteError::TargetRatio(_))
            ));
        }
    }

    #[test]
    fn a_ratio_not_above_the_current_one_is_refused() {
        // 80 positives and 320 negatives: 0.25 is the current ratio (imbalanced-learn refuses
        // it too), 0.252 would add int(0.64) = 0 rows.
        let (x, y) = data(400, 3, 5, 2);
        for ratio in [0.2, 0.25, 0.252] {
            assert!(matches!(
                params(5, ratio, 0).fit_resample(x.view(), &y),
                Err(SmoteError::TargetNotAboveCurrent { .. })
            ));
        }
        assert!(params(5, 0.2532, 0).fit_resample(x.view(), &y).is_ok());
    }

    #[test]
    fn bad_data_is_refused() {
        let refused = |x: Array2<f64>, y: &[bool]| params(1, 1.0, 0).fit_resample(x.view(), y);
        let data = |e: DataError| Err(SmoteError::Data(e));
        let x = array![[1.0, 2.0], [3.0, f64::NAN], [5.0, 6.0]];
        assert_eq!(
            refused(x, &[true, false, false]),
            data(DataError::NonFinite { row: 1, column: 1 })
        );
        let x = array![[1.0], [2.0], [3.0]];
        assert_eq!(
            refused(x.clone(), &[true, true, true]),
            data(DataError::one_class(true, false))
        );
        assert_eq!(
            refused(x, &[true, false]),
            data(DataError::TargetLength { rows: 3, labels: 2 })
        );
        assert_eq!(refused(Array2::zeros((0, 2)), &[]), data(DataError::Empty));
    }

    #[test]
    fn one_class_names_the_class_as_the_user_knows_it() {
        let err = params(1, 1.0, 0)
            .fit_resample(array![[1.0], [2.0]].view(), &[false, false])
            .unwrap_err();
        assert_eq!(
            err.with_class_names("yes", "no").to_string(),
            "every training row has the same target value ('no'): a model needs customers of \
             both classes, so choose another target column or positive value"
        );
    }
}
