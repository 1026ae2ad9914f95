//! Logistic regression with an L2 penalty and sample weights (class weights are sample weights).
//!
//! `LogisticParams → check → fit(x, y, weights) → LogisticModel → predict_proba`.
//! The fit minimises scikit-learn's objective for `LogisticRegression(C=c)`:
//! `½‖w‖² + C · Σ sᵢ · logloss(yᵢ, σ(xᵢ·w + b))` (the intercept `b` is not penalised), divided
//! by `C · Σ sᵢ` as scikit-learn's lbfgs solver does — same minimum, and `tol` means the same:
//! the fit has converged when no component of the divided objective's gradient exceeds `tol`
//! (or, as in SciPy's L-BFGS-B that scikit-learn calls, when an iteration lowers the objective
//! by less than 64 machine epsilons relative to its size).
//!
//! Solver: L-BFGS (10 correction pairs, two-loop recursion) with a backtracking Armijo line
//! search (quadratic interpolation). The objective is strictly convex, so every accepted step
//! keeps the curvature pair positive. Newton's method was not chosen: one Hessian costs `n·d²`
//! (50,000 rows × 200 columns = 2·10⁹ multiply-adds), L-BFGS iterations cost `2·n·d`.
//! Losses use a stable log-sigmoid (`log(1 + e^z)` never overflows). A fit that reaches
//! `max_iter` still returns its model, with [`LogisticModel::converged`] false.
//!
//! Pure Rust: no web-sys; never panics on user data (bad input is a [`LogisticError`]).

use ndarray::ArrayView2;

use crate::core::predict::inputs::{check_training_data, DataError, FeatureColumns};
use crate::core::predict::Classifier;

/// What the user asked logistic regression to do.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticParams {
    /// Inverse strength of the L2 penalty (scikit-learn's `C`): smaller = simpler model.
    pub c: f64,
    /// Most L-BFGS iterations.
    pub max_iter: usize,
    /// Converged when every gradient component of the divided objective is at most this.
    pub tol: f64,
    /// Fit an (unpenalised) intercept.
    pub fit_intercept: bool,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams {
            c: Self::DEFAULT_C,
            max_iter: Self::DEFAULT_MAX_ITER,
            tol: Self::DEFAULT_TOL,
            fit_intercept: true,
        }
    }
}

/// Logistic regression cannot run with these choices or this data; the message says what to
/// change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogisticError {
    #[error(
        "the regularisation C must be a positive number (got {0}): 1 is usual, smaller values \
         give a simpler model"
    )]
    C(f64),
    #[error("logistic regression needs at least 1 iteration")]
    NoIterations,
    #[error("the logistic regression tolerance must be a positive number (got {0})")]
    Tolerance(f64),
    #[error(transparent)]
    Data(#[from] DataError),
}

impl LogisticParams {
    pub const DEFAULT_C: f64 = 1.0;
    /// More than scikit-learn's 100, so fits on poorly scaled columns still converge; a fit on
    /// standardised columns stops long before (the tolerance decides).
    pub const DEFAULT_MAX_ITER: usize = 1000;
    pub const DEFAULT_TOL: f64 = 1e-4;

    /// Reject impossible settings before looking at the data.
    pub fn check(&self) -> Result<(), LogisticError> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(LogisticError::C(self.c));
        }
        if self.max_iter == 0 {
            return Err(LogisticError::NoIterations);
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(LogisticError::Tolerance(self.tol));
        }
        Ok(())
    }

    /// Fit on the rows of `x` with labels `y` and optional per-row `weights` (see the module
    /// documentation).
    pub fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        weights: Option<&[f64]>,
    ) -> Result<LogisticModel, LogisticError> {
        self.check()?;
        check_training_data(x, y, weights, FeatureColumns::Optional)?;
        let (n, d) = x.dim();
        let weights = weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let total: f64 = weights.iter().sum();
        let owned: Vec<f64>;
        let rows = match x.as_slice() {
            Some(rows) => rows,
            None => {
                owned = x.iter().copied().collect();
                &owned
            }
        };
        let problem = Problem {
            rows,
            d,
            y,
            weights: &weights,
            inv_total: 1.0 / total,
            l2: 1.0 / (self.c * total),
            fit_intercept: self.fit_intercept,
        };
        let run = lbfgs(&problem, self.max_iter, self.tol);
        let mut coefficients = run.theta;
        let intercept = if self.fit_intercept {
            coefficients.pop().unwrap_or(0.0)
        } else {
            0.0
        };
        Ok(LogisticModel {
            coefficients,
            intercept,
            n_iter: run.n_iter,
            converged: run.converged,
        })
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticModel {
    coefficients: Vec<f64>,
    intercept: f64,
    n_iter: usize,
    converged: bool,
}

impl LogisticModel {
    /// One weight per column of the training matrix, in its order.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The intercept (0 when fitted without one).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// L-BFGS iterations used.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// False when the fit stopped at `max_iter` (or its line search could go no further) before
    /// reaching the tolerance: the model is usable but not the exact optimum.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// `x · w + b` for every row (log-odds of the positive class). Columns beyond the model's
    /// are ignored and missing ones count as 0, so `x` should have the training columns.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        x.outer_iter()
            .map(|row| {
                row.iter()
                    .zip(&self.coefficients)
                    .map(|(a, w)| a * w)
                    .sum::<f64>()
                    + self.intercept
            })
            .collect()
    }
}

impl Classifier for LogisticModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Vec<f64> {
        self.decision_function(x)
            .into_iter()
            .map(|z| sigmoid_parts(z).1)
            .collect()
    }
}

/// `(log(1 + e^z), σ(z))` without overflow.
fn sigmoid_parts(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    let softplus = z.max(0.0) + e.ln_1p();
    let sigma = if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (softplus, sigma)
}

/// The divided objective over the training rows (row-major `rows`, `d` columns).
struct Problem<'a> {
    rows: &'a [f64],
    d: usize,
    y: &'a [bool],
    weights: &'a [f64],
    /// `1 / Σ sᵢ`.
    inv_total: f64,
    /// `1 / (C · Σ sᵢ)`, the weight of `½‖w‖²`.
    l2: f64,
    fit_intercept: bool,
}

impl Problem<'_> {
    fn n_params(&self) -> usize {
        self.d + usize::from(self.fit_intercept)
    }

    /// The objective at `theta` (`w`, then `b` when fitted), its gradient written to `grad`.
    fn value_and_gradient(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (w, b) = theta.split_at(self.d.min(theta.len()));
        let b = b.first().copied().unwrap_or(0.0);
        grad.iter_mut().for_each(|g| *g = 0.0);
        let (grad_w, grad_b) = grad.split_at_mut(self.d.min(grad.len()));
        let mut loss = 0.0;
        let mut sum_residual = 0.0;
        if self.d > 0 {
            let rows = self.rows.chunks_exact(self.d);
            for ((row, &label), &s) in rows.zip(self.y).zip(self.weights) {
                if s == 0.0 {
                    continue;
                }
                let z = row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>() + b;
                let (softplus, sigma) = sigmoid_parts(z);
                let target = if label { 1.0 } else { 0.0 };
                loss += s * (softplus - target * z);
                let residual = s * (sigma - target);
                sum_residual += residual;
                for (g, a) in grad_w.iter_mut().zip(row) {
                    *g += residual * a;
                }
            }
        } else {
            for (&label, &s) in self.y.iter().zip(self.weights) {
                let (softplus, sigma) = sigmoid_parts(b);
                let target = if label { 1.0 } else { 0.0 };
                loss += s * (softplus - target * b);
                sum_residual += s * (sigma - target);
            }
        }
        let mut penalty = 0.0;
        for (g, c) in grad_w.iter_mut().zip(w) {
            *g = *g * self.inv_total + self.l2 * c;
            penalty += c * c;
        }
        if let Some(g) = grad_b.first_mut() {
            *g = sum_residual * self.inv_total;
        }
        loss * self.inv_total + 0.5 * self.l2 * penalty
    }
}

/// Where L-BFGS stopped.
struct Run {
    theta: Vec<f64>,
    n_iter: usize,
    converged: bool,
}

/// Correction pairs kept (SciPy's L-BFGS-B default).
const MEMORY: usize = 10;
/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Most objective evaluations in one line search (SciPy's `maxls` in scikit-learn).
const MAX_LINE_SEARCH: usize = 50;
/// SciPy's `ftol` as scikit-learn sets it: 64 machine epsilons.
const REL_REDUCTION: f64 = 64.0 * f64::EPSILON;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// L-BFGS from 0 (see the module documentation).
fn lbfgs(problem: &Problem<'_>, max_iter: usize, tol: f64) -> Run {
    let p = problem.n_params();
    let mut theta = vec![0.0; p];
    let mut grad = vec![0.0; p];
    let mut f = problem.value_and_gradient(&theta, &mut grad);
    // Correction pairs (s, y, 1 / y·s), oldest first.
    let mut pairs: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::with_capacity(MEMORY);
    let mut alpha = [0.0; MEMORY];
    let mut direction = vec![0.0; p];
    let mut trial = vec![0.0; p];
    let mut trial_grad = vec![0.0; p];
    let mut n_iter = 0;
    if max_abs(&grad) <= tol {
        return Run {
            theta,
            n_iter,
            converged: true,
        };
    }
    while n_iter < max_iter {
        // Two-loop recursion: direction = −H·grad.
        direction.copy_from_slice(&grad);
        for ((s, y, rho), a) in pairs.iter().rev().zip(alpha.iter_mut()) {
            *a = rho * dot(s, &direction);
            direction
                .iter_mut()
                .zip(y)
                .for_each(|(q, yi)| *q -= *a * yi);
        }
        let gamma = pairs
            .back()
            .map_or(1.0, |(_, y, rho)| 1.0 / (rho * dot(y, y)));
        direction.iter_mut().for_each(|q| *q *= gamma);
        for ((s, y, rho), a) in pairs.iter().zip(alpha.iter().take(pairs.len()).rev()) {
            let beta = rho * dot(y, &direction);
            direction
                .iter_mut()
                .zip(s)
                .for_each(|(r, si)| *r += (a - beta) * si);
        }
        direction.iter_mut().for_each(|r| *r = -*r);
        let mut slope = dot(&grad, &direction);
        if slope.is_nan() || slope >= 0.0 {
            // Not a descent direction (rounding): restart from steepest descent.
            pairs.clear();
            direction.iter_mut().zip(&grad).for_each(|(r, g)| *r = -g);
            slope = dot(&grad, &direction);
        }
        let mut step = if pairs.is_empty() {
            (1.0 / dot(&grad, &grad).sqrt()).min(1.0)
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..MAX_LINE_SEARCH {
            for ((t, x), r) in trial.iter_mut().zip(&theta).zip(&direction) {
                *t = x + step * r;
            }
            let f_trial = problem.value_and_gradient(&trial, &mut trial_grad);
            if f_trial <= f + ARMIJO * step * slope {
                accepted = Some(f_trial);
                break;
            }
            // Minimiser of the quadratic through f, the slope and f_trial, kept in [0.1, 0.5]·step.
            let curvature = 2.0 * (f_trial - f - slope * step);
            let next = if curvature > 0.0 && curvature.is_finite() {
                -slope * step * step / curvature
            } else {
                0.5 * step
            };
            step = next.clamp(0.1 * step, 0.5 * step);
        }
        n_iter += 1;
        let Some(f_new) = accepted else {
            if pairs.is_empty() {
                break;
            }
            // The quasi-Newton direction failed: forget the curvature and try steepest descent.
            pairs.clear();
            continue;
        };
        if pairs.len() == MEMORY {
            pairs.pop_front();
        }
        let s: Vec<f64> = trial.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = trial_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let ys = dot(&y, &s);
        if ys > f64::EPSILON * dot(&y, &y) {
            pairs.push_back((s, y, 1.0 / ys));
        }
        std::mem::swap(&mut theta, &mut trial);
        std::mem::swap(&mut grad, &mut trial_grad);
        let reduction = (f - f_new) / f.abs().max(f_new.abs()).max(1.0);
        f = f_new;
        if max_abs(&grad) <= tol || reduction <= REL_REDUCTION {
            return Run {
                theta,
                n_iter,
                converged: true,
            };
        }
    }
    let converged = max_abs(&grad) <= tol;
    Run {
        theta,
        n_iter,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    /// The fixture the scikit-learn references were computed on (same formulas in Python):
    /// `x[i][j] = sin(0.7 i + 1.3 j + 0.1 i j) · (1 + j) + 0.5 j` for 80 rows and 4 columns,
    /// `y[i] = x[i][0] − 0.5 x[i][1] + 0.3 x[i][2] + 0.8 sin(3.1 i) > 0.2`,
    /// weights `0.5 + 0.5 (i mod 4)`.
    fn fixture() -> (Array2<f64>, Vec<bool>, Vec<f64>) {
        let x = Array2::from_shape_fn((80, 4), |(i, j)| {
            let (i, j) = (i as f64, j as f64);
            (0.7 * i + 1.3 * j + 0.1 * i * j).sin() * (1.0 + j) + 0.5 * j
        });
        let y = x
            .outer_iter()
            .enumerate()
            .map(|(i, r)| r[0] - 0.5 * r[1] + 0.3 * r[2] + 0.8 * (3.1 * i as f64).sin() > 0.2)
            .collect();
        let w = (0..80).map(|i| 0.5 + 0.5 * (i % 4) as f64).collect();
        (x, y, w)
    }

    fn tight(c: f64) -> LogisticParams {
        LogisticParams {
            c,
            max_iter: 10_000,
            tol: 1e-8,
            fit_intercept: true,
        }
    }

    fn assert_close(model: &LogisticModel, coefficients: &[f64], intercept: f64) {
        assert!(model.converged());
        for (got, want) in model.coefficients().iter().zip(coefficients) {
            assert!(
                (got - want).abs() < 1e-4,
                "{:?} vs {coefficients:?}",
                model.coefficients()
            );
        }
        assert!(
            (model.intercept() - intercept).abs() < 1e-4,
            "intercept {} vs {intercept}",
            model.intercept()
        );
    }

    #[test]
    fn coefficients_match_scikit_learn() {
        let (x, y, _) = fixture();
        let model = tight(0.5).fit(x.view(), &y, None).unwrap();
        assert_close(&model, &SKLEARN_C05, SKLEARN_C05_INTERCEPT);
    }

    #[test]
    fn sample_weights_match_scikit_learn() {
        let (x, y, w) = fixture();
        let model = tight(2.0).fit(x.view(), &y, Some(&w)).unwrap();
        assert_close(&model, &SKLEARN_C2_WEIGHTED, SKLEARN_C2_WEIGHTED_INTERCEPT);
    }

    #[test]
    fn without_intercept_matches_scikit_learn() {
        let (x, y, _) = fixture();
        let params = LogisticParams {
            fit_intercept: false,
            ..tight(1.0)
        };
        let model = params.fit(x.view(), &y, None).unwrap();
        assert_close(&model, &SKLEARN_C1_NO_INTERCEPT, 0.0);
    }

    #[test]
    fn weight_two_equals_a_duplicated_row() {
        let (x, y, _) = fixture();
        let mut weights = vec![1.0; 80];
        weights[3] = 2.0;
        weights[10] = 2.0;
        let weighted = tight(1.0).fit(x.view(), &y, Some(&weights)).unwrap();
        let mut rows: Vec<usize> = (0..80).collect();
        rows.extend([3, 10]);
        let x2 = x.select(ndarray::Axis(0), &rows);
        let y2: Vec<bool> = rows.iter().map(|&i| y[i]).collect();
        let duplicated = tight(1.0).fit(x2.view(), &y2, None).unwrap();
        assert_close(&weighted, duplicated.coefficients(), duplicated.intercept());
    }

    #[test]
    fn separable_data_gives_finite_coefficients() {
        let x = array![[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0]];
        let y = [false, false, false, true, true, true];
        let model = LogisticParams::default().fit(x.view(), &y, None).unwrap();
        assert!(model.converged());
        assert!(model.coefficients()[0].is_finite() && model.coefficients()[0] > 0.0);
        let p = model.predict_proba(x.view());
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(p[..3].iter().all(|&v| v < 0.5) && p[3..].iter().all(|&v| v > 0.5));
    }

    #[test]
    fn probabilities_are_the_sigmoid_of_the_linear_score() {
        let (x, y, _) = fixture();
        let model = LogisticParams::default().fit(x.view(), &y, None).unwrap();
        let z = model.decision_function(x.view());
        let p = model.predict_proba(x.view());
        for (z, p) in z.iter().zip(&p) {
            assert!((p - 1.0 / (1.0 + (-z).exp())).abs() < 1e-12);
        }
    }

    #[test]
    fn extreme_scores_do_not_overflow() {
        assert_eq!(sigmoid_parts(-800.0), (0.0, 0.0));
        let (softplus, sigma) = sigmoid_parts(800.0);
        assert_eq!((softplus, sigma), (800.0, 1.0));
    }

    #[test]
    fn stopping_at_max_iter_still_gives_a_model_flagged_not_converged() {
        let (x, y, _) = fixture();
        let params = LogisticParams {
            max_iter: 2,
            ..tight(1.0)
        };
        let model = params.fit(x.view(), &y, None).unwrap();
        assert!(!model.converged());
        assert_eq!(model.n_iter(), 2);
    }

    #[test]
    fn bad_settings_are_refused() {
        for c in [0.0, -1.0, f64::INFINITY, f64::NAN] {
            let params = LogisticParams {
                c,
                ..LogisticParams::default()
            };
            assert!(matches!(params.check(), Err(LogisticError::C(_))));
        }
        let params = LogisticParams {
            max_iter: 0,
            ..LogisticParams::default()
        };
        assert_eq!(params.check(), Err(LogisticError::NoIterations));
        let params = LogisticParams {
            tol: 0.0,
            ..LogisticParams::default()
        };
        assert_eq!(params.check(), Err(LogisticError::Tolerance(0.0)));
    }

    #[test]
    fn bad_data_is_refused() {
        let fit = |x: Array2<f64>, y: &[bool], w: Option<&[f64]>| {
            let err = LogisticParams::default().fit(x.view(), y, w).unwrap_err();
            let LogisticError::Data(e) = err else {
                panic!("not a data error: {err}");
            };
            e
        };
        let x = array![[1.0], [2.0], [3.0]];
        assert_eq!(
            fit(x.clone(), &[true; 3], None),
            DataError::one_class(true, false)
        );
        assert_eq!(
            fit(x.clone(), &[true, false, true], Some(&[1.0, 0.0, 1.0])),
            DataError::one_class(true, true)
        );
        assert_eq!(
            fit(x.clone(), &[true, false, true], Some(&[0.0; 3])),
            DataError::ZeroWeights
        );
        assert_eq!(
            fit(x.clone(), &[true, false, true], Some(&[1.0, 1.0])),
            DataError::WeightsLength {
                rows: 3,
                weights: 2
            }
        );
        assert_eq!(
            fit(x.clone(), &[true, false, true], Some(&[1.0, -1.0, 1.0])),
            DataError::BadWeight {
                row: 1,
                value: -1.0
            }
        );
        assert_eq!(
            fit(x.clone(), &[true, false], None),
            DataError::TargetLength { rows: 3, labels: 2 }
        );
        assert_eq!(
            fit(array![[1.0], [f64::INFINITY]], &[true, false], None),
            DataError::NonFinite { row: 1, column: 0 }
        );
        assert_eq!(fit(Array2::zeros((0, 2)), &[], None), DataError::Empty);
    }

    #[test]
    fn without_columns_the_intercept_is_the_log_odds() {
        let x = Array2::zeros((4, 0));
        let model = tight(1.0)
            .fit(x.view(), &[true, false, false, false], None)
            .unwrap();
        assert!(model.coefficients().is_empty());
        assert!((model.intercept() - (1.0f64 / 3.0).ln()).abs() < 1e-6);
    }

    // scikit-learn 1.9.1 on the fixture above: LogisticRegression(C=…, solver="lbfgs",
    // tol=1e-8, max_iter=10000[, fit_intercept=False]).fit(x, y[, sample_weight=w]).
    // 34 of the 80 rows are positive.
    const SKLEARN_C05: [f64; 4] = [
        1.298003777701687,
        -1.0026084011299867,
        0.3803217897989442,
        0.10594813733428458,
    ];
    const SKLEARN_C05_INTERCEPT: f64 = -0.49108298;
    const SKLEARN_C2_WEIGHTED: [f64; 4] = [
        2.1983730826051144,
        -1.418657857981489,
        0.5592137390393912,
        0.1202988110872651,
    ];
    const SKLEARN_C2_WEIGHTED_INTERCEPT: f64 = -0.43472817;
    const SKLEARN_C1_NO_INTERCEPT: [f64; 4] = [
        1.6359878712763753,
        -1.2257591552943854,
        0.4016460636690637,
        0.035754714097270664,
    ];
}
