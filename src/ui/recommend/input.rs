//! What the user types in the Recommend step, read and checked: the form's percentages, whole
//! numbers and cutoff date, and the rules table's minimum lift. Each reader returns the value
//! or the message to show under the field; none panics, whatever the text. Pure (no Leptos),
//! so its tests run natively (see `lib.rs`).

use crate::core::format::{iso_date, parse_iso_date, thousands};
use crate::core::recommend::view::RecommendSetup;

/// Most products per customer the form accepts (the worker's own limit).
pub const MAX_TOP: usize = 100;
/// Longest itemset the form accepts.
pub const MAX_ITEMSET_LEN: usize = 10;

/// A day as `YYYY-MM-DD`.
pub fn iso(day: i32) -> String {
    iso_date(i64::from(day))
}

/// A percentage as typed (`"1"`, `"2.5"`, `"2,5"`, `"1 %"`) as a share (0.01); `None` if it is
/// not a finite number.
fn read_percent(text: &str) -> Option<f64> {
    let cleaned = text.trim().trim_end_matches('%').trim().replace(',', ".");
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(|pct| pct / 100.0)
}

/// The minimum support as typed → a share of the baskets, above 0 and at most 1.
pub fn parse_min_support(text: &str) -> Result<f64, String> {
    match read_percent(text) {
        Some(share) if share > 0.0 && share <= 1.0 => Ok(share),
        _ => Err(format!(
            "Minimum support: write a percentage above 0 and at most 100 (1 = itemsets in at \
             least 1 % of the baskets); “{}” is not one.",
            text.trim()
        )),
    }
}

/// The minimum confidence as typed → a share, 0 to 1.
pub fn parse_min_confidence(text: &str) -> Result<f64, String> {
    match read_percent(text) {
        Some(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!(
            "Minimum confidence: write a percentage from 0 to 100 (25 = the right-hand product \
             is in at least a quarter of the baskets holding the left-hand side); “{}” is not \
             one.",
            text.trim()
        )),
    }
}

/// A whole number as typed, within `min..=max`; `what` names the field in the message.
pub fn parse_whole(text: &str, min: usize, max: usize, what: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{what}: write a whole number from {min} to {max}; “{}” is not one.",
            text.trim()
        )),
    }
}

/// The longest itemset as typed.
pub fn parse_max_len(text: &str) -> Result<usize, String> {
    parse_whole(
        text,
        2,
        MAX_ITEMSET_LEN,
        "Longest itemset (2 = pairs of products only)",
    )
}

/// The products per customer as typed.
pub fn parse_top(text: &str) -> Result<usize, String> {
    parse_whole(text, 1, MAX_TOP, "Products per customer")
}

/// The cutoff as typed: `None` when empty (the setup's default), else a day inside the data
/// that leaves baskets on both sides.
pub fn parse_cutoff(text: &str, setup: &RecommendSetup) -> Result<Option<i32>, String> {
    let typed = text.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let default = setup
        .default_cutoff
        .as_deref()
        .map_or(String::new(), |d| format!(" (empty = {d})"));
    let Some(day) = parse_iso_date(typed) else {
        return Err(format!(
            "The cutoff “{typed}” is not a date: write it as YYYY-MM-DD{default}."
        ));
    };
    let first = setup.first_day.as_deref().and_then(parse_iso_date);
    let last = setup.last_day.as_deref().and_then(parse_iso_date);
    if let Some(first) = first.filter(|&first| day < first) {
        return Err(format!(
            "The cutoff {} is before the first basket ({}): nothing would be left to learn \
             from. Choose a later day{default}.",
            iso(day),
            iso(first)
        ));
    }
    if let Some(last) = last.filter(|&last| day >= last) {
        return Err(format!(
            "The cutoff {} is on or after the last basket day ({}): no later basket would be \
             left to test on. Choose an earlier day{default}.",
            iso(day),
            iso(last)
        ));
    }
    Ok(Some(day))
}

/// A share as the form shows it (`0.01` → `"1"`).
pub fn percent_text(share: f64) -> String {
    let pct = (share * 100.0 * 1e6).round() / 1e6;
    format!("{pct}")
}

/// A minimum lift as typed (empty = none).
pub fn parse_min_lift(text: &str) -> Result<f64, String> {
    let cleaned = text
        .trim()
        .trim_end_matches(['×', 'x'])
        .trim()
        .replace(',', ".");
    if cleaned.is_empty() {
        return Ok(0.0);
    }
    match cleaned.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "Minimum lift: write a number of 0 or more (1 = as often as by chance, 2 = twice as \
             often); “{}” is not one.",
            text.trim()
        )),
    }
}

/// What a page of a worker-paged list shows: `"Rules 1–50 of 765"`, `"… of 12 matching (of
/// 765)"` under a filter. `counts`: the page's first row (0-based), rows shown and rows
/// matching; `None` before the first page.
pub fn range_text(noun: &str, counts: Option<(usize, usize, usize)>, total: usize) -> String {
    let Some((offset, shown, matching)) = counts else {
        return "Loading…".to_string();
    };
    let lower = noun.to_lowercase();
    if shown == 0 {
        return format!("None of the {} {lower} matches", thousands(total as u64));
    }
    let of = if matching == total {
        String::new()
    } else {
        format!(" matching (of {})", thousands(total as u64))
    };
    format!(
        "{noun} {}–{} of {}{of}",
        thousands(offset as u64 + 1),
        thousands((offset + shown) as u64),
        thousands(matching as u64)
    )
}

/// `id` made safe for an element id.
pub fn dom_id(prefix: &str, id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}-{safe}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::recommend::run::RecommendParams;

    fn setup() -> RecommendSetup {
        RecommendSetup {
            from_basket_list: false,
            baskets: 100,
            items: 10,
            customers: 5,
            first_day: Some("2010-12-01".to_string()),
            last_day: Some("2011-12-09".to_string()),
            default_cutoff: Some("2011-09-10".to_string()),
            segmented: false,
            defaults: RecommendParams::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn percentages_read_as_typed() {
        assert_eq!(parse_min_support("1"), Ok(0.01));
        assert_eq!(parse_min_support(" 2,5 % "), Ok(0.025));
        assert_eq!(parse_min_support("100"), Ok(1.0));
        assert_eq!(parse_min_confidence("0"), Ok(0.0));
        assert_eq!(parse_min_confidence("25%"), Ok(0.25));
        for bad in [
            "", "0", "-1", "101", "abc", "NaN", "inf", "1e400", "1..2", "%",
        ] {
            assert!(parse_min_support(bad).is_err(), "{bad}");
        }
        for bad in ["", "-0.5", "100.5", "x", "NaN"] {
            assert!(parse_min_confidence(bad).is_err(), "{bad}");
        }
        assert!(parse_min_support("abc")
            .unwrap_err()
            .contains("“abc” is not one"));
    }

    #[test]
    fn whole_numbers_are_bounded() {
        assert_eq!(parse_top("10"), Ok(10));
        assert_eq!(parse_top(" 100 "), Ok(100));
        for bad in [
            "0",
            "101",
            "-3",
            "2.5",
            "",
            "ten",
            "99999999999999999999999",
        ] {
            assert!(parse_top(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_max_len("2"), Ok(2));
        assert!(parse_max_len("1").is_err());
        assert!(parse_max_len("11").is_err());
    }

    #[test]
    fn the_cutoff_leaves_baskets_on_both_sides() {
        let s = setup();
        assert_eq!(parse_cutoff("  ", &s), Ok(None));
        assert_eq!(
            parse_cutoff("2011-09-10", &s),
            Ok(parse_iso_date("2011-09-10"))
        );
        assert_eq!(
            parse_cutoff("2010-12-01", &s),
            Ok(parse_iso_date("2010-12-01"))
        );
        let before = parse_cutoff("2010-11-30", &s).unwrap_err();
        assert!(
            before.contains("before the first basket (2010-12-01)"),
            "{before}"
        );
        let after = parse_cutoff("2011-12-09", &s).unwrap_err();
        assert!(after.contains("on or after the last basket day"), "{after}");
        let bad = parse_cutoff("10/09/2011", &s).unwrap_err();
        assert!(bad.contains("YYYY-MM-DD (empty = 2011-09-10)"), "{bad}");
        assert!(parse_cutoff("2011-02-30", &s).is_err());
        assert!(parse_cutoff("99999999-01-01", &s).is_err());
    }

    #[test]
    fn min_lift_reads_as_typed() {
        assert_eq!(parse_min_lift(""), Ok(0.0));
        assert_eq!(parse_min_lift(" 2,5 "), Ok(2.5));
        assert_eq!(parse_min_lift("3×"), Ok(3.0));
        for bad in ["-1", "x2", "NaN", "inf", "two"] {
            assert!(parse_min_lift(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_say_which_rows_they_show() {
        assert_eq!(range_text("Rules", None, 765), "Loading…");
        assert_eq!(
            range_text("Rules", Some((0, 50, 765)), 765),
            "Rules 1–50 of 765"
        );
        assert_eq!(
            range_text("Customers", Some((25, 25, 4373)), 4373),
            "Customers 26–50 of 4,373"
        );
        assert_eq!(
            range_text("Rules", Some((0, 12, 12)), 765),
            "Rules 1–12 of 12 matching (of 765)"
        );
        assert_eq!(
            range_text("Rules", Some((0, 0, 0)), 765),
            "None of the 765 rules matches"
        );
    }

    #[test]
    fn ids_are_safe_for_the_dom() {
        assert_eq!(dom_id("why-0", "12346"), "why-0-12346");
        assert_eq!(dom_id("why-1", "a b\"<x>"), "why-1-a_b__x_");
    }

    #[test]
    fn defaults_show_as_percentages() {
        assert_eq!(percent_text(0.01), "1");
        assert_eq!(percent_text(0.25), "25");
        assert_eq!(percent_text(0.005), "0.5");
        assert_eq!(percent_text(0.07), "7");
    }
}
