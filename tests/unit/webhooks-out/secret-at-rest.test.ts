import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { closeDb, getDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { webhookEndpoints } from "~/db/schema";
import { openSecretWith, sealSecretWith } from "~/lib/secret-box.server";
import { encryptionKeyFrom } from "~/lib/storage/encryption.server";
import { createDeliveryEngine } from "~/lib/webhooks-out/dispatcher.server";
import { generateWebhookSecret } from "~/lib/webhooks-out/signing";
import {
  createWebhookEndpoint,
  rotateWebhookEndpointSecret,
} from "~/services/webhook-endpoints.server";
import { sendTestWebhookEvent } from "~/services/webhook-events.server";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import { createShop } from "../../helpers/factories";
import {
  startReceiver,
  verifyReferenceSignature,
  verifyStandardWebhook,
  type Receiver,
} from "./receiver";

/**
 * Webhook signing secrets are stored sealed (AES-256-GCM under FILE_ENCRYPTION_KEY);
 * deliveries still sign with the plaintext, and rows written before encryption still work.
 */
const keyA = encryptionKeyFrom(randomBytes(32));
const keyB = encryptionKeyFrom(randomBytes(32));

describe("secret box", () => {
  it("round-trips, with a fresh nonce each time", () => {
    const secret = generateWebhookSecret();
    const one = sealSecretWith(keyA, "webhook_endpoint", secret);
    const two = sealSecretWith(keyA, "webhook_endpoint", secret);
    expect(one).toMatch(new RegExp(`^enc:v1:${keyA.id}:[A-Za-z0-9+/]+=*$`));
    expect(one).not.toBe(two);
    expect(one).not.toContain(secret.slice(6, 20));
    expect(openSecretWith(keyA, "webhook_endpoint", one)).toBe(secret);
    expect(openSecretWith(keyA, "webhook_endpoint", two)).toBe(secret);
  });

  it("refuses a tampered value and another key; passes legacy plaintext through", () => {
    const sealed = sealSecretWith(keyA, "webhook_endpoint", "whsec_abc");
    const raw = Buffer.from(sealed.split(":")[3]!, "base64");
    raw[14]! ^= 1;
    const tampered = `enc:v1:${keyA.id}:${raw.toString("base64")}`;
    expect(() => openSecretWith(keyA, "webhook_endpoint", tampered)).toThrow(/integrity/);
    expect(() => openSecretWith(keyB, "webhook_endpoint", sealed)).toThrow(/sealed with key/);
    const forged = `enc:v1:${keyB.id}:${sealed.split(":")[3]}`;
    expect(() => openSecretWith(keyB, "webhook_endpoint", forged)).toThrow(/integrity/);
    expect(openSecretWith(keyA, "webhook_endpoint", "whsec_legacy")).toBe("whsec_legacy");
  });
});

describe("endpoint secrets in the database", () => {
  let database: TestDatabase;
  let db: Db;
  let receiver: Receiver;
  const savedEnv = { ...process.env };
  const engines: Array<ReturnType<typeof createDeliveryEngine>> = [];

  beforeAll(async () => {
    database = await createTestDatabase("handoff_secret_at_rest");
    process.env.DATABASE_URL = database.url;
    process.env.WEBHOOKS_ALLOW_LOCALHOST = "1";
    process.env.FILE_ENCRYPTION_KEY = keyA.key.toString("base64");
    db = getDb();
    await runMigrations(db);
    receiver = await startReceiver();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
    receiver.requests.length = 0;
  });
  afterAll(async () => {
    await receiver?.stop();
    await closeDb();
    await database?.drop();
    process.env = savedEnv;
  });

  const drain = async () => {
    const engine = createDeliveryEngine(db, { retryScheduleMs: [0, 0, 0, 0] });
    engines.push(engine);
    await engine.drain();
  };
  const stored = async (id: string) =>
    (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;

  it("stores the secret sealed and still signs deliveries with it", async () => {
    const shop = await createShop(db);
    const { endpoint, secret } = await createWebhookEndpoint(shop.id, {
      name: "CRM",
      url: receiver.url,
      events: ["digital_order.purchased"],
    });
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(secret.slice(6));
    expect(openSecretWith(keyA, "webhook_endpoint", row.secret)).toBe(secret);

    await sendTestWebhookEvent(shop.id, endpoint.id);
    await drain();
    const [request] = receiver.requests;
    expect(verifyReferenceSignature(secret, request!.headers, request!.body)).toBe(true);
    expect(verifyStandardWebhook(secret, request!.headers, request!.body)).toBe(true);
  });

  it("rotates into a sealed secret; the old (sealed) one signs during the grace period", async () => {
    const shop = await createShop(db);
    const { endpoint, secret: oldSecret } = await createWebhookEndpoint(shop.id, {
      name: "CRM",
      url: receiver.url,
      events: ["digital_order.purchased"],
    });
    const { secret: newSecret } = await rotateWebhookEndpointSecret(shop.id, endpoint.id);
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.previousSecret).toMatch(/^enc:v1:/);
    expect(openSecretWith(keyA, "webhook_endpoint", row.previousSecret!)).toBe(oldSecret);

    await sendTestWebhookEvent(shop.id, endpoint.id);
    await drain();
    const [request] = receiver.requests;
    expect(verifyReferenceSignature(newSecret, request!.headers, request!.body)).toBe(true);
    expect(verifyStandardWebhook(oldSecret, request!.headers, request!.body)).toBe(true);
  });

  it("still signs with a plaintext secret written before encryption, and re-seals on rotate", async () => {
    const shop = await createShop(db);
    const legacy = generateWebhookSecret();
    const [row] = await db
      .insert(webhookEndpoints)
      .values({
        shopId: shop.id,
        name: "Old",
        url: receiver.url,
        events: ["digital_order.purchased"],
        secret: legacy,
      })
      .returning();
    await sendTestWebhookEvent(shop.id, row!.id);
    await drain();
    expect(
      verifyReferenceSignature(legacy, receiver.requests[0]!.headers, receiver.requests[0]!.body),
    ).toBe(true);
    await rotateWebhookEndpointSecret(shop.id, row!.id, { graceHours: 0 });
    expect((await stored(row!.id)).secret).toMatch(/^enc:v1:/);
  });
});
