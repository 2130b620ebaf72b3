import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, preparedPerDb, type Db } from "~/db/client.server";
import { listenForNotifications } from "~/db/notifications.server";
import { apiTokens, shops, type ApiAccess, type ShopStatus } from "~/db/schema";
import { ShopScopedCache } from "~/lib/shop-scoped-cache";

/**
 * Public API tokens: `hnd_live_<publicId>_<secret>`. Only the public id (the lookup key)
 * and a SHA-256 of the secret are stored. SHA-256 rather than a slow KDF is deliberate:
 * the secret is 256 random bits, so brute force is hopeless anyway, and every API request
 * verifies one; a slow hash would only add latency.
 */
export const API_TOKEN_PREFIX = "hnd_live_";

export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export interface CreatedApiToken {
  id: string;
  name: string;
  /** The full token: returned once, never stored, never shown again. */
  token: string;
  displayPrefix: string;
  createdAt: Date;
}

export async function createApiToken(
  shopId: string,
  { name, createdBy }: { name: string; createdBy?: string },
): Promise<CreatedApiToken> {
  const publicId = randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase();
  const secret = randomBytes(32).toString("base64url");
  const displayPrefix = `${API_TOKEN_PREFIX}${publicId}`;
  const [row] = await getDb()
    .insert(apiTokens)
    .values({
      shopId,
      name,
      publicId,
      secretHash: hashTokenSecret(secret),
      displayPrefix,
      createdBy,
    })
    .returning();
  return {
    id: row!.id,
    name: row!.name,
    token: `${displayPrefix}_${secret}`,
    displayPrefix,
    createdAt: row!.createdAt,
  };
}

export async function listApiTokens(shopId: string) {
  return getDb()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      displayPrefix: apiTokens.displayPrefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.shopId, shopId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes a token of this shop; the next request with it gets 401. False if none. */
export async function revokeApiToken(shopId: string, tokenId: string): Promise<boolean> {
  const rows = await getDb()
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(eq(apiTokens.shopId, shopId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

// `hnd_live_` + 12-char public id + `_` + 43-char base64url secret (see createApiToken).
const TOKEN_PATTERN = /^hnd_live_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
// Compared against when the token is malformed or unknown, so every failure does the
// same work (one hash, one constant-time compare) and answers in the same time class.
const DUMMY_HASH = hashTokenSecret("handoff-no-such-token");

// Every API request runs this query.
const tokenLookup = preparedPerDb((db) =>
  db
    .select({
      tokenId: apiTokens.id,
      secretHash: apiTokens.secretHash,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      shopId: shops.id,
      shopDomain: shops.domain,
      shopStatus: shops.status,
      apiAccess: shops.apiAccess,
      requireIdempotencyKey: shops.requireIdempotencyKey,
    })
    .from(apiTokens)
    .innerJoin(shops, eq(shops.id, apiTokens.shopId))
    .where(eq(apiTokens.publicId, sql.placeholder("publicId")))
    .limit(1)
    .prepare("verify_api_token"),
);

export interface VerifiedApiToken {
  tokenId: string;
  shopId: string;
  shopDomain: string;
  shopStatus: ShopStatus;
  apiAccess: ApiAccess;
  requireIdempotencyKey: boolean;
  lastUsedAt: Date | null;
}

type TokenRow = VerifiedApiToken & { secretHash: string };

/**
 * Verified tokens are cached per process, so most API calls skip the token query (a join
 * of api_tokens and shops, its mapping, its round trip). A trigger (migration 0007)
 * notifies `handoff_api_auth` with the shop id whenever a token is revoked or deleted or
 * the shop's status, API access, domain or Idempotency-Key setting changes; every
 * replica drops that shop's tokens when it hears it. Before a cached token is trusted,
 * the request waits for a shared barrier on the listening connection (see
 * app/db/notifications.server.ts), so a change committed before the request arrived is
 * always seen: revocation still takes effect on the very next request, on every
 * replica. Without a live LISTEN connection, and on PGlite, every call reads the
 * database. The TTL is a backstop only.
 */
export const API_AUTH_CHANNEL = "handoff_api_auth";
const TOKEN_CACHE_ENTRIES = 10_000;
const TOKEN_CACHE_TTL_MS = 60_000;

interface TokenCache {
  entries: ShopScopedCache<TokenRow>;
  /** True once every change committed before the call has been heard; false if unsure. */
  barrier: () => Promise<boolean>;
}
const tokenCaches = new WeakMap<Db, TokenCache>();

function tokenCacheFor(db: Db): TokenCache {
  let cache = tokenCaches.get(db);
  if (!cache) {
    const entries = new ShopScopedCache<TokenRow>(TOKEN_CACHE_ENTRIES, TOKEN_CACHE_TTL_MS);
    const feed = listenForNotifications(db, API_AUTH_CHANNEL, {
      onMessage: (shopId) =>
        shopId === "*" ? entries.invalidateAll() : entries.invalidateShop(shopId),
      onLive: () => entries.goLive(),
      onLost: () => entries.goDark(),
    });
    const barrier = async () => {
      if (!feed) return false;
      try {
        await feed.barrier();
        return true;
      } catch {
        return false;
      }
    };
    tokenCaches.set(db, (cache = { entries, barrier }));
  }
  return cache;
}

function sameHash(stored: string, presented: Buffer): boolean {
  const storedHash = Buffer.from(stored, "hex");
  const sameLength = storedHash.length === presented.length;
  const equal = timingSafeEqual(sameLength ? storedHash : presented, presented);
  return sameLength && equal;
}

function verified(row: TokenRow): VerifiedApiToken {
  return {
    tokenId: row.tokenId,
    shopId: row.shopId,
    shopDomain: row.shopDomain,
    shopStatus: row.shopStatus,
    apiAccess: row.apiAccess,
    requireIdempotencyKey: row.requireIdempotencyKey,
    lastUsedAt: row.lastUsedAt,
  };
}

/**
 * The token behind `Authorization: Bearer …`, or null for missing, malformed, unknown
 * and revoked tokens alike. Looks the row up by public id and compares SHA-256 of the
 * secret in constant time. Shop status is returned, not judged: that is a 403, not a 401.
 * A cached token whose secret does not match still goes to the database, so a wrong
 * secret costs the same as an unknown token (one timing class for every 401).
 */
export async function verifyApiToken(token: string | null): Promise<VerifiedApiToken | null> {
  const match = token ? TOKEN_PATTERN.exec(token) : null;
  const publicId = match?.[1] ?? "";
  const presentedHash = Buffer.from(hashTokenSecret(match?.[2] ?? "x"), "hex");
  const db = getDb();
  const cache = match ? tokenCacheFor(db) : undefined;
  const cached = cache?.entries.get(publicId);
  // Trusted only if it is still there once every change committed before now was heard.
  if (cached && sameHash(cached.secretHash, presentedHash) && (await cache!.barrier())) {
    if (cache!.entries.get(publicId) === cached) {
      const answer = verified(cached);
      // The caller bumps last_used_at when it is a minute old (touchApiToken); the cached
      // row must then look fresh, or every following request would bump it again.
      if (needsTouch(cached.lastUsedAt)) cached.lastUsedAt = new Date();
      return answer;
    }
  }

  const ticket = cache?.entries.ticket() ?? 0;
  const [row] = match ? await tokenLookup(db).execute({ publicId }) : [];
  const equal = sameHash(row?.secretHash ?? DUMMY_HASH, presentedHash);
  if (!row || !match || !equal || row.revokedAt) return null;
  cache?.entries.set(publicId, row, ticket);
  return verified(row);
}

const TOUCH_EVERY_MS = 60_000;
function needsTouch(lastUsedAt: Date | null): boolean {
  return !lastUsedAt || Date.now() - lastUsedAt.getTime() >= TOUCH_EVERY_MS;
}

/** Bumps `last_used_at` at most once a minute per token: a write per request would cost more than the request. */
export async function touchApiToken(
  shopId: string,
  tokenId: string,
  lastUsedAt: Date | null,
): Promise<void> {
  if (!needsTouch(lastUsedAt)) return;
  await getDb()
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.shopId, shopId),
        eq(apiTokens.id, tokenId),
        or(
          isNull(apiTokens.lastUsedAt),
          lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`),
        ),
      ),
    );
}

/**
 * Operator decision on a shop's API access (`npm run ops -- api-access …`). Returns the
 * shop's domain and access after the change, or null when no shop has that domain.
 */
export async function setShopApiAccess(
  domain: string,
  access: ApiAccess,
): Promise<{ domain: string; apiAccess: ApiAccess; status: ShopStatus } | null> {
  const [row] = await getDb()
    .update(shops)
    .set({ apiAccess: access })
    .where(eq(shops.domain, domain))
    .returning({ domain: shops.domain, apiAccess: shops.apiAccess, status: shops.status });
  return row ?? null;
}

export async function getShopApiAccess(domain: string) {
  const [row] = await getDb()
    .select({
      domain: shops.domain,
      apiAccess: shops.apiAccess,
      requestedAt: shops.apiAccessRequestedAt,
      status: shops.status,
    })
    .from(shops)
    .where(eq(shops.domain, domain))
    .limit(1);
  if (!row) return null;
  const tokens = await getDb()
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .innerJoin(shops, eq(shops.id, apiTokens.shopId))
    .where(and(eq(shops.domain, domain), isNull(apiTokens.revokedAt)));
  return { ...row, activeTokens: tokens.length };
}

/**
 * The merchant asks the operator for API access (Settings → API). Only a `pending` shop
 * can ask; asking again just refreshes the date. Returns the shop's access afterwards.
 */
export async function requestApiAccess(
  shopId: string,
): Promise<{ apiAccess: ApiAccess; requestedAt: Date | null }> {
  const db = getDb();
  await db
    .update(shops)
    .set({ apiAccessRequestedAt: sql`now()` })
    .where(and(eq(shops.id, shopId), eq(shops.apiAccess, "pending")));
  const [row] = await db
    .select({ apiAccess: shops.apiAccess, requestedAt: shops.apiAccessRequestedAt })
    .from(shops)
    .where(eq(shops.id, shopId))
    .limit(1);
  if (!row) throw new Error(`shop ${shopId} not found`);
  return row;
}
