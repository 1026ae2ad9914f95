#!/usr/bin/env python3
"""Reference figures for netting Online Retail's cancellations (tests/features.rs), in pandas.

    pandas_netting.py [online_retail_sparkguide.csv]

Independent of Custos' code, the rule of src/core/features/netting.rs written out in pandas and
plain Python: lines with a CustomerID, exact duplicates dropped (the file has an order ID),
returns = InvoiceNo `C` + digit, Quantity <= 0 or negative spend; a customer's monetary is
purchases minus returns (negative nets floored at 0 and counted); each return takes back the
same customer's latest purchases of the same StockCode made on or before its day, by |spend|;
an order counts in frequency unless every purchase line with a spend was taken back.
Printed with pandas 3.1.1 on 2026-12-07:

    customers 4372 lines 401604 returns 8872
    12346 net 0.0 negative-net customers 41
    net revenue 8278519.424 floored 8291748.564
    unmatched return lines 1304 orders returned in full 200
    frequency sum 18336 no order left 45 12346 frequency 0
    17850 frequency 34 monetary 5303.48
    at most one order 1538
    no trend (both windows 0) 908
    cutoff 2011-09-10 customers 3412 churned 1483 no order before the cutoff 49
    with an order that stands at the cutoff 3363 churned 1447

The last two lines are Predict's derived churn at the default cutoff (tests/cli.rs): the
customers with a line up to the cutoff (netted among those lines only), of whom those with an
order that still stands at the cutoff make the table; churned = no order that stands (netted
up to the window's end, here the end of the file) in the 90 days after it.
(Strictly `net < 0` counts 42: customer 18072's net is -5.3e-15, rounding noise of 0.)
"""
import sys

import pandas as pd, numpy as np
df = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "online_retail_sparkguide.csv", dtype=str, keep_default_na=False)
q, p = pd.to_numeric(df.Quantity), pd.to_numeric(df.UnitPrice)
ret = df.InvoiceNo.str.match(r"^[Cc][0-9]") | (q <= 0) | (q * p < 0)
d = df[df.CustomerID != ""]
d = d[~d.duplicated()].copy()                       # an order id exists: exact duplicates dropped
d["cust"] = d.CustomerID.str.replace(r"\.0+$", "", regex=True)
d["ret"] = ret[d.index]
d["spend"] = pd.to_numeric(d.Quantity) * pd.to_numeric(d.UnitPrice)
d["day"] = pd.to_datetime(d.InvoiceDate).dt.floor("D")
d["row"] = np.arange(len(d))
net = d.groupby("cust").spend.sum()
gross = d.spend.abs().groupby(d.cust).sum()
negative = net < -1e-9 * gross
print("customers", len(net), "lines", len(d), "returns", d.ret.sum())
print("12346 net", net["12346"], "negative-net customers", negative.sum())
print("net revenue", round(net.sum(), 3), "floored", round(net.where(net > 1e-9 * gross, 0).sum(), 3))
# Matching: per customer and StockCode, returns take from the latest purchase on or before
# their day (a day's purchases before its returns), by |spend|.
d = d.sort_values(["cust", "StockCode", "day", "ret", "row"], kind="stable")
left = d.spend.abs().to_numpy().copy()
measure = left.copy()
isret = d.ret.to_numpy()
keys = list(zip(d.cust, d.StockCode))
unmatched = 0
stack = []
for i in range(len(d)):
    if i == 0 or keys[i] != keys[i - 1]:
        stack = []
    if not isret[i]:
        if left[i] > 0: stack.append(i)
        continue
    need = measure[i]
    while need > measure[i] * 1e-9 and stack:
        t = stack[-1]
        take = min(need, left[t]); need -= take; left[t] -= take
        if left[t] <= measure[t] * 1e-9:
            left[t] = 0; stack.pop()
    need = need if need > measure[i] * 1e-9 else 0
    left[i] = need
    unmatched += need > 0
d["left"] = left
pur = d[~d.ret]
o = pur.groupby(["cust", "InvoiceNo"]).agg(anyleft=("left", lambda s: (s > 0).any()),
                                           measured=("spend", lambda s: (s.abs() > 0).any()))
stands = o.anyleft | ~o.measured
freq = stands.groupby(level=0).sum().reindex(net.index, fill_value=0)
print("unmatched return lines", unmatched, "orders returned in full", (~stands).sum())
print("frequency sum", freq.sum(), "no order left", (freq == 0).sum(), "12346 frequency", freq["12346"])
print("17850 frequency", freq["17850"], "monetary", round(net["17850"], 2))
# Blanks by construction: the gap between orders (at most one order) and the trend (no net
# spend in either 90-day window before the reference date, counted on the orders that stand).
print("at most one order", (freq <= 1).sum())
ref = d.day.max() + pd.Timedelta(days=1)
standing = o[stands].index
p = pur.set_index(["cust", "InvoiceNo"]).loc[lambda x: x.index.isin(standing)]
age = (ref - p.day).dt.days
s90 = p.left.where(age <= 90, 0).groupby(level=0).sum().reindex(net.index, fill_value=0)
p90 = p.left.where((age > 90) & (age <= 180), 0).groupby(level=0).sum().reindex(net.index, fill_value=0)
print("no trend (both windows 0)", ((s90.abs() + p90.abs()) == 0).sum())

# Derived churn at the default cutoff (src/core/predict/derived.rs).
def standing_orders(d):
    d = d.sort_values(["cust", "StockCode", "day", "ret", "row"], kind="stable")
    left = d.spend.abs().to_numpy().copy(); measure = left.copy(); isret = d.ret.to_numpy()
    keys = list(zip(d.cust, d.StockCode)); stack = []
    for i in range(len(d)):
        if i == 0 or keys[i] != keys[i - 1]: stack = []
        if not isret[i]:
            if left[i] > 0: stack.append(i)
            continue
        need = measure[i]
        while need > measure[i] * 1e-9 and stack:
            t = stack[-1]; take = min(need, left[t]); need -= take; left[t] -= take
            if left[t] <= measure[t] * 1e-9: left[t] = 0; stack.pop()
        left[i] = need if need > measure[i] * 1e-9 else 0
    d = d.assign(left=left)
    pur = d[~d.ret]
    o = pur.groupby(["cust", "InvoiceNo"]).agg(anyleft=("left", lambda s: (s > 0).any()),
        measured=("spend", lambda s: (s.abs() > 0).any()), day=("day", "min"))
    return o[o.anyleft | ~o.measured], d
C = d.day.max() - pd.Timedelta(days=90)
before = d[d.day <= C]
customers = set(before.cust)
fb, _ = standing_orders(before)
freq_b = fb.groupby(level=0).size().reindex(sorted(customers), fill_value=0)
fall, dall = standing_orders(d)
win = fall[(fall.day > C) & (fall.day <= C + pd.Timedelta(days=90))]
active = set(win.index.get_level_values(0))
print("cutoff", C.date(), "customers", len(customers), "churned", len(customers - active),
      "no order before the cutoff", (freq_b == 0).sum())
with_orders = set(freq_b[freq_b > 0].index)
print("with an order that stands at the cutoff", len(with_orders), "churned",
      len(with_orders - active))
