//! Where a subcommand's results go: a report as pretty JSON (`--json`) or text on standard
//! output, a file named by `-o`, and the one-line `error: …` with exit code 1 that ends a failed
//! run. Subcommands return `Result<(), String>` and never print errors themselves.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// The process exit code of a finished subcommand: 0, or 1 after printing its error as one
/// line on standard error.
pub fn exit_code(result: Result<(), String>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {}", message.replace('\n', " "));
            1
        }
    }
}

/// Write `text` to standard output; a reader that closes the pipe early (`custos … | head`)
/// is not an error.
pub fn write_stdout(text: &[u8]) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}

/// Write `contents` to the file `path` (an `-o` flag).
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Write `contents` to the file `output` when given, else to standard output.
pub fn write_file_or_stdout(output: Option<&Path>, contents: &[u8]) -> Result<(), String> {
    match output {
        Some(path) => write_file(path, contents),
        None => write_stdout(contents),
    }
}

/// A report as pretty JSON (`--json`) or as the human-readable text `print` writes, to
/// standard output.
pub fn emit<T: Serialize>(
    report: &T,
    json: bool,
    print: impl FnOnce(&mut Vec<u8>, &T) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut text = Vec::new();
    if json {
        serde_json::to_writer_pretty(&mut text, report).map_err(|e| e.to_string())?;
        text.push(b'\n');
    } else {
        print(&mut text, report).map_err(|e| e.to_string())?;
    }
    write_stdout(&text)
}

/// Rounded to 4 decimals, as the JSON reports (and the golden files) keep them.
pub fn round4(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        x
    }
}
