/**
 * Verified API tokens are cached in each web process and dropped on a Postgres
 * notification (migration 0007's triggers, app/services/api-tokens.server.ts). These
 * tests run two replicas on one database and change the database behind their backs, the
 * way an operator, the admin of another replica or a script would.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { apiTokens, shops } from "~/db/schema";
import { apiClient, createApiToken } from "../../helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { waitFor } from "../../helpers/wait";

let first: TestServer;
let second: TestServer;
let db: Db;

beforeAll(async () => {
  first = await startServer();
  second = await startServer({ env: { DATABASE_URL: first.databaseUrl } });
  db = connectToServerDb(first);
  // A replica starts listening with its first API call; wait until both are.
  const { token } = await createApiToken(db, await createShop(db));
  for (const server of [first, second]) await apiClient(server.url, token)("GET", "/files");
  await waitFor(async () => (await listeners()).length >= 2, { timeoutMs: 10_000 });
});
afterAll(async () => {
  await second?.stop();
  await closeDb(db);
  await first?.stop();
});

async function listeners() {
  const rows = (await db.execute(
    sql`select pid from pg_stat_activity where datname = current_database() and application_name = 'handoff-listen:handoff_api_auth'`,
  )) as unknown as Array<{ pid: number }>;
  return rows.map((r) => r.pid);
}

async function usedOnBothReplicas() {
  const shop = await createShop(db);
  const { id, token } = await createApiToken(db, shop);
  const clients = [apiClient(first.url, token), apiClient(second.url, token)];
  // Twice each: the second call is answered from the replica's cache.
  for (const api of [...clients, ...clients]) expect((await api("GET", "/files")).status).toBe(200);
  return { shop, id, clients };
}

describe("API token cache across replicas", () => {
  it("a revocation written to the database is refused by every replica on the next request", async () => {
    // Many times over: the next request leaves right after the commit, racing the
    // notification; the barrier is what makes it lose every time, not luck.
    for (let i = 0; i < 15; i++) {
      const { id, clients } = await usedOnBothReplicas();
      await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
      const statuses = await Promise.all(
        clients.map(async (api) => (await api("GET", "/files")).status),
      );
      expect(statuses).toEqual([401, 401]);
    }
  });

  it("a deleted token is refused too", async () => {
    const { id, clients } = await usedOnBothReplicas();
    await db.delete(apiTokens).where(eq(apiTokens.id, id));
    for (const api of clients) expect((await api("GET", "/files")).status).toBe(401);
  });

  it.each([
    [{ apiAccess: "suspended" as const }, "api_access_suspended"],
    [{ status: "uninstalled" as const }, "shop_inactive"],
  ])("the shop changing to %o answers 403 %s on every replica at once", async (change, code) => {
    const { shop, clients } = await usedOnBothReplicas();
    await db.update(shops).set(change).where(eq(shops.id, shop.id));
    for (const api of clients) {
      const res = await api("GET", "/files");
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe(code);
    }
  });

  it("turning on require-Idempotency-Key applies to cached tokens at once", async () => {
    const { shop, clients } = await usedOnBothReplicas();
    await db.update(shops).set({ requireIdempotencyKey: true }).where(eq(shops.id, shop.id));
    for (const api of clients) {
      const res = await api("POST", "/license-keys", { json: { keys: ["CACHE-TEST-KEY"] } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("idempotency_key_required");
    }
  });

  it("stops trusting its cache the moment its LISTEN connection drops, and listens again", async () => {
    const { id, clients } = await usedOnBothReplicas();
    const before = await listeners();
    // Cut both replicas' listening connections, then revoke right away: with the
    // connections gone no notification can reach them, so only going dark keeps the
    // revoked token out.
    await db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = 'handoff-listen:handoff_api_auth'`);
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
    for (const api of clients) expect((await api("GET", "/files")).status).toBe(401);
    // Each replica reconnects and listens again (on new backends).
    await waitFor(
      async () => {
        const now = await listeners();
        return now.length >= 2 && now.every((pid) => !before.includes(pid));
      },
      { timeoutMs: 15_000, describe: () => "both replicas listening again" },
    );
    // And a token used after that is still refused after its revocation.
    const again = await usedOnBothReplicas();
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, again.id));
    for (const api of again.clients) expect((await api("GET", "/files")).status).toBe(401);
  });

  it("a wrong secret for a cached token is a plain 401, the same as an unknown token", async () => {
    const shop = await createShop(db);
    const { token } = await createApiToken(db, shop);
    expect((await apiClient(first.url, token)("GET", "/files")).status).toBe(200);
    const wrong = `${token.slice(0, -4)}AAAA`;
    const res = await apiClient(first.url, wrong)("GET", "/files");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });
});
