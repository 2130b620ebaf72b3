import { and, asc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { jobs, type Job } from "~/db/schema";

/**
 * A Postgres-backed job queue: any number of worker processes claim work with
 * `FOR UPDATE SKIP LOCKED`, so no job runs twice at once and a crashed worker's job is
 * re-queued once its heartbeat goes stale.
 */

export interface EnqueueOptions {
  type: string;
  shopId?: string | null;
  payload?: Record<string, unknown>;
  runAt?: Date;
  /** Enqueuing the same dedupe key twice creates one job (e.g. one per Shopify webhook id). */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** Accepts a transaction too, so a job is queued atomically with the change that needs it. */
type Executor = Pick<Db, "insert" | "update" | "select" | "execute">;

export async function enqueueJob(db: Executor, options: EnqueueOptions): Promise<string | null> {
  const rows = await db
    .insert(jobs)
    .values({
      shopId: options.shopId ?? null,
      type: options.type,
      payload: options.payload ?? {},
      runAt: options.runAt ?? new Date(),
      dedupeKey: options.dedupeKey ?? null,
      maxAttempts: options.maxAttempts ?? 8,
    })
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

export async function claimNextJob(db: Db, workerId: string, types: string[]): Promise<Job | null> {
  if (types.length === 0) return null;
  return db.transaction(async (tx) => {
    const [candidate] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, "queued"), lte(jobs.runAt, sql`now()`), inArray(jobs.type, types)))
      .orderBy(asc(jobs.runAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!candidate) return null;
    const [claimed] = await tx
      .update(jobs)
      .set({
        status: "running",
        lockedAt: sql`now()`,
        lockedBy: workerId,
        heartbeatAt: sql`now()`,
        startedAt: sql`coalesce(${jobs.startedAt}, now())`,
        attempts: sql`${jobs.attempts} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(jobs.id, candidate.id))
      .returning();
    return claimed ?? null;
  });
}

export async function heartbeatJob(db: Db, jobId: string, workerId: string): Promise<void> {
  await db
    .update(jobs)
    .set({ heartbeatAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.lockedBy, workerId)));
}

export async function completeJob(db: Db, jobId: string, result: unknown): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: "succeeded",
      result: (result ?? null) as Job["result"],
      error: null,
      errorCode: null,
      lockedBy: null,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(jobs.id, jobId));
}

/** Exponential backoff with jitter: ~2 s, 4 s, 8 s … capped at one hour. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(2 ** attempt * 1000, 3_600_000);
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * A handler's failure with a stable code (kept in `jobs.error_code`, shown by the public
 * jobs API). `retryable: false` fails the job at once: a retry cannot fix a checksum
 * mismatch or a refused URL, only a network blip.
 */
export class JobError extends Error {
  override name = "JobError";
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** Thrown by a handler that stopped because `cancel_requested_at` was set. */
export class JobCancelledError extends JobError {
  override name = "JobCancelledError";
  constructor(message = "Cancelled on request.") {
    super("cancelled", message);
  }
}

export async function failJob(db: Db, job: Job, error: unknown): Promise<"retrying" | "failed"> {
  const message = error instanceof Error ? error.message : String(error);
  const permanent = error instanceof JobError && !error.retryable;
  const exhausted = permanent || job.attempts >= job.maxAttempts;
  await db
    .update(jobs)
    .set({
      status: exhausted ? "failed" : "queued",
      error: message.slice(0, 2000),
      errorCode: error instanceof JobError ? error.code : null,
      lockedBy: null,
      runAt: exhausted ? job.runAt : new Date(Date.now() + retryDelayMs(job.attempts)),
      finishedAt: exhausted ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(eq(jobs.id, job.id));
  return exhausted ? "failed" : "retrying";
}

/** The handler honoured a cancellation request: the job ends `cancelled`, not failed. */
export async function cancelRunningJob(db: Db, jobId: string, message: string): Promise<void> {
  await db
    .update(jobs)
    .set({
      status: "cancelled",
      error: message.slice(0, 2000),
      errorCode: "cancelled",
      lockedBy: null,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(jobs.id, jobId));
}

/** Puts back jobs whose worker stopped heartbeating (killed, crashed, partitioned). */
export async function requeueStaleJobs(db: Db, staleAfterMs: number): Promise<number> {
  const rows = await db
    .update(jobs)
    .set({ status: "queued", lockedBy: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(jobs.status, "running"),
        lt(jobs.heartbeatAt, sql`now() - make_interval(secs => ${staleAfterMs / 1000})`),
      ),
    )
    .returning({ id: jobs.id });
  return rows.length;
}
