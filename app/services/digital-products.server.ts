import { and, count, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { digitalProductFiles, digitalProducts, files, licenseKeys, orderLines } from "~/db/schema";

export interface DigitalProductSummary {
  id: string;
  name: string;
  deliveringType: string;
  access: string;
  maxDownloads: number | null;
  downloadIn: number | null;
  stampingEnabled: boolean;
  fileCount: number;
  availableKeys: number | null;
  soldLines: number;
  createdAt: Date;
}

/** The admin's product overview: newest first, with file, key and sales counts. */
export async function listDigitalProductSummaries(
  shopId: string,
  { limit = 50 }: { limit?: number } = {},
): Promise<DigitalProductSummary[]> {
  const db = getDb();
  const products = await db
    .select()
    .from(digitalProducts)
    .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.isArchived, false)))
    .orderBy(desc(digitalProducts.createdAt), desc(digitalProducts.id))
    .limit(limit);
  if (products.length === 0) return [];
  const ids = products.map((p) => p.id);
  const tags = products.map((p) => p.licenseKeyTag).filter((t): t is string => Boolean(t));

  const [fileCounts, lineCounts, keyCounts] = await Promise.all([
    db
      .select({ id: digitalProductFiles.digitalProductId, n: count() })
      .from(digitalProductFiles)
      .innerJoin(files, eq(files.id, digitalProductFiles.fileId))
      .where(
        and(
          eq(digitalProductFiles.shopId, shopId),
          inArray(digitalProductFiles.digitalProductId, ids),
        ),
      )
      .groupBy(digitalProductFiles.digitalProductId),
    db
      .select({ id: orderLines.digitalProductId, n: count() })
      .from(orderLines)
      .where(and(eq(orderLines.shopId, shopId), inArray(orderLines.digitalProductId, ids)))
      .groupBy(orderLines.digitalProductId),
    tags.length === 0
      ? Promise.resolve([])
      : db
          .select({ tag: licenseKeys.tag, n: count() })
          .from(licenseKeys)
          .where(
            and(
              eq(licenseKeys.shopId, shopId),
              eq(licenseKeys.status, "available"),
              inArray(licenseKeys.tag, tags),
            ),
          )
          .groupBy(licenseKeys.tag),
  ]);
  const byId = (rows: Array<{ id: string | null; n: number }>) =>
    new Map(rows.map((r) => [r.id, Number(r.n)]));
  const filesBy = byId(fileCounts);
  const linesBy = byId(lineCounts);
  const keysBy = new Map(keyCounts.map((r) => [r.tag, Number(r.n)]));

  return products.map((p) => ({
    id: p.id,
    name: p.name,
    deliveringType: p.deliveringType,
    access: p.access,
    maxDownloads: p.maxDownloads,
    downloadIn: p.downloadIn,
    stampingEnabled: p.stampingEnabled,
    fileCount: filesBy.get(p.id) ?? 0,
    availableKeys: p.licenseKeyTag ? (keysBy.get(p.licenseKeyTag) ?? 0) : null,
    soldLines: linesBy.get(p.id) ?? 0,
    createdAt: p.createdAt,
  }));
}
