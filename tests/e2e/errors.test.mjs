// Bad input gets a clear message and the app stays usable: a binary file named .csv, an empty
// file, a header without rows, and ragged rows (with the "skip bad rows" offer).
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { closeSync, ftruncateSync, openSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  chooseFile,
  dataFile,
  datasetInfo,
  columnRow,
  describeApp,
  loadFile,
  tempDir,
  waitForBanner,
  waitForDataset,
} from "./harness.mjs";

/** A real PNG signature and IHDR chunk header, then junk bytes. */
function fakePng() {
  const head = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, // PNG signature
    0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, // IHDR chunk
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00,
  ]);
  const junk = Buffer.alloc(8192);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
  return Buffer.concat([head, junk]);
}

/** A CSV with `rows` data rows of which data rows 7, 19 and 33 (file lines 9, 21, 35) are ragged. */
function raggedCsv(rows = 60) {
  let text = "id,name,amount\n";
  for (let i = 0; i < rows; i++) {
    if (i === 7) text += "7,broken\n";
    else if (i === 19) text += "19,too,many,fields\n";
    else if (i === 33) text += "33\n";
    else text += `${i},name ${i},${i * 3}.5\n`;
  }
  return text;
}

describeApp("bad input", (app) => {
  let tmp;
  before(() => {
    tmp = tempDir();
  });
  after(() => {
    tmp?.remove();
  });

  it("a PNG named photo.csv is refused, then a good file loads", async () => {
    const { page } = app;
    const png = path.join(tmp.dir, "photo.csv");
    writeFileSync(png, fakePng());
    await chooseFile(page, png);
    const message = await waitForBanner(page);
    assert.match(message, /PNG|not a text file/i, `banner: ${message}`);
    assert.equal(await datasetInfo(page), null, "no dataset is shown for the PNG");

    const info = await loadFile(page, dataFile("Mall_Customers.csv"));
    assert.equal(info.rows, 200);
    assert.equal(info.cols, 5);
    assert.equal(await page.getByTestId("error-banner").count(), 0, "the banner is gone");
  });

  it("an empty file gets a message", async () => {
    const { page } = app;
    const empty = path.join(tmp.dir, "empty.csv");
    writeFileSync(empty, "");
    await chooseFile(page, empty);
    const message = await waitForBanner(page);
    assert.match(message, /empty/i, `banner: ${message}`);
  });

  it("a header without data rows gets a message", async () => {
    const { page } = app;
    const file = path.join(tmp.dir, "header_only.csv");
    writeFileSync(file, "customer,amount,date\n");
    await chooseFile(page, file);
    const message = await waitForBanner(page);
    assert.ok(message.length > 0, "the banner has a message");
    assert.equal(await datasetInfo(page), null, "no dataset is shown");
  });

  it("ragged rows are reported with line numbers and can be skipped", async () => {
    const { page } = app;
    const file = path.join(tmp.dir, "ragged.csv");
    writeFileSync(file, raggedCsv(60));
    await chooseFile(page, file);
    const message = await waitForBanner(page);
    for (const line of [9, 21, 35]) {
      assert.match(message, new RegExp(`\\b${line}\\b`), `banner names line ${line}: ${message}`);
    }
    const skip = page.getByTestId("skip-bad-rows");
    assert.equal(await skip.count(), 1, "the banner offers to skip the bad rows");
    await skip.click();
    const info = await waitForDataset(page, "ragged.csv");
    assert.equal(info.rows, 57, "60 rows minus the 3 bad ones");
    assert.equal(info.cols, 3);
    assert.equal(await page.getByTestId("error-banner").count(), 0, "the banner is gone");
  });

  it("a 1 GB file is refused before reading and the loaded data stays", async () => {
    const { page } = app;
    await loadFile(page, dataFile("Mall_Customers.csv"));
    // A sparse file: 1 GiB long, no disk used. The worker must refuse it by its size.
    const big = path.join(tmp.dir, "huge.csv");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 1024 * 1024 * 1024);
    closeSync(fd);
    await chooseFile(page, big);
    const message = await waitForBanner(page);
    // 1,073,741,824 bytes, rounded up (a file just over the limit never reads as the limit).
    assert.match(message, /1074 MB/, `banner gives the size: ${message}`);
    assert.match(message, /up to 500 MB/, `banner gives the limit the drop zone states: ${message}`);
    assert.match(message, /command-line/, `banner says what to do: ${message}`);
    const info = await datasetInfo(page);
    assert.equal(info?.fileName, "Mall_Customers.csv", "the loaded dataset is kept");
    assert.equal(info?.rows, 200);
  });

  it("UTF-16 without BOM, duplicate and empty headers, and a single column all load", async () => {
    const { page } = app;
    const utf16 = path.join(tmp.dir, "utf16_no_bom.csv");
    writeFileSync(utf16, Buffer.from("name,name,\nJosé,1,2\nAnn,3,4\nBob,5,6\n", "utf16le"));
    const info = await loadFile(page, utf16);
    assert.equal(info.rows, 3);
    assert.equal(info.cols, 3);
    for (const name of ["name", "name_2", "column_3"]) {
      assert.equal(await columnRow(page, name).count(), 1, `column ${name} is listed`);
    }
    const text = await page.getByTestId("dataset-summary").innerText();
    assert.match(text, /byte-order mark/, "the guessed encoding is explained");
    assert.match(await page.getByTestId("preview-grid").innerText(), /José/);

    const single = path.join(tmp.dir, "emails.csv");
    writeFileSync(single, "email\na@x.org\nb@y.org\nc@z.org\n");
    const one = await loadFile(page, single);
    assert.equal(one.cols, 1);
    assert.equal(one.rows, 3);
    assert.match(await page.getByTestId("dataset-summary").innerText(), /Only one column/);
  });
});
