import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { idempotencyRecords } from "~/db/schema";
import { ApiError } from "./errors";

/**
 * `Idempotency-Key` for every non-GET (Stripe/Medusa semantics), in Postgres so replicas
 * share it:
 * - first request with a key inserts a locked row (unique `(shop_id, key)`) and runs;
 *   its response is stored and replayed for 24 h;
 * - same key + same method, path and body → the stored response, `Idempotent-Replayed: true`;
 * - same key + anything different → 422 `idempotency_key_reused`;
 * - same key while the first is still running → 409 `idempotency_request_in_progress`.
 * Requests rejected before the handler runs (auth, validation, rate limit) store nothing;
 * a 5xx releases the key so the client can retry.
 */

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A lock older than this belongs to a crashed request; a retry may take the key over. */
const STALE_LOCK_MS = 5 * 60_000;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function parseIdempotencyKey(raw: string | null): string | null {
  if (raw === null) return null;
  if (!KEY_PATTERN.test(raw)) {
    throw new ApiError(
      "idempotency_key_invalid",
      "Idempotency-Key must be 1–255 printable ASCII characters without spaces.",
      { param: IDEMPOTENCY_KEY_HEADER },
    );
  }
  return raw;
}

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n`).update(body).digest("hex");
}

export async function withIdempotency(
  input: {
    shopId: string;
    tokenId: string;
    key: string;
    method: string;
    path: string;
    hash: string;
  },
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const db = getDb();
  for (let attempt = 0; attempt < 3; attempt++) {
    const [claimed] = await db
      .insert(idempotencyRecords)
      .values({
        shopId: input.shopId,
        apiTokenId: input.tokenId,
        key: input.key,
        method: input.method,
        path: input.path,
        requestHash: input.hash,
        lockedAt: sql`now()`,
      })
      .onConflictDoNothing({ target: [idempotencyRecords.shopId, idempotencyRecords.key] })
      .returning({ id: idempotencyRecords.id });

    if (claimed) {
      let response: StoredResponse;
      try {
        response = await run();
      } catch (error) {
        await db.delete(idempotencyRecords).where(eq(idempotencyRecords.id, claimed.id));
        throw error;
      }
      if (response.status >= 500) {
        await db.delete(idempotencyRecords).where(eq(idempotencyRecords.id, claimed.id));
      } else {
        await db
          .update(idempotencyRecords)
          .set({
            lockedAt: null,
            responseStatus: response.status,
            responseHeaders: response.headers,
            responseBody: response.body,
          })
          .where(eq(idempotencyRecords.id, claimed.id));
      }
      return { ...response, replayed: false };
    }

    const [existing] = await db
      .select()
      .from(idempotencyRecords)
      .where(
        and(eq(idempotencyRecords.shopId, input.shopId), eq(idempotencyRecords.key, input.key)),
      )
      .limit(1);
    if (!existing) continue; // deleted between our insert and select: try again
    const expired = existing.expiresAt.getTime() <= Date.now();
    const stale =
      existing.responseStatus === null &&
      existing.lockedAt !== null &&
      Date.now() - existing.lockedAt.getTime() > STALE_LOCK_MS;
    if (expired || stale) {
      // Only the request that deletes the row may retry the claim; others see it gone.
      await db
        .delete(idempotencyRecords)
        .where(
          and(
            eq(idempotencyRecords.id, existing.id),
            expired
              ? lt(idempotencyRecords.expiresAt, sql`now()`)
              : lt(idempotencyRecords.lockedAt, sql`now() - interval '5 minutes'`),
          ),
        );
      continue;
    }
    if (existing.requestHash !== input.hash) {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
        { param: IDEMPOTENCY_KEY_HEADER },
      );
    }
    if (existing.responseStatus === null) {
      throw new ApiError(
        "idempotency_request_in_progress",
        "A request with this Idempotency-Key is still being processed. Retry in a moment to get its result.",
        { param: IDEMPOTENCY_KEY_HEADER, headers: { "Retry-After": "1" } },
      );
    }
    return {
      status: existing.responseStatus,
      headers: existing.responseHeaders ?? {},
      body: existing.responseBody ?? "",
      replayed: true,
    };
  }
  throw new ApiError(
    "idempotency_request_in_progress",
    "A request with this Idempotency-Key is still being processed. Retry in a moment.",
    { param: IDEMPOTENCY_KEY_HEADER, headers: { "Retry-After": "1" } },
  );
}
