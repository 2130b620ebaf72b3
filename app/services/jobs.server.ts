import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { files, jobs, type FileRow, type Job } from "~/db/schema";
import { INGEST_JOB_TYPES } from "~/lib/api/contract/ingest";
import { ApiError, notFound } from "~/lib/api/errors";
import { nameFromUrl } from "./ingest.server";

/**
 * The public view of jobs: only the shop's own jobs of public types (remote ingest).
 * Internal jobs (Shopify webhooks, fulfillment, email) are 404 like a missing id, so the
 * API never reveals what else runs for a shop.
 */

export const PUBLIC_JOB_TYPES: readonly string[] = INGEST_JOB_TYPES;

export interface JobView {
  job: Job;
  /** The ingested file once the job succeeded. */
  file: FileRow | null;
}

async function findPublicJob(shopId: string, jobId: string): Promise<Job | null> {
  const [job] = await getDb()
    .select()
    .from(jobs)
    .where(
      and(eq(jobs.shopId, shopId), eq(jobs.id, jobId), inArray(jobs.type, [...PUBLIC_JOB_TYPES])),
    )
    .limit(1);
  return job ?? null;
}

export async function toJobView(shopId: string, job: Job): Promise<JobView> {
  if (job.status !== "succeeded") return { job, file: null };
  const fileId = String((job.result as { file_id?: string } | null)?.file_id ?? "");
  const [file] = await getDb()
    .select()
    .from(files)
    .where(and(eq(files.shopId, shopId), eq(files.id, fileId)))
    .limit(1);
  return { job, file: file ?? null };
}

export async function getPublicJob(shopId: string, jobId: string): Promise<JobView> {
  const job = await findPublicJob(shopId, jobId);
  if (!job) throw notFound("job", "job_id");
  return toJobView(shopId, job);
}

/**
 * Idempotent cancel. A queued job (never started, or waiting to retry) is cancelled in
 * place and its file row withdrawn; a running job gets `cancel_requested_at`, which its
 * worker sees within a second (it then deletes the partial bytes and ends `cancelled`).
 * A job that already succeeded or failed cannot be cancelled: 409.
 */
export async function cancelPublicJob(shopId: string, jobId: string): Promise<JobView> {
  const db = getDb();
  const job = await findPublicJob(shopId, jobId);
  if (!job) throw notFound("job", "job_id");
  if (job.status === "cancelled") return { job, file: null };
  if (job.status === "succeeded" || job.status === "failed") throw finishedError(job);

  const scoped = and(eq(jobs.shopId, shopId), eq(jobs.id, jobId));
  const cancelledNow = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobs)
      .set({
        status: "cancelled",
        cancelRequestedAt: sql`coalesce(${jobs.cancelRequestedAt}, now())`,
        error: "Cancelled on request.",
        errorCode: "cancelled",
        finishedAt: sql`now()`,
      })
      .where(and(scoped, eq(jobs.status, "queued")))
      .returning();
    if (!row) return null;
    const fileId = String((row.payload as { fileId?: string }).fileId ?? "");
    await tx
      .update(files)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(files.shopId, shopId), eq(files.id, fileId), eq(files.uploaded, false)));
    return row;
  });
  if (cancelledNow) return { job: cancelledNow, file: null };

  const [requested] = await db
    .update(jobs)
    .set({ cancelRequestedAt: sql`coalesce(${jobs.cancelRequestedAt}, now())` })
    .where(and(scoped, eq(jobs.status, "running")))
    .returning();
  if (requested) return { job: requested, file: null };

  // It finished between our read and our update.
  const now = await findPublicJob(shopId, jobId);
  if (!now) throw notFound("job", "job_id");
  if (now.status === "cancelled") return { job: now, file: null };
  if (now.status === "succeeded" || now.status === "failed") throw finishedError(now);
  // Queued again (a stale running job was requeued) — one more round settles it.
  return cancelPublicJob(shopId, jobId);
}

function finishedError(job: Job): ApiError {
  return new ApiError(
    "job_finished",
    `This job already ${job.status === "succeeded" ? "succeeded" : "failed"}; only a queued or running job can be cancelled.`,
    { param: "job_id" },
  );
}

/** A remote ingest as the Files page shows it. */
export interface IngestActivity {
  job: Job;
  /** The file's name (as requested, or taken from the URL). */
  name: string;
  /** The host the bytes come from. */
  host: string;
}

/** Imports shown until this long after they ended (failed or cancelled ones). */
const ENDED_IMPORTS_SHOWN_HOURS = 24;

/**
 * The shop's remote ingests the merchant should know about: every queued or running one,
 * and those that failed or were cancelled in the last day (a finished one is simply a
 * file in the list). Newest first, at most 20. The jobs_cursor_idx (shop, created_at)
 * serves it.
 */
export async function listIngestActivity(shopId: string): Promise<IngestActivity[]> {
  const rows = await getDb()
    .select({ job: jobs, name: files.name })
    .from(jobs)
    .leftJoin(
      files,
      and(eq(files.shopId, jobs.shopId), sql`${files.id} = ${jobs.payload} ->> 'fileId'`),
    )
    .where(
      and(
        eq(jobs.shopId, shopId),
        inArray(jobs.type, [...PUBLIC_JOB_TYPES]),
        sql`(${jobs.status} in ('queued', 'running') or (${jobs.status} in ('failed', 'cancelled') and ${jobs.finishedAt} > now() - make_interval(hours => ${ENDED_IMPORTS_SHOWN_HOURS})))`,
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(20);
  return rows.map(({ job, name }) => {
    const url = String((job.payload as { url?: string }).url ?? "");
    let host = "";
    try {
      host = new URL(url).host;
    } catch {
      // A payload without a valid URL is not ours to explain; show no host.
    }
    // The file row is gone when the merchant deleted the file: name it as the ingest did.
    return { job, name: name ?? nameFromUrl(url), host };
  });
}
