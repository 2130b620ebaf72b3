import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  downloadEvents,
  files,
  licenseKeys,
  orderLines,
  orders,
  type Customer,
} from "~/db/schema";

/**
 * The `data` of each event, built from the database in the reference API's shapes
 * (snake_case, ISO timestamps, minor-unit money, GIDs). Callers run these inside the
 * transaction that makes the change, then pass the result to `recordWebhookEvent`, so
 * the payload is exactly the state that committed.
 */

export interface WebhookCustomer {
  id: string;
  email: string | null;
  firstname: string | null;
  lastname: string | null;
  gid: string | null;
  locale: string | null;
}

export interface WebhookOrderLine {
  id: string;
  delivering_type: string;
  quantity: number;
  gid: string | null;
  title: string;
  variant_title: string | null;
  sku: string | null;
  price_cents: number;
  digital_product: { id: string; name: string } | null;
  license_keys: string[];
}

export interface WebhookOrder {
  id: string;
  name: string;
  gid: string | null;
  email: string | null;
  currency: string;
  total_price_cents: number;
  financial_status: string;
  fulfillment_status: string | null;
  risk_level: string | null;
  dl_access: string;
  is_imported: boolean;
  customer: WebhookCustomer | null;
  lines: WebhookOrderLine[];
  created_at: string;
  updated_at: string;
}

export class WebhookPayloadError extends Error {
  override name = "WebhookPayloadError";
}

function customerPayload(customer: Customer | null | undefined): WebhookCustomer | null {
  if (!customer) return null;
  return {
    id: customer.id,
    email: customer.email,
    firstname: customer.firstName,
    lastname: customer.lastName,
    gid: customer.gid,
    locale: customer.locale,
  };
}

/** `{ order }` for `digital_order.purchased` / `digital_order.delivered`. */
export async function buildOrderPayload(
  db: DbOrTx,
  shopId: string,
  orderId: string,
): Promise<{ order: WebhookOrder }> {
  return { order: await buildWebhookOrder(db, shopId, orderId) };
}

export async function buildWebhookOrder(
  db: DbOrTx,
  shopId: string,
  orderId: string,
): Promise<WebhookOrder> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
  if (!order) throw new WebhookPayloadError(`order ${orderId} not found in shop ${shopId}`);

  const [customer] = order.customerId
    ? await db
        .select()
        .from(customers)
        .where(and(eq(customers.shopId, shopId), eq(customers.id, order.customerId)))
    : [];

  const lines = await db
    .select({ line: orderLines, product: { id: digitalProducts.id, name: digitalProducts.name } })
    .from(orderLines)
    .leftJoin(digitalProducts, eq(digitalProducts.id, orderLines.digitalProductId))
    .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, order.id)))
    .orderBy(asc(orderLines.createdAt), asc(orderLines.id));

  const keys =
    lines.length === 0
      ? []
      : await db
          .select({ lineId: licenseKeys.orderLineId, key: licenseKeys.key })
          .from(licenseKeys)
          .where(
            and(
              eq(licenseKeys.shopId, shopId),
              inArray(
                licenseKeys.orderLineId,
                lines.map((l) => l.line.id),
              ),
            ),
          )
          .orderBy(asc(licenseKeys.assignedAt), asc(licenseKeys.id));
  const keysByLine = new Map<string, string[]>();
  for (const { lineId, key } of keys) {
    if (!lineId) continue;
    keysByLine.set(lineId, [...(keysByLine.get(lineId) ?? []), key]);
  }

  return {
    id: order.id,
    name: order.name,
    gid: order.gid,
    email: order.email,
    currency: order.currency,
    total_price_cents: order.totalPriceCents,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    risk_level: order.riskLevel,
    dl_access: order.dlAccess,
    is_imported: order.isImported,
    customer: customerPayload(customer),
    lines: lines.map(({ line, product }) => ({
      id: line.id,
      delivering_type: line.deliveringType,
      quantity: line.quantity,
      gid: line.gid,
      title: line.title,
      variant_title: line.variantTitle,
      sku: line.sku,
      price_cents: line.priceCents,
      digital_product: product ? { id: product.id, name: product.name } : null,
      license_keys: keysByLine.get(line.id) ?? [],
    })),
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
  };
}

export interface WebhookDownloadData {
  download: {
    id: string;
    created_at: string;
    is_redownload: boolean;
    order_id: string | null;
    order_line_id: string | null;
    download_link_id: string | null;
    bytes_sent: number;
  };
  file: { id: string; name: string; size: number; type: string } | null;
  order: { id: string; name: string; gid: string | null } | null;
  customer: WebhookCustomer | null;
}

/**
 * `data` for `file.downloaded` / `file.redownloaded` from a `download_events` row; the
 * event type to record is `download.is_redownload ? "file.redownloaded" : "file.downloaded"`.
 */
export async function buildDownloadPayload(
  db: DbOrTx,
  shopId: string,
  downloadEventId: string,
): Promise<WebhookDownloadData> {
  const [row] = await db
    .select({
      event: downloadEvents,
      file: { id: files.id, name: files.name, size: files.size, type: files.contentType },
      order: { id: orders.id, name: orders.name, gid: orders.gid },
      customer: customers,
    })
    .from(downloadEvents)
    .leftJoin(files, eq(files.id, downloadEvents.fileId))
    .leftJoin(orders, eq(orders.id, downloadEvents.orderId))
    .leftJoin(customers, eq(customers.id, downloadEvents.customerId))
    .where(and(eq(downloadEvents.shopId, shopId), eq(downloadEvents.id, downloadEventId)));
  if (!row) throw new WebhookPayloadError(`download event ${downloadEventId} not found`);
  const { event } = row;
  return {
    download: {
      id: event.id,
      created_at: event.createdAt.toISOString(),
      is_redownload: event.isRedownload,
      order_id: event.orderId,
      order_line_id: event.orderLineId,
      download_link_id: event.downloadLinkId,
      bytes_sent: event.bytesSent,
    },
    file: row.file,
    order: row.order,
    customer: customerPayload(row.customer),
  };
}
