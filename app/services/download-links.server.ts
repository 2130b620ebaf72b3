import { and, eq, inArray, isNull } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { downloadLinkFiles, downloadLinks, files, type DownloadLink } from "~/db/schema";
import { notFound } from "~/lib/api/errors";
import { env } from "~/lib/env.server";

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
