import { and, asc, desc, eq, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "~/db/client.server";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
  type WebhookDeliveryStatus,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";

/**
 * The delivery log the admin shows per endpoint ("See deliveries"), and "replay this
 * event". Every HTTP attempt is a `webhook_delivery_attempts` row: status, duration,
 * the first 1 KB of the answer, the error.
 */

export interface WebhookDeliverySummary {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  isTest: boolean;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
}

export interface WebhookDeliveryAttemptView {
  id: string;
  attemptNumber: number;
  attemptedAt: Date;
  responseStatus: number | null;
  durationMs: number | null;
  responseSnippet: string | null;
  error: string | null;
}

export interface WebhookDeliveryDetail extends WebhookDeliverySummary {
  /** The event's body as sent (`id`, `type`, `created_at`, `api_version`, `data`). */
  payload: Record<string, unknown>;
  attempts: WebhookDeliveryAttemptView[];
}

const listSchema = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  status: z.enum(["pending", "succeeded", "failed", "dead"]).optional(),
  /** An event type (`digital_order.purchased`, `test`…). */
  eventType: z.string().min(1).max(100).optional(),
});

interface Cursor {
  c: string;
  i: string;
}
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify({ c: createdAt.toISOString(), i: id })).toString("base64url");
}
function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
    if (
      typeof value.c !== "string" ||
      typeof value.i !== "string" ||
      Number.isNaN(Date.parse(value.c))
    ) {
      throw new Error("bad cursor");
    }
    return value;
  } catch {
    throw new ApiError("invalid_cursor", "The cursor is not valid.", { param: "cursor" });
  }
}

const summaryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  eventId: webhookDeliveries.eventId,
  eventType: webhookEvents.type,
  isTest: webhookEvents.isTest,
  status: webhookDeliveries.status,
  attemptCount: webhookDeliveries.attemptCount,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  lastResponseStatus: webhookDeliveries.lastResponseStatus,
  lastError: webhookDeliveries.lastError,
  createdAt: webhookDeliveries.createdAt,
};

/** Newest first, keyset-paged on `(created_at, id)` (the endpoint cursor index). */
export async function listWebhookDeliveries(
  shopId: string,
  endpointId: string,
  options: z.input<typeof listSchema> = {},
): Promise<{
  data: WebhookDeliverySummary[];
  pagination: { hasMore: boolean; nextCursor: string | null };
}> {
  const parsed = listSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError("validation_failed", issue.message, { param: issue.path.join(".") });
  }
  const { limit, cursor, status, eventType } = parsed.data;
  const after = cursor ? decodeCursor(cursor) : null;
  const db = getDb();
  const [endpoint] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)));
  if (!endpoint) throw notFound("webhook endpoint", "endpoint_id");

  const afterDate = after ? new Date(after.c) : null;
  const rows = await db
    .select(summaryColumns)
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.shopId, shopId),
        eq(webhookDeliveries.endpointId, endpointId),
        status ? eq(webhookDeliveries.status, status) : undefined,
        eventType ? eq(webhookEvents.type, eventType) : undefined,
        after && afterDate
          ? or(
              lt(webhookDeliveries.createdAt, afterDate),
              and(eq(webhookDeliveries.createdAt, afterDate), lt(webhookDeliveries.id, after.i)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const hasMore = rows.length > limit;
  return {
    data: page,
    pagination: {
      hasMore,
      nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null,
    },
  };
}

export async function getWebhookDelivery(
  shopId: string,
  deliveryId: string,
): Promise<WebhookDeliveryDetail> {
  const db = getDb();
  const [row] = await db
    .select({
      ...summaryColumns,
      eventCreatedAt: webhookEvents.createdAt,
      apiVersion: webhookEvents.apiVersion,
      data: webhookEvents.payload,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.id, deliveryId)));
  if (!row) throw notFound("webhook delivery", "delivery_id");
  const attempts = await db
    .select({
      id: webhookDeliveryAttempts.id,
      attemptNumber: webhookDeliveryAttempts.attemptNumber,
      attemptedAt: webhookDeliveryAttempts.attemptedAt,
      responseStatus: webhookDeliveryAttempts.responseStatus,
      durationMs: webhookDeliveryAttempts.durationMs,
      responseSnippet: webhookDeliveryAttempts.responseSnippet,
      error: webhookDeliveryAttempts.error,
    })
    .from(webhookDeliveryAttempts)
    .where(
      and(
        eq(webhookDeliveryAttempts.shopId, shopId),
        eq(webhookDeliveryAttempts.deliveryId, deliveryId),
      ),
    )
    .orderBy(asc(webhookDeliveryAttempts.attemptedAt), asc(webhookDeliveryAttempts.id));
  const { eventCreatedAt, apiVersion, data, ...summary } = row;
  return {
    ...summary,
    payload: {
      id: row.eventId,
      type: row.eventType,
      created_at: eventCreatedAt.toISOString(),
      api_version: apiVersion,
      data,
    },
    attempts,
  };
}

/**
 * "Replay this event" to one endpoint: the same event (same `evt_…` id, same body), sent
 * again now with fresh signatures. Reuses the endpoint's delivery of that event when
 * there is one (its log keeps every attempt) or creates it (an endpoint added later, or
 * one that was disabled when the event happened). A delivery that had already used all
 * its retries gets this one attempt; a pending one just moves its next attempt to now.
 */
export async function replayWebhookEvent(
  shopId: string,
  endpointId: string,
  eventId: string,
): Promise<{ deliveryId: string }> {
  return getDb().transaction(async (tx) => {
    const [endpoint] = await tx
      .select({ id: webhookEndpoints.id, enabled: webhookEndpoints.enabled })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)));
    if (!endpoint) throw notFound("webhook endpoint", "endpoint_id");
    if (!endpoint.enabled) {
      throw new ApiError(
        "validation_failed",
        "This endpoint is disabled. Enable it to replay events.",
        {
          param: "endpoint_id",
        },
      );
    }
    const [event] = await tx
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.shopId, shopId), eq(webhookEvents.id, eventId)));
    if (!event) throw notFound("webhook event", "event_id");
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ shopId, endpointId, eventId })
      .onConflictDoUpdate({
        target: [webhookDeliveries.endpointId, webhookDeliveries.eventId],
        set: { status: "pending", nextAttemptAt: sql`now()`, updatedAt: sql`now()` },
      })
      .returning({ id: webhookDeliveries.id });
    return { deliveryId: delivery!.id };
  });
}

/** `replayWebhookEvent` addressed by a delivery id, as the delivery log offers it. */
export async function replayWebhookDelivery(
  shopId: string,
  deliveryId: string,
): Promise<{ deliveryId: string }> {
  const [row] = await getDb()
    .select({ endpointId: webhookDeliveries.endpointId, eventId: webhookDeliveries.eventId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.shopId, shopId), eq(webhookDeliveries.id, deliveryId)));
  if (!row) throw notFound("webhook delivery", "delivery_id");
  return replayWebhookEvent(shopId, row.endpointId, row.eventId);
}
