/**
 * `npm run bench -- webhooks`: 10,000 events to 5 local receivers (3 healthy, 1 slow,
 * 1 failing), committed at a steady rate into the outbox of a fresh Postgres database
 * and delivered by the same engine + periodic tick the worker runs (in this process,
 * default settings: 8 requests in flight, 2 per endpoint). Reports sustained healthy
 * deliveries per second, lag from commit to receipt at the healthy receivers (p50/p95/
 * max), and how far the slow and failing receivers got meanwhile: proof that they do not
 * hold back the healthy ones. Traffic goes to 127.0.0.1 only.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { count, eq, sql } from "drizzle-orm";
import { closeDb, createDb } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "~/db/schema";
import { createDeliveryEngine } from "~/lib/webhooks-out/dispatcher.server";
import { WEBHOOK_API_VERSION } from "~/lib/webhooks-out/events";
import { generateWebhookSecret } from "~/lib/webhooks-out/signing";
import { createTestDatabase } from "../tests/helpers/database";
import { createShop } from "../tests/helpers/factories";
import { percentile } from "./_stats";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENT_RATE ?? 250);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 2_000);
const DEADLINE_MS = 8 * 60_000;

interface Receiver {
  name: string;
  url: string;
  received: Map<string, number>;
  requests: number;
  server: http.Server;
}

async function startReceiver(
  name: string,
  answer: (res: http.ServerResponse) => void,
): Promise<Receiver> {
  const received = new Map<string, number>();
  const receiver = { name, url: "", received, requests: 0 } as Receiver;
  receiver.server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      receiver.requests++;
      const id = String(req.headers["x-webhook-id"]);
      if (!received.has(id)) received.set(id, Date.now());
      answer(res);
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hook`;
  return receiver;
}

export default async function webhooksBench() {
  process.env.WEBHOOKS_ALLOW_LOCALHOST = "1";
  const database = await createTestDatabase("handoff_bench_webhooks");
  const db = createDb({ databaseUrl: database.url, poolMax: 10 });
  const receivers: Receiver[] = [];
  let timer: NodeJS.Timeout | undefined;
  const engine = createDeliveryEngine(db);
  try {
    await runMigrations(db);
    const ok = (res: http.ServerResponse) => res.writeHead(200).end("ok");
    receivers.push(
      await startReceiver("healthy-1", ok),
      await startReceiver("healthy-2", ok),
      await startReceiver("healthy-3", ok),
      await startReceiver("slow", (res) => setTimeout(() => ok(res), SLOW_MS)),
      await startReceiver("failing", (res) => res.writeHead(500).end("down")),
    );
    const shop = await createShop(db);
    const endpointIds = new Map<string, string>();
    for (const r of receivers) {
      const [row] = await db
        .insert(webhookEndpoints)
        .values({
          shopId: shop.id,
          name: r.name,
          url: r.url,
          events: ["file.downloaded"],
          secret: generateWebhookSecret(),
        })
        .returning({ id: webhookEndpoints.id });
      endpointIds.set(r.name, row!.id);
    }

    // The worker's periodic task: tick every 500 ms.
    timer = setInterval(() => void engine.tick().catch((err) => console.error(err)), 500);

    const committedAt = new Map<string, number>();
    const started = Date.now();
    const batch = Math.max(1, Math.round(EVENTS_PER_SECOND / 10)); // one commit every 100 ms
    for (let done = 0; done < EVENTS; done += batch) {
      const n = Math.min(batch, EVENTS - done);
      const rows = await db.transaction((tx) =>
        tx
          .insert(webhookEvents)
          .values(
            Array.from({ length: n }, (_, i) => ({
              shopId: shop.id,
              type: "file.downloaded",
              apiVersion: WEBHOOK_API_VERSION,
              payload: {
                download: { id: `dev_bench_${done + i}` },
                file: null,
                order: null,
                customer: null,
              },
            })),
          )
          .returning({ id: webhookEvents.id }),
      );
      const now = Date.now();
      for (const { id } of rows) committedAt.set(id, now);
      const due = started + ((done + n) / EVENTS_PER_SECOND) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const committedMs = Date.now() - started;

    const healthy = receivers.slice(0, 3);
    while (healthy.some((r) => r.received.size < EVENTS) && Date.now() - started < DEADLINE_MS) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const healthyDoneMs = Date.now() - started;
    const slow = receivers[3]!;
    const failing = receivers[4]!;
    const slowAtHealthyDone = slow.received.size;
    const failingAtHealthyDone = failing.requests;

    const lags = healthy.flatMap((r) =>
      [...r.received].map(([id, at]) => at - (committedAt.get(id) ?? at)),
    );
    const healthyDelivered = healthy.reduce((sum, r) => sum + r.received.size, 0);
    const pending = await db
      .select({
        endpointId: webhookDeliveries.endpointId,
        status: webhookDeliveries.status,
        n: count(),
      })
      .from(webhookDeliveries)
      .groupBy(webhookDeliveries.endpointId, webhookDeliveries.status);
    const nameOf = new Map([...endpointIds].map(([name, id]) => [id, name]));
    const [{ undispatched } = { undispatched: 0 }] = await db
      .select({ undispatched: sql<number>`count(*)::int` })
      .from(webhookEvents)
      .where(sql`${webhookEvents.dispatchedAt} is null`);
    const [failingEndpoint] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpointIds.get("failing")!));

    return {
      events: EVENTS,
      event_commit_rate_per_second: EVENTS_PER_SECOND,
      receivers: "3 healthy (200 at once), 1 slow (200 after " + SLOW_MS + " ms), 1 failing (500)",
      engine: "1 process, default settings (8 in flight, 2 per endpoint), tick every 500 ms",
      seconds_to_commit_all_events: committedMs / 1000,
      healthy: {
        delivered: healthyDelivered,
        all_delivered: healthyDelivered === 3 * EVENTS,
        seconds_to_last_delivery: healthyDoneMs / 1000,
        deliveries_per_second: Math.round((healthyDelivered / (healthyDoneMs / 1000)) * 10) / 10,
        lag_ms_commit_to_receipt: {
          p50: percentile(lags, 50),
          p95: percentile(lags, 95),
          max: percentile(lags, 100),
        },
      },
      slow_receiver: { delivered_while_healthy_finished: slowAtHealthyDone },
      failing_receiver: {
        attempts_while_healthy_finished: failingAtHealthyDone,
        consecutive_failed_deliveries: failingEndpoint?.consecutiveFailures,
        note: "first attempts fail fast; retries are 30 s+ away, so it holds no slots",
      },
      undispatched_events_left: undispatched,
      deliveries_by_endpoint_and_status: pending.map((p) => ({
        endpoint: nameOf.get(p.endpointId),
        status: p.status,
        n: p.n,
      })),
    };
  } finally {
    clearInterval(timer);
    await engine.stop();
    for (const r of receivers) {
      r.server.closeAllConnections();
      await new Promise((resolve) => r.server.close(resolve));
    }
    await closeDb(db);
    await database.drop();
  }
}
