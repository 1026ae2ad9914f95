#![allow(dead_code)]
//! Helpers shared by the integration tests: the real datasets, the small fixtures, the `custos`
//! binary and golden files. Each test binary declares `mod common;` and uses what it needs.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custos::core::ingest::{self, IngestOptions, Ingested};

/// The real datasets: `CUSTOS_DATA_DIR`, or `../shared/data` next to the crate.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CUSTOS_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    assert!(
        dir.is_dir(),
        "datasets not found at {} (set CUSTOS_DATA_DIR)",
        dir.display()
    );
    dir
}

/// Ingest a file with the default options, panicking with its path on any error.
pub fn ingest_path(path: &Path) -> Ingested {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ingest::ingest_reader(file, &IngestOptions::default(), None, |_| {})
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Ingest the dataset `name` from [`data_dir`].
pub fn load_data(name: &str) -> Ingested {
    ingest_path(&data_dir().join(name))
}

/// A small file in `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The `custos` command-line binary.
pub fn custos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_custos"))
}

/// Run `command`, assert that it succeeded (showing its stderr if not) and return its output.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Run `custos` with `args`, expect it to fail with one `error: ` line on stderr (and nothing on
/// stdout), and return that line.
pub fn one_line_error(args: &[&OsStr]) -> String {
    let output = custos().args(args).output().unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

/// Compare `actual` with `tests/golden/<name>` (`UPDATE_GOLDEN=1` rewrites it; review the diff).
pub fn check_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 and review)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "golden output of {name} changed");
}

/// A dataset as the models see it: matrix column names, the encoded matrix, the target.
pub struct EncodedData {
    pub names: Vec<String>,
    pub x: ndarray::Array2<f64>,
    pub y: Vec<bool>,
}

/// The Explore step's default choices for `ingested`, as the app and the CLI make them: the
/// detected shape (purchase lines aggregated, a customer file taken as it is) and roles.
pub fn default_explore_params(ingested: &Ingested) -> custos::core::explore::ExploreParams {
    use custos::core::customer_table::CustomerSource;
    use custos::core::features::{FeatureParams, RoleMapping};
    use custos::core::ingest::TableShape;
    let source = if ingested.shape.shape == TableShape::Transactions {
        CustomerSource::Transactions
    } else {
        CustomerSource::CustomerFile
    };
    custos::core::explore::ExploreParams {
        source,
        features: FeatureParams {
            mapping: RoleMapping::from_roles(&ingested.table),
            ..FeatureParams::default()
        },
        prep: Default::default(),
    }
}

/// Load `file` as a customer table, take `target` out (positive = `positive`, e.g. "yes";
/// "TRUE" names the 1 of a boolean column) and encode the rest with the Predict step's own
/// design (median/mode fill, standardised numbers, one-hot up to 20 levels, no log). The
/// preparation is fitted on all rows here: acceptable for comparing models on one split with
/// scikit-learn on the same matrix (the Predict step fits it on training rows only).
pub fn encoded(file: &str, target: &str, positive: &str) -> EncodedData {
    use custos::core::customer_table::CustomerTable;
    use custos::core::predict::design::{select_features, Design, DesignParams};
    use custos::core::predict::target::{resolve, TargetSpec};
    let ingested = load_data(file);
    let (customers, _) = CustomerTable::from_table(&ingested.table).expect("customer table");
    let spec = TargetSpec {
        column: target.to_string(),
        positive: Some(positive.to_string()),
    };
    let resolved = resolve(&customers, &spec).expect("target");
    let y: Vec<bool> = resolved
        .labels
        .iter()
        .map(|l| l.expect("no missing target"))
        .collect();
    let all: Vec<usize> = (0..customers.n_rows()).collect();
    let selection = select_features(&customers, target, &[], &[], &all).expect("features");
    let params = DesignParams {
        log_skewed: false,
        max_levels: 20,
    };
    let design = Design::fit(&selection.table, &all, &params).expect("design");
    EncodedData {
        names: design.columns,
        x: design.matrix,
        y,
    }
}
