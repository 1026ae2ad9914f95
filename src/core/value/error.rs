//! Why the probabilistic half of the Value step (calibration summary, BG/NBD, Gamma-Gamma, CLV)
//! could not run. Every message says what is wrong in the user's data or choices and what to
//! change.

use crate::core::features::FeatureError;
use crate::core::format::{iso_date, thousands};

/// The fewest customers with a purchase up to the cutoff date the models are fitted on.
pub const MIN_CUSTOMERS: usize = 30;
/// The fewest repeat buyers (customers with a repeat purchase day and a positive mean repeat
/// spend) Gamma-Gamma is fitted on: three parameters need more than a handful.
pub const MIN_REPEAT_BUYERS: usize = 10;

/// A failure of the calibration summary or of a model fit; the message names what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error(
        "Purchase forecasts (BG/NBD) need the date of every purchase, but no column has the Date \
         role{}. They count how often and how recently each customer bought, which only dates \
         tell. Give the Date role to the column with the purchase dates in the Data step, or use \
         the supervised models on a numeric column instead.",
        if *.customer_file { " (this is a customer file, one row per customer)" } else { "" }
    )]
    NoDates { customer_file: bool },
    #[error(
        "No purchase line is left to model ({reason}). Check the customer ID, date and amount \
         columns in the Explore mapping, or switch off a cleaning step."
    )]
    NoPurchases { reason: String },
    #[error(
        "The horizon must be at least 1 day long. 90 days is the usual choice: the models \
         forecast the purchases and spend of the next 90 days."
    )]
    ZeroHorizon,
    #[error(
        "The cutoff date {} is before the first purchase ({}): no customer has a history before \
         it. {}",
        iso(*.cutoff), iso(*.first), cutoff_advice(*.first, *.last, *.horizon_days)
    )]
    CutoffBeforeFirst {
        cutoff: i32,
        first: i32,
        last: i32,
        horizon_days: u32,
    },
    #[error(
        "The cutoff date {} is after the last purchase ({}): nothing is left to check the \
         forecasts against, and no purchase after it can be known. {}",
        iso(*.cutoff), iso(*.last), cutoff_advice(*.first, *.last, *.horizon_days)
    )]
    CutoffAfterLast {
        cutoff: i32,
        first: i32,
        last: i32,
        horizon_days: u32,
    },
    #[error(
        "Only {} customers bought on or before the cutoff date {}: the purchase models need at \
         least {needed} to estimate how customers differ. Choose a later cutoff (at most {}, the \
         last purchase), or load data with more customers.",
        thousands(*.found as u64), iso(*.cutoff), iso(*.last)
    )]
    TooFewCustomers {
        found: usize,
        needed: usize,
        cutoff: i32,
        last: i32,
    },
    #[error(
        "Expected spend (Gamma-Gamma) needs what each purchase cost, but no amount column (nor \
         quantity and unit price) is set, so only purchase forecasts and P(alive) are given. \
         Give the Amount role (or Quantity and Unit price) to those columns in the Data step for \
         spend and customer value."
    )]
    NoSpend,
    #[error(
        "Expected spend (Gamma-Gamma) learns from customers who bought again, but {} bought \
         again with a positive spend up to the cutoff date (it needs at least {needed}). Choose \
         a later cutoff, so that more customers have bought twice, or use the supervised models \
         for customer value.",
        if *.found == 0 { "no customer".to_string() } else if *.found == 1 { "only 1 customer".to_string() } else { format!("only {} customers", thousands(*.found as u64)) }
    )]
    TooFewRepeatBuyers { found: usize, needed: usize },
    #[error(
        "None of the {} customers bought on more than one day up to the cutoff date: the \
         purchase model (BG/NBD) learns how often customers come back from their repeat \
         purchases. Choose a later cutoff, or check that the customer ID column identifies \
         customers (not orders).",
        thousands(*.customers as u64)
    )]
    NoRepeatPurchases { customers: usize },
    #[error(
        "Customer {} of the model input has x = {x}, t_x = {t_x} and T = {t_big}: recency t_x \
         must lie between 0 and the age T (and be 0 without a repeat purchase).",
        .index + 1
    )]
    InvalidHistory {
        index: usize,
        x: u32,
        t_x: f64,
        t_big: f64,
    },
    #[error(
        "The spend model (Gamma-Gamma) fitted q = {q:.4}, at most 1: with it the average spend \
         per purchase is not defined (a few very large purchases dominate). Check the amount \
         column for extreme values (a total line, a wholesale order) and remove them, or use the \
         supervised models for customer value."
    )]
    MeanSpendUndefined { q: f64 },
    #[error(
        "The {model} fit did not settle: its parameter {parameter} ran toward {toward} ({value:.3e}) \
         without fitting the data better, so its numbers mean nothing. Choose another cutoff \
         date (more history before it), and check that the customer ID and date columns are the \
         right ones."
    )]
    DidNotConverge {
        model: &'static str,
        parameter: &'static str,
        toward: &'static str,
        value: f64,
    },
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error("{setting} must be {requirement} (it is {value}).")]
    BadSetting {
        setting: &'static str,
        requirement: &'static str,
        value: String,
    },
}

fn iso(days: i32) -> String {
    iso_date(i64::from(days))
}

/// Which cutoff dates work, for the cutoff messages.
fn cutoff_advice(first: i32, last: i32, horizon_days: u32) -> String {
    let usual = i64::from(last) - i64::from(horizon_days);
    if usual >= i64::from(first) {
        format!(
            "Choose a cutoff from {} to {} (the purchases' range); the usual one is {}, the last \
             purchase minus the {horizon_days}-day horizon, so the forecasts can be checked \
             against what customers really did.",
            iso(first),
            iso(last),
            iso_date(usual)
        )
    } else {
        let span = i64::from(last) - i64::from(first) + 1;
        format!(
            "Choose a cutoff from {} to {} (the purchases' range). The data span only {} days, \
             less than the {horizon_days}-day horizon: a shorter horizon (at most {} days) leaves \
             both a history and a holdout period to check the forecasts on.",
            iso(first),
            iso(last),
            thousands(span.max(0) as u64),
            thousands((span - 1).max(0) as u64)
        )
    }
}
