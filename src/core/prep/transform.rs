//! Log transform: `log(1 + x)` (log1p) of skewed, non-negative columns.
//!
//! Columns are chosen by the user, or automatically: numeric columns that are not 0/1, whose
//! smallest value is ≥ 0 and whose skewness (Fisher–Pearson `g1`) is above 1. The column keeps
//! its name; its description says it is on a log scale. A negative value, when fitted or in new
//! data, is an error naming the column (log1p of −1 or less is not a number).

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::prep::params::LogParams;
use crate::core::prep::{list_names, numeric_mut, plural, stats, PrepError, Step, StepOutput};
use crate::core::receipt::ReceiptUnit;

const STEP: Step = Step {
    key: "log",
    title: "Log transform",
    unit: ReceiptUnit::Columns,
};

/// Skewness above which the automatic choice takes a column.
pub const AUTO_SKEWNESS: f64 = 1.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLog {
    pub params: LogParams,
    /// The columns transformed, in table order for the automatic choice.
    pub columns: Vec<String>,
}

pub fn fit(params: &LogParams, table: &CustomerTable) -> Result<FittedLog, PrepError> {
    let mut columns: Vec<String> = Vec::new();
    if params.enabled {
        if params.columns.is_empty() {
            for feature in &table.features {
                let FeatureValues::Numeric(v) = &feature.values else {
                    continue;
                };
                let non_negative = stats::min_max(v).is_some_and(|(min, _)| min >= 0.0);
                let skewed = stats::skewness(v).is_some_and(|s| s > AUTO_SKEWNESS);
                if non_negative && skewed && !stats::is_indicator(v) {
                    columns.push(feature.name.clone());
                }
            }
        } else {
            for name in &params.columns {
                if columns.contains(name) {
                    continue;
                }
                let feature = table
                    .feature(name)
                    .ok_or_else(|| PrepError::UnknownLogColumn { name: name.clone() })?;
                let FeatureValues::Numeric(v) = &feature.values else {
                    return Err(PrepError::LogNotNumeric { name: name.clone() });
                };
                check_non_negative(name, v)?;
                columns.push(name.clone());
            }
        }
    }
    Ok(FittedLog {
        params: params.clone(),
        columns,
    })
}

fn check_non_negative(name: &str, values: &[f64]) -> Result<(), PrepError> {
    match stats::min_max(values) {
        Some((min, _)) if min < 0.0 => Err(PrepError::LogNegative {
            name: name.to_string(),
            min,
        }),
        _ => Ok(()),
    }
}

impl FittedLog {
    pub fn apply(&self, mut table: CustomerTable) -> StepOutput {
        if !self.params.enabled {
            return Ok((table, STEP.off("off")));
        }
        for name in &self.columns {
            let (v, description) = numeric_mut(&mut table, name)?;
            check_non_negative(name, v)?;
            for x in v.iter_mut() {
                *x = x.ln_1p();
            }
            *description = format!("log(1 + x) of: {description}");
        }
        let detail = if self.columns.is_empty() {
            if self.params.columns.is_empty() {
                format!("no column is both skewed (skewness > {AUTO_SKEWNESS}) and never negative")
            } else {
                "no column chosen".to_string()
            }
        } else {
            format!(
                "log(1 + x) of {}{}: {}",
                plural(self.columns.len(), "column", "columns"),
                if self.params.columns.is_empty() {
                    format!(" with skewness > {AUTO_SKEWNESS}")
                } else {
                    String::new()
                },
                list_names(&self.columns)
            )
        };
        Ok((table, STEP.done(self.columns.len(), detail)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::prep::test_support::{categorical, numbers, numeric, table};

    fn params(columns: &[&str]) -> LogParams {
        LogParams {
            enabled: true,
            columns: columns.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn automatic_choice_takes_skewed_non_negative_columns() {
        let t = table(vec![
            numeric("skewed", &[0.0, 1.0, 1.0, 2.0, 50.0]),
            numeric("negative", &[-1.0, 0.0, 0.0, 0.0, 50.0]),
            numeric("even", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            numeric("flag", &[0.0, 0.0, 0.0, 0.0, 1.0]),
        ]);
        let fitted = fit(&params(&[]), &t).unwrap();
        assert_eq!(fitted.columns, vec!["skewed".to_string()]);
        let (out, line) = fitted.apply(t).unwrap();
        let got = numbers(&out, "skewed");
        let want = [0.0, 2f64.ln(), 2f64.ln(), 3f64.ln(), 51f64.ln()];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12);
        }
        assert_eq!(numbers(&out, "even"), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(line.touched, 1);
        assert_eq!(
            line.detail,
            "log(1 + x) of 1 column with skewness > 1: skewed"
        );
    }

    #[test]
    fn chosen_columns_must_exist_be_numeric_and_non_negative() {
        let t = table(vec![
            numeric("neg", &[-2.0, 1.0]),
            categorical("c", &[Some("a"), Some("b")]),
        ]);
        assert!(matches!(
            fit(&params(&["nope"]), &t),
            Err(PrepError::UnknownLogColumn { .. })
        ));
        assert!(matches!(
            fit(&params(&["c"]), &t),
            Err(PrepError::LogNotNumeric { .. })
        ));
        assert_eq!(
            fit(&params(&["neg"]), &t),
            Err(PrepError::LogNegative {
                name: "neg".into(),
                min: -2.0
            })
        );
    }

    #[test]
    fn missing_values_stay_missing() {
        let t = table(vec![numeric("x", &[f64::NAN, 0.0])]);
        let (out, _) = fit(&params(&["x"]), &t).unwrap().apply(t).unwrap();
        let v = numbers(&out, "x");
        assert!(v[0].is_nan());
        assert_eq!(v[1], 0.0);
    }
}
