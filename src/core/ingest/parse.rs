//! Records → dictionary-encoded text columns.

use crate::core::ingest::sniff::Dialect;
use crate::core::ingest::{IngestError, IngestReport};
use crate::core::table::Table;

pub struct RecordParser {}

impl RecordParser {
    pub fn new(_dialect: Dialect) -> RecordParser {
        todo!()
    }
    pub fn feed(&mut self, _text: &[u8]) {
        todo!()
    }
    pub fn rows(&self) -> u64 {
        todo!()
    }
    pub fn finish(self, _report: &mut IngestReport) -> Result<(Table, Dialect), IngestError> {
        todo!()
    }
}
