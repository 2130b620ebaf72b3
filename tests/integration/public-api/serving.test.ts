/**
 * How /public-api/v1 is served in front of Express (app/lib/api/direct-dispatch.server.ts):
 * what Express used to give every answer must still be there — request ids, gzip for
 * big bodies, HEAD, forwarded protocol — and odd requests must still get envelopes.
 */
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { createApiToken } from "../../helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";

let server: TestServer;
let db: Db;
let token: string;

beforeAll(async () => {
  server = await startServer();
  db = connectToServerDb(server);
  ({ token } = await createApiToken(db, await createShop(db)));
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

/** A raw request, so nothing (fetch's auto-decompression, its Host header) gets in between. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serving the public API", () => {
  it("gives API answers an X-Request-Id and keeps a sane incoming one", async () => {
    const minted = await raw("GET", "/public-api/v1/files", { Authorization: `Bearer ${token}` });
    expect(minted.status).toBe(200);
    expect(minted.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await raw("GET", "/public-api/v1/nope", { "X-Request-Id": "lb-req-12345678" });
    expect(kept.headers["x-request-id"]).toBe("lb-req-12345678");
    expect(JSON.parse(kept.body.toString()).error.request_id).toBe("lb-req-12345678");
  });

  it("gzips big answers for clients that accept it, and only for them", async () => {
    const plain = await raw("GET", "/public-api/v1/openapi.json", {});
    const zipped = await raw("GET", "/public-api/v1/openapi.json", {
      "Accept-Encoding": "gzip, br",
    });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(zipped.headers["content-length"])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    // Small answers are not worth it.
    const small = await raw("GET", "/public-api/v1/files", {
      Authorization: `Bearer ${token}`,
      "Accept-Encoding": "gzip",
    });
    expect(small.headers["content-encoding"]).toBeUndefined();
  });

  it("answers HEAD like GET, without a body", async () => {
    const head = await raw("HEAD", "/public-api/v1/files", { Authorization: `Bearer ${token}` });
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toMatch(/application\/json/);
    expect(head.body.length).toBe(0);
  });

  it("answers an unparseable Host header with an envelope, not a crash", async () => {
    const res = await raw("GET", "/public-api/v1/files", {
      Host: "bad host[",
      Authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    const anonymous = await raw("GET", "/public-api/v1/files", { Host: "bad host[" });
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body.toString()).error.code).toBe("unauthorized");
  });

  it("still serves pages and static files through Express", async () => {
    expect((await raw("GET", "/healthz", {})).status).toBe(200);
    expect((await raw("GET", "/favicon.svg", {})).status).toBe(200);
  });
});
