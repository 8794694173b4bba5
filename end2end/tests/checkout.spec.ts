// Buying an eSIM as a traveller: plan page → the Stripe sandbox's test checkout → the order page with the QR.
import { expect, test } from "@playwright/test";
import { expectEsimReady, openFirstJapanPlan, payWith, startCheckout } from "./support";

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
