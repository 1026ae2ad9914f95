// Browser "recommend" benchmark: load a file into the built app (dist/) in headless Chromium,
// run the Recommend part of the Value & Recommend step and read the worker's own timings from
// the result. Prints one JSON object per file on standard output; progress and problems go to
// standard error.
//
//   node browser_recommend.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//        [--recommend-timeout-ms MS] --kind rules|recommend [--baskets] [--min-support S]
//        [--min-confidence C] [--max-len N] [--keep-service-lines] [--method KEY] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for [data-testid=dataset-summary];
// 2. with --baskets: [data-testid=read-as-baskets], wait for [data-testid=basket-summary], then
//    [data-testid=go-value]; else Explore with the defaults ([data-testid=go-explore],
//    [data-testid=explore-run], [data-testid=explore-overview]) and the step navigation's
//    Value & Recommend;
// 3. the Recommendations tab ([data-testid=recommend-tab]); wait until [data-testid=recommend-run]
//    is enabled; type the thresholds into [data-testid=recommend-min-support] (in %),
//    -min-confidence (in %), -max-len; [data-testid=recommend-keep-service] as asked (checked
//    with --keep-service-lines, else unchecked); --method picks [data-testid=recommend-method];
// 4. click [data-testid=recommend-run]; wait for [data-testid=recommend-summary] (or
//    [data-testid=recommend-error] / [data-testid=recommend-form-error]) and read its data-*:
//    elapsed-ms (the worker's whole step), worker-memory, baskets, items, itemsets, rules,
//    customers, and the worker's clock per part: baskets-ms, rules-ms (FP-growth + rules),
//    evaluation-ms, fit-ms (the chosen method on every basket), recommend-ms (the top N for
//    every customer).
// --kind rules: best run by rules_ms; --kind recommend: by fit_ms.

import path from "node:path";

import { UI_TIMEOUT_MS } from "../../tests/e2e/harness.mjs";
import { buildCustomerTable, loadDataset, number, openExplore, runDriver, waitOrError } from "./browser_common.mjs";

const TAG = "bench/browser-recommend";

// Word flags: browser_common.mjs only knows numeric flags, so these are taken out here.
function take(flag, hasValue, fallback) {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = hasValue ? process.argv[i + 1] : true;
  process.argv.splice(i, hasValue ? 2 : 1);
  return value;
}
const kind = take("--kind", true, "rules");
const basketList = take("--baskets", false, false);
const keepService = take("--keep-service-lines", false, false);
const method = take("--method", true, null);
const minSupport = take("--min-support", true, null);
const minConfidence = take("--min-confidence", true, null);
// The form takes itemsets of up to 10 products (MAX_ITEMSET_LEN); a longer limit (the bench's
// "no limit") is typed as 10 and said in the output: no itemset that long is frequent in these
// data at these supports.
const FORM_MAX_LEN = 10;
const maxLenAsked = take("--max-len", true, null);
const maxLen = maxLenAsked === null ? null : String(Math.min(Number(maxLenAsked), FORM_MAX_LEN));
if (!["rules", "recommend"].includes(kind)) {
  console.error(`${TAG}: --kind takes rules or recommend`);
  process.exit(2);
}

const attr = async (locator, name) => number(await locator.getAttribute(name));
const percent = (share) => String(Number((Number(share) * 100).toPrecision(6)));

async function openRecommend(page, timeoutMs) {
  if (basketList) {
    await page.locator("[data-testid=read-as-baskets]").click();
    await page.locator("[data-testid=basket-summary]").waitFor({ state: "attached", timeout: timeoutMs });
    await page.locator("[data-testid=go-value]").click();
  } else {
    await openExplore(page);
    await buildCustomerTable(page, timeoutMs);
    await page.locator("[data-testid=nav-step][data-step=value]").click();
  }
  await page.locator("[data-testid=recommend-tab]").click();
  const run = page.locator("[data-testid=recommend-run]");
  await run.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
  const t0 = performance.now();
  while (await run.isDisabled()) {
    if (performance.now() - t0 > timeoutMs) throw new Error("[data-testid=recommend-run] stays disabled");
    await page.waitForTimeout(50);
  }
  return run;
}

async function measure(page, file, { timeoutMs, recommendTimeoutMs }) {
  const name = path.basename(file);
  await loadDataset(page, file, timeoutMs, (text) => `loading ${name}: the app showed an error: ${text || "(empty)"}`);
  const run = await openRecommend(page, timeoutMs);
  const fill = async (testid, value) => {
    if (value === null) return;
    const input = page.locator(`[data-testid=${testid}]`);
    await input.fill(value);
  };
  await fill("recommend-min-support", minSupport === null ? null : percent(minSupport));
  await fill("recommend-min-confidence", minConfidence === null ? null : percent(minConfidence));
  await fill("recommend-max-len", maxLen);
  const keep = page.locator("[data-testid=recommend-keep-service]");
  if ((await keep.count()) > 0 && (await keep.isVisible())) await keep.setChecked(Boolean(keepService));
  else if (keepService) throw new Error("no [data-testid=recommend-keep-service] checkbox");
  if (method !== null) await page.locator("[data-testid=recommend-method]").selectOption(method);

  const result = page.locator("[data-testid=recommend-summary]");
  const t0 = performance.now();
  await run.click();
  await waitOrError(
    result,
    page.locator("[data-testid=recommend-error], [data-testid=recommend-form-error]"),
    recommendTimeoutMs ?? 600_000,
    (text) => `Recommend: the app showed an error: ${text || "(empty)"}`,
  );
  const wallMs = performance.now() - t0;
  const s = result.first();
  return {
    kind,
    max_len: maxLen,
    baskets: await attr(s, "data-baskets"),
    items: await attr(s, "data-items"),
    itemsets: await attr(s, "data-itemsets"),
    rules: await attr(s, "data-rules"),
    n_customers: await attr(s, "data-customers"),
    method: await s.getAttribute("data-method"),
    elapsed_ms: await attr(s, "data-elapsed-ms"),
    baskets_ms: await attr(s, "data-baskets-ms"),
    rules_ms: await attr(s, "data-rules-ms"),
    evaluation_ms: await attr(s, "data-evaluation-ms"),
    fit_ms: await attr(s, "data-fit-ms"),
    recommend_ms: await attr(s, "data-recommend-ms"),
    worker_memory_bytes: await attr(s, "data-worker-memory"),
    wall_ms: wallMs,
  };
}

runDriver({
  tag: TAG,
  flags: { "--recommend-timeout-ms": "recommendTimeoutMs" },
  watchConsole: true,
  measure,
  describe: (r) =>
    `${r.baskets} baskets, ${r.itemsets} itemsets, ${r.rules} rules in ${r.rules_ms} ms; ` +
    `fit ${r.fit_ms} ms (${r.method ?? "no method"}), top N for ${r.n_customers} customers ` +
    `${r.recommend_ms} ms; whole step ${r.elapsed_ms} ms (driver ${Math.round(r.wall_ms)} ms)`,
  check: (r) => {
    if (r.rules_ms === null || r.elapsed_ms === null) throw new Error("the summary has no timings");
  },
  bestBy: kind === "rules" ? "rules_ms" : "fit_ms",
});
