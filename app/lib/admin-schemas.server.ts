import { z } from "zod";
import { readLicenseKeyFile } from "~/lib/license-key-file";
import { MAX_EXPIRY_EXTENSION_DAYS, MAX_GRANT_DOWNLOADS } from "~/lib/order-limits";
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

/** `YYYY-MM-DD` that is a real calendar day, else undefined. */
function calendarDay(value: string | null): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : undefined;
}

/**
 * Orders list query. Unknown filter values (an old bookmark, a hand-edited date) are
 * dropped, not a failure. `from`/`to` are UTC days, both inclusive (the admin prints
 * dates in UTC); `createdAfter`/`createdBefore` are the service's `[start, end)` bounds.
 */
export function parseOrdersQuery(params: URLSearchParams) {
  const from = calendarDay(params.get("from"));
  const to = calendarDay(params.get("to"));
  const dayAfter = (day: string) =>
    new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
  return {
    q: params.get("q")?.trim().slice(0, 200) || undefined,
    financial: oneOf(FINANCIAL_STATUS_VALUES, params.getAll("financial")),
    delivery: oneOf(DELIVERY_STATUS_VALUES, params.getAll("delivery")),
    from,
    to,
    createdAfter: from ? `${from}T00:00:00.000Z` : undefined,
    createdBefore: to ? dayAfter(to) : undefined,
    customer: params.get("customer")?.trim().slice(0, 200) || undefined,
    product: params.get("product")?.trim().slice(0, 100) || undefined,
    cursor: params.get("cursor")?.slice(0, 512) || undefined,
  };
}

const optionalEmail = z
  .string()
  .trim()
  .max(254)
  .refine((v) => v === "" || z.email().safeParse(v).success, "Enter a valid email address.");

/** The line a support action applies to; empty (the "every line" choice) = all lines. */
const targetLineId = z
  .string()
  .max(100)
  .optional()
  .transform((v) => v || undefined);

export const orderActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("set-access"), access: z.enum(DL_ACCESS_VALUES) }),
  z.object({ intent: z.literal("reset-downloads"), lineId: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("resend-email"), email: optionalEmail }),
  z.object({ intent: z.literal("approve") }),
  z.object({
    intent: z.literal("set-line-files"),
    lineId: z.string().min(1).max(100),
    // Same bounds as the API's `file_ids`; an empty list removes every file.
    "fileIds[]": z
      .array(z.string().min(1).max(200))
      .max(100, "Attach at most 100 files.")
      .default([]),
    sendEmail: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true"),
  }),
  z.object({
    intent: z.literal("grant-downloads"),
    lineId: targetLineId,
    downloads: z
      .string()
      .trim()
      .regex(/^\d+$/, `Enter a whole number from 1 to ${MAX_GRANT_DOWNLOADS}.`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, `Enter a whole number from 1 to ${MAX_GRANT_DOWNLOADS}.`)
          .max(MAX_GRANT_DOWNLOADS, `Grant at most ${MAX_GRANT_DOWNLOADS} downloads at a time.`),
      ),
  }),
  z.discriminatedUnion("mode", [
    z.object({
      intent: z.literal("extend-expiry"),
      mode: z.literal("days"),
      lineId: targetLineId,
      days: z
        .string()
        .trim()
        .regex(/^\d+$/, `Enter a whole number of days from 1 to ${MAX_EXPIRY_EXTENSION_DAYS}.`)
        .transform(Number)
        .pipe(
          z
            .number()
            .min(1, `Enter a whole number of days from 1 to ${MAX_EXPIRY_EXTENSION_DAYS}.`)
            .max(
              MAX_EXPIRY_EXTENSION_DAYS,
              `Extend by at most ${MAX_EXPIRY_EXTENSION_DAYS} days at a time.`,
            ),
        ),
    }),
    z.object({
      intent: z.literal("extend-expiry"),
      mode: z.literal("date"),
      lineId: targetLineId,
      // The end of the chosen UTC day: the admin shows dates in UTC.
      date: z
        .string()
        .trim()
        .refine((v) => calendarDay(v) !== undefined, "Choose a date.")
        .transform((v) => new Date(`${v}T23:59:59.999Z`)),
    }),
  ]),
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

// ---------------------------------------------------------------------------------------
// Home: download statistics period
// ---------------------------------------------------------------------------------------

export const STATS_PERIODS = ["7", "30", "90", "custom"] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];
const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function utcDay(value: string): Date | null {
  if (!ISO_DAY.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

/**
 * `?period=7|30|90` (whole UTC days ending today) or `?period=custom&from=…&to=…` (both
 * days included). The window is `[start, end)` as the stats API takes it, so the page and
 * `GET downloads/stats?start=…&end=…` count the same rows. A bad custom range falls back
 * to 30 days and says why, instead of failing the page.
 */
export function parseStatsPeriod(params: URLSearchParams, now = new Date()) {
  const requested = params.get("period") ?? "30";
  const period: StatsPeriod = (STATS_PERIODS as readonly string[]).includes(requested)
    ? (requested as StatsPeriod)
    : "30";
  const tomorrow = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  );
  const lastDays = (days: number) => ({
    start: new Date(tomorrow.getTime() - days * DAY_MS),
    end: tomorrow,
  });
  const from = params.get("from")?.slice(0, 10) ?? "";
  const to = params.get("to")?.slice(0, 10) ?? "";
  if (period !== "custom") {
    return { period, from, to, ...lastDays(Number(period)), error: null };
  }
  const start = utcDay(from);
  const last = utcDay(to);
  let error: string | null = null;
  if (!start || !last) error = "Enter both dates as YYYY-MM-DD.";
  else if (last < start) error = "The end date must be on or after the start date.";
  else if ((last.getTime() - start.getTime()) / DAY_MS + 1 > 366)
    error = "Pick a range of at most 366 days.";
  if (error || !start || !last) return { period, from, to, ...lastDays(30), error };
  return { period, from, to, start, end: new Date(last.getTime() + DAY_MS), error: null };
}

export const homeActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("dismiss-checklist") }),
  z.object({ intent: z.literal("restore-checklist") }),
]);

// ---------------------------------------------------------------------------------------
// Settings → Email / Delivery. Fields are validated by shop-settings.server (one place);
// these only pick the intent and turn checkbox values into booleans.
// ---------------------------------------------------------------------------------------

const text = (max: number) => z.string().max(max, `Use at most ${max} characters.`).default("");
const checkbox = z
  .enum(["true", "false", "on", ""])
  .default("false")
  .transform((v) => v === "true" || v === "on");

const emailDraftFields = {
  locale: text(10),
  subject: text(2000),
  body: text(10_000),
  brandLogoUrl: text(2048),
  brandColor: text(20),
  emailSenderName: text(200),
  emailReplyTo: text(254),
};

export const emailSettingsActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save-branding"),
    brandLogoUrl: text(4096),
    brandColor: text(100),
    emailSenderName: text(500),
    emailReplyTo: text(500),
  }),
  z.object({
    intent: z.literal("save-template"),
    locale: text(10),
    subject: text(2000),
    body: text(10_000),
  }),
  z.object({ intent: z.literal("reset-template"), locale: text(10) }),
  z.object({ intent: z.literal("preview"), ...emailDraftFields }),
  z.object({ intent: z.literal("send-test"), to: text(500), ...emailDraftFields }),
]);

export const deliverySettingsActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save-rules"),
    deliverOn: text(20),
    holdHighRisk: checkbox,
    autoFulfill: checkbox,
    refundAccessMode: text(40),
    requireIdempotencyKey: checkbox,
    lowStockNoticeEmail: text(500),
  }),
  z.object({
    intent: z.literal("save-download-page"),
    title: text(500),
    text: text(5000),
    showFileDetails: checkbox,
    showDownloadLimits: checkbox,
  }),
]);

/** Settings → Integrations: the remote-ingest host allowlist (the service validates hosts). */
export const ingestHostActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add-host"),
    host: z.string().trim().min(1, "Enter a host name.").max(253),
  }),
  z.object({ intent: z.literal("remove-host"), host: z.string().min(1).max(253) }),
]);
/** Files list query: search, newest/oldest first, cursor. */
export function parseFilesQuery(params: URLSearchParams) {
  return {
    q: params.get("q")?.trim().slice(0, 120) || undefined,
    sort: params.get("sort") === "oldest" ? ("created_at" as const) : ("-created_at" as const),
    cursor: params.get("cursor")?.slice(0, 512) || undefined,
  };
}

/** The products list: restore one of the archived products. */
export const productListActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("restore"), productId: z.string().min(1).max(100) }),
]);

export const fileActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("delete"), fileId: z.string().min(1).max(100) }),
  z.object({ intent: z.literal("cancel-import"), jobId: z.string().min(1).max(100) }),
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
