#!/usr/bin/env python3
"""Turn the benchmark's JSON-lines results into a markdown table (standard output).

    report.py RESULTS.jsonl

Each line: {"bench"?, "file", "bytes", "rows", "tool", "time_s", "peak_bytes", "note", "error"?,
"customers"?, ...}, or {"meta": {...}} lines with versions and the machine description. "bench" is
"ingest" (the default), "customers", "segment", "predict" or "value"; each benchmark gets its
own table (segment: one per dataset, "dataset" in each line, plus the metrics of every k side by
side; predict: one row per dataset and model with every tool's fit / predict time and test AUC,
then one row per dataset and tool with the whole run's time and memory; value: one row per
dataset, tool and configuration with the BG/NBD + Gamma-Gamma fit, then one row per supervised
model, then the issue-13 targets; recommend: one row per rules configuration and tool with the
counts side by side, then one row per recommender and tool with its phases).
"""
import json
import sys

TOOLS = ["custos CLI native", "custos browser worker", "pandas read_csv"]
CUSTOMER_TOOLS = ["custos CLI native", "custos browser worker", "pandas read_csv + groupby"]
SEGMENT_TOOLS = ["custos CLI native", "custos browser worker", "scikit-learn", "scikit-learn, 1 thread"]
PREDICT_TOOLS = ["custos CLI native", "custos browser worker", "scikit-learn, 1 thread", "scikit-learn"]
PREDICT_MODELS = [("lr", "logistic regression"), ("tree", "decision tree"),
                  ("rf", "random forest"), ("gbdt", "gradient boosting")]
# Issue 5: the browser's gradient boosting fits bank-full in under a second, test AUC >= 0.93.
TARGET_DATASET, TARGET_FIT_S, TARGET_AUC = "bank-full", 1.0, 0.93
VALUE_TOOLS = ["custos CLI native", "custos browser worker", "lifetimes", "scikit-learn, 1 thread"]
VALUE_MODELS = [("ridge", "ridge"), ("tree", "decision tree"), ("rf", "random forest"),
                ("gbdt", "gradient boosting"), ("mlp", "neural network (MLP)")]
# Issue 13: the whole Value step on Online Retail in the browser under 5 s.
VALUE_STEP_TARGET_S = 5.0
RULES_TOOLS = ["custos CLI native", "custos browser worker", "mlxtend fpgrowth", "mlxtend apriori"]
REC_TOOLS = ["custos CLI native", "custos browser worker", "scipy co-occurrence", "implicit ALS"]
REC_METHODS = [("cooccurrence", "co-occurrence"), ("als", "implicit ALS")]


def fmt(x, digits):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def main() -> int:
    rows, meta = [], {}
    with open(sys.argv[1], encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)
            if "meta" in obj:
                meta.update(obj["meta"])
            else:
                rows.append(obj)

    ingest = [r for r in rows if r.get("bench", "ingest") == "ingest"]
    customers = [r for r in rows if r.get("bench") == "customers"]
    segment = [r for r in rows if r.get("bench") == "segment"]
    predict = [r for r in rows if r.get("bench") == "predict"]
    value = [r for r in rows if r.get("bench") == "value"]
    recommend = [r for r in rows if r.get("bench") == "recommend"]
    printed = False
    if ingest:
        if customers or segment:
            print("### ingest")
            print()
        ingest_table(ingest)
        printed = True
    if customers:
        if printed:
            print()
        customers_table(customers)
        printed = True
    if segment:
        if printed:
            print()
        segment_tables(segment)
        printed = True
    if predict:
        if printed:
            print()
        predict_tables(predict, meta)
        printed = True
    if value:
        if printed:
            print()
        value_tables(value)
        printed = True
    if recommend:
        if printed:
            print()
        recommend_tables(recommend)
    if meta:
        print()
        for key in ["machine", "custos", "cli", "rustc", "app", "chromium", "pandas", "sklearn", "lifetimes",
                    "mlxtend", "implicit", "runs", "predict_folds"]:
            if key in meta:
                print(f"- {key}: {meta[key]}")
        for key, label in [("load_start", "load average at the start"), ("load_end", "at the end")]:
            if key in meta:
                print(f"- {label}: {meta[key]}")
    return 0


def ingest_table(rows):
    files = []
    for r in rows:
        if r["file"] not in files:
            files.append(r["file"])
    # Files in the order measured, files that could not be measured at all last.
    failed = {f for f in files if all(r.get("error") for r in rows if r["file"] == f)}
    rows.sort(key=lambda r: (
        r["file"] in failed,
        files.index(r["file"]),
        TOOLS.index(r["tool"]) if r["tool"] in TOOLS else 99,
    ))

    print("| file | size MB | rows | tool | time s | MB/s | peak memory MB | notes |")
    print("|---|--:|--:|---|--:|--:|--:|---|")
    for r in rows:
        size_mb = r["bytes"] / 1e6 if r.get("bytes") is not None else None
        t = r.get("time_s")
        mbps = size_mb / t if (size_mb is not None and t) else None
        peak = r["peak_bytes"] / 1e6 if r.get("peak_bytes") is not None else None
        n_rows = f"{r['rows']:,}" if isinstance(r.get("rows"), int) else "n/a"
        note = r.get("error") and f"**not measured**: {r['error']}" or r.get("note", "")
        print(
            f"| {r['file']} | {fmt(size_mb, 1)} | {n_rows} | {r['tool']} | {fmt(t, 3)} | "
            f"{fmt(mbps, 1)} | {fmt(peak, 1)} | {note} |"
        )
    print()
    print("MB = 10^6 bytes. Time is the best of the runs; peak memory is the largest over the runs.")
    print(
        "- custos CLI native: wall time of the whole `custos inspect FILE` process (read, sniff, "
        "parse, infer types, column summary, print); peak = max RSS of the process "
        "(/usr/bin/time -v)."
    )
    print(
        "- custos browser worker: `data-elapsed-ms` of the dataset summary (the worker's read + "
        "parse + infer + summary, file already chosen); peak = `data-worker-memory`, the bytes of "
        "wasm linear memory in the worker, not the browser's process memory. The page is "
        "reloaded between runs."
    )
    print(
        "- pandas read_csv: wall time and max RSS of a fresh `python` process doing "
        "`import pandas; pd.read_csv(FILE, sep=...)` (default C engine, no dtype hints); nothing "
        "is subtracted — interpreter start, `import pandas` and its baseline memory are "
        "included. The notes give the time of `read_csv` alone."
    )


def customers_table(rows):
    rows = sorted(rows, key=lambda r: CUSTOMER_TOOLS.index(r["tool"]) if r["tool"] in CUSTOMER_TOOLS else 99)
    first = rows[0]
    size_mb = first["bytes"] / 1e6 if first.get("bytes") is not None else None
    lines = next((r["rows"] for r in rows if isinstance(r.get("rows"), int)), None)
    print(
        f"### customers: {first['file']} ({fmt(size_mb, 1)} MB"
        + (f", {lines:,} lines" if lines is not None else "")
        + "): parse + clean + customer features"
    )
    print()
    print("| tool | time s | MB/s | peak memory MB | customers | notes |")
    print("|---|--:|--:|--:|--:|---|")
    for r in rows:
        t = r.get("time_s")
        mbps = size_mb / t if (size_mb is not None and t) else None
        peak = r["peak_bytes"] / 1e6 if r.get("peak_bytes") is not None else None
        n = f"{r['customers']:,}" if isinstance(r.get("customers"), int) and not r.get("error") else "n/a"
        note = r.get("error") and f"**not measured**: {r['error']}" or r.get("note", "")
        print(f"| {r['tool']} | {fmt(t, 3)} | {fmt(mbps, 1)} | {fmt(peak, 1)} | {n} | {note} |")
    print()
    print(
        "MB = 10^6 bytes. Time is the best of the runs; peak memory is the largest over the runs. "
        "Every tool drops cancellations / returns (InvoiceNo `C` + digit, Quantity <= 0, negative "
        "spend), lines without CustomerID and exact duplicate rows, then computes per customer "
        "recency, tenure, lifetime, frequency, monetary, avg order value, avg days between "
        "orders, distinct products, return share, spend 30 / 90 days, spend trend, R/F/M "
        "quintile scores and the RFM segment; a run with another number of customers than 4,339 "
        "fails its row."
    )
    print(
        "- custos CLI native: wall time and max RSS (/usr/bin/time -v) of the whole "
        "`custos customers FILE -o /dev/null` process (read, parse, infer types, clean, features, "
        "CSV output)."
    )
    print(
        "- custos browser worker: the worker's own times, read + parse (`data-elapsed-ms` of the "
        "dataset summary) + Explore with the default settings (`data-elapsed-ms` of the explore "
        "overview: clean, features, prep, chart data); peak = `data-worker-memory` after "
        "Explore, the bytes of wasm linear memory in the worker, not the browser's process "
        "memory. The page is reloaded between runs."
    )
    print(
        "- pandas read_csv + groupby: wall time and max RSS of a fresh `python` process running "
        "scripts/bench.d/pandas_customers.py (`import pandas`, `read_csv`, boolean-mask "
        "cleaning, `duplicated()`, `to_datetime`, one `groupby().agg()`, scores, `to_csv` to "
        "/dev/null); nothing is subtracted. The notes give each phase's time."
    )


def segment_tables(rows):
    datasets = []
    for r in rows:
        if r.get("dataset", r["file"]) not in datasets:
            datasets.append(r.get("dataset", r["file"]))
    for i, name in enumerate(datasets):
        if i:
            print()
        segment_dataset(name, [r for r in rows if r.get("dataset", r["file"]) == name])
    print()
    print(
        "MB = 10^6 bytes. Time is the best of the runs; peak memory is the largest over the runs. "
        "Every tool sweeps k = 2..10 with K-means (k-means++, 10 restarts, seed 42) and measures "
        "each k: silhouette (exact up to 10,000 customers; above, on one random sample of 10,000 "
        "shared by every k; each tool draws its own sample), Calinski–Harabasz, Davies–Bouldin; "
        "features that are never negative and have skewness > 1 are log1p-transformed, then "
        "every feature is standardized. Chosen k: highest silhouette, ties within 0.01 broken by "
        "the elbow of the inertia curve, from k = 3 up unless k = 2 reaches 0.7 (Custos's rule, "
        "src/core/segment/sweep.rs; applied to scikit-learn's metrics by the script). "
        "× scikit-learn process = time / the time of scikit-learn's whole process (defaults); "
        "× scikit-learn work = time / its in-process work alone (read_csv + log1p + scale + "
        "sweep, without interpreter start and imports): the fairer yardstick for the browser, "
        "whose time starts with the file already parsed. Below 1: faster. A run that "
        "segments another number of customers fails its row."
    )
    print(
        "- custos CLI native: wall time and max RSS (/usr/bin/time -v) of the whole "
        "`custos segment FILE --features … --k-range 2..10 --algo kmeans --seed 42 --json` "
        "process; for Online Retail that includes reading the 541,909-line transaction file and "
        "building the customer table (~0.5 s, see the customers benchmark)."
    )
    print(
        "- custos browser worker: `data-elapsed-ms` of [data-testid=segment-summary], the "
        "worker's whole Segment step after Continue to Segment with the defaults (sweep, final "
        "fit, profiles, personas, PCA, charts), file already parsed and explored; peak = "
        "`data-worker-memory`, bytes of wasm linear memory in the worker, not the browser's "
        "process memory. Silhouettes are read from the page (3 decimals). One thread (wasm)."
    )
    print(
        "- scikit-learn: wall time and max RSS of a fresh `python` process running "
        "scripts/bench.d/sklearn_segment.py (imports, `read_csv` of the customer table, log1p, "
        "`StandardScaler`, per k `KMeans(n_clusters=k, init=\"k-means++\", n_init=10, "
        "random_state=42)`, `silhouette_score`, `calinski_harabasz_score`, "
        "`davies_bouldin_score`); nothing is subtracted. The notes give the sweep alone. "
        "`scikit-learn` runs with its defaults (OpenMP and BLAS threads on every core); "
        "`scikit-learn, 1 thread` under OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "
        "MKL_NUM_THREADS=1, like the app's worker (on a loaded machine OpenMP's waiting threads "
        "can cost more than they bring)."
    )


def segment_dataset(name, rows):
    rows = sorted(rows, key=lambda r: SEGMENT_TOOLS.index(r["tool"]) if r["tool"] in SEGMENT_TOOLS else 99)
    ok = [r for r in rows if not r.get("error")]
    n = next((r["rows"] for r in ok if isinstance(r.get("rows"), int)), None)
    features = next((r["features"] for r in ok if r.get("features")), None)
    logged = next((r["log_features"] for r in ok if r.get("log_features") is not None), None)
    first = rows[0]
    size_mb = first["bytes"] / 1e6 if first.get("bytes") is not None else None
    head = f"### segment: {name} ({first['file']}, {fmt(size_mb, 1)} MB"
    if n is not None:
        head += f"; {n:,} customers"
    if features:
        head += f" × {len(features)} features"
        if len(features) <= 4:
            head += f": {', '.join(features)}"
        if logged:
            head += f"; log1p of {', '.join(logged)}"
        elif logged == []:
            head += "; none log-transformed"
    print(head + "): k sweep 2..10")
    print()
    ref = next((r for r in ok if r["tool"] == "scikit-learn" and r.get("time_s")), None)
    phases = (ref or {}).get("phases") or {}
    ref_work = sum(phases.get(k) or 0 for k in ["read_s", "prep_s", "sweep_s"]) or None
    print(
        "| tool | time s | × scikit-learn process | × scikit-learn work | peak memory MB | chosen k | "
        "silhouette at chosen k | silhouette at k = 5 | notes |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in rows:
        t = r.get("time_s")
        ratio = f"{t / ref['time_s']:.2f}" if (ref and t and not r.get("error")) else "n/a"
        ratio_work = f"{t / ref_work:.2f}" if (ref_work and t and not r.get("error")) else "n/a"
        peak = r["peak_bytes"] / 1e6 if r.get("peak_bytes") is not None else None
        err = r.get("error")
        k = str(r["chosen_k"]) if r.get("chosen_k") is not None and not err else "n/a"
        note = err and f"**not measured**: {err}" or r.get("note", "")
        print(
            f"| {r['tool']} | {fmt(None if err else t, 3)} | {ratio} | {ratio_work} | {fmt(None if err else peak, 1)} | {k} | "
            f"{fmt(None if err else r.get('silhouette_chosen'), 3)} | "
            f"{fmt(None if err else r.get('silhouette_k5'), 3)} | {note} |"
        )
    # The 1-thread scikit-learn run gives the same metrics as the default one: one column.
    measured = [r for r in ok if r.get("metrics") and r["tool"] != "scikit-learn, 1 thread"]
    if not measured:
        return
    print()
    ks = sorted({m["k"] for r in measured for m in r["metrics"]})
    cols = [(r["tool"], {m["k"]: m for m in r["metrics"]}, r.get("chosen_k")) for r in measured]
    inertia_cols = [c for c in cols if c[0] != "custos browser worker"]  # shown rounded there

    def cell(by_k, k, key, chosen, digits):
        v = by_k.get(k, {}).get(key)
        text = fmt(v, digits)
        return f"**{text}**" if k == chosen and v is not None else text

    header = ["k"] + [f"silhouette: {t}" for t, _, _ in cols] + [f"inertia: {t}" for t, _, _ in inertia_cols]
    print("| " + " | ".join(header) + " |")
    print("|" + "--:|" * len(header))
    for k in ks:
        cells = [str(k)]
        cells += [cell(by_k, k, "silhouette", chosen, 3) for _, by_k, chosen in cols]
        cells += [cell(by_k, k, "inertia", chosen, 1) for _, by_k, chosen in inertia_cols]
        print("| " + " | ".join(cells) + " |")
    print()
    print(
        "Bold: each tool's chosen k. Inertia (sum of squared distances to the centres, in "
        "standardized units; lower = a better K-means fit at that k) compares the fits "
        "themselves, free of silhouette sampling."
    )


def predict_tables(rows, meta):
    datasets = []
    for r in rows:
        if r.get("dataset", r["file"]) not in datasets:
            datasets.append(r.get("dataset", r["file"]))
    by = {(r.get("dataset", r["file"]), r["tool"]): r for r in rows}

    def model_of(dataset, tool, key):
        """(fit s, predict s, AUC) of one model, or None when the tool was not measured."""
        r = by.get((dataset, tool))
        if not r or r.get("error"):
            return None
        m = (r.get("models") or {}).get(key)
        if not m or m.get("error"):
            return None
        return m.get("fit_s"), m.get("predict_s"), m.get("test_auc")

    def one(dataset, tool, key):
        v = model_of(dataset, tool, key)
        return ("n/a",) * 3 if v is None else (fmt(v[0], 3), fmt(v[1], 3), fmt(v[2], 4))

    def pair(dataset, key):
        """scikit-learn-style cells "1 thread / default" for fit and predict, one AUC."""
        a = model_of(dataset, "scikit-learn, 1 thread", key)
        b = model_of(dataset, "scikit-learn", key)
        if a is None and b is None:
            return ("n/a",) * 3
        cell = lambda i: f"{fmt(a[i] if a else None, 3)} / {fmt(b[i] if b else None, 3)}"
        aucs = [fmt(v[2], 4) for v in (a, b) if v is not None]
        auc = aucs[0] if len(set(aucs)) == 1 else " / ".join(aucs)
        return cell(0), cell(1), auc

    print("### predict: fit on the training part, score the test part (default hyperparameters, no balancing)")
    print()
    print(
        "| dataset | test rows | model | native fit s | native predict s | native AUC | "
        "browser fit s | browser predict s | browser AUC | "
        "scikit-learn fit s (1 thread / default) | predict s (1 thread / default) | scikit-learn AUC | "
        "XGBoost fit s (1 thread / default) | predict s (1 thread / default) | XGBoost AUC |"
    )
    print("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for dataset in datasets:
        tested = next((r["rows"] for r in rows if r.get("dataset", r["file"]) == dataset
                       and not r.get("error") and isinstance(r.get("rows"), int)), None)
        for key, name in PREDICT_MODELS:
            cells = [dataset, f"{tested:,}" if tested else "n/a", name]
            cells += one(dataset, "custos CLI native", key)
            cells += one(dataset, "custos browser worker", key)
            cells += pair(dataset, key)
            cells += pair(dataset, "xgb") if key == "gbdt" else ("",) * 3
            print("| " + " | ".join(cells) + " |")
    print()

    # The issue-5 target.
    b = model_of(TARGET_DATASET, "custos browser worker", "gbdt")
    r = by.get((TARGET_DATASET, "custos browser worker"))
    if b is None or b[0] is None or b[2] is None:
        why = (r or {}).get("error") or "no browser result"
        verdict = f"**not measured** ({why})"
    else:
        met = b[0] < TARGET_FIT_S and b[2] >= TARGET_AUC
        verdict = (
            f"**{'met' if met else 'NOT met'}**: fit {b[0]:.3f} s "
            f"({'<' if b[0] < TARGET_FIT_S else '≥'} {TARGET_FIT_S:g} s), test AUC {b[2]:.4f} "
            f"({'≥' if b[2] >= TARGET_AUC else '<'} {TARGET_AUC})"
        )
    print(
        f"Target (issue 5): the browser's gradient boosting fits {TARGET_DATASET} in under "
        f"{TARGET_FIT_S:g} s with test AUC ≥ {TARGET_AUC}: {verdict}."
    )
    print()

    # Whole runs.
    print("| dataset | tool | test rows | whole run s | peak memory MB | notes |")
    print("|---|---|--:|--:|--:|---|")
    order = lambda r: (datasets.index(r.get("dataset", r["file"])),
                       PREDICT_TOOLS.index(r["tool"]) if r["tool"] in PREDICT_TOOLS else 99)
    for r in sorted(rows, key=order):
        err = r.get("error")
        t = None if err else r.get("time_s")
        peak = r["peak_bytes"] / 1e6 if (r.get("peak_bytes") is not None and not err) else None
        n = f"{r['rows']:,}" if isinstance(r.get("rows"), int) and not err else "n/a"
        note = err and f"**not measured**: {err}" or r.get("note", "")
        model_notes = []
        for key, m in (r.get("models") or {}).items():
            if m.get("error"):
                model_notes.append(f"{key}: **not measured**: {m['error']}")
            elif m.get("auc_runs"):
                model_notes.append(f"{key}: test AUC differs between runs {m['auc_runs']}")
            if m.get("note") and not err:
                model_notes.append(f"{key}: {m['note']}")
            if m.get("iterations") is not None and not err and key in ("gbdt", "xgb"):
                stop = ", early stopping" if m.get("early_stopping") else (
                    ", no early stopping" if m.get("early_stopping") is False else "")
                model_notes.append(f"{key}: {m['iterations']} iterations{stop}")
        if model_notes:
            note += "; " + "; ".join(model_notes)
        print(f"| {r.get('dataset', r['file'])} | {r['tool']} | {n} | {fmt(t, 3)} | {fmt(peak, 1)} | {note} |")
    print()
    folds = meta.get("predict_folds", "K")
    print(
        "Times in seconds, each the best over the runs (fit and predict separately); AUC = test "
        "ROC-AUC on the held-out 20 %. Every tool splits with scikit-learn's "
        "`train_test_split(test_size=0.2, stratify=y, random_state=42)` (Custos reproduces it row "
        "for row) and prepares the features the same way, fitted on the training part: median "
        "imputation, log1p of numeric columns with no negative value and skewness > 1, "
        "standardisation (0/1 columns left as they are), one-hot with at most 20 levels. A tool "
        "whose test part is not the expected size is not measured. Fit = the model's fit on the "
        "prepared training matrix alone; predict = probabilities for the test part alone."
    )
    print(
        "- native: `custos predict FILE --target T --positive P --models lr,tree,rf,gbdt "
        f"--folds {folds} --seed 42 --json`: fit_seconds / predict_seconds of the final fit on "
        "the whole training part (its own clock, in ms precision), test_roc_auc; whole run = "
        "wall time and max RSS of the process, which also cross-validates every model "
        f"({folds} folds) and computes permutation importance."
    )
    print(
        "- browser: the app's Predict step in headless Chromium, through its form (the four "
        f"models, balance none, {folds} folds, seed 42): the leaderboard rows' data-fit-seconds, "
        "data-predict-seconds and data-test-auc (the worker's own timing, wasm, one thread); "
        "whole run = data-elapsed-ms of [data-testid=predict-summary] (file already parsed and "
        "explored)."
    )
    print(
        "- scikit-learn / XGBoost: scripts/bench.d/sklearn_predict.py in a fresh process: "
        "`LogisticRegression(max_iter=1000)`, `DecisionTreeClassifier(max_depth=6, "
        "min_samples_leaf=20)` (Custos's tree defaults), `RandomForestClassifier(n_estimators=100)`, "
        "`HistGradientBoostingClassifier()` (its defaults: 100 iterations, early stopping only "
        "above 10,000 training rows, so on for bank-full and off for shoppers; Custos's boosting "
        "always stops early, at most 500 rounds), `XGBClassifier(tree_method=\"hist\")` (its "
        "defaults: 100 rounds, depth 6, rate 0.3), all with random_state=42. \"1 thread\": "
        "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 and n_jobs=1 (forest, "
        "XGBoost), like the app's worker; \"default\": the libraries' defaults (OpenMP / BLAS / "
        "XGBoost threads on every core; the forest's n_jobs=None is one core). Whole run = wall "
        "time and max RSS of the process (imports, read_csv, preparation, five fits and "
        "predictions; no cross-validation, no importance)."
    )


def value_tables(rows):
    order = lambda r: (0 if r.get("dataset") == "Online Retail" else 1,
                       VALUE_TOOLS.index(r["tool"]) if r["tool"] in VALUE_TOOLS else 99,
                       r.get("config") or "")
    rows = sorted(rows, key=order)
    print("### value: BG/NBD + Gamma-Gamma and supervised CLV (Online Retail; CDNOW_master)")
    print()
    print(
        "| dataset | tool | models | customers | whole s | BG/NBD + GG fit s | peak memory MB | r | "
        "alpha /day | p | q | v | Σ predicted holdout purchases | notes |"
    )
    print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in rows:
        if r["tool"] == "scikit-learn, 1 thread":
            continue  # supervised only: the next table
        err = r.get("error")
        bg = r.get("bgnbd") or {}
        gg = r.get("gamma_gamma") or {}
        g = lambda d, k, n: fmt(None if err else d.get(k), n)
        peak = r["peak_bytes"] / 1e6 if (r.get("peak_bytes") is not None and not err) else None
        n = f"{r['rows']:,}" if isinstance(r.get("rows"), int) and not err else "n/a"
        note = err and f"**not measured**: {err}" or r.get("note", "")
        if not err and r.get("prob_fit_source"):
            note += f"; BG/NBD + GG fit: {r['prob_fit_source']}"
        for f in r.get("bgnbd_fits") or []:
            if not err:
                state = "converged" if f.get("converged") else f"**{f.get('error')}**"
                note += f"; BetaGeoFitter(penalizer {f['penalizer']:g}): {fmt(f.get('fit_s'), 3)} s, {state}"
        if not err and bg.get("boundary"):
            note += f"; boundary: {bg['boundary']}"
        print(
            f"| {r.get('dataset', r['file'])} | {r['tool']} | {r.get('config', '')} | {n} | "
            f"{fmt(None if err else r.get('time_s'), 3)} | {fmt(None if err else r.get('prob_fit_s'), 3)} | "
            f"{fmt(peak, 1)} | {g(bg, 'r', 4)} | {g(bg, 'alpha', 3)} | {g(gg, 'p', 4)} | {g(gg, 'q', 4)} | "
            f"{g(gg, 'v', 2)} | {fmt(None if err else r.get('holdout_predicted_purchases'), 1)} | {note} |"
        )
    print()

    # Supervised models on Online Retail: every tool's fit time and test R².
    def model(tool, key):
        r = next((r for r in rows if r["tool"] == tool and r.get("dataset") == "Online Retail"
                  and r.get("config") == "every model" and not r.get("error")), None)
        m = ((r or {}).get("models") or {}).get(key)
        if not m or m.get("error"):
            return "n/a", "n/a"
        return fmt(m.get("fit_s"), 3), fmt(m.get("test_r2"), 4)

    print("| model | native fit s | browser fit s | scikit-learn fit s (1 thread) | native test R² | "
          "browser test R² | scikit-learn test R² |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for key, name in VALUE_MODELS:
        (nf, nr), (bf, br), (sf, sr) = (model(t, key) for t in
                                        ("custos CLI native", "custos browser worker", "scikit-learn, 1 thread"))
        print(f"| {name} | {nf} | {bf} | {sf} | {nr} | {br} | {sr} |")
    sk = next((r for r in rows if r["tool"] == "scikit-learn, 1 thread"), None)
    if sk and sk.get("error"):
        print()
        print(f"scikit-learn: **not measured**: {sk['error']}")
    print()

    # The issue-13 targets.
    def find(tool, dataset, config=None):
        return next((r for r in rows if r["tool"] == tool and r.get("dataset") == dataset
                     and (config is None or r.get("config") == config) and not r.get("error")), None)

    browser_bg = find("custos browser worker", "Online Retail", "BG/NBD alone")
    lt_cdnow = find("lifetimes", "CDNOW_master")
    lt_retail = find("lifetimes", "Online Retail")
    if not browser_bg or browser_bg.get("prob_fit_s") is None:
        verdict = "**not measured** (no browser run with BG/NBD alone)"
    elif not lt_cdnow or lt_cdnow.get("prob_fit_s") is None:
        verdict = f"browser {browser_bg['prob_fit_s']:.3f} s; **lifetimes on CDNOW_master not measured**"
    else:
        b, l = browser_bg["prob_fit_s"], lt_cdnow["prob_fit_s"]
        verdict = (f"**{'met' if b < l else 'NOT met'}**: browser {b:.3f} s on Online Retail "
                   f"({browser_bg['prob_fit_source']}) {'<' if b < l else '≥'} lifetimes {l:.3f} s on "
                   f"CDNOW_master ({lt_cdnow.get('rows') or '?'} customers)")
        if lt_retail and lt_retail.get("prob_fit_s") is not None:
            verdict += f"; lifetimes on Online Retail {lt_retail['prob_fit_s']:.3f} s ({lt_retail['prob_fit_source']})"
    print(f"Target (issue 13): BG/NBD + Gamma-Gamma fit in the browser faster than lifetimes' fit: {verdict}.")
    browser_all = find("custos browser worker", "Online Retail", "every model")
    if not browser_all or browser_all.get("time_s") is None:
        verdict = "**not measured**"
    else:
        t = browser_all["time_s"]
        met = t < VALUE_STEP_TARGET_S
        verdict = f"**{'met' if met else 'NOT met'}**: {t:.3f} s ({'<' if met else '≥'} {VALUE_STEP_TARGET_S:g} s)"
    print(f"Target (issue 13): the whole Value step on Online Retail in the browser under "
          f"{VALUE_STEP_TARGET_S:g} s: {verdict}.")
    print()
    print(
        "Times in seconds, best over the runs. Online Retail: cutoff 2011-09-10 (the last purchase "
        "day − 90), horizon 90 days; CDNOW_master: cutoff 1997-09-30, horizon 273 days. "
        "Customers = those with a purchase up to the cutoff (the ones BG/NBD models). Custos "
        "(CLI and browser) runs with the app's defaults (returns netted, every model, seed 42); "
        "lifetimes and scikit-learn with the anchors' cleaning (ANCHORS-VALUE.md §4), so their "
        "customers can differ by a few."
    )
    print(
        "- native: `custos value FILE --seed 42 --json` (and `--models bgnbd`); whole = wall time "
        "and max RSS of the process (read, customer table, the whole Value step, JSON). BG/NBD + GG "
        "fit: the report's fit times, or the CLI's own wall time of the stages the core names "
        "BG/NBD or Gamma-Gamma (the notes say which). Model fit s: the leaderboard's fit_seconds "
        "(the final fit on the training part)."
    )
    print(
        "- browser: the app's Value step in headless Chromium with its defaults, and with BG/NBD "
        "alone; whole = data-elapsed-ms of [data-testid=value-summary] (file already parsed and "
        "explored; wasm, one thread); BG/NBD + GG fit: data-bgnbd-fit-seconds + "
        "data-gg-fit-seconds when the app sets them, else the whole step with BG/NBD alone (an "
        "upper bound). Model fit s: the leaderboard rows' data-fit-seconds."
    )
    print(
        "- lifetimes 0.11.3 (scripts/bench.d/lifetimes_value.py, one thread): fit times in one "
        "process, best of the runs after a warm-up; BetaGeoFitter includes the Hessian it computes "
        "after converging. On Online Retail it raises ConvergenceError with penalizer 0 (the "
        "maximum likelihood is on the boundary a → 0, b → ∞; its time up to the error is shown) "
        "and converges with penalizer 0.1, which shrinks r and alpha (shown). Whole = the process "
        "incl. imports, read_csv and `calibration_and_holdout_data`."
    )
    print(
        "- scikit-learn (scripts/bench.d/sklearn_value.py, one thread): Ridge(alpha=1) and the "
        "MLP standardized (log1p target for the MLP), trees on raw features, the anchors' 8 "
        "features and `train_test_split(test_size=0.2, random_state=42)`; fit s = median of the "
        "runs; no cross-validation."
    )


def recommend_tables(rows):
    rules = [r for r in rows if r.get("min_support") is not None]
    recs = [r for r in rows if r.get("method")]
    if rules:
        rules_table(rules)
    if recs:
        if rules:
            print()
        recommenders_table(recs)


def rules_table(rows):
    configs = []
    for r in rows:
        key = (r["dataset"], r["min_support"], r["min_confidence"])
        if key not in configs:
            configs.append(key)
    order = lambda r: (configs.index((r["dataset"], r["min_support"], r["min_confidence"])),
                       RULES_TOOLS.index(r["tool"]) if r["tool"] in RULES_TOOLS else 99)
    print("### recommend: frequent itemsets + association rules (Groceries basket list; Online Retail invoices)")
    print()
    print("| dataset | min support | min confidence | tool | baskets | items | itemsets | rules, 1 item on the right | "
          "mlxtend rules, all | FP-growth + rules s | whole s | peak memory MB | notes |")
    print("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in sorted(rows, key=order):
        err = r.get("error")
        g = lambda k: None if err else r.get(k)
        n = lambda k: f"{g(k):,}" if isinstance(g(k), int) else "n/a"
        peak = r["peak_bytes"] / 1e6 if (r.get("peak_bytes") is not None and not err) else None
        note = err and f"**not measured**: {err}" or r.get("note", "")
        print(f"| {r['dataset']} | {r['min_support']:g} | {r['min_confidence']:g} | {r['tool']} | {n('baskets')} | "
              f"{n('items')} | {n('itemsets')} | {n('rules_single')} | {n('rules_all') if g('rules_all') is not None else ''} | "
              f"{fmt(g('mine_rules_s'), 3)} | {fmt(g('time_s'), 3)} | {fmt(peak, 1)} | {note} |")
    print()
    # Do the tools agree? (Groceries is also checked against the anchors by scripts/bench.)
    for dataset, support, confidence in configs:
        ok = [r for r in rows if (r["dataset"], r["min_support"], r["min_confidence"]) == (dataset, support, confidence)
              and not r.get("error")]
        counts = {r["tool"]: (r.get("baskets"), r.get("itemsets"), r.get("rules_single")) for r in ok}
        if len(counts) < 2:
            continue
        if len(set(counts.values())) == 1:
            b, i, n = next(iter(counts.values()))
            verdict = f"every tool finds {b:,} baskets, {i:,} itemsets, {n:,} rules"
        else:
            verdict = "**the tools differ** (baskets, itemsets, rules): " + "; ".join(
                f"{t} {c[0]:,} / {c[1]:,} / {c[2]:,}" for t, c in counts.items())
        print(f"- {dataset} ({support:g}, {confidence:g}): {verdict}.")
    print()
    print(
        "Times in seconds: FP-growth + rules is the best over the runs of the mining and the rules "
        "alone (each tool's own clock); whole = wall time of the fastest process, peak = the largest "
        "max RSS over the runs (/usr/bin/time -v). Support = share of the baskets, thresholds "
        "inclusive, no limit on the itemset length. Rules are counted with one item on the right "
        "(as Custos and R's arules make them); mlxtend also makes rules with several items on the "
        "right (its own count in its column). Groceries: 747 itemsets / 463 rules at (0.006, 0.25) "
        "and 13,492 / 5,668 at (0.001, 0.5) (ANCHORS-VALUE.md §5), else the row is not measured."
    )
    print(
        "- custos CLI native: `custos rules FILE [--baskets] --min-support S --min-confidence C "
        "--max-len 1000 --json`; FP-growth + rules = its fit_seconds. Online Retail: baskets = the "
        "orders that stand after the app's default cleaning (returns netted, orders returned in "
        "full left out); items = every StockCode of the file, also those in no basket."
    )
    print(
        "- mlxtend (scripts/bench.d/mlxtend_rules.py, one thread): a fresh process doing the "
        "imports, the read (Online Retail: read_csv and the same cleaning and baskets in pandas, "
        "scripts/bench.d/retail_baskets.py), `TransactionEncoder` (dense), `fpgrowth` or "
        "`apriori(low_memory=True)` with use_colnames, then `association_rules(metric=\"confidence\")`; "
        "items = those in a basket. apriori is run on Groceries only (as the anchors; on Online "
        "Retail it takes 12-19 s a run)."
    )


def recommenders_table(rows):
    methods = [m for m, _ in REC_METHODS]
    order = lambda r: (methods.index(r["method"]) if r["method"] in methods else 99,
                       REC_TOOLS.index(r["tool"]) if r["tool"] in REC_TOOLS else 99)
    names = dict(REC_METHODS)
    print("### recommend: top 10 for every customer (Online Retail, items = StockCode)")
    print()
    print("| method | tool | customers | baskets | baskets s | fit s | top 10 for all s | whole s | "
          "peak memory MB | notes |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|---|")
    for r in sorted(rows, key=order):
        err = r.get("error")
        g = lambda k: None if err else r.get(k)
        n = lambda k: f"{g(k):,}" if isinstance(g(k), int) else "n/a"
        peak = r["peak_bytes"] / 1e6 if (r.get("peak_bytes") is not None and not err) else None
        note = err and f"**not measured**: {err}" or r.get("note", "")
        print(f"| {names.get(r['method'], r['method'])} | {r['tool']} | {n('customers')} | {n('baskets')} | "
              f"{fmt(g('baskets_s'), 3)} | {fmt(g('fit_s'), 3)} | {fmt(g('recommend_s'), 3)} | "
              f"{fmt(g('time_s'), 3)} | {fmt(peak, 1)} | {note} |")
    print()
    for method, name in REC_METHODS:
        ok = {r["tool"]: r.get("customers") for r in rows if r["method"] == method and not r.get("error")}
        if len(ok) >= 2 and len(set(ok.values())) > 1:
            print(f"- {name}: **the tools give lists to different numbers of customers**: "
                  + "; ".join(f"{t} {c}" for t, c in ok.items()) + ".")
    print(
        "Times in seconds, each the best over the runs (each tool's own clock): baskets = clean the "
        "purchase lines and form the baskets and the customer x item matrix (value = the "
        "customer's baskets holding the item); fit; top 10 for all = a list of 10 items for every "
        "customer (already bought items allowed, as the anchors' main rows). Whole = wall time "
        "of the fastest process, peak = the largest max RSS over the runs (/usr/bin/time -v)."
    )
    print(
        "- custos CLI native: `custos recommend FILE --method als|cooccurrence --json`, its "
        "`timings` (baskets_seconds, fit_seconds, recommend_seconds) and n_customers."
    )
    print(
        "- Python (scripts/bench.d/implicit_recommend.py, a fresh process, one thread): the same "
        "cleaning and baskets in pandas (scripts/bench.d/retail_baskets.py; its baskets time "
        "excludes read_csv, given in the notes), then implicit 0.7.3 "
        "`AlternatingLeastSquares(factors=64, iterations=15, regularization=0.01, alpha=1.0, "
        "random_state=42, num_threads=1)` fit and `recommend(all users, N=10)`; or co-occurrence: "
        "together = BᵀB (scipy), score(j) = Σ over the customer's items i ≠ j of together(i, j), "
        "ties → popularity → StockCode, top 10 by argpartition."
    )


if __name__ == "__main__":
    sys.exit(main())
