import { sql } from "drizzle-orm";
import { getDb, queryRows } from "~/db/client.server";
import { env } from "~/lib/env.server";
import { ApiError, type ApiErrorCode } from "./errors";

/**
 * Fixed-window counters in Postgres (`rate_limit_counters`), so every web replica counts
 * against the same number. One upsert per request: `points + 1 … RETURNING points`.
 * Windows are aligned to the clock, so the key is `<scope>:<window start>` and old keys
 * simply expire (the worker's hourly purge deletes them).
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

export async function hitRateLimit(
  scope: string,
  limit: number,
  now = Date.now(),
): Promise<RateLimitState> {
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const windowEnd = windowStart + windowMs;
  const key = `${scope}:${windowStart / 1000}`;
  // Every request of a token updates the same row, so commits queue on its lock. With
  // synchronous_commit on, each would also wait for a WAL flush (~10 ms on a plain disk),
  // capping a token at ~100 requests/s. A counter lost in a crash is harmless, so this
  // one transaction skips the flush wait.
  const [row] = await getDb().transaction(async (tx) => {
    await tx.execute(sql`set local synchronous_commit = off`);
    return queryRows<{ points: number }>(
      tx,
      sql`insert into rate_limit_counters (key, points, expires_at)
          values (${key}, 1, ${new Date(windowEnd).toISOString()}::timestamptz)
          on conflict (key) do update set points = rate_limit_counters.points + 1
          returning points`,
    );
  });
  const points = Number(row?.points ?? 1);
  return {
    limit,
    remaining: Math.max(0, limit - points),
    resetSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
    allowed: points <= limit,
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
