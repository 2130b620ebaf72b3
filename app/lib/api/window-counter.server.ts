import { sql } from "drizzle-orm";
import { queryRows, type Db } from "~/db/client.server";
import { log } from "~/lib/request-context.server";

/**
 * Fixed-window hit counters shared by every replica through `rate_limit_counters`,
 * without a database write per request.
 *
 * Writing every hit (the obvious design) makes all requests of one token queue on one
 * row lock and costs several round trips each; it capped a token at a few hundred
 * requests per second. Instead each process counts hits in memory and adds them to the
 * shared row in one statement every `flushMs`. Far from the limit nothing is decided by
 * the database, so nothing waits on it. Once a window comes within `syncMargin` of its
 * limit (or the first time this process sees it), every hit goes to the database
 * synchronously, carrying the hits not yet flushed, so the answer near the limit is the
 * shared total. What another replica counted but has not flushed yet (at most one flush
 * interval of its traffic) can still be missing: the limit can be overshot by that much
 * across replicas, never within one.
 */

export interface WindowHit {
  /** The window's total as this process knows it, this hit included. */
  points: number;
  allowed: boolean;
}

interface LocalWindow {
  windowEnd: number;
  /** The shared total the database last returned (includes everything flushed). */
  known: number;
  /** Hits being written right now. */
  inFlight: number;
  /** Hits counted here and not yet written. */
  pending: number;
}

export interface WindowCounterOptions {
  db: () => Db;
  flushMs?: number;
  /** Hits from the limit at which counting turns synchronous; default max(20, 5 %). */
  syncMargin?: (limit: number) => number;
}

const defaultSyncMargin = (limit: number) => Math.max(20, Math.ceil(limit * 0.05));

export class SharedWindowCounter {
  private readonly windows = new Map<string, LocalWindow>();
  private readonly flushMs: number;
  private readonly syncMargin: (limit: number) => number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: WindowCounterOptions) {
    this.flushMs = options.flushMs ?? 100;
    this.syncMargin = options.syncMargin ?? defaultSyncMargin;
  }

  async hit(key: string, windowEnd: number, limit: number): Promise<WindowHit> {
    const local = this.windows.get(key);
    if (local) {
      const estimate = local.known + local.inFlight + local.pending + 1;
      if (limit - estimate >= this.syncMargin(limit)) {
        local.pending++;
        this.scheduleFlush();
        return { points: estimate, allowed: true };
      }
    }
    const window = local ?? this.track(key, windowEnd);
    const carried = window.pending + 1;
    window.pending = 0;
    window.inFlight += carried;
    try {
      const [row] = await this.addPoints([{ key, windowEnd, points: carried }]);
      const points = Number(row?.points ?? carried);
      window.known = Math.max(window.known, points);
      return { points, allowed: points <= limit };
    } finally {
      window.inFlight -= carried;
    }
  }

  /** Writes every pending hit now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    this.flushing = this.writePending().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private track(key: string, windowEnd: number): LocalWindow {
    const window: LocalWindow = { windowEnd, known: 0, inFlight: 0, pending: 0 };
    this.windows.set(key, window);
    // A flush also forgets windows that have ended, so keys seen once don't pile up.
    this.scheduleFlush();
    return window;
  }

  private scheduleFlush() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((error: unknown) =>
        log().warn({ err: error }, "rate limit counters: flush failed, will retry"),
      );
    }, this.flushMs);
    // Counters must never keep a finishing process (or a test) alive.
    this.timer.unref();
  }

  private async writePending(): Promise<void> {
    const now = Date.now();
    const batch: { key: string; windowEnd: number; points: number; window: LocalWindow }[] = [];
    for (const [key, window] of this.windows) {
      if (window.pending > 0) {
        batch.push({ key, windowEnd: window.windowEnd, points: window.pending, window });
        window.inFlight += window.pending;
        window.pending = 0;
      } else if (window.windowEnd <= now && window.inFlight === 0) {
        this.windows.delete(key);
      }
    }
    if (batch.length === 0) return;
    try {
      const rows = await this.addPoints(batch);
      const totals = new Map(rows.map((row) => [row.key, Number(row.points)]));
      for (const entry of batch) {
        entry.window.known = Math.max(entry.window.known, totals.get(entry.key) ?? 0);
      }
    } catch (error) {
      // Keep the hits for the next flush rather than forgetting them.
      for (const entry of batch) entry.window.pending += entry.points;
      this.scheduleFlush();
      throw error;
    } finally {
      for (const entry of batch) entry.window.inFlight -= entry.points;
    }
  }

  private addPoints(entries: { key: string; windowEnd: number; points: number }[]) {
    const values = sql.join(
      entries.map(
        (e) =>
          sql`(${e.key}, ${e.points}::int, ${new Date(e.windowEnd).toISOString()}::timestamptz)`,
      ),
      sql`, `,
    );
    // A lost counter after a crash is harmless, so the commit skips the WAL flush wait.
    return this.options.db().transaction(async (tx) => {
      await tx.execute(sql`set local synchronous_commit = off`);
      return queryRows<{ key: string; points: number }>(
        tx,
        sql`insert into rate_limit_counters (key, points, expires_at) values ${values}
            on conflict (key) do update set points = rate_limit_counters.points + excluded.points
            returning key, points`,
      );
    });
  }
}
