/**
 * One fresh, empty PostgreSQL database per test file (or per server), so tests never
 * see each other's rows and can run in parallel against one Postgres server. The app
 * migrates at boot, which is why nothing here creates tables.
 *
 * No vitest imports: Playwright loads this file too.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";

/** Server that test databases are created on; `.ci/run` points it at its own database. */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  /** Connection URL of the new database (same server, user and password as the admin URL). */
  url: string;
  name: string;
  /** Terminates every connection to it and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

function adminSql() {
  // One short-lived connection: CREATE/DROP DATABASE cannot run inside a transaction
  // or a pipeline, and a pool would keep idle sockets open after the test.
  return postgres(adminUrl(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function createTestDatabase(prefix = "handoff_test"): Promise<TestDatabase> {
  const safePrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .slice(0, 30);
  // Time first, so leftovers of crashed runs sort together and are easy to spot.
  const name = `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;

  const sql = adminSql();
  try {
    await sql.unsafe(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    throw new Error(
      `Could not create test database ${name} on ${redact(adminUrl())}: ${(error as Error).message}. ` +
        "Is PostgreSQL running (pg_isready -h 127.0.0.1)? Set TEST_DATABASE_URL to use another server.",
      { cause: error },
    );
  } finally {
    await sql.end({ timeout: 5 });
  }

  const url = new URL(adminUrl());
  url.pathname = `/${name}`;

  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const admin = adminSql();
      try {
        // A server that was killed may leave backends behind; they would block DROP.
        await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
        await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid TEST_DATABASE_URL>";
  }
}
