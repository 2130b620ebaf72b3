import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, preparedPerDb } from "~/db/client.server";
import { apiTokens, shops, type ApiAccess, type ShopStatus } from "~/db/schema";

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

/**
 * The token behind `Authorization: Bearer …`, or null for missing, malformed, unknown
 * and revoked tokens alike. Looks the row up by public id and compares SHA-256 of the
 * secret in constant time. Shop status is returned, not judged: that is a 403, not a 401.
 */
export async function verifyApiToken(token: string | null): Promise<VerifiedApiToken | null> {
  const match = token ? TOKEN_PATTERN.exec(token) : null;
  const publicId = match?.[1] ?? "";
  const presentedHash = Buffer.from(hashTokenSecret(match?.[2] ?? "x"), "hex");
  const [row] = match ? await tokenLookup(getDb()).execute({ publicId }) : [];
  const storedHash = Buffer.from(row?.secretHash ?? DUMMY_HASH, "hex");
  const sameLength = storedHash.length === presentedHash.length;
  const equal = timingSafeEqual(sameLength ? storedHash : presentedHash, presentedHash);
  if (!row || !match || !sameLength || !equal || row.revokedAt) return null;
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

/** Bumps `last_used_at` at most once a minute per token: a write per request would cost more than the request. */
export async function touchApiToken(
  shopId: string,
  tokenId: string,
  lastUsedAt: Date | null,
): Promise<void> {
  if (lastUsedAt && Date.now() - lastUsedAt.getTime() < 60_000) return;
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
