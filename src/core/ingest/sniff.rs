//! Dialect sniffing: delimiter, quote, header and line ending from the first 64 KiB of text.

use serde::{Deserialize, Serialize};

use crate::core::ingest::decode::TextEncoding;
use crate::core::ingest::{IngestError, IngestOptions};

/// Field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
    Pipe,
    /// One or more spaces or tabs.
    Whitespace,
}

impl Delimiter {
    pub const ALL: [Delimiter; 5] = [
        Delimiter::Comma,
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Pipe,
        Delimiter::Whitespace,
    ];

    pub fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Comma => Some(b','),
            Delimiter::Semicolon => Some(b';'),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Pipe => Some(b'|'),
            Delimiter::Whitespace => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma (,)",
            Delimiter::Semicolon => "semicolon (;)",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "pipe (|)",
            Delimiter::Whitespace => "whitespace",
        }
    }

    pub fn from_name(name: &str) -> Option<Delimiter> {
        match name {
            "," | "comma" => Some(Delimiter::Comma),
            ";" | "semicolon" => Some(Delimiter::Semicolon),
            "\t" | "tab" | "\\t" => Some(Delimiter::Tab),
            "|" | "pipe" => Some(Delimiter::Pipe),
            " " | "whitespace" | "space" => Some(Delimiter::Whitespace),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
    /// A single line without a line break.
    None,
}

impl LineEnding {
    pub fn label(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
            LineEnding::Cr => "CR",
            LineEnding::None => "none",
        }
    }
}

/// How the file is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub delimiter: Delimiter,
    /// Quote character, if fields may be quoted.
    pub quote: Option<u8>,
    pub header: bool,
    pub line_ending: LineEnding,
    pub encoding: TextEncoding,
    /// The encoding was guessed from the bytes, not from a byte-order mark.
    pub encoding_guessed: bool,
    pub gzip: bool,
    /// Lines hold different numbers of fields by design (e.g. one basket per line): short lines
    /// are padded with missing values instead of being reported as bad.
    pub variable_width: bool,
}

/// Detect the dialect of `text` (UTF-8, the start of the file), honouring the user's overrides.
pub fn sniff(
    _text: &[u8],
    _options: &IngestOptions,
    _encoding: TextEncoding,
) -> Result<Dialect, IngestError> {
    todo!()
}
