import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { encryptionKeyFrom } from "~/lib/storage/encryption.server";
import { createFileStorage } from "~/lib/storage/index.server";
import { createS3Driver } from "~/lib/storage/s3-driver.server";
import type { StorageDriver } from "~/lib/storage/types";

let server: S3rver;
let dir: string;
let endpoint: string;
let driver: StorageDriver;
const BUCKET = "handoff-test";
const MiB = 1024 * 1024;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-s3rver-"));
  server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true });
  const { port } = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const admin = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
  driver = createS3Driver({
    bucket: BUCKET,
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    ...credentials,
    partSize: 5 * MiB,
  });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function chunked(body: Buffer, size = 256 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
    })(),
  );
}

describe("S3 driver (against s3rver on 127.0.0.1)", () => {
  it("puts, stats, reads whole and by range, deletes", async () => {
    const body = randomBytes(200_000);
    const stored = await driver.put("shop_a/file_1", chunked(body));
    expect(stored).toEqual({ size: body.length });
    expect(await driver.stat("shop_a/file_1")).toEqual({ size: body.length });
    expect((await buffer(await driver.get("shop_a/file_1"))).equals(body)).toBe(true);
    const part = await buffer(await driver.get("shop_a/file_1", { start: 1000, end: 1999 }));
    expect(part.equals(body.subarray(1000, 2000))).toBe(true);
    await driver.delete("shop_a/file_1");
    await driver.delete("shop_a/file_1");
    expect(await driver.stat("shop_a/file_1")).toBeNull();
  });

  it("uploads bodies bigger than a part as multipart and reads across part boundaries", async () => {
    const body = randomBytes(12 * MiB + 123);
    const stored = await driver.put("shop_a/big", chunked(body));
    expect(stored.size).toBe(body.length);
    const boundary = 5 * MiB;
    const part = await buffer(
      await driver.get("shop_a/big", { start: boundary - 10, end: boundary + 10 }),
    );
    expect(part.equals(body.subarray(boundary - 10, boundary + 11))).toBe(true);
    expect((await buffer(await driver.get("shop_a/big"))).equals(body)).toBe(true);
    await driver.delete("shop_a/big");
  });

  it("aborts the upload when the source fails, leaving no object", async () => {
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(6 * MiB);
        throw new Error("client went away");
      })(),
    );
    await expect(driver.put("shop_a/broken", failing)).rejects.toThrow("client went away");
    expect(await driver.stat("shop_a/broken")).toBeNull();
  });

  it("stores encrypted objects and serves plaintext ranges from them", async () => {
    const store = createFileStorage(driver, {
      key: async () => encryptionKeyFrom(randomBytes(32)),
      encryptsByDefault: false,
    });
    const body = randomBytes(300_000);
    const stored = await store.put("shop_b/enc", chunked(body, 10_000), { encrypt: true });
    expect(stored.encryption).toBeTruthy();
    expect(stored.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    const raw = await buffer(await driver.get("shop_b/enc"));
    expect(raw.includes(body.subarray(0, 64))).toBe(false);
    const part = await buffer(
      await store.get("shop_b/enc", {
        encryption: stored.encryption,
        range: { start: 65_000, end: 140_000 },
      }),
    );
    expect(part.equals(body.subarray(65_000, 140_001))).toBe(true);
  });

  it("presigns a short-lived GET that serves the object with our headers, and deletes by prefix", async () => {
    await driver.put("shop_c/file_9", Readable.from([Buffer.from("presigned bytes")]));
    const url = await driver.presignGet!("shop_c/file_9", {
      expiresInSeconds: 60,
      contentType: "text/plain",
      contentDisposition: 'attachment; filename="x.txt"',
    });
    expect(url).toMatch(/X-Amz-Expires=60/);
    const res = await fetch(url, { headers: { range: "bytes=0-8" } });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe("presigned");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="x.txt"');
    await driver.put("shop_c/sub/a", Readable.from([Buffer.from("a")]));
    await driver.deletePrefix!("shop_c/");
    expect(await driver.stat("shop_c/file_9")).toBeNull();
    expect(await driver.stat("shop_c/sub/a")).toBeNull();
  });
});
