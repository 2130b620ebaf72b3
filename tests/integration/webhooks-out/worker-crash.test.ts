import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { closeDb, getDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { webhookDeliveries, webhookDeliveryAttempts } from "~/db/schema";
import { buildOrderPayload } from "~/lib/webhooks-out/payloads.server";
import { createWebhookEndpoint } from "~/services/webhook-endpoints.server";
import { recordWebhookEvent } from "~/services/webhook-events.server";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import { createDigitalProduct, createOrder, createShop } from "../../helpers/factories";
import { startReceiver, type Receiver } from "../../unit/webhooks-out/receiver";

/**
 * kill -9 of a worker process in the middle of a webhook request: the delivery stays
 * `pending` with the dead worker's lock; once the lock is stale a new worker claims it
 * and the event arrives (at least once: the receiver sees the same event id twice).
 */

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

let database: TestDatabase;
let db: Db;
let receiver: Receiver;
const savedEnv = { ...process.env };
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase("handoff_webhooks_crash");
  process.env.DATABASE_URL = database.url;
  process.env.WEBHOOKS_ALLOW_LOCALHOST = "1";
  db = getDb();
  await runMigrations(db);
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await receiver?.stop();
  await closeDb();
  await database?.drop();
  process.env = savedEnv;
});

async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: "4",
      WEBHOOKS_ALLOW_LOCALHOST: "1",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("webhook-worker-ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`worker exited (${code}):\n${output}`)));
  });
  return child;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("worker crash mid-delivery", () => {
  it("delivers after kill -9 and a restart; nothing is lost", async () => {
    const shop = await createShop(db);
    const { endpoint, secret } = await createWebhookEndpoint(shop.id, {
      name: "crash",
      url: receiver.url,
      events: ["digital_order.purchased"],
    });
    process.env.BIGDD_WEBHOOK_SECRET = secret; // the receiver's verbatim reference route
    const { order } = await createOrder(db, shop, {
      products: [await createDigitalProduct(db, shop)],
    });
    const payload = await buildOrderPayload(db, shop.id, order.id);
    const eventIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      eventIds.push(
        await db.transaction((tx) =>
          recordWebhookEvent(tx, shop.id, "digital_order.purchased", payload),
        ),
      );
    }
    // The first event's request never gets an answer: the worker dies while waiting.
    const hungEvent = eventIds[0]!;
    receiver.behave(({ body }) => (body.includes(hungEvent) ? "hang" : undefined));

    const first = await startWorkerProcess();
    await until("four deliveries and one hung request", async () => {
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpoint.id));
      const hung = receiver.requests.some((r) => r.headers["x-webhook-id"] === hungEvent);
      return hung && rows.filter((r) => r.status === "succeeded").length === 4;
    });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));

    const [stuck] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, hungEvent));
    expect(stuck).toMatchObject({ status: "pending", attemptCount: 0 });
    expect(stuck!.lockedBy).toMatch(/webhooks/);
    expect(
      await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(eq(webhookDeliveryAttempts.deliveryId, stuck!.id)),
    ).toEqual([]);

    // The lock goes stale after 60 s; move it back instead of waiting a minute.
    await db
      .update(webhookDeliveries)
      .set({ lockedAt: sql`now() - interval '2 minutes'` })
      .where(eq(webhookDeliveries.id, stuck!.id));
    receiver.behave(undefined);
    const second = await startWorkerProcess();
    await until("the hung delivery to succeed", async () => {
      const [row] = await db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, stuck!.id));
      return row?.status === "succeeded";
    });
    second.kill("SIGTERM");

    const rows = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill("succeeded"));
    const received = receiver.requests.map((r) => r.headers["x-webhook-id"]);
    expect(new Set(received)).toEqual(new Set(eventIds));
    expect(received.filter((id) => id === hungEvent)).toHaveLength(2); // at least once, same id
    expect(
      receiver.requests.filter((r) => r.headers["x-webhook-id"] === hungEvent).at(-1)!.status,
    ).toBe(200);
  });
});
