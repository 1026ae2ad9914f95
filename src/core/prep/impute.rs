//! Fill missing values: numeric columns with their median, mean or a constant; categorical
//! columns with their most frequent level or a constant label.
//!
//! A column that is entirely missing when fitted has no median, mean or mode: it is left as it
//! is (not an error, so one empty column does not block the rest) and the receipt says so.
//! Constants need no data and fill such columns too.
//!
//! The median of a 0/1 column (flag, boolean) is its more frequent value, 0 on a tie, so the
//! column stays 0/1 (the interpolated median of an even split would be 0.5).
//!
//! Blanks that are not missing data — a feature not defined for a customer, marked by
//! [`FeatureMeta::undefined`](crate::core::customer_table::FeatureMeta) (the gap between
//! orders of a one-order customer) — are never imputed: they get the feature's defined model
//! value (e.g. 0), always, also when filling is switched off, on a receipt line of their own
//! (`not_defined`, before `impute`), counted apart from the imputed values. A feature so
//! marked has no fill of its own: every blank in it is a blank by construction.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::format;
use crate::core::prep::params::{CategoricalImpute, ImputeParams, NumericImpute};
use crate::core::prep::{
    feature_mut, kind_changed, list_names, numeric_mut, plural, stats, PrepError, Step, StepOutput,
};
use crate::core::receipt::{ReceiptLine, ReceiptUnit};
use crate::core::table::MISSING;

const STEP: Step = Step {
    key: "impute",
    title: "Fill missing values",
    unit: ReceiptUnit::Values,
};

const NOT_DEFINED: Step = Step {
    key: "not_defined",
    title: "Give not-defined cells their model value",
    unit: ReceiptUnit::Values,
};

/// The fill value of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputeFill {
    pub name: String,
    pub fill: FillValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillValue {
    Number(f64),
    Level(String),
}

/// Fitted imputation: the value for each column, and the columns that could not be fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedImpute {
    pub params: ImputeParams,
    /// Every column with a fill value (also those without missing values when fitted: new
    /// data may have some).
    pub fills: Vec<ImputeFill>,
    /// Columns entirely missing when fitted, left as they are.
    pub all_missing: Vec<String>,
    /// Columns whose blanks are not defined (not missing): the model value each blank gets,
    /// whether filling is on or off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undefined: Vec<UndefinedFill>,
}

/// The model value of a column's not-defined cells, and why they are blank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndefinedFill {
    pub name: String,
    pub value: f64,
    pub reason: String,
}

pub fn fit(params: &ImputeParams, table: &CustomerTable) -> FittedImpute {
    let mut fills = Vec::new();
    let mut all_missing = Vec::new();
    let mut undefined = Vec::new();
    for feature in &table.features {
        if let (Some(blanks), true) = (&feature.meta.undefined, feature.values.is_numeric()) {
            undefined.push(UndefinedFill {
                name: feature.name.clone(),
                value: blanks.model_value,
                reason: blanks.reason.clone(),
            });
        }
    }
    if params.enabled {
        for feature in &table.features {
            if undefined.iter().any(|u| u.name == feature.name) {
                continue;
            }
            let fill = match &feature.values {
                FeatureValues::Numeric(v) => match params.numeric {
                    NumericImpute::Median if stats::is_indicator(v) => {
                        Some(FillValue::Number(more_frequent_of_zero_one(v)))
                    }
                    NumericImpute::Median => stats::median(v).map(FillValue::Number),
                    NumericImpute::Mean => stats::mean(v).map(FillValue::Number),
                    NumericImpute::Constant(c) => Some(FillValue::Number(c)),
                },
                FeatureValues::Categorical { levels, codes } => match &params.categorical {
                    CategoricalImpute::Mode => mode(levels, codes).map(FillValue::Level),
                    CategoricalImpute::Constant(label) => Some(FillValue::Level(label.clone())),
                },
            };
            match fill {
                Some(fill) => fills.push(ImputeFill {
                    name: feature.name.clone(),
                    fill,
                }),
                None => all_missing.push(feature.name.clone()),
            }
        }
    }
    FittedImpute {
        params: params.clone(),
        fills,
        all_missing,
        undefined,
    }
}

/// The median of a 0/1 column, kept 0 or 1: the more frequent value, 0 on a tie (where the
/// interpolated median would be 0.5).
fn more_frequent_of_zero_one(values: &[f64]) -> f64 {
    let ones = values.iter().filter(|&&x| x == 1.0).count();
    let zeros = values.iter().filter(|&&x| x == 0.0).count();
    if ones > zeros {
        1.0
    } else {
        0.0
    }
}

/// Most frequent level that occurs; ties go to the first level.
fn mode(levels: &[String], codes: &[u32]) -> Option<String> {
    let mut counts = vec![0usize; levels.len()];
    for &c in codes {
        if let Some(n) = counts.get_mut(c as usize) {
            *n += 1;
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, &n) in counts.iter().enumerate() {
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((i, n));
        }
    }
    best.and_then(|(i, _)| levels.get(i).cloned())
}

impl FittedImpute {
    /// Give the not-defined cells their model value. `None` when no column has such cells by
    /// construction (a customer file), so its receipt keeps the five steps.
    pub fn apply_undefined(
        &self,
        mut table: CustomerTable,
    ) -> Result<(CustomerTable, Option<ReceiptLine>), PrepError> {
        if self.undefined.is_empty() {
            return Ok((table, None));
        }
        let mut total = 0usize;
        let mut parts = Vec::new();
        for fill in &self.undefined {
            let (values, _) = numeric_mut(&mut table, &fill.name)?;
            let mut n = 0usize;
            for cell in values.iter_mut().filter(|c| c.is_nan()) {
                *cell = fill.value;
                n += 1;
            }
            if n > 0 {
                parts.push(format!(
                    "{} {} ({}) → {}",
                    fill.name,
                    plural(n, "cell", "cells"),
                    fill.reason,
                    format::number(fill.value)
                ));
            }
            total += n;
        }
        let detail = if parts.is_empty() {
            "no cell is blank by construction".to_string()
        } else {
            format!(
                "{}. Not missing data, so not imputed; blank in the downloaded table",
                parts.join("; ")
            )
        };
        Ok((table, Some(NOT_DEFINED.done(total, detail))))
    }

    pub fn apply(&self, mut table: CustomerTable) -> StepOutput {
        if !self.params.enabled {
            let missing: usize = table
                .features
                .iter()
                .map(|f| f.values.missing_count())
                .sum();
            let detail = if missing == 0 {
                "off (no missing values)".to_string()
            } else {
                format!(
                    "off: {} kept",
                    plural(missing, "missing value", "missing values")
                )
            };
            return Ok((table, STEP.off(detail)));
        }
        let mut filled_total = 0usize;
        let (mut numeric_cols, mut categorical_cols) = (0usize, 0usize);
        for fill in &self.fills {
            let feature = feature_mut(&mut table, &fill.name)?;
            let filled = match (&mut feature.values, &fill.fill) {
                (FeatureValues::Numeric(v), FillValue::Number(x)) => {
                    let mut n = 0;
                    for cell in v.iter_mut().filter(|c| c.is_nan()) {
                        *cell = *x;
                        n += 1;
                    }
                    if n > 0 {
                        numeric_cols += 1;
                    }
                    n
                }
                (FeatureValues::Categorical { levels, codes }, FillValue::Level(label)) => {
                    let n = codes.iter().filter(|&&c| c == MISSING).count();
                    if n > 0 {
                        let code = match levels.iter().position(|l| l == label) {
                            Some(i) => i,
                            None => {
                                levels.push(label.clone());
                                levels.len() - 1
                            }
                        };
                        let code = u32::try_from(code).unwrap_or(MISSING);
                        for c in codes.iter_mut().filter(|c| **c == MISSING) {
                            *c = code;
                        }
                        categorical_cols += 1;
                    }
                    n
                }
                (values, _) => {
                    let expected = match fill.fill {
                        FillValue::Number(_) => "numeric",
                        FillValue::Level(_) => "categorical",
                    };
                    return Err(kind_changed(&fill.name, expected, values));
                }
            };
            filled_total += filled;
        }
        let mut parts = Vec::new();
        if numeric_cols > 0 {
            parts.push(format!(
                "{} {}",
                self.numeric_rule(),
                plural(numeric_cols, "column", "columns")
            ));
        }
        if categorical_cols > 0 {
            parts.push(format!(
                "{} {}",
                self.categorical_rule(),
                plural(categorical_cols, "column", "columns")
            ));
        }
        let mut detail = if parts.is_empty() {
            "no missing values".to_string()
        } else {
            format!(
                "{}: {} filled",
                parts.join(", "),
                plural(filled_total, "value", "values")
            )
        };
        let still_missing: Vec<&str> = self
            .all_missing
            .iter()
            .filter(|name| {
                table
                    .feature(name)
                    .is_some_and(|f| f.values.missing_count() > 0)
            })
            .map(String::as_str)
            .collect();
        if !still_missing.is_empty() {
            detail.push_str(&format!(
                "; {} entirely missing when fitted, left as is: {}",
                if still_missing.len() == 1 {
                    "1 column was"
                } else {
                    "columns were"
                },
                list_names(&still_missing)
            ));
        }
        Ok((table, STEP.done(filled_total, detail)))
    }

    fn numeric_rule(&self) -> String {
        match self.params.numeric {
            NumericImpute::Median => "median of".to_string(),
            NumericImpute::Mean => "mean of".to_string(),
            NumericImpute::Constant(c) => format!("{} in", format::number(c)),
        }
    }

    fn categorical_rule(&self) -> String {
        match &self.params.categorical {
            CategoricalImpute::Mode => "mode of".to_string(),
            CategoricalImpute::Constant(label) => format!("'{label}' in"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::prep::test_support::{categorical, numeric, table};

    fn params(numeric: NumericImpute, categorical: CategoricalImpute) -> ImputeParams {
        ImputeParams {
            enabled: true,
            numeric,
            categorical,
        }
    }

    #[test]
    fn median_and_mode_fill_and_count() {
        let nan = f64::NAN;
        let t = table(vec![
            numeric("a", &[1.0, nan, 3.0, 10.0]),
            numeric("b", &[nan, nan, 2.0, 2.0]),
            categorical("c", &[Some("x"), None, Some("y"), Some("y")]),
        ]);
        let fitted = fit(&params(NumericImpute::Median, CategoricalImpute::Mode), &t);
        let (out, line) = fitted.apply(t).unwrap();
        assert_eq!(line.touched, 4);
        assert_eq!(
            line.detail,
            "median of 2 columns, mode of 1 column: 4 values filled"
        );
        assert_eq!(
            out.feature("a").unwrap().values,
            FeatureValues::Numeric(vec![1.0, 3.0, 3.0, 10.0])
        );
        assert_eq!(
            out.feature("c").unwrap().values.text(1).as_deref(),
            Some("y")
        );
        assert_eq!(out.feature("c").unwrap().values.missing_count(), 0);
    }

    #[test]
    fn the_median_of_a_zero_one_column_stays_zero_or_one() {
        let nan = f64::NAN;
        let t = table(vec![
            numeric("even", &[0.0, 1.0, nan]),
            numeric("ones", &[1.0, 1.0, 0.0, nan]),
        ]);
        let (out, _) = fit(&params(NumericImpute::Median, CategoricalImpute::Mode), &t)
            .apply(t)
            .unwrap();
        assert_eq!(
            out.feature("even").unwrap().values.text(2).as_deref(),
            Some("0")
        );
        assert_eq!(
            out.feature("ones").unwrap().values.text(3).as_deref(),
            Some("1")
        );
    }

    #[test]
    fn mean_and_constant_label() {
        let nan = f64::NAN;
        let t = table(vec![
            numeric("a", &[1.0, nan, 3.0, 8.0]),
            categorical("c", &[None, None, Some("y"), Some("y")]),
        ]);
        let p = params(
            NumericImpute::Mean,
            CategoricalImpute::Constant("unknown".into()),
        );
        let (out, line) = fit(&p, &t).apply(t).unwrap();
        assert_eq!(
            out.feature("a").unwrap().values.text(1).as_deref(),
            Some("4")
        );
        assert_eq!(
            out.feature("c").unwrap().values.text(0).as_deref(),
            Some("unknown")
        );
        assert_eq!(line.touched, 3);
    }

    #[test]
    fn an_entirely_missing_column_is_left_and_reported() {
        let nan = f64::NAN;
        let t = table(vec![
            numeric("empty", &[nan, nan]),
            numeric("a", &[1.0, 2.0]),
        ]);
        let fitted = fit(&params(NumericImpute::Median, CategoricalImpute::Mode), &t);
        assert_eq!(fitted.all_missing, vec!["empty".to_string()]);
        let (out, line) = fitted.apply(t).unwrap();
        assert_eq!(out.feature("empty").unwrap().values.missing_count(), 2);
        assert_eq!(line.touched, 0);
        assert!(line.detail.contains("left as is: empty"), "{}", line.detail);
    }

    #[test]
    fn not_defined_cells_get_their_model_value_not_the_median() {
        use crate::core::customer_table::UndefinedBlanks;
        let nan = f64::NAN;
        let mut gaps = numeric("gap", &[nan, 80.0, 85.0, nan, nan]);
        gaps.meta.undefined = Some(UndefinedBlanks {
            reason: "a single order".into(),
            model_value: 0.0,
        });
        let t = table(vec![gaps, numeric("income", &[1.0, nan, 3.0, 5.0, 7.0])]);
        for enabled in [true, false] {
            let mut p = params(NumericImpute::Median, CategoricalImpute::Mode);
            p.enabled = enabled;
            let fitted = fit(&p, &t);
            assert!(fitted.fills.iter().all(|f| f.name != "gap"));
            let (out, line) = fitted.apply_undefined(t.clone()).unwrap();
            let line = line.expect("a receipt line of its own");
            assert_eq!((line.step.as_str(), line.touched), ("not_defined", 3));
            assert!(
                line.detail.contains("gap 3 cells (a single order) → 0"),
                "{}",
                line.detail
            );
            assert_eq!(
                out.feature("gap").unwrap().values,
                FeatureValues::Numeric(vec![0.0, 80.0, 85.0, 0.0, 0.0])
            );
            // Real imputation counts only the real missing value.
            let (out, line) = fitted.apply(out).unwrap();
            assert_eq!(line.touched, u64::from(enabled));
            assert_eq!(
                out.feature("income").unwrap().values.missing_count(),
                usize::from(!enabled)
            );
        }
        // Without such features: no line, the receipt keeps its five steps.
        let plain = table(vec![numeric("a", &[nan, 1.0])]);
        let fitted = fit(
            &params(NumericImpute::Median, CategoricalImpute::Mode),
            &plain,
        );
        assert!(fitted.apply_undefined(plain).unwrap().1.is_none());
    }

    #[test]
    fn off_counts_missing_but_touches_nothing() {
        let t = table(vec![numeric("a", &[f64::NAN, 2.0])]);
        let mut p = params(NumericImpute::Median, CategoricalImpute::Mode);
        p.enabled = false;
        let (out, line) = fit(&p, &t).apply(t).unwrap();
        assert!(!line.enabled);
        assert_eq!(line.touched, 0);
        assert_eq!(line.detail, "off: 1 missing value kept");
        assert_eq!(out.feature("a").unwrap().values.missing_count(), 1);
    }
}
