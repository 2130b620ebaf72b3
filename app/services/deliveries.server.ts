import { and, asc, count, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db, DbTransaction } from "~/db/client.server";
import {
  digitalProducts,
  emailMessages,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  shops,
  type DeliveryStatus,
  type DigitalProduct,
  type OrderLine,
} from "~/db/schema";
import { rootLogger } from "~/lib/request-context.server";
import { queueOrderEmail } from "~/services/emails.server";
import { enqueueJob } from "~/lib/jobs/queue.server";
import { FULFILL_JOB_TYPE } from "~/services/shopify-fulfillment.server";

/**
 * Delivery: turning a paid digital order into something the shopper can use. Runs in
 * one transaction with the order row locked, so two workers (or a webhook and the
 * sweep) delivering the same order serialize, and license keys are taken from the pool
 * with FOR UPDATE SKIP LOCKED, so concurrent orders never receive the same key.
 */

export function keysNeededFor(access: string, quantity: number, mode: string | null): number {
  if (access !== "LICENSE_KEY" && access !== "FILE_WITH_LICENCE_KEY") return 0;
  return mode === "per_line" ? 1 : quantity;
}

/**
 * The delivery terms a new order line snapshots from its product, whoever creates the
 * line (Shopify order intake, an API assignment): a later product edit must not change
 * what a past customer bought.
 */
export function orderLineTerms(product: DigitalProduct, quantity: number) {
  return {
    digitalProductId: product.id,
    title: product.name,
    quantity,
    deliveringType: product.deliveringType,
    access: product.access,
    maxDownloads: product.maxDownloads || null,
    downloadIn: product.downloadIn || null,
    stampingEnabled: product.stampingEnabled,
    stampingTemplate: product.stampingTemplate,
    scheduledAt: product.deliveringType === "SCHEDULED" ? product.scheduledDeliveryDate : null,
    keysNeeded: keysNeededFor(product.access, quantity, product.licenseKeyMode),
  };
}

/** Takes up to `wanted` available keys from the pool `tag` and assigns them to the line. */
async function assignKeysFromPool(
  tx: DbTransaction,
  line: OrderLine,
  tag: string | null,
  wanted: number,
): Promise<number> {
  if (wanted <= 0) return 0;
  const available = await tx
    .select({ id: licenseKeys.id })
    .from(licenseKeys)
    .where(
      and(
        eq(licenseKeys.shopId, line.shopId),
        tag === null ? isNull(licenseKeys.tag) : eq(licenseKeys.tag, tag),
        eq(licenseKeys.status, "available"),
      ),
    )
    .orderBy(asc(licenseKeys.createdAt), asc(licenseKeys.id))
    .limit(wanted)
    .for("update", { skipLocked: true });
  if (available.length === 0) return 0;
  await tx
    .update(licenseKeys)
    .set({
      status: "assigned",
      orderId: line.orderId,
      orderLineId: line.id,
      assignedAt: sql`now()`,
    })
    .where(
      inArray(
        licenseKeys.id,
        available.map((k) => k.id),
      ),
    );
  return available.length;
}

async function assignedKeyCount(tx: DbTransaction, lineId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(licenseKeys)
    .where(eq(licenseKeys.orderLineId, lineId));
  return Number(row?.n ?? 0);
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  newlyDelivered: number;
  emailId: string | null;
}

const WAITING_ORDER: DeliveryStatus[] = ["awaiting_keys", "awaiting_files", "scheduled"];

/**
 * Delivers what can be delivered now. Idempotent: delivered lines are skipped, so
 * calling it again (retries, sweeps, keys added later) only completes what was waiting.
 * Sends one email per pass that delivered something new.
 */
export async function deliverOrder(
  db: Db,
  shopId: string,
  orderId: string,
  now = new Date(),
  { sendEmail = true }: { sendEmail?: boolean } = {},
): Promise<DeliveryOutcome | null> {
  const outcome = await db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.shopId, shopId), eq(orders.id, orderId)))
      .for("update");
    if (
      !order ||
      order.deliveryStatus === "held" ||
      order.deliveryStatus === "cancelled" ||
      order.cancelledAt
    ) {
      return null;
    }
    const lines = await tx
      .select({ line: orderLines, product: digitalProducts })
      .from(orderLines)
      .leftJoin(digitalProducts, eq(digitalProducts.id, orderLines.digitalProductId))
      .where(and(eq(orderLines.shopId, shopId), eq(orderLines.orderId, orderId)))
      .orderBy(asc(orderLines.createdAt), asc(orderLines.id));

    let newlyDelivered = 0;
    const waiting = new Set<DeliveryStatus>();
    const lowStockTags = new Set<string>();
    for (const { line, product } of lines) {
      if (line.deliveredAt || line.accessStatus === "revoked") continue;
      if (line.scheduledAt && line.scheduledAt > now) {
        waiting.add("scheduled");
        continue;
      }
      if (line.keysNeeded > 0) {
        const tag = product?.licenseKeyTag ?? null;
        const have = await assignedKeyCount(tx, line.id);
        const got = await assignKeysFromPool(tx, line, tag, line.keysNeeded - have);
        if (got > 0 && tag) lowStockTags.add(tag);
        if (have + got < line.keysNeeded) {
          await tx
            .update(orderLines)
            .set({ keyStatus: "awaiting" })
            .where(eq(orderLines.id, line.id));
          waiting.add("awaiting_keys");
          continue;
        }
      }
      if (line.deliveringType === "UNIQUE") {
        const [attached] = await tx
          .select({ n: count() })
          .from(orderLineFiles)
          .where(eq(orderLineFiles.orderLineId, line.id));
        if (Number(attached?.n ?? 0) === 0) {
          waiting.add("awaiting_files");
          continue;
        }
      }
      const expiresAt = line.downloadIn
        ? new Date(now.getTime() + line.downloadIn * 86_400_000)
        : null;
      await tx
        .update(orderLines)
        .set({
          deliveredAt: now,
          keyStatus: line.keysNeeded > 0 ? "assigned" : line.keyStatus,
          expiresAt: line.expiresAt ?? expiresAt,
        })
        .where(eq(orderLines.id, line.id));
      newlyDelivered++;
    }

    const status: DeliveryStatus = WAITING_ORDER.find((s) => waiting.has(s)) ?? "delivered";
    await tx
      .update(orders)
      .set({
        deliveryStatus: status,
        deliveredAt: status === "delivered" ? (order.deliveredAt ?? now) : order.deliveredAt,
      })
      .where(eq(orders.id, order.id));

    let emailId: string | null = null;
    if (sendEmail && newlyDelivered > 0 && order.email) {
      const email = await queueOrderEmail(tx, {
        shopId,
        orderId: order.id,
        kind: "delivery",
        toAddress: order.email,
        locale: order.locale,
      });
      emailId = email.id;
    }
    for (const tag of lowStockTags) await noticeLowStock(tx, shopId, tag);
    if (newlyDelivered > 0) {
      const [shop] = await tx
        .select({ autoFulfill: shops.autoFulfill })
        .from(shops)
        .where(eq(shops.id, shopId));
      if (shop?.autoFulfill) {
        await enqueueJob(tx, { type: FULFILL_JOB_TYPE, shopId, payload: { orderId: order.id } });
      }
    }
    return { status, newlyDelivered, emailId };
  });
  if (outcome) rootLogger.info({ shop_id: shopId, order_id: orderId, ...outcome }, "delivery pass");
  return outcome;
}

/**
 * Tells the merchant once when a pool falls under its product's threshold (and again
 * only after it was refilled above it: the flag is cleared when keys are added).
 */
async function noticeLowStock(tx: DbTransaction, shopId: string, tag: string): Promise<void> {
  const products = await tx
    .select()
    .from(digitalProducts)
    .where(
      and(
        eq(digitalProducts.shopId, shopId),
        eq(digitalProducts.licenseKeyTag, tag),
        isNull(digitalProducts.lowStockNotifiedAt),
        sql`${digitalProducts.lowStockThreshold} is not null`,
      ),
    );
  if (products.length === 0) return;
  const [left] = await tx
    .select({ n: count() })
    .from(licenseKeys)
    .where(
      and(
        eq(licenseKeys.shopId, shopId),
        eq(licenseKeys.tag, tag),
        eq(licenseKeys.status, "available"),
      ),
    );
  const available = Number(left?.n ?? 0);
  const [shop] = await tx.select().from(shops).where(eq(shops.id, shopId));
  for (const product of products) {
    if (available > (product.lowStockThreshold ?? 0)) continue;
    await tx
      .update(digitalProducts)
      .set({ lowStockNotifiedAt: sql`now()` })
      .where(eq(digitalProducts.id, product.id));
    const to = shop?.lowStockNoticeEmail ?? shop?.email;
    if (!to) continue;
    const subject = `License keys running low: ${product.name} (${available} left)`;
    const text = `Only ${available} license key${available === 1 ? "" : "s"} left in the pool "${tag}" for ${product.name}.\nAdd keys in Handoff so new orders are delivered without waiting.`;
    await tx.insert(emailMessages).values({
      shopId,
      kind: "merchant_notice",
      toAddress: to,
      subject,
      bodyText: text,
      bodyHtml: `<p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\n/g, "<br>")}</p>`,
    });
  }
}

/**
 * Orders with something waiting that may now be deliverable: keys added to a pool,
 * unique files attached, a scheduled date reached. Run periodically by the worker.
 */
export async function deliverWaitingOrders(
  db: Db,
  { limit = 100, now = new Date() } = {},
): Promise<number> {
  const due = await db
    .selectDistinct({ shopId: orderLines.shopId, orderId: orderLines.orderId })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        isNull(orderLines.deliveredAt),
        eq(orderLines.accessStatus, "enabled"),
        inArray(orders.deliveryStatus, ["awaiting_keys", "awaiting_files", "scheduled"]),
        or(
          eq(orderLines.keyStatus, "awaiting"),
          eq(orderLines.deliveringType, "UNIQUE"),
          lte(orderLines.scheduledAt, now),
        ),
      ),
    )
    .limit(limit);
  let delivered = 0;
  for (const { shopId, orderId } of due) {
    const outcome = await deliverOrder(db, shopId, orderId, now);
    if (outcome?.newlyDelivered) delivered++;
  }
  return delivered;
}

/** A held (high-risk) order the merchant approved: deliver it now. */
export async function approveHeldOrder(
  db: Db,
  shopId: string,
  orderId: string,
): Promise<DeliveryOutcome | null> {
  const updated = await db
    .update(orders)
    .set({ deliveryStatus: "pending", approvedAt: sql`now()`, heldReason: null })
    .where(
      and(eq(orders.shopId, shopId), eq(orders.id, orderId), eq(orders.deliveryStatus, "held")),
    )
    .returning({ id: orders.id });
  if (updated.length === 0) return null;
  return deliverOrder(db, shopId, orderId);
}
