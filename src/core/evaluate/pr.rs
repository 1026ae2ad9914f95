//! Precision–recall: of the customers called positive, how many are (precision), and of the
//! positive customers, how many are called (recall), over every threshold; and the average
//! precision summarising the curve.
//!
//! Definitions are scikit-learn's: `precision_recall_curve` (a point at each distinct score plus
//! recall 0 / precision 1 where nobody is called) and `average_precision_score`
//! (AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ over the distinct scores, highest first: a step sum, no
//! interpolation). The more informative view when positives are rare: its baseline is the share
//! of positives, not 0.5. O(n log n).

use super::{check_max_points, drop_collinear, thin_evenly, CurvePoint, EvalError, Ranked, Step};

/// A precision–recall curve from recall 0 (precision 1, nobody called positive) to recall 1
/// (everybody), with the average precision and the share of positives (the precision of calling
/// everybody positive: a model without skill draws a flat line there).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct PrCurve {
    /// `x` = recall, `y` = precision, recall increasing.
    pub points: Vec<CurvePoint>,
    pub average_precision: f64,
    pub base_rate: f64,
}

/// Average precision (scikit-learn's `average_precision_score`). Needs at least one positive.
pub fn average_precision(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let ranked = Ranked::new(y, score)?;
    ranked.need_positives()?;
    Ok(average_precision_of(&ranked))
}

/// The precision–recall curve, thinned to at most `max_points` (≥ 2; e.g.
/// [`super::DEFAULT_CURVE_POINTS`]): points on a straight segment between their neighbours are
/// dropped first (such as the runs where only negatives are added, scikit-learn's
/// `drop_intermediate`), then the rest are kept evenly spaced along the curve. Both ends are
/// always kept. Needs at least one positive.
pub fn pr_curve(y: &[bool], score: &[f64], max_points: usize) -> Result<PrCurve, EvalError> {
    check_max_points(max_points)?;
    let ranked = Ranked::new(y, score)?;
    ranked.need_positives()?;
    let p = ranked.positives as f64;
    let steps = drop_collinear(ranked.steps.clone(), collinear);
    let points = std::iter::once(CurvePoint {
        x: 0.0,
        y: 1.0,
        threshold: None,
    })
    .chain(steps.iter().map(|s| point(s, p)))
    .collect();
    Ok(PrCurve {
        points: thin_evenly(points, max_points),
        average_precision: average_precision_of(&ranked),
        base_rate: p / ranked.rows() as f64,
    })
}

fn point(s: &Step, positives: f64) -> CurvePoint {
    CurvePoint {
        x: s.tp as f64 / positives,
        y: s.tp as f64 / (s.tp + s.fp) as f64,
        threshold: Some(s.threshold),
    }
}

/// Whether `b` lies on the segment from `a` to `c` in (recall, precision), exactly: with
/// recall = tp / P and precision = tp / d (d = tp + fp ≥ 1 at every step), the cross product
/// times P · d_a · d_b · d_c is an integer. Along the curve recall never decreases, so collinear
/// means between.
fn collinear(a: &Step, b: &Step, c: &Step) -> bool {
    let (ta, tb, tc) = (a.tp as i128, b.tp as i128, c.tp as i128);
    let (da, db, dc) = (
        (a.tp + a.fp) as i128,
        (b.tp + b.fp) as i128,
        (c.tp + c.fp) as i128,
    );
    // (r_b − r_a)(p_c − p_b) − (p_b − p_a)(r_c − r_b), scaled.
    (tb - ta) * (tc * db - tb * dc) * da == (tb * da - ta * db) * (tc - tb) * dc
}

fn average_precision_of(ranked: &Ranked) -> f64 {
    let mut sum = 0.0;
    let mut tp0 = 0usize;
    for s in &ranked.steps {
        sum += (s.tp - tp0) as f64 * s.tp as f64 / (s.tp + s.fp) as f64;
        tp0 = s.tp;
    }
    sum / ranked.positives as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::evaluate::test_fixtures::{
        coarse, fine, COARSE_AP, COARSE_PR, FINE_AP, FINE_PR,
    };

    #[test]
    fn average_precision_matches_hand_sum() {
        // Highest score first: 0.9 → tp 1, fp 1 (P = 1/2, R = 1/3); 0.5 → tp 2, fp 2
        // (P = 1/2, R = 2/3); 0.1 → tp 3, fp 2 (P = 3/5, R = 1).
        // AP = 1/3 · 1/2 + 1/3 · 1/2 + 1/3 · 3/5 = 8/15 = 0.5333… (scikit-learn agrees).
        let y = [true, false, true, false, true];
        let s = [0.9, 0.9, 0.5, 0.5, 0.1];
        let ap = average_precision(&y, &s).unwrap();
        assert!((ap - 8.0 / 15.0).abs() < 1e-15, "{ap}");
    }

    #[test]
    fn average_precision_matches_scikit_learn_on_random_fixtures() {
        let (y, s) = coarse();
        assert!((average_precision(&y, &s).unwrap() - COARSE_AP).abs() < 1e-12);
        let (y, s) = fine();
        assert!((average_precision(&y, &s).unwrap() - FINE_AP).abs() < 1e-12);
    }

    #[test]
    fn perfect_ranking_has_average_precision_one() {
        let y = [false, true, false, true];
        assert_eq!(average_precision(&y, &[0.1, 0.9, 0.2, 0.8]), Ok(1.0));
    }

    #[test]
    fn no_positive_is_an_error() {
        assert_eq!(
            average_precision(&[false, false], &[0.3, 0.4]),
            Err(EvalError::NoPositives { rows: 2 })
        );
    }

    /// The curve before dropping and thinning has scikit-learn's points: compare the count and
    /// the sums of precision, recall and thresholds of `precision_recall_curve`.
    fn assert_full_curve_matches((y, s): (Vec<bool>, Vec<f64>), reference: (usize, f64, f64, f64)) {
        let ranked = Ranked::new(&y, &s).unwrap();
        let p = ranked.positives as f64;
        let points: Vec<CurvePoint> = ranked.steps.iter().map(|s| point(s, p)).collect();
        assert_eq!(points.len() + 1, reference.0);
        let precision = 1.0 + points.iter().map(|q| q.y).sum::<f64>();
        let recall: f64 = points.iter().map(|q| q.x).sum();
        let thresholds: f64 = points.iter().filter_map(|q| q.threshold).sum();
        assert!((precision - reference.1).abs() < 1e-9, "{precision}");
        assert!((recall - reference.2).abs() < 1e-9, "{recall}");
        assert!((thresholds - reference.3).abs() < 1e-9, "{thresholds}");
    }

    #[test]
    fn full_curve_matches_scikit_learn() {
        assert_full_curve_matches(coarse(), COARSE_PR);
        assert_full_curve_matches(fine(), FINE_PR);
    }

    #[test]
    fn curve_of_the_tie_example() {
        // scikit-learn: precision [.6, .5, .5, 1], recall [1, 2/3, 1/3, 0], thresholds
        // [.1, .5, .9]; the same points read from recall 0 up (no three on a line).
        let y = [true, false, true, false, true];
        let s = [0.9, 0.9, 0.5, 0.5, 0.1];
        let curve = pr_curve(&y, &s, 200).unwrap();
        let got: Vec<(f64, f64, Option<f64>)> = curve
            .points
            .iter()
            .map(|p| (p.x, p.y, p.threshold))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 1.0, None),
                (1.0 / 3.0, 0.5, Some(0.9)),
                (2.0 / 3.0, 0.5, Some(0.5)),
                (1.0, 0.6, Some(0.1)),
            ]
        );
        assert_eq!(curve.base_rate, 0.6);
    }

    #[test]
    fn runs_of_negatives_collapse_to_their_ends() {
        // After the first positive, four negatives in a row: precision falls 1 → 1/2 → 1/3 →
        // 1/4 → 1/5 at recall 1/2, a vertical segment; only its ends stay.
        let y = [true, false, false, false, false, true];
        let s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.1];
        let curve = pr_curve(&y, &s, 200).unwrap();
        let got: Vec<(f64, f64)> = curve.points.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(
            got,
            vec![(0.0, 1.0), (0.5, 1.0), (0.5, 0.2), (1.0, 2.0 / 6.0)]
        );
    }

    #[test]
    fn thinned_curve_keeps_ends_within_budget() {
        let (y, s) = fine();
        let curve = pr_curve(&y, &s, 100).unwrap();
        assert!(curve.points.len() <= 100 && curve.points.len() > 80);
        assert_eq!(curve.points[0].threshold, None);
        let last = &curve.points[curve.points.len() - 1];
        assert_eq!(last.x, 1.0);
        assert!((last.y - curve.base_rate).abs() < 1e-15);
        assert!(curve.points.windows(2).all(|w| w[1].x >= w[0].x));
    }
}
