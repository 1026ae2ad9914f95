#!/usr/bin/env python3
"""One pandas read_csv in this (fresh) process; prints JSON: rows, columns, times, versions.

    pandas_read.py FILE SEP
"""
import json
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402  (timed on purpose)

t1 = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=sys.argv[2])
t2 = time.perf_counter()
print(json.dumps({
    "rows": int(df.shape[0]),
    "cols": int(df.shape[1]),
    "import_s": t1 - t0,
    "read_s": t2 - t1,
    "pandas": pd.__version__,
    "numpy": __import__("numpy").__version__,
    "python": sys.version.split()[0],
}))
