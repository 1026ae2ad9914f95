// Browser ingest benchmark: load files into the built app (dist/) in headless Chromium and read
// the worker's own timing and memory from the dataset summary. Prints one JSON object per file
// on standard output; progress and problems go to standard error.
//
//   node browser.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first), the file is given to [data-testid=file-input], and the run ends when
// [data-testid=dataset-summary][data-file-name="<name>"] appears. Its data-elapsed-ms (worker
// parse + infer + summary) and data-worker-memory (bytes of wasm memory in the worker) are
// recorded, plus the wall time seen from the test driver.

import path from "node:path";

import { loadDataset, runDriver } from "./browser_common.mjs";

async function measure(page, file, { timeoutMs }) {
  const name = path.basename(file);
  const { summary, wallMs } = await loadDataset(
    page,
    file,
    timeoutMs,
    (text) => `the app showed an error for ${name}: ${text || "(empty banner)"}`,
  );
  const attr = (n) => summary.getAttribute(n);
  return {
    elapsed_ms: Number(await attr("data-elapsed-ms")),
    worker_memory_bytes: Number(await attr("data-worker-memory")),
    rows: Number(await attr("data-rows")),
    cols: Number(await attr("data-cols")),
    wall_ms: wallMs,
  };
}

runDriver({
  tag: "bench/browser",
  measure,
  describe: (r) =>
    `worker ${r.elapsed_ms} ms, driver ${Math.round(r.wall_ms)} ms, ` +
    `wasm memory ${r.worker_memory_bytes} B`,
  bestBy: "elapsed_ms",
});
