//! The `custos` binary: golden `inspect --json` output for small fixtures, and one-line errors.

mod common;

use common::{check_golden, custos, fixture, one_line_error, run_ok};

/// Compare `inspect --json` with `tests/golden/<fixture>.json` (`UPDATE_GOLDEN=1` rewrites it).
fn golden(name: &str) {
    let output = run_ok(custos().arg("inspect").arg(fixture(name)).arg("--json"));
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["file"] = serde_json::Value::String(name.to_string());
    let actual = serde_json::to_string_pretty(&json).unwrap() + "\n";
    check_golden(&format!("{name}.json"), &actual);
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
    let output = run_ok(
        custos()
            .arg("inspect")
            .arg(fixture("customers_pipe_missing.txt")),
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("delimiter   pipe (|)"), "{text}");
    assert!(text.contains("rows        6"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("customer_id") && l.contains("identifier")),
        "{text}"
    );
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
    let output = run_ok(custos().arg("inspect").arg(&ragged).arg("--skip-bad-rows"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("skipped     1 bad rows"));
    std::fs::remove_dir_all(&dir).ok();
}
