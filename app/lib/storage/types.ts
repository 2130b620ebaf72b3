import type { Readable } from "node:stream";

export interface StoredObject {
  /** Plaintext size in bytes. */
  size: number;
  /** Hex SHA-256 of the plaintext. */
  sha256: string;
  /** Hex MD5 of the plaintext, when `put` was asked for it (S3-style part ETags). */
  md5?: string;
  /**
   * Set when the bytes were encrypted at rest: store it in `files.encryption` (and
   * `files.is_encrypted = true`). Never contains the key.
   */
  encryption?: FileEncryptionMeta;
}

export interface ByteRange {
  /** Inclusive first byte. */
  start: number;
  /** Inclusive last byte. */
  end: number;
}

/** What `files.encryption` holds for an encrypted object (see encryption.server.ts). */
export interface FileEncryptionMeta {
  algorithm: "aes-256-gcm-chunked";
  version: 1;
  /** Plaintext bytes per chunk; each stored chunk is this plus a 16-byte GCM tag. */
  chunkSize: number;
  /** Base64 of the random 8-byte per-object nonce prefix (nonce = prefix ‖ u32 chunk index). */
  noncePrefix: string;
  /** Fingerprint of the key that encrypted it (never the key). */
  keyId: string;
  /** Plaintext size, so the last chunk is known without a stat. */
  size: number;
  [field: string]: unknown;
}

/**
 * A raw byte store. Everything streams: no driver may buffer a whole file, because files
 * run to gigabytes and the web process has a small, flat memory budget.
 */
export interface StorageDriver {
  readonly name: "local" | "s3";
  /**
   * Stores the bytes as given and says how many it stored. No hashing here: FileStorage
   * hashes the plaintext on the seal thread, and a driver pass would cost as much CPU
   * again for a digest of the ciphertext that nobody reads.
   */
  put(key: string, body: Readable | AsyncIterable<Uint8Array>): Promise<{ size: number }>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (which must end with "/"). */
  deletePrefix?(prefix: string): Promise<void>;
  /** A short-lived URL that serves the raw object directly (S3 only). */
  presignGet?(
    key: string,
    options: { expiresInSeconds: number; contentType: string; contentDisposition: string },
  ): Promise<string>;
  /** The object store's own multipart upload (S3 only; see direct uploads). */
  multipart?: NativeMultipart;
}

export interface NativePart {
  partNumber: number;
  etag: string;
  size: number;
}

/**
 * S3 multipart upload, used by direct uploads when the bytes can go to the bucket as they
 * are (no at-rest encryption of ours): clients send parts straight to presigned URLs and
 * the bucket assembles them, so the web process never touches the bytes.
 */
export interface NativeMultipart {
  /** Starts a multipart upload of `key`; returns the store's upload id. */
  create(key: string, options: { contentType: string }): Promise<string>;
  /** A presigned `UploadPart` URL for one part. */
  presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    expiresInSeconds: number,
  ): Promise<string>;
  /** Uploads one part through this process (exactly `size` bytes). */
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size: number,
  ): Promise<{ etag: string }>;
  /**
   * The parts the store holds so far, ascending; null when the store cannot list them
   * (some S3-compatible servers, s3rver among them, lack ListParts).
   */
  listParts(key: string, uploadId: string): Promise<NativePart[] | null>;
  /** Assembles the parts into the object `key`. */
  complete(
    key: string,
    uploadId: string,
    parts: Array<{ partNumber: number; etag: string }>,
  ): Promise<void>;
  /** Drops the upload and its parts (already gone = fine). */
  abort(key: string, uploadId: string): Promise<void>;
}

export interface PutOptions {
  /** Encrypt at rest (chunked AES-256-GCM). Default: plain bytes. */
  encrypt?: boolean;
  /** Also compute the plaintext's MD5 (on the hash thread, like the SHA-256). */
  md5?: boolean;
}

export interface GetOptions {
  /** Plaintext byte range; omitted = the whole object. */
  range?: ByteRange;
  /** `files.encryption` of the object; null/undefined = stored plain. */
  encryption?: FileEncryptionMeta | Record<string, unknown> | null;
}

/**
 * What the app uses (`storage()`): a driver plus transparent at-rest encryption. Plain
 * objects (older rows, seed data) stay readable: the caller passes `encryption` from the
 * file row, and without it bytes are returned as stored.
 */
export interface FileStorage {
  readonly name: "local" | "s3";
  /** Whether new files should be encrypted (STORAGE_ENCRYPTION; on by default for local). */
  readonly encryptsByDefault: boolean;
  put(
    key: string,
    body: Readable | AsyncIterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<StoredObject>;
  get(key: string, options?: GetOptions): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** A presigned URL, when the driver supports it and the object is stored plain. */
  presignGet?(
    key: string,
    options: { expiresInSeconds: number; contentType: string; contentDisposition: string },
  ): Promise<string>;
  /**
   * The store's native multipart upload, when new files are stored plain on a driver
   * that has one (S3 without STORAGE_ENCRYPTION=on). Otherwise direct uploads stage
   * their parts as objects (see parts.server.ts).
   */
  multipart?: NativeMultipart;
}
