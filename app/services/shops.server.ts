import { eq, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { sessions, shops, type Shop } from "~/db/schema";
import { env } from "~/lib/env.server";

/**
 * Shops are keyed by their myshopify domain everywhere Shopify talks to us; internally
 * every other table hangs off `shops.id`.
 */

export async function getShopByDomain(domain: string): Promise<Shop | null> {
  const [shop] = await getDb().select().from(shops).where(eq(shops.domain, domain)).limit(1);
  return shop ?? null;
}

/**
 * Called after Shopify auth (first install and every re-install). A re-install
 * reactivates the shop; API access starts `pending` when the operator approves shops
 * (API_ACCESS_MODE=approval) and is otherwise open, but an existing decision is kept.
 */
export async function recordShopInstall(domain: string): Promise<Shop> {
  const initialApiAccess = env().API_ACCESS_MODE === "approval" ? "pending" : "active";
  const [shop] = await getDb()
    .insert(shops)
    .values({ domain, name: domain.replace(/\.myshopify\.com$/, ""), apiAccess: initialApiAccess })
    .onConflictDoUpdate({
      target: shops.domain,
      set: { status: "active", uninstalledAt: null, installedAt: sql`now()` },
      // Only revive a shop that was uninstalled; a merely re-authenticated shop is untouched.
      setWhere: sql`${shops.status} <> 'active'`,
    })
    .returning();
  return shop ?? (await getShopByDomain(domain))!;
}

/**
 * app/uninstalled: the shop goes inactive (its API tokens then get 403) and its Shopify
 * sessions are dropped, since the access token they hold is now dead. Data stays until
 * Shopify's shop/redact arrives 48 h later. Safe to run twice.
 */
export async function markShopUninstalled(domain: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    await tx
      .update(shops)
      .set({ status: "uninstalled", uninstalledAt: sql`coalesce(${shops.uninstalledAt}, now())` })
      .where(eq(shops.domain, domain));
    await tx.delete(sessions).where(eq(sessions.shop, domain));
  });
}
