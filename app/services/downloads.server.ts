import { Readable } from "node:stream";
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { getDb, type DbOrTx } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  digitalProductFiles,
  digitalProductLinks,
  downloadEvents,
  files,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  shops,
  type Customer,
  type FileRow as File,
  type Order,
  type OrderLine,
} from "~/db/schema";
import { env } from "~/lib/env.server";
import { stampedCopy } from "~/lib/pdf/stamped-copy.server";
import {
  DEFAULT_STAMP_TEMPLATE,
  fillStampTemplate,
  parseStampingOptions,
  type StampOptions,
  type StampVariables,
} from "~/lib/pdf/template";
import { log } from "~/lib/request-context.server";
import {
  contentDispositionFor,
  decideRange,
  downloadHeaders,
  entityTag,
  safeContentType,
  type RangeDecision,
  type Representation,
} from "~/lib/storage/http.server";
import { storage, type FileEncryptionMeta } from "~/lib/storage/index.server";
import { buildDownloadPayload } from "~/lib/webhooks-out/payloads.server";
import {
  downloadPageAppearance,
  type DownloadPageAppearance,
} from "~/services/shop-settings.server";
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
  | "pending"
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
  /** The merchant's heading, text and which details to show (Settings → Delivery). */
  appearance: DownloadPageAppearance;
  order: {
    name: string;
    createdAt: Date;
    customerFirstName: string | null;
    /** The order's locale (Shopify's customer locale), for the page's language. */
    locale: string | null;
  };
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
  // Not released yet (unpaid, held for risk review, or just not processed): the token
  // alone must never unlock files the merchant has not delivered.
  if (!line.deliveredAt) return "pending";
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
    appearance: downloadPageAppearance(shop.downloadPageSettings),
    order: {
      name: order.name,
      createdAt: order.createdAt,
      customerFirstName: customer?.firstName ?? null,
      locale: order.locale,
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

// ---------------------------------------------------------------------------------------
// Serving files: /d/<token>/<line>/<file> here, /l/<token>/<file> in download-links
// ---------------------------------------------------------------------------------------

/** A resumed range request this soon after a counted download is part of that download. */
export const RESUME_WINDOW_MS = 60 * 60 * 1000;

export type RefusalReason = "not_found" | Exclude<LineState, "available">;

/** Facts of the HTTP request the service needs (it never sees the Request itself). */
export interface DownloadRequest {
  method: "GET" | "HEAD";
  range: string | null;
  ifRange: string | null;
  ipHash: string | null;
  userAgent: string | null;
  now?: Date;
}

export type DownloadOutcome =
  | { kind: "refused"; reason: RefusalReason }
  | { kind: "redirect"; location: string }
  | {
      kind: "body";
      status: 200 | 206 | 416;
      headers: Headers;
      body: Readable | null;
      /** Call with the bytes actually sent when the body is done (or abandoned). */
      onDone?: (bytes: number, complete: boolean) => void;
    };

export interface DownloadTarget {
  shopId: string;
  file: File;
  /** Set when this file is served as a stamped PDF. */
  stamp: { ownerId: string; text: string; options: StampOptions } | null;
}

export interface RecordInput {
  /** First byte served: 0 for full downloads. */
  rangeStart: number;
  plannedBytes: number;
  ipHash: string | null;
  userAgent: string | null;
  now: Date;
}

export type RecordResult = { ok: true; eventId: string } | { ok: false; reason: RefusalReason };

export function isPdf(file: Pick<File, "contentType" | "name">): boolean {
  return file.contentType === "application/pdf" || /\.pdf$/i.test(file.name);
}

export function stampVariables(input: {
  order: Pick<Order, "name" | "email" | "createdAt"> | null;
  customer: Pick<Customer, "firstName" | "lastName" | "email"> | null;
  date: Date;
}): StampVariables {
  const name = [input.customer?.firstName, input.customer?.lastName]
    .filter(Boolean)
    .join(" ")
    .trim();
  return {
    customer_name: name,
    customer_email: input.customer?.email ?? input.order?.email ?? "",
    order_name: input.order?.name ?? "",
    date: input.date.toISOString().slice(0, 10),
  };
}

interface Served {
  rep: Representation;
  storageKey: string;
  encryption: FileEncryptionMeta | Record<string, unknown> | null;
  stamped: boolean;
}

async function representationOf(target: DownloadTarget): Promise<Served> {
  const { file } = target;
  const encryption = file.isEncrypted ? (file.encryption ?? null) : null;
  if (target.stamp && isPdf(file)) {
    try {
      const copy = await stampedCopy({
        shopId: target.shopId,
        ownerId: target.stamp.ownerId,
        file: {
          id: file.id,
          storageKey: file.storageKey,
          size: file.size,
          checksum: file.checksumSha256,
          encryption,
        },
        text: target.stamp.text,
        options: target.stamp.options,
      });
      if (copy) {
        return {
          rep: { size: copy.size, etag: `"${copy.sha256}"`, lastModified: copy.createdAt },
          storageKey: copy.storageKey,
          encryption: copy.encryption,
          stamped: true,
        };
      }
    } catch (error) {
      // Stamping is a courtesy to the merchant; a failure must not cost the shopper the file.
      log().warn({ err: error, file_id: file.id }, "PDF stamping failed: served unstamped");
    }
  }
  return {
    rep: {
      size: file.size,
      etag: entityTag({ checksum: file.checksumSha256, id: file.id, size: file.size }),
      lastModified: file.updatedAt,
    },
    storageKey: file.storageKey,
    encryption,
    stamped: false,
  };
}

/**
 * The HTTP side of a download, shared by order lines and download links: picks what is
 * served (stamped copy or original), decides Range, records the download through
 * `record` (one transaction: check, count, event, outbox), then opens the bytes.
 */
export async function serveDownload(
  target: DownloadTarget,
  request: DownloadRequest,
  record: (input: RecordInput) => Promise<RecordResult>,
): Promise<DownloadOutcome> {
  const served = await representationOf(target);
  const decision: RangeDecision =
    request.method === "HEAD"
      ? { kind: "full" }
      : decideRange(
          new Headers(pickDefined({ range: request.range, "if-range": request.ifRange })),
          served.rep,
        );
  const headers = downloadHeaders({
    filename: target.file.name,
    contentType: target.file.contentType,
    rep: served.rep,
    decision,
  });
  if (decision.kind === "unsatisfiable") {
    return { kind: "body", status: 416, headers, body: null };
  }
  if (request.method === "HEAD") return { kind: "body", status: 200, headers, body: null };

  const range =
    decision.kind === "partial" ? { start: decision.start, end: decision.end } : undefined;
  const plannedBytes = range ? range.end - range.start + 1 : served.rep.size;
  const recorded = await record({
    rangeStart: range?.start ?? 0,
    plannedBytes,
    ipHash: request.ipHash,
    userAgent: request.userAgent,
    now: request.now ?? new Date(),
  });
  if (!recorded.ok) return { kind: "refused", reason: recorded.reason };

  const store = storage();
  const config = env();
  if (
    config.S3_PRESIGNED_DOWNLOADS &&
    store.name === "s3" &&
    store.presignGet &&
    !served.encryption &&
    !served.stamped
  ) {
    const location = await store.presignGet(served.storageKey, {
      expiresInSeconds: config.S3_PRESIGN_TTL_SECONDS,
      contentType: safeContentType(target.file.contentType),
      contentDisposition: contentDispositionFor(target.file.name),
    });
    return { kind: "redirect", location };
  }

  const body =
    plannedBytes === 0
      ? Readable.from([])
      : await store.get(served.storageKey, { range, encryption: served.encryption });
  return {
    kind: "body",
    status: range ? 206 : 200,
    headers,
    body,
    onDone: (bytes, complete) => {
      if (!complete) {
        log().info(
          { file_id: target.file.id, bytes, planned: plannedBytes },
          "download ended early",
        );
      }
      if (bytes !== plannedBytes) {
        void finishDownloadEvent(target.shopId, recorded.eventId, bytes).catch((error: unknown) =>
          log().warn({ err: error }, "could not record bytes sent"),
        );
      }
    },
  };
}

function pickDefined(values: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}

/** `bytes_sent` becomes what actually left (a download the client abandoned sent less). */
export async function finishDownloadEvent(
  shopId: string,
  eventId: string,
  bytesSent: number,
): Promise<void> {
  await getDb()
    .update(downloadEvents)
    .set({ bytesSent })
    .where(and(eq(downloadEvents.shopId, shopId), eq(downloadEvents.id, eventId)));
}

/**
 * The counted download this ranged request continues, if any: same line (or link) and
 * file, a counted download within the resume window, and the same client when we know
 * the client. Only `billable` rows start a window, so resumes cannot extend it forever.
 */
export async function findResumedDownload(
  tx: DbOrTx,
  input: {
    shopId: string;
    scope: { orderLineId: string } | { downloadLinkId: string };
    fileId: string;
    rangeStart: number;
    ipHash: string | null;
    now: Date;
  },
): Promise<string | null> {
  if (input.rangeStart <= 0) return null;
  const [recent] = await tx
    .select({ id: downloadEvents.id })
    .from(downloadEvents)
    .where(
      and(
        eq(downloadEvents.shopId, input.shopId),
        "orderLineId" in input.scope
          ? eq(downloadEvents.orderLineId, input.scope.orderLineId)
          : eq(downloadEvents.downloadLinkId, input.scope.downloadLinkId),
        eq(downloadEvents.fileId, input.fileId),
        eq(downloadEvents.billable, true),
        gt(downloadEvents.createdAt, new Date(input.now.getTime() - RESUME_WINDOW_MS)),
        input.ipHash ? eq(downloadEvents.ipHash, input.ipHash) : undefined,
      ),
    )
    .orderBy(desc(downloadEvents.createdAt))
    .limit(1);
  return recent?.id ?? null;
}

/** Line ids are ULIDs with a prefix; refuse anything else before touching the database. */
const ID_SHAPE = /^[a-z]{1,8}_[0-9a-z]{10,40}$/;

/** Read-only: may this order's line serve this file, and how (stamped or not)? */
async function resolveLineDownload(
  token: string,
  lineId: string,
  fileId: string,
  now: Date,
): Promise<
  | { ok: true; target: DownloadTarget; order: Order; state: LineState }
  | { ok: false; reason: RefusalReason }
> {
  if (!ID_SHAPE.test(lineId) || !ID_SHAPE.test(fileId)) return { ok: false, reason: "not_found" };
  const found = await findOrderByToken(token);
  if (!found) return { ok: false, reason: "not_found" };
  const { order, shop, customer } = found;
  const db = getDb();
  const [line] = await db
    .select()
    .from(orderLines)
    .where(
      and(
        eq(orderLines.shopId, shop.id),
        eq(orderLines.orderId, order.id),
        eq(orderLines.id, lineId),
      ),
    );
  if (!line) return { ok: false, reason: "not_found" };
  const [attached, [file], [product]] = await Promise.all([
    lineHasFile(db, line, fileId),
    db
      .select()
      .from(files)
      .where(and(eq(files.shopId, shop.id), eq(files.id, fileId), eq(files.uploaded, true))),
    line.stampingEnabled && line.digitalProductId
      ? db
          .select({ options: digitalProducts.stampingOptions })
          .from(digitalProducts)
          .where(
            and(eq(digitalProducts.shopId, shop.id), eq(digitalProducts.id, line.digitalProductId)),
          )
      : Promise.resolve([]),
  ]);
  if (!attached || !file) return { ok: false, reason: "not_found" };
  const state = lineState(line, order.dlAccess, now, true);
  const stamp = line.stampingEnabled
    ? {
        ownerId: line.id,
        text: fillStampTemplate(
          line.stampingTemplate?.trim() || DEFAULT_STAMP_TEMPLATE,
          stampVariables({ order, customer, date: order.createdAt }),
        ),
        options: parseStampingOptions(product?.options),
      }
    : null;
  return { ok: true, order, state, target: { shopId: shop.id, file, stamp } };
}

async function lineHasFile(db: DbOrTx, line: OrderLine, fileId: string): Promise<boolean> {
  const rows =
    line.deliveringType === "UNIQUE"
      ? await db
          .select({ fileId: orderLineFiles.fileId })
          .from(orderLineFiles)
          .where(and(eq(orderLineFiles.orderLineId, line.id), eq(orderLineFiles.fileId, fileId)))
      : await db
          .select({ fileId: digitalProductFiles.fileId })
          .from(digitalProductFiles)
          .where(
            and(
              eq(digitalProductFiles.digitalProductId, line.digitalProductId ?? ""),
              eq(digitalProductFiles.fileId, fileId),
            ),
          );
  return rows.length > 0;
}

/**
 * Serves one file of an order line. Counting rules (docs/downloads.md):
 * - a full GET, or a range starting at byte 0, is a download: limit checked, counted,
 *   `download_events` row, `file.downloaded` / `file.redownloaded` in the outbox;
 * - a range starting later, from the same client within RESUME_WINDOW_MS of a counted
 *   download of the same file, continues it: served even at the limit, not counted, an
 *   event row with counted = billable = false and no outbox event;
 * - HEAD and 416 answers record nothing.
 */
export async function serveLineFile(
  input: { token: string; lineId: string; fileId: string },
  request: DownloadRequest,
): Promise<DownloadOutcome> {
  const now = request.now ?? new Date();
  const resolved = await resolveLineDownload(input.token, input.lineId, input.fileId, now);
  if (!resolved.ok) return { kind: "refused", reason: resolved.reason };
  const { state, order, target } = resolved;
  // At the limit only a resumed range can still succeed (decided in the transaction).
  const mayResume = state === "limit_reached" && request.method === "GET" && Boolean(request.range);
  if (state !== "available" && !mayResume) return { kind: "refused", reason: state };

  return serveDownload(target, { ...request, now }, (recordInput) =>
    recordLineDownload({ order, lineId: input.lineId, fileId: target.file.id, ...recordInput }),
  );
}

/**
 * What every download records once its line (or link) row is locked: a resumed range is
 * an uncounted event; otherwise, when the state allows it, a counted event (a
 * re-download if this file was fetched before) and its outbox event, in the same
 * transaction. `consumed` tells the caller to increment its own counter.
 */
export async function recordDownloadEvent<S extends string>(
  tx: DbOrTx,
  input: {
    /** What was downloaded and through what: an order line or a download link. */
    subject: {
      shopId: string;
      orderId: string | null;
      customerId: string | null;
      fileId: string;
      scope: { orderLineId: string } | { downloadLinkId: string };
    };
    request: RecordInput;
    state: S;
    mayResume: boolean;
  },
): Promise<
  { ok: true; eventId: string; consumed: boolean } | { ok: false; reason: Exclude<S, "available"> }
> {
  const { subject, request } = input;
  const { scope } = subject;
  const event = {
    shopId: subject.shopId,
    orderId: subject.orderId,
    customerId: subject.customerId,
    fileId: subject.fileId,
    ...scope,
    rangeStart: request.rangeStart > 0 ? request.rangeStart : null,
    bytesSent: request.plannedBytes,
    ipHash: request.ipHash,
    userAgent: request.userAgent?.slice(0, 300) ?? null,
  };
  if (input.mayResume) {
    const resumed = await findResumedDownload(tx, {
      shopId: event.shopId,
      scope,
      fileId: event.fileId,
      rangeStart: request.rangeStart,
      ipHash: request.ipHash,
      now: request.now,
    });
    if (resumed) {
      const [row] = await tx
        .insert(downloadEvents)
        .values({ ...event, isRedownload: true, counted: false, billable: false })
        .returning({ id: downloadEvents.id });
      return { ok: true, eventId: row!.id, consumed: false };
    }
  }
  if (input.state !== "available") {
    return { ok: false, reason: input.state as Exclude<S, "available"> };
  }
  const [previous] = await tx
    .select({ id: downloadEvents.id })
    .from(downloadEvents)
    .where(
      and(
        "orderLineId" in scope
          ? eq(downloadEvents.orderLineId, scope.orderLineId)
          : eq(downloadEvents.downloadLinkId, scope.downloadLinkId),
        eq(downloadEvents.fileId, event.fileId),
      ),
    )
    .limit(1);
  const [row] = await tx
    .insert(downloadEvents)
    .values({ ...event, isRedownload: Boolean(previous), counted: !previous, billable: true })
    .returning({ id: downloadEvents.id });
  await recordWebhookEvent(
    tx,
    event.shopId,
    previous ? "file.redownloaded" : "file.downloaded",
    await buildDownloadPayload(tx, event.shopId, row!.id),
  );
  return { ok: true, eventId: row!.id, consumed: true };
}

async function recordLineDownload(
  input: { order: Order; lineId: string; fileId: string } & RecordInput,
): Promise<RecordResult> {
  const { order } = input;
  return getDb().transaction(async (tx) => {
    const [line] = await tx
      .select()
      .from(orderLines)
      .where(
        and(
          eq(orderLines.shopId, order.shopId),
          eq(orderLines.orderId, order.id),
          eq(orderLines.id, input.lineId),
        ),
      )
      .for("update");
    // Re-read the order too: access may have been turned off since the first look.
    const [current] = await tx
      .select({ dlAccess: orders.dlAccess })
      .from(orders)
      .where(and(eq(orders.shopId, order.shopId), eq(orders.id, order.id)));
    if (!line || !current) return { ok: false as const, reason: "not_found" as const };
    const state = lineState(line, current.dlAccess, input.now, true);
    const outcome = await recordDownloadEvent(tx, {
      subject: {
        shopId: order.shopId,
        orderId: order.id,
        customerId: order.customerId,
        fileId: input.fileId,
        scope: { orderLineId: line.id },
      },
      request: input,
      state,
      mayResume: state === "available" || state === "limit_reached",
    });
    if (!outcome.ok) return outcome;
    if (outcome.consumed) {
      await tx
        .update(orderLines)
        .set({ downloadCount: sql`${orderLines.downloadCount} + 1` })
        .where(eq(orderLines.id, line.id));
    }
    return { ok: true as const, eventId: outcome.eventId };
  });
}
