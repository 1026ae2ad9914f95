// The Segment step: Online Retail's customer table and Mall_Customers are segmented through the
// UI; the k sweep, PCA scatter, profile and silhouette charts have ink; personas are named and
// renamed; another k from the sweep table, each algorithm, and bad choices that must be refused
// while the earlier segments stay. No request leaves the origin (the harness's guard).
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
  firstInteger,
  goExplore,
  inkPixels,
  loadFile,
  poll,
  waitForRun,
} from "./harness.mjs";

/** The summary's attributes (k, segmented, elapsedMs …) once the latest segments are shown. */
function waitForSegments(page, options) {
  return waitForRun(page, "segment", options);
}

/** Run the form and wait for the step's error; returns its text. */
async function segmentError(page) {
  await page.getByTestId("segment-run").click();
  const error = page.getByTestId("segment-error");
  await error.waitFor({ state: "visible", timeout: LOAD_TIMEOUT_MS });
  return (await error.innerText()).trim();
}

async function chooseFeatures(page, names) {
  const boxes = page.getByTestId("segment-feature");
  const n = await boxes.count();
  for (let i = 0; i < n; i++) {
    const box = boxes.nth(i);
    const want = names.includes(await box.getAttribute("data-feature"));
    if ((await box.isChecked()) !== want) await box.setChecked(want);
  }
}

async function silhouetteShown(page) {
  return Number((await page.getByTestId("segment-silhouette").innerText()).trim());
}

describeApp("segment", (app) => {
  it("Online Retail: RFM segments with personas, k sweep, PCA, profiles; rename, another k, CSV; screenshot", async () => {
    const { page } = app;
    await loadFile(page, dataFile("online_retail_sparkguide.csv"));
    await goExplore(page);
    await buildCustomers(page);
    assert.equal(firstInteger(await page.getByTestId("explore-customers").innerText()), 4372);

    // One click from Explore: segments with the default choices (log RFM, K-means, k suggested).
    await page.getByTestId("continue-segment").click();
    const first = await waitForSegments(page);
    assert.equal(first.segmented, 4372, "every customer has recency, frequency and monetary");
    assert.ok(first.k >= 3 && first.k <= 10, `suggested k = ${first.k}`);
    const notes = await page.getByTestId("segment-notes").innerText();
    assert.match(notes, /log-transformed/, "the log transform is explained");
    assert.match(await page.getByTestId("segment-reason").innerText(), new RegExp(`k = ${first.k}`));
    // Log-scaled RFM: the segments separate (raw RFM would split off 26 extreme customers).
    const silhouette = await silhouetteShown(page);
    assert.ok(silhouette > 0.3, `silhouette ${silhouette}`);

    // The sweep: k = 2…10, the chosen row marked.
    const sweep = page.getByTestId("segment-sweep");
    assert.equal(await sweep.locator("tbody tr").count(), 9);
    assert.equal(await sweep.locator(`tbody tr.chosen[data-k="${first.k}"]`).count(), 1);

    // Personas: one per segment, each with a rule and an action; names from the RFM rules.
    const personas = page.getByTestId("persona");
    assert.equal(await personas.count(), first.k);
    const names = await page.getByTestId("persona-label").evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.equal(new Set(names).size, names.length, `names are unique: ${names}`);
    assert.ok(
      names.some((n) => /Loyalists|At Risk|One-Time|Lapsed|New Customers/.test(n)),
      `RFM personas: ${names}`,
    );
    assert.doesNotMatch(names.join("|"), /Recency/, "no persona is named after 'recency'");
    for (const field of ["persona-rule", "persona-action"]) {
      const texts = await page.getByTestId(field).allInnerTexts();
      assert.ok(texts.every((t) => t.trim().length > 10), `${field}: ${texts}`);
    }
    // Profile table: one row per segment, sizes add up to the customers.
    const profiles = page.getByTestId("segment-profiles");
    assert.equal(await profiles.locator("tbody tr").count(), first.k);
    const sizes = await profiles
      .locator("tbody tr td:nth-child(2)")
      .allInnerTexts()
      .then((cells) => cells.map(firstInteger));
    assert.equal(sizes.reduce((a, b) => a + b, 0), 4372);
    assert.ok(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]), `largest first: ${sizes}`);
    // The "All customers" row the persona rules compare with, and names that agree with it
    // (issue 12: "Recent Buyers" at a mean recency of 231 days). Recency, frequency and monetary
    // are skewed, so their columns show medians, as their headers say (a few big spenders pull
    // the mean far above the typical customer: "Low Monetary" above the median customer).
    const all = profiles.getByTestId("profile-all-customers");
    assert.equal(firstInteger(await all.locator("td").first().innerText()), 4372);
    const headers = profiles.locator("thead th");
    const features = await headers.evaluateAll((ths) => ths.map((th) => th.dataset.feature ?? ""));
    const column = (name) => {
      const index = features.indexOf(name);
      assert.ok(index > 0, `a ${name} column: ${features}`);
      return index;
    };
    const cellNumber = (text) => Number(text.replace(/,/g, "").trim());
    const checks = [
      ["recency_days", /Recent|New Customers|Loyalists/, /Lapsed|At Risk|Long Since/],
      ["monetary", /High Monetary|Loyalists/, /Low Monetary/],
      ["frequency", /High Frequency|Loyalists/, /Low Frequency/],
    ];
    for (const [feature, below, above] of checks) {
      const j = column(feature);
      assert.equal(await headers.nth(j).getAttribute("data-statistic"), "median", `${feature} is read by its median`);
      assert.match(await headers.nth(j).innerText(), /median/);
      const allCell = all.locator("th, td").nth(j);
      const allValue = cellNumber(await allCell.innerText());
      assert.match(await allCell.getAttribute("title"), /^mean [\d,.]+ · median [\d,.]+$/, "the mean is in the tooltip");
      const rows = await profiles.locator("tbody tr").evaluateAll((trs, c) =>
        trs.map((tr) => [tr.cells[0].innerText.trim(), tr.cells[c].innerText]), j);
      for (const [name, cell] of rows) {
        const value = cellNumber(cell);
        // Recency: recent names below all customers' median; monetary and frequency: high names
        // above it — and the other way round.
        const [lower, higher] = feature === "recency_days" ? [below, above] : [above, below];
        if (lower.test(name)) assert.ok(value < allValue, `${name}: ${feature} ${cell} vs ${allValue} for all`);
        if (higher.test(name)) assert.ok(value > allValue, `${name}: ${feature} ${cell} vs ${allValue} for all`);
      }
    }
    const rules = await page.getByTestId("persona-rule").allInnerTexts();
    assert.ok(rules.every((r) => /all customers/.test(r)), `rules compare with all customers: ${rules}`);
    assert.ok(rules.some((r) => /median (monetary|frequency|recency_days) /.test(r)), `rules name the median: ${rules}`);

    // Charts with real pixels.
    for (const id of [
      "segment:elbow",
      "segment:silhouette_by_k",
      "segment:pca",
      "segment:profile",
      "segment:silhouette",
    ]) {
      const ink = await inkPixels(page, id);
      assert.ok(ink > 2000, `${id} has ink`);
    }

    // Rename a segment: the label sticks, the profile table and the charts use it.
    const label = page.getByTestId("persona-label").first();
    await label.fill("VIP club");
    await label.press("Enter");
    await label.blur();
    await poll(async () => (await profiles.locator("tbody tr").first().innerText()).includes("VIP club"), {
      message: "the profile table shows the new name",
    });

    // The CSV holds a segment column with the new name.
    const [csv] = await Promise.all([
      page.waitForEvent("download", { timeout: UI_TIMEOUT_MS }),
      page.getByTestId("export-segments").click(),
    ]);
    const text = readFileSync(await csv.path(), "utf8");
    const lines = text.trim().split(/\r?\n/);
    assert.equal(lines.length, 4373, "header + one line per customer");
    assert.match(lines[0], /,segment$/, `header ends with segment: ${lines[0].slice(-60)}`);
    assert.ok(lines.some((l) => l.endsWith(",VIP club")), "the renamed segment is in the CSV");

    ensureArtifactsDir();
    await page.getByTestId("segment-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "segment-step.png"), fullPage: true });

    // Another k from the sweep table: only the final fit runs again.
    const other = first.k === 4 ? 5 : 4;
    await sweep.locator(`[data-testid="segment-use-k"][data-k="${other}"]`).click();
    const second = await waitForSegments(page, { previous: first });
    assert.equal(second.k, other);
    assert.equal(await page.getByTestId("persona").count(), other);
    assert.match(await page.getByTestId("segment-reason").innerText(), /your choice/);
    await page.locator(".personas-card").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-personas-k.png") });
    await page.locator(".profile-card").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-profiles-k.png") });

    // Cancel a slower run (Ward tree + its sweep): it stops, and the segments shown stay.
    await page.getByTestId("algo-hierarchical").check();
    await page.getByTestId("segment-run").click();
    const cancel = page.getByTestId("segment-cancel");
    await cancel.waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await cancel.click();
    await page.getByTestId("segment-progress").waitFor({ state: "detached", timeout: UI_TIMEOUT_MS });
    assert.equal(Number(await page.getByTestId("segment-summary").getAttribute("data-k")), other);
    assert.match(await page.getByTestId("segment-summary").innerText(), /K-means/i, "still the K-means segments");
  });

  it("Mall_Customers: income + score k = 5 matches scikit-learn; Ward, DBSCAN, mixture; bad choices refused", async () => {
    const { page } = app;
    await loadFile(page, dataFile("Mall_Customers.csv"));
    await goExplore(page);
    await buildCustomers(page);
    await page.getByTestId("nav-step").and(page.locator('[data-step="segment"]')).click();
    await page.getByTestId("segment-run").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });

    // Fewer than 2 features: refused in the form, nothing sent.
    await chooseFeatures(page, ["Age"]);
    await page.getByTestId("segment-run").click();
    assert.match(await page.getByTestId("segment-form-error").innerText(), /at least 2 features/);

    // The classic: income and spending score, k = 5 → silhouette 0.555 (scikit-learn 0.5547).
    await chooseFeatures(page, ["Annual Income (k$)", "Spending Score (1-100)"]);
    await page.getByTestId("segment-k").selectOption("5");
    await page.getByTestId("segment-run").click();
    const kmeans = await waitForSegments(page);
    assert.equal(kmeans.k, 5);
    assert.equal(kmeans.segmented, 200);
    const silhouette = await silhouetteShown(page);
    assert.ok(silhouette >= 0.55, `K-means silhouette ${silhouette} (scikit-learn 0.5547)`);
    const names = await page.getByTestId("persona-label").evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.ok(names.includes("High Annual Income, Low Spending Score"), `names: ${names}`);
    await inkPixels(page, "segment:pca");
    ensureArtifactsDir();
    await page.locator(".personas-card").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-mall-personas.png") });
    await page.locator(".profile-card").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-mall-profiles.png") });

    // Ward: same k, the dendrogram.
    await page.getByTestId("algo-hierarchical").check();
    await page.getByTestId("segment-run").click();
    const ward = await waitForSegments(page, { previous: kmeans });
    assert.equal(ward.k, 5);
    const wardSilhouette = await silhouetteShown(page);
    assert.ok(wardSilhouette >= 0.549, `Ward silhouette ${wardSilhouette} (scikit-learn 0.554)`);
    await inkPixels(page, "segment:dendrogram");
    ensureArtifactsDir();
    await page.getByTestId("segment-gallery").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-mall-ward.png") });

    // Gaussian mixture: a membership column in the profile table.
    await page.getByTestId("algo-gmm").check();
    await page.getByTestId("segment-run").click();
    const gmm = await waitForSegments(page, { previous: ward });
    assert.equal(gmm.k, 5);
    assert.match(await page.getByTestId("segment-profiles").innerText(), /Membership/);

    // DBSCAN: eps from the k-distance curve, noise counted.
    await page.getByTestId("algo-dbscan").check();
    await page.getByTestId("segment-run").click();
    const dbscan = await waitForSegments(page, { previous: gmm });
    assert.ok(dbscan.k >= 1, `DBSCAN found ${dbscan.k} segments`);
    await page.getByTestId("segment-noise").waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
    await inkPixels(page, "segment:k_distance");
    await page.getByTestId("segment-gallery").screenshot({ path: path.join(ARTIFACTS_DIR, "segment-mall-dbscan.png") });

    // An eps so small every customer is noise: a message suggesting an eps; the segments stay.
    await page.getByTestId("segment-eps").fill("0.0001");
    await page.getByTestId("segment-eps").blur();
    const message = await segmentError(page);
    assert.match(message, /noise/i, message);
    assert.match(message, /eps/i, message);
    assert.equal(Number(await page.getByTestId("segment-summary").getAttribute("data-k")), dbscan.k);

    // An eps that is not a number: refused in the form.
    await page.getByTestId("segment-eps").fill("wide");
    await page.getByTestId("segment-eps").blur();
    await page.getByTestId("segment-run").click();
    assert.match(await page.getByTestId("segment-form-error").innerText(), /not a positive number/);
  });
});
