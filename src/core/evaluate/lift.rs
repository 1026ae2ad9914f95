//! Lift and cumulative gain: rank customers by score, highest first, and read what share of all
//! positive customers the top x % holds ("contact the top 20 % → capture 62 % of buyers"), how
//! many times the base rate that is (lift), and the classic decile table.
//!
//! Customers with equal scores keep their original order (a stable sort), so the numbers do not
//! depend on how ties happen to be broken by the sort. O(n log n).

use super::{check, descending, ratio, EvalError};

/// One point of the cumulative-gain curve.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct GainPoint {
    /// Share of all customers contacted, the highest scores first (0..1).
    pub contacted: f64,
    /// Share of all positive customers among those contacted (0..1).
    pub captured: f64,
    /// `captured / contacted`: how many times better than contacting at random. `None` at the
    /// origin, where nobody is contacted.
    pub lift: Option<f64>,
    /// Lowest score among those contacted. `None` at the origin.
    pub score_cutoff: Option<f64>,
}

/// The cumulative-gain curve: the origin, then the top 1/`n`, 2/`n`, …, 100 % of customers
/// (rounded up to whole customers).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct GainCurve {
    pub points: Vec<GainPoint>,
    /// Share of positive customers overall (captured by contacting at random).
    pub base_rate: f64,
}

impl GainCurve {
    /// One point per percent.
    pub const DEFAULT_POINTS: usize = 100;

    /// Share of all positive customers captured by contacting the top `fraction` (0..1; clamped)
    /// of customers, interpolated linearly between the points.
    pub fn capture_at(&self, fraction: f64) -> f64 {
        let f = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let after = self.points.partition_point(|p| p.contacted < f);
        let (Some(b), Some(a)) = (
            after.checked_sub(1).and_then(|i| self.points.get(i)),
            self.points.get(after),
        ) else {
            return self.points.get(after).map_or(0.0, |p| p.captured);
        };
        let width = a.contacted - b.contacted;
        if width <= 0.0 || f == a.contacted {
            return a.captured;
        }
        b.captured + (a.captured - b.captured) * (f - b.contacted) / width
    }
}

/// Row indices ranked by score, highest first, ties in original order.
fn ranking(score: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| descending(score[a], score[b]));
    order
}

/// The cumulative-gain curve at the top `k / n_points` of customers for k = 0 … `n_points`
/// (≥ 1; e.g. [`GainCurve::DEFAULT_POINTS`]). Needs at least one positive.
pub fn gain_curve(y: &[bool], score: &[f64], n_points: usize) -> Result<GainCurve, EvalError> {
    if n_points == 0 {
        return Err(EvalError::MaxPoints {
            got: n_points,
            min: 1,
        });
    }
    check(y, score)?;
    let order = ranking(score);
    let n = order.len();
    // captured_top[k]: positives among the k highest scores.
    let mut captured_top = Vec::with_capacity(n + 1);
    captured_top.push(0usize);
    let mut count = 0;
    for &i in &order {
        count += usize::from(y[i]);
        captured_top.push(count);
    }
    let positives = count;
    if positives == 0 {
        return Err(EvalError::NoPositives { rows: n });
    }
    let points = (0..=n_points)
        .map(|k| {
            // ⌈k · n / n_points⌉, in u64: no overflow on wasm32.
            let contacted_rows = (k as u64 * n as u64).div_ceil(n_points as u64) as usize;
            let contacted = contacted_rows as f64 / n as f64;
            let captured = captured_top
                .get(contacted_rows)
                .copied()
                .unwrap_or(positives) as f64
                / positives as f64;
            let score_cutoff = contacted_rows
                .checked_sub(1)
                .and_then(|last| order.get(last))
                .map(|&i| score[i]);
            GainPoint {
                contacted,
                captured,
                lift: (contacted_rows > 0).then(|| captured / contacted),
                score_cutoff,
            }
        })
        .collect();
    Ok(GainCurve {
        points,
        base_rate: positives as f64 / n as f64,
    })
}

/// One tenth of the customers, ranked by score.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct DecileRow {
    /// 1 = the tenth with the highest scores.
    pub decile: usize,
    pub customers: usize,
    pub positives: usize,
    /// Share of positives in this decile.
    pub rate: f64,
    /// `rate` ÷ the overall share of positives.
    pub lift: f64,
    /// Share of all positives in this decile and the ones above it.
    pub cumulative_captured: f64,
    /// `cumulative_captured` ÷ the share of customers in this decile and the ones above it.
    pub cumulative_lift: f64,
    pub min_score: f64,
    pub max_score: f64,
}

/// The decile table: customers ranked by score and cut into ten groups as equal as whole
/// customers allow (decile d holds ranks ⌊(d−1)·n/10⌋ … ⌊d·n/10⌋ − 1). Needs at least 10
/// customers and one positive.
pub fn lift_by_decile(y: &[bool], score: &[f64]) -> Result<Vec<DecileRow>, EvalError> {
    const DECILES: usize = 10;
    check(y, score)?;
    let n = y.len();
    if n < DECILES {
        return Err(EvalError::TooFewRows {
            rows: n,
            needed: DECILES,
        });
    }
    let total_positives = y.iter().filter(|&&p| p).count();
    if total_positives == 0 {
        return Err(EvalError::NoPositives { rows: n });
    }
    let base_rate = total_positives as f64 / n as f64;
    let order = ranking(score);
    let mut rows = Vec::with_capacity(DECILES);
    let mut cumulative_positives = 0usize;
    for d in 0..DECILES {
        let (start, end) = (d * n / DECILES, (d + 1) * n / DECILES);
        let members = order.get(start..end).unwrap_or(&[]);
        let positives = members.iter().filter(|&&i| y[i]).count();
        cumulative_positives += positives;
        let customers = members.len();
        let rate = ratio(positives as f64, customers as f64);
        let cumulative_captured = cumulative_positives as f64 / total_positives as f64;
        let scores = members.iter().map(|&i| score[i]);
        rows.push(DecileRow {
            decile: d + 1,
            customers,
            positives,
            rate,
            lift: rate / base_rate,
            cumulative_captured,
            cumulative_lift: ratio(cumulative_captured, end as f64 / n as f64),
            min_score: scores.clone().fold(f64::INFINITY, f64::min),
            max_score: scores.fold(f64::NEG_INFINITY, f64::max),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::evaluate::test_fixtures::fine;

    #[test]
    fn gain_curve_of_a_hand_example() {
        // Ranked: 0.9 (+), 0.8 (−), 0.7 (+), 0.6 (−); 2 positives in 4 customers.
        // Top 25 % (1 customer): 1 of 2 captured, lift 2; top 50 %: 1/2, lift 1;
        // top 75 %: 2/2, lift 4/3; all: 1, lift 1.
        let y = [false, true, true, false];
        let s = [0.6, 0.9, 0.7, 0.8];
        let curve = gain_curve(&y, &s, 4).unwrap();
        let got: Vec<(f64, f64, Option<f64>, Option<f64>)> = curve
            .points
            .iter()
            .map(|p| (p.contacted, p.captured, p.lift, p.score_cutoff))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 0.0, None, None),
                (0.25, 0.5, Some(2.0), Some(0.9)),
                (0.5, 0.5, Some(1.0), Some(0.8)),
                (0.75, 1.0, Some(4.0 / 3.0), Some(0.7)),
                (1.0, 1.0, Some(1.0), Some(0.6)),
            ]
        );
        assert_eq!(curve.base_rate, 0.5);
    }

    #[test]
    fn lift_at_all_customers_is_one() {
        let (y, s) = fine();
        let curve = gain_curve(&y, &s, GainCurve::DEFAULT_POINTS).unwrap();
        assert_eq!(curve.points.len(), 101);
        let last = &curve.points[100];
        assert_eq!(
            (last.contacted, last.captured, last.lift),
            (1.0, 1.0, Some(1.0))
        );
        // A model with some skill: the top fifth holds well over a fifth of the positives.
        assert!(curve.capture_at(0.2) > 0.3, "{}", curve.capture_at(0.2));
        for w in curve.points.windows(2) {
            assert!(w[1].captured >= w[0].captured && w[1].contacted > w[0].contacted);
        }
    }

    #[test]
    fn ties_keep_the_original_order() {
        // All scores equal: the first customers in the file are contacted first.
        let y = [true, false, false, false];
        let curve = gain_curve(&y, &[0.5; 4], 4).unwrap();
        assert_eq!(curve.points[1].captured, 1.0);
        let y = [false, false, false, true];
        let curve = gain_curve(&y, &[0.5; 4], 4).unwrap();
        assert_eq!(curve.points[3].captured, 0.0);
    }

    #[test]
    fn capture_at_reads_and_interpolates_the_curve() {
        let y = [false, true, true, false];
        let s = [0.6, 0.9, 0.7, 0.8];
        let curve = gain_curve(&y, &s, 4).unwrap();
        assert_eq!(curve.capture_at(0.25), 0.5);
        assert_eq!(curve.capture_at(0.625), 0.75);
        assert_eq!(curve.capture_at(0.0), 0.0);
        assert_eq!(curve.capture_at(7.0), 1.0);
        assert_eq!(curve.capture_at(f64::NAN), 0.0);
    }

    #[test]
    fn fewer_customers_than_points_round_up() {
        // 3 customers, 100 points: the top 1 % is already one whole customer.
        let curve = gain_curve(&[true, false, false], &[0.9, 0.5, 0.1], 100).unwrap();
        assert_eq!(curve.points[1].contacted, 1.0 / 3.0);
        assert_eq!(curve.points[1].captured, 1.0);
        assert_eq!(curve.points[100].lift, Some(1.0));
    }

    #[test]
    fn gain_without_positives_is_an_error() {
        assert_eq!(
            gain_curve(&[false, false], &[0.1, 0.2], 100),
            Err(EvalError::NoPositives { rows: 2 })
        );
    }

    #[test]
    fn decile_table_adds_up() {
        let (y, s) = fine();
        let rows = lift_by_decile(&y, &s).unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(rows.iter().map(|r| r.customers).sum::<usize>(), y.len());
        let positives = y.iter().filter(|&&p| p).count();
        assert_eq!(rows.iter().map(|r| r.positives).sum::<usize>(), positives);
        let last = &rows[9];
        assert!((last.cumulative_captured - 1.0).abs() < 1e-15);
        assert!((last.cumulative_lift - 1.0).abs() < 1e-15);
        // Ranked by score: deciles do not overlap, and the top one beats the bottom one.
        for w in rows.windows(2) {
            assert!(w[0].min_score >= w[1].max_score);
        }
        assert!(rows[0].lift > 1.5 && rows[9].lift < 0.5);
    }

    #[test]
    fn decile_table_of_a_hand_example() {
        // 20 customers, scores 20..1 (/ 20), positives at ranks 1, 2, 3 and 20: decile 1 holds
        // 2 customers, both positive: rate 1, lift 1 / (4/20) = 5, captured 2/4.
        let s: Vec<f64> = (0..20).map(|i| (20 - i) as f64 / 20.0).collect();
        let y: Vec<bool> = (0..20).map(|i| i < 3 || i == 19).collect();
        let rows = lift_by_decile(&y, &s).unwrap();
        assert_eq!((rows[0].customers, rows[0].positives), (2, 2));
        assert_eq!((rows[0].rate, rows[0].cumulative_captured), (1.0, 0.5));
        assert!((rows[0].lift - 5.0).abs() < 1e-12);
        assert_eq!(rows[1].positives, 1);
        assert!((rows[1].lift - 2.5).abs() < 1e-12);
        assert!((rows[1].cumulative_lift - 3.75).abs() < 1e-12);
        assert_eq!(rows[9].positives, 1);
    }

    #[test]
    fn decile_table_needs_ten_customers() {
        assert_eq!(
            lift_by_decile(&[true; 9], &[0.5; 9]),
            Err(EvalError::TooFewRows {
                rows: 9,
                needed: 10
            })
        );
    }
}
