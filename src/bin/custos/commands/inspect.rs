//! `custos inspect`: the dialect, encoding, column types and roles ingest detects in a file,
//! as a table or JSON; for a file that looks like a basket list (one basket per line), a note
//! that `custos rules FILE --baskets` reads it so.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use custos::core::format;
use custos::core::ingest::{self, Delimiter};
use custos::core::recommend::basket_list::{basket_list_offer, BasketListOffer};
use custos::core::summary;

use crate::input::{self, BadRowsArgs, DialectArgs};

/// Detect dialect, encoding, column types and roles of a CSV/TSV file.
#[derive(Args)]
pub struct InspectArgs {
    file: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    dialect: DialectArgs,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
}

#[derive(Serialize)]
struct InspectColumn<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ctype: &'static str,
    role: Option<&'static str>,
    format: Option<&'a str>,
    missing: usize,
    distinct: usize,
    /// min / max / mean / median as displayed, for numeric and date columns (JSON only).
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<[String; 4]>,
}

#[derive(Serialize)]
struct InspectReport<'a> {
    file: String,
    bytes: u64,
    encoding: &'static str,
    encoding_guessed: bool,
    gzip: bool,
    delimiter: Delimiter,
    quote: Option<String>,
    header: bool,
    line_ending: &'static str,
    rows: u64,
    skipped_bad_rows: u64,
    shape: &'a ingest::ShapeGuess,
    warnings: &'a [String],
    renamed_headers: &'a [(String, String)],
    columns: Vec<InspectColumn<'a>>,
    /// Present when the start of the file looks like a basket list, not a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    basket_list: Option<BasketListNote>,
}

/// What the first lines of a basket-list file hold, and the command that reads it as baskets.
#[derive(Serialize)]
struct BasketListNote {
    #[serde(flatten)]
    offer: BasketListOffer,
    command: String,
}

impl BasketListNote {
    fn new(offer: BasketListOffer, file: &str) -> BasketListNote {
        let file = if file.contains(char::is_whitespace) {
            format!("'{file}'")
        } else {
            file.to_string()
        };
        let delimiter = match offer.delimiter {
            Delimiter::Comma => String::new(),
            Delimiter::Semicolon => " --delimiter semicolon".to_string(),
            Delimiter::Tab => " --delimiter tab".to_string(),
            Delimiter::Pipe => " --delimiter pipe".to_string(),
            Delimiter::Whitespace => " --delimiter whitespace".to_string(),
        };
        BasketListNote {
            offer,
            command: format!("custos rules {file} --baskets{delimiter}"),
        }
    }
}

pub fn run(args: &InspectArgs) -> Result<(), String> {
    let options = args.dialect.options()?;
    let ingested = input::read(&args.file, &options, &args.bad_rows)?;
    let d = &ingested.dialect;
    let file = args.file.display().to_string();
    let basket_list = basket_list_offer(&ingested.head, d.delimiter)
        .map(|offer| BasketListNote::new(offer, &file));
    let report = InspectReport {
        file,
        bytes: ingested.report.bytes_read,
        encoding: d.encoding.label(),
        encoding_guessed: d.encoding_guessed,
        gzip: d.gzip,
        delimiter: d.delimiter,
        quote: d.quote.map(|q| (q as char).to_string()),
        header: d.header,
        line_ending: d.line_ending.label(),
        rows: ingested.report.rows,
        skipped_bad_rows: ingested.report.bad_rows.count,
        shape: &ingested.shape,
        warnings: &ingested.report.warnings,
        renamed_headers: &ingested.report.renamed_headers,
        columns: ingested
            .table
            .columns()
            .iter()
            .enumerate()
            .map(|(i, c)| InspectColumn {
                name: &c.name,
                ctype: c.ctype.label(),
                role: c.role.map(|r| r.label()),
                format: c.note.format.as_deref(),
                missing: c.missing_count(),
                distinct: c.distinct_count(),
                stats: summary::summarize_column(i, c)
                    .stats
                    .map(|s| [s.min_text, s.max_text, s.mean_text, s.median_text]),
            })
            .collect(),
        basket_list,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(|e| e.to_string())
            .and_then(|()| writeln!(out).map_err(|e| e.to_string()))
    } else {
        print_report(&mut out, &report).map_err(|e| e.to_string())
    };
    written.and_then(|()| out.flush().map_err(|e| e.to_string()))
}

fn print_report(out: &mut impl Write, r: &InspectReport<'_>) -> std::io::Result<()> {
    writeln!(out, "file        {}", r.file)?;
    writeln!(out, "size        {}", format::bytes(r.bytes))?;
    let guessed = if r.encoding_guessed { " (guessed)" } else { "" };
    let gzip = if r.gzip { ", gzip" } else { "" };
    writeln!(out, "encoding    {}{guessed}{gzip}", r.encoding)?;
    writeln!(out, "delimiter   {}", r.delimiter.label())?;
    writeln!(out, "quote       {}", r.quote.as_deref().unwrap_or("none"))?;
    writeln!(out, "header      {}", if r.header { "yes" } else { "no" })?;
    writeln!(out, "line ends   {}", r.line_ending)?;
    writeln!(out, "rows        {}", format::thousands(r.rows))?;
    if r.skipped_bad_rows > 0 {
        writeln!(
            out,
            "skipped     {} bad rows",
            format::thousands(r.skipped_bad_rows)
        )?;
    }
    writeln!(out, "columns     {}", r.columns.len())?;
    writeln!(out, "shape       {}", r.shape.reason)?;
    for (from, to) in r.renamed_headers {
        writeln!(out, "renamed     '{from}' -> '{to}'")?;
    }
    for warning in r.warnings {
        writeln!(out, "warning     {warning}")?;
    }
    if let Some(note) = &r.basket_list {
        let o = &note.offer;
        writeln!(
            out,
            "note        this looks like a basket list, not a table: one basket per line, items \
             separated by {}, no header (the first {} lines: {} different items, {} to {} per \
             line)",
            o.delimiter.label(),
            format::thousands(o.sample_lines as u64),
            format::thousands(o.distinct_items as u64),
            o.shortest,
            o.longest,
        )?;
        writeln!(out, "            read it as baskets with: {}", note.command)?;
    }
    writeln!(out)?;
    let width = r
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    writeln!(
        out,
        "{:<width$}  {:<11}  {:<11}  {:>9}  {:>9}  format",
        "name", "type", "role", "missing", "distinct"
    )?;
    for c in &r.columns {
        writeln!(
            out,
            "{:<width$}  {:<11}  {:<11}  {:>9}  {:>9}  {}",
            c.name,
            c.ctype,
            c.role.unwrap_or("-"),
            format::thousands(c.missing as u64),
            format::thousands(c.distinct as u64),
            c.format.unwrap_or("")
        )?;
    }
    Ok(())
}
