import { z } from "zod";
import { LICENSE_KEY_STATUS_VALUES } from "~/db/schema";
import { defineEndpoint } from "../endpoint";
import { paginationQuery } from "../pagination";
import {
  dataEnvelope,
  deletedSchema,
  listEnvelope,
  pathId,
  searchQuery,
  text,
  timestamp,
} from "./common";

export const MAX_KEYS_PER_BATCH = 5000;
export const MAX_KEY_LENGTH = 500;

export const licenseKeySchema = z
  .object({
    id: z.string().meta({ example: "key_01jv8k2m3n4p5q6r7s8t9v0w1x" }),
    key: z.string(),
    tag: z.string().nullable(),
    assigned: z.boolean(),
    order_id: z.string().nullable(),
    order_name: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "LicenseKey" });

const exampleKey = {
  id: "key_01jv8k2m3n4p5q6r7s8t9v0w1x",
  key: "PLUG-ABCD-1234-EFGH-5678",
  tag: "photoshop-plugin",
  assigned: false,
  order_id: null,
  order_name: null,
  created_at: "2026-05-01T10:00:00.000Z",
  updated_at: "2026-05-01T10:00:00.000Z",
};

export const listLicenseKeysEndpoint = defineEndpoint({
  method: "GET",
  path: "/license-keys",
  operationId: "listLicenseKeys",
  tag: "License keys",
  summary: "List license keys",
  query: z.strictObject({
    ...paginationQuery,
    status: z.enum(LICENSE_KEY_STATUS_VALUES).optional(),
    tag: text(120).optional().describe("Exact tag (pool)."),
    q: searchQuery.describe("Search by key value (case-insensitive substring)."),
  }),
  success: {
    status: 200,
    description: "A page of license keys.",
    schema: listEnvelope(licenseKeySchema),
    example: { data: [exampleKey], pagination: { has_more: false, next_cursor: null } },
  },
  errors: ["invalid_cursor"],
});

export const validateLicenseKeyEndpoint = defineEndpoint({
  method: "GET",
  path: "/license-keys/validate",
  operationId: "validateLicenseKey",
  tag: "License keys",
  summary: "Validate a license key",
  description:
    "`valid`: the key exists in this shop's inventory. `assigned`: it is linked to an order. Both true = a legitimate license. An unknown key is a 200 with `valid: false`, not a 404.",
  query: z.strictObject({ key: text(MAX_KEY_LENGTH).min(1) }),
  success: {
    status: 200,
    description: "The validation result.",
    schema: dataEnvelope(
      z
        .object({
          valid: z.boolean(),
          assigned: z.boolean(),
          tag: z.string().nullable(),
          order_name: z.string().nullable(),
          order_id: z.string().nullable(),
        })
        .meta({ id: "LicenseKeyValidation" }),
    ),
    example: {
      data: {
        valid: true,
        assigned: true,
        tag: "photoshop-plugin",
        order_name: "#1042",
        order_id: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x",
      },
    },
  },
  errors: [],
});

export const createLicenseKeysEndpoint = defineEndpoint({
  method: "POST",
  path: "/license-keys",
  operationId: "createLicenseKeys",
  tag: "License keys",
  summary: "Create license keys in batch",
  description:
    "Up to 5,000 keys per request, in one insert. Keys are trimmed; blank keys are refused. `duplicates`: `skip` (default) ignores keys already in the pool (same `tag`) or repeated in the batch; `fail` rejects the whole batch with 409 if any key already exists (nothing is created); `create` adds keys that exist in *other* pools, but a value stays unique within its own pool, so inside one pool it behaves like `skip`.",
  maxBodyBytes: 8 * 1_048_576,
  body: z.strictObject({
    keys: z
      .array(text(MAX_KEY_LENGTH).trim().min(1, "must not be blank"))
      .min(1)
      .max(MAX_KEYS_PER_BATCH),
    tag: text(120)
      .trim()
      .min(1)
      .nullable()
      .optional()
      .describe("The pool; null/omitted = untagged pool."),
    duplicates: z.enum(["skip", "create", "fail"]).default("skip"),
  }),
  bodyExample: {
    keys: ["PLUG-AAAA-1111-BBBB-2222", "PLUG-CCCC-3333-DDDD-4444", "PLUG-EEEE-5555-FFFF-6666"],
    tag: "photoshop-plugin-v3",
    duplicates: "skip",
  },
  success: {
    status: 201,
    description: "What was created and what was skipped.",
    schema: dataEnvelope(
      z
        .object({
          created: z.number().int(),
          skipped: z.number().int(),
          skipped_keys: z
            .array(z.string())
            .describe("Values not created (already in the pool or repeated)."),
          tag: z.string().nullable(),
        })
        .meta({ id: "LicenseKeyBatchResult" }),
    ),
    example: { data: { created: 3, skipped: 0, skipped_keys: [], tag: "photoshop-plugin-v3" } },
  },
  errors: [
    "duplicate_license_keys",
    "payload_too_large",
    "idempotency_key_reused",
    "idempotency_request_in_progress",
  ],
});

const keyParams = z.object({ id: pathId.describe("License key id (`key_…`).") });

export const assignLicenseKeyEndpoint = defineEndpoint({
  method: "POST",
  path: "/license-keys/{id}/assign",
  operationId: "assignLicenseKey",
  tag: "License keys",
  summary: "Assign a key to an order",
  description:
    "Links an `available` key to the order named `order_name` (`#1042`). The key goes on `line_id` when given, else on the order's first line whose product draws from the key's pool, else its first license-key line, else its first line. `send_email: true` queues the delivery email.",
  params: keyParams,
  body: z.strictObject({
    order_name: text(120).trim().min(1),
    line_id: text(200).optional(),
    send_email: z.boolean().optional().default(false),
  }),
  bodyExample: { order_name: "#1042", send_email: true },
  success: {
    status: 200,
    description: "The assigned key.",
    schema: dataEnvelope(licenseKeySchema),
    example: {
      data: {
        ...exampleKey,
        assigned: true,
        order_id: "ord_01jv8k2m3n4p5q6r7s8t9v0w1x",
        order_name: "#1042",
      },
    },
  },
  errors: ["not_found", "license_key_assigned", "order_without_lines", "order_without_email"],
});

export const unassignLicenseKeyEndpoint = defineEndpoint({
  method: "POST",
  path: "/license-keys/{id}/unassign",
  operationId: "unassignLicenseKey",
  tag: "License keys",
  summary: "Unassign a key from its order",
  params: keyParams,
  body: z.strictObject({}),
  success: {
    status: 200,
    description: "The key, available again.",
    schema: dataEnvelope(licenseKeySchema),
    example: { data: exampleKey },
  },
  errors: ["not_found", "license_key_not_assigned"],
});

export const deleteLicenseKeyEndpoint = defineEndpoint({
  method: "DELETE",
  path: "/license-keys/{id}",
  operationId: "deleteLicenseKey",
  tag: "License keys",
  summary: "Delete a license key",
  description: "Only an unassigned key can be deleted; unassign it first (409 otherwise).",
  params: keyParams,
  success: {
    status: 200,
    description: "The key is gone.",
    schema: deletedSchema,
    example: { data: { id: "key_01jv8k2m3n4p5q6r7s8t9v0w1x", deleted: true } },
  },
  errors: ["not_found", "license_key_assigned"],
});
