// The admin's orders: a traveller buys an eSIM, the bootstrapped owner (scripts/e2e-server sets
// TERN_ADMIN_EMAIL and TERN_ADMIN_PASSWORD) finds the order by the traveller's email on
// /admin/orders, opens it and reads its timeline. Runs with JavaScript on and off.
import { expect, test } from "@playwright/test";
import { adminSignIn, buyEsim, uniqueEmail } from "./support";

test("the owner finds a traveller's order by email and reads its timeline", async ({ page }) => {
  const email = uniqueEmail("admin-orders");
  await buyEsim(page, email);
  const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
  expect(orderId).toMatch(/^ord_/);

  await page.goto("/admin/orders");
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  await adminSignIn(page);

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await page.getByLabel("Order id, email or ICCID").fill(email.toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/admin\/orders\?q=/);
  const rows = page.getByTestId("order-row");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(email);
  await expect(rows).toContainText("ready");

  await rows.getByRole("link", { name: orderId }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(orderId);
  const timeline = page.getByTestId("timeline-entry");
  await expect(timeline.filter({ hasText: "eSIM ready" })).toHaveCount(1);
  await expect(timeline.filter({ hasText: /Routing: \w+ serves/ }).first()).toBeVisible();
  await expect(timeline.filter({ hasText: "delivered eSIM" })).toHaveCount(1);
  // The delivery email is written by a job just after the order is ready: reload until it is listed.
  const delivery = page.getByTestId("email-row").filter({ hasText: "esim_delivery" });
  await expect(async () => {
    if ((await delivery.count()) === 0) await page.reload();
    await expect(delivery).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});
