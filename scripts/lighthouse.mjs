#!/usr/bin/env node
// Runs Lighthouse (its default mobile preset) on five pages of a Tern that runs on its in-process
// sandboxes, one page after another: /, /esim/japan, a Japan plan page (eSIMfx), the order page
// of an order bought and paid through the sandboxes once it shows the QR, and that traveller's
// eSIM page, signed in. Prints each page's category scores and metrics, then its failing audits,
// from the median of LIGHTHOUSE_RUNS runs (default 3). Reports are kept in
// target/lighthouse/<page>-<run>.report.{json,html}. scripts/lighthouse sets up
// what this needs (Lighthouse itself, Chromium, a server).
//
//   node scripts/lighthouse.mjs http://127.0.0.1:3300

import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { promisify } from "node:util";
import { esimPage, japanPlanId, readyOrder, routeJapanToEsimfx, signIn } from "./lib/shop.mjs";

const base = (process.argv[2] ?? "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node scripts/lighthouse.mjs <shop base URL>");
  process.exit(2);
}
const lighthouse = new URL("./tools/lighthouse/node_modules/.bin/lighthouse", import.meta.url).pathname;
const reports = new URL("../target/lighthouse/", import.meta.url).pathname;
await mkdir(reports, { recursive: true });
const loadAtStart = loadavg()[0].toFixed(2);

await routeJapanToEsimfx(base);
const planId = await japanPlanId(base);
const order = await readyOrder(base, planId);
// The link the order email carries: the order page without the payment's session id.
const orderUrl = new URL(order.orderUrl);
orderUrl.searchParams.delete("session_id");
const cookie = await signIn(base, order.email);
const esim = await esimPage(base, cookie);

const pages = [
  { name: "home", path: "/" },
  { name: "country", path: "/esim/japan" },
  { name: "plan", path: `/plan/${encodeURIComponent(planId)}` },
  { name: "order", path: orderUrl.pathname + orderUrl.search, shown: `/order/${order.orderId}?token=…` },
  { name: "esim", path: esim, headers: { Cookie: cookie }, shown: `${esim} (signed in)` },
];

const categories = ["performance", "accessibility", "best-practices", "seo"];
const metrics = [
  ["LCP ms", "largest-contentful-paint", (v) => v.toFixed(0)],
  ["TBT ms", "total-blocking-time", (v) => v.toFixed(0)],
  ["CLS", "cumulative-layout-shift", (v) => v.toFixed(3)],
  ["FCP ms", "first-contentful-paint", (v) => v.toFixed(0)],
  ["SI ms", "speed-index", (v) => v.toFixed(0)],
  ["transfer", "total-byte-weight", (v) => v.toFixed(0)],
];

// One Lighthouse run varies (its simulated load can put LCP before or after the wasm arrives),
// so each page is run LIGHTHOUSE_RUNS times and the run Lighthouse itself calls the median
// (closest to the median FCP and TTI) is the one shown.
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const { computeMedianRun } = await import(new URL("./tools/lighthouse/node_modules/lighthouse/core/lib/median-run.js", import.meta.url));
for (const page of pages) {
  page.runs = [];
  for (let run = 1; run <= runs; run++) {
    const output = `${reports}${page.name}-${run}`;
    const args = [
      `${base}${page.path}`,
      "--output=json",
      "--output=html",
      `--output-path=${output}`,
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
      "--quiet",
    ];
    if (page.headers) args.push(`--extra-headers=${JSON.stringify(page.headers)}`);
    process.stderr.write(`lighthouse ${page.name} (${run}/${runs}): ${page.shown ?? page.path}\n`);
    await promisify(execFile)(lighthouse, args, {
      env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? "/usr/bin/chromium" },
      maxBuffer: 1 << 28,
    });
    const report = JSON.parse(await readFile(`${output}.report.json`, "utf8"));
    report.run = run;
    page.runs.push(report);
  }
  page.report = computeMedianRun(page.runs);
}

/** The first element (its selector) or URL an audit's details name, as a short hint of where to look. */
function where(details) {
  const short = (url) => (url.startsWith(base) ? url.slice(base.length) : url).replace(/token=[^&#]+/, "token=…");
  const seen = [details];
  while (seen.length) {
    const value = seen.shift();
    if (!value || typeof value !== "object") continue;
    if (value.type === "node" && value.selector) return value.selector;
    if (typeof value.url === "string" && value.url) return short(value.url);
    if (typeof value.scriptUrl === "string") return short(value.scriptUrl);
    if (typeof value.reason === "string") return value.reason;
    seen.push(...Object.values(value));
  }
  return "";
}

const lhr0 = pages[0].report;
const chrome = lhr0.environment?.hostUserAgent?.match(/Chrome\/[\d.]+/)?.[0] ?? "Chromium";
console.log(`Lighthouse ${lhr0.lighthouseVersion}, ${lhr0.configSettings.formFactor} preset, ${chrome}, ${base}`);
console.log(`${cpus().length} cores, load average ${loadAtStart} at start`);
console.log();
const header = ["page", "perf", "a11y", "best-pr", "seo", ...metrics.map(([label]) => label)];
const widths = [8, 5, 5, 8, 4, 7, 7, 6, 7, 7, 9];
const line = (cells) => console.log(cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(" "));
line(header);
for (const { name, report } of pages) {
  const scores = categories.map((id) => {
    const score = report.categories[id]?.score;
    return typeof score === "number" ? Math.round(score * 100) : "-";
  });
  const values = metrics.map(([, id, format]) => {
    const value = report.audits[id]?.numericValue;
    return typeof value === "number" ? format(value) : "-";
  });
  line([name, ...scores, ...values]);
}
console.log();
console.log(`each page run ${runs} times; above, the median run; here, every run's performance score and LCP:`);
for (const page of pages) {
  const each = page.runs.map((r) => `${Math.round(r.categories.performance.score * 100)} (${(r.audits["largest-contentful-paint"].numericValue / 1000).toFixed(1)} s)`);
  console.log(`  ${page.name.padEnd(8)} ${each.join("  ").padEnd(36)} median: run ${page.report.run}   ${page.shown ?? page.path}`);
}

console.log("\nfailing audits (score < 1), by page and category:");
for (const { name, report } of pages) {
  console.log(`\n${name}`);
  for (const id of categories) {
    const category = report.categories[id];
    if (!category) continue;
    const failing = category.auditRefs
      .map((ref) => report.audits[ref.id])
      .filter((audit) => audit && (audit.scoreDisplayMode === "error" || (typeof audit.score === "number" && audit.score < 1)))
      .filter((audit) => !["informative", "manual", "notApplicable"].includes(audit.scoreDisplayMode));
    for (const audit of failing) {
      const score = audit.scoreDisplayMode === "error" ? "error" : audit.score.toFixed(2);
      console.log(`  ${category.title.padEnd(15)} ${score.padStart(5)}  ${audit.id.padEnd(34)} ${audit.title}`);
      const detail = [audit.displayValue, audit.errorMessage, where(audit.details)].filter(Boolean).join("; ");
      if (detail) console.log(`  ${"".padEnd(23)}  ${detail.length > 110 ? `${detail.slice(0, 109)}…` : detail}`);
    }
  }
}
console.log(`\nfull reports: ${reports}<page>-<run>.report.html`);
