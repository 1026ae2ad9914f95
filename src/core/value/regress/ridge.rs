//! Ridge regression in closed form, `RidgeParams → check → fit(x, y) → Ridge → predict`:
//! scikit-learn's `Ridge(alpha)` with an intercept. The columns and the target are centred on
//! the training rows, `(XᵀX + αI) w = Xᵀy` is solved by Cholesky (`d × d`, d = the matrix
//! columns: a few dozen), and the intercept is `ȳ − x̄ᵀw`, so the intercept is not shrunk.
//! Fed the design's standardised columns this is `make_pipeline(StandardScaler(), Ridge(1))`
//! (test R² 0.2036 on Online Retail, as scikit-learn: `tests/value_supervised.rs`).
//!
//! Why not smartcore's `RidgeRegression` (the design card's crate), measured with smartcore
//! 0.7.0 on 2026-12-07: its coefficients equal these to 1e-13 on standardised data, but
//! - without its own `normalize` it fits no intercept at all, and with it it re-standardises
//!   every column, one-hot 0/1 columns included (another model than scikit-learn's on the
//!   design matrix), and refuses a constant column ("Cannot rescale constant column"): a one-hot
//!   level missing from a cross-validation fold's training rows would fail the fit;
//! - it refuses fewer rows than columns;
//! - it costs 30 KB of wasm (74 KB against 44 KB for a probe fitting one ridge, `wasm-opt -Oz`;
//!   +13 KB gzipped) and brings rand 0.10, num and ordered-float besides our rand 0.8.
//!
//! The closed form here is 40 lines of ndarray. Pure Rust: no web-sys; never panics on user
//! data.

use ndarray::{Array1, Array2, ArrayView2, Axis};

use super::Regressor;
use crate::core::predict::inputs::{check_regression_data, DataError, FeatureColumns};

/// The ridge cannot be fitted; the message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RidgeError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("The ridge penalty must be a number of at least 0 (got {0}); 1 is usual.")]
    Alpha(f64),
    #[error(
        "The columns are linearly dependent, so without a penalty the fit has no single \
         answer: use a ridge penalty above 0."
    )]
    Singular,
}

/// What the user asked the ridge to do.
#[derive(Debug, Clone, PartialEq)]
pub struct RidgeParams {
    /// The L2 penalty on the coefficients (scikit-learn's `alpha`), at least 0.
    pub alpha: f64,
}

impl Default for RidgeParams {
    fn default() -> Self {
        RidgeParams::new()
    }
}

impl RidgeParams {
    /// scikit-learn's default penalty.
    pub const DEFAULT_ALPHA: f64 = 1.0;

    pub fn new() -> RidgeParams {
        RidgeParams {
            alpha: Self::DEFAULT_ALPHA,
        }
    }

    /// Reject impossible settings before any work.
    pub fn check(&self) -> Result<(), RidgeError> {
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(RidgeError::Alpha(self.alpha));
        }
        Ok(())
    }

    /// Fit on `x` (finite numbers; no column is fine: the intercept alone) and `y` (finite).
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &[f64]) -> Result<Ridge, RidgeError> {
        self.check()?;
        check_regression_data(x, y, None, FeatureColumns::Optional)?;
        let (n, d) = x.dim();
        let x_mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let y_mean = y.iter().sum::<f64>() / n as f64;
        let centred = &x - &x_mean;
        let y_centred: Array1<f64> = y.iter().map(|v| v - y_mean).collect();
        let mut gram = centred.t().dot(&centred);
        for i in 0..d {
            gram[[i, i]] += self.alpha;
        }
        let rhs = centred.t().dot(&y_centred);
        let coefficients = cholesky_solve(gram, rhs.to_vec()).ok_or(RidgeError::Singular)?;
        let intercept = y_mean
            - coefficients
                .iter()
                .zip(x_mean.iter())
                .map(|(w, m)| w * m)
                .sum::<f64>();
        Ok(Ridge {
            coefficients,
            intercept,
        })
    }
}

/// Solve `a · w = b` for a symmetric positive definite `a` (`None` when it is not: a pivot at
/// or below 1e-12 of the largest diagonal entry). A column with no variance and a zero penalty
/// gets a zero pivot; with a penalty above 0 every pivot is positive.
fn cholesky_solve(a: Array2<f64>, b: Vec<f64>) -> Option<Vec<f64>> {
    let d = b.len();
    let scale = (0..d).map(|i| a[[i, i]].abs()).fold(0.0, f64::max);
    let mut l = Array2::<f64>::zeros((d, d));
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            if i == j {
                // Not positive enough, or NaN: not positive definite.
                if s.is_nan() || s <= 1e-12 * scale {
                    return None;
                }
                l[[i, i]] = s.sqrt();
            } else {
                l[[i, j]] = s / l[[j, j]];
            }
        }
    }
    let mut z = vec![0.0; d];
    for i in 0..d {
        let s = b[i] - (0..i).map(|k| l[[i, k]] * z[k]).sum::<f64>();
        z[i] = s / l[[i, i]];
    }
    let mut w = vec![0.0; d];
    for i in (0..d).rev() {
        let s = z[i] - (i + 1..d).map(|k| l[[k, i]] * w[k]).sum::<f64>();
        w[i] = s / l[[i, i]];
    }
    w.iter().all(|v| v.is_finite()).then_some(w)
}

/// A fitted ridge: `ŷ = intercept + Σ coefficient_j · x_j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ridge {
    coefficients: Vec<f64>,
    intercept: f64,
}

impl Ridge {
    /// One coefficient per matrix column (in the unit of the column as given: per standard
    /// deviation for standardised columns).
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    pub fn intercept(&self) -> f64 {
        self.intercept
    }
}

impl Regressor for Ridge {
    /// `x` must have the fitted columns (a missing one counts as 0).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        x.rows()
            .into_iter()
            .map(|row| {
                self.intercept
                    + self
                        .coefficients
                        .iter()
                        .zip(row.iter())
                        .map(|(w, v)| w * v)
                        .sum::<f64>()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    // scikit-learn 1.9.1: Ridge(alpha=1).fit(X, y) with
    //   X = [[1, 2], [2, 1], [3, 4], [4, 3], [5, 7]], y = [3, 4, 8, 9, 15]
    //   coef_ = [1.4670658682634727, 1.0718562874251496], intercept_ = -0.2455089820359282
    #[test]
    fn matches_scikit_learn() {
        let x = array![[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [5.0, 7.0]];
        let y = [3.0, 4.0, 8.0, 9.0, 15.0];
        let model = RidgeParams::new().fit(x.view(), &y).unwrap();
        let want = [1.467_065_868_263_472_7, 1.071_856_287_425_149_6];
        for (w, want) in model.coefficients().iter().zip(want) {
            assert!((w - want).abs() < 1e-9, "{w} vs {want}");
        }
        assert!((model.intercept() - (-0.245_508_982_035_928_2)).abs() < 1e-9);
        let p = model.predict(array![[0.0, 0.0], [1.0, 1.0]].view());
        assert!((p[1] - p[0] - (want[0] + want[1])).abs() < 1e-9);
    }

    #[test]
    fn a_constant_column_gets_no_weight_and_no_column_gives_the_mean() {
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let model = RidgeParams::new().fit(x.view(), &[1.0, 2.0, 4.0]).unwrap();
        assert_eq!(model.coefficients()[1], 0.0);
        let none = RidgeParams::new()
            .fit(Array2::zeros((3, 0)).view(), &[1.0, 2.0, 6.0])
            .unwrap();
        assert_eq!(none.predict(Array2::zeros((2, 0)).view()), vec![3.0, 3.0]);
    }

    #[test]
    fn bad_settings_and_data_are_errors() {
        let x = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let y = [1.0, 2.0, 3.0];
        assert_eq!(
            RidgeParams { alpha: -1.0 }.fit(x.view(), &y).unwrap_err(),
            RidgeError::Alpha(-1.0)
        );
        // Column 1 = 2 × column 0: no single least-squares answer without a penalty.
        assert_eq!(
            RidgeParams { alpha: 0.0 }.fit(x.view(), &y).unwrap_err(),
            RidgeError::Singular
        );
        assert!(RidgeParams::new().fit(x.view(), &y).is_ok());
        assert!(matches!(
            RidgeParams::new().fit(x.view(), &[1.0, f64::NAN, 3.0]),
            Err(RidgeError::Data(DataError::NonFiniteTarget { row: 1, .. }))
        ));
    }
}
