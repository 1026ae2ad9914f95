"""Online Retail's baskets in pandas, for mlxtend_rules.py and implicit_recommend.py (a module,
not a script).

Two cleanings (`cleaning=`):

- "app" (the default): the app's default cleaning as `custos rules FILE` / `custos recommend FILE`
  form baskets (src/core/recommend/baskets.rs over src/core/features, the rule written out in
  pandas as scripts/bench.d/pandas_netting.py does, independent of Custos' code): lines with a
  CustomerID, exact duplicate lines dropped (the file has an order id); returns = InvoiceNo `C`
  + digit, Quantity <= 0 or negative spend; each return takes back the same customer's latest
  purchases of the same StockCode made on or before its day, by |spend|; an order (customer,
  InvoiceNo) stands unless every purchase line with a spend was taken back. Baskets = the
  purchase lines of the orders that stand, one per customer and InvoiceNo (541,909 lines ->
  391,702 -> 18,336 baskets); returns and orders returned in full are left out.
- "anchors": ANCHORS-VALUE.md §4 / §6: lines without CustomerID, InvoiceNo starting with 'C',
  Quantity <= 0 or UnitPrice <= 0 dropped (541,909 -> 397,884 lines); baskets = InvoiceNo.

Items = StockCode, each once per basket however many lines or units it has.
"""
import numpy as np
import pandas as pd

TOLERANCE = 1e-9  # relative: what is left of a purchase below this share of it counts as 0


def read(path):
    """The file as text columns (no NA conversion: an empty CustomerID stays '')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def clean(df, cleaning="app"):
    """The purchase lines that make baskets, one row per line (an item may repeat within a
    basket), as integer codes: cust (customer), basket (customer and order), item (an index
    into `items`, the StockCodes); and counts for the receipt. Returns (lines, items, counts)."""
    if cleaning == "anchors":
        q, p = pd.to_numeric(df.Quantity), pd.to_numeric(df.UnitPrice)
        keep = ((df.CustomerID != "") & ~df.InvoiceNo.str.startswith("C") & (q > 0) & (p > 0)).to_numpy()
        d = df[keep]
        cust = pd.factorize(d.CustomerID)[0]
        basket = pd.factorize(d.InvoiceNo)[0]
        item, items = pd.factorize(d.StockCode)
        lines = pd.DataFrame({"cust": cust, "basket": basket, "item": item})
        return lines, np.asarray(items, dtype=object), {
            "lines_read": len(df), "lines_kept": int(keep.sum()), "lines_used": len(lines)}
    if cleaning != "app":
        raise ValueError(f"unknown cleaning {cleaning!r}")

    d = df[(df.CustomerID != "").to_numpy()]
    d = d[~d.duplicated().to_numpy()]
    q, p = pd.to_numeric(d.Quantity).to_numpy(), pd.to_numeric(d.UnitPrice).to_numpy()
    spend = q * p
    ret = (d.InvoiceNo.str.match(r"^[Cc][0-9]").to_numpy()) | (q <= 0) | (spend < 0)
    cust, custs = pd.factorize(d.CustomerID)  # "17850.0": one spelling per customer
    item, items = pd.factorize(d.StockCode)
    order, orders = pd.factorize(d.InvoiceNo)
    left = np.abs(spend)

    # Netting: only (customer, StockCode) pairs with a return need the walk; elsewhere every
    # purchase keeps its whole spend.
    pair = cust.astype(np.int64) * len(items) + item
    touched = np.isin(pair, np.unique(pair[ret]))
    idx = np.flatnonzero(touched)
    if len(idx):
        day = pd.to_datetime(d.InvoiceDate.to_numpy()[idx]).floor("D")
        sub = pd.DataFrame({"pair": pair[idx], "day": day, "ret": ret[idx], "row": idx})
        sub = sub.sort_values(["pair", "day", "ret", "row"], kind="stable")
        rows, pairs, rets = sub.row.to_numpy(), sub.pair.to_numpy(), sub.ret.to_numpy()
        measure = np.abs(spend)
        stack = []
        for k in range(len(rows)):
            i = rows[k]
            if k == 0 or pairs[k] != pairs[k - 1]:
                stack = []
            if not rets[k]:
                if left[i] > 0:
                    stack.append(i)
                continue
            need = measure[i]
            while need > measure[i] * TOLERANCE and stack:
                t = stack[-1]
                take = min(need, left[t])
                need -= take
                left[t] -= take
                if left[t] <= measure[t] * TOLERANCE:
                    left[t] = 0
                    stack.pop()
            left[i] = need if need > measure[i] * TOLERANCE else 0

    # An order (customer, InvoiceNo) stands unless every purchase line with a spend was taken back.
    purchase = ~ret
    basket = cust[purchase].astype(np.int64) * len(orders) + order[purchase]
    basket_code, basket_of = pd.factorize(basket)
    any_left = np.zeros(len(basket_of), dtype=bool)
    any_measured = np.zeros(len(basket_of), dtype=bool)
    np.logical_or.at(any_left, basket_code, left[purchase] > 0)
    np.logical_or.at(any_measured, basket_code, np.abs(spend[purchase]) > 0)
    stands = any_left | ~any_measured
    keep = stands[basket_code]
    lines = pd.DataFrame({"cust": cust[purchase][keep], "basket": basket_code[keep],
                          "item": item[purchase][keep]})
    return lines, np.asarray(items, dtype=object), {
        "lines_read": len(df),
        "lines_kept": len(d),
        "return_lines": int(ret.sum()),
        "orders_returned_in_full": int((~stands).sum()),
        "lines_used": len(lines),
    }


def basket_lists(lines, items):
    """Each basket's distinct items (StockCodes), as lists."""
    pairs = np.unique(lines.basket.to_numpy().astype(np.int64) * len(items) + lines.item.to_numpy())
    basket, item = pairs // len(items), pairs % len(items)
    cuts = np.flatnonzero(np.diff(basket)) + 1
    names = items[item]
    return [list(b) for b in np.split(names, cuts)]
