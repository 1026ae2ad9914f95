// A big file streams with live progress (the page keeps rendering while the worker parses) and
// can be cancelled; the previous dataset stays and the app keeps working.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import {
  UI_TIMEOUT_MS,
  chooseFile,
  dataFile,
  datasetInfo,
  describeApp,
  fileSize,
  firstInteger,
  loadFile,
  poll,
  tempDir,
} from "./harness.mjs";

const BIG_ROWS = Number(process.env.CUSTOS_E2E_BIG_ROWS || 1_200_000);
const COUNTRIES = ["United Kingdom", "France", "Germany", "EIRE", "Spain", "Netherlands"];

/** A transactions CSV of `rows` lines (~50 bytes each), written in chunks. */
async function writeTransactions(file, rows) {
  const out = createWriteStream(file);
  out.write("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
  const chunk = 10_000;
  for (let start = 0; start < rows; start += chunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + chunk); i++) {
      const invoice = 500000 + Math.floor(i / 4);
      const day = 1 + (i % 28);
      const month = 1 + (Math.floor(i / 28) % 12);
      text +=
        `${invoice},P${10000 + (i * 37) % 4000},${1 + (i % 12)},` +
        `2011-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")} ${String(8 + (i % 10)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")},` +
        `${(((i * 13) % 2000) / 100 + 0.5).toFixed(2)},${12000 + (i % 4300)},${COUNTRIES[i % COUNTRIES.length]}\n`;
    }
    if (!out.write(text)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

describeApp("big file: progress and cancel", (app) => {
  let tmp;
  let bigFile;
  before(async () => {
    tmp = tempDir();
    bigFile = path.join(tmp.dir, "big_transactions.csv");
    await writeTransactions(bigFile, BIG_ROWS);
  });
  after(() => {
    tmp?.remove();
  });

  it(`shows progress while reading a ~60 MB file and cancels it`, async (t) => {
    const { page } = app;
    const mb = (fileSize(bigFile) / 1e6).toFixed(1);
    const small = await loadFile(page, dataFile("Mall_Customers.csv"));
    assert.equal(small.rows, 200);

    await chooseFile(page, bigFile);
    const progress = page.getByTestId("progress");
    await progress.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });

    // Watch the rows counter: it must show rows > 0 and change at least twice, which means
    // the main thread kept rendering while the worker parsed.
    const seen = [];
    await poll(
      async () => {
        const info = await datasetInfo(page);
        if (info?.fileName === "big_transactions.csv") {
          throw new Error(
            `the ${mb} MB file finished loading before it could be cancelled (seen: ${seen}); ` +
              `raise CUSTOS_E2E_BIG_ROWS`,
          );
        }
        const rowsText = page.getByTestId("progress-rows");
        if ((await rowsText.count()) === 0) return false;
        const text = (await rowsText.innerText().catch(() => "")).trim();
        if (text && text !== seen[seen.length - 1]) seen.push(text);
        const rows = firstInteger(text);
        return rows > 0 && seen.length >= 3;
      },
      {
        timeout: 120_000,
        interval: 25,
        message: () => `progress-rows did not show rows > 0 and change twice (seen: ${JSON.stringify(seen)})`,
      },
    );
    t.diagnostic(`${mb} MB file; progress-rows seen before cancel: ${seen.join(" → ")}`);
    const bytesText = await page.getByTestId("progress-bytes").innerText();
    assert.ok(bytesText.trim().length > 0, "progress-bytes shows how much was read");

    await page.getByTestId("cancel-button").click({ timeout: UI_TIMEOUT_MS });
    await progress.waitFor({ state: "detached", timeout: 60_000 });

    // The previous dataset is still shown (or the app says the read was cancelled).
    const info = await datasetInfo(page);
    const text = await page.locator("body").innerText();
    assert.notEqual(info?.fileName, "big_transactions.csv", "the cancelled file is not loaded");
    assert.ok(
      info?.fileName === "Mall_Customers.csv" || /cancel/i.test(text),
      `after cancel: the previous dataset or a "cancelled" notice (dataset: ${JSON.stringify(info)})`,
    );

    // The app still works.
    const after = await loadFile(page, dataFile("marketing_campaign.csv"));
    assert.equal(after.rows, 2240);
  });
});
