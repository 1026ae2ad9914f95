//! Reading the subcommands' input file: the dialect and encoding flags (`--delimiter`,
//! `--header`, `--no-header`, `--encoding`), `--skip-bad-rows`, and the Explore step's default
//! customer table that `segment` and `predict` start from.

use std::fs::File;
use std::path::Path;

use clap::Args;

use custos::core::customer_table::CustomerSource;
use custos::core::explore::ExploreParams;
use custos::core::features::{FeatureParams, RoleMapping};
use custos::core::ingest::{self, Delimiter, IngestOptions, Ingested, TableShape, TextEncoding};
use custos::core::prep::PrepParams;

/// The file's dialect and encoding when detection is not wanted.
#[derive(Args)]
pub struct DialectArgs {
    /// Field delimiter: comma, semicolon, tab, pipe or whitespace (default: detect).
    #[arg(long)]
    delimiter: Option<String>,
    /// The first line is a header (default: detect).
    #[arg(long, conflicts_with = "no_header")]
    header: bool,
    /// The first line is data, not a header.
    #[arg(long)]
    no_header: bool,
    /// Text encoding: utf-8, utf-8-bom, utf-16le, utf-16be, windows-1252 (default: detect).
    #[arg(long)]
    encoding: Option<String>,
}

impl DialectArgs {
    /// The flags as ingest options (`None`: detect); an unknown name is an error listing the
    /// known ones.
    pub fn options(&self) -> Result<IngestOptions, String> {
        let delimiter = match &self.delimiter {
            None => None,
            Some(name) => Some(Delimiter::from_name(name).ok_or_else(|| {
                format!("unknown delimiter '{name}': use comma, semicolon, tab, pipe or whitespace")
            })?),
        };
        let encoding = match &self.encoding {
            None => None,
            Some(name) => Some(TextEncoding::from_name(name).ok_or_else(|| {
                format!("unknown encoding '{name}': use utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252")
            })?),
        };
        let header = match (self.header, self.no_header) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        Ok(IngestOptions {
            delimiter,
            quote: None,
            header,
            encoding,
        })
    }
}

/// `--skip-bad-rows`: whether rows with the wrong number of fields may be left out.
#[derive(Args)]
pub struct BadRowsArgs {
    /// Load the file even if some rows have the wrong number of fields (they are skipped).
    #[arg(long)]
    skip_bad_rows: bool,
}

/// Read and ingest the file at `path`; rows with the wrong number of fields fail the read
/// unless `--skip-bad-rows` was given.
pub fn read(
    path: &Path,
    options: &IngestOptions,
    bad_rows: &BadRowsArgs,
) -> Result<Ingested, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let size = file.metadata().ok().map(|m| m.len());
    let ingested = ingest::ingest_reader(file, options, size, |_| {}).map_err(|e| e.to_string())?;
    ingested
        .check_bad_rows(bad_rows.skip_bad_rows)
        .map_err(|e| format!("{e} (use --skip-bad-rows to load the other rows)"))?;
    Ok(ingested)
}

/// A file read for the Explore step's customer table: a customer file as is, purchase lines
/// aggregated by the detected roles, natural units (Explore's default preparation).
pub fn explore_input(
    path: &Path,
    bad_rows: &BadRowsArgs,
) -> Result<(Ingested, ExploreParams), String> {
    let ingested = read(path, &IngestOptions::default(), bad_rows)?;
    let source = if ingested.shape.shape == TableShape::Transactions {
        CustomerSource::Transactions
    } else {
        CustomerSource::CustomerFile
    };
    let params = ExploreParams {
        source,
        features: FeatureParams {
            mapping: RoleMapping::from_roles(&ingested.table),
            ..FeatureParams::default()
        },
        prep: PrepParams::default(),
    };
    Ok((ingested, params))
}

/// Bytes of the file the basket-list check reads.
const SAMPLE_BYTES: usize = 64 * 1024;

/// A basket-list file (one basket per line) as text, whole (invalid UTF-8 replaced).
pub fn read_basket_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(format!(
            "{} is gzip-compressed: decompress it first to read it as a basket list",
            path.display()
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether the start of the file at `path` looks like a comma-separated basket list.
pub fn looks_like_basket_file(path: &Path) -> bool {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(SAMPLE_BYTES);
    let read =
        File::open(path).and_then(|file| file.take(SAMPLE_BYTES as u64).read_to_end(&mut bytes));
    read.is_ok()
        && custos::core::recommend::basket_list::looks_like_basket_list(
            &String::from_utf8_lossy(&bytes),
            Delimiter::Comma,
        )
}
