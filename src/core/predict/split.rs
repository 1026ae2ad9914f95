//! Stratified, seeded splits of the rows for honest evaluation: one train/test split and
//! k-fold cross-validation, both keeping the share of positive rows of the whole data.
//!
//! - [`stratified_split`]: exactly scikit-learn's `train_test_split(stratify=y, test_size,
//!   random_state=seed)` (NumPy's generator reproduced in [`super::numpy_rng`]), so the same seed
//!   holds out the same customers in Custos and in scikit-learn and their test scores compare
//!   directly. Where scikit-learn would leave a part without one class (tiny data), the rows of
//!   each class are shuffled (seeded Xoshiro256+) and the first `round(test_fraction × class
//!   size)` of each class (at least one) go to the test part.
//! - [`stratified_kfold`]: the shuffled rows of the negative class, then those of the positive
//!   class, are dealt round-robin to the folds (the order scikit-learn's `StratifiedKFold` uses to
//!   size its folds), so fold sizes and the class counts in each fold differ by at most one.
//!
//! Indices are row positions in the `y` given, sorted ascending. Same `y` and seed → same split.
//! Pure Rust: no web-sys; never panics on user data (impossible requests are [`SplitError`]s).

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use crate::core::predict::numpy_rng::sklearn_stratified_split;

/// A train/test split: row positions, sorted, disjoint, together every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// One cross-validation fold: row positions, sorted, disjoint, together every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub train: Vec<usize>,
    pub valid: Vec<usize>,
}

/// The rows cannot be split as asked; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error("there are no rows to split: load data with at least a few customers of each class")]
    Empty,
    #[error(
        "every row has the same target value ({count} rows, none of the other class): a model \
         needs both classes, so choose another target column or positive value"
    )]
    SingleClass { count: usize },
    #[error(
        "the test share must be more than 0 and less than 1 (got {0}): 0.2 keeps a fifth of the \
         rows for testing"
    )]
    TestFraction(f64),
    #[error("cross-validation needs at least 2 folds (got {k}): 5 is usual")]
    TooFewFolds { k: usize },
    #[error(
        "the minority class has {minority} rows but {k} folds were asked for: use at most \
         {minority} folds or a target with more rows of that class"
    )]
    MoreFoldsThanMinorityRows { minority: usize, k: usize },
    #[error(
        "there are {rows} customers but {k} cross-validation folds were asked for: use at most \
         {rows} folds"
    )]
    MoreFoldsThanRows { rows: usize, k: usize },
    #[error(
        "the minority class has only {minority} row: a train/test split needs at least 2 rows of \
         each class (one for training, one for testing); choose a target with more rows of that \
         class"
    )]
    MinorityTooSmallToSplit { minority: usize },
}

/// Row positions of the negative and of the positive class, each shuffled with `rng`.
fn shuffled_classes(y: &[bool], rng: &mut Xoshiro256Plus) -> Result<[Vec<usize>; 2], SplitError> {
    if y.is_empty() {
        return Err(SplitError::Empty);
    }
    let (mut positive, mut negative) = (Vec::new(), Vec::new());
    for (row, &label) in y.iter().enumerate() {
        if label {
            positive.push(row);
        } else {
            negative.push(row);
        }
    }
    if positive.is_empty() || negative.is_empty() {
        return Err(SplitError::SingleClass { count: y.len() });
    }
    negative.shuffle(rng);
    positive.shuffle(rng);
    Ok([negative, positive])
}

/// Split the rows into a training and a test part, each keeping the class ratio of `y` (see
/// the module documentation). `test_fraction` is the share of rows kept for testing, in (0, 1).
pub fn stratified_split(y: &[bool], test_fraction: f64, seed: u64) -> Result<Split, SplitError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(SplitError::TestFraction(test_fraction));
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let classes = shuffled_classes(y, &mut rng)?;
    let minority = classes.iter().map(Vec::len).min().unwrap_or(0);
    if minority < 2 {
        return Err(SplitError::MinorityTooSmallToSplit { minority });
    }
    // scikit-learn's own draw when it can make one: the same customers held out as
    // `train_test_split(…, stratify=y, random_state=seed)`.
    if let Some((train, test)) = sklearn_stratified_split(y, test_fraction, seed) {
        let has_both = |part: &[usize]| {
            part.iter().any(|&r| y.get(r) == Some(&true))
                && part.iter().any(|&r| y.get(r) == Some(&false))
        };
        if has_both(&train) && has_both(&test) {
            return Ok(Split { train, test });
        }
    }
    let mut train = Vec::with_capacity(y.len());
    let mut test = Vec::with_capacity(y.len());
    for class in &classes {
        let size = class.len();
        let n_test = ((test_fraction * size as f64).round() as usize).clamp(1, size - 1);
        let (class_test, class_train) = class.split_at(n_test);
        test.extend_from_slice(class_test);
        train.extend_from_slice(class_train);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok(Split { train, test })
}

/// `k` cross-validation folds: every row is in exactly one validation part, and each fold keeps
/// the class ratio of `y` (see the module documentation). Needs `2 ≤ k ≤` rows of the minority
/// class.
pub fn stratified_kfold(y: &[bool], k: usize, seed: u64) -> Result<Vec<Fold>, SplitError> {
    if k < 2 {
        return Err(SplitError::TooFewFolds { k });
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let classes = shuffled_classes(y, &mut rng)?;
    let minority = classes.iter().map(Vec::len).min().unwrap_or(0);
    if minority < k {
        return Err(SplitError::MoreFoldsThanMinorityRows { minority, k });
    }
    let mut fold_of = vec![0usize; y.len()];
    for (position, &row) in classes.iter().flatten().enumerate() {
        fold_of[row] = position % k;
    }
    let folds = (0..k)
        .map(|fold| {
            let (valid, train): (Vec<usize>, Vec<usize>) =
                (0..y.len()).partition(|&row| fold_of.get(row) == Some(&fold));
            Fold { train, valid }
        })
        .collect();
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n_pos` positives spread among `n` rows (every `n / n_pos`-th row).
    fn labels(n: usize, n_pos: usize) -> Vec<bool> {
        let mut y = vec![false; n];
        for i in 0..n_pos {
            y[i * n / n_pos] = true;
        }
        y
    }

    fn positives(y: &[bool], rows: &[usize]) -> usize {
        rows.iter().filter(|&&i| y[i]).count()
    }

    fn is_sorted_partition(n: usize, a: &[usize], b: &[usize]) -> bool {
        let mut all: Vec<usize> = a.iter().chain(b).copied().collect();
        all.sort_unstable();
        a.windows(2).all(|w| w[0] < w[1])
            && b.windows(2).all(|w| w[0] < w[1])
            && all == (0..n).collect::<Vec<_>>()
    }

    #[test]
    fn split_keeps_the_class_ratio_on_each_side() {
        let y = labels(1000, 137);
        let split = stratified_split(&y, 0.2, 7).unwrap();
        // round(0.2 × 137) = 27 positives and round(0.2 × 863) = 173 negatives in the test part.
        assert_eq!(positives(&y, &split.test), 27);
        assert_eq!(split.test.len(), 200);
        assert_eq!(positives(&y, &split.train), 110);
        assert_eq!(split.train.len(), 800);
    }

    #[test]
    fn split_parts_are_sorted_disjoint_and_cover_every_row() {
        let y = labels(503, 61);
        let split = stratified_split(&y, 0.3, 1).unwrap();
        assert!(is_sorted_partition(503, &split.train, &split.test));
    }

    #[test]
    fn split_is_deterministic_for_a_seed_and_varies_with_it() {
        let y = labels(400, 50);
        let a = stratified_split(&y, 0.25, 42).unwrap();
        assert_eq!(a, stratified_split(&y, 0.25, 42).unwrap());
        assert_ne!(a, stratified_split(&y, 0.25, 43).unwrap());
    }

    #[test]
    fn split_keeps_one_row_of_each_class_on_each_side() {
        // 0.01 × 3 rounds to 0 and 0.99 × 3 to 3: both are pulled back to one row.
        let y = labels(300, 3);
        let small = stratified_split(&y, 0.01, 0).unwrap();
        assert_eq!(positives(&y, &small.test), 1);
        let large = stratified_split(&y, 0.99, 0).unwrap();
        assert_eq!(positives(&y, &large.train), 1);
    }

    #[test]
    fn split_rejects_bad_fractions_and_bad_targets() {
        let y = labels(100, 10);
        for fraction in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(matches!(
                stratified_split(&y, fraction, 0),
                Err(SplitError::TestFraction(_))
            ));
        }
        assert_eq!(stratified_split(&[], 0.2, 0), Err(SplitError::Empty));
        assert_eq!(
            stratified_split(&[true; 5], 0.2, 0),
            Err(SplitError::SingleClass { count: 5 })
        );
        assert_eq!(
            stratified_split(&labels(10, 1), 0.2, 0),
            Err(SplitError::MinorityTooSmallToSplit { minority: 1 })
        );
    }

    #[test]
    fn kfold_puts_every_row_in_exactly_one_validation_fold() {
        let y = labels(103, 17);
        let folds = stratified_kfold(&y, 5, 3).unwrap();
        assert_eq!(folds.len(), 5);
        let mut seen = vec![0; 103];
        for fold in &folds {
            assert!(is_sorted_partition(103, &fold.train, &fold.valid));
            for &i in &fold.valid {
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&count| count == 1));
    }

    #[test]
    fn kfold_keeps_the_class_ratio_in_every_fold() {
        let y = labels(103, 17);
        let folds = stratified_kfold(&y, 5, 3).unwrap();
        for fold in &folds {
            // 17 positives over 5 folds: 3 or 4; 103 rows: 20 or 21.
            assert!((3..=4).contains(&positives(&y, &fold.valid)));
            assert!((20..=21).contains(&fold.valid.len()));
        }
    }

    #[test]
    fn kfold_is_deterministic_for_a_seed_and_varies_with_it() {
        let y = labels(200, 40);
        let a = stratified_kfold(&y, 4, 9).unwrap();
        assert_eq!(a, stratified_kfold(&y, 4, 9).unwrap());
        assert_ne!(a, stratified_kfold(&y, 4, 10).unwrap());
    }

    #[test]
    fn kfold_rejects_too_few_folds_and_more_folds_than_minority_rows() {
        let y = labels(100, 3);
        assert_eq!(
            stratified_kfold(&y, 1, 0),
            Err(SplitError::TooFewFolds { k: 1 })
        );
        let err = stratified_kfold(&y, 5, 0).unwrap_err();
        assert_eq!(
            err,
            SplitError::MoreFoldsThanMinorityRows { minority: 3, k: 5 }
        );
        assert!(err
            .to_string()
            .starts_with("the minority class has 3 rows but 5 folds were asked for"));
        assert!(stratified_kfold(&y, 3, 0).is_ok());
        assert_eq!(stratified_kfold(&[], 5, 0), Err(SplitError::Empty));
        assert_eq!(
            stratified_kfold(&[false; 8], 2, 0),
            Err(SplitError::SingleClass { count: 8 })
        );
    }
}
