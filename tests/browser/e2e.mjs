// End-to-end test of `sitrep serve` in headless Chromium (the system browser, driven by
// playwright-core). Builds a store from examples/ plus a hostile document, serves it on a
// free loopback port, and checks the page: markers drawn, timeline brushing, an incident
// opened with its evidence highlighted, a hostile document rendered inert, no request
// leaving 127.0.0.1, no CSP violation. Screenshots go to $SITREP_ARTIFACTS.
//
//   SITREP_BIN=target/debug/sitrep node tests/browser/e2e.mjs
//
// Run by crates/sitrep/tests/browser.rs (cargo test) when Chromium and node are present.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = path.resolve(root, process.env.SITREP_BIN || "target/debug/sitrep");
const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.resolve(root, process.env.SITREP_ARTIFACTS || "target/browser");
const HOSTILE_DOC = "hostile-wire-0623";

/** The flags DEPENDENCIES.md gives for Chromium on these machines (headless added by launch). */
const CHROME_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

function step(name) {
  console.log(`e2e: ${name}`);
}

function buildStore(dir) {
  const db = path.join(dir, "sitrep.db");
  const run = (...args) => execFileSync(bin, [...args, "--db", db, "--quiet"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  run("ingest", "examples/", "--manifest", "examples/manifest.jsonl");
  run("ingest", path.join(here, "fixtures/hostile.jsonl"));
  return db;
}

/** Starts the server on a free port; resolves to its base URL and the child process. */
function serve(db) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--db", db, "--addr", "127.0.0.1:0"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    const timer = setTimeout(() => reject(new Error(`sitrep serve did not start:\n${err}`)), 30000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const m = /http:\/\/(127\.0\.0\.1:\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ base: `http://${m[1]}`, child });
      }
    });
    child.on("exit", (code) => reject(new Error(`sitrep serve exited (${code}):\n${err}`)));
  });
}

async function markerCounts(page) {
  return page.evaluate(() => {
    const single = document.querySelectorAll("path.incident-marker").length;
    const clustered = [...document.querySelectorAll(".marker-cluster span")]
      .map((s) => parseInt(s.textContent, 10))
      .filter((n) => Number.isFinite(n))
      .reduce((a, b) => a + b, 0);
    return { single, clustered, drawn: Number(document.body.dataset.incidents) };
  });
}

/** The centre of the first element matching `selector` that is on top there, or null. */
async function clickable(page, selector) {
  return page.evaluate((sel) => {
    for (const el of document.querySelectorAll(sel)) {
      const b = el.getBoundingClientRect();
      const [x, y] = [b.left + b.width / 2, b.top + b.height / 2];
      const top = document.elementFromPoint(x, y);
      if (top && (top === el || el.contains(top))) return { x, y };
    }
    return null;
  }, selector);
}

/** Clicks clusters until a single incident marker shows, then clicks it (as a user would). */
async function openSomeIncident(page, selector = "path.incident-marker") {
  for (let i = 0; i < 8; i++) {
    const marker = await clickable(page, selector);
    if (marker) {
      await page.mouse.click(marker.x, marker.y);
      return;
    }
    const cluster = await clickable(page, ".marker-cluster");
    if (!cluster) break;
    await page.mouse.click(cluster.x, cluster.y);
    await page.waitForTimeout(800);
  }
  throw new Error(`no ${selector} became clickable`);
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "sitrep-e2e-"));
  mkdirSync(artifacts, { recursive: true });
  let server;
  let context;
  let page;
  try {
    step("building the store from examples/ and the hostile fixture");
    const db = buildStore(dir);
    server = await serve(db);
    const { base } = server;
    step(`serving at ${base}`);

    context = await chromium.launchPersistentContext(path.join(dir, "profile"), {
      executablePath: chromePath,
      headless: true,
      args: CHROME_ARGS,
      viewport: { width: 1400, height: 900 },
      serviceWorkers: "block",
    });
    const requests = [];
    const foreign = [];
    context.on("request", (r) => requests.push(r.url()));
    // Anything not for the server is recorded and refused, so a failure never leaks.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(base + "/") || url.startsWith("data:")) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = context.pages()[0] || (await context.newPage());
    const problems = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      d.dismiss();
    });

    step("loading the page");
    const response = await page.goto(base + "/");
    const csp = response.headers()["content-security-policy"] || "";
    assert.match(csp, /default-src 'self'/, "the page carries the CSP");
    await page.waitForSelector("body[data-ready='1']", { timeout: 30000 });

    step("markers are drawn");
    const api = await (await page.request.get(base + "/api/incidents?limit=1000")).json();
    const located = api.items.filter((i) => i.latitude != null);
    const anbar = located.filter((i) => i.admin1 === "Anbar");
    assert.ok(anbar.length >= 5, `the store holds Anbar incidents (${anbar.length})`);
    // Every located incident went into the cluster layer; once animations settle, the
    // markers and clusters in view account for at least the Anbar incidents and for no more
    // than all of them (while a cluster animates, its fading markers and the cluster that
    // replaces them are both in the page for a moment).
    await page
      .waitForFunction(([n, all]) => {
        const single = document.querySelectorAll("path.incident-marker").length;
        const clustered = [...document.querySelectorAll(".marker-cluster span")].reduce((a, s) => a + (parseInt(s.textContent, 10) || 0), 0);
        return single + clustered >= n && single + clustered <= all;
      }, [anbar.length, located.length], { timeout: 10000 })
      .catch(() => {});
    const counts = await markerCounts(page);
    assert.equal(counts.drawn, located.length, "every located incident is on the map");
    assert.ok(counts.single + counts.clustered >= anbar.length, `markers in view cover the Anbar incidents (${JSON.stringify(counts)})`);
    assert.ok(counts.single + counts.clustered <= located.length);
    const anbarBox = await page.evaluate(() => {
      const r = document.getElementById("map").getBoundingClientRect();
      return [...document.querySelectorAll("path.incident-marker, .marker-cluster")].filter((el) => {
        const b = el.getBoundingClientRect();
        return b.right > r.left && b.left < r.right && b.bottom > r.top && b.top < r.bottom;
      }).length;
    });
    assert.ok(anbarBox > 0, "markers or clusters are inside the map's view");
    const inView = await page.evaluate(() => document.querySelectorAll(".incident-marker, .marker-cluster").length);
    assert.ok(inView > 0, "markers or clusters are visible");
    assert.ok((await page.locator(".control-marker").count()) > 0, "the control layer shows places");
    assert.ok((await page.locator("canvas.leaflet-zoom-animated").count()) > 0, "the basemap is drawn");
    await page.screenshot({ path: path.join(artifacts, "sitrep-map.png") });

    step("brushing the timeline");
    const svg = page.locator(".timeline-svg");
    const box = await svg.boundingBox();
    const before = requests.length;
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector("#filters [name=from]").value !== "");
    const [from, to] = await page.evaluate(() => ["from", "to"].map((n) => document.querySelector(`#filters [name=${n}]`).value));
    assert.ok(from <= to, `brushed range ${from}..${to}`);
    await page.waitForFunction(() => !/loading/.test(document.getElementById("status").textContent));
    assert.ok(
      requests.slice(before).some((u) => u.includes("/api/incidents?") && u.includes(`from=${from}`) && u.includes(`to=${to}`)),
      "the brush filters the incidents by date",
    );
    const ranged = await page.request.get(`${base}/api/incidents?from=${from}&to=${to}&limit=0`);
    const rangedTotal = (await ranged.json()).total;
    const afterBrush = await markerCounts(page);
    assert.ok(afterBrush.drawn <= rangedTotal, `the map shows the brushed days (${afterBrush.drawn} of ${rangedTotal})`);
    await page.locator("#clear-range").click();
    await page.waitForFunction((n) => Number(document.body.dataset.incidents) === n, located.length);
    // A click (no drag) sets the control layer's day.
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.waitForFunction(() => /control on \d{4}-\d\d-\d\d/.test(document.querySelector(".timeline-label").textContent));

    step("opening an incident and its evidence");
    await openSomeIncident(page);
    await page.waitForSelector("#tab-incident h2");
    const docLink = page.locator("#tab-incident .doc-link").first();
    await docLink.click();
    await page.waitForSelector("#tab-document .doc-text mark.evidence.current");
    const marked = await page.locator("#tab-document .doc-text mark.evidence.current").allTextContents();
    assert.ok(marked.join("").trim().length > 20, "evidence sentences are highlighted");
    const docId = await page.locator("#tab-document .doc-id").textContent();
    const doc = await (await page.request.get(`${base}/api/documents/${encodeURIComponent(docId)}`)).json();
    assert.ok(doc.text && doc.text.includes(marked[0]), `the highlight is a piece of the text of ${docId}: ${JSON.stringify(marked[0])} / ${JSON.stringify(doc).slice(0, 300)}`);
    await page.screenshot({ path: path.join(artifacts, "sitrep-evidence.png") });

    step("a hostile document renders inert");
    await page.fill("#filters [name=q]", "hostile");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(() => Number(document.body.dataset.incidents) === 1);
    await openSomeIncident(page, "path.incident-marker.flagged");
    await page.waitForSelector(`#tab-incident .doc-link[data-doc='${HOSTILE_DOC}']`);
    const flag = await page.locator("#tab-incident .flag").allTextContents();
    assert.ok(flag.some((t) => /inconsistent claim/.test(t)), "the source's inconsistent claim is flagged");
    await page.click(`#tab-incident .doc-link[data-doc='${HOSTILE_DOC}']`);
    await page.waitForSelector("#tab-document mark.claim-inconsistent");
    const title = await page.locator("#tab-document .doc-title").textContent();
    assert.ok(title.includes("<script>") && title.includes("onerror="), "the title shows as text");
    const text = await page.locator("#tab-document .doc-text").textContent();
    assert.ok(text.includes("<img src=x onerror=") && text.includes("<svg onload="), "the text shows as text");
    await page.waitForTimeout(300);
    const injected = await page.evaluate(() => ({
      xss: window.__xss,
      scripts: document.querySelectorAll("#panel script").length,
      imgs: document.querySelectorAll("#panel img, #panel svg, #panel b").length,
      links: [...document.querySelectorAll("#panel a")].map((a) => a.getAttribute("href")),
    }));
    assert.equal(injected.xss, undefined, "no injected script ran");
    assert.equal(injected.scripts, 0);
    assert.equal(injected.imgs, 0, "no element came from the document");
    assert.ok(!injected.links.some((h) => h && h.startsWith("javascript:")), "no javascript: link");
    const exportHref = await page.locator("a.incidents-csv").getAttribute("href");
    assert.match(exportHref, /q=hostile/);
    const csv = await (await page.request.get(base + exportHref)).text();
    assert.match(csv.split("\n")[0], /^event_id_cnty,/, "the CSV export has ACLED's columns");
    assert.equal(csv.trim().split("\n").length, 2, "the export holds the filtered incident");
    await page.screenshot({ path: path.join(artifacts, "sitrep-hostile.png") });

    step("no request left 127.0.0.1");
    assert.deepEqual(foreign, [], "requests to other hosts");
    const local = requests.filter((u) => !u.startsWith("data:"));
    assert.ok(local.length > 10);
    for (const u of local) assert.ok(u.startsWith(base + "/"), `request to ${u}`);
    assert.deepEqual(problems, [], "console errors, CSP violations or dialogs");
    console.log(`e2e: ok (${local.length} requests, all to ${base}; screenshots in ${artifacts})`);
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(artifacts, "sitrep-failure.png") }).catch(() => {});
    throw e;
  } finally {
    if (context) await context.close();
    if (server) server.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`e2e: FAILED: ${e.stack || e}`);
  process.exit(1);
});
