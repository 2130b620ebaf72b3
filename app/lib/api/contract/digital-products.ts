import { z } from "zod";
import {
  DELIVERING_TYPE_VALUES,
  DOWNLOAD_MODE_VALUES,
  DOWNLOAD_TYPE_VALUES,
  LICENSE_KEY_MODE_VALUES,
  PRODUCT_ACCESS_VALUES,
} from "~/db/schema";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import { booleanQuery, dataEnvelope, listEnvelope, pathId, searchQuery, timestamp } from "./common";

export const fileSummarySchema = z
  .object({
    id: z.string().meta({ example: "file_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    name: z.string(),
    size: z.number().int().describe("Bytes."),
    type: z.string().describe("MIME type."),
    is_encrypted: z.boolean(),
    uploaded: z.boolean(),
  })
  .meta({ id: "FileSummary" });

export const shopifyProductSchema = z
  .object({ title: z.string().nullable(), image: z.string().nullable() })
  .nullable()
  .describe("Only with `include=product`; null when Shopify could not be asked.");

export const digitalProductSchema = z
  .object({
    id: z.string().meta({ example: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    name: z.string(),
    delivering_type: z.enum(DELIVERING_TYPE_VALUES),
    access: z.enum(PRODUCT_ACCESS_VALUES),
    download_mode: z.enum(DOWNLOAD_MODE_VALUES),
    download_type: z.enum(DOWNLOAD_TYPE_VALUES),
    product_gid: z.string().nullable(),
    variant_gids: z.array(z.string()),
    use_all_variants: z.boolean(),
    license_key_tag: z.string().nullable(),
    license_key_mode: z.enum(LICENSE_KEY_MODE_VALUES).nullable(),
    download_in: z.number().int().nullable().describe("Days links stay valid; null = no expiry."),
    max_downloads: z.number().int().nullable().describe("Per customer line; null = unlimited."),
    notify_when_updated: z.boolean(),
    scheduled_delivery_date: timestamp.nullable(),
    scheduled_delivery_timezone: z.string().nullable(),
    is_archived: z.boolean(),
    files: z.array(fileSummarySchema),
    links: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })),
    product: shopifyProductSchema.optional(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "DigitalProduct" });

const exampleProduct = {
  id: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x",
  name: "Photography Preset Pack",
  delivering_type: "REGULAR",
  access: "FILE",
  download_mode: "redirect",
  download_type: "single_file",
  product_gid: "gid://shopify/Product/123456789",
  variant_gids: [],
  use_all_variants: true,
  license_key_tag: null,
  license_key_mode: null,
  download_in: 30,
  max_downloads: 5,
  notify_when_updated: false,
  scheduled_delivery_date: null,
  scheduled_delivery_timezone: null,
  is_archived: false,
  files: [
    {
      id: "file_01jv8k2m3n4p5q6r7s8t9v0w1y",
      name: "presets-v2.zip",
      size: 15728640,
      type: "application/zip",
      is_encrypted: true,
      uploaded: true,
    },
  ],
  links: [],
  created_at: "2025-11-01T10:00:00.000Z",
  updated_at: "2026-05-10T08:30:00.000Z",
};

export const listDigitalProductsEndpoint = defineEndpoint({
  method: "GET",
  path: "/digital-products",
  operationId: "listDigitalProducts",
  tag: "Digital products",
  summary: "List digital products",
  description:
    "All digital products of the shop, newest first by default. Use it to discover product ids, delivery types, limits and files.",
  query: z.strictObject({
    ...paginationQuery,
    include_archived: booleanQuery.default(false),
    q: searchQuery.describe("Search by product name (case-insensitive substring)."),
    include: z
      .array(z.enum(["product"]))
      .optional()
      .describe("`product` attaches the Shopify product title and image."),
  }),
  success: {
    status: 200,
    description: "A page of digital products.",
    schema: listEnvelope(digitalProductSchema),
    example: { data: [exampleProduct], pagination: { has_more: false, next_cursor: null } },
  },
  errors: ["invalid_cursor"],
});

const productParams = z.object({ id: pathId.describe("Digital product id (`prod_…`).") });

export const getDigitalProductEndpoint = defineEndpoint({
  method: "GET",
  path: "/digital-products/{id}",
  operationId: "getDigitalProduct",
  tag: "Digital products",
  summary: "Get a digital product",
  params: productParams,
  query: z.strictObject({
    include: z.array(z.enum(["product"])).optional(),
  }),
  success: {
    status: 200,
    description: "The digital product.",
    schema: dataEnvelope(digitalProductSchema),
    example: { data: exampleProduct },
  },
  errors: ["not_found"],
});

const limit = (max: number, what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .nullable()
    .optional()
    .describe(
      `${what}; 0 or null = ${what === "Downloads" ? "unlimited" : "no expiry"}. Max ${max.toLocaleString("en-US")}.`,
    );

export const updateDigitalProductLimitsEndpoint = defineEndpoint({
  method: "PUT",
  path: "/digital-products/{id}/limits",
  operationId: "updateDigitalProductLimits",
  tag: "Digital products",
  summary: "Update download limits",
  description:
    "Changes `max_downloads` and `download_in` for future orders of this product. A field left out keeps its value. Lines already sold keep the terms they were sold with.",
  params: productParams,
  body: z.strictObject({
    max_downloads: limit(1_000_000, "Downloads"),
    download_in: limit(100_000, "Days"),
  }),
  bodyExample: { max_downloads: 10, download_in: 60 },
  success: {
    status: 200,
    description: "The updated digital product.",
    schema: dataEnvelope(digitalProductSchema),
    example: { data: { ...exampleProduct, max_downloads: 10, download_in: 60 } },
  },
  errors: ["not_found"],
});
