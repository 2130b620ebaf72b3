import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";

const created: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((db) => db.drop()));
});

async function exists(adminUrl: string, name: string): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1 });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    return rows.length === 1;
  } finally {
    await sql.end();
  }
}

const ADMIN_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

describe("createTestDatabase", () => {
  it("creates an empty, uniquely named database that can be used and dropped", async () => {
    const a = await createTestDatabase("Helper-Test");
    const b = await createTestDatabase("helper_test");
    created.push(a, b);

    expect(a.name).toMatch(/^helper_test_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(a.name).not.toBe(b.name);
    expect(new URL(a.url).pathname).toBe(`/${a.name}`);

    const sql = postgres(a.url, { max: 1 });
    const tables =
      await sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`;
    expect(tables[0]?.n).toBe(0);
    await sql`CREATE TABLE t (id int)`;
    // Leave this connection open: drop() must terminate it rather than hang.
    await a.drop();
    await sql.end({ timeout: 1 }).catch(() => {});

    expect(await exists(ADMIN_URL, a.name)).toBe(false);
    expect(await exists(ADMIN_URL, b.name)).toBe(true);
    await a.drop(); // idempotent
  });
});
