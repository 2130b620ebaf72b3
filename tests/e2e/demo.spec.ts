import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test as base, expect } from "@playwright/test";
import { seedDemoDataDir, type SeededDemo } from "../helpers/demo";
import { PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";

// The demo as `npm run demo` serves it: the real seed, HANDOFF_DEMO=1, PGlite, and its
// own App Bridge stand-in (no test stub involved).
const test = base.extend<object, { demo: { server: TestServer; seeded: SeededDemo } }>({
  demo: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const seeded = await seedDemoDataDir();
      const server = await startServer({
        demo: true,
        database: "pglite",
        env: { DATA_DIR: seeded.dataDir },
      });
      await provide({ server, seeded });
      await server.stop();
      await seeded.cleanup();
    },
    { scope: "worker", timeout: 180_000 },
  ],
});

const screenshots = join(PROJECT_ROOT, "test-results", "screenshots");

test.beforeEach(async ({ context }) => {
  // Only loopback: the demo must render with no network at all.
  await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/, (route) =>
    route.abort(),
  );
});

test("the demo admin renders the seeded products in Chromium", async ({ page, demo }) => {
  await page.goto(`${demo.server.url}/demo`);
  await expect(page).toHaveURL(/\/app\?/);
  // Home: the setup guide of the seeded shop; its products are one click away.
  await expect(page.getByRole("heading", { name: "Setup guide" })).toBeVisible();
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, "demo-home.png"), fullPage: true });

  await page.getByRole("link", { name: "Digital products" }).first().click();
  await expect(page.getByRole("heading", { name: "Digital products" })).toBeVisible();
  await expect(page.getByText("Photography Basics (ebook)")).toBeVisible();
  await expect(page.getByText("Lumen Presets 2.4")).toBeVisible();
  await expect(page.getByText("Night Photography Masterclass (video course)")).toBeVisible();
  await page.screenshot({ path: join(screenshots, "demo-admin.png"), fullPage: true });
});

test("the seeded download page works on a phone", async ({ browser, demo }) => {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await phone.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/, (route) => route.abort());
  const page = await phone.newPage();
  await page.goto(`${demo.server.url}/d/${demo.seeded.downloadToken}`);
  await expect(page.getByRole("heading", { name: "Your downloads" })).toBeVisible();
  await expect(page.getByText("Photography Basics.pdf")).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({
    path: join(screenshots, "demo-download-page-phone.png"),
    fullPage: true,
  });

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download" }).first().click();
  expect((await download).suggestedFilename()).toBe("Photography Basics.pdf");
  await phone.close();
});
