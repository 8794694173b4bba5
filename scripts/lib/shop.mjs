// Drives a Tern that runs on its in-process sandboxes, without a browser: where the sandboxes
// listen, routing Japan to eSIMfx, a Japan plan, buying and paying through the Stripe sandbox,
// waiting for the order page's QR, signing a traveller in, and what a first visit to a page loads.
// Node 20, built-in fetch only. Every function takes the shop's base URL (`http://127.0.0.1:3200`).

import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** A test card the Stripe sandbox pays with. */
export const PAYING_CARD = "4242424242424242";

async function ok(response, what) {
  if (!response.ok) {
    const body = await response.text().catch(() => "");
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
  return response;
}

/** `GET /dev/sandboxes`: `{esimfx, esimgo, truphone, fms, stripe}` base URLs. */
export async function sandboxes(base) {
  const response = await ok(await fetch(`${base}/dev/sandboxes`), "GET /dev/sandboxes (only while every service is a sandbox)");
  return response.json();
}

/** Sets a routing rule so one provider serves `country` (`POST /dev/routing`). */
export async function routeCountry(base, country, provider) {
  await ok(
    await fetch(`${base}/dev/routing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ country, strategy: "fixed", providers: [provider] }),
    }),
    `POST /dev/routing ${country} → ${provider}`,
  );
}

/** Japan's plans all come from the eSIMfx sandbox from now on. */
export function routeJapanToEsimfx(base) {
  return routeCountry(base, "JP", "esimfx");
}

/** The id of the first local plan listed on `/esim/japan` (from its `/plan/<id>` links). */
export async function japanPlanId(base) {
  const html = await (await ok(await fetch(`${base}/esim/japan`), "GET /esim/japan")).text();
  // Local plans come first, under `id="local-plans"`; regional ones after them.
  const local = html.indexOf('id="local-plans"');
  const link = /href="\/plan\/([^"?#]+)"/;
  const match = link.exec(local >= 0 ? html.slice(local) : html) ?? link.exec(html);
  if (!match) throw new Error("/esim/japan links to no /plan/<id>");
  return decodeURIComponent(match[1]);
}

/** An address no other purchase or sign-in of this run uses. */
export function uniqueEmail(tag) {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/**
 * Buys `planId` as `email` through `POST /checkout` (the buy form without JavaScript) and pays on
 * the Stripe sandbox's control API. Returns the order page the payment sends the traveller to
 * (`/order/<id>?token=…&session_id=…`, absolute) and `paidAt`, the `performance.now()` at which
 * the payment answered; the sandbox sends its signed webhook to Tern on its own from then on.
 */
export async function buyAndPay(base, { planId, email, card = PAYING_CARD, stripe }) {
  stripe ??= (await sandboxes(base)).stripe;
  const checkout = await fetch(`${base}/checkout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ plan_id: planId, email }),
    redirect: "manual",
  });
  const location = checkout.headers.get("location") ?? "";
  const hosted = new URL(location, base);
  if (checkout.status !== 303 || !hosted.href.startsWith(`${stripe}/checkout/`)) {
    throw new Error(`POST /checkout answered ${checkout.status} to ${location || "nowhere"}, not the Stripe sandbox's checkout page`);
  }
  const sessionId = hosted.pathname.split("/").filter(Boolean).pop();
  const pay = await ok(
    await fetch(`${stripe}/_sandbox/stripe/sessions/${sessionId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card }),
    }),
    `paying session ${sessionId}`,
  );
  const answer = await pay.json();
  const paidAt = performance.now();
  if (answer.outcome !== "paid") throw new Error(`session ${sessionId}: ${answer.outcome} ${answer.message ?? ""}`);
  const orderUrl = new URL(answer.redirect_url, base).href;
  const orderId = /\/order\/([^/?#]+)/.exec(orderUrl)?.[1];
  return { orderUrl, orderId, sessionId, paidAt };
}

/**
 * Loads the order page every `intervalMs` until it shows the eSIM (its `LPA:1$…` string, which
 * comes with the QR). Returns `readyAt` (`performance.now()` once that page was read) and how many
 * loads it took.
 */
export async function waitForQr(orderUrl, { intervalMs = 10, timeoutMs = 60_000 } = {}) {
  const start = performance.now();
  for (let loads = 1; ; loads++) {
    const response = await fetch(orderUrl);
    const html = await response.text();
    const readyAt = performance.now();
    if (response.ok && html.includes("LPA:1$")) return { readyAt, loads };
    if (readyAt - start > timeoutMs) {
      throw new Error(`${orderUrl} showed no QR within ${timeoutMs} ms (last answer HTTP ${response.status})`);
    }
    await sleep(intervalMs);
  }
}

/** Buys and pays for a Japan plan, then waits for its QR. Returns `{orderUrl, orderId, email}`. */
export async function readyOrder(base, planId) {
  const email = uniqueEmail("order");
  const { orderUrl, orderId } = await buyAndPay(base, { planId, email });
  await waitForQr(orderUrl);
  return { orderUrl, orderId, email };
}

/**
 * Signs `email` in as a traveller: asks for a link (`request_sign_in`), reads it from
 * `/dev/outbox`, confirms it with `POST /auth/verify`. Returns the session cookie (`name=value`).
 */
export async function signIn(base, email, next = "/my-esims") {
  await ok(
    await fetch(`${base}/api/my_esim/request_sign_in`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ email, next }),
    }),
    "asking for a sign-in link",
  );
  let token;
  for (let tries = 0; !token; tries++) {
    if (tries > 300) throw new Error(`no sign-in link for ${email} in /dev/outbox`);
    const outbox = await (await ok(await fetch(`${base}/dev/outbox`), "GET /dev/outbox")).text();
    const article = outbox
      .split("<article")
      .find((part) => part.includes(`<strong>${email}</strong>`) && part.includes("sign_in_link"));
    token = article && /\/auth\/verify\?token=(\w+)/.exec(article)?.[1];
    if (!token) await sleep(50);
  }
  const verify = await fetch(`${base}/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
    redirect: "manual",
  });
  const cookie = (verify.headers.getSetCookie?.() ?? [verify.headers.get("set-cookie") ?? ""])
    .map((line) => line.split(";")[0])
    .find((pair) => /=./.test(pair));
  if (verify.status !== 303 || !cookie) throw new Error(`POST /auth/verify answered ${verify.status} with no session cookie`);
  return cookie;
}

/** The signed-in traveller's first eSIM page, `/my-esims/<iccid>`, from `/my-esims`. */
export async function esimPage(base, cookie) {
  const html = await (await ok(await fetch(`${base}/my-esims`, { headers: { cookie } }), "GET /my-esims")).text();
  const iccid = /href="\/my-esims\/(\d+)"/.exec(html)?.[1];
  if (!iccid) throw new Error("/my-esims lists no eSIM for this traveller");
  return `/my-esims/${iccid}`;
}

function attributes(tag) {
  const found = {};
  for (const [, name, ...values] of tag.matchAll(/([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    found[name.toLowerCase()] = values.find((v) => v !== undefined) ?? "";
  }
  return found;
}

/**
 * What a first visit to a page loads besides the document, read from its HTML: stylesheets,
 * module preloads and preloads (`<link rel=…>`), `<script src>`, and what inline module scripts
 * import (the hydration script's JS and the wasm it passes to it). Absolute URLs, in page order.
 */
export function firstLoadAssets(html, pageUrl) {
  const urls = [];
  const add = (href) => {
    if (!href) return;
    const url = new URL(href.replaceAll("&amp;", "&"), pageUrl).href;
    if (!urls.includes(url)) urls.push(url);
  };
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const { rel = "", href } = attributes(tag);
    if (rel.toLowerCase().split(/\s+/).some((r) => ["stylesheet", "modulepreload", "preload"].includes(r))) add(href);
  }
  for (const [, open, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const { src } = attributes(open);
    if (src) {
      add(src);
      continue;
    }
    // Leptos's hydration script: `(function (root, pkg_path, output_name, wasm_output_name, …) {
    // … import(`${root}/${pkg_path}/${output_name}.js`) … })("", "pkg", "tern", "tern_bg", …)`.
    const call = /\}\)\s*\(\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"/.exec(body);
    if (call && /import\(/.test(body)) {
      const [, root, pkg, js, wasm] = call;
      add(`${root}/${pkg}/${js}.js`);
      add(`${root}/${pkg}/${wasm}.wasm`);
    }
    // Any other script: the paths it imports or fetches literally.
    for (const [, path] of body.matchAll(/["'`](\/[^"'`\s$]+\.(?:m?js|wasm))["'`]/g)) add(path);
  }
  return urls;
}
