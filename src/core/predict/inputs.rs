//! The checks every Predict fit makes of its training data, in one place: rows present, one
//! target value per row, every cell a finite number, sample weights of the right length, finite
//! and at least 0 (not all 0, with a finite sum), and both classes among the rows that count.
//!
//! Logistic regression, SMOTE and the tree engine (decision tree, random forest, gradient
//! boosting) call [`check_training_data`] first (the Value step's regressors call
//! [`check_regression_data`]: the same checks, with a finite target instead of two classes) and wrap a refusal in their own error type
//! (`#[error(transparent)] Data(#[from] DataError)`), so the same bad data gets the same message
//! whichever model meets it. The checks run in a fixed order, cheapest and most basic first:
//! target length, rows, feature columns (when the model needs them), finite cells, weights,
//! classes.
//!
//! Pure Rust: no web-sys; depends on no model (the models depend on it); never panics.

use ndarray::ArrayView2;

/// The training data cannot be used as given; the message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error(
        "the feature matrix has {rows} rows but the target has {labels} values: give one target \
         value per row"
    )]
    TargetLength { rows: usize, labels: usize },
    #[error("there are no rows to train on: choose data with customers of both classes")]
    Empty,
    /// `row` counts from 0; the message counts from 1 (regression only).
    #[error(
        "the target of row {} is {value}, not a finite number: leave customers without a \
         value out of training",
        .row + 1
    )]
    NonFiniteTarget { row: usize, value: f64 },
    #[error("there are no feature columns to train on: choose at least one feature")]
    NoFeatures,
    /// `row` and `column` count from 0; the message counts from 1.
    #[error(
        "row {}, column {} of the feature matrix is missing or not a finite number: impute \
         missing values before training",
        .row + 1,
        .column + 1
    )]
    NonFinite { row: usize, column: usize },
    #[error("there are {weights} sample weights for {rows} rows: give one weight per row")]
    WeightsLength { rows: usize, weights: usize },
    /// `row` counts from 0; the message counts from 1.
    #[error(
        "the sample weight of row {} is {value}: sample weights must be finite numbers of 0 or \
         more",
        .row + 1
    )]
    BadWeight { row: usize, value: f64 },
    #[error("every sample weight is 0: give at least one row of each class a positive weight")]
    ZeroWeights,
    #[error("the sample weights add up to more than a number can hold: scale them down")]
    WeightSum,
    /// `class` is "positive" or "negative" until [`DataError::with_class_names`] names it as the
    /// user knows it; `weighted` when rows with a weight of 0 were left out of the count.
    #[error(
        "every training row{} has the same target value ('{class}'): a model needs customers of \
         both classes, so choose another target column or positive value",
        if *.weighted { " with a weight above 0" } else { "" }
    )]
    OneClass { class: String, weighted: bool },
}

/// Whether a model can be fitted without feature columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureColumns {
    /// At least one column (a tree has nothing to split on without one).
    Required,
    /// None is fine (logistic regression then fits the intercept alone; SMOTE copies empty rows).
    Optional,
}

/// "positive" or "negative": how an error names a class until the caller renames it.
pub(crate) fn class_name(positive: bool) -> String {
    if positive { "positive" } else { "negative" }.to_string()
}

/// `class` ("positive", "negative" or already a name) as the user knows it.
pub(crate) fn rename_class(class: String, positive: &str, negative: &str) -> String {
    match class.as_str() {
        "positive" => positive.to_string(),
        "negative" => negative.to_string(),
        _ => class,
    }
}

impl DataError {
    /// Every row that counts is of class `positive` (`weighted`: rows with weight 0 do not count).
    pub fn one_class(positive: bool, weighted: bool) -> DataError {
        DataError::OneClass {
            class: class_name(positive),
            weighted,
        }
    }

    /// The same error with the classes named as the user knows them (e.g. "yes" / "no") instead
    /// of "positive" / "negative".
    pub fn with_class_names(self, positive: &str, negative: &str) -> DataError {
        match self {
            DataError::OneClass { class, weighted } => DataError::OneClass {
                class: rename_class(class, positive, negative),
                weighted,
            },
            other => other,
        }
    }
}

/// Check the training data of a fit (see the module documentation for the order): `x` has one
/// row per customer, `y` one target value per row, `weights` (optional) one sample weight per
/// row.
pub fn check_training_data(
    x: ArrayView2<'_, f64>,
    y: &[bool],
    weights: Option<&[f64]>,
    columns: FeatureColumns,
) -> Result<(), DataError> {
    check_rows(x, y.len(), weights, columns)?;
    let counts = |i: usize| weights.and_then(|w| w.get(i)).is_none_or(|&v| v > 0.0);
    let mut seen = [false; 2];
    for (i, &label) in y.iter().enumerate() {
        if counts(i) {
            seen[usize::from(label)] = true;
        }
    }
    if !(seen[0] && seen[1]) {
        return Err(DataError::one_class(seen[1], weights.is_some()));
    }
    Ok(())
}

/// [`check_training_data`] for a real-valued target (the Value step's regressors): the same
/// checks in the same order, then every target value finite (instead of both classes).
pub fn check_regression_data(
    x: ArrayView2<'_, f64>,
    y: &[f64],
    weights: Option<&[f64]>,
    columns: FeatureColumns,
) -> Result<(), DataError> {
    check_rows(x, y.len(), weights, columns)?;
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(DataError::NonFiniteTarget { row, value });
    }
    Ok(())
}

/// The checks before the target's own: lengths, rows, columns, finite cells, weights.
fn check_rows(
    x: ArrayView2<'_, f64>,
    n_targets: usize,
    weights: Option<&[f64]>,
    columns: FeatureColumns,
) -> Result<(), DataError> {
    let (n, d) = x.dim();
    if n_targets != n {
        return Err(DataError::TargetLength {
            rows: n,
            labels: n_targets,
        });
    }
    if n == 0 {
        return Err(DataError::Empty);
    }
    if d == 0 && columns == FeatureColumns::Required {
        return Err(DataError::NoFeatures);
    }
    check_finite(x)?;
    if let Some(w) = weights {
        check_weights(w, n)?;
    }
    Ok(())
}

/// The first cell of `x` (row by row) that is not a finite number, as an error. One scan of
/// the memory when `x` is a contiguous row-major matrix, as the design step builds it.
pub fn check_finite(x: ArrayView2<'_, f64>) -> Result<(), DataError> {
    if let Some(xs) = x.as_slice() {
        return match xs.iter().position(|v| !v.is_finite()) {
            Some(at) => {
                let d = x.ncols().max(1);
                Err(DataError::NonFinite {
                    row: at / d,
                    column: at % d,
                })
            }
            None => Ok(()),
        };
    }
    for (row, values) in x.rows().into_iter().enumerate() {
        if let Some(column) = values.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite { row, column });
        }
    }
    Ok(())
}

/// `n` sample weights, each finite and at least 0, not all 0, with a finite sum.
fn check_weights(w: &[f64], n: usize) -> Result<(), DataError> {
    if w.len() != n {
        return Err(DataError::WeightsLength {
            rows: n,
            weights: w.len(),
        });
    }
    if let Some((row, &value)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(DataError::BadWeight { row, value });
    }
    if w.iter().all(|&v| v == 0.0) {
        return Err(DataError::ZeroWeights);
    }
    if !w.iter().sum::<f64>().is_finite() {
        return Err(DataError::WeightSum);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    fn check(x: &Array2<f64>, y: &[bool], w: Option<&[f64]>) -> Result<(), DataError> {
        check_training_data(x.view(), y, w, FeatureColumns::Required)
    }

    #[test]
    fn good_data_passes() {
        let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        assert_eq!(check(&x, &[true, false, true], None), Ok(()));
        assert_eq!(
            check(&x, &[true, false, true], Some(&[0.0, 2.0, 1.0])),
            Ok(())
        );
    }

    #[test]
    fn each_problem_is_named() {
        let x = array![[1.0], [2.0], [3.0]];
        let y = [true, false, true];
        assert_eq!(
            check(&x, &y[..2], None),
            Err(DataError::TargetLength { rows: 3, labels: 2 })
        );
        assert_eq!(
            check(&Array2::zeros((0, 2)), &[], None),
            Err(DataError::Empty)
        );
        assert_eq!(
            check(&Array2::zeros((3, 0)), &y, None),
            Err(DataError::NoFeatures)
        );
        assert_eq!(
            check(&array![[1.0], [f64::NAN], [3.0]], &y, None),
            Err(DataError::NonFinite { row: 1, column: 0 })
        );
        assert_eq!(
            check(&x, &y, Some(&[1.0; 2])),
            Err(DataError::WeightsLength {
                rows: 3,
                weights: 2
            })
        );
        assert_eq!(
            check(&x, &y, Some(&[1.0, -1.0, 1.0])),
            Err(DataError::BadWeight {
                row: 1,
                value: -1.0
            })
        );
        assert!(matches!(
            check(&x, &y, Some(&[1.0, f64::NAN, 1.0])),
            Err(DataError::BadWeight { row: 1, .. })
        ));
        assert_eq!(check(&x, &y, Some(&[0.0; 3])), Err(DataError::ZeroWeights));
        assert_eq!(
            check(&x, &y, Some(&[f64::MAX, f64::MAX, 1.0])),
            Err(DataError::WeightSum)
        );
        assert_eq!(
            check(&x, &[false; 3], None),
            Err(DataError::one_class(false, false))
        );
        // A class present only in rows of weight 0 does not count.
        assert_eq!(
            check(&x, &y, Some(&[1.0, 0.0, 1.0])),
            Err(DataError::one_class(true, true))
        );
    }

    #[test]
    fn a_real_target_must_be_finite_after_the_shared_checks() {
        let x = array![[1.0], [2.0], [3.0]];
        let check = |y: &[f64]| check_regression_data(x.view(), y, None, FeatureColumns::Required);
        assert_eq!(check(&[0.0, 0.0, 0.0]), Ok(()));
        assert_eq!(
            check(&[1.0, 2.0]),
            Err(DataError::TargetLength { rows: 3, labels: 2 })
        );
        assert_eq!(
            check(&[1.0, f64::INFINITY, f64::NAN]),
            Err(DataError::NonFiniteTarget {
                row: 1,
                value: f64::INFINITY
            })
        );
        assert!(DataError::NonFiniteTarget {
            row: 1,
            value: f64::INFINITY
        }
        .to_string()
        .starts_with("the target of row 2 is inf, not a finite number"));
    }

    #[test]
    fn columns_are_optional_when_the_model_says_so() {
        let x = Array2::zeros((2, 0));
        assert_eq!(
            check_training_data(x.view(), &[true, false], None, FeatureColumns::Optional),
            Ok(())
        );
    }

    #[test]
    fn the_more_basic_problem_is_reported_first() {
        // Wrong target length before no rows, non-finite cells before bad weights, bad weights
        // before one class.
        assert_eq!(
            check(&Array2::zeros((0, 1)), &[true], None),
            Err(DataError::TargetLength { rows: 0, labels: 1 })
        );
        let x = array![[f64::INFINITY], [2.0]];
        assert!(matches!(
            check(&x, &[true, true], Some(&[-1.0])),
            Err(DataError::NonFinite { .. })
        ));
        let x = array![[1.0], [2.0]];
        assert!(matches!(
            check(&x, &[true, true], Some(&[-1.0, 1.0])),
            Err(DataError::BadWeight { .. })
        ));
    }

    #[test]
    fn the_first_bad_cell_is_found_in_any_memory_layout() {
        let mut x = Array2::zeros((4, 3));
        x[[2, 1]] = f64::NAN;
        x[[3, 0]] = f64::NEG_INFINITY;
        let want = Err(DataError::NonFinite { row: 2, column: 1 });
        assert_eq!(check_finite(x.view()), want);
        // Column-major: not one row-major slice, scanned row by row.
        let transposed = x.t().to_owned();
        assert_eq!(check_finite(transposed.t()), want);
        assert_eq!(check_finite(x.view().slice(ndarray::s![.., ..2])), want);
        assert_eq!(check_finite(Array2::<f64>::zeros((3, 0)).view()), Ok(()));
    }

    #[test]
    fn messages_count_rows_from_one_and_name_the_classes() {
        assert_eq!(
            DataError::NonFinite { row: 0, column: 2 }.to_string(),
            "row 1, column 3 of the feature matrix is missing or not a finite number: impute \
             missing values before training"
        );
        assert_eq!(
            DataError::one_class(true, false)
                .with_class_names("yes", "no")
                .to_string(),
            "every training row has the same target value ('yes'): a model needs customers of \
             both classes, so choose another target column or positive value"
        );
        let weighted = DataError::one_class(false, true).to_string();
        assert!(
            weighted.starts_with("every training row with a weight above 0 has the same target"),
            "{weighted}"
        );
    }
}
