/**
 * CORS for storefront-facing endpoints. Only a shop's own storefront origins may read the
 * answer from a browser: `https://<shop>.myshopify.com` and the custom domains the merchant
 * configured (`shops.storefront_origins`). No credentials are ever allowed: the storefront
 * endpoint's capability is the order token in the URL, not a cookie.
 */

export interface ShopOrigins {
  domain: string;
  storefrontOrigins: readonly string[];
}

const ALLOWED_REQUEST_HEADERS = ["accept", "content-type", "x-requested-with"];

/** `https://shop.example.com` from any spelling of an origin or URL; null when not one. */
export function normalizeOrigin(value: string | null | undefined): string | null {
  if (!value || value === "null" || value.length > 300) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (url.username || url.password) return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/** Every origin a shop's storefront is served from (always https). */
export function storefrontOriginsOf(shop: ShopOrigins): string[] {
  const origins = new Set<string>([`https://${shop.domain.toLowerCase()}`]);
  for (const configured of shop.storefrontOrigins) {
    const origin = normalizeOrigin(configured);
    if (origin?.startsWith("https://")) origins.add(origin);
  }
  return [...origins];
}

export function isStorefrontOrigin(shop: ShopOrigins, origin: string | null): boolean {
  const normalized = normalizeOrigin(origin);
  return normalized !== null && storefrontOriginsOf(shop).includes(normalized);
}

/**
 * Headers for an actual (non-preflight) response. `allowedOrigin` is the request's Origin
 * when it belongs to the shop, else null (then the browser keeps the body from the page).
 * `Vary: Origin` always, so a shared cache never hands one storefront's grant to another.
 */
export function corsHeaders(allowedOrigin: string | null): Record<string, string> {
  const headers: Record<string, string> = { Vary: "Origin" };
  if (allowedOrigin) {
    headers["Access-Control-Allow-Origin"] = allowedOrigin;
    headers["Access-Control-Expose-Headers"] =
      "Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id";
  }
  return headers;
}

/** Headers for an OPTIONS preflight; without an allowed origin the browser refuses the call. */
export function preflightHeaders(
  allowedOrigin: string | null,
  requestedHeaders: string | null,
): Record<string, string> {
  const headers = corsHeaders(allowedOrigin);
  headers.Vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  if (!allowedOrigin) return headers;
  const asked = (requestedHeaders ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => ALLOWED_REQUEST_HEADERS.includes(h));
  headers["Access-Control-Allow-Methods"] = "GET, OPTIONS";
  if (asked.length > 0) headers["Access-Control-Allow-Headers"] = asked.join(", ");
  headers["Access-Control-Max-Age"] = "600";
  return headers;
}
