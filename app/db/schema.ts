/**
 * The one Drizzle schema (see docs/data-model.md).
 *
 * Conventions, so later work only ever ADDS columns:
 * - ids are prefixed ULIDs (`ord_01j…`, app/lib/ids.ts), minted by `$defaultFn` when an
 *   insert leaves them out; they sort by creation time, which the API's `-id` sort uses;
 * - every tenant table carries `shop_id … references shops(id) on delete cascade`, so a
 *   shop/redact (or an uninstall purge) is one `DELETE FROM shops`;
 * - timestamps are `timestamptz(3)` (the API prints ISO 8601 with milliseconds);
 *   `updated_at` is bumped by Drizzle on every `update()` (`$onUpdate`);
 * - enums are `text` + a TS union + a CHECK: adding a value is a one-line CHECK change,
 *   not a Postgres `ALTER TYPE` dance, and the `*_VALUES` arrays feed zod schemas too;
 * - money is integer minor units in `bigint`: int4 stops at 21,474,836.47 major units,
 *   an ordinary order total in IDR or VND;
 * - Shopify ids are stored as GIDs (`gid://shopify/Order/123`);
 * - list-able tenant tables have the cursor index `(shop_id, created_at, id)`, so a page
 *   costs the same however deep the cursor is; the four the API lists with its default
 *   sort `-id` (files, digital products, orders, license keys) also have `(shop_id, id)`:
 *   an order's `created_at` is Shopify's, so id order and created_at order differ.
 */
import { relations, sql, type SQL } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { ID_PREFIX, newId, newSecretToken, type IdPrefix } from "../lib/ids";

// ---------------------------------------------------------------------------------------
// Column helpers
// ---------------------------------------------------------------------------------------

const tstz = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });
const createdAt = () => tstz("created_at").defaultNow().notNull();
const updatedAt = () =>
  tstz("updated_at")
    .defaultNow()
    .notNull()
    .$onUpdate(() => new Date());
const idPk = (prefix: IdPrefix) =>
  text("id")
    .primaryKey()
    .$defaultFn(() => newId(prefix));
/** Sizes, byte counters and money: int8 on disk, a JS number in code (safe to 2^53). */
const int8 = (name: string) => bigint(name, { mode: "number" });
const shopId = () =>
  text("shop_id")
    .notNull()
    .references((): AnyPgColumn => shops.id, { onDelete: "cascade" });

/** `column in ('a', 'b')` for CHECK constraints; values are our own constants, never input. */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", "))})`;
}

// ---------------------------------------------------------------------------------------
// Enum values (use these in zod schemas: `z.enum(FINANCIAL_STATUS_VALUES)`)
// ---------------------------------------------------------------------------------------

export const SHOP_PLAN_VALUES = ["basic", "premium"] as const;
export type ShopPlan = (typeof SHOP_PLAN_VALUES)[number];
export const SHOP_STATUS_VALUES = ["active", "inactive", "uninstalled"] as const;
export type ShopStatus = (typeof SHOP_STATUS_VALUES)[number];
export const API_ACCESS_VALUES = ["active", "pending", "suspended"] as const;
export type ApiAccess = (typeof API_ACCESS_VALUES)[number];
export const DELIVER_ON_VALUES = ["paid", "created"] as const;
export type DeliverOn = (typeof DELIVER_ON_VALUES)[number];
export const REFUND_ACCESS_MODE_VALUES = ["whole_order", "refunded_lines", "none"] as const;
export type RefundAccessMode = (typeof REFUND_ACCESS_MODE_VALUES)[number];

export const STORAGE_DRIVER_VALUES = ["local", "s3"] as const;
export type StorageDriver = (typeof STORAGE_DRIVER_VALUES)[number];
export const FILE_SOURCE_VALUES = ["admin", "api", "ingest", "direct_upload", "seed"] as const;
export type FileSource = (typeof FILE_SOURCE_VALUES)[number];
export const UPLOAD_STATUS_VALUES = ["pending", "completed", "aborted", "expired"] as const;
export type UploadStatus = (typeof UPLOAD_STATUS_VALUES)[number];
export const JOB_STATUS_VALUES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUS_VALUES)[number];

export const DELIVERING_TYPE_VALUES = ["REGULAR", "UNIQUE", "SCHEDULED"] as const;
export type DeliveringType = (typeof DELIVERING_TYPE_VALUES)[number];
/** Spelling `LICENCE` in the third value is the reference API's; we keep it verbatim. */
export const PRODUCT_ACCESS_VALUES = ["FILE", "LICENSE_KEY", "FILE_WITH_LICENCE_KEY"] as const;
export type ProductAccess = (typeof PRODUCT_ACCESS_VALUES)[number];
/** `redirect`: presigned redirect to the object store where allowed; `stream`: via the app. */
export const DOWNLOAD_MODE_VALUES = ["redirect", "stream"] as const;
export type DownloadMode = (typeof DOWNLOAD_MODE_VALUES)[number];
/** `single_file`: one link per file; `zip`: all files of the line as one archive. */
export const DOWNLOAD_TYPE_VALUES = ["single_file", "zip"] as const;
export type DownloadType = (typeof DOWNLOAD_TYPE_VALUES)[number];
/** How many keys a line needs: one per unit bought, or one for the whole line. */
export const LICENSE_KEY_MODE_VALUES = ["per_quantity", "per_line"] as const;
export type LicenseKeyMode = (typeof LICENSE_KEY_MODE_VALUES)[number];
export const PRODUCT_SOURCE_VALUES = ["admin", "api"] as const;
export type ProductSource = (typeof PRODUCT_SOURCE_VALUES)[number];

export const FINANCIAL_STATUS_VALUES = [
  "AUTHORIZED",
  "EXPIRED",
  "PAID",
  "PARTIALLY_PAID",
  "PARTIALLY_REFUNDED",
  "PENDING",
  "REFUNDED",
  "VOIDED",
] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUS_VALUES)[number];
/** Shopify's `Order.riskLevel`-style values; no CHECK because Shopify adds values. */
export type RiskLevel = "LOW" | "MEDIUM" | "HIGH" | "NONE" | "PENDING";
export const DL_ACCESS_VALUES = ["enabled", "disabled"] as const;
export type DlAccess = (typeof DL_ACCESS_VALUES)[number];
export const ORDER_SOURCE_VALUES = ["shopify", "api", "import", "seed"] as const;
export type OrderSource = (typeof ORDER_SOURCE_VALUES)[number];
export const DELIVERY_STATUS_VALUES = [
  "pending",
  "held",
  "awaiting_files",
  "awaiting_keys",
  "scheduled",
  "delivered",
  "cancelled",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUS_VALUES)[number];
export const LINE_ACCESS_VALUES = ["enabled", "revoked"] as const;
export type LineAccess = (typeof LINE_ACCESS_VALUES)[number];
export const LINE_KEY_STATUS_VALUES = ["none", "awaiting", "assigned"] as const;
export type LineKeyStatus = (typeof LINE_KEY_STATUS_VALUES)[number];
export const LICENSE_KEY_STATUS_VALUES = ["available", "assigned"] as const;
export type LicenseKeyStatus = (typeof LICENSE_KEY_STATUS_VALUES)[number];

export const WEBHOOK_DELIVERY_STATUS_VALUES = ["pending", "succeeded", "failed", "dead"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUS_VALUES)[number];
/** `files_updated`: a notify-when-updated product's files changed; sent to its past buyers. */
export const EMAIL_KIND_VALUES = [
  "delivery",
  "resend",
  "merchant_notice",
  "test",
  "files_updated",
] as const;
export type EmailKind = (typeof EMAIL_KIND_VALUES)[number];
export const EMAIL_STATUS_VALUES = ["queued", "sending", "sent", "failed"] as const;
export type EmailStatus = (typeof EMAIL_STATUS_VALUES)[number];

// ---------------------------------------------------------------------------------------
// JSON column shapes (loose on purpose: the owning feature narrows them with zod)
// ---------------------------------------------------------------------------------------

/** Merchant overrides of the delivery email, keyed by locale (`en`, `fr`, …). */
export type EmailTemplateOverrides = Record<string, { subject?: string; body?: string }>;
export type DownloadPageSettings = {
  title?: string;
  text?: string;
  [setting: string]: unknown;
};
/** Filled by the storage layer when a file is encrypted at rest. */
export type FileEncryption = {
  algorithm?: string;
  keyId?: string;
  chunkSize?: number;
  noncePrefix?: string;
  [field: string]: unknown;
};
/**
 * One received part of a direct upload. Staged parts (our part endpoint) also record
 * the object holding them (`key`), its plaintext sha256 and at-rest encryption.
 */
export type UploadPart = {
  partNumber: number;
  etag: string;
  size: number;
  key?: string;
  sha256?: string;
  encryption?: FileEncryption | null;
};
export type StampingOptions = {
  position?: string;
  size?: number;
  opacity?: number;
  /** e.g. "all", "first", "1-3,7" */
  pages?: string;
  [option: string]: unknown;
};
export type JsonObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------
// Shops, sessions, API access
// ---------------------------------------------------------------------------------------

export const shops = pgTable(
  "shops",
  {
    id: idPk(ID_PREFIX.shop),
    domain: text("domain").notNull().unique("shops_domain_unique"), // `demo-shop.myshopify.com`
    name: text("name"),
    email: text("email"),
    currency: text("currency").notNull().default("USD"),
    timezone: text("timezone").notNull().default("UTC"),
    primaryLocale: text("primary_locale").notNull().default("en"),
    // `basic` shops get 402 from the storefront (customer-account) endpoint.
    plan: text("plan").$type<ShopPlan>().notNull().default("basic"),
    status: text("status").$type<ShopStatus>().notNull().default("active"),
    installedAt: tstz("installed_at").defaultNow().notNull(),
    uninstalledAt: tstz("uninstalled_at"),

    // Public API
    apiAccess: text("api_access").$type<ApiAccess>().notNull().default("active"),
    apiAccessRequestedAt: tstz("api_access_requested_at"),
    requireIdempotencyKey: boolean("require_idempotency_key").notNull().default(false),

    // Delivery rules
    deliverOn: text("deliver_on").$type<DeliverOn>().notNull().default("paid"),
    // Delivery cannot be taken back, so orders Shopify rates HIGH risk wait for approval.
    holdHighRisk: boolean("hold_high_risk").notNull().default(true),
    // Off by default: fulfilling writes to the merchant's Shopify data, so it is opt-in.
    autoFulfill: boolean("auto_fulfill").notNull().default(false),
    refundAccessMode: text("refund_access_mode")
      .$type<RefundAccessMode>()
      .notNull()
      .default("refunded_lines"),

    // Branding and email
    brandLogoUrl: text("brand_logo_url"),
    brandColor: text("brand_color"),
    emailSenderName: text("email_sender_name"),
    emailReplyTo: text("email_reply_to"),
    emailTemplates: jsonb("email_templates").$type<EmailTemplateOverrides>().notNull().default({}),
    downloadPageSettings: jsonb("download_page_settings")
      .$type<DownloadPageSettings>()
      .notNull()
      .default({}),
    /** Where "license keys running low" notices go; null = the shop's own email. */
    lowStockNoticeEmail: text("low_stock_notice_email"),
    /** The merchant closed the Home setup checklist; it stays closed. */
    setupChecklistDismissedAt: tstz("setup_checklist_dismissed_at"),

    // Remote ingest may only fetch from these hosts (SSRF guard, per shop).
    ingestAllowedHosts: text("ingest_allowed_hosts")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),

    // Storefront origins besides `https://<domain>` (custom domains, e.g.
    // `https://shop.example.com`) that may call the storefront endpoint with CORS.
    storefrontOrigins: text("storefront_origins")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),

    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("shops_plan_check", oneOf(t.plan, SHOP_PLAN_VALUES)),
    check("shops_status_check", oneOf(t.status, SHOP_STATUS_VALUES)),
    check("shops_api_access_check", oneOf(t.apiAccess, API_ACCESS_VALUES)),
    check("shops_deliver_on_check", oneOf(t.deliverOn, DELIVER_ON_VALUES)),
    check("shops_refund_access_mode_check", oneOf(t.refundAccessMode, REFUND_ACCESS_MODE_VALUES)),
  ],
);

/**
 * Shopify session storage, owned by `@shopify/shopify-app-session-storage-drizzle` v6.
 * Columns (camelCase names, `timestamp` without time zone, `accessToken` not null) must
 * match that package's `src/schemas/postgres.schema.ts` exactly, or its adapter's types
 * reject the table. No shop_id FK: the package writes rows before our shop row exists.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    shop: text("shop").notNull(),
    state: text("state").notNull(),
    isOnline: boolean("isOnline").default(false).notNull(),
    scope: text("scope"),
    expires: timestamp("expires", { mode: "date" }),
    accessToken: text("accessToken").notNull(),
    userId: bigint("userId", { mode: "number" }),
    firstName: text("firstName"),
    lastName: text("lastName"),
    email: text("email"),
    accountOwner: boolean("accountOwner"),
    locale: text("locale"),
    collaborator: boolean("collaborator"),
    emailVerified: boolean("emailVerified"),
    refreshToken: text("refreshToken"),
    refreshTokenExpires: timestamp("refreshTokenExpires", { mode: "date" }),
  },
  // The adapter's `findSessionsByShop` (an index changes no column, so the types hold).
  (t) => [index("sessions_shop_idx").on(t.shop)],
);

/**
 * Public API tokens `hnd_live_<publicId>_<secret>`: only the public id (lookup) and a
 * hash of the secret are stored; the full token is shown once at creation.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: idPk(ID_PREFIX.apiToken),
    shopId: shopId(),
    name: text("name").notNull(),
    publicId: text("public_id").notNull().unique("api_tokens_public_id_unique"),
    secretHash: text("secret_hash").notNull(),
    /** Shown in the admin list so merchants can tell tokens apart: `hnd_live_<publicId>`. */
    displayPrefix: text("display_prefix").notNull(),
    createdBy: text("created_by"),
    lastUsedAt: tstz("last_used_at"),
    revokedAt: tstz("revoked_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("api_tokens_cursor_idx").on(t.shopId, t.createdAt, t.id)],
);

/**
 * Idempotency-Key records (Medusa style): `locked_at` set while the first request runs
 * (a concurrent retry gets 409), `request_hash` catches a reused key with a different
 * body (422), the stored response is replayed for 24 h (`expires_at`).
 */
export const idempotencyRecords = pgTable(
  "idempotency_records",
  {
    id: idPk(ID_PREFIX.idempotency),
    shopId: shopId(),
    apiTokenId: text("api_token_id").references(() => apiTokens.id, { onDelete: "set null" }),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    lockedAt: tstz("locked_at"),
    responseStatus: integer("response_status"),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    expiresAt: tstz("expires_at")
      .notNull()
      .default(sql`now() + interval '24 hours'`),
  },
  (t) => [
    // Per shop, not per token: two tokens of one integration retrying the same write
    // must still collapse to one effect.
    unique("idempotency_records_shop_key_unique").on(t.shopId, t.key),
    index("idempotency_records_expires_at_idx").on(t.expiresAt),
  ],
);

/**
 * Fixed-window rate-limit counters. In Postgres (not memory) so every web replica sees
 * the same count. `key` encodes scope and window, e.g. `tok:<id>:<windowStart>`.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    key: text("key").primaryKey(),
    points: integer("points").notNull().default(0),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [index("rate_limit_counters_expires_at_idx").on(t.expiresAt)],
);

// ---------------------------------------------------------------------------------------
// Files, uploads, jobs
// ---------------------------------------------------------------------------------------

export const files = pgTable(
  "files",
  {
    id: idPk(ID_PREFIX.file),
    shopId: shopId(),
    name: text("name").notNull(),
    size: int8("size").notNull().default(0),
    contentType: text("content_type").notNull().default("application/octet-stream"),
    checksumSha256: text("checksum_sha256"),
    storageDriver: text("storage_driver").$type<StorageDriver>().notNull().default("local"),
    // Globally unique: two rows pointing at one object would let one delete the other's bytes.
    storageKey: text("storage_key").notNull().unique("files_storage_key_unique"),
    isEncrypted: boolean("is_encrypted").notNull().default(false),
    encryption: jsonb("encryption").$type<FileEncryption>(),
    // False until the bytes are fully stored (direct uploads and ingest create the row first).
    uploaded: boolean("uploaded").notNull().default(false),
    source: text("source").$type<FileSource>().notNull().default("admin"),
    deletedAt: tstz("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("files_storage_driver_check", oneOf(t.storageDriver, STORAGE_DRIVER_VALUES)),
    check("files_source_check", oneOf(t.source, FILE_SOURCE_VALUES)),
    check("files_size_check", sql`${t.size} >= 0`),
    index("files_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("files_shop_id_idx").on(t.shopId, t.id),
    index("files_shop_checksum_idx").on(t.shopId, t.checksumSha256),
    index("files_shop_content_type_idx").on(t.shopId, t.contentType),
  ],
);

/** Direct-upload sessions (single PUT or S3 multipart), swept when `expires_at` passes. */
export const uploads = pgTable(
  "uploads",
  {
    id: idPk(ID_PREFIX.upload),
    shopId: shopId(),
    fileId: text("file_id").references(() => files.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    size: int8("size").notNull(),
    contentType: text("content_type").notNull().default("application/octet-stream"),
    checksumSha256: text("checksum_sha256"),
    partSize: integer("part_size").notNull(),
    storageKey: text("storage_key").notNull(),
    /** The object store's multipart upload id (S3 `UploadId`); null for the local driver. */
    storageUploadId: text("storage_upload_id"),
    parts: jsonb("parts").$type<UploadPart[]>().notNull().default([]),
    bytesReceived: int8("bytes_received").notNull().default(0),
    status: text("status").$type<UploadStatus>().notNull().default("pending"),
    expiresAt: tstz("expires_at").notNull(),
    completedAt: tstz("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("uploads_status_check", oneOf(t.status, UPLOAD_STATUS_VALUES)),
    index("uploads_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("uploads_pending_expires_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Background work (remote ingest, redelivery, cleanup). Claimed with
 * `FOR UPDATE SKIP LOCKED`; a running job's worker bumps `heartbeat_at`, and a job whose
 * heartbeat went stale is requeued (its worker crashed).
 */
export const jobs = pgTable(
  "jobs",
  {
    id: idPk(ID_PREFIX.job),
    // Nullable: global jobs (sweeps, cleanup) belong to no shop.
    shopId: text("shop_id").references((): AnyPgColumn => shops.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    status: text("status").$type<JobStatus>().notNull().default("queued"),
    payload: jsonb("payload").$type<JsonObject>().notNull().default({}),
    result: jsonb("result").$type<JsonObject>(),
    error: text("error"),
    // Stable code of the last failure (`checksum_mismatch`, `fetch_failed`, …) for the API.
    errorCode: text("error_code"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    runAt: tstz("run_at").defaultNow().notNull(),
    lockedAt: tstz("locked_at"),
    lockedBy: text("locked_by"),
    heartbeatAt: tstz("heartbeat_at"),
    cancelRequestedAt: tstz("cancel_requested_at"),
    progressBytes: int8("progress_bytes").notNull().default(0),
    totalBytes: int8("total_bytes"),
    // Unique for the job's whole life, finished or not: a replayed trigger (same Shopify
    // webhook, same ingest request) must not enqueue the work again. Callers that want
    // "at most one in flight" instead put a discriminator in the key.
    dedupeKey: text("dedupe_key").unique("jobs_dedupe_key_unique"),
    startedAt: tstz("started_at"),
    finishedAt: tstz("finished_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("jobs_status_check", oneOf(t.status, JOB_STATUS_VALUES)),
    // The poller's only query: next due queued job. Partial, so finished jobs cost nothing.
    index("jobs_queued_run_at_idx")
      .on(t.runAt)
      .where(sql`${t.status} = 'queued'`),
    index("jobs_status_heartbeat_idx").on(t.status, t.heartbeatAt),
    index("jobs_cursor_idx").on(t.shopId, t.createdAt, t.id),
  ],
);

// ---------------------------------------------------------------------------------------
// Digital products
// ---------------------------------------------------------------------------------------

export const digitalProducts = pgTable(
  "digital_products",
  {
    id: idPk(ID_PREFIX.digitalProduct),
    shopId: shopId(),
    name: text("name").notNull(),
    deliveringType: text("delivering_type").$type<DeliveringType>().notNull().default("REGULAR"),
    access: text("access").$type<ProductAccess>().notNull().default("FILE"),
    downloadMode: text("download_mode").$type<DownloadMode>().notNull().default("redirect"),
    downloadType: text("download_type").$type<DownloadType>().notNull().default("single_file"),
    productGid: text("product_gid"),
    variantGids: text("variant_gids")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    useAllVariants: boolean("use_all_variants").notNull().default(true),
    /** The license-key pool (`license_keys.tag`) this product draws from. */
    licenseKeyTag: text("license_key_tag"),
    licenseKeyMode: text("license_key_mode").$type<LicenseKeyMode>(),
    /** Days the links stay valid after purchase; null (or 0 from the API) = no expiry. */
    downloadIn: integer("download_in"),
    /** Downloads per customer line; null (or 0 from the API) = unlimited. */
    maxDownloads: integer("max_downloads"),
    notifyWhenUpdated: boolean("notify_when_updated").notNull().default(false),
    scheduledDeliveryDate: tstz("scheduled_delivery_date"),
    scheduledDeliveryTimezone: text("scheduled_delivery_timezone"),
    isArchived: boolean("is_archived").notNull().default(false),
    stampingEnabled: boolean("stamping_enabled").notNull().default(false),
    stampingTemplate: text("stamping_template"),
    stampingOptions: jsonb("stamping_options").$type<StampingOptions>().notNull().default({}),
    lowStockThreshold: integer("low_stock_threshold"),
    lowStockNotifiedAt: tstz("low_stock_notified_at"),
    source: text("source").$type<ProductSource>().notNull().default("admin"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      "digital_products_delivering_type_check",
      oneOf(t.deliveringType, DELIVERING_TYPE_VALUES),
    ),
    check("digital_products_access_check", oneOf(t.access, PRODUCT_ACCESS_VALUES)),
    check("digital_products_download_mode_check", oneOf(t.downloadMode, DOWNLOAD_MODE_VALUES)),
    check("digital_products_download_type_check", oneOf(t.downloadType, DOWNLOAD_TYPE_VALUES)),
    check(
      "digital_products_license_key_mode_check",
      oneOf(t.licenseKeyMode, LICENSE_KEY_MODE_VALUES),
    ),
    check("digital_products_source_check", oneOf(t.source, PRODUCT_SOURCE_VALUES)),
    check("digital_products_limits_check", sql`${t.downloadIn} >= 0 and ${t.maxDownloads} >= 0`),
    index("digital_products_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("digital_products_shop_id_idx").on(t.shopId, t.id),
    index("digital_products_shop_product_gid_idx").on(t.shopId, t.productGid),
    // Order intake asks "which products cover this variant?": `variant_gids @> array[$1]`.
    index("digital_products_variant_gids_gin_idx").using("gin", t.variantGids),
  ],
);

export const digitalProductFiles = pgTable(
  "digital_product_files",
  {
    shopId: shopId(),
    digitalProductId: text("digital_product_id")
      .notNull()
      .references(() => digitalProducts.id, { onDelete: "cascade" }),
    // RESTRICT: an attached file cannot be deleted (the API's 409); detach first.
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "restrict" }),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "digital_product_files_pk", columns: [t.digitalProductId, t.fileId] }),
    // Serves the RESTRICT check on file delete and `include=products` on the files list.
    index("digital_product_files_file_idx").on(t.fileId),
  ],
);

/** External links delivered alongside (or instead of) files. */
export const digitalProductLinks = pgTable(
  "digital_product_links",
  {
    id: idPk(ID_PREFIX.productLink),
    shopId: shopId(),
    digitalProductId: text("digital_product_id")
      .notNull()
      .references(() => digitalProducts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    url: text("url").notNull(),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("digital_product_links_product_idx").on(t.digitalProductId, t.position)],
);

// ---------------------------------------------------------------------------------------
// Customers, orders, lines
// ---------------------------------------------------------------------------------------

export const customers = pgTable(
  "customers",
  {
    id: idPk(ID_PREFIX.customer),
    shopId: shopId(),
    // Nullable: guest checkouts and imported orders have no Shopify customer.
    gid: text("gid"),
    email: text("email"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    locale: text("locale"),
    /** Set by customers/redact: personal fields are blanked, the row stays for counts. */
    redactedAt: tstz("redacted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // NULLs stay distinct here on purpose: many gid-less customers per shop are fine.
    unique("customers_shop_gid_unique").on(t.shopId, t.gid),
    index("customers_shop_email_idx").on(t.shopId, t.email),
    // The admin's customer filter: "email starts with", case-insensitive (see orders).
    index("customers_shop_email_prefix_idx").on(t.shopId, sql`lower(${t.email}) text_pattern_ops`),
    index("customers_cursor_idx").on(t.shopId, t.createdAt, t.id),
  ],
);

export const orders = pgTable(
  "orders",
  {
    id: idPk(ID_PREFIX.order),
    shopId: shopId(),
    gid: text("gid"),
    /** Shopify's numeric order id as text (the reference API accepts it in paths). */
    legacyId: text("legacy_id"),
    name: text("name").notNull(), // `#1042`
    customerId: text("customer_id").references(() => customers.id, { onDelete: "set null" }),
    email: text("email"),
    currency: text("currency").notNull(),
    financialStatus: text("financial_status").$type<FinancialStatus>().notNull().default("PENDING"),
    fulfillmentStatus: text("fulfillment_status"),
    riskLevel: text("risk_level").$type<RiskLevel>(),
    dlAccess: text("dl_access").$type<DlAccess>().notNull().default("enabled"),
    isImported: boolean("is_imported").notNull().default(false),
    source: text("source").$type<OrderSource>().notNull().default("shopify"),
    /** The shopper's `/d/<token>` secret. Unguessable: it is the only credential there. */
    accessToken: text("access_token")
      .notNull()
      .unique("orders_access_token_unique")
      .$defaultFn(() => newSecretToken()),
    /** Shopify's order-status-page token; the storefront endpoint looks orders up by it. */
    statusPageToken: text("status_page_token"),
    locale: text("locale"),
    deliveryStatus: text("delivery_status").$type<DeliveryStatus>().notNull().default("pending"),
    heldReason: text("held_reason"),
    approvedAt: tstz("approved_at"),
    deliveredAt: tstz("delivered_at"),
    cancelledAt: tstz("cancelled_at"),
    totalPriceCents: int8("total_price_cents").notNull().default(0),
    /** Shopify's `processedAt`. `created_at` is set from Shopify's `createdAt` at intake. */
    processedAt: tstz("processed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("orders_financial_status_check", oneOf(t.financialStatus, FINANCIAL_STATUS_VALUES)),
    check("orders_dl_access_check", oneOf(t.dlAccess, DL_ACCESS_VALUES)),
    check("orders_source_check", oneOf(t.source, ORDER_SOURCE_VALUES)),
    check("orders_delivery_status_check", oneOf(t.deliveryStatus, DELIVERY_STATUS_VALUES)),
    // One row per Shopify order per shop: orders/create and orders/paid webhooks, their
    // retries and a backfill all race to insert the same order; this makes it an upsert.
    unique("orders_shop_gid_unique").on(t.shopId, t.gid),
    index("orders_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("orders_shop_id_idx").on(t.shopId, t.id),
    index("orders_shop_customer_idx").on(t.shopId, t.customerId),
    index("orders_shop_name_idx").on(t.shopId, t.name),
    index("orders_shop_email_idx").on(t.shopId, t.email),
    // Search by the start of the lowercased email or name (terms under 3 characters, the
    // customer filter, `#1042`): `lower(x) like 'term%'` is a range scan here whatever
    // the database collation (text_pattern_ops).
    index("orders_shop_email_prefix_idx").on(t.shopId, sql`lower(${t.email}) text_pattern_ops`),
    index("orders_shop_name_prefix_idx").on(t.shopId, sql`lower(${t.name}) text_pattern_ops`),
    // Search for text anywhere in them (3+ characters): `lower(x) like '%term%'` through
    // trigrams (pg_trgm, migration 0008). Not led by shop_id (btree_gin): a shop's whole
    // posting list would be read for every search; the shop is checked on the few rows
    // the trigrams find, and for a term in most rows the planner walks the cursor index.
    // fastupdate off: new orders go into the index as they come instead of a pending list
    // that every search would read through until the next vacuum.
    index("orders_email_trgm_idx")
      .using("gin", sql`lower(${t.email}) gin_trgm_ops`)
      .with({ fastupdate: false }),
    index("orders_name_trgm_idx")
      .using("gin", sql`lower(${t.name}) gin_trgm_ops`)
      .with({ fastupdate: false }),
    index("orders_shop_financial_status_idx").on(t.shopId, t.financialStatus, t.createdAt),
    index("orders_status_page_token_idx").on(t.statusPageToken),
  ],
);

/**
 * One purchased digital line. Delivery terms are snapshotted at purchase so a later
 * product edit does not silently change what a past customer bought.
 */
export const orderLines = pgTable(
  "order_lines",
  {
    id: idPk(ID_PREFIX.orderLine),
    shopId: shopId(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    digitalProductId: text("digital_product_id").references(() => digitalProducts.id, {
      onDelete: "set null",
    }),
    gid: text("gid"), // `gid://shopify/LineItem/…`
    productGid: text("product_gid"),
    variantGid: text("variant_gid"),
    title: text("title").notNull().default(""),
    variantTitle: text("variant_title"),
    sku: text("sku"),
    quantity: integer("quantity").notNull().default(1),
    priceCents: int8("price_cents").notNull().default(0),

    // Snapshot of the product's delivery terms at purchase
    deliveringType: text("delivering_type").$type<DeliveringType>().notNull().default("REGULAR"),
    access: text("access").$type<ProductAccess>().notNull().default("FILE"),
    maxDownloads: integer("max_downloads"),
    downloadIn: integer("download_in"),
    /** Computed from `download_in` at delivery; null = never expires. */
    expiresAt: tstz("expires_at"),
    stampingEnabled: boolean("stamping_enabled").notNull().default(false),
    stampingTemplate: text("stamping_template"),
    scheduledAt: tstz("scheduled_at"),

    // Counters. The limit is `max_downloads + extra_downloads`; the download service
    // enforces it with a conditional UPDATE so concurrent downloads cannot overshoot.
    downloadCount: integer("download_count").notNull().default(0),
    extraDownloads: integer("extra_downloads").notNull().default(0),

    accessStatus: text("access_status").$type<LineAccess>().notNull().default("enabled"),
    revokedAt: tstz("revoked_at"),
    refundedQuantity: integer("refunded_quantity").notNull().default(0),
    keysNeeded: integer("keys_needed").notNull().default(0),
    keyStatus: text("key_status").$type<LineKeyStatus>().notNull().default("none"),
    deliveredAt: tstz("delivered_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("order_lines_delivering_type_check", oneOf(t.deliveringType, DELIVERING_TYPE_VALUES)),
    check("order_lines_access_check", oneOf(t.access, PRODUCT_ACCESS_VALUES)),
    check("order_lines_access_status_check", oneOf(t.accessStatus, LINE_ACCESS_VALUES)),
    check("order_lines_key_status_check", oneOf(t.keyStatus, LINE_KEY_STATUS_VALUES)),
    check(
      "order_lines_counters_check",
      sql`${t.quantity} >= 0 and ${t.downloadCount} >= 0 and ${t.extraDownloads} >= 0 and ${t.refundedQuantity} >= 0 and ${t.keysNeeded} >= 0`,
    ),
    // A repeated orders/* webhook upserts the same line instead of adding a second one.
    unique("order_lines_order_gid_unique").on(t.orderId, t.gid),
    index("order_lines_shop_product_idx").on(t.shopId, t.digitalProductId),
    // Restock of a key pool: find lines still waiting for keys, oldest first.
    index("order_lines_awaiting_keys_idx")
      .on(t.shopId, t.digitalProductId, t.createdAt)
      .where(sql`${t.keyStatus} = 'awaiting'`),
    // The scheduler's query: SCHEDULED lines that came due and are not delivered yet.
    index("order_lines_scheduled_idx")
      .on(t.scheduledAt)
      .where(sql`${t.scheduledAt} is not null and ${t.deliveredAt} is null`),
  ],
);

/** Per-order files of UNIQUE delivery (`PUT /orders/{id}/lines/{lineId}/files`). */
export const orderLineFiles = pgTable(
  "order_line_files",
  {
    shopId: shopId(),
    orderLineId: text("order_line_id")
      .notNull()
      .references(() => orderLines.id, { onDelete: "cascade" }),
    // RESTRICT: a file delivered to a customer cannot vanish under them (API 409).
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "restrict" }),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "order_line_files_pk", columns: [t.orderLineId, t.fileId] }),
    index("order_line_files_file_idx").on(t.fileId),
  ],
);

// ---------------------------------------------------------------------------------------
// License keys
// ---------------------------------------------------------------------------------------

export const licenseKeys = pgTable(
  "license_keys",
  {
    id: idPk(ID_PREFIX.licenseKey),
    shopId: shopId(),
    /** The pool. A product draws from the pool named by its `license_key_tag`. */
    tag: text("tag"),
    key: text("key").notNull(),
    digitalProductId: text("digital_product_id").references(() => digitalProducts.id, {
      onDelete: "set null",
    }),
    status: text("status").$type<LicenseKeyStatus>().notNull().default("available"),
    // No CHECK tying status to order_id: deleting an order sets order_id null on its
    // keys, and such a CHECK would then block the delete (shop/customer redaction).
    orderId: text("order_id").references(() => orders.id, { onDelete: "set null" }),
    orderLineId: text("order_line_id").references(() => orderLines.id, { onDelete: "set null" }),
    assignedAt: tstz("assigned_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("license_keys_status_check", oneOf(t.status, LICENSE_KEY_STATUS_VALUES)),
    // A value is unique within its pool (NULLS NOT DISTINCT: the untagged pool is a pool
    // too). The API's `duplicates=create` may therefore repeat a value only in ANOTHER
    // pool; within one pool it degrades to skip/fail. Two customers must never hold the
    // same key of the same product.
    unique("license_keys_shop_tag_key_unique").on(t.shopId, t.tag, t.key).nullsNotDistinct(),
    // "Next available key of pool X", taken with FOR UPDATE SKIP LOCKED so concurrent
    // orders each get a different key without waiting on each other.
    index("license_keys_available_idx")
      .on(t.shopId, t.tag, t.createdAt, t.id)
      .where(sql`${t.status} = 'available'`),
    index("license_keys_shop_key_idx").on(t.shopId, t.key), // validate?key=
    index("license_keys_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("license_keys_shop_id_idx").on(t.shopId, t.id),
    index("license_keys_order_idx").on(t.orderId),
    index("license_keys_order_line_idx").on(t.orderLineId),
  ],
);

// ---------------------------------------------------------------------------------------
// Download links and events
// ---------------------------------------------------------------------------------------

/** API-created share links (`POST /download-links`). Not listable/editable via the API. */
export const downloadLinks = pgTable(
  "download_links",
  {
    id: idPk(ID_PREFIX.downloadLink),
    shopId: shopId(),
    token: text("token")
      .notNull()
      .unique("download_links_token_unique")
      .$defaultFn(() => newSecretToken()),
    useDownloadLimit: boolean("use_download_limit").notNull().default(false),
    /** Only applies when `use_download_limit`; 0 or null = unlimited. */
    downloadLimit: integer("download_limit"),
    downloadCount: integer("download_count").notNull().default(0),
    useStamping: boolean("use_stamping").notNull().default(false),
    stampingText: text("stamping_text"),
    expiresAt: tstz("expires_at"),
    orderId: text("order_id").references(() => orders.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("download_links_stamping_text_check", sql`char_length(${t.stampingText}) <= 500`),
    check(
      "download_links_counters_check",
      sql`${t.downloadCount} >= 0 and ${t.downloadLimit} >= 0`,
    ),
    index("download_links_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("download_links_order_idx").on(t.orderId),
  ],
);

export const downloadLinkFiles = pgTable(
  "download_link_files",
  {
    shopId: shopId(),
    downloadLinkId: text("download_link_id")
      .notNull()
      .references(() => downloadLinks.id, { onDelete: "cascade" }),
    // RESTRICT: the link's URL was handed out; its files must stay (API 409).
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "restrict" }),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "download_link_files_pk", columns: [t.downloadLinkId, t.fileId] }),
    index("download_link_files_file_idx").on(t.fileId),
  ],
);

/**
 * One row per download (the audit trail behind stats and `file.downloaded` webhooks).
 * References are SET NULL so statistics survive the deletion of what they counted.
 */
export const downloadEvents = pgTable(
  "download_events",
  {
    id: idPk(ID_PREFIX.downloadEvent),
    shopId: shopId(),
    orderId: text("order_id").references(() => orders.id, { onDelete: "set null" }),
    orderLineId: text("order_line_id").references(() => orderLines.id, { onDelete: "set null" }),
    downloadLinkId: text("download_link_id").references(() => downloadLinks.id, {
      onDelete: "set null",
    }),
    fileId: text("file_id").references(() => files.id, { onDelete: "set null" }),
    customerId: text("customer_id").references(() => customers.id, { onDelete: "set null" }),
    isRedownload: boolean("is_redownload").notNull().default(false),
    /** False for re-downloads that do not consume the limit (e.g. resumed Range requests). */
    counted: boolean("counted").notNull().default(true),
    billable: boolean("billable").notNull().default(true),
    bytesSent: int8("bytes_sent").notNull().default(0),
    rangeStart: int8("range_start"),
    /** Salted hash, never the raw IP (privacy; still lets us spot abuse). */
    ipHash: text("ip_hash"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    index("download_events_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("download_events_shop_file_idx").on(t.shopId, t.fileId, t.createdAt),
    // "Has this line downloaded this file before?" decides downloaded vs redownloaded.
    index("download_events_line_file_idx").on(t.orderLineId, t.fileId),
    index("download_events_shop_customer_idx").on(t.shopId, t.customerId, t.createdAt),
  ],
);

// ---------------------------------------------------------------------------------------
// Outgoing webhooks
// ---------------------------------------------------------------------------------------

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: idPk(ID_PREFIX.webhookEndpoint),
    shopId: shopId(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    events: text("events")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    /** The `whsec_…` signing secret (the webhooks feature may store it encrypted). */
    secret: text("secret").notNull(),
    // Rotation grace: both secrets sign until the old one expires.
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: tstz("previous_secret_expires_at"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastSuccessAt: tstz("last_success_at"),
    lastFailureAt: tstz("last_failure_at"),
    disabledAt: tstz("disabled_at"),
    disabledReason: text("disabled_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhook_endpoints_cursor_idx").on(t.shopId, t.createdAt, t.id)],
);

/**
 * Transactional outbox: written in the same transaction as the change it reports, so an
 * event exists iff the change committed. The dispatcher fans it out into deliveries.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: idPk(ID_PREFIX.webhookEvent),
    shopId: shopId(),
    type: text("type").notNull(), // `digital_order.purchased`, `file.downloaded`, …
    payload: jsonb("payload").$type<JsonObject>().notNull(),
    apiVersion: text("api_version").notNull().default("v1"),
    /** Events sent by the admin's Test button. */
    isTest: boolean("is_test").notNull().default(false),
    createdAt: createdAt(),
    dispatchedAt: tstz("dispatched_at"),
  },
  (t) => [
    index("webhook_events_undispatched_idx")
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} is null`),
    index("webhook_events_cursor_idx").on(t.shopId, t.createdAt, t.id),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: idPk(ID_PREFIX.webhookDelivery),
    shopId: shopId(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    status: text("status").$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").defaultNow(),
    lastAttemptAt: tstz("last_attempt_at"),
    lockedAt: tstz("locked_at"),
    lockedBy: text("locked_by"),
    lastResponseStatus: integer("last_response_status"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("webhook_deliveries_status_check", oneOf(t.status, WEBHOOK_DELIVERY_STATUS_VALUES)),
    // Fan-out may run twice (dispatcher crash after insert, before marking the event):
    // still one delivery per endpoint and event.
    unique("webhook_deliveries_endpoint_event_unique").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_cursor_idx").on(t.endpointId, t.createdAt, t.id),
    index("webhook_deliveries_event_idx").on(t.eventId),
    // The sender claims the oldest due deliveries of EACH endpoint (a per-endpoint cap keeps
    // a slow receiver from taking every slot); this is the index that per-endpoint probe uses.
    index("webhook_deliveries_endpoint_due_idx")
      .on(t.endpointId, t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: idPk(ID_PREFIX.deliveryAttempt),
    shopId: shopId(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptNumber: integer("attempt_number").notNull().default(1),
    attemptedAt: tstz("attempted_at").defaultNow().notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    /** First bytes of the receiver's answer, truncated by the sender (never the full body). */
    responseSnippet: text("response_snippet"),
    error: text("error"),
  },
  (t) => [index("webhook_delivery_attempts_delivery_idx").on(t.deliveryId, t.attemptedAt)],
);

// ---------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------

/** Email outbox: queued in the same transaction as the delivery, sent by the worker. */
export const emailMessages = pgTable(
  "email_messages",
  {
    id: idPk(ID_PREFIX.email),
    shopId: shopId(),
    orderId: text("order_id").references(() => orders.id, { onDelete: "set null" }),
    kind: text("kind").$type<EmailKind>().notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject"),
    locale: text("locale"),
    /** Template inputs; rendering happens at send time with the shop's current branding. */
    payload: jsonb("payload").$type<JsonObject>().notNull().default({}),
    bodyHtml: text("body_html"),
    bodyText: text("body_text"),
    status: text("status").$type<EmailStatus>().notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").defaultNow(),
    lockedAt: tstz("locked_at"),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    /** The transport's Message-ID, for tracing a complaint back to a row. */
    messageId: text("message_id"),
    sentAt: tstz("sent_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("email_messages_kind_check", oneOf(t.kind, EMAIL_KIND_VALUES)),
    check("email_messages_status_check", oneOf(t.status, EMAIL_STATUS_VALUES)),
    index("email_messages_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'queued'`),
    index("email_messages_cursor_idx").on(t.shopId, t.createdAt, t.id),
    index("email_messages_order_idx").on(t.orderId),
  ],
);

// ---------------------------------------------------------------------------------------
// Incoming Shopify webhooks
// ---------------------------------------------------------------------------------------

/**
 * Dedupe of incoming Shopify webhooks by `X-Shopify-Webhook-Id` (Shopify retries and may
 * deliver twice). Keyed by domain, not shop_id: app/uninstalled and shop/redact arrive
 * when our shop row may already be gone, and the receipt must outlive it.
 */
export const shopifyWebhookReceipts = pgTable(
  "shopify_webhook_receipts",
  {
    id: idPk(ID_PREFIX.shopifyWebhookReceipt),
    shopDomain: text("shop_domain").notNull(),
    webhookId: text("webhook_id").notNull().unique("shopify_webhook_receipts_webhook_id_unique"),
    topic: text("topic").notNull(),
    receivedAt: tstz("received_at").defaultNow().notNull(),
    processedAt: tstz("processed_at"),
    jobId: text("job_id").references(() => jobs.id, { onDelete: "set null" }),
  },
  (t) => [
    index("shopify_webhook_receipts_received_at_idx").on(t.receivedAt),
    index("shopify_webhook_receipts_shop_domain_idx").on(t.shopDomain, t.receivedAt),
  ],
);

// ---------------------------------------------------------------------------------------
// Relations (for `db.query.*` with `with:`)
// ---------------------------------------------------------------------------------------

export const shopsRelations = relations(shops, ({ many }) => ({
  apiTokens: many(apiTokens),
  files: many(files),
  digitalProducts: many(digitalProducts),
  customers: many(customers),
  orders: many(orders),
  licenseKeys: many(licenseKeys),
  webhookEndpoints: many(webhookEndpoints),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  shop: one(shops, { fields: [apiTokens.shopId], references: [shops.id] }),
}));

export const filesRelations = relations(files, ({ one, many }) => ({
  shop: one(shops, { fields: [files.shopId], references: [shops.id] }),
  productFiles: many(digitalProductFiles),
  orderLineFiles: many(orderLineFiles),
  downloadLinkFiles: many(downloadLinkFiles),
}));

export const uploadsRelations = relations(uploads, ({ one }) => ({
  file: one(files, { fields: [uploads.fileId], references: [files.id] }),
}));

export const digitalProductsRelations = relations(digitalProducts, ({ one, many }) => ({
  shop: one(shops, { fields: [digitalProducts.shopId], references: [shops.id] }),
  productFiles: many(digitalProductFiles),
  links: many(digitalProductLinks),
  orderLines: many(orderLines),
  licenseKeys: many(licenseKeys),
}));

export const digitalProductFilesRelations = relations(digitalProductFiles, ({ one }) => ({
  digitalProduct: one(digitalProducts, {
    fields: [digitalProductFiles.digitalProductId],
    references: [digitalProducts.id],
  }),
  file: one(files, { fields: [digitalProductFiles.fileId], references: [files.id] }),
}));

export const digitalProductLinksRelations = relations(digitalProductLinks, ({ one }) => ({
  digitalProduct: one(digitalProducts, {
    fields: [digitalProductLinks.digitalProductId],
    references: [digitalProducts.id],
  }),
}));

export const customersRelations = relations(customers, ({ one, many }) => ({
  shop: one(shops, { fields: [customers.shopId], references: [shops.id] }),
  orders: many(orders),
  downloadEvents: many(downloadEvents),
}));

export const ordersRelations = relations(orders, ({ one, many }) => ({
  shop: one(shops, { fields: [orders.shopId], references: [shops.id] }),
  customer: one(customers, { fields: [orders.customerId], references: [customers.id] }),
  lines: many(orderLines),
  licenseKeys: many(licenseKeys),
  downloadEvents: many(downloadEvents),
  downloadLinks: many(downloadLinks),
  emails: many(emailMessages),
}));

export const orderLinesRelations = relations(orderLines, ({ one, many }) => ({
  order: one(orders, { fields: [orderLines.orderId], references: [orders.id] }),
  digitalProduct: one(digitalProducts, {
    fields: [orderLines.digitalProductId],
    references: [digitalProducts.id],
  }),
  files: many(orderLineFiles),
  licenseKeys: many(licenseKeys),
  downloadEvents: many(downloadEvents),
}));

export const orderLineFilesRelations = relations(orderLineFiles, ({ one }) => ({
  orderLine: one(orderLines, { fields: [orderLineFiles.orderLineId], references: [orderLines.id] }),
  file: one(files, { fields: [orderLineFiles.fileId], references: [files.id] }),
}));

export const licenseKeysRelations = relations(licenseKeys, ({ one }) => ({
  shop: one(shops, { fields: [licenseKeys.shopId], references: [shops.id] }),
  order: one(orders, { fields: [licenseKeys.orderId], references: [orders.id] }),
  orderLine: one(orderLines, { fields: [licenseKeys.orderLineId], references: [orderLines.id] }),
  digitalProduct: one(digitalProducts, {
    fields: [licenseKeys.digitalProductId],
    references: [digitalProducts.id],
  }),
}));

export const downloadLinksRelations = relations(downloadLinks, ({ one, many }) => ({
  order: one(orders, { fields: [downloadLinks.orderId], references: [orders.id] }),
  files: many(downloadLinkFiles),
}));

export const downloadLinkFilesRelations = relations(downloadLinkFiles, ({ one }) => ({
  downloadLink: one(downloadLinks, {
    fields: [downloadLinkFiles.downloadLinkId],
    references: [downloadLinks.id],
  }),
  file: one(files, { fields: [downloadLinkFiles.fileId], references: [files.id] }),
}));

export const downloadEventsRelations = relations(downloadEvents, ({ one }) => ({
  order: one(orders, { fields: [downloadEvents.orderId], references: [orders.id] }),
  orderLine: one(orderLines, { fields: [downloadEvents.orderLineId], references: [orderLines.id] }),
  file: one(files, { fields: [downloadEvents.fileId], references: [files.id] }),
  customer: one(customers, { fields: [downloadEvents.customerId], references: [customers.id] }),
}));

export const webhookEndpointsRelations = relations(webhookEndpoints, ({ one, many }) => ({
  shop: one(shops, { fields: [webhookEndpoints.shopId], references: [shops.id] }),
  deliveries: many(webhookDeliveries),
}));

export const webhookEventsRelations = relations(webhookEvents, ({ many }) => ({
  deliveries: many(webhookDeliveries),
}));

export const webhookDeliveriesRelations = relations(webhookDeliveries, ({ one, many }) => ({
  endpoint: one(webhookEndpoints, {
    fields: [webhookDeliveries.endpointId],
    references: [webhookEndpoints.id],
  }),
  event: one(webhookEvents, {
    fields: [webhookDeliveries.eventId],
    references: [webhookEvents.id],
  }),
  attempts: many(webhookDeliveryAttempts),
}));

export const webhookDeliveryAttemptsRelations = relations(webhookDeliveryAttempts, ({ one }) => ({
  delivery: one(webhookDeliveries, {
    fields: [webhookDeliveryAttempts.deliveryId],
    references: [webhookDeliveries.id],
  }),
}));

export const emailMessagesRelations = relations(emailMessages, ({ one }) => ({
  order: one(orders, { fields: [emailMessages.orderId], references: [orders.id] }),
}));

// ---------------------------------------------------------------------------------------
// Row types
// ---------------------------------------------------------------------------------------

export type Shop = typeof shops.$inferSelect;
export type NewShop = typeof shops.$inferInsert;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;
export type IdempotencyRecord = typeof idempotencyRecords.$inferSelect;
export type NewIdempotencyRecord = typeof idempotencyRecords.$inferInsert;
export type RateLimitCounter = typeof rateLimitCounters.$inferSelect;
export type FileRow = typeof files.$inferSelect;
export type NewFileRow = typeof files.$inferInsert;
export type Upload = typeof uploads.$inferSelect;
export type NewUpload = typeof uploads.$inferInsert;
export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
export type DigitalProduct = typeof digitalProducts.$inferSelect;
export type NewDigitalProduct = typeof digitalProducts.$inferInsert;
export type DigitalProductFile = typeof digitalProductFiles.$inferSelect;
export type NewDigitalProductFile = typeof digitalProductFiles.$inferInsert;
export type DigitalProductLink = typeof digitalProductLinks.$inferSelect;
export type NewDigitalProductLink = typeof digitalProductLinks.$inferInsert;
export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;
export type Order = typeof orders.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type OrderLine = typeof orderLines.$inferSelect;
export type NewOrderLine = typeof orderLines.$inferInsert;
export type OrderLineFile = typeof orderLineFiles.$inferSelect;
export type NewOrderLineFile = typeof orderLineFiles.$inferInsert;
export type LicenseKey = typeof licenseKeys.$inferSelect;
export type NewLicenseKey = typeof licenseKeys.$inferInsert;
export type DownloadLink = typeof downloadLinks.$inferSelect;
export type NewDownloadLink = typeof downloadLinks.$inferInsert;
export type DownloadLinkFile = typeof downloadLinkFiles.$inferSelect;
export type NewDownloadLinkFile = typeof downloadLinkFiles.$inferInsert;
export type DownloadEvent = typeof downloadEvents.$inferSelect;
export type NewDownloadEvent = typeof downloadEvents.$inferInsert;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;
export type NewWebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferInsert;
export type EmailMessage = typeof emailMessages.$inferSelect;
export type NewEmailMessage = typeof emailMessages.$inferInsert;
export type ShopifyWebhookReceipt = typeof shopifyWebhookReceipts.$inferSelect;
export type NewShopifyWebhookReceipt = typeof shopifyWebhookReceipts.$inferInsert;
