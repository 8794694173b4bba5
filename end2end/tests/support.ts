// Journeys shared by the browser tests: buying through the Stripe sandbox's test checkout, signing
// in with the link from the development outbox, and driving the eSIMfx sandbox.
import { APIRequestContext, expect, Page, test } from "@playwright/test";

export async function openFirstJapanPlan(page: Page) {
  await page.goto("/esim/japan");
  await page.locator("#local-plans + ul.plan-list > li").first().getByRole("link").click();
  await expect(page).toHaveURL(/\/plan\/japan-/);
}

export async function startCheckout(page: Page, email: string) {
  await openFirstJapanPlan(page);
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: /^Buy for \$/ }).click();
  await expect(page.getByText("TEST MODE — no real payment is taken")).toBeVisible();
}

export async function payWith(page: Page, card: string) {
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Sarah Traveller");
  await page.getByRole("button", { name: /^Pay / }).click();
}

export async function expectEsimReady(page: Page) {
  await expect(page).toHaveURL(/\/order\/ord_/);
  const heading = page.getByRole("heading", { level: 1 });
  // With JavaScript the page updates itself; without it the page refreshes, so reload until it settles.
  await expect(async () => {
    if ((await heading.textContent()) !== "Your eSIM is ready") await page.reload();
    await expect(heading).toHaveText("Your eSIM is ready", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("img", { name: "QR code to install your eSIM" })).toBeVisible();
  await expect(page.getByText("SM-DP+ address")).toBeVisible();
  await expect(page.getByRole("link", { name: /Install on iPhone/ })).toHaveAttribute("href", /carddata=LPA:1\$/);
  await expect(page.getByText("This eSIM can only be installed once. Do not remove it from your phone.")).toBeVisible();
}

/// An address no other test uses, so each journey finds its own email in the shared outbox.
export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Buys the first Japan plan as `email` and waits for the QR. */
export async function buyEsim(page: Page, email: string) {
  await startCheckout(page, email);
  await payWith(page, "4242 4242 4242 4242");
  await expectEsimReady(page);
}

/** Asks for a sign-in link through the form and returns it from the development outbox. */
export async function emailedSignInLink(page: Page, email: string, next = "/my-esims"): Promise<string> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Check your inbox:")).toBeVisible();
  let link = "";
  await expect(async () => {
    await page.goto("/dev/outbox");
    const text = await page
      .locator("article", { hasText: email })
      .filter({ hasText: "sign_in_link" })
      .first()
      .locator("pre")
      .textContent({ timeout: 1_000 });
    link = /https?:\/\/\S+\/auth\/verify\?token=\w+/.exec(text ?? "")?.[0] ?? "";
    expect(link).not.toBe("");
  }).toPass({ timeout: 15_000 });
  return link;
}

/** Signs in through the form, the link emailed to the development outbox, and its confirm button. */
export async function signIn(page: Page, email: string, next = "/my-esims") {
  const link = await emailedSignInLink(page, email, next);
  // Opening the link only asks; the button signs in.
  await page.goto(link);
  await expect(page.getByTestId("sign-in-as")).toHaveText(`${email[0]}…@example.com`);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await page.getByRole("button", { name: "Yes, sign me in" }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, "\\$&")}$`));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Where the in-process eSIMfx sandbox listens. */
export async function esimfxSandbox(request: APIRequestContext): Promise<string> {
  const response = await request.get("/dev/sandboxes");
  expect(response.ok()).toBeTruthy();
  return (await response.json()).esimfx;
}

/** Plays the traveller's phone: install the profile, reach a network abroad, use `bytes` of data. */
export async function useData(request: APIRequestContext, iccid: string, bytes: number) {
  const sandbox = await esimfxSandbox(request);
  for (const step of ["install", "connect"]) {
    expect((await request.post(`${sandbox}/_sandbox/esims/${iccid}/${step}`, { data: {} })).ok()).toBeTruthy();
  }
  expect((await request.post(`${sandbox}/_sandbox/esims/${iccid}/consume`, { data: { bytes } })).ok()).toBeTruthy();
}

/** The eSIM as the sandbox sees it: status and each subscription's usage. */
export async function sandboxEsim(request: APIRequestContext, iccid: string) {
  const sandbox = await esimfxSandbox(request);
  return (await request.get(`${sandbox}/_sandbox/esims/${iccid}`)).json();
}

/** The owner scripts/e2e-server creates at start-up (TERN_ADMIN_EMAIL, TERN_ADMIN_PASSWORD). */
export const OWNER_EMAIL = "owner@tern.test";
export const OWNER_PASSWORD = "e2e owner password";

/**
 * Opens the admin page `at` as a visitor, signs in through the form shown in its place, and waits
 * for that same page as only a signed-in admin sees it: the sign-out button and their name in the
 * header, and no sign-in form left on screen.
 */
export async function adminSignIn(page: Page, email = OWNER_EMAIL, password = OWNER_PASSWORD, at = "/admin") {
  await page.goto(at);
  // With JavaScript, sign in once hydrated: the in-place path is the one under test.
  if (test.info().project.use.javaScriptEnabled !== false) {
    await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  }
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expectSignedInAt(page, at);
}

/** The admin page `at` shown to a signed-in admin, with no sign-in form left on it. */
/** Every admin page, the order and customer pages being those of one purchase. */
export function adminPages(orderId: string, customerEmail: string): string[] {
  return [
    "/admin",
    "/admin/orders",
    `/admin/orders/${orderId}`,
    "/admin/customers",
    `/admin/customers/${encodeURIComponent(customerEmail)}`,
    "/admin/catalogue",
    "/admin/catalogue/JP",
    "/admin/prices",
    "/admin/routing",
    "/admin/audit",
    "/admin/team",
  ];
}

export async function expectSignedInAt(page: Page, at: string) {
  await expect(page).toHaveURL(new RegExp(`${at.replace(/[/?]/g, "\\$&")}$`));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.getByTestId("admin-name")).toBeVisible();
  await expect(page.locator("#admin-password")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toHaveCount(0);
}

/** On the team page, as an owner: adds a support account. */
export async function addSupportAccount(page: Page, email: string, name: string, password: string) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create support account" }).click();
  await expect(page.getByText(`Support account created for ${email}.`)).toBeVisible();
}

/** Where the in-process sandbox of `provider` listens (`/dev/sandboxes`). */
export async function sandboxOf(request: APIRequestContext, provider: string): Promise<string> {
  const response = await request.get("/dev/sandboxes");
  expect(response.ok()).toBeTruthy();
  return (await response.json())[provider];
}

/** Opens the country's 1 GB / 7 days plan and starts paying for it as `email`. */
export async function startOneGigabyteWeek(page: Page, slug: string, email: string) {
  await page.goto(`/esim/${slug}`);
  const plan = page
    .locator("#local-plans + ul.plan-list > li")
    .filter({ has: page.locator(".plan-data", { hasText: /^1 GB$/ }) })
    .filter({ has: page.locator(".plan-validity", { hasText: /^7 days$/ }) })
    .first();
  await plan.getByRole("link").click();
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: /^Buy for \$/ }).click();
  await expect(page.getByText("TEST MODE — no real payment is taken")).toBeVisible();
}
