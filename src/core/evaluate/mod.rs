//! Evaluate: how good a two-class model's probabilities are — ROC and precision–recall curves,
//! confusion matrix and its metrics at any threshold, threshold suggestions, lift and cumulative
//! gain, permutation feature importance.
//!
//! Inputs are plain slices: `y[i]` (`true` = positive) and `score[i]` (the model's probability).
//! Curves are returned thinned to what a screen can show. Pure Rust: no web-sys; never panics
//! on user data (empty input or a single class gives an error or `None`, never a panic).
//!
//! Every result is a serde view-model: the UI reads it and does no numeric work beyond
//! arithmetic. The definitions are scikit-learn's (`roc_auc_score`, `average_precision_score`,
//! `precision_recall_curve`, `matthews_corrcoef`, `zero_division = 0`), so the numbers shown
//! are the ones a data scientist gets from scikit-learn on the same scores.
//!
//! For predicted numbers (the Value step's spend forecasts), [`regression`] holds MAE, RMSE, R²
//! and Spearman, and [`importance`] measures permutation importance as the drop of R² too.

pub mod confusion;
pub mod importance;
pub mod lift;
pub mod pr;
pub mod regression;
pub mod roc;

use std::cmp::Ordering;

/// The scores and outcomes cannot be evaluated, or a choice made for the evaluation is invalid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("There are no customers to evaluate: the test set is empty. Use more data or a larger test share.")]
    Empty,
    #[error(
        "There are {labels} known outcomes but {scores} scores: every customer needs exactly one \
         of each."
    )]
    LengthMismatch { labels: usize, scores: usize },
    #[error(
        "The model gave customer {row} a missing or infinite score, so it cannot be evaluated: \
         check the features of that customer for extreme values."
    )]
    NonFiniteScore { row: usize },
    #[error(
        "The actual value of customer {row} is missing or infinite, so the prediction cannot be \
         compared with it: leave customers without a value out of the evaluation."
    )]
    NonFiniteActual { row: usize },
    #[error(
        "None of the {rows} customers evaluated is positive, so this measure cannot be computed: \
         use a larger or stratified test set, or check which value of the target is positive."
    )]
    NoPositives { rows: usize },
    #[error(
        "All {rows} customers evaluated are positive, so this measure cannot be computed: use a \
         larger or stratified test set, or check which value of the target is positive."
    )]
    NoNegatives { rows: usize },
    #[error(
        "Costs must be numbers ≥ 0 and not both 0 (got {cost_fp} for a wasted contact and \
         {cost_fn} for a missed customer)."
    )]
    Costs { cost_fp: f64, cost_fn: f64 },
    #[error("A curve needs at least {min} points to show (asked for {got}).")]
    MaxPoints { got: usize, min: usize },
    #[error("The threshold table needs at least {min} rows (asked for {got}).")]
    TableRows { got: usize, min: usize },
    #[error("This table needs at least {needed} customers (got {rows}).")]
    TooFewRows { rows: usize, needed: usize },
    #[error("Feature importance needs at least 1 repeat.")]
    Repeats,
    #[error("Feature importance needs a sample of at least {min} rows (asked for {got}).")]
    MaxRows { got: usize, min: usize },
    #[error("The feature matrix has {rows} rows but there are {labels} known outcomes.")]
    FeatureRows { rows: usize, labels: usize },
    #[error(
        "The feature matrix has a missing or infinite value in row {row}, column {column}: \
         impute it before measuring importance."
    )]
    NonFiniteFeature { row: usize, column: usize },
    #[error("Feature '{name}' has no columns to shuffle.")]
    EmptyGroup { name: String },
    #[error(
        "Feature '{name}' refers to column {column}, but the matrix has only {columns} columns."
    )]
    NoSuchColumn {
        name: String,
        column: usize,
        columns: usize,
    },
    #[error("The model returned {got} probabilities for {rows} customers.")]
    ModelOutput { rows: usize, got: usize },
}

/// Points a curve is thinned to by default: more than a chart of a few hundred pixels shows.
pub const DEFAULT_CURVE_POINTS: usize = 200;

/// One point of a curve drawn in the unit square (ROC: `x` = false-positive rate, `y` = true
/// positive rate; precision–recall: `x` = recall, `y` = precision).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct CurvePoint {
    pub x: f64,
    pub y: f64,
    /// The point is reached by calling positive every customer whose score is ≥ this. `None`
    /// for the end where nobody is called positive (above every score).
    pub threshold: Option<f64>,
}

/// Cumulative counts when every customer with score ≥ `threshold` is called positive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Step {
    pub threshold: f64,
    pub tp: usize,
    pub fp: usize,
}

/// Outcomes checked and ranked: the cumulative counts at each distinct score, highest score
/// first (scikit-learn's `_binary_clf_curve`). The last step has `tp = positives`,
/// `fp = negatives`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranked {
    pub positives: usize,
    pub negatives: usize,
    pub steps: Vec<Step>,
}

impl Ranked {
    /// Check `y` and `score` (same non-zero length, finite scores) and rank them:
    /// O(n log n).
    pub fn new(y: &[bool], score: &[f64]) -> Result<Ranked, EvalError> {
        check(y, score)?;
        let mut pairs: Vec<(f64, bool)> = score.iter().copied().zip(y.iter().copied()).collect();
        pairs.sort_unstable_by(|a, b| descending(a.0, b.0));
        let mut steps: Vec<Step> = Vec::new();
        let (mut tp, mut fp) = (0usize, 0usize);
        let mut iter = pairs.iter().peekable();
        while let Some(&(s, positive)) = iter.next() {
            if positive {
                tp += 1;
            } else {
                fp += 1;
            }
            // Close the step at the last customer of a run of equal scores.
            if iter.peek().is_none_or(|next| next.0 != s) {
                steps.push(Step {
                    threshold: s,
                    tp,
                    fp,
                });
            }
        }
        Ok(Ranked {
            positives: tp,
            negatives: fp,
            steps,
        })
    }

    pub fn rows(&self) -> usize {
        self.positives + self.negatives
    }

    pub fn need_positives(&self) -> Result<(), EvalError> {
        if self.positives == 0 {
            return Err(EvalError::NoPositives { rows: self.rows() });
        }
        Ok(())
    }

    pub fn need_both(&self) -> Result<(), EvalError> {
        self.need_positives()?;
        if self.negatives == 0 {
            return Err(EvalError::NoNegatives { rows: self.rows() });
        }
        Ok(())
    }
}

/// Same length, not empty, every score finite.
pub(crate) fn check(y: &[bool], score: &[f64]) -> Result<(), EvalError> {
    if y.len() != score.len() {
        return Err(EvalError::LengthMismatch {
            labels: y.len(),
            scores: score.len(),
        });
    }
    if y.is_empty() {
        return Err(EvalError::Empty);
    }
    if let Some(row) = score.iter().position(|s| !s.is_finite()) {
        return Err(EvalError::NonFiniteScore { row });
    }
    Ok(())
}

/// Order for sorting finite scores highest first (`-0.0` equals `0.0`).
pub(crate) fn descending(a: f64, b: f64) -> Ordering {
    b.partial_cmp(&a).unwrap_or(Ordering::Equal)
}

/// Order for sorting finite scores lowest first (`-0.0` equals `0.0`).
pub(crate) fn ascending(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// `num / den`, or 0 when `den` is 0 (scikit-learn's `zero_division = 0`).
pub(crate) fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

pub(crate) fn check_max_points(max_points: usize) -> Result<(), EvalError> {
    const MIN: usize = 2;
    if max_points < MIN {
        return Err(EvalError::MaxPoints {
            got: max_points,
            min: MIN,
        });
    }
    Ok(())
}

/// Drop every point that lies on the straight segment between its neighbours (`collinear(a, b,
/// c)` says whether `b` does, between `a` and `c`): the drawn curve and its area are unchanged.
/// The first and last points are always kept.
pub(crate) fn drop_collinear<T>(points: Vec<T>, collinear: impl Fn(&T, &T, &T) -> bool) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(points.len());
    let mut iter = points.into_iter().peekable();
    while let Some(p) = iter.next() {
        if let (Some(last), Some(next)) = (kept.last(), iter.peek()) {
            if collinear(last, &p, next) {
                continue;
            }
        }
        kept.push(p);
    }
    kept
}

/// Keep at most `max_points` of `points` (`max_points ≥ 2`), evenly spaced along the curve's
/// length so that its shape survives; the first and last points are always kept.
pub(crate) fn thin_evenly(points: Vec<CurvePoint>, max_points: usize) -> Vec<CurvePoint> {
    if points.len() <= max_points || max_points < 2 {
        return points;
    }
    let mut cumulative = Vec::with_capacity(points.len());
    let mut length = 0.0;
    let mut previous: Option<&CurvePoint> = None;
    for p in &points {
        if let Some(q) = previous {
            length += (p.x - q.x).hypot(p.y - q.y);
        }
        cumulative.push(length);
        previous = Some(p);
    }
    let last = points.len() - 1;
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[last] = true;
    if length > 0.0 {
        for k in 1..max_points - 1 {
            let target = length * k as f64 / (max_points - 1) as f64;
            let after = cumulative.partition_point(|&c| c < target).min(last);
            let before = after.saturating_sub(1);
            let nearest = match (cumulative.get(before), cumulative.get(after)) {
                (Some(b), Some(a)) if target - b < a - target => before,
                _ => after,
            };
            keep[nearest] = true;
        }
    }
    points
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranked_groups_ties_into_one_step() {
        let r = Ranked::new(
            &[true, false, true, false, true],
            &[0.9, 0.9, 0.5, 0.5, 0.1],
        )
        .unwrap();
        let steps: Vec<(f64, usize, usize)> =
            r.steps.iter().map(|s| (s.threshold, s.tp, s.fp)).collect();
        assert_eq!(steps, vec![(0.9, 1, 1), (0.5, 2, 2), (0.1, 3, 2)]);
        assert_eq!((r.positives, r.negatives), (3, 2));
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert_eq!(Ranked::new(&[], &[]), Err(EvalError::Empty));
        assert_eq!(
            Ranked::new(&[true], &[0.1, 0.2]),
            Err(EvalError::LengthMismatch {
                labels: 1,
                scores: 2
            })
        );
        assert_eq!(
            Ranked::new(&[true, false], &[0.1, f64::NAN]),
            Err(EvalError::NonFiniteScore { row: 1 })
        );
    }

    #[test]
    fn thinning_keeps_the_ends_and_the_budget() {
        let points: Vec<CurvePoint> = (0..=1000)
            .map(|i| {
                let x = i as f64 / 1000.0;
                CurvePoint {
                    x,
                    y: x.sqrt(),
                    threshold: Some(1.0 - x),
                }
            })
            .collect();
        let thin = thin_evenly(points.clone(), 50);
        assert!(thin.len() <= 50 && thin.len() >= 45, "{}", thin.len());
        assert_eq!(thin.first(), points.first());
        assert_eq!(thin.last(), points.last());
    }
}

/// Deterministic pseudo-random outcomes and scores for the tests, with reference values computed
/// by scikit-learn 1.9.1 on the same data. The Python that reproduces them:
///
/// ```text
/// def generate(n, levels, seed):
///     state, ys, ss = seed, [], []
///     def nxt():
///         nonlocal state
///         state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
///         return state >> 33
///     for _ in range(n):
///         y = nxt() % 10 < 3
///         k = nxt() % levels + (levels * 3 // 10 if y else 0)
///         ys.append(y); ss.append(k / (levels * 13 // 10))
///     return np.array(ys), np.array(ss)
/// y, s = generate(1000, 100, 7)          # coarse: 128 distinct scores, many ties
/// y, s = generate(3000, 1_000_000, 11)   # fine: 2996 distinct scores
/// roc_auc_score(y, s); average_precision_score(y, s); precision_recall_curve(y, s)
/// matthews_corrcoef(y, s >= t); f1_score(y, s >= t)
/// ```
#[cfg(test)]
pub(crate) mod test_fixtures {
    pub fn generate(n: usize, levels: u64, seed: u64) -> (Vec<bool>, Vec<f64>) {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut ys = Vec::with_capacity(n);
        let mut ss = Vec::with_capacity(n);
        for _ in 0..n {
            let y = next() % 10 < 3;
            let k = next() % levels + if y { levels * 3 / 10 } else { 0 };
            ys.push(y);
            ss.push(k as f64 / (levels * 13 / 10) as f64);
        }
        (ys, ss)
    }

    /// 1000 customers, 294 positive, 128 distinct scores.
    pub fn coarse() -> (Vec<bool>, Vec<f64>) {
        generate(1000, 100, 7)
    }

    /// 3000 customers, 913 positive, 2996 distinct scores.
    pub fn fine() -> (Vec<bool>, Vec<f64>) {
        generate(3000, 1_000_000, 11)
    }

    pub const COARSE_ROC_AUC: f64 = 0.7543865988321673;
    pub const FINE_ROC_AUC: f64 = 0.7562501607247913;
    pub const COARSE_AP: f64 = 0.6503636617412951;
    pub const FINE_AP: f64 = 0.6564082976586554;
    /// `precision_recall_curve` on the coarse fixture: 129 points; sums of precision, recall and
    /// thresholds (128 of them).
    pub const COARSE_PR: (usize, f64, f64, f64) = (
        129,
        73.01003754738807,
        80.06462585034014,
        62.761538461538464,
    );
    pub const FINE_PR: (usize, f64, f64, f64) = (
        2997,
        1544.5685173781073,
        2032.2749178532313,
        1355.9777407692306,
    );
    /// (threshold, MCC, F1, tp, fp) of `s >= threshold` on the coarse fixture.
    pub const COARSE_AT: [(f64, f64, f64, usize, usize); 3] = [
        (0.3, 0.2741886524753207, 0.5290581162324649, 264, 440),
        (0.5, 0.2666297519455863, 0.5146036161335188, 185, 240),
        (0.7, 0.3910108447242734, 0.5166666666666667, 124, 62),
    ];
    pub const FINE_AT: [(f64, f64, f64, usize, usize); 3] = [
        (0.3, 0.30953413318551803, 0.5537953795379538, 839, 1278),
        (0.5, 0.2846224606057207, 0.5334538878842676, 590, 709),
        (0.7, 0.3744066598980872, 0.49896623018607855, 362, 176),
    ];

    #[test]
    fn fixtures_match_the_python_generator() {
        let (y, s) = coarse();
        assert_eq!(y.iter().filter(|&&p| p).count(), 294);
        assert_eq!(&s[..2], &[0.23846153846153847, 0.5615384615384615]);
        let (y, s) = fine();
        assert_eq!(y.iter().filter(|&&p| p).count(), 913);
        assert_eq!(s[4], 0.9105869230769231);
        assert!(y[4]);
    }
}
