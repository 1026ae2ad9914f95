// Browser "customers" benchmark: load a transaction file into the built app (dist/) in headless
// Chromium, build the customer table in the Explore step, and read the worker's own timings and
// memory. Prints one JSON object per file on standard output; progress and problems go to
// standard error.
//
//   node browser_customers.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//                              [--expect-customers N] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for
//    [data-testid=dataset-summary][data-file-name="<name>"]: data-elapsed-ms = the worker's
//    read + parse (+ infer + summary);
// 2. click [data-testid=go-explore], then [data-testid=explore-run] with the default settings but
//    cancellations dropped (as pandas_customers.py)
//    (the page detects transactions and the column roles itself); wait for
//    [data-testid=explore-overview]: data-elapsed-ms = the worker's clean + customer features +
//    prep + chart data, data-customers, data-worker-memory = bytes of wasm memory in the worker.
// With --expect-customers N, a run with another number of customers is an error (the row is
// reported as not measured, with the numbers seen).

import path from "node:path";

import { firstInteger } from "../../tests/e2e/harness.mjs";
import {
  buildCustomerTable,
  dropCancellations,
  loadDataset,
  openExplore,
  runDriver,
} from "./browser_common.mjs";

async function measure(page, file, { timeoutMs }) {
  const name = path.basename(file);

  // 1. read + parse
  const { summary, wallMs: parseWallMs } = await loadDataset(
    page,
    file,
    timeoutMs,
    (text) => `loading ${name}: the app showed an error: ${text || "(empty)"}`,
  );
  const parseMs = Number(await summary.getAttribute("data-elapsed-ms"));
  const parseMemory = Number(await summary.getAttribute("data-worker-memory"));
  const rows = Number(await summary.getAttribute("data-rows"));

  // 2. Explore with the default settings
  await openExplore(page);
  await dropCancellations(page);
  const transactions = page.locator("[data-testid=source-transactions]");
  const detectedTransactions =
    (await transactions.count()) > 0 ? await transactions.isChecked() : null;
  const { overview, wallMs: exploreWallMs } = await buildCustomerTable(page, timeoutMs);
  const attr = (n) => overview.first().getAttribute(n);
  let customersAttr = await attr("data-customers");
  let customersFrom = "data-customers";
  if (customersAttr === null) {
    // Older builds: only the tile's text.
    const tile = page.locator("[data-testid=explore-customers]");
    customersAttr = (await tile.count()) > 0 ? String(firstInteger(await tile.innerText())) : null;
    customersFrom = "explore-customers text";
  }
  const exploreAttr = await attr("data-elapsed-ms");
  const memoryAttr = await attr("data-worker-memory");
  if (exploreAttr === null || memoryAttr === null) {
    throw new Error(
      "[data-testid=explore-overview] has no data-elapsed-ms / data-worker-memory " +
        "(this build of the app predates them; rebuild dist/)",
    );
  }
  const exploreMs = Number(exploreAttr);
  return {
    rows,
    detected_transactions: detectedTransactions,
    customers: customersAttr === null ? null : Number(customersAttr),
    customers_from: customersFrom,
    parse_ms: parseMs,
    explore_ms: exploreMs,
    total_ms: parseMs + exploreMs,
    parse_worker_memory_bytes: parseMemory,
    worker_memory_bytes: Number(memoryAttr),
    parse_wall_ms: parseWallMs,
    explore_wall_ms: exploreWallMs,
  };
}

runDriver({
  tag: "bench/browser-customers",
  flags: { "--expect-customers": "expectCustomers" },
  watchConsole: true,
  measure,
  describe: (r) =>
    `parse ${r.parse_ms} ms, explore ${r.explore_ms} ms, total ${r.total_ms} ms, ` +
    `customers ${r.customers}, wasm memory ${r.worker_memory_bytes} B ` +
    `(driver: ${Math.round(r.parse_wall_ms)} + ${Math.round(r.explore_wall_ms)} ms)`,
  check: (r, { expectCustomers }) => {
    if (expectCustomers !== null && r.customers !== expectCustomers) {
      throw new Error(
        `WRONG RESULT: ${r.customers} customers (${r.customers_from}), expected ` +
          `${expectCustomers} — parse ${r.parse_ms} ms, explore ${r.explore_ms} ms`,
      );
    }
  },
  bestBy: "total_ms",
});
