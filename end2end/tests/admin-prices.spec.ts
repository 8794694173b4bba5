// Prices in the admin panel: the owner finds a country in the catalogue, previews a new margin for
// it (live as it is typed with JavaScript, through the Preview button without), saves it, and the
// traveller's country page shows the previewed price; removing the margin brings the old price
// back. A support account is refused the same change. Runs with JavaScript on and off; each run
// changes its own country, as the runs share one shop.
import { expect, Page, test } from "@playwright/test";
import { addSupportAccount, adminSignIn, uniqueEmail } from "./support";

function countryFor(project: string) {
  return project === "js"
    ? { name: "Italy", code: "IT", slug: "italy" }
    : { name: "Greece", code: "GR", slug: "greece" };
}

/** The first local plan on the traveller's country page: "1 GB · 7 days" and its price. */
async function firstPlan(page: Page, slug: string) {
  await page.goto(`/esim/${slug}`);
  const card = page.locator("#local-plans + ul.plan-list > li").first();
  const data = (await card.locator(".plan-data").textContent())?.trim() ?? "";
  const validity = (await card.locator(".plan-validity").textContent())?.trim() ?? "";
  return { title: `${data} · ${validity}`, card };
}

async function priceOf(page: Page, slug: string, title: string): Promise<string> {
  await page.goto(`/esim/${slug}`);
  const [data, validity] = title.split(" · ");
  const card = page
    .locator("#local-plans + ul.plan-list > li")
    .filter({ has: page.locator(".plan-data", { hasText: new RegExp(`^${data}$`) }) })
    .filter({ has: page.locator(".plan-validity", { hasText: new RegExp(`^${validity}$`) }) })
    .first();
  const text = (await card.locator(".plan-price").textContent()) ?? "";
  return text.match(/\$\d+\.\d\d/)?.[0] ?? text;
}

test("the owner previews a country's margin, saves it and travellers pay the new price", async ({ page }, info) => {
  const country = countryFor(info.project.name);
  const { title } = await firstPlan(page, country.slug);
  const before = await priceOf(page, country.slug, title);
  expect(before).toMatch(/^\$\d+\.\d\d$/);

  await adminSignIn(page);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Catalogue" }).click();
  await page.getByLabel("Country name or code").fill(country.name);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByTestId("catalogue-country").getByRole("link", { name: country.name }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/catalogue/${country.code}$`));
  await expect(page.getByTestId("country-on-sale")).toHaveText("Yes");
  await page.getByRole("link", { name: "Change the country's margin" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/prices\\?scope=country&value=${country.code}$`));
  await expect(page.getByRole("heading", { name: `Margin for ${country.name} (${country.code})` })).toBeVisible();

  await page.getByLabel("Margin (%)").fill("150");
  // The admin panel is server HTML (none of its code reaches a traveller): a preview is a page.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page).toHaveURL(/margin=150/);
  const row = page.getByTestId("price-preview").filter({ hasText: `${country.name} · ${title}` }).filter({ hasNotText: "(not shown)" });
  await expect(row).toHaveCount(1);
  const preview = row.getByTestId("preview-price");
  await expect(preview).toHaveText(/^\$\d+\.\d\d$/);
  const previewed = (await preview.textContent()) ?? "";
  expect(Number(previewed.slice(1))).toBeGreaterThan(Number(before.slice(1)));

  await page.getByRole("button", { name: "Save margin" }).click();
  await expect(page.getByRole("status")).toContainText(/Margin saved\. \d+ prices changed\./);
  await expect(page.getByText("Set here: 150 %.")).toBeVisible();
  await expect(page.getByTestId("margin-row").filter({ hasText: `${country.name} (${country.code})` })).toContainText("150 %");

  expect(await priceOf(page, country.slug, title)).toBe(previewed);

  await page.goto(`/admin/prices?scope=country&value=${country.code}`);
  await page.getByRole("button", { name: "Remove this margin" }).click();
  await expect(page.getByRole("status")).toContainText("Margin removed.");
  expect(await priceOf(page, country.slug, title)).toBe(before);
});

test("a support account cannot change a margin", async ({ page }) => {
  // A country no journey sets a margin for, so "not set here" holds whatever runs alongside.
  const country = { name: "Canada", code: "CA" };
  await adminSignIn(page);
  await page.goto("/admin/team");
  const email = uniqueEmail("support-prices");
  const password = "support password 123";
  await addSupportAccount(page, email, "Pat Support", password);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/signed_out=1$/);

  await adminSignIn(page, email, password);
  await page.goto(`/admin/prices?scope=country&value=${country.code}`);
  await expect(page.getByRole("heading", { name: `Margin for ${country.name} (${country.code})` })).toBeVisible();
  await page.getByLabel("Margin (%)").fill("99");
  await page.getByRole("button", { name: "Save margin" }).click();
  await expect(page.getByRole("alert")).toHaveText("Only an owner can do this.");
  await page.goto(`/admin/prices?scope=country&value=${country.code}`);
  await expect(page.getByText(/^Not set here:/)).toBeVisible();
  await expect(page.getByTestId("margin-row").filter({ hasText: `${country.name} (${country.code})` })).toHaveCount(0);
});
