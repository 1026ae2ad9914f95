#!/usr/bin/env python3
"""scikit-learn reference for the Value step's supervised CLV table (ANCHORS-VALUE.md §4).

    sklearn_value.py [FILE] [--cutoff 2011-09-10] [--horizon-days 90] [--seed 42]
                     [--prep anchors|app] [--runs 3] [--models ridge,tree,...] [--table]

FILE defaults to ../shared/data/online_retail_sparkguide.csv (next to the repository). Prints
JSON (or a markdown table with --table): the customers, the split, the target, and per model
its test MAE / RMSE / R² / Spearman, its 5-fold CV RMSE and R² (mean ± sd) on the training
part, the same CV over all customers (the anchors' CV column), and its fit time
(median of --runs fits, one thread).

Data, as the anchors define them and as tests/value_supervised.rs builds them:
- clean:    drop lines without CustomerID, InvoiceNo starting with 'C', Quantity <= 0,
            UnitPrice <= 0 (exact duplicates kept): 541,909 -> 397,884 lines;
- features: from the lines before the cutoff date, per customer (sorted by CustomerID):
            recency_days = cutoff - last purchase day, frequency_invoices = distinct invoices,
            monetary = sum(Quantity * UnitPrice), tenure_days = cutoff - first purchase day,
            avg_order_value = monetary / frequency_invoices, distinct_products = distinct
            StockCode, spend_last_30d / spend_last_90d = spend on days >= cutoff - 30 / 90;
- target:   spend on days cutoff .. cutoff + horizon (both included; 2011-09-10..2011-12-09),
            0 for a customer without a line there;
- split:    train_test_split(X, y, test_size=0.2, random_state=seed), no stratification
            (Custos reproduces it: src/core/value/regress/split.rs);
- CV:       KFold(5, shuffle=True, random_state=seed) over the training part in table order
            (X_train.sort_index(): Custos reproduces these folds; mean ± sample sd, as Custos
            reports), and over all customers (the anchors' column; mean ± population sd);
- prep:     'anchors' (default): StandardScaler for ridge and the MLP, raw features for the
            trees; 'app': the Predict design Custos uses by default (log1p of the columns with
            no negative value and population skewness > 1 in the training rows, then
            StandardScaler) for every model;
- models:   ridge  Ridge(alpha=1)
            tree   DecisionTreeRegressor(max_depth=6, random_state=seed)
            tree20 DecisionTreeRegressor(max_depth=6, min_samples_leaf=20, random_state=seed)
            rf     RandomForestRegressor(100, random_state=seed, n_jobs=1)
            gbdt   HistGradientBoostingRegressor(random_state=seed)
            mlp    MLPRegressor(hidden_layer_sizes=(64,), max_iter=2000, random_state=seed) with a log1p target
                   (TransformedTargetRegressor(log1p, expm1))
            mlp_raw the same MLP on the raw target (slow: about 18 s a fit; not in the default)
            mean / median  DummyRegressor.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from scipy.stats import skew, spearmanr
from sklearn.compose import TransformedTargetRegressor
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import KFold, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.tree import DecisionTreeRegressor

warnings.filterwarnings("ignore", category=ConvergenceWarning)

FEATURES = [
    "recency_days",
    "frequency_invoices",
    "monetary",
    "tenure_days",
    "avg_order_value",
    "distinct_products",
    "spend_last_30d",
    "spend_last_90d",
]
DEFAULT_MODELS = ["ridge", "tree", "tree20", "rf", "gbdt", "mlp", "mean", "median"]
AUTO_SKEWNESS = 1.0  # src/core/prep/transform.rs


def customer_data(path, cutoff, horizon_days):
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})
    lines_read = len(df)
    keep = (
        df.CustomerID.notna()
        & ~df.InvoiceNo.str.startswith("C")
        & (df.Quantity > 0)
        & (df.UnitPrice > 0)
    )
    df = df[keep].copy()
    df["day"] = pd.to_datetime(df.InvoiceDate).dt.normalize()
    df["spend"] = df.Quantity * df.UnitPrice
    cut = pd.Timestamp(cutoff)
    cal = df[df.day < cut]
    g = cal.groupby("CustomerID")
    x = pd.DataFrame(
        {
            "recency_days": (cut - g.day.max()).dt.days,
            "frequency_invoices": g.InvoiceNo.nunique(),
            "monetary": g.spend.sum(),
            "tenure_days": (cut - g.day.min()).dt.days,
        }
    )
    x["avg_order_value"] = x.monetary / x.frequency_invoices
    x["distinct_products"] = g.StockCode.nunique()
    for days in (30, 90):
        window = cal[cal.day >= cut - pd.Timedelta(days=days)]
        x[f"spend_last_{days}d"] = (
            window.groupby("CustomerID").spend.sum().reindex(x.index).fillna(0.0)
        )
    hold = df[(df.day >= cut) & (df.day <= cut + pd.Timedelta(days=horizon_days))]
    y = hold.groupby("CustomerID").spend.sum().reindex(x.index).fillna(0.0)
    return x[FEATURES].astype(float), y.astype(float), lines_read, len(df)


class AppDesign(sklearn.base.TransformerMixin, sklearn.base.BaseEstimator):
    """Custos's Predict design on numeric columns: log1p of the skewed non-negative columns
    (decided on the training rows), then StandardScaler."""

    def fit(self, x, y=None):
        x = np.asarray(x, dtype=float)
        self.log_ = [
            j
            for j in range(x.shape[1])
            if (x[:, j] >= 0).all()
            and len(np.unique(x[:, j])) > 2
            and skew(x[:, j]) > AUTO_SKEWNESS
        ]
        self.scaler_ = StandardScaler().fit(self._log(x))
        return self

    def _log(self, x):
        x = np.array(x, dtype=float)
        for j in self.log_:
            x[:, j] = np.log1p(np.maximum(x[:, j], 0.0))
        return x

    def transform(self, x):
        return self.scaler_.transform(self._log(x))


def model(name, prep, seed):
    def scaled(estimator):
        if prep == "app":
            return make_pipeline(AppDesign(), estimator)
        return make_pipeline(StandardScaler(), estimator)

    def raw(estimator):
        return make_pipeline(AppDesign(), estimator) if prep == "app" else estimator

    log_target = dict(func=np.log1p, inverse_func=np.expm1, check_inverse=False)
    return {
        "ridge": lambda: scaled(Ridge(alpha=1.0)),
        "tree": lambda: raw(DecisionTreeRegressor(max_depth=6, random_state=seed)),
        "tree20": lambda: raw(
            DecisionTreeRegressor(max_depth=6, min_samples_leaf=20, random_state=seed)
        ),
        "rf": lambda: raw(RandomForestRegressor(n_estimators=100, random_state=seed, n_jobs=1)),
        "gbdt": lambda: raw(HistGradientBoostingRegressor(random_state=seed)),
        "mlp": lambda: TransformedTargetRegressor(
            regressor=scaled(MLPRegressor(hidden_layer_sizes=(64,), max_iter=2000, random_state=seed)),
            **log_target,
        ),
        "mlp_raw": lambda: scaled(MLPRegressor(hidden_layer_sizes=(64,), max_iter=2000, random_state=seed)),
        "mean": lambda: DummyRegressor(strategy="mean"),
        "median": lambda: DummyRegressor(strategy="median"),
    }[name]()


def metrics(y, p):
    return {
        "mae": float(mean_absolute_error(y, p)),
        "rmse": float(np.sqrt(mean_squared_error(y, p))),
        "r2": float(r2_score(y, p)),
        "spearman": float(spearmanr(y, p).statistic) if np.ptp(p) > 0 else float("nan"),
    }


def cv(make, x, y, seed, ddof):
    rmse, r2 = [], []
    for fit_rows, valid_rows in KFold(5, shuffle=True, random_state=seed).split(x):
        m = make().fit(x.iloc[fit_rows], y.iloc[fit_rows])
        p = m.predict(x.iloc[valid_rows])
        rmse.append(np.sqrt(mean_squared_error(y.iloc[valid_rows], p)))
        r2.append(r2_score(y.iloc[valid_rows], p))
    return {
        "rmse_mean": float(np.mean(rmse)),
        "rmse_sd": float(np.std(rmse, ddof=ddof)),
        "r2_mean": float(np.mean(r2)),
        "r2_sd": float(np.std(r2, ddof=ddof)),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_file = os.path.join(here, "../../../shared/data/online_retail_sparkguide.csv")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", default=default_file)
    ap.add_argument("--cutoff", default="2011-09-10")
    ap.add_argument("--horizon-days", type=int, default=90)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--prep", choices=["anchors", "app"], default="anchors")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS))
    ap.add_argument("--no-cv", action="store_true", help="skip both CV columns")
    ap.add_argument("--table", action="store_true", help="print a markdown table")
    args = ap.parse_args()

    t0 = time.perf_counter()
    x, y, lines_read, lines_kept = customer_data(args.file, args.cutoff, args.horizon_days)
    features_s = time.perf_counter() - t0
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, random_state=args.seed
    )
    out = {
        "lines_read": lines_read,
        "lines_kept": lines_kept,
        "customers": len(x),
        "target_zero_share": float((y == 0).mean()),
        "target_mean": float(y.mean()),
        "target_max": float(y.max()),
        "train": len(x_train),
        "test": len(x_test),
        "test_mean": float(y_test.mean()),
        "test_customers_first5": [str(c) for c in x_test.index[:5]],
        "prep": args.prep,
        "seed": args.seed,
        "read_and_features_s": features_s,
        "versions": {"sklearn": sklearn.__version__, "pandas": pd.__version__},
        "models": {},
    }
    for name in args.models.split(","):
        times = []
        for _ in range(max(args.runs, 1)):
            started = time.perf_counter()
            fitted = model(name, args.prep, args.seed).fit(x_train, y_train)
            times.append(time.perf_counter() - started)
        row = metrics(y_test, fitted.predict(x_test))
        row["fit_s"] = float(np.median(times))
        if not args.no_cv:
            make = lambda: model(name, args.prep, args.seed)  # noqa: E731
            # Custos's folds: KFold over the training customers in table order, sample sd.
            row["cv_train"] = cv(make, x_train.sort_index(), y_train.sort_index(), args.seed, 1)
            # The anchors' column: KFold over all customers, population sd.
            row["cv_all"] = cv(make, x, y, args.seed, 0)
        out["models"][name] = row
    if args.table:
        print(
            f"{out['customers']} customers, train {out['train']} / test {out['test']} "
            f"(test mean {out['test_mean']:.2f}), prep {args.prep}, seed {args.seed}\n"
        )
        print("| model | test MAE | test RMSE | test R² | Spearman | CV RMSE (train) | CV R² (train) | CV R² (all) | fit s |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, r in out["models"].items():
            c, a = r.get("cv_train"), r.get("cv_all")
            cvs = (
                f"{c['rmse_mean']:.1f} ± {c['rmse_sd']:.1f} | {c['r2_mean']:.4f} ± {c['r2_sd']:.4f} | "
                f"{a['r2_mean']:.4f} ± {a['r2_sd']:.4f}"
                if c
                else "- | - | -"
            )
            print(
                f"| {name} | {r['mae']:.2f} | {r['rmse']:.2f} | {r['r2']:.4f} | {r['spearman']:.4f} | "
                f"{cvs} | {r['fit_s']:.3f} |"
            )
    else:
        json.dump(out, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
