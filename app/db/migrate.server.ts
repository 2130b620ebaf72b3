/**
 * Applies the drizzle-kit migrations in `drizzle/` with Drizzle's own migrator for the
 * driver in use. Safe to call at every boot and from several processes at once.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import {
  dbDriver,
  getDb,
  queryRows,
  type Db,
  type DbDriver,
  type SqlExecutor,
} from "./client.server";

// Drizzle's defaults, spelled out because we read the table ourselves for the report.
const MIGRATIONS_SCHEMA = "drizzle";
const MIGRATIONS_TABLE = "__drizzle_migrations";
/** Arbitrary constant: the key of the session-level advisory lock around a run. */
const MIGRATION_LOCK_KEY = 7_163_115_045_512_001;

export interface RunMigrationsOptions {
  /** Default: `<cwd>/drizzle` (the server and scripts run from the project root). */
  migrationsFolder?: string;
}

export interface MigrationResult {
  driver: DbDriver;
  migrationsFolder: string;
  /** Tags (`0000_init`, …) applied by this call, in order. Empty when up to date. */
  applied: string[];
  /** Migrations in the folder's journal. */
  total: number;
  durationMs: number;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function defaultMigrationsFolder(): string {
  return path.resolve(process.cwd(), "drizzle");
}

/**
 * Brings the database up to the latest migration.
 *
 * Postgres: Drizzle's migrator is not safe to run concurrently (two replicas booting
 * together would both try to create the same tables), so the run holds
 * `pg_advisory_lock` on a dedicated one-connection client; the migrator runs on that
 * same connection, which also keeps a `DATABASE_POOL_MAX=1` pool from deadlocking.
 * The others wait, then find nothing left to do. A crashed holder's lock dies with its
 * connection.
 *
 * PGlite: one process owns the data dir, so an in-process queue is enough.
 */
export async function runMigrations(
  db: Db = getDb(),
  options: RunMigrationsOptions = {},
): Promise<MigrationResult> {
  const migrationsFolder = path.resolve(options.migrationsFolder ?? defaultMigrationsFolder());
  const journal = readJournal(migrationsFolder);
  const started = performance.now();
  const driver = dbDriver(db);

  const applied =
    driver === "postgres"
      ? await migratePostgresLocked(db, migrationsFolder, journal)
      : await queueOn(db, () => migratePgliteOnce(db, migrationsFolder, journal));

  return {
    driver,
    migrationsFolder,
    applied,
    total: journal.length,
    durationMs: Math.round(performance.now() - started),
  };
}

async function migratePostgresLocked(
  db: Db,
  migrationsFolder: string,
  journal: JournalEntry[],
): Promise<string[]> {
  const pool = (db as unknown as { $client?: postgres.Sql }).$client;
  if (!pool?.options) throw new Error("runMigrations: not a postgres.js-backed database");
  // A clone of the pool's parsed options with one connection, the way postgres.js builds
  // its own LISTEN connection: same host, credentials, TLS and types.
  const client = postgres({
    ...pool.options,
    max: 1,
    onnotice: () => {},
  } as unknown as postgres.Options<Record<string, postgres.PostgresType>>);
  const migrationDb = drizzlePostgres({ client });
  try {
    await migrationDb.execute(sql`select pg_advisory_lock(${sql.raw(String(MIGRATION_LOCK_KEY))})`);
    try {
      const before = await lastAppliedAt(migrationDb);
      await migratePostgres(migrationDb, { migrationsFolder });
      return newlyApplied(journal, before);
    } finally {
      await migrationDb.execute(
        sql`select pg_advisory_unlock(${sql.raw(String(MIGRATION_LOCK_KEY))})`,
      );
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function migratePgliteOnce(
  db: Db,
  migrationsFolder: string,
  journal: JournalEntry[],
): Promise<string[]> {
  const before = await lastAppliedAt(db);
  await migratePglite(db as unknown as PgliteDatabase<Record<string, unknown>>, {
    migrationsFolder,
  });
  return newlyApplied(journal, before);
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `task` after any earlier task queued on the same `db` (PGlite's migration lock). */
function queueOn<T>(db: Db, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(db) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(task);
  queues.set(db, next);
  return next;
}

/** `created_at` (the migration folder's millis) of the newest applied migration. */
async function lastAppliedAt(db: SqlExecutor): Promise<number | null> {
  const [exists] = await queryRows<{ table: string | null }>(
    db,
    sql`select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`}::text)::text as "table"`,
  );
  if (!exists?.table) return null;
  const [last] = await queryRows<{ created_at: string | number | null }>(
    db,
    sql`select max(created_at) as created_at from ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  return last?.created_at == null ? null : Number(last.created_at);
}

// Mirrors the migrator's own rule: a migration runs when it is newer than the newest
// applied one.
function newlyApplied(journal: JournalEntry[], before: number | null): string[] {
  return journal.filter((m) => before === null || m.when > before).map((m) => m.tag);
}

function readJournal(migrationsFolder: string): JournalEntry[] {
  const file = path.join(migrationsFolder, "meta", "_journal.json");
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch {
    throw new Error(`No migrations journal at ${file}. Run \`npm run db:generate\`?`);
  }
  const parsed = JSON.parse(raw) as { entries?: JournalEntry[] };
  return [...(parsed.entries ?? [])].sort((a, b) => a.idx - b.idx);
}
