import { z } from "zod";
import {
  DELIVERING_TYPE_VALUES,
  LICENSE_KEY_MODE_VALUES,
  PRODUCT_ACCESS_VALUES,
  PRODUCT_SOURCE_VALUES,
} from "~/db/schema";
import { PRODUCT_GID_PATTERN, PRODUCT_LIMITS, VARIANT_GID_PATTERN } from "~/lib/digital-products";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import {
  booleanQuery,
  dataEnvelope,
  listEnvelope,
  pathId,
  searchQuery,
  text,
  timestamp,
} from "./common";

/**
 * `/mappings`: a Shopify product (or some of its variants) mapped to assets and delivery
 * settings. A mapping IS a digital product, shown in the shape integrations need: its id
 * is the product's (`prod_…`) and works everywhere a digital product id does.
 */

const productGid = z
  .string()
  .regex(PRODUCT_GID_PATTERN, "must be a Shopify Product GID like gid://shopify/Product/123")
  .meta({ example: "gid://shopify/Product/7001" })
  .describe("Shopify product GID.");
const variantGids = z
  .array(
    z
      .string()
      .regex(
        VARIANT_GID_PATTERN,
        "must be a Shopify ProductVariant GID like gid://shopify/ProductVariant/123",
      ),
  )
  .max(PRODUCT_LIMITS.variants)
  .describe("Variants this mapping delivers; empty or left out = every variant of the product.");
const limit = (max: number, what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .nullable()
    .describe(`${what}; 0 or null = no limit. Max ${max.toLocaleString("en-US")}.`);

export const stampingOptionsSchema = z
  .strictObject({
    position: z.enum(["top", "bottom", "center", "diagonal"]).optional(),
    size: z.number().min(4).max(96).optional().describe("Font size in points."),
    opacity: z.number().min(0.05).max(1).optional(),
    pages: text(200).optional().describe("`all`, `first`, `last` or a list like `1-3,7`."),
    color: text(7).optional().describe("`#rrggbb`."),
  })
  .meta({ id: "StampingOptions" });

/** Every writable field, optional: a create needs `product_gid`, an update nothing. */
const writableFields = {
  name: text(PRODUCT_LIMITS.name).describe("Shown in the admin and on order lines.").optional(),
  variant_gids: variantGids.optional(),
  file_ids: z
    .array(z.string().min(1).max(100))
    .max(PRODUCT_LIMITS.files)
    .describe("Files (`file_…`) delivered, in this order. Uploaded files of this shop only.")
    .optional(),
  links: z
    .array(
      z.strictObject({
        title: text(PRODUCT_LIMITS.linkTitle),
        url: z.string().max(PRODUCT_LIMITS.linkUrl).describe("http(s) URL."),
      }),
    )
    .max(PRODUCT_LIMITS.links)
    .describe("External links delivered with (or instead of) files.")
    .optional(),
  access: z.enum(PRODUCT_ACCESS_VALUES).describe("What a buyer gets. Default `FILE`.").optional(),
  delivering_type: z
    .enum(DELIVERING_TYPE_VALUES)
    .describe("`REGULAR` (at purchase, default), `UNIQUE` (files per order line) or `SCHEDULED`.")
    .optional(),
  scheduled_delivery_date: timestamp
    .nullable()
    .describe("With `SCHEDULED`: when to deliver (ISO 8601 with offset).")
    .optional(),
  scheduled_delivery_timezone: text(64)
    .nullable()
    .describe("With `SCHEDULED`: IANA time zone, e.g. `Europe/Berlin`.")
    .optional(),
  max_downloads: limit(PRODUCT_LIMITS.maxDownloads, "Downloads per order line").optional(),
  download_in: limit(PRODUCT_LIMITS.downloadIn, "Days links stay valid").optional(),
  license_key_tag: text(PRODUCT_LIMITS.licenseKeyTag)
    .nullable()
    .describe("License key pool; required when `access` includes license keys.")
    .optional(),
  license_key_mode: z.enum(LICENSE_KEY_MODE_VALUES).nullable().optional(),
  low_stock_threshold: limit(
    PRODUCT_LIMITS.lowStockThreshold,
    "Available keys that trigger a low-stock notice",
  ).optional(),
  stamping_enabled: z.boolean().describe("Watermark PDFs per buyer.").optional(),
  stamping_template: text(PRODUCT_LIMITS.stampingTemplate)
    .nullable()
    .describe(
      "Stamp text with `{{customer_name}}`, `{{customer_email}}`, `{{order_name}}`, `{{date}}`; null = the default.",
    )
    .optional(),
  stamping_options: stampingOptionsSchema.optional(),
  notify_when_updated: z
    .boolean()
    .describe("Email past buyers when the files of this mapping change.")
    .optional(),
};

export const mappingSchema = z
  .object({
    id: z.string().meta({ example: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    name: z.string(),
    product_gid: z.string().nullable(),
    variant_gids: z.array(z.string()),
    all_variants: z.boolean(),
    file_ids: z.array(z.string()),
    links: z.array(z.object({ title: z.string(), url: z.string() })),
    access: z.enum(PRODUCT_ACCESS_VALUES),
    delivering_type: z.enum(DELIVERING_TYPE_VALUES),
    scheduled_delivery_date: timestamp.nullable(),
    scheduled_delivery_timezone: z.string().nullable(),
    max_downloads: z.number().int().nullable(),
    download_in: z.number().int().nullable(),
    license_key_tag: z.string().nullable(),
    license_key_mode: z.enum(LICENSE_KEY_MODE_VALUES).nullable(),
    low_stock_threshold: z.number().int().nullable(),
    stamping_enabled: z.boolean(),
    stamping_template: z.string().nullable(),
    stamping_options: z.record(z.string(), z.unknown()),
    notify_when_updated: z.boolean(),
    source: z.enum(PRODUCT_SOURCE_VALUES).describe("Where it was made: `api` or `admin`."),
    is_archived: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Mapping" });

const exampleMapping = {
  id: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x",
  name: "Photography Preset Pack",
  product_gid: "gid://shopify/Product/7001",
  variant_gids: [],
  all_variants: true,
  file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1y"],
  links: [],
  access: "FILE",
  delivering_type: "REGULAR",
  scheduled_delivery_date: null,
  scheduled_delivery_timezone: null,
  max_downloads: 5,
  download_in: 30,
  license_key_tag: null,
  license_key_mode: null,
  low_stock_threshold: null,
  stamping_enabled: false,
  stamping_template: null,
  stamping_options: {},
  notify_when_updated: false,
  source: "api",
  is_archived: false,
  created_at: "2026-06-01T10:00:00.000Z",
  updated_at: "2026-06-01T10:00:00.000Z",
};

const mappingParams = z.object({ id: pathId.describe("Mapping id (`prod_…`).") });

export const listMappingsEndpoint = defineEndpoint({
  method: "GET",
  path: "/mappings",
  operationId: "listMappings",
  tag: "Mappings",
  summary: "List mappings",
  description:
    "Every mapping of the shop (made through the API or in the admin), newest first. Filter by `product_gid` to find what a Shopify product delivers.",
  query: z.strictObject({
    ...paginationQuery,
    product_gid: productGid.optional(),
    q: searchQuery.describe("Search by name (case-insensitive substring)."),
    include_archived: booleanQuery.default(false),
  }),
  success: {
    status: 200,
    description: "A page of mappings.",
    schema: listEnvelope(mappingSchema),
    example: { data: [exampleMapping], pagination: { has_more: false, next_cursor: null } },
  },
  errors: ["invalid_cursor"],
});

export const createMappingEndpoint = defineEndpoint({
  method: "POST",
  path: "/mappings",
  operationId: "createMapping",
  tag: "Mappings",
  summary: "Create a mapping",
  description:
    "Maps a Shopify product (all variants, or the ones listed) to files, links or license keys and delivery settings. One active mapping per product or variant: an overlap is a 409 naming the other mapping. Files must be uploaded files of this shop (404 naming `file_ids.<n>` otherwise). No shop id is accepted: the token decides the shop.",
  body: z.strictObject({ product_gid: productGid, ...writableFields }),
  bodyExample: {
    product_gid: "gid://shopify/Product/7001",
    name: "Photography Preset Pack",
    file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1y"],
    max_downloads: 5,
    download_in: 30,
  },
  success: {
    status: 201,
    description: "The new mapping.",
    schema: dataEnvelope(mappingSchema),
    example: { data: exampleMapping },
  },
  errors: ["not_found", "product_already_mapped"],
});

export const getMappingEndpoint = defineEndpoint({
  method: "GET",
  path: "/mappings/{id}",
  operationId: "getMapping",
  tag: "Mappings",
  summary: "Get a mapping",
  description: "Archived mappings are still returned (`is_archived: true`).",
  params: mappingParams,
  success: {
    status: 200,
    description: "The mapping.",
    schema: dataEnvelope(mappingSchema),
    example: { data: exampleMapping },
  },
  errors: ["not_found"],
});

export const updateMappingEndpoint = defineEndpoint({
  method: "PATCH",
  path: "/mappings/{id}",
  operationId: "updateMapping",
  tag: "Mappings",
  summary: "Update a mapping",
  description:
    "Changes the fields sent; the others keep their value. `file_ids` and `links` replace the whole list. Changing the files of a mapping with `notify_when_updated` emails its past buyers (in the background). Orders already sold keep the limits they were sold with.",
  params: mappingParams,
  body: z.strictObject({ product_gid: productGid.optional(), ...writableFields }),
  bodyExample: { max_downloads: 10, file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1y"] },
  success: {
    status: 200,
    description: "The updated mapping.",
    schema: dataEnvelope(mappingSchema),
    example: { data: { ...exampleMapping, max_downloads: 10 } },
  },
  errors: ["not_found", "product_already_mapped"],
});

export const deleteMappingEndpoint = defineEndpoint({
  method: "DELETE",
  path: "/mappings/{id}",
  operationId: "deleteMapping",
  tag: "Mappings",
  summary: "Delete a mapping",
  description:
    "Removes the mapping. When orders were already placed for it, it is archived instead (`archived: true`): it stops matching new orders, and those orders keep their access.",
  params: mappingParams,
  success: {
    status: 200,
    description: "The mapping no longer maps anything.",
    schema: dataEnvelope(
      z.object({
        id: z.string(),
        deleted: z.literal(true),
        archived: z.boolean().describe("True when kept (archived) because orders reference it."),
      }),
    ),
    example: { data: { id: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x", deleted: true, archived: false } },
  },
  errors: ["not_found"],
});
