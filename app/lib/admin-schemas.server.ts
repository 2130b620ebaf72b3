import { z } from "zod";
import { readLicenseKeyFile } from "~/lib/license-key-file";
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from "~/lib/webhooks-out/events";
import {
  DELIVERY_STATUS_VALUES,
  DL_ACCESS_VALUES,
  FINANCIAL_STATUS_VALUES,
  LICENSE_KEY_STATUS_VALUES,
} from "~/db/schema";

/**
 * Zod schemas of admin loaders and actions. Server-only (they import the DB schema's
 * value lists), so route modules stay free of server code in the browser bundle.
 */

const oneOf = <T extends readonly string[]>(values: T, input: string[]) =>
  input.filter((v): v is T[number] => (values as readonly string[]).includes(v));

/** Orders list query. Unknown filter values (an old bookmark) are dropped, not a failure. */
export function parseOrdersQuery(params: URLSearchParams) {
  return {
    q: params.get("q")?.trim().slice(0, 200) || undefined,
    financial: oneOf(FINANCIAL_STATUS_VALUES, params.getAll("financial")),
    delivery: oneOf(DELIVERY_STATUS_VALUES, params.getAll("delivery")),
    cursor: params.get("cursor")?.slice(0, 512) || undefined,
  };
}

const optionalEmail = z
  .string()
  .trim()
  .max(254)
  .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address.");

export const orderActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("set-access"), access: z.enum(DL_ACCESS_VALUES) }),
  z.object({ intent: z.literal("reset-downloads"), lineId: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("resend-email"), email: optionalEmail }),
  z.object({ intent: z.literal("approve") }),
]);

export const apiTokenActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z
      .string()
      .trim()
      .min(1, "Give the token a name.")
      .max(100, "Use at most 100 characters."),
  }),
  z.object({ intent: z.literal("revoke"), tokenId: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("request-access") }),
]);

const endpointId = z.string().min(1).max(100);

/** Name/URL/events are validated by the webhook service itself (and its SSRF guard). */
export const webhookEndpointActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z.string().max(200),
    url: z.string().max(4096),
    "events[]": z.array(z.string().max(100)).max(20).default([]),
  }),
  z.object({ intent: z.literal("set-enabled"), endpointId, enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("delete"), endpointId }),
  z.object({ intent: z.literal("test"), endpointId }),
]);

/** Actions of one endpoint's page: edit, rotate, enable/disable, test, replay. */
export const webhookEndpointPageActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("update"),
    name: z.string().max(200),
    url: z.string().max(4096),
    "events[]": z.array(z.string().max(100)).max(20).default([]),
  }),
  z.object({
    intent: z.literal("rotate"),
    // Hours the old secret keeps signing too (0 = revoked at once).
    graceHours: z.enum(["0", "24", "168"]),
  }),
  z.object({ intent: z.literal("set-enabled"), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("test") }),
  z.object({ intent: z.literal("replay"), deliveryId: z.string().min(1).max(100) }),
]);

const DELIVERY_STATUS_FILTERS = ["pending", "succeeded", "failed", "dead"] as const;

/** Delivery log query of an endpoint page; unknown filter values are dropped. */
export function parseWebhookDeliveriesQuery(params: URLSearchParams) {
  const status = params.get("status");
  const event = params.get("event");
  return {
    status: oneOf(DELIVERY_STATUS_FILTERS, status ? [status] : [])[0],
    eventType: oneOf([...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE] as const, event ? [event] : [])[0],
    cursor: params.get("cursor")?.slice(0, 200) || undefined,
    delivery: params.get("delivery")?.slice(0, 100) || null,
  };
}

/** The most keys one import may carry (the service's batch insert limit). */
export const MAX_IMPORT_KEYS = 5000;

/** Keys from pasted text or an uploaded CSV/TXT (see `readLicenseKeyFile`). */
export function parseLicenseKeyText(text: string): string[] {
  return readLicenseKeyFile(text).keys;
}

const importKeys = z
  .string()
  .max(2_000_000, "That is too much text for one import.")
  .transform(parseLicenseKeyText)
  .pipe(
    z
      .array(z.string().max(500, "A key may have at most 500 characters."))
      .min(1, "Paste or upload at least one key.")
      .max(MAX_IMPORT_KEYS, `Import at most ${MAX_IMPORT_KEYS} keys at a time.`),
  );

const keyId = z.string().min(1).max(100);

export const licenseKeyActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("import"),
    tag: z.string().trim().max(100, "Use at most 100 characters."),
    duplicates: z.enum(["skip", "create", "fail"]),
    keys: importKeys,
  }),
  z.object({
    intent: z.literal("preview"),
    tag: z.string().trim().max(100, "Use at most 100 characters."),
    keys: z.string().max(2_000_000, "That is too much text for one import."),
  }),
  z.object({
    intent: z.literal("set-threshold"),
    tag: z.string().trim().min(1).max(100),
    threshold: z
      .string()
      .trim()
      .regex(/^\d{0,7}$/, "Enter a whole number of keys, or leave it empty to turn alerts off."),
  }),
  z.object({ intent: z.literal("delete"), keyId }),
  z.object({ intent: z.literal("unassign"), keyId }),
]);

/** License keys page query: pool, status filter, search, cursor (unknown values dropped). */
export function parseLicenseKeysQuery(params: URLSearchParams) {
  const status = params.get("status");
  return {
    pool: params.get("pool")?.slice(0, 100) || null,
    status: oneOf(LICENSE_KEY_STATUS_VALUES, status ? [status] : [])[0],
    q: params.get("q")?.trim().slice(0, 200) || undefined,
    cursor: params.get("cursor")?.slice(0, 512) || undefined,
  };
}

/** `?pool=` names a tag; the untagged pool has this reserved value. */
export const UNTAGGED_POOL = "__untagged__";
