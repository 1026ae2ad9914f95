//! Bytes → UTF-8 text: gzip, encoding detection and binary-file detection.

use serde::{Deserialize, Serialize};

use crate::core::ingest::IngestError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

pub struct Decoder {}

impl Decoder {
    pub fn new(_forced: Option<TextEncoding>) -> Decoder {
        todo!()
    }
    pub fn decode(&mut self, _chunk: &[u8], _last: bool, _out: &mut Vec<u8>) -> Result<(), IngestError> {
        todo!()
    }
    pub fn encoding(&self) -> TextEncoding {
        todo!()
    }
    pub fn encoding_guessed(&self) -> bool {
        todo!()
    }
    pub fn is_gzip(&self) -> bool {
        todo!()
    }
    pub fn warnings(&self) -> Vec<String> {
        todo!()
    }
}
