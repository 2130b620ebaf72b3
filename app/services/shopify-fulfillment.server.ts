import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { orderLines, orders, shops } from "~/db/schema";
import { log } from "~/lib/request-context.server";
import { unauthenticated } from "~/shopify.server";

/**
 * "Mark digital items fulfilled in Shopify" (shop setting `auto_fulfill`): after delivery,
 * the delivered lines' open fulfillment-order items are fulfilled through the Admin
 * GraphQL API, without Shopify's own shipping notification (our email already went out).
 * Run by the worker as its own job, so Shopify being slow or down never blocks delivery.
 */

export const FULFILL_JOB_TYPE = "shopify.fulfill-digital-lines";

const FULFILLMENT_ORDERS_QUERY = `#graphql
  query DigitalFulfillmentOrders($id: ID!) {
    order(id: $id) {
      fulfillmentOrders(first: 20) {
        nodes {
          id
          status
          lineItems(first: 100) {
            nodes { id remainingQuantity lineItem { id } }
          }
        }
      }
    }
  }`;

const FULFILLMENT_CREATE_MUTATION = `#graphql
  mutation FulfillDigitalLines($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment { id status }
      userErrors { field message }
    }
  }`;

interface FulfillmentOrdersResponse {
  data?: {
    order?: {
      fulfillmentOrders?: {
        nodes: Array<{
          id: string;
          status: string;
          lineItems: {
            nodes: Array<{ id: string; remainingQuantity: number; lineItem: { id: string } }>;
          };
        }>;
      };
    } | null;
  };
}

interface FulfillmentCreateResponse {
  data?: {
    fulfillmentCreate?: {
      fulfillment: { id: string; status: string } | null;
      userErrors: Array<{ field: string[] | null; message: string }>;
    };
  };
}

const OPEN_STATUSES = new Set(["OPEN", "IN_PROGRESS", "SCHEDULED"]);

export async function fulfillDeliveredLines(db: Db, shopId: string, orderId: string) {
  const [row] = await db
    .select({ order: orders, shop: shops })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
  if (!row || !row.shop.autoFulfill || !row.order.gid)
    return { fulfilled: 0, skipped: "not applicable" };
  const delivered = await db
    .select({ gid: orderLines.gid })
    .from(orderLines)
    .where(
      and(
        eq(orderLines.orderId, orderId),
        isNotNull(orderLines.deliveredAt),
        eq(orderLines.accessStatus, "enabled"),
      ),
    );
  const wanted = new Set(delivered.map((l) => l.gid).filter((g): g is string => Boolean(g)));
  if (wanted.size === 0) return { fulfilled: 0, skipped: "no delivered lines" };

  const { admin } = await unauthenticated.admin(row.shop.domain);
  const response = await admin.graphql(FULFILLMENT_ORDERS_QUERY, {
    variables: { id: row.order.gid },
  });
  const json = (await response.json()) as FulfillmentOrdersResponse;
  const byFulfillmentOrder = (json.data?.order?.fulfillmentOrders?.nodes ?? [])
    .filter((fo) => OPEN_STATUSES.has(fo.status))
    .map((fo) => ({
      fulfillmentOrderId: fo.id,
      fulfillmentOrderLineItems: fo.lineItems.nodes
        .filter((item) => wanted.has(item.lineItem.id) && item.remainingQuantity > 0)
        .map((item) => ({ id: item.id, quantity: item.remainingQuantity })),
    }))
    .filter((group) => group.fulfillmentOrderLineItems.length > 0);
  if (byFulfillmentOrder.length === 0) return { fulfilled: 0, skipped: "nothing open in Shopify" };

  const created = await admin.graphql(FULFILLMENT_CREATE_MUTATION, {
    variables: {
      fulfillment: { lineItemsByFulfillmentOrder: byFulfillmentOrder, notifyCustomer: false },
    },
  });
  const result = (await created.json()) as FulfillmentCreateResponse;
  const errors = result.data?.fulfillmentCreate?.userErrors ?? [];
  if (errors.length > 0 || !result.data?.fulfillmentCreate?.fulfillment) {
    // Thrown so the job retries with backoff; the message lands in jobs.error for support.
    throw new Error(
      `Shopify refused the fulfillment: ${errors.map((e) => e.message).join("; ") || "no fulfillment returned"}`,
    );
  }
  const items = byFulfillmentOrder.reduce((n, g) => n + g.fulfillmentOrderLineItems.length, 0);
  log().info({ order_id: orderId, items }, "digital lines fulfilled in Shopify");
  return { fulfilled: items, fulfillmentId: result.data.fulfillmentCreate.fulfillment.id };
}
