//! Descriptive statistics over a numeric feature, with `NaN` meaning missing.
//!
//! One definition of each statistic for the whole app, so the receipt, the charts and the
//! fitted preparation agree:
//! - quantiles by linear interpolation between order statistics (numpy's default, "type 7"):
//!   for `n` sorted values and `p` in 0…1, position `h = (n − 1)·p`, value
//!   `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`;
//! - standard deviation is the population one (divide by `n`), as scikit-learn's
//!   `StandardScaler` uses;
//! - skewness is the Fisher–Pearson coefficient `g1 = m3 / m2^1.5` (population moments).
//!
//! Every function skips missing values and returns `None` when nothing is left.

/// The non-missing (finite) values, sorted ascending.
pub fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Quantile `p` (0…1) of already sorted values, by linear interpolation (see module docs).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let a = *sorted.get(lo)?;
    let b = *sorted.get(hi)?;
    Some(a + (h - lo as f64) * (b - a))
}

/// Quantile `p` of unsorted values with missing ones.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    quantile_sorted(&sorted_finite(values), p)
}

pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// First and third quartiles of sorted values.
pub fn quartiles_sorted(sorted: &[f64]) -> Option<(f64, f64)> {
    Some((
        quantile_sorted(sorted, 0.25)?,
        quantile_sorted(sorted, 0.75)?,
    ))
}

pub fn mean(values: &[f64]) -> Option<f64> {
    let (sum, n) = values
        .iter()
        .filter(|x| x.is_finite())
        .fold((0.0, 0usize), |(s, n), &x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Mean and population standard deviation.
pub fn mean_sd(values: &[f64]) -> Option<(f64, f64)> {
    let m = mean(values)?;
    let (ss, n) = values
        .iter()
        .filter(|x| x.is_finite())
        .fold((0.0, 0usize), |(s, n), &x| (s + (x - m) * (x - m), n + 1));
    Some((m, (ss / n as f64).sqrt()))
}

/// Fisher–Pearson skewness `g1`; `None` for fewer than 3 values or no spread.
pub fn skewness(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    let (m2, m3, n) =
        values
            .iter()
            .filter(|x| x.is_finite())
            .fold((0.0, 0.0, 0usize), |(m2, m3, n), &x| {
                let d = x - m;
                (m2 + d * d, m3 + d * d * d, n + 1)
            });
    if n < 3 || m2 <= 0.0 {
        return None;
    }
    let (m2, m3) = (m2 / n as f64, m3 / n as f64);
    let g1 = m3 / m2.powf(1.5);
    g1.is_finite().then_some(g1)
}

/// Smallest and largest non-missing value.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    values
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(None, |acc, x| match acc {
            None => Some((x, x)),
            Some((lo, hi)) => Some((x.min(lo), x.max(hi))),
        })
}

/// True when every non-missing value is 0 or 1 (a flag or boolean column), and there is one.
pub fn is_indicator(values: &[f64]) -> bool {
    let mut any = false;
    for &x in values.iter().filter(|x| x.is_finite()) {
        if x != 0.0 && x != 1.0 {
            return false;
        }
        any = true;
    }
    any
}

/// True when every non-missing value is a whole number.
pub fn is_integer_valued(values: &[f64]) -> bool {
    values
        .iter()
        .filter(|x| x.is_finite())
        .all(|x| x.fract() == 0.0)
}

/// Pearson correlation over the rows where both values are present; `None` when fewer than
/// two such rows or either side has no spread there.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let pairs = || {
        x.iter()
            .zip(y)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
    };
    let (sx, sy, n) = pairs().fold((0.0, 0.0, 0usize), |(sx, sy, n), (a, b)| {
        (sx + a, sy + b, n + 1)
    });
    if n < 2 {
        return None;
    }
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let (sxy, sxx, syy) = pairs().fold((0.0, 0.0, 0.0), |(sxy, sxx, syy), (a, b)| {
        let (da, db) = (a - mx, b - my);
        (sxy + da * db, sxx + da * da, syy + db * db)
    });
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    let r = (sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0);
    r.is_finite().then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_linearly_like_numpy() {
        // numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.5, 0.75]) = [2, 3, 4]
        let v = [4.0, 1.0, f64::NAN, 10.0, 3.0, 2.0];
        assert_eq!(quantile(&v, 0.25), Some(2.0));
        assert_eq!(median(&v), Some(3.0));
        assert_eq!(quantile(&v, 0.75), Some(4.0));
        // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75; 0.9 → 3.7
        let w = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&w, 0.25), Some(1.75));
        assert!((quantile(&w, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[f64::NAN], 0.5), None);
        assert_eq!(quantile(&[7.0], 0.3), Some(7.0));
    }

    #[test]
    fn population_sd_and_skewness() {
        let (m, sd) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!((m, sd), (5.0, 2.0));
        assert_eq!(skewness(&[1.0, 2.0, 3.0]), Some(0.0));
        assert!(skewness(&[1.0, 1.0, 1.0, 10.0]).unwrap() > 1.0);
        assert_eq!(skewness(&[5.0, 5.0, 5.0]), None);
    }

    #[test]
    fn pearson_is_one_with_itself_and_none_without_spread() {
        let x = [1.0, 2.0, f64::NAN, 4.0];
        let y = [2.0, 4.0, 5.0, 8.5];
        assert!((pearson(&x, &x).unwrap() - 1.0).abs() < 1e-12);
        assert!(pearson(&x, &y).unwrap() > 0.99);
        assert_eq!(pearson(&x, &[3.0, 3.0, 3.0, 3.0]), None);
    }

    #[test]
    fn indicators_are_zero_one_columns() {
        assert!(is_indicator(&[0.0, 1.0, f64::NAN]));
        assert!(!is_indicator(&[0.0, 2.0]));
        assert!(!is_indicator(&[f64::NAN]));
    }
}
