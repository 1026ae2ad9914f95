//! Scaling numeric columns: `x' = (x − center) / scale`.
//!
//! - Standard: center = mean, scale = population sd (as scikit-learn's `StandardScaler`).
//! - MinMax: center = min, scale = max − min, so fitted data lies in 0…1.
//! - Robust: center = median, scale = IQR (linear-interpolation quartiles).
//!
//! A column without spread gets scale 1 (its values become 0, never NaN or infinity); an
//! entirely missing column gets center 0 and scale 1. 0/1 columns (outlier flags, booleans)
//! are left as they are so they stay readable as yes/no; every other numeric column, RFM
//! scores included, is scaled.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::CustomerTable;
use crate::core::prep::params::{ScaleMethod, ScaleParams};
use crate::core::prep::{fit_numeric, list_names, numeric_mut, plural, stats, Step, StepOutput};
use crate::core::receipt::ReceiptUnit;

const STEP: Step = Step {
    key: "scale",
    title: "Scale",
    unit: ReceiptUnit::Columns,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnScale {
    pub name: String,
    pub center: f64,
    pub scale: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedScale {
    pub params: ScaleParams,
    pub columns: Vec<ColumnScale>,
    /// 0/1 columns left unscaled.
    pub skipped: Vec<String>,
}

pub fn fit(params: &ScaleParams, table: &CustomerTable) -> FittedScale {
    let (columns, skipped) = fit_numeric(params.enabled, table, |name, v| {
        let (center, scale) = center_scale(params.method, v).unwrap_or((0.0, 1.0));
        let usable = scale.is_finite() && scale > 0.0;
        Some(ColumnScale {
            name: name.to_string(),
            center: if center.is_finite() { center } else { 0.0 },
            scale: if usable { scale } else { 1.0 },
        })
    });
    FittedScale {
        params: params.clone(),
        columns,
        skipped,
    }
}

fn center_scale(method: ScaleMethod, values: &[f64]) -> Option<(f64, f64)> {
    match method {
        ScaleMethod::Standard => stats::mean_sd(values),
        ScaleMethod::MinMax => stats::min_max(values).map(|(lo, hi)| (lo, hi - lo)),
        ScaleMethod::Robust => {
            let sorted = stats::sorted_finite(values);
            let median = stats::quantile_sorted(&sorted, 0.5)?;
            let (q1, q3) = stats::quartiles_sorted(&sorted)?;
            Some((median, q3 - q1))
        }
    }
}

/// "standard (mean 0, sd 1)" etc.
pub fn method_label(method: ScaleMethod) -> &'static str {
    match method {
        ScaleMethod::Standard => "standard (mean 0, sd 1)",
        ScaleMethod::MinMax => "min-max (0 to 1)",
        ScaleMethod::Robust => "robust (median 0, IQR 1)",
    }
}

impl FittedScale {
    pub fn apply(&self, mut table: CustomerTable) -> StepOutput {
        if !self.params.enabled {
            return Ok((table, STEP.off("off")));
        }
        let label = method_label(self.params.method);
        for c in &self.columns {
            let (v, description) = numeric_mut(&mut table, &c.name)?;
            for x in v.iter_mut() {
                *x = (*x - c.center) / c.scale;
            }
            *description = format!("{description}, scaled {label}");
        }
        let mut detail = format!(
            "{label}: {}",
            plural(self.columns.len(), "column", "columns")
        );
        if !self.skipped.is_empty() {
            detail.push_str(&format!(
                "; 0/1 columns left as is: {}",
                list_names(&self.skipped)
            ));
        }
        Ok((table, STEP.done(self.columns.len(), detail)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::prep::test_support::{numbers, numeric, table};

    fn scaled(method: ScaleMethod, values: &[f64]) -> Vec<f64> {
        let t = table(vec![numeric("x", values)]);
        let params = ScaleParams {
            enabled: true,
            method,
        };
        let (out, _) = fit(&params, &t).apply(t).unwrap();
        numbers(&out, "x")
    }

    #[test]
    fn standard_gives_mean_zero_and_population_sd_one() {
        let v = scaled(
            ScaleMethod::Standard,
            &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],
        );
        let (mean, sd) = stats::mean_sd(&v).unwrap();
        assert!(mean.abs() < 1e-12);
        assert!((sd - 1.0).abs() < 1e-12);
        assert_eq!(v[0], -1.5);
    }

    #[test]
    fn min_max_maps_to_zero_one() {
        assert_eq!(
            scaled(ScaleMethod::MinMax, &[10.0, 15.0, 20.0, f64::NAN])[..3],
            [0.0, 0.5, 1.0]
        );
    }

    #[test]
    fn robust_uses_median_and_iqr() {
        // median 3, Q1 2, Q3 4 → IQR 2.
        assert_eq!(
            scaled(ScaleMethod::Robust, &[1.0, 2.0, 3.0, 4.0, 5.0]),
            vec![-1.0, -0.5, 0.0, 0.5, 1.0]
        );
    }

    #[test]
    fn constant_columns_scale_by_one() {
        for method in [
            ScaleMethod::Standard,
            ScaleMethod::MinMax,
            ScaleMethod::Robust,
        ] {
            assert_eq!(scaled(method, &[7.0, 7.0, 7.0]), vec![0.0, 0.0, 0.0]);
        }
        let all_missing = scaled(ScaleMethod::Standard, &[f64::NAN, f64::NAN]);
        assert!(all_missing.iter().all(|x| x.is_nan()));
    }

    #[test]
    fn zero_one_columns_are_left_as_is() {
        let t = table(vec![numeric("flag", &[0.0, 1.0, 1.0])]);
        let params = ScaleParams {
            enabled: true,
            method: ScaleMethod::Standard,
        };
        let fitted = fit(&params, &t);
        assert_eq!(fitted.skipped, vec!["flag".to_string()]);
        let (out, line) = fitted.apply(t.clone()).unwrap();
        assert_eq!(out, t);
        assert_eq!(
            line.detail,
            "standard (mean 0, sd 1): 0 columns; 0/1 columns left as is: flag"
        );
    }
}
