import { and, eq, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "~/db/client.server";
import { webhookDeliveries, webhookEndpoints, webhookEvents, type JsonObject } from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import {
  isWebhookEventType,
  TEST_EVENT_TYPE,
  WEBHOOK_API_VERSION,
  type WebhookEventType,
} from "~/lib/webhooks-out/events";
import type { WebhookDownloadData, WebhookOrder } from "~/lib/webhooks-out/payloads.server";

/**
 * The outbox API. Services that change something a webhook reports call
 * `recordWebhookEvent(tx, …)` with THEIR transaction: the event exists iff the change
 * committed, and the worker delivers it afterwards (never from inside the request).
 *
 *   await db.transaction(async (tx) => {
 *     … mark the order delivered …
 *     await recordWebhookEvent(tx, shopId, "digital_order.delivered",
 *       await buildOrderPayload(tx, shopId, orderId));
 *   });
 */

/** The `data` object each event type carries (see docs/webhooks.md for examples). */
export interface WebhookEventData {
  "digital_order.purchased": { order: WebhookOrder };
  "digital_order.delivered": { order: WebhookOrder };
  "file.downloaded": WebhookDownloadData;
  "file.redownloaded": WebhookDownloadData;
}

export async function recordWebhookEvent<T extends WebhookEventType>(
  tx: DbOrTx,
  shopId: string,
  type: T,
  data: WebhookEventData[T],
): Promise<string> {
  // A typo in a caller's event name would otherwise sit in the outbox, matching nobody.
  if (!isWebhookEventType(type)) throw new Error(`unknown webhook event type: ${type}`);
  const [row] = await tx
    .insert(webhookEvents)
    .values({
      shopId,
      type,
      payload: data as unknown as JsonObject,
      apiVersion: WEBHOOK_API_VERSION,
    })
    .returning({ id: webhookEvents.id });
  return row!.id;
}

/**
 * "Send test event": a `test` event delivered to this endpoint only, with the same
 * headers and signatures as real events, one attempt (no retries), not counted towards
 * auto-disable. The result shows up in the endpoint's delivery log.
 */
export async function sendTestWebhookEvent(
  shopId: string,
  endpointId: string,
): Promise<{ eventId: string; deliveryId: string }> {
  return getDb().transaction(async (tx) => {
    const [endpoint] = await tx
      .select({ id: webhookEndpoints.id, enabled: webhookEndpoints.enabled })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)));
    if (!endpoint) throw notFound("webhook endpoint", "endpoint_id");
    if (!endpoint.enabled) {
      throw new ApiError(
        "validation_failed",
        "This endpoint is disabled. Enable it to send a test event.",
        { param: "endpoint_id" },
      );
    }
    const [event] = await tx
      .insert(webhookEvents)
      .values({
        shopId,
        type: TEST_EVENT_TYPE,
        isTest: true,
        apiVersion: WEBHOOK_API_VERSION,
        payload: {
          message: "This is a test event from Handoff. Your endpoint received and can verify it.",
          endpoint_id: endpoint.id,
        },
        // Not for fan-out: its one delivery is created right here.
        dispatchedAt: sql`now()`,
      })
      .returning({ id: webhookEvents.id });
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ shopId, endpointId: endpoint.id, eventId: event!.id })
      .returning({ id: webhookDeliveries.id });
    return { eventId: event!.id, deliveryId: delivery!.id };
  });
}
