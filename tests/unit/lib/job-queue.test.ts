import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { jobs } from "~/db/schema";
import {
  claimNextJob,
  completeJob,
  enqueueJob,
  failJob,
  requeueStaleJobs,
  retryDelayMs,
} from "~/lib/jobs/queue.server";
import { startWorker, wakeWorker } from "~/lib/jobs/worker.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";

let db: Db;
withMigratedTestDatabase("handoff_jobs", (opened) => (db = opened));

const uniqueType = () => `test:${Math.random().toString(36).slice(2)}`;

describe("job queue", () => {
  it("enqueues once per dedupe key", async () => {
    const type = uniqueType();
    const first = await enqueueJob(db, { type, dedupeKey: `${type}:k` });
    const second = await enqueueJob(db, { type, dedupeKey: `${type}:k` });
    expect(first).toMatch(/^job_/);
    expect(second).toBeNull();
    expect(await db.select().from(jobs).where(eq(jobs.type, type))).toHaveLength(1);
  });

  it("never hands one job to two concurrent claimers", async () => {
    const type = uniqueType();
    for (let i = 0; i < 6; i++) await enqueueJob(db, { type, payload: { i } });
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, n) => claimNextJob(db, `w${n}`, [type])),
    );
    const ids = claims.filter(Boolean).map((j) => j!.id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
  });

  it("only claims due jobs of the given types", async () => {
    const type = uniqueType();
    await enqueueJob(db, { type, runAt: new Date(Date.now() + 60_000) });
    expect(await claimNextJob(db, "w", [type])).toBeNull();
    expect(await claimNextJob(db, "w", [])).toBeNull();
  });

  it("retries a failed job later, then fails it for good after max attempts", async () => {
    const type = uniqueType();
    await enqueueJob(db, { type, maxAttempts: 2 });
    const first = (await claimNextJob(db, "w", [type]))!;
    expect(first.attempts).toBe(1);
    expect(await failJob(db, first, new Error("boom"))).toBe("retrying");
    const [queued] = await db.select().from(jobs).where(eq(jobs.id, first.id));
    expect(queued).toMatchObject({ status: "queued", error: "boom" });
    expect(queued!.runAt.getTime()).toBeGreaterThan(Date.now());

    await db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(eq(jobs.id, first.id));
    const second = (await claimNextJob(db, "w", [type]))!;
    expect(second.attempts).toBe(2);
    expect(await failJob(db, second, new Error("boom again"))).toBe("failed");
    const [failed] = await db.select().from(jobs).where(eq(jobs.id, first.id));
    expect(failed).toMatchObject({ status: "failed", error: "boom again" });
  });

  it("requeues jobs whose worker stopped heartbeating", async () => {
    const type = uniqueType();
    await enqueueJob(db, { type });
    const job = (await claimNextJob(db, "dead-worker", [type]))!;
    await db
      .update(jobs)
      .set({ heartbeatAt: sql`now() - interval '5 minutes'` })
      .where(eq(jobs.id, job.id));
    expect(await requeueStaleJobs(db, 60_000)).toBeGreaterThanOrEqual(1);
    const again = await claimNextJob(db, "live-worker", [type]);
    expect(again?.id).toBe(job.id);
    await completeJob(db, job.id, { ok: true });
    const [done] = await db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(done).toMatchObject({ status: "succeeded", result: { ok: true } });
  });

  it("backs off exponentially with jitter, capped at an hour", () => {
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(1, () => 1)).toBe(2000);
    expect(retryDelayMs(5, () => 1)).toBe(32_000);
    expect(retryDelayMs(30, () => 1)).toBe(3_600_000);
  });

  it("the worker runs registered handlers to completion and stops cleanly", async () => {
    const type = uniqueType();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) await enqueueJob(db, { type, payload: { i } });
    const stop = startWorker({
      db,
      handlers: { [type]: async (job) => void seen.push(job.payload.i as number) },
      pollIntervalMs: 20,
    });
    const deadline = Date.now() + 10_000;
    while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    const rows = await db.select().from(jobs).where(eq(jobs.type, type));
    expect(rows.every((r) => r.status === "succeeded")).toBe(true);
  });

  it("wakeWorker() starts a newly queued job without waiting for the next poll", async () => {
    const type = uniqueType();
    let ranAt = 0;
    const stop = startWorker({
      db,
      handlers: { [type]: async () => void (ranAt = Date.now()) },
      concurrency: 1,
      pollIntervalMs: 60_000,
    });
    try {
      // Let the first (empty) poll finish, so the loop is asleep for a minute.
      await new Promise((r) => setTimeout(r, 500));
      await enqueueJob(db, { type });
      const queuedAt = Date.now();
      wakeWorker();
      const deadline = Date.now() + 10_000;
      while (!ranAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(ranAt).toBeGreaterThan(0);
      expect(ranAt - queuedAt).toBeLessThan(5_000);
    } finally {
      await stop(); // wakes the sleeping loop: no minute-long wait
    }
  });
});
