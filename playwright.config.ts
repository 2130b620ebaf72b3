import { defineConfig } from "@playwright/test";
import { CHROME_USER_AGENT, CHROMIUM_ARGS, CHROMIUM_PATH } from "./tests/helpers/browser";

/**
 * End-to-end tests of the embedded admin against the built server (started per worker
 * by tests/e2e/fixtures.ts). Debian's Chromium, never a downloaded one; one worker,
 * because each worker boots its own server and the machine has 2 cores.
 */
export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: "chromium",
    headless: true,
    userAgent: CHROME_USER_AGENT,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    serviceWorkers: "block",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
