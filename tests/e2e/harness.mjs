// Shared harness for the browser end-to-end tests (node:test + playwright-core).
//
// - Serves the release build (`dist/`, or $CUSTOS_DIST) with `python3 -m http.server` on a free
//   port of 127.0.0.1, like scripts/serve.
// - Starts Debian's Chromium (/usr/bin/chromium, or $CUSTOS_CHROMIUM) headless with a fresh
//   profile and the flags that keep it off the network. Never `npx playwright install`.
// - Guards every page: a request to another origin, a same-origin response >= 400, a page error,
//   a crash, or a console message about a panic, a wasm trap or a Content-Security-Policy
//   violation fails the test, with the list of what happened.
// - Datasets come from ../shared/data (or $CUSTOS_DATA_DIR); they are never copied here.
// - describeApp() declares a suite with this lifecycle: one server per suite, a fresh Chromium
//   and app per test, closed (and the guard checked) after it.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe } from "node:test";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));

export const REPO_ROOT = path.resolve(here, "..", "..");
export const DIST_DIR = path.resolve(process.env.CUSTOS_DIST || path.join(REPO_ROOT, "dist"));
export const DATA_DIR = path.resolve(
  process.env.CUSTOS_DATA_DIR || path.join(REPO_ROOT, "..", "shared", "data"),
);
export const ARTIFACTS_DIR = path.join(here, "artifacts");
export const CHROMIUM = process.env.CUSTOS_CHROMIUM || "/usr/bin/chromium";

/** Generous limits: a cold 2-core CI machine, big files, no timing assertions. */
export const LOAD_TIMEOUT_MS = 180_000;
export const UI_TIMEOUT_MS = 30_000;
/** The timeout describeApp() gives its suite (node:test's `describe(name, { timeout })`). */
export const TEST_TIMEOUT_MS = 10 * 60_000;

/** Chromium's flags: no sandbox, no GPU, and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Console text that means the app is broken. */
const FATAL_CONSOLE = [
  /panicked/i,
  /RuntimeError/,
  /unreachable/i,
  /Content Security Policy/i,
  /Refused to/i,
];
/** Known harmless noise (Trunk's preload integrity, Trunk's worker loader). */
const HARMLESS_CONSOLE = [
  /integrity attribute is currently ignored for preload destinations/i,
  /using deprecated parameters for the initialization function/i,
];

/** Absolute path of a dataset in DATA_DIR; fails with a clear message if it is missing. */
export function dataFile(name) {
  const file = path.join(DATA_DIR, name);
  assert.ok(
    existsSync(file),
    `dataset ${name} not found in ${DATA_DIR} — the datasets live in ../shared/data next to ` +
      `the repository (set CUSTOS_DATA_DIR to use another directory); they are never copied ` +
      `into the repository`,
  );
  return file;
}

/** A fresh temporary directory, removed by the returned `remove()`. */
export function tempDir(prefix = "custos-e2e-") {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function checkDist() {
  assert.ok(
    existsSync(path.join(DIST_DIR, "index.html")),
    `${DIST_DIR}/index.html not found: build the app first (trunk build --release, ` +
      `or scripts/test), or set CUSTOS_DIST`,
  );
}

/** Servers still running, killed if the test process exits without closing them. */
const servers = new Set();
process.on("exit", () => {
  for (const child of servers) child.kill("SIGKILL");
});

/**
 * Serve `dir` with python3's static server on a free port of 127.0.0.1.
 * Returns { url, origin, close }.
 */
export async function startServer(dir = DIST_DIR) {
  checkDist();
  // Port 0: the OS picks a free port; the server prints it.
  const child = spawn(
    "python3",
    ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  servers.add(child);
  child.on("exit", () => servers.delete(child));
  let output = "";
  let onEarlyExit;
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`python3 -m http.server did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(/port (\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    onEarlyExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`python3 -m http.server exited with ${code}:\n${output}`));
    };
    child.on("exit", onEarlyExit);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start python3 -m http.server: ${err.message}`));
    });
  });
  // Keep draining the access log so the pipe never fills up.
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  child.off("exit", onEarlyExit);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Start Chromium headless (CHROMIUM, CHROMIUM_ARGS) with its profile in `profileDir`. Other
 * options go to playwright's launchPersistentContext; `browserType` is the playwright-core
 * `chromium` to use (default: this module's; the benchmark drivers pass the one they load).
 */
export function launchChromium(profileDir, { browserType = chromium, ...options } = {}) {
  return browserType.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/**
 * Start Chromium (fresh profile), open the app at `server.url` and wait until the Data step is
 * mounted. Returns { page, context, guard, close }: call `guard.check()` at the end of a test
 * (close() calls it too, unless `{ check: false }`).
 */
export async function openApp(server, { viewport = { width: 1280, height: 900 } } = {}) {
  const profile = tempDir("custos-chromium-");
  let context;
  try {
    context = await launchChromium(profile.dir, { viewport, acceptDownloads: true });
  } catch (err) {
    profile.remove();
    throw new Error(`could not start ${CHROMIUM} (install it with scripts/setup): ${err.message}`);
  }
  const guard = new Guard(server.origin);
  let closed = false;
  const close = async ({ check = true } = {}) => {
    if (closed) return;
    closed = true;
    try {
      await context.close();
    } finally {
      profile.remove();
    }
    if (check) guard.check();
  };
  try {
    await guard.attach(context);
    const page = context.pages()[0] ?? (await context.newPage());
    guard.attachPage(page);
    page.__custosGuard = guard;
    await page.goto(server.url, { waitUntil: "load" });
    await page.getByTestId("drop-zone").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    return { page, context, guard, close };
  } catch (err) {
    await close({ check: false });
    const problems = guard.problems();
    throw new Error(
      `the app did not start: ${err.message}` + (problems.length ? `\n${problems.join("\n")}` : ""),
    );
  }
}

/**
 * A suite of browser tests: node:test's `describe(name, { timeout: TEST_TIMEOUT_MS, ...options })`
 * that serves the app once for the suite (startServer) and opens it in a fresh Chromium for every
 * test (openApp; closed after the test, which checks the guard). `body(app)` declares the tests
 * with node:test's `it` (and may add its own before/after hooks); inside a test, `app.page`,
 * `app.context` and `app.guard` are those of the test's app.
 *
 *   describeApp("suite", (app) => {
 *     it("does something", async () => {
 *       const { page } = app;
 *       ...
 *     });
 *   });
 */
export function describeApp(name, options, body) {
  if (typeof options === "function") [options, body] = [{}, options];
  return describe(name, { timeout: TEST_TIMEOUT_MS, ...options }, () => {
    let server;
    let current;
    before(async () => {
      server = await startServer();
    });
    after(async () => {
      await server?.close();
    });
    beforeEach(async () => {
      current = await openApp(server);
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const opened = () => {
      if (!current) throw new Error("the app is only open inside a test (it), not while declaring the suite");
      return current;
    };
    body({
      get page() {
        return opened().page;
      },
      get context() {
        return opened().context;
      },
      get guard() {
        return opened().guard;
      },
    });
  });
}

/** Records everything that must not happen while the app runs. */
export class Guard {
  constructor(origin) {
    this.origin = origin;
    this.foreignRequests = [];
    this.badResponses = [];
    this.consoleErrors = [];
    this.pageErrors = [];
    this.failedRequests = [];
    this.crashed = false;
    this.console = [];
  }

  isAppUrl(url) {
    if (url.startsWith("data:")) return true;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "blob:") return new URL(parsed.pathname).origin === this.origin;
      return parsed.origin === this.origin;
    } catch {
      return false;
    }
  }

  async attach(context) {
    // Block, and record, anything that would leave the app's origin.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (this.isAppUrl(url)) return route.continue();
      this.foreignRequests.push(`${route.request().method()} ${url}`);
      return route.abort("blockedbyclient");
    });
    // Also requests that routing may not see (workers, service workers).
    context.on("request", (request) => {
      const url = request.url();
      if (!this.isAppUrl(url)) {
        const line = `${request.method()} ${url}`;
        if (!this.foreignRequests.includes(line)) this.foreignRequests.push(line);
      }
    });
    context.on("response", (response) => {
      if (this.isAppUrl(response.url()) && response.status() >= 400) {
        this.badResponses.push(`${response.status()} ${response.url()}`);
      }
    });
    context.on("requestfailed", (request) => {
      if (this.isAppUrl(request.url())) {
        this.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`);
      }
    });
    context.on("page", (page) => this.attachPage(page));
  }

  attachPage(page) {
    if (page.__custosGuarded) return;
    page.__custosGuarded = true;
    page.on("console", (message) => this.onConsole(message.type(), message.text()));
    page.on("pageerror", (error) => this.pageErrors.push(String(error?.stack || error)));
    page.on("crash", () => {
      this.crashed = true;
    });
    page.on("worker", (worker) => {
      // Newer playwright-core versions report worker console messages on the worker.
      if (typeof worker.on === "function") {
        try {
          worker.on("console", (message) => this.onConsole(message.type(), message.text()));
        } catch {
          // Not supported by this playwright-core: the page's console event covers workers.
        }
      }
    });
  }

  onConsole(type, fullText) {
    // Panic messages carry a JS stack: keep the first lines (the message itself).
    const text = fullText.split("\n").filter((l) => l.trim() && !/^\s*at /.test(l) && l.trim() !== "Error" && l.trim() !== "Stack:").slice(0, 3).join(" | ");
    this.console.push(`[${type}] ${text}`);
    if (HARMLESS_CONSOLE.some((re) => re.test(text))) return;
    if (FATAL_CONSOLE.some((re) => re.test(fullText))) {
      const line = `[${type}] ${text}`;
      if (!this.consoleErrors.includes(line)) this.consoleErrors.push(line);
    }
  }

  problems() {
    const out = [];
    if (this.foreignRequests.length)
      out.push(`requests outside the app's origin ${this.origin}:\n  ${this.foreignRequests.join("\n  ")}`);
    if (this.badResponses.length)
      out.push(`same-origin responses with status >= 400:\n  ${this.badResponses.join("\n  ")}`);
    if (this.pageErrors.length) out.push(`page errors:\n  ${this.pageErrors.join("\n  ")}`);
    if (this.consoleErrors.length)
      out.push(`console messages about panics, traps or CSP violations:\n  ${this.consoleErrors.join("\n  ")}`);
    if (this.crashed) out.push("the page crashed");
    return out;
  }

  /** Throws if anything forbidden happened so far. */
  check() {
    const problems = this.problems();
    if (problems.length) {
      const tail = this.console.slice(-30).join("\n  ");
      assert.fail(`${problems.join("\n")}\n(last console messages:\n  ${tail})`);
    }
  }
}

/** Poll `fn` until it returns a truthy value; returns it. Throws `message()` on timeout. */
export async function poll(fn, { timeout = UI_TIMEOUT_MS, interval = 100, message } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const text = typeof message === "function" ? await message() : message;
      throw new Error(`timed out after ${timeout} ms: ${text || "condition not met"}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Wait for a step's run (Segment, Predict …) to end and return the numeric `data-*` attributes of
 * its summary (`data-elapsed-ms` → `elapsedMs`). Fails at once on the step's error banner
 * (`{step}-error`) or a page error; waits while `{step}-progress` is shown, and, with `previous`
 * (an earlier result), until the summary shows another run.
 */
export async function waitForRun(page, step, { previous = null, timeout = LOAD_TIMEOUT_MS } = {}) {
  return poll(
    async () => {
      const guard = page.__custosGuard;
      if (guard && (guard.pageErrors.length || guard.consoleErrors.length)) guard.check();
      const error = page.getByTestId(`${step}-error`);
      if ((await error.count()) > 0) throw new Error(`${step} failed: ${await error.innerText()}`);
      if ((await page.getByTestId(`${step}-progress`).count()) > 0) return false;
      const summary = page.getByTestId(`${step}-summary`);
      if ((await summary.count()) === 0) return false;
      const data = await summary.evaluate((el) => ({ ...el.dataset }));
      const info = Object.fromEntries(
        Object.entries(data).map(([key, value]) => [key, Number.isNaN(Number(value)) ? value : Number(value)]),
      );
      if (previous && Object.keys(info).every((key) => info[key] === previous[key])) return false;
      return info;
    },
    { timeout, interval: 200, message: `no ${step} result was shown` },
  );
}

/** Visible text of the error banner, or null when there is none. */
export async function bannerText(page) {
  const banner = page.getByTestId("error-banner");
  if ((await banner.count()) === 0) return null;
  return (await banner.first().innerText()).trim();
}

/** Attributes of the dataset summary, or null when no dataset is shown. */
export async function datasetInfo(page) {
  const summary = page.getByTestId("dataset-summary");
  if ((await summary.count()) === 0) return null;
  const s = summary.first();
  const attr = async (name) => s.getAttribute(name);
  return {
    fileName: await attr("data-file-name"),
    rows: Number(await attr("data-rows")),
    cols: Number(await attr("data-cols")),
    rowsAttr: await attr("data-rows"),
    colsAttr: await attr("data-cols"),
    elapsedMs: await attr("data-elapsed-ms"),
    workerMemory: await attr("data-worker-memory"),
  };
}

/** Attributes of the dialect summary, or null. */
export async function dialectInfo(page) {
  const d = page.getByTestId("dialect-summary");
  if ((await d.count()) === 0) return null;
  const s = d.first();
  return {
    delimiter: await s.getAttribute("data-delimiter"),
    encoding: await s.getAttribute("data-encoding"),
    header: await s.getAttribute("data-header"),
  };
}

/** Throws at once if the page's guard saw a page error, a panic, a trap, a CSP violation. */
function failFast(page) {
  const guard = page.__custosGuard;
  if (!guard) return;
  if (guard.pageErrors.length || guard.consoleErrors.length || guard.crashed) guard.check();
}

async function isReading(page) {
  return (await page.getByTestId("progress").count()) > 0;
}

/**
 * Wait until the dataset named `fileName` is shown and no read is in progress. Fails early,
 * with the banner's text, if the read ends with an error instead.
 */
export async function waitForDataset(page, fileName, { timeout = LOAD_TIMEOUT_MS } = {}) {
  return poll(
    async () => {
      failFast(page);
      if (await isReading(page)) return null;
      const info = await datasetInfo(page);
      if (info && info.fileName === fileName) return info;
      const banner = await bannerText(page);
      if (banner) throw new Error(`loading ${fileName} showed an error instead: ${banner}`);
      return null;
    },
    {
      timeout,
      interval: 200,
      message: async () =>
        `dataset ${fileName} not shown (current: ${JSON.stringify(await datasetInfo(page))}, ` +
        `banner: ${JSON.stringify(await bannerText(page))})`,
    },
  );
}

/** Wait until the error banner is shown and no read is in progress; returns its text. */
export async function waitForBanner(page, { timeout = LOAD_TIMEOUT_MS } = {}) {
  return poll(
    async () => {
      failFast(page);
      if (await isReading(page)) return null;
      return bannerText(page);
    },
    {
      timeout,
      interval: 200,
      message: async () =>
        `no error banner (dataset shown: ${JSON.stringify(await datasetInfo(page))})`,
    },
  );
}

/** Choose `file` in the file input (a path, or { name, mimeType, buffer }). */
export async function chooseFile(page, file) {
  await page.getByTestId("file-input").setInputFiles(file);
}

/** Load a file through the file input and wait for its dataset. */
export async function loadFile(page, filePath, options) {
  await chooseFile(page, filePath);
  return waitForDataset(page, path.basename(filePath), options);
}

/** The `column-row` of column `name`. */
export function columnRow(page, name) {
  return page.locator(`[data-testid="column-row"][data-name=${cssString(name)}]`);
}

/** A CSS string literal for attribute selectors. */
export function cssString(value) {
  return `"${String(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\a ")}"`;
}

/** Parse the first integer in a text like "1,234,567 rows parsed". */
export function firstInteger(text) {
  const match = String(text ?? "").match(/\d[\d,.\u202f\u00a0 ]*/);
  if (!match) return null;
  return Number(match[0].replace(/[^\d]/g, ""));
}

export function ensureArtifactsDir() {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return ARTIFACTS_DIR;
}

export function fileSize(file) {
  return statSync(file).size;
}

/** Open the Explore step from the Data step. */
export async function goExplore(page) {
  await page.getByTestId("go-explore").click();
  await page.getByTestId("explore-run").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
}

/** Build the customer table and wait for the results (or fail with the step's error). */
export async function buildCustomers(page) {
  const before = await page.getByTestId("explore-overview").count();
  await page.getByTestId("explore-run").click();
  await poll(
    async () => {
      const guard = page.__custosGuard;
      if (guard && (guard.pageErrors.length || guard.consoleErrors.length)) guard.check();
      const error = page.getByTestId("explore-error");
      if ((await error.count()) > 0) throw new Error(`Explore failed: ${await error.innerText()}`);
      if ((await page.getByTestId("explore-progress").count()) > 0) return false;
      return (await page.getByTestId("explore-overview").count()) > before || before > 0;
    },
    { timeout: LOAD_TIMEOUT_MS, interval: 200, message: "the customer table was not built" },
  );
  await page.getByTestId("explore-overview").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
}

/**
 * Pixels of a chart's canvas that differ from its most common colour (the background): a
 * blank or nearly blank canvas fails.
 */
export async function inkPixels(page, chartId) {
  const card = page.locator(`[data-testid="chart"][data-chart-id="${chartId}"]`);
  await card.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
  await card.scrollIntoViewIfNeeded();
  return poll(
    async () => {
      const ink = await card.locator("canvas").evaluate((canvas) => {
        const ctx = canvas.getContext("2d");
        if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const counts = new Map();
        for (let i = 0; i < data.length; i += 4) {
          const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
          counts.set(key, (counts.get(key) || 0) + 1);
        }
        let background = 0;
        for (const n of counts.values()) background = Math.max(background, n);
        return data.length / 4 - background;
      });
      return ink > 2000 ? ink : false;
    },
    { timeout: UI_TIMEOUT_MS, message: `chart ${chartId} stays blank` },
  );
}
