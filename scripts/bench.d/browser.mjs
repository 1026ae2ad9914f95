// Browser ingest benchmark: load files into the built app (dist/) in headless Chromium and read
// the worker's own timing and memory from the dataset summary. Prints one JSON object per file
// on standard output; progress and problems go to standard error.
//
//   node browser.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS] FILE...
//
// - dist/ is served by `python3 -m http.server` on a free port of 127.0.0.1.
// - Debian's Chromium (/usr/bin/chromium, or $CUSTOS_CHROMIUM), headless, flags that keep it off
//   the network. playwright-core comes from tests/e2e/node_modules (installed by scripts/setup),
//   or the directory given with --playwright (a directory holding node_modules/playwright-core).
// - Per run: the page is (re)loaded, the file is given to [data-testid=file-input], and the run
//   ends when [data-testid=dataset-summary][data-file-name="<name>"] appears. Its
//   data-elapsed-ms (worker parse + infer + summary) and data-worker-memory (bytes of wasm
//   memory in the worker) are recorded, plus the wall time seen from the test driver.

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The same static server and CSS quoting as the end-to-end tests.
import { cssString, startServer } from "../../tests/e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

function parseArgs(argv) {
  const opts = {
    dist: path.join(repo, "dist"),
    runs: 3,
    playwright: path.join(repo, "tests", "e2e"),
    timeoutMs: 10 * 60_000,
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dist") opts.dist = path.resolve(argv[++i]);
    else if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--playwright") opts.playwright = path.resolve(argv[++i]);
    else if (a === "--timeout-ms") opts.timeoutMs = Number(argv[++i]);
    else opts.files.push(path.resolve(a));
  }
  return opts;
}

function fail(message) {
  console.error(`bench/browser: ${message}`);
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

async function oneRun(page, url, file, timeoutMs, first) {
  if (first) await page.goto(url, { waitUntil: "load" });
  else await page.reload({ waitUntil: "load" });
  await page.locator("[data-testid=drop-zone]").waitFor({ state: "visible", timeout: 60_000 });
  const name = path.basename(file);
  const summary = page.locator(
    `[data-testid=dataset-summary][data-file-name=${cssString(name)}]`,
  );
  const banner = page.locator("[data-testid=error-banner]");
  const t0 = performance.now();
  await page.setInputFiles("[data-testid=file-input]", file);
  const outcome = await Promise.race([
    summary.waitFor({ state: "attached", timeout: timeoutMs }).then(() => "ok"),
    banner.waitFor({ state: "visible", timeout: timeoutMs }).then(() => "error"),
  ]);
  const wallMs = performance.now() - t0;
  if (outcome === "error") {
    const text = (await banner.innerText().catch(() => "")).replace(/\s+/g, " ").trim();
    throw new Error(`the app showed an error for ${name}: ${text || "(empty banner)"}`);
  }
  const attr = (n) => summary.getAttribute(n);
  return {
    elapsed_ms: Number(await attr("data-elapsed-ms")),
    worker_memory_bytes: Number(await attr("data-worker-memory")),
    rows: Number(await attr("data-rows")),
    cols: Number(await attr("data-cols")),
    wall_ms: wallMs,
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
    let first = true;
    for (const file of opts.files) {
      const name = path.basename(file);
      const runs = [];
      let error = null;
      for (let i = 0; i < opts.runs; i++) {
        try {
          const r = await oneRun(page, server.url, file, opts.timeoutMs, first);
          first = false;
          runs.push(r);
          console.error(
            `bench/browser: ${name} run ${i + 1}/${opts.runs}: worker ${r.elapsed_ms} ms, ` +
              `driver ${Math.round(r.wall_ms)} ms, wasm memory ${r.worker_memory_bytes} B`,
          );
        } catch (e) {
          first = true; // reload from scratch next time
          error = `${String(e?.message || e).split("\n")[0]}` +
            (pageErrors.length ? ` (page errors: ${pageErrors.slice(-3).join(" | ")})` : "");
          console.error(`bench/browser: ${name} run ${i + 1}: ${error}`);
          break;
        }
      }
      const best = runs.length
        ? runs.reduce((a, b) => (b.elapsed_ms < a.elapsed_ms ? b : a))
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
