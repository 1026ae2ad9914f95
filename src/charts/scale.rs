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
}
