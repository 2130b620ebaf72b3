import { z } from "zod";
import { DELIVERY_STATUS_VALUES, DL_ACCESS_VALUES, FINANCIAL_STATUS_VALUES } from "~/db/schema";

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

export const webhookDeliveryActionSchema = z.object({
  intent: z.literal("replay"),
  deliveryId: z.string().min(1).max(100),
});

/** The most keys one import may carry (the service's batch insert limit). */
export const MAX_IMPORT_KEYS = 5000;

/**
 * Keys from pasted text or an uploaded CSV/TXT: one key per line; for CSV the first
 * column (quotes removed); a header line (`key`, `license_key`) and blank lines dropped.
 */
export function parseLicenseKeyText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const first = line.includes(",") ? line.split(",")[0]! : line;
      return first
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .trim();
    })
    .filter((key, index) => key !== "" && !(index === 0 && /^(license_?)?keys?$/i.test(key)));
}

const keyId = z.string().min(1).max(100);

export const licenseKeyActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("import"),
    tag: z.string().trim().max(100, "Use at most 100 characters."),
    duplicates: z.enum(["skip", "create", "fail"]),
    keys: z
      .string()
      .max(2_000_000, "That is too much text for one import.")
      .transform(parseLicenseKeyText)
      .pipe(
        z
          .array(z.string().max(500, "A key may have at most 500 characters."))
          .min(1, "Paste or upload at least one key.")
          .max(MAX_IMPORT_KEYS, `Import at most ${MAX_IMPORT_KEYS} keys at a time.`),
      ),
  }),
  z.object({ intent: z.literal("delete"), keyId }),
  z.object({ intent: z.literal("unassign"), keyId }),
]);

/** `?pool=` names a tag; the untagged pool has this reserved value. */
export const UNTAGGED_POOL = "__untagged__";

/** Files list query: search, newest/oldest first, cursor. */
export function parseFilesQuery(params: URLSearchParams) {
  return {
    q: params.get("q")?.trim().slice(0, 120) || undefined,
    sort: params.get("sort") === "oldest" ? ("created_at" as const) : ("-created_at" as const),
    cursor: params.get("cursor")?.slice(0, 512) || undefined,
  };
}

export const fileActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("delete"), fileId: z.string().min(1).max(100) }),
]);

/** `POST /app/uploads` from the Files page uploader (JSON). */
export const adminCreateUploadSchema = z.strictObject({
  name: z.string().trim().min(1).max(255),
  size: z.number().int().min(1),
  content_type: z
    .string()
    .max(255)
    .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i)
    .optional()
    .catch(undefined),
  checksum_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  allow_duplicate: z.boolean().optional(),
});
