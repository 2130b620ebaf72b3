import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { buffer } from "node:stream/consumers";
import {
  adoptBuffer,
  POOLED_BUFFER_BYTES,
  releaseBuffer,
  takeBuffer,
} from "~/lib/storage/buffer-pool.server";
import { createDecryptedStream, encryptionKeyFrom } from "~/lib/storage/encryption.server";
import { createSealStream, digestOf, terminateHashThread } from "~/lib/storage/seal-stream.server";

const MiB = 1024 * 1024;
const key = encryptionKeyFrom(randomBytes(32));
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** `body` in uneven pieces, as a network read would deliver it. */
function pieces(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length;) {
    const n = 1 + ((i * 7919) % 70_000);
    out.push(body.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Seals `body` and returns what the stream gave to store, plus its result. */
async function seal(body: Buffer, withKey: boolean) {
  const stream = createSealStream(withKey ? key : null);
  const [stored] = await Promise.all([
    buffer(stream),
    pipeline(Readable.from(pieces(body)), stream),
  ]);
  return { stored, result: stream.result() };
}

async function open(stored: Buffer, encryption: unknown): Promise<Buffer> {
  return buffer(
    await createDecryptedStream(key, encryption, async (range) =>
      Readable.from([stored.subarray(range.start, range.end + 1)]),
    ),
  );
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "handoff-seal-"));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe("seal stream (with the hash thread)", () => {
  it("serves many streams at once, each byte for byte with its own SHA-256", async () => {
    const bodies = [0, 1, MiB, 3 * MiB + 7, 5 * MiB + 4099].map((size) => randomBytes(size));
    const runs = await Promise.all(bodies.flatMap((body) => [seal(body, false), seal(body, true)]));
    for (const [i, body] of bodies.entries()) {
      const plain = runs[2 * i]!;
      const sealed = runs[2 * i + 1]!;
      expect(plain.stored.equals(body), `plain ${body.length}`).toBe(true);
      expect(plain.result).toEqual({ size: body.length, sha256: sha(body) });
      expect(sealed.result.size).toBe(body.length);
      expect(sealed.result.sha256).toBe(sha(body));
      expect((await open(sealed.stored, sealed.result.encryption)).equals(body)).toBe(true);
    }
  });

  it("adds the MD5 when asked, and digests a stream whose bytes are not kept", async () => {
    const body = randomBytes(2 * MiB + 12_345);
    const md5 = createHash("md5").update(body).digest("hex");
    const stream = createSealStream(null, { md5: true });
    const [stored] = await Promise.all([
      buffer(stream),
      pipeline(Readable.from(pieces(body)), stream),
    ]);
    expect(stored.equals(body)).toBe(true);
    expect(stream.result()).toEqual({ size: body.length, sha256: sha(body), md5 });
    expect(await digestOf(Readable.from(pieces(body)), { md5: true })).toEqual({
      size: body.length,
      sha256: sha(body),
      md5,
    });
    expect(await digestOf(Readable.from([]))).toEqual({ size: 0, sha256: sha(Buffer.alloc(0)) });
  });

  it("stops taking plaintext while nobody reads what it stored (memory stays bounded)", async () => {
    const stream = createSealStream(key);
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) {
          produced += MiB;
          yield Buffer.alloc(MiB, i);
        }
      })(),
    );
    const piping = pipeline(source, stream);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // In flight with the threads, waiting to be read, and the batch being filled: a few
    // MiB, nowhere near the 64 MiB on offer.
    expect(produced).toBeLessThanOrEqual(12 * MiB);
    const stored = await buffer(stream);
    await piping;
    expect(stream.result().size).toBe(64 * MiB);
    expect(stored.length).toBeGreaterThan(64 * MiB);
  });

  it("fails with the source's error and keeps serving the next stream", async () => {
    const stream = createSealStream(key);
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(3 * MiB);
        throw new Error("client went away");
      })(),
    );
    const reading = buffer(stream).catch(() => null);
    await expect(pipeline(failing, stream)).rejects.toThrow("client went away");
    await reading;
    const body = randomBytes(2 * MiB + 3);
    const next = await seal(body, true);
    expect(next.result.sha256).toBe(sha(body));
  });

  it("fails open streams with a clear error when the hash thread dies, and starts a new one after", async () => {
    const stream = createSealStream(key);
    const body = randomBytes(4 * MiB);
    const failed = expect(buffer(stream)).rejects.toThrow(/hash thread stopped/);
    stream.write(body.subarray(0, 2 * MiB));
    await terminateHashThread();
    await failed;
    const again = await seal(body, false);
    expect(again.result.sha256).toBe(sha(body));
  });

  it("does not keep the process alive once its streams are done", async () => {
    const script = join(root, "exits.mts");
    await writeFile(
      script,
      `import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { buffer } from "node:stream/consumers";
import { createSealStream } from ${JSON.stringify(join(process.cwd(), "app/lib/storage/seal-stream.server.ts"))};
const stream = createSealStream(null);
const [out] = await Promise.all([buffer(stream), pipeline(Readable.from([Buffer.from("hello")]), stream)]);
console.log(out.toString(), stream.result().sha256);
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(Buffer.concat(output).toString().trim()).toBe(`hello ${sha(Buffer.from("hello"))}`);
  });
});

describe("buffer pool", () => {
  it("hands released buffers out again, and ignores foreign or twice-released ones", () => {
    const first = takeBuffer();
    expect(first.length).toBe(POOLED_BUFFER_BYTES);
    const memory = first.buffer;
    releaseBuffer(first.subarray(0, 10));
    releaseBuffer(first); // twice: must not be handed out twice
    const again = takeBuffer();
    expect(again.buffer).toBe(memory);
    expect(takeBuffer().buffer).not.toBe(memory);

    const foreign = Buffer.alloc(POOLED_BUFFER_BYTES);
    releaseBuffer(foreign);
    expect(takeBuffer().buffer).not.toBe(foreign.buffer);
  });

  it("takes back a pooled buffer that travelled to another thread and returned", () => {
    // A transfer gives the same memory a new ArrayBuffer object; adopt marks it as ours.
    const moved = new ArrayBuffer(POOLED_BUFFER_BYTES);
    const view = adoptBuffer(new Uint8Array(moved, 0, 5));
    expect(view.length).toBe(5);
    releaseBuffer(view);
    expect(takeBuffer().buffer).toBe(moved);
  });

  it("is what the local driver gives back after writing", async () => {
    const { createLocalDriver } = await import("~/lib/storage/local-driver.server");
    const driver = createLocalDriver(root);
    const pooled = takeBuffer();
    pooled.fill(7);
    await driver.put("pool/a", Readable.from([pooled.subarray(0, 1000)]));
    expect((await readFile(join(root, "pool", "a"))).equals(Buffer.alloc(1000, 7))).toBe(true);
    expect(takeBuffer().buffer).toBe(pooled.buffer);
  });
});
