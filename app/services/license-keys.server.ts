import { and, count, desc, eq, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { getDb, queryRows, type DbOrTx } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  licenseKeys,
  orderLines,
  orders,
  type LicenseKey,
  type LicenseKeyStatus,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { keyset, scopedWhere, toPage, type Page, type PageRequest } from "~/lib/api/pagination";
import { newId } from "~/lib/ids";
import { escapeLike } from "./digital-products.server";
import { findOrderByName, queueDeliveryEmail } from "./orders.server";

/**
 * License-key inventory: pools by `tag`, batch import, validate, manual assign/unassign.
 * Values are unique within a pool (see the schema); every query is scoped by shop.
 */

export interface LicenseKeyDetail extends LicenseKey {
  orderName: string | null;
}

export async function listLicenseKeys(
  shopId: string,
  page: PageRequest,
  filters: { status?: LicenseKeyStatus; tag?: string | null; q?: string } = {},
): Promise<Page<LicenseKeyDetail>> {
  const { after, orderBy } = keyset(licenseKeys, page);
  const conditions: Array<SQL | undefined> = [after];
  if (filters.status) conditions.push(eq(licenseKeys.status, filters.status));
  if (filters.tag !== undefined) {
    conditions.push(
      filters.tag === null ? isNull(licenseKeys.tag) : eq(licenseKeys.tag, filters.tag),
    );
  }
  if (filters.q) conditions.push(ilike(licenseKeys.key, `%${escapeLike(filters.q)}%`));
  const rows = await getDb()
    .select({ key: licenseKeys, orderName: orders.name })
    .from(licenseKeys)
    .leftJoin(orders, eq(orders.id, licenseKeys.orderId))
    .where(scopedWhere(licenseKeys.shopId, shopId, ...conditions))
    .orderBy(...orderBy)
    .limit(page.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r.key, orderName: r.orderName })),
    page,
    (row) => row,
  );
}

export interface LicenseKeyPool {
  /** The pool name; null is the untagged pool. */
  tag: string | null;
  available: number;
  assigned: number;
}

/** Every pool of the shop with its counts (one GROUP BY on the shop's keys). */
export async function listLicenseKeyPools(shopId: string): Promise<LicenseKeyPool[]> {
  const rows = await getDb()
    .select({
      tag: licenseKeys.tag,
      available: sql<number>`count(*) filter (where ${licenseKeys.status} = 'available')`.mapWith(
        Number,
      ),
      assigned: sql<number>`count(*) filter (where ${licenseKeys.status} = 'assigned')`.mapWith(
        Number,
      ),
    })
    .from(licenseKeys)
    .where(eq(licenseKeys.shopId, shopId))
    .groupBy(licenseKeys.tag)
    .orderBy(sql`${licenseKeys.tag} asc nulls first`);
  return rows;
}

export interface KeyValidation {
  valid: boolean;
  assigned: boolean;
  tag: string | null;
  orderName: string | null;
  orderId: string | null;
}

/**
 * One indexed lookup on `(shop_id, key)`. A value may exist in several pools; an assigned
 * copy wins, so a legitimate license never reads as unassigned.
 */
export async function validateLicenseKey(shopId: string, key: string): Promise<KeyValidation> {
  const [row] = await getDb()
    .select({
      status: licenseKeys.status,
      tag: licenseKeys.tag,
      orderId: licenseKeys.orderId,
      orderName: orders.name,
    })
    .from(licenseKeys)
    .leftJoin(orders, eq(orders.id, licenseKeys.orderId))
    .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.key, key)))
    .orderBy(desc(sql`(${licenseKeys.status} = 'assigned')`))
    .limit(1);
  if (!row) return { valid: false, assigned: false, tag: null, orderName: null, orderId: null };
  const assigned = row.status === "assigned";
  return {
    valid: true,
    assigned,
    tag: row.tag,
    orderName: assigned ? row.orderName : null,
    orderId: assigned ? row.orderId : null,
  };
}

export type DuplicateMode = "skip" | "create" | "fail";

export interface KeyBatchResult {
  created: number;
  skipped: number;
  skippedKeys: string[];
  tag: string | null;
}

/**
 * Imports up to 5,000 keys with ONE multi-row INSERT … SELECT FROM jsonb_array_elements
 * … ON CONFLICT DO NOTHING (ids minted here so they stay monotonic). `fail` runs it in a
 * transaction and rolls back when anything was skipped, so a rejected batch leaves no row.
 */
export async function createLicenseKeys(
  shopId: string,
  {
    keys,
    tag = null,
    duplicates = "skip",
  }: { keys: string[]; tag?: string | null; duplicates?: DuplicateMode },
): Promise<KeyBatchResult> {
  const distinct = [...new Set(keys)];
  const repeatedInBatch = keys.length - distinct.length;
  if (duplicates === "fail" && repeatedInBatch > 0) {
    const seen = new Set<string>();
    const repeated = keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
    throw new ApiError(
      "duplicate_license_keys",
      `The batch repeats ${repeatedInBatch} key(s), e.g. ${JSON.stringify(repeated[0])}; nothing was created.`,
      { param: "keys" },
    );
  }
  const rows = JSON.stringify(distinct.map((key) => [newId("key"), key]));
  const insert = (db: DbOrTx) =>
    queryRows<{ key: string }>(
      db,
      sql`insert into license_keys (id, shop_id, tag, key, status)
          select e->>0, ${shopId}, ${tag}::text, e->>1, 'available'
          from jsonb_array_elements(${rows}::jsonb) as e
          on conflict on constraint license_keys_shop_tag_key_unique do nothing
          returning key`,
    );

  const inserted =
    duplicates === "fail"
      ? await getDb().transaction(async (tx) => {
          const result = await insert(tx);
          if (result.length < distinct.length) {
            const created = new Set(result.map((r) => r.key));
            const existing = distinct.filter((k) => !created.has(k));
            throw new ApiError(
              "duplicate_license_keys",
              `${existing.length} key(s) already exist in this pool, e.g. ${JSON.stringify(existing[0])}; nothing was created.`,
              { param: "keys" },
            );
          }
          return result;
        })
      : await insert(getDb());

  const created = new Set(inserted.map((r) => r.key));
  // Values already in the pool, then values repeated inside the batch (each extra copy).
  const seen = new Set<string>();
  const repeated = keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
  const skippedKeys = [...distinct.filter((k) => !created.has(k)), ...repeated];
  return {
    created: inserted.length,
    skipped: keys.length - inserted.length,
    skippedKeys,
    tag,
  };
}

async function loadKey(db: DbOrTx, shopId: string, keyId: string): Promise<LicenseKeyDetail> {
  const [row] = await db
    .select({ key: licenseKeys, orderName: orders.name })
    .from(licenseKeys)
    .leftJoin(orders, eq(orders.id, licenseKeys.orderId))
    .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)))
    .limit(1);
  if (!row) throw notFound("license key", "id");
  return { ...row.key, orderName: row.orderName };
}

/** Keeps a line's `key_status` in step with how many keys it holds. */
async function refreshLineKeyStatus(tx: DbOrTx, shopId: string, lineId: string): Promise<void> {
  const [line] = await tx
    .select({ keysNeeded: orderLines.keysNeeded })
    .from(orderLines)
    .where(and(eq(orderLines.shopId, shopId), eq(orderLines.id, lineId)));
  if (!line || line.keysNeeded === 0) return;
  const [held] = await tx
    .select({ n: count() })
    .from(licenseKeys)
    .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.orderLineId, lineId)));
  await tx
    .update(orderLines)
    .set({ keyStatus: Number(held?.n ?? 0) >= line.keysNeeded ? "assigned" : "awaiting" })
    .where(and(eq(orderLines.shopId, shopId), eq(orderLines.id, lineId)));
}

/**
 * Assigns an available key to the order called `orderName`, on `lineId` or the line that
 * best fits (the product drawing from the key's pool, then a license-key line, then the
 * first line). The key row is locked, so two concurrent assigns cannot both win.
 */
export async function assignLicenseKey(
  shopId: string,
  keyId: string,
  {
    orderName,
    lineId,
    sendEmail = false,
  }: { orderName: string; lineId?: string; sendEmail?: boolean },
): Promise<LicenseKeyDetail> {
  return getDb().transaction(async (tx) => {
    const [key] = await tx
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)))
      .limit(1)
      .for("update");
    if (!key) throw notFound("license key", "id");
    if (key.status !== "available") {
      throw new ApiError(
        "license_key_assigned",
        "This key is already assigned to an order. Unassign it first.",
        { param: "id" },
      );
    }
    const order = await findOrderByName(tx, shopId, orderName);
    if (!order) throw notFound("order with this name", "order_name");
    const lines = await tx
      .select({ line: orderLines, productTag: digitalProducts.licenseKeyTag })
      .from(orderLines)
      .leftJoin(digitalProducts, eq(digitalProducts.id, orderLines.digitalProductId))
      .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, order.id)))
      .orderBy(orderLines.createdAt, orderLines.id);
    const line = lineId
      ? lines.find((l) => l.line.id === lineId)
      : (lines.find((l) => key.tag !== null && l.productTag === key.tag) ??
        lines.find((l) => l.line.access !== "FILE") ??
        lines[0]);
    if (!line) {
      if (lineId) throw notFound("line in this order", "line_id");
      throw new ApiError("order_without_lines", "This order has no lines to assign a key to.", {
        param: "order_name",
      });
    }
    await tx
      .update(licenseKeys)
      .set({
        status: "assigned",
        orderId: order.id,
        orderLineId: line.line.id,
        assignedAt: sql`now()`,
      })
      .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)));
    await refreshLineKeyStatus(tx, shopId, line.line.id);
    if (sendEmail) {
      const [customer] = order.customerId
        ? await tx
            .select({ email: customers.email })
            .from(customers)
            .where(and(eq(customers.shopId, shopId), eq(customers.id, order.customerId)))
        : [];
      await queueDeliveryEmail(
        tx,
        shopId,
        { ...order, customerEmail: customer?.email },
        "delivery",
      );
    }
    return loadKey(tx, shopId, keyId);
  });
}

export async function unassignLicenseKey(shopId: string, keyId: string): Promise<LicenseKeyDetail> {
  return getDb().transaction(async (tx) => {
    const [key] = await tx
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)))
      .limit(1)
      .for("update");
    if (!key) throw notFound("license key", "id");
    if (key.status !== "assigned") {
      throw new ApiError("license_key_not_assigned", "This key is not assigned to an order.", {
        param: "id",
      });
    }
    await tx
      .update(licenseKeys)
      .set({ status: "available", orderId: null, orderLineId: null, assignedAt: null })
      .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)));
    if (key.orderLineId) await refreshLineKeyStatus(tx, shopId, key.orderLineId);
    return loadKey(tx, shopId, keyId);
  });
}

/** Deletes an available key; an assigned one is a 409 (a customer holds it). */
export async function deleteLicenseKey(shopId: string, keyId: string): Promise<void> {
  const deleted = await getDb()
    .delete(licenseKeys)
    .where(
      and(
        eq(licenseKeys.shopId, shopId),
        eq(licenseKeys.id, keyId),
        eq(licenseKeys.status, "available"),
      ),
    )
    .returning({ id: licenseKeys.id });
  if (deleted.length > 0) return;
  const [exists] = await getDb()
    .select({ id: licenseKeys.id })
    .from(licenseKeys)
    .where(and(eq(licenseKeys.shopId, shopId), eq(licenseKeys.id, keyId)));
  if (!exists) throw notFound("license key", "id");
  throw new ApiError(
    "license_key_assigned",
    "This key is assigned to an order. Unassign it before deleting it.",
    { param: "id" },
  );
}
