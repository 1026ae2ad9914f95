//! The pure-Rust core: everything that computes, nothing that touches the browser.
//!
//! Must never depend on web-sys, js-sys, wasm-bindgen or Leptos, and must never panic on user
//! data: every failure is a typed error carrying a message a business user can act on.

pub mod chart;
pub mod csv_out;
pub mod customer_table;
pub mod eda;
pub mod evaluate;
pub mod explore;
pub mod features;
pub mod format;
pub mod ingest;
pub mod names;
pub mod predict;
pub mod prep;
pub mod random;
pub mod receipt;
pub mod recommend;
pub mod sample;
pub mod segment;
pub mod summary;
pub mod table;
pub mod value;
