//! RFM quintile scores and the classic segment names (grid in the parent module's doc).

use serde::{Deserialize, Serialize};

/// Quintile scores 1–5 of `values` (5 = best). `NaN` values get a `NaN` score and are left out
/// of the ranking.
///
/// A value's score is the quintile of its rank's midpoint, ⌈5 × (rank − ½) / n⌉, so values
/// without ties fall in equal-sized quintiles. Equal values always share one score:
/// - the lowest value (the worst: one order, the oldest purchase) scores 1 and the highest
///   (the best) scores 5, however many customers share it — with average ranks, a third of the
///   customers with a single order would all score 2 and no one 1, as if a lower group existed;
/// - a tied group in between takes the quintile of its average rank's midpoint,
///   ⌈5 × (average rank − ½) / n⌉;
/// - when every value is the same, nothing ranks anyone above anyone: all score 3.
///
/// With many ties a score in between can be skipped (Online Retail: one order 1, two orders 3).
/// In pandas: `np.ceil(5 * (s.rank(method="average") - 0.5) / n)`, then 1 where `s == s.min()`,
/// 5 where `s == s.max()`, 3 everywhere when `s.nunique() == 1` (on `-s` when lower is better).
pub fn quintile_scores(values: &[f64], higher_is_better: bool) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len())
        .filter(|&i| values.get(i).is_some_and(|v| !v.is_nan()))
        .collect();
    let key = |i: usize| {
        let v = values.get(i).copied().unwrap_or(f64::NAN);
        if higher_is_better {
            v
        } else {
            -v
        }
    };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    let n = order.len() as u64;
    let mut scores = vec![f64::NAN; values.len()];
    let mut start = 0;
    for group in order.chunk_by(|&a, &b| key(a) == key(b)) {
        // 1-based ranks lo ..= hi; average − ½ = (lo + hi − 1) / 2.
        let lo = start as u64 + 1;
        let hi = (start + group.len()) as u64;
        let score = match (lo == 1, hi == n) {
            (true, true) => 3,
            (true, false) => 1,
            (false, true) => 5,
            (false, false) => (5 * (lo + hi - 1)).div_ceil(2 * n).clamp(1, 5),
        } as f64;
        for &i in group {
            if let Some(slot) = scores.get_mut(i) {
                *slot = score;
            }
        }
        start += group.len();
    }
    scores
}

/// The combined frequency–monetary score: (F + M) / 2 rounded half up, or F alone when the
/// data has no spend.
pub fn fm_score(f: u8, m: Option<u8>) -> u8 {
    match m {
        Some(m) => (f + m).div_ceil(2),
        None => f,
    }
}

/// Declares [`RfmSegment`] from one list, best to worst: the variants, [`RfmSegment::ALL`] in
/// that order and [`RfmSegment::label`], so the three cannot drift apart.
macro_rules! rfm_segments {
    ($($segment:ident => $label:literal,)+) => {
        /// The classic RFM segments.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RfmSegment {
            $($segment,)+
        }

        impl RfmSegment {
            /// Best to worst, the order segments are listed in.
            pub const ALL: [RfmSegment; [$($label),+].len()] = [$(RfmSegment::$segment),+];

            /// The name shown to the user.
            pub fn label(self) -> &'static str {
                match self {
                    $(RfmSegment::$segment => $label,)+
                }
            }
        }
    };
}

rfm_segments! {
    Champions => "Champions",
    LoyalCustomers => "Loyal Customers",
    PotentialLoyalists => "Potential Loyalists",
    NewCustomers => "New Customers",
    Promising => "Promising",
    NeedAttention => "Need Attention",
    AboutToSleep => "About to Sleep",
    AtRisk => "At Risk",
    CantLoseThem => "Can't Lose Them",
    Hibernating => "Hibernating",
    Lost => "Lost",
}

use RfmSegment::*;

/// `GRID[5 − R][FM − 1]`: rows R = 5 … 1, columns FM = 1 … 5.
const GRID: [[RfmSegment; 5]; 5] = [
    [
        NewCustomers,
        PotentialLoyalists,
        PotentialLoyalists,
        Champions,
        Champions,
    ],
    [
        Promising,
        PotentialLoyalists,
        PotentialLoyalists,
        LoyalCustomers,
        LoyalCustomers,
    ],
    [
        AboutToSleep,
        AboutToSleep,
        NeedAttention,
        LoyalCustomers,
        LoyalCustomers,
    ],
    [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
    [Lost, Lost, AtRisk, AtRisk, CantLoseThem],
];

impl RfmSegment {
    /// The segment of recency score `r` and frequency–monetary score `fm` (each 1–5; values
    /// outside are clamped).
    pub fn from_scores(r: u8, fm: u8) -> RfmSegment {
        let row = 5 - usize::from(r.clamp(1, 5));
        let column = usize::from(fm.clamp(1, 5)) - 1;
        GRID.get(row)
            .and_then(|cells| cells.get(column))
            .copied()
            .unwrap_or(Hibernating)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_without_ties_are_equal_sized() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            quintile_scores(&values, true),
            [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0]
        );
        assert_eq!(
            quintile_scores(&values, false),
            [5.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0, 2.0, 1.0, 1.0]
        );
    }

    #[test]
    fn ties_share_one_score() {
        // Six customers with one order, then 2, 3, 4, 5 orders: the one-order customers are the
        // lowest value, so they score 1 (their average rank 3.5 alone would give 2).
        let values = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let scores = quintile_scores(&values, true);
        assert_eq!(scores, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 5.0, 5.0]);
        // All equal: no order, the middle score.
        assert_eq!(quintile_scores(&[7.0; 4], true), [3.0; 4]);
        assert_eq!(quintile_scores(&[7.0; 4], false), [3.0; 4]);
        assert_eq!(quintile_scores(&[7.0], true), [3.0]);
        // Order of appearance does not matter.
        let shuffled = [5.0, 1.0, 3.0, 1.0, 1.0, 2.0, 1.0, 4.0, 1.0, 1.0];
        let s = quintile_scores(&shuffled, true);
        assert_eq!(s, [5.0, 1.0, 4.0, 1.0, 1.0, 4.0, 1.0, 5.0, 1.0, 1.0]);
    }

    #[test]
    fn the_best_tied_group_scores_5_and_the_worst_1() {
        // Recency (lower is better): four of ten bought on the last day (1 day), three a year
        // ago (365 days). Average ranks would give them 4 and 2.
        let recency = [1.0, 1.0, 1.0, 1.0, 30.0, 60.0, 90.0, 365.0, 365.0, 365.0];
        assert_eq!(
            quintile_scores(&recency, false),
            [5.0, 5.0, 5.0, 5.0, 3.0, 3.0, 2.0, 1.0, 1.0, 1.0]
        );
        // Monetary with a tie in the middle keeps its midpoint quintile; NaN stays out.
        let monetary = [10.0, 20.0, 50.0, 50.0, f64::NAN, 80.0, 90.0];
        let scores = quintile_scores(&monetary, true);
        assert!(scores[4].is_nan());
        let ranked: Vec<f64> = scores.iter().copied().filter(|s| !s.is_nan()).collect();
        assert_eq!(ranked, [1.0, 2.0, 3.0, 3.0, 4.0, 5.0]);
        // Two customers: the worse scores 1, the better 5.
        assert_eq!(quintile_scores(&[3.0, 8.0], true), [1.0, 5.0]);
    }

    #[test]
    fn scores_never_decrease_with_the_value() {
        let values: Vec<f64> = (0..200).map(|i| f64::from((i * 37 % 23) / 4)).collect();
        let scores = quintile_scores(&values, true);
        let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(scores).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(pairs.windows(2).all(|w| w[0].1 <= w[1].1), "{pairs:?}");
        assert_eq!(pairs[0].1, 1.0);
        assert_eq!(pairs[199].1, 5.0);
    }

    #[test]
    fn missing_values_are_left_out() {
        let scores = quintile_scores(&[f64::NAN, 10.0, 20.0], true);
        assert!(scores[0].is_nan());
        assert_eq!(&scores[1..], [1.0, 5.0]);
        assert!(quintile_scores(&[], true).is_empty());
        assert!(quintile_scores(&[f64::NAN; 3], false)
            .iter()
            .all(|s| s.is_nan()));
    }

    #[test]
    fn fm_rounds_half_up() {
        assert_eq!(fm_score(1, Some(2)), 2);
        assert_eq!(fm_score(4, Some(5)), 5);
        assert_eq!(fm_score(3, Some(3)), 3);
        assert_eq!(fm_score(2, None), 2);
    }

    #[test]
    fn segment_grid_corners_and_edges() {
        use RfmSegment::*;
        let cases = [
            (5, 5, Champions),
            (5, 4, Champions),
            (4, 4, LoyalCustomers),
            (5, 1, NewCustomers),
            (4, 1, Promising),
            (5, 3, PotentialLoyalists),
            (3, 3, NeedAttention),
            (3, 2, AboutToSleep),
            (3, 5, LoyalCustomers),
            (2, 3, AtRisk),
            (1, 4, AtRisk),
            (2, 5, CantLoseThem),
            (1, 5, CantLoseThem),
            (2, 2, Hibernating),
            (1, 1, Lost),
            (1, 2, Lost),
            (0, 9, CantLoseThem),
        ];
        for (r, fm, expected) in cases {
            assert_eq!(RfmSegment::from_scores(r, fm), expected, "R{r} FM{fm}");
        }
        // Every segment appears on the grid.
        for segment in RfmSegment::ALL {
            assert!(GRID.iter().flatten().any(|&s| s == segment), "{segment:?}");
        }
    }
}
