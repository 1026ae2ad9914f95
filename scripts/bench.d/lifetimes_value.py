#!/usr/bin/env python3
"""lifetimes cross-check of the Value step's probabilistic models (BG/NBD, Gamma-Gamma), in this
(fresh) process.

    lifetimes_value.py ONLINE_RETAIL_CSV [CDNOW_SAMPLE_TXT]

Prints JSON with, per data set: customers, repeat buyers, Σx, customers new in the holdout window
(and their spend), the fitted BG/NBD (r, alpha per day, a, b, log-likelihood) and Gamma-Gamma
(p, q, v, log-likelihood), the Σ of predicted and actual holdout purchases, and the time of each
fit. The numbers tests/value_probabilistic.rs asserts (see ../shared/docs/ANCHORS-VALUE.md §4).

- Online Retail (`online_retail_sparkguide.csv`): lines without CustomerID, InvoiceNo starting
  with C, Quantity <= 0 and UnitPrice <= 0 out (exact duplicates kept); spend = Quantity ×
  UnitPrice; lifetimes' calibration_and_holdout_data(freq="D") with the calibration period up to
  2011-09-10 and the holdout up to 2011-12-09 (90 days). lifetimes' BetaGeoFitter raises
  ConvergenceError on these data (the fit runs to a → 0, b → ∞), so BG/NBD is fitted here with
  scipy on the same log-likelihood (L-BFGS-B from three starts, best kept); Gamma-Gamma with
  lifetimes' GammaGammaFitter.
- CDNOW sample (lifetimes' `datasets/CDNOW_sample.txt`, default: the copy the package ships):
  columns master id, sample id, yyyymmdd, CDs, dollars; calibration up to 1997-09-30, holdout up
  to 1998-06-30 (273 days); both fitters from lifetimes.
"""
import contextlib
import io
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

warnings.filterwarnings("ignore")
import lifetimes  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.utils import calibration_and_holdout_data  # noqa: E402


def bgnbd_log_likelihood(params, x, t_x, big_t):
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def fit_bgnbd(x, t_x, big_t):
    """Best of three L-BFGS-B runs on log-parameters."""
    def nll(theta):
        return -bgnbd_log_likelihood(np.exp(theta), x, t_x, big_t).sum()

    scale = big_t.sum() / max(x.sum(), 1)
    best = None
    for start in ([1, 1, 1, 1], [1, scale, 1, 1], [0.5, 0.5 * scale, 0.5, 5]):
        res = minimize(nll, np.log(start), method="L-BFGS-B")
        if best is None or res.fun < best.fun:
            best = res
    r, alpha, a, b = np.exp(best.x)
    return dict(r=r, alpha=alpha, a=a, b=b, log_likelihood=-best.fun)


def summary(cal, transactions, id_col, date_col, spend_col, cutoff, end):
    window = transactions[(transactions[date_col] > cutoff) & (transactions[date_col] <= end)]
    new = window[~window[id_col].isin(cal.index)]
    return dict(
        customers=len(cal),
        repeat_buyers=int((cal.frequency_cal > 0).sum()),
        sum_x=int(cal.frequency_cal.sum()),
        new_in_holdout=int(new[id_col].nunique()),
        new_in_holdout_spend=round(float(new[spend_col].sum()), 2),
        actual_holdout_purchases=int(cal.frequency_holdout.sum()),
    )


def predictions(params, cal, horizon):
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series(params)
    return float(
        bgf.conditional_expected_number_of_purchases_up_to_time(
            horizon, cal.frequency_cal, cal.recency_cal, cal.T_cal
        ).sum()
    )


def gamma_gamma(cal):
    repeat = cal[(cal.frequency_cal > 0) & (cal.monetary_value_cal > 0)]
    ggf = GammaGammaFitter()
    t = time.perf_counter()
    ggf.fit(repeat.frequency_cal, repeat.monetary_value_cal)
    seconds = time.perf_counter() - t
    p, q, v = (float(ggf.params_[k]) for k in ("p", "q", "v"))
    x, m = repeat.frequency_cal.to_numpy(float), repeat.monetary_value_cal.to_numpy(float)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v) + (p * x - 1) * np.log(m)
          + p * x * np.log(x) - (p * x + q) * np.log(x * m + v)).sum()
    return dict(p=p, q=q, v=v, log_likelihood=float(ll), customers=len(repeat), fit_seconds=seconds)


def online_retail(path):
    df = pd.read_csv(path, dtype={"CustomerID": str, "InvoiceNo": str})
    df = df[df.CustomerID.notna() & ~df.InvoiceNo.str.startswith("C") & (df.Quantity > 0) & (df.UnitPrice > 0)].copy()
    df["spend"] = df.Quantity * df.UnitPrice
    df["day"] = pd.to_datetime(df.InvoiceDate).dt.floor("D")
    cutoff, end = pd.Timestamp("2011-09-10"), pd.Timestamp("2011-12-09")
    t = time.perf_counter()
    cal = calibration_and_holdout_data(df, "CustomerID", "day", cutoff, end, freq="D", monetary_value_col="spend")
    summary_seconds = time.perf_counter() - t
    out = summary(cal, df, "CustomerID", "day", "spend", cutoff, end)
    x, t_x, big_t = (cal[c].to_numpy(float) for c in ("frequency_cal", "recency_cal", "T_cal"))
    t = time.perf_counter()
    bg = fit_bgnbd(x, t_x, big_t)
    bg["fit_seconds"] = time.perf_counter() - t
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # lifetimes prints scipy's result
            BetaGeoFitter().fit(cal.frequency_cal, cal.recency_cal, cal.T_cal)
        bg["lifetimes"] = "converged"
    except Exception as error:  # lifetimes.utils.ConvergenceError
        bg["lifetimes"] = type(error).__name__
    out.update(
        summary_seconds=summary_seconds,
        bgnbd=bg,
        gamma_gamma=gamma_gamma(cal),
        predicted_holdout_purchases=predictions({k: bg[k] for k in "r alpha a b".split()}, cal, 90),
    )
    return out


def cdnow(path):
    df = pd.read_csv(path, sep=r"\s+", header=None, names=["master", "customer", "date", "cds", "dollars"], dtype={"date": str})
    df["date"] = pd.to_datetime(df.date, format="%Y%m%d")
    cutoff, end = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")
    cal = calibration_and_holdout_data(df, "customer", "date", cutoff, end, freq="D", monetary_value_col="dollars")
    out = summary(cal, df, "customer", "date", "dollars", cutoff, end)
    bgf = BetaGeoFitter()
    t = time.perf_counter()
    bgf.fit(cal.frequency_cal, cal.recency_cal, cal.T_cal)
    seconds = time.perf_counter() - t
    params = {k: float(bgf.params_[k]) for k in ("r", "alpha", "a", "b")}
    out.update(
        bgnbd=dict(
            params,
            alpha_per_week=params["alpha"] / 7,
            log_likelihood=float(bgnbd_log_likelihood(
                [params[k] for k in ("r", "alpha", "a", "b")],
                *(cal[c].to_numpy(float) for c in ("frequency_cal", "recency_cal", "T_cal")),
            ).sum()),
            fit_seconds=seconds,
        ),
        gamma_gamma=gamma_gamma(cal),
        predicted_holdout_purchases=predictions(params, cal, 273),
    )
    return out


def main():
    retail = sys.argv[1]
    sample = sys.argv[2] if len(sys.argv) > 2 else str(
        __import__("pathlib").Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
    )
    print(json.dumps(dict(
        versions=dict(lifetimes=lifetimes.__version__, pandas=pd.__version__, numpy=np.__version__),
        online_retail=online_retail(retail),
        cdnow_sample=cdnow(sample),
    ), indent=1))


if __name__ == "__main__":
    main()
