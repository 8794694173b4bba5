// Browsing the catalogue as a traveller: search, a country, sorting, a region, a plan, and a missing page.
import { expect, test } from "@playwright/test";

const hasJs = (testInfo: { project: { name: string } }) => testInfo.project.name === "js";

test("search for 'jap' leads to Japan's plans", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Mobile data");
  const search = page.getByRole("searchbox", { name: "Where are you travelling?" });
  await search.fill("jap");
  if (!hasJs(testInfo)) {
    // Without JavaScript the form reloads the page with the results rendered by the server.
    await search.press("Enter");
    await expect(page).toHaveURL(/\?q=jap/);
  }
  const results = page.getByRole("list", { name: "Matching destinations" });
  await expect(results.getByRole("link", { name: /Japan/ })).toBeVisible();
  await results.getByRole("link", { name: /Japan/ }).click();

  await expect(page).toHaveURL(/\/esim\/japan$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Japan eSIM/);
  const plans = page.locator("#local-plans + ul.plan-list > li");
  expect(await plans.count()).toBeGreaterThan(3);
  await expect(plans.first().locator(".plan-price")).toHaveText(/\$\d+\.99/);
  await expect(plans.first()).toContainText("Per GB");
  await expect(plans.first()).toContainText(/[45]G/);
});

test("aliases find countries travellers call by another name", async ({ page }, testInfo) => {
  for (const [typed, country] of [["Holland", "Netherlands"], ["USA", "United States"], ["UK", "United Kingdom"]]) {
    await page.goto("/");
    const search = page.getByRole("searchbox", { name: "Where are you travelling?" });
    await search.fill(typed);
    if (!hasJs(testInfo)) await search.press("Enter");
    await expect(page.getByRole("list", { name: "Matching destinations" }).getByRole("link").first()).toContainText(country);
  }
});

test("an unknown search says so", async ({ page }, testInfo) => {
  await page.goto("/");
  const search = page.getByRole("searchbox", { name: "Where are you travelling?" });
  await search.fill("Atlantis");
  if (!hasJs(testInfo)) await search.press("Enter");
  await expect(page.getByText(/No destination matches “Atlantis”/)).toBeVisible();
});

test("plans sort by the chosen key", async ({ page }) => {
  await page.goto("/esim/japan");
  const prices = async () =>
    (await page.locator("#local-plans + ul.plan-list .plan-price").allTextContents()).map((t) =>
      Number(t.replace(/[^0-9.]/g, "")),
    );
  const byPrice = await prices();
  expect(byPrice).toEqual([...byPrice].sort((a, b) => a - b));

  await page.getByRole("navigation", { name: "Sort plans" }).getByRole("link", { name: "Longest validity" }).click();
  await expect(page).toHaveURL(/sort=validity/);
  await expect(page.getByRole("link", { name: "Longest validity" })).toHaveAttribute("aria-current", "true");
  const validities = (await page.locator("#local-plans + ul.plan-list .plan-validity").allTextContents()).map((t) =>
    parseInt(t, 10),
  );
  expect(validities.length).toBeGreaterThan(3);
  expect(validities).toEqual([...validities].sort((a, b) => b - a));
});

test("a region page lists its plans and the countries they cover", async ({ page }) => {
  await page.goto("/");
  await page.locator("#regions").getByRole("link", { name: /Europe/ }).click();
  await expect(page).toHaveURL(/\/esim\/region\/europe$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Europe eSIM");
  expect(await page.locator("#region-plans + ul.plan-list > li").count()).toBeGreaterThan(2);
  const covered = page.locator("#covered + ul.country-list");
  await expect(covered.getByRole("link", { name: /France/ })).toBeVisible();
  await expect(covered.getByRole("link", { name: /Germany/ })).toBeVisible();
  await covered.getByRole("link", { name: /France/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/France eSIM/);
});

test("a plan page shows coverage, networks, activation policy and top-ups", async ({ page }) => {
  await page.goto("/esim/japan");
  const first = page.locator("#local-plans + ul.plan-list > li").first();
  const title = (await first.locator(".plan-data").textContent())!.trim();
  await first.getByRole("link").click();
  await expect(page).toHaveURL(/\/plan\/japan-/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title);
  await expect(page.getByText(/Activate within 60 days of purchase/)).toBeVisible();
  await expect(page.getByRole("table")).toContainText("Japan");
  await expect(page.getByText(/Top-ups/)).toBeVisible();
  const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').first().textContent())!);
  expect(jsonLd["@type"]).toBe("Product");
  expect(jsonLd.offers.priceCurrency).toBe("USD");
});

test("pages carry a title, a description and a canonical link", async ({ page }) => {
  await page.goto("/esim/japan?sort=data");
  await expect(page).toHaveTitle(/Japan eSIM/);
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /Japan/);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", /\/esim\/japan$/);
});

test("unknown destinations and plans get a 404 page", async ({ page }) => {
  for (const path of ["/esim/atlantis", "/plan/no-such-plan", "/esim/region/narnia", "/nowhere"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");
  }
});
