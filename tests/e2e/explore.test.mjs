// The Explore step: the raw Online Retail file becomes a clean customer table with a receipt
// and charts drawn on canvas; a customer file is used as is; missing roles and absent amounts
// are explained. No request leaves the origin (the harness's guard checks every page).
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  LOAD_TIMEOUT_MS,
  UI_TIMEOUT_MS,
  buildCustomers,
  columnRow,
  dataFile,
  describeApp,
  ensureArtifactsDir,
  firstInteger,
  goExplore,
  inkPixels,
  loadFile,
  poll,
} from "./harness.mjs";

/** Wait for the error of the Explore step and return its text. */
async function exploreError(page) {
  await page.getByTestId("explore-run").click();
  const error = page.getByTestId("explore-error");
  await error.waitFor({ state: "visible", timeout: LOAD_TIMEOUT_MS });
  return (await error.innerText()).trim();
}


describeApp("explore", (app) => {
  it("Online Retail: customer table, receipt, histogram, heatmap and monthly revenue; screenshot", async () => {
    const { page } = app;
    await loadFile(page, dataFile("online_retail_sparkguide.csv"));
    // A role changed in the Data step reaches the Explore form: without a product id column,
    // the product is the Description.
    await columnRow(page, "StockCode").getByTestId("column-role-select").selectOption("");
    await goExplore(page);
    const product = page.getByTestId("map-product").locator("option:checked");
    await poll(async () => (await product.innerText()).trim() === "Description", {
      message: async () => `map-product shows ${await product.innerText()}`,
    });
    await page.getByTestId("map-product").selectOption({ label: "StockCode" });
    // The detected shape and roles are accepted as they are.
    assert.equal(await page.getByTestId("source-transactions").isChecked(), true);
    await buildCustomers(page);

    // pandas: drop missing CustomerID, exact duplicates, invoices starting with C and
    // quantity <= 0 → 4,339 customers over 392,732 lines.
    const customers = firstInteger(await page.getByTestId("explore-customers").innerText());
    assert.equal(customers, 4339, "customers after cleaning");
    const lines = firstInteger(await page.getByTestId("explore-lines").innerText());
    assert.equal(lines, 392732, "purchase lines after cleaning");
    assert.equal(
      (await page.getByTestId("explore-reference").innerText()).trim(),
      "2011-12-10",
      "reference date = last invoice day + 1",
    );
    const receipt = page.getByTestId("receipt");
    for (const step of ["drop_cancellations", "drop_missing_customer", "drop_exact_duplicates"]) {
      assert.equal(await receipt.locator(`tr[data-step="${step}"]`).count(), 1, `receipt lists ${step}`);
    }
    assert.match(await receipt.innerText(), /133,359/, "receipt counts the lines without a customer (after duplicates)");

    // Charts drawn on canvas with real pixels.
    for (const id of ["monthly:revenue", "corr", "hist:recency_days", "hist:monetary"]) {
      const ink = await inkPixels(page, id);
      assert.ok(ink > 2000, `${id} has ink`);
    }
    // A tooltip under the pointer on the monthly revenue chart.
    const revenue = page.locator('[data-testid="chart"][data-chart-id="monthly:revenue"] canvas');
    await revenue.scrollIntoViewIfNeeded();
    const box = await revenue.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 4 });
    const tooltip = page.locator('[data-testid="chart"][data-chart-id="monthly:revenue"] [data-testid="chart-tooltip"]');
    await tooltip.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.match(await tooltip.innerText(), /20\d\d-\d\d/, "tooltip names the month");

    // The user charts another feature.
    await page.getByTestId("chart-picker").selectOption("avg_order_value");
    await page.getByTestId("chart-add").click();
    await inkPixels(page, "hist:avg_order_value");

    // The customer table pages.
    const grid = page.getByTestId("customer-grid");
    await grid.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.ok((await grid.locator("tbody tr").count()) > 10, "customer rows shown");

    // Downloads stay on the machine (blob: URLs): the customer table as CSV, a chart as PNG.
    const [csv] = await Promise.all([
      page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
      page.getByTestId("export-customers").click(),
    ]);
    assert.match(csv.suggestedFilename(), /_customers\.csv$/);
    const csvText = readFileSync(await csv.path(), "utf8");
    const csvLines = csvText.trimEnd().split("\n");
    assert.equal(csvLines.length, 4340, "header + one line per customer");
    assert.match(csvLines[0], /^CustomerID,recency_days,frequency,monetary,/);
    const [png] = await Promise.all([
      page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
      page
        .locator('[data-testid="chart"][data-chart-id="corr"] [data-testid="chart-download"]')
        .click(),
    ]);
    assert.match(png.suggestedFilename(), /\.png$/);
    const pngBytes = readFileSync(await png.path());
    assert.deepEqual([...pngBytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG file");
    assert.ok(pngBytes.length > 10_000, `PNG has content (${pngBytes.length} bytes)`);

    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    const file = path.join(ensureArtifactsDir(), "explore-step.png");
    await page.screenshot({ path: file, fullPage: true });
    app.guard.check();
  });

  it("a customer file is used as is; missing roles and absent amounts are explained", async () => {
    const { page } = app;
    await loadFile(page, dataFile("Mall_Customers.csv"));
    await goExplore(page);
    assert.equal(await page.getByTestId("source-customers").isChecked(), true);
    await buildCustomers(page);
    assert.equal(firstInteger(await page.getByTestId("explore-customers").innerText()), 200);
    await inkPixels(page, "corr");

    // Treated as transactions, it has no date column: the message names the missing role.
    await page.getByTestId("source-transactions").check();
    const message = await exploreError(page);
    assert.match(message, /date/i, `message names the date: ${message}`);
    // The earlier customer table stays.
    assert.equal(firstInteger(await page.getByTestId("explore-customers").innerText()), 200);

    // Groceries: no amounts, so monetary is absent (not zero), and the note says so.
    await loadFile(page, dataFile("Groceries_dataset.csv"));
    await goExplore(page);
    await page.getByTestId("source-transactions").check();
    await buildCustomers(page);
    assert.ok(firstInteger(await page.getByTestId("explore-customers").innerText()) > 3000);
    assert.match(await page.getByTestId("explore-notes").innerText(), /monetary/i);
    assert.equal(
      await page.locator('[data-testid="chart"][data-chart-id="hist:monetary"]').count(),
      0,
      "no monetary histogram without amounts",
    );

    // A reference date before every purchase is refused with the dates to choose from; the
    // table already built stays.
    const members = firstInteger(await page.getByTestId("explore-customers").innerText());
    await page.getByTestId("reference-date").fill("2000-01-01");
    const refused = await exploreError(page);
    assert.match(refused, /2000-01-01 is before the first purchase/, refused);
    assert.equal(firstInteger(await page.getByTestId("explore-customers").innerText()), members);
    app.guard.check();
  });
});
