// The admin panel: the owner (created at start-up by scripts/e2e-server from TERN_ADMIN_EMAIL and
// TERN_ADMIN_PASSWORD) signs in, reads the dashboard, adds a support account and signs out; the
// support admin can sign in but is refused when adding an account. Runs with JavaScript on and off.
import { expect, test } from "@playwright/test";
import { adminSignIn, uniqueEmail } from "./support";

test("an admin page asks a visitor to sign in", async ({ page }) => {
  await page.goto("/admin/team");
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  await expect(page.getByLabel("Password")).toBeVisible();
  await expect(page.getByText("Create support account")).toHaveCount(0);
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
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Sam Support");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create support account" }).click();
  await expect(page.getByText(`Support account created for ${email}.`)).toBeVisible();
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
  await page.getByLabel("Email").fill(uniqueEmail("not-created"));
  await page.getByLabel("Name").fill("Not Created");
  await page.getByLabel("Password").fill("another password 123");
  await page.getByRole("button", { name: "Create support account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Only an owner can do this.");
  await expect(page.getByTestId("team-member").filter({ hasText: "Not Created" })).toHaveCount(0);
});
