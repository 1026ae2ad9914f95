//! The flags that say how a file of purchase lines becomes the customer table: the role
//! columns (`--customer`, `--date`, `--order`, `--amount`, `--quantity`, `--price`,
//! `--product`), the reference date and the cleaning (`--cancellations`, `--duplicates`).
//! A subcommand that builds customers from lines flattens [`CustomerTableArgs`] into its flags.

use std::path::Path;

use clap::{Args, ValueEnum};

use custos::core::features::{
    Cancellations, ExactDuplicates, FeatureParams, LineCleaning, RoleMapping,
};
use custos::core::ingest::{IngestOptions, Ingested};
use custos::core::table::Table;

use crate::flags;
use crate::input::{self, BadRowsArgs};

/// Role columns, reference date and cleaning of purchase lines.
#[derive(Args)]
pub struct CustomerTableArgs {
    #[command(flatten)]
    columns: RoleColumns,
    #[command(flatten)]
    cleaning: CleaningArgs,
}

impl CustomerTableArgs {
    /// Read the file of purchase lines at `path` (dialect detected) and the feature parameters
    /// the flags choose: the detected roles overridden by the named columns, the reference
    /// date and the cleaning. The flags that need no file are checked before it is read.
    pub fn read(
        &self,
        path: &Path,
        bad_rows: &BadRowsArgs,
    ) -> Result<(Ingested, FeatureParams), String> {
        let cleaning = self.cleaning.line_cleaning();
        let reference_date = self
            .cleaning
            .reference_date
            .as_deref()
            .map(|text| flags::parse_date("--reference-date", text))
            .transpose()?;
        let ingested = input::read(path, &IngestOptions::default(), bad_rows)?;
        let params = FeatureParams {
            mapping: role_mapping(&ingested.table, &self.columns)?,
            reference_date,
            cleaning,
        };
        Ok((ingested, params))
    }
}

/// Column names given on the command line, one per role (names as in the header).
#[derive(Args)]
struct RoleColumns {
    /// Customer ID column.
    #[arg(long)]
    customer: Option<String>,
    /// Purchase date column.
    #[arg(long)]
    date: Option<String>,
    /// Order / invoice ID column (default: detected; without one, a customer-day is an order).
    #[arg(long)]
    order: Option<String>,
    /// Amount (spend per line) column.
    #[arg(long, conflicts_with_all = ["quantity", "price"])]
    amount: Option<String>,
    /// Quantity column (spend = quantity × price).
    #[arg(long)]
    quantity: Option<String>,
    /// Unit price column (spend = quantity × price).
    #[arg(long)]
    price: Option<String>,
    /// Product column (for distinct_products).
    #[arg(long)]
    product: Option<String>,
}

/// The reference date and what to do with cancellations and duplicate lines.
#[derive(Args)]
struct CleaningArgs {
    /// Reference date for recency, YYYY-MM-DD (default: the day after the last purchase).
    #[arg(long, value_name = "YYYY-MM-DD")]
    reference_date: Option<String>,
    /// Cancellations and returns: `net` them against the customer's purchases (a
    /// return reduces the spend; an order returned in full no longer counts), or `drop`
    /// the return lines.
    #[arg(long, value_enum, default_value_t = CancellationsArg::Net)]
    cancellations: CancellationsArg,
    /// Old flag: cancellations are now netted by default (the same as
    /// `--cancellations net`).
    #[arg(long, conflicts_with = "cancellations", hide = true)]
    keep_cancellations: bool,
    /// Exact duplicate lines: `auto` drops them only when an order ID column is mapped
    /// (without one, identical lines can be two purchases), or always `drop` / `keep`.
    #[arg(long, value_enum, default_value_t = DuplicatesArg::Auto)]
    duplicates: DuplicatesArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CancellationsArg {
    Net,
    Drop,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DuplicatesArg {
    Auto,
    Drop,
    Keep,
}

impl CleaningArgs {
    /// The cleaning the flags choose; a note on standard error for the old
    /// `--keep-cancellations`.
    fn line_cleaning(&self) -> LineCleaning {
        if self.keep_cancellations {
            eprintln!(
                "note: --keep-cancellations is the default now: cancellations are netted \
                 against the purchases (--cancellations net); --cancellations drop drops \
                 them"
            );
        }
        LineCleaning {
            cancellations: match self.cancellations {
                CancellationsArg::Net => Cancellations::Net,
                CancellationsArg::Drop => Cancellations::Drop,
            },
            exact_duplicates: match self.duplicates {
                DuplicatesArg::Auto => ExactDuplicates::ByMapping,
                DuplicatesArg::Drop => ExactDuplicates::Drop,
                DuplicatesArg::Keep => ExactDuplicates::Keep,
            },
            ..LineCleaning::default()
        }
    }
}

fn column_index(table: &Table, option: &str, name: &str) -> Result<usize, String> {
    table.column_index(name).ok_or_else(|| {
        let names: Vec<String> = table
            .columns()
            .iter()
            .map(|c| format!("'{}'", c.name))
            .collect();
        format!(
            "--{option}: there is no column named '{name}' (the columns are {})",
            names.join(", ")
        )
    })
}

/// The detected roles, overridden by the columns named on the command line.
fn role_mapping(table: &Table, columns: &RoleColumns) -> Result<RoleMapping, String> {
    let mut mapping = RoleMapping::from_roles(table);
    let pick = |option: &str, name: &Option<String>, slot: &mut Option<usize>| {
        if let Some(name) = name {
            *slot = Some(column_index(table, option, name)?);
        }
        Ok::<(), String>(())
    };
    pick("customer", &columns.customer, &mut mapping.customer)?;
    pick("date", &columns.date, &mut mapping.date)?;
    pick("order", &columns.order, &mut mapping.order)?;
    pick("amount", &columns.amount, &mut mapping.amount)?;
    pick("quantity", &columns.quantity, &mut mapping.quantity)?;
    pick("price", &columns.price, &mut mapping.unit_price)?;
    pick("product", &columns.product, &mut mapping.product)?;
    // Asking for a product column means: count products by it, not by the detected id.
    if columns.product.is_some() {
        mapping.product_id = None;
    }
    // Asking for quantity × price means: not the detected amount.
    if columns.quantity.is_some() || columns.price.is_some() {
        mapping.amount = None;
    }
    Ok(mapping)
}
