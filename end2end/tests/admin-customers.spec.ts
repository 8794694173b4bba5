// The admin's customers: a traveller buys an eSIM, the bootstrapped owner opens Customers from the
// nav, finds the traveller by part of their email, opens them, sees the eSIM (by its ICCID) and the
// order, and follows the order to its own page. Runs with JavaScript on and off.
import { expect, test } from "@playwright/test";
import { adminSignIn, buyEsim, uniqueEmail } from "./support";

test("the owner finds a traveller and follows their order", async ({ page }) => {
  const email = uniqueEmail("admin-customers");
  await buyEsim(page, email);
  const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
  expect(orderId).toMatch(/^ord_/);
  const iccid = ((await page.locator('dt:text-is("ICCID") + dd code').textContent()) ?? "").trim();
  expect(iccid).toMatch(/^\d{18,22}$/);

  await page.goto("/admin/customers");
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  await adminSignIn(page);

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Customers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  // Part of the address, in another case: the unique middle of it.
  const part = email.split("@")[0].slice("admin-customers-".length).toUpperCase();
  await page.getByLabel("Email, ICCID or order id").fill(part);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/admin\/customers\?q=/);
  const rows = page.getByTestId("customer-row");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(email);

  await rows.getByRole("link", { name: email }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/customers/${encodeURIComponent(email)}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(email);
  const esim = page.getByTestId("customer-esim");
  await expect(esim).toHaveCount(1);
  await expect(esim.getByTestId("customer-esim-iccid")).toHaveText(iccid);
  await expect(esim.getByTestId("customer-package").first()).toBeVisible();
  const order = page.getByTestId("customer-order");
  await expect(order).toHaveCount(1);
  await expect(order).toContainText("ready");

  await order.getByRole("link", { name: orderId }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(orderId);
  await expect(page.getByRole("link", { name: email })).toHaveAttribute(
    "href",
    `/admin/customers/${encodeURIComponent(email)}`,
  );
});
