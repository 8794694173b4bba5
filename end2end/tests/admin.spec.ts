// The admin panel: the owner (created at start-up by scripts/e2e-server from TERN_ADMIN_EMAIL and
// TERN_ADMIN_PASSWORD) signs in from any admin page and lands on it signed in, reads the
// dashboard, adds a support account and signs out; the support admin can sign in but is refused
// when adding an account. The owner disables, enables and resets a support account while it is
// signed in elsewhere. Every admin page fits a phone. Runs with JavaScript on and off.
import { Browser, expect, test } from "@playwright/test";
import {
  addSupportAccount,
  adminPages,
  adminSignIn,
  buyEsim,
  expectSignedInAt,
  OWNER_EMAIL,
  OWNER_PASSWORD,
  uniqueEmail,
} from "./support";

test("an admin page asks a visitor to sign in", async ({ page }) => {
  await page.goto("/admin/team");
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  await expect(page.getByLabel("Password")).toBeVisible();
  await expect(page.getByText("Create support account")).toHaveCount(0);
});

test("signing in on a deep admin page lands on that page, signed in", async ({ page }) => {
  await adminSignIn(page, OWNER_EMAIL, OWNER_PASSWORD, "/admin/orders");
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await expect(page.getByLabel("Order id, email or ICCID")).toBeVisible();
});

test("the sign-in page leads to the dashboard", async ({ page }) => {
  await page.goto("/admin/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(OWNER_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(OWNER_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expectSignedInAt(page, "/admin");
  await expect(page.getByTestId("sales-today")).toContainText(/\d+ orders?/);
});

test("the owner adds a support account, who is refused the same", async ({ page }) => {
  await adminSignIn(page);
  await expect(page.getByTestId("admin-name")).toHaveText("Owner");
  await expect(page.getByTestId("sales-today")).toContainText(/\d+ orders?/);
  const providers = page.getByTestId("provider-row");
  for (const provider of ["esimfx", "esimgo", "truphone", "fms"]) {
    await expect(providers.filter({ hasText: provider })).toHaveCount(1);
  }

  await page.getByRole("link", { name: "Team" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Team" })).toBeVisible();
  const email = uniqueEmail("support");
  const password = "support password 123";
  await addSupportAccount(page, email, "Sam Support", password);
  await expect(page.getByTestId("team-member").filter({ hasText: email })).toContainText("Support");

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-line").filter({ hasText: email })).toContainText("created_admin");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in\?signed_out=1$/);
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();

  await adminSignIn(page, email, password);
  await expect(page.getByTestId("admin-name")).toHaveText("Sam Support");
  await page.goto("/admin/team");
  await expect(page.getByRole("button", { name: "End sessions" })).toHaveCount(0);
  await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("not-created"));
  await page.getByLabel("Name", { exact: true }).fill("Not Created");
  await page.getByLabel("Password", { exact: true }).fill("another password 123");
  await page.getByRole("button", { name: "Create support account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Only an owner can do this.");
  await expect(page.getByTestId("team-member").filter({ hasText: "Not Created" })).toHaveCount(0);
});

/** A second browser, as the project's (same JavaScript setting and phone size). */
async function otherBrowser(browser: Browser) {
  const use = test.info().project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL,
    javaScriptEnabled: use.javaScriptEnabled,
    viewport: use.viewport,
  });
  return { context, page: await context.newPage() };
}

test("the owner disables, enables and resets a support account signed in elsewhere", async ({ page, browser }) => {
  // Two browsers and a dozen steps: longer than one page's journey.
  test.setTimeout(90_000);
  const email = uniqueEmail("managed");
  const name = `Kim ${Date.now()}`;
  const password = "kim's first password";
  await adminSignIn(page, OWNER_EMAIL, OWNER_PASSWORD, "/admin/team");
  await addSupportAccount(page, email, name, password);

  const kim = await otherBrowser(browser);
  await adminSignIn(kim.page, email, password, "/admin/orders");

  const row = () => page.getByTestId("team-member").filter({ hasText: email });
  await row().getByRole("button", { name: `Disable ${name}` }).click();
  await expect(page.getByRole("status")).toContainText(`${name} <${email}> is disabled`);
  await expect(row().getByTestId("team-member-status")).toHaveText("Disabled");
  await kim.page.reload();
  await expect(kim.page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();

  await row().getByRole("button", { name: `Enable ${name}` }).click();
  await expect(row().getByTestId("team-member-status")).toHaveText("Active");
  await row().getByText("Reset password").click();
  await row().getByRole("button", { name: `Set a new password for ${name}` }).click();
  const shown = page.getByTestId("new-password");
  await expect(shown).toContainText("shown only this once");
  const generated = (await shown.locator("code").textContent()) ?? "";
  expect(generated.length).toBeGreaterThanOrEqual(12);
  await page.reload();
  await expect(page.getByTestId("new-password")).toHaveCount(0);

  await adminSignIn(kim.page, email, generated, "/admin/orders");
  await expect(kim.page.getByTestId("admin-name")).toHaveText(name);
  await kim.context.close();

  await page.getByRole("link", { name: "Audit log" }).click();
  const lines = page.getByTestId("audit-line");
  for (const action of ["disabled_admin", "enabled_admin", "reset_password"]) {
    await expect(lines.filter({ hasText: action }).filter({ hasText: email }).first()).toBeVisible();
  }
});

test.describe("on a 390 px phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("no admin page is wider than the screen", async ({ page }) => {
    // A purchase, then every admin page in turn.
    test.setTimeout(90_000);
    const email = uniqueEmail("admin-phone");
    await buyEsim(page, email);
    const orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await adminSignIn(page);
    for (const path of adminPages(orderId, email)) {
      await page.goto(path);
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
    }
  });
});
