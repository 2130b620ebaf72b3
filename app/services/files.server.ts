import { and, eq, ilike, inArray, isNull, type SQL } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import {
  digitalProductFiles,
  digitalProducts,
  downloadLinkFiles,
  files,
  orderLineFiles,
  type FileRow,
} from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { keyset, scopedWhere, toPage, type Page, type PageRequest } from "~/lib/api/pagination";
import { newId } from "~/lib/ids";
import { log } from "~/lib/request-context.server";
import { fileStorageKey, storage, storedFileColumns } from "~/lib/storage/index.server";
import { escapeLike } from "./digital-products.server";

/** The shop's file library: list, streamed upload, delete (refused while attached). */

export interface FileDetail extends FileRow {
  products?: Array<{ id: string; name: string }>;
}

export async function listFiles(
  shopId: string,
  page: PageRequest,
  filters: { q?: string; type?: string; uploaded?: boolean; includeProducts?: boolean } = {},
): Promise<Page<FileDetail>> {
  const { after, orderBy } = keyset(files, page);
  const conditions: Array<SQL | undefined> = [after, isNull(files.deletedAt)];
  if (filters.q) conditions.push(ilike(files.name, `%${escapeLike(filters.q)}%`));
  if (filters.type) conditions.push(eq(files.contentType, filters.type));
  if (filters.uploaded !== undefined) conditions.push(eq(files.uploaded, filters.uploaded));
  const rows = await getDb()
    .select()
    .from(files)
    .where(scopedWhere(files.shopId, shopId, ...conditions))
    .orderBy(...orderBy)
    .limit(page.limit + 1);
  const result = toPage(rows, page, (row): FileDetail => row);
  if (filters.includeProducts && result.data.length > 0) {
    const links = await getDb()
      .select({
        fileId: digitalProductFiles.fileId,
        id: digitalProducts.id,
        name: digitalProducts.name,
      })
      .from(digitalProductFiles)
      .innerJoin(digitalProducts, eq(digitalProducts.id, digitalProductFiles.digitalProductId))
      .where(
        and(
          eq(digitalProductFiles.shopId, shopId),
          inArray(
            digitalProductFiles.fileId,
            result.data.map((f) => f.id),
          ),
        ),
      );
    for (const file of result.data) {
      file.products = links
        .filter((l) => l.fileId === file.id)
        .map((l) => ({ id: l.id, name: l.name }));
    }
  }
  return result;
}

/**
 * Streams an upload into storage, then records it. The bytes go first: a row only ever
 * points at a complete object. `body` is the caller's stream (already size-capped).
 */
export async function uploadFile(
  shopId: string,
  input: { name: string; contentType: string; body: AsyncIterable<Uint8Array> },
): Promise<FileRow> {
  const id = newId("file");
  const storageKey = fileStorageKey(shopId, id);
  const driver = storage();
  // Encrypted at rest when the storage is configured to (the local driver by default).
  const stored = await driver.put(storageKey, input.body, { encrypt: driver.encryptsByDefault });
  try {
    const [row] = await getDb()
      .insert(files)
      .values({
        id,
        shopId,
        name: input.name,
        contentType: input.contentType,
        ...storedFileColumns(stored, driver),
        storageKey,
        uploaded: true,
        source: "api",
      })
      .returning();
    return row!;
  } catch (error) {
    await driver.delete(storageKey).catch(() => {});
    throw error;
  }
}

/**
 * Deletes a file that nothing uses. Attached to a product, a UNIQUE line or a download
 * link → 409 naming what holds it (the FKs are RESTRICT, so a racing attach still fails
 * the delete instead of orphaning a customer's file).
 */
export async function deleteFile(shopId: string, fileId: string): Promise<void> {
  const db = getDb();
  const [file] = await db
    .select()
    .from(files)
    .where(and(eq(files.shopId, shopId), eq(files.id, fileId), isNull(files.deletedAt)))
    .limit(1);
  if (!file) throw notFound("file", "id");
  const [products, line, link] = await Promise.all([
    db
      .select({ id: digitalProducts.id, name: digitalProducts.name })
      .from(digitalProductFiles)
      .innerJoin(digitalProducts, eq(digitalProducts.id, digitalProductFiles.digitalProductId))
      .where(and(eq(digitalProductFiles.shopId, shopId), eq(digitalProductFiles.fileId, fileId)))
      .orderBy(digitalProducts.name)
      .limit(MAX_HOLDERS_NAMED + 1),
    db
      .select({ id: orderLineFiles.orderLineId })
      .from(orderLineFiles)
      .where(and(eq(orderLineFiles.shopId, shopId), eq(orderLineFiles.fileId, fileId)))
      .limit(1),
    db
      .select({ id: downloadLinkFiles.downloadLinkId })
      .from(downloadLinkFiles)
      .where(and(eq(downloadLinkFiles.shopId, shopId), eq(downloadLinkFiles.fileId, fileId)))
      .limit(1),
  ]);
  const holder = products.length
    ? productHolders(products)
    : line[0]
      ? `order line ${line[0].id}`
      : link[0]
        ? `download link ${link[0].id}`
        : null;
  if (holder) throw attachedError(holder);
  try {
    await db.delete(files).where(and(eq(files.shopId, shopId), eq(files.id, fileId)));
  } catch (error) {
    if (isForeignKeyViolation(error)) throw attachedError("another record");
    throw error;
  }
  await storage()
    .delete(file.storageKey)
    .catch((error: unknown) =>
      log().warn({ err: error, file_id: fileId }, "file bytes not deleted"),
    );
}

const MAX_HOLDERS_NAMED = 10;

/** `digital product "Guide" (prod_…)`, or several of them, so the merchant knows where to look. */
function productHolders(products: Array<{ id: string; name: string }>): string {
  const named = products
    .slice(0, MAX_HOLDERS_NAMED)
    .map((p) => `"${p.name}" (${p.id})`)
    .join(", ");
  const more = products.length > MAX_HOLDERS_NAMED ? " and more" : "";
  return `${products.length === 1 ? "digital product" : "digital products"} ${named}${more}`;
}

/** A stored, complete file of this shop with exactly these bytes (duplicate detection). */
export async function findFileByChecksum(
  shopId: string,
  checksumSha256: string,
): Promise<{ id: string; name: string } | null> {
  const [row] = await getDb()
    .select({ id: files.id, name: files.name })
    .from(files)
    .where(
      and(
        eq(files.shopId, shopId),
        eq(files.checksumSha256, checksumSha256),
        eq(files.uploaded, true),
        isNull(files.deletedAt),
      ),
    )
    .orderBy(files.createdAt)
    .limit(1);
  return row ?? null;
}

function attachedError(holder: string): ApiError {
  return new ApiError(
    "file_attached",
    `This file is still attached to ${holder}. Detach it first, then delete it.`,
    { param: "id" },
  );
}

function isForeignKeyViolation(error: unknown): boolean {
  const code =
    (error as { code?: string; cause?: { code?: string } })?.code ??
    (error as { cause?: { code?: string } })?.cause?.code;
  return code === "23503";
}
