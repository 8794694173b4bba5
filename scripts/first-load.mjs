#!/usr/bin/env node
// First-load size: for each page, the document and everything its HTML makes a first visit load
// (stylesheets, preloads, scripts, the hydration script's JS and wasm; see firstLoadAssets), each
// fetched and measured raw and as `brotli -q 11` would send it, with the total per page.
//
//   node scripts/first-load.mjs http://127.0.0.1:3200 / /esim/japan

import { execFileSync } from "node:child_process";
import { firstLoadAssets } from "./lib/shop.mjs";

const [baseArg, ...paths] = process.argv.slice(2);
const base = (baseArg ?? "").replace(/\/$/, "");
if (!base || paths.length === 0) {
  console.error("usage: node scripts/first-load.mjs <shop base URL> <path>…");
  process.exit(2);
}

const brotli = (bytes) =>
  execFileSync("brotli", ["-c", "-q", "11"], { input: bytes, maxBuffer: 1 << 30 }).length;

async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

const row = (name, raw, br) => console.log(`  ${name.padEnd(40)} ${String(raw).padStart(10)} ${String(br).padStart(10)}`);

for (const path of paths) {
  const pageUrl = `${base}${path}`;
  const document = await bytesOf(pageUrl);
  const assets = firstLoadAssets(document.toString("utf8"), pageUrl);
  console.log(`first load of ${path}: ${assets.length} files besides the document`);
  console.log(`  ${"".padEnd(40)} ${"raw bytes".padStart(10)} ${"brotli".padStart(10)}`);
  const raw = document.length;
  const br = brotli(document);
  row(`${path} (document)`, raw, br);
  let assetsRaw = 0;
  let assetsBr = 0;
  for (const url of assets) {
    const bytes = await bytesOf(url);
    const compressed = brotli(bytes);
    assetsRaw += bytes.length;
    assetsBr += compressed;
    const { pathname, search, origin } = new URL(url);
    row(origin === base ? pathname + search : url, bytes.length, compressed);
  }
  row("total without the document", assetsRaw, assetsBr);
  row("total", raw + assetsRaw, br + assetsBr);
  console.log();
}
