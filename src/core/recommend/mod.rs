//! The Recommend step (issue 14): baskets from purchase lines or a basket-list file, frequent
//! itemsets and association rules, recommenders (popularity, co-occurrence, rules, implicit
//! ALS) and their evaluation on a time holdout.
//!
//! Every algorithm follows `Params → check → fit → model` with typed errors and fixed seeds;
//! pure Rust, no web-sys, never panics on user data.

pub mod als;
pub mod basket_list;
pub mod baskets;
pub mod cooccurrence;
pub mod evaluate;
pub mod fpgrowth;
pub mod holdout;
pub mod interactions;
pub mod popularity;
pub mod rule_based;
pub mod rules;
pub mod run;
pub mod view;
