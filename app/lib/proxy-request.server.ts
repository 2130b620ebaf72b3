/**
 * What Shopify adds to every app proxy request (all covered by the signature that
 * `authenticate.public.appProxy` has verified before this is read): the shop, the
 * signed-in customer (empty when anonymous) and the storefront path prefix.
 */
export interface ProxyContext {
  shopDomain: string;
  loggedInCustomerId: string | null;
  /** Where the proxy is mounted on the storefront, e.g. `/apps/handoff` (merchants can rename it). */
  pathPrefix: string;
  format: "liquid" | "json";
}

const DEFAULT_PATH_PREFIX = "/apps/handoff";
const PATH_PREFIX_PATTERN = /^\/(apps|a|community|tools)\/[A-Za-z0-9_-]{1,64}$/;

export function proxyContext(request: Request, sessionShop?: string): ProxyContext {
  const params = new URL(request.url).searchParams;
  const pathPrefix = params.get("path_prefix") ?? "";
  return {
    shopDomain: params.get("shop") ?? sessionShop ?? "",
    loggedInCustomerId: params.get("logged_in_customer_id") || null,
    pathPrefix: PATH_PREFIX_PATTERN.test(pathPrefix) ? pathPrefix : DEFAULT_PATH_PREFIX,
    format: params.get("format") === "json" ? "json" : "liquid",
  };
}
