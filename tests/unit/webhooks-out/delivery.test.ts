import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { closeDb, getDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import {
  emailMessages,
  licenseKeys,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  type Shop,
} from "~/db/schema";
import {
  createDeliveryEngine,
  type DeliveryEngineOptions,
} from "~/lib/webhooks-out/dispatcher.server";
import type { WebhookEventType } from "~/lib/webhooks-out/events";
import { buildOrderPayload } from "~/lib/webhooks-out/payloads.server";
import {
  getWebhookDelivery,
  listWebhookDeliveries,
  replayWebhookDelivery,
  replayWebhookEvent,
} from "~/services/webhook-deliveries.server";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookEndpointSecret,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
} from "~/services/webhook-endpoints.server";
import { recordWebhookEvent, sendTestWebhookEvent } from "~/services/webhook-events.server";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import {
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
} from "../../helpers/factories";
import {
  startReceiver,
  verifyReferenceSignature,
  verifyStandardWebhook,
  type Receiver,
} from "./receiver";

/**
 * The outgoing webhook pipeline against a real Postgres database and a real HTTP
 * receiver on 127.0.0.1: services (endpoint CRUD, outbox, test event, replay, log) use
 * the process database (`getDb()`, pointed at a fresh test database before first use),
 * and a delivery engine drains the outbox in-process.
 */

let database: TestDatabase;
let db: Db;
let receiver: Receiver;
const savedEnv = { ...process.env };

beforeAll(async () => {
  database = await createTestDatabase("handoff_webhooks_out");
  process.env.DATABASE_URL = database.url;
  process.env.WEBHOOKS_ALLOW_LOCALHOST = "1";
  db = getDb();
  await runMigrations(db);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await closeDb();
  await database?.drop();
  process.env = savedEnv;
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.behave(undefined);
});

const engines: Array<ReturnType<typeof createDeliveryEngine>> = [];
function engine(options: DeliveryEngineOptions = {}) {
  const e = createDeliveryEngine(db, {
    retryScheduleMs: [0, 0, 0, 0],
    random: () => 0.5,
    ...options,
  });
  engines.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function shopWithEndpoint(
  events: WebhookEventType[] = ["digital_order.purchased", "file.downloaded"],
) {
  const shop = await createShop(db);
  const { endpoint, secret } = await createWebhookEndpoint(shop.id, {
    name: "CRM sync",
    url: receiver.url,
    events,
  });
  return { shop, endpoint, secret };
}

async function purchasedEvent(shop: Shop) {
  const customer = await createCustomer(db, shop, { firstName: "Jane", lastName: "Smith" });
  const product = await createDigitalProduct(db, shop, { name: "Preset Pack" });
  const { order, lines } = await createOrder(db, shop, { customer, products: [product] });
  await db.insert(licenseKeys).values({
    shopId: shop.id,
    key: `PRESET-${lines[0]!.id.slice(-8).toUpperCase()}`,
    status: "assigned",
    orderId: order.id,
    orderLineId: lines[0]!.id,
    assignedAt: new Date(),
  });
  const eventId = await db.transaction(async (tx) =>
    recordWebhookEvent(
      tx,
      shop.id,
      "digital_order.purchased",
      await buildOrderPayload(tx, shop.id, order.id),
    ),
  );
  return { eventId, order, lines, customer, product };
}

async function attemptsOf(deliveryId: string) {
  return db
    .select()
    .from(webhookDeliveryAttempts)
    .where(eq(webhookDeliveryAttempts.deliveryId, deliveryId))
    .orderBy(webhookDeliveryAttempts.attemptNumber);
}

describe("endpoint service", () => {
  it("returns the whsec_ secret once and never in reads", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    const listed = await listWebhookEndpoints(shop.id);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6, 20));
    expect(JSON.stringify(await getWebhookEndpoint(shop.id, endpoint.id))).not.toContain("whsec_");
  });

  it("validates input with 400-able errors and scopes every call by shop", async () => {
    const shop = await createShop(db);
    await expect(
      createWebhookEndpoint(shop.id, {
        name: "x",
        url: "https://10.0.0.1/hook",
        events: ["file.downloaded"],
      }),
    ).rejects.toMatchObject({ code: "validation_failed", param: "url", status: 400 });
    await expect(
      createWebhookEndpoint(
        shop.id,
        { name: "x", url: "https://hooks.partner.example/in", events: ["file.downloaded"] },
        { resolver: async () => [{ address: "192.168.0.10", family: 4 }] },
      ),
    ).rejects.toMatchObject({ code: "validation_failed", param: "url" });
    await expect(
      createWebhookEndpoint(shop.id, { name: "x", url: receiver.url, events: [] }),
    ).rejects.toMatchObject({ code: "validation_failed", param: "events" });
    await expect(
      createWebhookEndpoint(shop.id, {
        name: "x",
        url: receiver.url,
        events: ["order.nope" as never],
      }),
    ).rejects.toMatchObject({ code: "validation_failed" });

    const { endpoint } = await createWebhookEndpoint(
      shop.id,
      {
        name: "Zapier",
        url: "https://hooks.partner.example/in",
        events: ["file.downloaded", "file.downloaded"],
      },
      { resolver: async () => [{ address: "93.184.215.14", family: 4 }] },
    );
    expect(endpoint.events).toEqual(["file.downloaded"]);

    const other = await createShop(db);
    await expect(getWebhookEndpoint(other.id, endpoint.id)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(deleteWebhookEndpoint(other.id, endpoint.id)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      updateWebhookEndpoint(other.id, endpoint.id, { name: "hijack" }),
    ).rejects.toMatchObject({
      status: 404,
    });

    const edited = await updateWebhookEndpoint(shop.id, endpoint.id, {
      url: receiver.url,
      events: ["digital_order.delivered", "file.redownloaded"],
    });
    expect(edited).toMatchObject({
      url: receiver.url,
      events: ["digital_order.delivered", "file.redownloaded"],
    });
    await deleteWebhookEndpoint(shop.id, endpoint.id);
    expect(await listWebhookEndpoints(shop.id)).toEqual([]);
  });
});

describe("delivery", () => {
  it("delivers a signed event that the reference's Node code and a Standard Webhooks verifier both accept", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    const { eventId, order, lines, customer, product } = await purchasedEvent(shop);
    process.env.BIGDD_WEBHOOK_SECRET = secret;

    await engine().drain();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.status).toBe(200); // the verbatim reference route verified it
    expect(verifyReferenceSignature(secret, request!.headers, request!.body)).toBe(true);
    expect(verifyStandardWebhook(secret, request!.headers, request!.body)).toBe(true);
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "x-webhook-id": eventId,
      "webhook-id": eventId,
      "x-webhook-event": "digital_order.purchased",
    });
    expect(request!.headers["x-webhook-timestamp"]).toBe(request!.headers["webhook-timestamp"]);
    expect(
      Math.abs(Number(request!.headers["x-webhook-timestamp"]) - Date.now() / 1000),
    ).toBeLessThan(10);
    expect(request!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({
      id: eventId,
      type: "digital_order.purchased",
      api_version: "2026-11",
      data: {
        order: {
          id: order.id,
          name: order.name,
          gid: order.gid,
          currency: "USD",
          financial_status: "PAID",
          dl_access: "enabled",
          is_imported: false,
          customer: {
            id: customer.id,
            email: customer.email,
            firstname: "Jane",
            lastname: "Smith",
            gid: customer.gid,
            locale: "en",
          },
          lines: [
            {
              id: lines[0]!.id,
              delivering_type: "REGULAR",
              quantity: 1,
              price_cents: 1900,
              digital_product: { id: product.id, name: "Preset Pack" },
              license_keys: [`PRESET-${lines[0]!.id.slice(-8).toUpperCase()}`],
            },
          ],
        },
      },
    });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivery).toMatchObject({
      status: "succeeded",
      attemptCount: 1,
      lastResponseStatus: 200,
      lockedBy: null,
    });
    const [attempt] = await attemptsOf(delivery!.id);
    expect(attempt).toMatchObject({
      attemptNumber: 1,
      responseStatus: 200,
      responseSnippet: "ok",
      error: null,
    });
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(0);
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
    expect(event!.dispatchedAt).not.toBeNull();
  });

  it("fans out only to enabled endpoints of the event's shop that subscribed to its type", async () => {
    const { shop, endpoint } = await shopWithEndpoint(["digital_order.purchased"]);
    const { endpoint: fileOnly } = await createWebhookEndpoint(shop.id, {
      name: "files",
      url: receiver.url,
      events: ["file.downloaded"],
    });
    const { endpoint: paused } = await createWebhookEndpoint(shop.id, {
      name: "paused",
      url: receiver.url,
      events: ["digital_order.purchased"],
    });
    await setWebhookEndpointEnabled(shop.id, paused.id, false);
    const otherShop = await shopWithEndpoint(["digital_order.purchased"]);

    const { eventId } = await purchasedEvent(shop);
    await engine().drain();
    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, eventId));
    expect(deliveries.map((d) => d.endpointId)).toEqual([endpoint.id]);
    expect(fileOnly.id).not.toBe(endpoint.id);
    expect(
      await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, otherShop.endpoint.id)),
    ).toHaveLength(0);
  });

  it("retries with backoff against a receiver that fails twice, then succeeds", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    process.env.BIGDD_WEBHOOK_SECRET = secret;
    receiver.behave(({ index }) =>
      index < 2 ? { status: 503, body: "x".repeat(5000) } : undefined,
    );
    const { eventId } = await purchasedEvent(shop);
    await engine().drain();

    expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    // Same event id on every attempt (the receiver's dedupe key), fresh signature each time.
    expect(new Set(receiver.requests.map((r) => r.headers["x-webhook-id"]))).toEqual(
      new Set([eventId]),
    );
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);

    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 3 });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => [a.attemptNumber, a.responseStatus, a.error])).toEqual([
      [1, 503, "HTTP 503"],
      [2, 503, "HTTP 503"],
      [3, 200, null],
    ]);
    expect(attempts[0]!.responseSnippet).toHaveLength(1024);
    const [after] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(after).toMatchObject({ consecutiveFailures: 0, enabled: true });
    expect(after!.lastSuccessAt).not.toBeNull();
  });

  it("schedules the next retry in the future with jitter when the schedule says so", async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    receiver.behave(() => ({ status: 500 }));
    await purchasedEvent(shop);
    const before = Date.now();
    await engine({ retryScheduleMs: [30_000], random: () => 1 }).drain();
    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 1, lastResponseStatus: 500 });
    const delay = delivery!.nextAttemptAt!.getTime() - before;
    expect(delay).toBeGreaterThan(30_000);
    expect(delay).toBeLessThanOrEqual(36_000 + 2_000); // +20 % jitter at random() = 1
  });

  it("disables the endpoint after consecutive failed deliveries, notifies the merchant, and resumes on re-enable", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    process.env.BIGDD_WEBHOOK_SECRET = secret;
    receiver.behave(() => ({ status: 500, body: "down" }));
    for (let i = 0; i < 3; i++) await purchasedEvent(shop);

    // 2 attempts per delivery; 2 exhausted deliveries in a row disable the endpoint.
    const failing = engine({ retryScheduleMs: [0], autoDisableAfter: 2, concurrency: 1 });
    await failing.drain();

    // Oldest due first: d1#1, d2#1, d3#1, d1#2 (exhausted), d2#2 (exhausted → disable).
    expect(receiver.requests).toHaveLength(5);
    const ep = await getWebhookEndpoint(shop.id, endpoint.id);
    expect(ep).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(ep.disabledReason).toMatch(/2 deliveries in a row failed every retry/);
    const statuses = (
      await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id))
    ).map((d) => d.status);
    expect(statuses.sort()).toEqual(["failed", "failed", "pending"]);

    const notices = await db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.shopId, shop.id), eq(emailMessages.kind, "merchant_notice")));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ toAddress: shop.email, status: "queued" });
    expect(notices[0]!.subject).toContain("CRM sync");
    expect(notices[0]!.payload).toMatchObject({
      notice: "webhook_endpoint_disabled",
      endpoint_id: endpoint.id,
    });
    expect(notices[0]!.bodyHtml).toContain("re-enable");

    // While disabled nothing is sent, even when the pending delivery is due.
    await failing.drain();
    expect(receiver.requests).toHaveLength(5);

    receiver.behave(undefined);
    await setWebhookEndpointEnabled(shop.id, endpoint.id, true);
    await engine().drain();
    expect(receiver.requests).toHaveLength(6);
    expect(receiver.requests[5]!.status).toBe(200);
    expect(
      (
        await db
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, endpoint.id))
      )
        .map((d) => d.status)
        .sort(),
    ).toEqual(["failed", "failed", "succeeded"]);
    expect(await getWebhookEndpoint(shop.id, endpoint.id)).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
    });
  });

  it("replays an event: same id and body, new attempt in the log", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    process.env.BIGDD_WEBHOOK_SECRET = secret;
    const { eventId } = await purchasedEvent(shop);
    await engine().drain();
    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));

    await replayWebhookDelivery(shop.id, delivery!.id);
    await engine().drain();
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(receiver.requests[1]!.headers["x-webhook-id"]).toBe(eventId);
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
    const detail = await getWebhookDelivery(shop.id, delivery!.id);
    expect(detail.attempts.map((a) => a.attemptNumber)).toEqual([1, 2]);
    expect(detail).toMatchObject({
      status: "succeeded",
      attemptCount: 2,
      eventType: "digital_order.purchased",
    });
    expect(detail.payload).toMatchObject({ id: eventId, api_version: "2026-11" });

    // To an endpoint created after the event: the replay creates its delivery.
    const { endpoint: later, secret: laterSecret } = await createWebhookEndpoint(shop.id, {
      name: "later",
      url: receiver.url,
      events: ["file.downloaded"],
    });
    process.env.BIGDD_WEBHOOK_SECRET = laterSecret;
    const { deliveryId } = await replayWebhookEvent(shop.id, later.id, eventId);
    await engine().drain();
    expect((await getWebhookDelivery(shop.id, deliveryId)).status).toBe("succeeded");

    const other = await createShop(db);
    await expect(replayWebhookDelivery(other.id, delivery!.id)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(replayWebhookEvent(other.id, endpoint.id, eventId)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("sends a test event with one attempt that does not count towards auto-disable", async () => {
    const { shop, endpoint, secret } = await shopWithEndpoint();
    process.env.BIGDD_WEBHOOK_SECRET = secret;
    const ok = await sendTestWebhookEvent(shop.id, endpoint.id);
    await engine().drain();
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ id: ok.eventId, type: "test" });
    expect(receiver.requests[0]!.status).toBe(200);

    receiver.behave(() => ({ status: 404, body: "no such route" }));
    const failed = await sendTestWebhookEvent(shop.id, endpoint.id);
    await engine().drain();
    expect(receiver.requests).toHaveLength(2); // no retries for a test
    const detail = await getWebhookDelivery(shop.id, failed.deliveryId);
    expect(detail).toMatchObject({ status: "failed", isTest: true, lastResponseStatus: 404 });
    expect(detail.attempts[0]).toMatchObject({
      responseStatus: 404,
      responseSnippet: "no such route",
    });
    expect(await getWebhookEndpoint(shop.id, endpoint.id)).toMatchObject({
      consecutiveFailures: 0,
      enabled: true,
    });
  });

  it("rotates the secret: during the grace period both secrets verify", async () => {
    const { shop, endpoint, secret: oldSecret } = await shopWithEndpoint();
    const { secret: newSecret, previousSecretExpiresAt } = await rotateWebhookEndpointSecret(
      shop.id,
      endpoint.id,
      {
        graceHours: 24,
      },
    );
    expect(newSecret).not.toBe(oldSecret);
    expect(previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    process.env.BIGDD_WEBHOOK_SECRET = newSecret;
    await purchasedEvent(shop);
    await engine().drain();

    const [request] = receiver.requests;
    expect(request!.status).toBe(200); // reference route, keyed with the new secret
    expect(request!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verifyStandardWebhook(newSecret, request!.headers, request!.body)).toBe(true);
    expect(verifyStandardWebhook(oldSecret, request!.headers, request!.body)).toBe(true);
    expect(verifyReferenceSignature(newSecret, request!.headers, request!.body)).toBe(true);
    expect(verifyReferenceSignature(oldSecret, request!.headers, request!.body)).toBe(false);

    // Grace over: the old secret no longer signs anything.
    await db
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await purchasedEvent(shop);
    await engine().drain();
    const second = receiver.requests[1]!;
    expect(second.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifyStandardWebhook(oldSecret, second.headers, second.body)).toBe(false);
    expect(verifyStandardWebhook(newSecret, second.headers, second.body)).toBe(true);
    expect((await getWebhookEndpoint(shop.id, endpoint.id)).previousSecretExpiresAt).toBeNull();
  });

  it("keeps a slow receiver from holding back a healthy one", async () => {
    const shop = await createShop(db);
    const slow = await startReceiver();
    try {
      slow.behave(() => ({ status: 200, delayMs: 1_500 }));
      receiver.behave(() => ({ status: 200 }));
      const { endpoint: slowEndpoint } = await createWebhookEndpoint(shop.id, {
        name: "slow",
        url: slow.url,
        events: ["digital_order.purchased"],
      });
      const { endpoint: fast } = await createWebhookEndpoint(shop.id, {
        name: "fast",
        url: receiver.url,
        events: ["digital_order.purchased"],
      });
      const { order } = await createOrder(db, shop, {
        products: [await createDigitalProduct(db, shop)],
      });
      const payload = await buildOrderPayload(db, shop.id, order.id);
      for (let i = 0; i < 6; i++)
        await recordWebhookEvent(db, shop.id, "digital_order.purchased", payload);

      const e = engine({ concurrency: 4, perEndpointConcurrency: 2 });
      const started = Date.now();
      const run = e.drain();
      await receiver.waitFor(6, 5_000);
      const fastDone = Date.now() - started;
      expect(fastDone).toBeLessThan(1_400); // before the slow receiver answered even once
      expect(slow.requests.length).toBeLessThanOrEqual(2); // capped per endpoint
      await run;
      expect(slow.requests).toHaveLength(6);
      const statuses = await db
        .select({ endpointId: webhookDeliveries.endpointId, status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.shopId, shop.id));
      expect(
        statuses.filter((s) => s.endpointId === fast.id && s.status === "succeeded"),
      ).toHaveLength(6);
      expect(
        statuses.filter((s) => s.endpointId === slowEndpoint.id && s.status === "succeeded"),
      ).toHaveLength(6);
    } finally {
      await slow.stop();
    }
  });

  it("never hands one delivery to two engines at once", async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    receiver.behave(() => ({ status: 200, delayMs: 50 }));
    const { order } = await createOrder(db, shop, {
      products: [await createDigitalProduct(db, shop)],
    });
    const payload = await buildOrderPayload(db, shop.id, order.id);
    for (let i = 0; i < 20; i++)
      await recordWebhookEvent(db, shop.id, "digital_order.purchased", payload);
    await Promise.all([
      engine({ concurrency: 3, perEndpointConcurrency: 3 }).drain(),
      engine({ concurrency: 3, perEndpointConcurrency: 3 }).drain(),
    ]);
    expect(receiver.requests).toHaveLength(20);
    expect(new Set(receiver.requests.map((r) => r.headers["x-webhook-id"])).size).toBe(20);
    const attempts = await db
      .select()
      .from(webhookDeliveryAttempts)
      .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookDeliveryAttempts.deliveryId))
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(attempts).toHaveLength(20);
  });

  it("lists an endpoint's deliveries newest first with a cursor", async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    for (let i = 0; i < 5; i++) await purchasedEvent(shop);
    await engine().drain();
    const first = await listWebhookDeliveries(shop.id, endpoint.id, { limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.pagination.hasMore).toBe(true);
    const second = await listWebhookDeliveries(shop.id, endpoint.id, {
      limit: 2,
      cursor: first.pagination.nextCursor!,
    });
    const third = await listWebhookDeliveries(shop.id, endpoint.id, {
      limit: 2,
      cursor: second.pagination.nextCursor!,
    });
    const ids = [...first.data, ...second.data, ...third.data].map((d) => d.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.pagination).toEqual({ hasMore: false, nextCursor: null });
    expect(ids).toEqual([...ids].sort().reverse());
    await expect(
      listWebhookDeliveries(shop.id, endpoint.id, { cursor: "garbage" }),
    ).rejects.toMatchObject({
      code: "invalid_cursor",
    });
    const other = await createShop(db);
    await expect(listWebhookDeliveries(other.id, endpoint.id)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
