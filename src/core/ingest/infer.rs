//! Column type inference: every distinct value of a column is checked, so a type is confirmed
//! on all rows, not guessed from a sample.
//!
//! Values are read straight from the dictionary bytes with small hand-written scanners (no
//! regex, no allocation per value), so a column with half a million distinct values is typed
//! in a few passes over its dictionary. Inference stops at the first value that does not fit a
//! type; a user override ([`convert`]) reads every value so the error can say how many rows
//! fail.

use super::roles;
use crate::core::format;
use crate::core::table::{Column, ColumnType, ParseNote, ParsedDict};

/// Facts about the file that change how values read.
#[derive(Debug, Clone, Copy)]
pub struct InferContext {
    /// `1,5` may be a decimal number only when `,` is not the delimiter.
    pub decimal_comma_allowed: bool,
}

/// A column cannot hold the type the user asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("Column '{column}' cannot be {}: {failed_rows} of {total_rows} values do not read as {} (e.g. {}). Keep its current type, or fix these values in the file.", .ctype.label(), .ctype.label(), quote_list(.examples))]
pub struct ConversionError {
    pub column: String,
    pub ctype: ColumnType,
    pub failed_rows: usize,
    pub total_rows: usize,
    pub examples: Vec<String>,
}

fn quote_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    quoted.join(", ")
}

/// Read `dict` as `ctype`. `counts[i]` is the number of rows holding `dict[i]`.
///
/// Used for user overrides, so it is lenient where the user's intent is clear: decimals are
/// read with a dot first and then with a decimal comma, `yyyymmdd` dates are accepted whatever
/// the column's name, and `1`/`0` read as booleans.
pub fn convert(
    column: &str,
    dict: &[Box<str>],
    counts: &[usize],
    ctype: ColumnType,
) -> Result<(ParsedDict, ParseNote), ConversionError> {
    let rules = Rules {
        decimal_comma: true,
        compact_dates: true,
        boolean_digits: true,
        stop_at_first_failure: false,
    };
    convert_rules(column, dict, counts, ctype, rules)
}

/// Like [`convert`], but with the file's facts: the decimal comma is only tried when the
/// delimiter is not `,`, and `yyyymmdd` dates only when the column's name speaks of a date.
pub fn convert_with(
    column: &str,
    dict: &[Box<str>],
    counts: &[usize],
    ctype: ColumnType,
    context: &InferContext,
) -> Result<(ParsedDict, ParseNote), ConversionError> {
    let rules = Rules {
        decimal_comma: context.decimal_comma_allowed,
        compact_dates: name_hints_date(column),
        boolean_digits: true,
        stop_at_first_failure: false,
    };
    convert_rules(column, dict, counts, ctype, rules)
}

/// Choose the column's type from its values (and name) and apply it.
///
/// Order: boolean (textual pairs only), integer, decimal, date / datetime, then the string
/// kinds (identifier, categorical, text). Integer columns whose name says "id" become
/// identifiers: their numbers are labels, not quantities.
pub fn infer_column(column: &mut Column, context: &InferContext) {
    let counts = column.code_counts();
    let (ctype, parsed, note) = infer_values(&column.name, &column.dict, &counts, context);
    column.ctype = ctype;
    column.parsed = parsed;
    column.note = note;
}

fn infer_values(
    name: &str,
    dict: &[Box<str>],
    counts: &[usize],
    context: &InferContext,
) -> (ColumnType, ParsedDict, ParseNote) {
    let non_missing: usize = counts.iter().sum();
    let id_hint = id_name_hint(name);
    if dict.is_empty() {
        return (ColumnType::Text, ParsedDict::Text, ParseNote::default());
    }
    let rules = Rules {
        decimal_comma: context.decimal_comma_allowed,
        compact_dates: name_hints_date(name),
        boolean_digits: false,
        stop_at_first_failure: true,
    };
    if let Some((parsed, note)) = infer_boolean(dict) {
        return (ColumnType::Boolean, parsed, note);
    }
    // `20110315` in a column named like a date is a date, not a number.
    if rules.compact_dates && dict.iter().all(|v| is_compact_date_shape(v.as_bytes())) {
        if let Ok((parsed, note)) = read_dates(dict, counts, DateWant::Auto, rules) {
            return (date_type(&parsed), parsed, note);
        }
    }
    // `19970101` in a column whose name says nothing (a header-less file's `column_2`, or a
    // name that is not an id, an amount or a quantity): a date when every value is one.
    if !rules.compact_dates && id_hint == IdHint::None && !roles::names_a_measure(name) {
        if let Some((parsed, note)) = compact_dates_from_values(dict, counts, rules) {
            return (ColumnType::Date, parsed, note);
        }
    }
    if let Ok((parsed, note)) = read_integers(dict, counts, rules) {
        if id_hint == IdHint::Strong {
            return (
                ColumnType::Identifier,
                ParsedDict::Text,
                ParseNote::default(),
            );
        }
        return (ColumnType::Integer, parsed, note);
    }
    if let Ok((parsed, note)) = read_decimals(dict, counts, rules) {
        // Digits too long for an integer (e.g. 20-digit order numbers) under an id name.
        if id_hint == IdHint::Strong && dict.iter().all(|v| is_all_digits(v.as_bytes())) {
            return (
                ColumnType::Identifier,
                ParsedDict::Text,
                ParseNote::default(),
            );
        }
        return (ColumnType::Decimal, parsed, note);
    }
    if let Ok((parsed, note)) = read_dates(dict, counts, DateWant::Auto, rules) {
        return (date_type(&parsed), parsed, note);
    }
    let kind = string_kind(id_hint, dict, non_missing);
    (kind, ParsedDict::Text, ParseNote::default())
}

fn date_type(parsed: &ParsedDict) -> ColumnType {
    match parsed {
        ParsedDict::DateTime(_) => ColumnType::DateTime,
        _ => ColumnType::Date,
    }
}

// ---------------------------------------------------------------------------------------------
// Conversion driver
// ---------------------------------------------------------------------------------------------

/// How strictly values are read.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// Try `1.234,5` after the dot-decimal reading failed.
    decimal_comma: bool,
    /// Accept `yyyymmdd`.
    compact_dates: bool,
    /// Accept `1` / `0` as booleans.
    boolean_digits: bool,
    /// Inference: give up at the first value that does not fit (counts are then partial).
    stop_at_first_failure: bool,
}

/// Values that did not read.
#[derive(Debug, Clone, Default)]
struct Failure {
    failed_rows: usize,
    examples: Vec<String>,
}

impl Failure {
    fn add(&mut self, text: &str, count: usize) {
        self.failed_rows += count;
        if self.examples.len() < 3 {
            self.examples.push(text.to_string());
        }
    }

    fn is_empty(&self) -> bool {
        self.failed_rows == 0 && self.examples.is_empty()
    }
}

fn count_of(counts: &[usize], index: usize) -> usize {
    counts.get(index).copied().unwrap_or(0)
}

/// Read every dictionary entry with `read`; all or nothing.
fn read_each<T>(
    dict: &[Box<str>],
    counts: &[usize],
    rules: Rules,
    mut read: impl FnMut(&str) -> Option<T>,
) -> Result<Vec<T>, Failure> {
    let mut values = Vec::with_capacity(dict.len());
    let mut failure = Failure::default();
    for (i, text) in dict.iter().enumerate() {
        match read(text) {
            Some(v) => values.push(v),
            None => {
                failure.add(text, count_of(counts, i));
                if rules.stop_at_first_failure {
                    return Err(failure);
                }
            }
        }
    }
    if failure.is_empty() {
        Ok(values)
    } else {
        Err(failure)
    }
}

fn convert_rules(
    column: &str,
    dict: &[Box<str>],
    counts: &[usize],
    ctype: ColumnType,
    rules: Rules,
) -> Result<(ParsedDict, ParseNote), ConversionError> {
    let result = match ctype {
        ColumnType::Categorical | ColumnType::Text | ColumnType::Identifier => {
            Ok((ParsedDict::Text, ParseNote::default()))
        }
        ColumnType::Integer => read_integers(dict, counts, rules),
        ColumnType::Decimal => read_decimals(dict, counts, rules),
        ColumnType::Boolean => read_booleans(dict, counts, rules),
        ColumnType::Date => read_dates(dict, counts, DateWant::Date, rules),
        ColumnType::DateTime => read_dates(dict, counts, DateWant::DateTime, rules),
    };
    result.map_err(|failure| ConversionError {
        column: column.to_string(),
        ctype,
        failed_rows: failure.failed_rows,
        total_rows: counts.iter().sum(),
        examples: failure.examples,
    })
}

fn note(format: &str) -> ParseNote {
    ParseNote {
        format: Some(format.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

fn read_integers(
    dict: &[Box<str>],
    counts: &[usize],
    rules: Rules,
) -> Result<(ParsedDict, ParseNote), Failure> {
    let mut point_zero = false;
    let values = read_each(dict, counts, rules, |text| {
        let (value, zero) = parse_integer(text.as_bytes())?;
        point_zero |= zero;
        Some(value)
    })?;
    let note = if point_zero {
        note("written as x.0")
    } else {
        ParseNote::default()
    };
    Ok((ParsedDict::Integer(values), note))
}

/// Optional sign, digits, optionally `.0` (`17850.0`, as Spark writes integral floats).
/// Returns the value and whether it was written with `.0`.
fn parse_integer(bytes: &[u8]) -> Option<(i64, bool)> {
    let (negative, rest) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, bytes),
        None => return None,
    };
    let digits_end = rest
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(digits_end);
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let point_zero = match tail.split_first() {
        None => false,
        Some((b'.', zeros)) if !zeros.is_empty() && zeros.iter().all(|&b| b == b'0') => true,
        Some(_) => return None,
    };
    let mut magnitude: i128 = 0;
    for &d in digits {
        magnitude = magnitude * 10 + i128::from(d - b'0');
    }
    let value = if negative { -magnitude } else { magnitude };
    let value = i64::try_from(value).ok()?;
    Some((value, point_zero))
}

fn is_all_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

fn read_decimals(
    dict: &[Box<str>],
    counts: &[usize],
    rules: Rules,
) -> Result<(ParsedDict, ParseNote), Failure> {
    let dot = read_each(dict, counts, rules, |text| {
        parse_decimal_dot(text.as_bytes())
    });
    let dot_failure = match dot {
        Ok(values) => return Ok((ParsedDict::Decimal(values), ParseNote::default())),
        Err(failure) => failure,
    };
    if !rules.decimal_comma {
        return Err(dot_failure);
    }
    let mut buffer = String::new();
    let comma = read_each(dict, counts, rules, |text| {
        parse_decimal_comma(text.as_bytes(), &mut buffer)
    });
    match comma {
        Ok(values) => Ok((ParsedDict::Decimal(values), note("decimal comma"))),
        // Report the reading that came closer (for inference the counts are partial anyway).
        Err(comma_failure) if comma_failure.failed_rows < dot_failure.failed_rows => {
            Err(comma_failure)
        }
        Err(_) => Err(dot_failure),
    }
}

/// Rust's float syntax (`1.5`, `+2`, `.5`, `7.50E-05`) without the `inf` / `nan` words.
fn parse_decimal_dot(bytes: &[u8]) -> Option<f64> {
    let mut has_digit = false;
    for &b in bytes {
        match b {
            b'0'..=b'9' => has_digit = true,
            b'+' | b'-' | b'.' | b'e' | b'E' => {}
            _ => return None,
        }
    }
    if !has_digit {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Decimal comma with optional `.` thousands groups: `3,5`, `-1.234,56`, `1.234.567`, `12`.
/// `buffer` is reused between calls to avoid an allocation per value.
fn parse_decimal_comma(bytes: &[u8], buffer: &mut String) -> Option<f64> {
    buffer.clear();
    let rest = match bytes.split_first() {
        Some((b'-', rest)) => {
            buffer.push('-');
            rest
        }
        Some((b'+', rest)) => rest,
        Some(_) => bytes,
        None => return None,
    };
    let (integer, fraction) = match rest.iter().position(|&b| b == b',') {
        Some(at) => {
            let (integer, with_comma) = rest.split_at(at);
            (integer, Some(with_comma.get(1..).unwrap_or_default()))
        }
        None => (rest, None),
    };
    // Integer part: plain digits, or 1-3 digits then groups of `.ddd`.
    let mut groups = integer.split(|&b| b == b'.');
    let first = groups.next().unwrap_or_default();
    if !first.iter().all(u8::is_ascii_digit) || (first.len() > 3 && integer.contains(&b'.')) {
        return None;
    }
    if first.is_empty() && integer.contains(&b'.') {
        return None;
    }
    push_digits(buffer, first);
    for group in groups {
        if group.len() != 3 || !group.iter().all(u8::is_ascii_digit) {
            return None;
        }
        push_digits(buffer, group);
    }
    let mut has_digit = !first.is_empty();
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
            return None;
        }
        buffer.push('.');
        push_digits(buffer, fraction);
        has_digit = true;
    }
    if !has_digit {
        return None;
    }
    buffer.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn push_digits(buffer: &mut String, digits: &[u8]) {
    buffer.extend(digits.iter().map(|&b| char::from(b)));
}

// ---------------------------------------------------------------------------------------------
// Booleans
// ---------------------------------------------------------------------------------------------

/// The token pairs a boolean column may use, as (true, false, label). The last one (1/0) is
/// only accepted when the user forces the type: inference keeps 0/1 columns as integers.
const BOOLEAN_SETS: [(&str, &str, &str); 5] = [
    ("true", "false", "true/false"),
    ("yes", "no", "yes/no"),
    ("y", "n", "y/n"),
    ("t", "f", "t/f"),
    ("1", "0", "1/0"),
];
const DIGIT_SET: usize = 4;

/// (index into [`BOOLEAN_SETS`], value) of a boolean token.
fn boolean_token(text: &str) -> Option<(usize, bool)> {
    BOOLEAN_SETS
        .iter()
        .enumerate()
        .find_map(|(i, (yes, no, _))| {
            if text.eq_ignore_ascii_case(yes) {
                Some((i, true))
            } else if text.eq_ignore_ascii_case(no) {
                Some((i, false))
            } else {
                None
            }
        })
}

/// Every value from one textual pair (TRUE/FALSE, Yes/No, …). One-letter pairs (y/n, t/f)
/// must show both letters, so that a column holding only `F` (say, a gender) is not taken
/// for booleans.
fn infer_boolean(dict: &[Box<str>]) -> Option<(ParsedDict, ParseNote)> {
    let mut set = None;
    let mut values = Vec::with_capacity(dict.len());
    for text in dict {
        let (s, value) = boolean_token(text)?;
        if s == DIGIT_SET || set.is_some_and(|known| known != s) {
            return None;
        }
        set = Some(s);
        values.push(value);
    }
    let set = set?;
    let (yes, _, label) = BOOLEAN_SETS.get(set)?;
    let both = values.contains(&true) && values.contains(&false);
    if yes.len() == 1 && !both {
        return None;
    }
    Some((ParsedDict::Boolean(values), note(label)))
}

fn read_booleans(
    dict: &[Box<str>],
    counts: &[usize],
    rules: Rules,
) -> Result<(ParsedDict, ParseNote), Failure> {
    let mut used = [false; BOOLEAN_SETS.len()];
    let values = read_each(dict, counts, rules, |text| {
        let (set, value) = boolean_token(text)?;
        if set == DIGIT_SET && !rules.boolean_digits {
            return None;
        }
        if let Some(u) = used.get_mut(set) {
            *u = true;
        }
        Some(value)
    })?;
    let labels: Vec<&str> = BOOLEAN_SETS
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|((_, _, label), _)| *label)
        .collect();
    let note = if labels.is_empty() {
        ParseNote::default()
    } else {
        note(&labels.join(", "))
    };
    Ok((ParsedDict::Boolean(values), note))
}

// ---------------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------------

/// Which parsed form the caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateWant {
    Date,
    DateTime,
    /// DateTime when any value has a time of day, else Date.
    Auto,
}

/// Where the year stands in a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateShape {
    /// `yyyy-mm-dd`, `yyyy/mm/dd`, `yyyy.mm.dd`.
    YearFirst,
    /// `dd/mm/yyyy` or `mm/dd/yyyy` (and with `-`, `.`): the order is decided per column.
    YearLast,
    /// `yyyymmdd`.
    Compact,
}

/// A date as written, before its day/month order is known.
#[derive(Debug, Clone, Copy)]
struct RawDate {
    shape: DateShape,
    sep: u8,
    year: u32,
    /// First and second non-year components as written (month, day for year-first).
    a: u32,
    b: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateOrder {
    Ymd,
    Dmy,
    Mdy,
}

/// A time of day after a date.
#[derive(Debug, Clone, Copy)]
struct TimeOfDay {
    seconds: u32,
    seconds_written: bool,
    t_separator: bool,
}

const LAYOUTS: usize = 7;

/// One slot per (shape, separator) so a column's values can vote for their layout.
fn layout_index(raw: &RawDate) -> usize {
    let sep = match raw.sep {
        b'-' => 0,
        b'/' => 1,
        _ => 2,
    };
    match raw.shape {
        DateShape::Compact => 0,
        DateShape::YearFirst => 1 + sep,
        DateShape::YearLast => 4 + sep,
    }
}

fn is_date_separator(b: u8) -> bool {
    matches!(b, b'-' | b'/' | b'.')
}

/// Up to `max` ASCII digits from `start`: (value, how many).
fn take_digits(bytes: &[u8], start: usize, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut n = 0;
    while n < max {
        match bytes.get(start + n) {
            Some(&c) if c.is_ascii_digit() => {
                value = value * 10 + u32::from(c - b'0');
                n += 1;
            }
            _ => break,
        }
    }
    (value, n)
}

fn is_compact_date_shape(bytes: &[u8]) -> bool {
    bytes.len() == 8 && is_all_digits(bytes)
}

/// The date at the start of `bytes` and how many bytes it takes.
fn raw_date(bytes: &[u8]) -> Option<(RawDate, usize)> {
    let (first, n1) = take_digits(bytes, 0, 9);
    match n1 {
        8 => Some((
            RawDate {
                shape: DateShape::Compact,
                sep: 0,
                year: first / 10_000,
                a: first / 100 % 100,
                b: first % 100,
            },
            8,
        )),
        4 => {
            let sep = *bytes.get(4)?;
            if !is_date_separator(sep) {
                return None;
            }
            let (month, n2) = take_digits(bytes, 5, 2);
            let at = 5 + n2;
            if n2 == 0 || bytes.get(at) != Some(&sep) {
                return None;
            }
            let (day, n3) = take_digits(bytes, at + 1, 2);
            if n3 == 0 {
                return None;
            }
            let raw = RawDate {
                shape: DateShape::YearFirst,
                sep,
                year: first,
                a: month,
                b: day,
            };
            Some((raw, at + 1 + n3))
        }
        1 | 2 => {
            let sep = *bytes.get(n1)?;
            if !is_date_separator(sep) {
                return None;
            }
            let (second, n2) = take_digits(bytes, n1 + 1, 2);
            let at = n1 + 1 + n2;
            if n2 == 0 || bytes.get(at) != Some(&sep) {
                return None;
            }
            let (year, n3) = take_digits(bytes, at + 1, 4);
            if n3 != 4 {
                return None;
            }
            let raw = RawDate {
                shape: DateShape::YearLast,
                sep,
                year,
                a: first,
                b: second,
            };
            Some((raw, at + 5))
        }
        _ => None,
    }
}

/// What follows a date: nothing, or ` HH:MM[:SS[.fff]][Z]` / `THH:MM…`.
/// `None` when it is something else.
fn parse_time(rest: &[u8]) -> Option<Option<TimeOfDay>> {
    let Some((&first, rest)) = rest.split_first() else {
        return Some(None);
    };
    let t_separator = match first {
        b' ' => false,
        b'T' | b't' => true,
        _ => return None,
    };
    let (hour, nh) = take_digits(rest, 0, 2);
    if nh == 0 || hour > 23 || rest.get(nh) != Some(&b':') {
        return None;
    }
    let (minute, nm) = take_digits(rest, nh + 1, 2);
    if nm != 2 || minute > 59 {
        return None;
    }
    let mut at = nh + 3;
    let mut second = 0;
    let mut seconds_written = false;
    if rest.get(at) == Some(&b':') {
        let (s, ns) = take_digits(rest, at + 1, 2);
        if ns != 2 || s > 59 {
            return None;
        }
        second = s;
        seconds_written = true;
        at += 3;
        if matches!(rest.get(at), Some(b'.' | b',')) {
            let digits = rest
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 {
                return None;
            }
            at += 1 + digits;
        }
    }
    if matches!(rest.get(at), Some(b'Z' | b'z')) {
        at += 1;
    }
    if at != rest.len() {
        return None;
    }
    Some(Some(TimeOfDay {
        seconds: hour * 3600 + minute * 60 + second,
        seconds_written,
        t_separator,
    }))
}

/// A whole value: date and optional time.
fn raw_date_time(text: &str) -> Option<(RawDate, Option<TimeOfDay>)> {
    let bytes = text.as_bytes();
    let (raw, used) = raw_date(bytes)?;
    let time = parse_time(bytes.get(used..).unwrap_or_default())?;
    Some((raw, time))
}

/// Days since epoch of a raw date read in `order`.
fn date_days(raw: &RawDate, order: DateOrder) -> Option<i64> {
    let (month, day) = match order {
        DateOrder::Ymd => (raw.a, raw.b),
        DateOrder::Dmy => (raw.b, raw.a),
        DateOrder::Mdy => (raw.a, raw.b),
    };
    format::days_from_civil(i64::from(raw.year), month, day)
}

/// What the first pass over a column learned about its dates.
#[derive(Debug, Default)]
struct DateScan {
    /// Rows per layout.
    votes: [usize; LAYOUTS],
    /// Rows per layout whose first component is above 12 (so it is a day).
    first_above_12: [usize; LAYOUTS],
    /// Rows per layout whose second component is above 12 (so the first is a month).
    second_above_12: [usize; LAYOUTS],
    with_time: usize,
    t_separator: bool,
    seconds_written: bool,
}

fn scan_dates(dict: &[Box<str>], counts: &[usize], rules: Rules) -> Option<DateScan> {
    let mut scan = DateScan::default();
    let mut first_layout = None;
    for (i, text) in dict.iter().enumerate() {
        let parsed = raw_date_time(text)
            .filter(|(raw, _)| rules.compact_dates || raw.shape != DateShape::Compact);
        let Some((raw, time)) = parsed else {
            if rules.stop_at_first_failure {
                return None;
            }
            continue;
        };
        let layout = layout_index(&raw);
        if rules.stop_at_first_failure {
            // Inference: one layout for the whole column.
            if first_layout.is_some_and(|l| l != layout) {
                return None;
            }
            first_layout = Some(layout);
        }
        // Weigh by rows; an entry no row uses still counts once.
        let count = count_of(counts, i).max(1);
        if let Some(v) = scan.votes.get_mut(layout) {
            *v += count;
        }
        if raw.shape == DateShape::YearLast {
            if raw.a > 12 {
                if let Some(v) = scan.first_above_12.get_mut(layout) {
                    *v += count;
                }
            }
            if raw.b > 12 {
                if let Some(v) = scan.second_above_12.get_mut(layout) {
                    *v += count;
                }
            }
        }
        if let Some(time) = time {
            scan.with_time += count;
            scan.t_separator |= time.t_separator;
            scan.seconds_written |= time.seconds_written;
        }
    }
    Some(scan)
}

/// The layout most rows use, its day/month order, and whether that order was a guess.
fn choose_layout(scan: &DateScan, rules: Rules) -> Option<(usize, DateOrder, bool)> {
    let mut layout = 0;
    let mut best = 0;
    for (i, &v) in scan.votes.iter().enumerate() {
        if v > best {
            best = v;
            layout = i;
        }
    }
    if layout == 0 || (1..=3).contains(&layout) {
        return Some((layout, DateOrder::Ymd, false));
    }
    let day_first = scan.first_above_12.get(layout).copied().unwrap_or(0);
    let month_first = scan.second_above_12.get(layout).copied().unwrap_or(0);
    // `/` is mostly American (month first); `-` and `.` mostly European (day first).
    let default = if layout == 5 {
        DateOrder::Mdy
    } else {
        DateOrder::Dmy
    };
    match (day_first > 0, month_first > 0) {
        (false, false) => Some((layout, default, true)),
        (true, false) => Some((layout, DateOrder::Dmy, false)),
        (false, true) => Some((layout, DateOrder::Mdy, false)),
        // Both orders are contradicted somewhere: not a date column. A forced conversion
        // keeps the order most rows support and reports the others.
        (true, true) if rules.stop_at_first_failure => None,
        (true, true) if day_first >= month_first => Some((layout, DateOrder::Dmy, false)),
        (true, true) => Some((layout, DateOrder::Mdy, false)),
    }
}

fn date_format_text(layout: usize, order: DateOrder, ambiguous: bool, scan: &DateScan) -> String {
    let sep = match layout {
        1 | 4 => "-",
        2 | 5 => "/",
        _ => ".",
    };
    let mut text = match (layout, order) {
        (0, _) => "yyyymmdd".to_string(),
        (_, DateOrder::Ymd) => format!("yyyy{sep}mm{sep}dd"),
        (_, DateOrder::Dmy) => format!("dd{sep}mm{sep}yyyy"),
        (_, DateOrder::Mdy) => format!("mm{sep}dd{sep}yyyy"),
    };
    if scan.with_time > 0 {
        text.push(if scan.t_separator { 'T' } else { ' ' });
        text.push_str(if scan.seconds_written {
            "hh:mm:ss"
        } else {
            "hh:mm"
        });
    }
    if ambiguous {
        text.push_str(match order {
            DateOrder::Mdy => " (ambiguous, assumed month first)",
            _ => " (ambiguous, assumed day first)",
        });
    }
    text
}

fn read_dates(
    dict: &[Box<str>],
    counts: &[usize],
    want: DateWant,
    rules: Rules,
) -> Result<(ParsedDict, ParseNote), Failure> {
    let everything_fails = || {
        let mut failure = Failure::default();
        for (i, text) in dict.iter().enumerate() {
            failure.add(text, count_of(counts, i));
        }
        failure
    };
    let Some(scan) = scan_dates(dict, counts, rules) else {
        return Err(Failure::default());
    };
    if scan.votes.iter().all(|&v| v == 0) && !dict.is_empty() {
        return Err(everything_fails());
    }
    let Some((layout, order, ambiguous)) = choose_layout(&scan, rules) else {
        return Err(Failure::default());
    };
    let seconds = read_each(dict, counts, rules, |text| {
        let (raw, time) = raw_date_time(text)?;
        if layout_index(&raw) != layout || (raw.shape == DateShape::Compact && !rules.compact_dates)
        {
            return None;
        }
        let days = date_days(&raw, order)?;
        Some((days, time.map_or(0, |t| i64::from(t.seconds))))
    })?;
    let datetime = match want {
        DateWant::Date => false,
        DateWant::DateTime => true,
        DateWant::Auto => scan.with_time > 0,
    };
    let parsed = if datetime {
        ParsedDict::DateTime(
            seconds
                .iter()
                .map(|&(days, secs)| days * 86_400 + secs)
                .collect(),
        )
    } else {
        let mut days = Vec::with_capacity(seconds.len());
        for &(d, _) in &seconds {
            // Four-digit years always fit; stay safe anyway.
            days.push(i32::try_from(d).map_err(|_| everything_fails())?);
        }
        ParsedDict::Date(days)
    };
    let format = date_format_text(layout, order, ambiguous, &scan);
    Ok((parsed, note(&format)))
}

/// Earliest and latest year of a `yyyymmdd` value read without a date name.
const COMPACT_YEARS: (i64, i64) = (1900, 2100);

/// The column as `yyyymmdd` dates when its values alone say so: at least two distinct values,
/// every one 8 digits and a valid calendar day between 1900-01-01 and 2100-12-31. An ordinary
/// 8-digit number (an order number such as 53637900, a phone number) fails at its first value
/// with a month above 12, a day past the month's end or a year outside that range.
fn compact_dates_from_values(
    dict: &[Box<str>],
    counts: &[usize],
    rules: Rules,
) -> Option<(ParsedDict, ParseNote)> {
    if dict.len() < 2 || !dict.iter().all(|v| is_compact_date_shape(v.as_bytes())) {
        return None;
    }
    let first = format::days_from_civil(COMPACT_YEARS.0, 1, 1)?;
    let last = format::days_from_civil(COMPACT_YEARS.1, 12, 31)?;
    let rules = Rules {
        compact_dates: true,
        ..rules
    };
    let (parsed, note) = read_dates(dict, counts, DateWant::Date, rules).ok()?;
    let ParsedDict::Date(days) = &parsed else {
        return None;
    };
    let plausible = days.iter().all(|&d| (first..=last).contains(&i64::from(d)));
    plausible.then_some((parsed, note))
}

/// A name such as "Date", "InvoiceDate", "day", "dt_sale" or "Dt_Customer".
fn name_hints_date(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("date")
        || lower.contains("day")
        || lower.contains("time")
        || lower.starts_with("dt")
        || lower.ends_with("dt")
        || lower.contains("_dt")
        || lower.contains("dt_")
}

// ---------------------------------------------------------------------------------------------
// String kinds
// ---------------------------------------------------------------------------------------------

/// What a column's name says about it being an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdHint {
    None,
    /// "…ID", "…No", "…number", "invoice", "sku": even integer values are labels.
    Strong,
    /// "…code": an identifier when its values are code-like text (a numeric code such as a
    /// postal code stays a number).
    Code,
}

fn id_name_hint(name: &str) -> IdHint {
    let trimmed = name.trim();
    let lower = trimmed.to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if lower.contains("zip") || lower.contains("postal") || lower.contains("postcode") {
        return IdHint::None;
    }
    let strong = squashed == "id"
        || squashed == "no"
        || ends_with_word(trimmed, "id")
        || ends_with_word(trimmed, "no")
        || squashed.ends_with("number")
        || squashed.ends_with("invoice")
        || squashed.starts_with("sku")
        || squashed.ends_with("sku")
        || squashed.ends_with("uuid")
        || squashed.ends_with("guid")
        || [
            "customerid",
            "orderid",
            "invoiceid",
            "invoiceno",
            "productid",
            "userid",
            "memberid",
            "clientid",
            "accountid",
            "transactionid",
        ]
        .iter()
        .any(|w| squashed.contains(w));
    if strong {
        IdHint::Strong
    } else if squashed.contains("code") {
        IdHint::Code
    } else {
        IdHint::None
    }
}

/// `name` ends with `word` as a word of its own: after a separator (`Row ID`, `order_id`,
/// `Invoice-No`), in camel case (`customerID`, `CustomerId`, `InvoiceNo`), but not inside a
/// word (`Paid`, `Casino`).
fn ends_with_word(name: &str, word: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(start) = bytes.len().checked_sub(word.len()) else {
        return false;
    };
    let Some(tail) = bytes.get(start..) else {
        return false;
    };
    if !tail.eq_ignore_ascii_case(word.as_bytes()) {
        return false;
    }
    let Some(&before) = start.checked_sub(1).and_then(|i| bytes.get(i)) else {
        return false; // the whole name: handled by the caller
    };
    if !before.is_ascii_alphanumeric() {
        return true;
    }
    // Camel case: the word starts with a capital after a lower-case letter or a digit.
    let capital = tail.first().is_some_and(u8::is_ascii_uppercase);
    capital && (before.is_ascii_lowercase() || before.is_ascii_digit())
}

/// Share of values (by distinct value) meeting a condition, as (meeting, all).
fn share(dict: &[Box<str>], test: impl Fn(&str) -> bool) -> f64 {
    if dict.is_empty() {
        return 0.0;
    }
    dict.iter().filter(|v| test(v)).count() as f64 / dict.len() as f64
}

fn has_whitespace(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_whitespace())
}

fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

fn string_kind(hint: IdHint, dict: &[Box<str>], non_missing: usize) -> ColumnType {
    let distinct = dict.len();
    let no_spaces = share(dict, |v| !has_whitespace(v));
    let distinct_ratio = if non_missing == 0 {
        0.0
    } else {
        distinct as f64 / non_missing as f64
    };
    if hint != IdHint::None {
        // Codes: (almost) no spaces, and digits in most of them or nearly all values distinct.
        // "Country Code" with US/GB/FR stays categorical.
        let digits = share(dict, has_digit);
        if no_spaces >= 0.95 && (digits >= 0.5 || distinct_ratio >= 0.9) {
            return ColumnType::Identifier;
        }
    } else if distinct_ratio >= 0.95 && share(dict, |v| !has_whitespace(v) && has_digit(v)) >= 0.95
    {
        return ColumnType::Identifier;
    }
    let limit = 50usize.max(non_missing / 20);
    let reused = distinct > 0 && non_missing >= 2 * distinct;
    if distinct <= limit || (distinct <= 1000 && reused) {
        ColumnType::Categorical
    } else {
        ColumnType::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOT: InferContext = InferContext {
        decimal_comma_allowed: false,
    };
    const COMMA: InferContext = InferContext {
        decimal_comma_allowed: true,
    };

    fn column(name: &str, cells: &[&str]) -> Column {
        Column::from_cells(name, cells)
    }

    fn inferred(name: &str, cells: &[&str], context: &InferContext) -> Column {
        let mut c = column(name, cells);
        infer_column(&mut c, context);
        c
    }

    fn format_of(c: &Column) -> &str {
        c.note.format.as_deref().unwrap_or("")
    }

    #[test]
    fn integers_with_signs() {
        let c = inferred("n", &["1", "-20", "+3", "", "0042"], &DOT);
        assert_eq!(c.ctype, ColumnType::Integer);
        assert_eq!(c.number(1), Some(-20.0));
        assert_eq!(c.number(3), None);
        assert_eq!(c.number(4), Some(42.0));
    }

    #[test]
    fn integral_floats_read_as_integers() {
        let c = inferred("amount", &["17850.0", "13047.0", "12"], &DOT);
        assert_eq!(c.ctype, ColumnType::Integer);
        assert_eq!(c.number(0), Some(17850.0));
        assert_eq!(format_of(&c), "written as x.0");
    }

    #[test]
    fn spark_customer_ids_are_identifiers() {
        let c = inferred("CustomerID", &["17850.0", "13047.0", "17850.0"], &DOT);
        assert_eq!(c.ctype, ColumnType::Identifier);
        assert_eq!(c.parsed, ParsedDict::Text);
    }

    #[test]
    fn zero_one_columns_stay_integers() {
        let c = inferred("SeniorCitizen", &["0", "1", "0", "0"], &DOT);
        assert_eq!(c.ctype, ColumnType::Integer);
    }

    #[test]
    fn decimals_with_exponent_and_short_forms() {
        let c = inferred("rate", &["0.2", "7.50E-05", "+1.5", ".5", "3"], &DOT);
        assert_eq!(c.ctype, ColumnType::Decimal);
        assert_eq!(c.number(1), Some(7.5e-5));
        assert_eq!(c.number(3), Some(0.5));
        assert_eq!(c.number(4), Some(3.0));
    }

    #[test]
    fn infinity_and_nan_words_are_not_decimals() {
        let c = inferred("x", &["1.5", "inf", "nan"], &DOT);
        assert_ne!(c.ctype, ColumnType::Decimal);
    }

    #[test]
    fn decimal_comma_when_allowed() {
        let c = inferred("Amount", &["12,50", "7,25", "1.234,00", "-3,5"], &COMMA);
        assert_eq!(c.ctype, ColumnType::Decimal);
        assert_eq!(c.number(0), Some(12.5));
        assert_eq!(c.number(2), Some(1234.0));
        assert_eq!(c.number(3), Some(-3.5));
        assert_eq!(format_of(&c), "decimal comma");
    }

    #[test]
    fn decimal_comma_not_read_when_comma_is_the_delimiter() {
        let c = inferred("Amount", &["12,50", "7,25", "1.234,00"], &DOT);
        assert_ne!(c.ctype, ColumnType::Decimal);
    }

    #[test]
    fn forced_decimal_tries_the_comma_after_the_dot() {
        let dict: Vec<Box<str>> = vec!["3,5".into(), "1.234,56".into()];
        let (parsed, note) = convert("x", &dict, &[1, 1], ColumnType::Decimal).unwrap();
        assert_eq!(parsed, ParsedDict::Decimal(vec![3.5, 1234.56]));
        assert_eq!(note.format.as_deref(), Some("decimal comma"));
    }

    #[test]
    fn textual_booleans() {
        let c = inferred("Revenue", &["FALSE", "TRUE", "FALSE"], &DOT);
        assert_eq!(c.ctype, ColumnType::Boolean);
        assert_eq!(c.number(1), Some(1.0));
        let c = inferred("Churn", &["No", "Yes", "yes"], &DOT);
        assert_eq!(c.ctype, ColumnType::Boolean);
        assert_eq!(format_of(&c), "yes/no");
    }

    #[test]
    fn mixed_boolean_pairs_are_not_boolean() {
        let c = inferred("x", &["yes", "false"], &DOT);
        assert_eq!(c.ctype, ColumnType::Categorical);
        let c = inferred("default", &["no", "yes", "unknown"], &DOT);
        assert_eq!(c.ctype, ColumnType::Categorical);
    }

    #[test]
    fn forced_boolean_accepts_one_and_zero() {
        let mut c = inferred("flag", &["1", "0", "1"], &DOT);
        c.set_type(ColumnType::Boolean).unwrap();
        assert_eq!(c.number(0), Some(1.0));
        assert_eq!(c.number(1), Some(0.0));
    }

    #[test]
    fn iso_dates() {
        let c = inferred("signup", &["2023-01-15", "2023-02-03", ""], &DOT);
        assert_eq!(c.ctype, ColumnType::Date);
        assert_eq!(
            c.number(0).map(|d| format::iso_date(d as i64)).as_deref(),
            Some("2023-01-15")
        );
        assert_eq!(format_of(&c), "yyyy-mm-dd");
    }

    #[test]
    fn day_first_when_a_first_component_exceeds_12() {
        let c = inferred("d", &["03/01/2024", "15/01/2024"], &DOT);
        assert_eq!(c.ctype, ColumnType::Date);
        assert_eq!(format_of(&c), "dd/mm/yyyy");
        assert_eq!(
            c.number(0).map(|d| format::iso_date(d as i64)).as_deref(),
            Some("2024-01-03")
        );
    }

    #[test]
    fn month_first_when_a_second_component_exceeds_12() {
        let c = inferred(
            "Order Date",
            &["11/8/2016", "6/12/2016", "10/11/2015", "6/16/2015"],
            &DOT,
        );
        assert_eq!(c.ctype, ColumnType::Date);
        assert_eq!(format_of(&c), "mm/dd/yyyy");
        assert_eq!(
            c.number(0).map(|d| format::iso_date(d as i64)).as_deref(),
            Some("2016-11-08")
        );
    }

    #[test]
    fn ambiguous_dates_use_the_separator_default() {
        let slash = inferred("d", &["01/02/2020", "03/04/2020"], &DOT);
        assert_eq!(
            format_of(&slash),
            "mm/dd/yyyy (ambiguous, assumed month first)"
        );
        assert_eq!(
            slash
                .number(0)
                .map(|d| format::iso_date(d as i64))
                .as_deref(),
            Some("2020-01-02")
        );
        let dash = inferred("d", &["01-02-2020", "03-04-2020"], &DOT);
        assert_eq!(
            format_of(&dash),
            "dd-mm-yyyy (ambiguous, assumed day first)"
        );
        assert_eq!(
            dash.number(0)
                .map(|d| format::iso_date(d as i64))
                .as_deref(),
            Some("2020-02-01")
        );
    }

    #[test]
    fn contradicting_day_month_orders_are_not_dates() {
        let c = inferred("d", &["13/01/2020", "01/13/2020"], &DOT);
        assert!(!matches!(c.ctype, ColumnType::Date | ColumnType::DateTime));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        let c = inferred("d", &["2011-02-28", "2011-02-30"], &DOT);
        assert!(!matches!(c.ctype, ColumnType::Date | ColumnType::DateTime));
    }

    #[test]
    fn datetimes_with_space_t_and_z() {
        let c = inferred(
            "InvoiceDate",
            &["2010-12-01 08:26:00", "2010-12-01 8:28"],
            &DOT,
        );
        assert_eq!(c.ctype, ColumnType::DateTime);
        assert_eq!(
            c.number(0)
                .map(|s| format::iso_datetime(s as i64))
                .as_deref(),
            Some("2010-12-01 08:26:00")
        );
        assert_eq!(
            c.number(1)
                .map(|s| format::iso_datetime(s as i64))
                .as_deref(),
            Some("2010-12-01 08:28:00")
        );
        let c = inferred(
            "ts",
            &["2021-03-04T05:06:07Z", "2021-03-04T23:59:59.250Z"],
            &DOT,
        );
        assert_eq!(c.ctype, ColumnType::DateTime);
        assert_eq!(
            c.number(1)
                .map(|s| format::iso_datetime(s as i64))
                .as_deref(),
            Some("2021-03-04 23:59:59")
        );
        assert_eq!(format_of(&c), "yyyy-mm-ddThh:mm:ss");
    }

    #[test]
    fn compact_dates_only_under_a_date_name() {
        let c = inferred("order_date", &["20110315", "20111231"], &DOT);
        assert_eq!(c.ctype, ColumnType::Date);
        assert_eq!(
            c.number(0).map(|d| format::iso_date(d as i64)).as_deref(),
            Some("2011-03-15")
        );
        let c = inferred("amount", &["20110315", "20111231"], &DOT);
        assert_eq!(c.ctype, ColumnType::Integer);
    }

    #[test]
    fn compact_dates_from_their_values_under_a_name_that_says_nothing() {
        for name in ["column_2", "when", "x"] {
            let c = inferred(name, &["19970101", "19970112", "19980630", ""], &DOT);
            assert_eq!(c.ctype, ColumnType::Date, "{name}");
            assert_eq!(format_of(&c), "yyyymmdd");
            assert_eq!(
                c.number(2).map(|d| format::iso_date(d as i64)).as_deref(),
                Some("1998-06-30")
            );
        }
    }

    #[test]
    fn eight_digit_numbers_that_are_not_all_dates_stay_numbers() {
        let cases: [(&str, &[&str]); 7] = [
            // Order numbers: month 36.
            ("column_1", &["53637900", "53637901", "53637902"]),
            // Phone numbers: one valid date among them is not enough.
            ("column_3", &["20110315", "20123456", "20991399"]),
            // A single value is no calendar.
            ("column_2", &["19970101", "19970101"]),
            // Outside 1900–2100.
            ("column_2", &["18991231", "19000101"]),
            ("column_2", &["21010101", "20991231"]),
            // An amount or a quantity keeps its name's meaning.
            ("amount", &["20110315", "20111231"]),
            ("units", &["20110315", "20111231"]),
        ];
        for (name, cells) in cases {
            let c = inferred(name, cells, &DOT);
            assert_eq!(c.ctype, ColumnType::Integer, "{name} {cells:?}");
        }
        // Ids stay ids.
        let c = inferred("order_id", &["19970101", "19970102"], &DOT);
        assert_eq!(c.ctype, ColumnType::Identifier);
    }

    #[test]
    fn compact_dates_allowed_when_forced() {
        let mut c = inferred("amount", &["20110315", "20111231"], &DOT);
        c.set_type(ColumnType::Date).unwrap();
        assert_eq!(c.ctype, ColumnType::Date);
        assert_eq!(
            c.number(1).map(|d| format::iso_date(d as i64)).as_deref(),
            Some("2011-12-31")
        );
    }

    #[test]
    fn code_like_customer_ids_are_identifiers() {
        let c = inferred(
            "customerID",
            &["7590-VHVEG", "5575-GNVDE", "3668-QPYBK"],
            &DOT,
        );
        assert_eq!(c.ctype, ColumnType::Identifier);
    }

    #[test]
    fn integer_ids_under_id_names_are_identifiers() {
        for name in [
            "ID",
            "Row ID",
            "CustomerID",
            "order_id",
            "InvoiceNo",
            "Member_number",
        ] {
            let c = inferred(name, &["1", "2", "3", "2"], &DOT);
            assert_eq!(c.ctype, ColumnType::Identifier, "{name}");
        }
    }

    #[test]
    fn id_like_endings_inside_words_are_not_ids() {
        for name in ["Paid", "Casino", "Postal Code"] {
            let c = inferred(name, &["1", "2", "3", "2"], &DOT);
            assert_eq!(c.ctype, ColumnType::Integer, "{name}");
        }
    }

    #[test]
    fn unique_codes_without_an_id_name_are_identifiers() {
        let c = inferred("Order", &["A-1", "A-2", "A-3", "A-4"], &DOT);
        assert_eq!(c.ctype, ColumnType::Identifier);
    }

    #[test]
    fn few_distinct_words_are_categorical() {
        let c = inferred("Genre", &["Male", "Female", "Female", "Male"], &DOT);
        assert_eq!(c.ctype, ColumnType::Categorical);
    }

    #[test]
    fn many_distinct_sentences_are_text() {
        let cells: Vec<String> = (0..200).map(|i| format!("comment number {i}")).collect();
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        let c = inferred("comment", &refs, &DOT);
        assert_eq!(c.ctype, ColumnType::Text);
    }

    #[test]
    fn all_missing_column_is_text() {
        let c = inferred("empty", &["", "", ""], &DOT);
        assert_eq!(c.ctype, ColumnType::Text);
    }

    #[test]
    fn conversion_error_counts_rows_and_gives_examples() {
        let dict: Vec<Box<str>> = vec!["1.5".into(), "x".into(), "2".into(), "y".into()];
        let err = convert("amount", &dict, &[3, 2, 1, 4], ColumnType::Decimal).unwrap_err();
        assert_eq!(err.failed_rows, 6);
        assert_eq!(err.total_rows, 10);
        assert_eq!(err.examples, vec!["x".to_string(), "y".to_string()]);
        let message = err.to_string();
        assert!(message.contains("6 of 10"), "{message}");
        assert!(message.contains("'x', 'y'"), "{message}");
    }

    #[test]
    fn conversion_error_keeps_three_examples() {
        let dict: Vec<Box<str>> = ["a", "b", "c", "d"].iter().map(|&s| s.into()).collect();
        let err = convert("n", &dict, &[1, 1, 1, 1], ColumnType::Integer).unwrap_err();
        assert_eq!(err.failed_rows, 4);
        assert_eq!(err.examples.len(), 3);
    }

    #[test]
    fn forced_text_never_fails() {
        let dict: Vec<Box<str>> = vec!["anything".into()];
        for ctype in [
            ColumnType::Text,
            ColumnType::Categorical,
            ColumnType::Identifier,
        ] {
            assert!(convert("x", &dict, &[1], ctype).is_ok());
        }
    }

    #[test]
    fn forced_date_counts_impossible_dates() {
        let dict: Vec<Box<str>> = vec!["2011-02-28".into(), "2011-02-30".into(), "soon".into()];
        let err = convert("d", &dict, &[5, 2, 1], ColumnType::Date).unwrap_err();
        assert_eq!(err.failed_rows, 3);
        assert_eq!(
            err.examples,
            vec!["2011-02-30".to_string(), "soon".to_string()]
        );
    }

    #[test]
    fn forced_datetime_reads_plain_dates_as_midnight() {
        let dict: Vec<Box<str>> = vec!["2020-01-02".into()];
        let (parsed, _) = convert("d", &dict, &[1], ColumnType::DateTime).unwrap();
        assert_eq!(parsed, ParsedDict::DateTime(vec![18_263 * 86_400]));
    }
}
