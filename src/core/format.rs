//! Display formatting shared by the CLI and the UI view-models: numbers, byte sizes, dates.

/// `1234567` → `"1,234,567"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Bytes as `"4.6 MB"` (decimal units, as file managers show).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01. `None` for an impossible date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `"2011-12-09"` → days since 1970-01-01. `None` when the text is not such a date.
pub fn parse_iso_date(text: &str) -> Option<i32> {
    let mut parts = text.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let year: i64 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    days_from_civil(year, month, day).and_then(|days| i32::try_from(days).ok())
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since epoch → `"2011-12-09"`.
pub fn iso_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since epoch → `"2011-12-09 12:50:00"`.
pub fn iso_datetime(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        iso_date(days),
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// A number for a summary cell: integers without decimals, others with up to 4 significant
/// decimals, thousands separators from 1,000 on. A value that rounds to a whole number at its
/// precision is written as one (`280,206`, not `280206.0` beside a `0`).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs();
    if magnitude >= 1e15 {
        return format!("{x:.3e}");
    }
    let decimals = if x.fract() == 0.0 || magnitude >= 1000.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else if magnitude >= 0.01 {
        4
    } else {
        return format!("{x:.3e}");
    };
    let text = format!("{magnitude:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = thousands(whole.parse().unwrap_or(0));
    let sign = if x < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    if fraction.bytes().all(|b| b == b'0') {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(45_211), "45,211");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn bytes_use_decimal_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4_610_348), "4.6 MB");
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 15_317, 18_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), Some(days));
        }
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(
            days_from_civil(2011, 12, 9).map(iso_date).as_deref(),
            Some("2011-12-09")
        );
        assert_eq!(days_from_civil(2011, 2, 29), None);
        assert_eq!(
            days_from_civil(2012, 2, 29).map(iso_date).as_deref(),
            Some("2012-02-29")
        );
        assert_eq!(iso_datetime(86_400 + 3_661), "1970-01-02 01:01:01");
    }

    #[test]
    fn iso_dates_are_read_back() {
        assert_eq!(parse_iso_date("1970-01-02"), Some(1));
        assert_eq!(
            parse_iso_date(" 2011-12-09 ")
                .map(i64::from)
                .map(iso_date)
                .as_deref(),
            Some("2011-12-09")
        );
        for bad in [
            "",
            "2011-12",
            "2011-02-30",
            "09/12/2011",
            "2011-12-09x",
            "y-m-d",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(number(1234.0), "1,234");
        assert_eq!(number(-5.0), "-5");
        assert_eq!(number(12.5), "12.50");
        assert_eq!(number(0.0425), "0.0425");
    }

    /// Online Retail's monetary: min "0", max "280206.0"; marketing_campaign's mean income
    /// "52238.0" beside "1,730". The same writing for every number of a row.
    #[test]
    fn numbers_round_to_whole_numbers_and_group_thousands_alike() {
        assert_eq!(number(280_206.02), "280,206");
        assert_eq!(number(52_237.98), "52,238");
        assert_eq!(number(1_285.97), "1,286");
        assert_eq!(number(2_048.24), "2,048.2");
        assert_eq!(number(-1_234.56), "-1,234.6");
        assert_eq!(number(12.999), "13");
        assert_eq!(number(-0.00001), "-1.000e-5");
        assert_eq!(number(-0.4), "-0.4000");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(2e15), "2.000e15");
    }
}
