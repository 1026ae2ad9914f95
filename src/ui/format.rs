//! Display helpers for the UI (numbers go through [`crate::core::format`], as in the CLI).

use serde::Serialize;

pub use crate::core::format::{bytes, thousands};

/// The serde name of a unit enum value (`Delimiter::Semicolon` → `"semicolon"`).
/// (Through serde-wasm-bindgen, which the app links anyway, not serde_json.)
pub fn serde_name<T: Serialize>(value: &T) -> String {
    serde_wasm_bindgen::to_value(value)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Whole percent of `part / whole` (0 when `whole` is 0), clamped to 0–100.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 100.0).clamp(0.0, 100.0)
}

/// A percentage for a table cell: `0 %`, `<0.1 %`, `12.3 %`, `100 %`.
pub fn percent_text(pct: f64) -> String {
    if pct <= 0.0 {
        "0%".to_string()
    } else if pct < 0.1 {
        "<0.1%".to_string()
    } else if pct >= 100.0 {
        "100%".to_string()
    } else if pct >= 99.95 {
        ">99.9%".to_string()
    } else {
        format!("{pct:.1}%")
    }
}

/// Milliseconds as `"840 ms"` or `"2.4 s"`.
pub fn duration(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "—".to_string();
    }
    if ms < 1000.0 {
        format!("{} ms", ms.round() as u64)
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let seconds = (ms / 1000.0).round() as u64;
        format!("{} min {} s", seconds / 60, seconds % 60)
    }
}

/// `"1"`, `"1, 7, 12"`: line numbers for a message.
pub fn line_list(lines: &[u64]) -> String {
    lines
        .iter()
        .map(|line| thousands(*line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Capitalized first letter (`"integer"` → `"Integer"`).
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
