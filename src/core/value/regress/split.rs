//! scikit-learn's unstratified splits, reproduced exactly so the Value step holds out the very
//! customers scikit-learn holds out for the same seed (NumPy's generator:
//! [`Mt19937`](crate::core::predict::numpy_rng::Mt19937)):
//!
//! - [`holdout`] = `train_test_split(rows, test_size=test_fraction, random_state=seed)`
//!   (`ShuffleSplit`): `n_test = ⌈test_fraction · n⌉`, the first `n_test` of
//!   `RandomState(seed).permutation(n)` are the test part, the next `n − n_test` the training part;
//! - [`kfold`] = `KFold(k, shuffle=True, random_state=seed)` on rows `0..n`: the rows shuffled by
//!   `RandomState(seed).shuffle`, then cut into `k` consecutive folds, the first `n mod k` one
//!   row larger.
//!
//! Both return sorted row positions ([`Split`], [`Fold`], as Predict's stratified splits), so
//! scikit-learn's folds over the training part are `KFold(…).split(X_train.sort_index())`.
//! Pure Rust: no web-sys; never panics (impossible requests are [`SplitError`]s).

use crate::core::predict::numpy_rng::Mt19937;
pub use crate::core::predict::split::{Fold, Split, SplitError};

/// The test part and the training part of `n` rows, as scikit-learn's `train_test_split`
/// without stratification. Both parts need at least one row.
pub fn holdout(n: usize, test_fraction: f64, seed: u64) -> Result<Split, SplitError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(SplitError::TestFraction(test_fraction));
    }
    if n == 0 {
        return Err(SplitError::Empty);
    }
    let n_test = (test_fraction * n as f64).ceil() as usize;
    if n_test >= n {
        return Err(SplitError::TestFraction(test_fraction));
    }
    let permutation = Mt19937::new(seed).permutation(n);
    let (test, train) = permutation.split_at(n_test);
    let mut test = test.to_vec();
    let mut train = train.to_vec();
    test.sort_unstable();
    train.sort_unstable();
    Ok(Split { train, test })
}

/// `k` folds of rows `0..n`, as scikit-learn's shuffled `KFold`. Needs `2 ≤ k ≤ n`.
pub fn kfold(n: usize, k: usize, seed: u64) -> Result<Vec<Fold>, SplitError> {
    if k < 2 {
        return Err(SplitError::TooFewFolds { k });
    }
    if n == 0 {
        return Err(SplitError::Empty);
    }
    if k > n {
        return Err(SplitError::MoreFoldsThanRows { rows: n, k });
    }
    let order = Mt19937::new(seed).permutation(n);
    let mut fold_of = vec![0usize; n];
    let mut start = 0;
    for fold in 0..k {
        let size = n / k + usize::from(fold < n % k);
        for &row in order.get(start..start + size).unwrap_or(&[]) {
            if let Some(slot) = fold_of.get_mut(row) {
                *slot = fold;
            }
        }
        start += size;
    }
    Ok((0..k)
        .map(|fold| {
            let (valid, train): (Vec<usize>, Vec<usize>) =
                (0..n).partition(|&row| fold_of.get(row) == Some(&fold));
            Fold { train, valid }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    // scikit-learn 1.9.1:
    //   train_test_split(np.arange(23), test_size=0.2, random_state=42)[1]
    //     = [15, 9, 0, 8, 17]
    //   [list(t) for _, t in KFold(5, shuffle=True, random_state=42).split(np.zeros(23))]
    //     = [[0, 8, 9, 15, 17], [1, 2, 5, 12, 13], [3, 4, 11, 18, 20], [7, 16, 21, 22],
    //        [6, 10, 14, 19]]
    //   train_test_split(np.arange(3370), test_size=0.2, random_state=42)[1][:5]
    //     = [3206, 2998, 2642, 139, 2649] (674 rows)
    #[test]
    fn splits_match_scikit_learn() {
        let split = holdout(23, 0.2, 42).unwrap();
        assert_eq!(split.test, vec![0, 8, 9, 15, 17]);
        assert_eq!(split.train.len(), 18);
        let folds = kfold(23, 5, 42).unwrap();
        let valid: Vec<Vec<usize>> = folds.iter().map(|f| f.valid.clone()).collect();
        assert_eq!(
            valid,
            vec![
                vec![0, 8, 9, 15, 17],
                vec![1, 2, 5, 12, 13],
                vec![3, 4, 11, 18, 20],
                vec![7, 16, 21, 22],
                vec![6, 10, 14, 19],
            ]
        );
        for fold in &folds {
            assert_eq!(fold.train.len() + fold.valid.len(), 23);
            assert!(fold.train.iter().all(|r| !fold.valid.contains(r)));
        }
        let big = holdout(3370, 0.2, 42).unwrap();
        assert_eq!(big.test.len(), 674);
        for row in [3206, 2998, 2642, 139, 2649] {
            assert!(big.test.contains(&row));
        }
    }

    #[test]
    fn impossible_splits_are_errors() {
        assert_eq!(holdout(10, 0.0, 1), Err(SplitError::TestFraction(0.0)));
        assert_eq!(holdout(0, 0.2, 1), Err(SplitError::Empty));
        // ⌈0.99 · 3⌉ = 3: nothing left to train on.
        assert_eq!(holdout(3, 0.99, 1), Err(SplitError::TestFraction(0.99)));
        assert_eq!(kfold(10, 1, 1), Err(SplitError::TooFewFolds { k: 1 }));
        assert_eq!(
            kfold(3, 5, 1),
            Err(SplitError::MoreFoldsThanRows { rows: 3, k: 5 })
        );
    }
}
