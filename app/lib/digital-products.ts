/**
 * Limits and formats of a digital product's fields, shared by the service (validation),
 * the public API contract (OpenAPI) and the admin editor (inline hints). Client-safe.
 */

export const PRODUCT_GID_PATTERN = /^gid:\/\/shopify\/Product\/[1-9]\d{0,19}$/;
export const VARIANT_GID_PATTERN = /^gid:\/\/shopify\/ProductVariant\/[1-9]\d{0,19}$/;

export const PRODUCT_LIMITS = {
  name: 200,
  variants: 100,
  files: 100,
  links: 20,
  linkTitle: 200,
  linkUrl: 2048,
  licenseKeyTag: 100,
  stampingTemplate: 500,
  maxDownloads: 1_000_000,
  downloadIn: 100_000,
  lowStockThreshold: 1_000_000,
} as const;

/** True for an IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
