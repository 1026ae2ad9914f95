// A basket-list file in the Data step (issue 14): groceries.csv (one basket per line, no header)
// loads as a table with an offer to read it as baskets; accepted, the Data step shows 9,835
// baskets of 169 items (R arules' numbers), a chart of basket sizes and the most frequent items,
// Explore / Segment / Predict close and Value & Recommend opens, where the Recommend part finds
// arules' 463 rules at 0.6 % / 25 % and what goes with herbs; "Read as a table" goes back.
// An ordinary table gets no offer. Screenshots of the offer and of the baskets are written to
// artifacts/.
import { it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  LOAD_TIMEOUT_MS,
  UI_TIMEOUT_MS,
  dataFile,
  describeApp,
  ensureArtifactsDir,
  inkPixels,
  loadFile,
  poll,
} from "./harness.mjs";

const GROCERIES = "groceries.csv";

function navStep(page, id) {
  return page.locator(`[data-testid="nav-step"][data-step="${id}"]`);
}

/** The steps whose navigation link is disabled, in order. */
async function disabledSteps(page) {
  return page
    .getByTestId("nav-step")
    .evaluateAll((links) =>
      links.filter((a) => a.getAttribute("aria-disabled") === "true").map((a) => a.dataset.step),
    );
}

/** Wait until the baskets are shown (no read in progress); fails on the error banner. */
async function waitForBaskets(page) {
  return poll(
    async () => {
      const banner = page.getByTestId("error-banner");
      if ((await banner.count()) > 0) throw new Error(`reading as baskets failed: ${await banner.innerText()}`);
      if ((await page.getByTestId("progress").count()) > 0) return null;
      const summary = page.getByTestId("basket-summary");
      if ((await summary.count()) === 0) return null;
      return summary.evaluate((el) => ({ ...el.dataset }));
    },
    { timeout: LOAD_TIMEOUT_MS, interval: 200, message: "the baskets were not shown" },
  );
}

/** The top-items rows as [item, baskets]. */
async function itemRows(page) {
  return page
    .getByTestId("basket-item")
    .evaluateAll((rows) => rows.map((r) => [r.dataset.item, Number(r.dataset.baskets)]));
}

describeApp("basket lists", (app) => {
  it(`${GROCERIES}: offered, read as 9,835 baskets of 169 items; steps follow; back to a table`, async () => {
    const { page } = app;
    const info = await loadFile(page, dataFile(GROCERIES));
    assert.equal(info.rows, 9835);
    assert.equal(info.cols, 32, "read as a table first: one column per position on a line");

    // The offer, in plain words; the table stays loaded until it is accepted.
    const offer = page.getByTestId("basket-offer");
    await offer.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    const offerText = await offer.innerText();
    assert.match(offerText, /looks like a basket list — one basket per line, items separated by commas, no customers or dates/);
    assert.match(offerText, /Read it as baskets for the Recommend step\?/);
    assert.match(offerText, /9,835 lines\. The first 500 hold 147 different items, 1 to 23 per line/);
    assert.equal(await offer.getAttribute("data-delimiter"), "comma");
    assert.ok(await page.getByTestId("dataset-summary").isVisible(), "the table is still shown");
    assert.deepEqual(await disabledSteps(page), ["segment", "predict", "value", "dashboard", "export"]);
    await page.screenshot({ path: path.join(ensureArtifactsDir(), "basket-offer.png") });

    await page.getByTestId("read-as-baskets").click();
    const baskets = await waitForBaskets(page);
    assert.equal(baskets.baskets, "9835");
    assert.equal(baskets.items, "169");
    assert.equal(baskets.fileName, GROCERIES);
    assert.equal(await page.getByTestId("basket-count").innerText(), "9,835");
    assert.equal(await page.getByTestId("item-count").innerText(), "169");
    assert.equal(await page.getByTestId("basket-size").innerText(), "4.41 mean · 3 median");
    assert.equal(await page.getByTestId("basket-max").innerText(), "32 items");
    assert.equal(await offer.isVisible(), false, "the offer is gone once accepted");
    assert.equal(await page.getByTestId("dataset-summary").isVisible(), false, "the table is put aside");

    // arules: whole milk 2513, other vegetables 1903, rolls/buns 1809, soda 1715, yogurt 1372.
    const rows = await itemRows(page);
    assert.equal(rows.length, 50, "the 50 most frequent of the 169 items");
    assert.deepEqual(rows.slice(0, 5), [
      ["whole milk", 2513],
      ["other vegetables", 1903],
      ["rolls/buns", 1809],
      ["soda", 1715],
      ["yogurt", 1372],
    ]);
    const first = page.getByTestId("basket-item").first();
    assert.match(await first.innerText(), /25\.6%/, "whole milk is in 25.6 % of the baskets");
    const ink = await inkPixels(page, "basket_sizes");
    assert.ok(ink > 2000, "the basket-size chart is drawn");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ensureArtifactsDir(), "baskets.png"), fullPage: true });
    // A phone: nothing scrolls sideways (the items table scrolls in its own box).
    await page.setViewportSize({ width: 390, height: 844 });
    await poll(
      async () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      { message: "the baskets make the page scroll sideways at 390 px" },
    );
    await page.screenshot({ path: path.join(ensureArtifactsDir(), "baskets-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Sortable: by item name, then by baskets (fewest first on the second click).
    await page.locator('[data-testid="sort-header"][data-column="Item"]').click();
    const byName = (await itemRows(page)).map(([item]) => item);
    assert.deepEqual(byName, [...byName].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const baskets_ = page.locator('[data-testid="sort-header"][data-column="Baskets"]');
    await baskets_.click();
    assert.equal((await itemRows(page))[0][0], "whole milk");
    await baskets_.click();
    const fewest = await itemRows(page);
    assert.ok(fewest[0][1] <= fewest[fewest.length - 1][1], "fewest first");

    // The steps that need customers are closed; Value & Recommend is open.
    assert.deepEqual(await disabledSteps(page), ["explore", "segment", "predict", "dashboard", "export"]);
    assert.match(await navStep(page, "explore").getAttribute("title"), /needs customers/);


    await navStep(page, "value").click();
    await page.locator('[data-step-heading="value"]').waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });

    // Recommend on the baskets: the anchors' rules (arules at 0.6 % support, 25 % confidence),
    // what goes with an item, and no holdout (a basket list has no dates).
    await page.getByTestId("recommend-tab").click();
    const run = page.getByTestId("recommend-run");
    await poll(async () => (await run.count()) > 0 && !(await run.isDisabled()), {
      message: "the Recommend form did not get ready",
    });
    assert.equal(await page.getByTestId("recommend-holdout-fields").count(), 0, "no cutoff for a basket list");
    await page.getByTestId("recommend-min-support").fill("0.6");
    await page.getByTestId("recommend-min-confidence").fill("25");
    await run.click();
    const summary = page.getByTestId("recommend-summary");
    await summary.waitFor({ state: "visible", timeout: LOAD_TIMEOUT_MS });
    assert.equal(await summary.getAttribute("data-baskets"), "9835");
    assert.equal(await summary.getAttribute("data-items"), "169");
    assert.equal(await summary.getAttribute("data-itemsets"), "747");
    assert.equal(await summary.getAttribute("data-rules"), "463");
    const rules = page.getByTestId("recommend-rules");
    await rules.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await poll(async () => /herbs[\s\S]*root vegetables/.test(await rules.innerText()), {
      message: "the top rule by lift is not {herbs} ⇒ {root vegetables}",
    });
    assert.ok(await page.getByTestId("recommend-no-evaluation").isVisible(), "says why there is no holdout");
    assert.equal(await page.getByTestId("recommend-customers").count(), 0, "no customers to list");
    await page.getByTestId("item-search").fill("herbs");
    await page.getByTestId("item-search").press("Enter");
    const partners = page.getByTestId("item-partners");
    await partners.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await poll(async () => /other vegetables/.test(await partners.innerText()), {
      message: "herbs' bought-with list does not start with other vegetables",
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ensureArtifactsDir(), "baskets-recommend.png"), fullPage: true });
    await navStep(page, "data").click();

    // Back to the table: the offer again, the customer steps as before.
    await page.getByTestId("read-as-table").click();
    await poll(
      async () =>
        (await page.getByTestId("progress").count()) === 0 &&
        (await page.getByTestId("basket-summary").count()) === 0 &&
        (await page.getByTestId("dataset-summary").isVisible()),
      { timeout: LOAD_TIMEOUT_MS, message: "the table was not shown again" },
    );
    assert.equal(await page.getByTestId("dataset-summary").getAttribute("data-cols"), "32");
    await offer.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    assert.deepEqual(await disabledSteps(page), ["segment", "predict", "value", "dashboard", "export"]);
  });

  it("Groceries_dataset.csv (purchase lines of members) gets no offer", async () => {
    const { page } = app;
    const info = await loadFile(page, dataFile("Groceries_dataset.csv"));
    assert.equal(info.rows, 38765);
    assert.equal(await page.getByTestId("basket-offer").count(), 0);
    assert.deepEqual(await disabledSteps(page), ["segment", "predict", "value", "dashboard", "export"]);
  });
});
