//! The design matrix: customer-table features → the dense numeric matrix the models read, with a
//! preparation fitted on training rows only.
//!
//! Two stages:
//! 1. [`select_features`] (once per run): leave out the target, the columns the user excluded,
//!    columns with no values and columns with a single value, each with a note. Excluding a
//!    column of the file that is not a feature anyway (the customer id, the target, a text
//!    column) is accepted with a note; only a name that is no column at all is refused, with
//!    the closest names.
//! 2. [`Design::fit`] (once per training fold and once on the whole training part): the
//!    customer-level preparation of [`crate::core::prep`] — median / mode imputation, optional
//!    `log(1 + x)` of skewed non-negative columns, standardisation, one-hot encoding (the 19
//!    most frequent levels of a categorical plus `other`) — fitted on the training rows only and
//!    then applied to every row. Validation and test rows never influence a median, a scale or
//!    a level list. A level first seen outside the training rows goes to `other` (or all zeros).
//!
//! Every one-hot column remembers the feature it came from ([`Design::groups`]) so permutation
//! importance shuffles a categorical as one feature. Pure Rust: no web-sys.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::evaluate::importance::FeatureGroup;
use crate::core::format;
use crate::core::prep::stats::{is_indicator, skewness};
use crate::core::prep::transform::AUTO_SKEWNESS;
use crate::core::prep::{self, FittedPrep, LogParams, OneHotParams, PrepError, PrepParams};
use crate::core::prep::{ScaleMethod, ScaleParams};
use crate::core::table::MISSING;

/// How the features are prepared for the models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignParams {
    /// `log(1 + x)` of numeric columns with skewness above 1 and no negative value (in the
    /// training rows) before scaling. Helps logistic regression on spend-like columns; trees
    /// do not care.
    pub log_skewed: bool,
    /// Most 0/1 columns per categorical column (the rest share `<name>_other`).
    pub max_levels: usize,
}

impl Default for DesignParams {
    fn default() -> Self {
        DesignParams {
            log_skewed: true,
            max_levels: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    #[error(
        "no feature is left to learn from: {0}. Keep at least one column with more than one \
         value"
    )]
    NoFeatures(String),
    #[error(
        "'{name}' is not a column of the file nor a feature of the customer table{}: write the \
         excluded names exactly as in the file",
        did_you_mean(.close)
    )]
    UnknownExcluded { name: String, close: Vec<String> },
    #[error(transparent)]
    Prep(#[from] PrepError),
}

/// The feature columns kept for modelling (the customer table without the target and the left
/// out columns), and why columns were left out.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureSelection {
    pub table: CustomerTable,
    pub notes: Vec<String>,
}

fn did_you_mean(close: &[String]) -> String {
    match close {
        [] => String::new(),
        [only] => format!(" (did you mean '{only}'?)"),
        several => format!(
            " (did you mean {}?)",
            several
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// Edits (insert, delete, replace one character) from `a` to `b`, compared lower-case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let replace = previous.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            current.push(replace.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// Up to three of `names` close to `typed`: the same but for case, a few edits away (a third of
/// the length, at least 1), or containing it (3 letters or more); closest first.
pub fn close_names(typed: &str, names: &[&str]) -> Vec<String> {
    let lower = typed.to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|&name| {
            let distance = edit_distance(typed, name);
            let name_lower = name.to_lowercase();
            let contains = lower.chars().count() >= 3
                && (name_lower.contains(&lower) || lower.contains(&name_lower));
            let near = distance <= (typed.chars().count() / 3).max(1);
            (near || contains).then_some((distance, name))
        })
        .collect();
    scored.sort_by_key(|&(distance, _)| distance);
    let mut out: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out.truncate(3);
    out
}

/// Leave out the target, the excluded columns, and columns that cannot help (no values, one
/// value). `rows`: the customers with a target (a column constant among them cannot help).
/// `file_columns`: the columns of the loaded file, so that excluding one that is not a feature
/// anyway (a text column, the id) is noted rather than refused; the customer id and the target
/// are known without them.
pub fn select_features(
    customers: &CustomerTable,
    target: &str,
    exclude: &[String],
    file_columns: &[String],
    rows: &[usize],
) -> Result<FeatureSelection, DesignError> {
    let mut notes = Vec::new();
    let mut excluded_features = Vec::new();
    let mut not_features = Vec::new();
    for name in exclude {
        if name == target {
            notes.push(format!(
                "'{name}' is the target: it is never a feature, so there was nothing to leave out"
            ));
        } else if *name == customers.id_name {
            notes.push(format!(
                "'{name}' is the customer id: it is never a feature, so there was nothing to \
                 leave out"
            ));
        } else if customers.feature(name).is_some() {
            if !excluded_features.contains(name) {
                excluded_features.push(name.clone());
            }
        } else if file_columns.contains(name) {
            if !not_features.contains(name) {
                not_features.push(name.clone());
            }
        } else {
            let known: Vec<&str> = customers
                .features
                .iter()
                .map(|f| f.name.as_str())
                .chain(file_columns.iter().map(String::as_str))
                .chain(std::iter::once(customers.id_name.as_str()))
                .collect();
            return Err(DesignError::UnknownExcluded {
                name: name.clone(),
                close: close_names(name, &known),
            });
        }
    }
    if !not_features.is_empty() {
        notes.push(format!(
            "Not features of the customer table, so there was nothing to leave out: {} (text \
             and identifier columns of the file are never features)",
            not_features.join(", ")
        ));
    }
    let mut empty = Vec::new();
    let mut constant = Vec::new();
    let mut features = Vec::new();
    for feature in &customers.features {
        if feature.name == target || excluded_features.contains(&feature.name) {
            continue;
        }
        match distinct_among(&feature.values, rows) {
            0 => empty.push(feature.name.clone()),
            1 => constant.push(feature.name.clone()),
            _ => features.push(feature.clone()),
        }
    }
    if !excluded_features.is_empty() {
        notes.push(format!(
            "Left out by choice: {}",
            excluded_features.join(", ")
        ));
    }
    if !empty.is_empty() {
        notes.push(format!("Left out, no values: {}", empty.join(", ")));
    }
    if !constant.is_empty() {
        notes.push(format!(
            "Left out, the same value for every customer: {}",
            constant.join(", ")
        ));
    }
    if features.is_empty() {
        let why = if empty.is_empty() && constant.is_empty() {
            "the table has no column besides the target and the excluded ones".to_string()
        } else {
            format!(
                "{} of the remaining columns are empty or constant",
                format::thousands((empty.len() + constant.len()) as u64)
            )
        };
        return Err(DesignError::NoFeatures(why));
    }
    Ok(FeatureSelection {
        table: CustomerTable {
            id_name: customers.id_name.clone(),
            ids: customers.ids.clone(),
            features,
        },
        notes,
    })
}

/// Distinct non-missing values among `rows`, counted up to 2.
fn distinct_among(values: &FeatureValues, rows: &[usize]) -> usize {
    match values {
        FeatureValues::Numeric(v) => {
            let mut first: Option<f64> = None;
            for x in rows
                .iter()
                .filter_map(|&r| v.get(r))
                .filter(|x| x.is_finite())
            {
                match first {
                    None => first = Some(*x),
                    Some(f) if f != *x => return 2,
                    _ => {}
                }
            }
            usize::from(first.is_some())
        }
        FeatureValues::Categorical { codes, .. } => {
            let mut first: Option<u32> = None;
            for &c in rows
                .iter()
                .filter_map(|&r| codes.get(r))
                .filter(|&&c| c != MISSING)
            {
                match first {
                    None => first = Some(c),
                    Some(f) if f != c => return 2,
                    _ => {}
                }
            }
            usize::from(first.is_some())
        }
    }
}

/// The columns to log-transform: numeric, not 0/1, skewness above 1 in the training rows, and no
/// negative value in any row (a negative value outside the training rows has no logarithm; the
/// sign of a feature says nothing about the outcome).
fn log_candidates(all: &CustomerTable, training: &CustomerTable) -> Vec<String> {
    all.features
        .iter()
        .zip(&training.features)
        .filter_map(|(every, train)| {
            let (FeatureValues::Numeric(v_all), FeatureValues::Numeric(v_train)) =
                (&every.values, &train.values)
            else {
                return None;
            };
            let finite: Vec<f64> = v_train.iter().copied().filter(|x| x.is_finite()).collect();
            let non_negative = v_all.iter().filter(|x| x.is_finite()).all(|&x| x >= 0.0);
            let skewed = skewness(&finite).is_some_and(|s| s > AUTO_SKEWNESS);
            (non_negative && skewed && !is_indicator(&finite)).then(|| every.name.clone())
        })
        .collect()
}

/// A preparation fitted on training rows, and the matrix it makes of the whole table.
#[derive(Debug, Clone)]
pub struct Design {
    pub fitted: FittedPrep,
    /// Matrix column names (one-hot columns named `<feature>_<level>`).
    pub columns: Vec<String>,
    /// The matrix columns of each feature (a categorical's one-hot columns together).
    pub groups: Vec<FeatureGroup>,
    /// Every customer of the table, one row each, in table order.
    pub matrix: Array2<f64>,
}

impl Design {
    /// Fit the preparation on `train` rows of `features` and apply it to all rows.
    pub fn fit(
        features: &CustomerTable,
        train: &[usize],
        params: &DesignParams,
    ) -> Result<Design, DesignError> {
        let training = features.select_rows(train);
        let log_columns = if params.log_skewed {
            log_candidates(features, &training)
        } else {
            Vec::new()
        };
        let prep_params = PrepParams {
            log: LogParams {
                enabled: !log_columns.is_empty(),
                columns: log_columns,
            },
            scale: ScaleParams {
                enabled: true,
                method: ScaleMethod::Standard,
            },
            one_hot: OneHotParams {
                enabled: true,
                max_levels: params.max_levels.max(2),
            },
            ..PrepParams::default()
        };
        let fitted = prep::fit(&prep_params, &training)?;
        let prepared = fitted.transform(features)?.table;
        let matrix = to_matrix(&prepared);
        let columns: Vec<String> = prepared.features.iter().map(|f| f.name.clone()).collect();
        let groups = features
            .features
            .iter()
            .map(|f| {
                let names: Vec<&String> =
                    match fitted.one_hot.columns.iter().find(|c| c.name == f.name) {
                        Some(c) => c
                            .level_columns
                            .iter()
                            .chain(c.other_column.as_ref())
                            .collect(),
                        None => vec![&f.name],
                    };
                FeatureGroup {
                    name: f.name.clone(),
                    columns: names
                        .iter()
                        .filter_map(|name| columns.iter().position(|c| c == *name))
                        .collect(),
                }
            })
            .filter(|g| !g.columns.is_empty())
            .collect();
        Ok(Design {
            fitted,
            columns,
            groups,
            matrix,
        })
    }

    /// The matrix rows of `rows`, in that order.
    pub fn rows(&self, rows: &[usize]) -> Array2<f64> {
        self.matrix.select(ndarray::Axis(0), rows)
    }

    /// The matrix of another customer table with the fitted features (found by name, in any
    /// order; other columns are ignored), prepared with the steps fitted on the training rows:
    /// the same columns as [`Design::matrix`], one row per customer of `table`. The Value step
    /// forecasts with it from the features built at the end of the data.
    pub fn matrix_of(&self, table: &CustomerTable) -> Result<Array2<f64>, DesignError> {
        let mut features = Vec::with_capacity(self.fitted.input.len());
        for column in &self.fitted.input {
            let feature = table
                .feature(&column.name)
                .ok_or_else(|| PrepError::MissingColumn {
                    name: column.name.clone(),
                })?;
            features.push(feature.clone());
        }
        let same_features = CustomerTable {
            id_name: table.id_name.clone(),
            ids: table.ids.clone(),
            features,
        };
        let prepared = self.fitted.transform(&same_features)?.table;
        Ok(to_matrix(&prepared))
    }
}

/// The prepared table's numeric columns as a dense matrix (a value the fitted steps cannot map
/// — a column empty in the training rows, a negative value under log — sits at the training
/// mean, 0).
fn to_matrix(prepared: &CustomerTable) -> Array2<f64> {
    let n = prepared.n_rows();
    let d = prepared.features.len();
    let mut matrix = Array2::<f64>::zeros((n, d));
    for (j, feature) in prepared.features.iter().enumerate() {
        if let FeatureValues::Numeric(values) = &feature.values {
            for (cell, &x) in matrix.column_mut(j).iter_mut().zip(values) {
                *cell = if x.is_finite() { x } else { 0.0 };
            }
        }
    }
    matrix
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::Feature;

    fn table() -> CustomerTable {
        CustomerTable {
            id_name: "id".into(),
            ids: (1..=6).map(|i| i.to_string()).collect(),
            features: vec![
                Feature {
                    name: "spend".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(vec![1.0, 2.0, 3.0, 100.0, f64::NAN, 5.0]),
                    meta: Default::default(),
                },
                Feature {
                    name: "plan".into(),
                    description: String::new(),
                    values: FeatureValues::Categorical {
                        levels: vec!["a".into(), "b".into(), "c".into()],
                        codes: vec![0, 1, 0, 1, 2, MISSING],
                    },
                    meta: Default::default(),
                },
                Feature {
                    name: "same".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(vec![7.0; 6]),
                    meta: Default::default(),
                },
                Feature {
                    name: "empty".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(vec![f64::NAN; 6]),
                    meta: Default::default(),
                },
                Feature {
                    name: "bought".into(),
                    description: String::new(),
                    values: FeatureValues::Numeric(vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0]),
                    meta: Default::default(),
                },
            ],
        }
    }

    #[test]
    fn selection_leaves_out_target_empty_and_constant_columns_with_notes() {
        let all: Vec<usize> = (0..6).collect();
        let s = select_features(&table(), "bought", &[], &[], &all).unwrap();
        let names: Vec<&str> = s.table.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["spend", "plan"]);
        assert!(s.notes.iter().any(|n| n.contains("no values: empty")));
        assert!(s
            .notes
            .iter()
            .any(|n| n.contains("same value for every customer: same")));
        let none = select_features(
            &table(),
            "bought",
            &["spend".into(), "plan".into()],
            &[],
            &all,
        );
        assert!(matches!(none, Err(DesignError::NoFeatures(_))));
        let unknown = select_features(&table(), "bought", &["nope".into()], &[], &all);
        assert!(matches!(unknown, Err(DesignError::UnknownExcluded { .. })));
    }

    #[test]
    fn excluding_a_column_that_is_no_feature_is_a_note_and_a_typo_lists_close_names() {
        let all: Vec<usize> = (0..6).collect();
        let file = vec!["id".to_string(), "comments".to_string()];
        let exclude: Vec<String> = ["id", "bought", "comments", "spend"]
            .map(String::from)
            .to_vec();
        let s = select_features(&table(), "bought", &exclude, &file, &all).unwrap();
        let names: Vec<&str> = s.table.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["plan"]);
        let notes = s.notes.join("\n");
        assert!(notes.contains("'id' is the customer id"), "{notes}");
        assert!(notes.contains("'bought' is the target"), "{notes}");
        assert!(
            notes.contains("nothing to leave out: comments (text"),
            "{notes}"
        );
        assert!(notes.contains("Left out by choice: spend\n"), "{notes}");
        // Not a column anywhere: refused with the close names, closest first.
        let typo = select_features(&table(), "bought", &["Spnd".into()], &file, &all)
            .unwrap_err()
            .to_string();
        assert!(
            typo.starts_with("'Spnd' is not a column of the file"),
            "{typo}"
        );
        assert!(typo.contains("(did you mean 'spend'?)"), "{typo}");
        let case = select_features(&table(), "bought", &["COMMENT".into()], &file, &all)
            .unwrap_err()
            .to_string();
        assert!(case.contains("did you mean 'comments'?"), "{case}");
        let far = select_features(&table(), "bought", &["xyz".into()], &file, &all)
            .unwrap_err()
            .to_string();
        assert!(!far.contains("did you mean"), "{far}");
    }

    #[test]
    fn a_negative_value_outside_the_training_rows_does_not_break_the_log() {
        let mut t = table();
        // spend: skewed and non-negative in rows 0..4, negative in row 5 (not a training row).
        if let FeatureValues::Numeric(v) = &mut t.features[0].values {
            v[5] = -3.0;
        }
        let all: Vec<usize> = (0..6).collect();
        let s = select_features(&t, "bought", &[], &[], &all).unwrap();
        let params = DesignParams::default();
        let design = Design::fit(&s.table, &[0, 1, 2, 3], &params).unwrap();
        assert!(design.fitted.log.columns.is_empty());
        assert!(design.matrix.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn another_table_with_the_features_in_any_order_gets_the_same_matrix() {
        let all: Vec<usize> = (0..6).collect();
        let s = select_features(&table(), "bought", &[], &[], &all).unwrap();
        let design = Design::fit(&s.table, &[0, 1, 2, 3], &DesignParams::default()).unwrap();
        // The full table: its features in another order, plus the target and two columns the
        // selection left out.
        let mut other = table();
        other.features.reverse();
        assert_eq!(design.matrix_of(&other).unwrap(), design.matrix);
        let mut missing = table();
        missing.features.retain(|f| f.name != "plan");
        assert!(matches!(
            design.matrix_of(&missing),
            Err(DesignError::Prep(PrepError::MissingColumn { .. }))
        ));
    }

    #[test]
    fn preparation_is_fitted_on_training_rows_only() {
        let all: Vec<usize> = (0..6).collect();
        let s = select_features(&table(), "bought", &[], &[], &all).unwrap();
        let params = DesignParams {
            log_skewed: false,
            max_levels: 20,
        };
        // Training rows 0, 1, 2: spend 1, 2, 3 → mean 2, sd sqrt(2/3); plan levels a, b.
        let design = Design::fit(&s.table, &[0, 1, 2], &params).unwrap();
        assert_eq!(design.columns, vec!["spend", "plan_a", "plan_b"]);
        let sd = (2.0f64 / 3.0).sqrt();
        let spend: Vec<f64> = design.matrix.column(0).to_vec();
        assert!((spend[0] - (-1.0 / sd)).abs() < 1e-12);
        // Row 3 (spend 100) lies far out: the outlier did not move the training scale.
        assert!((spend[3] - 98.0 / sd).abs() < 1e-9);
        // Row 4: missing spend → the training median 2 → 0; level c unseen → all zeros.
        assert!(spend[4].abs() < 1e-12);
        assert_eq!(design.matrix.row(4).to_vec()[1..], [0.0, 0.0]);
        assert_eq!(
            design.groups,
            vec![
                FeatureGroup {
                    name: "spend".into(),
                    columns: vec![0]
                },
                FeatureGroup {
                    name: "plan".into(),
                    columns: vec![1, 2]
                },
            ]
        );
        assert!(design.matrix.iter().all(|x| x.is_finite()));
    }
}
