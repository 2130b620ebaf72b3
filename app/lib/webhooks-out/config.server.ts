import { rootLogger } from "~/lib/request-context.server";
import type { UrlPolicy } from "./ssrf.server";

/**
 * `WEBHOOKS_ALLOW_LOCALHOST=1` (dev/test only): endpoints may be `http://localhost` /
 * `http://127.0.0.1` / `http://[::1]`, and loopback addresses pass the SSRF guard. Every
 * other private range stays refused. Ignored with NODE_ENV=production: in production it
 * would let any merchant make our servers call services bound to loopback.
 *
 * Read here rather than in env.server.ts because only the webhook sender uses it; it is
 * documented in .env.example and README like every other variable.
 */
export function webhookUrlPolicy(
  source: Record<string, string | undefined> = process.env,
): UrlPolicy {
  return localhostUrlPolicy("WEBHOOKS_ALLOW_LOCALHOST", source);
}

const warned = new Set<string>();

/**
 * The SSRF policy an `…_ALLOW_LOCALHOST` variable asks for: loopback allowed when it is
 * 1/true/yes, except with NODE_ENV=production, where it is ignored with a warning (once).
 * Shared by outgoing webhooks and remote ingest.
 */
export function localhostUrlPolicy(
  variable: string,
  source: Record<string, string | undefined> = process.env,
): UrlPolicy {
  const requested = ["1", "true", "yes"].includes((source[variable] ?? "").toLowerCase());
  if (requested && source.NODE_ENV === "production") {
    if (!warned.has(variable)) {
      warned.add(variable);
      rootLogger.warn(`${variable} is ignored with NODE_ENV=production`);
    }
    return { allowLocalhost: false };
  }
  return { allowLocalhost: requested };
}
