// The Content-Security-Policy against the real pages: every shopper and admin page, opened with
// JavaScript, hydrates and makes the browser report no violation of the policy.
import { expect, Page, test } from "@playwright/test";
import { adminPages, adminSignIn, buyEsim, signIn, uniqueEmail } from "./support";

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== "js", "the policy governs scripts, so it is checked with JavaScript on");
});

/** Collects every policy violation the browser reports, from the console and as DOM events. */
async function watchPolicy(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/content[- ]security[- ]policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => violations.push(`${page.url()}: ${error.message}`));
  await page.exposeBinding("reportPolicyViolation", (_source, text: string) => {
    violations.push(text);
  });
  // Runs in every document before its own scripts (Playwright's init scripts are not subject to the policy).
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportPolicyViolation: (text: string) => void }).reportPolicyViolation;
      report(`${location.href}: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return violations;
}

/** Opens `path`, waits until the app has hydrated it and the network is quiet, and checks the log. */
async function openLive(page: Page, violations: string[], path: string) {
  const response = await page.goto(path);
  expect(response?.headers()["content-security-policy"], `${path} has a policy`).toContain("'nonce-");
  await expect(page.locator("html"), `${path} hydrates`).toHaveAttribute("data-hydrated", "");
  await page.waitForLoadState("networkidle");
  expect(violations, `no policy violation on ${path}`).toEqual([]);
}

test("every shopper page runs only the shop's own scripts and hydrates", async ({ page }) => {
  test.setTimeout(120_000);
  const violations = await watchPolicy(page);

  await openLive(page, violations, "/");
  // Only a hydrated page lists destinations while the traveller types, without submitting.
  await page.getByRole("searchbox", { name: "Where are you travelling?" }).fill("jap");
  await expect(page.getByRole("list", { name: "Matching destinations" }).getByRole("link", { name: /Japan/ })).toBeVisible();
  expect(page.url()).not.toContain("q=jap");

  for (const path of ["/esim/japan", "/esim/region/europe", "/my-esims", "/no-such-page"]) {
    await openLive(page, violations, path);
  }
  await openLive(page, violations, "/esim/japan");
  const planHref = await page.locator("#local-plans + ul.plan-list > li").first().getByRole("link").getAttribute("href");
  expect(planHref).toMatch(/^\/plan\//);
  await openLive(page, violations, planHref!);

  // A hydrated sign-in form answers in place; without hydration it posts and the address changes.
  await openLive(page, violations, "/sign-in");
  await page.getByLabel("Your email").fill(uniqueEmail("csp-form"));
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Check your inbox:")).toBeVisible();
  expect(new URL(page.url()).search).not.toContain("sent=");

  const email = uniqueEmail("csp");
  await buyEsim(page, email);
  const orderPage = new URL(page.url());
  await openLive(page, violations, orderPage.pathname + orderPage.search);

  // Also reads /dev/outbox, whose emails are shown in frames under its own policy.
  await signIn(page, email);
  expect(violations, "no policy violation on /dev/outbox").toEqual([]);
  await openLive(page, violations, "/my-esims");
  const href = await page.getByTestId("esim-card").getByRole("link").first().getAttribute("href");
  expect(href).toMatch(/^\/my-esims\/\d+$/);
  for (const path of [href!, `${href}/top-up`, "/sign-in?next=javascript:alert(document.domain)"]) {
    await openLive(page, violations, path);
  }
  await expect(page.getByRole("link", { name: "Go to My eSIMs" })).toHaveAttribute("href", "/my-esims");

  // Pages reached by the app's own navigation are built in the browser, under the same policy.
  await openLive(page, violations, "/my-esims");
  await page.getByTestId("esim-card").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/my-esims\/\d+$/);
  await expect(page.getByTestId("install-qr")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(violations, "no policy violation after navigating in the app").toEqual([]);
});

test("every admin page runs only the shop's own scripts and hydrates", async ({ page }) => {
  test.setTimeout(120_000);
  const violations = await watchPolicy(page);
  const email = uniqueEmail("csp-admin");
  await buyEsim(page, email);
  const orderId = /\/order\/(ord_[^/?]+)/.exec(page.url())?.[1];
  expect(orderId).toBeTruthy();

  await openLive(page, violations, "/admin/sign-in");
  await adminSignIn(page);
  expect(violations, "no policy violation while signing in").toEqual([]);
  for (const path of adminPages(orderId ?? "", email)) {
    await openLive(page, violations, path);
  }
  // The order is the admin's to see: proof the pages above were the signed-in ones.
  await openLive(page, violations, `/admin/orders/${orderId}`);
  await expect(page.getByText(email).first()).toBeVisible();
});
