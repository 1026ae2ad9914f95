#!/usr/bin/env python3
"""pandas equivalent of `custos customers FILE -o OUT` for Online Retail, in this (fresh) process.

    pandas_customers.py FILE [OUT]      (OUT default: /dev/null)

Prints JSON: customers, kept lines, the time of each phase, versions. Column names are Online
Retail's (InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID).

The same steps as src/core/features (see its module doc), written the way one would in pandas:
- read:     pd.read_csv(FILE) (C engine, no dtype hints);
- clean:    spend = Quantity × UnitPrice; drop cancellations / returns (InvoiceNo `C` + digit,
            Quantity <= 0, negative spend), lines without CustomerID, exact duplicate rows, lines
            without a date or spend; dates parsed and floored to the day;
- features: one groupby over CustomerID: first / last day, frequency (distinct invoices),
            monetary (sum of spend), distinct products (StockCode), spend in the last 30 / 90
            days and in 90 < age <= 180; then recency, tenure, lifetime, avg order value, avg
            days between orders, spend trend, return share (share of a customer's invoices with
            a cancellation / return line, on the lines before those were dropped), R/F/M
            quintile scores (average rank, as in src/core/features/rfm.rs) and the RFM segment;
            written as CSV to OUT.
"""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402  (timed on purpose)
import pandas as pd  # noqa: E402

t1 = time.perf_counter()

path = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "/dev/null"

# --- read ----------------------------------------------------------------------------------------
df = pd.read_csv(path)
t2 = time.perf_counter()

# --- clean ---------------------------------------------------------------------------------------
n_lines = len(df)
invoice = df["InvoiceNo"].astype(str)
spend = df["Quantity"] * df["UnitPrice"]
cancel_id = invoice.str.match(r"C\d")
if cancel_id.all():  # every order id looks like that: it is just the id format
    cancel_id[:] = False
returns = cancel_id | (df["Quantity"] <= 0) | (spend < 0)
has_customer = df["CustomerID"].notna()

# return_share is counted before cancellations and duplicates are dropped.
with_customer = pd.DataFrame({
    "CustomerID": df["CustomerID"][has_customer],
    "InvoiceNo": invoice[has_customer],
    "ret": returns[has_customer],
})
per_order = with_customer.groupby(["CustomerID", "InvoiceNo"], sort=False)["ret"].any()
return_share = per_order.groupby(level=0).mean()

clean = df[~returns & has_customer]
clean = clean[~clean.duplicated()]
day = pd.to_datetime(clean["InvoiceDate"], format="%Y-%m-%d %H:%M:%S").dt.floor("D")
line_spend = spend[clean.index]
ok = day.notna() & line_spend.notna()
clean = pd.DataFrame({
    "CustomerID": clean["CustomerID"][ok],
    "InvoiceNo": clean["InvoiceNo"][ok],
    "StockCode": clean["StockCode"][ok],
    "day": day[ok],
    "spend": line_spend[ok],
})
t3 = time.perf_counter()

# --- features ------------------------------------------------------------------------------------
ref = clean["day"].max() + pd.Timedelta(days=1)
age = (ref - clean["day"]).dt.days
clean["s30"] = clean["spend"].where(age <= 30, 0.0)
clean["s90"] = clean["spend"].where(age <= 90, 0.0)
clean["p90"] = clean["spend"].where((age > 90) & (age <= 180), 0.0)
f = clean.groupby("CustomerID", sort=True).agg(
    first=("day", "min"),
    last=("day", "max"),
    frequency=("InvoiceNo", "nunique"),
    monetary=("spend", "sum"),
    distinct_products=("StockCode", "nunique"),
    spend_30d=("s30", "sum"),
    spend_90d=("s90", "sum"),
    p90=("p90", "sum"),
)
t4 = time.perf_counter()

f["recency_days"] = (ref - f["last"]).dt.days
f["tenure_days"] = (f["last"] - f["first"]).dt.days
f["lifetime_days"] = (ref - f["first"]).dt.days
f["avg_order_value"] = f["monetary"] / f["frequency"]
f["avg_days_between_orders"] = (f["tenure_days"] / (f["frequency"] - 1)).where(f["frequency"] > 1)
f["return_share"] = return_share.reindex(f.index)
den = f["spend_90d"].abs() + f["p90"].abs()
f["spend_trend"] = ((f["spend_90d"] - f["p90"]) / den).where(den > 0)


def quintile(s):
    return np.ceil(5 * (s.rank(method="average") - 0.5) / s.count()).clip(1, 5).astype(int)


f["r_score"] = quintile(-f["recency_days"])
f["f_score"] = quintile(f["frequency"])
f["m_score"] = quintile(f["monetary"])
fm = (f["f_score"] + f["m_score"] + 1) // 2
GRID = np.array([  # rows R = 5 … 1, columns FM = 1 … 5
    ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"],
    ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"],
    ["About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"],
    ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
    ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"],
])
f["rfm_segment"] = GRID[5 - f["r_score"].to_numpy(), fm.to_numpy() - 1]
f.index = f.index.astype("int64")
columns = [
    "recency_days", "frequency", "monetary", "tenure_days", "lifetime_days", "avg_order_value",
    "avg_days_between_orders", "distinct_products", "return_share", "spend_30d", "spend_90d",
    "spend_trend", "r_score", "f_score", "m_score", "rfm_segment",
]
f[columns].to_csv(out, float_format="%.6g")
t5 = time.perf_counter()

print(json.dumps({
    "customers": int(len(f)),
    "lines": n_lines,
    "kept_lines": int(len(clean)),
    "reference": str(ref.date()),
    "import_s": t1 - t0,
    "read_s": t2 - t1,
    "clean_s": t3 - t2,
    "groupby_s": t4 - t3,
    "derive_write_s": t5 - t4,
    "pandas": pd.__version__,
    "numpy": np.__version__,
    "python": sys.version.split()[0],
}))
