//! Tree models of the Predict step (decision tree, random forest, histogram gradient boosting)
//! on real datasets: test ROC-AUC on a fixed stratified 80/20 split, next to scikit-learn's on
//! the very same matrix and split.
//!
//! `cargo test --release --test predict_trees -- --nocapture --test-threads 1` prints a table:
//! fit time (CPU seconds of the thread, and wall clock), predict time on the test rows, test
//! ROC-AUC, scikit-learn's AUC. The release profile is the browser's code generation (opt-level
//! "z", LTO). Timings are printed, never asserted.
//!
//! References: scikit-learn 1.9.1 on the matrix these tests write with `CUSTOS_DUMP_DIR=<dir>`
//! (the columns, then `__y` and `__test`: fitted on the rows with `__test` 0, AUC on those with
//! `__test` 1), single-threaded:
//! - `HistGradientBoostingClassifier(early_stopping=True)` — the defaults plus early stopping,
//!   as ours — mean test AUC over `random_state` 0…4: bank 0.9365, shoppers 0.9406 (without
//!   early stopping, 100 iterations: bank 0.9373, shoppers 0.9393). Ours over seeds 0…4: bank
//!   0.9364, shoppers 0.9402.
//! - `RandomForestClassifier(n_estimators=100)`, over `random_state` 0…4: bank 0.9300,
//!   shoppers 0.9357 (0.9345…0.9377). Ours over seeds 0…4: bank 0.9310, shoppers 0.9342.
//! - `DecisionTreeClassifier(max_depth=6)`: bank 0.8580, shoppers 0.9043.

mod common;

use std::time::Instant;

use custos::core::predict::forest::RandomForestParams;
use custos::core::predict::gbdt::GbdtParams;
use custos::core::predict::tree::DecisionTreeParams;
use custos::core::predict::Classifier;
use ndarray::Axis;

use common::EncodedData as Data;

/// Load `file` with `target` taken out and the rest encoded (see `common::encoded`).
fn load(file: &str, target: &str, positive: &str) -> Data {
    common::encoded(file, target, positive)
}

/// Write the matrix, the target and the split to `dir/name.csv` for the scikit-learn reference.
fn dump(data: &Data, name: &str) {
    let Some(dir) = std::env::var_os("CUSTOS_DUMP_DIR") else {
        return;
    };
    let (_, test) = split(&data.y);
    let mut is_test = vec![false; data.y.len()];
    for &i in &test {
        is_test[i] = true;
    }
    let mut out = String::new();
    out.push_str(&data.names.join(","));
    out.push_str(",__y,__test\n");
    for (i, row) in data.x.rows().into_iter().enumerate() {
        for v in row {
            out.push_str(&format!("{v:?},"));
        }
        out.push_str(&format!("{},{}\n", data.y[i] as u8, is_test[i] as u8));
    }
    std::fs::write(std::path::Path::new(&dir).join(format!("{name}.csv")), out).unwrap();
}

/// Deterministic stratified 80/20 split: every 5th row of each class (in file order) is test.
fn split(y: &[bool]) -> (Vec<usize>, Vec<usize>) {
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut seen = [0usize; 2];
    for (i, &label) in y.iter().enumerate() {
        let k = &mut seen[label as usize];
        if *k % 5 == 4 {
            test.push(i);
        } else {
            train.push(i);
        }
        *k += 1;
    }
    (train, test)
}

/// ROC-AUC with ties counted half (the Mann–Whitney statistic over average ranks).
fn roc_auc(p: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && p[order[j + 1]] == p[order[i]] {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += average_rank * order[i..=j].iter().filter(|&&k| y[k]).count() as f64;
        i = j + 1;
    }
    let positives = y.iter().filter(|&&b| b).count() as f64;
    let negatives = y.len() as f64 - positives;
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

#[test]
fn roc_auc_counts_ties_half() {
    assert_eq!(
        roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
        0.75
    );
    assert_eq!(
        roc_auc(&[0.5, 0.5, 0.5, 0.9], &[false, true, false, true]),
        0.75
    );
}

/// CPU seconds of this thread so far (the machine may be busy with other work, so wall-clock
/// times are noisy); `None` where the kernel does not say.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// scikit-learn's test AUC on the same matrix and split (see the module documentation).
const SKLEARN_GBDT: [f64; 2] = [0.9365, 0.9406];
const SKLEARN_FOREST: [f64; 2] = [0.9300, 0.9357];
const SKLEARN_TREE: [f64; 2] = [0.8580, 0.9043];

/// Fit one model on the training part, score the test part; print a table row with
/// scikit-learn's AUC `reference` beside ours.
fn evaluate<M: Classifier>(
    dataset: &str,
    model: &str,
    reference: f64,
    data: &Data,
    fit: impl Fn(ndarray::ArrayView2<'_, f64>, &[bool]) -> (M, String),
) -> f64 {
    let (train, test) = split(&data.y);
    let x_train = data.x.select(Axis(0), &train);
    let y_train: Vec<bool> = train.iter().map(|&i| data.y[i]).collect();
    let x_test = data.x.select(Axis(0), &test);
    let y_test: Vec<bool> = test.iter().map(|&i| data.y[i]).collect();
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let (fitted, note) = fit(x_train.view(), &y_train);
    let fit_seconds = start.elapsed().as_secs_f64();
    let fit_cpu = cpu_seconds()
        .zip(cpu_start)
        .map_or(f64::NAN, |(end, start)| end - start);
    let start = Instant::now();
    let p = fitted.predict_proba(x_test.view());
    let predict_seconds = start.elapsed().as_secs_f64();
    let auc = roc_auc(&p, &y_test);
    eprintln!(
        "| {dataset:<8} | {model:<10} | {fit_cpu:>7.3} | {fit_seconds:>7.3} | {predict_seconds:>7.3} \
         | {auc:.4} | {reference:.4} | {note}"
    );
    auc
}

const HEADER: &str =
    "| data     | model      | fit cpu | fit s   | pred s  | AUC    | sklearn | notes";

fn gbdt_auc(dataset: &str, reference: f64, data: &Data) -> f64 {
    evaluate(dataset, "GBDT", reference, data, |x, y| {
        let model = GbdtParams::new().fit(x, y, None).unwrap();
        let note = format!(
            "n_iter {} (ran {})",
            model.n_iter(),
            model.validation_loss().len() - 1
        );
        (model, note)
    })
}

fn forest_auc(dataset: &str, reference: f64, data: &Data) -> f64 {
    evaluate(dataset, "RF 100", reference, data, |x, y| {
        let model = RandomForestParams::new().fit(x, y, None).unwrap();
        let leaves: usize = model.trees().iter().map(|t| t.n_leaves()).sum();
        let note = format!("{} leaves per tree", leaves / model.trees().len());
        (model, note)
    })
}

fn tree_auc(dataset: &str, reference: f64, data: &Data) -> f64 {
    evaluate(dataset, "DT depth 6", reference, data, |x, y| {
        let model = DecisionTreeParams::new().fit(x, y, None).unwrap();
        let note = format!("{} leaves", model.tree().n_leaves());
        (model, note)
    })
}

fn bank() -> Data {
    load("bank-full.csv", "y", "yes")
}

fn shoppers() -> Data {
    load("online_shoppers_intention.csv", "Revenue", "1")
}

#[test]
fn bank_full() {
    let data = bank();
    assert_eq!(data.x.dim(), (45_211, 48));
    dump(&data, "bank");
    eprintln!("{HEADER}");
    let gbdt = gbdt_auc("bank", SKLEARN_GBDT[0], &data);
    let forest = forest_auc("bank", SKLEARN_FOREST[0], &data);
    let tree = tree_auc("bank", SKLEARN_TREE[0], &data);
    assert!(gbdt >= 0.925, "GBDT AUC {gbdt:.4}");
    assert!(gbdt >= SKLEARN_GBDT[0] - 0.005, "GBDT AUC {gbdt:.4}");
    assert!(forest >= 0.92, "random forest AUC {forest:.4}");
    assert!(tree >= 0.85, "decision tree AUC {tree:.4}");
}

#[test]
fn online_shoppers() {
    let data = shoppers();
    assert_eq!(data.x.dim(), (12_330, 28));
    dump(&data, "shoppers");
    eprintln!("{HEADER}");
    let gbdt = gbdt_auc("shoppers", SKLEARN_GBDT[1], &data);
    let forest = forest_auc("shoppers", SKLEARN_FOREST[1], &data);
    let tree = tree_auc("shoppers", SKLEARN_TREE[1], &data);
    assert!(gbdt >= 0.915, "GBDT AUC {gbdt:.4}");
    assert!(gbdt >= SKLEARN_GBDT[1] - 0.005, "GBDT AUC {gbdt:.4}");
    assert!(forest >= 0.91, "random forest AUC {forest:.4}");
    assert!(tree >= 0.85, "decision tree AUC {tree:.4}");
}
