import { and, asc, count, desc, eq, ilike, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { getDb, preparedPerDb, queryRows, type DbOrTx } from "~/db/client.server";
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
import { csvRow } from "~/lib/csv";
import { newId } from "~/lib/ids";
import { repeatedKeys } from "~/lib/license-key-file";
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

export interface LicenseKeyPoolProduct {
  id: string;
  name: string;
  lowStockThreshold: number | null;
  lowStockNotifiedAt: Date | null;
}

export interface LicenseKeyPool {
  /** The pool name; null is the untagged pool. */
  tag: string | null;
  available: number;
  assigned: number;
  /** Digital products drawing from this pool (by `license_key_tag`). */
  products: LicenseKeyPoolProduct[];
}

/**
 * Every pool of the shop with its counts (one GROUP BY on the shop's keys), plus the pools
 * named by a product's `license_key_tag` that hold no key yet (a product waiting for keys).
 */
export async function listLicenseKeyPools(shopId: string): Promise<LicenseKeyPool[]> {
  const counts = await getDb()
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
    .groupBy(licenseKeys.tag);
  const products = await getDb()
    .select({
      id: digitalProducts.id,
      name: digitalProducts.name,
      tag: digitalProducts.licenseKeyTag,
      lowStockThreshold: digitalProducts.lowStockThreshold,
      lowStockNotifiedAt: digitalProducts.lowStockNotifiedAt,
    })
    .from(digitalProducts)
    .where(
      and(
        eq(digitalProducts.shopId, shopId),
        isNotNull(digitalProducts.licenseKeyTag),
        eq(digitalProducts.isArchived, false),
      ),
    )
    .orderBy(asc(digitalProducts.name), asc(digitalProducts.id));
  const pools = new Map<string | null, LicenseKeyPool>();
  for (const c of counts) pools.set(c.tag, { ...c, products: [] });
  for (const { tag, ...product } of products) {
    const pool = pools.get(tag) ?? { tag, available: 0, assigned: 0, products: [] };
    pool.products.push(product);
    pools.set(tag, pool);
  }
  // Untagged first, then by name (the order `?pool=` defaults rely on).
  return [...pools.values()].sort((a, b) =>
    a.tag === null ? -1 : b.tag === null ? 1 : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0,
  );
}

/**
 * Sets the low-stock alert level of every product drawing from pool `tag` (null turns
 * the alert off). The alert is re-armed when the pool is now above the new level.
 */
export async function setLicenseKeyPoolThreshold(
  shopId: string,
  tag: string,
  threshold: number | null,
): Promise<{ products: number }> {
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 0)) {
    throw new ApiError("validation_failed", "The threshold must be a whole number of keys.", {
      param: "threshold",
    });
  }
  return getDb().transaction(async (tx) => {
    const updated = await tx
      .update(digitalProducts)
      .set({ lowStockThreshold: threshold })
      .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.licenseKeyTag, tag)))
      .returning({ id: digitalProducts.id });
    if (updated.length === 0) {
      throw new ApiError(
        "validation_failed",
        "No digital product draws from this pool: set the product's license key tag first.",
        { param: "threshold" },
      );
    }
    await rearmLowStockAlerts(tx, shopId, tag);
    return { products: updated.length };
  });
}

/**
 * Clears `low_stock_notified_at` of the pool's products whose pool is back above their
 * threshold, so the next drop notifies again. Called wherever a pool can grow: import,
 * unassign, threshold change. (Delivery sets the flag; nothing cleared it before.)
 */
export async function rearmLowStockAlerts(
  db: DbOrTx,
  shopId: string,
  tag: string | null,
): Promise<number> {
  if (tag === null) return 0; // products draw only from tagged pools
  const rows = await db
    .update(digitalProducts)
    .set({ lowStockNotifiedAt: null })
    .where(
      and(
        eq(digitalProducts.shopId, shopId),
        eq(digitalProducts.licenseKeyTag, tag),
        isNotNull(digitalProducts.lowStockNotifiedAt),
        sql`(select count(*) from ${licenseKeys}
             where ${licenseKeys.shopId} = ${shopId} and ${licenseKeys.tag} = ${tag}
               and ${licenseKeys.status} = 'available')
            > coalesce(${digitalProducts.lowStockThreshold}, -1)`,
      ),
    )
    .returning({ id: digitalProducts.id });
  return rows.length;
}

export interface KeyImportPreview {
  /** Values read (blank ones dropped). */
  total: number;
  /** Values that appear more than once in the file (each listed once). */
  repeatedInFile: string[];
  /** Distinct values already in the pool (up to `sampleLimit` listed, all counted). */
  inPool: { count: number; sample: string[] };
  /** What `skip` mode would create. */
  newKeys: number;
}

/** What importing `keys` into pool `tag` would do, without writing anything. */
export async function previewLicenseKeyImport(
  shopId: string,
  { keys, tag = null }: { keys: string[]; tag?: string | null },
  sampleLimit = 20,
): Promise<KeyImportPreview> {
  const distinct = [...new Set(keys)];
  const existing =
    distinct.length === 0
      ? []
      : await queryRows<{ key: string }>(
          getDb(),
          sql`select key from license_keys
              where shop_id = ${shopId} and tag is not distinct from ${tag}::text
                and key in (select jsonb_array_elements_text(${JSON.stringify(distinct)}::jsonb))`,
        );
  return {
    total: keys.length,
    repeatedInFile: repeatedKeys(keys),
    inPool: { count: existing.length, sample: existing.slice(0, sampleLimit).map((r) => r.key) },
    newKeys: distinct.length - existing.length,
  };
}

/** Rows fetched per round trip while exporting (keyset, so each page costs the same). */
const EXPORT_BATCH = 1000;

/**
 * The keys of a pool (and optional status/search filter) as CSV, streamed page by page:
 * `key,pool,status,order,assigned_at,created_at`. Cells are escaped and guarded against
 * formula injection (`csvCell`).
 */
export async function* exportLicenseKeysCsv(
  shopId: string,
  filters: { status?: LicenseKeyStatus; tag?: string | null; q?: string } = {},
): AsyncGenerator<string> {
  yield csvRow(["key", "pool", "status", "order", "assigned_at", "created_at"]);
  let cursor: string | undefined;
  do {
    const page = await listLicenseKeys(
      shopId,
      { limit: EXPORT_BATCH, cursor, sort: "created_at" },
      filters,
    );
    yield page.data
      .map((k) =>
        csvRow([
          k.key,
          k.tag ?? "",
          k.status,
          k.orderName ?? "",
          k.assignedAt?.toISOString() ?? "",
          k.createdAt.toISOString(),
        ]),
      )
      .join("");
    cursor = page.pagination.next_cursor ?? undefined;
  } while (cursor);
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
// The endpoint license checks in shipped software call at high rates.
const keyValidation = preparedPerDb((db) =>
  db
    .select({
      status: licenseKeys.status,
      tag: licenseKeys.tag,
      orderId: licenseKeys.orderId,
      orderName: orders.name,
    })
    .from(licenseKeys)
    .leftJoin(orders, eq(orders.id, licenseKeys.orderId))
    .where(
      and(
        eq(licenseKeys.shopId, sql.placeholder("shopId")),
        eq(licenseKeys.key, sql.placeholder("key")),
      ),
    )
    .orderBy(desc(sql`(${licenseKeys.status} = 'assigned')`))
    .limit(1)
    .prepare("validate_license_key"),
);

export async function validateLicenseKey(shopId: string, key: string): Promise<KeyValidation> {
  const [row] = await keyValidation(getDb()).execute({ shopId, key });
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

  if (inserted.length > 0) await rearmLowStockAlerts(getDb(), shopId, tag);
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
    await rearmLowStockAlerts(tx, shopId, key.tag);
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
