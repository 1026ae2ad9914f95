//! One module per `custos` subcommand: its clap arguments (whose doc comment is the
//! subcommand's help), its `run`, and its text and JSON output. A subcommand turns flags into
//! the core's parameters and the core's report into output; it does no numeric work. The
//! plumbing they share is in `crate::input`, `crate::roles`, `crate::flags` and `crate::output`.

pub mod customers;
pub mod inspect;
pub mod predict;
pub mod recommend;
pub mod rules;
pub mod sample;
pub mod segment;
pub mod value;
