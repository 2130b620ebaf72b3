import { z } from "zod";
import { DELIVERY_STATUS_VALUES } from "~/db/schema";
import { defineEndpoint } from "../endpoint";
import { dataEnvelope, text } from "./common";
import { emailMessageSchema, exampleOrder, orderSchema } from "./orders";

/**
 * Order assignments: an external system (course platform, ERP) grants a customer the
 * digital products of mappings on a Shopify order, creating customer, order and lines
 * when needed and delivering them exactly as Shopify order intake does.
 */

const productGid = z
  .string()
  .regex(/^gid:\/\/shopify\/Product\/\d{1,20}$/, "must be a GID like gid://shopify/Product/123")
  .describe("Shopify product GID: the mapping of this product (all variants) is granted.");
const variantGid = z
  .string()
  .regex(
    /^gid:\/\/shopify\/ProductVariant\/\d{1,20}$/,
    "must be a GID like gid://shopify/ProductVariant/123",
  )
  .describe("Shopify variant GID: the mapping that covers this variant is granted.");

const assignmentItem = z
  .strictObject({
    mapping_id: text(200).min(1).optional().describe("Mapping (digital product) id."),
    product_gid: productGid.optional(),
    variant_gid: variantGid.optional(),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .default(1)
      .describe("Quantity of the new line (license keys per quantity). Default 1."),
  })
  .refine(
    (item) =>
      [item.mapping_id, item.product_gid, item.variant_gid].filter((v) => v !== undefined)
        .length === 1,
    { message: "give exactly one of `mapping_id`, `product_gid` or `variant_gid`" },
  );

export const assignmentBodySchema = z.strictObject({
  customer: z.strictObject({
    email: z.email().max(320).describe("Required: the delivery email goes here."),
    first_name: text(200).optional(),
    last_name: text(200).optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "must be a locale like `en` or `pt-BR`")
      .optional()
      .describe("Language of the delivery email and download page."),
  }),
  items: z.array(assignmentItem).min(1).max(50).describe("1–50 products to grant."),
  send_email: z
    .boolean()
    .optional()
    .default(false)
    .describe("Queue the delivery email when this assignment delivers something."),
  order_name: text(100)
    .min(1)
    .optional()
    .describe("Name of an order this creates (default `#<shopify_order_id>`)."),
});

export const assignmentSchema = z
  .object({
    order: orderSchema,
    download_url: z.string().describe("The customer's download page, `<app URL>/d/<token>`."),
    delivery_status: z
      .enum(DELIVERY_STATUS_VALUES)
      .describe("`delivered`, or what the order still waits for (`scheduled`, `awaiting_keys`…)."),
    order_created: z.boolean().describe("True when this request created the order."),
    lines_added: z.array(z.string()).describe("Ids of the lines this request created."),
    lines_existing: z
      .array(z.string())
      .describe("Ids of lines that already granted a requested mapping (left unchanged)."),
    email: emailMessageSchema.nullable().describe("The delivery email queued, if any."),
  })
  .meta({ id: "OrderAssignment" });

export const createOrderAssignmentEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{shopify_order_id}/assignments",
  operationId: "createOrderAssignment",
  tag: "Order assignments",
  summary: "Assign digital products to a Shopify order",
  description:
    "Grants the customer the products of the given mappings on the Shopify order `shopify_order_id` (numeric id, or `gid://shopify/Order/<id>` URL-encoded or not). Creates the customer (matched by email), the order and its lines when needed (source `api`), then delivers them like a paid Shopify order: license keys assigned, UNIQUE lines waiting for their files, SCHEDULED lines waiting for their date. A mapping the order already has a line for is left as it is (`lines_existing`), so repeating an assignment never duplicates lines. Unknown or archived mappings, and GIDs no mapping covers, are a 400 `unknown_mapping`.",
  params: z.object({
    shopify_order_id: text(200).describe(
      "Shopify order id: `5678901234` or `gid://shopify/Order/5678901234`.",
    ),
  }),
  body: assignmentBodySchema,
  bodyExample: {
    customer: { email: "jane@example.com", first_name: "Jane", last_name: "Smith" },
    items: [{ mapping_id: "prod_01jv8k2m3n4p5q6r7s8t9v0w1x" }],
    send_email: true,
  },
  success: {
    status: 200,
    description: "The order as it is after the assignment.",
    schema: dataEnvelope(assignmentSchema),
    example: {
      data: {
        order: exampleOrder,
        download_url: "https://handoff.example.com/d/Xq3…",
        delivery_status: "delivered",
        order_created: true,
        lines_added: ["line_01jv8k2m3n4p5q6r7s8t9v0w1x"],
        lines_existing: [],
        email: {
          id: "eml_01jv8k2m3n4p5q6r7s8t9v0w1x",
          order_id: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x",
          to: "jane@example.com",
          status: "queued",
          created_at: "2026-05-15T14:30:00.000Z",
        },
      },
    },
  },
  errors: ["unknown_mapping"],
});
