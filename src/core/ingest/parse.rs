//! Records → dictionary-encoded text columns.
//!
//! [`FieldSplitter`] turns a stream of UTF-8 text into records (csv-core for single-byte
//! delimiters, a quote-aware splitter for whitespace). [`RecordParser`] feeds those records into
//! one interning builder per column: each distinct trimmed value is stored once, each cell is a
//! `u32` code, missing tokens become [`MISSING`]. Records with the wrong number of fields are
//! set aside and counted; they never reach the table.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use rustc_hash::FxHashMap;

use crate::core::ingest::sniff::{Delimiter, Dialect};
use crate::core::ingest::{BadLine, IngestError, IngestReport};
use crate::core::table::{Column, Table, MISSING};

/// How many bad lines are listed by number (all are counted).
const BAD_LINES_LISTED: usize = 5;

/// Cell texts read as missing: empty, `NA`, `N/A`, `null`, `NaN`, `?`, `-` (any case).
pub fn is_missing_token(trimmed: &str) -> bool {
    match trimmed.len() {
        0 => true,
        1 => trimmed == "?" || trimmed == "-",
        2 => trimmed.eq_ignore_ascii_case("na"),
        3 => trimmed.eq_ignore_ascii_case("n/a") || trimmed.eq_ignore_ascii_case("nan"),
        4 => trimmed.eq_ignore_ascii_case("null"),
        _ => false,
    }
}

/// Callback for each record: the fields and the 1-based line it starts on. Return `false` to
/// stop early.
pub type OnRecord<'a> = dyn FnMut(&[&str], u64) -> bool + 'a;

/// Streaming record splitter.
pub struct FieldSplitter {
    mode: SplitMode,
}

enum SplitMode {
    Csv {
        reader: Box<Reader>,
        output: Vec<u8>,
        ends: Vec<usize>,
        out_len: usize,
        ends_len: usize,
        record_line: u64,
    },
    Whitespace {
        quote: Option<u8>,
        line: Vec<u8>,
        line_no: u64,
    },
}

impl FieldSplitter {
    pub fn new(delimiter: Delimiter, quote: Option<u8>) -> FieldSplitter {
        let mode = match delimiter.byte() {
            Some(byte) => {
                let mut builder = ReaderBuilder::new();
                builder.delimiter(byte).double_quote(true);
                match quote {
                    Some(q) => builder.quote(q).quoting(true),
                    None => builder.quoting(false),
                };
                SplitMode::Csv {
                    reader: Box::new(builder.build()),
                    output: vec![0; 4096],
                    ends: vec![0; 64],
                    out_len: 0,
                    ends_len: 0,
                    record_line: 1,
                }
            }
            None => SplitMode::Whitespace {
                quote,
                line: Vec::new(),
                line_no: 0,
            },
        };
        FieldSplitter { mode }
    }

    /// Split `input`; `last` flushes the final record. Returns `false` if `on_record` stopped.
    pub fn feed(&mut self, input: &[u8], last: bool, on_record: &mut OnRecord<'_>) -> bool {
        match &mut self.mode {
            SplitMode::Csv {
                reader,
                output,
                ends,
                out_len,
                ends_len,
                record_line,
            } => {
                let mut input = input;
                loop {
                    let (result, read, written, n_ends) = {
                        let out = output.get_mut(*out_len..).unwrap_or_default();
                        let end_slots = ends.get_mut(*ends_len..).unwrap_or_default();
                        reader.read_record(input, out, end_slots)
                    };
                    input = input.get(read..).unwrap_or_default();
                    *out_len += written;
                    *ends_len += n_ends;
                    match result {
                        ReadRecordResult::InputEmpty => {
                            if !last {
                                return true;
                            }
                        }
                        ReadRecordResult::OutputFull => {
                            let grown = output.len() * 2;
                            output.resize(grown, 0);
                        }
                        ReadRecordResult::OutputEndsFull => {
                            let grown = ends.len() * 2;
                            ends.resize(grown, 0);
                        }
                        ReadRecordResult::Record => {
                            let line = *record_line;
                            *record_line = reader.line();
                            let data = output.get(..*out_len).unwrap_or_default();
                            let mut fields: Vec<&str> = Vec::with_capacity(*ends_len);
                            let mut start = 0;
                            for &end in ends.get(..*ends_len).unwrap_or_default() {
                                let bytes = data.get(start..end).unwrap_or_default();
                                fields.push(std::str::from_utf8(bytes).unwrap_or("\u{FFFD}"));
                                start = end;
                            }
                            let go_on = on_record(&fields, line);
                            *out_len = 0;
                            *ends_len = 0;
                            if !go_on {
                                return false;
                            }
                        }
                        ReadRecordResult::End => return true,
                    }
                }
            }
            SplitMode::Whitespace {
                quote,
                line,
                line_no,
            } => {
                let quote = *quote;
                let mut rest = input;
                loop {
                    match rest.iter().position(|&b| b == b'\n') {
                        Some(i) => {
                            line.extend_from_slice(rest.get(..i).unwrap_or_default());
                            rest = rest.get(i + 1..).unwrap_or_default();
                            *line_no += 1;
                            if !split_whitespace_line(line, quote, *line_no, on_record) {
                                line.clear();
                                return false;
                            }
                            line.clear();
                        }
                        None => {
                            line.extend_from_slice(rest);
                            if last && !line.is_empty() {
                                *line_no += 1;
                                let go_on = split_whitespace_line(line, quote, *line_no, on_record);
                                line.clear();
                                return go_on;
                            }
                            return true;
                        }
                    }
                }
            }
        }
    }
}

/// Split one line on runs of spaces/tabs; a quoted field may contain spaces.
fn split_whitespace_line(
    line: &[u8],
    quote: Option<u8>,
    line_no: u64,
    on_record: &mut OnRecord<'_>,
) -> bool {
    let text = std::str::from_utf8(line).unwrap_or("\u{FFFD}");
    let text = text.trim_end_matches('\r');
    if text.trim().is_empty() {
        return true;
    }
    let mut fields: Vec<&str> = Vec::new();
    let mut rest = text.trim_start_matches([' ', '\t']);
    while !rest.is_empty() {
        let quoted = quote.and_then(|q| {
            let q = q as char;
            let inner = rest.strip_prefix(q)?;
            let close = inner.find(q)?;
            Some((inner.get(..close)?, inner.get(close + 1..)?))
        });
        let (field, after) = match quoted {
            Some(pair) => pair,
            None => match rest.find([' ', '\t']) {
                Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
                None => (rest, ""),
            },
        };
        fields.push(field);
        rest = after.trim_start_matches([' ', '\t']);
    }
    on_record(&fields, line_no)
}

/// Interns one column's cells.
#[derive(Default)]
struct ColumnBuilder {
    index: FxHashMap<Box<str>, u32>,
    codes: Vec<u32>,
}

impl ColumnBuilder {
    fn with_missing_rows(rows: usize) -> ColumnBuilder {
        ColumnBuilder {
            index: FxHashMap::default(),
            codes: vec![MISSING; rows],
        }
    }

    fn push(&mut self, cell: &str) {
        let trimmed = cell.trim();
        if is_missing_token(trimmed) {
            self.codes.push(MISSING);
            return;
        }
        let code = match self.index.get(trimmed) {
            Some(&code) => code,
            None => {
                let code = self.index.len() as u32;
                self.index.insert(trimmed.into(), code);
                code
            }
        };
        self.codes.push(code);
    }

    fn finish(self, name: String) -> Column {
        let mut dict: Vec<Box<str>> = vec![Box::from(""); self.index.len()];
        for (text, code) in self.index {
            if let Some(slot) = dict.get_mut(code as usize) {
                *slot = text;
            }
        }
        Column::raw(name, dict, self.codes)
    }
}

/// Columns being built.
struct Builder {
    header: bool,
    variable_width: bool,
    names: Vec<String>,
    columns: Vec<ColumnBuilder>,
    started: bool,
    rows: u64,
    bad: Vec<BadLine>,
    bad_count: u64,
}

impl Builder {
    fn record(&mut self, fields: &[&str], line: u64) -> bool {
        // A blank line.
        if fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()) {
            return true;
        }
        if !self.started {
            self.started = true;
            if self.header {
                self.names = fields.iter().map(|f| f.trim().to_string()).collect();
                self.columns = fields.iter().map(|_| ColumnBuilder::default()).collect();
                return true;
            }
            self.columns = fields.iter().map(|_| ColumnBuilder::default()).collect();
        }
        let expected = self.columns.len();
        if fields.len() != expected {
            if self.variable_width {
                self.widen(fields.len());
            } else {
                self.bad_count += 1;
                if self.bad.len() < BAD_LINES_LISTED {
                    self.bad.push(BadLine {
                        line,
                        fields: fields.len(),
                    });
                }
                return true;
            }
        }
        for (j, column) in self.columns.iter_mut().enumerate() {
            column.push(fields.get(j).copied().unwrap_or(""));
        }
        self.rows += 1;
        true
    }

    fn widen(&mut self, width: usize) {
        let rows = self.rows as usize;
        while self.columns.len() < width {
            self.columns.push(ColumnBuilder::with_missing_rows(rows));
        }
    }
}

/// Streaming parser from text to a table of raw (text) columns.
pub struct RecordParser {
    dialect: Dialect,
    splitter: FieldSplitter,
    builder: Builder,
}

impl RecordParser {
    pub fn new(dialect: Dialect) -> RecordParser {
        let splitter = FieldSplitter::new(dialect.delimiter, dialect.quote);
        let builder = Builder {
            header: dialect.header,
            variable_width: dialect.variable_width,
            names: Vec::new(),
            columns: Vec::new(),
            started: false,
            rows: 0,
            bad: Vec::new(),
            bad_count: 0,
        };
        RecordParser {
            dialect,
            splitter,
            builder,
        }
    }

    pub fn feed(&mut self, text: &[u8]) {
        let builder = &mut self.builder;
        self.splitter.feed(text, false, &mut |fields, line| {
            builder.record(fields, line)
        });
    }

    /// Data rows kept so far.
    pub fn rows(&self) -> u64 {
        self.builder.rows
    }

    /// Flush the last record and build the table of text columns.
    pub fn finish(mut self, report: &mut IngestReport) -> Result<(Table, Dialect), IngestError> {
        let builder = &mut self.builder;
        self.splitter
            .feed(&[], true, &mut |fields, line| builder.record(fields, line));
        let builder = self.builder;
        if !builder.started {
            return Err(IngestError::OnlyBlank);
        }
        if builder.rows == 0 {
            if builder.bad_count > 0 {
                return Err(IngestError::RaggedRows {
                    expected: builder.columns.len(),
                    count: builder.bad_count,
                    first: builder.bad,
                });
            }
            return Err(IngestError::HeaderOnly {
                columns: builder.columns.len(),
            });
        }
        report.bad_rows.expected_fields = builder.columns.len();
        report.bad_rows.count = builder.bad_count;
        report.bad_rows.first = builder.bad;
        let names = unique_names(&builder.names, builder.columns.len(), report);
        let columns: Vec<Column> = builder
            .columns
            .into_iter()
            .zip(names)
            .map(|(column, name)| column.finish(name))
            .collect();
        if columns.len() == 1 {
            report.warnings.push(
                "Only one column was found. If the file has several columns, choose the delimiter."
                    .to_string(),
            );
        }
        let table = Table::new(columns).map_err(|e| IngestError::Io(e.to_string()))?;
        Ok((table, self.dialect))
    }
}

/// Header names made non-empty and unique; columns without a header get `column_N`.
fn unique_names(header: &[String], width: usize, report: &mut IngestReport) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(width);
    for j in 0..width {
        let original = header.get(j).cloned();
        let base = match &original {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("column_{}", j + 1),
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if let Some(original) = original {
            if original != name {
                report.renamed_headers.push((original, name.clone()));
            }
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::decode::TextEncoding;
    use crate::core::ingest::sniff::LineEnding;

    fn dialect(delimiter: Delimiter, header: bool) -> Dialect {
        Dialect {
            delimiter,
            quote: Some(b'"'),
            header,
            line_ending: LineEnding::Lf,
            encoding: TextEncoding::Utf8,
            encoding_guessed: false,
            gzip: false,
            variable_width: false,
        }
    }

    fn parse_in_pieces(d: Dialect, text: &str, piece: usize) -> (Table, IngestReport) {
        let mut parser = RecordParser::new(d);
        for chunk in text.as_bytes().chunks(piece) {
            parser.feed(chunk);
        }
        let mut report = IngestReport::default();
        let (table, _) = parser.finish(&mut report).unwrap();
        (table, report)
    }

    fn cells(table: &Table, column: usize) -> Vec<Option<String>> {
        let c = table.column(column).unwrap();
        (0..table.n_rows())
            .map(|r| c.text(r).map(str::to_string))
            .collect()
    }

    #[test]
    fn records_survive_any_chunking() {
        let text =
            "id,name,note\n1,\"Smith, J\",\"said \"\"hi\"\"\"\n2,Ann,\n3,\"multi\nline\",x\n";
        for piece in [1, 2, 3, 5, 64] {
            let (table, _) = parse_in_pieces(dialect(Delimiter::Comma, true), text, piece);
            assert_eq!(table.n_rows(), 3);
            assert_eq!(
                cells(&table, 1),
                vec![
                    Some("Smith, J".to_string()),
                    Some("Ann".to_string()),
                    Some("multi\nline".to_string())
                ]
            );
            assert_eq!(cells(&table, 2)[0].as_deref(), Some("said \"hi\""));
            assert_eq!(cells(&table, 2)[1], None);
        }
    }

    #[test]
    fn missing_tokens_become_missing() {
        let (table, _) = parse_in_pieces(
            dialect(Delimiter::Comma, true),
            "x\nNA\nn/a\nnull\nNaN\n?\n-\n  \n\"\"\n5\n-5\nNone\n",
            4,
        );
        // In a one-column file an empty cell and a blank line look the same: both skipped.
        assert_eq!(table.n_rows(), 9);
        let c = table.column(0).unwrap();
        assert_eq!(c.missing_count(), 6, "{:?}", cells(&table, 0));
        assert_eq!(c.distinct_count(), 3);
    }

    #[test]
    fn ragged_rows_are_counted_with_line_numbers() {
        let (table, report) = parse_in_pieces(
            dialect(Delimiter::Comma, true),
            "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n",
            3,
        );
        assert_eq!(table.n_rows(), 2);
        assert_eq!(report.bad_rows.count, 2);
        assert_eq!(report.bad_rows.expected_fields, 3);
        assert_eq!(
            report.bad_rows.first,
            vec![
                BadLine { line: 3, fields: 2 },
                BadLine { line: 5, fields: 4 }
            ]
        );
    }

    #[test]
    fn header_names_are_made_unique() {
        let (table, report) =
            parse_in_pieces(dialect(Delimiter::Comma, true), "a,,a,b,\n1,2,3,4,5\n", 64);
        let names: Vec<&str> = table.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["a", "column_2", "a_2", "b", "column_5"]);
        assert_eq!(report.renamed_headers.len(), 3);
    }

    #[test]
    fn no_header_gives_numbered_columns() {
        let (table, _) = parse_in_pieces(dialect(Delimiter::Semicolon, false), "1;2\n3;4\n", 64);
        assert_eq!(table.n_rows(), 2);
        assert_eq!(table.columns()[1].name, "column_2");
    }

    #[test]
    fn variable_width_lines_are_padded() {
        let mut d = dialect(Delimiter::Comma, false);
        d.variable_width = true;
        let (table, report) = parse_in_pieces(d, "a,b\nc\nd,e,f,g\n", 64);
        assert_eq!(table.n_rows(), 3);
        assert_eq!(table.n_cols(), 4);
        assert_eq!(report.bad_rows.count, 0);
        assert_eq!(cells(&table, 3), vec![None, None, Some("g".to_string())]);
    }

    #[test]
    fn whitespace_splits_runs_and_respects_quotes() {
        let (table, _) = parse_in_pieces(
            dialect(Delimiter::Whitespace, true),
            "name   score\r\n\"Ann Lee\"  3\nBob 4",
            5,
        );
        assert_eq!(table.n_rows(), 2);
        assert_eq!(cells(&table, 0)[0].as_deref(), Some("Ann Lee"));
        assert_eq!(cells(&table, 1)[1].as_deref(), Some("4"));
    }

    #[test]
    fn header_only_is_an_error() {
        let mut parser = RecordParser::new(dialect(Delimiter::Comma, true));
        parser.feed(b"a,b,c\n");
        assert_eq!(
            parser.finish(&mut IngestReport::default()).err(),
            Some(IngestError::HeaderOnly { columns: 3 })
        );
    }
}
