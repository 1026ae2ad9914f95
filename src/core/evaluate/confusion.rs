//! Confusion matrix: at a threshold, every customer with score ≥ threshold is called positive;
//! the four counts and the metrics read from them (accuracy, precision, recall, specificity, F1,
//! MCC, balanced accuracy). A [`ThresholdTable`] holds the counts at up to a few hundred
//! thresholds so that the UI can move a slider and read the matrix with arithmetic only.
//! Threshold suggestions: the best F1 ([`best_f1`]) or the lowest cost of mistakes
//! ([`min_cost`]), both exact over every distinct score.
//!
//! Metrics follow scikit-learn with `zero_division = 0`: a ratio whose denominator is 0 is 0;
//! MCC is 0 when a row or column of the matrix is empty.

use super::{check, ratio, EvalError, Ranked};

/// Counts of one confusion matrix.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Confusion {
    /// Positive customers called positive.
    pub tp: usize,
    /// Negative customers called positive (wasted contacts).
    pub fp: usize,
    /// Negative customers called negative.
    pub tn: usize,
    /// Positive customers called negative (missed customers).
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Confusion {
    /// Counts when `tp` of `positives` and `fp` of `negatives` are called positive.
    fn from_called(positives: usize, negatives: usize, tp: usize, fp: usize) -> Confusion {
        Confusion {
            tp,
            fp,
            tn: negatives.saturating_sub(fp),
            fn_: positives.saturating_sub(tp),
        }
    }

    pub fn total(&self) -> usize {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Customers whose outcome is positive.
    pub fn positives(&self) -> usize {
        self.tp + self.fn_
    }

    /// Customers whose outcome is negative.
    pub fn negatives(&self) -> usize {
        self.tn + self.fp
    }

    /// Customers called positive (e.g. contacted).
    pub fn called_positive(&self) -> usize {
        self.tp + self.fp
    }

    /// Share of customers called right.
    pub fn accuracy(&self) -> f64 {
        ratio((self.tp + self.tn) as f64, self.total() as f64)
    }

    /// Of the customers called positive, the share that are.
    pub fn precision(&self) -> f64 {
        ratio(self.tp as f64, self.called_positive() as f64)
    }

    /// Of the positive customers, the share called positive (sensitivity, true-positive rate).
    pub fn recall(&self) -> f64 {
        ratio(self.tp as f64, self.positives() as f64)
    }

    /// Of the negative customers, the share called negative (true-negative rate).
    pub fn specificity(&self) -> f64 {
        ratio(self.tn as f64, self.negatives() as f64)
    }

    /// Harmonic mean of precision and recall: 2·tp / (2·tp + fp + fn).
    pub fn f1(&self) -> f64 {
        let tp2 = 2.0 * self.tp as f64;
        ratio(tp2, tp2 + (self.fp + self.fn_) as f64)
    }

    /// Matthews correlation coefficient, from −1 (always wrong) through 0 (no better than
    /// chance) to 1 (always right); 0 when a row or column of the matrix is empty.
    pub fn mcc(&self) -> f64 {
        let (tp, fp, tn, fn_) = (
            self.tp as f64,
            self.fp as f64,
            self.tn as f64,
            self.fn_ as f64,
        );
        let marginals = [tp + fp, tp + fn_, tn + fp, tn + fn_];
        if marginals.contains(&0.0) {
            return 0.0;
        }
        let denominator = marginals.iter().map(|m| m.sqrt()).product::<f64>();
        (tp * tn - fp * fn_) / denominator
    }

    /// Mean of recall and specificity over the classes present (scikit-learn's
    /// `balanced_accuracy_score`: with a single class present, that class's recall).
    pub fn balanced_accuracy(&self) -> f64 {
        match (self.positives() > 0, self.negatives() > 0) {
            (true, true) => (self.recall() + self.specificity()) / 2.0,
            (true, false) => self.recall(),
            (false, true) => self.specificity(),
            (false, false) => 0.0,
        }
    }
}

/// The confusion matrix when every customer with `score ≥ threshold` is called positive.
pub fn confusion_at(y: &[bool], score: &[f64], threshold: f64) -> Result<Confusion, EvalError> {
    check(y, score)?;
    let mut c = Confusion::default();
    for (&positive, &s) in y.iter().zip(score) {
        match (positive, s >= threshold) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
            (true, false) => c.fn_ += 1,
        }
    }
    Ok(c)
}

/// The confusion matrix at one threshold of a [`ThresholdTable`].
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ThresholdRow {
    pub threshold: f64,
    pub confusion: Confusion,
}

/// Confusion matrices at up to `max_rows` thresholds, lowest threshold first: every distinct
/// score when there are few, else evenly spaced quantiles of the scores (the lowest and highest
/// score included); 0, 0.5 and 1 always. Counts at each row are exact.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ThresholdTable {
    pub positives: usize,
    pub negatives: usize,
    pub rows: Vec<ThresholdRow>,
}

impl ThresholdTable {
    /// Enough rows for a smooth slider.
    pub const DEFAULT_MAX_ROWS: usize = 201;
    /// 0, 0.5, 1 and at least two quantiles.
    pub const MIN_ROWS: usize = 5;
    const FIXED: [f64; 3] = [0.0, 0.5, 1.0];

    /// Count the confusion matrix at up to `max_rows` (≥ [`Self::MIN_ROWS`]) thresholds.
    /// O(n log n + max_rows · log n).
    pub fn new(y: &[bool], score: &[f64], max_rows: usize) -> Result<ThresholdTable, EvalError> {
        Self::with_thresholds(y, score, max_rows, &[])
    }

    /// [`Self::new`] with the finite values of `extra` as rows too (e.g. a suggested threshold,
    /// so that the slider can stand exactly on it): up to `max_rows + extra.len()` rows.
    pub fn with_thresholds(
        y: &[bool],
        score: &[f64],
        max_rows: usize,
        extra: &[f64],
    ) -> Result<ThresholdTable, EvalError> {
        if max_rows < Self::MIN_ROWS {
            return Err(EvalError::TableRows {
                got: max_rows,
                min: Self::MIN_ROWS,
            });
        }
        check(y, score)?;
        let mut sorted: Vec<(f64, bool)> = score.iter().copied().zip(y.iter().copied()).collect();
        sorted.sort_unstable_by(|a, b| super::ascending(a.0, b.0));
        // positives_below[i]: positives among the i lowest scores.
        let mut positives_below = Vec::with_capacity(sorted.len() + 1);
        positives_below.push(0usize);
        let mut count = 0;
        for &(_, positive) in &sorted {
            count += usize::from(positive);
            positives_below.push(count);
        }
        let n = sorted.len();
        let positives = count;
        let negatives = n - positives;

        let mut distinct: Vec<f64> = sorted.iter().map(|&(s, _)| s).collect();
        distinct.dedup();
        let mut thresholds = with_fixed(distinct);
        if thresholds.len() > max_rows {
            let quantiles = max_rows - Self::FIXED.len();
            let picked = (0..quantiles)
                .filter_map(|k| {
                    // round(k · (n − 1) / (quantiles − 1)), in u64: no overflow on wasm32.
                    let (k, last, steps) = (k as u64, (n - 1) as u64, (quantiles - 1) as u64);
                    let index = (k * last + steps / 2) / steps;
                    sorted.get(index as usize).map(|&(s, _)| s)
                })
                .collect();
            thresholds = with_fixed(picked);
        }
        thresholds.extend(extra.iter().copied().filter(|t| t.is_finite()));
        thresholds.sort_unstable_by(|a, b| super::ascending(*a, *b));
        thresholds.dedup();
        let rows = thresholds
            .into_iter()
            .map(|threshold| {
                let below = sorted.partition_point(|&(s, _)| s < threshold);
                let positives_below = positives_below.get(below).copied().unwrap_or(positives);
                let tp = positives - positives_below;
                let fp = (n - below) - tp;
                ThresholdRow {
                    threshold,
                    confusion: Confusion::from_called(positives, negatives, tp, fp),
                }
            })
            .collect();
        Ok(ThresholdTable {
            positives,
            negatives,
            rows,
        })
    }

    /// Index of the row nearest to `threshold` at or below it (the lowest row when `threshold`
    /// is below every row); `None` for an empty table. For a slider over the rows.
    pub fn index_at(&self, threshold: f64) -> Option<usize> {
        if self.rows.is_empty() {
            return None;
        }
        let above = self.rows.partition_point(|r| r.threshold <= threshold);
        Some(above.saturating_sub(1))
    }

    /// The row with the lowest cost of mistakes, `fp · cost_fp + fn · cost_fn`; among equal
    /// costs the highest threshold. `None` for an empty table or costs that are negative, not
    /// finite or both 0. Unlike [`min_cost`], only the table's rows are candidates.
    pub fn min_cost(&self, cost_fp: f64, cost_fn: f64) -> Option<&ThresholdRow> {
        let valid = |c: f64| c.is_finite() && c >= 0.0;
        if !(valid(cost_fp) && valid(cost_fn)) || cost_fp + cost_fn == 0.0 {
            return None;
        }
        let cost =
            |r: &ThresholdRow| r.confusion.fp as f64 * cost_fp + r.confusion.fn_ as f64 * cost_fn;
        let mut best: Option<&ThresholdRow> = None;
        for row in &self.rows {
            if best.is_none_or(|b| cost(row) <= cost(b)) {
                best = Some(row);
            }
        }
        best
    }

    /// The confusion matrix at the row nearest to `threshold` at or below it (exact when
    /// `threshold` is a row's). Below every row, everybody is called positive (the lowest row is
    /// at or below the lowest score).
    pub fn at(&self, threshold: f64) -> Confusion {
        let above = self.rows.partition_point(|r| r.threshold <= threshold);
        match above.checked_sub(1).and_then(|i| self.rows.get(i)) {
            Some(row) => row.confusion,
            None => Confusion::from_called(
                self.positives,
                self.negatives,
                self.positives,
                self.negatives,
            ),
        }
    }
}

/// `thresholds` (ascending, distinct) with 0, 0.5 and 1 merged in.
fn with_fixed(mut thresholds: Vec<f64>) -> Vec<f64> {
    thresholds.extend(ThresholdTable::FIXED);
    thresholds.sort_unstable_by(|a, b| super::ascending(*a, *b));
    thresholds.dedup();
    thresholds
}

/// A suggested threshold and the confusion matrix there.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct ThresholdChoice {
    pub threshold: f64,
    pub confusion: Confusion,
}

/// The threshold (a score) with the highest F1, over every distinct score; among equal F1 the
/// highest threshold. Needs at least one positive.
pub fn best_f1(y: &[bool], score: &[f64]) -> Result<ThresholdChoice, EvalError> {
    let ranked = Ranked::new(y, score)?;
    ranked.need_positives()?;
    let (p, n) = (ranked.positives, ranked.negatives);
    let mut best: Option<(f64, ThresholdChoice)> = None;
    for s in &ranked.steps {
        let confusion = Confusion::from_called(p, n, s.tp, s.fp);
        let f1 = confusion.f1();
        if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
            best = Some((
                f1,
                ThresholdChoice {
                    threshold: s.threshold,
                    confusion,
                },
            ));
        }
    }
    best.map(|(_, choice)| choice).ok_or(EvalError::Empty)
}

/// The threshold with the lowest cost of mistakes, `fp · cost_fp + fn · cost_fn` (a marketer's
/// "a missed buyer costs 5 × a wasted contact" is `cost_fp = 1, cost_fn = 5`), over every
/// distinct score and calling nobody positive (then the threshold is just above the highest
/// score); among equal costs the highest threshold. Costs must be finite, ≥ 0 and not both 0.
pub fn min_cost(
    y: &[bool],
    score: &[f64],
    cost_fp: f64,
    cost_fn: f64,
) -> Result<ThresholdChoice, EvalError> {
    let valid = |c: f64| c.is_finite() && c >= 0.0;
    if !(valid(cost_fp) && valid(cost_fn)) || cost_fp + cost_fn == 0.0 {
        return Err(EvalError::Costs { cost_fp, cost_fn });
    }
    let ranked = Ranked::new(y, score)?;
    let (p, n) = (ranked.positives, ranked.negatives);
    let cost = |c: &Confusion| c.fp as f64 * cost_fp + c.fn_ as f64 * cost_fn;
    let highest = ranked.steps.first().map_or(0.0, |s| s.threshold);
    let nobody = Confusion::from_called(p, n, 0, 0);
    let mut best = (
        cost(&nobody),
        ThresholdChoice {
            threshold: highest.next_up(),
            confusion: nobody,
        },
    );
    for s in &ranked.steps {
        let confusion = Confusion::from_called(p, n, s.tp, s.fp);
        let c = cost(&confusion);
        if c < best.0 {
            best = (
                c,
                ThresholdChoice {
                    threshold: s.threshold,
                    confusion,
                },
            );
        }
    }
    Ok(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::evaluate::test_fixtures::{coarse, fine, COARSE_AT, FINE_AT};

    /// A hand-worked matrix: tp 6, fp 2, tn 10, fn 4 (22 customers, 10 positive).
    const HAND: Confusion = Confusion {
        tp: 6,
        fp: 2,
        tn: 10,
        fn_: 4,
    };

    #[test]
    fn an_extra_threshold_is_a_row_with_exact_counts() {
        let y: Vec<bool> = (0..500).map(|i| i % 7 == 0).collect();
        let s: Vec<f64> = (0..500).map(|i| ((i * 37) % 500) as f64 / 500.0).collect();
        let t = 0.3141;
        let table = ThresholdTable::with_thresholds(&y, &s, 11, &[t, f64::NAN]).unwrap();
        let row = table.rows.iter().find(|r| r.threshold == t).unwrap();
        assert_eq!(row.confusion, confusion_at(&y, &s, t).unwrap());
        let plain = ThresholdTable::new(&y, &s, 11).unwrap();
        assert_eq!(
            table.rows.len(),
            plain.rows.len() + 1,
            "one more row; NaN is left out"
        );
        assert!(table
            .rows
            .windows(2)
            .all(|w| w[0].threshold < w[1].threshold));
    }

    #[test]
    fn table_min_cost_and_slider_index() {
        // Scores 0.1 0.4 0.35 0.8 with outcomes n n p p; rows at 0, 0.1, 0.35, 0.4, 0.5, 0.8, 1.
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let table = ThresholdTable::new(&y, &s, 50).unwrap();
        // Equal costs: one mistake at 0.35 (fp: 0.4), at 0.5 and at 0.8 (fn: 0.35), two
        // elsewhere; the highest threshold among cost 1 is 0.8.
        let row = table.min_cost(1.0, 1.0).unwrap();
        assert_eq!(row.threshold, 0.8);
        assert_eq!((row.confusion.fp, row.confusion.fn_), (0, 1));
        // A missed positive costs 5 wasted contacts: call 0.35 and up positive (cost 1).
        let row = table.min_cost(1.0, 5.0).unwrap();
        assert_eq!(row.threshold, 0.35);
        assert_eq!((row.confusion.tp, row.confusion.fp), (2, 1));
        assert!(table.min_cost(0.0, 0.0).is_none());
        assert!(table.min_cost(-1.0, 1.0).is_none());
        assert_eq!(
            table.index_at(0.36).map(|i| table.rows[i].threshold),
            Some(0.35)
        );
        assert_eq!(table.index_at(-1.0), Some(0));
        assert_eq!(table.index_at(2.0), Some(table.rows.len() - 1));
    }

    #[test]
    fn metrics_of_a_hand_worked_matrix() {
        // accuracy (6 + 10) / 22 = 8/11; precision 6/8 = 3/4; recall 6/10 = 3/5;
        // specificity 10/12 = 5/6; F1 = 2·6 / (2·6 + 2 + 4) = 12/18 = 2/3;
        // balanced accuracy (3/5 + 5/6) / 2 = 43/60.
        assert!((HAND.accuracy() - 8.0 / 11.0).abs() < 1e-15);
        assert_eq!(HAND.precision(), 0.75);
        assert_eq!(HAND.recall(), 0.6);
        assert!((HAND.specificity() - 5.0 / 6.0).abs() < 1e-15);
        assert!((HAND.f1() - 2.0 / 3.0).abs() < 1e-15);
        assert!((HAND.balanced_accuracy() - 43.0 / 60.0).abs() < 1e-15);
    }

    #[test]
    fn mcc_of_a_hand_worked_matrix() {
        // (tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (60 − 8) / √(8 · 10 · 12 · 14)
        // = 52 / √13440 = 0.448543… (scikit-learn matthews_corrcoef: 0.4485426135725303).
        let expected = 52.0 / 13440f64.sqrt();
        assert!((HAND.mcc() - expected).abs() < 1e-15);
        assert!((HAND.mcc() - 0.4485426135725303).abs() < 1e-12);
    }

    #[test]
    fn zero_divisions_give_zero() {
        // Nobody called positive: precision, F1 and MCC have a 0 denominator.
        let c = Confusion {
            tp: 0,
            fp: 0,
            tn: 5,
            fn_: 3,
        };
        assert_eq!((c.precision(), c.f1(), c.mcc()), (0.0, 0.0, 0.0));
        assert_eq!(c.recall(), 0.0);
        assert_eq!(Confusion::default().accuracy(), 0.0);
    }

    #[test]
    fn metrics_match_scikit_learn_on_random_fixtures() {
        for ((y, s), reference) in [(coarse(), COARSE_AT), (fine(), FINE_AT)] {
            for (t, mcc, f1, tp, fp) in reference {
                let c = confusion_at(&y, &s, t).unwrap();
                assert_eq!((c.tp, c.fp, c.total()), (tp, fp, y.len()));
                assert!((c.mcc() - mcc).abs() < 1e-12, "t {t}: {} vs {mcc}", c.mcc());
                assert!((c.f1() - f1).abs() < 1e-12, "t {t}: {} vs {f1}", c.f1());
            }
        }
    }

    #[test]
    fn table_rows_are_consistent_and_monotone() {
        for (y, s) in [coarse(), fine()] {
            let table = ThresholdTable::new(&y, &s, ThresholdTable::DEFAULT_MAX_ROWS).unwrap();
            assert!(table.rows.len() <= ThresholdTable::DEFAULT_MAX_ROWS);
            assert!(table.rows.len() > 100, "{}", table.rows.len());
            for row in &table.rows {
                assert_eq!(row.confusion.total(), y.len());
                assert_eq!(row.confusion.positives(), table.positives);
            }
            for w in table.rows.windows(2) {
                assert!(w[0].threshold < w[1].threshold);
                assert!(w[0].confusion.tp >= w[1].confusion.tp);
                assert!(w[0].confusion.fp >= w[1].confusion.fp);
            }
            for t in [0.0, 0.5, 1.0] {
                assert!(table.rows.iter().any(|r| r.threshold == t));
            }
        }
    }

    #[test]
    fn table_rows_are_exact_counts() {
        let (y, s) = fine();
        let table = ThresholdTable::new(&y, &s, 50).unwrap();
        assert!(table.rows.len() <= 50);
        for row in &table.rows {
            assert_eq!(row.confusion, confusion_at(&y, &s, row.threshold).unwrap());
            assert_eq!(table.at(row.threshold), row.confusion);
        }
    }

    #[test]
    fn few_scores_give_one_row_each() {
        let y = [true, false, true, false, true];
        let s = [0.9, 0.9, 0.5, 0.5, 0.1];
        let table = ThresholdTable::new(&y, &s, 10).unwrap();
        let thresholds: Vec<f64> = table.rows.iter().map(|r| r.threshold).collect();
        assert_eq!(thresholds, vec![0.0, 0.1, 0.5, 0.9, 1.0]);
        // Between rows, the row at or below: 0.7 reads the row at 0.5.
        assert_eq!(
            table.at(0.7),
            Confusion {
                tp: 2,
                fp: 2,
                tn: 0,
                fn_: 1
            }
        );
        assert_eq!(table.at(-1.0).called_positive(), 5);
        assert_eq!(table.at(2.0).called_positive(), 0);
        assert_eq!(table.at(f64::NAN).total(), 5);
    }

    #[test]
    fn too_small_a_table_is_an_error() {
        assert_eq!(
            ThresholdTable::new(&[true], &[0.5], 4),
            Err(EvalError::TableRows { got: 4, min: 5 })
        );
    }

    /// Best F1 by trying every threshold on the raw data.
    fn brute_force_best_f1(y: &[bool], s: &[f64]) -> f64 {
        s.iter()
            .map(|&t| confusion_at(y, s, t).unwrap().f1())
            .fold(0.0, f64::max)
    }

    #[test]
    fn best_f1_equals_a_brute_force_scan() {
        for (y, s) in [coarse(), fine()] {
            let choice = best_f1(&y, &s).unwrap();
            assert_eq!(
                choice.confusion,
                confusion_at(&y, &s, choice.threshold).unwrap()
            );
            assert_eq!(choice.confusion.f1(), brute_force_best_f1(&y, &s));
        }
    }

    #[test]
    fn best_f1_of_a_perfect_ranking_separates_the_classes() {
        let y = [false, true, false, true];
        let choice = best_f1(&y, &[0.2, 0.7, 0.4, 0.6]).unwrap();
        assert_eq!(choice.threshold, 0.6);
        assert_eq!(choice.confusion.f1(), 1.0);
    }

    #[test]
    fn min_cost_equals_a_brute_force_scan() {
        let (y, s) = coarse();
        for (cost_fp, cost_fn) in [(1.0, 5.0), (1.0, 1.0), (5.0, 1.0), (0.0, 1.0)] {
            let choice = min_cost(&y, &s, cost_fp, cost_fn).unwrap();
            let cost = |c: Confusion| c.fp as f64 * cost_fp + c.fn_ as f64 * cost_fn;
            let brute = s
                .iter()
                .map(|&t| cost(confusion_at(&y, &s, t).unwrap()))
                .fold(cost(confusion_at(&y, &s, 2.0).unwrap()), f64::min);
            assert_eq!(cost(choice.confusion), brute);
            assert_eq!(
                choice.confusion,
                confusion_at(&y, &s, choice.threshold).unwrap()
            );
        }
    }

    #[test]
    fn min_cost_calls_nobody_when_misses_are_free() {
        let y = [true, false, true];
        let choice = min_cost(&y, &[0.9, 0.8, 0.3], 1.0, 0.0).unwrap();
        assert_eq!(choice.confusion.called_positive(), 0);
        assert!(choice.threshold > 0.9);
    }

    #[test]
    fn min_cost_rejects_bad_costs() {
        let y = [true, false];
        let s = [0.9, 0.1];
        for (fp, fn_) in [
            (0.0, 0.0),
            (-1.0, 1.0),
            (1.0, f64::NAN),
            (f64::INFINITY, 1.0),
        ] {
            assert!(matches!(
                min_cost(&y, &s, fp, fn_),
                Err(EvalError::Costs { .. })
            ));
        }
    }
}
