//! Scales (data → css px) and "nice" ticks. Pure arithmetic, no canvas.
//!
//! Every function here accepts any f64: NaN and infinities are skipped, equal bounds are
//! widened, and huge magnitudes are clamped, so no input makes a chart panic or loop.

/// Values beyond this are clamped before scaling (keeps spans finite).
const LIMIT: f64 = 1e300;
/// Most ticks ever produced on one axis.
const MAX_TICKS: usize = 60;

/// A linear map from a data domain `d0…d1` to a pixel range `r0…r1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    pub fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        let v = v.clamp(-LIMIT, LIMIT);
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// `n` equal bands along an axis starting at `start`, each `step` px long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub start: f64,
    pub step: f64,
    pub n: usize,
}

impl Band {
    pub fn new(start: f64, length: f64, n: usize) -> Self {
        let step = if n == 0 { length } else { length / n as f64 };
        Self { start, step, n }
    }

    pub fn center(&self, i: usize) -> f64 {
        self.start + (i as f64 + 0.5) * self.step
    }

    /// The band under `px`, if any.
    pub fn index_at(&self, px: f64) -> Option<usize> {
        if self.n == 0 || self.step <= 0.0 || !px.is_finite() {
            return None;
        }
        let i = ((px - self.start) / self.step).floor();
        (i >= 0.0 && (i as usize) < self.n).then_some(i as usize)
    }
}

/// Ticks at multiples of `step`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub step: f64,
}

/// Smallest and largest finite value (clamped to ±1e300), if any.
pub fn finite_extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .map(|v| v.clamp(-LIMIT, LIMIT))
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Makes `lo < hi`: equal bounds are widened around the value, reversed ones swapped, non-finite
/// ones replaced by 0…1.
pub fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.min(hi).max(-LIMIT), hi.max(lo).min(LIMIT));
    if hi > lo {
        return (lo, hi);
    }
    let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
    (lo - pad, hi + pad)
}

/// The round step (1, 2, 2.5 or 5 × 10ⁿ) nearest to `span / target` (in ratio, as d3 does).
/// `integer`: never below 1 and never 2.5 (for counts).
pub fn nice_step(span: f64, target: usize, integer: bool) -> f64 {
    let target = target.max(1) as f64;
    let raw = span / target;
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let exponent = raw.log10().floor();
    let magnitude = 10f64.powi(exponent as i32);
    let norm = raw / magnitude;
    let quarter = !(integer && magnitude < 10.0);
    // Thresholds at the geometric means of neighbouring steps.
    let mut step = if norm < std::f64::consts::SQRT_2 {
        magnitude
    } else if quarter && norm < 5f64.sqrt() {
        2.0 * magnitude
    } else if quarter && norm < 12.5f64.sqrt() {
        2.5 * magnitude
    } else if !quarter && norm < 10f64.sqrt() {
        2.0 * magnitude
    } else if norm < 50f64.sqrt() {
        5.0 * magnitude
    } else {
        10.0 * magnitude
    };
    if integer && step < 1.0 {
        step = 1.0;
    }
    if !step.is_finite() || step <= 0.0 {
        1.0
    } else {
        step
    }
}

/// Ticks at multiples of `step` inside `lo…hi`.
fn ticks_between(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil();
    let last = (hi / step + 1e-9).floor();
    if !first.is_finite() || !last.is_finite() || last < first {
        return Vec::new();
    }
    let count = (last - first).min(MAX_TICKS as f64) as usize + 1;
    let count = count.min(MAX_TICKS);
    (0..count)
        .map(|i| {
            let v = (first + i as f64) * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// A domain for a value axis covering `lo…hi`, and its ticks. Each end moves out to the next
/// tick when that is close (≤ 12 % of the span), else by 5 % of the span, so the data fill the
/// plot instead of stopping well below a far-away round number. Zero stays zero.
pub fn nice_domain(lo: f64, hi: f64, target: usize, integer: bool) -> (f64, f64, Ticks) {
    let (lo, hi) = widen(lo, hi);
    let span = hi - lo;
    let step = nice_step(span, target, integer);
    let out = |v: f64, up: bool| {
        if v == 0.0 {
            return 0.0;
        }
        let tick = if up {
            (v / step - 1e-9).ceil() * step
        } else {
            (v / step + 1e-9).floor() * step
        };
        if tick.is_finite() && (tick - v).abs() <= span * 0.12 {
            tick
        } else if up {
            v + span * 0.05
        } else {
            v - span * 0.05
        }
    };
    let (nlo, nhi) = (out(lo, false), out(hi, true));
    let (nlo, nhi) = if nlo.is_finite() && nhi.is_finite() && nhi > nlo {
        (nlo, nhi)
    } else {
        (lo, hi)
    };
    let values = ticks_between(nlo, nhi, step);
    (nlo, nhi, Ticks { values, step })
}

/// Ticks inside `lo…hi` without changing the domain (histogram bins, scatter axes).
pub fn inner_ticks(lo: f64, hi: f64, target: usize, integer: bool) -> Ticks {
    let (lo, hi) = widen(lo, hi);
    let step = nice_step(hi - lo, target, integer);
    Ticks {
        values: ticks_between(lo, hi, step),
        step,
    }
}

/// How many ticks fit along `length` px when each needs about `spacing` px.
pub fn tick_target(length: f64, spacing: f64) -> usize {
    if !length.is_finite() || spacing <= 0.0 {
        return 2;
    }
    ((length / spacing).floor() as usize).clamp(2, 10)
}

/// The log1p transform of a log1p axis: `sign(v) · ln(1 + |v|)`. Linear near zero and
/// logarithmic beyond, so zeros (customers who spent nothing) and 10,000s share one axis; odd in
/// `v`, so negative values (residuals) mirror positive ones.
pub fn log1p_signed(v: f64) -> f64 {
    let v = v.clamp(-LIMIT, LIMIT);
    if v < 0.0 {
        -(-v).ln_1p()
    } else {
        v.ln_1p()
    }
}

/// The inverse of [`log1p_signed`].
pub fn exp_m1_signed(t: f64) -> f64 {
    // ln(1 + 1e300) ≈ 690.8: beyond it the value is past LIMIT anyway.
    let t = t.clamp(-700.0, 700.0);
    if t < 0.0 {
        -(-t).exp_m1()
    } else {
        t.exp_m1()
    }
}

/// A value axis's map from data to css px: the log1p transform (when `log1p`), then `linear`,
/// whose domain is in transformed units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    pub linear: Linear,
    pub log1p: bool,
}

impl Mapping {
    /// A linear axis.
    pub fn linear(linear: Linear) -> Self {
        Self {
            linear,
            log1p: false,
        }
    }

    /// `v` in the units of `linear`'s domain.
    pub fn transform(&self, v: f64) -> f64 {
        if self.log1p {
            log1p_signed(v)
        } else {
            v
        }
    }

    pub fn map(&self, v: f64) -> f64 {
        self.linear.map(self.transform(v))
    }
}

/// Ticks of a log1p axis over `lo…hi` (data units), at most `target + 1`: zero, and powers of
/// ten on either side of it (1, 10, 100, 1k …), with 2 and 5 × between them while they fit,
/// every second or third power when even the powers do not. Where fewer than two such ticks
/// fall inside (all values below 10, or within one decade), evenly spaced ticks as on a linear
/// axis, with their step.
pub fn log1p_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (lo, hi) = widen(lo, hi);
    let linear = || inner_ticks(lo, hi, target, false);
    if lo.abs().max(hi.abs()) < 10.0 {
        return linear();
    }
    let inside = |v: f64| v >= lo - 1e-9 * v.abs().max(1.0) && v <= hi + 1e-9 * v.abs().max(1.0);
    // (value, power of ten, multiplier) on both sides of zero, up to 1e300.
    let mut candidates: Vec<(f64, i32, u8)> = Vec::new();
    for k in 0..=300 {
        let d = 10f64.powi(k);
        if d > hi.abs().max(lo.abs()) * 1.0000001 {
            break;
        }
        for m in [1u8, 2, 5] {
            for v in [d * m as f64, -d * m as f64] {
                if inside(v) {
                    candidates.push((v, k, m));
                }
            }
        }
    }
    let zero = inside(0.0);
    let limit = target.max(1) + 1;
    // Finest level first: 1-2-5 in every decade, then every decade, every 2nd, 3rd … decade.
    let levels = std::iter::once((1usize, true)).chain((1..=300).map(|every| (every, false)));
    for (every, with_2_5) in levels {
        let mut values: Vec<f64> = candidates
            .iter()
            .filter(|&&(_, k, m)| (m == 1 || with_2_5) && (k as usize).is_multiple_of(every))
            .map(|&(v, _, _)| v)
            .collect();
        if zero {
            values.push(0.0);
        }
        if values.len() < 2 {
            return linear();
        }
        if values.len() <= limit {
            values.sort_by(f64::total_cmp);
            return Ticks {
                values,
                step: f64::NAN,
            };
        }
    }
    linear()
}

/// Which ticks to keep so that no two labels collide on an axis whose ticks are not evenly
/// spaced (log1p): walking outwards from the tick nearest zero, a tick is kept when its label
/// (centred at `positions[i]` css px, reaching `extents[i]` either side) stays `gap` px clear of
/// the last one kept. Indices, ascending; `values`, `positions` and `extents` run in parallel.
pub fn spaced_out(values: &[f64], positions: &[f64], extents: &[f64], gap: f64) -> Vec<usize> {
    let n = values.len().min(positions.len()).min(extents.len());
    let Some(start) = (0..n).min_by(|&a, &b| values[a].abs().total_cmp(&values[b].abs())) else {
        return Vec::new();
    };
    let clear =
        |a: usize, b: usize| (positions[a] - positions[b]).abs() - extents[a] - extents[b] >= gap;
    let mut kept = vec![start];
    let mut last = start;
    for i in start + 1..n {
        if clear(i, last) {
            kept.push(i);
            last = i;
        }
    }
    last = start;
    for i in (0..start).rev() {
        if clear(i, last) {
            kept.push(i);
            last = i;
        }
    }
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_domain_extends_to_near_round_ticks_only() {
        let (lo, hi, ticks) = nice_domain(0.0, 93.0, 5, false);
        assert_eq!((lo, hi), (0.0, 100.0));
        assert_eq!(ticks.values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        // 1.07M with steps of 0.5M: no jump to 1.5M, a 5 % margin instead.
        let (lo, hi, ticks) = nice_domain(0.0, 1.07e6, 3, false);
        assert_eq!(lo, 0.0);
        assert!((hi - 1.1235e6).abs() < 1.0);
        assert_eq!(ticks.values, vec![0.0, 0.5e6, 1.0e6]);
    }

    #[test]
    fn degenerate_and_odd_inputs_never_loop() {
        let (lo, hi, ticks) = nice_domain(5.0, 5.0, 5, false);
        assert!(lo < 5.0 && hi > 5.0 && !ticks.values.is_empty());
        let (_, _, ticks) = nice_domain(f64::NAN, f64::INFINITY, 5, false);
        assert!(!ticks.values.is_empty());
        let (_, _, ticks) = nice_domain(-1e308, 1e308, 5, false);
        assert!(ticks.values.len() <= MAX_TICKS);
        assert!(inner_ticks(0.0, 1e-300, 5, false).values.len() <= MAX_TICKS);
    }

    #[test]
    fn integer_steps_for_counts() {
        assert_eq!(nice_step(3.0, 8, true), 1.0);
        assert_eq!(nice_step(25.0, 10, true), 2.0);
        assert_eq!(nice_step(40.0, 10, true), 5.0);
    }

    #[test]
    fn band_lookup() {
        let band = Band::new(10.0, 100.0, 4);
        assert_eq!(band.index_at(9.0), None);
        assert_eq!(band.index_at(10.0), Some(0));
        assert_eq!(band.index_at(109.9), Some(3));
        assert_eq!(band.index_at(110.0), None);
        assert_eq!(band.center(1), 47.5);
    }
    #[test]
    fn log1p_transform_round_trips_and_mirrors() {
        for v in [0.0, 0.5, 1.0, 99.0, 12_345.678, 1e12] {
            assert!(
                (exp_m1_signed(log1p_signed(v)) - v).abs() <= 1e-9 * v.max(1.0),
                "{v}"
            );
            assert_eq!(log1p_signed(-v), -log1p_signed(v));
        }
        assert_eq!(log1p_signed(0.0), 0.0);
        assert!((log1p_signed(9.0) - 10f64.ln()).abs() < 1e-12);
        assert!(log1p_signed(f64::INFINITY).is_finite());
        let m = Mapping {
            linear: Linear::new((0.0, log1p_signed(9_999.0)), (0.0, 400.0)),
            log1p: true,
        };
        assert_eq!(m.map(0.0), 0.0);
        assert!((m.map(9_999.0) - 400.0).abs() < 1e-9);
        // 99 sits half-way between 0 and 9,999 in log1p units.
        assert!((m.map(99.0) - 200.0).abs() < 1e-6);
    }

    #[test]
    fn log1p_ticks_are_zero_and_powers_of_ten() {
        // Spend with many zeros and a tail to 50k: 0, 1, 10, 100, 1k, 10k.
        let t = log1p_ticks(0.0, 52_000.0, 7);
        assert_eq!(t.values, vec![0.0, 1.0, 10.0, 100.0, 1e3, 1e4]);
        assert!(t.step.is_nan());
        // Little room: every second power.
        let t = log1p_ticks(0.0, 52_000.0, 3);
        assert_eq!(t.values, vec![0.0, 1.0, 100.0, 1e4]);
        // Room for 2 and 5 between the powers.
        let t = log1p_ticks(0.0, 600.0, 10);
        assert_eq!(
            t.values,
            vec![0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0]
        );
        // Residuals: both signs mirrored around zero.
        let t = log1p_ticks(-2_000.0, 30_000.0, 8);
        assert_eq!(t.values, vec![-100.0, -1.0, 0.0, 1.0, 100.0, 1e4]);
    }

    #[test]
    fn log1p_ticks_fall_back_to_even_steps() {
        // All below 10: linear ticks.
        let t = log1p_ticks(0.0, 6.0, 6);
        assert_eq!(t.values, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(t.step, 1.0);
        // Inside one decade, no round power: linear ticks.
        let t = log1p_ticks(120.0, 180.0, 4);
        assert!(t.step.is_finite() && t.values.len() >= 2, "{t:?}");
        // Odd inputs never loop or blow up.
        for (lo, hi) in [
            (f64::NAN, 1.0),
            (5.0, 5.0),
            (-1e308, 1e308),
            (0.0, f64::INFINITY),
        ] {
            let t = log1p_ticks(lo, hi, 6);
            assert!(t.values.len() <= MAX_TICKS, "{lo} {hi}: {t:?}");
        }
    }
    #[test]
    fn crowded_ticks_near_zero_are_dropped() {
        // 0, 1, 10, 100 on a short log1p axis: "1" is too close to "0".
        let values = [0.0, 1.0, 10.0, 100.0];
        let m = Linear::new((0.0, log1p_signed(100.0)), (0.0, 100.0));
        let positions: Vec<f64> = values.iter().map(|&v| m.map(log1p_signed(v))).collect();
        assert_eq!(
            spaced_out(&values, &positions, &[5.0; 4], 8.0),
            vec![0, 2, 3]
        );
        assert_eq!(
            spaced_out(&values, &positions, &[2.0; 4], 2.0),
            vec![0, 1, 2, 3]
        );
        // Both sides of zero.
        let values = [-10.0, -1.0, 0.0, 1.0, 10.0];
        let positions = [-40.0, -12.0, 0.0, 12.0, 40.0];
        assert_eq!(
            spaced_out(&values, &positions, &[5.0; 5], 8.0),
            vec![0, 2, 4]
        );
        assert!(spaced_out(&[], &[], &[], 1.0).is_empty());
    }
}
