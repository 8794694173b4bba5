// An order the provider keeps failing until an admin retries it. The provider's sandbox answers
// every call with a 503, which fulfilment retries with a doubling backoff (2 s, 4 s, 8 s, 16 s …);
// once the order is waiting 16 s for its next try, the faults are cleared and the owner retries
// it at once, so the eSIM that arrives is the admin's doing, not the backoff's. Runs with
// JavaScript on and off.
//
// Sandbox faults hit every caller of that provider, so this journey runs after every other one
// (its own projects in playwright.config.ts), and the JS and no-JS runs, which may overlap, each
// take their own provider and country.
import { expect, Page, test } from "@playwright/test";
import { adminSignIn, expectEsimReady, payWith, sandboxOf, startOneGigabyteWeek, uniqueEmail } from "./support";

type Journey = { provider: "esimgo" | "truphone"; country: string; slug: string };

/** Reloads the admin's order page until `check` passes. */
async function reloadUntil(page: Page, check: () => Promise<void>, timeout: number) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout });
}

test("an order the provider keeps failing is delivered once an admin retries it", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const journey: Journey =
    testInfo.project.use.javaScriptEnabled
      ? { provider: "esimgo", country: "SI", slug: "slovenia" }
      : { provider: "truphone", country: "SK", slug: "slovakia" };
  const { provider } = journey;
  const routed = await request.post("/dev/routing", {
    data: { country: journey.country, strategy: "fixed", providers: [provider] },
  });
  expect(routed.status()).toBe(204);
  const sandbox = await sandboxOf(request, provider);
  const email = uniqueEmail(`admin-retry-${provider}`);

  await startOneGigabyteWeek(page, journey.slug, email);
  let orderId = "";
  let orderUrl = "";
  const faults = await request.post(`${sandbox}/_sandbox/faults`, { data: { fail_next: 1_000_000, status: 503 } });
  expect(faults.ok()).toBeTruthy();
  try {
    await payWith(page, "4242 4242 4242 4242");
    await expect(page).toHaveURL(/\/order\/ord_/);
    orderUrl = page.url();
    orderId = new URL(orderUrl).pathname.split("/").pop() ?? "";
    const heading = page.getByRole("heading", { level: 1 });
    await reloadUntil(page, () => expect(heading).toHaveText("We're preparing your eSIM", { timeout: 1_000 }), 15_000);

    await adminSignIn(page);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }).click();
    await page.getByLabel("Order id, email or ICCID").fill(email);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByTestId("order-row")).toHaveCount(1);
    await page.getByTestId("order-row").getByRole("link", { name: orderId }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
    await expect(page.locator("dd", { hasText: new RegExp(`^${provider}$`) }).first()).toBeVisible();

    // The failed attempts are in the timeline; wait until the next try is 16 s or more away.
    const timeline = page.getByTestId("timeline-entry");
    const failed = timeline.filter({ hasText: new RegExp(`${provider} failed \\(.+\\); retrying in \\d+s`) });
    await reloadUntil(
      page,
      () => expect(timeline.filter({ hasText: /; retrying in (1[6-9]|[2-9]\d|\d{3})s/ })).toHaveCount(1, { timeout: 1_000 }),
      60_000,
    );
    expect(await failed.count()).toBeGreaterThanOrEqual(4);
  } finally {
    // Whatever happened, the provider works again for everyone else.
    expect((await request.delete(`${sandbox}/_sandbox/faults`)).ok()).toBeTruthy();
  }

  // Still without its eSIM: only the admin's retry can deliver it before the backoff runs out.
  await expect(page.locator("dd", { hasText: /^provisioning$/ })).toHaveCount(1);
  await page.getByRole("link", { name: "Retry fulfilment", exact: true }).click();
  await expect(page).toHaveURL(/\?confirm=retry_fulfilment$/);
  await page.getByRole("button", { name: "Confirm retry" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}\\?done=retry_fulfilment$`));
  await expect(page.getByRole("status")).toContainText("Fulfilment is running again.");

  await reloadUntil(page, () => expect(page.locator("dd", { hasText: /^ready$/ })).toHaveCount(1, { timeout: 1_000 }), 30_000);
  const messages = await page.getByTestId("timeline-entry").locator("p").allTextContents();
  const retried = messages.findIndex((m) => m === "Fulfilment retried by Owner");
  const ready = messages.findIndex((m) => /eSIM ready/.test(m));
  expect(retried, messages.join("\n")).toBeGreaterThan(-1);
  expect(ready, messages.join("\n")).toBeGreaterThan(retried);
  // The last failure came before the retry: nothing succeeded on its own.
  const lastFailure = messages.map((m, i) => (/ failed \(.+\); retrying in/.test(m) ? i : -1)).reduce((a, b) => Math.max(a, b));
  expect(lastFailure).toBeLessThan(retried);

  // The traveller's order page has the eSIM.
  await page.goto(orderUrl);
  await expectEsimReady(page);
});
