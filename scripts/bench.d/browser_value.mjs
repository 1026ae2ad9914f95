// Browser "value" benchmark: load a file of purchase lines into the built app (dist/) in
// headless Chromium, build the customer table in Explore with the defaults, open the Value step
// and run it with its defaults (or with only the models of --models); then read the worker's own
// timing from the result. Prints one JSON object per file on standard output; progress and
// problems go to standard error.
//
//   node browser_value.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//                          [--value-timeout-ms MS] [--models bgnbd,ridge,…] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for
//    [data-testid=dataset-summary][data-file-name="<name>"] (data-elapsed-ms: read + parse);
// 2. click [data-testid=go-explore], then [data-testid=explore-run] (Build customer table, the
//    defaults); wait for [data-testid=explore-overview] (data-elapsed-ms);
// 3. open Value: [data-testid=continue-value] when shown, else the step navigation
//    ([data-testid=nav-step][data-step=value]); wait until [data-testid=value-run] is enabled
//    (the form has its setup);
// 4. with --models, input[data-testid=value-model-<key>] checked for the chosen models and
//    unchecked for the others (a disabled box is left alone); without it the form's defaults;
// 5. click [data-testid=value-run]; wait for [data-testid=value-summary] (or
//    [data-testid=value-error] / [data-testid=value-form-error]): data-elapsed-ms = the worker's
//    whole Value run (calibration summary, BG/NBD and Gamma-Gamma on the calibration period and
//    refitted on the whole period, predictions, the supervised models' CV and final fits,
//    charts), data-worker-memory, data-customers, data-bgnbd-r / -alpha, data-gg-p / -q / -v,
//    data-holdout-customers, data-holdout-predicted-purchases, data-best-model, and
//    data-bgnbd-fit-seconds / data-gg-fit-seconds when the app sets them; per supervised model
//    the row [data-testid=value-leaderboard] tr[data-model=<key>]: data-fit-seconds,
//    data-test-r2, data-test-rmse.
// --value-timeout-ms (default 600000) bounds step 5 alone; --timeout-ms steps 1 to 3.

import path from "node:path";

import { cssString } from "../../tests/e2e/harness.mjs";
import {
  buildCustomerTable,
  loadDataset,
  number,
  openExplore,
  runDriver,
  waitOrError,
} from "./browser_common.mjs";

const TAG = "bench/browser-value";
const ALL_MODELS = ["bgnbd", "ridge", "tree", "rf", "gbdt", "mlp"];

// --models is a word flag; browser_common.mjs only knows numeric flags, so it is taken out here.
function takeWord(flag, fallback) {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  process.argv.splice(i, 2);
  return value;
}
const modelsFlag = takeWord("--models", null);
const models = modelsFlag === null
  ? null
  : modelsFlag.split(",").map((m) => m.trim()).filter(Boolean);
if (models && (models.length === 0 || models.some((m) => !ALL_MODELS.includes(m)))) {
  console.error(`${TAG}: --models takes ${ALL_MODELS.join(",")}`);
  process.exit(2);
}

const attrNumber = async (locator, name) => number(await locator.getAttribute(name));

async function openValue(page) {
  for (const selector of [
    "[data-testid=continue-value]",
    "[data-testid=nav-step][data-step=value]",
  ]) {
    const link = page.locator(selector);
    if ((await link.count()) > 0 && (await link.first().isVisible())) {
      await link.first().click();
      return selector;
    }
  }
  throw new Error("no way to the Value step (continue-value, nav-step[data-step=value])");
}

/** Check the chosen models' boxes and uncheck the others; returns the models checked. */
async function chooseModels(page, wanted) {
  const checked = [];
  for (const m of ALL_MODELS) {
    const box = page.locator(`input[data-testid=${cssString(`value-model-${m}`)}]`);
    if ((await box.count()) === 0) throw new Error(`no input[data-testid=value-model-${m}] in the Value form`);
    if (wanted && !(await box.isDisabled()) && (await box.isChecked()) !== wanted.includes(m)) {
      await box.setChecked(wanted.includes(m));
    }
    if (await box.isChecked()) checked.push(m);
  }
  return checked;
}

async function measure(page, file, { timeoutMs, valueTimeoutMs }) {
  const name = path.basename(file);

  // 1. read + parse
  const { summary } = await loadDataset(
    page,
    file,
    timeoutMs,
    (text) => `loading ${name}: the app showed an error: ${text || "(empty)"}`,
  );
  const parseMs = Number(await summary.getAttribute("data-elapsed-ms"));
  const rows = Number(await summary.getAttribute("data-rows"));

  // 2. Explore with the default settings (Build customer table)
  await openExplore(page);
  const { overview } = await buildCustomerTable(page, timeoutMs);
  const exploreMs = Number(await overview.first().getAttribute("data-elapsed-ms"));

  // 3. the Value step, its form with the defaults (or --models)
  const via = await openValue(page);
  const run = page.locator("[data-testid=value-run]");
  await run.waitFor({ state: "visible", timeout: timeoutMs });
  const t_setup = performance.now();
  while (await run.isDisabled()) {
    if (performance.now() - t_setup > timeoutMs) {
      const why = await page.locator("[data-testid=value-run-why]").innerText().catch(() => "");
      throw new Error(`[data-testid=value-run] stays disabled: ${why || "(no reason shown)"}`);
    }
    await page.waitForTimeout(50);
  }
  const chosen = await chooseModels(page, models);

  // 4. Run: the worker's whole Value step
  const result = page.locator("[data-testid=value-summary]");
  const t0 = performance.now();
  await run.click();
  await waitOrError(
    result,
    page.locator("[data-testid=value-error], [data-testid=value-form-error]"),
    valueTimeoutMs ?? 600_000,
    (text) => `Value: the app showed an error: ${text || "(empty)"}`,
  );
  const valueWallMs = performance.now() - t0;
  const s = result.first();
  const elapsed = await s.getAttribute("data-elapsed-ms");
  if (elapsed === null) throw new Error("[data-testid=value-summary] has no data-elapsed-ms");

  const perModel = {};
  const board = page.locator("[data-testid=value-leaderboard]");
  for (const m of chosen.filter((m) => m !== "bgnbd")) {
    // A model on the log target is keyed e.g. rf_log1p.
    const tr = board.locator(`tr[data-model=${cssString(m)}], tr[data-model^=${cssString(`${m}_`)}]`);
    if ((await tr.count()) === 0) {
      perModel[m] = { error: `no leaderboard row tr[data-model=${m}]` };
      continue;
    }
    const row = tr.first();
    perModel[m] = {
      fit_s: await attrNumber(row, "data-fit-seconds"),
      test_r2: await attrNumber(row, "data-test-r2"),
      test_rmse: await attrNumber(row, "data-test-rmse"),
    };
  }
  return {
    rows,
    via,
    models_run: chosen,
    customers: await attrNumber(s, "data-customers"),
    holdout_customers: await attrNumber(s, "data-holdout-customers"),
    holdout_predicted_purchases: await attrNumber(s, "data-holdout-predicted-purchases"),
    bgnbd: {
      r: await attrNumber(s, "data-bgnbd-r"),
      alpha: await attrNumber(s, "data-bgnbd-alpha"),
      fit_s: await attrNumber(s, "data-bgnbd-fit-seconds"),
    },
    gamma_gamma: {
      p: await attrNumber(s, "data-gg-p"),
      q: await attrNumber(s, "data-gg-q"),
      v: await attrNumber(s, "data-gg-v"),
      fit_s: await attrNumber(s, "data-gg-fit-seconds"),
    },
    best_model: await s.getAttribute("data-best-model"),
    models: perModel,
    parse_ms: parseMs,
    explore_ms: exploreMs,
    value_ms: Number(elapsed),
    worker_memory_bytes: await attrNumber(s, "data-worker-memory"),
    value_wall_ms: valueWallMs,
  };
}

runDriver({
  tag: TAG,
  flags: { "--value-timeout-ms": "valueTimeoutMs" },
  watchConsole: true,
  measure,
  describe: (r) =>
    `parse ${r.parse_ms} ms, explore ${r.explore_ms} ms, value ${r.value_ms} ms ` +
    `(${r.models_run.join(",")}; ${r.holdout_customers ?? "?"} customers modelled, ` +
    `BG/NBD r ${r.bgnbd.r ?? "?"} alpha ${r.bgnbd.alpha ?? "?"}` +
    Object.entries(r.models)
      .map(([m, x]) => `; ${m} fit ${x.fit_s ?? "?"} s, R² ${x.test_r2 ?? "?"}`)
      .join("") +
    `)${r.worker_memory_bytes !== null ? `, wasm memory ${r.worker_memory_bytes} B` : ""} ` +
    `(driver: value ${Math.round(r.value_wall_ms)} ms)`,
  bestBy: "value_ms",
});
