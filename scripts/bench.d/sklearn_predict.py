#!/usr/bin/env python3
"""scikit-learn / XGBoost equivalent of Custos's Predict step fits, in this (fresh) process.

    sklearn_predict.py FILE --target COL --positive VALUE [--sep SEP] [--seed 42]
                       [--test-size 0.2] [--n-jobs N] [--models lr,tree,rf,gbdt,xgb]

Prints JSON: rows, train / test rows, features, which numeric columns were log-transformed, the
encoded column count, per model its estimator, fit time, predict time and test ROC-AUC, the
phase times and the library versions. --n-jobs N passes n_jobs=N to the random forest and
XGBoost (default: their own defaults, n_jobs=None); threads of OpenMP / BLAS (the histogram
gradient boosting, NumPy) are set by the caller's environment (OMP_NUM_THREADS=1 …).

The same data and preparation as src/core/predict (target.rs, design.rs, split.rs, search.rs),
written the way one would with scikit-learn:
- read:     pd.read_csv(FILE, sep=SEP); target = (str(COL).lower() == VALUE.lower()); the
            features are every other column, columns with no value or a single value among the
            rows dropped (design.rs select_features). Types as Custos infers them: numbers are
            numeric; a text column whose values are all one true/false pair (true/false,
            yes/no, y/n, t/f, any case; src/core/ingest/infer.rs) is a 0/1 column; other text
            is categorical;
- split:    train_test_split(rows, test_size=0.2, stratify=y, random_state=42) — Custos
            reproduces this split row for row (src/core/predict/numpy_rng.rs, split.rs);
- prepare:  a ColumnTransformer fitted on the training part only (design.rs Design::fit and
            src/core/prep): numeric columns that are not 0/1, have no negative value in any
            row and population skewness > 1 in the training rows: SimpleImputer(median) ->
            log1p -> StandardScaler; other numeric non-0/1 columns: SimpleImputer(median) ->
            StandardScaler; 0/1 columns: SimpleImputer(median), not scaled; categorical:
            SimpleImputer(most_frequent) -> OneHotEncoder(max_categories=20,
            handle_unknown="infrequent_if_exist") (every level its own column, above 20 levels
            the 19 most frequent plus one "other"; an unseen level goes to "other" or is all
            zeros, as Custos);
- models:   each fitted on the prepared training matrix (dense float64), timed alone
            (time.perf_counter), then predict_proba on the prepared test matrix, timed alone;
            ROC-AUC by roc_auc_score on the test part:
            lr    LogisticRegression(max_iter=1000)                       (Custos: C = 1, L2, L-BFGS)
            tree  DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state=seed)
                                                                          (Custos's Predict defaults, search.rs)
            rf    RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=N)
            gbdt  HistGradientBoostingClassifier(random_state=seed)       (its defaults)
            xgb   XGBClassifier(tree_method="hist", random_state=seed, n_jobs=N) (its defaults)
"""
import argparse
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402  (timed on purpose)
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

try:
    import xgboost  # noqa: E402
    from xgboost import XGBClassifier  # noqa: E402

    xgboost_error = None
except Exception as e:  # noqa: BLE001  (reported, the other models still run)
    xgboost, XGBClassifier = None, None
    xgboost_error = f"cannot import xgboost: {type(e).__name__}: {e}"

t1 = time.perf_counter()

AUTO_SKEWNESS = 1.0  # src/core/prep/transform.rs
MAX_LEVELS = 20  # DesignParams::default().max_levels
BOOLEAN_PAIRS = [{"true", "false"}, {"yes", "no"}, {"y", "n"}, {"t", "f"}]
MODELS = ["lr", "tree", "rf", "gbdt", "xgb"]


def skewness(v):
    """Population skewness of the finite values (src/core/prep/stats.rs), None without spread."""
    v = v[np.isfinite(v)]
    if v.size < 3:
        return None
    d = v - v.mean()
    m2, m3 = (d * d).mean(), (d * d * d).mean()
    return m3 / m2**1.5 if m2 > 0 else None


def is_indicator(v):
    v = v[np.isfinite(v)]
    return v.size > 0 and bool(np.isin(v, (0.0, 1.0)).all())


def typed_features(df, target):
    """Numeric (float) columns and categorical (object) columns, as Custos types them."""
    numeric, categorical = {}, {}
    for name in df.columns:
        if name == target:
            continue
        col = df[name]
        if pd.api.types.is_bool_dtype(col):
            numeric[name] = col.astype(float)
        elif pd.api.types.is_numeric_dtype(col):
            numeric[name] = col.astype(float)
        else:
            text = col.astype("string").str.strip()
            seen = set(text.dropna().str.lower().unique())
            pair = next((p for p in BOOLEAN_PAIRS if seen and seen <= p), None)
            # One-letter pairs must show both letters (a column holding only "F" is no boolean).
            if pair is not None and (len(next(iter(pair))) > 1 or seen == pair):
                truth = next(t for t in pair if t in ("true", "yes", "y", "t"))
                numeric[name] = text.str.lower().map(lambda s: np.nan if pd.isna(s) else float(s == truth)).astype(float)
            else:
                categorical[name] = col.astype(object).where(col.notna(), np.nan)
    return numeric, categorical


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--positive", required=True)
    ap.add_argument("--sep", default=",")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-size", type=float, default=0.2)
    ap.add_argument("--n-jobs", type=int, default=None)
    ap.add_argument("--models", default=",".join(MODELS))
    a = ap.parse_args()
    wanted = [m.strip() for m in a.models.split(",") if m.strip()]
    unknown = [m for m in wanted if m not in MODELS]
    if unknown:
        print(f"sklearn_predict.py: unknown model(s) {unknown}; use {','.join(MODELS)}", file=sys.stderr)
        return 2

    # --- read ------------------------------------------------------------------------------------
    t2 = time.perf_counter()
    df = pd.read_csv(a.file, sep=a.sep)
    t3 = time.perf_counter()
    raw = df[a.target]
    labelled = raw.notna().to_numpy()
    y_all = raw.astype(str).str.strip().str.lower().eq(a.positive.strip().lower()).to_numpy()
    numeric, categorical = typed_features(df, a.target)
    # Only customers with a target are split (the others would only be scored).
    rows = np.flatnonzero(labelled)
    y = y_all[rows]

    def distinct(values):
        return pd.Series(values).iloc[rows].dropna().nunique()

    dropped = [n for n, v in {**numeric, **categorical}.items() if distinct(v) < 2]
    features = [n for n in df.columns if n != a.target and n not in dropped]
    x = pd.DataFrame({n: numeric[n] if n in numeric else categorical[n] for n in features}).iloc[rows]
    x = x.reset_index(drop=True)

    # --- split -----------------------------------------------------------------------------------
    t4 = time.perf_counter()
    train, test = train_test_split(
        np.arange(len(rows)), test_size=a.test_size, stratify=y, random_state=a.seed
    )
    x_train, x_test, y_train, y_test = x.iloc[train], x.iloc[test], y[train], y[test]

    # --- prepare (fitted on the training part) ---------------------------------------------------
    t5 = time.perf_counter()
    num_cols = [n for n in features if n in numeric]
    cat_cols = [n for n in features if n in categorical]
    ind_cols = [n for n in num_cols if is_indicator(x_train[n].to_numpy())]
    log_cols, scale_cols = [], []
    for n in num_cols:
        if n in ind_cols:
            continue
        every = x[n].to_numpy()
        every = every[np.isfinite(every)]
        s = skewness(x_train[n].to_numpy())
        if every.size and every.min() >= 0 and s is not None and s > AUTO_SKEWNESS:
            log_cols.append(n)
        else:
            scale_cols.append(n)
    prep = ColumnTransformer(
        [
            ("log", Pipeline([
                ("impute", SimpleImputer(strategy="median")),
                ("log1p", FunctionTransformer(np.log1p)),
                ("scale", StandardScaler()),
            ]), log_cols),
            ("num", Pipeline([
                ("impute", SimpleImputer(strategy="median")),
                ("scale", StandardScaler()),
            ]), scale_cols),
            ("bool", SimpleImputer(strategy="median"), ind_cols),
            ("cat", Pipeline([
                ("impute", SimpleImputer(strategy="most_frequent")),
                ("onehot", OneHotEncoder(max_categories=MAX_LEVELS, handle_unknown="infrequent_if_exist",
                                         sparse_output=False)),
            ]), cat_cols),
        ],
        sparse_threshold=0.0,
    )
    m_train = np.ascontiguousarray(prep.fit_transform(x_train), dtype=np.float64)
    m_test = np.ascontiguousarray(prep.transform(x_test), dtype=np.float64)
    t6 = time.perf_counter()

    # --- models ----------------------------------------------------------------------------------
    def estimator(key):
        if key == "lr":
            return LogisticRegression(max_iter=1000)
        if key == "tree":
            return DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state=a.seed)
        if key == "rf":
            return RandomForestClassifier(n_estimators=100, random_state=a.seed, n_jobs=a.n_jobs)
        if key == "gbdt":
            return HistGradientBoostingClassifier(random_state=a.seed)
        return XGBClassifier(tree_method="hist", random_state=a.seed, n_jobs=a.n_jobs)

    described = {
        "lr": "LogisticRegression(max_iter=1000)",
        "tree": f"DecisionTreeClassifier(max_depth=6, min_samples_leaf=20, random_state={a.seed})",
        "rf": f"RandomForestClassifier(n_estimators=100, random_state={a.seed}, n_jobs={a.n_jobs})",
        "gbdt": f"HistGradientBoostingClassifier(random_state={a.seed})",
        "xgb": f"XGBClassifier(tree_method=\"hist\", random_state={a.seed}, n_jobs={a.n_jobs})",
    }
    models = []
    for key in wanted:
        entry = {"model": key, "estimator": described[key]}
        if key == "xgb" and XGBClassifier is None:
            entry["error"] = xgboost_error
            models.append(entry)
            continue
        est = estimator(key)
        s0 = time.perf_counter()
        est.fit(m_train, y_train)
        s1 = time.perf_counter()
        proba = est.predict_proba(m_test)[:, 1]
        s2 = time.perf_counter()
        entry.update(fit_s=s1 - s0, predict_s=s2 - s1, test_auc=float(roc_auc_score(y_test, proba)))
        if key == "lr":
            entry["iterations"] = int(np.max(est.n_iter_))
        elif key == "gbdt":
            entry["iterations"] = int(est.n_iter_)
            entry["early_stopping"] = bool(est.do_early_stopping_)
        elif key == "xgb":
            entry["iterations"] = int(est.get_booster().num_boosted_rounds())
        models.append(entry)
    t7 = time.perf_counter()

    threads = {}
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            threads[f"{info.get('user_api')}:{info.get('internal_api')}"] = info.get("num_threads")
    except Exception:  # noqa: BLE001  (informative only)
        pass

    print(json.dumps({
        "rows": int(df.shape[0]),
        "labelled": int(len(rows)),
        "train_rows": int(len(train)),
        "test_rows": int(len(test)),
        "test_positives": int(y_test.sum()),
        "features": features,
        "dropped": dropped,
        "log_features": log_cols,
        "indicator_features": ind_cols,
        "categorical_features": cat_cols,
        "encoded_columns": int(m_train.shape[1]),
        "n_jobs": a.n_jobs,
        "models": models,
        "import_s": t1 - t0,
        "read_s": t3 - t2,
        "split_s": t5 - t4,
        "prep_s": t6 - t5,
        "models_s": t7 - t6,
        "sklearn": sklearn.__version__,
        "xgboost": getattr(xgboost, "__version__", None),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
        "threads": threads,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
