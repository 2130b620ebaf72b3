import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "~/db/client.server";
import { webhookEndpoints, type WebhookEndpoint } from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { webhookUrlPolicy } from "~/lib/webhooks-out/config.server";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "~/lib/webhooks-out/events";
import { sealSecret } from "~/lib/secret-box.server";
import { generateWebhookSecret } from "~/lib/webhooks-out/signing";
import {
  checkWebhookUrl,
  UnsafeWebhookUrlError,
  type HostResolver,
} from "~/lib/webhooks-out/ssrf.server";

/**
 * Merchant webhook endpoints (Settings > Webhooks). The `whsec_…` secret is returned by
 * `createWebhookEndpoint` and `rotateWebhookEndpointSecret` only; no read returns it, and
 * the column holds it sealed with the app's key (`app/lib/secret-box.server.ts`).
 * URLs are checked by the SSRF guard here (so the admin gets a clear 400) and again on
 * every delivery (DNS can change after creation).
 */

export interface WebhookEndpointSummary {
  id: string;
  name: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  /** Deliveries in a row that failed every retry (auto-disable at 15). */
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** While a rotated-out secret still signs (see `rotateWebhookEndpointSecret`). */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ServiceOptions {
  /** DNS for the URL check; tests inject one so nothing leaves the machine. */
  resolver?: HostResolver;
}

const nameSchema = z.string().trim().min(1, "Name is required.").max(100);
const urlSchema = z.string().trim().min(1, "URL is required.").max(2048);
const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "Choose at least one event.")
  .transform((events) => [...new Set(events)]);

export const createWebhookEndpointSchema = z.object({
  name: nameSchema,
  url: urlSchema,
  events: eventsSchema,
});
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z.object({
  name: nameSchema.optional(),
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
});
export type UpdateWebhookEndpointInput = z.input<typeof updateWebhookEndpointSchema>;

export const MAX_ROTATION_GRACE_HOURS = 7 * 24;

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError("validation_failed", issue.message, {
      param: issue.path.join(".") || undefined,
    });
  }
  return parsed.data;
}

async function assertSafeUrl(url: string, options: ServiceOptions): Promise<string> {
  try {
    const { parsed } = await checkWebhookUrl(url, webhookUrlPolicy(), options.resolver);
    return parsed.url.toString();
  } catch (error) {
    if (error instanceof UnsafeWebhookUrlError) {
      throw new ApiError("validation_failed", error.message, { param: "url" });
    }
    throw error;
  }
}

export function toWebhookEndpointSummary(row: WebhookEndpoint): WebhookEndpointSummary {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    previousSecretExpiresAt:
      row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()
        ? row.previousSecretExpiresAt
        : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function createWebhookEndpoint(
  shopId: string,
  input: CreateWebhookEndpointInput,
  options: ServiceOptions = {},
): Promise<{ endpoint: WebhookEndpointSummary; secret: string }> {
  const data = parseInput(createWebhookEndpointSchema, input);
  const url = await assertSafeUrl(data.url, options);
  const secret = generateWebhookSecret();
  const [row] = await getDb()
    .insert(webhookEndpoints)
    .values({
      shopId,
      name: data.name,
      url,
      events: data.events,
      secret: await sealSecret("webhook_endpoint", secret),
    })
    .returning();
  return { endpoint: toWebhookEndpointSummary(row!), secret };
}

export async function listWebhookEndpoints(shopId: string): Promise<WebhookEndpointSummary[]> {
  const rows = await getDb()
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.shopId, shopId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(toWebhookEndpointSummary);
}

export async function getWebhookEndpoint(
  shopId: string,
  endpointId: string,
): Promise<WebhookEndpointSummary> {
  const [row] = await getDb()
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)));
  if (!row) throw notFound("webhook endpoint", "endpoint_id");
  return toWebhookEndpointSummary(row);
}

export async function updateWebhookEndpoint(
  shopId: string,
  endpointId: string,
  input: UpdateWebhookEndpointInput,
  options: ServiceOptions = {},
): Promise<WebhookEndpointSummary> {
  const data = parseInput(updateWebhookEndpointSchema, input);
  const url = data.url === undefined ? undefined : await assertSafeUrl(data.url, options);
  const changes = {
    ...(data.name !== undefined ? { name: data.name } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(data.events !== undefined ? { events: data.events } : {}),
  };
  if (Object.keys(changes).length === 0) return getWebhookEndpoint(shopId, endpointId);
  const [row] = await getDb()
    .update(webhookEndpoints)
    .set(changes)
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)))
    .returning();
  if (!row) throw notFound("webhook endpoint", "endpoint_id");
  return toWebhookEndpointSummary(row);
}

/**
 * Disabling pauses delivery: pending deliveries stay pending and new events are not
 * fanned out to the endpoint. Enabling resumes the pending ones at once (their due time
 * has usually passed) and clears the auto-disable counter.
 */
export async function setWebhookEndpointEnabled(
  shopId: string,
  endpointId: string,
  enabled: boolean,
): Promise<WebhookEndpointSummary> {
  const [row] = await getDb()
    .update(webhookEndpoints)
    .set(
      enabled
        ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 }
        : { enabled: false, disabledAt: sql`now()`, disabledReason: "Disabled by the merchant." },
    )
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)))
    .returning();
  if (!row) throw notFound("webhook endpoint", "endpoint_id");
  return toWebhookEndpointSummary(row);
}

/** Deletes the endpoint with its deliveries and their attempts (cascade). */
export async function deleteWebhookEndpoint(shopId: string, endpointId: string): Promise<void> {
  const rows = await getDb()
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)))
    .returning({ id: webhookEndpoints.id });
  if (rows.length === 0) throw notFound("webhook endpoint", "endpoint_id");
}

/**
 * New secret, returned once. For `graceHours` the old secret keeps signing too: the
 * Standard Webhooks `webhook-signature` header carries both (`v1,<new> v1,<old>`), while
 * `X-Webhook-Signature` (one hex value, as the reference verifies) carries the new one.
 */
export async function rotateWebhookEndpointSecret(
  shopId: string,
  endpointId: string,
  { graceHours = 24 }: { graceHours?: number } = {},
): Promise<{ secret: string; previousSecretExpiresAt: Date | null }> {
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > MAX_ROTATION_GRACE_HOURS) {
    throw new ApiError(
      "validation_failed",
      `graceHours must be between 0 and ${MAX_ROTATION_GRACE_HOURS}.`,
      { param: "grace_hours" },
    );
  }
  const secret = generateWebhookSecret();
  const expiresAt = graceHours > 0 ? new Date(Date.now() + graceHours * 3_600_000) : null;
  const [row] = await getDb()
    .update(webhookEndpoints)
    .set({
      secret: await sealSecret("webhook_endpoint", secret),
      // The old value moves as stored (sealed, or a legacy plaintext row): both read back.
      previousSecret: expiresAt ? sql`${webhookEndpoints.secret}` : null,
      previousSecretExpiresAt: expiresAt,
    })
    .where(and(eq(webhookEndpoints.shopId, shopId), eq(webhookEndpoints.id, endpointId)))
    .returning({ id: webhookEndpoints.id });
  if (!row) throw notFound("webhook endpoint", "endpoint_id");
  return { secret, previousSecretExpiresAt: expiresAt };
}
