//! `custos`: the native command-line tool over the same core as the browser app.
//!
//! For batch runs, files too large for a browser tab, and benchmarks. Human-readable output by
//! default, `--json` for machines. Bad input ends with a one-line error and a non-zero exit code,
//! never a panic trace.
//!
//! This file is the parser and the dispatch only: each subcommand is a file in `commands/`
//! (its flags, its `run`, its output), and the plumbing they share is in `input` (reading a
//! file), `roles` (role and cleaning flags), `flags` (flag values) and `output` (`--json`, `-o`,
//! errors). A new subcommand is a file in `commands/`, its `pub mod` line there, and one line in
//! `subcommands!` below. Nothing of the CLI is built for wasm32 (`cargo build --target
//! wasm32-unknown-unknown --bins` compiles an empty `main`).

#[cfg(not(target_arch = "wasm32"))]
mod commands;
#[cfg(not(target_arch = "wasm32"))]
mod flags;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod roles;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use clap::Parser;
    let cli = Cli::parse();
    std::process::exit(output::exit_code(cli.command.run()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[derive(clap::Parser)]
#[command(
    name = "custos",
    version,
    about = "Private customer analytics on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Declares the subcommands once, in the order `custos --help` lists them: `Name(module::Args)`
/// makes the variant `Command::Name` (the subcommand `name`, whose help is the doc comment of
/// `Args`) and dispatches it to `commands::module::run(&args)`.
macro_rules! subcommands {
    ($($variant:ident($module:ident::$args:ident)),* $(,)?) => {
        #[cfg(not(target_arch = "wasm32"))]
        #[derive(clap::Subcommand)]
        enum Command {
            $($variant(commands::$module::$args),)*
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl Command {
            fn run(self) -> Result<(), String> {
                match self {
                    $(Command::$variant(args) => commands::$module::run(&args),)*
                }
            }
        }
    };
}

subcommands! {
    Inspect(inspect::InspectArgs),
    Customers(customers::CustomersArgs),
    Segment(segment::SegmentArgs),
    Predict(predict::PredictArgs),
    Value(value::ValueArgs),
    Rules(rules::RulesArgs),
    Recommend(recommend::RecommendArgs),
    Sample(sample::SampleArgs),
}
