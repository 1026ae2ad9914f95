// Browser "customers" benchmark: load a transaction file into the built app (dist/) in headless
// Chromium, build the customer table in the Explore step, and read the worker's own timings and
// memory. Prints one JSON object per file on standard output; progress and problems go to
// standard error.
//
//   node browser_customers.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//                              [--expect-customers N] FILE...
//
// Per run (the page is reloaded first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for
//    [data-testid=dataset-summary][data-file-name="<name>"]: data-elapsed-ms = the worker's
//    read + parse (+ infer + summary);
// 2. click [data-testid=go-explore], then [data-testid=explore-run] with the default settings
//    (the page detects transactions and the column roles itself); wait for
//    [data-testid=explore-overview]: data-elapsed-ms = the worker's clean + customer features +
//    prep + chart data, data-customers, data-worker-memory = bytes of wasm memory in the worker.
// With --expect-customers N, a run with another number of customers is an error (the row is
// reported as not measured, with the numbers seen).
//
// Uses the same static server and CSS quoting as the end-to-end tests (tests/e2e/harness.mjs),
// Debian's Chromium (/usr/bin/chromium, or $CUSTOS_CHROMIUM) and playwright-core from
// tests/e2e/node_modules (or --playwright DIR).

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { cssString, startServer } from "../../tests/e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

function parseArgs(argv) {
  const opts = {
    dist: path.join(repo, "dist"),
    runs: 3,
    playwright: path.join(repo, "tests", "e2e"),
    timeoutMs: 10 * 60_000,
    expectCustomers: null,
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dist") opts.dist = path.resolve(argv[++i]);
    else if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--playwright") opts.playwright = path.resolve(argv[++i]);
    else if (a === "--timeout-ms") opts.timeoutMs = Number(argv[++i]);
    else if (a === "--expect-customers") opts.expectCustomers = Number(argv[++i]);
    else opts.files.push(path.resolve(a));
  }
  return opts;
}

function fail(message) {
  console.error(`bench/browser-customers: ${message}`);
  process.exit(1);
}

function loadPlaywright(dir) {
  const require = createRequire(path.join(dir, "package.json"));
  try {
    return require("playwright-core");
  } catch {
    fail(
      `playwright-core not found under ${dir}/node_modules — run scripts/setup ` +
        `(or pass --playwright DIR with node_modules/playwright-core in it)`,
    );
  }
}

const UI_TIMEOUT_MS = 30_000;

/** Resolves "ok" when `ok` appears, throws with the text of `error` if that appears first. */
async function waitOrError(ok, error, timeoutMs, what) {
  const outcome = await Promise.race([
    ok.waitFor({ state: "attached", timeout: timeoutMs }).then(() => "ok"),
    error.waitFor({ state: "visible", timeout: timeoutMs }).then(() => "error"),
  ]);
  if (outcome === "error") {
    const text = (await error.first().innerText().catch(() => "")).replace(/\s+/g, " ").trim();
    throw new Error(`${what}: the app showed an error: ${text || "(empty)"}`);
  }
}

function firstInteger(text) {
  const m = /\d[\d,\u202f\u00a0 ]*/.exec(text || "");
  return m ? Number(m[0].replace(/[^\d]/g, "")) : null;
}

async function oneRun(page, url, file, timeoutMs, first) {
  if (first) await page.goto(url, { waitUntil: "load" });
  else await page.reload({ waitUntil: "load" });
  await page.locator("[data-testid=drop-zone]").waitFor({ state: "visible", timeout: 60_000 });
  const name = path.basename(file);

  // 1. read + parse
  const summary = page.locator(
    `[data-testid=dataset-summary][data-file-name=${cssString(name)}]`,
  );
  const t0 = performance.now();
  await page.setInputFiles("[data-testid=file-input]", file);
  await waitOrError(summary, page.locator("[data-testid=error-banner]"), timeoutMs, `loading ${name}`);
  const parseWallMs = performance.now() - t0;
  const parseMs = Number(await summary.getAttribute("data-elapsed-ms"));
  const parseMemory = Number(await summary.getAttribute("data-worker-memory"));
  const rows = Number(await summary.getAttribute("data-rows"));

  // 2. Explore with the default settings
  await page.locator("[data-testid=go-explore]").click();
  const run = page.locator("[data-testid=explore-run]");
  await run.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
  const transactions = page.locator("[data-testid=source-transactions]");
  const detectedTransactions =
    (await transactions.count()) > 0 ? await transactions.isChecked() : null;
  const overview = page.locator("[data-testid=explore-overview]");
  const t1 = performance.now();
  await run.click();
  await waitOrError(overview, page.locator("[data-testid=explore-error]"), timeoutMs, "Explore");
  const exploreWallMs = performance.now() - t1;
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

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.files.length) fail("no files given");
  if (!existsSync(path.join(opts.dist, "index.html"))) {
    fail(`${opts.dist}/index.html not found: build the app first (trunk build --release)`);
  }
  const chromiumPath = process.env.CUSTOS_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(chromiumPath)) fail(`${chromiumPath} not found (scripts/setup installs it)`);
  const { chromium } = loadPlaywright(opts.playwright);

  const server = await startServer(opts.dist);
  const profile = mkdtempSync(path.join(tmpdir(), "custos-bench-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
    const version = context.browser()?.version() ?? "";
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e?.message || e)));
    page.on("crash", () => pageErrors.push("page crashed"));
    page.on("console", (m) => {
      if (/panicked|RuntimeError|unreachable/i.test(m.text())) {
        pageErrors.push(m.text().split("\n")[0]);
      }
    });
    let first = true;
    for (const file of opts.files) {
      const name = path.basename(file);
      const runs = [];
      let error = null;
      for (let i = 0; i < opts.runs; i++) {
        try {
          const r = await oneRun(page, server.url, file, opts.timeoutMs, first);
          first = false;
          console.error(
            `bench/browser-customers: ${name} run ${i + 1}/${opts.runs}: parse ${r.parse_ms} ms, ` +
              `explore ${r.explore_ms} ms, total ${r.total_ms} ms, customers ${r.customers}, ` +
              `wasm memory ${r.worker_memory_bytes} B (driver: ${Math.round(r.parse_wall_ms)} + ` +
              `${Math.round(r.explore_wall_ms)} ms)`,
          );
          if (opts.expectCustomers !== null && r.customers !== opts.expectCustomers) {
            throw new Error(
              `WRONG RESULT: ${r.customers} customers (${r.customers_from}), expected ` +
                `${opts.expectCustomers} — parse ${r.parse_ms} ms, explore ${r.explore_ms} ms`,
            );
          }
          runs.push(r);
        } catch (e) {
          first = true; // reload from scratch next time
          error = `${String(e?.message || e).split("\n")[0]}` +
            (pageErrors.length ? ` (page errors: ${pageErrors.slice(-3).join(" | ")})` : "");
          console.error(`bench/browser-customers: ${name} run ${i + 1}: ${error}`);
          break;
        }
      }
      const best = runs.length
        ? runs.reduce((a, b) => (b.total_ms < a.total_ms ? b : a))
        : null;
      console.log(
        JSON.stringify({
          file,
          bytes: statSync(file).size,
          chromium: version,
          runs,
          best,
          peak_worker_memory_bytes: runs.length
            ? Math.max(...runs.map((r) => r.worker_memory_bytes))
            : null,
          error,
        }),
      );
    }
  } finally {
    await context?.close().catch(() => {});
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => fail(String(e?.stack || e)));
