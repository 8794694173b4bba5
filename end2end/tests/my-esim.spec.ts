// My eSIM as a traveller: sign in with the emailed link, see the eSIM and its usage as the
// provider reports it, top it up, and open its install page with no network.
import { expect, Page, test } from "@playwright/test";
import { buyEsim, emailedSignInLink, payWith, sandboxEsim, signIn, uniqueEmail, useData } from "./support";

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** How Tern writes data amounts: binary units, GB with one decimal from just under 1 GB. */
function formatBytes(bytes: number): string {
  if (bytes >= GIB - MIB / 2) {
    const tenths = Math.floor((bytes * 10 + GIB / 2) / GIB);
    return tenths % 10 === 0 ? `${tenths / 10} GB` : `${Math.floor(tenths / 10)}.${tenths % 10} GB`;
  }
  return `${Math.floor((bytes + MIB / 2) / MIB)} MB`;
}

/** Buys an eSIM, signs in, and returns its ICCID from the My eSIMs list. */
async function ownEsim(page: Page, tag: string): Promise<string> {
  const email = uniqueEmail(tag);
  await buyEsim(page, email);
  await signIn(page, email);
  const card = page.getByTestId("esim-card");
  await expect(card).toHaveCount(1);
  const href = await card.getByRole("link").first().getAttribute("href");
  const iccid = /\/my-esims\/(\d+)/.exec(href ?? "")?.[1];
  expect(iccid).toBeTruthy();
  return iccid!;
}

test("signed out, My eSIMs asks to sign in", async ({ page }) => {
  await page.goto("/my-esims");
  await expect(page.getByRole("heading", { name: "Sign in to see your eSIMs" })).toBeVisible();
});

test("an unknown sign-in link explains itself and offers a new one", async ({ page }) => {
  await page.goto("/auth/verify?token=not-a-real-token");
  await expect(page.getByText("This sign-in link has expired or was already used.")).toBeVisible();
  await page.getByRole("link", { name: "Email me a new link" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("opening a sign-in link signs nobody in until it is confirmed, once", async ({ page }) => {
  const email = uniqueEmail("confirm");
  const link = await emailedSignInLink(page, email);
  // Opened, as a mail scanner would, and left unconfirmed.
  await page.goto(link);
  await expect(page.getByRole("button", { name: "Yes, sign me in" })).toBeVisible();
  await page.goto("/my-esims");
  await expect(page.getByRole("heading", { name: "Sign in to see your eSIMs" })).toBeVisible();
  // Still usable: confirming signs in.
  await page.goto(link);
  await page.getByRole("button", { name: "Yes, sign me in" }).click();
  await expect(page).toHaveURL(/\/my-esims$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // Used now.
  await page.goto(link);
  await expect(page.getByText("This sign-in link has expired or was already used.")).toBeVisible();
});

test("the usage bar shows what the provider reports", async ({ page, request }) => {
  const iccid = await ownEsim(page, "usage");
  // A third of the first Japan plan (1 GB) plus a few odd bytes.
  await useData(request, iccid, Math.round(GIB / 3) + 4321);
  await page.goto(`/my-esims/${iccid}`);
  const sandbox = await sandboxEsim(request, iccid);
  const used = sandbox.subscriptions[0].used_amount;
  const limit = sandbox.subscriptions[0].upper_limit_amount;
  const meter = page.getByRole("meter").first();
  await expect(meter).toHaveAttribute("aria-valuenow", String(used));
  await expect(meter).toHaveAttribute("aria-valuemax", String(limit));
  expect(used).toBe(Math.round(GIB / 3) + 4321);
  await expect(page.getByTestId("usage-used").first()).toHaveText(formatBytes(used));
  await expect(page.getByTestId("usage-total").first()).toHaveText(formatBytes(limit));
  await expect(page.getByTestId("usage-left").first()).toHaveText(formatBytes(limit - used));
  await expect(page.getByText("ACTIVE").first()).toBeVisible();

  // Install guidance, QR and both one-tap links, with the manual details as fallback.
  await expect(page.getByRole("heading", { name: "01 Install your eSIM" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "02 Start your eSIM" })).toBeVisible();
  await expect(page.getByTestId("install-qr")).toBeVisible();
  await expect(page.getByTestId("ios-link")).toHaveAttribute("href", /^https:\/\/esimsetup\.apple\.com\/esim_qrcode_provisioning\?carddata=LPA:1\$/);
  await expect(page.getByTestId("android-link")).toHaveAttribute("href", /^https:\/\/esimsetup\.android\.com\/esim_qrcode_provisioning\?carddata=LPA:1\$/);
  await expect(page.getByTestId("activation-code")).not.toBeEmpty();

  // The list shows the same figures.
  await page.goto("/my-esims");
  await expect(page.getByTestId("esim-card").getByRole("meter")).toHaveAttribute("aria-valuenow", String(used));
});

test("a top-up shows the add-on rules, is paid, and waits as a PENDING package", async ({ page }) => {
  const iccid = await ownEsim(page, "topup");
  await page.goto(`/my-esims/${iccid}`);
  await page.getByRole("link", { name: "Top up this eSIM" }).click();
  await expect(page).toHaveURL(new RegExp(`/my-esims/${iccid}/top-up`));
  const rules = page.getByTestId("addon-rules");
  await expect(rules).toContainText("your add-on data will be automatically activated");
  await expect(rules).toContainText("The countdown towards expiry will start when you start using data from the add-on package.");
  await expect(rules).toContainText("You do not need to re-install the eSIM");
  const offer = page.getByTestId("topup-offer").first();
  await offer.getByRole("button", { name: /^Buy for \$/ }).click();
  await expect(page.getByText("TEST MODE — no real payment is taken")).toBeVisible();
  await payWith(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(/\/order\/ord_/);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(async () => {
    if ((await heading.textContent()) !== "Top-up added") await page.reload();
    await expect(heading).toHaveText("Top-up added", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.goto(`/my-esims/${iccid}`);
  const packages = page.getByTestId("package");
  await expect(packages).toHaveCount(2);
  await expect(packages.getByTestId("package-state").filter({ hasText: "PENDING" })).toHaveCount(2);
});

test("the install page opens with no network once visited", async ({ page, context, browserName }, testInfo) => {
  test.skip(testInfo.project.name === "no-js", "a service worker needs JavaScript");
  expect(browserName).toBe("chromium");
  const iccid = await ownEsim(page, "offline");
  await page.goto(`/my-esims/${iccid}`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const code = await page.getByTestId("activation-code").textContent();
  // Visited once under the service worker, the page is kept.
  await page.reload();
  await context.setOffline(true);
  const offline = await page.reload();
  expect(offline?.headers()["x-tern-offline"]).toBe("1");
  await expect(page.getByTestId("install-qr")).toBeVisible();
  await expect(page.getByTestId("activation-code")).toHaveText(code!);
  await expect(page.getByRole("heading", { name: "02 Start your eSIM" })).toBeVisible();
  await context.setOffline(false);
});
