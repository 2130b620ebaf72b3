import { randomBytes } from "node:crypto";
import { monotonicFactory } from "ulidx";

/**
 * Type prefixes of every id we mint. Ids are opaque to API clients, but the prefix makes
 * a pasted id self-describing in logs and support tickets (`ord_…` vs `file_…`).
 */
export const ID_PREFIX = {
  shop: "shop",
  apiToken: "tok",
  idempotency: "idem",
  file: "file",
  upload: "upl",
  job: "job",
  digitalProduct: "prod",
  productLink: "plink",
  customer: "cust",
  order: "ord",
  orderLine: "line",
  licenseKey: "key",
  downloadLink: "dl",
  downloadEvent: "dev",
  webhookEndpoint: "whe",
  webhookEvent: "evt",
  webhookDelivery: "whd",
  deliveryAttempt: "wha",
  email: "eml",
  shopifyWebhookReceipt: "swr",
} as const;

export type IdKind = keyof typeof ID_PREFIX;
export type IdPrefix = (typeof ID_PREFIX)[IdKind];
export type PrefixedId<P extends IdPrefix = IdPrefix> = `${P}_${string}`;

// Monotonic: ids minted in the same millisecond still sort in creation order, so the
// API's default sort `-id` really is "newest first" even for a 5,000-key batch insert.
const nextUlid = monotonicFactory();

/**
 * `${prefix}_${ulid}`, lowercase. A ULID is a 48-bit ms timestamp plus 80 random bits in
 * Crockford base32; lowercasing keeps byte order (digits still sort before letters), so
 * `ORDER BY id` is creation order across processes to the millisecond.
 */
export function newId<P extends IdPrefix>(prefix: P): PrefixedId<P> {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

const ULID_BODY = "[0-9a-hjkmnp-tv-z]{26}";

/** True when `value` looks like an id we minted with `prefix` (cheap 404 before a query). */
export function isPrefixedId<P extends IdPrefix>(
  value: unknown,
  prefix: P,
): value is PrefixedId<P> {
  return typeof value === "string" && new RegExp(`^${prefix}_${ULID_BODY}$`).test(value);
}

/**
 * Unguessable URL-safe token (download links, order access tokens). 32 bytes = 256 bits,
 * far past brute force; base64url so it drops into a path segment without escaping.
 */
export function newSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
