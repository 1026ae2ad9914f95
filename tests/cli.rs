//! The `custos` binary: golden `inspect --json` output for small fixtures, and one-line errors.

use std::path::{Path, PathBuf};
use std::process::Command;

fn custos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_custos"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Compare `inspect --json` with `tests/golden/<fixture>.json` (`UPDATE_GOLDEN=1` rewrites it).
fn golden(name: &str) {
    let output = custos()
        .arg("inspect")
        .arg(fixture(name))
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["file"] = serde_json::Value::String(name.to_string());
    let actual = serde_json::to_string_pretty(&json).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 and review)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "golden output of {name} changed");
}

#[test]
fn golden_semicolon_decimal_comma_bom() {
    golden("orders_semicolon_decimal_comma.csv");
}

#[test]
fn golden_pipe_with_missing_tokens() {
    golden("customers_pipe_missing.txt");
}

#[test]
fn golden_windows1252_whitespace() {
    golden("windows1252_whitespace.txt");
}

#[test]
fn human_output_lists_columns() {
    let output = custos()
        .arg("inspect")
        .arg(fixture("customers_pipe_missing.txt"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("delimiter   pipe (|)"), "{text}");
    assert!(text.contains("rows        6"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("customer_id") && l.contains("identifier")),
        "{text}"
    );
}

fn one_line_error(args: &[&std::ffi::OsStr]) -> String {
    let output = custos().args(args).output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

#[test]
fn bad_files_fail_with_one_line() {
    let dir = std::env::temp_dir().join(format!("custos-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"a,b,c\n", "no data rows"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "PNG"),
        ("ragged.csv", b"a,b\n1,2\n3\n4,5\n", "--skip-bad-rows"),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let message = one_line_error(&["inspect".as_ref(), path.as_os_str()]);
        assert!(message.contains(needle), "{name}: {message}");
    }
    let missing = dir.join("does-not-exist.csv");
    assert!(one_line_error(&["inspect".as_ref(), missing.as_os_str()]).contains("cannot open"));
    let ragged = dir.join("ragged.csv");
    let output = custos()
        .args([
            "inspect".as_ref(),
            ragged.as_os_str(),
            "--skip-bad-rows".as_ref(),
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("skipped     1 bad rows"));
    std::fs::remove_dir_all(&dir).ok();
}
