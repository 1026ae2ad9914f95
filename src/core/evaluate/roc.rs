//! ROC: how well the scores rank positive customers above negative ones, as a curve (true
//! positive rate against false-positive rate over every threshold) and its area (ROC-AUC).
//!
//! The AUC is exact with ties: trapezoids over the distinct scores, so a positive and a negative
//! with the same score count ½ (scikit-learn's `roc_auc_score`). It is summed in integers
//! (twice the area times positives × negatives), so it is exact up to one final division.
//! O(n log n). The curve is thinned for the screen; its `auc` is the exact one.

use super::{check_max_points, drop_collinear, thin_evenly, CurvePoint, EvalError, Ranked, Step};

/// A ROC curve from (0, 0) (nobody called positive) to (1, 1) (everybody), `x` = false-positive
/// rate, `y` = true-positive rate, and the exact area under it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct RocCurve {
    pub points: Vec<CurvePoint>,
    pub auc: f64,
}

/// Area under the ROC curve: the chance that a random positive customer scores above a random
/// negative one (ties count ½). Needs both classes.
pub fn roc_auc(y: &[bool], score: &[f64]) -> Result<f64, EvalError> {
    let ranked = Ranked::new(y, score)?;
    ranked.need_both()?;
    Ok(auc_of(&ranked))
}

/// The ROC curve at the distinct scores, thinned to at most `max_points` (≥ 2; e.g.
/// [`super::DEFAULT_CURVE_POINTS`]): points on a straight segment between their neighbours are
/// dropped first (scikit-learn's `drop_intermediate`, for any collinear run), then the rest are
/// kept evenly spaced along the curve. Both corners are always kept. Needs both classes.
pub fn roc_curve(y: &[bool], score: &[f64], max_points: usize) -> Result<RocCurve, EvalError> {
    check_max_points(max_points)?;
    let ranked = Ranked::new(y, score)?;
    ranked.need_both()?;
    let origin = Step {
        threshold: f64::INFINITY,
        tp: 0,
        fp: 0,
    };
    let steps: Vec<Step> = std::iter::once(origin)
        .chain(ranked.steps.iter().copied())
        .collect();
    let steps = drop_collinear(steps, |a, b, c| {
        let (dx1, dy1) = (b.fp as i128 - a.fp as i128, b.tp as i128 - a.tp as i128);
        let (dx2, dy2) = (c.fp as i128 - b.fp as i128, c.tp as i128 - b.tp as i128);
        dx1 * dy2 == dy1 * dx2
    });
    let (p, n) = (ranked.positives as f64, ranked.negatives as f64);
    let points = steps
        .iter()
        .map(|s| CurvePoint {
            x: s.fp as f64 / n,
            y: s.tp as f64 / p,
            threshold: s.threshold.is_finite().then_some(s.threshold),
        })
        .collect();
    Ok(RocCurve {
        points: thin_evenly(points, max_points),
        auc: auc_of(&ranked),
    })
}

/// Trapezoids over the steps, in integers: Σ Δfp · (tp + tp_prev) = 2 · area · P · N.
fn auc_of(ranked: &Ranked) -> f64 {
    let mut twice_area: u128 = 0;
    let (mut tp0, mut fp0) = (0u128, 0u128);
    for s in &ranked.steps {
        let (tp, fp) = (s.tp as u128, s.fp as u128);
        twice_area += (fp - fp0) * (tp + tp0);
        (tp0, fp0) = (tp, fp);
    }
    let denominator = 2 * ranked.positives as u128 * ranked.negatives as u128;
    twice_area as f64 / denominator as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::evaluate::test_fixtures::{coarse, fine, COARSE_ROC_AUC, FINE_ROC_AUC};

    #[test]
    fn auc_with_ties_matches_hand_count() {
        // Positives score 0.9, 0.5, 0.1; negatives 0.9, 0.5. Of the 3 × 2 = 6 pairs:
        // (0.9, 0.9) tie ½, (0.9, 0.5) 1, (0.5, 0.9) 0, (0.5, 0.5) tie ½, (0.1, ·) 0 and 0
        // → 2 / 6 = 1/3 (scikit-learn's roc_auc_score agrees: 0.3333…).
        let y = [true, false, true, false, true];
        let s = [0.9, 0.9, 0.5, 0.5, 0.1];
        assert!((roc_auc(&y, &s).unwrap() - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn perfect_and_reversed_ranking() {
        let y = [false, false, true, true];
        assert_eq!(roc_auc(&y, &[0.1, 0.2, 0.8, 0.9]), Ok(1.0));
        assert_eq!(roc_auc(&y, &[0.9, 0.8, 0.2, 0.1]), Ok(0.0));
        assert_eq!(roc_auc(&y, &[0.5; 4]), Ok(0.5));
    }

    #[test]
    fn auc_matches_scikit_learn_on_random_fixtures() {
        let (y, s) = coarse();
        let auc = roc_auc(&y, &s).unwrap();
        assert!((auc - COARSE_ROC_AUC).abs() < 1e-12, "{auc}");
        let (y, s) = fine();
        let auc = roc_auc(&y, &s).unwrap();
        assert!((auc - FINE_ROC_AUC).abs() < 1e-12, "{auc}");
    }

    #[test]
    fn one_class_is_an_error() {
        assert_eq!(
            roc_auc(&[true, true], &[0.1, 0.2]),
            Err(EvalError::NoNegatives { rows: 2 })
        );
        assert_eq!(
            roc_auc(&[false, false], &[0.1, 0.2]),
            Err(EvalError::NoPositives { rows: 2 })
        );
    }

    #[test]
    fn curve_of_the_tie_example() {
        // scikit-learn's roc_curve(y, s): fpr [0, .5, 1, 1], tpr [0, 1/3, 2/3, 1], thresholds
        // [inf, .9, .5, .1]. (0.5, 1/3) lies on the segment from (0, 0) to (1, 2/3), so it is
        // dropped here (scikit-learn never tests the origin for collinearity).
        let y = [true, false, true, false, true];
        let s = [0.9, 0.9, 0.5, 0.5, 0.1];
        let curve = roc_curve(&y, &s, 200).unwrap();
        let got: Vec<(f64, f64, Option<f64>)> = curve
            .points
            .iter()
            .map(|p| (p.x, p.y, p.threshold))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 0.0, None),
                (1.0, 2.0 / 3.0, Some(0.5)),
                (1.0, 1.0, Some(0.1)),
            ]
        );
        assert!((curve.auc - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn collinear_points_are_dropped() {
        // Three positives then three negatives, all distinct: the curve is two straight legs.
        let y = [true, true, true, false, false, false];
        let s = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
        let curve = roc_curve(&y, &s, 200).unwrap();
        let corners: Vec<(f64, f64)> = curve.points.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(corners, vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]);
        assert_eq!(curve.points[1].threshold, Some(0.7));
    }

    #[test]
    fn thinned_curve_keeps_corners_within_budget_and_is_monotone() {
        let (y, s) = fine();
        let curve = roc_curve(&y, &s, 50).unwrap();
        // Fewer than 50: the curve starts and ends with long straight legs (only positives at
        // the top scores, only negatives at the bottom), which need just their two ends.
        let len = curve.points.len();
        assert!(len <= 50 && len > 30, "{len}");
        let first = &curve.points[0];
        let last = &curve.points[curve.points.len() - 1];
        assert_eq!((first.x, first.y), (0.0, 0.0));
        assert_eq!((last.x, last.y), (1.0, 1.0));
        for w in curve.points.windows(2) {
            assert!(w[1].x >= w[0].x && w[1].y >= w[0].y);
        }
        // The thinned polygon's area is close to the exact AUC.
        let area: f64 = curve
            .points
            .windows(2)
            .map(|w| (w[1].x - w[0].x) * (w[1].y + w[0].y) / 2.0)
            .sum();
        assert!((area - curve.auc).abs() < 0.01, "{area} vs {}", curve.auc);
    }

    #[test]
    fn too_few_points_is_an_error() {
        assert_eq!(
            roc_curve(&[true, false], &[0.9, 0.1], 1),
            Err(EvalError::MaxPoints { got: 1, min: 2 })
        );
    }
}
