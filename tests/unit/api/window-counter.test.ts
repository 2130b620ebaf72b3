import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { rateLimitCounters } from "~/db/schema";
import { SharedWindowCounter } from "~/lib/api/window-counter.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";

let db: Db;
withMigratedTestDatabase("handoff_ratelimit", (opened) => (db = opened));

const windowEnd = () => Date.now() + 60_000;
const uniqueKey = () => `test:${Math.random().toString(36).slice(2)}`;

async function storedPoints(key: string): Promise<number> {
  const [row] = await db.select().from(rateLimitCounters).where(eq(rateLimitCounters.key, key));
  return row?.points ?? 0;
}

describe("SharedWindowCounter", () => {
  it("far from the limit, counts in memory and writes the hits in one flush", async () => {
    // A long interval, so only the explicit flush below writes.
    const counter = new SharedWindowCounter({ db: () => db, flushMs: 60_000 });
    const key = uniqueKey();
    const end = windowEnd();
    for (let i = 0; i < 500; i++) {
      expect(await counter.hit(key, end, 10_000)).toEqual({ points: i + 1, allowed: true });
    }
    // Only the first hit (a window this process had not seen) went to the database.
    expect(await storedPoints(key)).toBe(1);
    await counter.flush();
    expect(await storedPoints(key)).toBe(500);
  });

  it("near the limit, answers from the shared total: exactly `limit` hits allowed", async () => {
    const counter = new SharedWindowCounter({ db: () => db, flushMs: 60_000 });
    const key = uniqueKey();
    const end = windowEnd();
    const results = [];
    for (let i = 0; i < 150; i++) results.push(await counter.hit(key, end, 100));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(results.slice(0, 100).every((r) => r.allowed)).toBe(true);
    await counter.flush();
    expect(await storedPoints(key)).toBe(150);
  });

  it("is exact under concurrency within one process", async () => {
    const counter = new SharedWindowCounter({ db: () => db, flushMs: 5 });
    const key = uniqueKey();
    const end = windowEnd();
    const results = await Promise.all(
      Array.from({ length: 300 }, () => counter.hit(key, end, 120)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(120);
  });

  it("replicas share one total: two processes' hits add up in the same row", async () => {
    // Flushes happen where the test says (every 10 hits, i.e. one "interval" of traffic
    // in which each replica counts 5 hits), so the bound below is exact, not a timing.
    const a = new SharedWindowCounter({ db: () => db, flushMs: 60_000 });
    const b = new SharedWindowCounter({ db: () => db, flushMs: 60_000 });
    const key = uniqueKey();
    const end = windowEnd();
    const results = [];
    for (let i = 0; i < 200; i++) {
      results.push(await (i % 2 ? a : b).hit(key, end, 150));
      if (i % 10 === 9) await Promise.all([a.flush(), b.flush()]);
    }
    await Promise.all([a.flush(), b.flush()]);
    expect(await storedPoints(key)).toBe(200);
    const allowed = results.filter((r) => r.allowed).length;
    // At most what the other replica had not flushed yet (5 hits) can slip through.
    expect(allowed).toBeGreaterThanOrEqual(150);
    expect(allowed).toBeLessThanOrEqual(155);
  });

  it("keeps hits whose flush failed and writes them on the next one", async () => {
    let failing = true;
    const counter = new SharedWindowCounter({
      db: () => {
        if (failing) throw new Error("database down");
        return db;
      },
      flushMs: 60_000,
    });
    const key = uniqueKey();
    const end = windowEnd();
    failing = false;
    await counter.hit(key, end, 10_000);
    for (let i = 0; i < 9; i++) await counter.hit(key, end, 10_000);
    failing = true;
    await expect(counter.flush()).rejects.toThrow("database down");
    failing = false;
    await counter.flush();
    expect(await storedPoints(key)).toBe(10);
  });
});
