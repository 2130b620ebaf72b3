import { afterAll, beforeAll } from "vitest";
import { closeDb, createDb, setProcessDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { createTestDatabase, type TestDatabase } from "./database";

export interface MigratedTestDatabase {
  db: Db;
  database: TestDatabase;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh Postgres database with the app's migrations applied and an open pool: the
 * setup of every unit test that talks to the database without a server.
 */
export async function createMigratedTestDatabase(
  prefix: string,
  poolMax = 4,
): Promise<MigratedTestDatabase> {
  const database = await createTestDatabase(prefix);
  const db = createDb({ databaseUrl: database.url, poolMax });
  await runMigrations(db);
  return {
    db,
    database,
    async close() {
      await closeDb(db);
      await database.drop();
    },
  };
}

/**
 * Vitest hooks around `createMigratedTestDatabase`: `onOpen` receives the pool before the
 * file's tests run; the database is dropped after them. With `processWide`, it is also
 * what `getDb()` returns meanwhile, for services that use the process-wide handle (never
 * a handle some earlier test file left on `globalThis`).
 */
export function withMigratedTestDatabase(
  prefix: string,
  onOpen: (db: Db) => void,
  { poolMax = 4, processWide = false }: { poolMax?: number; processWide?: boolean } = {},
): void {
  let testDb: MigratedTestDatabase | undefined;
  beforeAll(async () => {
    testDb = await createMigratedTestDatabase(prefix, poolMax);
    if (processWide) setProcessDb(testDb.db);
    onOpen(testDb.db);
  }, 120_000);
  afterAll(async () => {
    if (processWide) setProcessDb(undefined);
    await testDb?.close();
  });
}
