/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
/**
 * Remote ingest through the real server: `POST /assets` → `asset.ingest` job in the
 * in-process worker → fetch from a local HTTP server (INGEST_ALLOW_LOCALHOST=1) → the
 * encrypted file store. The SSRF refusals with the localhost setting off are unit tests
 * (tests/unit/ingest/remote-fetch.test.ts): they need an injected resolver, and here
 * the server would ask the real DNS.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { files, idempotencyRecords, jobs, type Shop } from "~/db/schema";
import { encryptionKeyFrom } from "~/lib/storage/encryption.server";
import { createFileStorage } from "~/lib/storage/index.server";
import { createLocalDriver } from "~/lib/storage/local-driver.server";
import { createApiToken } from "../../helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { waitFor } from "../../helpers/wait";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

const BIG = 50 * 1024 * 1024;
const WARM = 10 * 1024 * 1024;
const MAX_BYTES = 60 * 1024 * 1024;
const FILE_KEY = Buffer.alloc(32, 9).toString("base64");

let server: TestServer;
let db: Db;
let contract: Contract;
let origin: http.Server;
let originUrl: string;
let tempDir: string;
let bigPath: string;
let bigSha: string;
let flakyRequests = 0;
const small = Buffer.from("hello, remote ingest\n".repeat(100));
const smallSha = createHash("sha256").update(small).digest("hex");

/** The remote side: a loopback HTTP server with the behaviours the tests need. */
function originHandler(req: http.IncomingMessage, res: http.ServerResponse) {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path === "/big.bin") {
    res.writeHead(200, { "content-type": "application/zip", "content-length": BIG });
    createReadStream(bigPath).pipe(res);
  } else if (path === "/warm.bin") {
    res.writeHead(200, { "content-type": "application/zip", "content-length": WARM });
    createReadStream(bigPath, { end: WARM - 1 }).pipe(res);
  } else if (path === "/small.txt") {
    res.writeHead(200, { "content-type": "text/plain", "content-length": small.length });
    res.end(small);
  } else if (path === "/slow.bin") {
    // 64 KiB every 50 ms (~1.3 MB/s): long enough to cancel mid-stream.
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG });
    const chunk = Buffer.alloc(64 * 1024, 1);
    const timer = setInterval(() => res.write(chunk), 50);
    res.on("close", () => clearInterval(timer));
  } else if (path === "/announced-huge.bin") {
    res.writeHead(200, { "content-length": MAX_BYTES + 1 });
    res.write(Buffer.alloc(1024));
    setTimeout(() => res.destroy(), 2_000);
  } else if (path === "/chunked-huge.bin") {
    // No Content-Length: the limit has to be enforced while streaming.
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(1024 * 1024, 2);
    let sent = 0;
    const pump = () => {
      while (sent < MAX_BYTES + 8 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("error", () => {});
    pump();
  } else if (path === "/flaky.bin") {
    // The first request breaks off after 3 MB; the retry gets the whole file.
    res.writeHead(200, { "content-type": "application/zip", "content-length": WARM });
    const stream = createReadStream(bigPath, { end: WARM - 1 });
    if (flakyRequests++ === 0) {
      stream.destroy();
      createReadStream(bigPath, { end: 3 * 1024 * 1024 - 1 })
        .on("end", () => setTimeout(() => res.destroy(), 50))
        .pipe(res, { end: false });
    } else {
      stream.pipe(res);
    }
  } else if (path === "/missing.bin") {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not here");
  } else if (path === "/to-localhost") {
    // 127.0.0.1 is allowlisted in that test; `localhost` is not.
    res.writeHead(302, {
      location: `http://localhost:${(origin.address() as AddressInfo).port}/small.txt`,
    });
    res.end();
  } else {
    res.writeHead(404);
    res.end();
  }
}

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), "handoff-ingest-"));
  bigPath = join(tempDir, "big.bin");
  const big = randomBytes(BIG);
  bigSha = createHash("sha256").update(big).digest("hex");
  await writeFile(bigPath, big);
  origin = http.createServer(originHandler);
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

  server = await startServer({
    env: {
      INGEST_ALLOW_LOCALHOST: "1",
      INGEST_MAX_BYTES: String(MAX_BYTES),
      FILE_ENCRYPTION_KEY: FILE_KEY,
      API_RATE_LIMIT_PER_MINUTE: "100000",
    },
  });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
  await rm(tempDir, { recursive: true, force: true });
});

async function shopWithToken(overrides: Partial<Shop> = {}, hosts = ["127.0.0.1"]) {
  const shop = await createShop(db, { ingestAllowedHosts: hosts, ...overrides });
  const api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
  return { shop, api };
}

type Api = Awaited<ReturnType<typeof shopWithToken>>["api"];

async function ingest(api: Api, body: Record<string, unknown>) {
  const res = await api("POST", "/assets", { json: body });
  expect(res.status, res.text).toBe(202);
  return res.body.data;
}

async function settled(api: Api, jobId: string, timeoutMs = 40_000) {
  let last = "";
  return waitFor(
    async () => {
      const res = await api("GET", `/jobs/${jobId}`);
      expect(res.status, res.text).toBe(200);
      last = res.text;
      return ["succeeded", "failed", "cancelled"].includes(res.body.data.status)
        ? res.body.data
        : null;
    },
    { timeoutMs, intervalMs: 100, describe: () => `job ${jobId} did not finish: ${last}` },
  );
}

function rssKb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((status) =>
    Number(/VmRSS:\s+(\d+)/.exec(status)![1]),
  );
}

/** Whatever is left of a file's object in the server's store (temp `.part` files too). */
async function leftovers(shop: Shop, fileId: string): Promise<string[]> {
  const names = await readdir(join(server.dataDir, "files", shop.id)).catch(() => []);
  return names.filter((n) => n.startsWith(fileId));
}

const store = () =>
  createFileStorage(createLocalDriver(join(server.dataDir, "files")), {
    key: async () => encryptionKeyFrom(Buffer.from(FILE_KEY, "base64")),
    encryptsByDefault: true,
  });

describe("ingest allowlist", () => {
  it("GET and PUT: lowercased, deduped, validated", async () => {
    const { api } = await shopWithToken({}, []);
    expect((await api("GET", "/ingest-allowed-hosts")).body.data).toEqual({ hosts: [] });
    const put = await api("PUT", "/ingest-allowed-hosts", {
      json: { hosts: ["Files.Example.com", "files.example.com.", "cdn.example.net", "localhost"] },
    });
    expect(put.status, put.text).toBe(200);
    // `localhost` is accepted only because this server runs with INGEST_ALLOW_LOCALHOST=1.
    expect(put.body.data.hosts).toEqual(["files.example.com", "cdn.example.net", "localhost"]);
    expect((await api("GET", "/ingest-allowed-hosts")).body.data.hosts).toEqual(
      put.body.data.hosts,
    );

    for (const [hosts, param] of [
      [["ok.example.com", "10.0.0.1"], "hosts[1]"],
      [["169.254.169.254"], "hosts[0]"],
      [["metadata.google.internal"], "hosts[0]"],
      [["printer.local"], "hosts[0]"],
      [["intranet"], "hosts[0]"],
      [["https://files.example.com/path"], "hosts[0]"],
      [["files.example.com:8443"], "hosts[0]"],
      [["bad_host!.example.com"], "hosts[0]"],
      [Array.from({ length: 51 }, (_, i) => `h${i}.example.com`), "hosts"],
    ] as const) {
      expectError(
        await api("PUT", "/ingest-allowed-hosts", { json: { hosts } }),
        400,
        "validation_failed",
        param,
      );
    }
    expectError(
      await api("PUT", "/ingest-allowed-hosts", { json: {} }),
      400,
      "validation_failed",
      "hosts",
    );
    // Nothing of the refused lists was stored.
    expect((await api("GET", "/ingest-allowed-hosts")).body.data.hosts).toEqual(
      put.body.data.hosts,
    );
    expect(
      (await api("PUT", "/ingest-allowed-hosts", { json: { hosts: [] } })).body.data.hosts,
    ).toEqual([]);
  });
});

describe("POST /assets", () => {
  it("ingests a 50 MB file with flat server memory; the stored bytes are identical", async () => {
    const { api, shop } = await shopWithToken();
    // A 10 MB ingest first: the first run of the path (JIT, buffer pools, malloc arenas,
    // the encryption key load) costs memory once, whatever the size; that is not what
    // this measures. Buffering would show as growth with the next file's size.
    const warmUp = await ingest(api, { url: `${originUrl}/warm.bin` });
    expect((await settled(api, warmUp.id)).status).toBe("succeeded");
    const before = await rssKb(server.pid);
    let peak = before;
    const sampler = setInterval(() => {
      rssKb(server.pid).then(
        (kb) => (peak = Math.max(peak, kb)),
        () => {},
      );
    }, 50);
    const job = await ingest(api, {
      url: `${originUrl}/big.bin`,
      name: "Big archive.zip",
      size: BIG,
      checksum_sha256: bigSha.toUpperCase(),
      content_type: "application/zip",
    });
    expect(job).toMatchObject({
      type: "asset.ingest",
      status: "queued",
      progress_bytes: 0,
      result: null,
      error: null,
      cancel_requested: false,
    });
    expect(job.id).toMatch(/^job_/);
    expect(job.file_id).toMatch(/^file_/);
    const done = await settled(api, job.id).finally(() => clearInterval(sampler));
    const after = await rssKb(server.pid);

    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(done).toMatchObject({
      progress_bytes: BIG,
      total_bytes: BIG,
      attempts: 1,
      error: null,
      result: {
        file: {
          id: job.file_id,
          name: "Big archive.zip",
          size: BIG,
          type: "application/zip",
          is_encrypted: true,
          uploaded: true,
        },
      },
    });
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
    // Streams, never buffers: the peak stays far below the 50 MB that went through.
    const growthMb = (peak - before) / 1024;
    console.info(
      `ingest 50 MB: server RSS before ${Math.round(before / 1024)} MB, peak ${Math.round(peak / 1024)} MB, after ${Math.round(after / 1024)} MB`,
    );
    expect(growthMb).toBeLessThan(20);

    const [row] = await db.select().from(files).where(eq(files.id, job.file_id));
    expect(row).toMatchObject({
      shopId: shop.id,
      source: "ingest",
      uploaded: true,
      checksumSha256: bigSha,
    });
    const hash = createHash("sha256");
    for await (const chunk of await store().get(row!.storageKey, { encryption: row!.encryption }))
      hash.update(chunk as Buffer);
    expect(hash.digest("hex")).toBe(bigSha);

    const listed = await api("GET", "/files?uploaded=true");
    expect(listed.body.data.map((f: any) => f.id)).toContain(job.file_id);
  });

  it("defaults the name from the URL and the type from the remote server", async () => {
    const { api } = await shopWithToken();
    const job = await ingest(api, { url: `${originUrl}/small.txt?v=1` });
    const done = await settled(api, job.id);
    expect(done.status).toBe("succeeded");
    expect(done.result.file).toMatchObject({
      name: "small.txt",
      type: "text/plain",
      size: small.length,
    });
  });

  it("refuses bad input with clear 4xx answers", async () => {
    const { api } = await shopWithToken();
    expectError(await api("POST", "/assets", { json: {} }), 400, "validation_failed", "url");
    expectError(
      await api("POST", "/assets", { json: { url: "not a url" } }),
      400,
      "validation_failed",
      "url",
    );
    expectError(
      await api("POST", "/assets", { json: { url: "ftp://127.0.0.1/file" } }),
      400,
      "validation_failed",
      "url",
    );
    expectError(
      await api("POST", "/assets", { json: { url: "https://user:pw@files.example.com/a" } }),
      400,
      "validation_failed",
      "url",
    );
    const notAllowed = await api("POST", "/assets", {
      json: { url: "https://files.example.com/a.pdf" },
    });
    expectError(notAllowed, 422, "ingest_host_not_allowed", "url");
    expect(notAllowed.body.error.message).toContain("files.example.com");
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/a`, checksum_sha256: "abc" } }),
      400,
      "validation_failed",
      "checksum_sha256",
    );
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/a`, size: -1 } }),
      400,
      "validation_failed",
      "size",
    );
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/a`, content_type: "pdf" } }),
      400,
      "validation_failed",
      "content_type",
    );
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/a`, extra: 1 } }),
      400,
      "validation_failed",
    );
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/a`, size: MAX_BYTES + 1 } }),
      413,
      "payload_too_large",
      "size",
    );
    expectError(
      await api("POST", "/assets", {
        body: "{nope",
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    // None of the refusals left a file or a job behind.
    expect(
      await db
        .select()
        .from(jobs)
        .where(eq(jobs.type, "asset.ingest"))
        .then((r) => r.length),
    ).toBe(
      await db
        .select()
        .from(files)
        .where(eq(files.source, "ingest"))
        .then((r) => r.length),
    );
  });

  it("shares the 6 uploads per minute per shop", async () => {
    const { api } = await shopWithToken();
    for (let i = 0; i < 6; i++) await ingest(api, { url: `${originUrl}/small.txt` });
    const limited = await api("POST", "/assets", { json: { url: `${originUrl}/small.txt` } });
    expectError(limited, 429, "upload_rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a shop that requires Idempotency-Key gets 400 without it; a replay never queues twice", async () => {
    const { api, shop } = await shopWithToken({ requireIdempotencyKey: true });
    expectError(
      await api("POST", "/assets", { json: { url: `${originUrl}/small.txt` } }),
      400,
      "idempotency_key_required",
      "Idempotency-Key",
    );
    const send = () =>
      api("POST", "/assets", {
        json: { url: `${originUrl}/small.txt` },
        headers: { "Idempotency-Key": "ingest-1" },
      });
    const first = await send();
    expect(first.status).toBe(202);
    const replay = await send();
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.data.id).toBe(first.body.data.id);
    // Even once the 24 h idempotency record is gone, the job's dedupe key holds.
    await db.delete(idempotencyRecords).where(eq(idempotencyRecords.shopId, shop.id));
    const late = await send();
    expect(late.status).toBe(202);
    expect(late.body.data.id).toBe(first.body.data.id);
    expect(late.body.data.file_id).toBe(first.body.data.file_id);
    const rows = await db.select().from(jobs).where(eq(jobs.shopId, shop.id));
    expect(rows).toHaveLength(1);
    const fileRows = await db.select().from(files).where(eq(files.shopId, shop.id));
    expect(fileRows).toHaveLength(1);
  });
});

describe("ingest failures", () => {
  it("checksum mismatch: failed with a clear error, no bytes and no file left", async () => {
    const { api, shop } = await shopWithToken();
    const job = await ingest(api, {
      url: `${originUrl}/small.txt`,
      checksum_sha256: "0".repeat(64),
    });
    const done = await settled(api, job.id);
    expect(done).toMatchObject({ status: "failed", attempts: 1, result: null });
    expect(done.error.code).toBe("checksum_mismatch");
    expect(done.error.message).toContain(smallSha);
    expect(await leftovers(shop, job.file_id)).toEqual([]);
    const [row] = await db.select().from(files).where(eq(files.id, job.file_id));
    expect(row!.deletedAt).not.toBeNull();
    expect((await api("GET", "/files")).body.data).toEqual([]);
  });

  it("size limits: announced too large, streamed past the limit, or not the declared size", async () => {
    const { api, shop } = await shopWithToken();
    const announced = await settled(
      api,
      (await ingest(api, { url: `${originUrl}/announced-huge.bin` })).id,
    );
    expect(announced).toMatchObject({ status: "failed", error: { code: "file_too_large" } });
    expect(announced.error.message).toContain("60 MB");

    const streamed = await ingest(api, { url: `${originUrl}/chunked-huge.bin` });
    const streamedDone = await settled(api, streamed.id);
    expect(streamedDone).toMatchObject({ status: "failed", error: { code: "file_too_large" } });
    expect(streamedDone.progress_bytes).toBeLessThanOrEqual(MAX_BYTES + 1024 * 1024);
    expect(await leftovers(shop, streamed.file_id)).toEqual([]);

    const wrongSize = await settled(
      api,
      (await ingest(api, { url: `${originUrl}/small.txt`, size: small.length + 1 })).id,
    );
    expect(wrongSize).toMatchObject({ status: "failed", error: { code: "size_mismatch" } });
  });

  it("a body broken off mid-stream is retried, and the retry stores the whole file", async () => {
    const { api, shop } = await shopWithToken();
    const warmSha = createHash("sha256")
      .update((await readFile(bigPath)).subarray(0, WARM))
      .digest("hex");
    const job = await ingest(api, { url: `${originUrl}/flaky.bin`, checksum_sha256: warmSha });
    const done = await settled(api, job.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(flakyRequests).toBe(2);
    expect(done.result.file).toMatchObject({ size: WARM, uploaded: true });
    const [row] = await db.select().from(files).where(eq(files.id, job.file_id));
    expect(row!.checksumSha256).toBe(warmSha);
    const hash = createHash("sha256");
    for await (const chunk of await store().get(row!.storageKey, { encryption: row!.encryption }))
      hash.update(chunk as Buffer);
    expect(hash.digest("hex")).toBe(warmSha);
    // The first attempt's partial object is gone: only the finished file is left.
    expect(await leftovers(shop, job.file_id)).toEqual([job.file_id]);
  });

  it("content type, HTTP errors and redirects to other hosts fail without retries", async () => {
    const { api } = await shopWithToken();
    const type = await settled(
      api,
      (await ingest(api, { url: `${originUrl}/small.txt`, content_type: "application/pdf" })).id,
    );
    expect(type).toMatchObject({ status: "failed", error: { code: "content_type_mismatch" } });
    expect(type.error.message).toContain("text/plain");

    const missing = await settled(api, (await ingest(api, { url: `${originUrl}/missing.bin` })).id);
    expect(missing).toMatchObject({ status: "failed", attempts: 1, error: { code: "http_error" } });
    expect(missing.error.message).toContain("404");

    const redirected = await settled(
      api,
      (await ingest(api, { url: `${originUrl}/to-localhost` })).id,
    );
    expect(redirected).toMatchObject({ status: "failed", error: { code: "host_not_allowed" } });
    expect(redirected.error.message).toContain("localhost");
  });

  it("a host removed from the allowlist after the request is not fetched", async () => {
    // The job as POST /assets would have queued it, for a shop whose list is now empty.
    const { api, shop } = await shopWithToken({}, []);
    const [file] = await db
      .insert(files)
      .values({
        shopId: shop.id,
        name: "a.txt",
        storageKey: `${shop.id}/removed`,
        source: "ingest",
      })
      .returning();
    const [job] = await db
      .insert(jobs)
      .values({
        shopId: shop.id,
        type: "asset.ingest",
        payload: { fileId: file!.id, url: `${originUrl}/small.txt` },
      })
      .returning();
    const done = await settled(api, job!.id);
    expect(done).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "host_not_allowed" },
    });
  });
});

describe("jobs", () => {
  it("cancels mid-stream: status cancelled, partial object deleted, cancel is idempotent", async () => {
    const { api, shop } = await shopWithToken();
    const job = await ingest(api, { url: `${originUrl}/slow.bin` });
    await waitFor(
      async () => {
        const res = await api("GET", `/jobs/${job.id}`);
        return res.body.data.status === "running" && res.body.data.progress_bytes > 0;
      },
      { timeoutMs: 20_000, describe: () => "the slow ingest never reported progress" },
    );
    const cancel = await api("POST", `/jobs/${job.id}/cancel`);
    expect(cancel.status, cancel.text).toBe(200);
    expect(cancel.body.data.cancel_requested).toBe(true);
    const done = await settled(api, job.id, 15_000);
    expect(done).toMatchObject({ status: "cancelled", error: { code: "cancelled" }, result: null });
    expect(done.progress_bytes).toBeLessThan(BIG);
    expect(await leftovers(shop, job.file_id)).toEqual([]);
    const [row] = await db.select().from(files).where(eq(files.id, job.file_id));
    expect(row!.deletedAt).not.toBeNull();

    const again = await api("POST", `/jobs/${job.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body.data.status).toBe("cancelled");
  });

  it("cancels a queued job at once; a finished job → 409", async () => {
    const { api, shop } = await shopWithToken();
    const job = await ingest(api, { url: `${originUrl}/small.txt` });
    const done = await settled(api, job.id);
    expect(done.status).toBe("succeeded");
    expectError(await api("POST", `/jobs/${job.id}/cancel`), 409, "job_finished", "job_id");

    // A job due in an hour stays queued whatever the worker does.
    const [file] = await db
      .insert(files)
      .values({
        shopId: shop.id,
        name: "later.bin",
        storageKey: `${shop.id}/later`,
        source: "ingest",
      })
      .returning();
    const [queued] = await db
      .insert(jobs)
      .values({
        shopId: shop.id,
        type: "asset.ingest",
        payload: { fileId: file!.id, url: `${originUrl}/small.txt` },
        runAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    const cancelled = await api("POST", `/jobs/${queued!.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({
      status: "cancelled",
      cancel_requested: true,
      error: { code: "cancelled" },
    });
    expect(cancelled.body.data.finished_at).not.toBeNull();
    const [after] = await db.select().from(files).where(eq(files.id, file!.id));
    expect(after!.deletedAt).not.toBeNull();
  });

  it("another shop's job ids and internal jobs are 404", async () => {
    const a = await shopWithToken();
    const b = await shopWithToken();
    const job = await ingest(a.api, { url: `${originUrl}/small.txt` });
    expectError(await b.api("GET", `/jobs/${job.id}`), 404, "not_found", "job_id");
    expectError(await b.api("POST", `/jobs/${job.id}/cancel`), 404, "not_found", "job_id");
    expectError(await a.api("GET", "/jobs/job_nope"), 404, "not_found", "job_id");

    const [internal] = await db
      .insert(jobs)
      .values({
        shopId: a.shop.id,
        type: "shopify.webhook",
        payload: {},
        runAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    expectError(await a.api("GET", `/jobs/${internal!.id}`), 404, "not_found", "job_id");
    expectError(await a.api("POST", `/jobs/${internal!.id}/cancel`), 404, "not_found", "job_id");
    const [untouched] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.id, internal!.id), eq(jobs.status, "queued")));
    expect(untouched).toBeDefined();
    await db.delete(jobs).where(eq(jobs.id, internal!.id));
    expect((await a.api("GET", `/jobs/${job.id}`)).status).toBe(200);
  });
});
