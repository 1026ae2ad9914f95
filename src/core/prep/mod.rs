//! Customer-level preparation with a receipt: impute, outliers, log transform, scaling,
//! one-hot encoding. `PrepParams → fit → FittedPrep → transform`, so the fitted medians, means
//! and scales can be applied again to new data (and, in Predict, fitted on training folds only).
//! Pure Rust: no web-sys.
//!
//! The steps run in a fixed order — [`impute`] → [`outliers`] → [`transform`] (log) →
//! [`scale`] → [`onehot`] — and each is fitted on the output of the ones before it. Every step
//! adds exactly one [`ReceiptLine`] (also when switched off), keyed `impute`, `outliers`, `log`,
//! `scale`, `one_hot`; a table with features not defined for some customers (built from
//! purchase lines) gets a `not_defined` line before `impute`: those blanks get their model
//! value, never an imputed one (see [`impute`]).
//!
//! Choices, each documented in its module:
//! - an entirely missing column cannot be imputed by median/mean/mode: it is left as is and the
//!   receipt says so;
//! - 0/1 columns (outlier flags, booleans) are neither outlier-checked, logged (automatically)
//!   nor scaled; RFM scores are numbers like any other;
//! - outlier flags are one `<name>_outlier` column per column that had outliers when fitted;
//! - scaling uses the population sd; a column without spread scales by 1.
//!
//! Transforming new data checks that it has the same columns, of the same kind, as the data
//! the preparation was fitted on, and applies the fitted values without refitting.

pub mod error;
pub mod impute;
pub mod onehot;
pub mod outliers;
pub mod params;
pub mod scale;
pub mod stats;
pub mod transform;

use serde::{Deserialize, Serialize};

pub use error::PrepError;
pub use impute::{FillValue, FittedImpute, ImputeFill, UndefinedFill};
pub use onehot::{FittedOneHot, OneHotColumn};
pub use outliers::{FittedOutliers, OutlierBounds};
pub use params::{
    CategoricalImpute, ImputeParams, LogParams, NumericImpute, OneHotParams, OutlierAction,
    OutlierMethod, OutlierParams, PrepParams, ScaleMethod, ScaleParams,
};
pub use scale::{ColumnScale, FittedScale};
pub use transform::FittedLog;

use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
use crate::core::receipt::{ReceiptLine, ReceiptUnit};

/// A column of the table the preparation was fitted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputColumn {
    pub name: String,
    pub numeric: bool,
}

/// Everything learned from the fitted data, step by step, to show and to apply again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedPrep {
    pub params: PrepParams,
    /// The columns of the fitted table; new data must have exactly these.
    pub input: Vec<InputColumn>,
    pub impute: FittedImpute,
    pub outliers: FittedOutliers,
    pub log: FittedLog,
    pub scale: FittedScale,
    pub one_hot: FittedOneHot,
}

/// What a fitted step's `apply` gives: the table after the step and the step's receipt line.
pub type StepOutput = Result<(CustomerTable, ReceiptLine), PrepError>;

/// A prepared table and what each step did to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub table: CustomerTable,
    /// Five lines: impute, outliers, log, scale, one_hot; `not_defined` first when the table
    /// has features not defined for some customers.
    pub receipt: Vec<ReceiptLine>,
}

/// Fit every step on `table` (each on the previous step's output).
pub fn fit(params: &PrepParams, table: &CustomerTable) -> Result<FittedPrep, PrepError> {
    fit_transform(params, table).map(|(fitted, _)| fitted)
}

/// Fit every step on `table` and return the prepared table too.
pub fn fit_transform(
    params: &PrepParams,
    table: &CustomerTable,
) -> Result<(FittedPrep, Prepared), PrepError> {
    params.check()?;
    table.check()?;
    if table.n_rows() == 0 {
        return Err(PrepError::Empty);
    }
    let input = table
        .features
        .iter()
        .map(|f| InputColumn {
            name: f.name.clone(),
            numeric: f.values.is_numeric(),
        })
        .collect();
    let mut receipt = Vec::with_capacity(5);
    let t = table.clone();

    let impute = impute::fit(&params.impute, &t);
    let (t, line) = impute.apply_undefined(t)?;
    receipt.extend(line);
    let (t, line) = impute.apply(t)?;
    receipt.push(line);

    let outliers = outliers::fit(&params.outliers, &t);
    let (t, line) = outliers.apply(t)?;
    receipt.push(line);

    let log = transform::fit(&params.log, &t)?;
    let (t, line) = log.apply(t)?;
    receipt.push(line);

    let scale = scale::fit(&params.scale, &t);
    let (t, line) = scale.apply(t)?;
    receipt.push(line);

    let one_hot = onehot::fit(&params.one_hot, &t);
    let (t, line) = one_hot.apply(t)?;
    receipt.push(line);

    let fitted = FittedPrep {
        params: params.clone(),
        input,
        impute,
        outliers,
        log,
        scale,
        one_hot,
    };
    Ok((fitted, Prepared { table: t, receipt }))
}

impl FittedPrep {
    /// The fitted parameters in words, one line per column and step (for the UI's "fitted
    /// parameters" list): fill values, outlier fences, log columns, centres and scales, levels.
    pub fn describe(&self) -> Vec<String> {
        use crate::core::format::number;
        let mut lines = Vec::new();
        for fill in &self.impute.undefined {
            lines.push(format!(
                "{}: not-defined cells ({}) set to {}",
                fill.name,
                fill.reason,
                number(fill.value)
            ));
        }
        if self.params.impute.enabled {
            for fill in &self.impute.fills {
                let value = match &fill.fill {
                    FillValue::Number(x) => number(*x),
                    FillValue::Level(level) => format!("‘{level}’"),
                };
                lines.push(format!("{}: missing values filled with {value}", fill.name));
            }
        }
        if self.params.outliers.enabled {
            for bound in &self.outliers.bounds {
                lines.push(format!(
                    "{}: outlier fences {} … {}",
                    bound.name,
                    number(bound.lower),
                    number(bound.upper)
                ));
            }
        }
        if self.params.log.enabled && !self.log.columns.is_empty() {
            lines.push(format!(
                "log(1 + x) applied to {}",
                self.log.columns.join(", ")
            ));
        }
        if self.params.scale.enabled {
            for column in &self.scale.columns {
                lines.push(format!(
                    "{}: centre {}, scale {}",
                    column.name,
                    number(column.center),
                    number(column.scale)
                ));
            }
        }
        if self.params.one_hot.enabled {
            for column in &self.one_hot.columns {
                let other = if column.other_levels.is_empty() {
                    String::new()
                } else {
                    format!(" (+ {} rarer levels as ‘other’)", column.other_levels.len())
                };
                lines.push(format!(
                    "{}: one column per level {}{other}",
                    column.name,
                    column.levels.join(", ")
                ));
            }
        }
        lines
    }

    /// Apply the fitted steps to `table` (the fitted data or new data with the same columns).
    pub fn transform(&self, table: &CustomerTable) -> Result<Prepared, PrepError> {
        table.check()?;
        self.check_columns(table)?;
        let mut receipt = Vec::with_capacity(6);
        let (t, line) = self.impute.apply_undefined(table.clone())?;
        receipt.extend(line);
        let (t, line) = self.impute.apply(t)?;
        receipt.push(line);
        let (t, line) = self.outliers.apply(t)?;
        receipt.push(line);
        let (t, line) = self.log.apply(t)?;
        receipt.push(line);
        let (t, line) = self.scale.apply(t)?;
        receipt.push(line);
        let (t, line) = self.one_hot.apply(t)?;
        receipt.push(line);
        Ok(Prepared { table: t, receipt })
    }

    fn check_columns(&self, table: &CustomerTable) -> Result<(), PrepError> {
        for column in &self.input {
            let feature = table
                .feature(&column.name)
                .ok_or_else(|| PrepError::MissingColumn {
                    name: column.name.clone(),
                })?;
            if feature.values.is_numeric() != column.numeric {
                let expected = if column.numeric {
                    "numeric"
                } else {
                    "categorical"
                };
                return Err(kind_changed(&column.name, expected, &feature.values));
            }
        }
        if let Some(extra) = table
            .features
            .iter()
            .find(|f| !self.input.iter().any(|c| c.name == f.name))
        {
            return Err(PrepError::UnexpectedColumn {
                name: extra.name.clone(),
            });
        }
        Ok(())
    }
}

// Helpers shared by the step modules.

/// A step's key and title in the receipt, and what it counts.
#[derive(Clone, Copy)]
struct Step {
    key: &'static str,
    title: &'static str,
    unit: ReceiptUnit,
}

impl Step {
    /// The line of the step switched off: nothing touched.
    fn off(self, detail: impl Into<String>) -> ReceiptLine {
        self.line(false, 0, detail.into())
    }

    /// The line of the step that ran and touched `touched` units.
    fn done(self, touched: usize, detail: String) -> ReceiptLine {
        self.line(true, touched as u64, detail)
    }

    fn line(self, enabled: bool, touched: u64, detail: String) -> ReceiptLine {
        ReceiptLine {
            step: self.key.to_string(),
            title: self.title.to_string(),
            enabled,
            touched,
            unit: self.unit,
            detail,
        }
    }
}

fn kind_label(values: &FeatureValues) -> &'static str {
    if values.is_numeric() {
        "numeric"
    } else {
        "categorical"
    }
}

/// Column `name` was `expected` when fitted and is `found` now.
fn kind_changed(name: &str, expected: &'static str, found: &FeatureValues) -> PrepError {
    PrepError::KindChanged {
        name: name.to_string(),
        expected,
        found: kind_label(found),
    }
}

fn feature_index(table: &CustomerTable, name: &str) -> Result<usize, PrepError> {
    table
        .features
        .iter()
        .position(|f| f.name == name)
        .ok_or_else(|| PrepError::MissingColumn {
            name: name.to_string(),
        })
}

fn feature_mut<'a>(table: &'a mut CustomerTable, name: &str) -> Result<&'a mut Feature, PrepError> {
    table
        .features
        .iter_mut()
        .find(|f| f.name == name)
        .ok_or_else(|| PrepError::MissingColumn {
            name: name.to_string(),
        })
}

/// Fits `fit_column` to each numeric column of `table` but the 0/1 ones (flags, booleans), when
/// `enabled`. Returns the fitted columns, and the names of the numeric columns skipped: 0/1, or
/// `fit_column` gave `None`.
fn fit_numeric<T>(
    enabled: bool,
    table: &CustomerTable,
    mut fit_column: impl FnMut(&str, &[f64]) -> Option<T>,
) -> (Vec<T>, Vec<String>) {
    let mut fitted = Vec::new();
    let mut skipped = Vec::new();
    if enabled {
        for feature in &table.features {
            let FeatureValues::Numeric(v) = &feature.values else {
                continue;
            };
            match (!stats::is_indicator(v))
                .then(|| fit_column(&feature.name, v))
                .flatten()
            {
                Some(column) => fitted.push(column),
                None => skipped.push(feature.name.clone()),
            }
        }
    }
    (fitted, skipped)
}

/// The values and description of the numeric column `name`, fitted as numeric; an error when
/// the table has no such column or it is no longer numeric.
fn numeric_mut<'a>(
    table: &'a mut CustomerTable,
    name: &str,
) -> Result<(&'a mut Vec<f64>, &'a mut String), PrepError> {
    let feature = feature_mut(table, name)?;
    match &mut feature.values {
        FeatureValues::Numeric(v) => Ok((v, &mut feature.description)),
        other => Err(kind_changed(name, "numeric", other)),
    }
}

/// `base`, or `base_2`, `base_3`, … when it is taken.
fn unique_name(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}_{i}"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| base.to_string())
}

/// "1 value" / "1,234 values".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        crate::core::format::thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

/// "a, b, c, d, e and 3 more".
fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = names.iter().take(SHOWN).map(AsRef::as_ref).collect();
    if names.len() <= SHOWN {
        return shown.join(", ");
    }
    format!(
        "{} and {} more",
        shown.join(", "),
        crate::core::format::thousands((names.len() - SHOWN) as u64)
    )
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
    use crate::core::table::MISSING;

    pub fn numeric(name: &str, values: &[f64]) -> Feature {
        Feature {
            name: name.to_string(),
            description: name.to_string(),
            values: FeatureValues::Numeric(values.to_vec()),
            meta: Default::default(),
        }
    }

    pub fn categorical(name: &str, cells: &[Option<&str>]) -> Feature {
        let mut levels: Vec<String> = Vec::new();
        let codes = cells
            .iter()
            .map(|cell| match cell {
                None => MISSING,
                Some(text) => match levels.iter().position(|l| l == text) {
                    Some(i) => i as u32,
                    None => {
                        levels.push(text.to_string());
                        (levels.len() - 1) as u32
                    }
                },
            })
            .collect();
        Feature {
            name: name.to_string(),
            description: name.to_string(),
            values: FeatureValues::Categorical { levels, codes },
            meta: Default::default(),
        }
    }

    /// Ids "1", "2", … for as many rows as the first feature has.
    pub fn table(features: Vec<Feature>) -> CustomerTable {
        let n = features.first().map_or(0, |f| f.values.len());
        CustomerTable {
            id_name: "id".to_string(),
            ids: (1..=n).map(|i| i.to_string()).collect(),
            features,
        }
    }

    pub fn numbers(table: &CustomerTable, name: &str) -> Vec<f64> {
        match table.feature(name).map(|f| &f.values) {
            Some(FeatureValues::Numeric(v)) => v.clone(),
            other => panic!("{name} is not numeric: {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{categorical, numbers, numeric, table};
    use super::*;

    fn all_on() -> PrepParams {
        let mut p = PrepParams::default();
        p.outliers.enabled = true;
        p.outliers.action = OutlierAction::Cap;
        p.log.enabled = true;
        p.scale.enabled = true;
        p.one_hot.enabled = true;
        p
    }

    #[test]
    fn defaults_impute_only() {
        let p = PrepParams::default();
        assert!(p.impute.enabled);
        assert_eq!(p.impute.numeric, NumericImpute::Median);
        assert_eq!(p.impute.categorical, CategoricalImpute::Mode);
        assert!(!p.outliers.enabled && !p.log.enabled && !p.scale.enabled && !p.one_hot.enabled);
        assert_eq!(p.outliers.method, OutlierMethod::Iqr { k: 1.5 });
        assert_eq!(p.outliers.action, OutlierAction::Flag);
    }

    #[test]
    fn receipt_has_five_lines_in_order_even_when_off() {
        let t = table(vec![numeric("x", &[1.0, 2.0])]);
        let mut p = PrepParams::default();
        p.impute.enabled = false;
        let (_, prepared) = fit_transform(&p, &t).unwrap();
        let steps: Vec<&str> = prepared.receipt.iter().map(|l| l.step.as_str()).collect();
        assert_eq!(steps, ["impute", "outliers", "log", "scale", "one_hot"]);
        assert!(prepared
            .receipt
            .iter()
            .all(|l| !l.enabled && l.touched == 0));
        assert_eq!(prepared.table, t);
    }

    #[test]
    fn bad_parameters_are_refused_before_fitting() {
        let t = table(vec![numeric("x", &[1.0, 2.0])]);
        let mut p = all_on();
        p.outliers.method = OutlierMethod::Iqr { k: -1.0 };
        assert_eq!(fit(&p, &t), Err(PrepError::IqrFactor(-1.0)));
        let mut p = all_on();
        p.one_hot.max_levels = 1;
        assert_eq!(fit(&p, &t), Err(PrepError::MaxLevels(1)));
        let mut p = all_on();
        p.impute.categorical = CategoricalImpute::Constant(" ".into());
        assert_eq!(fit(&p, &t), Err(PrepError::EmptyImputeLabel));
        // A bad value in a step that is off does not matter.
        let mut p = PrepParams::default();
        p.outliers.method = OutlierMethod::ZScore { z: f64::NAN };
        assert!(fit(&p, &t).is_ok());
    }

    #[test]
    fn transform_of_the_fitted_data_equals_fit_transform() {
        let nan = f64::NAN;
        let t = table(vec![
            numeric("spend", &[1.0, 3.0, nan, 4.0, 2.0, 250.0, 5.0, 3.0]),
            categorical(
                "c",
                &[
                    Some("a"),
                    Some("b"),
                    None,
                    Some("a"),
                    Some("a"),
                    Some("b"),
                    Some("c"),
                    Some("a"),
                ],
            ),
        ]);
        let (fitted, prepared) = fit_transform(&all_on(), &t).unwrap();
        let again = fitted.transform(&t).unwrap();
        assert_eq!(again, prepared);
        assert_eq!(fit(&all_on(), &t).unwrap(), fitted);
    }

    #[test]
    fn new_data_must_have_the_fitted_columns() {
        let a = table(vec![numeric("x", &[1.0, 2.0]), numeric("y", &[1.0, 2.0])]);
        let fitted = fit(&PrepParams::default(), &a).unwrap();
        let missing = table(vec![numeric("x", &[1.0])]);
        assert_eq!(
            fitted.transform(&missing),
            Err(PrepError::MissingColumn { name: "y".into() })
        );
        let changed = table(vec![numeric("x", &[1.0]), categorical("y", &[Some("a")])]);
        assert!(matches!(
            fitted.transform(&changed),
            Err(PrepError::KindChanged { .. })
        ));
        let extra = table(vec![
            numeric("x", &[1.0]),
            numeric("y", &[1.0]),
            numeric("z", &[1.0]),
        ]);
        assert_eq!(
            fitted.transform(&extra),
            Err(PrepError::UnexpectedColumn { name: "z".into() })
        );
    }

    #[test]
    fn an_empty_table_cannot_be_fitted() {
        let t = table(vec![numeric("x", &[])]);
        assert_eq!(fit(&PrepParams::default(), &t), Err(PrepError::Empty));
    }

    #[test]
    fn negative_values_in_new_data_for_a_logged_column_are_an_error() {
        let mut p = PrepParams::default();
        p.log.enabled = true;
        p.log.columns = vec!["x".into()];
        let fitted = fit(&p, &table(vec![numeric("x", &[0.0, 5.0])])).unwrap();
        let b = table(vec![numeric("x", &[-3.0])]);
        assert!(matches!(
            fitted.transform(&b),
            Err(PrepError::LogNegative { .. })
        ));
        let ok = fitted
            .transform(&table(vec![numeric("x", &[3.0])]))
            .unwrap();
        assert_eq!(numbers(&ok.table, "x"), vec![4f64.ln()]);
    }

    #[test]
    fn names_helpers() {
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(1234, "row", "rows"), "1,234 rows");
        assert_eq!(list_names(&["a", "b"]), "a, b");
        assert_eq!(
            list_names(&["a", "b", "c", "d", "e", "f", "g"]),
            "a, b, c, d, e and 2 more"
        );
        assert_eq!(unique_name("x", &["x".into(), "x_2".into()]), "x_3");
    }
}
