import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "~/db/client.server";
import type { Job } from "~/db/schema";
import { rootLogger } from "~/lib/request-context.server";
import {
  cancelRunningJob,
  claimNextJob,
  completeJob,
  failJob,
  heartbeatJob,
  JobCancelledError,
  requeueStaleJobs,
} from "./queue.server";

export type JobHandler = (job: Job, context: { db: Db; workerId: string }) => Promise<unknown>;

export interface WorkerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  concurrency?: number;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  staleAfterMs?: number;
  /** Hooks run on a timer (e.g. maintenance), each at most once per interval per process. */
  periodic?: Array<{ name: string; everyMs: number; run: (db: Db) => Promise<unknown> }>;
}

/** Wake-ups of this process's worker loops that are sleeping between polls. */
const sleepers = new Set<() => void>();

/**
 * Call after a transaction that queued a job has committed: one idle worker loop of this
 * process polls now instead of at the end of its sleep (up to `pollIntervalMs`, half a
 * second by default — a large share of a short job's turnaround). Worker processes
 * elsewhere still find the job on their next poll.
 */
export function wakeWorker(): void {
  const [first] = sleepers;
  first?.();
}

/** Starts polling; returns a stop function that lets running jobs finish. */
export function startWorker(options: WorkerOptions): () => Promise<void> {
  const {
    db,
    handlers,
    concurrency = 2,
    pollIntervalMs = 500,
    staleAfterMs = 60_000,
    heartbeatIntervalMs = Math.max(250, Math.floor(staleAfterMs / 4)),
    periodic = [],
  } = options;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = rootLogger.child({ worker_id: workerId });
  const types = Object.keys(handlers);
  let stopping = false;
  const running = new Set<Promise<void>>();

  async function runOne(job: Job): Promise<void> {
    const jobLogger = logger.child({ job_id: job.id, job_type: job.type, attempt: job.attempts });
    const beat = setInterval(() => {
      heartbeatJob(db, job.id, workerId).catch((err) =>
        jobLogger.warn({ err }, "heartbeat failed"),
      );
    }, heartbeatIntervalMs);
    const started = Date.now();
    try {
      const result = await handlers[job.type]!(job, { db, workerId });
      await completeJob(db, job.id, result);
      jobLogger.info({ duration_ms: Date.now() - started }, "job succeeded");
    } catch (error) {
      if (error instanceof JobCancelledError) {
        await cancelRunningJob(db, job.id, error.message);
        jobLogger.info({ duration_ms: Date.now() - started }, "job cancelled");
        return;
      }
      const outcome = await failJob(db, job, error);
      jobLogger.warn({ err: error, outcome }, "job failed");
    } finally {
      clearInterval(beat);
    }
  }

  async function loop(slot: number): Promise<void> {
    while (!stopping) {
      let job: Job | null = null;
      try {
        job = await claimNextJob(db, workerId, types);
      } catch (err) {
        logger.error({ err, slot }, "claiming a job failed");
      }
      if (job) {
        const task = runOne(job);
        running.add(task);
        await task;
        running.delete(task);
      } else {
        await idle(pollIntervalMs);
      }
    }
  }

  const timers = [
    setInterval(
      () => {
        requeueStaleJobs(db, staleAfterMs)
          .then((n) => n > 0 && logger.warn({ requeued: n }, "requeued stale jobs"))
          .catch((err) => logger.error({ err }, "requeue of stale jobs failed"));
      },
      Math.max(1_000, staleAfterMs / 2),
    ),
    ...periodic.map((task) => {
      // A slow run must not overlap the next tick of the same task.
      let busy = false;
      return setInterval(() => {
        if (busy || stopping) return;
        busy = true;
        task
          .run(db)
          .catch((err) => logger.error({ err, task: task.name }, "periodic task failed"))
          .finally(() => (busy = false));
      }, task.everyMs);
    }),
  ];
  for (const timer of timers) timer.unref();

  const loops = Array.from({ length: concurrency }, (_, slot) => loop(slot));
  logger.info({ types, concurrency }, "worker started");

  return async () => {
    stopping = true;
    for (const timer of timers) clearInterval(timer);
    // Sleeping loops see `stopping` now rather than after their poll interval (loops of
    // another worker in this process, if any, just poll early).
    for (const wake of [...sleepers]) wake();
    await Promise.all(loops);
    await Promise.all(running);
    logger.info("worker stopped");
  };
}

/** Sleeps `ms`, or less if wakeWorker() picks this loop. */
function idle(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms).unref();
    sleepers.add(wake);
  });
}
