// Buying an eSIM as a traveller: plan page → the Stripe sandbox's test checkout → the order page with the QR.
import { expect, Page, test } from "@playwright/test";

async function openFirstJapanPlan(page: Page) {
  await page.goto("/esim/japan");
  await page.locator("#local-plans + ul.plan-list > li").first().getByRole("link").click();
  await expect(page).toHaveURL(/\/plan\/japan-/);
}

async function startCheckout(page: Page, email: string) {
  await openFirstJapanPlan(page);
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: /^Buy for \$/ }).click();
  await expect(page.getByText("TEST MODE — no real payment is taken")).toBeVisible();
}

async function payWith(page: Page, card: string) {
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Sarah Traveller");
  await page.getByRole("button", { name: /^Pay / }).click();
}

async function expectEsimReady(page: Page) {
  await expect(page).toHaveURL(/\/order\/ord_/);
  const heading = page.getByRole("heading", { level: 1 });
  // With JavaScript the page updates itself; without it the page refreshes, so reload until it settles.
  await expect(async () => {
    if ((await heading.textContent()) !== "Your eSIM is ready") await page.reload();
    await expect(heading).toHaveText("Your eSIM is ready", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: "QR code to install your eSIM" })).toBeVisible();
  await expect(page.getByText("SM-DP+ address")).toBeVisible();
  await expect(page.getByRole("link", { name: /Install on iPhone/ })).toHaveAttribute("href", /carddata=LPA:1\$/);
  await expect(page.getByText("This eSIM can only be installed once. Do not remove it from your phone.")).toBeVisible();
}

test("buying with 4242 ends with the eSIM's QR code", async ({ page }) => {
  await startCheckout(page, "sarah@example.com");
  await payWith(page, "4242 4242 4242 4242");
  await expectEsimReady(page);
});

test("a declined card says so and stays on the payment page", async ({ page }) => {
  await startCheckout(page, "sarah@example.com");
  await payWith(page, "4000 0000 0000 0002");
  await expect(page.getByText("Your card was declined.")).toBeVisible();
  await expect(page.getByText("TEST MODE — no real payment is taken")).toBeVisible();
});

test("a cancelled checkout returns to the plan without charge", async ({ page }) => {
  await startCheckout(page, "sarah@example.com");
  await page.getByRole("link", { name: /Cancel and return/ }).click();
  await expect(page).toHaveURL(/\/plan\/japan-.*cancelled=1/);
  await expect(page.getByText("Checkout cancelled. You were not charged.")).toBeVisible();
});

test("the 3155 card asks for an extra confirmation step", async ({ page }) => {
  await startCheckout(page, "sarah@example.com");
  await payWith(page, "4000 0025 0000 3155");
  await expect(page.getByRole("heading", { name: "Authenticate your payment" })).toBeVisible();
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await expectEsimReady(page);
});

test("a mistyped email is explained and kept", async ({ page }) => {
  await openFirstJapanPlan(page);
  await page.getByLabel("Your email").fill("sarah@example");
  await page.getByRole("button", { name: /^Buy for \$/ }).click();
  // Hydrated, the server function answers in place; before hydration (or without JavaScript) the
  // form posts to /checkout and the page comes back with the message. Both keep what was typed.
  await expect(page.getByRole("alert")).toHaveText(/doesn't look like an email address|Please enter a valid email address/);
  await expect(page.getByLabel("Your email")).toHaveValue("sarah@example");
});
