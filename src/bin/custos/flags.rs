//! Flag values that several subcommands parse the same way: dates and comma-separated lists.

use custos::core::format;

/// A `YYYY-MM-DD` flag value as days since 1970-01-01.
pub fn parse_date(flag: &str, text: &str) -> Result<i32, String> {
    format::parse_iso_date(text)
        .ok_or_else(|| format!("{flag} '{text}' is not a date: write it as YYYY-MM-DD"))
}

/// A comma-separated flag value (`a,b,…`) as its trimmed, non-empty items.
pub fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
