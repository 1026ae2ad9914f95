//! `custos customers`: the customer feature table (RFM etc.) built from a file of purchase
//! lines, as CSV (`core::features::build_customer_table`); the cleaning receipt and notes go to
//! standard error.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use custos::core::features::{self, CustomerBuild};
use custos::core::format;
use custos::core::receipt::ReceiptUnit;

use crate::input::BadRowsArgs;
use crate::output;
use crate::roles::CustomerTableArgs;

/// Build the customer feature table (RFM etc.) from a file of purchase lines, as CSV.
///
/// Columns are named exactly as in the file's header; roles not given are taken from
/// the detected roles (see `custos inspect`). Numbers are written plainly with up to 6
/// decimals, missing values as empty cells. The cleaning receipt and notes go to
/// standard error.
#[derive(Args)]
pub struct CustomersArgs {
    file: PathBuf,
    #[command(flatten)]
    table: CustomerTableArgs,
    #[command(flatten)]
    bad_rows: BadRowsArgs,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: &CustomersArgs) -> Result<(), String> {
    let (ingested, params) = args.table.read(&args.file, &args.bad_rows)?;
    let built = features::build_customer_table(&ingested.table, &params, &mut |_| {})
        .map_err(|e| e.to_string())?;
    output::write_file_or_stdout(args.output.as_deref(), built.customers.to_csv().as_bytes())?;
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    // The report is informational: a closed standard error does not fail the run.
    let _ = print_build(&mut err, &built, ingested.report.rows);
    Ok(())
}

fn print_build(out: &mut impl Write, built: &CustomerBuild, rows: u64) -> std::io::Result<()> {
    writeln!(
        out,
        "customers   {} from {} of {} lines",
        format::thousands(built.customers.n_rows() as u64),
        format::thousands(built.lines_used),
        format::thousands(rows)
    )?;
    writeln!(
        out,
        "reference   {}",
        format::iso_date(i64::from(built.reference_date))
    )?;
    let names: Vec<&str> = built
        .customers
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    writeln!(out, "features    {}", names.join(", "))?;
    writeln!(out, "receipt")?;
    for line in &built.receipt {
        let unit = match (line.unit, line.touched == 1) {
            (ReceiptUnit::Lines, true) => "line",
            (ReceiptUnit::Lines, false) => "lines",
            (ReceiptUnit::Rows, true) => "row",
            (ReceiptUnit::Rows, false) => "rows",
            (ReceiptUnit::Values, true) => "value",
            (ReceiptUnit::Values, false) => "values",
            (ReceiptUnit::Columns, true) => "column",
            (ReceiptUnit::Columns, false) => "columns",
        };
        let state = if line.enabled { "on " } else { "off" };
        writeln!(
            out,
            "  [{state}] {:<46} {:>9} {unit:<6} {}",
            line.title,
            format::thousands(line.touched),
            line.detail
        )?;
    }
    for note in &built.notes {
        writeln!(out, "note        {note}")?;
    }
    Ok(())
}
