//! Writing CSV that is safe to open in a spreadsheet: the one place every exported CSV (the
//! customer table, the segmented table, the scored customers, the CLI's `-o` files and the
//! generated samples) writes its cells through.
//!
//! # Formula injection (OWASP "CSV Injection")
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, so a customer
//! id, a category or a persona label such as `=HYPERLINK("http://x","y")` or
//! ` =cmd|' /C calc'!A0` would come out live. A **text** cell is neutralised — a single quote
//! `'` is put in front of it and the cell is quoted — when
//! - its first character is a tab or a carriage return, or
//! - its first character that is not white space is `=`, `+`, `-` or `@` (or their full-width
//!   forms `＝ ＋ － ＠`, which some spreadsheets also read as a formula start),
//!
//! unless the cell, trimmed of white space, is a plain number: an optional sign, digits with an
//! optional decimal point and an optional exponent (`-12.5`, `+3`, `-1e-3`). A real negative
//! number stays a number; `+44 20 7946 0958`, `-` alone, `-1+2` or `-2*3` are text and are
//! neutralised. Numbers the app computes are written with [`CsvWriter::number`] and are never
//! touched.
//!
//! Cells holding a comma, a double quote or a line break are quoted (RFC 4180), quotes doubled.
//! Pure Rust; no I/O.

use std::borrow::Cow;

/// Characters that start a formula when they lead a cell (after white space).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Whether a text cell would start a formula in a spreadsheet (see the module doc).
pub fn starts_formula(text: &str) -> bool {
    if text.starts_with(['\t', '\r']) {
        return true;
    }
    let Some(first) = text.trim_start().chars().next() else {
        return false;
    };
    FORMULA_STARTS.contains(&first) && !is_plain_number(text.trim())
}

/// An optional sign, then digits with an optional decimal point (`12`, `12.`, `.5`, `12.5`),
/// then an optional exponent (`e-3`, `E+04`). No spaces, no thousands separators.
pub fn is_plain_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let mut mantissa = digits(&mut at);
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        mantissa += digits(&mut at);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

/// A text cell as written to a CSV file: neutralised when it would start a formula, quoted
/// when it holds a comma, a quote or a line break (or was neutralised).
pub fn text_cell(text: &str) -> Cow<'_, str> {
    let neutralise = starts_formula(text);
    if !neutralise && !text.contains([',', '"', '\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    out.push('"');
    if neutralise {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    Cow::Owned(out)
}

/// A number as plain CSV text: up to 6 decimals, no trailing zeros, no thousands separators;
/// empty when not finite.
pub fn number_cell(x: f64) -> String {
    fixed_cell(x, 6)
}

/// A number with at most `decimals` decimals, trailing zeros dropped; empty when not finite.
fn fixed_cell(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Builds a CSV text row by row; every cell goes through [`text_cell`] or [`number_cell`].
#[derive(Debug, Default)]
pub struct CsvWriter {
    out: String,
    row_started: bool,
}

impl CsvWriter {
    pub fn new() -> CsvWriter {
        CsvWriter::default()
    }

    fn separate(&mut self) {
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
    }

    /// A text cell (ids, names, categories, labels): neutralised and quoted as needed.
    pub fn text(&mut self, text: &str) -> &mut CsvWriter {
        self.separate();
        self.out.push_str(&text_cell(text));
        self
    }

    /// A text cell, or an empty cell for a missing value.
    pub fn text_or_empty(&mut self, text: Option<&str>) -> &mut CsvWriter {
        match text {
            Some(text) => self.text(text),
            None => self.empty(),
        }
    }

    /// A number the app computed (see [`number_cell`]); empty when not finite.
    pub fn number(&mut self, x: f64) -> &mut CsvWriter {
        self.separate();
        self.out.push_str(&number_cell(x));
        self
    }

    /// A number written with exactly `decimals` decimals (e.g. probabilities); empty when not
    /// finite.
    pub fn fixed(&mut self, x: f64, decimals: usize) -> &mut CsvWriter {
        self.separate();
        if x.is_finite() {
            self.out.push_str(&format!("{x:.decimals$}"));
        }
        self
    }

    /// A missing value.
    pub fn empty(&mut self) -> &mut CsvWriter {
        self.separate();
        self
    }

    /// End the current row (a line feed).
    pub fn end_row(&mut self) -> &mut CsvWriter {
        self.out.push('\n');
        self.row_started = false;
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_payloads_of_the_issue_are_neutralised() {
        assert_eq!(
            text_cell(r#"=HYPERLINK("http://x","y")"#),
            r#""'=HYPERLINK(""http://x"",""y"")""#
        );
        assert_eq!(text_cell(" =cmd|' /C calc'!A0"), "\"' =cmd|' /C calc'!A0\"");
    }

    #[test]
    fn every_trigger_is_neutralised() {
        for cell in [
            "=1+1",
            "+1+1",
            "-1+1",
            "@SUM(A1:A2)",
            "\t=1",
            "\tplain text after a tab",
            "\rabc",
            "  \u{a0}@x",
            "＝1+1",
            "-",
            "+",
            "+44 20 7946 0958",
            "-2*3",
            "--5",
            "-1e",
            "- 5",
        ] {
            assert!(starts_formula(cell), "{cell:?} should be neutralised");
            let written = text_cell(cell);
            assert!(written.starts_with("\"'"), "{cell:?} → {written}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_stay_as_they_are() {
        for cell in [
            "-12.5",
            "-5",
            "+3",
            " -7 ",
            "-.5",
            "-1e-3",
            "+2.5E+04",
            "12",
            "Champions",
            "a-b",
            "x=1",
            "C536379",
            "",
            " ",
        ] {
            assert!(!starts_formula(cell), "{cell:?} should stay");
            assert_eq!(text_cell(cell), cell);
        }
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(text_cell("a,b"), "\"a,b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn plain_numbers() {
        for yes in ["0", "-0", "1.", ".5", "-12.50", "1e9", "+1E-9"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "0x10", " 1", "1 2", "inf",
        ] {
            assert!(!is_plain_number(no), "{no}");
        }
    }

    #[test]
    fn numbers_are_written_plain() {
        assert_eq!(number_cell(-3.5), "-3.5");
        assert_eq!(number_cell(2.0), "2");
        assert_eq!(number_cell(1.0 / 3.0), "0.333333");
        assert_eq!(number_cell(-0.0000001), "0");
        assert_eq!(number_cell(1200.0), "1200");
        assert_eq!(number_cell(f64::NAN), "");
    }

    #[test]
    fn the_writer_separates_cells_and_rows() {
        let mut csv = CsvWriter::new();
        csv.text("id").text("p").end_row();
        csv.text("=x").fixed(0.25, 6).end_row();
        csv.text_or_empty(None).number(-1.0).end_row();
        assert_eq!(csv.finish(), "id,p\n\"'=x\",0.250000\n,-1\n");
    }
}
