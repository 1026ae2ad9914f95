// What the browser benchmark drivers share (browser.mjs: ingest, browser_customers.mjs:
// customers, browser_segment.mjs: segment, browser_predict.mjs: predict); each driver only says
// how one run is measured.
//
//   node DRIVER --dist DIR --runs N [--playwright DIR] [--timeout-ms MS] [DRIVER'S FLAGS] FILE...
//
// - dist/ is served by `python3 -m http.server` on a free port of 127.0.0.1, with the static
//   server of the end-to-end tests (tests/e2e/harness.mjs).
// - Debian's Chromium (/usr/bin/chromium, or $CUSTOS_CHROMIUM), headless, with the harness's
//   flags that keep it off the network. playwright-core comes from tests/e2e/node_modules
//   (installed by scripts/setup), or the directory given with --playwright (a directory holding
//   node_modules/playwright-core).
// - For every FILE, N runs; before each the page is (re)loaded (a fresh worker) and the run
//   starts once [data-testid=drop-zone] is shown. The first failing run stops that file.
// - Output: one JSON object per file on standard output,
//   { file, bytes, chromium, runs, best, peak_worker_memory_bytes, error }; progress and
//   problems go to standard error.

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  CHROMIUM,
  UI_TIMEOUT_MS,
  cssString,
  launchChromium,
  startServer,
} from "../../tests/e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

/** `flags` maps a driver's own numeric flags to option names (default null). */
function parseArgs(argv, flags) {
  const opts = {
    dist: path.join(repo, "dist"),
    runs: 3,
    playwright: path.join(repo, "tests", "e2e"),
    timeoutMs: 10 * 60_000,
    files: [],
  };
  for (const name of Object.values(flags)) opts[name] = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dist") opts.dist = path.resolve(argv[++i]);
    else if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--playwright") opts.playwright = path.resolve(argv[++i]);
    else if (a === "--timeout-ms") opts.timeoutMs = Number(argv[++i]);
    else if (Object.hasOwn(flags, a)) opts[flags[a]] = Number(argv[++i]);
    else opts.files.push(path.resolve(a));
  }
  return opts;
}

function fail(tag, message) {
  console.error(`${tag}: ${message}`);
  process.exit(1);
}

function loadPlaywright(tag, dir) {
  const require = createRequire(path.join(dir, "package.json"));
  try {
    return require("playwright-core");
  } catch {
    fail(
      tag,
      `playwright-core not found under ${dir}/node_modules — run scripts/setup ` +
        `(or pass --playwright DIR with node_modules/playwright-core in it)`,
    );
  }
}

/**
 * Resolves when `ok` is attached; throws `errorMessage(text)` (the whitespace-collapsed text of
 * `error`) if `error` becomes visible first.
 */
export async function waitOrError(ok, error, timeoutMs, errorMessage) {
  const outcome = await Promise.race([
    ok.waitFor({ state: "attached", timeout: timeoutMs }).then(() => "ok"),
    error.waitFor({ state: "visible", timeout: timeoutMs }).then(() => "error"),
  ]);
  if (outcome === "error") {
    const text = (await error.first().innerText().catch(() => "")).replace(/\s+/g, " ").trim();
    throw new Error(errorMessage(text));
  }
}

/**
 * Give `file` to [data-testid=file-input] and wait for
 * [data-testid=dataset-summary][data-file-name="<name>"]; if the error banner shows first, throws
 * `errorMessage(bannerText)`. Returns the summary and the wall time seen from the driver.
 */
export async function loadDataset(page, file, timeoutMs, errorMessage) {
  const summary = page.locator(
    `[data-testid=dataset-summary][data-file-name=${cssString(path.basename(file))}]`,
  );
  const t0 = performance.now();
  await page.setInputFiles("[data-testid=file-input]", file);
  await waitOrError(summary, page.locator("[data-testid=error-banner]"), timeoutMs, errorMessage);
  return { summary, wallMs: performance.now() - t0 };
}

/** A number from an attribute or a text ("9,043"); null when there is none (not 0). */
export function number(text) {
  const digits = String(text ?? "").replace(/[,\s\u202f]/g, "");
  const x = digits === "" ? NaN : Number(digits);
  return Number.isFinite(x) ? x : null;
}

/** Open the Explore step from the Data step; returns its Build button once it shows. */
export async function openExplore(page) {
  await page.locator("[data-testid=go-explore]").click();
  const run = page.locator("[data-testid=explore-run]");
  await run.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
  return run;
}

/**
 * Drop cancellations instead of netting them (the app's default), as pandas_customers.py and
 * the CLI runs of scripts/bench do, so every tool does the same work. Only for purchase lines
 * (the choice is hidden for a customer file).
 */
export async function dropCancellations(page) {
  const choice = page.locator("[data-testid=clean-cancellations]");
  if ((await choice.count()) > 0 && (await choice.isVisible())) await choice.selectOption("drop");
}

/**
 * Click Explore's Build button and wait for [data-testid=explore-overview]; if the Explore
 * error shows first, throws. Returns the overview and the wall time seen from the driver.
 */
export async function buildCustomerTable(page, timeoutMs) {
  const overview = page.locator("[data-testid=explore-overview]");
  const t0 = performance.now();
  await page.locator("[data-testid=explore-run]").click();
  await waitOrError(
    overview,
    page.locator("[data-testid=explore-error]"),
    timeoutMs,
    (text) => `Explore: the app showed an error: ${text || "(empty)"}`,
  );
  return { overview, wallMs: performance.now() - t0 };
}

async function openPage(page, url, first) {
  if (first) await page.goto(url, { waitUntil: "load" });
  else await page.reload({ waitUntil: "load" });
  await page.locator("[data-testid=drop-zone]").waitFor({ state: "visible", timeout: 60_000 });
}

async function main({ tag, flags, watchConsole, measure, describe, check, bestBy }) {
  const opts = parseArgs(process.argv.slice(2), flags);
  if (!opts.files.length) fail(tag, "no files given");
  if (!existsSync(path.join(opts.dist, "index.html"))) {
    fail(tag, `${opts.dist}/index.html not found: build the app first (trunk build --release)`);
  }
  if (!existsSync(CHROMIUM)) fail(tag, `${CHROMIUM} not found (scripts/setup installs it)`);
  const { chromium } = loadPlaywright(tag, opts.playwright);

  const server = await startServer(opts.dist);
  const profile = mkdtempSync(path.join(tmpdir(), "custos-bench-chromium-"));
  let context;
  try {
    context = await launchChromium(profile, {
      browserType: chromium,
      viewport: { width: 1280, height: 900 },
    });
    const version = context.browser()?.version() ?? "";
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e?.message || e)));
    page.on("crash", () => pageErrors.push("page crashed"));
    if (watchConsole) {
      page.on("console", (m) => {
        if (/panicked|RuntimeError|unreachable/i.test(m.text())) {
          pageErrors.push(m.text().split("\n")[0]);
        }
      });
    }
    let first = true;
    for (const file of opts.files) {
      const name = path.basename(file);
      const runs = [];
      let error = null;
      for (let i = 0; i < opts.runs; i++) {
        try {
          await openPage(page, server.url, first);
          const r = await measure(page, file, opts);
          first = false;
          console.error(`${tag}: ${name} run ${i + 1}/${opts.runs}: ${describe(r)}`);
          check?.(r, opts);
          runs.push(r);
        } catch (e) {
          first = true; // reload from scratch next time
          error = `${String(e?.message || e).split("\n")[0]}` +
            (pageErrors.length ? ` (page errors: ${pageErrors.slice(-3).join(" | ")})` : "");
          console.error(`${tag}: ${name} run ${i + 1}: ${error}`);
          break;
        }
      }
      const best = runs.length
        ? runs.reduce((a, b) => (b[bestBy] < a[bestBy] ? b : a))
        : null;
      console.log(
        JSON.stringify({
          file,
          bytes: statSync(file).size,
          chromium: version,
          runs,
          best,
          // null when no run knows its worker memory (a step without data-worker-memory).
          peak_worker_memory_bytes: runs.some((r) => Number.isFinite(r.worker_memory_bytes))
            ? Math.max(...runs.map((r) => r.worker_memory_bytes).filter(Number.isFinite))
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

/**
 * Run a driver:
 * - tag: prefix of its messages ("bench/browser");
 * - flags: its own numeric flags, { "--flag": "optionName" } (default null);
 * - watchConsole: console messages about a panic or a wasm trap count as page errors;
 * - measure(page, file, opts): one run on the freshly loaded page; returns the run's record,
 *   which has at least worker_memory_bytes (a number, or null when unknown) and the `bestBy`
 *   field;
 * - describe(record): the progress line of a run;
 * - check(record, opts): optional, throws if the run's result is wrong (after its progress line);
 * - bestBy: the field whose smallest value makes the best run.
 */
export function runDriver({ tag, flags = {}, watchConsole = false, measure, describe, check, bestBy }) {
  main({ tag, flags, watchConsole, measure, describe, check, bestBy }).catch((e) =>
    fail(tag, String(e?.stack || e)),
  );
}
