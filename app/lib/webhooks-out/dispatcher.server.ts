import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { queryRows, type Db, type DbTransaction } from "~/db/client.server";
import {
  emailMessages,
  shops,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  type NewWebhookDelivery,
  type WebhookEndpoint,
} from "~/db/schema";
import { openSecret } from "~/lib/secret-box.server";
import { rootLogger } from "~/lib/request-context.server";
import { webhookUrlPolicy } from "./config.server";
import { webhookEnvelope } from "./events";
import { sendWebhookRequest, type SendResult, type SocketConnector } from "./http-sender.server";
import { signatureHeaders } from "./signing";
import type { HostResolver, UrlPolicy } from "./ssrf.server";

/**
 * The delivery side of the outbox (see docs/webhooks.md, "How delivery works"):
 *
 * 1. fan-out: undispatched `webhook_events` → one `webhook_deliveries` row per enabled
 *    endpoint subscribed to the type (unique per endpoint+event, so a re-run is harmless);
 * 2. claim: due deliveries, at most `perEndpointConcurrency` per endpoint, with
 *    `FOR UPDATE SKIP LOCKED`, stamped `locked_at/locked_by`;
 * 3. send, then record the attempt and the delivery's next state in one transaction.
 *
 * A worker killed mid-request leaves its deliveries `pending` with a lock that goes stale
 * after `lockTimeoutMs`; any worker then claims them again. Delivery is at-least-once and
 * every request carries the event's stable id.
 *
 * This is a dedicated claim loop over `webhook_deliveries`, not the generic job queue: the
 * deliveries table already holds the retry state the merchant's delivery log shows, and
 * a slow receiver (10 s timeouts) must not occupy the generic worker's few slots.
 */

/** Delay before retry n (after failed attempt n), nominal; ±20 % jitter is applied. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  30_000, // 30 s
  120_000, // 2 min
  600_000, // 10 min
  1_800_000, // 30 min
  3_600_000, // 1 h
  7_200_000, // 2 h
  14_400_000, // 4 h
  28_800_000, // 8 h
  43_200_000, // 12 h
  43_200_000,
  43_200_000,
  43_200_000,
  43_200_000, // last retry ≈ 75 h (3.1 days) after the first attempt
];
/** Deliveries that exhaust every retry in a row before the endpoint is disabled. */
export const AUTO_DISABLE_AFTER_FAILED_DELIVERIES = 15;

export function retryDelayMs(
  attemptNumber: number,
  schedule: readonly number[] = RETRY_SCHEDULE_MS,
  random: () => number = Math.random,
): number | null {
  const nominal = schedule[attemptNumber - 1];
  if (nominal === undefined) return null;
  return Math.round(nominal * (0.8 + 0.4 * random()));
}

export interface DeliveryEngineOptions {
  /** Requests in flight per process. */
  concurrency?: number;
  /** Requests in flight per endpoint per process: a slow receiver gets no more than this. */
  perEndpointConcurrency?: number;
  retryScheduleMs?: readonly number[];
  autoDisableAfter?: number;
  /** A claim older than this is presumed dead (worker killed) and re-claimed. */
  lockTimeoutMs?: number;
  fanOutBatchSize?: number;
  timeoutMs?: number;
  policy?: UrlPolicy;
  resolver?: HostResolver;
  connector?: SocketConnector;
  random?: () => number;
  workerId?: string;
}

export interface DeliveryEngine {
  readonly workerId: string;
  /** Fan out new events, then fill free slots. What the periodic task runs. */
  tick(): Promise<void>;
  /** Turns up to one batch of undispatched events into deliveries; returns events handled. */
  fanOut(): Promise<number>;
  /** Claims due deliveries into free slots and starts them; returns how many it started. */
  fill(): Promise<number>;
  /** Runs fan-out and deliveries until nothing is due (tests, scripts). */
  drain(): Promise<void>;
  inFlight(): number;
  /** Waits for in-flight requests; starts nothing new afterwards. */
  stop(): Promise<void>;
}

type Outcome = "succeeded" | "retrying" | "failed" | "skipped";

export function createDeliveryEngine(db: Db, options: DeliveryEngineOptions = {}): DeliveryEngine {
  const concurrency = options.concurrency ?? 8;
  const perEndpoint = options.perEndpointConcurrency ?? 2;
  const schedule = options.retryScheduleMs ?? RETRY_SCHEDULE_MS;
  const maxAttempts = schedule.length + 1;
  const autoDisableAfter = options.autoDisableAfter ?? AUTO_DISABLE_AFTER_FAILED_DELIVERIES;
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  const fanOutBatchSize = options.fanOutBatchSize ?? 500;
  const random = options.random ?? Math.random;
  const workerId =
    options.workerId ?? `${hostname()}:${process.pid}:webhooks:${randomUUID().slice(0, 8)}`;
  const logger = rootLogger.child({ worker_id: workerId, component: "webhooks-out" });

  const running = new Map<string, Promise<Outcome>>();
  const busyByEndpoint = new Map<string, number>();
  let stopping = false;
  let fanOutRunning: Promise<number> | null = null;
  let filling: Promise<number> | null = null;
  let refillWanted = false;

  async function fanOutOnce(): Promise<number> {
    return db.transaction(async (tx) => {
      const events = await tx
        .select({
          id: webhookEvents.id,
          shopId: webhookEvents.shopId,
          type: webhookEvents.type,
          createdAt: webhookEvents.createdAt,
        })
        .from(webhookEvents)
        .where(isNull(webhookEvents.dispatchedAt))
        .orderBy(asc(webhookEvents.createdAt), asc(webhookEvents.id))
        .limit(fanOutBatchSize)
        .for("update", { skipLocked: true });
      if (events.length === 0) return 0;
      const shopIds = [...new Set(events.map((e) => e.shopId))];
      const endpoints = await tx
        .select({
          id: webhookEndpoints.id,
          shopId: webhookEndpoints.shopId,
          events: webhookEndpoints.events,
        })
        .from(webhookEndpoints)
        .where(and(inArray(webhookEndpoints.shopId, shopIds), eq(webhookEndpoints.enabled, true)))
        .orderBy(asc(webhookEndpoints.id));
      const rows: NewWebhookDelivery[] = [];
      for (const event of events) {
        for (const endpoint of endpoints) {
          if (endpoint.shopId !== event.shopId || !endpoint.events.includes(event.type)) continue;
          // Due at the event's own time: claims go oldest first, so per-endpoint order
          // follows event order (best effort) and lag is measured from the commit.
          rows.push({
            shopId: event.shopId,
            endpointId: endpoint.id,
            eventId: event.id,
            nextAttemptAt: event.createdAt,
          });
        }
      }
      for (let i = 0; i < rows.length; i += 1000) {
        await tx
          .insert(webhookDeliveries)
          .values(rows.slice(i, i + 1000))
          .onConflictDoNothing({
            target: [webhookDeliveries.endpointId, webhookDeliveries.eventId],
          });
      }
      await tx
        .update(webhookEvents)
        .set({ dispatchedAt: sql`now()` })
        .where(
          inArray(
            webhookEvents.id,
            events.map((e) => e.id),
          ),
        );
      return events.length;
    });
  }

  async function fanOut(): Promise<number> {
    if (fanOutRunning) return fanOutRunning;
    fanOutRunning = (async () => {
      let total = 0;
      // A burst of events (bulk import) is fanned out within one tick, batch by batch.
      for (let round = 0; round < 20; round++) {
        const n = await fanOutOnce();
        total += n;
        if (n < fanOutBatchSize) break;
      }
      return total;
    })().finally(() => {
      fanOutRunning = null;
    });
    return fanOutRunning;
  }

  async function claim(free: number): Promise<Array<{ id: string; endpoint_id: string }>> {
    const busy = [...busyByEndpoint.entries()].filter(([, n]) => n > 0);
    const busyValues =
      busy.length > 0
        ? sql.join(
            busy.map(([id, n]) => sql`(${id}::text, ${n}::int)`),
            sql`, `,
          )
        : sql`(null::text, 0)`;
    const lockSeconds = lockTimeoutMs / 1000;
    return queryRows<{ id: string; endpoint_id: string }>(
      db,
      sql`
        with candidates as (
          select c.id, c.endpoint_id, c.next_attempt_at,
                 row_number() over (partition by c.endpoint_id order by c.next_attempt_at, c.id) as rn
          from webhook_endpoints e
          cross join lateral (
            select d.id, d.endpoint_id, d.next_attempt_at
            from webhook_deliveries d
            where d.endpoint_id = e.id
              and d.status = 'pending'
              and d.next_attempt_at <= now()
              and (d.locked_at is null or d.locked_at < now() - make_interval(secs => ${lockSeconds}))
            order by d.next_attempt_at, d.id
            limit ${perEndpoint}
            for update of d skip locked
          ) c
          where e.enabled
        ), picked as (
          select c.id
          from candidates c
          left join (values ${busyValues}) as busy(endpoint_id, n) on busy.endpoint_id = c.endpoint_id
          where c.rn + coalesce(busy.n, 0) <= ${perEndpoint}
          order by c.next_attempt_at, c.id
          limit ${free}
        )
        update webhook_deliveries w
        set locked_at = now(), locked_by = ${workerId}, updated_at = now()
        from picked
        where w.id = picked.id
        returning w.id, w.endpoint_id`,
    );
  }

  async function fillOnce(): Promise<number> {
    const free = concurrency - running.size;
    if (stopping || free <= 0) return 0;
    const claimed = await claim(free);
    for (const { id, endpoint_id: endpointId } of claimed) {
      busyByEndpoint.set(endpointId, (busyByEndpoint.get(endpointId) ?? 0) + 1);
      const task = deliver(id)
        .catch((err): Outcome => {
          // The lock goes stale and another claim retries it: nothing is lost.
          logger.error({ err, delivery_id: id }, "webhook delivery crashed");
          return "skipped";
        })
        .finally(() => {
          running.delete(id);
          const left = (busyByEndpoint.get(endpointId) ?? 1) - 1;
          if (left > 0) busyByEndpoint.set(endpointId, left);
          else busyByEndpoint.delete(endpointId);
          if (!stopping) void fill().catch((err) => logger.error({ err }, "webhook claim failed"));
        });
      running.set(id, task);
    }
    return claimed.length;
  }

  async function fill(): Promise<number> {
    if (filling) {
      // The running fill loops once more and its total includes what that round starts.
      refillWanted = true;
      return filling;
    }
    filling = (async () => {
      let started = 0;
      do {
        refillWanted = false;
        started += await fillOnce();
      } while (refillWanted && !stopping);
      return started;
    })().finally(() => {
      filling = null;
    });
    return filling;
  }

  async function deliver(deliveryId: string): Promise<Outcome> {
    const [row] = await db
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, event: webhookEvents })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.lockedBy, workerId)));
    if (!row) return "skipped"; // deleted with its endpoint, or the lock was taken over
    const { delivery, endpoint, event } = row;
    if (!endpoint.enabled) {
      await db
        .update(webhookDeliveries)
        .set({ lockedAt: null, lockedBy: null })
        .where(
          and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.lockedBy, workerId)),
        );
      return "skipped";
    }

    const body = JSON.stringify(webhookEnvelope(event));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      ...signatureHeaders({
        messageId: event.id,
        timestamp,
        body,
        ...(await openEndpointSecrets(endpoint)),
      }),
      "x-webhook-event": event.type,
    };
    const result = await sendWebhookRequest({
      url: endpoint.url,
      body,
      headers,
      policy: options.policy ?? webhookUrlPolicy(),
      resolver: options.resolver,
      connector: options.connector,
      timeoutMs: options.timeoutMs,
    });
    const outcome = await recordAttempt(delivery, endpoint, event.isTest, result);
    const log = {
      delivery_id: delivery.id,
      event_id: event.id,
      endpoint_id: endpoint.id,
      status: result.status,
      duration_ms: result.durationMs,
      outcome,
    };
    if (result.ok) logger.debug(log, "webhook delivered");
    else logger.warn({ ...log, error: result.error }, "webhook attempt failed");
    return outcome;
  }

  async function recordAttempt(
    delivery: typeof webhookDeliveries.$inferSelect,
    endpoint: WebhookEndpoint,
    isTest: boolean,
    result: SendResult,
  ): Promise<Outcome> {
    const attemptNumber = delivery.attemptCount + 1;
    return db.transaction(async (tx) => {
      await tx.insert(webhookDeliveryAttempts).values({
        shopId: delivery.shopId,
        deliveryId: delivery.id,
        attemptNumber,
        responseStatus: result.status,
        durationMs: result.durationMs,
        responseSnippet: result.snippet,
        error: result.ok ? null : result.error,
      });
      const mine = and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.lockedBy, workerId),
      );
      const common = {
        attemptCount: attemptNumber,
        lastAttemptAt: sql`now()`,
        lastResponseStatus: result.status,
        lockedAt: null,
        lockedBy: null,
      };

      if (result.ok) {
        const updated = await tx
          .update(webhookDeliveries)
          .set({ ...common, status: "succeeded", lastError: null, nextAttemptAt: null })
          .where(mine)
          .returning({ id: webhookDeliveries.id });
        if (updated.length > 0) {
          await tx
            .update(webhookEndpoints)
            .set({ consecutiveFailures: 0, lastSuccessAt: sql`now()` })
            .where(eq(webhookEndpoints.id, endpoint.id));
        }
        return "succeeded";
      }

      // Test events get one attempt: the merchant is watching the log for its result.
      const delay = isTest ? null : retryDelayMs(attemptNumber, schedule, random);
      const exhausted = delay === null || attemptNumber >= maxAttempts;
      const updated = await tx
        .update(webhookDeliveries)
        .set({
          ...common,
          status: exhausted ? "failed" : "pending",
          lastError: result.error,
          nextAttemptAt: exhausted ? null : new Date(Date.now() + delay!),
        })
        .where(mine)
        .returning({ id: webhookDeliveries.id });
      if (updated.length === 0) return "skipped";
      await tx
        .update(webhookEndpoints)
        .set({ lastFailureAt: sql`now()` })
        .where(eq(webhookEndpoints.id, endpoint.id));
      if (exhausted && !isTest) await countFailedDelivery(tx, endpoint);
      return exhausted ? "failed" : "retrying";
    });
  }

  async function countFailedDelivery(tx: DbTransaction, endpoint: WebhookEndpoint): Promise<void> {
    const [counted] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, endpoint.id))
      .returning({ failures: webhookEndpoints.consecutiveFailures });
    if (!counted || counted.failures < autoDisableAfter) return;
    const reason = `Disabled automatically after ${counted.failures} deliveries in a row failed every retry.`;
    // Conditional on `enabled`, so of several workers crossing the line only one notifies.
    const [disabled] = await tx
      .update(webhookEndpoints)
      .set({ enabled: false, disabledAt: sql`now()`, disabledReason: reason })
      .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.enabled, true)))
      .returning();
    if (!disabled) return;
    logger.warn(
      { endpoint_id: endpoint.id, failures: counted.failures },
      "webhook endpoint disabled",
    );
    await queueDisabledNotice(tx, disabled, reason);
  }

  async function drain(): Promise<void> {
    for (;;) {
      const fanned = await fanOut();
      const started = await fill();
      if (running.size > 0) {
        await Promise.all(running.values());
        continue;
      }
      if (fanned === 0 && started === 0) return;
    }
  }

  return {
    workerId,
    async tick() {
      if (stopping) return;
      await fanOut();
      await fill();
    },
    fanOut,
    fill,
    drain,
    inFlight: () => running.size,
    async stop() {
      stopping = true;
      await Promise.allSettled([fanOutRunning, filling]);
      await Promise.allSettled(running.values());
    },
  };
}

/** The endpoint's signing secrets in plaintext (the columns hold them sealed). */
export async function openEndpointSecrets(
  endpoint: Pick<WebhookEndpoint, "secret" | "previousSecret" | "previousSecretExpiresAt">,
  now = new Date(),
): Promise<{ secret: string; previousSecret: string | null }> {
  const previous = activePreviousSecret(endpoint, now);
  return {
    secret: await openSecret("webhook_endpoint", endpoint.secret),
    previousSecret: previous === null ? null : await openSecret("webhook_endpoint", previous),
  };
}

/** The rotated-out secret while its grace period lasts, else null. */
export function activePreviousSecret(
  endpoint: Pick<WebhookEndpoint, "previousSecret" | "previousSecretExpiresAt">,
  now = new Date(),
): string | null {
  if (!endpoint.previousSecret || !endpoint.previousSecretExpiresAt) return null;
  return endpoint.previousSecretExpiresAt > now ? endpoint.previousSecret : null;
}

/**
 * The merchant's email about an auto-disabled endpoint, queued in `email_messages`
 * (kind `merchant_notice`) in the same transaction as the disable. Sending queued mail
 * belongs to the email feature; until it ships the row waits, like any outbox row.
 */
async function queueDisabledNotice(
  tx: DbTransaction,
  endpoint: WebhookEndpoint,
  reason: string,
): Promise<void> {
  const [shop] = await tx
    .select({ email: shops.email, name: shops.name, domain: shops.domain })
    .from(shops)
    .where(eq(shops.id, endpoint.shopId));
  if (!shop?.email) {
    rootLogger.warn({ endpoint_id: endpoint.id }, "auto-disabled endpoint: shop has no email");
    return;
  }
  const subject = `Webhook endpoint "${endpoint.name}" was disabled`;
  const text = [
    `Hello${shop.name ? ` ${shop.name}` : ""},`,
    "",
    `Handoff stopped sending webhooks to "${endpoint.name}" (${endpoint.url}).`,
    reason,
    "",
    "Pending deliveries are kept. Fix the receiver, then re-enable the endpoint in",
    "Handoff > Settings > Webhooks: delivery resumes where it stopped. Use the delivery",
    "log there to see each attempt's status and response.",
  ].join("\n");
  // Subject + HTML body make the row self-contained: the mail sender sends it as is.
  const html = text
    .split("\n\n")
    .map((paragraph) => `<p>${escapeHtml(paragraph).replaceAll("\n", "<br>")}</p>`)
    .join("\n");
  await tx.insert(emailMessages).values({
    shopId: endpoint.shopId,
    kind: "merchant_notice",
    toAddress: shop.email,
    subject,
    payload: {
      notice: "webhook_endpoint_disabled",
      endpoint_id: endpoint.id,
      endpoint_name: endpoint.name,
      endpoint_url: endpoint.url,
      reason,
    },
    bodyText: text,
    bodyHtml: html,
  });
}

function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

// One engine per database handle per process: the periodic task and shutdown share it.
const engines = new WeakMap<Db, DeliveryEngine>();
export function deliveryEngineFor(db: Db): DeliveryEngine {
  let engine = engines.get(db);
  if (!engine) {
    engine = createDeliveryEngine(db);
    engines.set(db, engine);
  }
  return engine;
}

/** Registered in app/lib/boot.server.ts next to the other periodic tasks. */
export const webhookPeriodicTasks = [
  {
    name: "webhooks-deliver",
    everyMs: 500,
    run: (db: Db) => deliveryEngineFor(db).tick(),
  },
];
