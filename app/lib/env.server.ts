import { z } from "zod";

/**
 * Environment, parsed once at boot (Epic Stack style): a bad value fails the process
 * immediately with a readable message instead of surfacing later as a confusing error.
 * Every variable here is documented in `.env.example` and README.md.
 */

export const DEMO_SHOP_DOMAIN = "handoff-demo.myshopify.com";
export const DEMO_API_KEY = "handoff-demo-api-key";
// Only ever used to sign session tokens for the localhost-only demo admin.
export const DEMO_API_SECRET = "handoff-demo-secret-local-only";

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default(".data"),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SHOPIFY_APP_URL: z.string().url().optional(),
  SCOPES: z
    .string()
    .default(
      "read_orders,write_orders,read_products,read_customers,write_merchant_managed_fulfillment_orders",
    ),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  HANDOFF_DEMO: booleanish,
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().default("Handoff <no-reply@handoff.local>"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_MODE: z.enum(["inprocess", "off"]).default("inprocess"),
  /** Jobs one worker process runs at once (they mostly wait on Postgres and SMTP). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** A job or email claimed by a worker that has not heartbeated for this long is retried. */
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Days the webhook delivery log (events, deliveries, attempts) is kept once delivered. */
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  API_ACCESS_MODE: z.enum(["open", "approval"]).default("open"),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  API_UPLOAD_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(6),
  /** Largest file a remote ingest (`POST /assets`) may fetch; default 5 GiB. */
  INGEST_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 50)
    .default(5 * 1024 ** 3),
  /** Largest file a direct upload (`POST /uploads`) may declare. Default 5 GiB. */
  DIRECT_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000 * 100 * 1024 * 1024)
    .default(5 * 1024 * 1024 * 1024),
  /** How often the worker expires abandoned direct uploads (deletes their parts). */
  UPLOAD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(500).max(86_400_000).default(60_000),
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  /** auto = encrypt new files at rest on the local driver, not on S3 (use the bucket's SSE). */
  STORAGE_ENCRYPTION: z.enum(["auto", "on", "off"]).default("auto"),
  FILE_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 random bytes in base64 (openssl rand -base64 32)")
    .optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["1", "0", "true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
  S3_PRESIGNED_DOWNLOADS: booleanish,
  S3_PRESIGN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** Requests per minute per client IP to the unauthenticated storefront endpoint. */
  STOREFRONT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
});

export type Env = z.infer<typeof envSchema> & {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  SHOPIFY_APP_URL: string;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Pure so tests can check the rules without touching process.env. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // `NAME=` (as copied from .env.example) means "not set", not "set to nothing".
  const present = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;

  if (env.HANDOFF_DEMO) {
    // The demo signs its own admin sessions with a published secret, so it must never
    // run where real merchants or real Shopify credentials could meet it.
    if (env.NODE_ENV === "production") {
      throw new EnvError("HANDOFF_DEMO=1 refuses to run with NODE_ENV=production.");
    }
    const realKey = env.SHOPIFY_API_KEY && env.SHOPIFY_API_KEY !== DEMO_API_KEY;
    const realSecret = env.SHOPIFY_API_SECRET && env.SHOPIFY_API_SECRET !== DEMO_API_SECRET;
    if (realKey || realSecret) {
      throw new EnvError(
        "HANDOFF_DEMO=1 refuses to run with real Shopify credentials (SHOPIFY_API_KEY / SHOPIFY_API_SECRET are set). Unset them for the demo.",
      );
    }
    return {
      ...env,
      SHOPIFY_API_KEY: DEMO_API_KEY,
      SHOPIFY_API_SECRET: DEMO_API_SECRET,
      SHOPIFY_APP_URL: env.SHOPIFY_APP_URL ?? `http://localhost:${env.PORT}`,
    };
  }

  const missing = (["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"] as const).filter(
    (k) => !env[k],
  );
  if (missing.length > 0) {
    throw new EnvError(
      `Missing ${missing.join(", ")}. Set them (see .env.example), or run the local demo with \`npm run demo\`.`,
    );
  }
  return env as Env;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
