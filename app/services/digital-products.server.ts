import { and, asc, count, desc, eq, ilike, inArray, type SQL } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import {
  digitalProductFiles,
  digitalProductLinks,
  digitalProducts,
  files,
  licenseKeys,
  orderLines,
  shops,
  type DigitalProduct,
  type DigitalProductLink,
  type FileRow,
} from "~/db/schema";
import { notFound } from "~/lib/api/errors";
import { keyset, scopedWhere, toPage, type Page, type PageRequest } from "~/lib/api/pagination";
import { log } from "~/lib/request-context.server";
import { unauthenticated } from "~/shopify.server";

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

// ---------------------------------------------------------------------------------------
// Public API: list, get, limits
// ---------------------------------------------------------------------------------------

export interface ShopifyProductInfo {
  title: string | null;
  image: string | null;
}

export interface DigitalProductDetail extends DigitalProduct {
  files: FileRow[];
  links: DigitalProductLink[];
  /** Only when asked for (`include=product`); null when Shopify could not answer. */
  shopifyProduct?: ShopifyProductInfo | null;
}

/** `%` and `_` in user input match themselves in ILIKE. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listDigitalProducts(
  shopId: string,
  page: PageRequest,
  {
    includeArchived = false,
    q,
    includeProduct = false,
  }: { includeArchived?: boolean; q?: string; includeProduct?: boolean } = {},
): Promise<Page<DigitalProductDetail>> {
  const { after, orderBy } = keyset(digitalProducts, page);
  const conditions: Array<SQL | undefined> = [after];
  if (!includeArchived) conditions.push(eq(digitalProducts.isArchived, false));
  if (q) conditions.push(ilike(digitalProducts.name, `%${escapeLike(q)}%`));
  const rows = await getDb()
    .select()
    .from(digitalProducts)
    .where(scopedWhere(digitalProducts.shopId, shopId, ...conditions))
    .orderBy(...orderBy)
    .limit(page.limit + 1);
  const result = toPage(rows, page, (row) => row);
  return { ...result, data: await withFilesAndLinks(shopId, result.data, includeProduct) };
}

export async function getDigitalProduct(
  shopId: string,
  id: string,
  { includeProduct = false }: { includeProduct?: boolean } = {},
): Promise<DigitalProductDetail> {
  const [row] = await getDb()
    .select()
    .from(digitalProducts)
    .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)))
    .limit(1);
  if (!row) throw notFound("digital product", "id");
  const [detail] = await withFilesAndLinks(shopId, [row], includeProduct);
  return detail!;
}

/**
 * The only product write of the API. 0 and null both mean "no limit" and are stored as
 * null, so the admin and the download check have one way to say it. Lines already sold
 * keep their snapshot.
 */
export async function updateDigitalProductLimits(
  shopId: string,
  id: string,
  limits: { maxDownloads?: number | null; downloadIn?: number | null },
): Promise<DigitalProductDetail> {
  const set: Partial<Pick<DigitalProduct, "maxDownloads" | "downloadIn">> = {};
  if (limits.maxDownloads !== undefined) set.maxDownloads = limits.maxDownloads || null;
  if (limits.downloadIn !== undefined) set.downloadIn = limits.downloadIn || null;
  const where = and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id));
  const updated =
    Object.keys(set).length > 0
      ? await getDb()
          .update(digitalProducts)
          .set(set)
          .where(where)
          .returning({ id: digitalProducts.id })
      : await getDb().select({ id: digitalProducts.id }).from(digitalProducts).where(where);
  if (updated.length === 0) throw notFound("digital product", "id");
  return getDigitalProduct(shopId, id);
}

async function withFilesAndLinks(
  shopId: string,
  products: DigitalProduct[],
  includeProduct: boolean,
): Promise<DigitalProductDetail[]> {
  if (products.length === 0) return [];
  const db = getDb();
  const ids = products.map((p) => p.id);
  const [fileRows, linkRows, shopify] = await Promise.all([
    db
      .select({ productId: digitalProductFiles.digitalProductId, file: files })
      .from(digitalProductFiles)
      .innerJoin(files, eq(files.id, digitalProductFiles.fileId))
      .where(
        and(
          eq(digitalProductFiles.shopId, shopId),
          inArray(digitalProductFiles.digitalProductId, ids),
        ),
      )
      .orderBy(asc(digitalProductFiles.position), asc(files.id)),
    db
      .select()
      .from(digitalProductLinks)
      .where(
        and(
          eq(digitalProductLinks.shopId, shopId),
          inArray(digitalProductLinks.digitalProductId, ids),
        ),
      )
      .orderBy(asc(digitalProductLinks.position), asc(digitalProductLinks.id)),
    includeProduct
      ? fetchShopifyProducts(
          shopId,
          products.map((p) => p.productGid).filter((g): g is string => !!g),
        )
      : Promise.resolve(null),
  ]);
  return products.map((p) => ({
    ...p,
    files: fileRows.filter((r) => r.productId === p.id).map((r) => r.file),
    links: linkRows.filter((l) => l.digitalProductId === p.id),
    ...(shopify
      ? { shopifyProduct: p.productGid ? (shopify.get(p.productGid) ?? null) : null }
      : {}),
  }));
}

const PRODUCTS_QUERY = `#graphql
  query HandoffProducts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product { id title featuredMedia { preview { image { url } } } }
    }
  }`;

/**
 * Title and image of Shopify products, with ONE Admin GraphQL call per page (`nodes`),
 * not one per product. Best effort: without an offline session, or when Shopify fails,
 * the products are simply unknown (null), never an API error.
 */
export async function fetchShopifyProducts(
  shopId: string,
  gids: string[],
): Promise<Map<string, ShopifyProductInfo>> {
  const result = new Map<string, ShopifyProductInfo>();
  const unique = [...new Set(gids)].slice(0, 250);
  if (unique.length === 0) return result;
  try {
    const [shop] = await getDb()
      .select({ domain: shops.domain })
      .from(shops)
      .where(eq(shops.id, shopId))
      .limit(1);
    if (!shop) return result;
    const { admin } = await unauthenticated.admin(shop.domain);
    const response = await admin.graphql(PRODUCTS_QUERY, { variables: { ids: unique } });
    const body = (await response.json()) as {
      data?: {
        nodes?: Array<{
          id?: string;
          title?: string;
          featuredMedia?: { preview?: { image?: { url?: string } } } | null;
        } | null>;
      };
    };
    for (const node of body.data?.nodes ?? []) {
      if (!node?.id) continue;
      result.set(node.id, {
        title: node.title ?? null,
        image: node.featuredMedia?.preview?.image?.url ?? null,
      });
    }
  } catch (error) {
    log().warn({ err: error }, "include=product: Shopify product lookup failed");
  }
  return result;
}
