import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server";

describe("health and request ids on PostgreSQL", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.stop());

  it("/healthz reports the database", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", database: { driver: "postgres", ok: true } });
    expect(typeof body.database.latency_ms).toBe("number");
  });

  it("gives every response an X-Request-Id and logs it as JSON", async () => {
    const res = await fetch(`${server.url}/healthz`);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 100));
    const line = server.logs().find((l) => l.includes(id!));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ request_id: id, path: "/healthz", status: 200 });
  });

  it("keeps a sane incoming request id and replaces a hostile one", async () => {
    const kept = await fetch(`${server.url}/healthz`, {
      headers: { "X-Request-Id": "lb-abc123-xyz" },
    });
    expect(kept.headers.get("x-request-id")).toBe("lb-abc123-xyz");
    const replaced = await fetch(`${server.url}/healthz`, {
      headers: { "X-Request-Id": "<script>alert(1)</script>" },
    });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown paths with 404, not a crash", async () => {
    const res = await fetch(`${server.url}/no/such/page`);
    expect(res.status).toBe(404);
  });
});

describe("PGlite smoke run (no DATABASE_URL)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ database: "pglite" });
  });
  afterAll(async () => server?.stop());

  it("migrates the embedded database at boot and reports it healthy", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "ok",
      database: { driver: "pglite", ok: true },
    });
  });
});
