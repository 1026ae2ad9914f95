//! The target: which column to predict and which of its values is the "positive" outcome
//! (`Revenue` TRUE, `Churn` Yes, `y` yes, `Response` 1).
//!
//! Any column of the customer table with two values works. A column with more values works
//! too once the user names the positive value (that value against all others); without one it
//! is refused with the values listed. Booleans were turned into 1/0 when the customer table was
//! built, so "TRUE"/"yes" name 1 and "FALSE"/"no" name 0. When no positive value is given, a
//! value that reads as a positive outcome (yes, true, 1, …) is taken, else the rarer one; a note
//! says which. Rows whose target is missing are not used to train or test (they are still
//! scored). Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::format;
use crate::core::table::MISSING;

/// What the user chose to predict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSpec {
    /// A column of the customer table.
    pub column: String,
    /// The value that counts as the positive outcome; `None` = pick one (and say which).
    pub positive: Option<String>,
}

/// A resolved target: one label per customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub column: String,
    /// The positive value as shown, e.g. "yes".
    pub positive: String,
    /// The other value, or "not yes" when the column has more than two.
    pub negative: String,
    /// `None` where the target is missing.
    pub labels: Vec<Option<bool>>,
    pub n_positive: usize,
    pub n_negative: usize,
    pub notes: Vec<String>,
}

/// A column offered as a target in the UI, with its values and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCandidate {
    pub column: String,
    /// Values with their counts, most frequent first (at most [`MAX_CANDIDATE_VALUES`]).
    pub values: Vec<(String, usize)>,
    /// The positive value taken when the user names none.
    pub suggested_positive: String,
}

/// Columns with more values than this are not offered as targets.
pub const MAX_CANDIDATE_VALUES: usize = 12;

/// Words that name a positive outcome, compared lower-case.
const POSITIVE_WORDS: [&str; 10] = [
    "yes",
    "true",
    "1",
    "y",
    "t",
    "churn",
    "churned",
    "bought",
    "purchased",
    "positive",
];
const NEGATIVE_WORDS: [&str; 6] = ["no", "false", "0", "n", "f", "negative"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "there is no column '{0}' in the customer table: choose one of its columns as the target"
    )]
    NotFound(String),
    #[error("'{0}' has no values: choose a target column that is filled in")]
    AllMissing(String),
    #[error(
        "'{column}' has only one value ({value}) among the customers: a model needs both \
         outcomes to learn from. Choose another target column"
    )]
    OneClass { column: String, value: String },
    #[error(
        "'{column}' has {count} different values ({examples}): say which value is the positive \
         outcome to predict it against all the others, or choose a two-valued column"
    )]
    ManyValues {
        column: String,
        count: String,
        examples: String,
    },
    #[error("'{column}' never has the value '{positive}': its values are {values}")]
    PositiveNotFound {
        column: String,
        positive: String,
        values: String,
    },
}

/// The distinct values of a column as text with counts, most frequent first (ties: first seen).
fn value_counts(values: &FeatureValues) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    match values {
        FeatureValues::Numeric(numbers) => {
            let mut sorted: Vec<f64> = numbers.iter().copied().filter(|x| x.is_finite()).collect();
            sorted.sort_by(f64::total_cmp);
            let mut seen: Vec<(f64, usize)> = Vec::new();
            for x in sorted {
                match seen.last_mut() {
                    Some((v, n)) if *v == x => *n += 1,
                    _ => seen.push((x, 1)),
                }
            }
            counts.extend(seen.into_iter().map(|(v, n)| (number_text(v), n)));
        }
        FeatureValues::Categorical { levels, codes } => {
            let mut per_level = vec![0usize; levels.len()];
            for &c in codes.iter().filter(|&&c| c != MISSING) {
                if let Some(n) = per_level.get_mut(c as usize) {
                    *n += 1;
                }
            }
            counts.extend(
                levels
                    .iter()
                    .zip(per_level)
                    .filter(|(_, n)| *n > 0)
                    .map(|(l, n)| (l.clone(), n)),
            );
        }
    }
    // Stable: ties keep first-seen (categories) or ascending (numbers) order.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Does `wanted` (typed by the user) name `value` (as stored)? Case-insensitive; yes/true name 1
/// and no/false name 0 in 1/0 columns.
fn names_value(wanted: &str, value: &str) -> bool {
    let wanted = wanted.trim().to_lowercase();
    let value = value.trim().to_lowercase();
    if wanted == value {
        return true;
    }
    match value.as_str() {
        "1" => ["yes", "true", "y", "t"].contains(&wanted.as_str()),
        "0" => ["no", "false", "n", "f"].contains(&wanted.as_str()),
        _ => wanted
            .parse::<f64>()
            .ok()
            .zip(value.parse::<f64>().ok())
            .is_some_and(|(a, b)| a == b),
    }
}

/// The value taken as positive when the user names none: one that reads as a positive outcome,
/// else (when the other reads as negative) the other, else the rarer.
fn suggest_positive(counts: &[(String, usize)]) -> Option<String> {
    let reads = |words: &[&str], v: &str| words.contains(&v.trim().to_lowercase().as_str());
    if let Some((v, _)) = counts.iter().find(|(v, _)| reads(&POSITIVE_WORDS, v)) {
        return Some(v.clone());
    }
    if counts.len() == 2 {
        if let Some((v, _)) = counts.iter().find(|(v, _)| !reads(&NEGATIVE_WORDS, v)) {
            if counts.iter().any(|(v, _)| reads(&NEGATIVE_WORDS, v)) {
                return Some(v.clone());
            }
        }
    }
    counts.last().map(|(v, _)| v.clone())
}

/// Columns that can be a target: two to [`MAX_CANDIDATE_VALUES`] values. Two-valued columns
/// first, then in table order.
pub fn candidates(table: &CustomerTable) -> Vec<TargetCandidate> {
    let mut out: Vec<TargetCandidate> = table
        .features
        .iter()
        .filter_map(|f| {
            let counts = value_counts(&f.values);
            if counts.len() < 2 || counts.len() > MAX_CANDIDATE_VALUES {
                return None;
            }
            let suggested_positive = suggest_positive(&counts)?;
            Some(TargetCandidate {
                column: f.name.clone(),
                values: counts,
                suggested_positive,
            })
        })
        .collect();
    out.sort_by_key(|c| c.values.len() != 2);
    out
}

/// Resolve the user's choice into one label per customer.
pub fn resolve(table: &CustomerTable, spec: &TargetSpec) -> Result<Target, TargetError> {
    let feature = table
        .feature(&spec.column)
        .ok_or_else(|| TargetError::NotFound(spec.column.clone()))?;
    let counts = value_counts(&feature.values);
    let list = |counts: &[(String, usize)]| {
        counts
            .iter()
            .take(6)
            .map(|(v, _)| format!("'{v}'"))
            .collect::<Vec<_>>()
            .join(", ")
            + if counts.len() > 6 { ", …" } else { "" }
    };
    match counts.as_slice() {
        [] => return Err(TargetError::AllMissing(spec.column.clone())),
        [(value, _)] => {
            return Err(TargetError::OneClass {
                column: spec.column.clone(),
                value: value.clone(),
            })
        }
        _ => {}
    }
    let mut notes = Vec::new();
    let positive = match &spec.positive {
        Some(wanted) => counts
            .iter()
            .find(|(v, _)| names_value(wanted, v))
            .map(|(v, _)| v.clone())
            .ok_or_else(|| TargetError::PositiveNotFound {
                column: spec.column.clone(),
                positive: wanted.clone(),
                values: list(&counts),
            })?,
        None if counts.len() == 2 => {
            let chosen = suggest_positive(&counts).unwrap_or_default();
            notes.push(format!(
                "Predicting {} = {chosen} (the positive outcome); choose the other value to \
                 predict the opposite",
                spec.column
            ));
            chosen
        }
        None => {
            return Err(TargetError::ManyValues {
                column: spec.column.clone(),
                count: format::thousands(counts.len() as u64),
                examples: list(&counts),
            })
        }
    };
    let negative = match counts.as_slice() {
        [(a, _), (b, _)] => {
            if *a == positive {
                b.clone()
            } else {
                a.clone()
            }
        }
        _ => format!("not {positive}"),
    };
    let labels: Vec<Option<bool>> = match &feature.values {
        FeatureValues::Numeric(values) => {
            let wanted = positive.parse::<f64>().unwrap_or(f64::NAN);
            values
                .iter()
                .map(|x| x.is_finite().then_some(*x == wanted))
                .collect()
        }
        FeatureValues::Categorical { levels, codes } => codes
            .iter()
            .map(|&c| levels.get(c as usize).map(|level| *level == positive))
            .collect(),
    };
    let n_positive = labels.iter().filter(|l| **l == Some(true)).count();
    let n_negative = labels.iter().filter(|l| **l == Some(false)).count();
    let missing = labels.len() - n_positive - n_negative;
    if missing > 0 {
        notes.push(format!(
            "{} customers have no {}: they are scored but not used to train or test",
            format::thousands(missing as u64),
            spec.column
        ));
    }
    Ok(Target {
        column: spec.column.clone(),
        positive,
        negative,
        labels,
        n_positive,
        n_negative,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::Feature;

    fn table(features: Vec<Feature>) -> CustomerTable {
        let n = features.first().map_or(0, |f| f.values.len());
        CustomerTable {
            id_name: "row".into(),
            ids: (1..=n).map(|i| i.to_string()).collect(),
            features,
        }
    }

    fn numeric(name: &str, v: &[f64]) -> Feature {
        Feature {
            name: name.into(),
            description: String::new(),
            values: FeatureValues::Numeric(v.to_vec()),
            meta: Default::default(),
        }
    }

    fn categorical(name: &str, levels: &[&str], codes: &[u32]) -> Feature {
        Feature {
            name: name.into(),
            description: String::new(),
            values: FeatureValues::Categorical {
                levels: levels.iter().map(|s| s.to_string()).collect(),
                codes: codes.to_vec(),
            },
            meta: Default::default(),
        }
    }

    #[test]
    fn boolean_column_takes_true_as_positive_and_accepts_the_word() {
        let t = table(vec![numeric("Revenue", &[0.0, 1.0, 0.0, f64::NAN])]);
        let spec = TargetSpec {
            column: "Revenue".into(),
            positive: None,
        };
        let target = resolve(&t, &spec).unwrap();
        assert_eq!(target.positive, "1");
        assert_eq!(
            target.labels,
            vec![Some(false), Some(true), Some(false), None]
        );
        assert_eq!((target.n_positive, target.n_negative), (1, 2));
        let named = resolve(
            &t,
            &TargetSpec {
                column: "Revenue".into(),
                positive: Some("TRUE".into()),
            },
        )
        .unwrap();
        assert_eq!(named.labels, target.labels);
    }

    #[test]
    fn yes_no_levels_take_yes_else_the_rarer_value() {
        let t = table(vec![
            categorical("y", &["no", "yes"], &[0, 0, 1]),
            categorical("plan", &["basic", "gold"], &[0, 1, 1]),
        ]);
        let y = resolve(
            &t,
            &TargetSpec {
                column: "y".into(),
                positive: None,
            },
        )
        .unwrap();
        assert_eq!((y.positive.as_str(), y.negative.as_str()), ("yes", "no"));
        let plan = resolve(
            &t,
            &TargetSpec {
                column: "plan".into(),
                positive: None,
            },
        )
        .unwrap();
        assert_eq!(plan.positive, "basic");
    }

    #[test]
    fn bad_targets_are_refused_with_what_to_do() {
        let t = table(vec![
            categorical("one", &["a"], &[0, 0, 0]),
            categorical("many", &["a", "b", "c"], &[0, 1, 2]),
            numeric("empty", &[f64::NAN; 3]),
        ]);
        let spec = |c: &str, p: Option<&str>| TargetSpec {
            column: c.into(),
            positive: p.map(Into::into),
        };
        assert!(matches!(
            resolve(&t, &spec("one", None)),
            Err(TargetError::OneClass { .. })
        ));
        assert!(matches!(
            resolve(&t, &spec("many", None)),
            Err(TargetError::ManyValues { .. })
        ));
        assert!(matches!(
            resolve(&t, &spec("empty", None)),
            Err(TargetError::AllMissing(_))
        ));
        assert!(matches!(
            resolve(&t, &spec("nope", None)),
            Err(TargetError::NotFound(_))
        ));
        assert!(matches!(
            resolve(&t, &spec("many", Some("z"))),
            Err(TargetError::PositiveNotFound { .. })
        ));
        let one_vs_rest = resolve(&t, &spec("many", Some("b"))).unwrap();
        assert_eq!(
            one_vs_rest.labels,
            vec![Some(false), Some(true), Some(false)]
        );
        assert_eq!(one_vs_rest.negative, "not b");
    }

    #[test]
    fn candidates_list_two_valued_columns_first() {
        let t = table(vec![
            categorical("many", &["a", "b", "c"], &[0, 1, 2]),
            numeric("flag", &[1.0, 0.0, 0.0]),
            numeric("amount", &[1.5, 2.5, 3.5]),
        ]);
        let half = resolve(
            &t,
            &TargetSpec {
                column: "amount".into(),
                positive: Some("2.5".into()),
            },
        );
        assert_eq!(
            half.unwrap().labels,
            vec![Some(false), Some(true), Some(false)]
        );
        let names: Vec<String> = candidates(&t).into_iter().map(|c| c.column).collect();
        assert_eq!(names, vec!["flag", "many", "amount"]);
    }
}
