/**
 * Outgoing webhook event types and the envelope every delivery's body carries. The
 * envelope is versioned by `api_version`: a breaking change to a payload ships as a new
 * version, never as an edit of this one.
 */

export const WEBHOOK_API_VERSION = "2026-11";

/** Events a merchant can subscribe an endpoint to. */
export const WEBHOOK_EVENT_TYPES = [
  "digital_order.purchased",
  "digital_order.delivered",
  "file.downloaded",
  "file.redownloaded",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send test event", to the one endpoint it was sent from. */
export const TEST_EVENT_TYPE = "test";

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export interface WebhookEnvelope {
  /** `evt_…`: stable across retries and replays, the receiver's dedupe key. */
  id: string;
  type: string;
  created_at: string;
  api_version: string;
  data: Record<string, unknown>;
}

export function webhookEnvelope(event: {
  id: string;
  type: string;
  createdAt: Date;
  apiVersion: string;
  payload: Record<string, unknown>;
}): WebhookEnvelope {
  return {
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    api_version: event.apiVersion,
    data: event.payload,
  };
}
