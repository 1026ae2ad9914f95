//! The Value step: what each customer is worth.
//!
//! - Probabilistic: a calibration/holdout summary of the purchase lines (lifetimes'
//!   definitions: repeat purchase days `x`, recency `t_x`, age `T`, mean repeat spend), BG/NBD
//!   (Fader, Hardie & Lee 2005) for future purchases and P(alive), Gamma-Gamma for spend, and
//!   CLV over the horizon and over 12 discounted months.
//! - Supervised: regressors trained on the customer features built up to the cutoff date to
//!   predict spend in the horizon after it (or a numeric column of a customer file), judged
//!   against baselines on a held-out test part.
//!
//! Time is counted in days throughout (BG/NBD's `alpha` is per day).

pub mod bgnbd;
pub mod calibration;
pub mod charts;
pub mod clv;
pub mod error;
pub mod gamma_gamma;
mod optimize;
pub mod probabilistic;
pub mod regress;
pub mod run;
pub mod special;
pub mod supervised;
pub mod view;

pub use error::ValueError;
