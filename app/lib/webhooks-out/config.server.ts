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
  const requested = ["1", "true", "yes"].includes(
    (source.WEBHOOKS_ALLOW_LOCALHOST ?? "").toLowerCase(),
  );
  if (requested && source.NODE_ENV === "production") {
    warnOnce();
    return { allowLocalhost: false };
  }
  return { allowLocalhost: requested };
}

let warned = false;
function warnOnce() {
  if (warned) return;
  warned = true;
  rootLogger.warn("WEBHOOKS_ALLOW_LOCALHOST is ignored with NODE_ENV=production");
}
