import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { apiTokens } from "~/db/schema";

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
