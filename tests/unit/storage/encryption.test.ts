import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import {
  DEFAULT_CHUNK_SIZE,
  encryptedSize,
  encryptionKeyFrom,
  loadEncryptionKey,
  StorageIntegrityError,
} from "~/lib/storage/encryption.server";
import { createFileStorage } from "~/lib/storage/index.server";
import { createLocalDriver } from "~/lib/storage/local-driver.server";
import type { FileStorage } from "~/lib/storage/types";

const CHUNK = DEFAULT_CHUNK_SIZE;
let root: string;
let store: FileStorage;
const key = encryptionKeyFrom(randomBytes(32));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "handoff-enc-"));
  store = createFileStorage(createLocalDriver(root), {
    key: async () => key,
    encryptsByDefault: true,
  });
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Feeds `body` in uneven pieces, as a network upload would. */
function uneven(body: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length;) {
    const n = 1 + ((i * 7919) % 50_000);
    parts.push(body.subarray(i, i + n));
    i += n;
  }
  return Readable.from(parts);
}

describe("chunked AES-256-GCM at rest", () => {
  it("round-trips files of awkward sizes and stores only ciphertext", async () => {
    const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17, 70 * CHUNK + 5];
    for (const size of sizes) {
      const body = randomBytes(size);
      const stored = await store.put(`s/${size}`, uneven(body), { encrypt: true });
      expect(stored.size).toBe(size);
      expect(stored.sha256, `sha256 of ${size} bytes`).toBe(
        createHash("sha256").update(body).digest("hex"),
      );
      expect(stored.encryption).toMatchObject({ algorithm: "aes-256-gcm-chunked", size });
      expect(JSON.stringify(stored.encryption)).not.toContain(key.key.toString("base64"));
      const onDisk = await readFile(join(root, "s", String(size)));
      expect(onDisk.length).toBe(encryptedSize(size));
      if (size >= 32) expect(onDisk.includes(body.subarray(0, 32))).toBe(false);
      const back = await buffer(await store.get(`s/${size}`, { encryption: stored.encryption }));
      expect(back.equals(body), `size ${size}`).toBe(true);
    }
  });

  it("writes exactly the documented layout, whatever the input pieces (format v1)", async () => {
    // An independent sealer for the layout in encryption.server.ts: records of chunkSize
    // bytes, nonce = prefix ‖ u32 index, AAD = label ‖ u32 index ‖ u8 last, then the tag.
    function sealByHand(plain: Buffer, chunkSize: number, prefix: Buffer): Buffer {
      const count = Math.max(1, Math.ceil(plain.length / chunkSize));
      const out: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const iv = Buffer.concat([
          prefix,
          Buffer.from([i >>> 24, i >>> 16, i >>> 8, i].map((b) => b & 255)),
        ]);
        const aad = Buffer.concat([
          Buffer.from("handoff-chunk-v1"),
          iv.subarray(8),
          Buffer.from([i === count - 1 ? 1 : 0]),
        ]);
        const cipher = createCipheriv("aes-256-gcm", key.key, iv);
        cipher.setAAD(aad);
        out.push(
          cipher.update(plain.subarray(i * chunkSize, (i + 1) * chunkSize)),
          cipher.final(),
          cipher.getAuthTag(),
        );
      }
      return Buffer.concat(out);
    }
    const body = randomBytes(4 * CHUNK + 999);
    const feeds: Array<[string, Readable]> = [
      ["uneven pieces", uneven(body)],
      ["one piece (records sealed in place)", Readable.from([body])],
      [
        "pieces of chunkSize + 1",
        Readable.from(
          Array.from({ length: 5 }, (_, i) =>
            body.subarray(i * (CHUNK + 1), (i + 1) * (CHUNK + 1)),
          ),
        ),
      ],
    ];
    for (const [label, feed] of feeds) {
      const stored = await store.put("s/layout", feed, { encrypt: true });
      const prefix = Buffer.from(String(stored.encryption!.noncePrefix), "base64");
      const onDisk = await readFile(join(root, "s", "layout"));
      expect(onDisk.equals(sealByHand(body, CHUNK, prefix)), label).toBe(true);
    }
    // Objects written with another record size (older defaults included) keep reading:
    // the size comes from their metadata, not from the constant.
    const prefix = randomBytes(8);
    await writeFile(join(root, "s", "older"), sealByHand(body, 16 * 1024, prefix));
    const meta = {
      algorithm: "aes-256-gcm-chunked",
      version: 1,
      chunkSize: 16 * 1024,
      noncePrefix: prefix.toString("base64"),
      keyId: key.id,
      size: body.length,
    };
    expect((await buffer(await store.get("s/older", { encryption: meta }))).equals(body)).toBe(
      true,
    );
    const range = { start: 16 * 1024 - 5, end: 3 * 16 * 1024 + 7 };
    expect(
      (await buffer(await store.get("s/older", { encryption: meta, range }))).equals(
        body.subarray(range.start, range.end + 1),
      ),
    ).toBe(true);
  });

  it("serves 300 random ranges, across chunk boundaries, exactly like the plaintext", async () => {
    const body = randomBytes(5 * CHUNK + 12_345);
    const stored = await store.put("s/ranges", uneven(body), { encrypt: true });
    const ranges: Array<[number, number]> = [
      [0, 0],
      [CHUNK - 1, CHUNK],
      [CHUNK, 2 * CHUNK - 1],
      [body.length - 1, body.length - 1],
      [0, body.length - 1],
    ];
    for (let i = 0; i < 295; i++) {
      const start = Math.floor(Math.random() * body.length);
      const end = Math.min(body.length - 1, start + Math.floor(Math.random() * 3 * CHUNK));
      ranges.push([start, end]);
    }
    for (const [start, end] of ranges) {
      const part = await buffer(
        await store.get("s/ranges", { encryption: stored.encryption, range: { start, end } }),
      );
      expect(part.equals(body.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it("fails on tampered, truncated or wrong-key ciphertext instead of returning garbage", async () => {
    const body = randomBytes(3 * CHUNK);
    const stored = await store.put("s/tamper", Readable.from([body]), { encrypt: true });
    const file = join(root, "s", "tamper");
    const original = await readFile(file);

    const flipped = Buffer.from(original);
    flipped[CHUNK + 16 + 100]! ^= 1; // inside chunk 1
    await writeFile(file, flipped);
    // Chunk 0 still decrypts; chunk 1 must fail before any of its bytes are emitted.
    const got: Buffer[] = [];
    const stream = await store.get("s/tamper", { encryption: stored.encryption });
    await expect(
      (async () => {
        for await (const chunk of stream) got.push(chunk as Buffer);
      })(),
    ).rejects.toBeInstanceOf(StorageIntegrityError);
    expect(Buffer.concat(got).equals(body.subarray(0, Buffer.concat(got).length))).toBe(true);
    expect(Buffer.concat(got).length).toBeLessThanOrEqual(CHUNK);

    // Dropping the last chunk: the new last chunk was not sealed as last.
    await writeFile(file, original.subarray(0, 2 * (CHUNK + 16)));
    await expect(
      buffer(
        await store.get("s/tamper", {
          encryption: { ...stored.encryption!, size: 2 * CHUNK },
        }),
      ),
    ).rejects.toBeInstanceOf(StorageIntegrityError);

    await writeFile(file, original);
    const other = createFileStorage(createLocalDriver(root), {
      key: async () => encryptionKeyFrom(randomBytes(32)),
      encryptsByDefault: true,
    });
    await expect(other.get("s/tamper", { encryption: stored.encryption })).rejects.toThrow(
      /encrypted with key/,
    );
  });

  it("keeps plain objects readable and streams the encrypted put without buffering", async () => {
    const plain = await store.put("s/plain", Readable.from([Buffer.from("hello")]));
    expect(plain.encryption).toBeUndefined();
    expect((await buffer(await store.get("s/plain"))).toString()).toBe("hello");
    expect(
      (await buffer(await store.get("s/plain", { range: { start: 1, end: 3 } }))).toString(),
    ).toBe("ell");
  });

  it("loads the key from env, or generates it once into DATA_DIR with a warning", async () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const envKey = randomBytes(32).toString("base64");
    expect((await loadEncryptionKey({ envKey, dataDir: root, warn })).key.toString("base64")).toBe(
      envKey,
    );
    expect(warnings).toEqual([]);
    const first = await loadEncryptionKey({ dataDir: root, warn });
    const second = await loadEncryptionKey({ dataDir: root, warn });
    expect(first.key.equals(second.key)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/FILE_ENCRYPTION_KEY is not set/);
    expect((await stat(join(root, "keys", "file-encryption.key"))).mode & 0o777).toBe(0o600);
  });
});
