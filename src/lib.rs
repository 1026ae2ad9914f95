//! Custos: private, in-browser customer analytics.
//!
//! Layers, from the bottom up (each may depend only on the layers above it in this list):
//! - [`core`]: pure Rust (no web-sys, no js-sys, no Leptos). Table model, ingest and every
//!   analysis step. Compiled and tested natively; the CLI and the worker both call it.
//! - [`protocol`]: serde messages between the UI and the worker. Plain data only.
//! - `worker` (wasm32 only): owns the loaded table inside a Web Worker, runs core steps off the
//!   main thread, reports progress and honours cancel.
//! - `charts` (wasm32 only): draws [`core::eda::Chart`]s on a `<canvas>` (plotters-canvas),
//!   crisp on HiDPI, with hover hit-testing and PNG export. Knows nothing of the UI.
//! - `ui` (wasm32 only): the Leptos app. Sends commands, renders view-models. Never does
//!   numeric work and never holds the full table.
//!
//! The native `custos` CLI (`src/bin/custos/`) sits beside the worker: same core, same
//! parameters, so CLI numbers and browser numbers agree.

pub mod core;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod charts;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;

// The pure helpers of `charts` (number formatting, axis scales) use no browser API: compile them
// natively too, so that their unit tests run with `cargo test`.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
#[path = "charts/format.rs"]
mod charts_format;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
#[path = "charts/geometry.rs"]
mod charts_geometry;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
#[path = "charts/labels.rs"]
mod charts_labels;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
#[path = "charts/scale.rs"]
mod charts_scale;
// Likewise the Recommend form's readers of what the user typed.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(dead_code)]
#[path = "ui/recommend/input.rs"]
mod ui_recommend_input;
