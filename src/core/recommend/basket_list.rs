//! Basket-list files: one basket per line, its items separated by a delimiter, lines of any
//! length, no header (R arules' `read.transactions(format = "basket")`, e.g. `groceries.csv`).
//!
//! [`read_basket_list`] turns such a text into [`Baskets`]. Lines are split by the ingest's
//! [`FieldSplitter`] (csv-core), so a quoted field may hold the delimiter (`"salt, coarse"`) and
//! `""` is a quote inside quotes.
//! Each field is trimmed (`groceries.csv` has `cream cheese ` with a trailing space); empty
//! fields are ignored, an item repeated within a line counts once, and lines without any item
//! are skipped. Item codes follow the item names sorted by their bytes (`str` order), so the
//! codes do not depend on the order of the lines and sorted codes are sorted names.
//!
//! [`looks_like_basket_list`] is the cheap test that tells such a file from an ordinary table
//! (see its documentation for the rule). Pure Rust: no web-sys; never panics on user data.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::core::ingest::parse::FieldSplitter;
use crate::core::ingest::Delimiter;
use crate::core::recommend::baskets::Baskets;

/// The basket-list text cannot be read; the message says what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BasketListError {
    #[error("The basket file is empty.")]
    EmptyFile,
    #[error(
        "The basket file has {lines} line(s) but no item: every field is empty. Check the \
         delimiter."
    )]
    NoItems { lines: usize },
}

/// Read a basket-list `text` (see the module documentation) whose items are separated by
/// `delimiter` (`Delimiter::Comma` for `groceries.csv`). A byte-order mark at the start is
/// ignored.
pub fn read_basket_list(text: &str, delimiter: Delimiter) -> Result<Baskets, BasketListError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(BasketListError::EmptyFile);
    }
    let mut codes: FxHashMap<String, u32> = FxHashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut baskets: Vec<Vec<u32>> = Vec::new();
    let mut lines = 0usize;
    for_each_record(text, delimiter, &mut |fields| {
        lines += 1;
        let mut basket: Vec<u32> = Vec::with_capacity(fields.len());
        for field in fields {
            let item = field.trim();
            if item.is_empty() {
                continue;
            }
            let code = match codes.get(item) {
                Some(&code) => code,
                None => {
                    let code = names.len() as u32;
                    codes.insert(item.to_string(), code);
                    names.push(item.to_string());
                    code
                }
            };
            basket.push(code);
        }
        if !basket.is_empty() {
            baskets.push(basket);
        }
        true
    });
    if names.is_empty() {
        return Err(BasketListError::NoItems { lines });
    }
    // Recode by name: `order` lists the first-appearance codes sorted by name.
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| names.get(a as usize).cmp(&names.get(b as usize)));
    let mut recode = vec![0u32; names.len()];
    for (new, &old) in order.iter().enumerate() {
        if let Some(slot) = recode.get_mut(old as usize) {
            *slot = new as u32;
        }
    }
    for basket in &mut baskets {
        for code in basket.iter_mut() {
            *code = recode.get(*code as usize).copied().unwrap_or(*code);
        }
        basket.sort_unstable();
        basket.dedup();
    }
    let mut names: Vec<Option<String>> = names.into_iter().map(Some).collect();
    let items = order
        .iter()
        .filter_map(|&old| names.get_mut(old as usize).and_then(Option::take))
        .collect();
    Ok(Baskets { items, baskets })
}

/// Least number of lines [`looks_like_basket_list`] needs to say yes.
const DETECT_MIN_LINES: usize = 10;
/// Lines of the sample that [`looks_like_basket_list`] reads at most.
const DETECT_MAX_LINES: usize = 500;

/// Whether `text_sample` (the start of a file) looks like a basket list with items separated by
/// `delimiter` rather than a table. Cheap: it reads at most the first 500 lines. If the sample
/// does not end with a line break its last line is ignored (it may be cut short).
///
/// Every line is split as a record, and its length is its number of fields up to the last
/// non-empty one (so a basket list saved from a spreadsheet, padded with empty fields to the
/// longest line, still has varying lengths). The answer is yes only if all of these hold:
/// 1. at least 10 lines have an item;
/// 2. the lengths vary widely: at least 3 different lengths, and the most common one covers at
///    most 80 % of the lines (a table has one length, give or take a few short lines);
/// 3. the values are text: at most 5 % of the non-empty fields read as numbers (tables of
///    customers and orders have ids, amounts and dates);
/// 4. the values repeat: at most half of the non-empty fields are distinct (items recur across
///    baskets; free text and ids do not);
/// 5. the first line is no header: when it has 2 or more fields, at least one of its values
///    comes back in a later line (column names do not).
pub fn looks_like_basket_list(text_sample: &str, delimiter: Delimiter) -> bool {
    let text = text_sample.strip_prefix('\u{FEFF}').unwrap_or(text_sample);
    let text = if text.ends_with('\n') {
        text
    } else {
        text.rfind('\n')
            .and_then(|end| text.get(..end))
            .unwrap_or("")
    };
    let mut lengths: Vec<usize> = Vec::new();
    let mut first: Vec<String> = Vec::new();
    let mut first_seen_again = false;
    let mut counts: FxHashMap<String, usize> = FxHashMap::default();
    let mut non_empty = 0usize;
    let mut numeric = 0usize;
    for_each_record(text, delimiter, &mut |fields| {
        let length = fields
            .iter()
            .rposition(|f| !f.trim().is_empty())
            .map_or(0, |last| last + 1);
        if length == 0 {
            return true;
        }
        let values: FxHashSet<&str> = fields
            .iter()
            .map(|f| f.trim())
            .filter(|v| !v.is_empty())
            .collect();
        if lengths.is_empty() {
            first = values.iter().map(|v| v.to_string()).collect();
        } else if !first_seen_again {
            first_seen_again = first.iter().any(|v| values.contains(v.as_str()));
        }
        for field in fields {
            let value = field.trim();
            if value.is_empty() {
                continue;
            }
            non_empty += 1;
            if looks_numeric(value) {
                numeric += 1;
            }
            *counts.entry(value.to_string()).or_insert(0) += 1;
        }
        lengths.push(length);
        lengths.len() < DETECT_MAX_LINES
    });
    if lengths.len() < DETECT_MIN_LINES || non_empty == 0 {
        return false;
    }
    let mut by_length: FxHashMap<usize, usize> = FxHashMap::default();
    for &length in &lengths {
        *by_length.entry(length).or_insert(0) += 1;
    }
    let modal = by_length.values().copied().max().unwrap_or(0);
    let varied = by_length.len() >= 3 && modal * 5 <= lengths.len() * 4;
    let text_values = numeric * 20 <= non_empty;
    let repeated = counts.len() * 2 <= non_empty;
    let no_header = first.len() < 2 || first_seen_again;
    varied && text_values && repeated && no_header
}

/// A number as a table would hold it: digits with an optional sign, decimal point or
/// separators (`12`, `-3.5`, `1,234.00`, `2011-12-09`, `17850.0`).
fn looks_numeric(value: &str) -> bool {
    let mut digits = 0usize;
    for c in value.chars() {
        match c {
            '0'..='9' => digits += 1,
            '+' | '-' | '.' | ',' | '/' | ':' | ' ' | 'e' | 'E' | '%' => {}
            _ => return false,
        }
    }
    digits > 0
}

/// Call `on_record` with the fields of each line of `text` (the ingest's splitter: csv-core
/// with `"` quotes for a delimiter character, quote-aware runs of blanks for
/// [`Delimiter::Whitespace`]; blank lines are skipped). Stops when `on_record` returns `false`.
fn for_each_record(text: &str, delimiter: Delimiter, on_record: &mut dyn FnMut(&[&str]) -> bool) {
    let mut splitter = FieldSplitter::new(delimiter, Some(b'"'));
    splitter.feed(text.as_bytes(), true, &mut |fields, _line| {
        on_record(fields)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(b: &Baskets) -> Vec<&str> {
        b.items.iter().map(String::as_str).collect()
    }

    #[test]
    fn items_are_coded_by_name_trimmed_and_deduplicated() {
        let b =
            read_basket_list("milk,bread , milk\n\napple,,bread\r\n", Delimiter::Comma).unwrap();
        assert_eq!(names(&b), ["apple", "bread", "milk"]);
        assert_eq!(b.baskets, vec![vec![1, 2], vec![0, 1]]);
    }

    #[test]
    fn quoted_items_may_hold_the_delimiter() {
        let b = read_basket_list(
            "\"salt, coarse\",pepper\n\"say \"\"hi\"\"\"\n",
            Delimiter::Comma,
        )
        .unwrap();
        assert_eq!(names(&b), ["pepper", "salt, coarse", "say \"hi\""]);
        assert_eq!(b.baskets, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn lines_without_items_are_skipped() {
        let b = read_basket_list("\u{FEFF}a;b\n;;\n  \nb\n", Delimiter::Semicolon).unwrap();
        assert_eq!(names(&b), ["a", "b"]);
        assert_eq!(b.baskets, vec![vec![0, 1], vec![1]]);
    }

    #[test]
    fn last_line_without_line_break_is_read() {
        let b = read_basket_list("a,b\nc", Delimiter::Comma).unwrap();
        assert_eq!(b.baskets, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn empty_text_is_an_error() {
        assert_eq!(
            read_basket_list("", Delimiter::Comma),
            Err(BasketListError::EmptyFile)
        );
        assert_eq!(
            read_basket_list(" \n\r\n", Delimiter::Comma),
            Err(BasketListError::EmptyFile)
        );
    }

    #[test]
    fn only_delimiters_is_no_items() {
        assert_eq!(
            read_basket_list(",,\n , \n", Delimiter::Comma),
            Err(BasketListError::NoItems { lines: 2 })
        );
    }

    #[test]
    fn whitespace_delimiter_keeps_quoted_names_whole() {
        let b =
            read_basket_list("\"whole milk\"  bread\n\tbread\n", Delimiter::Whitespace).unwrap();
        assert_eq!(names(&b), ["bread", "whole milk"]);
        assert_eq!(b.baskets, vec![vec![0, 1], vec![0]]);
    }

    fn basket_text() -> String {
        let lines = [
            "milk,bread,butter",
            "milk",
            "bread,jam",
            "milk,bread,butter,jam,eggs",
            "eggs,milk",
            "bread",
            "butter,bread,milk,eggs",
            "jam",
            "milk,eggs,bread,butter,jam,apples",
            "apples,milk",
            "bread,butter",
        ];
        lines.join("\n") + "\n"
    }

    #[test]
    fn ragged_text_lines_are_a_basket_list() {
        assert!(looks_like_basket_list(&basket_text(), Delimiter::Comma));
    }

    #[test]
    fn a_table_is_not_a_basket_list() {
        let mut table = String::from("id,name,city\n");
        for i in 0..20 {
            table.push_str(&format!("{i},name{i},Paris\n"));
        }
        assert!(!looks_like_basket_list(&table, Delimiter::Comma));
    }

    #[test]
    fn a_padded_basket_list_is_still_one() {
        let padded: String = basket_text()
            .lines()
            .map(|l| {
                let n = l.split(',').count();
                format!("{l}{}\n", ",".repeat(6 - n))
            })
            .collect();
        assert!(looks_like_basket_list(&padded, Delimiter::Comma));
    }

    #[test]
    fn a_header_line_is_not_a_basket() {
        let text = format!("first,second,third\n{}", basket_text());
        assert!(!looks_like_basket_list(&text, Delimiter::Comma));
    }

    #[test]
    fn too_few_lines_or_a_cut_last_line() {
        assert!(!looks_like_basket_list("a,b\nb\na,b,c\n", Delimiter::Comma));
        // The cut last line is dropped: 10 lines remain.
        let cut = basket_text() + "milk,br";
        assert!(looks_like_basket_list(&cut, Delimiter::Comma));
        let ten: String = basket_text()
            .lines()
            .take(10)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!looks_like_basket_list(&ten, Delimiter::Comma));
    }
}
