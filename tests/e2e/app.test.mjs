// The release app loads cleanly and the built-in samples work.
import { it } from "node:test";
import assert from "node:assert/strict";
import { UI_TIMEOUT_MS, describeApp, waitForDataset } from "./harness.mjs";

describeApp("app shell", (app) => {
  it("loads the release build: title, CSP, step navigation, favicon", async () => {
    const { page } = app;
    assert.match(await page.title(), /Custos/);

    const csp = page.locator('meta[http-equiv="Content-Security-Policy"]');
    assert.equal(await csp.count(), 1, "index.html has a Content-Security-Policy");
    assert.match(await csp.getAttribute("content"), /default-src 'self'/);

    const steps = page.getByTestId("nav-step");
    await steps.first().waitFor({ timeout: UI_TIMEOUT_MS });
    const ids = await steps.evaluateAll((els) => els.map((el) => el.dataset.step));
    assert.equal(ids[0], "data", `first step is Data (steps: ${ids})`);
    assert.ok(ids.length >= 2, `later steps are shown (steps: ${ids})`);
    const data = page.locator('[data-testid="nav-step"][data-step="data"]');
    assert.notEqual(await data.getAttribute("aria-disabled"), "true", "Data step is enabled");
    // Explore opens once data is loaded; the steps not built yet stay disabled.
    for (const id of ids.slice(1)) {
      const step = page.locator(`[data-testid="nav-step"][data-step="${id}"]`);
      assert.equal(await step.getAttribute("aria-disabled"), "true", `step ${id} is disabled before data`);
    }

    // The favicon the page links to is served (no 404 anywhere: the guard checks every
    // same-origin response).
    const href = await page.locator('link[rel~="icon"]').first().getAttribute("href");
    assert.ok(href, "index.html links a favicon");
    const icon = await page.request.get(new URL(href, page.url()).href);
    assert.equal(icon.status(), 200, `favicon ${href} is served`);

    // The worker starts and the UI stays free of errors for a moment.
    await page.getByTestId("sample-transactions").waitFor({ timeout: UI_TIMEOUT_MS });
    app.guard.check();
  });

  it("loads the transactions sample (> 1000 rows)", async () => {
    const { page } = app;
    await page.getByTestId("sample-transactions").click();
    const info = await waitForDataset(page, "sample_transactions.csv");
    assert.ok(info.rows > 1000, `sample transactions has ${info.rows} rows`);
    assert.ok(info.cols >= 4, `sample transactions has ${info.cols} columns`);
    assert.ok((await page.getByTestId("column-row").count()) >= 4, "column summary is shown");
  });

  it("loads the customers sample", async () => {
    const { page } = app;
    await page.getByTestId("sample-customers").click();
    const info = await waitForDataset(page, "sample_customers.csv");
    assert.ok(info.rows > 100, `sample customers has ${info.rows} rows`);
  });
});
