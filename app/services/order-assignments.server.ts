import { and, arrayOverlaps, asc, eq, inArray, or, sql } from "drizzle-orm";
import { getDb, type DbTransaction } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  emailMessages,
  orderLines,
  orders,
  shops,
  type DeliveryStatus,
  type DigitalProduct,
  type EmailMessage,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { buildOrderPayload } from "~/lib/webhooks-out/payloads.server";
import { deliverOrder, orderLineTerms } from "~/services/deliveries.server";
import { downloadPageUrl } from "~/services/emails.server";
import { getOrder, type OrderDetail } from "~/services/orders.server";
import { matchProduct } from "~/services/shopify-orders.server";
import { recordWebhookEvent } from "~/services/webhook-events.server";

/**
 * Order assignments: an external system grants a customer the products of mappings
 * (digital products) on a Shopify order. Creates what is missing — customer, order,
 * lines (source `api`) — then hands the order to the same delivery pass Shopify order
 * intake uses, so keys, UNIQUE files, schedules, emails and outbox events behave alike.
 *
 * Safe to repeat and to race: the order is an upsert on the (shop, order GID) unique
 * constraint, whose row lock serializes concurrent assignments of one order, and a
 * mapping the order already has a line for is not added twice.
 */

export interface AssignmentItem {
  mappingId?: string;
  productGid?: string;
  variantGid?: string;
  quantity: number;
}

export interface AssignmentInput {
  /** As given in the path: `5678901234` or `gid://shopify/Order/5678901234` (maybe URL-encoded). */
  shopifyOrderId: string;
  customer: { email: string; firstName?: string; lastName?: string; locale?: string };
  items: AssignmentItem[];
  sendEmail: boolean;
  orderName?: string;
}

export interface AssignmentResult {
  order: OrderDetail;
  downloadUrl: string;
  deliveryStatus: DeliveryStatus;
  orderCreated: boolean;
  linesAdded: string[];
  linesExisting: string[];
  email: EmailMessage | null;
}

/** `5678901234`, `gid://shopify/Order/5678901234` or its URL-encoded form → id and GID. */
export function parseShopifyOrderId(raw: string): { legacyId: string; gid: string } | null {
  let value = raw.trim();
  if (/%[0-9a-f]{2}/i.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(value);
  if (!match || /^0+$/.test(match[1]!)) return null;
  return { legacyId: match[1]!, gid: `gid://shopify/Order/${match[1]}` };
}

/** Each item's mapping, in item order; the first unknown one is a 400 naming it. */
async function resolveMappings(
  shopId: string,
  items: AssignmentItem[],
): Promise<Array<{ product: DigitalProduct; item: AssignmentItem }>> {
  const mappingIds = items.map((i) => i.mappingId).filter((v): v is string => !!v);
  const productGids = items.map((i) => i.productGid).filter((v): v is string => !!v);
  const variantGids = items.map((i) => i.variantGid).filter((v): v is string => !!v);
  const candidates = await getDb()
    .select()
    .from(digitalProducts)
    .where(
      and(
        eq(digitalProducts.shopId, shopId),
        eq(digitalProducts.isArchived, false),
        or(
          mappingIds.length ? inArray(digitalProducts.id, mappingIds) : sql`false`,
          productGids.length ? inArray(digitalProducts.productGid, productGids) : sql`false`,
          variantGids.length ? arrayOverlaps(digitalProducts.variantGids, variantGids) : sql`false`,
        ),
      ),
    )
    .orderBy(asc(digitalProducts.createdAt), asc(digitalProducts.id));

  const resolved: Array<{ product: DigitalProduct; item: AssignmentItem }> = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const product = item.mappingId
      ? candidates.find((p) => p.id === item.mappingId)
      : matchProduct(candidates, item.productGid ?? null, item.variantGid ?? null);
    const field = item.mappingId ? "mapping_id" : item.productGid ? "product_gid" : "variant_gid";
    if (!product) {
      throw new ApiError(
        "unknown_mapping",
        item.mappingId
          ? "No active mapping with this id exists in this shop."
          : "No active mapping in this shop covers this Shopify product or variant.",
        { param: `items.${index}.${field}` },
      );
    }
    const earlier = seen.get(product.id);
    if (earlier !== undefined) {
      throw new ApiError(
        "validation_failed",
        `Invalid body: items.${index}: grants the same mapping as items.${earlier}.`,
        { param: `items.${index}.${field}` },
      );
    }
    seen.set(product.id, index);
    resolved.push({ product, item });
  });
  return resolved;
}

/**
 * The customer with this email (the oldest, if the shop has several), else a new one.
 * The advisory lock makes two concurrent first assignments of one email create one row.
 */
async function findOrCreateCustomer(
  tx: DbTransaction,
  shopId: string,
  customer: AssignmentInput["customer"],
): Promise<string> {
  const email = customer.email.trim();
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`customer:${shopId}:${email.toLowerCase()}`}, 0))`,
  );
  const [existing] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.shopId, shopId),
        sql`lower(${customers.email}) = lower(${email})`,
        sql`${customers.redactedAt} is null`,
      ),
    )
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(1);
  if (existing) {
    // Fill in what we did not know; never overwrite what Shopify told us.
    await tx
      .update(customers)
      .set({
        firstName: sql`coalesce(${customers.firstName}, ${customer.firstName ?? null})`,
        lastName: sql`coalesce(${customers.lastName}, ${customer.lastName ?? null})`,
        locale: sql`coalesce(${customers.locale}, ${customer.locale ?? null})`,
      })
      .where(eq(customers.id, existing.id));
    return existing.id;
  }
  const [created] = await tx
    .insert(customers)
    .values({
      shopId,
      email,
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
      locale: customer.locale ?? null,
    })
    .returning({ id: customers.id });
  return created!.id;
}

export async function assignOrderProducts(
  shopId: string,
  input: AssignmentInput,
): Promise<AssignmentResult> {
  const ids = parseShopifyOrderId(input.shopifyOrderId);
  if (!ids) {
    throw new ApiError(
      "validation_failed",
      "`shopify_order_id` must be a Shopify order id (`5678901234`) or GID (`gid://shopify/Order/5678901234`).",
      { param: "shopify_order_id" },
    );
  }
  const db = getDb();
  const [shop] = await db
    .select({ currency: shops.currency })
    .from(shops)
    .where(eq(shops.id, shopId));
  if (!shop) throw notFound("shop");
  const mappings = await resolveMappings(shopId, input.items);

  const { orderId, orderCreated, linesAdded, linesExisting } = await db.transaction(async (tx) => {
    const customerId = await findOrCreateCustomer(tx, shopId, input.customer);
    // The upsert takes the order's row lock: a concurrent assignment of the same Shopify
    // order waits here, then sees the lines this one added.
    const [order] = await tx
      .insert(orders)
      .values({
        shopId,
        gid: ids.gid,
        legacyId: ids.legacyId,
        name: input.orderName ?? `#${ids.legacyId}`,
        customerId,
        email: input.customer.email.trim(),
        currency: shop.currency,
        financialStatus: "PAID",
        source: "api",
        locale: input.customer.locale ?? null,
      })
      .onConflictDoUpdate({
        target: [orders.shopId, orders.gid],
        set: {
          customerId: sql`coalesce(${orders.customerId}, excluded.customer_id)`,
          email: sql`coalesce(${orders.email}, excluded.email)`,
        },
      })
      .returning({ id: orders.id, inserted: sql<boolean>`(xmax = 0)` });
    const id = order!.id;

    const existing = await tx
      .select({ id: orderLines.id, digitalProductId: orderLines.digitalProductId })
      .from(orderLines)
      .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, id)))
      .orderBy(asc(orderLines.createdAt), asc(orderLines.id));
    const lineOf = new Map(existing.map((l) => [l.digitalProductId, l.id]));
    const toAdd = mappings.filter(({ product }) => !lineOf.has(product.id));
    const added = toAdd.length
      ? await tx
          .insert(orderLines)
          .values(
            toAdd.map(({ product, item }) => ({
              ...orderLineTerms(product, item.quantity),
              shopId,
              orderId: id,
              productGid: product.productGid,
              variantGid: item.variantGid ?? null,
            })),
          )
          .returning({ id: orderLines.id })
      : [];
    const created = Boolean(order!.inserted);
    if (created) {
      // As in Shopify intake: the event exists exactly when the order does.
      await recordWebhookEvent(
        tx,
        shopId,
        "digital_order.purchased",
        await buildOrderPayload(tx, shopId, id),
      );
    }
    return {
      orderId: id,
      orderCreated: created,
      linesAdded: added.map((l) => l.id),
      linesExisting: mappings
        .map(({ product }) => lineOf.get(product.id))
        .filter((v): v is string => !!v),
    };
  });

  // The same pass paid Shopify orders get: idempotent, so a repeat delivers nothing twice.
  const outcome = await deliverOrder(db, shopId, orderId, new Date(), {
    sendEmail: input.sendEmail,
  });
  const email = outcome?.emailId
    ? ((
        await db
          .select()
          .from(emailMessages)
          .where(and(eq(emailMessages.shopId, shopId), eq(emailMessages.id, outcome.emailId)))
      )[0] ?? null)
    : null;
  const order = await getOrder(shopId, orderId);
  return {
    order,
    downloadUrl: downloadPageUrl(order.accessToken),
    deliveryStatus: order.deliveryStatus,
    orderCreated,
    linesAdded,
    linesExisting,
    email,
  };
}
