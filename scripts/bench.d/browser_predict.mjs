// Browser "predict" benchmark: load a customer file into the built app (dist/) in headless
// Chromium, build the customer table in Explore with the defaults, open the Predict step, fill
// its form (target, positive value, models, balance none, folds, seed) and Run; then read the
// worker's own timings from the result: the whole Predict run and, per model, the final fit on
// the training part, the scoring of the test part and the test ROC-AUC. Prints one JSON object
// per file on standard output; progress and problems go to standard error.
//
//   node browser_predict.mjs --dist DIR --runs N [--playwright DIR] [--timeout-ms MS]
//                            [--predict-timeout-ms MS] [--folds K] [--seed S] [--expect-test N]
//                            --target COLUMN --positive VALUE [--models lr,tree,rf,gbdt] FILE...
//
// Server, Chromium, run loop and output: browser_common.mjs. Per run (the page is reloaded
// first, so every run has a fresh worker):
// 1. the file is given to [data-testid=file-input]; wait for
//    [data-testid=dataset-summary][data-file-name="<name>"] (data-elapsed-ms: read + parse);
// 2. click [data-testid=go-explore], then [data-testid=explore-run] (Build customer table, the
//    defaults); wait for [data-testid=explore-overview] (data-elapsed-ms);
// 3. open Predict: [data-testid=continue-predict] when shown, else the step navigation
//    ([data-testid=nav-step][data-step=predict], or [data-testid=step-predict] /
//    [data-testid=nav-predict]); wait for [data-testid=predict-run];
// 4. the form: select[data-testid=predict-target] = COLUMN; select[data-testid=predict-positive]
//    = VALUE (an option whose value or text matches it, case-insensitively; yes/true also match
//    the option "1", the app's boolean targets); input[data-testid=predict-model-<key>] checked
//    for the chosen models and unchecked for the others; input[data-testid=predict-balance-none]
//    checked, -smote and -weights unchecked; input[data-testid=predict-folds] = K and
//    input[data-testid=predict-seed] = S (filled, then a change event); the search select
//    [data-testid=predict-search] and the log box are left as the app sets them (defaults,
//    log on) and reported;
// 5. click [data-testid=predict-run]; wait for [data-testid=predict-summary] (or
//    [data-testid=predict-error] / [data-testid=predict-form-error]): data-elapsed-ms = the
//    worker's whole Predict run (cross-validation, final fits, importance, charts),
//    data-worker-memory when the app sets it; the test size from [data-testid=predict-n-test]
//    (data-n-test, else the first number of its text); per model the row
//    [data-testid=predict-leaderboard] tr[data-model=<key>][data-balance=none]: data-fit-seconds,
//    data-predict-seconds, data-test-auc, data-cv-fit-seconds, data-cv-auc.
// --predict-timeout-ms (default 600000) bounds step 5 alone; --timeout-ms steps 1 to 3.
// With --expect-test N, a run whose test part has another size is an error.

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

const TAG = "bench/browser-predict";

// Word flags; browser_common.mjs only knows numeric flags, so these are taken out here.
function takeWord(flag, fallback) {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  process.argv.splice(i, 2);
  return value;
}
const target = takeWord("--target", null);
const positive = takeWord("--positive", null);
const models = takeWord("--models", "lr,tree,rf,gbdt").split(",").map((m) => m.trim()).filter(Boolean);
const ALL_MODELS = ["lr", "tree", "rf", "gbdt"];
const ALL_BALANCES = ["none", "smote", "weights"];
if (!target || !positive) {
  console.error(`${TAG}: --target COLUMN and --positive VALUE are required`);
  process.exit(2);
}
if (models.some((m) => !ALL_MODELS.includes(m))) {
  console.error(`${TAG}: --models takes ${ALL_MODELS.join(",")}`);
  process.exit(2);
}

const attrNumber = async (locator, name) => number(await locator.getAttribute(name));

async function setChecked(page, testid, on) {
  const box = page.locator(`input[data-testid=${cssString(testid)}]`);
  if ((await box.count()) === 0) throw new Error(`no input[data-testid=${testid}] in the Predict form`);
  if ((await box.isChecked()) !== on) await box.setChecked(on);
}

async function fillNumber(page, testid, value) {
  const input = page.locator(`input[data-testid=${cssString(testid)}]`);
  if ((await input.count()) === 0) throw new Error(`no input[data-testid=${testid}] in the Predict form`);
  await input.fill(String(value));
  await input.dispatchEvent("change");
}

/** Choose the option of `select` matching `wanted` (value or text, case-insensitive). */
async function chooseOption(select, wanted, aliases = []) {
  const options = await select.locator("option").evaluateAll((os) =>
    os.map((o) => ({ value: o.value, text: (o.textContent || "").trim() })),
  );
  const names = [wanted, ...aliases].map((s) => s.toLowerCase());
  const found =
    names.map((n) => options.find((o) => o.value.toLowerCase() === n)).find(Boolean) ??
    names.map((n) => options.find((o) => o.text.toLowerCase().split(" (")[0] === n)).find(Boolean);
  if (!found) {
    throw new Error(
      `no option '${wanted}' in ${await select.getAttribute("data-testid")} ` +
        `(options: ${options.map((o) => o.value).join(", ")})`,
    );
  }
  await select.selectOption(found.value);
  return found.value;
}

async function openPredict(page) {
  for (const selector of [
    "[data-testid=continue-predict]",
    "[data-testid=nav-step][data-step=predict]",
    "[data-testid=step-predict]",
    "[data-testid=nav-predict]",
  ]) {
    const link = page.locator(selector);
    if ((await link.count()) > 0 && (await link.first().isVisible())) {
      await link.first().click();
      return selector;
    }
  }
  throw new Error("no way to the Predict step (continue-predict, nav-step[data-step=predict])");
}

async function measure(page, file, { timeoutMs, predictTimeoutMs, folds, seed }) {
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

  // 2. Explore with the default settings (Build customer table)
  await openExplore(page);
  const { overview } = await buildCustomerTable(page, timeoutMs);
  const exploreMs = Number(await overview.first().getAttribute("data-elapsed-ms"));
  const customers = number(await overview.first().getAttribute("data-customers"));

  // 3. the Predict step and its form
  const via = await openPredict(page);
  const run = page.locator("[data-testid=predict-run]");
  await run.waitFor({ state: "visible", timeout: timeoutMs });
  const targetSelect = page.locator("select[data-testid=predict-target]");
  const targetValue = await chooseOption(targetSelect, target);
  const positiveAliases = ["yes", "true", "y", "t"].includes(positive.toLowerCase()) ? ["1"] : [];
  const positiveValue = await chooseOption(
    page.locator("select[data-testid=predict-positive]"),
    positive,
    positiveAliases,
  );
  for (const m of ALL_MODELS) await setChecked(page, `predict-model-${m}`, models.includes(m));
  for (const b of ALL_BALANCES) await setChecked(page, `predict-balance-${b}`, b === "none");
  if (folds !== null) await fillNumber(page, "predict-folds", folds);
  if (seed !== null) await fillNumber(page, "predict-seed", seed);
  const search = page.locator("[data-testid=predict-search]");
  const searchValue = (await search.count()) > 0 ? await search.inputValue() : null;
  const logBox = page.locator("input[data-testid=predict-log]");
  const logOn = (await logBox.count()) > 0 ? await logBox.isChecked() : null;

  // 4. Run: the worker's whole Predict step
  const result = page.locator("[data-testid=predict-summary]");
  const t0 = performance.now();
  await run.click();
  await waitOrError(
    result,
    page.locator("[data-testid=predict-error], [data-testid=predict-form-error]"),
    predictTimeoutMs ?? 600_000,
    (text) => `Predict: the app showed an error: ${text || "(empty)"}`,
  );
  const predictWallMs = performance.now() - t0;
  const elapsed = await result.first().getAttribute("data-elapsed-ms");
  if (elapsed === null) throw new Error("[data-testid=predict-summary] has no data-elapsed-ms");
  const memory = await attrNumber(result.first(), "data-worker-memory");
  const nTest = page.locator("[data-testid=predict-n-test]");
  let testRows = null;
  if ((await nTest.count()) > 0) {
    testRows =
      (await attrNumber(nTest.first(), "data-n-test")) ??
      number(((await nTest.first().innerText()).match(/[\d][\d,\s\u202f]*/) || [""])[0].trim());
  }

  const perModel = {};
  const board = page.locator("[data-testid=predict-leaderboard]");
  for (const m of models) {
    const tr = board.locator(`tr[data-model=${cssString(m)}][data-balance=none]`);
    if ((await tr.count()) === 0) {
      throw new Error(`no leaderboard row tr[data-model=${m}][data-balance=none]`);
    }
    const row = tr.first();
    perModel[m] = {
      fit_s: await attrNumber(row, "data-fit-seconds"),
      predict_s: await attrNumber(row, "data-predict-seconds"),
      test_auc: await attrNumber(row, "data-test-auc"),
      cv_fit_s: await attrNumber(row, "data-cv-fit-seconds"),
      cv_auc: await attrNumber(row, "data-cv-auc"),
    };
  }
  return {
    rows,
    customers,
    via,
    target: targetValue,
    positive: positiveValue,
    search: searchValue,
    log: logOn,
    folds,
    seed,
    test_rows: testRows,
    models: perModel,
    parse_ms: parseMs,
    explore_ms: exploreMs,
    predict_ms: Number(elapsed),
    worker_memory_bytes: memory,
    parse_wall_ms: parseWallMs,
    predict_wall_ms: predictWallMs,
  };
}

runDriver({
  tag: TAG,
  flags: {
    "--predict-timeout-ms": "predictTimeoutMs",
    "--folds": "folds",
    "--seed": "seed",
    "--expect-test": "expectTest",
  },
  watchConsole: true,
  measure,
  describe: (r) =>
    `parse ${r.parse_ms} ms, explore ${r.explore_ms} ms, predict ${r.predict_ms} ms ` +
    `(test part ${r.test_rows}; ` +
    Object.entries(r.models)
      .map(([m, x]) => `${m} fit ${x.fit_s} s, predict ${x.predict_s} s, AUC ${x.test_auc}`)
      .join("; ") +
    `)${r.worker_memory_bytes !== null ? `, wasm memory ${r.worker_memory_bytes} B` : ""} ` +
    `(driver: predict ${Math.round(r.predict_wall_ms)} ms)`,
  check: (r, { expectTest }) => {
    if (expectTest !== null && r.test_rows !== expectTest) {
      throw new Error(
        `WRONG RESULT: a test part of ${r.test_rows} customers, expected ${expectTest} — ` +
          `predict ${r.predict_ms} ms`,
      );
    }
  },
  bestBy: "predict_ms",
});
