//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): how many
//! purchases a customer will make in the next t days, and the probability the customer is
//! still "alive", fitted by maximum likelihood on the calibration summary. Time is in days
//! (`alpha` is per day).
//!
//! The model: while alive, a customer buys at rate λ ~ Gamma(r, α); after each purchase the
//! customer drops out with probability p ~ Beta(a, b). The log-likelihood (paper, eq. 6) of a
//! customer with `x` repeat purchase days, recency `t_x` and age `T`:
//!
//! ```text
//! ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
//!   + ln[ (α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+t_x)^−(r+x) ]
//! ```
//!
//! Speed: customers with the same (x, t_x, T) are fitted once with their count as weight; the
//! Gamma and Beta terms of an integer x are the sums Σ_{k<x} ln(r+k) and Σ_{k<x} ln((b+k)/(a+b+k))
//! (no ln Γ of huge arguments, exact at b → ∞), computed once per x; ln(α+T) and ln(α+t_x) once
//! per distinct value. The gradient is analytic.
//!
//! At the no-dropout boundary (a → 0 or b → ∞, Online Retail) the model becomes the NBD: the
//! fit says so ([`Boundary`]) and keeps the predictions, which are stable there — computed by a
//! series without the cancellation of the paper's eq. 10 (see [`expected_if_alive`]).

use serde::{Deserialize, Serialize};

use super::calibration::{Calibration, PurchaseHistory};
use super::error::ValueError;
use super::optimize::{check_settings, log_starts, minimize, runaway_check, Objective};

/// Below this mean dropout probability a/(a+b) the fit is at the no-dropout boundary.
const NO_DROPOUT_MEAN: f64 = 1e-4;
/// A fit no better than the no-dropout NBD by this many log-likelihood units is at the boundary.
const NO_DROPOUT_GAIN: f64 = 0.01;
/// Terms summed at most in the forecast series.
const MAX_TERMS: usize = 1_000_000;

/// Settings of the BG/NBD fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbdParams {
    /// Starting points (r, alpha per day, a, b) tried besides the ones scaled to the data (a
    /// purchase rate from Σx / ΣT, and one from the no-dropout NBD fit). Default: lifetimes'
    /// (1, 1, 1, 1).
    pub starts: Vec<[f64; 4]>,
    /// L-BFGS iterations per start.
    pub max_iters: u64,
}

impl Default for BgNbdParams {
    fn default() -> BgNbdParams {
        BgNbdParams {
            starts: vec![[1.0; 4]],
            max_iters: 1000,
        }
    }
}

/// Why the fit sits at the no-dropout boundary, in numbers and in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    /// The fitted mean dropout probability per purchase, a / (a + b).
    pub mean_dropout: f64,
    /// The log-likelihood of the no-dropout NBD model (r, alpha only) on the same customers.
    pub no_dropout_log_likelihood: f64,
    /// What this means, for the user.
    pub explanation: String,
}

/// A fitted BG/NBD model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    pub r: f64,
    /// Per day.
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    /// Total log-likelihood over the customers.
    pub log_likelihood: f64,
    /// Set when the fit ran to the no-dropout boundary.
    pub boundary: Option<Boundary>,
    /// Customers fitted on.
    pub customers: usize,
    /// L-BFGS iterations of the final run.
    pub iterations: u64,
    /// Whether the final run stopped because nothing improved any more.
    pub converged: bool,
}

impl BgNbdParams {
    /// Check the settings.
    pub fn check(&self) -> Result<(), ValueError> {
        check_settings(
            "The BG/NBD iteration limit",
            "Every BG/NBD starting point (r, alpha, a, b)",
            self.max_iters,
            &self.starts,
        )
    }

    /// Fit by maximum likelihood on the customers' histories.
    pub fn fit(&self, histories: &[PurchaseHistory]) -> Result<BgNbd, ValueError> {
        self.check()?;
        let data = Histories::new(histories)?;
        if data.repeat_total <= 0.0 {
            return Err(ValueError::NoRepeatPurchases {
                customers: histories.len(),
            });
        }
        // Days per repeat purchase: alpha's scale (the mean purchase rate is r / alpha).
        let scale = data.age_total / data.repeat_total;
        let nbd_starts = [
            vec![0.0, scale.ln()],
            vec![(0.5f64).ln(), (0.5 * scale).ln()],
        ];
        let nbd = minimize(&NbdObjective { data: &data }, &nbd_starts, self.max_iters);
        let mut starts = log_starts(&self.starts);
        for [r, alpha, a, b] in [
            [1.0, scale, 1.0, 1.0],
            [0.5, 0.5 * scale, 0.5, 5.0],
            [2.0, 2.0 * scale, 0.2, 20.0],
        ] {
            starts.push(vec![r.ln(), alpha.ln(), a.ln(), b.ln()]);
        }
        if let Some(nbd) = &nbd {
            if let [ln_r, ln_alpha] = nbd.theta[..] {
                starts.push(vec![ln_r, ln_alpha, (0.01f64).ln(), (100.0f64).ln()]);
            }
        }
        let best = minimize(&BgNbdObjective { data: &data }, &starts, self.max_iters).ok_or(
            ValueError::DidNotConverge {
                model: "BG/NBD",
                parameter: "r",
                toward: "an undefined value",
                value: f64::NAN,
            },
        )?;
        let [r, alpha, a, b] = match best.theta[..] {
            [r, alpha, a, b] => [r.exp(), alpha.exp(), a.exp(), b.exp()],
            _ => [f64::NAN; 4],
        };
        let log_likelihood = -best.value * data.weight;
        let no_dropout_log_likelihood = nbd.map(|n| -n.value * data.weight);
        let mean_dropout = a / (a + b);
        let gain = no_dropout_log_likelihood.map(|nbd| log_likelihood - nbd);
        let at_boundary =
            mean_dropout < NO_DROPOUT_MEAN || gain.is_some_and(|gain| gain < NO_DROPOUT_GAIN);
        runaway_check("BG/NBD", "r", r, 1.0)?;
        runaway_check("BG/NBD", "alpha", alpha, scale)?;
        if !at_boundary {
            runaway_check("BG/NBD", "a", a, 1.0)?;
            runaway_check("BG/NBD", "b", b, 1.0)?;
        }
        let boundary = at_boundary.then(|| Boundary {
            mean_dropout,
            no_dropout_log_likelihood: no_dropout_log_likelihood.unwrap_or(log_likelihood),
            explanation: boundary_explanation(a, b, mean_dropout),
        });
        Ok(BgNbd {
            r,
            alpha,
            a,
            b,
            log_likelihood,
            boundary,
            customers: histories.len(),
            iterations: best.iterations,
            converged: best.converged,
        })
    }
}

fn boundary_explanation(a: f64, b: f64, mean_dropout: f64) -> String {
    format!(
        "The data show almost no customers dropping out: the model treats every customer as \
         still active. Its dropout parameters ran to their limit (a = {a:.3e}, b = {b:.3e}; a \
         customer drops out after a purchase with probability {mean_dropout:.1e} on average), \
         where BG/NBD becomes the simpler NBD model without dropout, and a model with dropout \
         fits no better. Purchase forecasts are reliable; P(alive) ≈ 1 for everyone, so it \
         does not tell customers apart here."
    )
}

impl BgNbd {
    /// E[Y(t) | x, t_x, T]: expected purchase days in the next `t` days of a customer with
    /// `x` repeat purchase days, recency `t_x` and age `big_t` (paper, eq. 10). `NaN` for a
    /// negative `t` or an inconsistent history.
    pub fn expected_purchases(&self, t: f64, x: u32, t_x: f64, big_t: f64) -> f64 {
        if !(t >= 0.0 && valid_history(x, t_x, big_t)) {
            return f64::NAN;
        }
        let xf = f64::from(x);
        let if_alive = expected_if_alive(
            self.r + xf,
            self.a,
            self.a + self.b + xf - 1.0,
            t / (self.alpha + big_t),
        );
        if_alive * self.p_alive(x, t_x, big_t)
    }

    /// P(alive | x, t_x, T) (paper, eq. 11, lifetimes' `conditional_probability_alive`): 1 for
    /// a customer without a repeat purchase (BG/NBD drops customers out only after a
    /// purchase).
    pub fn p_alive(&self, x: u32, t_x: f64, big_t: f64) -> f64 {
        if !valid_history(x, t_x, big_t) {
            return f64::NAN;
        }
        if x == 0 {
            return 1.0;
        }
        let xf = f64::from(x);
        // ln[ a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) ]
        let log_odds_dead = self.a.ln() - (self.b + xf - 1.0).ln()
            + (self.r + xf) * ((big_t - t_x) / (self.alpha + t_x)).ln_1p();
        logistic(-log_odds_dead)
    }

    /// E[X(t)]: expected repeat purchase days of a new customer in the first `t` days after
    /// the first purchase (paper, eq. 9).
    pub fn expected_unconditional(&self, t: f64) -> f64 {
        if t.is_nan() || t < 0.0 {
            return f64::NAN;
        }
        expected_if_alive(self.r, self.a, self.a + self.b - 1.0, t / self.alpha)
    }

    /// The model's side of the tracking chart: for each week end `d` of
    /// [`Calibration::tracking`], Σ_i E[X(d − first_i)] over the modelled customers
    /// (customers whose first purchase is after `d` add nothing).
    pub fn expected_cumulative_repeats(&self, calibration: &Calibration) -> Vec<f64> {
        let week_ends = &calibration.tracking.week_ends;
        let (Some(&last_end), Some(first)) = (
            week_ends.last(),
            calibration.customers.iter().map(|c| c.first_day).min(),
        ) else {
            return vec![0.0; week_ends.len()];
        };
        // E[X(t)] for every whole t from 0 to the longest gap, and customers per first day.
        let longest = usize::try_from(i64::from(last_end) - i64::from(first)).unwrap_or(0);
        let expected: Vec<f64> = (0..=longest)
            .map(|t| self.expected_unconditional(t as f64))
            .collect();
        let mut per_first_day = vec![0u64; longest + 1];
        for c in &calibration.customers {
            if let Some(count) = usize::try_from(c.first_day - first)
                .ok()
                .and_then(|i| per_first_day.get_mut(i))
            {
                *count += 1;
            }
        }
        week_ends
            .iter()
            .map(|&end| {
                per_first_day
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .filter_map(|(offset, n)| {
                        let gap = i64::from(end) - i64::from(first) - offset as i64;
                        let t = usize::try_from(gap).ok()?;
                        Some(*n as f64 * expected.get(t).copied().unwrap_or(0.0))
                    })
                    .sum()
            })
            .collect()
    }

    /// The log-likelihood of `histories` under this model (total over customers).
    pub fn log_likelihood_of(&self, histories: &[PurchaseHistory]) -> Result<f64, ValueError> {
        let data = Histories::new(histories)?;
        let theta = [self.r, self.alpha, self.a, self.b].map(f64::ln);
        let mut gradient = [0.0; 4];
        Ok(-BgNbdObjective { data: &data }.evaluate(&theta, &mut gradient) * data.weight)
    }
}

fn valid_history(x: u32, t_x: f64, big_t: f64) -> bool {
    t_x >= 0.0 && big_t >= t_x && big_t.is_finite() && (x > 0 || t_x == 0.0)
}

fn logistic(v: f64) -> f64 {
    if v >= 0.0 {
        1.0 / (1.0 + (-v).exp())
    } else {
        let e = v.exp();
        e / (1.0 + e)
    }
}

/// Expected purchases in the next t days of a customer alive now: with m = r + x,
/// c = a + b + x − 1 and k = t / (α + T) (u = 1/(1+k), z = k/(1+k)), the paper's
///
/// ```text
/// c / (a − 1) · [1 − u^m · 2F1(m, b + x; c; z)]
/// ```
///
/// For large b (near the no-dropout boundary) the bracket is a difference of two numbers
/// within ~1/b of each other, so it is summed in a rearranged form instead. By Euler's
/// transformation u^m 2F1(m, b+x; c; z) = u^(a−1) 2F1(c − m, a − 1; c; z), and the zeroth-order
/// part cancels exactly, leaving
///
/// ```text
/// u^(a−1) · Σ_{n≥1} D_n · (a)_{n−1} zⁿ / n!,   D_n = c · (1 − (c−m)_n / (c)_n)
/// ```
///
/// with D_1 = m and D_{n+1} = D_n + σ_n m / (c + n), σ_1 = c − m, σ_{n+1} = σ_n (c−m+n)/(c+n):
/// no subtraction of near-equal numbers, no division by a − 1, and at b → ∞ it becomes the
/// NBD's m·k. The unconditional E[X(t)] is the same with x = 0, T = 0.
fn expected_if_alive(m: f64, a: f64, c: f64, k: f64) -> f64 {
    if k.is_nan() || k <= 0.0 {
        return if k == 0.0 { 0.0 } else { f64::NAN };
    }
    let ln_u = -k.ln_1p();
    let z = k / (1.0 + k);
    let ln_factor = (a - 1.0) * ln_u + k.ln() + ln_u; // ln(u^(a−1) · z)
                                                      // Past this index the terms shrink at least geometrically (ratio → z).
    let settled = (a.max(1.0) * z / (1.0 - z)).ceil().min(MAX_TERMS as f64) as usize + 2;
    let mut d = m;
    let mut sigma = c - m;
    let mut w = 1.0; // (a)_{n−1} zⁿ / n! divided by z
    let mut sum = 0.0;
    for n in 1..MAX_TERMS {
        let term = d * w;
        sum += term;
        if n >= settled && term.abs() <= 1e-17 * (1.0 - z) * sum.abs() {
            break;
        }
        let nf = n as f64;
        d += sigma * m / (c + nf);
        sigma *= (c - m + nf) / (c + nf);
        w *= (a + nf - 1.0) * z / (nf + 1.0);
    }
    if sum > 0.0 {
        (ln_factor + sum.ln()).exp()
    } else {
        ln_factor.exp() * sum
    }
}

/// The customers' histories, with identical ones merged.
struct Histories {
    max_x: usize,
    /// Distinct ages T and recencies t_x, sorted.
    ages: Vec<f64>,
    recencies: Vec<f64>,
    groups: Vec<Group>,
    /// Customers.
    weight: f64,
    /// Σ x and Σ T.
    repeat_total: f64,
    age_total: f64,
}

/// Customers with the same history.
struct Group {
    x: usize,
    age: usize,
    recency: usize,
    weight: f64,
}

impl Histories {
    fn new(histories: &[PurchaseHistory]) -> Result<Histories, ValueError> {
        if let Some((index, h)) = histories
            .iter()
            .enumerate()
            .find(|(_, h)| !valid_history(h.x, h.t_x, h.t_big))
        {
            return Err(ValueError::InvalidHistory {
                index,
                x: h.x,
                t_x: h.t_x,
                t_big: h.t_big,
            });
        }
        if histories.is_empty() {
            return Err(ValueError::NoRepeatPurchases { customers: 0 });
        }
        let distinct = |values: Vec<f64>| {
            let mut values = values;
            values.sort_by(f64::total_cmp);
            values.dedup();
            values
        };
        let ages = distinct(histories.iter().map(|h| h.t_big).collect());
        let recencies = distinct(histories.iter().map(|h| h.t_x).collect());
        let index = |values: &[f64], v: f64| values.partition_point(|u| u.total_cmp(&v).is_lt());
        let mut keys: Vec<(usize, usize, usize)> = histories
            .iter()
            .map(|h| {
                (
                    h.x as usize,
                    index(&ages, h.t_big),
                    index(&recencies, h.t_x),
                )
            })
            .collect();
        keys.sort_unstable();
        let groups: Vec<Group> = keys
            .chunk_by(|p, q| p == q)
            .filter_map(|same| {
                let &(x, age, recency) = same.first()?;
                Some(Group {
                    x,
                    age,
                    recency,
                    weight: same.len() as f64,
                })
            })
            .collect();
        Ok(Histories {
            max_x: groups.iter().map(|g| g.x).max().unwrap_or(0),
            ages,
            recencies,
            groups,
            weight: histories.len() as f64,
            repeat_total: histories.iter().map(|h| f64::from(h.x)).sum(),
            age_total: histories.iter().map(|h| h.t_big).sum(),
        })
    }
}

/// Per x = 0..=max_x: Σ_{k<x} ln(r+k) and Σ_{k<x} 1/(r+k) (ln Γ(r+x) − ln Γ(r) and its
/// derivative in r).
fn rising_log_sums(r: f64, max_x: usize) -> (Vec<f64>, Vec<f64>) {
    let mut sums = Vec::with_capacity(max_x + 1);
    let mut derivatives = Vec::with_capacity(max_x + 1);
    let (mut s, mut d) = (0.0, 0.0);
    for k in 0..=max_x {
        sums.push(s);
        derivatives.push(d);
        let rk = r + k as f64;
        s += rk.ln();
        d += 1.0 / rk;
    }
    (sums, derivatives)
}

/// ln(α + v) and 1/(α + v) for each value.
fn shifted_logs(alpha: f64, values: &[f64]) -> (Vec<f64>, Vec<f64>) {
    values
        .iter()
        .map(|v| ((alpha + v).ln(), 1.0 / (alpha + v)))
        .unzip()
}

/// The negative mean log-likelihood of BG/NBD in (ln r, ln α, ln a, ln b).
struct BgNbdObjective<'a> {
    data: &'a Histories,
}

impl Objective for BgNbdObjective<'_> {
    fn evaluate(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        let (&[ln_r, ln_alpha, ln_a, ln_b], [g_r, g_alpha, g_a, g_b]) = (theta, gradient) else {
            return f64::NAN;
        };
        let (r, alpha, a, b) = (ln_r.exp(), ln_alpha.exp(), ln_a.exp(), ln_b.exp());
        let data = self.data;
        let n = data.max_x + 1;
        let (sum_r, d_sum_r) = rising_log_sums(r, data.max_x);
        // ln B(a, b+x) − ln B(a, b) = Σ_{k<x} ln((b+k)/(a+b+k)), its a- and b-derivatives,
        // ln(b+x−1) and 1/(b+x−1).
        let mut beta = Vec::with_capacity(n);
        let (mut s, mut da, mut db) = (0.0, 0.0, 0.0);
        for k in 0..n {
            let kf = k as f64;
            let (ln_b1, inv_b1) = if k > 0 {
                ((b + kf - 1.0).ln(), 1.0 / (b + kf - 1.0))
            } else {
                (0.0, 0.0)
            };
            beta.push((s, da, db, ln_b1, inv_b1));
            s -= (a / (b + kf)).ln_1p();
            da -= 1.0 / (a + b + kf);
            db += a / ((b + kf) * (a + b + kf));
        }
        let (ln_age, inv_age) = shifted_logs(alpha, &data.ages);
        let (ln_rec, inv_rec) = shifted_logs(alpha, &data.recencies);
        let (mut ll, mut dr, mut dalpha, mut d_a, mut d_b) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for g in &data.groups {
            let (
                Some(&sr),
                Some(&dsr),
                Some(&(sab, dsab_a, dsab_b, ln_b1, inv_b1)),
                Some(&la),
                Some(&ia),
                Some(&lr),
                Some(&ir),
            ) = (
                sum_r.get(g.x),
                d_sum_r.get(g.x),
                beta.get(g.x),
                ln_age.get(g.age),
                inv_age.get(g.age),
                ln_rec.get(g.recency),
                inv_rec.get(g.recency),
            )
            else {
                return f64::NAN;
            };
            let m = r + g.x as f64;
            let a3 = -m * la;
            let (tail, s4) = if g.x > 0 {
                let a4 = ln_a - ln_b1 - m * lr;
                // ln(e^a3 + e^a4) and the share e^a4 / (e^a3 + e^a4), with one exp.
                let e = (-(a3 - a4).abs()).exp();
                let share = if a4 > a3 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                (a3.max(a4) + e.ln_1p(), share)
            } else {
                (a3, 0.0)
            };
            let s3 = 1.0 - s4;
            let w = g.weight;
            ll += w * (sr + r * ln_alpha + sab + tail);
            dr += w * (dsr + ln_alpha - s3 * la - s4 * lr);
            dalpha += w * (r / alpha - m * (s3 * ia + s4 * ir));
            d_a += w * (dsab_a + s4 / a);
            d_b += w * (dsab_b - s4 * inv_b1);
        }
        let scale = -1.0 / data.weight;
        *g_r = scale * r * dr;
        *g_alpha = scale * alpha * dalpha;
        *g_a = scale * a * d_a;
        *g_b = scale * b * d_b;
        scale * ll
    }
}

/// The negative mean log-likelihood of the NBD (no dropout) in (ln r, ln α): the BG/NBD's
/// limit at a → 0 or b → ∞.
struct NbdObjective<'a> {
    data: &'a Histories,
}

impl Objective for NbdObjective<'_> {
    fn evaluate(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        let (&[ln_r, ln_alpha], [g_r, g_alpha]) = (theta, gradient) else {
            return f64::NAN;
        };
        let (r, alpha) = (ln_r.exp(), ln_alpha.exp());
        let data = self.data;
        let (sum_r, d_sum_r) = rising_log_sums(r, data.max_x);
        let (ln_age, inv_age) = shifted_logs(alpha, &data.ages);
        let (mut ll, mut dr, mut dalpha) = (0.0, 0.0, 0.0);
        for g in &data.groups {
            let (Some(&sr), Some(&dsr), Some(&la), Some(&ia)) = (
                sum_r.get(g.x),
                d_sum_r.get(g.x),
                ln_age.get(g.age),
                inv_age.get(g.age),
            ) else {
                return f64::NAN;
            };
            let m = r + g.x as f64;
            let w = g.weight;
            ll += w * (sr + r * ln_alpha - m * la);
            dr += w * (dsr + ln_alpha - la);
            dalpha += w * (r / alpha - m * ia);
        }
        let scale = -1.0 / data.weight;
        *g_r = scale * r * dr;
        *g_alpha = scale * alpha * dalpha;
        scale * ll
    }
}

#[cfg(test)]
mod tests {
    use super::super::special::{hyp2f1, ln_gamma};
    use super::*;

    fn model(r: f64, alpha: f64, a: f64, b: f64) -> BgNbd {
        BgNbd {
            r,
            alpha,
            a,
            b,
            log_likelihood: 0.0,
            boundary: None,
            customers: 0,
            iterations: 0,
            converged: true,
        }
    }

    /// The paper's eq. 10 as written, with the reference 2F1 (fine away from the boundary).
    fn textbook(m: &BgNbd, t: f64, x: u32, t_x: f64, big_t: f64) -> f64 {
        let (r, alpha, a, b) = (m.r, m.alpha, m.a, m.b);
        let x = f64::from(x);
        let z = t / (alpha + big_t + t);
        let u = (alpha + big_t) / (alpha + big_t + t);
        let bracket = 1.0 - u.powf(r + x) * hyp2f1(r + x, b + x, a + b + x - 1.0, z);
        let numerator = (a + b + x - 1.0) / (a - 1.0) * bracket;
        let dead = if x > 0.0 {
            a / (b + x - 1.0) * ((alpha + big_t) / (alpha + t_x)).powf(r + x)
        } else {
            0.0
        };
        numerator / (1.0 + dead)
    }

    /// The paper's eq. 6 with ln Γ, per customer.
    fn textbook_log_likelihood(m: &BgNbd, h: &PurchaseHistory) -> f64 {
        let (r, alpha, a, b) = (m.r, m.alpha, m.a, m.b);
        let x = f64::from(h.x);
        let ln_beta = |p: f64, q: f64| ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q);
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_beta(a, b + x) - ln_beta(a, b);
        let a3 = -(r + x) * (alpha + h.t_big).ln();
        let a4 = if h.x > 0 {
            (a / (b + x - 1.0)).ln() - (r + x) * (alpha + h.t_x).ln()
        } else {
            f64::NEG_INFINITY
        };
        a1 + a2 + (a3.exp() + a4.exp()).ln()
    }

    const CDNOW: (f64, f64, f64, f64) = (0.2426, 30.895, 0.7929, 2.4259);

    #[test]
    fn forecasts_match_the_papers_formula_away_from_the_boundary() {
        let (r, alpha, a, b) = CDNOW;
        let m = model(r, alpha, a, b);
        for (t, x, t_x, big_t) in [
            (273.0, 0, 0.0, 200.0),
            (273.0, 2, 30.5, 38.86 * 7.0),
            (39.0 * 7.0, 7, 200.0, 250.0),
            (10.0, 1, 5.0, 260.0),
            (1000.0, 30, 240.0, 260.0),
        ] {
            let robust = m.expected_purchases(t, x, t_x, big_t);
            let reference = textbook(&m, t, x, t_x, big_t);
            assert!(
                (robust - reference).abs() <= 1e-11 * reference,
                "{t} {x} {t_x} {big_t}: {robust} vs {reference}"
            );
        }
        // E[X(t)] is the conditional expectation of a customer with nothing yet.
        assert!((m.expected_unconditional(273.0) - textbook(&m, 273.0, 0, 0.0, 0.0)).abs() < 1e-12);
        // lifetimes 0.11.3, BetaGeoFitter with these parameters (freq D):
        // conditional_expected_number_of_purchases_up_to_time(273, 2, 30.5, 272.02) (also
        // mpmath at 40 digits) and conditional_probability_alive(2, 30.5, 272.02).
        let e = m.expected_purchases(273.0, 2, 30.5, 272.02);
        assert!((e - 0.181_450_510_717_798_3).abs() < 1e-12, "{e}");
        let p = m.p_alive(2, 30.5, 272.02);
        assert!((p - 0.107_547_09).abs() < 1e-8, "{p}");
    }

    #[test]
    fn forecasts_stay_exact_at_the_no_dropout_boundary() {
        // Online Retail's fit: a → 0, b → ∞; the NBD forecast (r + x) / (α + T) · t.
        for (a, b) in [
            (2.345e-6, 46_616.165_2),
            (1.0458, 4.852e8),
            (0.0113, 1.126e6),
        ] {
            let m = model(0.7224, 65.873, a, b);
            for (x, t_x, big_t) in [(0, 0.0, 100.0), (3, 80.0, 200.0), (60, 270.0, 283.0)] {
                let nbd = (0.7224 + f64::from(x)) / (65.873 + big_t) * 90.0;
                let e = m.expected_purchases(90.0, x, t_x, big_t);
                assert!((e - nbd).abs() < 2e-3 * nbd, "{a} {b} {x}: {e} vs {nbd}");
                assert!(m.p_alive(x, t_x, big_t) > 0.99);
            }
        }
        // 40 digits (mpmath) with the paper's formula at a = 2.345e-6, b = 46,616.1652:
        // E[Y(90) | x = 3, t_x = 80, T = 200].
        let m = model(0.7224, 65.873, 2.345e-6, 46_616.165_2);
        let e = m.expected_purchases(90.0, 3, 80.0, 200.0);
        assert!((e - 1.260_060_253_689_180_4).abs() < 1e-12, "{e}");
    }

    #[test]
    fn the_aggregated_likelihood_is_the_papers() {
        let histories = [
            PurchaseHistory {
                x: 0,
                t_x: 0.0,
                t_big: 38.86,
            },
            PurchaseHistory {
                x: 0,
                t_x: 0.0,
                t_big: 38.86,
            },
            PurchaseHistory {
                x: 2,
                t_x: 30.43,
                t_big: 38.86,
            },
            PurchaseHistory {
                x: 1,
                t_x: 1.71,
                t_big: 38.86,
            },
            PurchaseHistory {
                x: 14,
                t_x: 35.0,
                t_big: 37.0,
            },
        ];
        for (r, alpha, a, b) in [CDNOW, (0.7224, 65.873, 2.345e-6, 46_616.165_2)] {
            let m = model(r, alpha, a, b);
            let expected: f64 = histories
                .iter()
                .map(|h| textbook_log_likelihood(&m, h))
                .sum();
            let ll = m.log_likelihood_of(&histories).unwrap();
            assert!(
                (ll - expected).abs() < 1e-9 * expected.abs(),
                "{ll} vs {expected}"
            );
        }
        // The analytic gradient against central differences.
        let data = Histories::new(&histories).unwrap();
        let objective = BgNbdObjective { data: &data };
        let theta = [0.3f64.ln(), 2.0f64.ln(), 0.8f64.ln(), 2.5f64.ln()];
        let mut gradient = [0.0; 4];
        objective.evaluate(&theta, &mut gradient);
        for i in 0..4 {
            let (mut up, mut down) = (theta, theta);
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let mut scratch = [0.0; 4];
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
    fn a_runaway_parameter_is_named() {
        // Every customer alike: no heterogeneity in purchase rates, the fit runs r → ∞.
        let alike = vec![
            PurchaseHistory {
                x: 3,
                t_x: 90.0,
                t_big: 100.0,
            };
            40
        ];
        let error = BgNbdParams::default().fit(&alike).unwrap_err();
        assert!(
            matches!(
                error,
                ValueError::DidNotConverge {
                    parameter: "r",
                    toward: "infinity",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("its parameter r ran toward infinity"),
            "{error}"
        );
    }

    #[test]
    fn bad_settings_and_histories_are_refused() {
        let params = BgNbdParams {
            max_iters: 0,
            ..BgNbdParams::default()
        };
        assert!(params
            .check()
            .unwrap_err()
            .to_string()
            .contains("at least 1"));
        let params = BgNbdParams {
            starts: vec![[1.0, -1.0, 1.0, 1.0]],
            ..BgNbdParams::default()
        };
        assert!(params.check().is_err());
        let once = vec![
            PurchaseHistory {
                x: 0,
                t_x: 0.0,
                t_big: 10.0
            };
            40
        ];
        let error = BgNbdParams::default().fit(&once).unwrap_err();
        assert!(
            matches!(error, ValueError::NoRepeatPurchases { customers: 40 }),
            "{error}"
        );
        let wrong = [PurchaseHistory {
            x: 1,
            t_x: 20.0,
            t_big: 10.0,
        }];
        assert!(matches!(
            BgNbdParams::default().fit(&wrong),
            Err(ValueError::InvalidHistory { index: 0, .. })
        ));
        let m = model(1.0, 1.0, 1.0, 2.0);
        assert!(m.expected_purchases(-1.0, 0, 0.0, 1.0).is_nan());
        assert_eq!(m.expected_purchases(0.0, 2, 1.0, 3.0), 0.0);
    }
}
