import { and, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { idempotencyRecords, jobs, rateLimitCounters, shopifyWebhookReceipts } from "~/db/schema";
import { rootLogger } from "~/lib/request-context.server";

const FINISHED_JOB_RETENTION_DAYS = 14;
// Shopify retries a webhook for up to 48 h; keep receipts well past that for dedupe.
const WEBHOOK_RECEIPT_RETENTION_DAYS = 30;

/** Deletes what has outlived its purpose; cheap and idempotent, run hourly by the worker. */
export async function purgeExpiredRecords(db: Db): Promise<Record<string, number>> {
  const idempotency = await db
    .delete(idempotencyRecords)
    .where(lt(idempotencyRecords.expiresAt, sql`now()`))
    .returning({ id: idempotencyRecords.id });
  const counters = await db
    .delete(rateLimitCounters)
    .where(lt(rateLimitCounters.expiresAt, sql`now()`))
    .returning({ key: rateLimitCounters.key });
  const finishedJobs = await db
    .delete(jobs)
    .where(
      and(
        inArray(jobs.status, ["succeeded", "cancelled"]),
        lt(jobs.finishedAt, sql`now() - make_interval(days => ${FINISHED_JOB_RETENTION_DAYS})`),
      ),
    )
    .returning({ id: jobs.id });
  const receipts = await db
    .delete(shopifyWebhookReceipts)
    .where(
      lt(
        shopifyWebhookReceipts.receivedAt,
        sql`now() - make_interval(days => ${WEBHOOK_RECEIPT_RETENTION_DAYS})`,
      ),
    )
    .returning({ id: shopifyWebhookReceipts.id });
  const purged = {
    idempotency_records: idempotency.length,
    rate_limit_counters: counters.length,
    jobs: finishedJobs.length,
    shopify_webhook_receipts: receipts.length,
  };
  rootLogger.info({ purged }, "maintenance purge");
  return purged;
}
