/**
 * Requests signed the way Shopify signs them, so tests exercise the app's real
 * verification (`authenticate.webhook`, `authenticate.admin`, `authenticate.public.appProxy`)
 * instead of a bypass. Every signer here is proven against @shopify/shopify-api's own
 * validator in tests/unit/helpers/shopify-signing.test.ts — if Shopify's library changes
 * what it checks, those tests fail before any integration test gets confusing.
 *
 * No vitest imports: Playwright loads this file too.
 */
import { createHmac, randomUUID } from "node:crypto";
import { SignJWT } from "jose";

/** The app credentials every test uses (server env, signers, mocks). */
export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret";

/** Admin API version the signers put in webhook headers unless told otherwise. */
export const TEST_API_VERSION = "2025-10";

export interface SignWebhookOptions {
  /** Shopify topic as sent in the header, e.g. `orders/paid` or `app/uninstalled`. */
  topic: string;
  /** Shop domain, e.g. `handoff-test.myshopify.com`. */
  shop: string;
  /** Payload: an object is JSON-encoded; a string is signed byte for byte as given. */
  body: unknown;
  secret?: string;
  webhookId?: string;
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: Date;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  /** The exact bytes that were signed: send this, not a re-serialised payload. */
  body: string;
}

/**
 * Shopify signs the raw request body (base64 HMAC-SHA256 with the app secret).
 * `authenticate.webhook` also requires topic, shop domain, API version and webhook id
 * headers (400 when one is missing); event id and triggered-at are optional but real
 * deliveries carry them, and dedupe logic keys on the webhook id.
 */
export function signWebhook(options: SignWebhookOptions): SignedWebhook {
  const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const hmac = createHmac("sha256", options.secret ?? TEST_API_SECRET)
    .update(body, "utf8")
    .digest("base64");
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": hmac,
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-Api-Version": options.apiVersion ?? TEST_API_VERSION,
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": options.eventId ?? randomUUID(),
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
    },
  };
}

export interface SignSessionTokenOptions {
  /** Shop domain, e.g. `handoff-test.myshopify.com`. */
  shop: string;
  apiKey?: string;
  secret?: string;
  /** Shopify staff user id (the `sub` claim). */
  sub?: string;
  /** Admin session id (the `sid` claim). */
  sid?: string;
  /** Lifetime; Shopify's own tokens live 60 s. Negative values make an expired token. */
  expiresInSeconds?: number;
  /** Issue time (ms since epoch or Date); defaults to the current time. */
  now?: Date | number;
}

/**
 * A session token ("id token") as App Bridge would hand it to the app: HS256 with the
 * app secret and the claims `decodeSessionToken` reads. With token exchange
 * (`unstable_newEmbeddedAuthStrategy`) this alone opens admin routes, both as `id_token`
 * on a document URL and as `Authorization: Bearer` on data requests (stack-notes #3).
 */
export async function signSessionToken(options: SignSessionTokenOptions): Promise<string> {
  const nowMs = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + (options.expiresInSeconds ?? 60);
  return new SignJWT({
    dest: `https://${options.shop}`,
    sid: options.sid ?? randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${options.shop}/admin`)
    .setAudience(options.apiKey ?? TEST_API_KEY)
    .setSubject(options.sub ?? "1")
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.secret ?? TEST_API_SECRET));
}

/**
 * The `host` query parameter the Shopify admin adds to embedded app URLs: base64 of
 * `admin.shopify.com/store/<handle>`, padding stripped as Shopify sends it.
 */
export function shopifyHostParam(shop: string): string {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${handle}`).toString("base64").replace(/=+$/, "");
}

export type AppProxyParams = Record<string, string | number | ReadonlyArray<string | number>>;

/**
 * Query string of an app proxy request as Shopify forwards it. The signature is hex
 * HMAC-SHA256 over the `key=value` pairs sorted by key and joined with nothing, where a
 * repeated key contributes its values joined with `,` (exactly
 * `generateLocalHmac(…, "appProxy")` in @shopify/shopify-api). `timestamp` defaults to
 * now because the validator rejects anything more than 90 s off; `shop` must be given
 * by the caller because the app looks the shop up by it.
 */
export function signAppProxyQuery(
  params: AppProxyParams,
  secret: string = TEST_API_SECRET,
): string {
  const entries = Object.entries({ timestamp: Math.floor(Date.now() / 1000), ...params })
    .filter(([key]) => key !== "signature" && key !== "hmac")
    .map(([key, value]): [string, string[]] => [
      key,
      Array.isArray(value) ? value.map(String) : [String(value)],
    ]);
  // localeCompare, not `<`: that is the order Shopify's validator recomputes with.
  entries.sort(([a], [b]) => a.localeCompare(b));
  const message = entries.map(([key, values]) => `${key}=${values.join(",")}`).join("");
  const signature = createHmac("sha256", secret).update(message, "utf8").digest("hex");

  const query = new URLSearchParams();
  for (const [key, values] of entries) for (const value of values) query.append(key, value);
  query.append("signature", signature);
  return query.toString();
}
