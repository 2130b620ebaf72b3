import { getDb } from "~/db/client.server";
import { env } from "~/lib/env.server";
import { ApiError, type ApiErrorCode } from "./errors";
import { SharedWindowCounter } from "./window-counter.server";

/**
 * Fixed-window rate limits (`rate_limit_counters`), shared by every web replica. Windows
 * are aligned to the clock, so the key is `<scope>:<window start>` and old keys simply
 * expire (the worker's hourly purge deletes them). Counting is batched per process and
 * exact near the limit: see `SharedWindowCounter`.
 */

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  allowed: boolean;
}

export const RATE_LIMIT_WINDOW_SECONDS = 60;

export function apiRateLimitPerMinute(): number {
  return env().API_RATE_LIMIT_PER_MINUTE;
}

export function uploadRateLimitPerMinute(): number {
  return env().API_UPLOAD_RATE_LIMIT_PER_MINUTE;
}

const counter = new SharedWindowCounter({ db: getDb });

export async function hitRateLimit(
  scope: string,
  limit: number,
  now = Date.now(),
): Promise<RateLimitState> {
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const windowEnd = windowStart + windowMs;
  const { points, allowed } = await counter.hit(`${scope}:${windowStart / 1000}`, windowEnd, limit);
  return {
    limit,
    remaining: Math.max(0, limit - points),
    resetSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
    allowed,
  };
}

/** The IETF draft `RateLimit-*` headers (and `Retry-After` when refused). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.resetSeconds),
  };
  if (!state.allowed) headers["Retry-After"] = String(state.resetSeconds);
  return headers;
}

export function rateLimitError(
  state: RateLimitState,
  code: Extract<ApiErrorCode, "rate_limited" | "upload_rate_limited">,
): ApiError {
  const message =
    code === "upload_rate_limited"
      ? `Too many uploads: at most ${state.limit} file uploads per minute per shop. Retry after ${state.resetSeconds} s.`
      : `Too many requests: at most ${state.limit} per minute for this token. Retry after ${state.resetSeconds} s.`;
  return new ApiError(code, message, { headers: rateLimitHeaders(state) });
}
