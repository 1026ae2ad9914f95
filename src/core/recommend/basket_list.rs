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
//! [`BasketListReader`] does the same from file bytes fed chunk by chunk (the worker reads a
//! `File` so), decoded as ingest decodes them (gzip, UTF-8/UTF-16/Windows-1252).
//!
//! [`looks_like_basket_list`] is the cheap test that tells such a file from an ordinary table
//! (see its documentation for the rule); [`basket_list_offer`] is the same test with a short
//! description of what it saw, for the Data step's offer to read the file as baskets.
//! [`summarize`] describes baskets read (sizes, the most frequent items) and [`size_chart`]
//! draws their sizes. Pure Rust: no web-sys; never panics on user data.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::core::chart::{BarValue, Chart, ChartKind, ValueFormat};
use crate::core::format::thousands;
use crate::core::ingest::decode::Decoder;
use crate::core::ingest::parse::FieldSplitter;
use crate::core::ingest::{Delimiter, IngestError, TextEncoding};
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
    /// The bytes cannot be decoded (a binary file, a damaged .gz, a browser read error).
    #[error(transparent)]
    Read(#[from] IngestError),
}

/// Read a basket-list `text` (see the module documentation) whose items are separated by
/// `delimiter` (`Delimiter::Comma` for `groceries.csv`). A byte-order mark at the start is
/// ignored.
pub fn read_basket_list(text: &str, delimiter: Delimiter) -> Result<Baskets, BasketListError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(BasketListError::EmptyFile);
    }
    let mut collector = Collector::default();
    for_each_record(text, delimiter, &mut |fields| {
        collector.add(fields);
        true
    });
    collector.finish()
}

/// [`read_basket_list`] from file bytes fed in chunks: [`BasketListReader::push`] each chunk,
/// then [`BasketListReader::finish`]. The bytes are decoded as ingest decodes them (gzip, a
/// byte-order mark, UTF-16, Windows-1252 for text that is not UTF-8); the whole text is never
/// held at once.
pub struct BasketListReader {
    decoder: Decoder,
    splitter: FieldSplitter,
    collector: Collector,
    /// Scratch buffer for decoded text.
    text: Vec<u8>,
    /// Some decoded character is not white space.
    has_text: bool,
}

impl BasketListReader {
    /// Items separated by `delimiter`; `encoding`: the file's encoding, `None` to detect it.
    pub fn new(delimiter: Delimiter, encoding: Option<TextEncoding>) -> BasketListReader {
        BasketListReader {
            decoder: Decoder::new(encoding),
            splitter: FieldSplitter::new(delimiter, Some(b'"')),
            collector: Collector::default(),
            text: Vec::new(),
            has_text: false,
        }
    }

    /// Feed the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), BasketListError> {
        self.decode(chunk, false)
    }

    /// Baskets read so far (lines with an item).
    pub fn baskets(&self) -> usize {
        self.collector.baskets.len()
    }

    /// End of input: the baskets.
    pub fn finish(mut self) -> Result<Baskets, BasketListError> {
        self.decode(&[], true)?;
        if !self.has_text {
            return Err(BasketListError::EmptyFile);
        }
        self.collector.finish()
    }

    fn decode(&mut self, chunk: &[u8], last: bool) -> Result<(), BasketListError> {
        self.text.clear();
        self.decoder.decode(chunk, last, &mut self.text)?;
        self.has_text = self.has_text || self.text.iter().any(|b| !b.is_ascii_whitespace());
        let collector = &mut self.collector;
        self.splitter.feed(&self.text, last, &mut |fields, _line| {
            collector.add(fields);
            true
        });
        Ok(())
    }
}

/// Items and baskets as the lines arrive.
#[derive(Default)]
struct Collector {
    codes: FxHashMap<String, u32>,
    /// Item names in order of first appearance.
    names: Vec<String>,
    baskets: Vec<Vec<u32>>,
    lines: usize,
}

impl Collector {
    /// One line's fields: trimmed, empty ones ignored; a line without items is no basket.
    fn add(&mut self, fields: &[&str]) {
        self.lines += 1;
        let mut basket: Vec<u32> = Vec::with_capacity(fields.len());
        for field in fields {
            let item = field.trim();
            if item.is_empty() {
                continue;
            }
            let code = match self.codes.get(item) {
                Some(&code) => code,
                None => {
                    let code = self.names.len() as u32;
                    self.codes.insert(item.to_string(), code);
                    self.names.push(item.to_string());
                    code
                }
            };
            basket.push(code);
        }
        if !basket.is_empty() {
            self.baskets.push(basket);
        }
    }

    /// The baskets with items coded by name.
    fn finish(self) -> Result<Baskets, BasketListError> {
        let Collector {
            names,
            mut baskets,
            lines,
            ..
        } = self;
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
    SampleShape::read(text_sample, delimiter).is_basket_list()
}

/// What the Data step says when it offers to read a file as a basket list: the sample
/// [`looks_like_basket_list`] read, described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketListOffer {
    /// The item separator the file was read with.
    pub delimiter: Delimiter,
    /// Lines with an item in the sample (the first 500 at most).
    pub sample_lines: usize,
    /// Different items in those lines.
    pub distinct_items: usize,
    /// Fewest and most items on one of those lines.
    pub shortest: usize,
    pub longest: usize,
}

/// [`looks_like_basket_list`], with what it saw: `Some` when `text_sample` looks like a basket
/// list with items separated by `delimiter`.
pub fn basket_list_offer(text_sample: &str, delimiter: Delimiter) -> Option<BasketListOffer> {
    let shape = SampleShape::read(text_sample, delimiter);
    shape.is_basket_list().then_some(BasketListOffer {
        delimiter,
        sample_lines: shape.lengths.len(),
        distinct_items: shape.counts.len(),
        shortest: shape.fewest_items,
        longest: shape.most_items,
    })
}

/// The lines of a sample as [`looks_like_basket_list`] measures them.
#[derive(Default)]
struct SampleShape {
    /// Per line with an item: its fields up to the last non-empty one.
    lengths: Vec<usize>,
    /// The first line's distinct values.
    first: Vec<String>,
    /// A value of the first line comes back in a later one.
    first_seen_again: bool,
    /// Every distinct value and how often it occurs.
    counts: FxHashMap<String, usize>,
    non_empty: usize,
    numeric: usize,
    /// Fewest and most distinct values on one line.
    fewest_items: usize,
    most_items: usize,
}

impl SampleShape {
    fn read(text_sample: &str, delimiter: Delimiter) -> SampleShape {
        let text = text_sample.strip_prefix('\u{FEFF}').unwrap_or(text_sample);
        let text = if text.ends_with('\n') {
            text
        } else {
            text.rfind('\n')
                .and_then(|end| text.get(..end))
                .unwrap_or("")
        };
        let mut shape = SampleShape::default();
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
            if shape.lengths.is_empty() {
                shape.first = values.iter().map(|v| v.to_string()).collect();
                shape.fewest_items = values.len();
            } else if !shape.first_seen_again {
                shape.first_seen_again = shape.first.iter().any(|v| values.contains(v.as_str()));
            }
            shape.fewest_items = shape.fewest_items.min(values.len());
            shape.most_items = shape.most_items.max(values.len());
            for field in fields {
                let value = field.trim();
                if value.is_empty() {
                    continue;
                }
                shape.non_empty += 1;
                if looks_numeric(value) {
                    shape.numeric += 1;
                }
                *shape.counts.entry(value.to_string()).or_insert(0) += 1;
            }
            shape.lengths.push(length);
            shape.lengths.len() < DETECT_MAX_LINES
        });
        shape
    }

    /// The rule of [`looks_like_basket_list`].
    fn is_basket_list(&self) -> bool {
        let lines = self.lengths.len();
        if lines < DETECT_MIN_LINES || self.non_empty == 0 {
            return false;
        }
        let mut by_length: FxHashMap<usize, usize> = FxHashMap::default();
        for &length in &self.lengths {
            *by_length.entry(length).or_insert(0) += 1;
        }
        let modal = by_length.values().copied().max().unwrap_or(0);
        let varied = by_length.len() >= 3 && modal * 5 <= lines * 4;
        let text_values = self.numeric * 20 <= self.non_empty;
        let repeated = self.counts.len() * 2 <= self.non_empty;
        let no_header = self.first.len() < 2 || self.first_seen_again;
        varied && text_values && repeated && no_header
    }
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

/// Basket sizes get a bar of their own up to this many items; larger baskets share the last bar.
pub const SIZE_BARS: usize = 40;

/// What a set of baskets holds: their number and sizes, and the items bought most often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasketListSummary {
    pub baskets: usize,
    /// Different items.
    pub items: usize,
    /// Items summed over the baskets (an item counts once per basket).
    pub item_occurrences: usize,
    /// Items per basket (0 when there is no basket).
    pub mean_size: f64,
    /// The middle size; the mean of the two middle ones for an even number of baskets.
    pub median_size: f64,
    pub max_size: usize,
    /// Baskets per size, from 1 item up: one bin per size up to [`SIZE_BARS`], the last bin
    /// counting the baskets of that size or more when any is larger.
    pub sizes: Vec<SizeBin>,
    /// The items in the most baskets, most first (ties: by name).
    pub top_items: Vec<ItemCount>,
}

/// Baskets of one size (or more, for the last bin of [`BasketListSummary::sizes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeBin {
    /// Items in the basket.
    pub size: usize,
    /// The bin also holds every larger basket.
    pub or_more: bool,
    pub baskets: usize,
}

/// An item and the baskets that hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemCount {
    pub item: String,
    pub baskets: usize,
    /// Of all baskets, 0…1.
    pub share: f64,
}

/// Describe `baskets`: counts, sizes, and the `top` items in the most baskets.
pub fn summarize(baskets: &Baskets, top: usize) -> BasketListSummary {
    let n = baskets.n_baskets();
    let mut sizes: Vec<usize> = baskets.baskets.iter().map(Vec::len).collect();
    sizes.sort_unstable();
    let item_occurrences: usize = sizes.iter().sum();
    let max_size = sizes.last().copied().unwrap_or(0);
    let mean_size = if n == 0 {
        0.0
    } else {
        item_occurrences as f64 / n as f64
    };
    let median_size = match (sizes.get(n.saturating_sub(1) / 2), sizes.get(n / 2)) {
        (Some(&low), Some(&high)) => (low + high) as f64 / 2.0,
        _ => 0.0,
    };
    let last_size = max_size.min(SIZE_BARS);
    let mut bins: Vec<SizeBin> = (1..=last_size)
        .map(|size| SizeBin {
            size,
            or_more: size == SIZE_BARS && max_size > SIZE_BARS,
            baskets: 0,
        })
        .collect();
    for &size in &sizes {
        if size == 0 {
            continue;
        }
        if let Some(bin) = bins.get_mut(size.min(SIZE_BARS) - 1) {
            bin.baskets += 1;
        }
    }
    let mut counts = vec![0usize; baskets.n_items()];
    for basket in &baskets.baskets {
        for &code in basket {
            if let Some(count) = counts.get_mut(code as usize) {
                *count += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        counts
            .get(b)
            .cmp(&counts.get(a))
            .then_with(|| baskets.items.get(a).cmp(&baskets.items.get(b)))
    });
    let top_items = order
        .into_iter()
        .take(top)
        .filter_map(|code| {
            let count = counts.get(code).copied()?;
            Some(ItemCount {
                item: baskets.items.get(code)?.clone(),
                baskets: count,
                share: if n == 0 { 0.0 } else { count as f64 / n as f64 },
            })
        })
        .collect();
    BasketListSummary {
        baskets: n,
        items: baskets.n_items(),
        item_occurrences,
        mean_size,
        median_size,
        max_size,
        sizes: bins,
        top_items,
    }
}

/// The baskets of each size as a bar chart (`id` "basket_sizes").
pub fn size_chart(summary: &BasketListSummary) -> Chart {
    let bars = summary
        .sizes
        .iter()
        .map(|bin| BarValue {
            label: if bin.or_more {
                format!("{}+", bin.size)
            } else {
                bin.size.to_string()
            },
            value: bin.baskets as f64,
        })
        .collect();
    Chart {
        id: "basket_sizes".to_string(),
        title: "Basket sizes".to_string(),
        subtitle: format!(
            "{} baskets · mean {:.1} items · median {}",
            thousands(summary.baskets as u64),
            summary.mean_size,
            summary.median_size
        ),
        kind: ChartKind::Bar {
            x_label: "Items in the basket".to_string(),
            y_label: "Baskets".to_string(),
            y_format: ValueFormat::Count,
            bars,
            horizontal: false,
        },
    }
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

    #[test]
    fn the_reader_reads_chunks_as_the_text_is_read() {
        let text = "\u{FEFF}milk,\"salt, coarse\"\r\nbread , milk\n\napple";
        let bytes = text.as_bytes();
        for chunk in [1, 2, 3, 7, bytes.len()] {
            let mut reader = BasketListReader::new(Delimiter::Comma, None);
            for part in bytes.chunks(chunk) {
                reader.push(part).unwrap();
            }
            assert_eq!(
                reader.finish(),
                read_basket_list(text, Delimiter::Comma),
                "chunks of {chunk} bytes"
            );
        }
    }

    #[test]
    fn the_reader_decodes_utf16_and_refuses_empty_or_binary_input() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "crème,pain\npain\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let mut reader = BasketListReader::new(Delimiter::Comma, None);
        reader.push(&utf16).unwrap();
        let b = reader.finish().unwrap();
        assert_eq!(names(&b), ["crème", "pain"]);
        assert_eq!(b.baskets, vec![vec![0, 1], vec![1]]);

        let reader = BasketListReader::new(Delimiter::Comma, None);
        assert_eq!(reader.finish(), Err(BasketListError::EmptyFile));
        let mut reader = BasketListReader::new(Delimiter::Comma, None);
        reader.push(b" \r\n\n").unwrap();
        assert_eq!(reader.finish(), Err(BasketListError::EmptyFile));
        let mut reader = BasketListReader::new(Delimiter::Comma, None);
        let pushed = reader.push(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let result = pushed.and_then(|()| reader.finish());
        assert!(
            matches!(
                result,
                Err(BasketListError::Read(IngestError::Binary { .. }))
            ),
            "{result:?}"
        );
    }

    #[test]
    fn the_offer_describes_the_sample() {
        let offer = basket_list_offer(&basket_text(), Delimiter::Comma).unwrap();
        assert_eq!(
            offer,
            BasketListOffer {
                delimiter: Delimiter::Comma,
                sample_lines: 11,
                distinct_items: 6,
                shortest: 1,
                longest: 6,
            }
        );
        let table = "id,name\n1,a\n2,b\n";
        assert_eq!(basket_list_offer(table, Delimiter::Comma), None);
    }

    #[test]
    fn summary_counts_sizes_and_top_items() {
        let b = read_basket_list(&basket_text(), Delimiter::Comma).unwrap();
        let s = summarize(&b, 3);
        assert_eq!((s.baskets, s.items, s.item_occurrences), (11, 6, 29));
        assert!((s.mean_size - 29.0 / 11.0).abs() < 1e-12);
        // Sizes sorted: 1 1 1 2 2 2 2 3 4 5 6.
        assert_eq!(s.median_size, 2.0);
        assert_eq!(s.max_size, 6);
        let counts: Vec<usize> = s.sizes.iter().map(|bin| bin.baskets).collect();
        assert_eq!(counts, [3, 4, 1, 1, 1, 1]);
        assert!(s.sizes.iter().all(|bin| !bin.or_more));
        let top: Vec<(&str, usize)> = s
            .top_items
            .iter()
            .map(|t| (t.item.as_str(), t.baskets))
            .collect();
        // bread and milk are in 7 baskets each: by name.
        assert_eq!(top, [("bread", 7), ("milk", 7), ("butter", 5)]);
        assert!((s.top_items[0].share - 7.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn summary_of_an_even_count_and_of_large_baskets() {
        let big: Vec<u32> = (0..50).collect();
        let b = Baskets {
            items: (0..50).map(|i| format!("item {i:02}")).collect(),
            baskets: vec![vec![0], vec![0, 1], big.clone(), big],
        };
        let s = summarize(&b, 100);
        assert_eq!(s.median_size, 26.0);
        assert_eq!(s.max_size, 50);
        assert_eq!(s.sizes.len(), SIZE_BARS);
        let last = s.sizes.last().copied().unwrap();
        assert_eq!(
            (last.size, last.or_more, last.baskets),
            (SIZE_BARS, true, 2)
        );
        assert_eq!(s.top_items.len(), 50);
        let chart = size_chart(&s);
        let ChartKind::Bar { bars, .. } = &chart.kind else {
            panic!("a bar chart");
        };
        assert_eq!(bars.last().map(|bar| bar.label.as_str()), Some("40+"));

        let empty = summarize(&Baskets::default(), 10);
        assert_eq!(
            (empty.baskets, empty.mean_size, empty.median_size),
            (0, 0.0, 0.0)
        );
        assert!(empty.sizes.is_empty() && empty.top_items.is_empty());
    }
}
