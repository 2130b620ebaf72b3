import {
  and,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  ne,
  notExists,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db, type DbOrTx } from "~/db/client.server";
import {
  customers,
  DELIVERING_TYPE_VALUES,
  digitalProductFiles,
  digitalProductLinks,
  digitalProducts,
  DOWNLOAD_MODE_VALUES,
  DOWNLOAD_TYPE_VALUES,
  emailMessages,
  files,
  LICENSE_KEY_MODE_VALUES,
  licenseKeys,
  orderLines,
  orders,
  PRODUCT_ACCESS_VALUES,
  shops,
  type DigitalProduct,
  type DigitalProductLink,
  type FileRow,
  type ProductSource,
} from "~/db/schema";
import {
  isTimeZone,
  PRODUCT_GID_PATTERN,
  PRODUCT_LIMITS,
  VARIANT_GID_PATTERN,
} from "~/lib/digital-products";
import { text } from "~/lib/api/contract/common";
import { ApiError, notFound } from "~/lib/api/errors";
import { keyset, scopedWhere, toPage, type Page, type PageRequest } from "~/lib/api/pagination";
import { enqueueJob } from "~/lib/jobs/queue.server";
import { log, rootLogger } from "~/lib/request-context.server";
import { queueOrderEmail } from "~/services/emails.server";
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
  productGid: string | null;
  createdAt: Date;
}

/** The admin's product overview: newest first, with file, key and sales counts. */
export async function listDigitalProductSummaries(
  shopId: string,
  { limit = 50 }: { limit?: number } = {},
): Promise<DigitalProductSummary[]> {
  const products = await getDb()
    .select()
    .from(digitalProducts)
    .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.isArchived, false)))
    .orderBy(desc(digitalProducts.createdAt), desc(digitalProducts.id))
    .limit(limit);
  return summarize(shopId, products);
}

/**
 * The admin's products list: a keyset page (newest first), searchable by name; the active
 * products, or with `archived` only the archived ones (to restore one).
 */
export async function listDigitalProductSummaryPage(
  shopId: string,
  page: PageRequest,
  { q, archived = false }: { q?: string; archived?: boolean } = {},
): Promise<Page<DigitalProductSummary>> {
  const result = await listDigitalProducts(shopId, page, { q, onlyArchived: archived });
  return { ...result, data: await summarize(shopId, result.data) };
}

async function summarize(
  shopId: string,
  products: DigitalProduct[],
): Promise<DigitalProductSummary[]> {
  if (products.length === 0) return [];
  const db = getDb();
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
    productGid: p.productGid,
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
    onlyArchived = false,
    q,
    productGid,
    includeProduct = false,
  }: {
    includeArchived?: boolean;
    /** Archived products alone (the admin's "Archived" list). */
    onlyArchived?: boolean;
    q?: string;
    productGid?: string;
    includeProduct?: boolean;
  } = {},
): Promise<Page<DigitalProductDetail>> {
  const { after, orderBy } = keyset(digitalProducts, page);
  const conditions: Array<SQL | undefined> = [after];
  if (onlyArchived) conditions.push(eq(digitalProducts.isArchived, true));
  else if (!includeArchived) conditions.push(eq(digitalProducts.isArchived, false));
  if (q) conditions.push(ilike(digitalProducts.name, `%${escapeLike(q)}%`));
  if (productGid) conditions.push(eq(digitalProducts.productGid, productGid));
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

// ---------------------------------------------------------------------------------------
// Create, edit, archive, delete (admin editor and `/mappings`)
// ---------------------------------------------------------------------------------------

const gid = (kind: "Product" | "ProductVariant", pattern: RegExp) =>
  z.string().regex(pattern, `must be a Shopify ${kind} GID like gid://shopify/${kind}/123`);
const limitField = (max: number) => z.number().int().min(0).max(max).nullable();

/** Stamp placement; each field optional, bad values refused (not silently defaulted). */
export const stampingOptionsInputSchema = z.strictObject({
  position: z.enum(["top", "bottom", "center", "diagonal"]).optional(),
  size: z.number().min(4).max(96).optional(),
  opacity: z.number().min(0.05).max(1).optional(),
  pages: z
    .string()
    .regex(/^(all|first|last|\d+(-\d+)?(,\d+(-\d+)?)*)$/, "must be all, first, last or like 1-3,7")
    .optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a color like #808080")
    .optional(),
});

/**
 * The one input shape of a digital product (create takes it whole, update any part).
 * `variantGids` empty = every variant of the product. 0 and null limits both mean "no
 * limit" and are stored as null.
 */
export const digitalProductInputSchema = z.strictObject({
  name: text(PRODUCT_LIMITS.name).trim().min(1, "Give the product a name."),
  productGid: gid("Product", PRODUCT_GID_PATTERN),
  variantGids: z
    .array(gid("ProductVariant", VARIANT_GID_PATTERN))
    .max(PRODUCT_LIMITS.variants, `at most ${PRODUCT_LIMITS.variants} variants`),
  access: z.enum(PRODUCT_ACCESS_VALUES),
  deliveringType: z.enum(DELIVERING_TYPE_VALUES),
  scheduledDeliveryDate: z.date().nullable(),
  scheduledDeliveryTimezone: z
    .string()
    .refine(isTimeZone, "must be an IANA time zone like Europe/Berlin")
    .nullable(),
  downloadMode: z.enum(DOWNLOAD_MODE_VALUES),
  downloadType: z.enum(DOWNLOAD_TYPE_VALUES),
  maxDownloads: limitField(PRODUCT_LIMITS.maxDownloads),
  downloadIn: limitField(PRODUCT_LIMITS.downloadIn),
  fileIds: z
    .array(z.string().min(1).max(100))
    .max(PRODUCT_LIMITS.files, `attach at most ${PRODUCT_LIMITS.files} files`),
  links: z
    .array(
      z.strictObject({
        title: text(PRODUCT_LIMITS.linkTitle).trim().min(1, "Give the link a title."),
        url: z
          .string()
          .max(PRODUCT_LIMITS.linkUrl)
          .regex(/^https?:\/\/[^\s]+$/i, "must be an http(s) URL")
          .refine((v) => URL.canParse(v), "must be an http(s) URL"),
      }),
    )
    .max(PRODUCT_LIMITS.links, `at most ${PRODUCT_LIMITS.links} links`),
  licenseKeyTag: text(PRODUCT_LIMITS.licenseKeyTag).trim().nullable(),
  licenseKeyMode: z.enum(LICENSE_KEY_MODE_VALUES).nullable(),
  stampingEnabled: z.boolean(),
  stampingTemplate: text(PRODUCT_LIMITS.stampingTemplate).nullable(),
  stampingOptions: stampingOptionsInputSchema,
  notifyWhenUpdated: z.boolean(),
  lowStockThreshold: limitField(PRODUCT_LIMITS.lowStockThreshold),
});

export type DigitalProductFields = z.output<typeof digitalProductInputSchema>;
/** Create: name and product GID required, everything else has a default. */
export type DigitalProductInput = Pick<DigitalProductFields, "name" | "productGid"> &
  Partial<DigitalProductFields>;
export type DigitalProductPatch = Partial<DigitalProductFields>;

const DEFAULT_FIELDS: Omit<DigitalProductFields, "name" | "productGid"> = {
  variantGids: [],
  access: "FILE",
  deliveringType: "REGULAR",
  scheduledDeliveryDate: null,
  scheduledDeliveryTimezone: null,
  downloadMode: "redirect",
  downloadType: "single_file",
  maxDownloads: null,
  downloadIn: null,
  fileIds: [],
  links: [],
  licenseKeyTag: null,
  licenseKeyMode: null,
  stampingEnabled: false,
  stampingTemplate: null,
  stampingOptions: {},
  notifyWhenUpdated: false,
  lowStockThreshold: null,
};

/** `fileIds.3` → `file_ids.3`: errors name fields the way the public API spells them. */
export function apiParam(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => String(part).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(".");
}

function invalid(param: string, message: string): ApiError {
  return new ApiError("validation_failed", message, { param });
}

/**
 * Validates one complete product (the merge of stored values and a patch): the field
 * formats, then the rules between fields. Pure, so unit tests call it directly.
 */
export function validateDigitalProduct(input: unknown): DigitalProductFields {
  const result = digitalProductInputSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const keys = issue.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [];
    const param = apiParam([...issue.path, ...keys]) || "body";
    const message =
      issue.code === "unrecognized_keys" ? `unknown field \`${keys[0]}\`` : issue.message;
    throw invalid(param, `${param}: ${message}.`);
  }
  const p = { ...result.data };
  p.variantGids = [...new Set(p.variantGids)];
  const seen = new Set<string>();
  p.fileIds.forEach((id, index) => {
    if (seen.has(id)) throw invalid(`file_ids.${index}`, `File ${id} is attached twice.`);
    seen.add(id);
  });

  if (p.deliveringType === "SCHEDULED") {
    if (!p.scheduledDeliveryDate) {
      throw invalid("scheduled_delivery_date", "Scheduled delivery needs a delivery date.");
    }
    if (!p.scheduledDeliveryTimezone) {
      throw invalid("scheduled_delivery_timezone", "Scheduled delivery needs a time zone.");
    }
  } else {
    p.scheduledDeliveryDate = null;
    p.scheduledDeliveryTimezone = null;
  }

  const needsKeys = p.access !== "FILE";
  if (needsKeys) {
    if (!p.licenseKeyTag) {
      throw invalid(
        "license_key_tag",
        "Choose the license key pool (tag) this product draws its keys from.",
      );
    }
    p.licenseKeyMode ??= "per_quantity";
  } else {
    p.licenseKeyTag = null;
    p.licenseKeyMode = null;
    p.lowStockThreshold = null;
  }

  // UNIQUE products get their files per order line; every other file product needs
  // something to deliver, or a buyer would get an empty download page.
  const deliversFiles = p.access !== "LICENSE_KEY" && p.deliveringType !== "UNIQUE";
  if (deliversFiles && p.fileIds.length === 0 && p.links.length === 0) {
    throw invalid("file_ids", "Attach at least one file or link, or deliver license keys only.");
  }

  p.maxDownloads ||= null;
  p.downloadIn ||= null;
  p.stampingTemplate = p.stampingTemplate?.trim() || null;
  if (p.stampingEnabled && p.stampingTemplate && !p.stampingTemplate.replace(/\s/g, "")) {
    throw invalid("stamping_template", "The stamping text is empty.");
  }
  return p;
}

/** Serialises writes that cover one Shopify product, so two creates cannot both pass. */
async function lockCoverage(tx: DbOrTx, shopId: string, productGid: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${shopId}:${productGid}`}))`);
}

/**
 * Another active product already delivering this product (or one of these variants)
 * would make order intake ambiguous: that is a 409 naming the other product.
 */
async function assertCoverageFree(
  tx: DbOrTx,
  shopId: string,
  fields: Pick<DigitalProductFields, "productGid" | "variantGids">,
  selfId: string | null,
  remedy = "Archive it, or choose variants it does not cover.",
): Promise<void> {
  const all = fields.variantGids.length === 0;
  const overlap = all
    ? undefined
    : or(
        eq(digitalProducts.useAllVariants, true),
        sql`${digitalProducts.variantGids} && array[${sql.join(
          fields.variantGids.map((v) => sql`${v}`),
          sql`, `,
        )}]::text[]`,
      );
  const [other] = await tx
    .select({
      id: digitalProducts.id,
      name: digitalProducts.name,
      variantGids: digitalProducts.variantGids,
    })
    .from(digitalProducts)
    .where(
      and(
        eq(digitalProducts.shopId, shopId),
        eq(digitalProducts.productGid, fields.productGid),
        eq(digitalProducts.isArchived, false),
        selfId ? ne(digitalProducts.id, selfId) : undefined,
        overlap,
      ),
    )
    .limit(1);
  if (!other) return;
  const shared = fields.variantGids.filter((v) => other.variantGids.includes(v));
  const what =
    shared.length > 0
      ? `variant ${shared[0]}`
      : all
        ? "this Shopify product"
        : "every variant of this Shopify product";
  throw new ApiError(
    "product_already_mapped",
    `"${other.name}" (${other.id}) already delivers ${what}. ${remedy}`,
    {
      param: all ? "product_gid" : "variant_gids",
    },
  );
}

/** The files must be this shop's, fully uploaded and not deleted; else a 404 naming the index. */
async function assertFilesUsable(tx: DbOrTx, shopId: string, fileIds: string[]): Promise<void> {
  if (fileIds.length === 0) return;
  const found = await tx
    .select({ id: files.id })
    .from(files)
    .where(
      and(
        eq(files.shopId, shopId),
        inArray(files.id, fileIds),
        isNull(files.deletedAt),
        eq(files.uploaded, true),
      ),
    );
  const have = new Set(found.map((f) => f.id));
  const missing = fileIds.findIndex((id) => !have.has(id));
  if (missing >= 0) throw notFound("file", `file_ids.${missing}`);
}

function columnsOf(p: DigitalProductFields) {
  return {
    name: p.name,
    productGid: p.productGid,
    variantGids: p.variantGids,
    useAllVariants: p.variantGids.length === 0,
    access: p.access,
    deliveringType: p.deliveringType,
    scheduledDeliveryDate: p.scheduledDeliveryDate,
    scheduledDeliveryTimezone: p.scheduledDeliveryTimezone,
    downloadMode: p.downloadMode,
    downloadType: p.downloadType,
    maxDownloads: p.maxDownloads,
    downloadIn: p.downloadIn,
    licenseKeyTag: p.licenseKeyTag,
    licenseKeyMode: p.licenseKeyMode,
    stampingEnabled: p.stampingEnabled,
    stampingTemplate: p.stampingTemplate,
    stampingOptions: p.stampingOptions,
    notifyWhenUpdated: p.notifyWhenUpdated,
    lowStockThreshold: p.lowStockThreshold,
  };
}

async function replaceFiles(tx: DbOrTx, shopId: string, productId: string, fileIds: string[]) {
  await tx
    .delete(digitalProductFiles)
    .where(
      and(
        eq(digitalProductFiles.shopId, shopId),
        eq(digitalProductFiles.digitalProductId, productId),
      ),
    );
  if (fileIds.length === 0) return;
  await tx.insert(digitalProductFiles).values(
    fileIds.map((fileId, position) => ({
      shopId,
      digitalProductId: productId,
      fileId,
      position,
    })),
  );
}

async function replaceLinks(
  tx: DbOrTx,
  shopId: string,
  productId: string,
  links: DigitalProductFields["links"],
) {
  await tx
    .delete(digitalProductLinks)
    .where(
      and(
        eq(digitalProductLinks.shopId, shopId),
        eq(digitalProductLinks.digitalProductId, productId),
      ),
    );
  if (links.length === 0) return;
  await tx
    .insert(digitalProductLinks)
    .values(links.map((l, position) => ({ shopId, digitalProductId: productId, ...l, position })));
}

export async function createDigitalProduct(
  shopId: string,
  input: DigitalProductInput,
  { source = "admin" }: { source?: ProductSource } = {},
): Promise<DigitalProductDetail> {
  const fields = validateDigitalProduct({ ...DEFAULT_FIELDS, ...input });
  const id = await getDb().transaction(async (tx) => {
    await lockCoverage(tx, shopId, fields.productGid);
    await assertCoverageFree(tx, shopId, fields, null);
    await assertFilesUsable(tx, shopId, fields.fileIds);
    const [row] = await tx
      .insert(digitalProducts)
      .values({ shopId, source, ...columnsOf(fields) })
      .returning({ id: digitalProducts.id });
    await replaceFiles(tx, shopId, row!.id, fields.fileIds);
    await replaceLinks(tx, shopId, row!.id, fields.links);
    return row!.id;
  });
  return getDigitalProduct(shopId, id);
}

export const FILES_UPDATED_JOB_TYPE = "digital-product.files-updated";

/**
 * Applies a patch (fields left out keep their value) and validates the result as a
 * whole. When the set of files changes on a notify-when-updated product, a job queued in
 * the same transaction emails its past buyers (see `queueFilesUpdatedEmails`).
 */
export async function updateDigitalProduct(
  shopId: string,
  id: string,
  patch: DigitalProductPatch,
): Promise<DigitalProductDetail> {
  const current = await getDigitalProduct(shopId, id);
  if (!current.productGid && patch.productGid === undefined) {
    throw invalid("product_gid", "Choose the Shopify product this digital product delivers.");
  }
  const merged = validateDigitalProduct({
    ...DEFAULT_FIELDS,
    name: current.name,
    productGid: current.productGid,
    variantGids: current.useAllVariants ? [] : current.variantGids,
    access: current.access,
    deliveringType: current.deliveringType,
    scheduledDeliveryDate: current.scheduledDeliveryDate,
    scheduledDeliveryTimezone: current.scheduledDeliveryTimezone,
    downloadMode: current.downloadMode,
    downloadType: current.downloadType,
    maxDownloads: current.maxDownloads,
    downloadIn: current.downloadIn,
    fileIds: current.files.map((f) => f.id),
    links: current.links.map(({ title, url }) => ({ title, url })),
    licenseKeyTag: current.licenseKeyTag,
    licenseKeyMode: current.licenseKeyMode,
    stampingEnabled: current.stampingEnabled,
    stampingTemplate: current.stampingTemplate,
    stampingOptions: stampingOptionsInputSchema.catch({}).parse(current.stampingOptions),
    notifyWhenUpdated: current.notifyWhenUpdated,
    lowStockThreshold: current.lowStockThreshold,
    ...stripUndefined(patch),
  });
  const before = new Set(current.files.map((f) => f.id));
  const filesChanged =
    patch.fileIds !== undefined &&
    (merged.fileIds.length !== before.size || merged.fileIds.some((f) => !before.has(f)));

  await getDb().transaction(async (tx) => {
    await lockCoverage(tx, shopId, merged.productGid);
    if (!current.isArchived) await assertCoverageFree(tx, shopId, merged, id);
    await assertFilesUsable(tx, shopId, merged.fileIds);
    const updated = await tx
      .update(digitalProducts)
      .set(columnsOf(merged))
      .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)))
      .returning({ id: digitalProducts.id });
    if (updated.length === 0) throw notFound("digital product", "id");
    if (patch.fileIds !== undefined) await replaceFiles(tx, shopId, id, merged.fileIds);
    if (patch.links !== undefined) await replaceLinks(tx, shopId, id, merged.links);
    if (filesChanged && merged.notifyWhenUpdated && !current.isArchived) {
      await enqueueJob(tx, {
        type: FILES_UPDATED_JOB_TYPE,
        shopId,
        payload: { productId: id },
      });
    }
  });
  return getDigitalProduct(shopId, id);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Archived products stop matching new orders; orders already sold keep their access
 * (their lines point at the row, which stays). Archiving twice is a no-op.
 */
export async function archiveDigitalProduct(
  shopId: string,
  id: string,
): Promise<DigitalProductDetail> {
  const updated = await getDb()
    .update(digitalProducts)
    .set({ isArchived: true })
    .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)))
    .returning({ id: digitalProducts.id });
  if (updated.length === 0) throw notFound("digital product", "id");
  return getDigitalProduct(shopId, id);
}

/**
 * Brings an archived product back: it matches new orders again. While it was archived it
 * covered nothing, so another active product may have taken its Shopify product or
 * variants since (a create, or a PATCH of its own coverage, skips archived rows): then the
 * restore is refused with the same 409 `product_already_mapped` as a create, naming that
 * product. Restoring an active product is a no-op.
 */
export async function restoreDigitalProduct(
  shopId: string,
  id: string,
): Promise<DigitalProductDetail> {
  await getDb().transaction(async (tx) => {
    const where = and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id));
    // Coverage lock first, row lock second: the order an update takes them in.
    const [seen] = await tx
      .select({ productGid: digitalProducts.productGid })
      .from(digitalProducts)
      .where(where);
    if (!seen) throw notFound("digital product", "id");
    if (seen.productGid) await lockCoverage(tx, shopId, seen.productGid);
    const [row] = await tx.select().from(digitalProducts).where(where).for("update");
    if (!row) throw notFound("digital product", "id");
    if (!row.isArchived) return;
    if (row.productGid) {
      // An edit may have moved it to another Shopify product in between.
      if (row.productGid !== seen.productGid) await lockCoverage(tx, shopId, row.productGid);
      await assertCoverageFree(
        tx,
        shopId,
        { productGid: row.productGid, variantGids: row.useAllVariants ? [] : row.variantGids },
        id,
        "Archive that one first, or change the variants of this one, then restore it.",
      );
    }
    await tx.update(digitalProducts).set({ isArchived: false }).where(where);
  });
  return getDigitalProduct(shopId, id);
}

/**
 * Deletes a product nobody bought; one with order lines is archived instead, so those
 * orders keep their files and links. Answers which of the two happened.
 */
export async function deleteDigitalProduct(
  shopId: string,
  id: string,
): Promise<{ id: string; archived: boolean }> {
  return getDb().transaction(async (tx) => {
    const [product] = await tx
      .select({ id: digitalProducts.id })
      .from(digitalProducts)
      .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)))
      .for("update");
    if (!product) throw notFound("digital product", "id");
    const [sold] = await tx
      .select({ id: orderLines.id })
      .from(orderLines)
      .where(and(eq(orderLines.shopId, shopId), eq(orderLines.digitalProductId, id)))
      .limit(1);
    if (sold) {
      await tx
        .update(digitalProducts)
        .set({ isArchived: true })
        .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)));
      return { id, archived: true };
    }
    await tx
      .delete(digitalProducts)
      .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, id)));
    return { id, archived: false };
  });
}

/**
 * Worker job: one "files updated" email per past order of the product (a delivered,
 * still-enabled line; an address to send to). An order that already has such an email
 * waiting is skipped, so several quick edits send one message. The email dispatcher
 * sends the rows; this request never waited for any of it.
 */
export async function queueFilesUpdatedEmails(
  db: Db,
  shopId: string,
  productId: string,
): Promise<{ queued: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`files-updated:${productId}`}))`);
    const [product] = await tx
      .select({ name: digitalProducts.name, notify: digitalProducts.notifyWhenUpdated })
      .from(digitalProducts)
      .where(and(eq(digitalProducts.shopId, shopId), eq(digitalProducts.id, productId)));
    if (!product?.notify) return { queued: 0 };
    const pending = tx
      .select({ one: sql`1` })
      .from(emailMessages)
      .where(
        and(
          eq(emailMessages.shopId, shopId),
          eq(emailMessages.orderId, orders.id),
          eq(emailMessages.kind, "files_updated"),
          inArray(emailMessages.status, ["queued", "sending"]),
        ),
      );
    const buyers = await tx
      .selectDistinct({
        orderId: orders.id,
        email: sql<string | null>`coalesce(${orders.email}, ${customers.email})`,
        locale: sql<string | null>`coalesce(${orders.locale}, ${customers.locale})`,
      })
      .from(orderLines)
      .innerJoin(orders, and(eq(orders.id, orderLines.orderId), eq(orders.shopId, shopId)))
      .leftJoin(customers, eq(customers.id, orders.customerId))
      .where(
        and(
          eq(orderLines.shopId, shopId),
          eq(orderLines.digitalProductId, productId),
          isNotNull(orderLines.deliveredAt),
          eq(orderLines.accessStatus, "enabled"),
          eq(orders.dlAccess, "enabled"),
          notExists(pending),
        ),
      );
    let queued = 0;
    for (const buyer of buyers) {
      if (!buyer.email) continue;
      await queueOrderEmail(tx, {
        shopId,
        orderId: buyer.orderId,
        kind: "files_updated",
        toAddress: buyer.email,
        locale: buyer.locale,
        payload: { productId, productName: product.name },
      });
      queued++;
    }
    rootLogger.info({ shop_id: shopId, product_id: productId, queued }, "files-updated emails");
    return { queued };
  });
}

export interface SeenShopifyProduct {
  gid: string;
  title: string;
  variants: Array<{ gid: string; title: string }>;
}

/**
 * Shopify products this shop has sold or mapped (from order lines and existing
 * products): the demo's stand-in for App Bridge's resource picker, which needs Shopify.
 */
export async function listSeenShopifyProducts(shopId: string): Promise<SeenShopifyProduct[]> {
  const db = getDb();
  const [lines, mapped] = await Promise.all([
    db
      .selectDistinct({
        productGid: orderLines.productGid,
        title: orderLines.title,
        variantGid: orderLines.variantGid,
        variantTitle: orderLines.variantTitle,
      })
      .from(orderLines)
      .where(and(eq(orderLines.shopId, shopId), isNotNull(orderLines.productGid)))
      .limit(1000),
    db
      .select({ productGid: digitalProducts.productGid, name: digitalProducts.name })
      .from(digitalProducts)
      .where(and(eq(digitalProducts.shopId, shopId), isNotNull(digitalProducts.productGid)))
      .limit(1000),
  ]);
  const byGid = new Map<string, SeenShopifyProduct>();
  for (const line of lines) {
    const product = byGid.get(line.productGid!) ?? {
      gid: line.productGid!,
      title: line.title || line.productGid!,
      variants: [],
    };
    if (line.variantGid && !product.variants.some((v) => v.gid === line.variantGid)) {
      product.variants.push({ gid: line.variantGid, title: line.variantTitle ?? line.variantGid });
    }
    byGid.set(product.gid, product);
  }
  for (const p of mapped) {
    if (!byGid.has(p.productGid!)) {
      byGid.set(p.productGid!, { gid: p.productGid!, title: p.name, variants: [] });
    }
  }
  return [...byGid.values()].sort((a, b) => a.title.localeCompare(b.title));
}
