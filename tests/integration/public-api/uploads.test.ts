/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { and, eq } from "drizzle-orm";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { files, uploads, type Shop } from "~/db/schema";
import { createFileStorage } from "~/lib/storage/index.server";
import { loadEncryptionKey } from "~/lib/storage/encryption.server";
import { createLocalDriver } from "~/lib/storage/local-driver.server";
import { createApiToken } from "../../helpers/api-factories";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createShop,
} from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { waitFor } from "../../helpers/wait";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const md5b64 = (data: Uint8Array) => createHash("md5").update(data).digest("base64");

let server: TestServer;
let db: Db;
let contract: Contract;
let shop: Shop;
let api: ReturnType<typeof contractApi>;
let key = 0;
const idem = () => ({ "Idempotency-Key": `upl-test-${Date.now()}-${key++}` });

beforeAll(async () => {
  server = await startServer({
    env: {
      API_RATE_LIMIT_PER_MINUTE: "100000",
      API_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000",
      DIRECT_UPLOAD_MAX_BYTES: String(60 * 1024 * MiB),
      UPLOAD_SWEEP_INTERVAL_MS: "500",
    },
  });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
  shop = await createShop(db);
  api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
}, 120_000);
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

function create(body: Record<string, unknown>, client = api) {
  return client("POST", "/uploads", { json: body, headers: idem() });
}

function putPart(
  uploadId: string,
  n: number,
  body: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
  client = api,
) {
  return client("PUT", `/uploads/${uploadId}/parts/${n}`, {
    body: body as BodyInit,
    headers: { "Content-Type": "application/octet-stream", ...headers },
  });
}

/** A body sent chunked (no Content-Length), so only the streamed count can catch its size. */
function chunkedBody(data: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.subarray(offset, offset + 256 * 1024));
      offset += 256 * 1024;
    },
  });
}

/** Reads a stored file back through the server's own storage (decrypting it). */
async function readStored(storageKey: string, encryption: unknown): Promise<Buffer> {
  const store = createFileStorage(createLocalDriver(join(server.dataDir, "files")), {
    encryptsByDefault: true,
    key: () => loadEncryptionKey({ dataDir: server.dataDir, warn: () => {} }),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(storageKey, {
    encryption: encryption as Record<string, unknown>,
  }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const partOf = (data: Uint8Array, n: number, size = PART) =>
  data.subarray((n - 1) * size, Math.min(n * size, data.length));

describe("direct uploads (local storage)", () => {
  it("64 MB in 5 MB parts: interrupted, resumed (one part re-sent), completed byte-identical", async () => {
    const data = randomBytes(64 * MiB);
    const checksum = sha256(data);
    const created = await create({
      name: "big-archive.zip",
      size: data.length,
      content_type: "application/zip",
      checksum_sha256: checksum,
      part_size: PART,
    });
    expect(created.status, created.text).toBe(201);
    const upload = created.body.data;
    expect(upload).toMatchObject({
      status: "pending",
      size: data.length,
      part_size: PART,
      part_count: 13,
      part_target: "api",
      bytes_received: 0,
      duplicate_of: null,
      file_id: null,
    });
    expect(upload.missing_parts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(upload.parts[12]).toMatchObject({ part_number: 13, size: data.length - 12 * PART });
    expect(upload.parts[0].url).toBe(`${server.url}/public-api/v1/uploads/${upload.id}/parts/1`);
    expect(Date.parse(upload.expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    // The client sends five parts (one with both digests), then is interrupted.
    for (const n of [1, 2, 3, 4, 5]) {
      const body = partOf(data, n);
      const res = await putPart(
        upload.id,
        n,
        body,
        n === 2 ? { "Content-MD5": md5b64(body), "X-Content-SHA256": sha256(body) } : {},
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.data).toMatchObject({ part_number: n, size: PART, sha256: sha256(body) });
    }
    // Part 3 first arrived corrupted-then-fixed: re-sending replaces it.
    const corrupt = Buffer.from(partOf(data, 3));
    corrupt[100] = corrupt[100]! ^ 0xff;
    expect((await putPart(upload.id, 3, corrupt)).status).toBe(200);
    const status = await api("GET", `/uploads/${upload.id}`);
    expect(status.status).toBe(200);
    expect(status.body.data.missing_parts).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect(status.body.data.bytes_received).toBe(5 * PART);
    expect(
      status.body.data.parts.filter((p: any) => p.received).map((p: any) => p.part_number),
    ).toEqual([1, 2, 3, 4, 5]);
    // Completing now names what is missing.
    expectError(
      await api("POST", `/uploads/${upload.id}/complete`, { json: {}, headers: idem() }),
      409,
      "upload_incomplete",
      "parts",
    );

    // Resume: only the missing parts, plus part 3 again (its good bytes this time).
    for (const n of [...status.body.data.missing_parts, 3]) {
      const res = await putPart(upload.id, n, partOf(data, n));
      expect(res.status, res.text).toBe(200);
    }
    const [row] = await db.select().from(uploads).where(eq(uploads.id, upload.id));
    expect(row!.parts.map((p) => p.partNumber)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    ]);
    // The replaced copies of part 3 are gone: one object per part on disk.
    const partsDir = join(server.dataDir, "files", shop.id, upload.id);
    expect(await readdir(partsDir)).toHaveLength(13);

    const done = await api("POST", `/uploads/${upload.id}/complete`, { json: {}, headers: idem() });
    expect(done.status, done.text).toBe(201);
    expect(done.body.data).toMatchObject({
      name: "big-archive.zip",
      size: data.length,
      type: "application/zip",
      uploaded: true,
    });
    const [file] = await db.select().from(files).where(eq(files.id, done.body.data.id));
    expect(file).toMatchObject({
      shopId: shop.id,
      source: "direct_upload",
      checksumSha256: checksum,
      size: data.length,
      uploaded: true,
      isEncrypted: true,
    });
    const back = await readStored(file!.storageKey, file!.encryption);
    expect(back.length).toBe(data.length);
    expect(sha256(back)).toBe(checksum);
    // Staged parts are deleted once assembled.
    expect(existsSync(partsDir)).toBe(false);

    const after = await api("GET", `/uploads/${upload.id}`);
    expect(after.body.data).toMatchObject({
      status: "completed",
      file_id: file!.id,
      missing_parts: [],
      bytes_received: data.length,
    });
    expect(after.body.data.parts[0].url).toBeUndefined();
    // The file is in the library like any other.
    const listed = await api("GET", "/files?q=big-archive");
    expect(listed.body.data.map((f: any) => f.id)).toEqual([file!.id]);

    // Same bytes declared again: the new session points at the existing file.
    const again = await create({ name: "copy.zip", size: data.length, checksum_sha256: checksum });
    expect(again.body.data.duplicate_of).toEqual({ id: file!.id, name: "big-archive.zip" });
    expect(again.body.data.part_size).toBe(16 * MiB);
    expect(again.body.data.part_count).toBe(4);

    // A completed upload takes nothing more.
    expectError(await putPart(upload.id, 1, partOf(data, 1)), 409, "upload_completed", "id");
    expectError(
      await api("POST", `/uploads/${upload.id}/complete`, { json: {}, headers: idem() }),
      409,
      "upload_completed",
    );
    expectError(
      await api("DELETE", `/uploads/${upload.id}`, { headers: idem() }),
      409,
      "upload_completed",
    );
  }, 180_000);

  it("a one-byte file is one part; a wrong declared checksum is 422 at completion", async () => {
    const one = await create({ name: "tiny.txt", size: 1, content_type: "text/plain" });
    expect(one.status).toBe(201);
    expect(one.body.data).toMatchObject({ part_count: 1, parts: [{ part_number: 1, size: 1 }] });
    expect((await putPart(one.body.data.id, 1, Buffer.from("x"))).status).toBe(200);
    const done = await api("POST", `/uploads/${one.body.data.id}/complete`, {
      json: {},
      headers: idem(),
    });
    expect(done.status).toBe(201);
    expect(done.body.data.size).toBe(1);

    const wrong = await create({ name: "w.bin", size: 10, checksum_sha256: "ab".repeat(32) });
    await putPart(wrong.body.data.id, 1, Buffer.alloc(10, 7));
    expectError(
      await api("POST", `/uploads/${wrong.body.data.id}/complete`, { json: {}, headers: idem() }),
      422,
      "checksum_mismatch",
      "checksum_sha256",
    );
    // Nothing half-made is left behind, and the session can still be fixed or aborted.
    const rows = await db
      .select()
      .from(files)
      .where(and(eq(files.shopId, shop.id), eq(files.name, "w.bin")));
    expect(rows).toEqual([]);
    const status = await api("GET", `/uploads/${wrong.body.data.id}`);
    expect(status.body.data).toMatchObject({ status: "pending", missing_parts: [] });
    const aborted = await api("DELETE", `/uploads/${wrong.body.data.id}`, { headers: idem() });
    expect(aborted.status).toBe(200);
    expect(aborted.body.data.status).toBe("aborted");
    expect(existsSync(join(server.dataDir, "files", shop.id, wrong.body.data.id))).toBe(false);
    expectError(await putPart(wrong.body.data.id, 1, Buffer.alloc(10)), 409, "upload_aborted");
    expectError(
      await api("POST", `/uploads/${wrong.body.data.id}/complete`, { json: {}, headers: idem() }),
      409,
      "upload_aborted",
    );
    expectError(
      await api("DELETE", `/uploads/${wrong.body.data.id}`, { headers: idem() }),
      409,
      "upload_aborted",
    );
  });

  it("refuses bad sessions: size, part size, part count, body fields", async () => {
    expectError(await create({ name: "z", size: 0 }), 400, "validation_failed", "size");
    expectError(
      await create({ name: "z", size: 60 * 1024 * MiB + 1 }),
      413,
      "payload_too_large",
      "size",
    );
    expectError(
      await create({ name: "z", size: 100, part_size: 5 * MiB - 1 }),
      400,
      "validation_failed",
      "part_size",
    );
    expectError(
      await create({ name: "z", size: 100, part_size: 100 * MiB + 1 }),
      400,
      "validation_failed",
      "part_size",
    );
    // 10,001 parts of 5 MiB.
    expectError(
      await create({ name: "z", size: 10_000 * PART + 1, part_size: PART }),
      400,
      "validation_failed",
      "part_size",
    );
    expect((await create({ name: "z", size: 10_000 * PART, part_size: PART })).status).toBe(201);
    expectError(await create({ name: "", size: 5 }), 400, "validation_failed", "name");
    expectError(
      await create({ name: "z", size: 5, checksum_sha256: "nothex" }),
      400,
      "validation_failed",
      "checksum_sha256",
    );
    expectError(await create({ name: "z", size: 5, shop_id: "x" }), 400, "validation_failed");
  });

  it("refuses bad parts: range, size (declared and streamed), digests; keeps the good copy", async () => {
    const data = randomBytes(PART + 1000);
    const { body } = await create({ name: "p.bin", size: data.length, part_size: PART });
    const id = body.data.id;
    expectError(await putPart(id, 3, Buffer.alloc(10)), 400, "validation_failed", "part_number");
    expectError(await putPart(id, 0, Buffer.alloc(10)), 400, "validation_failed", "part_number");
    // Declared too short / too long.
    expectError(await putPart(id, 2, Buffer.alloc(999)), 400, "part_size_mismatch", "part_number");
    expectError(await putPart(id, 2, Buffer.alloc(1001)), 413, "payload_too_large", "part_number");
    // Chunked (no Content-Length): counted while streaming.
    expectError(
      await putPart(id, 1, chunkedBody(randomBytes(PART + 1))),
      413,
      "payload_too_large",
      "part_number",
    );
    expectError(
      await putPart(id, 1, chunkedBody(randomBytes(PART - 1))),
      400,
      "part_size_mismatch",
    );
    // A good part 2, then a bad re-send that fails its digest: the good copy stays.
    const good = partOf(data, 2);
    expect((await putPart(id, 2, good, { "X-Content-SHA256": sha256(good) })).status).toBe(200);
    const bad = Buffer.from(good);
    bad[0] = bad[0]! ^ 1;
    expectError(
      await putPart(id, 2, bad, { "X-Content-SHA256": sha256(good) }),
      422,
      "checksum_mismatch",
      "X-Content-SHA256",
    );
    expectError(
      await putPart(id, 2, bad, { "Content-MD5": md5b64(good) }),
      422,
      "checksum_mismatch",
      "Content-MD5",
    );
    expectError(
      await putPart(id, 2, good, { "Content-MD5": "not-base64" }),
      400,
      "validation_failed",
      "Content-MD5",
    );
    expectError(
      await putPart(id, 2, good, { "X-Content-SHA256": "123" }),
      400,
      "validation_failed",
      "X-Content-SHA256",
    );
    const chunked = await putPart(id, 1, chunkedBody(partOf(data, 1)));
    expect(chunked.status, chunked.text).toBe(200);
    const done = await api("POST", `/uploads/${id}/complete`, { json: {}, headers: idem() });
    expect(done.status, done.text).toBe(201);
    const [file] = await db.select().from(files).where(eq(files.id, done.body.data.id));
    expect(file!.checksumSha256).toBe(sha256(data));
    expect(sha256(await readStored(file!.storageKey, file!.encryption))).toBe(sha256(data));

    expectError(await api("GET", "/uploads/upl_nope"), 404, "not_found", "id");
    expectError(await putPart("upl_nope", 1, Buffer.alloc(1)), 404, "not_found", "id");
    expectError(
      await api("POST", "/uploads/upl_nope/complete", { json: {}, headers: idem() }),
      404,
      "not_found",
    );
    expectError(await api("DELETE", "/uploads/upl_nope", { headers: idem() }), 404, "not_found");
  });

  it("sweeps expired sessions: parts deleted, status expired, then 409", async () => {
    const { body } = await create({ name: "left.bin", size: 20, part_size: PART });
    const id = body.data.id;
    expect((await putPart(id, 1, Buffer.alloc(20, 1))).status).toBe(200);
    const dir = join(server.dataDir, "files", shop.id, id);
    expect(await readdir(dir)).toHaveLength(1);
    await db
      .update(uploads)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(uploads.id, id));
    // Already refused before the sweep gets to it.
    expectError(await putPart(id, 1, Buffer.alloc(20, 1)), 409, "upload_expired", "id");
    // The sweep marks the row first (no part gets in after), then deletes the parts.
    await waitFor(
      async () => {
        const [row] = await db.select().from(uploads).where(eq(uploads.id, id));
        return row!.status === "expired" && !existsSync(dir);
      },
      { timeoutMs: 15_000 },
    );
    expect(existsSync(dir)).toBe(false);
    const [row] = await db.select().from(uploads).where(eq(uploads.id, id));
    expect(row!.parts).toEqual([]);
    const status = await api("GET", `/uploads/${id}`);
    expect(status.body.data.status).toBe("expired");
    expectError(
      await api("POST", `/uploads/${id}/complete`, { json: {}, headers: idem() }),
      409,
      "upload_expired",
    );
  });

  it("keeps shops apart: another shop's upload is 404 everywhere", async () => {
    const other = await createShop(db);
    const otherApi = contractApi(contract, server.url, (await createApiToken(db, other)).token);
    const { body } = await create({ name: "mine.bin", size: 8 });
    const id = body.data.id;
    expectError(await otherApi("GET", `/uploads/${id}`), 404, "not_found");
    expectError(await putPart(id, 1, Buffer.alloc(8), {}, otherApi), 404, "not_found");
    expectError(
      await otherApi("POST", `/uploads/${id}/complete`, { json: {}, headers: idem() }),
      404,
      "not_found",
    );
    expectError(await otherApi("DELETE", `/uploads/${id}`, { headers: idem() }), 404, "not_found");
    // Nothing the other shop did touched it.
    expect((await putPart(id, 1, Buffer.alloc(8))).status).toBe(200);
    const done = await api("POST", `/uploads/${id}/complete`, { json: {}, headers: idem() });
    expect(done.status).toBe(201);
    // …and a duplicate check never looks into another shop.
    const dup = await create(
      { name: "same.bin", size: 8, checksum_sha256: sha256(Buffer.alloc(8)) },
      otherApi,
    );
    expect(dup.body.data.duplicate_of).toBeNull();
  });

  it("shops requiring Idempotency-Key: 400 on POST/DELETE without it; part PUTs are exempt", async () => {
    const strict = await createShop(db, { requireIdempotencyKey: true });
    const strictApi = contractApi(contract, server.url, (await createApiToken(db, strict)).token);
    expectError(
      await strictApi("POST", "/uploads", { json: { name: "a", size: 3 } }),
      400,
      "idempotency_key_required",
    );
    const created = await create({ name: "a", size: 3 }, strictApi);
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    // No key on a part: fine (sending the same part again is harmless by design).
    expect((await putPart(id, 1, Buffer.from("abc"), {}, strictApi)).status).toBe(200);
    expect((await putPart(id, 1, Buffer.from("abc"), {}, strictApi)).status).toBe(200);
    expectError(
      await strictApi("POST", `/uploads/${id}/complete`, { json: {} }),
      400,
      "idempotency_key_required",
    );
    expectError(await strictApi("DELETE", `/uploads/${id}`), 400, "idempotency_key_required");
    const headers = idem();
    const done = await strictApi("POST", `/uploads/${id}/complete`, { json: {}, headers });
    expect(done.status).toBe(201);
    // A retried completion with the same key replays the same file.
    const replay = await strictApi("POST", `/uploads/${id}/complete`, { json: {}, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.data.id).toBe(done.body.data.id);
  });

  it("a file attached to a product cannot be deleted (409 names the products)", async () => {
    const { body } = await create({ name: "attached.pdf", size: 4 });
    await putPart(body.data.id, 1, Buffer.from("%PDF"));
    const done = await api("POST", `/uploads/${body.data.id}/complete`, {
      json: {},
      headers: idem(),
    });
    const [file] = await db.select().from(files).where(eq(files.id, done.body.data.id));
    await createDigitalProduct(db, shop, { name: "Course A" }, [file!]);
    await createDigitalProduct(db, shop, { name: "Course B" }, [file!]);
    const res = await api("DELETE", `/files/${file!.id}`, { headers: idem() });
    expectError(res, 409, "file_attached");
    expect(res.body.error.message).toMatch(/digital products "Course A" \(prod_\w+\), "Course B"/);
  });
});

describe("direct uploads on S3 (s3rver on 127.0.0.1): presigned parts", () => {
  let s3: S3rver;
  let s3Dir: string;
  let s3Server: TestServer;
  let s3Db: Db;
  let s3Api: ReturnType<typeof contractApi>;
  let client: S3Client;
  const BUCKET = "handoff-uploads";

  beforeAll(async () => {
    s3Dir = await mkdtemp(join(tmpdir(), "handoff-s3rver-"));
    s3 = new S3rver({ address: "127.0.0.1", port: 0, directory: s3Dir, silent: true });
    const { port } = (await s3.run()) as { port: number };
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
    client = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    s3Server = await startServer({
      env: {
        STORAGE_DRIVER: "s3",
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: endpoint,
        S3_ACCESS_KEY_ID: "S3RVER",
        S3_SECRET_ACCESS_KEY: "S3RVER",
        API_RATE_LIMIT_PER_MINUTE: "100000",
        API_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000",
      },
    });
    s3Db = connectToServerDb(s3Server);
    const s3Shop = await createShop(s3Db);
    s3Api = contractApi(
      await loadContract(s3Server.url),
      s3Server.url,
      (await createApiToken(s3Db, s3Shop)).token,
    );
  }, 120_000);
  afterAll(async () => {
    await closeDb(s3Db);
    await s3Server?.stop();
    client?.destroy();
    await s3?.close();
    await rm(s3Dir, { recursive: true, force: true });
  });

  it("parts go straight to the bucket; status lists them; complete assembles one object", async () => {
    const data = randomBytes(2 * PART + 12_345);
    const created = await s3Api("POST", "/uploads", {
      json: {
        name: "bucket.bin",
        size: data.length,
        part_size: PART,
        checksum_sha256: sha256(data),
      },
      headers: idem(),
    });
    expect(
      created.status,
      created.text +
        s3Server
          .logs()
          .filter((l) => l.includes("error"))
          .join("\n"),
    ).toBe(201);
    const upload = created.body.data;
    expect(upload.part_target).toBe("s3");
    expect(upload.parts[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/handoff-uploads\/.+uploadId=/);

    const etags: Record<number, string> = {};
    for (const n of [1, 3]) {
      const res = await fetch(upload.parts[n - 1].url, {
        method: "PUT",
        body: partOf(data, n) as unknown as BodyInit,
      });
      expect(res.status, await res.text()).toBe(200);
      etags[n] = res.headers.get("etag")!;
    }
    // Part 2 through our own part endpoint (the admin's path): same session, same bucket.
    // A wrong digest is refused on this path too (the bucket got the bytes; our record not).
    expectError(
      await putPart(
        upload.id,
        2,
        partOf(data, 2),
        { "Content-MD5": md5b64(partOf(data, 1)) },
        s3Api,
      ),
      422,
      "checksum_mismatch",
      "Content-MD5",
    );
    const viaApi = await putPart(
      upload.id,
      2,
      partOf(data, 2),
      { "Content-MD5": md5b64(partOf(data, 2)), "X-Content-SHA256": sha256(partOf(data, 2)) },
      s3Api,
    );
    expect(viaApi.status, viaApi.text).toBe(200);
    expect(viaApi.body.data.sha256).toBe(sha256(partOf(data, 2)));
    etags[2] = viaApi.body.data.etag;
    // s3rver has no ListParts, so the status knows the part that came through us; on AWS
    // the bucket's list shows the presigned ones too.
    const status = await s3Api("GET", `/uploads/${upload.id}`);
    expect(status.body.data.missing_parts).toEqual([1, 3]);
    expect(status.body.data.bytes_received).toBe(PART);
    expectError(
      await s3Api("POST", `/uploads/${upload.id}/complete`, { json: {}, headers: idem() }),
      409,
      "upload_incomplete",
    );
    expectError(
      await s3Api("POST", `/uploads/${upload.id}/complete`, {
        json: { parts: [{ part_number: 1, etag: etags[1] }] },
        headers: idem(),
      }),
      409,
      "upload_incomplete",
      "parts",
    );
    const done = await s3Api("POST", `/uploads/${upload.id}/complete`, {
      json: { parts: [1, 2, 3].map((n) => ({ part_number: n, etag: etags[n] })) },
      headers: idem(),
    });
    expect(done.status, done.text).toBe(201);
    const [file] = await s3Db.select().from(files).where(eq(files.id, done.body.data.id));
    expect(file).toMatchObject({
      storageDriver: "s3",
      source: "direct_upload",
      isEncrypted: false,
      checksumSha256: sha256(data),
      size: data.length,
    });
    const object = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: file!.storageKey }),
    );
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(sha256(bytes)).toBe(sha256(data));
  });

  it("abort ends the session (and the bucket's multipart upload where the store supports it)", async () => {
    const created = await s3Api("POST", "/uploads", {
      json: { name: "gone.bin", size: PART + 1, part_size: PART },
      headers: idem(),
    });
    const upload = created.body.data;
    const res = await fetch(upload.parts[0].url, { method: "PUT", body: randomBytes(PART) });
    expect(res.status).toBe(200);
    const aborted = await s3Api("DELETE", `/uploads/${upload.id}`, { headers: idem() });
    expect(aborted.status, aborted.text).toBe(200);
    expect(aborted.body.data.status).toBe("aborted");
    expectError(await putPart(upload.id, 2, Buffer.from("x"), {}, s3Api), 409, "upload_aborted");
    const status = await s3Api("GET", `/uploads/${upload.id}`);
    expect(status.body.data).toMatchObject({ status: "aborted", file_id: null });
    expect(status.body.data.parts[0].url).toBeUndefined();
  });
});
