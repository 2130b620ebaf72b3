import { z } from "zod";
import { DELIVERING_TYPE_VALUES, DL_ACCESS_VALUES, FINANCIAL_STATUS_VALUES } from "~/db/schema";
import { MAX_EXPIRY_EXTENSION_DAYS, MAX_GRANT_DOWNLOADS } from "~/lib/order-limits";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import {
  dataEnvelope,
  listEnvelope,
  pathId,
  queryTimestamp,
  searchQuery,
  text,
  timestamp,
} from "./common";
import { shopifyProductSchema } from "./digital-products";

export const downloadEventSchema = z
  .object({
    id: z.string(),
    file_id: z.string().nullable(),
    file_name: z.string().nullable(),
    is_redownload: z.boolean(),
    bytes_sent: z.number().int(),
    created_at: timestamp,
  })
  .meta({ id: "DownloadEvent" });

export const orderLineSchema = z
  .object({
    id: z.string().meta({ example: "line_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    delivering_type: z.enum(DELIVERING_TYPE_VALUES),
    quantity: z.number().int(),
    gid: z.string().nullable(),
    price_cents: z.number().int(),
    title: z.string(),
    digital_product: z.object({ id: z.string(), name: z.string() }).nullable(),
    license_keys: z.array(z.string()),
    file_ids: z.array(z.string()).describe("Files attached to this line itself (UNIQUE delivery)."),
    download_count: z.number().int(),
    max_downloads: z.number().int().nullable(),
    extra_downloads: z
      .number()
      .int()
      .describe(
        "Downloads granted on top of `max_downloads` (`grant-downloads`); the limit is their sum. Unlimited lines stay unlimited.",
      ),
    expires_at: timestamp.nullable(),
    downloads: z.array(downloadEventSchema).optional().describe("Only with `include=downloads`."),
    product: shopifyProductSchema.optional(),
  })
  .meta({ id: "OrderLine" });

export const customerSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    firstname: z.string().nullable(),
    lastname: z.string().nullable(),
    gid: z.string().nullable(),
    locale: z.string().nullable(),
  })
  .meta({ id: "Customer" });

export const orderSchema = z
  .object({
    id: z.string().meta({ example: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    name: z.string(),
    gid: z.string().nullable(),
    currency: z.string(),
    financial_status: z.enum(FINANCIAL_STATUS_VALUES),
    fulfillment_status: z.string().nullable(),
    risk_level: z.string().nullable(),
    dl_access: z.enum(DL_ACCESS_VALUES),
    is_imported: z.boolean(),
    email: z.string().nullable(),
    customer: customerSchema.nullable(),
    lines: z.array(orderLineSchema),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Order" });

export const exampleOrder = {
  id: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x",
  name: "#1042",
  gid: "gid://shopify/Order/123456789",
  currency: "USD",
  financial_status: "PAID",
  fulfillment_status: null,
  risk_level: null,
  dl_access: "enabled",
  is_imported: false,
  email: "jane@example.com",
  customer: {
    id: "cust_01jv8k2m3n4p5q6r7s8t9v0w1x",
    email: "jane@example.com",
    firstname: "Jane",
    lastname: "Smith",
    gid: "gid://shopify/Customer/987654321",
    locale: "en",
  },
  lines: [
    {
      id: "line_01jv8k2m3n4p5q6r7s8t9v0w1x",
      delivering_type: "REGULAR",
      quantity: 1,
      gid: "gid://shopify/LineItem/111222333",
      price_cents: 2900,
      title: "Photography Preset Pack",
      digital_product: { id: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x", name: "Photography Preset Pack" },
      license_keys: ["PRESET-ABCD-1234-EFGH"],
      file_ids: [],
      download_count: 1,
      max_downloads: 5,
      extra_downloads: 0,
      expires_at: null,
    },
  ],
  created_at: "2026-05-15T14:30:00.000Z",
  updated_at: "2026-05-15T14:30:00.000Z",
};

const includeOrderParts = z
  .array(z.enum(["product", "downloads"]))
  .optional()
  .describe("`product`: Shopify title and image per line. `downloads`: download events per line.");

export const listOrdersEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders",
  operationId: "listOrders",
  tag: "Orders",
  summary: "List orders",
  description:
    "Digital orders of the shop. Array filters take repeated parameters (`financial_status=PAID&financial_status=REFUNDED`) or a comma-separated list.",
  query: z.strictObject({
    ...paginationQuery,
    created_after: queryTimestamp.optional().describe("Inclusive lower bound on `created_at`."),
    created_before: queryTimestamp.optional().describe("Exclusive upper bound on `created_at`."),
    financial_status: z.array(z.enum(FINANCIAL_STATUS_VALUES)).max(8).optional(),
    digital_product_id: z.array(text(200)).max(100).optional(),
    customer_email: text(320).optional().describe("Exact customer email (case-insensitive)."),
    q: searchQuery.describe(
      "Order names containing this, case-insensitive, e.g. `#1001` or `1001` (a leading `#` is ignored).",
    ),
    include: includeOrderParts,
  }),
  success: {
    status: 200,
    description: "A page of orders.",
    schema: listEnvelope(orderSchema),
    example: { data: [exampleOrder], pagination: { has_more: false, next_cursor: null } },
  },
  errors: ["invalid_cursor"],
});

const orderParams = z.object({ id: pathId.describe("Order id (`ord_…`).") });

export const getOrderEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders/{id}",
  operationId: "getOrder",
  tag: "Orders",
  summary: "Get an order",
  params: orderParams,
  query: z.strictObject({ include: includeOrderParts }),
  success: {
    status: 200,
    description: "The order.",
    schema: dataEnvelope(orderSchema),
    example: { data: exampleOrder },
  },
  errors: ["not_found"],
});

export const setOrderAccessEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/access",
  operationId: "setOrderAccess",
  tag: "Orders",
  summary: "Enable or disable download access",
  description:
    "While `disabled`, the customer's download page and every download link of the order refuse access.",
  params: orderParams,
  body: z.strictObject({ access: z.enum(DL_ACCESS_VALUES) }),
  bodyExample: { access: "disabled" },
  success: {
    status: 200,
    description: "The updated order.",
    schema: dataEnvelope(orderSchema),
    example: { data: { ...exampleOrder, dl_access: "disabled" } },
  },
  errors: ["not_found"],
});

export const resetOrderDownloadsEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/reset-downloads",
  operationId: "resetOrderDownloads",
  tag: "Orders",
  summary: "Reset the download counter",
  description:
    "Sets `download_count` of one line (`line_id`) back to zero, or of every line of the order when `line_id` is left out. Download history (events, stats) is kept.",
  params: orderParams,
  body: z.strictObject({
    line_id: text(200).optional().describe("Line id (`line_…`); all lines when omitted."),
  }),
  bodyExample: { line_id: "line_01jv8k2m3n4p5q6r7s8t9v0w1x" },
  success: {
    status: 200,
    description: "The updated order.",
    schema: dataEnvelope(orderSchema),
    example: { data: exampleOrder },
  },
  errors: ["not_found"],
});

export const emailMessageSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    to: z.string(),
    status: z.enum(["queued", "sending", "sent", "failed"]),
    created_at: timestamp,
  })
  .meta({ id: "EmailMessage" });

export const resendOrderEmailEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/resend-email",
  operationId: "resendOrderEmail",
  tag: "Orders",
  summary: "Resend the delivery email",
  description:
    "Queues the delivery email again. With `customer_email`, the order's email (and its customer's) is updated first and the email goes to the new address.",
  params: orderParams,
  body: z.strictObject({
    customer_email: z.email().max(320).optional(),
  }),
  bodyExample: { customer_email: "newemail@example.com" },
  success: {
    status: 200,
    description: "The queued email.",
    schema: dataEnvelope(emailMessageSchema),
    example: {
      data: {
        id: "eml_01jv8k2m3n4p5q6r7s8t9v0w1x",
        order_id: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x",
        to: "newemail@example.com",
        status: "queued",
        created_at: "2026-05-15T14:30:00.000Z",
      },
    },
  },
  errors: ["not_found", "order_without_email"],
});

export const setOrderLineFilesEndpoint = defineEndpoint({
  method: "PUT",
  path: "/orders/{id}/lines/{lineId}/files",
  operationId: "setOrderLineFiles",
  tag: "Orders",
  summary: "Associate files to an order line (UNIQUE delivery)",
  description:
    "Replaces the files delivered for one line of a `UNIQUE` product. An empty `file_ids` removes them all. `send_email: true` queues the delivery email afterwards.",
  params: z.object({
    id: pathId.describe("Order id (`ord_…`)."),
    lineId: pathId.describe("Line id (`line_…`)."),
  }),
  body: z.strictObject({
    file_ids: z.array(text(200)).max(100).describe("0–100 file ids (`file_…`)."),
    send_email: z.boolean().optional().default(false),
  }),
  bodyExample: { file_ids: ["file_01jv8k2m3n4p5q6r7s8t9v0w1x"], send_email: true },
  success: {
    status: 200,
    description: "The updated order.",
    schema: dataEnvelope(orderSchema),
    example: { data: exampleOrder },
  },
  errors: ["not_found", "line_not_unique_delivery", "order_without_email"],
});

export const grantOrderDownloadsEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/grant-downloads",
  operationId: "grantOrderDownloads",
  tag: "Orders",
  summary: "Grant extra downloads",
  description:
    "Adds `downloads` (1–1000) to the download limit of one line (`line_id`) or of every line of the order: `extra_downloads` grows, `download_count` and history are kept. Lines without a limit stay unlimited.",
  params: orderParams,
  body: z.strictObject({
    downloads: z
      .number()
      .int()
      .min(1)
      .max(MAX_GRANT_DOWNLOADS)
      .describe(`Downloads to add, 1–${MAX_GRANT_DOWNLOADS}.`),
    line_id: text(200).optional().describe("Line id (`line_…`); all lines when omitted."),
  }),
  bodyExample: { downloads: 3, line_id: "line_01jv8k2m3n4p5q6r7s8t9v0w1x" },
  success: {
    status: 200,
    description: "The updated order.",
    schema: dataEnvelope(orderSchema),
    example: {
      data: { ...exampleOrder, lines: [{ ...exampleOrder.lines[0]!, extra_downloads: 3 }] },
    },
  },
  errors: ["not_found"],
});

export const extendOrderExpiryEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/extend-expiry",
  operationId: "extendOrderExpiry",
  tag: "Orders",
  summary: "Extend download expiry",
  description:
    "Either `days` (1–3650): every line with an expiry gets that many more days, counted from its current `expires_at` or from now when it already expired; lines that never expire keep never expiring. Or `expires_at`: a future date set on the lines, or `null` for no expiry at all. `line_id` limits it to one line.",
  params: orderParams,
  body: z
    .strictObject({
      days: z.number().int().min(1).max(MAX_EXPIRY_EXTENSION_DAYS).optional(),
      expires_at: timestamp.nullable().optional(),
      line_id: text(200).optional().describe("Line id (`line_…`); all lines when omitted."),
    })
    .refine((b) => (b.days === undefined) !== (b.expires_at === undefined), {
      message: "give exactly one of `days` or `expires_at`",
    }),
  bodyExample: { days: 30 },
  success: {
    status: 200,
    description: "The updated order.",
    schema: dataEnvelope(orderSchema),
    example: { data: { ...exampleOrder } },
  },
  errors: ["not_found"],
});
