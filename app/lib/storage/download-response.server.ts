import { shopperLocale, shopperStrings } from "~/lib/shopper-strings";
import type { DownloadOutcome, DownloadRequest, RefusalReason } from "~/services/downloads.server";
import { pacedBody } from "./http.server";

/** Request → the facts a download service needs; outcome → the HTTP response. */

export function downloadRequestFrom(request: Request, ipHash: string | null): DownloadRequest {
  return {
    method: request.method === "HEAD" ? "HEAD" : "GET",
    range: request.headers.get("range"),
    ifRange: request.headers.get("if-range"),
    ipHash,
    userAgent: request.headers.get("user-agent"),
  };
}

const REFUSAL_STATUS: Record<RefusalReason, number> = {
  not_found: 404,
  disabled: 403,
  revoked: 403,
  expired: 410,
  scheduled: 403,
  awaiting_keys: 403,
  awaiting_files: 403,
  pending: 403,
  limit_reached: 403,
};

const NO_STORE = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };

export function downloadResponse(outcome: DownloadOutcome, request: Request): Response {
  if (outcome.kind === "refused") {
    const locale = shopperLocale(null, request.headers.get("accept-language"));
    const message = shopperStrings(locale).refusals[outcome.reason];
    return new Response(request.method === "HEAD" ? null : message, {
      status: REFUSAL_STATUS[outcome.reason],
      headers: {
        ...NO_STORE,
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Language": locale,
      },
    });
  }
  if (outcome.kind === "redirect") {
    return new Response(null, {
      status: 302,
      headers: { ...NO_STORE, Location: outcome.location },
    });
  }
  if (!outcome.body)
    return new Response(null, { status: outcome.status, headers: outcome.headers });
  return new Response(pacedBody(outcome.body, outcome.onDone), {
    status: outcome.status,
    headers: outcome.headers,
  });
}
