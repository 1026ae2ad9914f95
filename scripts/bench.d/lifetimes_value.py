#!/usr/bin/env python3
"""lifetimes reference for the Value step's probabilistic models (ANCHORS-VALUE.md §4).

    lifetimes_value.py FILE --format online-retail|cdnow-master|cdnow-sample
                       [--cutoff YYYY-MM-DD] [--horizon-days N] [--runs 3]
                       [--penalizers 0,0.1]

Prints one JSON object: the calibration / holdout summary (lifetimes'
`calibration_and_holdout_data`, freq='D': purchases on one day merge, x = repeat purchase days,
t_x and T in days from the first purchase day to the last one and to the cutoff, the holdout
window = the N days after the cutoff), then, each timed alone (best and every one of --runs fits,
in this process, after a warm-up fit that is not counted):
- BetaGeoFitter(penalizer_coef=P).fit for every P of --penalizers (lifetimes' default start, its
  BFGS, and the Hessian it computes after convergence). A fit that raises ConvergenceError is
  reported with its time up to the error and the error (Online Retail: with penalizer 0, 0.001
  and 0.01 — the maximum likelihood lies on the boundary a -> 0, b -> inf; 0.1 is the smallest
  decade that converges, and it shrinks r and alpha: 0.53 / 48.0 instead of 0.7224 / 65.873);
- the prediction with the first BG/NBD that converged: E[purchases in the horizon] for every
  customer (conditional_expected_number_of_purchases_up_to_time), summed and compared with the
  holdout;
- GammaGammaFitter(penalizer_coef=0).fit on the repeat buyers with a positive mean spend per
  repeat purchase day (lifetimes refuses the others; CDNOW has $0 purchases), its expected spend for every customer, and customer_lifetime_value (12 months, 1 % a
  month, freq='D') with that BG/NBD.

Data:
- online-retail: CSV with a header; lines without CustomerID, InvoiceNo starting with 'C',
  Quantity <= 0 or UnitPrice <= 0 are dropped (541,909 -> 397,884 lines), spend = Quantity x
  UnitPrice, the day of InvoiceDate. Default cutoff 2011-09-10, horizon 90 days.
- cdnow-master: lifetimes' CDNOW_master.txt (whitespace; header customer_id, date (yyyymmdd),
  number_of_cds, dollar_value; 23,570 customers). Default cutoff 1997-09-30 (the paper's 39 weeks), horizon 273 days.
- cdnow-sample: CDNOW_sample.txt (master id, sample id, yyyymmdd, CDs, dollars; the sample id is
  the customer; 2,357 customers). Same defaults as cdnow-master.
One thread (OMP_NUM_THREADS etc. are set to 1 before numpy loads, as in the app's worker).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

started = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import lifetimes  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.utils import calibration_and_holdout_data  # noqa: E402

IMPORT_S = time.perf_counter() - started
warnings.filterwarnings("ignore")

DEFAULTS = {
    "online-retail": ("2011-09-10", 90),
    "cdnow-master": ("1997-09-30", 273),
    "cdnow-sample": ("1997-09-30", 273),
}


def read_lines(path, fmt):
    """(lines with customer, date (a day), spend; lines read)."""
    if fmt == "online-retail":
        df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})
        read = len(df)
        keep = (
            df.CustomerID.notna()
            & ~df.InvoiceNo.str.startswith("C")
            & (df.Quantity > 0)
            & (df.UnitPrice > 0)
        )
        df = df[keep]
        lines = pd.DataFrame(
            {
                "customer": df.CustomerID.astype("int64"),
                "date": pd.to_datetime(df.InvoiceDate).dt.normalize(),
                "spend": df.Quantity * df.UnitPrice,
            }
        )
        return lines, read
    if fmt == "cdnow-master":  # lifetimes' copy has a header
        df = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})
        df = df.rename(columns={"customer_id": "customer", "dollar_value": "spend"})
    else:
        names = ["master", "customer", "date", "cds", "spend"]
        df = pd.read_csv(path, sep=r"\s+", header=None, names=names, dtype={"date": str})
    df["date"] = pd.to_datetime(df.date, format="%Y%m%d")
    return df[["customer", "date", "spend"]], len(df)


def timed(runs, fit):
    """Best and every time of `runs` calls of `fit` after one warm-up call; its last result or
    the exception it raised (every call alike)."""
    times, result, error = [], None, None
    for i in range(runs + 1):
        t0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # lifetimes prints a failed fit
                result = fit()
            error = None
        except Exception as e:  # noqa: BLE001 - ConvergenceError and any numerical failure
            result, error = None, f"{type(e).__name__}: {' '.join(str(e).split())}"
        if i:
            times.append(time.perf_counter() - t0)
    return min(times), times, result, error


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--format", choices=sorted(DEFAULTS), required=True)
    ap.add_argument("--cutoff")
    ap.add_argument("--horizon-days", type=int)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--penalizers", default="0,0.1")
    args = ap.parse_args()
    cutoff, horizon = DEFAULTS[args.format]
    cutoff = pd.Timestamp(args.cutoff or cutoff)
    horizon = args.horizon_days or horizon
    holdout_end = cutoff + pd.Timedelta(days=horizon)
    runs = max(args.runs, 1)

    t0 = time.perf_counter()
    lines, lines_read = read_lines(args.file, args.format)
    read_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    s = calibration_and_holdout_data(
        lines,
        "customer",
        "date",
        calibration_period_end=cutoff,
        observation_period_end=holdout_end,
        freq="D",
        monetary_value_col="spend",
    )
    summary_s = time.perf_counter() - t0
    x, t_x, big_t = s.frequency_cal, s.recency_cal, s.T_cal
    # Gamma-Gamma needs a positive mean spend (CDNOW has $0 purchases).
    repeat = s[(s.frequency_cal > 0) & (s.monetary_value_cal > 0)]
    out = {
        "file": os.path.basename(args.file),
        "format": args.format,
        "versions": {
            "lifetimes": lifetimes.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "pandas": pd.__version__,
            "python": sys.version.split()[0],
        },
        "lines_read": lines_read,
        "lines_kept": len(lines),
        "cutoff": cutoff.date().isoformat(),
        "horizon_days": horizon,
        "holdout_end": holdout_end.date().isoformat(),
        "data_last_day": lines.date.max().date().isoformat(),
        "customers": len(s),
        "repeat_buyers": int((s.frequency_cal > 0).sum()),
        "repeat_buyers_without_positive_spend": int((s.frequency_cal > 0).sum()) - len(repeat),
        "sum_x": float(x.sum()),
        "holdout_actual_purchases": float(s.frequency_holdout.sum()),
        "phases": {"import_s": IMPORT_S, "read_s": read_s, "summary_s": summary_s},
        "runs": runs,
        "bgnbd": [],
    }

    model = None
    for penalizer in [float(p) for p in args.penalizers.split(",") if p.strip()]:
        best, times, fitted, error = timed(
            runs, lambda: BetaGeoFitter(penalizer_coef=penalizer).fit(x, t_x, big_t)
        )
        row = {"penalizer": penalizer, "fit_s": best, "fit_runs_s": times, "converged": fitted is not None}
        if error:
            row["error"] = error
        if fitted is not None:
            row["params"] = {k: float(v) for k, v in fitted.params_.items()}
            # No log-likelihood: lifetimes fits BG/NBD on rescaled times (10 / max T), so its
            # value is not the likelihood in days.
            p_best, p_times, predicted, _ = timed(
                runs,
                lambda: fitted.conditional_expected_number_of_purchases_up_to_time(
                    horizon, x, t_x, big_t
                ),
            )
            row["predict_s"] = p_best
            row["holdout_predicted_purchases"] = float(predicted.sum())
            model = model or fitted
        out["bgnbd"].append(row)

    best, times, gg, error = timed(
        runs,
        lambda: GammaGammaFitter(penalizer_coef=0.0).fit(
            repeat.frequency_cal, repeat.monetary_value_cal
        ),
    )
    g = {"customers": len(repeat), "fit_s": best, "fit_runs_s": times}
    if error:
        g["error"] = error
    if gg is not None:
        g["params"] = {k: float(v) for k, v in gg.params_.items()}
        g["log_likelihood"] = -float(gg._negative_log_likelihood_) * len(repeat)
        # Every customer's expected spend per purchase (one-time buyers: the population mean).
        m = s.monetary_value_cal.where(x > 0, 0.0)
        g["predict_s"], _, _, _ = timed(runs, lambda: gg.conditional_expected_average_profit(x, m))
        if model is not None:
            g["clv_12m_s"], _, clv, clv_error = timed(
                runs,
                lambda: gg.customer_lifetime_value(
                    model, x, t_x, big_t, m, time=12, discount_rate=0.01, freq="D"
                ),
            )
            if clv is not None:
                g["clv_12m_total"] = float(clv.sum())
            if clv_error:
                g["clv_error"] = clv_error
    out["gamma_gamma"] = g
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
