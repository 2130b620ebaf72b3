/**
 * One database module, two drivers, one API.
 *
 * - `DATABASE_URL` set → PostgreSQL through postgres.js (production, N replicas).
 * - otherwise → embedded PGlite (Postgres compiled to WASM) in `${DATA_DIR}/pglite`, so
 *   `npm run demo` needs no server. Same schema, same migrations, same SQL.
 *
 * Services only see `Db` (or `DbOrTx`), so they cannot tell which driver runs under them.
 *
 * PGlite is a single connection inside this process: it serialises queries and a
 * transaction holds it exclusively, which is fine for the demo. Two consequences:
 * only ONE process may open a PGlite data dir (run the worker in-process, stop the server
 * before `npm run migrate`), and inside `db.transaction(async (tx) => …)` every query
 * must go through `tx`: a query on the outer `db` waits for the transaction to end and
 * deadlocks on PGlite, while on Postgres it would silently run outside the transaction.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { is, sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, PgliteDatabase, PgliteTransaction } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The database handle services take; both drivers satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** The `tx` of `db.transaction(async (tx) => …)`. */
export type DbTransaction = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** For helpers that work both standalone and inside a caller's transaction. */
export type DbOrTx = Db | DbTransaction;
export type DbDriver = "postgres" | "pglite";
/** Anything that can run raw SQL: a `Db`, a transaction, or a schemaless drizzle handle. */
export type SqlExecutor = Pick<PgDatabase<PgQueryResultHKT, Record<string, unknown>>, "execute">;

export interface CreateDbOptions {
  /** PostgreSQL URL. Wins over env. */
  databaseUrl?: string;
  /**
   * PGlite data directory itself (created if missing); `"memory://"` for a throwaway
   * in-memory database. Wins over `DATABASE_URL` in env, so tests can force PGlite.
   */
  dataDir?: string;
  /** postgres.js pool size; default `DATABASE_POOL_MAX` or 10. */
  poolMax?: number;
}

export type ResolvedDbConfig =
  | { driver: "postgres"; databaseUrl: string; poolMax: number }
  | { driver: "pglite"; dataDir: string };

/** Which database `createDb(options)` would open; pure apart from reading env. */
export function resolveDbConfig(
  options: CreateDbOptions = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedDbConfig {
  if (options.databaseUrl && options.dataDir) {
    throw new Error("createDb: pass databaseUrl or dataDir, not both");
  }
  const databaseUrl = options.dataDir
    ? undefined
    : options.databaseUrl || env.DATABASE_URL || undefined;
  if (databaseUrl) {
    const poolMax = options.poolMax ?? Number(env.DATABASE_POOL_MAX ?? 10);
    if (!Number.isInteger(poolMax) || poolMax < 1) {
      throw new Error(`DATABASE_POOL_MAX must be a positive integer, got ${env.DATABASE_POOL_MAX}`);
    }
    return { driver: "postgres", databaseUrl, poolMax };
  }
  const dataDir = options.dataDir ?? path.join(env.DATA_DIR || ".data", "pglite");
  return { driver: "pglite", dataDir: isMemoryDir(dataDir) ? dataDir : path.resolve(dataDir) };
}

function isMemoryDir(dir: string) {
  return dir.startsWith("memory://");
}

interface DbHandle {
  driver: DbDriver;
  /** Postgres only: where a second, dedicated connection (LISTEN) goes. */
  databaseUrl?: string;
  close: () => Promise<void>;
  closed: boolean;
  /** Run (and awaited) before the handle closes: listeners opened on its behalf. */
  beforeClose: Array<() => Promise<void>>;
}

// Bookkeeping for close/driver lookups without widening the public `Db` type.
const handles = new WeakMap<object, DbHandle>();

/** Opens a new database handle (tests, scripts). App code uses `getDb()`. */
export function createDb(options: CreateDbOptions = {}): Db {
  const config = resolveDbConfig(options);

  if (config.driver === "postgres") {
    const client = postgres(config.databaseUrl, {
      max: config.poolMax,
      // `CREATE … IF NOT EXISTS` and friends chat on stdout otherwise.
      onnotice: () => {},
    });
    const db = drizzlePostgres({ client, schema });
    handles.set(db, {
      driver: "postgres",
      databaseUrl: config.databaseUrl,
      closed: false,
      beforeClose: [],
      close: () => client.end({ timeout: 5 }),
    });
    return db;
  }

  if (!isMemoryDir(config.dataDir)) mkdirSync(config.dataDir, { recursive: true });
  // pg_trgm for the search indexes (migration 0008): PGlite ships extensions as bundles
  // that must be loaded when it opens, before CREATE EXTENSION can find them.
  const client = new PGlite(config.dataDir, { extensions: { pg_trgm } });
  const db = drizzlePglite({ client, schema });
  handles.set(db, {
    driver: "pglite",
    closed: false,
    beforeClose: [],
    close: () => client.close(),
  });
  return db;
}

// Cached on globalThis so Remix dev rebuilds (which re-evaluate modules) reuse the open
// pool instead of leaking one per reload; PGlite would fail to reopen its data dir.
const globalForDb = globalThis as typeof globalThis & { __handoffDb?: Db };

/**
 * A statement prepared once per database handle, for the hottest queries: drizzle then
 * skips rebuilding the SQL on every call. `prepare` builds it with `sql.placeholder`s.
 */
export function preparedPerDb<P>(prepare: (db: Db) => P): (db: Db) => P {
  const prepared = new WeakMap<Db, P>();
  return (db) => {
    let statement = prepared.get(db);
    if (!statement) prepared.set(db, (statement = prepare(db)));
    return statement;
  };
}

/** The process-wide database, opened on first use from env. */
export function getDb(): Db {
  globalForDb.__handoffDb ??= createDb();
  return globalForDb.__handoffDb;
}

/**
 * Makes `db` the process-wide database that `getDb()` returns (tests of services that
 * use it), or forgets it with `undefined`. The previous handle is not closed.
 */
export function setProcessDb(db: Db | undefined): void {
  globalForDb.__handoffDb = db;
}

/** Closes `db`, or the process-wide one when called without arguments. Idempotent. */
export async function closeDb(db?: Db): Promise<void> {
  const target = db ?? globalForDb.__handoffDb;
  if (!target) return;
  if (target === globalForDb.__handoffDb) globalForDb.__handoffDb = undefined;
  const handle = handles.get(target);
  if (!handle || handle.closed) return;
  handle.closed = true;
  await Promise.all(handle.beforeClose.map((fn) => fn()));
  await handle.close();
}

/**
 * Driver behind `db` (any drizzle pg database, transactions included); without an
 * argument, the driver of the process-wide database (opened or not).
 */
export function dbDriver(db?: DbOrTx): DbDriver {
  const target = db ?? globalForDb.__handoffDb;
  if (!target) return resolveDbConfig().driver;
  const handle = handles.get(target);
  if (handle) return handle.driver;
  return is(target, PgliteDatabase) || is(target, PgliteTransaction) ? "pglite" : "postgres";
}

/**
 * The Postgres URL behind `db` (for a dedicated side connection such as LISTEN) and a
 * hook to close that connection with it; null on PGlite or for a handle not made here.
 */
export function sideConnectionOf(
  db: Db,
): { databaseUrl: string; onClose: (fn: () => Promise<void>) => void } | null {
  const handle = handles.get(db);
  if (!handle?.databaseUrl || handle.closed) return null;
  return { databaseUrl: handle.databaseUrl, onClose: (fn) => handle.beforeClose.push(fn) };
}

export interface PingResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** `select 1` with a deadline, for /healthz. Never throws. */
export async function pingDb(db: Db = getDb(), timeoutMs = 2000): Promise<PingResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return {
      ok: false,
      latencyMs: elapsed(started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number) {
  return Math.round((performance.now() - started) * 100) / 100;
}

/**
 * Rows of a raw SQL query on either driver (postgres.js returns the row array itself,
 * PGlite a `{ rows }` object). Values come back as the driver decodes them: timestamps as
 * strings and int8 as strings on postgres.js, so prefer the query builder, which maps
 * columns to their schema types; use this for what the builder cannot say.
 */
export async function queryRows<T extends Record<string, unknown> = Record<string, unknown>>(
  db: SqlExecutor,
  query: SQL,
): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
