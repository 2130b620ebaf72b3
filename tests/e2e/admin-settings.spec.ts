import AxeBuilder from "@axe-core/playwright";
import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { shops } from "~/db/schema";
import { test, expect } from "./fixtures";
import { apiClient, createApiToken } from "../helpers/api-factories";
import { createDigitalProduct, createOrder, createStoredFile } from "../helpers/factories";

/**
 * The email preview is a script-less sandboxed frame showing the email, not admin UI, and
 * axe cannot run inside it (its injection into that frame never settles): left out.
 */
async function expectNoSeriousA11yViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page })
    .exclude('iframe[title="Email preview"]')
    .analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
}

test("Settings → Email: branding updates the live preview, saves, sends a test email and resets a template", async ({
  page,
  smtp,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shopRow = async (id: string) => (await db.select().from(shops).where(eq(shops.id, id)))[0]!;
  const shop = await adminShop({ name: "Paper Goods" });
  await page.goto(await adminUrl(shop.domain, "/app/settings/email"));
  await expect(page.getByRole("heading", { name: "Email", exact: true })).toBeVisible();
  const preview = page.locator('iframe[title="Email preview"]');
  await expect(preview).toHaveAttribute("srcdoc", /Paper Goods/);
  await expectNoSeriousA11yViolations(page);

  // Typing updates the server-rendered preview (debounced), before anything is saved.
  await page.getByRole("textbox", { name: "Brand colour" }).fill("#aa3300");
  await page.getByRole("textbox", { name: "Subject" }).fill("Your {{order_name}} files are here");
  await expect(preview).toHaveAttribute("srcdoc", /background:#aa3300/);
  await expect(page.getByTestId("preview-subject")).toHaveText("Your #1001 files are here");
  expect((await shopRow(shop.id)).brandColor).toBeNull();

  // An unknown placeholder is refused inline; nothing is stored.
  await page.getByRole("textbox", { name: "Message" }).fill("Hi {{first_name}}");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByText(/Use only these placeholders/)).toBeVisible();
  expect((await shopRow(shop.id)).emailTemplates).toEqual({});
  await page.getByRole("textbox", { name: "Message" }).fill("Thanks, {{customer_name}}!");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Template saved" })).toBeVisible();
  expect((await shopRow(shop.id)).emailTemplates).toEqual({
    en: { subject: "Your {{order_name}} files are here", body: "Thanks, {{customer_name}}!" },
  });

  // Branding: an http logo is refused under its field; then a valid save.
  await page.getByRole("textbox", { name: "Logo URL" }).fill("http://cdn.example.com/logo.png");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByText("Enter an https:// URL of an image.")).toBeVisible();
  await page.getByRole("textbox", { name: "Logo URL" }).fill("");
  await page.getByRole("textbox", { name: "Sender name" }).fill("Paper Goods Studio");
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Branding saved" })).toBeVisible();
  expect(await shopRow(shop.id)).toMatchObject({
    brandColor: "#aa3300",
    emailSenderName: "Paper Goods Studio",
    brandLogoUrl: null,
  });
  await saveScreenshot("admin-settings-email");

  // Test email, sent from the keyboard: through the queue and the worker to the SMTP sink.
  const to = page.getByRole("textbox", { name: "Send to" });
  await to.fill("merchant@paper.example");
  await to.press("Enter");
  await expect(
    page.getByRole("status").filter({ hasText: "Test email sent to merchant@paper.example" }),
  ).toBeVisible();
  const mail = await smtp.waitForMessage(
    (m) => m.subject === "[Test] Your #1001 files are here",
    20_000,
  );
  expect(mail.from?.text).toContain("Paper Goods Studio");
  expect(String(mail.html)).toContain("background:#aa3300");
  expect(String(mail.html)).toContain("Thanks, Alex!");

  // Reset to default, confirmed.
  await page.getByRole("button", { name: "Reset the en template to default" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("default wording");
  await dialog.getByRole("button", { name: "Reset to default" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Template reset" })).toBeVisible();
  expect((await shopRow(shop.id)).emailTemplates).toEqual({});
  await expect(page.getByRole("textbox", { name: "Subject" })).toHaveValue(
    "Your downloads from {{shop_name}} ({{order_name}})",
  );
});

test("Settings → Delivery: rules reach the database, the idempotency switch the API, the appearance the download page", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shopRow = async (id: string) => (await db.select().from(shops).where(eq(shops.id, id)))[0]!;
  const shop = await adminShop({ name: "Rules Shop" });
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "atlas.pdf" });
  const product = await createDigitalProduct(db, shop, { name: "Atlas", maxDownloads: 3 }, [file]);
  const { order } = await createOrder(db, shop, { products: [product] });
  const { token } = await createApiToken(db, shop);
  const api = apiClient(server.url, token);

  // Before: the API accepts writes without an Idempotency-Key.
  const before = await api("POST", "/license-keys", { json: { keys: ["E2E-KEY-1"] } });
  expect(before.status).toBe(201);

  await page.goto(await adminUrl(shop.domain, "/app/settings/delivery"));
  await expect(page.getByRole("heading", { name: "Delivery rules" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Keyboard only: radio, checkboxes and the save button.
  await page.getByRole("radio", { name: "As soon as the order is created" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("checkbox", { name: "Hold orders Shopify rates high risk" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("checkbox", { name: "Require an Idempotency-Key on API writes" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("radio", { name: "Keep access" }).focus();
  await page.keyboard.press("Space");
  const notice = page.getByRole("textbox", { name: "License key low-stock notices" });
  await notice.fill("not-an-email");
  await page.getByRole("button", { name: "Save delivery rules" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  expect((await shopRow(shop.id)).deliverOn).toBe("paid");

  await notice.fill("keys@rules.example");
  await page.getByRole("button", { name: "Save delivery rules" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Delivery rules saved" })).toBeVisible();
  expect(await shopRow(shop.id)).toMatchObject({
    deliverOn: "created",
    holdHighRisk: false,
    autoFulfill: false,
    refundAccessMode: "none",
    requireIdempotencyKey: true,
    lowStockNoticeEmail: "keys@rules.example",
  });

  // After: a write without the header gets 400; with it, it goes through.
  const without = await api("POST", "/license-keys", { json: { keys: ["E2E-KEY-2"] } });
  expect(without.status).toBe(400);
  expect(without.body.error.code).toBe("idempotency_key_required");
  const withKey = await api("POST", "/license-keys", {
    json: { keys: ["E2E-KEY-2"] },
    headers: { "Idempotency-Key": "e2e-settings-1" },
  });
  expect(withKey.status).toBe(201);

  // Download page appearance, then the shopper's page shows it.
  await page.getByRole("textbox", { name: "Heading" }).fill("Your Rules Shop files");
  await page
    .getByRole("textbox", { name: "Message", exact: true })
    .fill("Need help? Reply to your order email.");
  await page.getByRole("checkbox", { name: "Show file size and type" }).uncheck();
  await page.getByRole("button", { name: "Save download page" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Download page saved" })).toBeVisible();
  expect((await shopRow(shop.id)).downloadPageSettings).toEqual({
    title: "Your Rules Shop files",
    text: "Need help? Reply to your order email.",
    showFileDetails: false,
    showDownloadLimits: true,
  });
  await saveScreenshot("admin-settings-delivery");

  const shopper = await page.context().newPage();
  await shopper.goto(`${server.url}/d/${order.accessToken}`);
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText("Your Rules Shop files");
  await expect(shopper.getByText("Need help? Reply to your order email.")).toBeVisible();
  await expect(shopper.getByText("atlas.pdf")).toBeVisible();
  await expect(shopper.locator(".files .meta")).toHaveCount(0);
  await expect(shopper.getByText(/3 downloads left|of 3/)).toBeVisible();
  await shopper.screenshot({ path: "test-results/screenshots/download-page-appearance.png" });
  await shopper.close();
});
