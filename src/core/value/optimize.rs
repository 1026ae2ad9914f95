//! Maximum likelihood over log-parameters: argmin's L-BFGS (More–Thuente line search) from
//! several starting points, keeping the best point any evaluation reached.
//!
//! The models hand over their negative mean log-likelihood and its gradient in log-parameters
//! (so every parameter stays positive and scale-free). A start can stop at a false optimum
//! (Gamma-Gamma on Online Retail from (1, 1, 1)), so every start is run and the best kept,
//! then polished by one more run from it. argmin's timer stays off (no clock in the browser);
//! nothing here uses threads.

use std::cell::{Cell, RefCell};

use argmin::core::{
    CostFunction, Error, Executor, Gradient, State, TerminationReason, TerminationStatus,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::Array1;

use super::error::ValueError;

/// The box the log-parameters stay in (e^40 ≈ 2e17).
const MAX_LOG_PARAMETER: f64 = 40.0;
/// The steepness of the wall around the box.
const WALL: f64 = 1e3;
/// L-BFGS memory.
const MEMORY: usize = 8;
/// A fitted parameter beyond this factor from its scale (or below its inverse) ran away.
const RUNAWAY: f64 = 1e6;

/// Check a model's optimizer settings: at least one iteration (`iterations_setting` names the
/// limit), every starting point of positive numbers (`starts_setting` names them).
pub(crate) fn check_settings<const N: usize>(
    iterations_setting: &'static str,
    starts_setting: &'static str,
    max_iters: u64,
    starts: &[[f64; N]],
) -> Result<(), ValueError> {
    if max_iters == 0 {
        return Err(ValueError::BadSetting {
            setting: iterations_setting,
            requirement: "at least 1",
            value: "0".to_string(),
        });
    }
    if let Some(start) = starts
        .iter()
        .find(|s| s.iter().any(|v| !(v.is_finite() && *v > 0.0)))
    {
        return Err(ValueError::BadSetting {
            setting: starts_setting,
            requirement: "positive numbers",
            value: format!("{start:?}"),
        });
    }
    Ok(())
}

/// Starting points in log-parameters.
pub(crate) fn log_starts<const N: usize>(starts: &[[f64; N]]) -> Vec<Vec<f64>> {
    starts
        .iter()
        .map(|s| s.iter().map(|v| v.ln()).collect())
        .collect()
}

/// The fitted `value` of `model`'s `parameter` is within [`RUNAWAY`] of its `scale`, or the
/// error that says toward where it ran.
pub(crate) fn runaway_check(
    model: &'static str,
    parameter: &'static str,
    value: f64,
    scale: f64,
) -> Result<(), ValueError> {
    let relative = value / scale;
    if relative.is_finite() && (1.0 / RUNAWAY..=RUNAWAY).contains(&relative) {
        return Ok(());
    }
    Err(ValueError::DidNotConverge {
        model,
        parameter,
        toward: if relative < 1.0 { "zero" } else { "infinity" },
        value,
    })
}

/// A smooth function to minimise: the negative mean log-likelihood in log-parameters.
pub(crate) trait Objective {
    /// The value at `theta`, with its gradient written to `gradient`; `NaN` where the model
    /// is undefined.
    fn evaluate(&self, theta: &[f64], gradient: &mut [f64]) -> f64;
}

/// The best point found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Minimum {
    pub theta: Vec<f64>,
    pub value: f64,
    /// L-BFGS iterations of the run that found the best point, plus those of the polishing run.
    pub iterations: u64,
    /// Whether the last run stopped because the value or the gradient no longer changed
    /// (not at the iteration limit, nor with a failed line search).
    pub converged: bool,
}

/// The best of L-BFGS runs from each of `starts` (log-parameters), polished by one more run.
/// `None` when no start gives a finite value.
pub(crate) fn minimize(
    objective: &impl Objective,
    starts: &[Vec<f64>],
    max_iters: u64,
) -> Option<Minimum> {
    let tracker = Tracker::default();
    let mut iterations = Vec::with_capacity(starts.len() + 1);
    for (index, start) in starts.iter().enumerate() {
        tracker.run.set(index);
        iterations.push(run(objective, &tracker, start, max_iters).0);
    }
    let best = tracker.best()?;
    let found_by = iterations.get(best.2).copied().unwrap_or(0);
    // A fresh L-BFGS memory from the best point: a run that ended with a failed line search
    // usually goes on from here.
    tracker.run.set(starts.len());
    let (polish, converged) = run(objective, &tracker, &best.0, max_iters);
    let (theta, value, _) = tracker.best()?;
    Some(Minimum {
        theta,
        value,
        iterations: found_by + polish,
        converged,
    })
}

/// The best finite point evaluated so far, with the run that reached it.
#[derive(Default)]
struct Tracker {
    best: RefCell<Option<(Vec<f64>, f64, usize)>>,
    /// The run going on.
    run: Cell<usize>,
}

impl Tracker {
    fn offer(&self, theta: &[f64], value: f64) {
        if !value.is_finite() {
            return;
        }
        let mut best = self.best.borrow_mut();
        if best.as_ref().is_none_or(|(_, v, _)| value < *v) {
            *best = Some((theta.to_vec(), value, self.run.get()));
        }
    }

    fn best(&self) -> Option<(Vec<f64>, f64, usize)> {
        self.best.borrow().clone()
    }
}

/// One L-BFGS run; returns its iterations and whether it converged.
fn run(
    objective: &impl Objective,
    tracker: &Tracker,
    start: &[f64],
    max_iters: u64,
) -> (u64, bool) {
    let problem = Problem {
        objective,
        tracker,
        dimension: start.len(),
        last: RefCell::new(None),
    };
    let solver = match lbfgs() {
        Ok(solver) => solver,
        Err(_) => return (0, false),
    };
    let result = Executor::new(problem, solver)
        .configure(|state| {
            state
                .param(Array1::from(start.to_vec()))
                .max_iters(max_iters)
        })
        .run();
    match result {
        Ok(result) => {
            let state = &result.state;
            let converged = matches!(
                state.get_termination_status(),
                TerminationStatus::Terminated(TerminationReason::SolverConverged)
            );
            (state.get_iter(), converged)
        }
        Err(_) => (0, false),
    }
}

type Solver =
    LBFGS<MoreThuenteLineSearch<Array1<f64>, Array1<f64>, f64>, Array1<f64>, Array1<f64>, f64>;

fn lbfgs() -> Result<Solver, Error> {
    LBFGS::new(MoreThuenteLineSearch::new(), MEMORY)
        .with_tolerance_grad(1e-9)?
        .with_tolerance_cost(1e-13)
}

/// The objective as argmin sees it; every evaluation is offered to the tracker. argmin asks
/// for the value and the gradient at a point separately, so the last evaluation is kept.
struct Problem<'a, O> {
    objective: &'a O,
    tracker: &'a Tracker,
    dimension: usize,
    last: RefCell<Option<Evaluation>>,
}

/// A point, the value there and the gradient.
type Evaluation = (Array1<f64>, f64, Array1<f64>);

impl<O: Objective> Problem<'_, O> {
    /// [`Problem::evaluate`], or the last result when `theta` is the last point.
    fn cached(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        if let Some((point, value, gradient)) = self.last.borrow().as_ref() {
            if point == theta {
                return (*value, gradient.clone());
            }
        }
        let (value, gradient) = self.evaluate(theta);
        *self.last.borrow_mut() = Some((theta.clone(), value, gradient.clone()));
        (value, gradient)
    }

    /// The objective at `theta`. Outside the box |θ| ≤ [`MAX_LOG_PARAMETER`] it is the value
    /// at the nearest point of the box plus a steep quadratic wall, so that a long trial step
    /// of the line search gets a finite, larger value (argmin's line search stops at an
    /// infinite one) and steps back.
    fn evaluate(&self, theta: &Array1<f64>) -> (f64, Array1<f64>) {
        let mut gradient = vec![0.0; self.dimension];
        if theta.len() != self.dimension || theta.iter().any(|t| !t.is_finite()) {
            return (f64::NAN, Array1::from(gradient));
        }
        let inside: Vec<f64> = theta
            .iter()
            .map(|t| t.clamp(-MAX_LOG_PARAMETER, MAX_LOG_PARAMETER))
            .collect();
        let value = self.objective.evaluate(&inside, &mut gradient);
        if !(value.is_finite() && gradient.iter().all(|g| g.is_finite())) {
            return (f64::NAN, Array1::from(vec![0.0; self.dimension]));
        }
        let mut wall = 0.0;
        for ((g, t), clamped) in gradient.iter_mut().zip(theta.iter()).zip(&inside) {
            let outside = t - clamped;
            wall += WALL * outside * outside;
            *g += 2.0 * WALL * outside;
        }
        if wall == 0.0 {
            self.tracker.offer(&inside, value);
        }
        (value + wall, Array1::from(gradient))
    }
}

impl<O: Objective> CostFunction for Problem<'_, O> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, theta: &Self::Param) -> Result<Self::Output, Error> {
        Ok(self.cached(theta).0)
    }
}

impl<O: Objective> Gradient for Problem<'_, O> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, theta: &Self::Param) -> Result<Self::Gradient, Error> {
        Ok(self.cached(theta).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's valley, minimum 0 at (1, 1).
    struct Rosenbrock;

    impl Objective for Rosenbrock {
        fn evaluate(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
            let (x, y) = (theta[0], theta[1]);
            gradient[0] = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            gradient[1] = 200.0 * (y - x * x);
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        }
    }

    struct Undefined;

    impl Objective for Undefined {
        fn evaluate(&self, _: &[f64], _: &mut [f64]) -> f64 {
            f64::NAN
        }
    }

    #[test]
    fn finds_the_minimum_and_keeps_the_best_start() {
        let minimum = minimize(&Rosenbrock, &[vec![-1.2, 1.0], vec![30.0, -30.0]], 500).unwrap();
        assert!(minimum.value < 1e-12, "{minimum:?}");
        assert!((minimum.theta[0] - 1.0).abs() < 1e-5, "{minimum:?}");
        // A start outside the box is walked back into it.
        let minimum = minimize(&Rosenbrock, &[vec![45.0, 0.0]], 500).unwrap();
        assert!(minimum.value < 1e-12, "{minimum:?}");
        // An objective undefined everywhere gives no minimum.
        assert!(minimize(&Undefined, &[vec![0.0]], 10).is_none());
    }
}
