import { and, eq } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { customers } from "~/db/schema";
import { notFound } from "~/lib/api/errors";
import type { Page, PageRequest } from "~/lib/api/pagination";
import { listOrders, type OrderDetail } from "./orders.server";

/** `987654321`, `gid://shopify/Customer/987654321` (or its URL-encoded form) → the GID. */
export function normalizeCustomerGid(raw: string): string | null {
  let value = raw.trim();
  if (/%[0-9a-f]{2}/i.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  if (/^\d{1,20}$/.test(value)) return `gid://shopify/Customer/${value}`;
  if (/^gid:\/\/shopify\/Customer\/\d{1,20}$/.test(value)) return value;
  return null;
}

/** A customer's orders with every line's download events, newest first by default. */
export async function listCustomerDownloads(
  shopId: string,
  customerGid: string,
  page: PageRequest,
): Promise<Page<OrderDetail>> {
  const gid = normalizeCustomerGid(customerGid);
  if (!gid) throw notFound("customer", "customer_gid");
  const [customer] = await getDb()
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.shopId, shopId), eq(customers.gid, gid)))
    .limit(1);
  if (!customer) throw notFound("customer", "customer_gid");
  return listOrders(shopId, page, { customerId: customer.id }, ["downloads"]);
}
