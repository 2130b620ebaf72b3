import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import {
  customers,
  downloadLinkFiles,
  downloadLinks,
  files,
  orders,
  shops,
  type DownloadLink,
} from "~/db/schema";
import { notFound } from "~/lib/api/errors";
import { env } from "~/lib/env.server";
import { fillStampTemplate, parseStampingOptions } from "~/lib/pdf/template";
import {
  recordDownloadEvent,
  serveDownload,
  stampVariables,
  type DownloadOutcome,
  type DownloadRequest,
  type DownloadTarget,
  type RecordInput,
  type RecordResult,
} from "~/services/downloads.server";

/**
 * API-created share links: an unguessable token bundling files of the shop. Serving
 * `/l/<token>` to shoppers belongs to the shopper-delivery work; this only mints them.
 */

export interface CreatedDownloadLink extends DownloadLink {
  url: string;
  fileIds: string[];
}

export function downloadLinkUrl(token: string): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/l/${token}`;
}

export async function createDownloadLink(
  shopId: string,
  input: {
    fileIds: string[];
    useDownloadLimit?: boolean;
    downloadLimit?: number;
    useStamping?: boolean;
    stampingText?: string;
  },
): Promise<CreatedDownloadLink> {
  const fileIds = [...new Set(input.fileIds)];
  return getDb().transaction(async (tx) => {
    const found = await tx
      .select({ id: files.id })
      .from(files)
      .where(and(eq(files.shopId, shopId), inArray(files.id, fileIds), isNull(files.deletedAt)));
    const have = new Set(found.map((f) => f.id));
    const missing = input.fileIds.findIndex((id) => !have.has(id));
    if (missing >= 0) throw notFound("file", `file_ids.${missing}`);
    const useDownloadLimit = input.useDownloadLimit ?? false;
    const [link] = await tx
      .insert(downloadLinks)
      .values({
        shopId,
        useDownloadLimit,
        // 0 = unlimited, stored as null like every other limit.
        downloadLimit: useDownloadLimit ? input.downloadLimit || null : null,
        useStamping: input.useStamping ?? false,
        stampingText: input.stampingText ?? null,
      })
      .returning();
    await tx
      .insert(downloadLinkFiles)
      .values(
        fileIds.map((fileId, position) => ({ shopId, downloadLinkId: link!.id, fileId, position })),
      );
    return { ...link!, url: downloadLinkUrl(link!.token), fileIds };
  });
}

// ---------------------------------------------------------------------------------------
// Serving links to shoppers: /l/<token> (page) and /l/<token>/<fileId> (file)
// ---------------------------------------------------------------------------------------

export type DownloadLinkState = "available" | "expired" | "limit_reached";

export interface DownloadLinkPage {
  shop: { name: string; brandColor: string | null; logoUrl: string | null; locale: string };
  state: DownloadLinkState;
  expiresAt: Date | null;
  downloadsUsed: number;
  /** null = unlimited */
  downloadsAllowed: number | null;
  files: Array<{ id: string; name: string; size: number; contentType: string }>;
}

function linkAllowed(link: DownloadLink): number | null {
  return link.useDownloadLimit && link.downloadLimit ? link.downloadLimit : null;
}

export function downloadLinkState(link: DownloadLink, now: Date): DownloadLinkState {
  if (link.expiresAt && link.expiresAt <= now) return "expired";
  const allowed = linkAllowed(link);
  if (allowed !== null && link.downloadCount >= allowed) return "limit_reached";
  return "available";
}

async function findLinkByToken(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await getDb()
    .select({ link: downloadLinks, shop: shops })
    .from(downloadLinks)
    .innerJoin(shops, eq(shops.id, downloadLinks.shopId))
    .where(eq(downloadLinks.token, token))
    .limit(1);
  return row ?? null;
}

export async function getDownloadLinkPage(
  token: string,
  now = new Date(),
): Promise<DownloadLinkPage | null> {
  const found = await findLinkByToken(token);
  if (!found) return null;
  const { link, shop } = found;
  const state = downloadLinkState(link, now);
  const rows = await getDb()
    .select({ id: files.id, name: files.name, size: files.size, contentType: files.contentType })
    .from(downloadLinkFiles)
    .innerJoin(files, eq(files.id, downloadLinkFiles.fileId))
    .where(
      and(
        eq(downloadLinkFiles.shopId, shop.id),
        eq(downloadLinkFiles.downloadLinkId, link.id),
        eq(files.uploaded, true),
        isNull(files.deletedAt),
      ),
    )
    .orderBy(asc(downloadLinkFiles.position), asc(files.name));
  return {
    shop: {
      name: shop.name ?? shop.domain,
      brandColor: shop.brandColor,
      logoUrl: shop.brandLogoUrl,
      locale: shop.primaryLocale,
    },
    state,
    expiresAt: link.expiresAt,
    downloadsUsed: link.downloadCount,
    downloadsAllowed: linkAllowed(link),
    files: state === "expired" ? [] : rows,
  };
}

/**
 * Serves one file of a download link, with the link's own limit and expiry. Same rules
 * as order lines (see serveLineFile): one transaction with the link row locked checks,
 * counts, records the event (`download_link_id`) and the outbox event; a resumed range
 * is served but not counted.
 */
export async function serveDownloadLinkFile(
  input: { token: string; fileId: string },
  request: DownloadRequest,
): Promise<DownloadOutcome> {
  const now = request.now ?? new Date();
  if (!/^file_[0-9a-z]{10,40}$/.test(input.fileId)) return { kind: "refused", reason: "not_found" };
  const found = await findLinkByToken(input.token);
  if (!found) return { kind: "refused", reason: "not_found" };
  const { link, shop } = found;
  const db = getDb();
  const [[attached], [file], [orderRow]] = await Promise.all([
    db
      .select({ fileId: downloadLinkFiles.fileId })
      .from(downloadLinkFiles)
      .where(
        and(
          eq(downloadLinkFiles.downloadLinkId, link.id),
          eq(downloadLinkFiles.fileId, input.fileId),
        ),
      ),
    db
      .select()
      .from(files)
      .where(
        and(
          eq(files.shopId, shop.id),
          eq(files.id, input.fileId),
          eq(files.uploaded, true),
          isNull(files.deletedAt),
        ),
      ),
    link.orderId
      ? db
          .select({ order: orders, customer: customers })
          .from(orders)
          .leftJoin(customers, eq(customers.id, orders.customerId))
          .where(and(eq(orders.shopId, shop.id), eq(orders.id, link.orderId)))
      : Promise.resolve([]),
  ]);
  if (!attached || !file) return { kind: "refused", reason: "not_found" };
  const state = downloadLinkState(link, now);
  const mayResume = state === "limit_reached" && request.method === "GET" && Boolean(request.range);
  if (state !== "available" && !mayResume) return { kind: "refused", reason: state };

  const text = link.useStamping ? (link.stampingText ?? "").trim() : "";
  const target: DownloadTarget = {
    shopId: shop.id,
    file,
    stamp: text
      ? {
          ownerId: link.id,
          text: fillStampTemplate(
            text,
            stampVariables({
              order: orderRow?.order ?? null,
              customer: orderRow?.customer ?? null,
              date: orderRow?.order.createdAt ?? link.createdAt,
            }),
          ),
          options: parseStampingOptions({}),
        }
      : null,
  };
  return serveDownload(target, { ...request, now }, (record) =>
    recordLinkDownload({
      shopId: shop.id,
      linkId: link.id,
      fileId: file.id,
      customerId: orderRow?.order.customerId ?? null,
      ...record,
    }),
  );
}

async function recordLinkDownload(
  input: {
    shopId: string;
    linkId: string;
    fileId: string;
    customerId: string | null;
  } & RecordInput,
): Promise<RecordResult> {
  return getDb().transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(downloadLinks)
      .where(and(eq(downloadLinks.shopId, input.shopId), eq(downloadLinks.id, input.linkId)))
      .for("update");
    if (!link) return { ok: false as const, reason: "not_found" as const };
    const state = downloadLinkState(link, input.now);
    const outcome = await recordDownloadEvent(tx, {
      subject: {
        shopId: input.shopId,
        orderId: link.orderId,
        customerId: input.customerId,
        fileId: input.fileId,
        scope: { downloadLinkId: link.id },
      },
      request: input,
      state,
      mayResume: state !== "expired",
    });
    if (!outcome.ok) return outcome;
    if (outcome.consumed) {
      await tx
        .update(downloadLinks)
        .set({ downloadCount: sql`${downloadLinks.downloadCount} + 1` })
        .where(eq(downloadLinks.id, link.id));
    }
    return { ok: true as const, eventId: outcome.eventId };
  });
}
