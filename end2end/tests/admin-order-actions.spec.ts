// The admin's order actions: a traveller buys an eSIM, the bootstrapped owner (scripts/e2e-server
// sets TERN_ADMIN_EMAIL and TERN_ADMIN_PASSWORD) finds the order by the traveller's email, refunds
// it through the confirmation step (which shows the amount) and sees it refunding, then refunded.
// Runs with JavaScript on and off.
import { expect, test } from "@playwright/test";
import { adminSignIn, buyEsim, uniqueEmail } from "./support";

test("the owner refunds a traveller's order after confirming the amount", async ({ page }) => {
  const email = uniqueEmail("admin-refund");
  await buyEsim(page, email);
  const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
  expect(orderId).toMatch(/^ord_/);

  await adminSignIn(page);

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }).click();
  await page.getByLabel("Order id, email or ICCID").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  const rows = page.getByTestId("order-row");
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: orderId }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));

  await page.getByRole("link", { name: "Refund", exact: true }).click();
  await expect(page).toHaveURL(/\?confirm=refund$/);
  const amount = page.getByTestId("refund-amount");
  await expect(amount).toHaveText(/^\$\d+\.\d\d$/);
  const shown = (await amount.textContent()) ?? "";
  await page.getByLabel("Reason").fill("Traveller could not install it");
  await page.getByRole("button", { name: `Confirm refund of ${shown}` }).click();

  await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}\\?done=refund$`));
  await expect(page.getByRole("status")).toContainText("The refund has started.");
  await expect(page.locator("dd", { hasText: /^refund(ing|ed)$/ })).toHaveCount(1);
  // The refund job settles it with the Stripe sandbox in a moment: reload until it has.
  await expect(async () => {
    await page.reload();
    await expect(page.locator("dd", { hasText: /^refunded$/ })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const timeline = page.getByTestId("timeline-entry");
  await expect(timeline.filter({ hasText: /Refunded by .+: Traveller could not install it/ })).toHaveCount(1);
  // Nothing is left to refund.
  await expect(page.getByRole("link", { name: "Refund", exact: true })).toHaveCount(0);
});
