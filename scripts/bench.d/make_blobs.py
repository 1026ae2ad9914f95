#!/usr/bin/env python3
"""Write the Segment benchmark's generated customer table: seeded Gaussian blobs.

    make_blobs.py OUT [--rows N] [--features D] [--seed S]      (defaults 100000, 10, 42)

One row per customer: `customer_id` (1, 2, …, shuffled blob order) and D numeric features
`feature_01` … from 6 Gaussian blobs of different sizes (30, 22, 18, 14, 10, 6 % of the rows)
and spreads (standard deviation 0.6 … 2.0 around a centre drawn uniformly in [-8, 8] per
feature). Centres straddle 0, so no feature is non-negative and none is log-transformed by
Custos's default rule (non-negative with skewness > 1); the features are already on one scale,
standardizing leaves them comparable. A benchmark input, not sample data: Python's standard
library only (`random`, whose Gaussian generator is stable across versions), 4 decimals.
Prints one line to standard error: rows, features, blob sizes.
"""
import argparse
import random
import sys

SHARES = [0.30, 0.22, 0.18, 0.14, 0.10, 0.06]
SPREADS = [0.6, 1.0, 1.5, 0.8, 2.0, 1.2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--features", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.rows < len(SHARES) or a.features < 2:
        ap.error(f"--rows must be at least {len(SHARES)} and --features at least 2")

    rng = random.Random(a.seed)
    centres = [[rng.uniform(-8.0, 8.0) for _ in range(a.features)] for _ in SHARES]
    sizes = [int(a.rows * s) for s in SHARES]
    sizes[0] += a.rows - sum(sizes)
    blob_of_row = [b for b, n in enumerate(sizes) for _ in range(n)]
    rng.shuffle(blob_of_row)

    names = [f"feature_{j + 1:02d}" for j in range(a.features)]
    with open(a.out, "w", encoding="utf-8", newline="") as fh:
        fh.write("customer_id," + ",".join(names) + "\n")
        for i, b in enumerate(blob_of_row, start=1):
            centre, sd = centres[b], SPREADS[b]
            fh.write(f"{i}," + ",".join(f"{rng.gauss(c, sd):.4f}" for c in centre) + "\n")
    print(
        f"make_blobs: {a.rows} rows x {a.features} features, seed {a.seed}, blob sizes {sizes}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
