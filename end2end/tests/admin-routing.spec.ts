// The routing page of the admin panel: the owner sees each provider's health and the offers it
// serves, fixes a country to a provider through the form (a mistake is refused with the reason and
// what was typed kept), sees the rule listed, then removes it. Runs with JavaScript on and off;
// each run uses a country no other journey routes, and the default rule set before every browser
// test (routing.setup.ts) is left alone.
import { expect, test } from "@playwright/test";
import { adminSignIn } from "./support";

test("the owner fixes a country to a provider, then removes the rule", async ({ page }, testInfo) => {
  // The JS and no-JS runs share one server and may run side by side.
  const country = testInfo.project.name === "js" ? { name: "Croatia", code: "HR" } : { name: "Czechia", code: "CZ" };
  const label = `${country.name} (${country.code})`;
  await adminSignIn(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Routing" }).click();
  await expect(page).toHaveURL(/\/admin\/routing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Routing" })).toBeVisible();

  // Every provider the e2e server runs, with its health and the offers it serves.
  const providers = page.getByTestId("routing-provider");
  await expect(providers).toHaveCount(4);
  await expect(providers.filter({ hasText: "esimfx" })).toContainText(/Healthy|Unhealthy/);
  await expect(page.getByTestId("routing-default")).toContainText("priority esimfx (the default rule)");
  const rules = page.getByTestId("routing-rule");
  const defaultRule = rules.filter({ hasText: "Everything (default)" });
  await expect(defaultRule).toHaveCount(1);
  const rule = rules.filter({ hasText: label });
  await expect(rule).toHaveCount(0);

  // A fixed rule with a provider named twice is refused, and what was typed stays.
  await page.getByLabel("Applies to").selectOption("country");
  await page.getByLabel("Country", { exact: true }).selectOption(country.code);
  await page.getByLabel("Strategy").selectOption("priority");
  await page.getByLabel("Providers in order").fill("esimgo, esimgo");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByRole("alert")).toHaveText("esimgo is named twice; name each provider once.");
  await expect(page.getByLabel("Providers in order")).toHaveValue("esimgo, esimgo");
  await expect(page.getByLabel("Country", { exact: true })).toHaveValue(country.code);
  await expect(rule).toHaveCount(0);

  await page.getByLabel("Applies to").selectOption("country");
  await page.getByLabel("Country", { exact: true }).selectOption(country.code);
  await page.getByLabel("Strategy").selectOption("fixed");
  await page.getByLabel("Provider", { exact: true }).selectOption("esimgo");
  await page.getByLabel("Providers in order").fill("");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page).toHaveURL(/\/admin\/routing\?saved=/);
  await expect(page.getByRole("status")).toHaveText(`Rule saved: ${label}: fixed to esimgo.`);
  await expect(rule).toHaveCount(1);
  await expect(rule).toContainText("fixed to esimgo");

  await rule.getByRole("button", { name: `Remove the rule for ${label}` }).click();
  await expect(page).toHaveURL(/\/admin\/routing\?removed=/);
  await expect(page.getByRole("status")).toHaveText(`Rule removed: ${label}: fixed to esimgo.`);
  await expect(rule).toHaveCount(0);
  // The default rule other journeys rely on is untouched.
  await expect(defaultRule).toHaveCount(1);
  await expect(defaultRule).toContainText("priority esimfx");
});
