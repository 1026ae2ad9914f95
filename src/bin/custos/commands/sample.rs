//! `custos sample`: writes one of the generated sample datasets the app offers in one click.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use custos::core::sample;

use crate::output;

/// Write a generated sample dataset (the ones the app offers in one click).
#[derive(Args)]
pub struct SampleArgs {
    #[arg(value_enum)]
    kind: SampleKind,
    #[arg(long, default_value_t = 20_000)]
    rows: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SampleKind {
    Transactions,
    Customers,
}

pub fn run(args: &SampleArgs) -> Result<(), String> {
    let text = match args.kind {
        SampleKind::Transactions => sample::transactions_csv(args.rows, args.seed),
        SampleKind::Customers => sample::customers_csv(args.rows, args.seed),
    };
    output::write_file_or_stdout(args.output.as_deref(), text.as_bytes())
}
