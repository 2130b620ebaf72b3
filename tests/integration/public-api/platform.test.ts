/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { ENDPOINTS } from "~/lib/api/contract";
import { apiTokens, idempotencyRecords, licenseKeys, shops } from "~/db/schema";
import { apiClient, createApiToken } from "../../helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

const RATE_LIMIT = 40;
let server: TestServer;
let db: Db;
let contract: Contract;

beforeAll(async () => {
  server = await startServer({ env: { API_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

async function shopWithToken(overrides: Parameters<typeof createShop>[1] = {}) {
  const shop = await createShop(db, overrides);
  const token = await createApiToken(db, shop);
  return { shop, ...token, api: contractApi(contract, server.url, token.token) };
}

describe("authentication", () => {
  it("gives missing, malformed, unknown and revoked tokens the same 401 body", async () => {
    const { shop, token, id } = await shopWithToken();
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
    const otherShopToken = await createApiToken(db, shop);
    const wrongSecret = `${otherShopToken.token.slice(0, -4)}AAAA`;
    const attempts = [
      await apiClient(server.url)("GET", "/orders"),
      await apiClient(server.url, "not-a-token")("GET", "/orders"),
      await apiClient(server.url, `hnd_live_aaaaaaaaaaaa_${"b".repeat(43)}`)("GET", "/orders"),
      await apiClient(server.url, wrongSecret)("GET", "/orders"),
      await apiClient(server.url, token)("GET", "/orders"),
      await apiClient(server.url, token)("POST", "/license-keys", { json: { keys: ["X"] } }),
    ];
    const bodies = attempts.map((r) => {
      expectError(r, 401, "unauthorized");
      contract.check("GET", "/orders", r);
      return { ...r.body.error, request_id: "" };
    });
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    // The same token still works after the other one was revoked.
    expect((await apiClient(server.url, otherShopToken.token)("GET", "/orders")).status).toBe(200);
  });

  it("revocation takes effect on the next request", async () => {
    const { api, id } = await shopWithToken();
    expect((await api("GET", "/files")).status).toBe(200);
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
    expectError(await api("GET", "/files"), 401, "unauthorized");
  });

  it.each([
    [{ status: "uninstalled" as const }, "shop_inactive", /uninstalled/],
    [{ status: "inactive" as const }, "shop_inactive", /inactive/],
    [{ apiAccess: "pending" as const }, "api_access_pending", /pending approval/],
    [{ apiAccess: "suspended" as const }, "api_access_suspended", /suspended/],
  ])("refuses a valid token of a shop with %o: 403 %s", async (overrides, code, message) => {
    const { api } = await shopWithToken(overrides);
    const res = await api("GET", "/digital-products");
    expectError(res, 403, code);
    expect(res.body.error.message).toMatch(message);
  });

  it("records last_used_at, at most once a minute", async () => {
    const { api, id } = await shopWithToken();
    await api("GET", "/files");
    await new Promise((r) => setTimeout(r, 200));
    const [first] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(first!.lastUsedAt).toBeInstanceOf(Date);
    await api("GET", "/files");
    await new Promise((r) => setTimeout(r, 200));
    const [second] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(second!.lastUsedAt!.getTime()).toBe(first!.lastUsedAt!.getTime());
  });
});

describe("errors and bad input: always a 4xx envelope, never a 500", () => {
  it("unknown routes and methods", async () => {
    const { api } = await shopWithToken();
    expectError(await api("GET", "/nope"), 404, "route_not_found");
    expectError(await api("GET", "/orders/x/y/z"), 404, "route_not_found");
    const res = await api("PATCH", "/orders");
    expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET");
    expectError(await api("DELETE", "/digital-products"), 405, "method_not_allowed");
  });

  it("malformed JSON, wrong types, unknown fields, NUL characters, huge bodies", async () => {
    const { api } = await shopWithToken();
    const post = (body: string) =>
      api("POST", "/license-keys", { body, headers: { "Content-Type": "application/json" } });
    expectError(await post("{"), 400, "invalid_json");
    expectError(await post("[1,2"), 400, "invalid_json");
    expectError(await post('"just a string"'), 400, "validation_failed");
    expectError(await post("null"), 400, "validation_failed");
    expectError(await post('{"keys": "ABC"}'), 400, "validation_failed", "keys");
    expectError(await post('{"keys": [1, 2]}'), 400, "validation_failed", "keys.0");
    expectError(await post('{"keys": ["A"], "colour": "red"}'), 400, "validation_failed", "colour");
    expectError(await post('{"keys": ["A\\u0000B"]}'), 400, "validation_failed", "keys.0");
    expectError(await post('{"keys": ["  "]}'), 400, "validation_failed", "keys.0");
    expectError(await post('{"keys": []}'), 400, "validation_failed", "keys");
    expectError(
      await post(JSON.stringify({ keys: ["A".repeat(501)] })),
      400,
      "validation_failed",
      "keys.0",
    );
    expectError(
      await post(JSON.stringify({ keys: Array.from({ length: 5001 }, (_, i) => `K${i}`) })),
      400,
      "validation_failed",
      "keys",
    );
    expectError(
      await post(JSON.stringify({ keys: ["x".repeat(9 * 1024 * 1024)] })),
      413,
      "payload_too_large",
    );
    const weird = await api("PUT", "/digital-products/prod_x/limits", {
      json: { max_downloads: -1 },
    });
    expectError(weird, 400, "validation_failed", "max_downloads");
    expectError(
      await api("PUT", "/digital-products/prod_x/limits", { json: { max_downloads: "10" } }),
      400,
      "validation_failed",
      "max_downloads",
    );
    expectError(
      await api("PUT", "/digital-products/prod_x/limits", { json: { max_downloads: 1.5 } }),
      400,
      "validation_failed",
    );
  });

  it("odd unicode is stored and returned intact", async () => {
    const { api } = await shopWithToken();
    const keys = ["ключ-🔑-１２３", "e\u0301-composed", "\u202Eright-to-left", "🏳️‍🌈"];
    const created = await api("POST", "/license-keys", { json: { keys, tag: "ünï-🏷" } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.created).toBe(4);
    for (const key of keys) {
      const res = await api("GET", `/license-keys/validate?key=${encodeURIComponent(key)}`);
      expect(res.body.data).toMatchObject({ valid: true, tag: "ünï-🏷" });
    }
    // Invalid UTF-8 in the query string (a lone surrogate, a stray byte): not a 500.
    for (const raw of ["%ED%A0%80", "%FF", "%", "%00"]) {
      const res = await api("GET", `/license-keys?q=${raw}`);
      expect(res.status, `${raw}: ${res.text}`).toBeLessThan(500);
    }
  });

  it("bad query strings: bad cursors, negative or huge limits, unknown parameters", async () => {
    const { api } = await shopWithToken();
    expectError(await api("GET", "/orders?limit=-1"), 400, "validation_failed", "limit");
    expectError(await api("GET", "/orders?limit=0"), 400, "validation_failed", "limit");
    expectError(await api("GET", "/orders?limit=101"), 400, "validation_failed", "limit");
    expectError(await api("GET", "/orders?limit=abc"), 400, "validation_failed", "limit");
    expectError(await api("GET", "/orders?sort=name"), 400, "validation_failed", "sort");
    expectError(await api("GET", "/orders?cursor=!!!"), 400, "invalid_cursor", "cursor");
    expectError(await api("GET", "/orders?cursor=eyJmb28iOjF9"), 400, "invalid_cursor", "cursor");
    const otherSort = Buffer.from(JSON.stringify({ s: "id", i: "ord_x" })).toString("base64url");
    expectError(await api("GET", `/orders?cursor=${otherSort}`), 400, "invalid_cursor", "cursor");
    expectError(await api("GET", "/orders?financial_status=RICH"), 400, "validation_failed");
    expectError(
      await api("GET", "/orders?created_after=yesterday"),
      400,
      "validation_failed",
      "created_after",
    );
    expectError(await api("GET", "/orders?colour=red"), 400, "validation_failed", "colour");
    expectError(await api("GET", `/orders?q=${"x".repeat(121)}`), 400, "validation_failed", "q");
    expectError(await api("GET", "/license-keys/validate"), 400, "validation_failed", "key");
    expectError(
      await api("GET", "/downloads/stats?start=2026-05-02T00:00:00Z&end=2026-05-01T00:00:00Z"),
      400,
      "validation_failed",
      "start",
    );
  });
});

describe("cursor pagination", () => {
  it("walks every sort order without gaps or repeats", async () => {
    const { api } = await shopWithToken();
    const keys = Array.from({ length: 23 }, (_, i) => `PAGE-${String(i).padStart(2, "0")}`);
    expect((await api("POST", "/license-keys", { json: { keys } })).status).toBe(201);
    for (const sort of ["-id", "id", "created_at", "-created_at"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; text: string; body: any } = await api(
          "GET",
          `/license-keys?limit=5&sort=${sort}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(res.status, res.text).toBe(200);
        seen.push(...res.body.data.map((k: { key: string }) => k.key));
        cursor = res.body.pagination.next_cursor;
        expect(res.body.pagination.has_more).toBe(cursor !== null);
        pages++;
      } while (cursor);
      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(23);
      const expected = sort.startsWith("-") ? [...keys].reverse() : keys;
      expect(seen).toEqual(expected);
    }
  });
});

describe("Idempotency-Key", () => {
  it("replays the stored response for the same key and body", async () => {
    const { api, shop } = await shopWithToken();
    const headers = { "Idempotency-Key": "batch-1" };
    const first = await api("POST", "/license-keys", { json: { keys: ["I-1", "I-2"] }, headers });
    expect(first.status).toBe(201);
    const again = await api("POST", "/license-keys", { json: { keys: ["I-1", "I-2"] }, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const rows = await db.select().from(licenseKeys).where(eq(licenseKeys.shopId, shop.id));
    expect(rows).toHaveLength(2);
  });

  it("422 for the same key with a different body, 400 for a malformed key", async () => {
    const { api } = await shopWithToken();
    const headers = { "Idempotency-Key": "k-422" };
    expect((await api("POST", "/license-keys", { json: { keys: ["A"] }, headers })).status).toBe(
      201,
    );
    expectError(
      await api("POST", "/license-keys", { json: { keys: ["B"] }, headers }),
      422,
      "idempotency_key_reused",
      "Idempotency-Key",
    );
    expectError(
      await api("POST", "/license-keys", {
        json: { keys: ["B"] },
        headers: { "Idempotency-Key": "has space" },
      }),
      400,
      "idempotency_key_invalid",
    );
  });

  it("stores finished errors too: a replayed 409 stays a 409", async () => {
    const { api } = await shopWithToken();
    const headers = { "Idempotency-Key": "dupe-fail" };
    await api("POST", "/license-keys", { json: { keys: ["DUP"] } });
    const first = await api("POST", "/license-keys", {
      json: { keys: ["DUP"], duplicates: "fail" },
      headers,
    });
    expectError(first, 409, "duplicate_license_keys");
    const replay = await api("POST", "/license-keys", {
      json: { keys: ["DUP"], duplicates: "fail" },
      headers,
    });
    expect(replay.status).toBe(409);
    expect(replay.body).toEqual(first.body);
  });

  it("two parallel requests with one key create one effect (the other is a 409 or a replay)", async () => {
    const { api, shop } = await shopWithToken();
    const keys = Array.from({ length: 3000 }, (_, i) => `PAR-${i}`);
    const headers = { "Idempotency-Key": "parallel-1" };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => api("POST", "/license-keys", { json: { keys }, headers })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const r of results) {
      if (r.status === 409) expectError(r, 409, "idempotency_request_in_progress");
      else expect(r.body.data.created).toBe(3000);
    }
    const rows = await db
      .select({ id: licenseKeys.id })
      .from(licenseKeys)
      .where(eq(licenseKeys.shopId, shop.id));
    expect(rows).toHaveLength(3000);
    const records = await db
      .select()
      .from(idempotencyRecords)
      .where(eq(idempotencyRecords.shopId, shop.id));
    expect(records).toHaveLength(1);
  });

  it("a shop that requires the header gets 400 without it", async () => {
    const { api } = await shopWithToken({ requireIdempotencyKey: true });
    expectError(
      await api("POST", "/license-keys", { json: { keys: ["A"] } }),
      400,
      "idempotency_key_required",
      "Idempotency-Key",
    );
    expect((await api("GET", "/license-keys")).status).toBe(200);
    const ok = await api("POST", "/license-keys", {
      json: { keys: ["A"] },
      headers: { "Idempotency-Key": "x1" },
    });
    expect(ok.status).toBe(201);
  });
});

describe("rate limits", () => {
  it(`allows ${RATE_LIMIT}/min per token, then 429 with Retry-After and RateLimit headers`, async () => {
    const { api, shop } = await shopWithToken();
    const first = await api("GET", "/files");
    expect(first.headers.get("ratelimit-limit")).toBe(String(RATE_LIMIT));
    expect(first.headers.get("ratelimit-remaining")).toBe(String(RATE_LIMIT - 1));
    // Counted across requests (and replicas): one more than the limit trips it.
    const rest = await Promise.all(Array.from({ length: RATE_LIMIT }, () => api("GET", "/files")));
    const limited = rest.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    const res = limited[0]!;
    expectError(res, 429, "rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get("ratelimit-remaining")).toBe("0");
    // Another token of the same shop has its own budget.
    const other = await createApiToken(db, shop);
    expect((await apiClient(server.url, other.token)("GET", "/files")).status).toBe(200);
  });

  it("limits uploads to 6 per minute per shop", async () => {
    const { api, shop } = await shopWithToken();
    const second = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
    const upload = (client: typeof api, i: number) => {
      const form = new FormData();
      form.append("file", new Blob([`file ${i}`], { type: "text/plain" }), `f${i}.txt`);
      return client("POST", "/files", { body: form });
    };
    for (let i = 0; i < 6; i++) expect((await upload(i % 2 ? api : second, i)).status).toBe(201);
    const res = await upload(second, 7);
    expectError(res, 429, "upload_rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await api("GET", "/files")).status).toBe(200);
    void shops;
  });
});

describe("docs", () => {
  it("serves the OpenAPI document and the reference page without any external resource", async () => {
    expect(contract.doc.openapi).toBe("3.1.0");
    const operations = Object.values(contract.doc.paths).flatMap((p: any) => Object.keys(p));
    // The served document lists every operation the contract registers.
    expect(operations).toHaveLength(ENDPOINTS.length);
    const res = await fetch(`${server.url}/public-api/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/public-api/v1/license-keys/validate");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});
