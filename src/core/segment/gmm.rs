//! Gaussian mixture segments with soft memberships.
//!
//! Each run is linfa-clustering's `GaussianMixtureModel` (EM, full covariance per component,
//! K-means initialisation, a port of scikit-learn's `GaussianMixture`), seeded. linfa's own
//! `n_runs` continues EM from the previous run instead of restarting, so the restarts are done
//! here: run `r` uses its own seed drawn from [`GmmParams::seed`], and the run with the highest
//! mean log-likelihood is kept (scikit-learn's `n_init`).
//!
//! Pure Rust: no web-sys.

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{GaussianMixtureModel, GmmCovarType, GmmError as LinfaGmmError};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use super::data::SegmentData;

/// Hyperparameters of a Gaussian mixture (covariance: full, one matrix per component).
#[derive(Debug, Clone, PartialEq)]
pub struct GmmParams {
    pub n_components: usize,
    /// EM restarts; the best log-likelihood is kept.
    pub n_runs: usize,
    /// EM stops when the mean log-likelihood gains less than this.
    pub tolerance: f64,
    pub max_iter: usize,
    /// Added to each covariance diagonal so no component collapses.
    pub reg_covariance: f64,
    pub seed: u64,
}

impl GmmParams {
    /// scikit-learn's defaults (tolerance 1e-3, 100 iterations, reg 1e-6), 3 restarts, seed 42.
    pub fn new(n_components: usize) -> GmmParams {
        GmmParams {
            n_components,
            n_runs: 3,
            tolerance: 1e-3,
            max_iter: 100,
            reg_covariance: 1e-6,
            seed: 42,
        }
    }
}

/// Invalid mixture hyperparameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GmmParamsError {
    #[error("A mixture needs at least 1 component.")]
    NoComponents,
    #[error("Runs must be at least 1.")]
    NoRuns,
    #[error("Tolerance must be a positive number (got {0}).")]
    Tolerance(f64),
    #[error("Maximum iterations must be at least 1.")]
    NoIterations,
    #[error("Covariance regularisation must be zero or positive (got {0}).")]
    RegCovariance(f64),
}

/// The mixture cannot be fitted on this data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GmmError {
    #[error(transparent)]
    Params(#[from] GmmParamsError),
    #[error(
        "{components} components need at least {components} customers with different values \
         (got {rows}): choose fewer components."
    )]
    TooManyComponents { components: usize, rows: usize },
    #[error("The feature matrix has a missing or infinite value in row {row}.")]
    NonFinite { row: usize },
    #[error(
        "The Gaussian mixture with {components} components could not be fitted: a component \
         collapsed onto too few or identical customers ({detail}). Try fewer components or \
         other features."
    )]
    Degenerate { components: usize, detail: String },
    #[error(
        "The Gaussian mixture did not settle within {max_iter} iterations: raise the maximum \
         iterations or the tolerance, or try fewer components."
    )]
    NotConverged { max_iter: usize },
    #[error("The points have {got} features; the model was fitted on {expected}.")]
    WrongDimension { got: usize, expected: usize },
}

/// A fitted mixture.
#[derive(Debug, Clone)]
pub struct GmmModel {
    model: GaussianMixtureModel<f64>,
    /// Most probable component of each row of the data.
    pub labels: Vec<usize>,
    /// `rows × components` posterior probabilities; each row sums to 1.
    pub memberships: Array2<f64>,
    /// Mean log-likelihood per customer of the kept run.
    pub mean_log_likelihood: f64,
}

impl GmmParams {
    /// Validate the hyperparameters.
    pub fn check(&self) -> Result<(), GmmParamsError> {
        if self.n_components == 0 {
            return Err(GmmParamsError::NoComponents);
        }
        if self.n_runs == 0 {
            return Err(GmmParamsError::NoRuns);
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(GmmParamsError::Tolerance(self.tolerance));
        }
        if self.max_iter == 0 {
            return Err(GmmParamsError::NoIterations);
        }
        if !(self.reg_covariance.is_finite() && self.reg_covariance >= 0.0) {
            return Err(GmmParamsError::RegCovariance(self.reg_covariance));
        }
        Ok(())
    }

    /// Fit the mixture to `data`, keeping the best of `n_runs` seeded runs.
    pub fn fit(&self, data: &SegmentData) -> Result<GmmModel, GmmError> {
        self.check()?;
        let matrix = data.matrix.view();
        let n = matrix.nrows();
        if let Some(row) = matrix
            .axis_iter(Axis(0))
            .position(|r| r.iter().any(|x| !x.is_finite()))
        {
            return Err(GmmError::NonFinite { row });
        }
        if n < self.n_components.max(2) || matrix.ncols() == 0 {
            return Err(GmmError::TooManyComponents {
                components: self.n_components,
                rows: n,
            });
        }
        let dataset = DatasetBase::from(matrix.to_owned());
        let mut seeds = Xoshiro256Plus::seed_from_u64(self.seed);
        let mut best: Option<(f64, GaussianMixtureModel<f64>)> = None;
        let mut first_error = None;
        for _ in 0..self.n_runs {
            let rng = Xoshiro256Plus::seed_from_u64(seeds.next_u64());
            let fitted = GaussianMixtureModel::params_with_rng(self.n_components, rng)
                .covariance_type(GmmCovarType::Full)
                .tolerance(self.tolerance)
                .reg_covariance(self.reg_covariance)
                .max_n_iterations(self.max_iter as u64)
                .n_runs(1)
                .fit(&dataset);
            match fitted {
                Ok(model) => {
                    let Some(ll) = mean_log_likelihood(&model, matrix) else {
                        first_error.get_or_insert(GmmError::Degenerate {
                            components: self.n_components,
                            detail: "a covariance is not positive definite".into(),
                        });
                        continue;
                    };
                    if best.as_ref().is_none_or(|(b, _)| ll > *b) {
                        best = Some((ll, model));
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(self.map_error(e));
                }
            }
        }
        let Some((mean_log_likelihood, model)) = best else {
            return Err(first_error.unwrap_or(GmmError::Degenerate {
                components: self.n_components,
                detail: "no run succeeded".into(),
            }));
        };
        let memberships = model.predict_proba(&matrix);
        if memberships.iter().any(|p| !p.is_finite()) {
            return Err(GmmError::Degenerate {
                components: self.n_components,
                detail: "memberships are not finite".into(),
            });
        }
        let labels = argmax_rows(memberships.view());
        Ok(GmmModel {
            model,
            labels,
            memberships,
            mean_log_likelihood,
        })
    }

    fn map_error(&self, e: LinfaGmmError) -> GmmError {
        match e {
            LinfaGmmError::NotConverged(_) => GmmError::NotConverged {
                max_iter: self.max_iter,
            },
            LinfaGmmError::EmptyCluster(_) => GmmError::Degenerate {
                components: self.n_components,
                detail: "a component lost all its customers".into(),
            },
            LinfaGmmError::LinalgError(_) => GmmError::Degenerate {
                components: self.n_components,
                detail: "a covariance is not positive definite".into(),
            },
            other => GmmError::Degenerate {
                components: self.n_components,
                detail: other.to_string(),
            },
        }
    }
}

impl GmmModel {
    pub fn n_components(&self) -> usize {
        self.model.weights().len()
    }

    /// Mixing weight of each component (sums to 1).
    pub fn weights(&self) -> ArrayView1<'_, f64> {
        self.model.weights().view()
    }

    /// Component means, `components × features`, in standardized units.
    pub fn means(&self) -> ArrayView2<'_, f64> {
        self.model.means().view()
    }

    /// Posterior probabilities of each component for new standardized `points`.
    pub fn predict_proba(&self, points: ArrayView2<f64>) -> Result<Array2<f64>, GmmError> {
        let expected = self.model.means().ncols();
        if points.ncols() != expected {
            return Err(GmmError::WrongDimension {
                got: points.ncols(),
                expected,
            });
        }
        Ok(self.model.predict_proba(&points))
    }

    /// Most probable component of each of `points`.
    pub fn predict(&self, points: ArrayView2<f64>) -> Result<Vec<usize>, GmmError> {
        Ok(argmax_rows(self.predict_proba(points)?.view()))
    }
}

/// Index of the largest value of each row (NaN never wins; ties go to the first).
fn argmax_rows(p: ArrayView2<f64>) -> Vec<usize> {
    p.axis_iter(Axis(0))
        .map(|row| {
            let mut best = (0, f64::NEG_INFINITY);
            for (j, &v) in row.iter().enumerate() {
                if v > best.1 {
                    best = (j, v);
                }
            }
            best.0
        })
        .collect()
}

/// Mean over rows of `log Σ_c w_c N(x | μ_c, Σ_c)`; `None` when a covariance is not positive
/// definite.
fn mean_log_likelihood(model: &GaussianMixtureModel<f64>, x: ArrayView2<f64>) -> Option<f64> {
    let d = x.ncols();
    let log_2pi = (2.0 * std::f64::consts::PI).ln();
    let mut components = Vec::new();
    for (c, w) in model.weights().iter().enumerate() {
        let cov = model.covariances().index_axis(Axis(0), c);
        let l = cholesky(cov)?;
        let log_det: f64 = 2.0 * (0..d).map(|i| l[[i, i]].ln()).sum::<f64>();
        components.push((w.ln() - 0.5 * (d as f64 * log_2pi + log_det), l, c));
    }
    let means = model.means();
    let mut total = 0.0;
    let mut z = vec![0.0; d];
    let mut terms = vec![0.0; components.len()];
    for row in x.axis_iter(Axis(0)) {
        for (t, (constant, l, c)) in terms.iter_mut().zip(&components) {
            // Solve L z = x − μ; the Mahalanobis distance is |z|².
            for i in 0..d {
                let mut s = row[i] - means[[*c, i]];
                for j in 0..i {
                    s -= l[[i, j]] * z[j];
                }
                z[i] = s / l[[i, i]];
            }
            *t = constant - 0.5 * z.iter().map(|v| v * v).sum::<f64>();
        }
        let max = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        total += max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln();
    }
    let mean = total / x.nrows() as f64;
    mean.is_finite().then_some(mean)
}

/// Lower Cholesky factor of a symmetric positive-definite matrix.
fn cholesky(a: ArrayView2<f64>) -> Option<Array2<f64>> {
    let d = a.nrows();
    let mut l = Array2::<f64>::zeros((d, d));
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                l[[i, i]] = s.sqrt();
            } else {
                l[[i, j]] = s / l[[j, j]];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_of_a_known_matrix() {
        let l = cholesky(array![[4.0, 2.0], [2.0, 5.0]].view()).unwrap();
        assert_eq!(l, array![[2.0, 0.0], [1.0, 2.0]]);
        assert!(cholesky(array![[1.0, 2.0], [2.0, 1.0]].view()).is_none());
    }

    #[test]
    fn bad_params_fail_at_check() {
        assert_eq!(GmmParams::new(0).check(), Err(GmmParamsError::NoComponents));
        let p = GmmParams {
            tolerance: -1.0,
            ..GmmParams::new(2)
        };
        assert_eq!(p.check(), Err(GmmParamsError::Tolerance(-1.0)));
    }
}
