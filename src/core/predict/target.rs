//! The target: which column to predict and which of its values is the "positive" outcome
//! (`Revenue` TRUE, `Churn` Yes, `y` yes, `Response` 1).
//!
//! Any column of the customer table with two values works. A column with more values works
//! too once the user names the positive value (that value against all others); without one it
//! is refused with the values listed. A boolean column of the file is a 0/1 feature of the
//! customer table that remembers the file's words ([`crate::core::customer_table::ValueLabels`]):
//! its values are shown and named as written (`Yes`/`No`, `TRUE`/`FALSE`), and "yes", "true",
//! "1" name the same value as the file's word for 1 (likewise "no", "false", "0"). When no
//! positive value is given, a value that reads as a positive outcome (yes, true, 1, …) is taken,
//! else the rarer one; a note says which. Rows whose target is missing are not used to train or
//! test (they are still scored).
//!
//! **Which column is the outcome** ([`default_target`]) is read from the column names, never
//! from their position: the first two-valued column of Telco is `gender`, of bank-full
//! `default`, and a model of either is a coin toss. A name is split into words (at `_`, `-`,
//! `.`, spaces, camelCase and digits; lower-cased, accents folded) and compared with
//! [`OUTCOME_WORDS`]. A two-valued column whose words are all outcome words (or the fillers
//! of [`FILLER_WORDS`]: `is_churn`, `Attrition_Flag`, `Churn Label`) reads as the outcome; one
//! that only mentions an outcome word among others (`churn_risk_band`, `previous_response`) is
//! listed first but never preselected. Exactly one clear outcome column is the default; none,
//! or several equally clear, and the user chooses (no preselection).
//!
//! Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, Feature, FeatureValues, ValueLabels};
use crate::core::format;
use crate::core::names;
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
    /// What the column's name says about it being the outcome.
    #[serde(default)]
    pub meaning: NameMeaning,
    /// The outcome word of the name (`churn` of `is_churn`).
    #[serde(default)]
    pub outcome_word: Option<String>,
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

/// Words of a column name that say the column is the outcome a marketer predicts, compared
/// with the name's words lower-cased with accents folded (`Réponse` → `reponse`). Each entry
/// was chosen for what it means in a customer file, and words that usually name a *feature*
/// are left out on purpose:
/// - churn and leaving: `churn`, `churned`, `churner`, `attrition`, `attrited` (bank
///   `Attrition_Flag`), `exited` (bank churn `Exited`), `cancelled`/`canceled`/`cancellation`;
///   not `exit` (`ExitRates` of the shoppers file is a page metric) nor `active`
///   (`IsActiveMember` is a feature beside `Exited`);
/// - responding and buying: `response`, `responded`, `responder`, `converted`, `conversion`,
///   `purchased`, `bought`, `subscribed`, `revenue` (the shoppers file's `Revenue` TRUE/FALSE:
///   the session ended in a purchase; a numeric revenue has too many values to be a
///   candidate); not `accepted` (marketing_campaign's `AcceptedCmp1…5` are earlier campaigns,
///   features of `Response`), `purchase` or `subscription` (a purchase amount, a subscription
///   type);
/// - the machine-learning names: `y` (only as the whole name: bank `y`), `target`, `label`,
///   `outcome`; not `class` (in customer data a class is a tier or a travel class) nor
///   `default` (bank `default` is "has credit in default", a feature);
/// - the same outcomes in Spanish, Portuguese, French, German and Italian, the languages of
///   this project's users after English: `abandono`, `fuga` (es: fuga de clientes),
///   `cancelado`, `compro`/`comprado`, `respuesta`, `objetivo`; `evasao`, `cancelou`,
///   `comprou`, `resposta`, `alvo`; `desabonnement`, `resiliation`, `achete`, `reponse`,
///   `cible`; `abwanderung`, `kundigung`/`kuendigung`, `gekauft`, `antwort`, `zielvariable`;
///   `abbandono`, `disdetta`, `acquistato`, `risposta`.
pub const OUTCOME_WORDS: [&str; 49] = [
    "churn",
    "churned",
    "churner",
    "attrition",
    "attrited",
    "exited",
    "cancelled",
    "canceled",
    "cancellation",
    "response",
    "responded",
    "responder",
    "converted",
    "conversion",
    "purchased",
    "bought",
    "subscribed",
    "revenue",
    "y",
    "target",
    "label",
    "outcome",
    "abandono",
    "fuga",
    "cancelado",
    "compro",
    "comprado",
    "respuesta",
    "objetivo",
    "evasao",
    "cancelou",
    "comprou",
    "resposta",
    "alvo",
    "desabonnement",
    "resiliation",
    "achete",
    "reponse",
    "cible",
    "abwanderung",
    "kundigung",
    "kuendigung",
    "gekauft",
    "antwort",
    "zielvariable",
    "abbandono",
    "disdetta",
    "acquistato",
    "risposta",
];

/// Words that add nothing to what a name means (`is_churn`, `Attrition_Flag`,
/// `customer_churned`).
pub const FILLER_WORDS: [&str; 14] = [
    "is",
    "has",
    "did",
    "does",
    "will",
    "was",
    "flag",
    "ind",
    "indicator",
    "yn",
    "customer",
    "client",
    "cliente",
    "kunde",
];

/// What a column's name says about it being the outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMeaning {
    /// Nothing: an ordinary column.
    #[default]
    Other,
    /// An outcome word among other words (`churn_risk_band`): listed first, not preselected.
    MentionsOutcome,
    /// Only outcome words (and fillers): `Churn`, `y`, `is_churn`, `Attrition_Flag`.
    Outcome,
}

/// What `name` says about the column being the outcome, and the outcome word it holds.
pub fn name_meaning(name: &str) -> (NameMeaning, Option<String>) {
    let words = names::words(name);
    let is_outcome = |w: &String| OUTCOME_WORDS.contains(&w.as_str());
    let is_filler = |w: &String| FILLER_WORDS.contains(&w.as_str());
    let found = words.iter().find(|w| is_outcome(w) && w.as_str() != "y");
    if words.len() == 1 && words.first().is_some_and(|w| w == "y") {
        return (NameMeaning::Outcome, Some("y".to_string()));
    }
    let Some(word) = found else {
        return (NameMeaning::Other, None);
    };
    let only_outcome = words
        .iter()
        .all(|w| (is_outcome(w) && w.as_str() != "y") || is_filler(w));
    let meaning = if only_outcome {
        NameMeaning::Outcome
    } else {
        NameMeaning::MentionsOutcome
    };
    (meaning, Some(word.clone()))
}

/// The target preselected in the form (and taken by the CLI without `--target`), or why none
/// is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDefault {
    /// The one two-valued column whose name reads as the outcome; `None` = the user chooses.
    pub column: Option<String>,
    /// Why, in one sentence ("'Churn' is chosen because its name says it is the outcome
    /// (churn)."); the form and the CLI add what to do.
    pub reason: String,
}

/// The default target among `candidates` (see the module documentation): the only two-valued
/// candidate whose name reads as an outcome, else none.
pub fn default_target(candidates: &[TargetCandidate]) -> TargetDefault {
    let clear: Vec<&TargetCandidate> = candidates
        .iter()
        .filter(|c| c.values.len() == 2 && c.meaning == NameMeaning::Outcome)
        .collect();
    let quoted = |list: &[&TargetCandidate]| {
        list.iter()
            .map(|c| format!("'{}'", c.column))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match clear.as_slice() {
        [only] => TargetDefault {
            column: Some(only.column.clone()),
            reason: format!(
                "'{}' is chosen because its name says it is the outcome ({}).",
                only.column,
                only.outcome_word.as_deref().unwrap_or(&only.column)
            ),
        },
        [] => {
            let mentions: Vec<&TargetCandidate> = candidates
                .iter()
                .filter(|c| c.meaning == NameMeaning::MentionsOutcome)
                .collect();
            let hint = if mentions.is_empty() {
                String::new()
            } else {
                format!(" ({} only mention an outcome)", quoted(&mentions))
            };
            TargetDefault {
                column: None,
                reason: format!(
                    "No column's name says it is the outcome (such as Churn, Response, y or \
                     Revenue){hint}."
                ),
            }
        }
        several => TargetDefault {
            column: None,
            reason: format!("{} all read as the outcome.", quoted(several)),
        },
    }
}

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

/// The distinct values of a column as text with counts, most frequent first (ties: first seen);
/// a 0/1 column with the file's words shows those words.
fn value_counts(feature: &Feature) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let labels = feature.meta.value_labels.as_ref();
    match &feature.values {
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
            counts.extend(seen.into_iter().map(|(v, n)| (value_text(v, labels), n)));
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

/// A number as its value text: the file's word for 1 and 0 when the column has them.
fn value_text(x: f64, labels: Option<&ValueLabels>) -> String {
    match labels {
        Some(words) if x == 1.0 => words.one.clone(),
        Some(words) if x == 0.0 => words.zero.clone(),
        _ => number_text(x),
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Words that name a true value and a false value, whatever the file wrote.
const TRUE_WORDS: [&str; 5] = ["yes", "true", "y", "t", "1"];
const FALSE_WORDS: [&str; 5] = ["no", "false", "n", "f", "0"];

/// Does `wanted` (typed by the user) name `value` (as shown)? Case-insensitive; yes / true / 1
/// name one another, as do no / false / 0 (`--positive TRUE` on a Yes/No column); numbers by
/// value (`2.50` names `2.5`).
fn names_value(wanted: &str, value: &str) -> bool {
    let wanted = wanted.trim().to_lowercase();
    let value = value.trim().to_lowercase();
    if wanted == value {
        return true;
    }
    let both_in =
        |words: &[&str]| words.contains(&wanted.as_str()) && words.contains(&value.as_str());
    if both_in(&TRUE_WORDS) || both_in(&FALSE_WORDS) {
        return true;
    }
    wanted
        .parse::<f64>()
        .ok()
        .zip(value.parse::<f64>().ok())
        .is_some_and(|(a, b)| a == b)
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

/// Columns that can be a target: two to [`MAX_CANDIDATE_VALUES`] values. Columns whose name
/// reads as the outcome first, then those that mention one, then two-valued columns, then the
/// rest; in table order within each.
pub fn candidates(table: &CustomerTable) -> Vec<TargetCandidate> {
    let mut out: Vec<TargetCandidate> = table
        .features
        .iter()
        .filter_map(|f| {
            let counts = value_counts(f);
            if counts.len() < 2 || counts.len() > MAX_CANDIDATE_VALUES {
                return None;
            }
            let suggested_positive = suggest_positive(&counts)?;
            let (meaning, outcome_word) = name_meaning(&f.name);
            Some(TargetCandidate {
                column: f.name.clone(),
                values: counts,
                suggested_positive,
                meaning,
                outcome_word,
            })
        })
        .collect();
    out.sort_by_key(|c| {
        let rank = match c.meaning {
            NameMeaning::Outcome => 0,
            NameMeaning::MentionsOutcome => 1,
            NameMeaning::Other => 2,
        };
        (rank, c.values.len() != 2)
    });
    out
}

/// Resolve the user's choice into one label per customer.
pub fn resolve(table: &CustomerTable, spec: &TargetSpec) -> Result<Target, TargetError> {
    let feature = table
        .feature(&spec.column)
        .ok_or_else(|| TargetError::NotFound(spec.column.clone()))?;
    let counts = value_counts(feature);
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
            let words = feature.meta.value_labels.as_ref();
            let wanted = match words {
                Some(w) if w.one == positive => 1.0,
                Some(w) if w.zero == positive => 0.0,
                _ => positive.parse::<f64>().unwrap_or(f64::NAN),
            };
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
    fn names_split_into_words_at_case_separators_and_digits() {
        assert_eq!(names::words("Attrition_Flag"), vec!["attrition", "flag"]);
        assert_eq!(names::words("Churn Label"), vec!["churn", "label"]);
        assert_eq!(names::words("isChurn"), vec!["is", "churn"]);
        assert_eq!(names::words("AcceptedCmp1"), vec!["accepted", "cmp", "1"]);
        assert_eq!(names::words("HTTPResponse"), vec!["http", "response"]);
        assert_eq!(names::words("ExitRates"), vec!["exit", "rates"]);
        assert_eq!(names::words("Réponse client"), vec!["reponse", "client"]);
        assert_eq!(names::words("Kündigung"), vec!["kundigung"]);
        assert_eq!(names::words("emp.var.rate"), vec!["emp", "var", "rate"]);
    }

    #[test]
    fn names_that_mean_the_outcome() {
        let meaning = |name: &str| name_meaning(name).0;
        for name in [
            "Churn",
            "y",
            "Y",
            "Response",
            "Revenue",
            "Exited",
            "Attrition_Flag",
            "is_churn",
            "Churn Label",
            "Purchased",
            "Converted",
            "subscribed",
            "Target",
            "label",
            "Outcome",
            "abandono",
            "Kündigung",
            "Réponse",
            "evasão",
        ] {
            assert_eq!(meaning(name), NameMeaning::Outcome, "{name}");
        }
        for name in ["churn_risk_band", "Previous_Response", "Churn Value"] {
            assert_eq!(meaning(name), NameMeaning::MentionsOutcome, "{name}");
        }
        for name in [
            "gender",
            "default",
            "AcceptedCmp1",
            "Complain",
            "ExitRates",
            "Weekend",
            "IsActiveMember",
            "Class",
            "Genre",
            "Partner",
            "day_of_year",
            "Z_Revenue",
        ] {
            let expected = if name == "Z_Revenue" {
                NameMeaning::MentionsOutcome
            } else {
                NameMeaning::Other
            };
            assert_eq!(meaning(name), expected, "{name}");
        }
        assert_eq!(name_meaning("is_churn").1.as_deref(), Some("churn"));
    }

    #[test]
    fn the_default_is_the_one_clear_outcome_else_the_user_chooses() {
        let two = |name: &str| numeric(name, &[1.0, 0.0, 0.0, 1.0]);
        // Telco's order: gender first, Churn last.
        let telco = table(vec![
            categorical("gender", &["Female", "Male"], &[0, 1, 1, 0]),
            two("Partner"),
            two("Churn"),
        ]);
        let found = candidates(&telco);
        assert_eq!(found.first().map(|c| c.column.as_str()), Some("Churn"));
        let chosen = default_target(&found);
        assert_eq!(chosen.column.as_deref(), Some("Churn"));
        assert!(chosen.reason.contains("(churn)"), "{}", chosen.reason);
        // Mall: no outcome in any name.
        let mall = table(vec![categorical(
            "Genre",
            &["Male", "Female"],
            &[0, 1, 1, 0],
        )]);
        let none = default_target(&candidates(&mall));
        assert_eq!(none.column, None);
        assert!(
            none.reason.starts_with("No column's name says"),
            "{}",
            none.reason
        );
        // Two equally clear outcomes: no guess.
        let both = table(vec![two("Churn Label"), two("is_churn")]);
        let several = default_target(&candidates(&both));
        assert_eq!(several.column, None);
        assert!(several
            .reason
            .contains("'Churn Label', 'is_churn' all read"));
        // Only a mention: listed first, not chosen.
        let weak = table(vec![two("Partner"), two("previous_response")]);
        let found = candidates(&weak);
        assert_eq!(found[0].column, "previous_response");
        let mention = default_target(&found);
        assert_eq!(mention.column, None);
        assert!(mention.reason.contains("'previous_response' only mention"));
        // A clear outcome with many values is not preselected (it needs a positive value).
        let many = table(vec![categorical(
            "Outcome",
            &["a", "b", "c"],
            &[0, 1, 2, 0],
        )]);
        assert_eq!(default_target(&candidates(&many)).column, None);
    }

    #[test]
    fn a_boolean_column_shows_and_takes_the_files_words() {
        let mut churn = numeric("Churn", &[1.0, 0.0, 0.0, f64::NAN]);
        churn.meta.value_labels = Some(ValueLabels {
            one: "Yes".into(),
            zero: "No".into(),
        });
        let t = table(vec![churn]);
        let found = candidates(&t);
        assert_eq!(
            found[0].values,
            vec![("No".to_string(), 2), ("Yes".to_string(), 1)]
        );
        assert_eq!(found[0].suggested_positive, "Yes");
        let spec = |positive: Option<&str>| TargetSpec {
            column: "Churn".into(),
            positive: positive.map(Into::into),
        };
        let target = resolve(&t, &spec(None)).unwrap();
        assert_eq!(
            (target.positive.as_str(), target.negative.as_str()),
            ("Yes", "No")
        );
        assert_eq!(
            target.labels,
            vec![Some(true), Some(false), Some(false), None]
        );
        assert!(target.notes[0].starts_with("Predicting Churn = Yes"));
        // Any way of writing true names the file's `Yes`, any false its `No`.
        for (typed, positive) in [("TRUE", "Yes"), ("yes", "Yes"), ("1", "Yes"), ("no", "No")] {
            assert_eq!(resolve(&t, &spec(Some(typed))).unwrap().positive, positive);
        }
        let no = resolve(&t, &spec(Some("false"))).unwrap();
        assert_eq!(no.labels, vec![Some(false), Some(true), Some(true), None]);
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
