import {
  and,
  asc,
  eq,
  gte,
  inArray,
  isNotNull,
  lt,
  or,
  sql,
  type AnyColumn,
  type SQL,
} from "drizzle-orm";
import { getDb, type DbOrTx } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  downloadEvents,
  files,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  type Customer,
  digitalProductFiles,
  type DeliveryStatus,
  type DlAccess,
  type DownloadEvent,
  type EmailKind,
  type EmailMessage,
  type FinancialStatus,
  type Order,
  type OrderLine,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { MAX_EXPIRY_EXTENSION_DAYS, MAX_GRANT_DOWNLOADS } from "~/lib/order-limits";
import { keyset, scopedWhere, toPage, type Page, type PageRequest } from "~/lib/api/pagination";
import { enqueueJob } from "~/lib/jobs/queue.server";
import { queueOrderEmail } from "~/services/emails.server";
import { approveHeldOrder, deliverOrder } from "~/services/deliveries.server";
import {
  escapeLike,
  fetchShopifyProducts,
  type ShopifyProductInfo,
} from "./digital-products.server";

/**
 * Digital orders: reading them (API, admin) and the post-purchase actions support and
 * integrations need (access on/off, reset counters, resend the email, UNIQUE files).
 * Every query is scoped by `shopId`; an id of another shop is simply "not found".
 */

export type OrderInclude = "product" | "downloads";

export interface OrderLineDetail extends OrderLine {
  digitalProductName: string | null;
  licenseKeyValues: string[];
  fileIds: string[];
  downloads?: Array<DownloadEvent & { fileName: string | null }>;
  shopifyProduct?: ShopifyProductInfo | null;
}

export interface OrderDetail extends Order {
  customer: Customer | null;
  lines: OrderLineDetail[];
}

export interface OrderFilters {
  createdAfter?: string;
  createdBefore?: string;
  financialStatus?: FinancialStatus[];
  digitalProductId?: string[];
  customerEmail?: string;
  q?: string;
  /**
   * Admin search box, case-insensitive: text anywhere in the order name or email
   * (`lovelace`, `1042`); `#1042`, `#10` and terms under 3 characters match the start.
   */
  search?: string;
  deliveryStatus?: DeliveryStatus[];
  /** Admin customer filter: the start of the order's or its customer's email. */
  customerEmailPrefix?: string;
  /** Internal: the customer-downloads endpoint lists one customer's orders. */
  customerId?: string;
}

export async function listOrders(
  shopId: string,
  page: PageRequest,
  filters: OrderFilters = {},
  include: OrderInclude[] = [],
): Promise<Page<OrderDetail>> {
  const db = getDb();
  const conditions = await orderFilterConditions(db, shopId, filters);
  const rows = await ordersPageQuery(db, shopId, page, conditions);
  const result = toPage(rows, page, (row) => row);
  return { ...result, data: await loadOrderDetails(db, shopId, result.data, include) };
}

/**
 * The page query of `listOrders`. Exported, with `orderFilterConditions`, so a test can
 * EXPLAIN the exact SQL the list runs.
 */
export function ordersPageQuery(
  db: DbOrTx,
  shopId: string,
  page: PageRequest,
  conditions: Array<SQL | undefined>,
) {
  const { after, orderBy } = keyset(orders, page);
  return db
    .select()
    .from(orders)
    .where(scopedWhere(orders.shopId, shopId, after, ...conditions))
    .orderBy(...orderBy)
    .limit(page.limit + 1);
}

/**
 * Customers a customer filter may name by id in the orders query. More than this and the
 * prefix is so broad that walking the newest orders finds a page quickly anyway.
 */
const CUSTOMER_FILTER_MAX_IDS = 500;

/** The WHERE conditions of `filters` (the customer filter looks its customers up first). */
export async function orderFilterConditions(
  db: DbOrTx,
  shopId: string,
  filters: OrderFilters,
): Promise<Array<SQL | undefined>> {
  const conditions: Array<SQL | undefined> = [];
  if (filters.createdAfter) conditions.push(gte(orders.createdAt, new Date(filters.createdAfter)));
  if (filters.createdBefore) conditions.push(lt(orders.createdAt, new Date(filters.createdBefore)));
  if (filters.financialStatus?.length) {
    conditions.push(inArray(orders.financialStatus, filters.financialStatus));
  }
  if (filters.customerEmail) {
    conditions.push(sql`lower(${orders.email}) = lower(${filters.customerEmail})`);
  }
  if (filters.customerId) conditions.push(eq(orders.customerId, filters.customerId));
  if (filters.q) {
    const name = filters.q.trim().replace(/^#/, "");
    conditions.push(containsLower(orders.name, name));
  }
  if (filters.search?.trim()) conditions.push(searchCondition(filters.search.trim()));
  if (filters.deliveryStatus?.length) {
    conditions.push(inArray(orders.deliveryStatus, filters.deliveryStatus));
  }
  if (filters.customerEmailPrefix?.trim()) {
    const prefix = filters.customerEmailPrefix.trim();
    // Customers first (an index range), then their orders by customer_id: with the ids
    // spelled out both sides of the OR are index scans the planner can size. A correlated
    // EXISTS, or `= any(array(subquery))` whose size it cannot see, made it walk every
    // order of the shop instead.
    const matching = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.shopId, shopId), startsWithLower(customers.email, prefix)))
      .limit(CUSTOMER_FILTER_MAX_IDS + 1);
    const byCustomer =
      matching.length > CUSTOMER_FILTER_MAX_IDS
        ? sql`${orders.customerId} in (select ${customers.id} from ${customers} where ${customers.shopId} = ${shopId} and ${startsWithLower(customers.email, prefix)})`
        : matching.length > 0
          ? inArray(
              orders.customerId,
              matching.map((c) => c.id),
            )
          : undefined;
    conditions.push(or(startsWithLower(orders.email, prefix), byCustomer));
  }
  if (filters.digitalProductId?.length) {
    conditions.push(
      sql`exists (select 1 from ${orderLines} where ${orderLines.orderId} = ${orders.id} and ${orderLines.shopId} = ${shopId} and ${inArray(orderLines.digitalProductId, filters.digitalProductId)})`,
    );
  }
  return conditions;
}

/** Shorter terms have no trigram to look up: they match the start instead. */
const CONTAINS_MIN_LENGTH = 3;

/**
 * The admin search box. `#1042` or `#10` is an order number typed as such: names that
 * start with it. Otherwise a term of 3+ characters is found anywhere in the order name or
 * email (`lovelace`, `1042`, `@example`); a shorter one matches their start (`ad`, `#1`).
 */
function searchCondition(term: string): SQL {
  if (term.startsWith("#")) return startsWithLower(orders.name, term);
  if (term.length < CONTAINS_MIN_LENGTH) {
    return or(
      startsWithLower(orders.name, `#${term}`),
      startsWithLower(orders.name, term),
      startsWithLower(orders.email, term),
    )!;
  }
  return or(containsLower(orders.name, term), containsLower(orders.email, term))!;
}

/**
 * `lower(column) like 'prefix%'`, case-insensitive, served by the `(shop_id, lower(column)
 * text_pattern_ops)` indexes as a range scan (see app/db/schema.ts).
 */
function startsWithLower(column: AnyColumn, prefix: string): SQL {
  return sql`lower(${column}) like lower(${`${escapeLike(prefix)}%`})`;
}

/**
 * `lower(column) like '%term%'`, served by the `lower(column) gin_trgm_ops` indexes
 * (pg_trgm) for terms of 3+ characters; `ilike` would not match their expression.
 */
function containsLower(column: AnyColumn, term: string): SQL {
  return sql`lower(${column}) like lower(${`%${escapeLike(term)}%`})`;
}

export async function getOrder(
  shopId: string,
  orderId: string,
  include: OrderInclude[] = [],
  db: DbOrTx = getDb(),
): Promise<OrderDetail> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
    .limit(1);
  if (!order) throw notFound("order", "id");
  const [detail] = await loadOrderDetails(db, shopId, [order], include);
  return detail!;
}

/** Customers, lines, keys, line files (and optionally events) of a page, in 4–6 queries. */
async function loadOrderDetails(
  db: DbOrTx,
  shopId: string,
  rows: Order[],
  include: OrderInclude[],
): Promise<OrderDetail[]> {
  if (rows.length === 0) return [];
  const orderIds = rows.map((o) => o.id);
  const customerIds = [...new Set(rows.map((o) => o.customerId).filter((c): c is string => !!c))];
  const [customerRows, lineRows] = await Promise.all([
    customerIds.length
      ? db
          .select()
          .from(customers)
          .where(and(eq(customers.shopId, shopId), inArray(customers.id, customerIds)))
      : Promise.resolve([] as Customer[]),
    db
      .select({ line: orderLines, productName: digitalProducts.name })
      .from(orderLines)
      .leftJoin(digitalProducts, eq(digitalProducts.id, orderLines.digitalProductId))
      .where(and(eq(orderLines.shopId, shopId), inArray(orderLines.orderId, orderIds)))
      .orderBy(asc(orderLines.createdAt), asc(orderLines.id)),
  ]);
  const lineIds = lineRows.map((r) => r.line.id);
  const [keyRows, fileRows, eventRows, shopifyProducts] = await Promise.all([
    lineIds.length
      ? db
          .select({ lineId: licenseKeys.orderLineId, key: licenseKeys.key })
          .from(licenseKeys)
          .where(and(eq(licenseKeys.shopId, shopId), inArray(licenseKeys.orderLineId, lineIds)))
          .orderBy(asc(licenseKeys.assignedAt), asc(licenseKeys.id))
      : Promise.resolve([]),
    lineIds.length
      ? db
          .select({ lineId: orderLineFiles.orderLineId, fileId: orderLineFiles.fileId })
          .from(orderLineFiles)
          .where(
            and(eq(orderLineFiles.shopId, shopId), inArray(orderLineFiles.orderLineId, lineIds)),
          )
          .orderBy(asc(orderLineFiles.position))
      : Promise.resolve([]),
    include.includes("downloads") && lineIds.length
      ? db
          .select({ event: downloadEvents, fileName: files.name })
          .from(downloadEvents)
          .leftJoin(files, eq(files.id, downloadEvents.fileId))
          .where(
            and(eq(downloadEvents.shopId, shopId), inArray(downloadEvents.orderLineId, lineIds)),
          )
          .orderBy(asc(downloadEvents.createdAt), asc(downloadEvents.id))
      : Promise.resolve([]),
    include.includes("product")
      ? fetchShopifyProducts(
          shopId,
          lineRows.map((r) => r.line.productGid).filter((g): g is string => !!g),
        )
      : Promise.resolve(null),
  ]);

  const group = <T, V>(items: T[], key: (t: T) => string | null, value: (t: T) => V) => {
    const map = new Map<string, V[]>();
    for (const item of items) {
      const k = key(item);
      if (!k) continue;
      map.set(k, [...(map.get(k) ?? []), value(item)]);
    }
    return map;
  };
  const keysByLine = group(
    keyRows,
    (r) => r.lineId,
    (r) => r.key,
  );
  const filesByLine = group(
    fileRows,
    (r) => r.lineId,
    (r) => r.fileId,
  );
  const eventsByLine = group(
    eventRows,
    (r) => r.event.orderLineId,
    (r) => ({ ...r.event, fileName: r.fileName }),
  );
  const linesByOrder = group(
    lineRows,
    (r) => r.line.orderId,
    (r): OrderLineDetail => ({
      ...r.line,
      digitalProductName: r.productName,
      licenseKeyValues: keysByLine.get(r.line.id) ?? [],
      fileIds: filesByLine.get(r.line.id) ?? [],
      ...(include.includes("downloads") ? { downloads: eventsByLine.get(r.line.id) ?? [] } : {}),
      ...(shopifyProducts
        ? {
            shopifyProduct: r.line.productGid
              ? (shopifyProducts.get(r.line.productGid) ?? null)
              : null,
          }
        : {}),
    }),
  );
  const customersById = new Map(customerRows.map((c) => [c.id, c]));
  return rows.map((order) => ({
    ...order,
    customer: order.customerId ? (customersById.get(order.customerId) ?? null) : null,
    lines: linesByOrder.get(order.id) ?? [],
  }));
}

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

/** Turns the shopper's access to the whole order on or off (download page and files). */
export async function setOrderAccess(
  shopId: string,
  orderId: string,
  access: DlAccess,
): Promise<OrderDetail> {
  const db = getDb();
  const updated = await db
    .update(orders)
    .set({ dlAccess: access })
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
    .returning({ id: orders.id });
  if (updated.length === 0) throw notFound("order", "id");
  return getOrder(shopId, orderId);
}

/**
 * Puts the download counter of one line (or of every line) back to zero. History stays:
 * download events are what stats and webhooks count, the counter only enforces the limit.
 */
export async function resetLineDownloads(
  shopId: string,
  orderId: string,
  lineId?: string,
): Promise<OrderDetail> {
  const db = getDb();
  await db.transaction(async (tx) => {
    const [order] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
      .limit(1);
    if (!order) throw notFound("order", "id");
    const reset = await tx
      .update(orderLines)
      .set({ downloadCount: 0 })
      .where(
        and(
          eq(orderLines.shopId, shopId),
          eq(orderLines.orderId, orderId),
          lineId ? eq(orderLines.id, lineId) : undefined,
        ),
      )
      .returning({ id: orderLines.id });
    if (lineId && reset.length === 0) throw notFound("line in this order", "line_id");
  });
  return getOrder(shopId, orderId);
}

/**
 * Queues the delivery email of an order (see emails.server.ts) in the caller's
 * transaction, refusing clearly when the order has no address to send to.
 */
export async function queueDeliveryEmail(
  tx: DbOrTx,
  shopId: string,
  order: Pick<Order, "id" | "email" | "locale"> & { customerEmail?: string | null },
  kind: Extract<EmailKind, "delivery" | "resend">,
): Promise<EmailMessage> {
  const to = order.email ?? order.customerEmail ?? null;
  if (!to) {
    throw new ApiError(
      "order_without_email",
      "This order has no customer email address to send to. Pass `customer_email` to set one.",
      { param: "customer_email" },
    );
  }
  const message = await queueOrderEmail(tx, {
    shopId,
    orderId: order.id,
    kind,
    toAddress: to,
    locale: order.locale,
  });
  // The sender drains queued rows every second anyway; the job asks for it right away.
  await enqueueJob(tx, {
    type: "email.send",
    shopId,
    payload: { emailMessageId: message.id },
    dedupeKey: `email.send:${message.id}`,
  });
  return message;
}

/** Resends the delivery email, first moving the order (and its customer) to a new address if given. */
export async function resendOrderEmail(
  shopId: string,
  orderId: string,
  { customerEmail }: { customerEmail?: string } = {},
): Promise<EmailMessage> {
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({ order: orders, customerEmail: customers.email })
      .from(orders)
      .leftJoin(customers, eq(customers.id, orders.customerId))
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
      .limit(1)
      .for("update", { of: orders });
    if (!row) throw notFound("order", "id");
    const order = row.order;
    if (customerEmail) {
      await tx
        .update(orders)
        .set({ email: customerEmail })
        .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
      if (order.customerId) {
        await tx
          .update(customers)
          .set({ email: customerEmail })
          .where(and(eq(customers.shopId, shopId), eq(customers.id, order.customerId)));
      }
    }
    return queueDeliveryEmail(
      tx,
      shopId,
      { ...order, email: customerEmail ?? order.email, customerEmail: row.customerEmail },
      "resend",
    );
  });
}

/**
 * Replaces the files of one UNIQUE-delivery line (empty list = none). Every file must be
 * this shop's; the first foreign or unknown id is a 404 naming `file_ids.<n>`.
 */
export async function setLineFiles(
  shopId: string,
  orderId: string,
  lineId: string,
  fileIds: string[],
  { sendEmail = false }: { sendEmail?: boolean } = {},
): Promise<OrderDetail> {
  const unique = [...new Set(fileIds)];
  const awaitingDelivery = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .select({ line: orderLines, order: orders, customerEmail: customers.email })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .leftJoin(customers, eq(customers.id, orders.customerId))
      .where(
        and(
          eq(orderLines.shopId, shopId),
          eq(orderLines.orderId, orderId),
          eq(orderLines.id, lineId),
        ),
      )
      .limit(1)
      .for("update", { of: orderLines });
    if (!row) {
      const [order] = await tx
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)));
      throw order ? notFound("line in this order", "lineId") : notFound("order", "id");
    }
    if (row.line.deliveringType !== "UNIQUE") {
      throw new ApiError(
        "line_not_unique_delivery",
        `Files can only be set on lines of UNIQUE delivery products; this line is ${row.line.deliveringType}.`,
        { param: "lineId" },
      );
    }
    if (unique.length > 0) {
      const found = await tx
        .select({ id: files.id })
        .from(files)
        .where(and(eq(files.shopId, shopId), inArray(files.id, unique)));
      const have = new Set(found.map((f) => f.id));
      const missing = fileIds.findIndex((id) => !have.has(id));
      if (missing >= 0) throw notFound("file", `file_ids.${missing}`);
    }
    await tx
      .delete(orderLineFiles)
      .where(and(eq(orderLineFiles.shopId, shopId), eq(orderLineFiles.orderLineId, lineId)));
    if (unique.length > 0) {
      await tx
        .insert(orderLineFiles)
        .values(
          unique.map((fileId, position) => ({ shopId, orderLineId: lineId, fileId, position })),
        );
    }
    // A line already delivered gets the email only when asked; one still waiting for its
    // files is delivered below, which sends the delivery email itself.
    if (sendEmail && row.line.deliveredAt) {
      await queueDeliveryEmail(
        tx,
        shopId,
        { ...row.order, customerEmail: row.customerEmail },
        "delivery",
      );
    }
    return !row.line.deliveredAt && unique.length > 0;
  });
  if (awaitingDelivery) await deliverOrder(getDb(), shopId, orderId, new Date(), { sendEmail });
  return getOrder(shopId, orderId);
}

export interface OrderLineFile {
  id: string;
  name: string;
  size: number;
}

/**
 * What each line of an order delivers, for the admin's order page: a UNIQUE line's own
 * files, otherwise its product's current files (what the download page serves).
 */
export async function listOrderLineFiles(
  shopId: string,
  orderId: string,
): Promise<Record<string, OrderLineFile[]>> {
  const db = getDb();
  const lines = await db
    .select({
      id: orderLines.id,
      deliveringType: orderLines.deliveringType,
      digitalProductId: orderLines.digitalProductId,
    })
    .from(orderLines)
    .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, orderId)));
  if (lines.length === 0) return {};
  const productIds = [
    ...new Set(lines.map((l) => l.digitalProductId).filter((id): id is string => !!id)),
  ];
  const [own, shared] = await Promise.all([
    db
      .select({
        lineId: orderLineFiles.orderLineId,
        id: files.id,
        name: files.name,
        size: files.size,
      })
      .from(orderLineFiles)
      .innerJoin(files, eq(files.id, orderLineFiles.fileId))
      .where(
        and(
          eq(orderLineFiles.shopId, shopId),
          inArray(
            orderLineFiles.orderLineId,
            lines.map((l) => l.id),
          ),
        ),
      )
      .orderBy(asc(orderLineFiles.position)),
    productIds.length
      ? db
          .select({
            productId: digitalProductFiles.digitalProductId,
            id: files.id,
            name: files.name,
            size: files.size,
          })
          .from(digitalProductFiles)
          .innerJoin(files, eq(files.id, digitalProductFiles.fileId))
          .where(
            and(
              eq(digitalProductFiles.shopId, shopId),
              inArray(digitalProductFiles.digitalProductId, productIds),
            ),
          )
          .orderBy(asc(digitalProductFiles.position))
      : Promise.resolve([]),
  ]);
  const result: Record<string, OrderLineFile[]> = {};
  for (const line of lines) {
    const rows =
      line.deliveringType === "UNIQUE"
        ? own.filter((f) => f.lineId === line.id)
        : shared.filter((f) => f.productId === line.digitalProductId);
    result[line.id] = rows.map((f) => ({ id: f.id, name: f.name, size: Number(f.size) }));
  }
  return result;
}

/**
 * The merchant approves a held (high-risk) order from the admin: it is delivered now.
 * False when the order exists but is not held (already approved, never held).
 */
export async function approveOrder(shopId: string, orderId: string): Promise<boolean> {
  const db = getDb();
  const outcome = await approveHeldOrder(db, shopId, orderId);
  if (outcome) return true;
  await getOrder(shopId, orderId, [], db); // 404 for an unknown order
  return false;
}

/** Finds an order by its name (`#1042`; `1042` works too). Null if none. */
export async function findOrderByName(
  tx: DbOrTx,
  shopId: string,
  name: string,
): Promise<Order | null> {
  const trimmed = name.trim();
  const candidates = trimmed.startsWith("#") ? [trimmed] : [trimmed, `#${trimmed}`];
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), or(...candidates.map((c) => eq(orders.name, c)))))
    .orderBy(asc(orders.createdAt))
    .limit(1);
  return order ?? null;
}

/** The order exists in this shop (404 otherwise), inside the caller's transaction. */
async function requireOrder(tx: DbOrTx, shopId: string, orderId: string): Promise<void> {
  const [order] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
    .limit(1);
  if (!order) throw notFound("order", "id");
}

/**
 * Adds `downloads` to the limit of one line (or every line): support's "let them
 * download it again" without forgetting what was downloaded. The limit the download
 * service enforces is `max_downloads + extra_downloads`; unlimited lines stay unlimited.
 */
export async function grantExtraDownloads(
  shopId: string,
  orderId: string,
  { downloads, lineId }: { downloads: number; lineId?: string },
): Promise<OrderDetail> {
  if (!Number.isInteger(downloads) || downloads < 1 || downloads > MAX_GRANT_DOWNLOADS) {
    throw new ApiError(
      "validation_failed",
      `Grant between 1 and ${MAX_GRANT_DOWNLOADS} downloads.`,
      {
        param: "downloads",
      },
    );
  }
  await getDb().transaction(async (tx) => {
    await requireOrder(tx, shopId, orderId);
    const granted = await tx
      .update(orderLines)
      .set({ extraDownloads: sql`${orderLines.extraDownloads} + ${downloads}` })
      .where(
        and(
          eq(orderLines.shopId, shopId),
          eq(orderLines.orderId, orderId),
          lineId ? eq(orderLines.id, lineId) : undefined,
        ),
      )
      .returning({ id: orderLines.id });
    if (lineId && granted.length === 0) throw notFound("line in this order", "line_id");
  });
  return getOrder(shopId, orderId);
}

/**
 * Moves the download expiry of one line (or every line). `days`: each line that expires
 * gets that many more days, counted from now when it already expired (so an expired
 * line opens again); lines that never expire are left alone, since giving them an
 * expiry would take access away. `expiresAt`: that date on every line, or null for none.
 */
export async function extendOrderExpiry(
  shopId: string,
  orderId: string,
  change: { days: number; lineId?: string } | { expiresAt: Date | null; lineId?: string },
  now = new Date(),
): Promise<OrderDetail> {
  let value: SQL | Date | null;
  if ("days" in change) {
    const { days } = change;
    if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_EXTENSION_DAYS) {
      throw new ApiError("validation_failed", `Extend by 1 to ${MAX_EXPIRY_EXTENSION_DAYS} days.`, {
        param: "days",
      });
    }
    value = sql`greatest(${orderLines.expiresAt}, ${now.toISOString()}::timestamptz) + make_interval(days => ${days})`;
  } else {
    if (change.expiresAt && change.expiresAt.getTime() <= now.getTime()) {
      throw new ApiError("validation_failed", "The new expiry must be in the future.", {
        param: "expires_at",
      });
    }
    value = change.expiresAt;
  }
  const { lineId } = change;
  await getDb().transaction(async (tx) => {
    await requireOrder(tx, shopId, orderId);
    if (lineId) {
      const [line] = await tx
        .select({ id: orderLines.id })
        .from(orderLines)
        .where(
          and(
            eq(orderLines.shopId, shopId),
            eq(orderLines.orderId, orderId),
            eq(orderLines.id, lineId),
          ),
        );
      if (!line) throw notFound("line in this order", "line_id");
    }
    await tx
      .update(orderLines)
      .set({ expiresAt: value })
      .where(
        and(
          eq(orderLines.shopId, shopId),
          eq(orderLines.orderId, orderId),
          lineId ? eq(orderLines.id, lineId) : undefined,
          "days" in change ? isNotNull(orderLines.expiresAt) : undefined,
        ),
      );
  });
  return getOrder(shopId, orderId);
}
