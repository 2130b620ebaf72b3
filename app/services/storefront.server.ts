import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { customers, orders, shops } from "~/db/schema";

export interface ProxyDownloads {
  shop: string;
  customer: { gid: string } | null;
  orders: Array<{ name: string; created_at: string; download_page_path: string }>;
}

/**
 * What the app proxy shows a signed-in shopper: their orders with links to each order's
 * download page. Anonymous visitors get an empty list, never someone else's orders.
 */
export async function describeProxyRequest({
  shopDomain,
  loggedInCustomerId,
}: {
  shopDomain: string;
  loggedInCustomerId: string | null;
}): Promise<ProxyDownloads> {
  const empty: ProxyDownloads = { shop: shopDomain, customer: null, orders: [] };
  if (!loggedInCustomerId || !/^\d{1,20}$/.test(loggedInCustomerId)) return empty;
  const gid = `gid://shopify/Customer/${loggedInCustomerId}`;
  const rows = await getDb()
    .select({ name: orders.name, createdAt: orders.createdAt, accessToken: orders.accessToken })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .innerJoin(
      customers,
      and(eq(customers.id, orders.customerId), eq(customers.shopId, orders.shopId)),
    )
    .where(and(eq(shops.domain, shopDomain), eq(customers.gid, gid), isNull(customers.redactedAt)))
    .orderBy(desc(orders.createdAt))
    .limit(50);
  return {
    shop: shopDomain,
    customer: { gid },
    orders: rows.map((r) => ({
      name: r.name,
      created_at: r.createdAt.toISOString(),
      download_page_path: `/d/${r.accessToken}`,
    })),
  };
}
