// One journey per provider: route a country to it, buy its 1 GB / 7 days plan as a traveller,
// see the QR, and find the eSIM in that provider's own sandbox. Travellers never see which
// provider served them; the sandbox is how the test knows.
import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { expectEsimReady, payWith, sandboxOf, startOneGigabyteWeek, uniqueEmail } from "./support";

type Provider = "esimfx" | "esimgo" | "truphone" | "fms";

// A country per provider, so journeys running side by side never change each other's routing.
const journeys: { provider: Provider; country: string; slug: string }[] = [
  { provider: "esimfx", country: "DE", slug: "germany" },
  { provider: "esimgo", country: "FR", slug: "france" },
  { provider: "truphone", country: "PT", slug: "portugal" },
  { provider: "fms", country: "TH", slug: "thailand" },
];

async function routeCountry(request: APIRequestContext, country: string, provider: Provider) {
  const response = await request.post("/dev/routing", {
    data: { country, strategy: "fixed", providers: [provider] },
  });
  expect(response.status()).toBe(204);
}

async function buyOneGigabyteWeek(page: Page, slug: string, email: string) {
  await startOneGigabyteWeek(page, slug, email);
  await payWith(page, "4242 4242 4242 4242");
}

async function shownIccid(page: Page): Promise<string> {
  const text = await page.getByText(/^89\d{16,20}$/).first().textContent();
  return (text ?? "").trim();
}

for (const { provider, country, slug } of journeys) {
  test(`a plan served by ${provider} ends with a working QR`, async ({ page, request }) => {
    await routeCountry(request, country, provider);
    await buyOneGigabyteWeek(page, slug, uniqueEmail(`route-${provider}`));
    await expectEsimReady(page);
    const iccid = await shownIccid(page);
    expect(iccid).not.toBe("");
    const sandbox = await sandboxOf(request, provider);
    const esim = await request.get(`${sandbox}/_sandbox/esims/${iccid}`);
    expect(esim.status(), `${provider} issued ${iccid}`).toBe(200);
  });
}

test("an order the network completes after several checks shows its progress live", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name === "no-js", "live updates need JavaScript; without it the page reloads");
  await routeCountry(request, "ES", "truphone");
  const sandbox = await sandboxOf(request, "truphone");
  // The next Truphone order stays ACCEPTED, then FULFILLING, for several polls.
  const slow = await request.post(`${sandbox}/_sandbox/fulfilment`, { data: { after_polls: 4 } });
  expect(slow.ok()).toBeTruthy();
  try {
    await buyOneGigabyteWeek(page, "spain", uniqueEmail("route-slow"));
    const progress = page.getByTestId("order-progress");
    await expect(progress).toContainText(/The network (accepted your order|is preparing your eSIM)/);
    await expect(progress).toContainText(/checked [2-9] times/);
    await expectEsimReady(page);
    await expect(progress).toHaveCount(0);
  } finally {
    await request.post(`${sandbox}/_sandbox/fulfilment`, { data: { after_polls: 2 } });
  }
});
