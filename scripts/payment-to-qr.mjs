#!/usr/bin/env node
// Payment to QR: buys ORDERS (default 100) Japan eSIMs served by the eSIMfx sandbox, one after
// another, and for each measures the time from the Stripe sandbox's answer to the payment (its
// signed webhook goes to Tern from then on) to the first load of the order page that shows the
// eSIM, loading it every 10 ms as a waiting traveller's browser would. Prints p50, p90, p99 and max.
//
//   node scripts/payment-to-qr.mjs http://127.0.0.1:3200      (ORDERS=200 for more)

import { buyAndPay, japanPlanId, routeJapanToEsimfx, sandboxes, uniqueEmail, waitForQr } from "./lib/shop.mjs";

const base = (process.argv[2] ?? process.env.TERN_URL ?? "").replace(/\/$/, "");
if (!base) {
  console.error("usage: node scripts/payment-to-qr.mjs <shop base URL>");
  process.exit(2);
}
const orders = Number(process.env.ORDERS ?? 100);

const { stripe } = await sandboxes(base);
await routeJapanToEsimfx(base);
const planId = await japanPlanId(base);

const times = [];
let loads = 0;
for (let i = 0; i < orders; i++) {
  const { orderUrl, paidAt } = await buyAndPay(base, { planId, email: uniqueEmail("bench"), stripe });
  const ready = await waitForQr(orderUrl, { intervalMs: 10 });
  times.push(ready.readyAt - paidAt);
  loads += ready.loads;
}

times.sort((a, b) => a - b);
// Nearest-rank percentile.
const percentile = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
const ms = (value) => value.toFixed(1).padStart(9);
console.log(`payment to QR, ${orders} orders one after another, plan ${planId} (eSIMfx), order page loaded every 10 ms:`);
console.log(`  ${"p50".padEnd(6)}${ms(percentile(50))} ms`);
console.log(`  ${"p90".padEnd(6)}${ms(percentile(90))} ms`);
console.log(`  ${"p99".padEnd(6)}${ms(percentile(99))} ms`);
console.log(`  ${"max".padEnd(6)}${ms(times[times.length - 1])} ms`);
console.log(`  (${(loads / orders).toFixed(1)} order page loads per order on average)`);
