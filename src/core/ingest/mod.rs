//! Ingest: file bytes in, a typed [`Table`] out.
//!
//! Streaming and push-based, so the worker can feed chunks as it reads a `File` and report
//! progress, and the CLI can feed a file of any size:
//!
//! 1. [`decode`]: compression (gzip), encoding (UTF-8 ± BOM, UTF-16 with or without BOM,
//!    Windows-1252 fallback) and binary-file detection; emits UTF-8 text.
//! 2. [`sniff`]: dialect (delimiter, quote, header, line ending) from the first 64 KiB of text.
//! 3. [`parse`]: records → dictionary-encoded text columns; ragged rows are set aside and counted.
//! 4. [`infer`]: column types, confirmed on every distinct value; [`roles`]: customer id, date, …
//!
//! Pure Rust; no web-sys, no file system.

pub mod decode;
pub mod infer;
pub mod parse;
pub mod roles;
pub mod sniff;

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::core::table::Table;
pub use decode::TextEncoding;
pub use roles::{ShapeGuess, TableShape};
pub use sniff::{Delimiter, Dialect, LineEnding};

/// Largest input the browser accepts, in MB (decimal, as file managers and
/// [`crate::core::format::bytes`] count): beyond this a tab risks running out of memory.
pub const BROWSER_MAX_MB: u64 = 500;
/// [`BROWSER_MAX_MB`] in bytes: a round number of MB, so that the limit the page states ("up to
/// 500 MB") is the limit it applies.
pub const BROWSER_MAX_BYTES: u64 = BROWSER_MAX_MB * 1_000_000;

/// Refuse, before reading, a file too large for a browser tab.
pub fn check_browser_size(size: u64) -> Result<(), IngestError> {
    if size > BROWSER_MAX_BYTES {
        return Err(IngestError::TooLarge {
            // Rounded up: a file just over the limit never reads as "500 MB; up to 500 MB".
            size_mb: size.div_ceil(1_000_000),
            limit_mb: BROWSER_MAX_MB,
        });
    }
    Ok(())
}

/// The user's choice of quoting (an enum rather than `Option<u8>`, so "no quoting" and
/// "detect" stay distinct through serialization).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteOverride {
    Double,
    Single,
    NoQuoting,
}

impl QuoteOverride {
    /// The quote byte, or `None` for no quoting.
    pub fn byte(self) -> Option<u8> {
        match self {
            QuoteOverride::Double => Some(b'"'),
            QuoteOverride::Single => Some(b'\''),
            QuoteOverride::NoQuoting => None,
        }
    }
}

/// The user's overrides of what sniffing would pick. `None` = detect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestOptions {
    pub delimiter: Option<Delimiter>,
    pub quote: Option<QuoteOverride>,
    pub header: Option<bool>,
    pub encoding: Option<TextEncoding>,
}

/// A line that did not have the expected number of fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadLine {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub fields: usize,
}

/// Rows that were set aside because their field count differs from the header's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRows {
    pub expected_fields: usize,
    pub count: u64,
    /// The first few, in file order.
    pub first: Vec<BadLine>,
}

/// What happened while reading, for the user to see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Bytes of input consumed (compressed bytes for a `.gz`).
    pub bytes_read: u64,
    /// Data rows kept (header excluded).
    pub rows: u64,
    pub bad_rows: BadRows,
    /// Header names that were empty or repeated, and what they became.
    pub renamed_headers: Vec<(String, String)>,
    /// Things the user should know that did not stop the load.
    pub warnings: Vec<String>,
}

/// A successfully read file.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub table: Table,
    pub dialect: Dialect,
    pub report: IngestReport,
    pub shape: ShapeGuess,
    /// The start of the decoded text (what the dialect was sniffed from): at most 64 KiB, cut
    /// at a whole character, maybe inside a line. For checks that read the lines themselves,
    /// such as [`crate::core::recommend::basket_list::basket_list_offer`].
    pub head: String,
}

impl Ingested {
    /// Rows with the wrong number of fields are kept out of the table during parsing; this
    /// turns them into an error unless the user agreed to skip them.
    pub fn check_bad_rows(&self, skip_bad_rows: bool) -> Result<(), IngestError> {
        let bad = &self.report.bad_rows;
        if bad.count == 0 || skip_bad_rows {
            return Ok(());
        }
        Err(IngestError::RaggedRows {
            expected: bad.expected_fields,
            count: bad.count,
            first: bad.first.clone(),
        })
    }
}

/// Why a file could not be read. Each message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IngestError {
    #[error("The file is empty (0 bytes). Choose a CSV or text file that contains data.")]
    Empty,
    #[error("The file contains only blank lines. Choose a file that contains data.")]
    OnlyBlank,
    #[error("The file has a header ({columns} columns) but no data rows. Export the data again including its rows.")]
    HeaderOnly { columns: usize },
    #[error("This is not a text file: it looks like {kind}. Save or export the data as CSV (comma-, semicolon- or tab-separated text) and load that.")]
    Binary { kind: String },
    #[error("The file is {size_mb} MB; this browser tab can hold files up to {limit_mb} MB. Use the custos command-line tool for files this large, or split the file.")]
    TooLarge { size_mb: u64, limit_mb: u64 },
    #[error("{} not have {expected} fields like the header (first at line {}). Skip these rows, or fix the file and load it again.", rows_do(*.count), first_lines(.first))]
    RaggedRows {
        expected: usize,
        count: u64,
        first: Vec<BadLine>,
    },
    #[error("The compressed (.gz) file is damaged: {0}. Decompress it with another tool to check it, or load the uncompressed file.")]
    Gzip(String),
    #[error("Could not read the file: {0}")]
    Io(String),
    #[error("Loading was cancelled.")]
    Cancelled,
}

fn rows_do(count: u64) -> String {
    match count {
        1 => "1 row does".to_string(),
        n => format!("{} rows do", crate::core::format::thousands(n)),
    }
}

fn first_lines(lines: &[BadLine]) -> String {
    let list: Vec<String> = lines.iter().map(|l| l.line.to_string()).collect();
    list.join(", ")
}

/// Progress of a streaming read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub bytes_read: u64,
    pub total_bytes: Option<u64>,
    pub rows: u64,
}

/// Push-based ingest: feed chunks with [`Ingestor::push`], then call [`Ingestor::finish`].
pub struct Ingestor {
    options: IngestOptions,
    decoder: decode::Decoder,
    /// Decoded text held back until there is enough to sniff the dialect.
    pending: Vec<u8>,
    parser: Option<parse::RecordParser>,
    bytes_read: u64,
    /// Scratch buffer for decoded text.
    text: Vec<u8>,
    /// The first [`SNIFF_BYTES`] of decoded text, kept for [`Ingested::head`].
    head: String,
}

/// Decoded text gathered before the dialect is sniffed.
const SNIFF_BYTES: usize = 64 * 1024;

impl Ingestor {
    pub fn new(options: IngestOptions) -> Ingestor {
        let decoder = decode::Decoder::new(options.encoding);
        Ingestor {
            options,
            decoder,
            pending: Vec::new(),
            parser: None,
            bytes_read: 0,
            text: Vec::new(),
            head: String::new(),
        }
    }

    /// Feed the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.bytes_read += chunk.len() as u64;
        self.text.clear();
        self.decoder.decode(chunk, false, &mut self.text)?;
        let text = std::mem::take(&mut self.text);
        let result = self.feed_text(&text, false);
        self.text = text;
        result
    }

    /// Rows parsed so far.
    pub fn rows(&self) -> u64 {
        self.parser.as_ref().map_or(0, parse::RecordParser::rows)
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn feed_text(&mut self, text: &[u8], last: bool) -> Result<(), IngestError> {
        if let Some(parser) = self.parser.as_mut() {
            parser.feed(text);
            return Ok(());
        }
        self.pending.extend_from_slice(text);
        if self.pending.len() < SNIFF_BYTES && !last {
            return Ok(());
        }
        let dialect = sniff::sniff(&self.pending, &self.options, self.decoder.encoding())?;
        self.head = utf8_prefix(&self.pending, SNIFF_BYTES);
        let mut parser = parse::RecordParser::new(dialect);
        let pending = std::mem::take(&mut self.pending);
        parser.feed(&pending);
        self.parser = Some(parser);
        Ok(())
    }

    /// End of input: build the table.
    pub fn finish(mut self) -> Result<Ingested, IngestError> {
        self.text.clear();
        self.decoder.decode(&[], true, &mut self.text)?;
        let text = std::mem::take(&mut self.text);
        if self.bytes_read == 0 {
            return Err(IngestError::Empty);
        }
        self.feed_text(&text, true)?;
        let Some(parser) = self.parser else {
            return Err(IngestError::OnlyBlank);
        };
        let mut report = IngestReport {
            bytes_read: self.bytes_read,
            ..IngestReport::default()
        };
        report.warnings.extend(self.decoder.warnings());
        let (mut table, mut dialect) = parser.finish(&mut report)?;
        dialect.encoding = self.decoder.encoding();
        dialect.encoding_guessed = self.decoder.encoding_guessed();
        dialect.gzip = self.decoder.is_gzip();
        let context = infer::InferContext {
            decimal_comma_allowed: dialect.delimiter != Delimiter::Comma,
        };
        for index in 0..table.n_cols() {
            if let Some(column) = table.column_mut(index) {
                infer::infer_column(column, &context);
            }
        }
        roles::detect_roles(&mut table);
        let shape = roles::guess_shape(&table);
        report.rows = table.n_rows() as u64;
        Ok(Ingested {
            table,
            dialect,
            report,
            shape,
            head: self.head,
        })
    }
}

/// The first `max` bytes of UTF-8 `bytes` as text, cut back to a whole character.
fn utf8_prefix(bytes: &[u8], max: usize) -> String {
    let prefix = bytes.get(..max.min(bytes.len())).unwrap_or_default();
    match std::str::from_utf8(prefix) {
        Ok(text) => text.to_string(),
        Err(err) => {
            let valid = prefix.get(..err.valid_up_to()).unwrap_or_default();
            String::from_utf8_lossy(valid).into_owned()
        }
    }
}

/// Read a whole in-memory file.
pub fn ingest_bytes(bytes: &[u8], options: &IngestOptions) -> Result<Ingested, IngestError> {
    let mut ingestor = Ingestor::new(options.clone());
    for chunk in bytes.chunks(1 << 20) {
        ingestor.push(chunk)?;
    }
    ingestor.finish()
}

/// Read from any reader (a file, stdin), calling `progress` after every chunk.
pub fn ingest_reader<R: Read>(
    mut reader: R,
    options: &IngestOptions,
    total_bytes: Option<u64>,
    mut progress: impl FnMut(Progress),
) -> Result<Ingested, IngestError> {
    let mut ingestor = Ingestor::new(options.clone());
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IngestError::Io(e.to_string())),
        };
        ingestor.push(buffer.get(..n).unwrap_or_default())?;
        progress(Progress {
            bytes_read: ingestor.bytes_read(),
            total_bytes,
            rows: ingestor.rows(),
        });
    }
    ingestor.finish()
}
