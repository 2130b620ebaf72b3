import { localhostUrlPolicy } from "~/lib/webhooks-out/config.server";
import type { UrlPolicy } from "~/lib/webhooks-out/ssrf.server";

/**
 * `INGEST_ALLOW_LOCALHOST=1` (dev/test only): remote ingest may fetch `http://localhost`,
 * `http://127.0.0.1` and `http://[::1]`, loopback addresses pass the SSRF guard, and the
 * host allowlist accepts `localhost` and `127.0.0.1`. Every other private range stays
 * refused. Ignored with NODE_ENV=production, like WEBHOOKS_ALLOW_LOCALHOST: in
 * production it would let any merchant make our servers read services bound to loopback.
 */
export function ingestUrlPolicy(
  source: Record<string, string | undefined> = process.env,
): UrlPolicy {
  return localhostUrlPolicy("INGEST_ALLOW_LOCALHOST", source);
}
