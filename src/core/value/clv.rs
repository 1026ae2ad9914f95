//! Customer lifetime value from the two probabilistic models, per customer:
//! - over the horizon: E[Y(h) | x, t_x, T] × E[M | x, m_x] (no discounting, no margin);
//! - over months with a monthly discount rate, as lifetimes' `customer_lifetime_value` with
//!   `freq = "D"` defines it: 30-day months, Σ_{i=1..n} (E[Y(30i)] − E[Y(30(i−1))]) × E[M] /
//!   (1 + d)^i.
//!
//! Without spend in the data (no Gamma-Gamma) there is no value, only purchase forecasts.

use serde::{Deserialize, Serialize};

use super::bgnbd::BgNbd;
use super::calibration::{Calibration, PurchaseHistory};
use super::error::ValueError;
use super::gamma_gamma::GammaGamma;

/// Days in a month of the discounted CLV (lifetimes' factor for `freq = "D"`).
pub const MONTH_DAYS: f64 = 30.0;

/// The discounted CLV's settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DiscountParams {
    /// Discount rate per month (0.01 = 1 %).
    pub monthly_rate: f64,
    /// Months summed (lifetimes' `time`, 12 by default).
    pub months: u32,
}

impl Default for DiscountParams {
    fn default() -> DiscountParams {
        DiscountParams {
            monthly_rate: 0.01,
            months: 12,
        }
    }
}

impl DiscountParams {
    /// Check the settings: a rate from 0 to 100 % a month, 1 to 120 months.
    pub fn check(&self) -> Result<(), ValueError> {
        if !(self.monthly_rate.is_finite() && (0.0..=1.0).contains(&self.monthly_rate)) {
            return Err(ValueError::BadSetting {
                setting: "The monthly discount rate",
                requirement: "from 0 to 1 (0.01 is 1 % a month)",
                value: self.monthly_rate.to_string(),
            });
        }
        if !(1..=120).contains(&self.months) {
            return Err(ValueError::BadSetting {
                setting: "The months of discounted customer value",
                requirement: "from 1 to 120",
                value: self.months.to_string(),
            });
        }
        Ok(())
    }
}

/// CLV over the next `horizon_days`: expected purchases times expected spend per purchase.
pub fn horizon_clv(
    bgnbd: &BgNbd,
    history: &PurchaseHistory,
    horizon_days: f64,
    expected_spend: f64,
) -> f64 {
    bgnbd.expected_purchases(horizon_days, history.x, history.t_x, history.t_big) * expected_spend
}

/// lifetimes' `customer_lifetime_value` (freq "D"): each 30-day month's expected purchases
/// times the expected spend, discounted by (1 + rate)^month.
pub fn discounted_clv(
    bgnbd: &BgNbd,
    history: &PurchaseHistory,
    expected_spend: f64,
    params: &DiscountParams,
) -> f64 {
    let cumulative = |month: u32| {
        bgnbd.expected_purchases(
            MONTH_DAYS * f64::from(month),
            history.x,
            history.t_x,
            history.t_big,
        )
    };
    let mut value = 0.0;
    let mut before = 0.0;
    for month in 1..=params.months {
        let now = cumulative(month);
        value += (now - before) * expected_spend / (1.0 + params.monthly_rate).powi(month as i32);
        before = now;
    }
    value
}

/// What the models say of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerValue {
    /// Index into `PurchaseLines::ids`.
    pub customer: u32,
    /// E[purchase days in the horizon].
    pub expected_purchases: f64,
    pub p_alive: f64,
    /// E[spend per purchase] (`None` without Gamma-Gamma).
    pub expected_spend: Option<f64>,
    /// CLV over the horizon (`None` without Gamma-Gamma).
    pub clv_horizon: Option<f64>,
    /// Discounted CLV over [`DiscountParams::months`] (`None` without Gamma-Gamma).
    pub clv_discounted: Option<f64>,
}

/// Score every modelled customer of `calibration`.
pub fn score(
    calibration: &Calibration,
    bgnbd: &BgNbd,
    gamma_gamma: Option<&GammaGamma>,
    discount: &DiscountParams,
) -> Vec<CustomerValue> {
    let horizon = f64::from(calibration.horizon_days);
    calibration
        .customers
        .iter()
        .map(|c| {
            let history = c.history();
            let spend = gamma_gamma.map(|gg| {
                if c.monetary > 0.0 {
                    gg.expected_spend(c.x, c.monetary)
                } else {
                    gg.population_mean()
                }
            });
            CustomerValue {
                customer: c.customer,
                expected_purchases: bgnbd.expected_purchases(horizon, c.x, c.t_x, c.t_big),
                p_alive: bgnbd.p_alive(c.x, c.t_x, c.t_big),
                expected_spend: spend,
                clv_horizon: spend.map(|s| horizon_clv(bgnbd, &history, horizon, s)),
                clv_discounted: spend.map(|s| discounted_clv(bgnbd, &history, s, discount)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdnow() -> BgNbd {
        BgNbd {
            r: 0.2426,
            alpha: 30.895,
            a: 0.7929,
            b: 2.4259,
            log_likelihood: 0.0,
            boundary: None,
            customers: 0,
            iterations: 0,
            converged: true,
        }
    }

    /// lifetimes 0.11.3: `customer_lifetime_value(bgf, 2, 30.5, 272.02, 35.0, time=12,
    /// discount_rate=0.01, freq="D")` with [`cdnow`]'s parameters.
    const LIFETIMES_CLV: f64 = 7.536_034_698_328_964;

    #[test]
    fn discounted_clv_is_lifetimes() {
        let history = PurchaseHistory {
            x: 2,
            t_x: 30.5,
            t_big: 272.02,
        };
        let value = discounted_clv(&cdnow(), &history, 35.0, &DiscountParams::default());
        assert!((value - LIFETIMES_CLV).abs() < 1e-9, "{value}");
        // Without discounting the months add up to the forecast over 360 days.
        let flat = DiscountParams {
            monthly_rate: 0.0,
            months: 12,
        };
        let total = discounted_clv(&cdnow(), &history, 35.0, &flat);
        let horizon = horizon_clv(&cdnow(), &history, 360.0, 35.0);
        assert!((total - horizon).abs() < 1e-12, "{total} vs {horizon}");
    }

    #[test]
    fn bad_discount_settings_are_refused() {
        let bad = DiscountParams {
            monthly_rate: -0.1,
            months: 12,
        };
        assert!(bad
            .check()
            .unwrap_err()
            .to_string()
            .contains("monthly discount rate"));
        let bad = DiscountParams {
            monthly_rate: 0.01,
            months: 0,
        };
        assert!(bad.check().is_err());
        assert!(DiscountParams::default().check().is_ok());
    }
}
