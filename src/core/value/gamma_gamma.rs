//! Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer
//! base analysis"; Colombo & Jiang 1999): what a customer spends per purchase, fitted by maximum
//! likelihood on the repeat buyers' mean repeat spend.
//!
//! A customer's purchases are Gamma(p, ν) with ν ~ Gamma(q, v) across customers. For a customer
//! with `x` repeat purchase days of mean spend `m_x` the log-likelihood (lifetimes' form) is
//!
//! ```text
//! ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m_x + px ln x − (px+q) ln(x m_x + v)
//! ```
//!
//! and the expected spend per purchase E[M | x, m_x] = p (v + x m_x) / (px + q − 1), which for
//! a customer without a repeat purchase is the population mean p v / (q − 1). The model assumes
//! spend does not depend on purchase frequency.

use serde::{Deserialize, Serialize};

use super::error::{ValueError, MIN_REPEAT_BUYERS};
use super::optimize::{check_settings, log_starts, minimize, runaway_check, Objective};
use super::special::{digamma, ln_gamma};

/// Settings of the Gamma-Gamma fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaParams {
    /// Starting points (p, q, v) tried besides the ones scaled to the mean spend (whose
    /// population mean p·v/(q−1) is the observed mean). Default: lifetimes' (1, 1, 1), which
    /// alone stops at a false optimum on Online Retail.
    pub starts: Vec<[f64; 3]>,
    /// L-BFGS iterations per start.
    pub max_iters: u64,
}

impl Default for GammaGammaParams {
    fn default() -> GammaGammaParams {
        GammaGammaParams {
            starts: vec![[1.0; 3]],
            max_iters: 1000,
        }
    }
}

/// A fitted Gamma-Gamma model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub v: f64,
    /// Total log-likelihood over the repeat buyers.
    pub log_likelihood: f64,
    /// Repeat buyers fitted on.
    pub customers: usize,
    /// L-BFGS iterations of the final run.
    pub iterations: u64,
    /// Whether the final run stopped because nothing improved any more.
    pub converged: bool,
}

impl GammaGammaParams {
    /// Check the settings.
    pub fn check(&self) -> Result<(), ValueError> {
        check_settings(
            "The Gamma-Gamma iteration limit",
            "Every Gamma-Gamma starting point (p, q, v)",
            self.max_iters,
            &self.starts,
        )
    }

    /// Fit by maximum likelihood on `(x, m_x)` of the repeat buyers; pairs with x = 0 or a
    /// mean repeat spend that is not positive are left out (as lifetimes requires).
    pub fn fit(&self, repeat_spend: &[(u32, f64)]) -> Result<GammaGamma, ValueError> {
        self.check()?;
        let buyers: Vec<(u32, f64)> = repeat_spend
            .iter()
            .copied()
            .filter(|&(x, m)| x > 0 && m > 0.0 && m.is_finite())
            .collect();
        if buyers.len() < MIN_REPEAT_BUYERS {
            return Err(ValueError::TooFewRepeatBuyers {
                found: buyers.len(),
                needed: MIN_REPEAT_BUYERS,
            });
        }
        let data = RepeatSpend::new(&buyers);
        let mean = buyers.iter().map(|(_, m)| m).sum::<f64>() / buyers.len() as f64;
        let mut starts = log_starts(&self.starts);
        // Population mean p·v/(q−1) = the observed mean.
        for [p, q] in [[2.0, 3.0], [1.0, 2.0], [4.0, 5.0], [10.0, 2.0]] {
            let v = mean * (q - 1.0) / p;
            starts.push(vec![f64::ln(p), f64::ln(q), v.ln()]);
        }
        let best = minimize(
            &GammaGammaObjective { data: &data },
            &starts,
            self.max_iters,
        )
        .ok_or(ValueError::DidNotConverge {
            model: "Gamma-Gamma",
            parameter: "p",
            toward: "an undefined value",
            value: f64::NAN,
        })?;
        let [p, q, v] = match best.theta[..] {
            [p, q, v] => [p.exp(), q.exp(), v.exp()],
            _ => [f64::NAN; 3],
        };
        for (value, scale, parameter) in [(p, 1.0, "p"), (q, 1.0, "q"), (v, mean, "v")] {
            runaway_check("Gamma-Gamma", parameter, value, scale)?;
        }
        if q <= 1.0 {
            return Err(ValueError::MeanSpendUndefined { q });
        }
        Ok(GammaGamma {
            p,
            q,
            v,
            log_likelihood: -best.value * data.weight,
            customers: buyers.len(),
            iterations: best.iterations,
            converged: best.converged,
        })
    }
}

impl GammaGamma {
    /// E[M | x, m_x]: the expected spend per purchase of a customer with `x` repeat purchase
    /// days of mean spend `m_x` (lifetimes' `conditional_expected_average_profit`); for x = 0
    /// the population mean.
    pub fn expected_spend(&self, x: u32, m_x: f64) -> f64 {
        if x == 0 {
            return self.population_mean();
        }
        let x = f64::from(x);
        self.p * (self.v + x * m_x) / (self.p * x + self.q - 1.0)
    }

    /// The mean spend per purchase across customers, p·v / (q − 1).
    pub fn population_mean(&self) -> f64 {
        self.p * self.v / (self.q - 1.0)
    }
}

/// The repeat buyers, grouped by x for the terms that depend on x only.
struct RepeatSpend {
    /// Distinct x with their number of buyers.
    by_x: Vec<(f64, f64)>,
    /// Per buyer: x and m_x.
    buyers: Vec<(f64, f64)>,
    weight: f64,
    /// Σ x ln m_x + Σ x ln x, and Σ ln m_x.
    sum_x_log: f64,
    sum_log_m: f64,
}

impl RepeatSpend {
    fn new(buyers: &[(u32, f64)]) -> RepeatSpend {
        let mut xs: Vec<u32> = buyers.iter().map(|(x, _)| *x).collect();
        xs.sort_unstable();
        let by_x = xs
            .chunk_by(|a, b| a == b)
            .filter_map(|same| Some((f64::from(*same.first()?), same.len() as f64)))
            .collect();
        let buyers: Vec<(f64, f64)> = buyers.iter().map(|&(x, m)| (f64::from(x), m)).collect();
        RepeatSpend {
            by_x,
            weight: buyers.len() as f64,
            sum_x_log: buyers.iter().map(|(x, m)| x * m.ln() + x * x.ln()).sum(),
            sum_log_m: buyers.iter().map(|(_, m)| m.ln()).sum(),
            buyers,
        }
    }
}

/// The negative mean log-likelihood of Gamma-Gamma in (ln p, ln q, ln v).
struct GammaGammaObjective<'a> {
    data: &'a RepeatSpend,
}

impl Objective for GammaGammaObjective<'_> {
    fn evaluate(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        let (&[ln_p, ln_q, ln_v], [g_p, g_q, g_v]) = (theta, gradient) else {
            return f64::NAN;
        };
        let (p, q, v) = (ln_p.exp(), ln_q.exp(), ln_v.exp());
        let data = self.data;
        let n = data.weight;
        let mut ll = -n * ln_gamma(q) + n * q * ln_v + p * data.sum_x_log - data.sum_log_m;
        let (mut dp, mut dq, mut dv) = (data.sum_x_log, -n * digamma(q) + n * ln_v, n * q / v);
        for &(x, count) in &data.by_x {
            let (px, pxq) = (p * x, p * x + q);
            ll += count * (ln_gamma(pxq) - ln_gamma(px));
            let psi = digamma(pxq);
            dp += count * x * (psi - digamma(px));
            dq += count * psi;
        }
        for &(x, m) in &data.buyers {
            let total = x * m + v;
            let ln_total = total.ln();
            let shape = p * x + q;
            ll -= shape * ln_total;
            dp -= x * ln_total;
            dq -= ln_total;
            dv -= shape / total;
        }
        let scale = -1.0 / n;
        *g_p = scale * p * dp;
        *g_q = scale * q * dq;
        *g_v = scale * v * dv;
        scale * ll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lifetimes' per-customer log-likelihood, term by term.
    fn textbook(p: f64, q: f64, v: f64, x: f64, m: f64) -> f64 {
        ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q)
            + q * v.ln()
            + (p * x - 1.0) * m.ln()
            + p * x * x.ln()
            - (p * x + q) * (x * m + v).ln()
    }

    fn buyers() -> Vec<(u32, f64)> {
        (0..60u32)
            .map(|i| {
                (
                    1 + i % 5,
                    20.0 + f64::from((i * 37) % 50) + f64::from(i % 5) * 3.0,
                )
            })
            .collect()
    }

    #[test]
    fn likelihood_and_gradient_are_lifetimes() {
        let buyers = buyers();
        let data = RepeatSpend::new(&buyers);
        let objective = GammaGammaObjective { data: &data };
        let theta = [6.0f64.ln(), 3.7f64.ln(), 15.0f64.ln()];
        let mut gradient = [0.0; 3];
        let value = objective.evaluate(&theta, &mut gradient);
        let expected: f64 = buyers
            .iter()
            .map(|&(x, m)| textbook(6.0, 3.7, 15.0, f64::from(x), m))
            .sum();
        assert!((-value * 60.0 - expected).abs() < 1e-9 * expected.abs());
        for i in 0..3 {
            let (mut up, mut down) = (theta, theta);
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let mut scratch = [0.0; 3];
            let numeric = (objective.evaluate(&up, &mut scratch)
                - objective.evaluate(&down, &mut scratch))
                / 2e-6;
            assert!(
                (numeric - gradient[i]).abs() < 1e-7,
                "{i}: {numeric} vs {}",
                gradient[i]
            );
        }
    }

    #[test]
    fn expected_spend_shrinks_towards_the_population_mean() {
        let model = GammaGamma {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            log_likelihood: 0.0,
            customers: 0,
            iterations: 0,
            converged: true,
        };
        let mean = model.population_mean();
        assert!((mean - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        assert_eq!(model.expected_spend(0, 0.0), mean);
        // Between the customer's own mean and the population mean, nearer their own with more
        // purchases.
        let one = model.expected_spend(1, 100.0);
        let ten = model.expected_spend(10, 100.0);
        assert!(mean < one && one < ten && ten < 100.0, "{mean} {one} {ten}");
    }

    #[test]
    fn a_runaway_parameter_is_named() {
        // Every buyer spends the same: no heterogeneity in spend, the fit runs q, v → ∞.
        let alike = vec![(2, 40.0); 30];
        let error = GammaGammaParams::default().fit(&alike).unwrap_err();
        assert!(
            matches!(
                error,
                ValueError::DidNotConverge {
                    model: "Gamma-Gamma",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn too_few_repeat_buyers_is_said() {
        let error = GammaGammaParams::default()
            .fit(&[(0, 10.0), (2, 0.0), (1, 5.0)])
            .unwrap_err();
        assert_eq!(
            error,
            ValueError::TooFewRepeatBuyers {
                found: 1,
                needed: MIN_REPEAT_BUYERS
            }
        );
        assert!(
            error.to_string().contains("only 1 customer bought again"),
            "{error}"
        );
        let fitted = GammaGammaParams::default().fit(&buyers()).unwrap();
        assert!(fitted.q > 1.0 && fitted.converged, "{fitted:?}");
    }
}
