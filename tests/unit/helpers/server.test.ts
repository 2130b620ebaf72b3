/**
 * startServer() end to end: the built app boots on its own port and database, the
 * msw preload inside it forwards Shopify token exchange to our mock, and stop()
 * cleans up. Needs `npm run build` (npm test builds before running this project);
 * without a build it is skipped with a note rather than failing for an unrelated reason.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, startServer, type TestServer } from "../../helpers/server";
import { startShopifyAdminMock, type ShopifyAdminMock } from "../../helpers/shopify-admin-mock";
import { shopifyHostParam, signSessionToken } from "../../helpers/shopify-signing";

const hasBuild = existsSync(join(PROJECT_ROOT, "build", "index.js"));
if (!hasBuild) console.warn("server.test.ts skipped: no build/index.js (run `npm run build`).");

const CHROME_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const SHOP = "server-helper.myshopify.com";

describe.skipIf(!hasBuild)("startServer (postgres)", () => {
  let mock: ShopifyAdminMock;
  let server: TestServer;

  beforeAll(async () => {
    mock = await startShopifyAdminMock();
    server = await startServer({ shopifyMock: mock });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await mock?.stop();
  });

  it("serves /healthz on 127.0.0.1 with its own Postgres database", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      database: { driver: "postgres", ok: true },
    });
    expect(server.databaseUrl).toMatch(/\/handoff_srv_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(server.logs().some((line) => line.includes('"msg":"listening"'))).toBe(true);
  });

  it("authenticates a signed admin request through token exchange against the mock", async () => {
    const token = await signSessionToken({ shop: SHOP });
    const query = new URLSearchParams({
      embedded: "1",
      shop: SHOP,
      host: shopifyHostParam(SHOP),
      id_token: token,
    });
    const res = await fetch(`${server.url}/app?${query}`, {
      headers: { "User-Agent": CHROME_UA },
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    const exchanges = mock.requests.filter((r) => r.kind === "token_exchange");
    // Layout and index loaders authenticate in parallel, so a first visit may exchange twice.
    expect(exchanges.length).toBeGreaterThanOrEqual(1);
    for (const exchange of exchanges) {
      expect(exchange).toMatchObject({
        shop: SHOP,
        body: {
          subject_token: token,
          client_id: "test-api-key",
          requested_token_type: expect.stringMatching(/offline/),
        },
      });
    }

    const forged = await signSessionToken({ shop: SHOP, secret: "wrong-secret" });
    query.set("id_token", forged);
    const rejected = await fetch(`${server.url}/app?${query}`, {
      headers: { "User-Agent": CHROME_UA },
      redirect: "manual",
    });
    expect(rejected.status).not.toBe(200);
    expect(server.blockedRequests()).toEqual([]);
  });

  it("stop() ends the process, drops the database and removes DATA_DIR", async () => {
    const other = await startServer({ env: { LOG_LEVEL: "warn" } });
    const name = new URL(other.databaseUrl ?? "").pathname.slice(1);
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    await other.stop(); // idempotent

    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
    expect(existsSync(other.dataDir)).toBe(false);
    const sql = postgres(
      process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
      { max: 1 },
    );
    try {
      expect(await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`).toHaveLength(0);
    } finally {
      await sql.end();
    }
  }, 90_000);

  it("fails fast with the server's output when it cannot boot", async () => {
    await expect(startServer({ env: { DATABASE_URL: "mysql://nope" } })).rejects.toThrow(
      /exited with code \d+ before \/healthz answered 200[\s\S]*server output[\s\S]*DATABASE_URL/,
    );
  }, 90_000);
});
