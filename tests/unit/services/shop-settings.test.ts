import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import {
  downloadEvents,
  emailMessages,
  shops,
  type DownloadPageSettings,
  type Shop,
} from "~/db/schema";
import { ApiError } from "~/lib/api/errors";
import { createApiToken, revokeApiToken } from "~/services/api-tokens.server";
import { getDownloadStats, getDownloadStatsSeries } from "~/services/download-stats.server";
import { dispatchDueEmails } from "~/services/emails.server";
import {
  dismissSetupChecklist,
  getSetupChecklist,
  restoreSetupChecklist,
} from "~/services/onboarding.server";
import {
  downloadPageAppearance,
  renderEmailPreview,
  resetEmailTemplate,
  saveEmailTemplate,
  sendTestEmail,
  updateDeliverySettings,
  updateDownloadPageSettings,
  updateEmailBranding,
} from "~/services/shop-settings.server";
import type { MailTransport, OutgoingMail } from "~/lib/mail/transport.server";
import { parseStatsPeriod } from "~/lib/admin-schemas.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";
import {
  createDigitalProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../../helpers/factories";

/**
 * The services behind Home and Settings against a real Postgres database: the setup
 * checklist follows real rows, settings are validated (field named in `param`), the
 * per-day series adds up to the same totals as `GET downloads/stats`, and a test email
 * goes through the real outbox.
 */

let db: Db;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "handoff-settings-"));
  Object.assign(process.env, {
    SHOPIFY_API_KEY: "k",
    SHOPIFY_API_SECRET: "s",
    SHOPIFY_APP_URL: "https://app.example.com",
    DATA_DIR: dataDir,
    SMTP_URL: "",
    MAIL_FROM: "Handoff <no-reply@handoff.test>",
  });
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
});
// The services use the process-wide handle.
withMigratedTestDatabase("handoff_shop_settings", (opened) => (db = opened), {
  processWide: true,
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function reload(shop: Shop): Promise<Shop> {
  const [row] = await db.select().from(shops).where(eq(shops.id, shop.id));
  return row!;
}

describe("setup checklist", () => {
  it("follows the shop's real data and stays dismissed", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    // Another shop's progress never counts.
    await createDigitalProduct(db, other, { name: "Theirs" });
    await createApiToken(other.id, { name: "theirs" });

    let list = await getSetupChecklist(shop.id);
    expect(list.completed).toBe(0);
    expect(list.total).toBe(4);
    expect(list.dismissed).toBe(false);

    const product = await createDigitalProduct(db, shop, { name: "Guide" });
    await createOrder(db, shop, { products: [product] });
    list = await getSetupChecklist(shop.id);
    expect(list.steps).toEqual([
      { id: "product", done: true },
      { id: "test_order", done: true },
      { id: "branding", done: false },
      { id: "api_token", done: false },
    ]);
    expect(list.completed).toBe(2);

    await updateEmailBranding(shop.id, { brandColor: "#112233" });
    const token = await createApiToken(shop.id, { name: "CRM" });
    expect((await getSetupChecklist(shop.id)).completed).toBe(4);

    // A revoked token no longer connects anything.
    await revokeApiToken(shop.id, token.id);
    expect((await getSetupChecklist(shop.id)).steps[3]).toEqual({ id: "api_token", done: false });

    await dismissSetupChecklist(shop.id);
    await dismissSetupChecklist(shop.id);
    expect((await getSetupChecklist(shop.id)).dismissed).toBe(true);
    expect((await getSetupChecklist(other.id)).dismissed).toBe(false);
    await restoreSetupChecklist(shop.id);
    expect((await getSetupChecklist(shop.id)).dismissed).toBe(false);
  });
});

describe("email settings", () => {
  it("validates branding and names the field", async () => {
    const shop = await createShop(db);
    expect(
      (await rejection(updateEmailBranding(shop.id, { brandLogoUrl: "http://x.test/l.png" })))
        .param,
    ).toBe("brandLogoUrl");
    expect((await rejection(updateEmailBranding(shop.id, { brandColor: "red" }))).param).toBe(
      "brandColor",
    );
    // CSS injection through the colour is refused, not stored.
    const injected = await rejection(
      updateEmailBranding(shop.id, { brandColor: "#fff;background:url(x)" }),
    );
    expect(injected.status).toBe(400);
    expect(
      (await rejection(updateEmailBranding(shop.id, { emailSenderName: 'Evil"\r\nBcc: x' }))).param,
    ).toBe("emailSenderName");
    expect((await rejection(updateEmailBranding(shop.id, { emailReplyTo: "nope" }))).param).toBe(
      "emailReplyTo",
    );

    const saved = await updateEmailBranding(shop.id, {
      brandLogoUrl: " https://cdn.example.com/logo.png ",
      brandColor: "#AA3300",
      emailSenderName: "Paper Goods",
      emailReplyTo: "help@paper.example",
    });
    expect(saved.brandLogoUrl).toBe("https://cdn.example.com/logo.png");
    expect(saved.brandColor).toBe("#aa3300");

    // Blank clears back to the defaults.
    const cleared = await updateEmailBranding(shop.id, { brandLogoUrl: "", brandColor: "  " });
    expect(cleared.brandLogoUrl).toBeNull();
    expect(cleared.brandColor).toBeNull();
    expect(cleared.emailSenderName).toBe("Paper Goods");
  });

  it("saves, validates and resets templates per locale", async () => {
    const shop = await createShop(db);
    expect(
      (await rejection(saveEmailTemplate(shop.id, { locale: "it", subject: "Ciao" }))).param,
    ).toBe("locale");
    const unknown = await rejection(
      saveEmailTemplate(shop.id, { locale: "de", body: "Hallo {{first_name}}" }),
    );
    expect(unknown.param).toBe("body");
    expect(unknown.message).toContain("{{customer_name}}");

    await saveEmailTemplate(shop.id, {
      locale: "de",
      subject: "Deine Dateien zu {{order_name}}",
      body: "Danke, {{customer_name}}!",
    });
    // The default wording saved unchanged is not an override.
    await saveEmailTemplate(shop.id, {
      locale: "en",
      subject: "Your downloads from {{shop_name}} ({{order_name}})",
      body: "Custom intro",
    });
    expect((await reload(shop)).emailTemplates).toEqual({
      de: { subject: "Deine Dateien zu {{order_name}}", body: "Danke, {{customer_name}}!" },
      en: { body: "Custom intro" },
    });

    const preview = await renderEmailPreview(shop.id, { locale: "de" });
    expect(preview.subject).toBe("Deine Dateien zu #1001");
    expect(preview.html).toContain("Danke, Alex!");

    await resetEmailTemplate(shop.id, "de");
    expect((await reload(shop)).emailTemplates).toEqual({ en: { body: "Custom intro" } });
    expect((await renderEmailPreview(shop.id, { locale: "de" })).subject).toContain(
      "Deine Downloads",
    );
  });

  it("previews a draft without saving it and sends it as a test email through the outbox", async () => {
    const shop = await createShop(db, { name: "Paper Goods" });
    const preview = await renderEmailPreview(shop.id, {
      locale: "en",
      subject: "Files for {{order_name}}",
      body: "Hello from the draft",
      brandColor: "#123456",
      emailSenderName: "Draft Sender",
    });
    expect(preview.subject).toBe("Files for #1001");
    expect(preview.html).toContain("background:#123456");
    expect(preview.from).toBe('"Draft Sender" <no-reply@handoff.test>');
    // An unsafe draft colour is not executed: the renderer falls back to its default.
    const unsafe = await renderEmailPreview(shop.id, { brandColor: "red;x:y" });
    expect(unsafe.html).not.toContain("red;x:y");
    expect((await reload(shop)).emailTemplates).toEqual({});

    expect(
      (await rejection(sendTestEmail(shop.id, { to: "not-an-address", draft: {} }))).param,
    ).toBe("to");
    const queued = await sendTestEmail(shop.id, {
      to: "merchant@paper.example",
      draft: { locale: "en", body: "Hello from the draft", emailReplyTo: "help@paper.example" },
    });
    expect(queued).toMatchObject({ kind: "test", status: "queued", orderId: null });

    const sent: OutgoingMail[] = [];
    const transport: MailTransport = {
      kind: "smtp",
      async send(mail) {
        sent.push(mail);
        return { messageId: `<${mail.reference}@test>` };
      },
    };
    await dispatchDueEmails(db, { transport });
    const mine = sent.filter((m) => m.reference === queued.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      to: "merchant@paper.example",
      from: '"Paper Goods" <no-reply@handoff.test>',
      replyTo: "help@paper.example",
      subject: "[Test] Your downloads from Paper Goods (#1001)",
    });
    expect(mine[0]!.html).toContain("Hello from the draft");
    const [row] = await db.select().from(emailMessages).where(eq(emailMessages.id, queued.id));
    expect(row!.status).toBe("sent");
  });
});

describe("delivery settings", () => {
  it("validates and saves rules, the idempotency switch and the notice address", async () => {
    const shop = await createShop(db);
    const rules = {
      deliverOn: "created",
      holdHighRisk: false,
      autoFulfill: true,
      refundAccessMode: "whole_order",
      requireIdempotencyKey: true,
      lowStockNoticeEmail: "keys@paper.example",
    };
    expect(
      (await rejection(updateDeliverySettings(shop.id, { ...rules, deliverOn: "shipped" }))).param,
    ).toBe("deliverOn");
    expect(
      (await rejection(updateDeliverySettings(shop.id, { ...rules, refundAccessMode: "all" })))
        .param,
    ).toBe("refundAccessMode");
    expect(
      (await rejection(updateDeliverySettings(shop.id, { ...rules, lowStockNoticeEmail: "x@" })))
        .param,
    ).toBe("lowStockNoticeEmail");

    await updateDeliverySettings(shop.id, rules);
    expect(await reload(shop)).toMatchObject(rules);
    await updateDeliverySettings(shop.id, { ...rules, lowStockNoticeEmail: "" });
    expect((await reload(shop)).lowStockNoticeEmail).toBeNull();
  });

  it("stores download page appearance next to other keys and reads old values leniently", async () => {
    const shop = await createShop(db, { downloadPageSettings: { title: "Old", legacy: 1 } });
    expect(
      (
        await rejection(
          updateDownloadPageSettings(shop.id, {
            title: "x".repeat(121),
            text: "",
            showFileDetails: true,
            showDownloadLimits: true,
          }),
        )
      ).param,
    ).toBe("title");
    const saved = await updateDownloadPageSettings(shop.id, {
      title: "Your files",
      text: "",
      showFileDetails: false,
      showDownloadLimits: true,
    });
    expect(saved).toEqual({
      title: "Your files",
      text: null,
      showFileDetails: false,
      showDownloadLimits: true,
    });
    expect((await reload(shop)).downloadPageSettings).toEqual({
      title: "Your files",
      legacy: 1,
      showFileDetails: false,
      showDownloadLimits: true,
    });
    expect(
      downloadPageAppearance({
        title: 42,
        showFileDetails: "no",
      } as unknown as DownloadPageSettings),
    ).toEqual({
      title: null,
      text: null,
      showFileDetails: true,
      showDownloadLimits: true,
    });
  });
});

describe("download statistics per day", () => {
  it("buckets by UTC day with zero days filled, adding up to the stats totals", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    const file = await createStoredFile(db, shop, { dataDir, name: "a.pdf" });
    const at = (iso: string) => new Date(iso);
    await db.insert(downloadEvents).values([
      { shopId: shop.id, fileId: file.id, bytesSent: 100, createdAt: at("2026-03-01T00:00:00Z") },
      {
        shopId: shop.id,
        fileId: file.id,
        bytesSent: 50,
        isRedownload: true,
        createdAt: at("2026-03-01T23:59:59.999Z"),
      },
      { shopId: shop.id, fileId: file.id, bytesSent: 7, createdAt: at("2026-03-03T12:00:00Z") },
      // Outside the window, and another shop's.
      { shopId: shop.id, fileId: file.id, bytesSent: 1, createdAt: at("2026-03-04T00:00:00Z") },
      { shopId: other.id, bytesSent: 9, createdAt: at("2026-03-02T10:00:00Z") },
    ]);
    const window = { start: "2026-03-01T00:00:00.000Z", end: "2026-03-04T00:00:00.000Z" };
    const days = await getDownloadStatsSeries(shop.id, window);
    expect(days).toEqual([
      {
        date: "2026-03-01",
        downloads: 2,
        countedDownloads: 1,
        redownloads: 1,
        bandwidthBytes: 150,
      },
      { date: "2026-03-02", downloads: 0, countedDownloads: 0, redownloads: 0, bandwidthBytes: 0 },
      { date: "2026-03-03", downloads: 1, countedDownloads: 1, redownloads: 0, bandwidthBytes: 7 },
    ]);
    const totals = await getDownloadStats(shop.id, window);
    expect(days.reduce((s, d) => s + d.downloads, 0)).toBe(totals.totalDownloads);
    expect(days.reduce((s, d) => s + d.countedDownloads, 0)).toBe(totals.countedDownloads);
    expect(days.reduce((s, d) => s + d.bandwidthBytes, 0)).toBe(totals.totalBandwidthBytes);
    await expect(
      getDownloadStatsSeries(shop.id, { start: window.end, end: window.start }),
    ).rejects.toThrow(ApiError);
  });

  it("turns the admin's period choice into whole UTC days", () => {
    const now = new Date("2026-03-10T15:30:00Z");
    const seven = parseStatsPeriod(new URLSearchParams("period=7"), now);
    expect([seven.start.toISOString(), seven.end.toISOString()]).toEqual([
      "2026-03-04T00:00:00.000Z",
      "2026-03-11T00:00:00.000Z",
    ]);
    const custom = parseStatsPeriod(
      new URLSearchParams("period=custom&from=2026-02-01&to=2026-02-03"),
      now,
    );
    expect([custom.start.toISOString(), custom.end.toISOString(), custom.error]).toEqual([
      "2026-02-01T00:00:00.000Z",
      "2026-02-04T00:00:00.000Z",
      null,
    ]);
    const backwards = parseStatsPeriod(
      new URLSearchParams("period=custom&from=2026-02-03&to=2026-02-01"),
      now,
    );
    expect(backwards.error).toMatch(/on or after/);
    expect(backwards.end.getTime() - backwards.start.getTime()).toBe(30 * 86_400_000);
    expect(
      parseStatsPeriod(new URLSearchParams("period=custom&from=2026-02-30&to=2026-03-01"), now)
        .error,
    ).toMatch(/YYYY-MM-DD/);
    expect(parseStatsPeriod(new URLSearchParams("period=abc"), now).period).toBe("30");
  });
});
