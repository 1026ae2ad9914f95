//! Outliers of numeric columns by IQR (Tukey fences) or z-score, then flagged, capped or
//! removed.
//!
//! Fitting turns either method into bounds per column, so new data is judged against the
//! fitted data's bulk. Quartiles interpolate linearly (numpy's default, see
//! [`crate::core::prep::stats`]); the z-score uses the population sd.
//!
//! Columns that are not checked, and why:
//! - 0/1 columns (flags, booleans): a rare 1 would always be an "outlier";
//! - columns without spread (IQR 0, or sd 0 for z-scores): the bounds would collapse onto one
//!   value and every other value would be capped or removed;
//! - columns with no values.
//!
//! Flag adds one 0/1 column `<name>_outlier` right after each column that had at least one
//! outlier when fitted (not one per checked column: most would be all zeros). Missing values
//! are never outliers.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
use crate::core::format;
use crate::core::prep::params::{OutlierAction, OutlierMethod, OutlierParams};
use crate::core::prep::{
    feature_index, fit_numeric, list_names, numeric_mut, plural, stats, unique_name, PrepError,
    Step, StepOutput,
};
use crate::core::receipt::ReceiptUnit;

/// Counts values, or rows when they are removed.
const STEP: Step = Step {
    key: "outliers",
    title: "Outliers",
    unit: ReceiptUnit::Values,
};

/// The fitted bounds of one column: values below `lower` or above `upper` are outliers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierBounds {
    pub name: String,
    pub lower: f64,
    pub upper: f64,
    /// Values outside the bounds in the fitted data.
    pub fitted_outliers: u64,
    /// Name of the 0/1 column added by [`OutlierAction::Flag`], when this column gets one.
    pub flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedOutliers {
    pub params: OutlierParams,
    pub bounds: Vec<OutlierBounds>,
    /// Numeric columns not checked (0/1, no spread or no values).
    pub skipped: Vec<String>,
}

pub fn fit(params: &OutlierParams, table: &CustomerTable) -> FittedOutliers {
    let mut taken: Vec<String> = table.features.iter().map(|f| f.name.clone()).collect();
    let (bounds, skipped) = fit_numeric(params.enabled, table, |name, v| {
        let (lower, upper) = fences(params.method, v)?;
        let fitted_outliers = v.iter().filter(|&&x| x < lower || x > upper).count() as u64;
        let flag = (params.action == OutlierAction::Flag && fitted_outliers > 0).then(|| {
            let flag = unique_name(&format!("{name}_outlier"), &taken);
            taken.push(flag.clone());
            flag
        });
        Some(OutlierBounds {
            name: name.to_string(),
            lower,
            upper,
            fitted_outliers,
            flag,
        })
    });
    FittedOutliers {
        params: params.clone(),
        bounds,
        skipped,
    }
}

/// Bounds of one column, `None` when it has no values or no spread.
fn fences(method: OutlierMethod, values: &[f64]) -> Option<(f64, f64)> {
    match method {
        OutlierMethod::Iqr { k } => {
            let sorted = stats::sorted_finite(values);
            let (q1, q3) = stats::quartiles_sorted(&sorted)?;
            let iqr = q3 - q1;
            (iqr > 0.0).then_some((q1 - k * iqr, q3 + k * iqr))
        }
        OutlierMethod::ZScore { z } => {
            let (mean, sd) = stats::mean_sd(values)?;
            (sd > 0.0).then_some((mean - z * sd, mean + z * sd))
        }
    }
}

/// "IQR × 1.5" or "|z| > 3".
pub fn method_label(method: OutlierMethod) -> String {
    match method {
        OutlierMethod::Iqr { k } => format!("IQR × {k}"),
        OutlierMethod::ZScore { z } => format!("|z| > {z}"),
    }
}

impl FittedOutliers {
    pub fn apply(&self, mut table: CustomerTable) -> StepOutput {
        if !self.params.enabled {
            return Ok((table, STEP.off("off")));
        }
        let method = method_label(self.params.method);
        let checked = self.bounds.len();
        let (touched, unit, mut detail) = match self.params.action {
            OutlierAction::Cap => {
                let (values, columns) = self.cap(&mut table)?;
                (
                    values,
                    ReceiptUnit::Values,
                    format!(
                        "{method}: {} capped in {} (of {} checked)",
                        plural(values, "value", "values"),
                        plural(columns, "column", "columns"),
                        checked
                    ),
                )
            }
            OutlierAction::Flag => {
                let (values, added) = self.flag(&mut table)?;
                let mut detail = format!(
                    "{method}: {} flagged (of {} checked columns)",
                    plural(values, "value", "values"),
                    checked
                );
                if !added.is_empty() {
                    detail.push_str(&format!("; added {}", list_names(&added)));
                }
                (values, ReceiptUnit::Values, detail)
            }
            OutlierAction::Remove => {
                let rows = self.remove(&mut table)?;
                (
                    rows,
                    ReceiptUnit::Rows,
                    format!(
                        "{method}: removed {} with an outlier in any of {}",
                        plural(rows, "row", "rows"),
                        plural(checked, "column", "columns")
                    ),
                )
            }
        };
        if !self.skipped.is_empty() {
            detail.push_str(&format!(
                "; {} not checked (0/1, no spread or no values)",
                plural(self.skipped.len(), "column", "columns")
            ));
        }
        Ok((table, Step { unit, ..STEP }.done(touched, detail)))
    }

    /// Clamp to the bounds; returns (values capped, columns with any).
    fn cap(&self, table: &mut CustomerTable) -> Result<(usize, usize), PrepError> {
        let (mut values, mut columns) = (0, 0);
        for b in &self.bounds {
            let (v, _) = numeric_mut(table, &b.name)?;
            let mut n = 0;
            for x in v.iter_mut() {
                if *x < b.lower {
                    *x = b.lower;
                    n += 1;
                } else if *x > b.upper {
                    *x = b.upper;
                    n += 1;
                }
            }
            values += n;
            columns += usize::from(n > 0);
        }
        Ok((values, columns))
    }

    /// Add the flag columns; returns (values flagged, names added).
    fn flag(&self, table: &mut CustomerTable) -> Result<(usize, Vec<String>), PrepError> {
        let mut flagged = 0;
        let mut added = Vec::new();
        for b in &self.bounds {
            let Some(flag_name) = &b.flag else {
                continue;
            };
            let (v, _) = numeric_mut(table, &b.name)?;
            let flags: Vec<f64> = v
                .iter()
                .map(|&x| f64::from(u8::from(x < b.lower || x > b.upper)))
                .collect();
            flagged += flags.iter().filter(|&&f| f == 1.0).count();
            let index = feature_index(table, &b.name)?;
            let feature = Feature {
                name: flag_name.clone(),
                description: format!(
                    "1 when {} is outside {} … {} ({}), else 0",
                    b.name,
                    format::number(b.lower),
                    format::number(b.upper),
                    method_label(self.params.method)
                ),
                values: FeatureValues::Numeric(flags),
                meta: Default::default(),
            };
            table.features.insert(index + 1, feature);
            added.push(flag_name.clone());
        }
        Ok((flagged, added))
    }

    /// Drop rows with an outlier in any checked column; returns rows removed.
    fn remove(&self, table: &mut CustomerTable) -> Result<usize, PrepError> {
        let n = table.n_rows();
        let mut keep = vec![true; n];
        for b in &self.bounds {
            let (v, _) = numeric_mut(table, &b.name)?;
            for (k, &x) in keep.iter_mut().zip(v.iter()) {
                if x < b.lower || x > b.upper {
                    *k = false;
                }
            }
        }
        let removed = keep.iter().filter(|k| !**k).count();
        if removed == 0 {
            return Ok(0);
        }
        if removed == n {
            return Err(PrepError::AllRowsRemoved);
        }
        retain_rows(table, &keep);
        Ok(removed)
    }
}

/// Keep the rows where `keep` is true (rows beyond `keep` are kept).
fn retain_rows(table: &mut CustomerTable, keep: &[bool]) {
    fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
        let mut i = 0;
        v.retain(|_| {
            let k = keep.get(i).copied().unwrap_or(true);
            i += 1;
            k
        });
    }
    retain(&mut table.ids, keep);
    for feature in &mut table.features {
        match &mut feature.values {
            FeatureValues::Numeric(v) => retain(v, keep),
            FeatureValues::Categorical { codes, .. } => retain(codes, keep),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::prep::test_support::{categorical, numbers, numeric, table};

    fn params(method: OutlierMethod, action: OutlierAction) -> OutlierParams {
        OutlierParams {
            enabled: true,
            method,
            action,
        }
    }

    const IQR: OutlierMethod = OutlierMethod::Iqr { k: 1.5 };

    #[test]
    fn iqr_bounds_match_hand_computed_quartiles() {
        // Sorted: 1 2 3 4 5 6 7 8 100 (n = 9). Linear interpolation: Q1 at position 2 → 3,
        // Q3 at position 6 → 7; IQR 4; fences 3 − 6 = −3 and 7 + 6 = 13.
        let t = table(vec![numeric(
            "x",
            &[5.0, 1.0, 100.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0],
        )]);
        let fitted = fit(&params(IQR, OutlierAction::Cap), &t);
        let b = &fitted.bounds[0];
        assert_eq!((b.lower, b.upper, b.fitted_outliers), (-3.0, 13.0, 1));
        // n = 4: 1 2 3 4 → Q1 1.75, Q3 3.25 (numpy), IQR 1.5.
        let t4 = table(vec![numeric("x", &[4.0, 3.0, 2.0, 1.0])]);
        let b4 = fit(
            &params(OutlierMethod::Iqr { k: 1.0 }, OutlierAction::Cap),
            &t4,
        );
        assert_eq!((b4.bounds[0].lower, b4.bounds[0].upper), (0.25, 4.75));
    }

    #[test]
    fn z_score_bounds_use_population_sd() {
        // mean 5, population sd 2.
        let t = table(vec![numeric(
            "x",
            &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],
        )]);
        let fitted = fit(
            &params(OutlierMethod::ZScore { z: 1.5 }, OutlierAction::Flag),
            &t,
        );
        let b = &fitted.bounds[0];
        assert_eq!((b.lower, b.upper), (2.0, 8.0));
        let (out, line) = fitted.apply(t).unwrap();
        assert_eq!(
            numbers(&out, "x_outlier"),
            vec![0., 0., 0., 0., 0., 0., 0., 1.]
        );
        assert_eq!(out.features[1].name, "x_outlier");
        assert_eq!(line.touched, 1);
        assert_eq!(line.unit, ReceiptUnit::Values);
    }

    #[test]
    fn cap_clamps_and_remove_drops_rows() {
        let data = [5.0, 1.0, 100.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0];
        let t = table(vec![numeric("x", &data), categorical("c", &[Some("a"); 9])]);
        let (capped, line) = fit(&params(IQR, OutlierAction::Cap), &t)
            .apply(t.clone())
            .unwrap();
        assert_eq!(numbers(&capped, "x")[2], 13.0);
        assert_eq!(capped.n_rows(), 9);
        assert_eq!(
            line.detail,
            "IQR × 1.5: 1 value capped in 1 column (of 1 checked)"
        );

        let (removed, line) = fit(&params(IQR, OutlierAction::Remove), &t)
            .apply(t.clone())
            .unwrap();
        assert_eq!(removed.n_rows(), 8);
        assert_eq!(removed.ids.len(), 8);
        assert!(!removed.ids.contains(&"3".to_string()));
        assert_eq!(removed.features[1].values.len(), 8);
        assert_eq!((line.touched, line.unit), (1, ReceiptUnit::Rows));
        removed.check().unwrap();
    }

    #[test]
    fn zero_one_and_constant_columns_are_not_checked() {
        let t = table(vec![
            numeric("flag", &[0.0, 0.0, 0.0, 0.0, 1.0]),
            numeric("same", &[2.0, 2.0, 2.0, 2.0, 9.0]),
        ]);
        let fitted = fit(&params(IQR, OutlierAction::Cap), &t);
        assert!(fitted.bounds.is_empty());
        assert_eq!(fitted.skipped, vec!["flag".to_string(), "same".to_string()]);
        let (out, line) = fitted.apply(t.clone()).unwrap();
        assert_eq!(out, t);
        assert_eq!(line.touched, 0);
    }

    #[test]
    fn removing_every_row_is_an_error() {
        let fitted = FittedOutliers {
            params: params(IQR, OutlierAction::Remove),
            bounds: vec![OutlierBounds {
                name: "x".into(),
                lower: 10.0,
                upper: 20.0,
                fitted_outliers: 0,
                flag: None,
            }],
            skipped: vec![],
        };
        let t = table(vec![numeric("x", &[1.0, 2.0])]);
        assert_eq!(fitted.apply(t), Err(PrepError::AllRowsRemoved));
    }
}
