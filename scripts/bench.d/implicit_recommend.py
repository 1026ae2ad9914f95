#!/usr/bin/env python3
"""Python reference for `custos recommend` (top 10 for every customer), in this (fresh) process
(ANCHORS-VALUE.md §6).

    implicit_recommend.py FILE --method als|cooccurrence [--n 10] [--exclude-bought]
                          [--cleaning app|anchors]

Steps, each timed (the same phases as the CLI's JSON `timings`):
- read:      pd.read_csv of Online Retail's purchase lines;
- baskets:   the cleaning and baskets of scripts/bench.d/retail_baskets.py (--cleaning app, the
             default: as `custos recommend FILE` forms them, 18,336 baskets of 4,327 customers;
             anchors: ANCHORS-VALUE.md §4's cleaning, baskets = InvoiceNo), then the customer x
             StockCode matrix (scipy CSR, float32), value = the number of the customer's baskets
             holding the item; every customer with a basket is a user;
- fit:       als: implicit's AlternatingLeastSquares(factors=64, iterations=15,
             regularization=0.01, alpha=1.0, random_state=42, num_threads=1, use_gpu=False)
             .fit(user_items) (the anchors' model; implicit 0.7.3 uses c = alpha * value);
             cooccurrence: together = BᵀB of the baskets x items 0/1 matrix B (scipy sparse
             product, then dense float32, diagonal 0), popularity = baskets holding the item;
- recommend: the top --n for every user: als: model.recommend(all users, user_items, N,
             filter_already_liked_items=--exclude-bought) (batched); cooccurrence:
             score(u, j) = Σ over u's distinct items i ≠ j of together(i, j) (U·together, U the
             users x items 0/1 matrix, sparse times dense), ties → popularity → StockCode in text
             order (the anchors' and Custos's rule, one integer key per cell), top N by
             argpartition then sort; --exclude-bought puts u's own items last first.
Prints one JSON object: users, items, non-zeros, baskets, phase times, a checksum of the lists
(the first user's top items), versions. One thread (OMP_NUM_THREADS etc. are set to 1 before
numpy loads, and implicit's num_threads=1), as the app's worker.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

started = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import implicit  # noqa: E402
from implicit.als import AlternatingLeastSquares  # noqa: E402

IMPORT_S = time.perf_counter() - started
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retail_baskets  # noqa: E402

warnings.filterwarnings("ignore")


def cooccurrence_top(user_items, basket_items, items, n, exclude_bought):
    """(fit seconds, recommend seconds, top-n item codes per user)."""
    t0 = time.perf_counter()
    # A third of the pairs occur together on Online Retail: dense (float32 holds these counts
    # exactly, below 2^24).
    together = (basket_items.T @ basket_items).toarray()
    np.fill_diagonal(together, 0)
    popularity = np.asarray(basket_items.sum(axis=0)).ravel().astype(np.int64)
    fit_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    bought = user_items.copy()
    bought.data[:] = 1
    scores = np.asarray(bought @ together)
    # Ties: more popular first, then the StockCode in text order — one integer key per cell,
    # negated so that the best is the smallest (in place: the users x items matrix is large).
    n_items = len(items)
    order = sorted(range(n_items), key=lambda i: (-popularity[i], items[i]))
    tie = np.empty(n_items, dtype=np.int64)
    tie[order] = np.arange(n_items - 1, -1, -1)
    key = scores.astype(np.int64)
    del scores
    key *= -n_items
    key -= tie
    if exclude_bought:
        key[bought.nonzero()] = 1
    top = np.argpartition(key, n - 1, axis=1)[:, :n]
    picked = np.take_along_axis(key, top, axis=1)
    top = np.take_along_axis(top, np.argsort(picked, axis=1), axis=1)
    return fit_s, time.perf_counter() - t0, top


def als_top(user_items, n, exclude_bought, seed):
    t0 = time.perf_counter()
    model = AlternatingLeastSquares(factors=64, iterations=15, regularization=0.01, alpha=1.0,
                                    random_state=seed, num_threads=1, use_gpu=False)
    model.fit(user_items, show_progress=False)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    users = np.arange(user_items.shape[0])
    top, _scores = model.recommend(users, user_items, N=n, filter_already_liked_items=exclude_bought)
    return fit_s, time.perf_counter() - t0, top


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--method", choices=["als", "cooccurrence"], required=True)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--exclude-bought", action="store_true")
    ap.add_argument("--cleaning", choices=["app", "anchors"], default="app")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    phases = {"import_s": IMPORT_S}

    t0 = time.perf_counter()
    df = retail_baskets.read(args.file)
    phases["read_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lines, items, counts = retail_baskets.clean(df, args.cleaning)
    del df
    distinct = lines.drop_duplicates(["basket", "item"])
    user, users = pd.factorize(distinct.cust)
    basket, baskets = pd.factorize(distinct.basket)
    item = distinct.item.to_numpy()
    ones = np.ones(len(distinct), dtype=np.float32)
    # Duplicate (user, item) entries are summed: the number of the user's baskets with the item.
    user_items = sp.csr_matrix((ones, (user, item)), shape=(len(users), len(items)))
    user_items.sum_duplicates()
    basket_items = sp.csr_matrix((ones, (basket, item)),
                                 shape=(len(baskets), len(items)))
    phases["baskets_s"] = time.perf_counter() - t0

    if args.method == "als":
        fit_s, rec_s, top = als_top(user_items, args.n, args.exclude_bought, args.seed)
    else:
        fit_s, rec_s, top = cooccurrence_top(user_items, basket_items, items, args.n, args.exclude_bought)
    phases["fit_s"], phases["recommend_s"] = fit_s, rec_s

    out = {
        "file": os.path.basename(args.file),
        "method": args.method,
        "cleaning": args.cleaning,
        "n": args.n,
        "exclude_bought": args.exclude_bought,
        **counts,
        "n_customers": int(user_items.shape[0]),
        "n_items": int(len(items)),
        "n_baskets": int(len(baskets)),
        "nnz": int(user_items.nnz),
        "lists": int(len(top)),
        "first_user_top": [str(items[i]) for i in top[0]] if len(top) else [],
        "phases": phases,
        "versions": {"implicit": implicit.__version__, "scipy": scipy.__version__,
                     "numpy": np.__version__, "pandas": pd.__version__,
                     "python": sys.version.split()[0]},
    }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
