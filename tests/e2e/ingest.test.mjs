// Roles and formats at ingest, and safe exports, through the UI. A CDs retailer's purchase
// lines in the CDNOW shape (no header, runs of spaces, dates as yyyymmdd) are offered with a
// date column; the table-shape badge follows the roles the user sets, and Explore starts from
// them. Explore pre-fills the product name / category the Data step assigned, also after a
// change there. Every downloaded CSV (customers, segments, scored customers) neutralises cells
// that would start a spreadsheet formula, and a persona label typed by the user is shown as
// text, never as HTML. The files are generated here (no dataset of this shape is shipped).
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  ARTIFACTS_DIR,
  UI_TIMEOUT_MS,
  buildCustomers,
  columnRow,
  describeApp,
  ensureArtifactsDir,
  firstInteger,
  goExplore,
  loadFile,
  poll,
  tempDir,
  waitForRun,
} from "./harness.mjs";

/** A small deterministic random generator (LCG, high bits), so the files are the same on every run. */
function lcg(seed) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 16) % n;
  };
}

const DAY_MS = 86_400_000;

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * CDNOW_master.txt's shape: customer id (zero-padded, right-aligned), yyyymmdd, number of CDs,
 * dollar value, separated by runs of spaces, no header. 150 customers, no two lines identical.
 * Returns the text and the last purchase day.
 */
function cdnowText() {
  const next = lcg(1997);
  const start = Date.UTC(1997, 0, 1);
  let text = "";
  let last = start;
  for (let customer = 1; customer <= 150; customer++) {
    const n = 1 + next(4);
    for (let k = 0; k < n; k++) {
      const day = start + next(540) * DAY_MS;
      last = Math.max(last, day);
      const cds = 1 + next(5);
      const dollars = (cds * 11 + k * 0.01 + next(100) / 100).toFixed(2);
      const id = String(customer).padStart(5, "0");
      text += `${id.padStart(8)} ${isoDay(day).replaceAll("-", "")} ${String(cds).padStart(2)} ${dollars.padStart(7)}\n`;
    }
  }
  return { text, lastDay: isoDay(last) };
}

async function shapeBadge(page) {
  return page.getByTestId("shape-badge").getAttribute("data-shape");
}

async function waitForShape(page, shape) {
  await poll(async () => (await shapeBadge(page)) === shape, {
    message: async () =>
      `the badge shows ${await shapeBadge(page)}, not ${shape}: ${await page.getByTestId("shape-reason").innerText()}`,
  });
}

async function setRole(page, column, role) {
  await columnRow(page, column).getByTestId("column-role-select").selectOption(role);
}

async function mapped(page, role) {
  return (await page.getByTestId(`map-${role}`).locator("option:checked").innerText()).trim();
}

/** Save a download and return its lines. */
async function downloadLines(page, testid) {
  const [file] = await Promise.all([
    page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
    page.getByTestId(testid).click(),
  ]);
  return readFileSync(await file.path(), "utf8").trimEnd().split("\n");
}

/** Cells of a CSV line (RFC 4180 quoting). */
function csvCells(line) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

/** Every cell that a spreadsheet would run as a formula (plain numbers are numbers). */
function liveCells(lines) {
  return lines
    .flatMap(csvCells)
    .filter((cell) => /^[\t\r]/.test(cell) || (/^\s*[=+\-@]/.test(cell) && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(cell)));
}

describeApp("ingest", (app) => {
  it("CDNOW lines without a header: a yyyymmdd date, the badge follows the roles, Explore builds from them; screenshot", async () => {
    const { page } = app;
    const tmp = tempDir();
    try {
      const { text, lastDay } = cdnowText();
      const file = path.join(tmp.dir, "CDNOW_master.txt");
      writeFileSync(file, text);
      await loadFile(page, file);

      // The 8-digit column is offered as a date, with its format, and takes the date role.
      const date = columnRow(page, "column_2");
      assert.equal(await date.getAttribute("data-type"), "date");
      assert.match(await date.locator(".col-format").innerText(), /yyyymmdd/);
      assert.equal(await date.getByTestId("column-role-select").inputValue(), "date");
      // No name says which column is the customer: the shape is unclear until the user says.
      assert.equal(await shapeBadge(page), "unknown");

      await setRole(page, "column_1", "customer_id");
      await waitForShape(page, "transactions");
      assert.match(await page.getByTestId("shape-reason").innerText(), /150 customers/);
      // Back and forth: the badge is a function of the roles, not of the load.
      await setRole(page, "column_1", "");
      await waitForShape(page, "unknown");
      await setRole(page, "column_1", "customer_id");
      await waitForShape(page, "transactions");
      await setRole(page, "column_3", "quantity");
      await setRole(page, "column_4", "amount");
      await poll(async () => (await columnRow(page, "column_4").getByTestId("column-role-select").inputValue()) === "amount");

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ensureArtifactsDir(), "data-cdnow-roles.png"), fullPage: true });

      // Explore starts from the Data step's shape and roles.
      await goExplore(page);
      assert.equal(await page.getByTestId("source-transactions").isChecked(), true);
      assert.equal(await mapped(page, "customer_id"), "column_1");
      assert.equal(await mapped(page, "date"), "column_2");
      assert.equal(await mapped(page, "quantity"), "column_3");
      assert.equal(await mapped(page, "amount"), "column_4");
      await buildCustomers(page);
      assert.equal(firstInteger(await page.getByTestId("explore-customers").innerText()), 150);
      const next = new Date(Date.parse(lastDay) + DAY_MS).toISOString().slice(0, 10);
      assert.equal((await page.getByTestId("explore-reference").innerText()).trim(), next, "reference = last yyyymmdd day + 1");
      app.guard.check();
    } finally {
      tmp.remove();
    }
  });

  it("Explore pre-fills the product name and the product id the Data step assigned; screenshot", async () => {
    const { page } = app;
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, "lines_with_products.csv");
      writeFileSync(
        file,
        "InvoiceNo,StockCode,Description,Shelf,CustomerID,InvoiceDate,Quantity,UnitPrice\n" +
          "536365,85123A,WHITE HEART,A,17850,2010-12-01,6,2.55\n" +
          "536365,71053,METAL LANTERN,B,17850,2010-12-01,6,3.39\n" +
          "536366,85123A,WHITE HEART,A,13047,2010-12-02,2,2.55\n" +
          "536367,22633,HAND WARMER,C,13047,2010-12-03,1,1.85\n",
      );
      await loadFile(page, file);
      await goExplore(page);
      assert.equal(await mapped(page, "product"), "Description");
      assert.equal(await mapped(page, "product_id"), "StockCode");
      // The user gives the product role to another column in the Data step.
      await page.locator('[data-testid="nav-step"][data-step="data"]').click();
      await setRole(page, "Shelf", "product");
      await goExplore(page);
      await poll(async () => (await mapped(page, "product")) === "Shelf", {
        message: async () => `map-product shows ${await mapped(page, "product")}`,
      });
      assert.equal(await mapped(page, "product_id"), "StockCode");
      await page.locator(".setup-card .mapping").screenshot({ path: path.join(ensureArtifactsDir(), "explore-product-mapping.png") });
      app.guard.check();
    } finally {
      tmp.remove();
    }
  });

  it("downloaded CSVs never hold a live formula; a persona label is text, not HTML; screenshot", async () => {
    const { page } = app;
    const tmp = tempDir();
    try {
      const payloads = ['"=HYPERLINK(""http://x"",""y"")"', "@SUM(1+1)", "+44 20 7946 0958", "-5"];
      let text = "customer_id,plan,balance,visits,churned\n";
      for (let i = 0; i < 60; i++) {
        const id = i < payloads.length ? payloads[i] : `C${String(i).padStart(3, "0")}`;
        const plan = i % 7 === 0 ? "=1+1" : i % 2 ? "gold" : "silver";
        const balance = (-50 + ((i * 37) % 101) * 1.5).toFixed(1);
        text += `${id},${plan},${balance},${(i * 7) % 13},${i % 3 === 0 ? "yes" : "no"}\n`;
      }
      const file = path.join(tmp.dir, "people.csv");
      writeFileSync(file, text);
      await loadFile(page, file);
      await goExplore(page);
      await buildCustomers(page);

      const customers = await downloadLines(page, "export-customers");
      assert.equal(customers.length, 61);
      const ids = customers.slice(1).map((l) => csvCells(l)[0]);
      for (const id of ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1+1)", "'+44 20 7946 0958", "-5", "C010"]) {
        assert.ok(ids.includes(id), `customers CSV holds ${id}: ${ids.slice(0, 6)}`);
      }
      assert.deepEqual(liveCells(customers), [], "no live formula in the customers CSV");

      // Segment, and rename a persona with a formula and HTML.
      await page.getByTestId("continue-segment").click();
      await waitForRun(page, "segment");
      const label = "=cmd|' /C calc'!A0 <img src=x onerror=window.__pwned=1>";
      const input = page.getByTestId("persona-label").first();
      await input.fill(label);
      await input.press("Enter");
      await input.blur();
      const profiles = page.getByTestId("segment-profiles");
      await poll(async () => (await profiles.innerText()).includes("<img src=x"), {
        message: "the profile table shows the label as text",
      });
      assert.equal(await page.locator(".segment-step img, [data-testid='segment-profiles'] img").count(), 0, "no HTML from the label");
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      const segments = await downloadLines(page, "export-segments");
      const segmentCells = segments.slice(1).map((l) => csvCells(l).at(-1));
      assert.ok(segmentCells.includes(`'${label}`), `the renamed segment is neutralised: ${[...new Set(segmentCells)]}`);
      assert.deepEqual(liveCells(segments), [], "no live formula in the segments CSV");
      await page.getByTestId("personas").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "segment-label-as-text.png"), fullPage: false });

      // Predict churned with logistic regression; the scored list downloads neutralised.
      await page.getByTestId("continue-predict-from-segment").click();
      await page.getByTestId("predict-target").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
      await page.getByTestId("predict-target").selectOption("churned");
      for (const key of ["tree", "rf", "gbdt"]) {
        const box = page.getByTestId(`predict-model-${key}`);
        if (await box.isChecked()) await box.setChecked(false);
      }
      await page.getByTestId("predict-run").click();
      await waitForRun(page, "predict");
      const scored = await downloadLines(page, "export-scores");
      assert.equal(scored.length, 61);
      const scoredIds = scored.slice(1).map((l) => csvCells(l)[0]);
      assert.ok(scoredIds.includes("'=HYPERLINK(\"http://x\",\"y\")"), `scored ids: ${scoredIds.slice(0, 6)}`);
      assert.ok(scoredIds.includes("-5"));
      assert.deepEqual(liveCells(scored), [], "no live formula in the scored CSV");
      app.guard.check();
    } finally {
      tmp.remove();
    }
  });
});
