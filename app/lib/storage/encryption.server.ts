import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  type BinaryLike,
} from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import type { ByteRange, FileEncryptionMeta } from "./types";

/**
 * At-rest encryption that still serves byte ranges: the plaintext is cut into fixed-size
 * chunks, each sealed with AES-256-GCM on its own. A range decrypts only the chunks it
 * touches, and every byte handed out has passed its chunk's tag check first, so tampered
 * ciphertext is an error, never garbage.
 *
 * Stored layout: chunk 0 ‖ tag 0 ‖ chunk 1 ‖ tag 1 ‖ … (every chunk `chunkSize` bytes but
 * the last; an empty file is one empty chunk, so even emptiness is authenticated).
 * Nonce = 8-byte random per-object prefix ‖ u32 BE chunk index — unique per key as long
 * as prefixes do not collide (2^64 space; a key seals far fewer than 2^32 objects).
 * AAD = "handoff-chunk-v1" ‖ u32 index ‖ u8 last-flag: chunks cannot be reordered, and a
 * truncated object fails because its new last chunk was not sealed as last.
 *
 * New objects are cut into records by seal-stream.server.ts and sealed here.
 */

/**
 * Plaintext bytes per record of new objects (older ones keep theirs: it is in their
 * metadata). 256 KiB: a record costs a cipher setup and an allocation each, which at
 * 64 KiB made AES-GCM ~0.4 s of CPU per GiB instead of ~0.27 s; a range read decrypts at
 * most one record too many at each end, and a download holds one record in memory.
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm-chunked";
const AAD_LABEL = Buffer.from("handoff-chunk-v1");

export class StorageIntegrityError extends Error {
  override name = "StorageIntegrityError";
}

export interface EncryptionKey {
  key: Buffer;
  /** Fingerprint stored with each object, to name the key it needs. */
  id: string;
}

export function encryptionKeyFrom(key: Buffer): EncryptionKey {
  if (key.length !== 32) throw new Error("The file encryption key must be 32 bytes.");
  const id = createHash("sha256")
    .update("handoff-file-key\0")
    .update(key as BinaryLike)
    .digest("hex")
    .slice(0, 16);
  return { key, id };
}

/**
 * FILE_ENCRYPTION_KEY (base64, 32 bytes) if set; otherwise a key generated once into
 * `<dataDir>/keys/file-encryption.key` (mode 0600). Losing that file loses every
 * encrypted file, and replicas on different disks would each invent their own: set the
 * env variable in production.
 */
export async function loadEncryptionKey(options: {
  envKey?: string;
  dataDir: string;
  warn: (message: string, fields?: Record<string, unknown>) => void;
}): Promise<EncryptionKey> {
  if (options.envKey) return encryptionKeyFrom(Buffer.from(options.envKey, "base64"));
  const file = path.resolve(options.dataDir, "keys", "file-encryption.key");
  try {
    return encryptionKeyFrom(Buffer.from((await readFile(file, "utf8")).trim(), "base64"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // `wx`: two processes booting together must not each write a different key.
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    options.warn(
      "FILE_ENCRYPTION_KEY is not set: generated a file encryption key. Back it up, or set FILE_ENCRYPTION_KEY; without it the encrypted files cannot be read.",
      { key_file: file },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return encryptionKeyFrom(Buffer.from((await readFile(file, "utf8")).trim(), "base64"));
}

function nonce(prefix: Buffer, index: number): Buffer {
  const iv = Buffer.allocUnsafe(12);
  prefix.copy(iv, 0, 0, 8);
  iv.writeUInt32BE(index, 8);
  return iv;
}

function aad(index: number, last: boolean): Buffer {
  const out = Buffer.allocUnsafe(AAD_LABEL.length + 5);
  AAD_LABEL.copy(out, 0);
  out.writeUInt32BE(index, AAD_LABEL.length);
  out.writeUInt8(last ? 1 : 0, AAD_LABEL.length + 4);
  return out;
}

/** The stored (ciphertext + tags) size of a plaintext of `size` bytes. */
export function encryptedSize(size: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  return size + Math.max(1, Math.ceil(size / chunkSize)) * TAG_BYTES;
}

/**
 * A record is encrypted in slices of this size. Cipher output is fresh memory the garbage
 * collector has to find: 256 KiB pieces set off full GCs often enough that encrypted
 * ingest fell to 0.39x curl (measured); 64 KiB pieces do not (0.68x), and 16 KiB pieces
 * only add calls.
 */
const UPDATE_SLICE = 64 * 1024;

/**
 * Seals the records of one new object, in order: `seal(plain, last)` hands out the
 * record's ciphertext and its tag, as they are to be stored. The caller decides where
 * records start and which is last (seal-stream.server.ts cuts them from its batches).
 */
export function createRecordSealer(key: EncryptionKey, chunkSize = DEFAULT_CHUNK_SIZE) {
  const prefix = randomBytes(8);
  let index = 0;
  return {
    chunkSize,
    seal(plain: Buffer, last: boolean, emit: (piece: Buffer) => void): void {
      if (index > 0xffffffff) throw new Error("File too large for this chunk size.");
      const cipher = createCipheriv("aes-256-gcm", key.key, nonce(prefix, index));
      cipher.setAAD(aad(index, last));
      for (let offset = 0; offset < plain.length; offset += UPDATE_SLICE) {
        emit(cipher.update(plain.subarray(offset, offset + UPDATE_SLICE)));
      }
      cipher.final();
      emit(cipher.getAuthTag());
      index++;
    },
    /** What `files.encryption` keeps for the object, once its plaintext `size` is known. */
    meta(size: number): FileEncryptionMeta {
      return {
        algorithm: ALGORITHM,
        version: 1,
        chunkSize,
        noncePrefix: prefix.toString("base64"),
        keyId: key.id,
        size,
      };
    },
  };
}

/** Validates `files.encryption` as read from the database. */
export function parseEncryptionMeta(value: unknown): FileEncryptionMeta {
  const meta = value as Partial<FileEncryptionMeta> | null;
  if (
    !meta ||
    meta.algorithm !== ALGORITHM ||
    meta.version !== 1 ||
    !Number.isInteger(meta.chunkSize) ||
    (meta.chunkSize ?? 0) < 1 ||
    !Number.isInteger(meta.size) ||
    (meta.size ?? -1) < 0 ||
    typeof meta.noncePrefix !== "string" ||
    Buffer.from(meta.noncePrefix, "base64").length !== 8 ||
    typeof meta.keyId !== "string"
  ) {
    throw new StorageIntegrityError("Unreadable encryption metadata for a stored file.");
  }
  return meta as FileEncryptionMeta;
}

/**
 * Streams the plaintext `range` (default: everything) of an encrypted object.
 * `readRaw(rawRange)` returns the stored bytes of that inclusive range.
 */
export async function createDecryptedStream(
  key: EncryptionKey,
  metaInput: unknown,
  readRaw: (range: ByteRange) => Promise<Readable>,
  range?: ByteRange,
): Promise<Readable> {
  const meta = parseEncryptionMeta(metaInput);
  if (meta.keyId !== key.id) {
    throw new StorageIntegrityError(
      `This file was encrypted with key ${meta.keyId}, but the configured key is ${key.id}.`,
    );
  }
  const { chunkSize, size } = meta;
  const prefix = Buffer.from(meta.noncePrefix, "base64");
  const chunks = Math.max(1, Math.ceil(size / chunkSize));
  const plainLength = (i: number) => (i < chunks - 1 ? chunkSize : size - (chunks - 1) * chunkSize);

  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? size - 1, size - 1);
  if (start < 0 || (size > 0 && start > end) || (size === 0 && start !== 0)) {
    throw new RangeError(`Range ${start}-${end} is outside a ${size}-byte file.`);
  }
  const first = Math.floor(start / chunkSize);
  const last = size === 0 ? 0 : Math.floor(end / chunkSize);
  const stride = chunkSize + TAG_BYTES;
  const raw = await readRaw({
    start: first * stride,
    end: last * stride + plainLength(last) + TAG_BYTES - 1,
  });

  let index = first;
  // Reused for every chunk: decipher.update() returns new memory for the plaintext.
  const buffer = Buffer.allocUnsafe(stride);
  let fill = 0;

  function open(stream: Transform): void {
    const stored = plainLength(index) + TAG_BYTES;
    const body = buffer.subarray(0, stored - TAG_BYTES);
    const tag = buffer.subarray(stored - TAG_BYTES, stored);
    const decipher = createDecipheriv("aes-256-gcm", key.key, nonce(prefix, index));
    decipher.setAAD(aad(index, index === chunks - 1));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = decipher.update(body);
      decipher.final();
    } catch {
      throw new StorageIntegrityError(`Stored file failed its integrity check (chunk ${index}).`);
    }
    const base = index * chunkSize;
    const from = Math.max(start, base) - base;
    const to = Math.min(end, base + plain.length - 1) - base + 1;
    if (to > from)
      stream.push(from === 0 && to === plain.length ? plain : plain.subarray(from, to));
    index++;
    fill = 0;
  }

  const decrypt = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        let offset = 0;
        while (offset < chunk.length) {
          if (index > last) throw new StorageIntegrityError("Stored file is longer than expected.");
          const need = plainLength(index) + TAG_BYTES - fill;
          const n = Math.min(need, chunk.length - offset);
          chunk.copy(buffer, fill, offset, offset + n);
          fill += n;
          offset += n;
          if (n === need) open(this);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      if (index <= last) {
        done(new StorageIntegrityError("Stored file is shorter than expected (truncated)."));
      } else {
        done();
      }
    },
  });
  raw.once("error", (error) => decrypt.destroy(error));
  decrypt.once("close", () => raw.destroy());
  return raw.pipe(decrypt);
}
