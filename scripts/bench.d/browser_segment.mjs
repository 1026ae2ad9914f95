// Browser "segment" benchmark: load a file into the built app (dist/) in headless Chromium,
// build the customer table in Explore with the defaults, then Continue to Segment (the k sweep
// 2..10 with K-means and its metrics, the final fit, profiles, PCA and charts, all in the
// worker) and read the worker's own timings and memory, the chosen k and the silhouette of
// every k. Prints one JSON object per file on standard output; progress and problems go to
// standard error.
//
//   node browser_segment.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//                            [--segment-timeout-ms MS] [--expect-segmented N]
//                            [--source auto|customers|transactions] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for
//    [data-testid=dataset-summary][data-file-name="<name>"] (data-elapsed-ms: read + parse);
// 2. click [data-testid=go-explore]; with --source customers|transactions make sure
//    [data-testid=source-<source>] is chosen (default auto: what the app detected); click
//    [data-testid=explore-run]; wait for [data-testid=explore-overview] (data-elapsed-ms:
//    clean + features + prep + chart data);
// 3. click [data-testid=continue-segment] (the Segment step starts with its defaults: the
//    default features, log of skewed features, K-means, k 2..10, seed 42); wait for
//    [data-testid=segment-summary] (or [data-testid=segment-error]): data-elapsed-ms = the
//    worker's whole Segment step, data-worker-memory = bytes of wasm memory in the worker,
//    data-k, data-segmented; the silhouette of each k is read from the rows of
//    [data-testid=segment-sweep] (3 decimals, as shown), the chosen k's from
//    [data-testid=segment-silhouette].
// --segment-timeout-ms (default 600000) bounds step 3 alone; --timeout-ms steps 1 and 2.
// With --expect-segmented N, a run that segmented another number of customers is an error.

import path from "node:path";

import {
  buildCustomerTable,
  loadDataset,
  number,
  dropCancellations,
  openExplore,
  runDriver,
  waitOrError,
} from "./browser_common.mjs";

// --source takes a word; browser_common.mjs only knows numeric flags, so it is taken out here.
let source = "auto";
{
  const i = process.argv.indexOf("--source");
  if (i >= 0) {
    source = process.argv[i + 1];
    process.argv.splice(i, 2);
    if (!["auto", "customers", "transactions"].includes(source)) {
      console.error(`bench/browser-segment: --source must be auto, customers or transactions`);
      process.exit(2);
    }
  }
}

async function measure(page, file, { timeoutMs, segmentTimeoutMs }) {
  const name = path.basename(file);

  // 1. read + parse
  const { summary, wallMs: parseWallMs } = await loadDataset(
    page,
    file,
    timeoutMs,
    (text) => `loading ${name}: the app showed an error: ${text || "(empty)"}`,
  );
  const parseMs = Number(await summary.getAttribute("data-elapsed-ms"));
  const rows = Number(await summary.getAttribute("data-rows"));

  // 2. Explore with the default settings
  await openExplore(page);
  await dropCancellations(page);
  const transactions = page.locator("[data-testid=source-transactions]");
  const detected =
    (await transactions.count()) > 0
      ? (await transactions.isChecked()) ? "transactions" : "customers"
      : null;
  if (source !== "auto" && detected !== source) {
    await page.locator(`[data-testid=source-${source}]`).check();
  }
  const { overview, wallMs: exploreWallMs } = await buildCustomerTable(page, timeoutMs);
  const exploreMs = Number(await overview.first().getAttribute("data-elapsed-ms"));
  const customers = number(await overview.first().getAttribute("data-customers"));

  // 3. Continue to Segment: the sweep, the fit and everything shown
  const segmentSummary = page.locator("[data-testid=segment-summary]");
  const t2 = performance.now();
  await page.locator("[data-testid=continue-segment]").click();
  await waitOrError(
    segmentSummary,
    page.locator("[data-testid=segment-error]"),
    segmentTimeoutMs ?? 600_000,
    (text) => `Segment: the app showed an error: ${text || "(empty)"}`,
  );
  const segmentWallMs = performance.now() - t2;
  const attr = (n) => segmentSummary.first().getAttribute(n);
  const segmentAttr = await attr("data-elapsed-ms");
  const memoryAttr = await attr("data-worker-memory");
  if (segmentAttr === null || memoryAttr === null) {
    throw new Error(
      "[data-testid=segment-summary] has no data-elapsed-ms / data-worker-memory " +
        "(this build of the app predates them; rebuild dist/)",
    );
  }
  const sweep = [];
  for (const tr of await page.locator("[data-testid=segment-sweep] tbody tr[data-k]").all()) {
    const cells = await tr.locator("td").allInnerTexts();
    sweep.push({
      k: Number(await tr.getAttribute("data-k")),
      inertia: number(cells[1]),
      silhouette: number(cells[2]),
      calinski_harabasz: number(cells[3]),
      davies_bouldin: number(cells[4]),
    });
  }
  const silhouetteTile = page.locator("[data-testid=segment-silhouette]");
  const silhouette =
    (await silhouetteTile.count()) > 0 ? number(await silhouetteTile.first().innerText()) : null;
  const sampleNote = await page
    .locator(".segment-sweep p.muted.small", { hasText: "random sample" })
    .count();
  return {
    rows,
    detected_source: detected,
    source: source === "auto" ? detected : source,
    customers,
    segmented: number(await attr("data-segmented")),
    k: number(await attr("data-k")),
    silhouette,
    silhouette_sampled: sampleNote > 0,
    metrics: sweep,
    parse_ms: parseMs,
    explore_ms: exploreMs,
    segment_ms: Number(segmentAttr),
    worker_memory_bytes: Number(memoryAttr),
    parse_wall_ms: parseWallMs,
    explore_wall_ms: exploreWallMs,
    segment_wall_ms: segmentWallMs,
  };
}

runDriver({
  tag: "bench/browser-segment",
  flags: { "--segment-timeout-ms": "segmentTimeoutMs", "--expect-segmented": "expectSegmented" },
  watchConsole: true,
  measure,
  describe: (r) =>
    `parse ${r.parse_ms} ms, explore ${r.explore_ms} ms, segment ${r.segment_ms} ms ` +
    `(k = ${r.k}, silhouette ${r.silhouette}, ${r.segmented} of ${r.customers} customers, ` +
    `${r.metrics.length} k tried), wasm memory ${r.worker_memory_bytes} B ` +
    `(driver: segment ${Math.round(r.segment_wall_ms)} ms)`,
  check: (r, { expectSegmented }) => {
    if (expectSegmented !== null && r.segmented !== expectSegmented) {
      throw new Error(
        `WRONG RESULT: ${r.segmented} customers segmented, expected ${expectSegmented} — ` +
          `segment ${r.segment_ms} ms`,
      );
    }
  },
  bestBy: "segment_ms",
});
