/**
 * `npm run migrate`: applies drizzle/ to whichever database the env points at
 * (DATABASE_URL → PostgreSQL, otherwise PGlite in ${DATA_DIR:-.data}/pglite).
 * With PGlite, stop the server first: only one process may open the data dir.
 */
import { closeDb, createDb, resolveDbConfig } from "../app/db/client.server";
import { runMigrations } from "../app/db/migrate.server";

function describeTarget(): string {
  const config = resolveDbConfig();
  if (config.driver === "pglite") return `PGlite at ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  // Never print credentials.
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
}

const target = describeTarget();
const db = createDb();
let exitCode = 0;
try {
  const result = await runMigrations(db);
  const summary =
    result.applied.length === 0
      ? `already up to date (${result.total} migration${result.total === 1 ? "" : "s"})`
      : `applied ${result.applied.length} of ${result.total}: ${result.applied.join(", ")}`;
  console.log(`[migrate] ${target}: ${summary} in ${result.durationMs} ms`);
} catch (error) {
  exitCode = 1;
  // Drizzle wraps the driver's error; its `cause` says what actually went wrong.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  console.error(`[migrate] ${target}: FAILED: ${cause instanceof Error ? cause.message : cause}`);
  console.error(error);
} finally {
  await closeDb(db);
}
process.exit(exitCode);
