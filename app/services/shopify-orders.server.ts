import { and, eq, inArray, or, sql, arrayOverlaps } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  orderLines,
  orders,
  shops,
  type DigitalProduct,
  type FinancialStatus,
  type Shop,
} from "~/db/schema";
import { log } from "~/lib/request-context.server";
import { deliverOrder, orderLineTerms, type DeliveryOutcome } from "~/services/deliveries.server";
import { fetchOrderRiskLevel } from "~/services/shopify-admin.server";
import { recordWebhookEvent } from "~/services/webhook-events.server";
import { buildOrderPayload } from "~/lib/webhooks-out/payloads.server";

/**
 * Shopify order webhooks → digital orders. Intake is an upsert keyed by (shop, order GID),
 * so orders/create, orders/paid and orders/updated arriving in any order, any number of
 * times, converge on one order with one set of lines.
 */

const id = z.union([z.number(), z.string()]).transform(String);

const lineItemSchema = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  product_id: id.nullish(),
  variant_id: id.nullish(),
  title: z.string().default(""),
  variant_title: z.string().nullish(),
  sku: z.string().nullish(),
  quantity: z.number().int().min(0),
  price: z.string().optional(),
});

export const shopifyOrderSchema = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  name: z.string().min(1),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  created_at: z.string(),
  processed_at: z.string().nullish(),
  currency: z.string().default("USD"),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  token: z.string().nullish(),
  customer_locale: z.string().nullish(),
  total_price: z.string().nullish(),
  customer: z
    .object({
      id,
      admin_graphql_api_id: z.string().optional(),
      email: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      locale: z.string().nullish(),
    })
    .nullish(),
  line_items: z.array(lineItemSchema).default([]),
});
export type ShopifyOrderPayload = z.infer<typeof shopifyOrderSchema>;

const gid = (type: string, value: string) =>
  value.startsWith("gid://") ? value : `gid://shopify/${type}/${value}`;
const cents = (amount: string | null | undefined) =>
  Math.round(Number.parseFloat(amount ?? "0") * 100) || 0;

function financialStatus(value: string | null | undefined): FinancialStatus {
  const upper = (value ?? "pending").toUpperCase();
  const known: FinancialStatus[] = [
    "AUTHORIZED",
    "EXPIRED",
    "PAID",
    "PARTIALLY_PAID",
    "PARTIALLY_REFUNDED",
    "PENDING",
    "REFUNDED",
    "VOIDED",
  ];
  return (known as string[]).includes(upper) ? (upper as FinancialStatus) : "PENDING";
}

/** Which digital product (if any) a Shopify line item is. */
export function matchProduct(
  products: DigitalProduct[],
  productGid: string | null,
  variantGid: string | null,
): DigitalProduct | undefined {
  return (
    products.find((p) => variantGid && p.variantGids.includes(variantGid)) ??
    products.find(
      (p) =>
        productGid &&
        p.productGid === productGid &&
        (p.useAllVariants || p.variantGids.length === 0),
    )
  );
}

export interface IntakeResult {
  orderId: string | null;
  created: boolean;
  delivery: DeliveryOutcome | null;
  held: boolean;
}

async function shopByDomain(db: Db, domain: string): Promise<Shop | null> {
  const [shop] = await db.select().from(shops).where(eq(shops.domain, domain));
  return shop ?? null;
}

function isPaid(status: FinancialStatus) {
  return status === "PAID" || status === "PARTIALLY_REFUNDED";
}

export async function ingestShopifyOrder(
  shopDomain: string,
  topic: string,
  body: unknown,
  db: Db = getDb(),
): Promise<IntakeResult> {
  const none: IntakeResult = { orderId: null, created: false, delivery: null, held: false };
  const shop = await shopByDomain(db, shopDomain);
  if (!shop || shop.status !== "active") return none;
  const payload = shopifyOrderSchema.parse(body);

  const items = payload.line_items.map((item) => ({
    item,
    productGid: item.product_id ? gid("Product", item.product_id) : null,
    variantGid: item.variant_id ? gid("ProductVariant", item.variant_id) : null,
  }));
  const productGids = items.map((i) => i.productGid).filter((g): g is string => Boolean(g));
  const variantGids = items.map((i) => i.variantGid).filter((g): g is string => Boolean(g));
  if (productGids.length === 0 && variantGids.length === 0) return none;
  const candidates = await db
    .select()
    .from(digitalProducts)
    .where(
      and(
        eq(digitalProducts.shopId, shop.id),
        eq(digitalProducts.isArchived, false),
        or(
          productGids.length ? inArray(digitalProducts.productGid, productGids) : sql`false`,
          variantGids.length ? arrayOverlaps(digitalProducts.variantGids, variantGids) : sql`false`,
        ),
      ),
    );
  const digitalItems = items
    .map((i) => ({ ...i, product: matchProduct(candidates, i.productGid, i.variantGid) }))
    .filter((i): i is typeof i & { product: DigitalProduct } => Boolean(i.product));
  if (digitalItems.length === 0) return none;

  const status = financialStatus(payload.financial_status);
  const orderGid = payload.admin_graphql_api_id ?? gid("Order", payload.id);
  const email = payload.email || payload.contact_email || payload.customer?.email || null;
  const createdAt = new Date(payload.created_at);

  const { orderId, created } = await db.transaction(async (tx) => {
    let customerId: string | null = null;
    if (payload.customer) {
      const c = payload.customer;
      const [row] = await tx
        .insert(customers)
        .values({
          shopId: shop.id,
          gid: c.admin_graphql_api_id ?? gid("Customer", c.id),
          email: c.email ?? email,
          firstName: c.first_name ?? null,
          lastName: c.last_name ?? null,
          locale: c.locale ?? payload.customer_locale ?? null,
        })
        .onConflictDoUpdate({
          target: [customers.shopId, customers.gid],
          set: {
            email: sql`coalesce(excluded.email, ${customers.email})`,
            firstName: sql`coalesce(excluded.first_name, ${customers.firstName})`,
            lastName: sql`coalesce(excluded.last_name, ${customers.lastName})`,
          },
          // A redacted customer stays redacted, whatever Shopify sends later.
          setWhere: sql`${customers.redactedAt} is null`,
        })
        .returning({ id: customers.id });
      customerId =
        row?.id ??
        (
          await tx
            .select({ id: customers.id })
            .from(customers)
            .where(
              and(
                eq(customers.shopId, shop.id),
                eq(customers.gid, c.admin_graphql_api_id ?? gid("Customer", c.id)),
              ),
            )
        )[0]?.id ??
        null;
    }
    const [order] = await tx
      .insert(orders)
      .values({
        shopId: shop.id,
        gid: orderGid,
        legacyId: payload.id,
        name: payload.name,
        customerId,
        email,
        currency: payload.currency,
        financialStatus: status,
        fulfillmentStatus: payload.fulfillment_status ?? null,
        source: "shopify",
        statusPageToken: payload.token ?? null,
        locale: payload.customer_locale ?? null,
        totalPriceCents: cents(payload.total_price),
        processedAt: payload.processed_at ? new Date(payload.processed_at) : null,
        cancelledAt: payload.cancelled_at ? new Date(payload.cancelled_at) : null,
        createdAt: Number.isNaN(createdAt.getTime()) ? new Date() : createdAt,
      })
      .onConflictDoUpdate({
        target: [orders.shopId, orders.gid],
        set: {
          financialStatus: status,
          fulfillmentStatus: payload.fulfillment_status ?? null,
          cancelledAt: sql`coalesce(${orders.cancelledAt}, excluded.cancelled_at)`,
          statusPageToken: sql`coalesce(excluded.status_page_token, ${orders.statusPageToken})`,
        },
      })
      .returning({ id: orders.id, inserted: sql<boolean>`(xmax = 0)` });

    await tx
      .insert(orderLines)
      .values(
        digitalItems.map(({ item, product, productGid, variantGid }) => ({
          ...orderLineTerms(product, item.quantity),
          shopId: shop.id,
          orderId: order!.id,
          gid: item.admin_graphql_api_id ?? gid("LineItem", item.id),
          productGid,
          variantGid,
          variantTitle: item.variant_title ?? null,
          sku: item.sku ?? null,
          priceCents: cents(item.price),
        })),
      )
      .onConflictDoNothing({ target: [orderLines.orderId, orderLines.gid] });
    const created = Boolean(order!.inserted);
    if (created) {
      // In the intake transaction: the event exists exactly when the order does.
      await recordWebhookEvent(
        tx,
        shop.id,
        "digital_order.purchased",
        await buildOrderPayload(tx, shop.id, order!.id),
      );
    }
    return { orderId: order!.id, created };
  });

  if (payload.cancelled_at || topic === "orders/cancelled") {
    await cancelOrder(db, shop, orderId);
    return { orderId, created, delivery: null, held: false };
  }

  const [current] = await db.select().from(orders).where(eq(orders.id, orderId));
  const due = shop.deliverOn === "created" || isPaid(status);
  if (!current || current.deliveryStatus !== "pending" || !due) {
    return { orderId, created, delivery: null, held: current?.deliveryStatus === "held" };
  }
  if (shop.holdHighRisk) {
    const risk = await fetchOrderRiskLevel(shop.domain, orderGid);
    if (risk) await db.update(orders).set({ riskLevel: risk }).where(eq(orders.id, orderId));
    if (risk === "HIGH") {
      await db
        .update(orders)
        .set({ deliveryStatus: "held", heldReason: "Shopify rated this order high risk" })
        .where(and(eq(orders.id, orderId), eq(orders.deliveryStatus, "pending")));
      log().info({ order_id: orderId }, "order held for review (high risk)");
      return { orderId, created, delivery: null, held: true };
    }
  }
  return { orderId, created, delivery: await deliverOrder(db, shop.id, orderId), held: false };
}

/** Cancellation: nothing more is delivered; access follows the shop's refund setting. */
async function cancelOrder(db: Db, shop: Shop, orderId: string): Promise<void> {
  await db
    .update(orders)
    .set({
      cancelledAt: sql`coalesce(${orders.cancelledAt}, now())`,
      deliveryStatus: sql`case when ${orders.deliveryStatus} = 'delivered' then 'delivered' else 'cancelled' end`,
      ...(shop.refundAccessMode === "none" ? {} : { dlAccess: "disabled" as const }),
    })
    .where(and(eq(orders.shopId, shop.id), eq(orders.id, orderId)));
}

const refundSchema = z.object({
  order_id: id,
  refund_line_items: z
    .array(
      z.object({
        line_item_id: id,
        quantity: z.number().int().min(0),
        line_item: z.object({ admin_graphql_api_id: z.string().optional() }).partial().optional(),
      }),
    )
    .default([]),
});

/** refunds/create: revoke the whole order or only fully refunded lines, per shop setting. */
export async function applyShopifyRefund(
  shopDomain: string,
  body: unknown,
  db: Db = getDb(),
): Promise<{ revokedLines: number; orderDisabled: boolean }> {
  const result = { revokedLines: 0, orderDisabled: false };
  const shop = await shopByDomain(db, shopDomain);
  if (!shop) return result;
  const refund = refundSchema.parse(body);
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shop.id), eq(orders.gid, gid("Order", refund.order_id))));
  if (!order) return result;
  return db.transaction(async (tx) => {
    for (const item of refund.refund_line_items) {
      const lineGid = item.line_item?.admin_graphql_api_id ?? gid("LineItem", item.line_item_id);
      const [line] = await tx
        .update(orderLines)
        .set({
          refundedQuantity: sql`least(${orderLines.quantity}, ${orderLines.refundedQuantity} + ${item.quantity})`,
        })
        .where(and(eq(orderLines.orderId, order.id), eq(orderLines.gid, lineGid)))
        .returning();
      if (
        line &&
        shop.refundAccessMode === "refunded_lines" &&
        line.refundedQuantity >= line.quantity &&
        line.accessStatus === "enabled"
      ) {
        await tx
          .update(orderLines)
          .set({ accessStatus: "revoked", revokedAt: sql`now()` })
          .where(eq(orderLines.id, line.id));
        result.revokedLines++;
      }
    }
    if (shop.refundAccessMode === "whole_order") {
      await tx.update(orders).set({ dlAccess: "disabled" }).where(eq(orders.id, order.id));
      result.orderDisabled = true;
    }
    return result;
  });
}
