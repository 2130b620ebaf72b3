import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { closeDb, createDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { emailMessages, webhookEvents } from "~/db/schema";
import type { MailTransport, OutgoingMail } from "~/lib/mail/transport.server";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import {
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
} from "../../helpers/factories";

let database: TestDatabase;
let db: Db;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "handoff-mail-"));
  vi.stubEnv("SHOPIFY_API_KEY", "k");
  vi.stubEnv("SHOPIFY_API_SECRET", "s");
  vi.stubEnv("SHOPIFY_APP_URL", "https://app.example.com");
  vi.stubEnv("DATA_DIR", dataDir);
  vi.stubEnv("SMTP_URL", "");
  database = await createTestDatabase("handoff_mail");
  db = createDb({ databaseUrl: database.url, poolMax: 3 });
  await runMigrations(db);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await closeDb(db);
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function orderWithEmail() {
  const shop = await createShop(db, { name: "Mail Shop" });
  const product = await createDigitalProduct(db, shop, { name: "Guide" });
  const customer = await createCustomer(db, shop, { firstName: "Ana", locale: "es" });
  const { order } = await createOrder(db, shop, {
    customer,
    products: [product],
    overrides: { locale: "es" },
  });
  return { shop, order, customer };
}

function capturingTransport(failFirst = 0): MailTransport & { sent: OutgoingMail[] } {
  let failures = failFirst;
  const sent: OutgoingMail[] = [];
  return {
    kind: "smtp",
    sent,
    async send(mail) {
      if (failures-- > 0) throw new Error("421 try again later");
      sent.push(mail);
      return { messageId: `<${mail.reference}@test>` };
    },
  };
}

describe("email queue", () => {
  it("retries a failed send with backoff, then sends once and records digital_order.delivered", async () => {
    const { dispatchDueEmails, queueOrderEmail } = await import("~/services/emails.server");
    const { shop, order, customer } = await orderWithEmail();
    const queued = await queueOrderEmail(db, {
      shopId: shop.id,
      orderId: order.id,
      kind: "delivery",
      toAddress: customer.email!,
      locale: "es",
    });

    const transport = capturingTransport(1);
    expect(await dispatchDueEmails(db, { transport })).toBe(0);
    const [afterFailure] = await db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.id, queued.id));
    expect(afterFailure).toMatchObject({
      status: "queued",
      attempts: 1,
      lastError: "421 try again later",
    });
    expect(afterFailure!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await dispatchDueEmails(db, { transport })).toBe(0); // not due yet

    await db
      .update(emailMessages)
      .set({ nextAttemptAt: new Date() })
      .where(eq(emailMessages.id, queued.id));
    expect(await dispatchDueEmails(db, { transport })).toBe(1);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]!.subject).toBe(`Tus descargas de Mail Shop (${order.name})`);
    expect(transport.sent[0]!.text).toContain(`https://app.example.com/d/${order.accessToken}`);
    const [sent] = await db.select().from(emailMessages).where(eq(emailMessages.id, queued.id));
    expect(sent).toMatchObject({
      status: "sent",
      attempts: 2,
      lastError: null,
      messageId: `<${queued.id}@test>`,
    });
    const events = await db.select().from(webhookEvents).where(eq(webhookEvents.shopId, shop.id));
    expect(events.map((e) => e.type)).toEqual(["digital_order.delivered"]);
    expect(await dispatchDueEmails(db, { transport })).toBe(0);
  });

  it("gives up after the last attempt and keeps the error", async () => {
    const { dispatchDueEmails, queueOrderEmail, MAX_EMAIL_ATTEMPTS } =
      await import("~/services/emails.server");
    const { shop, order } = await orderWithEmail();
    const queued = await queueOrderEmail(db, {
      shopId: shop.id,
      orderId: order.id,
      kind: "resend",
      toAddress: "x@example.com",
      locale: null,
    });
    await db
      .update(emailMessages)
      .set({ attempts: MAX_EMAIL_ATTEMPTS - 1 })
      .where(eq(emailMessages.id, queued.id));
    await dispatchDueEmails(db, { transport: capturingTransport(99) });
    const [failed] = await db.select().from(emailMessages).where(eq(emailMessages.id, queued.id));
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });
  });

  it("without SMTP_URL writes each message as an .eml file in DATA_DIR/outbox", async () => {
    const { dispatchDueEmails, queueOrderEmail } = await import("~/services/emails.server");
    const { createMailTransport } = await import("~/lib/mail/transport.server");
    const { shop, order, customer } = await orderWithEmail();
    const queued = await queueOrderEmail(db, {
      shopId: shop.id,
      orderId: order.id,
      kind: "delivery",
      toAddress: customer.email!,
      locale: "es",
    });
    const transport = createMailTransport();
    expect(transport.kind).toBe("outbox");
    await dispatchDueEmails(db, { transport });
    const files = await readdir(join(dataDir, "outbox"));
    expect(files).toContain(`${queued.id}.eml`);
    const eml = await readFile(join(dataDir, "outbox", `${queued.id}.eml`), "utf8");
    expect(eml.toLowerCase()).toContain(`x-handoff-email-id: ${queued.id}`);
    expect(eml).toContain("Content-Type: multipart/alternative");
  });
});
