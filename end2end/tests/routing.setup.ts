// Before every browser test: eSIMfx serves whatever it sells unless a test routes a country
// elsewhere, so the journeys that drive the eSIMfx sandbox (usage, top-ups) meet the provider
// they expect while the other three providers still run and sell what only they offer.
import { expect, test as setup } from "@playwright/test";

setup("route to eSIMfx first by default", async ({ request }) => {
  const response = await request.post("/dev/routing", {
    data: { strategy: "priority", providers: ["esimfx"] },
  });
  expect(response.status()).toBe(204);
});
