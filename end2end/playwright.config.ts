// Drives Tern in Debian's Chromium (/usr/bin/chromium): Playwright's own browser download cannot work offline.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.TERN_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  browserName: "chromium" as const,
  viewport: { width: 390, height: 844 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

/** Journeys that break a provider's sandbox for a while. */
const faultJourneys = /admin-retry\.spec\.ts/;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "setup", testMatch: /routing\.setup\.ts/ },
    { name: "js", use: { ...chromium, javaScriptEnabled: true }, dependencies: ["setup"], testIgnore: faultJourneys },
    { name: "no-js", use: { ...chromium, javaScriptEnabled: false }, dependencies: ["setup"], testIgnore: faultJourneys },
    // Journeys that make a provider fail on purpose run after all the others, so no other purchase meets the fault.
    { name: "js-faults", use: { ...chromium, javaScriptEnabled: true }, dependencies: ["js", "no-js"], testMatch: faultJourneys },
    { name: "no-js-faults", use: { ...chromium, javaScriptEnabled: false }, dependencies: ["js", "no-js"], testMatch: faultJourneys },
  ],
  webServer: {
    // The debug server built by `cargo leptos build`, on a fresh SQLite file, with the in-process sandboxes.
    command: "bash ../scripts/e2e-server",
    // /readyz answers 200 once the first catalogue sync has stored plans.
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { TERN_E2E_PORT: String(port) },
  },
});
