// The Predict step through the UI: online_shoppers_intention.csv (Revenue = TRUE) trained with
// and without SMOTE; the leaderboard, ROC / PR / gain / lift / importance charts have ink;
// dragging the threshold slider changes the confusion matrix (its four cells always add up to
// the test part); the best-F1 and cost suggestions; the scored list pages, sorts and exports.
// Then bad choices (form errors, SMOTE's k above a fold's minority) are refused with a message
// while the earlier models stay. Online Retail's purchase lines: churn and high spender derived
// after a cutoff (counts checked against pandas in tests/predict_derived.rs), each choice with
// the customers it is about, the window as an end date and as days. No request leaves the
// origin (the harness's guard).
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  ARTIFACTS_DIR,
  LOAD_TIMEOUT_MS,
  UI_TIMEOUT_MS,
  buildCustomers,
  dataFile,
  describeApp,
  ensureArtifactsDir,
  goExplore,
  inkPixels,
  loadFile,
  poll,
  waitForRun,
} from "./harness.mjs";

/** The summary's attributes (bestModel, testAuc, elapsedMs …) once the latest models are shown. */
function waitForModels(page, options) {
  return waitForRun(page, "predict", { timeout: LOAD_TIMEOUT_MS * 2, ...options });
}

/** Tick exactly the checkboxes `predict-<group>-<key>` for `keys`. */
async function choose(page, group, all, keys) {
  for (const key of all) {
    const box = page.getByTestId(`predict-${group}-${key}`);
    if ((await box.isChecked()) !== keys.includes(key)) await box.setChecked(keys.includes(key));
  }
}

async function matrix(page) {
  const table = page.getByTestId("predict-confusion");
  const get = async (name) => Number(await table.getAttribute(`data-${name}`));
  return { tp: await get("tp"), fp: await get("fp"), tn: await get("tn"), fn: await get("fn") };
}

async function thresholdShown(page) {
  return Number((await page.getByTestId("predict-threshold-value").innerText()).trim());
}

/** Open the Predict step from Explore and wait for the form. */
async function openPredict(page) {
  await page.getByTestId("continue-predict").click();
  await page.getByTestId("predict-target").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
}

describeApp("predict", (app) => {
  it("online shoppers with SMOTE: leaderboard, curves, draggable threshold, lift, importance, scored CSV; screenshot", async () => {
    const { page } = app;
    await loadFile(page, dataFile("online_shoppers_intention.csv"));
    await goExplore(page);
    await buildCustomers(page);
    await openPredict(page);

    // Revenue (a boolean: TRUE/FALSE in the file, and so on screen) is preselected, its name
    // meaning the outcome, with TRUE as the positive outcome: 1,908 of 12,330 sessions.
    assert.equal(await page.getByTestId("predict-target").inputValue(), "Revenue");
    assert.equal(await page.getByTestId("predict-positive").inputValue(), "TRUE");
    assert.match(await page.getByTestId("predict-target-rate").innerText(), /1,908 of 12,330/);

    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], ["lr", "gbdt"]);
    await choose(page, "balance", ["none", "smote", "weights"], ["none", "smote"]);
    await page.getByTestId("predict-smote-k").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await page.getByTestId("predict-run").click();
    await page.getByTestId("predict-progress").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    const first = await waitForModels(page);

    // Scikit-learn's best on this split is 0.928; SMOTE or not, Custos's best must be close.
    assert.ok(first.testAuc >= 0.918, `best test AUC ${first.testAuc}`);
    const board = page.getByTestId("predict-leaderboard");
    assert.equal(await board.locator("tbody tr").count(), 4, "2 models × 2 balances");
    const smoteRows = board.locator('tbody tr[data-balance="smote"]');
    assert.equal(await smoteRows.count(), 2);
    for (const row of await board.locator("tbody tr").all()) {
      const auc = Number(await row.getAttribute("data-test-auc"));
      assert.ok(auc > 0.85 && auc < 1, `every model learns something: ${auc}`);
      assert.ok(Number(await row.getAttribute("data-fit-seconds")) > 0);
    }
    // The browser fits what the CLI fits for the same seed (`custos predict
    // online_shoppers_intention.csv --target Revenue --models lr,gbdt --balance none,smote`).
    const aucOf = async (model, balance) =>
      Number(await board.locator(`tbody tr[data-model="${model}"][data-balance="${balance}"]`).getAttribute("data-test-auc"));
    assert.deepEqual(
      [await aucOf("gbdt", "none"), await aucOf("gbdt", "smote"), await aucOf("lr", "smote"), await aucOf("lr", "none")],
      [0.9298, 0.9238, 0.9157, 0.9118],
    );
    const cv = await board.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.cvAuc)));
    assert.deepEqual(cv, [...cv].sort((a, b) => b - a), `ranked by CV AUC: ${cv}`);
    // SMOTE grows the training part only: the note says how many synthetic buyers; the test
    // part is the 2,466 real customers of scikit-learn's split.
    assert.match(await page.getByTestId("predict-notes").innerText(), /SMOTE added 6,812 synthetic/);
    assert.match(await page.getByTestId("predict-n-test").innerText(), /2,466/);
    // PageValues alone predicts Revenue strongly: flagged, and the form shows the flag.
    assert.match(await page.getByTestId("predict-leakage").innerText(), /PageValues/);
    await poll(async () => (await page.getByTestId("predict-leak-flag").count()) > 0, {
      message: "the form flags PageValues",
    });
    const captured = Number(await page.getByTestId("predict-capture").getAttribute("data-captured"));
    assert.ok(captured > 0.5, `top 20 % capture ${captured}`);

    // Curves, lift and importance have real pixels.
    for (const id of ["predict-roc", "predict-pr", "predict-gain", "predict-lift", "predict-importance"]) {
      assert.ok((await inkPixels(page, id)) > 2000, `${id} has ink`);
    }

    // The confusion matrix: the test part in four cells, at the best-F1 threshold first.
    const start = await matrix(page);
    const total = start.tp + start.fp + start.tn + start.fn;
    assert.equal(total, 2466);
    assert.equal(start.tp + start.fn, 382, "the test part's buyers");
    const startThreshold = await thresholdShown(page);
    // The slider starts exactly on the model's best-F1 threshold: the leaderboard's test F1.
    const f1Cell = await board.locator("tbody tr").first().locator("td").nth(5).innerText();
    assert.equal((await page.getByTestId("predict-metric-f1").innerText()).trim(), f1Cell.trim());

    // Drag the slider to the right: a higher threshold calls fewer customers positive.
    const slider = page.getByTestId("predict-threshold-slider");
    await slider.scrollIntoViewIfNeeded();
    const box = await slider.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    const dragged = await poll(
      async () => {
        const m = await matrix(page);
        return m.tp + m.fp < start.tp + start.fp ? m : false;
      },
      { message: "dragging the threshold right did not change the matrix" },
    );
    assert.equal(dragged.tp + dragged.fp + dragged.tn + dragged.fn, total, "cells still add up");
    assert.ok((await thresholdShown(page)) > startThreshold);
    const recallText = await page.getByTestId("predict-metric-recall").innerText();

    // Back to the best F1, then the lowest cost when a missed buyer costs 10 false alarms:
    // a lower threshold, more customers called.
    await page.getByTestId("predict-threshold-f1").click();
    await poll(async () => (await thresholdShown(page)) === startThreshold, { message: "best F1 again" });
    assert.notEqual(await page.getByTestId("predict-metric-recall").innerText(), recallText);
    await page.getByTestId("predict-cost-fp").fill("1");
    await page.getByTestId("predict-cost-fn").fill("10");
    await page.getByTestId("predict-cost-fn").press("Tab");
    await page.getByTestId("predict-threshold-cost").click();
    await page.getByTestId("predict-cost-note").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.ok((await thresholdShown(page)) < startThreshold, "a missed buyer is dear: lower threshold");
    const costly = await matrix(page);
    assert.ok(costly.tp >= start.tp && costly.fp > start.fp);

    // Another model from the leaderboard: its own matrix and charts.
    await page.getByTestId("predict-show-model").first().click();
    await poll(async () => (await board.locator("tbody tr.chosen").getAttribute("data-model")) !== null, {
      message: "a model is shown",
    });

    // The scored list: every customer, most likely first; then least likely first.
    const grid = page.getByTestId("predict-scores");
    await grid.scrollIntoViewIfNeeded();
    const probabilities = async () =>
      grid.locator("tbody tr td:nth-of-type(2)").allInnerTexts().then((cells) => cells.map(Number));
    const top = await poll(async () => {
      const p = await probabilities();
      return p.length === 50 ? p : false;
    }, { message: "the first page of scored customers" });
    assert.deepEqual(top, [...top].sort((a, b) => b - a), "most likely first");
    await page.getByTestId("predict-score-order").selectOption("probability_asc");
    await poll(async () => {
      const p = await probabilities();
      return p.length === 50 && p[0] <= top[49] && p[0] <= p[49];
    }, { message: "least likely first" });

    // The CSV: one line per customer, with the probability and the part.
    const [csv] = await Promise.all([
      page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
      page.getByTestId("export-scores").click(),
    ]);
    const lines = readFileSync(await csv.path(), "utf8").trim().split(/\r?\n/);
    assert.equal(lines.length, 12331, "header + every customer");
    assert.match(lines[0], /,Revenue,probability,part$/);
    // The known outcome as the file writes it.
    assert.equal(lines.filter((l) => l.includes(",TRUE,")).length, 1908);
    assert.equal(lines.filter((l) => l.endsWith(",test")).length, 2466);

    ensureArtifactsDir();
    await page.getByTestId("predict-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "predict-step.png"), fullPage: true });

    // A long grid search over every model, cancelled: the progress goes, the models stay.
    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], ["lr", "tree", "rf", "gbdt"]);
    await page.getByTestId("predict-search").selectOption("grid");
    await page.getByTestId("predict-run").click();
    await page.getByTestId("predict-progress").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await page.getByTestId("predict-cancel").click();
    await page.getByTestId("predict-progress").waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
    const kept = page.getByTestId("predict-summary");
    assert.equal(Number(await kept.getAttribute("data-elapsed-ms")), first.elapsedMs, "the earlier models stay");
    assert.equal(await page.getByTestId("predict-run").isEnabled(), true, "the form can run again");
  });

  it("marketing campaign: bad choices are refused with a message and the models stay", async () => {
    const { page } = app;
    await loadFile(page, dataFile("marketing_campaign.csv"));
    await goExplore(page);
    await buildCustomers(page);
    await openPredict(page);

    // Response (not AcceptedCmp1…5, not Complain) is preselected: its name means the outcome.
    assert.equal(await page.getByTestId("predict-target").inputValue(), "Response");
    assert.equal(await page.getByTestId("predict-positive").inputValue(), "1");
    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], ["lr"]);
    await page.getByTestId("predict-run").click();
    const first = await waitForModels(page);
    assert.ok(first.testAuc > 0.85, `logistic regression on Response: ${first.testAuc}`);

    // Form errors: no model; an unreadable SMOTE ratio.
    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], []);
    await page.getByTestId("predict-run").click();
    assert.match(await page.getByTestId("predict-form-error").innerText(), /at least one model/);
    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], ["lr"]);
    await choose(page, "balance", ["none", "smote", "weights"], ["smote"]);
    await page.getByTestId("predict-smote-ratio").fill("lots");
    await page.getByTestId("predict-smote-ratio").press("Tab");
    await page.getByTestId("predict-run").click();
    assert.match(await page.getByTestId("predict-form-error").innerText(), /ratio 'lots'/);

    // Complain: 21 of 2,240 customers. SMOTE with 50 neighbours cannot work in a training fold.
    await page.getByTestId("predict-smote-ratio").fill("1");
    await page.getByTestId("predict-smote-ratio").press("Tab");
    await page.getByTestId("predict-target").selectOption("Complain");
    await page.getByTestId("predict-smote-k").fill("50");
    await page.getByTestId("predict-smote-k").press("Tab");
    await page.getByTestId("predict-run").click();
    const error = page.getByTestId("predict-error");
    await error.waitFor({ state: "visible", timeout: LOAD_TIMEOUT_MS });
    assert.match(await error.innerText(), /SMOTE|neighbours|k/i);
    // The earlier models are still on screen, and the app still works.
    const summary = page.getByTestId("predict-summary");
    assert.equal(Number(await summary.getAttribute("data-test-auc")), first.testAuc);
    await choose(page, "balance", ["none", "smote", "weights"], ["weights"]);
    await page.getByTestId("predict-target").selectOption("Response");
    await page.getByTestId("predict-run").click();
    const second = await waitForModels(page, { previous: first });
    assert.ok(second.testAuc > 0.85, `class weights: ${second.testAuc}`);
  });

  it("Online Retail: churn and high spender derived after a cutoff; a window past the data is refused", async () => {
    const { page } = app;
    await loadFile(page, dataFile("online_retail_sparkguide.csv"));
    await goExplore(page);
    // The pandas figures below drop cancellations (the default nets them: tests/cli.rs).
    await page.getByTestId("clean-cancellations").selectOption("drop");
    await buildCustomers(page);
    await page.getByTestId("continue-predict").click();

    // Purchase lines without a yes/no column: churn is offered first, cutoff = last day − 90.
    const churn = page.getByTestId("predict-goal-churn");
    await churn.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.equal(await churn.isChecked(), true);
    assert.equal(await page.getByTestId("predict-cutoff").inputValue(), "2011-09-10");
    assert.equal(await page.getByTestId("predict-window-end").inputValue(), "2011-12-09");
    assert.match(await page.getByTestId("predict-derived-span").innerText(), /2011-09-11 to 2011-12-09/);
    // Each choice says whom it is about at this cutoff (pandas: 3,370 customers, 1,362 of them
    // with one order), under names that say what they are.
    assert.match(await page.getByTestId("predict-goal-buys-again").locator("xpath=..").innerText(), /Buys again in the window \(all customers\)/);
    assert.match(await page.getByTestId("predict-goal-one-time-returns").locator("xpath=..").innerText(), /One-time buyer returns/);
    assert.equal(await page.getByTestId("predict-population-buys-again").innerText(), "3,370 customers");
    assert.equal(await page.getByTestId("predict-population-churn").innerText(), "3,370 customers");
    assert.equal(await page.getByTestId("predict-population-one-time-returns").innerText(), "1,362 customers");
    // The window as an end date and as days, in sync; the cutoff stays.
    await page.getByTestId("predict-window-end").fill("2011-11-09");
    await page.getByTestId("predict-window-end").press("Tab");
    assert.equal(await page.getByTestId("predict-window-days").inputValue(), "60");
    assert.equal(await page.getByTestId("predict-cutoff").inputValue(), "2011-09-10");
    await page.getByTestId("predict-window-days").fill("90");
    await page.getByTestId("predict-window-days").press("Tab");
    assert.equal(await page.getByTestId("predict-window-end").inputValue(), "2011-12-09");
    // An earlier cutoff: fewer customers have a history.
    await page.getByTestId("predict-cutoff").fill("2011-06-30");
    await page.getByTestId("predict-cutoff").press("Tab");
    assert.equal(await page.getByTestId("predict-window-end").inputValue(), "2011-09-28");
    const earlier = Number((await page.getByTestId("predict-population-churn").innerText()).replace(/\D/g, ""));
    assert.ok(earlier > 1000 && earlier < 3370, `customers up to 2011-06-30: ${earlier}`);
    await page.getByTestId("predict-cutoff").fill("2011-09-10");
    await page.getByTestId("predict-cutoff").press("Tab");
    ensureArtifactsDir();
    for (const [width, height] of [[1440, 900], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await page.locator("#predict-setup-title").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `predict-derived-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await choose(page, "model", ["lr", "tree", "rf", "gbdt"], ["lr", "gbdt"]);
    await page.getByTestId("predict-run").click();
    const first = await waitForModels(page);
    assert.ok(first.testAuc >= 0.69, `churn test AUC ${first.testAuc}`);
    const notes = await page.getByTestId("predict-notes").innerText();
    assert.match(notes, /1,449 of 3,370 customers/, "pandas: 3,370 customers, 1,449 churned");
    assert.match(notes, /969 customers whose first purchase is after the cutoff/);
    const [csv] = await Promise.all([
      page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
      page.getByTestId("export-scores").click(),
    ]);
    const lines = readFileSync(await csv.path(), "utf8").trim().split(/\r?\n/);
    assert.equal(lines.length, 3371, "header + every customer with a purchase up to the cutoff");
    assert.match(lines[0], /,churn,probability,part$/);

    // High spender: the top 20 % by spend in the window (674 of 3,370).
    await page.getByTestId("predict-goal-high-spender").check();
    await page.getByTestId("predict-top-percent").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await page.getByTestId("predict-run").click();
    const second = await waitForModels(page, { previous: first });
    assert.ok(second.testAuc >= 0.83, `high spender test AUC ${second.testAuc}`);
    assert.match(await page.getByTestId("predict-summary").innerText(), /HIGH_SPENDER = HIGH SPENDER/i);
    assert.match(await page.getByTestId("predict-notes").innerText(), /674/);

    // A window that runs past the last purchase: refused, the high-spender models stay.
    await page.getByTestId("predict-cutoff").fill("2011-11-01");
    await page.getByTestId("predict-cutoff").press("Tab");
    assert.match(await page.getByTestId("predict-derived-span").innerText(), /past the last purchase/);
    await page.getByTestId("predict-run").click();
    const error = page.getByTestId("predict-error");
    await error.waitFor({ state: "visible", timeout: LOAD_TIMEOUT_MS });
    assert.match(await error.innerText(), /2011-12-09|last purchase|window/i);
    assert.equal(Number(await page.getByTestId("predict-summary").getAttribute("data-elapsed-ms")), second.elapsedMs);
  });
});
