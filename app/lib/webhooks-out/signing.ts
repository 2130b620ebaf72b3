import { createHmac, randomBytes } from "node:crypto";

/**
 * Webhook signing secrets and signatures, in the two styles receivers verify:
 *
 * - the reference's (`X-Webhook-Signature`): hex HMAC-SHA256 keyed with the WHOLE
 *   `whsec_…` string, over `"<timestamp>.<raw body>"`;
 * - Standard Webhooks (`webhook-signature`): base64 HMAC-SHA256 keyed with the
 *   base64-DECODED bytes after `whsec_`, over `"<id>.<timestamp>.<raw body>"`, sent as
 *   `v1,<sig>` entries separated by spaces (one per active secret during a rotation).
 *
 * A secret is `whsec_` + base64 of 32 random bytes, so it is valid input for both.
 */

export const WEBHOOK_SECRET_PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

export function isWebhookSecret(value: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{43}=$/.test(value);
}

/** Hex signature for `X-Webhook-Signature` (the reference's verification code). */
export function referenceSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** One `v1,<base64>` entry of the Standard Webhooks `webhook-signature` header. */
export function standardSignature(
  secret: string,
  messageId: string,
  timestamp: number,
  body: string,
): string {
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), "base64");
  const signature = createHmac("sha256", key)
    .update(`${messageId}.${timestamp}.${body}`)
    .digest("base64");
  return `v1,${signature}`;
}

export interface SigningInput {
  messageId: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
  /** The endpoint's current secret: signs both headers. */
  secret: string;
  /** A rotated-out secret still inside its grace period: adds a second `v1,` entry. */
  previousSecret?: string | null;
}

/** Every header a delivery carries except `content-type`/`user-agent`. */
export function signatureHeaders(input: SigningInput): Record<string, string> {
  const { messageId, timestamp, body, secret, previousSecret } = input;
  const standard = [standardSignature(secret, messageId, timestamp, body)];
  if (previousSecret && previousSecret !== secret) {
    standard.push(standardSignature(previousSecret, messageId, timestamp, body));
  }
  return {
    "x-webhook-id": messageId,
    "x-webhook-timestamp": String(timestamp),
    "x-webhook-signature": referenceSignature(secret, timestamp, body),
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standard.join(" "),
  };
}
