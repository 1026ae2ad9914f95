//! Special functions the probabilistic models need: log-gamma (from `libm`), digamma, and the
//! Gauss hypergeometric function 2F1 for 0 ≤ z < 1.
//!
//! The BG/NBD forecasts do not call [`hyp2f1`] directly: at the no-dropout boundary (b → ∞)
//! the textbook formula subtracts two nearly equal numbers, so `bgnbd` sums a rearranged series
//! without that cancellation; [`hyp2f1`] is the reference it is tested against.

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0 (`NaN` otherwise): the recurrence
/// ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series (error below 1e-15).
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || !x.is_finite() {
        return if x == f64::INFINITY { x } else { f64::NAN };
    }
    let mut x = x;
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    // ln x − 1/(2x) − Σ B_2k / (2k x^2k)
    let tail = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    shift + x.ln() - 0.5 / x - tail
}

/// Terms summed at most in one hypergeometric series.
const MAX_TERMS: usize = 1_000_000;

/// The Gauss hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1 (`NaN` outside, or when
/// c is 0 or a negative integer).
///
/// Sums the power series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ; when c − a − b < 0 it sums the Euler
/// transform (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) instead, whose terms shrink faster
/// (like n^(c−a−b−1) zⁿ rather than n^(a+b−c−1) zⁿ): with the BG/NBD parameters
/// (c − b = a − 1 small) it converges in a few dozen terms.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let finite = a.is_finite() && b.is_finite() && c.is_finite();
    if !finite || !(0.0..1.0).contains(&z) || (c <= 0.0 && c.fract() == 0.0) {
        return f64::NAN;
    }
    if z == 0.0 {
        return 1.0;
    }
    let terminates = |p: f64| p <= 0.0 && p.fract() == 0.0;
    // (c − b) − a: exact when c = b, whatever their size.
    let s = (c - b) - a;
    if s < 0.0 && !terminates(a) && !terminates(b) {
        (s * (-z).ln_1p()).exp() * series(c - a, c - b, c, z)
    } else {
        series(a, b, c, z)
    }
}

/// Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, summed (with Neumaier's compensation) until the terms, past
/// the largest one, could no longer change the sum: a term times the geometric tail bound
/// 1/(1 − z) below 1e-17 of it.
fn series(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut compensation = 0.0;
    // Past this index the ratio of successive terms only moves towards z < 1.
    let settled = a.abs().max(b.abs()).max(c.abs()).ceil() as usize + 2;
    for n in 0..MAX_TERMS {
        let k = n as f64;
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        let next = sum + term;
        compensation += if sum.abs() >= term.abs() {
            (sum - next) + term
        } else {
            (term - next) + sum
        };
        sum = next;
        if term == 0.0 || (n >= settled && term.abs() <= 1e-17 * (1.0 - z) * sum.abs()) {
            break;
        }
    }
    sum + compensation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs()
    }

    #[test]
    fn digamma_matches_known_values() {
        const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
        assert!(close(digamma(1.0), -EULER_GAMMA, 1e-14));
        assert!(close(digamma(0.5), -EULER_GAMMA - 2.0 * 2f64.ln(), 1e-14));
        // ψ(x + 1) = ψ(x) + 1/x, and ψ against a difference of ln Γ.
        for x in [1e-3, 0.2426, 3.7, 12.5, 4.6e4, 1e8] {
            let recurrence = digamma(x) + 1.0 / x;
            let size = digamma(x).abs() + 1.0 / x;
            assert!((digamma(x + 1.0) - recurrence).abs() <= 1e-14 * size, "{x}");
            let h = 1e-4 * x;
            let numeric = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(close(digamma(x), numeric, 1e-5), "{x}: {}", digamma(x));
        }
        assert!(digamma(0.0).is_nan() && digamma(-1.0).is_nan());
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        for z in [0.0f64, 1e-6, 0.3, 0.75, 0.99, 0.9999] {
            // 2F1(1, 1; 2; z) = −ln(1 − z) / z
            let expected = if z == 0.0 { 1.0 } else { -(-z).ln_1p() / z };
            assert!(close(hyp2f1(1.0, 1.0, 2.0, z), expected, 1e-13), "{z}");
            // 2F1(a, b; b; z) = (1 − z)^(−a)
            assert!(
                close(
                    hyp2f1(0.7224, 46_616.0, 46_616.0, z),
                    (1.0 - z).powf(-0.7224),
                    1e-12
                ),
                "{z}"
            );
            // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z) / z
            let y = z.sqrt();
            let expected = if z == 0.0 { 1.0 } else { y.asin() / y };
            assert!(close(hyp2f1(0.5, 0.5, 1.5, z), expected, 1e-12), "{z}");
        }
        // A terminating series: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
        let (b, c, z) = (3.0, 1.5, 0.4);
        let expected = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert!(close(hyp2f1(-2.0, b, c, z), expected, 1e-14));
    }

    #[test]
    fn hyp2f1_matches_reference_values() {
        // mpmath.hyp2f1 at 30 digits.
        let cases = [
            ((0.9, 300.5, 301.2, 0.7), 2.940_980_580_315_391_3),
            ((2.2426, 4.4259, 4.0188, 0.4), 3.571_223_232_740_648),
            ((3.5, 1.5, 0.5, 0.9), 202_385.770_250_776_5),
            // The BG/NBD at Online Retail's boundary: 2F1(r + x, b + x; a + b + x − 1; z).
            (
                (40.7224, 46_656.165_2, 46_655.165_202_345, 0.6),
                1.605_611_385_084_555_7e16,
            ),
        ];
        for ((a, b, c, z), expected) in cases {
            let value = hyp2f1(a, b, c, z);
            assert!(close(value, expected, 1e-12), "{a} {b} {c} {z}: {value}");
        }
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_nan());
        assert!(hyp2f1(1.0, 1.0, -2.0, 0.5).is_nan());
    }
}
