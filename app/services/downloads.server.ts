import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import {
  customers,
  digitalProductFiles,
  digitalProductLinks,
  downloadEvents,
  files,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  shops,
  type OrderLine,
} from "~/db/schema";
import { buildDownloadPayload } from "~/lib/webhooks-out/payloads.server";
import { recordWebhookEvent } from "~/services/webhook-events.server";

/**
 * The shopper's side of an order, reached only through the order's unguessable access
 * token. Resolving the token yields the shop; every later query is scoped by it.
 */

export type LineState =
  | "available"
  | "disabled"
  | "revoked"
  | "expired"
  | "scheduled"
  | "awaiting_keys"
  | "awaiting_files"
  | "limit_reached";

export interface DownloadPageLine {
  id: string;
  title: string;
  variantTitle: string | null;
  state: LineState;
  scheduledAt: Date | null;
  expiresAt: Date | null;
  downloadsUsed: number;
  /** null = unlimited */
  downloadsAllowed: number | null;
  files: Array<{ id: string; name: string; size: number; contentType: string }>;
  licenseKeys: string[];
  links: Array<{ title: string; url: string }>;
}

export interface DownloadPage {
  shop: { name: string; brandColor: string | null; logoUrl: string | null };
  order: { name: string; createdAt: Date; customerFirstName: string | null };
  lines: DownloadPageLine[];
}

function allowedDownloads(line: Pick<OrderLine, "maxDownloads" | "extraDownloads">): number | null {
  return line.maxDownloads ? line.maxDownloads + line.extraDownloads : null;
}

/** Why a line's files cannot be downloaded right now, or "available". */
export function lineState(
  line: OrderLine,
  orderAccess: "enabled" | "disabled",
  now: Date,
  hasFiles: boolean,
): LineState {
  if (orderAccess === "disabled") return "disabled";
  if (line.accessStatus === "revoked") return "revoked";
  if (line.expiresAt && line.expiresAt <= now) return "expired";
  if (line.scheduledAt && line.scheduledAt > now) return "scheduled";
  if (line.keyStatus === "awaiting") return "awaiting_keys";
  if (line.deliveringType === "UNIQUE" && !hasFiles) return "awaiting_files";
  const allowed = allowedDownloads(line);
  if (allowed !== null && line.downloadCount >= allowed) return "limit_reached";
  return "available";
}

async function findOrderByToken(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await getDb()
    .select({ order: orders, shop: shops, customer: customers })
    .from(orders)
    .innerJoin(shops, eq(shops.id, orders.shopId))
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .where(eq(orders.accessToken, token))
    .limit(1);
  return row ?? null;
}

/** Files each line delivers: the product's files, or the order's own for UNIQUE lines. */
async function filesForLines(shopId: string, lines: OrderLine[]) {
  const db = getDb();
  const uniqueLineIds = lines.filter((l) => l.deliveringType === "UNIQUE").map((l) => l.id);
  const productIds = lines
    .filter((l) => l.deliveringType !== "UNIQUE" && l.digitalProductId)
    .map((l) => l.digitalProductId!);
  const fileColumns = {
    id: files.id,
    name: files.name,
    size: files.size,
    contentType: files.contentType,
  };
  const [productFiles, lineFiles] = await Promise.all([
    productIds.length === 0
      ? []
      : db
          .select({ ownerId: digitalProductFiles.digitalProductId, ...fileColumns })
          .from(digitalProductFiles)
          .innerJoin(files, eq(files.id, digitalProductFiles.fileId))
          .where(
            and(
              eq(digitalProductFiles.shopId, shopId),
              inArray(digitalProductFiles.digitalProductId, productIds),
              eq(files.uploaded, true),
            ),
          )
          .orderBy(asc(digitalProductFiles.position), asc(files.name)),
    uniqueLineIds.length === 0
      ? []
      : db
          .select({ ownerId: orderLineFiles.orderLineId, ...fileColumns })
          .from(orderLineFiles)
          .innerJoin(files, eq(files.id, orderLineFiles.fileId))
          .where(
            and(
              eq(orderLineFiles.shopId, shopId),
              inArray(orderLineFiles.orderLineId, uniqueLineIds),
              eq(files.uploaded, true),
            ),
          )
          .orderBy(asc(orderLineFiles.position), asc(files.name)),
  ]);
  const byOwner = new Map<string, DownloadPageLine["files"]>();
  for (const { ownerId, ...file } of [...productFiles, ...lineFiles]) {
    byOwner.set(ownerId, [...(byOwner.get(ownerId) ?? []), file]);
  }
  return (line: OrderLine) =>
    byOwner.get(line.deliveringType === "UNIQUE" ? line.id : (line.digitalProductId ?? "")) ?? [];
}

export async function getDownloadPage(
  token: string,
  now = new Date(),
): Promise<DownloadPage | null> {
  const found = await findOrderByToken(token);
  if (!found) return null;
  const { order, shop, customer } = found;
  const db = getDb();
  const lines = await db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.shopId, shop.id), eq(orderLines.orderId, order.id)))
    .orderBy(asc(orderLines.createdAt), asc(orderLines.id));
  const lineIds = lines.map((l) => l.id);
  const productIds = lines.map((l) => l.digitalProductId).filter((id): id is string => Boolean(id));
  const [fileLookup, keys, links] = await Promise.all([
    filesForLines(shop.id, lines),
    lineIds.length === 0
      ? []
      : db
          .select({ lineId: licenseKeys.orderLineId, key: licenseKeys.key })
          .from(licenseKeys)
          .where(and(eq(licenseKeys.shopId, shop.id), inArray(licenseKeys.orderLineId, lineIds)))
          .orderBy(asc(licenseKeys.assignedAt)),
    productIds.length === 0
      ? []
      : db
          .select()
          .from(digitalProductLinks)
          .where(
            and(
              eq(digitalProductLinks.shopId, shop.id),
              inArray(digitalProductLinks.digitalProductId, productIds),
            ),
          )
          .orderBy(asc(digitalProductLinks.position)),
  ]);

  return {
    shop: {
      name: shop.name ?? shop.domain,
      brandColor: shop.brandColor,
      logoUrl: shop.brandLogoUrl,
    },
    order: {
      name: order.name,
      createdAt: order.createdAt,
      customerFirstName: customer?.firstName ?? null,
    },
    lines: lines.map((line) => {
      const lineFiles = fileLookup(line);
      const state = lineState(line, order.dlAccess, now, lineFiles.length > 0);
      const visible = state === "available" || state === "limit_reached";
      return {
        id: line.id,
        title: line.title,
        variantTitle: line.variantTitle,
        state,
        scheduledAt: line.scheduledAt,
        expiresAt: line.expiresAt,
        downloadsUsed: line.downloadCount,
        downloadsAllowed: allowedDownloads(line),
        files: visible ? lineFiles : [],
        licenseKeys: visible ? keys.filter((k) => k.lineId === line.id).map((k) => k.key) : [],
        links: visible
          ? links
              .filter((l) => l.digitalProductId === line.digitalProductId)
              .map(({ title, url }) => ({ title, url }))
          : [],
      };
    }),
  };
}

export type StartDownloadResult =
  | {
      ok: true;
      file: { id: string; name: string; size: number; contentType: string; storageKey: string };
      isRedownload: boolean;
    }
  | { ok: false; reason: "not_found" | Exclude<LineState, "available"> };

/**
 * Checks access and the limit, records the event and counts it in ONE transaction with the
 * line row locked, so concurrent downloads can never exceed the merchant's limit.
 */
export async function startFileDownload(input: {
  token: string;
  lineId: string;
  fileId: string;
  ipHash?: string | null;
  userAgent?: string | null;
  now?: Date;
}): Promise<StartDownloadResult> {
  const found = await findOrderByToken(input.token);
  if (!found) return { ok: false, reason: "not_found" };
  const { order, shop } = found;
  const now = input.now ?? new Date();

  return getDb().transaction(async (tx) => {
    const [line] = await tx
      .select()
      .from(orderLines)
      .where(
        and(
          eq(orderLines.shopId, shop.id),
          eq(orderLines.orderId, order.id),
          eq(orderLines.id, input.lineId),
        ),
      )
      .for("update");
    if (!line) return { ok: false as const, reason: "not_found" as const };

    const owner =
      line.deliveringType === "UNIQUE"
        ? tx
            .select({ fileId: orderLineFiles.fileId })
            .from(orderLineFiles)
            .where(
              and(eq(orderLineFiles.orderLineId, line.id), eq(orderLineFiles.fileId, input.fileId)),
            )
        : tx
            .select({ fileId: digitalProductFiles.fileId })
            .from(digitalProductFiles)
            .where(
              and(
                eq(digitalProductFiles.digitalProductId, line.digitalProductId ?? ""),
                eq(digitalProductFiles.fileId, input.fileId),
              ),
            );
    const [[attached], [file]] = await Promise.all([
      owner,
      tx
        .select()
        .from(files)
        .where(
          and(eq(files.shopId, shop.id), eq(files.id, input.fileId), eq(files.uploaded, true)),
        ),
    ]);
    if (!attached || !file) return { ok: false as const, reason: "not_found" as const };

    const state = lineState(line, order.dlAccess, now, true);
    if (state !== "available") return { ok: false as const, reason: state };

    const [previous] = await tx
      .select({ id: downloadEvents.id })
      .from(downloadEvents)
      .where(and(eq(downloadEvents.orderLineId, line.id), eq(downloadEvents.fileId, file.id)))
      .limit(1);
    const [event] = await tx
      .insert(downloadEvents)
      .values({
        shopId: shop.id,
        orderId: order.id,
        orderLineId: line.id,
        fileId: file.id,
        customerId: order.customerId,
        isRedownload: Boolean(previous),
        counted: !previous,
        billable: true,
        bytesSent: file.size,
        ipHash: input.ipHash ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      })
      .returning({ id: downloadEvents.id });
    await recordWebhookEvent(
      tx,
      shop.id,
      previous ? "file.redownloaded" : "file.downloaded",
      await buildDownloadPayload(tx, shop.id, event!.id),
    );
    await tx
      .update(orderLines)
      .set({ downloadCount: sql`${orderLines.downloadCount} + 1` })
      .where(eq(orderLines.id, line.id));
    return {
      ok: true as const,
      isRedownload: Boolean(previous),
      file: {
        id: file.id,
        name: file.name,
        size: file.size,
        contentType: file.contentType,
        storageKey: file.storageKey,
      },
    };
  });
}
