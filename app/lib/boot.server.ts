import { closeDb, dbDriver, getDb } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { env, type Env } from "~/lib/env.server";
import { startWorker } from "~/lib/jobs/worker.server";
import { rootLogger } from "~/lib/request-context.server";
import { purgeExpiredRecords } from "~/services/maintenance.server";
import { shopifyWebhookJobHandlers } from "~/services/shopify-webhooks.server";
import { dispatchDueEmails } from "~/services/emails.server";
import { ingestJobHandlers } from "~/services/ingest.server";
import { deliverWaitingOrders } from "~/services/deliveries.server";
import { FULFILL_JOB_TYPE, fulfillDeliveredLines } from "~/services/shopify-fulfillment.server";
import {
  FILES_UPDATED_JOB_TYPE,
  queueFilesUpdatedEmails,
} from "~/services/digital-products.server";
import type { Job } from "~/db/schema";
import { webhookPeriodicTasks } from "~/lib/webhooks-out/dispatcher.server";
import { sweepExpiredUploads } from "~/services/uploads.server";

export interface Boot {
  env: Env;
  databaseDriver: "postgres" | "pglite";
  shutdown: () => Promise<void>;
}

/**
 * Process start for every role: validate env (fail fast), then bring the schema up to
 * date. Migrations take an advisory lock, so several replicas booting at once are safe.
 */
export async function bootServer({ role }: { role: "web" | "worker" | "migrate" }): Promise<Boot> {
  const config = env();
  if (role === "worker" && dbDriver() === "pglite") {
    // PGlite is one process's embedded database: a second process cannot open it.
    throw new Error(
      "A separate worker needs PostgreSQL (DATABASE_URL). With embedded PGlite the worker runs in-process (WORKER_MODE=inprocess).",
    );
  }
  const db = getDb();
  const started = Date.now();
  await runMigrations(db);
  rootLogger.info(
    { role, database: dbDriver(), duration_ms: Date.now() - started },
    "migrations applied",
  );
  return { env: config, databaseDriver: dbDriver(), shutdown: () => closeDb() };
}

/** The job types this build knows how to run; each domain module contributes its own. */
const jobHandlers = {
  ...shopifyWebhookJobHandlers,
  ...ingestJobHandlers,
  // Emails are rows drained by the dispatcher below; a job only asks for it to run now.
  "email.send": async () => ({ sent: await dispatchDueEmails(getDb()) }),
  [FULFILL_JOB_TYPE]: (job: Job) =>
    fulfillDeliveredLines(getDb(), job.shopId!, String(job.payload.orderId)),
  [FILES_UPDATED_JOB_TYPE]: (job: Job) =>
    queueFilesUpdatedEmails(getDb(), job.shopId!, String(job.payload.productId)),
};

export function startBackgroundWorker(): () => Promise<void> {
  const staleAfterMs = env().WORKER_STALE_AFTER_MS;
  return startWorker({
    db: getDb(),
    handlers: jobHandlers,
    staleAfterMs,
    concurrency: env().WORKER_CONCURRENCY,
    periodic: [
      {
        name: "send-due-emails",
        everyMs: 1_000,
        run: (db) => dispatchDueEmails(db, { staleAfterMs }),
      },
      { name: "deliver-waiting-orders", everyMs: 15_000, run: (db) => deliverWaitingOrders(db) },
      { name: "purge-expired-records", everyMs: 3_600_000, run: purgeExpiredRecords },
      // Direct uploads abandoned past expires_at: parts deleted, S3 multipart aborted.
      {
        name: "sweep-expired-uploads",
        everyMs: env().UPLOAD_SWEEP_INTERVAL_MS,
        run: sweepExpiredUploads,
      },
      // Outgoing webhooks: fan-out of the outbox + per-delivery claims (SKIP LOCKED).
      ...webhookPeriodicTasks,
    ],
  });
}
