#!/usr/bin/env python3
"""mlxtend reference for `custos rules` (frequent itemsets + association rules), in this (fresh)
process (ANCHORS-VALUE.md §5).

    mlxtend_rules.py FILE --format baskets|online-retail --min-support S --min-confidence C
                     [--max-len N] [--algo fpgrowth|apriori] [--cleaning app|anchors]

Steps, each timed:
- read:    baskets: a basket list (one basket per line, items separated by commas, lines of any
           length; groceries.csv: 9,835 baskets, 169 items), read with the csv module;
           online-retail: pd.read_csv of the purchase lines;
- baskets: online-retail only: the cleaning and baskets of scripts/bench.d/retail_baskets.py
           (--cleaning app, the default: as `custos rules FILE` forms them, 18,336 baskets;
           anchors: ANCHORS-VALUE.md §4's cleaning, baskets = InvoiceNo);
- encode:  TransactionEncoder().fit(baskets).transform(baskets) -> a dense boolean DataFrame;
- mine:    fpgrowth(df, min_support, use_colnames=True, max_len) (the default), or
           apriori(..., low_memory=True) as the anchors;
- rules:   association_rules(itemsets, num_itemsets=baskets, metric="confidence",
           min_threshold=C) (thresholds inclusive, as Custos).
mlxtend emits every split of an itemset into a non-empty antecedent and a non-empty consequent
of any size; Custos (and R's arules) only single-item consequents, so the comparable count is
`rules_single` (`rules_all` is mlxtend's own). Prints one JSON object: counts, phase times,
versions. One thread (OMP_NUM_THREADS etc. are set to 1 before numpy loads).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

started = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import mlxtend  # noqa: E402
from mlxtend.frequent_patterns import apriori, association_rules, fpgrowth  # noqa: E402
from mlxtend.preprocessing import TransactionEncoder  # noqa: E402

IMPORT_S = time.perf_counter() - started
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retail_baskets  # noqa: E402

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--format", choices=["baskets", "online-retail"], required=True)
    ap.add_argument("--min-support", type=float, required=True)
    ap.add_argument("--min-confidence", type=float, required=True)
    ap.add_argument("--max-len", type=int, default=None, help="default: no limit")
    ap.add_argument("--algo", choices=["fpgrowth", "apriori"], default="fpgrowth")
    ap.add_argument("--cleaning", choices=["app", "anchors"], default="app")
    args = ap.parse_args()
    out = {"file": os.path.basename(args.file), "format": args.format, "algo": args.algo,
           "min_support": args.min_support, "min_confidence": args.min_confidence,
           "max_len": args.max_len}
    phases = {"import_s": IMPORT_S}

    t0 = time.perf_counter()
    if args.format == "baskets":
        with open(args.file, newline="", encoding="utf-8", errors="replace") as fh:
            baskets = [sorted({x.strip() for x in row if x.strip()}) for row in csv.reader(fh)]
        baskets = [b for b in baskets if b]
        phases["read_s"] = time.perf_counter() - t0
    else:
        df = retail_baskets.read(args.file)
        phases["read_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        lines, items, counts = retail_baskets.clean(df, args.cleaning)
        baskets = retail_baskets.basket_lists(lines, items)
        phases["baskets_s"] = time.perf_counter() - t0
        out["cleaning"] = args.cleaning
        out.update(counts)
        del df

    t0 = time.perf_counter()
    te = TransactionEncoder()
    onehot = pd.DataFrame(te.fit(baskets).transform(baskets), columns=te.columns_)
    phases["encode_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    if args.algo == "fpgrowth":
        itemsets = fpgrowth(onehot, min_support=args.min_support, use_colnames=True, max_len=args.max_len)
    else:
        itemsets = apriori(onehot, min_support=args.min_support, use_colnames=True,
                           max_len=args.max_len, low_memory=True)
    phases["mine_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if len(itemsets):
        rules = association_rules(itemsets, num_itemsets=len(baskets), metric="confidence",
                                  min_threshold=args.min_confidence)
    else:
        rules = pd.DataFrame({"consequents": []})
    phases["rules_s"] = time.perf_counter() - t0
    phases["mine_rules_s"] = phases["mine_s"] + phases["rules_s"]

    sizes = itemsets.itemsets.map(len) if len(itemsets) else pd.Series([], dtype=int)
    single = rules.consequents.map(len) == 1 if len(rules) else pd.Series([], dtype=bool)
    out.update({
        "baskets": len(baskets),
        "items": int(onehot.shape[1]),
        "mean_basket_size": float(np.mean([len(b) for b in baskets])),
        "itemsets": int(len(itemsets)),
        "itemsets_len2": int((sizes >= 2).sum()),
        "longest_itemset": int(sizes.max()) if len(sizes) else 0,
        "rules_single": int(single.sum()),
        "rules_all": int(len(rules)),
        "phases": phases,
        "versions": {"mlxtend": mlxtend.__version__, "pandas": pd.__version__,
                     "numpy": np.__version__, "python": sys.version.split()[0]},
    })
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
