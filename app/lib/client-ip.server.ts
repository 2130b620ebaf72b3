import { createHmac } from "node:crypto";
import { env } from "~/lib/env.server";
import { requestContext } from "~/lib/request-context.server";

/**
 * A keyed hash of the client address: enough to spot one address hammering a link,
 * without storing shoppers' IPs (personal data under GDPR).
 */
export function hashClientIp(): string | null {
  const address = requestContext()?.remoteAddress;
  if (!address) return null;
  return createHmac("sha256", env().SHOPIFY_API_SECRET).update(address).digest("hex").slice(0, 32);
}
