#!/usr/bin/env python3
"""scikit-learn equivalent of Custos's K-means k sweep on a customer table, in this (fresh) process.

    sklearn_segment.py FILE --features a,b,c [--k-min 2] [--k-max 10] [--seed 42] [--no-log]

FILE is a customer table (one row per customer, a header row, comma-separated): for Online
Retail the CSV written by `custos customers FILE -o …` (or by pandas_customers.py), for the
generated blobs the file itself. Prints JSON: customers, features, which were log-transformed,
per k the metrics and their times, the suggested k (Custos's rule), phase times, versions.

The same steps as src/core/segment/run.rs (prepare) and sweep.rs, written the way one would with
scikit-learn:
- read:     pd.read_csv(FILE), the chosen columns, rows with a value in every one of them;
- prepare:  np.log1p of each feature that is never negative, not 0/1 only, and has skewness
            > 1 (population skewness, as src/core/prep/stats.rs; unless --no-log), then
            StandardScaler (population standard deviation, as Custos);
- sweep:    for k in k-min..k-max: KMeans(n_clusters=k, init="k-means++", n_init=10,
            random_state=seed).fit(X); silhouette_score (exact up to 10,000 rows, above that
            sample_size=10000, random_state=seed: one sample, the same for every k),
            calinski_harabasz_score, davies_bouldin_score;
- suggest:  highest silhouette; silhouettes within 0.01 of it are a tie, broken by the k nearest
            the elbow of the inertia curve (largest second difference), smaller k on a tie; when
            that is k = 2 with a silhouette below 0.7, the same rule among k >= 3 (as
            src/core/segment/sweep.rs `suggest`; keep the two in step).
"""
import argparse
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402  (timed on purpose)
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler  # noqa: E402

t1 = time.perf_counter()

SILHOUETTE_EXACT_MAX = 10_000
AUTO_SKEWNESS = 1.0
NEAR_TIE = 0.01
STRONG_SILHOUETTE = 0.7


def skewness(v):
    d = v - v.mean()
    m2, m3 = (d * d).mean(), (d * d * d).mean()
    return m3 / m2**1.5 if m2 > 0 else float("nan")


def suggest_among(rows, candidates):
    best = max(candidates, key=lambda r: r["silhouette"])  # first of equals = smaller k
    bends = [
        (rows[i]["k"], rows[i - 1]["inertia"] - 2 * rows[i]["inertia"] + rows[i + 1]["inertia"])
        for i in range(1, len(rows) - 1)
    ]
    if len(candidates) == 1 or not bends:
        return best["k"]
    elbow = max(bends, key=lambda b: b[1])[0]  # first of equals
    near = [r for r in candidates if r["silhouette"] >= best["silhouette"] - NEAR_TIE]
    return min(near, key=lambda r: (abs(r["k"] - elbow), r["k"]))["k"]


def suggest(rows):
    k = suggest_among(rows, rows)
    beyond = [r for r in rows if r["k"] >= 3]
    two = next((r for r in rows if r["k"] == 2), None)
    if k == 2 and two["silhouette"] < STRONG_SILHOUETTE and beyond:
        return suggest_among(rows, beyond)
    return k


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--features", required=True)
    ap.add_argument("--k-min", type=int, default=2)
    ap.add_argument("--k-max", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-log", action="store_true")
    a = ap.parse_args()
    features = [f.strip() for f in a.features.split(",") if f.strip()]

    # --- read ------------------------------------------------------------------------------------
    t2 = time.perf_counter()
    df = pd.read_csv(a.file)
    n_customers = len(df)
    x = df[features].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=np.float64)
    t3 = time.perf_counter()

    # --- prepare ---------------------------------------------------------------------------------
    logged = []
    if not a.no_log:
        for j, name in enumerate(features):
            v = x[:, j]
            indicator = np.isin(v, (0.0, 1.0)).all()
            if v.min() >= 0 and not indicator and skewness(v) > AUTO_SKEWNESS:
                x[:, j] = np.log1p(v)
                logged.append(name)
    x = StandardScaler().fit_transform(x)
    n = x.shape[0]
    sample = SILHOUETTE_EXACT_MAX if n > SILHOUETTE_EXACT_MAX else None
    t4 = time.perf_counter()

    # --- sweep -----------------------------------------------------------------------------------
    rows = []
    for k in range(a.k_min, a.k_max + 1):
        s0 = time.perf_counter()
        km = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=a.seed).fit(x)
        s1 = time.perf_counter()
        sil = silhouette_score(x, km.labels_, sample_size=sample, random_state=a.seed)
        s2 = time.perf_counter()
        ch = calinski_harabasz_score(x, km.labels_)
        db = davies_bouldin_score(x, km.labels_)
        s3 = time.perf_counter()
        rows.append({
            "k": k,
            "inertia": float(km.inertia_),
            "silhouette": float(sil),
            "calinski_harabasz": float(ch),
            "davies_bouldin": float(db),
            "iterations": int(km.n_iter_),
            "fit_s": s1 - s0,
            "silhouette_s": s2 - s1,
            "ch_db_s": s3 - s2,
        })
    t5 = time.perf_counter()

    threads = {}
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            threads[f"{info.get('user_api')}:{info.get('internal_api')}"] = info.get("num_threads")
    except Exception:  # noqa: BLE001  (informative only)
        pass

    print(json.dumps({
        "customers": n_customers,
        "segmented": n,
        "features": features,
        "log_features": logged,
        "silhouette_sample": sample,
        "metrics": rows,
        "suggested_k": suggest(rows),
        "import_s": t1 - t0,
        "read_s": t3 - t2,
        "prep_s": t4 - t3,
        "sweep_s": t5 - t4,
        "fit_s": sum(r["fit_s"] for r in rows),
        "silhouette_s": sum(r["silhouette_s"] for r in rows),
        "ch_db_s": sum(r["ch_db_s"] for r in rows),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
        "threads": threads,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
