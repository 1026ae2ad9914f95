// The Predict step's defaults must be answers (issue 12, items 1 and 8): Telco and bank-full
// open with the column whose name means the outcome (Churn, y — not gender, not default), its
// positive value written as in the file (Yes, yes), and a quick logistic regression learns it.
// A coin-toss target (Telco's gender) carries the "not predictable" warning. A file whose
// columns name no outcome (Mall) preselects nothing and keeps Train off until the user picks.
// Screenshots of the Predict step at 1440×900 and 390×844.
import { it } from "node:test";
import assert from "node:assert/strict";
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
  loadFile,
  waitForRun,
} from "./harness.mjs";

const MODELS = ["lr", "tree", "rf", "gbdt"];

/** Load `file`, build its customer table and open the Predict form. */
async function openPredictFor(page, file) {
  await loadFile(page, dataFile(file));
  await goExplore(page);
  await buildCustomers(page);
  await page.getByTestId("continue-predict").click();
  await page.getByTestId("predict-target").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
}

/** Logistic regression only: the cheapest honest run. */
async function logisticOnly(page) {
  for (const key of MODELS) {
    const box = page.getByTestId(`predict-model-${key}`);
    if ((await box.isChecked()) !== (key === "lr")) await box.setChecked(key === "lr");
  }
}

function waitForModels(page, options) {
  return waitForRun(page, "predict", { timeout: LOAD_TIMEOUT_MS * 2, ...options });
}

describeApp("predict defaults", (app) => {
  it("Telco: Churn = Yes by default, learned; gender is flagged as a coin toss; screenshots", async () => {
    const { page } = app;
    await openPredictFor(page, "WA_Fn-UseC_-Telco-Customer-Churn.csv");

    // Not gender (the first two-valued column): Churn, with the file's Yes.
    assert.equal(await page.getByTestId("predict-target").inputValue(), "Churn");
    assert.equal(await page.getByTestId("predict-positive").inputValue(), "Yes");
    const positives = await page.getByTestId("predict-positive").locator("option").allInnerTexts();
    assert.deepEqual(positives, ["No (5,174)", "Yes (1,869)"]);
    assert.match(await page.getByTestId("predict-target-rate").innerText(), /1,869 of 7,043 .* Churn = Yes/);
    assert.match(await page.getByTestId("predict-target-why").innerText(), /name says it is the outcome \(churn\)/);

    await logisticOnly(page);
    await page.getByTestId("predict-run").click();
    const churn = await waitForModels(page);
    // scikit-learn's best on this split is 0.842; logistic regression alone gets close.
    assert.ok(churn.testAuc > 0.83, `Churn test AUC ${churn.testAuc}`);
    assert.equal(await page.getByTestId("predict-chance-warning").count(), 0);
    const summary = page.getByTestId("predict-summary");
    assert.match(await summary.innerText(), /CHURN = YES/i);
    assert.match(await page.getByTestId("predict-confusion").innerText(), /Called Yes/);

    ensureArtifactsDir();
    for (const [width, height] of [[1440, 900], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await page.locator("#predict-setup-title").scrollIntoViewIfNeeded();
      const name = `predict-telco-${width}x${height}`;
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) });
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}-full.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // gender: the issue measured a test AUC of 0.496; the run must say it is a coin toss.
    await page.getByTestId("predict-target").selectOption("gender");
    await page.getByTestId("predict-run").click();
    await waitForModels(page, { previous: churn });
    const warning = page.getByTestId("predict-chance-warning");
    await warning.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.match(await warning.innerText(), /This target is not predictable from these features/);
    assert.equal(await warning.getAttribute("data-within-noise"), "true");
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "predict-telco-gender-warning-1440x900.png") });
  });

  it("bank-full: y = yes by default, not default; learned without a warning", async () => {
    const { page } = app;
    await openPredictFor(page, "bank-full.csv");
    assert.equal(await page.getByTestId("predict-target").inputValue(), "y");
    assert.equal(await page.getByTestId("predict-positive").inputValue(), "yes");
    assert.match(await page.getByTestId("predict-target-rate").innerText(), /5,289 of 45,211/);
    await logisticOnly(page);
    await page.getByTestId("predict-folds").fill("3");
    await page.getByTestId("predict-folds").press("Tab");
    await page.getByTestId("predict-run").click();
    const run = await waitForModels(page);
    // scikit-learn's best (gradient boosting) is 0.934; logistic regression is about 0.91.
    assert.ok(run.testAuc > 0.88, `y test AUC ${run.testAuc}`);
    assert.equal(await page.getByTestId("predict-chance-warning").count(), 0);
  });

  it("Mall: no column means the outcome, so nothing is preselected and Train waits", async () => {
    const { page } = app;
    await openPredictFor(page, "Mall_Customers.csv");
    const target = page.getByTestId("predict-target");
    assert.equal(await target.inputValue(), "");
    assert.match(await target.locator("option:checked").innerText(), /Choose what to predict/);
    const run = page.getByTestId("predict-run");
    assert.equal(await run.isDisabled(), true, "Train is off until a target is chosen");
    assert.match(await page.getByTestId("predict-run-why").innerText(), /Choose what to predict first/);
    assert.match(await page.getByTestId("predict-target-why").innerText(), /No column's name says it is the outcome/);
    await target.selectOption("Genre");
    assert.equal(await run.isEnabled(), true);
  });
});
