// Real datasets from ../shared/data load with the right shape, dialect and types; a type the
// data cannot hold is refused; the preview pages; a screenshot of the Data step is written.
import { it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  LOAD_TIMEOUT_MS,
  UI_TIMEOUT_MS,
  columnRow,
  dataFile,
  datasetInfo,
  describeApp,
  dialectInfo,
  ensureArtifactsDir,
  loadFile,
  poll,
  waitForBanner,
} from "./harness.mjs";

const SHOPPERS = "online_shoppers_intention.csv";

/** Checks common to every loaded dataset. */
function checkInfo(info, { rows, cols }) {
  assert.equal(info.rowsAttr, String(rows), "data-rows is a plain integer");
  assert.equal(info.colsAttr, String(cols), "data-cols is a plain integer");
  assert.match(info.elapsedMs ?? "", /^\d+$/, "data-elapsed-ms is an integer");
  assert.match(info.workerMemory ?? "", /^\d+$/, "data-worker-memory is an integer");
}

describeApp("real datasets", (app) => {
  it(`${SHOPPERS}: 12330 × 18, comma, Revenue is boolean; screenshot`, async () => {
    const { page } = app;
    const info = await loadFile(page, dataFile(SHOPPERS));
    checkInfo(info, { rows: 12330, cols: 18 });
    const dialect = await dialectInfo(page);
    assert.deepEqual(dialect, { delimiter: "comma", encoding: "utf8", header: "true" });
    assert.equal(await page.getByTestId("column-row").count(), 18, "one column-row per column");
    assert.equal(await columnRow(page, "Revenue").getAttribute("data-type"), "boolean");
    await page.getByTestId("preview-grid").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });

    const file = path.join(ensureArtifactsDir(), "data-step.png");
    await page.screenshot({ path: file, fullPage: true });
  });

  it("bank-full.csv: 45211 × 17, semicolon", async () => {
    const { page } = app;
    const info = await loadFile(page, dataFile("bank-full.csv"));
    checkInfo(info, { rows: 45211, cols: 17 });
    const dialect = await dialectInfo(page);
    assert.equal(dialect.delimiter, "semicolon");
    assert.equal(dialect.header, "true");
  });

  it("marketing_campaign.csv: 2240 × 29, tab", async () => {
    const { page } = app;
    const info = await loadFile(page, dataFile("marketing_campaign.csv"));
    checkInfo(info, { rows: 2240, cols: 29 });
    const dialect = await dialectInfo(page);
    assert.equal(dialect.delimiter, "tab");
    assert.equal(dialect.header, "true");
  });

  it("refuses a type the column cannot hold and keeps the data", async () => {
    const { page } = app;
    await loadFile(page, dataFile(SHOPPERS));
    const row = columnRow(page, "VisitorType");
    const before = await row.getAttribute("data-type");
    assert.ok(
      ["categorical", "text"].includes(before),
      `VisitorType is read as categorical or text (got ${before})`,
    );
    const select = row.getByTestId("column-type-select");
    assert.equal(await select.inputValue(), before, "the type select shows the column's type");

    await select.selectOption("integer");
    const message = await waitForBanner(page, { timeout: LOAD_TIMEOUT_MS });
    assert.ok(message.length > 0, "the banner explains the refusal");

    // The data is still loaded and the select shows the previous type again.
    const info = await datasetInfo(page);
    assert.equal(info?.fileName, SHOPPERS, "the dataset is still shown");
    assert.equal(info.rows, 12330);
    await poll(
      async () => (await columnRow(page, "VisitorType").getByTestId("column-type-select").inputValue()) === before,
      { message: `the VisitorType select did not return to ${before}` },
    );
    assert.equal(await columnRow(page, "VisitorType").getAttribute("data-type"), before);
  });

  it("re-reads a file with an overridden dialect (no header row)", async () => {
    const { page } = app;
    await loadFile(page, dataFile("marketing_campaign.csv"));
    assert.equal((await dialectInfo(page)).header, "true");
    await page.getByTestId("dialect-header-select").selectOption("no");
    await page.getByTestId("reread-button").click();
    await poll(
      async () =>
        (await page.getByTestId("progress").count()) === 0 &&
        (await dialectInfo(page))?.header === "false",
      { timeout: LOAD_TIMEOUT_MS, message: "the file was not re-read without a header" },
    );
    const info = await datasetInfo(page);
    assert.equal(info.fileName, "marketing_campaign.csv");
    assert.equal(info.rows, 2241, "the header line is now a data row");
    assert.equal(info.cols, 29);
    assert.equal(await columnRow(page, "column_1").count(), 1, "columns are named column_1…");
  });

  it("pages through the preview", async () => {
    const { page } = app;
    await loadFile(page, dataFile("bank-full.csv"));
    const grid = page.getByTestId("preview-grid");
    await grid.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    const firstRowHeader = () => grid.locator("tbody tr").first().innerText();
    const first = await firstRowHeader();
    assert.ok(first.length > 0, "the preview shows rows");

    await page.getByTestId("preview-grid-next").click();
    await poll(async () => (await firstRowHeader()) !== first, {
      message: "preview-grid-next did not change the rows shown",
    });
    await page.getByTestId("preview-grid-prev").click();
    await poll(async () => (await firstRowHeader()) === first, {
      message: "preview-grid-prev did not go back to the first rows",
    });
  });
});
