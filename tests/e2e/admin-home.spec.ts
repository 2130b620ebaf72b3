import { eq } from "drizzle-orm";
import { downloadEvents, shops } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";
import { apiClient, createApiToken } from "../helpers/api-factories";
import { createDigitalProduct, createOrder, createStoredFile } from "../helpers/factories";

const DAY = 86_400_000;
/** The `[start, end)` window Home uses for "last N days": whole UTC days ending today. */
function lastDays(days: number, now = new Date()) {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return { start: new Date(end - days * DAY).toISOString(), end: new Date(end).toISOString() };
}

test("Home: a new shop sees the setup guide at 0 of 4 and an empty download chart", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
}) => {
  const shop = await adminShop();
  await page.goto(await adminUrl(shop.domain, "/app"));
  await expect(page.getByRole("heading", { name: "Setup guide" })).toBeVisible();
  await expect(page.getByText("0 of 4 steps done")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add a product" })).toHaveAttribute(
    "href",
    /\/app\/products/,
  );
  await expect(page.getByText("No downloads in this period")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-home-empty");
});

test("Home: checklist follows real data; statistics match GET downloads/stats for each period", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "Stats Shop" });
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "atlas.pdf" });
  const other = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "notes.zip" });
  const product = await createDigitalProduct(db, shop, { name: "Atlas" }, [file, other]);
  const { order } = await createOrder(db, shop, { products: [product] });
  const { token } = await createApiToken(db, shop, "stats reader");

  const now = Date.now();
  const ago = (days: number, hours = 0) => new Date(now - days * DAY - hours * 3_600_000);
  const event = (createdAt: Date, fileId: string, bytesSent: number, isRedownload = false) => ({
    shopId: shop.id,
    orderId: order.id,
    fileId,
    bytesSent,
    isRedownload,
    createdAt,
  });
  await db
    .insert(downloadEvents)
    .values([
      event(ago(1), file.id, 2_000_000),
      event(ago(1, 1), file.id, 2_000_000, true),
      event(ago(1, 2), other.id, 500_000),
      event(ago(3), file.id, 2_000_000, true),
      event(ago(20), other.id, 500_000),
      event(ago(60), file.id, 2_000_000),
    ]);

  await page.goto(await adminUrl(shop.domain, "/app"));
  // Product, order and API token exist; branding does not.
  await expect(page.getByText("3 of 4 steps done")).toBeVisible();
  await expect(page.getByRole("link", { name: "Set up branding" })).toBeVisible();

  const api = apiClient(server.url, token);
  const metric = (label: string) => page.locator(`[data-metric="${label}"]`);
  for (const days of [30, 7, 90] as const) {
    if (days !== 30) await page.getByLabel("Period").selectOption(String(days));
    const window = lastDays(days);
    const stats = await api("GET", `/downloads/stats?start=${window.start}&end=${window.end}`);
    expect(stats.status).toBe(200);
    const numbers = stats.body.data;
    await expect(metric("Downloads")).toContainText(String(numbers.total_downloads));
    await expect(metric("First downloads")).toContainText(String(numbers.counted_downloads));
    await expect(metric("Re-downloads")).toContainText(
      String(numbers.total_downloads - numbers.counted_downloads),
    );
    // The chart's screen-reader table has one row per day, adding up to the API's total.
    const rows = page.locator("table caption", { hasText: "Downloads per day" }).locator("..");
    await expect(rows.locator("tbody tr")).toHaveCount(days);
    const perDay = await rows
      .locator("tbody tr td:nth-child(2)")
      .allTextContents()
      .then((cells) => cells.reduce((sum, c) => sum + Number(c), 0));
    expect(perDay).toBe(numbers.total_downloads);
    if (days === 7) {
      expect(numbers.total_downloads).toBe(4);
      expect(numbers.counted_downloads).toBe(2);
      await expect(metric("Bandwidth")).toContainText("6.2 MB");
      await expect(page.getByRole("row", { name: "atlas.pdf 3 5.7 MB" })).toBeVisible();
      await expect(page.getByRole("img", { name: /Downloads per day/ })).toBeVisible();
      await expectNoSeriousA11yViolations(page);
      await saveScreenshot("admin-home-stats-7-days");
    }
    if (days === 90) expect(numbers.total_downloads).toBe(6);
  }

  // A custom range that runs backwards is explained, not a failure.
  await page.getByLabel("Period").selectOption("custom");
  await page.getByRole("textbox", { name: "From" }).fill("2026-02-10");
  await page.getByRole("textbox", { name: "To", exact: true }).fill("2026-02-01");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("The end date must be on or after the start date.")).toBeVisible();

  // Dismiss with the keyboard only; the dismissal is stored.
  await page.getByRole("button", { name: "Dismiss guide" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Show setup guide" })).toBeVisible();
  await expect
    .poll(async () => {
      const [row] = await db.select().from(shops).where(eq(shops.id, shop.id));
      return row!.setupChecklistDismissedAt !== null;
    })
    .toBe(true);
  await page.reload();
  await expect(page.getByRole("button", { name: "Show setup guide" })).toBeVisible();
  await expect(page.getByText("3 of 4 steps done")).toBeHidden();
});
