//! Permutation feature importance: how much a fitted model's ROC-AUC (or, for a model that
//! predicts numbers, its R²: [`permutation_importance_r2`], scikit-learn's default score for a
//! regressor) drops when one feature's values are shuffled between customers (breaking its link
//! to the outcome while keeping its distribution). Works the same for every model.
//!
//! A feature is a *group* of matrix columns: a category one-hot encoded into several columns is
//! shuffled as one (the same row permutation for all its columns), so it reads as one feature.
//! Each group is shuffled `repeats` times; the mean and standard deviation (population, as
//! scikit-learn's `permutation_importance`) of the drops are reported, largest mean first.
//! Above `max_rows` customers, a seeded sample (stratified by outcome for a class, uniform for a
//! number) is used to bound the cost
//! (each repeat is one prediction on the sample). Seeded: same data and seed, same numbers.
//! Each group draws from its own stream of the generator, so its numbers do not depend on the
//! other groups listed.

use ndarray::{Array2, ArrayView2, Axis};
use rand::seq::{index, SliceRandom};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::regression::{check, r2};
use super::{roc::roc_auc, EvalError};
use crate::core::predict::Classifier;

/// A feature as the model sees it: one or more columns of the matrix.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct FeatureGroup {
    pub name: String,
    pub columns: Vec<usize>,
}

/// How to measure permutation importance.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct PermutationParams {
    /// Shuffles of each feature; the drop is averaged over them.
    pub repeats: usize,
    /// Seed of the random generator (sample and shuffles).
    pub seed: u64,
    /// Above this many customers, a stratified sample of this size is used.
    pub max_rows: usize,
}

impl PermutationParams {
    pub const DEFAULT_REPEATS: usize = 5;
    pub const DEFAULT_SEED: u64 = 42;
    pub const DEFAULT_MAX_ROWS: usize = 5000;
    /// One customer of each class.
    pub const MIN_ROWS: usize = 2;

    pub fn new() -> PermutationParams {
        PermutationParams {
            repeats: Self::DEFAULT_REPEATS,
            seed: Self::DEFAULT_SEED,
            max_rows: Self::DEFAULT_MAX_ROWS,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), EvalError> {
        if self.repeats == 0 {
            return Err(EvalError::Repeats);
        }
        if self.max_rows < Self::MIN_ROWS {
            return Err(EvalError::MaxRows {
                got: self.max_rows,
                min: Self::MIN_ROWS,
            });
        }
        Ok(())
    }
}

impl Default for PermutationParams {
    fn default() -> Self {
        Self::new()
    }
}

/// The importance of one feature.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Importance {
    pub name: String,
    /// Mean drop of ROC-AUC (R² for a model that predicts numbers) when the feature is shuffled
    /// (≈ 0: the model does not use it; negative: noise).
    pub mean_drop: f64,
    /// Standard deviation of the drop over the repeats.
    pub std_drop: f64,
}

/// Permutation importance of each group of columns of `x` for `model`, measured as the drop of
/// ROC-AUC on (`x`, `y`) — usually the test rows. Sorted by mean drop, largest first (equal
/// drops keep the order of `groups`). `progress` receives the share done, 0..1. Needs both
/// classes in `y`.
pub fn permutation_importance(
    model: &dyn Classifier,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    groups: &[FeatureGroup],
    params: &PermutationParams,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<Importance>, EvalError> {
    check_inputs(x, y.len(), groups, params)?;
    let (mut stream, mut sampler) = streams(params);
    let rows = stratified_rows(y, params.max_rows, &mut sampler)?;
    let ys: Vec<bool> = rows.iter().map(|&r| y[r]).collect();
    let m = rows.len();
    let mut auc = |x: ArrayView2<'_, f64>| -> Result<f64, EvalError> {
        let p = model.predict_proba(x);
        if p.len() != m {
            return Err(EvalError::ModelOutput {
                rows: m,
                got: p.len(),
            });
        }
        roc_auc(&ys, &p)
    };
    drops(x, &rows, groups, params, &mut stream, &mut auc, progress)
}

/// Permutation importance for a model that predicts numbers (`predict` gives one number per
/// row of the matrix it is handed), measured as the drop of R² on (`x`, `y`) — usually the test
/// rows. Above `max_rows` rows a seeded uniform sample is used. Otherwise as
/// [`permutation_importance`] (same seeding, sorting and progress).
pub fn permutation_importance_r2(
    predict: &dyn Fn(ArrayView2<'_, f64>) -> Vec<f64>,
    x: ArrayView2<'_, f64>,
    y: &[f64],
    groups: &[FeatureGroup],
    params: &PermutationParams,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<Importance>, EvalError> {
    check_inputs(x, y.len(), groups, params)?;
    if let Some(row) = y.iter().position(|v| !v.is_finite()) {
        return Err(EvalError::NonFiniteActual { row });
    }
    let (mut stream, mut sampler) = streams(params);
    let n = y.len();
    let rows: Vec<usize> = if n <= params.max_rows {
        (0..n).collect()
    } else {
        let mut sample = index::sample(&mut sampler, n, params.max_rows).into_vec();
        sample.sort_unstable();
        sample
    };
    let ys: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
    let m = rows.len();
    let mut score = |x: ArrayView2<'_, f64>| -> Result<f64, EvalError> {
        let p = predict(x);
        if p.len() != m {
            return Err(EvalError::ModelOutput {
                rows: m,
                got: p.len(),
            });
        }
        check(&ys, &p)?;
        Ok(r2(&ys, &p))
    };
    drops(x, &rows, groups, params, &mut stream, &mut score, progress)
}

/// The checks both measures make before any work.
fn check_inputs(
    x: ArrayView2<'_, f64>,
    n_targets: usize,
    groups: &[FeatureGroup],
    params: &PermutationParams,
) -> Result<(), EvalError> {
    params.check()?;
    let (n, d) = x.dim();
    if n != n_targets {
        return Err(EvalError::FeatureRows {
            rows: n,
            labels: n_targets,
        });
    }
    if n == 0 {
        return Err(EvalError::Empty);
    }
    for g in groups {
        if g.columns.is_empty() {
            return Err(EvalError::EmptyGroup {
                name: g.name.clone(),
            });
        }
        if let Some(&column) = g.columns.iter().find(|&&c| c >= d) {
            return Err(EvalError::NoSuchColumn {
                name: g.name.clone(),
                column,
                columns: d,
            });
        }
    }
    Ok(())
}

/// The shuffling stream (each group jumps to its own) and the sampling stream.
fn streams(params: &PermutationParams) -> (Xoshiro256Plus, Xoshiro256Plus) {
    let mut stream = Xoshiro256Plus::seed_from_u64(params.seed);
    let sampler = stream.clone();
    stream.jump();
    (stream, sampler)
}

/// Shuffle each group of `x`'s `rows` `params.repeats` times, the drop of `score` each time,
/// as [`Importance`]s sorted by mean drop.
fn drops(
    x: ArrayView2<'_, f64>,
    rows: &[usize],
    groups: &[FeatureGroup],
    params: &PermutationParams,
    stream: &mut Xoshiro256Plus,
    score: &mut dyn FnMut(ArrayView2<'_, f64>) -> Result<f64, EvalError>,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<Importance>, EvalError> {
    let base: Array2<f64> = x.select(Axis(0), rows);
    if let Some(((i, column), _)) = base.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(EvalError::NonFiniteFeature {
            row: rows.get(i).copied().unwrap_or(i),
            column,
        });
    }
    let m = rows.len();
    let baseline = score(base.view())?;

    let total = (groups.len() * params.repeats) as f64;
    let mut done = 0usize;
    progress(0.0);
    let mut work = base.clone();
    let mut permutation: Vec<usize> = (0..m).collect();
    let mut importances = Vec::with_capacity(groups.len());
    for g in groups {
        let mut rng = stream.clone();
        stream.jump();
        let mut drops = Vec::with_capacity(params.repeats);
        for _ in 0..params.repeats {
            permutation.shuffle(&mut rng);
            for &c in &g.columns {
                let source = base.column(c);
                for (value, &from) in work.column_mut(c).iter_mut().zip(&permutation) {
                    *value = source[from];
                }
            }
            let shuffled = score(work.view());
            for &c in &g.columns {
                work.column_mut(c).assign(&base.column(c));
            }
            drops.push(baseline - shuffled?);
            done += 1;
            progress(done as f64 / total);
        }
        let mean = drops.iter().sum::<f64>() / drops.len() as f64;
        let variance =
            drops.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / drops.len() as f64;
        importances.push(Importance {
            name: g.name.clone(),
            mean_drop: mean,
            std_drop: variance.sqrt(),
        });
    }
    importances.sort_by(|a, b| super::descending(a.mean_drop, b.mean_drop));
    progress(1.0);
    Ok(importances)
}

/// Rows to measure on, ascending: all of them up to `max_rows`, else a seeded sample of
/// `max_rows` keeping the share of positives (at least one of each class).
fn stratified_rows(
    y: &[bool],
    max_rows: usize,
    rng: &mut Xoshiro256Plus,
) -> Result<Vec<usize>, EvalError> {
    let n = y.len();
    let (positive, negative): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| y[i]);
    if positive.is_empty() {
        return Err(EvalError::NoPositives { rows: n });
    }
    if negative.is_empty() {
        return Err(EvalError::NoNegatives { rows: n });
    }
    if n <= max_rows {
        return Ok((0..n).collect());
    }
    let share = positive.len() as f64 / n as f64;
    let want = (max_rows as f64 * share).round() as usize;
    let take_positive = want.clamp(1, positive.len().min(max_rows - 1));
    let take_negative = (max_rows - take_positive).min(negative.len());
    let mut rows: Vec<usize> = index::sample(rng, positive.len(), take_positive)
        .into_iter()
        .filter_map(|i| positive.get(i).copied())
        .chain(
            index::sample(rng, negative.len(), take_negative)
                .into_iter()
                .filter_map(|i| negative.get(i).copied()),
        )
        .collect();
    rows.sort_unstable();
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Scores every customer by one column, ignoring the others.
    struct ColumnScore(usize);

    impl Classifier for ColumnScore {
        fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
            x.column(self.0).to_vec()
        }
    }

    /// A deterministic pseudo-random number in 0..1 for row `i`, stream `k`.
    fn noise(i: usize, k: u64) -> f64 {
        let z = (i as u64 + 1)
            .wrapping_mul(0x9E3779B97F4A7C15)
            .wrapping_add(k.wrapping_mul(0xBF58476D1CE4E5B9));
        let z = (z ^ (z >> 31)).wrapping_mul(0x94D049BB133111EB);
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Column 0 informative (positives score higher on it), column 1 pure noise.
    fn data(n: usize) -> (Array2<f64>, Vec<bool>) {
        let y: Vec<bool> = (0..n).map(|i| noise(i, 1) < 0.3).collect();
        let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
            0 => noise(i, 2) + if y[i] { 0.6 } else { 0.0 },
            _ => noise(i, 3),
        });
        (x, y)
    }

    fn groups() -> Vec<FeatureGroup> {
        vec![
            FeatureGroup {
                name: "noise".into(),
                columns: vec![1],
            },
            FeatureGroup {
                name: "signal".into(),
                columns: vec![0],
            },
        ]
    }

    #[test]
    fn only_the_used_column_matters() {
        let (x, y) = data(1000);
        let model = ColumnScore(0);
        let result = permutation_importance(
            &model,
            x.view(),
            &y,
            &groups(),
            &PermutationParams::new(),
            &mut |_| {},
        )
        .unwrap();
        let baseline = roc_auc(&y, &x.column(0).to_vec()).unwrap();
        assert_eq!(result[0].name, "signal");
        // Shuffled, the column ranks at random: AUC ≈ 0.5, so the drop ≈ baseline − 0.5.
        assert!(
            (result[0].mean_drop - (baseline - 0.5)).abs() < 0.06,
            "{result:?}, baseline {baseline}"
        );
        assert!(result[0].mean_drop > 0.3);
        assert_eq!(result[1].name, "noise");
        assert_eq!((result[1].mean_drop, result[1].std_drop), (0.0, 0.0));
    }

    #[test]
    fn r2_drops_for_the_used_column_only_and_samples_above_max_rows() {
        // y = 100 · column 0 exactly: R² 1; shuffled, R² ≈ 1 − 2 (two independent copies of the
        // same distribution: E(a − b)² = 2 var), a drop of about 2.
        let (x, _) = data(1000);
        let y: Vec<f64> = x.column(0).iter().map(|v| 100.0 * v).collect();
        let predict = |x: ArrayView2<'_, f64>| x.column(0).iter().map(|v| 100.0 * v).collect();
        let result = permutation_importance_r2(
            &predict,
            x.view(),
            &y,
            &groups(),
            &PermutationParams::new(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(result[0].name, "signal");
        assert!((result[0].mean_drop - 2.0).abs() < 0.2, "{result:?}");
        assert_eq!((result[1].mean_drop, result[1].std_drop), (0.0, 0.0));
        let sampled = PermutationParams {
            max_rows: 200,
            ..PermutationParams::new()
        };
        let a = permutation_importance_r2(&predict, x.view(), &y, &groups(), &sampled, &mut |_| {})
            .unwrap();
        let b = permutation_importance_r2(&predict, x.view(), &y, &groups(), &sampled, &mut |_| {})
            .unwrap();
        assert_eq!(a, b);
        assert_ne!(a[0].mean_drop, result[0].mean_drop);
        let mut bad = y.clone();
        bad[3] = f64::NAN;
        assert_eq!(
            permutation_importance_r2(&predict, x.view(), &bad, &groups(), &sampled, &mut |_| {}),
            Err(EvalError::NonFiniteActual { row: 3 })
        );
    }

    /// Scores by column 2, minus a penalty whenever columns 0 and 1 differ.
    struct NeedsEqualPair;

    impl Classifier for NeedsEqualPair {
        fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
            x.rows()
                .into_iter()
                .map(|r| r[2] - 10.0 * (r[0] - r[1]).abs())
                .collect()
        }
    }

    #[test]
    fn a_group_is_shuffled_with_one_permutation() {
        // Columns 0 and 1 are equal in every row: shuffled together they stay equal and the
        // model's scores do not change; shuffled apart they would differ and ruin the ranking.
        let (x2, y) = data(500);
        let x = Array2::from_shape_fn((500, 3), |(i, j)| match j {
            0 | 1 => noise(i, 9),
            _ => x2[[i, 0]],
        });
        let pair = [FeatureGroup {
            name: "pair".into(),
            columns: vec![0, 1],
        }];
        let params = PermutationParams::new();
        let joint =
            permutation_importance(&NeedsEqualPair, x.view(), &y, &pair, &params, &mut |_| {})
                .unwrap();
        assert_eq!(joint[0].mean_drop, 0.0);
        let apart = [
            FeatureGroup {
                name: "first".into(),
                columns: vec![0],
            },
            FeatureGroup {
                name: "second".into(),
                columns: vec![1],
            },
        ];
        let single =
            permutation_importance(&NeedsEqualPair, x.view(), &y, &apart, &params, &mut |_| {})
                .unwrap();
        assert!(single.iter().all(|i| i.mean_drop > 0.1), "{single:?}");
    }

    #[test]
    fn large_data_is_sampled_stratified_and_seeded() {
        let (_, y) = data(20_000);
        let mut rng = Xoshiro256Plus::seed_from_u64(3);
        let rows = stratified_rows(&y, 1000, &mut rng).unwrap();
        assert_eq!(rows.len(), 1000);
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        let share =
            |rows: &[usize]| rows.iter().filter(|&&r| y[r]).count() as f64 / rows.len() as f64;
        let all: Vec<usize> = (0..y.len()).collect();
        assert!((share(&rows) - share(&all)).abs() < 0.001);
        let mut again = Xoshiro256Plus::seed_from_u64(3);
        assert_eq!(rows, stratified_rows(&y, 1000, &mut again).unwrap());
    }

    #[test]
    fn same_seed_same_numbers_and_progress_reaches_one() {
        let (x, y) = data(8000);
        let params = PermutationParams {
            max_rows: 2000,
            ..PermutationParams::new()
        };
        let mut seen = Vec::new();
        let a = permutation_importance(
            &ColumnScore(0),
            x.view(),
            &y,
            &groups(),
            &params,
            &mut |p| seen.push(p),
        )
        .unwrap();
        let b = permutation_importance(
            &ColumnScore(0),
            x.view(),
            &y,
            &groups(),
            &params,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(seen.first(), Some(&0.0));
        assert_eq!(seen.last(), Some(&1.0));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
        assert!(a[0].std_drop > 0.0);
    }

    /// Returns one probability too few.
    struct ShortModel;

    impl Classifier for ShortModel {
        fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
            vec![0.5; x.nrows().saturating_sub(1)]
        }
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (mut x, y) = data(100);
        let params = PermutationParams::new();
        let run =
            |model: &dyn Classifier, x: ArrayView2<'_, f64>, y: &[bool], g: &[FeatureGroup]| {
                permutation_importance(model, x, y, g, &params, &mut |_| {})
            };
        let model = ColumnScore(0);
        assert_eq!(
            run(&model, x.view(), &y[..99], &groups()),
            Err(EvalError::FeatureRows {
                rows: 100,
                labels: 99
            })
        );
        let empty = [FeatureGroup {
            name: "segment".into(),
            columns: vec![],
        }];
        assert!(matches!(
            run(&model, x.view(), &y, &empty),
            Err(EvalError::EmptyGroup { .. })
        ));
        let outside = [FeatureGroup {
            name: "age".into(),
            columns: vec![2],
        }];
        assert_eq!(
            run(&model, x.view(), &y, &outside),
            Err(EvalError::NoSuchColumn {
                name: "age".into(),
                column: 2,
                columns: 2
            })
        );
        assert_eq!(
            run(&model, x.view(), &[true; 100], &groups()),
            Err(EvalError::NoNegatives { rows: 100 })
        );
        assert_eq!(
            run(&ShortModel, x.view(), &y, &groups()),
            Err(EvalError::ModelOutput { rows: 100, got: 99 })
        );
        x[[7, 1]] = f64::NAN;
        assert_eq!(
            run(&model, x.view(), &y, &groups()),
            Err(EvalError::NonFiniteFeature { row: 7, column: 1 })
        );
        let no_repeats = PermutationParams {
            repeats: 0,
            ..PermutationParams::new()
        };
        assert_eq!(no_repeats.check(), Err(EvalError::Repeats));
    }
}
