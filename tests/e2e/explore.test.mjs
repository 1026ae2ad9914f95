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
    // The detected shape and roles are accepted as they are: InvoiceNo is the order ID, so
    // exact duplicate lines are dropped; cancellations are netted.
    assert.equal(await page.getByTestId("source-transactions").isChecked(), true);
    assert.equal(await page.getByTestId("clean-duplicates").isChecked(), true);
    assert.equal(await page.getByTestId("clean-cancellations").inputValue(), "net");
    await buildCustomers(page);

    // pandas (scripts/bench.d/pandas_netting.py): drop missing CustomerID and exact duplicates,
    // net the cancellations against the purchases → 4,372 customers over 401,604 lines.
    const customers = firstInteger(await page.getByTestId("explore-customers").innerText());
    assert.equal(customers, 4372, "customers after cleaning");
    const lines = firstInteger(await page.getByTestId("explore-lines").innerText());
    assert.equal(lines, 401604, "purchase lines after cleaning");
    assert.equal(
      (await page.getByTestId("explore-reference").innerText()).trim(),
      "2011-12-10",
      "reference date = last invoice day + 1",
    );
    const receipt = page.getByTestId("receipt");
    for (const step of ["cancellations", "drop_missing_customer", "drop_exact_duplicates", "not_defined", "impute"]) {
      assert.equal(await receipt.locator(`tr[data-step="${step}"]`).count(), 1, `receipt lists ${step}`);
    }
    assert.match(await receipt.innerText(), /135,080/, "receipt counts the lines without a customer");
    // Cancellations netted, with what that did (item 4 of issue 12).
    const netted = await receipt.locator('tr[data-step="cancellations"]').innerText();
    assert.match(netted, /Net cancellations and returns/);
    assert.match(netted, /8,872 lines with a customer ID netted/, netted);
    assert.match(netted, /41 customers returned more than they bought/, netted);
    // Blanks by construction get their model value on a line of their own; nothing is imputed
    // (item 3): 1,538 gaps + 908 trends + 45 order values.
    const notDefined = await receipt.locator('tr[data-step="not_defined"]').innerText();
    assert.match(notDefined, /2,491 values/, notDefined);
    assert.match(notDefined, /avg_days_between_orders 1,538 cells/, notDefined);
    assert.match(await receipt.locator('tr[data-step="impute"]').innerText(), /no missing values/);
    // …and the missing-values chart counts them instead of "No missing values".
    const missing = page.locator('[data-testid="chart"][data-chart-id="missing"]');
    await missing.scrollIntoViewIfNeeded();
    const missingText = await missing.innerText();
    assert.match(missingText, /2,491 not-defined \(n\/a\) cells in 3 columns, set to their model value/, missingText);
    assert.doesNotMatch(missingText, /No missing values/);
    await inkPixels(page, "missing");
    // The feature list shows the table as built: the gap's blanks are counted, not hidden.
    const gapRow = page.getByTestId("feature-summary").locator("tr", { hasText: "avg_days_between_orders" }).first();
    assert.match(await gapRow.innerText(), /1,538 \(35\.2%\)/);

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
    assert.equal(csvLines.length, 4373, "header + one line per customer");
    assert.match(csvLines[0], /^CustomerID,recency_days,frequency,monetary,/);
    // Facts only: 12346 cancelled everything (no order, monetary 0, no order value), and the
    // gap of a one-order customer stays blank, not the median.
    const header = csvLines[0].split(",");
    const at = (name) => header.indexOf(name);
    const row12346 = csvLines.find((l) => l.startsWith("12346,")).split(",");
    assert.equal(row12346[at("frequency")], "0");
    assert.equal(row12346[at("monetary")], "0");
    assert.equal(row12346[at("avg_order_value")], "");
    assert.equal(row12346[at("rfm_segment")], "No Order Left");
    const blankGaps = csvLines.slice(1).filter((l) => l.split(",")[at("avg_days_between_orders")] === "").length;
    assert.equal(blankGaps, 1538, "one-order customers keep a blank gap");
    assert.match(await page.getByTestId("export-note").innerText(), /stays blank/);
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
    // No order ID: identical lines can be two purchases, so the switch starts off and the
    // receipt says why (item 5 of issue 12).
    assert.equal(await page.getByTestId("clean-duplicates").isChecked(), false);
    const duplicates = await page.locator('[data-testid="receipt"] tr[data-step="drop_exact_duplicates"]').innerText();
    assert.match(duplicates, /Off because there is no order ID: identical lines can be two purchases/, duplicates);
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
