//! Bytes → UTF-8 text: gzip, encoding detection and binary-file detection.
//!
//! The first 64 KiB (after decompression) decide the encoding: a byte-order mark wins; known
//! binary signatures (PNG, ZIP/XLSX, PDF, …) are refused with their name; zero bytes in a
//! regular pattern mean UTF-16 without a BOM; text that is valid UTF-8 is UTF-8; anything
//! else is read as Windows-1252 (a superset of Latin-1 for printable text). The rest of the
//! file is decoded with the chosen encoding by `encoding_rs`, streaming.

use std::io::Write;

use encoding_rs::{CoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use flate2::write::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use crate::core::ingest::IngestError;

/// Text encoding of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 5] = [
        TextEncoding::Utf8,
        TextEncoding::Utf8Bom,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Windows1252,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    pub fn from_name(name: &str) -> Option<TextEncoding> {
        match name
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "utf8" => Some(TextEncoding::Utf8),
            "utf8bom" | "utf8sig" => Some(TextEncoding::Utf8Bom),
            "utf16le" | "utf16" => Some(TextEncoding::Utf16Le),
            "utf16be" => Some(TextEncoding::Utf16Be),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Some(TextEncoding::Windows1252),
            _ => None,
        }
    }

    fn encoding_rs(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

/// Bytes looked at before the encoding is chosen.
const DETECT_BYTES: usize = 64 * 1024;

enum Stage {
    /// Gathering the first bytes.
    Detecting(Vec<u8>),
    Decoding(encoding_rs::Decoder),
}

/// Streaming decoder from file bytes to UTF-8.
pub struct Decoder {
    forced: Option<TextEncoding>,
    /// Present once the input turned out to be gzip.
    gunzip: Option<MultiGzDecoder<Vec<u8>>>,
    /// Whether the first bytes have been checked for the gzip signature.
    gzip_checked: bool,
    /// Held back until two bytes decide gzip or not.
    head: Vec<u8>,
    stage: Stage,
    encoding: TextEncoding,
    guessed: bool,
    replacements: bool,
    warnings: Vec<String>,
}

impl Decoder {
    /// `forced`: the user's choice of encoding, or `None` to detect.
    pub fn new(forced: Option<TextEncoding>) -> Decoder {
        Decoder {
            forced,
            gunzip: None,
            gzip_checked: false,
            head: Vec::new(),
            stage: Stage::Detecting(Vec::new()),
            encoding: forced.unwrap_or(TextEncoding::Utf8),
            guessed: false,
            replacements: false,
            warnings: Vec::new(),
        }
    }

    /// Decode `chunk`, appending UTF-8 text to `out`. `last` marks the end of input.
    pub fn decode(
        &mut self,
        chunk: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), IngestError> {
        if !self.gzip_checked {
            self.head.extend_from_slice(chunk);
            if self.head.len() < 2 && !last {
                return Ok(());
            }
            self.gzip_checked = true;
            let head = std::mem::take(&mut self.head);
            if head.starts_with(&[0x1f, 0x8b]) {
                self.gunzip = Some(MultiGzDecoder::new(Vec::new()));
            }
            return self.decode_raw(&head, last, out);
        }
        self.decode_raw(chunk, last, out)
    }

    fn decode_raw(
        &mut self,
        chunk: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), IngestError> {
        match self.gunzip.as_mut() {
            None => self.decode_plain(chunk, last, out),
            Some(gunzip) => {
                gunzip
                    .write_all(chunk)
                    .map_err(|e| IngestError::Gzip(e.to_string()))?;
                if last {
                    gunzip
                        .try_finish()
                        .map_err(|e| IngestError::Gzip(e.to_string()))?;
                }
                let plain = std::mem::take(gunzip.get_mut());
                self.decode_plain(&plain, last, out)
            }
        }
    }

    fn decode_plain(
        &mut self,
        bytes: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), IngestError> {
        if let Stage::Detecting(head) = &mut self.stage {
            head.extend_from_slice(bytes);
            if head.len() < DETECT_BYTES && !last {
                return Ok(());
            }
            let head = std::mem::take(head);
            if last && head.is_empty() {
                // Nothing at all (or an empty .gz): leave the "empty" verdict to the caller.
                self.stage = Stage::Decoding(UTF_8.new_decoder_with_bom_removal());
                return Ok(());
            }
            let (encoding, guessed) = match self.forced {
                Some(forced) => (forced, false),
                None => detect(&head)?,
            };
            if guessed && matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
                self.warnings.push(format!(
                    "The file has no byte-order mark; it was read as {} because of the pattern of its zero bytes. If the text looks wrong, choose the encoding.",
                    encoding.label()
                ));
            }
            if guessed && encoding == TextEncoding::Windows1252 {
                self.warnings.push(
                    "The file is not valid UTF-8; it was read as Windows-1252 (Western European). If accented letters look wrong, choose the encoding."
                        .to_string(),
                );
            }
            self.encoding = encoding;
            self.guessed = guessed;
            let decoder = match encoding {
                TextEncoding::Windows1252 => WINDOWS_1252.new_decoder_without_bom_handling(),
                other => other.encoding_rs().new_decoder_with_bom_removal(),
            };
            self.stage = Stage::Decoding(decoder);
            return self.transcode(&head, last, out);
        }
        self.transcode(bytes, last, out)
    }

    fn transcode(
        &mut self,
        bytes: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), IngestError> {
        let Stage::Decoding(decoder) = &mut self.stage else {
            return Ok(());
        };
        let mut input = bytes;
        loop {
            // Mostly ASCII in practice: room for the input plus a margin; `OutputFull` asks for
            // more. (Reserving the worst case, 3× the input, and zero-filling it halves speed.)
            let needed = input.len() + 64;
            let start = out.len();
            out.resize(start + needed, 0);
            let target = out.get_mut(start..).unwrap_or_default();
            let (result, read, written, replaced) = decoder.decode_to_utf8(input, target, last);
            out.truncate(start + written);
            self.replacements |= replaced;
            input = input.get(read..).unwrap_or_default();
            match result {
                CoderResult::InputEmpty => return Ok(()),
                CoderResult::OutputFull => continue,
            }
        }
    }

    /// The encoding in use (detected or forced).
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// True when the encoding was inferred without a byte-order mark and is not plain UTF-8.
    pub fn encoding_guessed(&self) -> bool {
        self.guessed
    }

    pub fn is_gzip(&self) -> bool {
        self.gunzip.is_some()
    }

    /// Notes about the decoding for the user.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.warnings.clone();
        if self.replacements {
            warnings.push(format!(
                "Some bytes are not valid {}; they were replaced by \u{FFFD}. If text looks wrong, choose another encoding.",
                self.encoding.label()
            ));
        }
        warnings
    }
}

/// Choose the encoding from the first bytes. Returns (encoding, guessed).
fn detect(head: &[u8]) -> Result<(TextEncoding, bool), IngestError> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok((TextEncoding::Utf8Bom, false));
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok((TextEncoding::Utf16Le, false));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok((TextEncoding::Utf16Be, false));
    }
    if let Some(kind) = binary_signature(head) {
        return Err(IngestError::Binary {
            kind: kind.to_string(),
        });
    }
    let zeros = head.iter().filter(|&&b| b == 0).count();
    if zeros > 0 {
        let odd_zeros = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let even_zeros = zeros - odd_zeros;
        let pairs = head.len() / 2;
        // ASCII text in UTF-16 LE has a zero in every odd byte; BE in every even byte.
        if pairs > 0 && odd_zeros * 10 >= pairs * 7 && even_zeros * 20 <= pairs {
            return Ok((TextEncoding::Utf16Le, true));
        }
        if pairs > 0 && even_zeros * 10 >= pairs * 7 && odd_zeros * 20 <= pairs {
            return Ok((TextEncoding::Utf16Be, true));
        }
        return Err(IngestError::Binary {
            kind: "a binary file (it contains zero bytes)".to_string(),
        });
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls * 100 > head.len() {
        return Err(IngestError::Binary {
            kind: "a binary file (it contains many control bytes)".to_string(),
        });
    }
    match std::str::from_utf8(head) {
        Ok(_) => Ok((TextEncoding::Utf8, false)),
        // The sample may end in the middle of a multi-byte character.
        Err(e) if e.error_len().is_none() => Ok((TextEncoding::Utf8, false)),
        Err(_) => Ok((TextEncoding::Windows1252, true)),
    }
}

/// Name of a well-known binary format from its first bytes.
fn binary_signature(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 12] = [
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx)"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an Excel 97–2003 workbook (.xls)",
        ),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
        (b"\x7FELF", "a program (ELF executable)"),
        (b"\0asm", "a WebAssembly module"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"PAR1", "a Parquet file"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(
        bytes: &[u8],
        forced: Option<TextEncoding>,
    ) -> Result<(String, Decoder), IngestError> {
        let mut decoder = Decoder::new(forced);
        let mut out = Vec::new();
        for chunk in bytes.chunks(7) {
            decoder.decode(chunk, false, &mut out)?;
        }
        decoder.decode(&[], true, &mut out)?;
        Ok((String::from_utf8(out).unwrap(), decoder))
    }

    #[test]
    fn utf8_passes_through_and_a_bom_is_removed() {
        let (text, d) = decode_all("a,b\n£1,é\n".as_bytes(), None).unwrap();
        assert_eq!(text, "a,b\n£1,é\n");
        assert_eq!(d.encoding(), TextEncoding::Utf8);
        let (text, d) = decode_all(b"\xEF\xBB\xBFa,b\n", None).unwrap();
        assert_eq!(text, "a,b\n");
        assert_eq!(d.encoding(), TextEncoding::Utf8Bom);
    }

    #[test]
    fn utf16_is_read_with_and_without_a_bom() {
        let le: Vec<u8> = "name;x\nJosé;1\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend_from_slice(&le);
        let (text, d) = decode_all(&with_bom, None).unwrap();
        assert_eq!(text, "name;x\nJosé;1\n");
        assert!(!d.encoding_guessed());
        let (text, d) = decode_all(&le, None).unwrap();
        assert_eq!(text, "name;x\nJosé;1\n");
        assert_eq!(d.encoding(), TextEncoding::Utf16Le);
        assert!(d.encoding_guessed());
        assert!(!d.warnings().is_empty());
        let be: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let (text, d) = decode_all(&be, None).unwrap();
        assert_eq!(text, "a,b\n1,2\n");
        assert_eq!(d.encoding(), TextEncoding::Utf16Be);
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let (text, d) = decode_all(b"name\n\x93Caf\xe9\x94\n", None).unwrap();
        assert_eq!(text, "name\n\u{201C}Café\u{201D}\n");
        assert_eq!(d.encoding(), TextEncoding::Windows1252);
        assert!(d.encoding_guessed());
    }

    #[test]
    fn binary_files_are_named() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        match decode_all(png, None) {
            Err(IngestError::Binary { kind }) => assert!(kind.contains("PNG")),
            other => panic!("expected binary error, got {:?}", other.map(|r| r.0)),
        }
        assert!(matches!(
            decode_all(b"PK\x03\x04rest", None),
            Err(IngestError::Binary { .. })
        ));
        assert!(matches!(
            decode_all(b"ab\0\0\0cd\0\x01\x02\0\0\0\0", None),
            Err(IngestError::Binary { .. })
        ));
    }

    #[test]
    fn gzip_is_decompressed() {
        use flate2::write::GzEncoder;
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"a,b\n1,2\n3,4\n").unwrap();
        let gz = encoder.finish().unwrap();
        let (text, d) = decode_all(&gz, None).unwrap();
        assert_eq!(text, "a,b\n1,2\n3,4\n");
        assert!(d.is_gzip());
        assert!(matches!(
            decode_all(&gz[..gz.len() / 2], None),
            Err(IngestError::Gzip(_))
        ));
    }

    #[test]
    fn a_forced_encoding_wins() {
        let (text, _) = decode_all("é".as_bytes(), Some(TextEncoding::Windows1252)).unwrap();
        assert_eq!(text, "Ã©");
    }
}
