//! Numbers as charts write them: tick labels (short, `20k`, `1.5M`) and tooltip values (full,
//! `1,234.50`). Thousands separators, a real minus sign (−), `—` for missing values.

use crate::core::eda::ValueFormat;

const MINUS: char = '\u{2212}';

/// `"1234567"` → `"1,234,567"` (digits only).
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let n = digits.len();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `v` with `decimals` decimals, thousands separators and a minus sign (never `−0`).
pub fn fixed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    if v.abs() >= 1e15 {
        return scientific(v);
    }
    let text = format!("{:.*}", decimals.min(12), v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text.as_str(), None),
    };
    let nonzero = text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let mut out = String::with_capacity(text.len() + 8);
    if v < 0.0 && nonzero {
        out.push(MINUS);
    }
    out.push_str(&group(int));
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// `1.23e15`, `−4.00e−7` (no `{:e}`: it would add float-formatting code to the wasm).
fn scientific(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return fixed(v, 0);
    }
    let mut exponent = v.abs().log10().floor() as i32;
    let mut mantissa = v.abs() / 10f64.powi(exponent);
    if !mantissa.is_finite() {
        return "0".to_string();
    }
    if mantissa >= 9.995 {
        mantissa /= 10.0;
        exponent += 1;
    }
    let sign = if v < 0.0 { "\u{2212}" } else { "" };
    let exp_sign = if exponent < 0 { "\u{2212}" } else { "" };
    format!("{sign}{mantissa:.2}e{exp_sign}{}", exponent.unsigned_abs())
}

/// Like [`fixed`] but without trailing zeros after the point (`12.50` → `12.5`, `3.00` → `3`).
fn trimmed(v: f64, decimals: usize) -> String {
    let text = fixed(v, decimals);
    if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Fewest decimals (≤ 6) that write multiples of `step` exactly.
pub fn decimals_for(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    (0..=6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// Thousands, millions, billions: the divisor and suffix for ticks up to `max_abs`.
fn compact_unit(max_abs: f64) -> (f64, &'static str) {
    if max_abs >= 1e12 {
        (1e12, "T")
    } else if max_abs >= 1e9 {
        (1e9, "B")
    } else if max_abs >= 1e6 {
        (1e6, "M")
    } else if max_abs >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// Labels for ticks that are multiples of `step`: short and consistent along the axis.
pub fn tick_labels(ticks: &[f64], step: f64, format: ValueFormat) -> Vec<String> {
    let max_abs = ticks
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    match format {
        ValueFormat::Percent => {
            let d = decimals_for(step);
            ticks.iter().map(|&v| format!("{}%", fixed(v, d))).collect()
        }
        ValueFormat::Correlation => {
            let d = decimals_for(step).max(1);
            ticks.iter().map(|&v| fixed(v, d)).collect()
        }
        ValueFormat::Number | ValueFormat::Count | ValueFormat::Money if max_abs >= 1e4 => {
            // Each tick in its own unit: 250k, 500k, 750k, 1M, 1.25M.
            ticks
                .iter()
                .map(|&v| {
                    if v == 0.0 {
                        return "0".to_string();
                    }
                    let a = v.abs();
                    let (unit, suffix) = if (1e3..1e4).contains(&a) {
                        (1e3, "k")
                    } else {
                        compact_unit(a)
                    };
                    let d = decimals_for(step / unit).min(3);
                    format!("{}{suffix}", trimmed(v / unit, d))
                })
                .collect()
        }
        ValueFormat::Number | ValueFormat::Count | ValueFormat::Money => {
            let d = decimals_for(step);
            ticks.iter().map(|&v| fixed(v, d)).collect()
        }
    }
}

/// Labels for the ticks of a log1p axis (see `scale::log1p_ticks`): each in its own unit
/// (`0`, `1`, `10`, `100`, `1k`, `10k`, `2.5M`), or as [`tick_labels`] when the ticks are evenly
/// spaced (`step` finite).
pub fn log1p_tick_labels(ticks: &[f64], step: f64, format: ValueFormat) -> Vec<String> {
    if step.is_finite() {
        return tick_labels(ticks, step, format);
    }
    ticks
        .iter()
        .map(|&v| {
            let a = v.abs();
            let text = if v == 0.0 {
                "0".to_string()
            } else if a >= 1e3 {
                let (unit, suffix) = if a < 1e4 { (1e3, "k") } else { compact_unit(a) };
                format!("{}{suffix}", trimmed(v / unit, 2))
            } else {
                trimmed(v, 2)
            };
            if format == ValueFormat::Percent {
                format!("{text}%")
            } else {
                text
            }
        })
        .collect()
}

/// A value written in full for a tooltip or a data label.
pub fn value(v: f64, format: ValueFormat) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    match format {
        ValueFormat::Count => {
            if (v - v.round()).abs() < 1e-9 {
                fixed(v, 0)
            } else {
                trimmed(v, 2)
            }
        }
        ValueFormat::Money => {
            if v.abs() >= 1e6 {
                fixed(v, 0)
            } else {
                fixed(v, 2)
            }
        }
        ValueFormat::Percent => {
            if v == 0.0 {
                "0%".to_string()
            } else if v.abs() < 0.1 {
                format!("{}%", trimmed(v, 3))
            } else {
                format!("{}%", fixed(v, 1))
            }
        }
        ValueFormat::Correlation => fixed(v, 2),
        ValueFormat::Number => number(v),
    }
}

/// A plain number with as many decimals as its size deserves.
fn number(v: f64) -> String {
    let a = v.abs();
    if (v - v.round()).abs() < 1e-9 && a < 1e15 {
        fixed(v, 0)
    } else if a >= 1000.0 {
        trimmed(v, 1)
    } else if a >= 1.0 {
        trimmed(v, 2)
    } else if a >= 0.001 {
        trimmed(v, 4)
    } else {
        scientific(v)
    }
}

/// A histogram bin edge with the decimals the bin width needs (`800`, `0.25`).
pub fn edge(v: f64, width: f64, format: ValueFormat) -> String {
    let d = decimals_for(width).min(4);
    match format {
        ValueFormat::Percent => format!("{}%", fixed(v, d)),
        _ => fixed(v, d),
    }
}

/// An edge of an uneven (log-spaced) histogram bin: no decimals from 1,000 on, at most two
/// below, trailing zeros dropped (`0`, `2.5`, `12.59`, `1,000`, `25,119`).
pub fn uneven_edge(v: f64, format: ValueFormat) -> String {
    let text = if v.abs() >= 1e3 {
        fixed(v, 0)
    } else {
        trimmed(v, 2)
    };
    if format == ValueFormat::Percent {
        format!("{text}%")
    } else {
        text
    }
}

/// A short value for a label inside a small space (bar ends, heatmap cells).
pub fn short_value(v: f64, format: ValueFormat) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    match format {
        ValueFormat::Correlation => fixed(v, 2),
        ValueFormat::Percent if v == 0.0 => "0%".to_string(),
        ValueFormat::Percent => format!("{}%", fixed(v, 1)),
        _ => {
            let a = v.abs();
            if a >= 1e4 {
                let (unit, suffix) = compact_unit(a);
                format!(
                    "{}{suffix}",
                    trimmed(v / unit, if a / unit >= 100.0 { 0 } else { 1 })
                )
            } else {
                value(
                    v,
                    if format == ValueFormat::Money {
                        ValueFormat::Number
                    } else {
                        format
                    },
                )
            }
        }
    }
}

/// `count` of `total` as a percentage with one decimal (`<0.1%` for tiny shares).
pub fn share(count: u64, total: u64) -> String {
    if total == 0 {
        return "0%".to_string();
    }
    let pct = count as f64 / total as f64 * 100.0;
    if count > 0 && pct < 0.1 {
        "<0.1%".to_string()
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_groups_and_signs() {
        assert_eq!(fixed(1234567.891, 2), "1,234,567.89");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(-1234.0, 0), "\u{2212}1,234");
        assert_eq!(fixed(f64::NAN, 1), "—");
        assert_eq!(fixed(-1.234e20, 0), "\u{2212}1.23e20");
        assert_eq!(value(4e-7, ValueFormat::Number), "4.00e\u{2212}7");
    }

    #[test]
    fn compact_ticks() {
        let labels = tick_labels(&[0.0, 20000.0, 40000.0], 20000.0, ValueFormat::Money);
        assert_eq!(labels, vec!["0", "20k", "40k"]);
        let labels = tick_labels(&[0.0, 2.5e6, 5e6], 2.5e6, ValueFormat::Number);
        assert_eq!(labels, vec!["0", "2.5M", "5M"]);
        let ticks = [0.0, 2.5e5, 5e5, 7.5e5, 1e6, 1.25e6];
        let labels = tick_labels(&ticks, 2.5e5, ValueFormat::Money);
        assert_eq!(labels, vec!["0", "250k", "500k", "750k", "1M", "1.25M"]);
        let labels = tick_labels(&[0.0, 500.0, 1000.0], 500.0, ValueFormat::Count);
        assert_eq!(labels, vec!["0", "500", "1,000"]);
        let labels = tick_labels(&[-0.5, 0.0, 0.5], 0.5, ValueFormat::Correlation);
        assert_eq!(labels, vec!["\u{2212}0.5", "0.0", "0.5"]);
    }

    #[test]
    fn tooltip_values() {
        assert_eq!(value(1234.5, ValueFormat::Money), "1,234.50");
        assert_eq!(value(412.0, ValueFormat::Count), "412");
        assert_eq!(value(9.53, ValueFormat::Percent), "9.5%");
        assert_eq!(value(-0.214, ValueFormat::Correlation), "\u{2212}0.21");
        assert_eq!(value(3.14259, ValueFormat::Number), "3.14");
        assert_eq!(share(412, 4338), "9.5%");
    }

    #[test]
    fn log1p_ticks_in_natural_units() {
        let ticks = [-100.0, 0.0, 1.0, 10.0, 100.0, 1e3, 1e4, 2.5e6];
        let labels = log1p_tick_labels(&ticks, f64::NAN, ValueFormat::Money);
        assert_eq!(
            labels,
            ["\u{2212}100", "0", "1", "10", "100", "1k", "10k", "2.5M"]
        );
        let labels = log1p_tick_labels(&[0.0, 2.0, 4.0], 2.0, ValueFormat::Money);
        assert_eq!(labels, ["0", "2", "4"]);
        let labels = log1p_tick_labels(&[0.0, 10.0, 100.0], f64::NAN, ValueFormat::Percent);
        assert_eq!(labels, ["0%", "10%", "100%"]);
    }
    #[test]
    fn uneven_bin_edges() {
        assert_eq!(uneven_edge(0.0, ValueFormat::Money), "0");
        assert_eq!(uneven_edge(2.5, ValueFormat::Money), "2.5");
        assert_eq!(uneven_edge(12.5893, ValueFormat::Money), "12.59");
        assert_eq!(uneven_edge(25_118.86, ValueFormat::Money), "25,119");
        assert_eq!(uneven_edge(-1_000.0, ValueFormat::Money), "\u{2212}1,000");
    }
}
