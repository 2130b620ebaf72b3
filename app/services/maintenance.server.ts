import { and, inArray, lt, sql } from "drizzle-orm";
import { queryRows, type Db } from "~/db/client.server";
import { idempotencyRecords, jobs, rateLimitCounters, shopifyWebhookReceipts } from "~/db/schema";
import { env } from "~/lib/env.server";
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
    webhook_events: await purgeWebhookLog(db, env().WEBHOOK_LOG_RETENTION_DAYS),
  };
  rootLogger.info({ purged }, "maintenance purge");
  return purged;
}

const WEBHOOK_LOG_PURGE_BATCH = 5_000;

/**
 * The outgoing-webhook log grows with every event × endpoint × attempt. Events older than
 * the retention whose deliveries are all finished go, their deliveries and attempts with
 * them (ON DELETE CASCADE). In batches, so a large backlog never holds long locks; an
 * event still being delivered or retried is never touched.
 */
export async function purgeWebhookLog(db: Db, retentionDays: number): Promise<number> {
  let purged = 0;
  for (;;) {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`delete from webhook_events where id in (
            select e.id from webhook_events e
            where e.created_at < now() - make_interval(days => ${retentionDays})
              and e.dispatched_at is not null
              and not exists (
                select 1 from webhook_deliveries d
                where d.event_id = e.id and d.status = 'pending')
            limit ${WEBHOOK_LOG_PURGE_BATCH})
          returning id`,
    );
    purged += rows.length;
    if (rows.length < WEBHOOK_LOG_PURGE_BATCH) return purged;
  }
}
