#!/usr/bin/env python3
"""Turn the benchmark's JSON-lines results into a markdown table (standard output).

    report.py RESULTS.jsonl

Each line: {"bench"?, "file", "bytes", "rows", "tool", "time_s", "peak_bytes", "note", "error"?,
"customers"?, ...}, or {"meta": {...}} lines with versions and the machine description. "bench" is
"ingest" (the default) or "customers"; each benchmark gets its own table.
"""
import json
import sys

TOOLS = ["custos CLI native", "custos browser worker", "pandas read_csv"]
CUSTOMER_TOOLS = ["custos CLI native", "custos browser worker", "pandas read_csv + groupby"]


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
    if ingest:
        if customers:
            print("### ingest")
            print()
        ingest_table(ingest)
    if customers:
        if ingest:
            print()
        customers_table(customers)
    if meta:
        print()
        for key in ["machine", "custos", "app", "chromium", "pandas", "runs"]:
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


if __name__ == "__main__":
    sys.exit(main())
