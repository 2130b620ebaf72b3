import { pipeline } from "node:stream/promises";
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { getDb, type Db } from "~/db/client.server";
import { files, uploads, type FileRow, type Upload, type UploadPart } from "~/db/schema";
import { ApiError, notFound } from "~/lib/api/errors";
import { env } from "~/lib/env.server";
import { newId } from "~/lib/ids";
import { log, rootLogger } from "~/lib/request-context.server";
import { fileStorageKey, storage, storedFileColumns } from "~/lib/storage/index.server";
import {
  assembleStagedParts,
  deleteStagedParts,
  stagedPartKey,
  writeStagedPart,
} from "~/lib/storage/parts.server";
import { createSealStream, digestOf } from "~/lib/storage/seal-stream.server";
import type { FileStorage, StoredObject } from "~/lib/storage/types";
import { findFileByChecksum } from "./files.server";

/**
 * Direct uploads: a client declares a file, sends it in numbered parts (in any order,
 * any part again), then completes it into one stored file. Parts go either to our part
 * endpoint (staged as storage objects, assembled by streaming) or, on S3 without our
 * at-rest encryption, straight to the bucket through presigned `UploadPart` URLs. An
 * interrupted client asks which parts arrived and sends only the rest.
 */

const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 100 * MiB;
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 16 * MiB;
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** A completion still running this long after expiry is presumed dead (crashed process). */
const STUCK_COMPLETION_MS = 60 * 60 * 1000;

export type PartTarget = "api" | "s3";

export interface PartInfo {
  partNumber: number;
  size: number;
  received: boolean;
  /** Where to PUT it; only while the upload is pending. */
  url?: string;
}

export interface UploadDetail extends Upload {
  partCount: number;
  partTarget: PartTarget;
  partsInfo: PartInfo[];
  missingParts: number[];
  /** A file of this shop with the declared checksum, if one exists. */
  duplicateOf?: { id: string; name: string } | null;
}

export function maxUploadBytes(): number {
  return env().DIRECT_UPLOAD_MAX_BYTES;
}

export function partCountOf(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

export function partSizeOf(upload: Pick<Upload, "size" | "partSize">, partNumber: number): number {
  const count = partCountOf(upload.size, upload.partSize);
  return partNumber < count ? upload.partSize : upload.size - (count - 1) * upload.partSize;
}

/** Smallest whole-MiB part size ≥ the default that keeps the upload within 10,000 parts. */
export function defaultPartSize(size: number): number {
  const needed = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(DEFAULT_PART_SIZE, needed));
}

function partTarget(store: FileStorage, upload: Pick<Upload, "storageUploadId">): PartTarget {
  return upload.storageUploadId && store.multipart ? "s3" : "api";
}

function apiPartUrl(uploadId: string, partNumber: number): string {
  return `${env().SHOPIFY_APP_URL.replace(/\/+$/, "")}/public-api/v1/uploads/${uploadId}/parts/${partNumber}`;
}

async function loadUpload(shopId: string, uploadId: string, db: Db = getDb()): Promise<Upload> {
  const [row] = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.shopId, shopId), eq(uploads.id, uploadId)))
    .limit(1);
  if (!row) throw notFound("upload", "id");
  return row;
}

function isExpired(upload: Upload, now = Date.now()): boolean {
  return (
    upload.status === "expired" ||
    (upload.status === "pending" && upload.expiresAt.getTime() <= now)
  );
}

/** The 409 for an upload that can no longer take parts or be completed. */
function assertPending(upload: Upload): void {
  if (isExpired(upload)) {
    throw new ApiError(
      "upload_expired",
      `This upload expired at ${upload.expiresAt.toISOString()} and its parts were discarded. Start a new upload.`,
      { param: "id" },
    );
  }
  if (upload.status === "completed") {
    throw new ApiError(
      "upload_completed",
      `This upload is already complete: it is file ${upload.fileId ?? "(deleted)"}.`,
      { param: "id" },
    );
  }
  if (upload.status === "aborted") {
    throw new ApiError("upload_aborted", "This upload was aborted. Start a new upload.", {
      param: "id",
    });
  }
}

async function detail(upload: Upload, store: FileStorage = storage()): Promise<UploadDetail> {
  const count = partCountOf(upload.size, upload.partSize);
  const target = partTarget(store, upload);
  const pending = upload.status === "pending" && !isExpired(upload);
  let received: Map<number, number>;
  let bytesReceived = upload.bytesReceived;
  // The bucket is the truth for S3: clients PUT parts there without telling us. A store
  // that cannot list parts falls back to the parts that came through our endpoint.
  const listed =
    target === "s3" && pending
      ? await store.multipart!.listParts(upload.storageKey, upload.storageUploadId!)
      : null;
  if (listed) {
    received = new Map(listed.map((p) => [p.partNumber, p.size]));
    bytesReceived = listed.reduce((sum, p) => sum + p.size, 0);
  } else {
    received = new Map(upload.parts.map((p) => [p.partNumber, p.size]));
  }
  if (upload.status === "completed") bytesReceived = upload.size;
  const ttlSeconds = Math.max(
    60,
    Math.min(24 * 3600, Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000)),
  );
  const partsInfo: PartInfo[] = [];
  const missingParts: number[] = [];
  for (let n = 1; n <= count; n++) {
    const size = partSizeOf(upload, n);
    const ok = received.get(n) === size;
    if (!ok && upload.status !== "completed") missingParts.push(n);
    let url: string | undefined;
    if (pending) {
      url =
        target === "s3"
          ? await store.multipart!.presignPart(
              upload.storageKey,
              upload.storageUploadId!,
              n,
              ttlSeconds,
            )
          : apiPartUrl(upload.id, n);
    }
    partsInfo.push({
      partNumber: n,
      size,
      received: ok || upload.status === "completed",
      ...(url ? { url } : {}),
    });
  }
  return {
    ...upload,
    status: isExpired(upload) ? "expired" : upload.status,
    bytesReceived,
    partCount: count,
    partTarget: target,
    partsInfo,
    missingParts,
  };
}

export async function createUpload(
  shopId: string,
  input: {
    name: string;
    size: number;
    contentType?: string;
    checksumSha256?: string;
    partSize?: number;
  },
): Promise<UploadDetail> {
  const max = maxUploadBytes();
  if (input.size > max) {
    throw new ApiError(
      "payload_too_large",
      `This file is ${input.size} bytes; direct uploads take at most ${max} bytes.`,
      { param: "size" },
    );
  }
  const partSize = input.partSize ?? defaultPartSize(input.size);
  const count = partCountOf(input.size, partSize);
  if (count > MAX_PARTS) {
    throw new ApiError(
      "validation_failed",
      `With part_size ${partSize} this file needs ${count} parts; the limit is ${MAX_PARTS}. Use a part_size of at least ${Math.ceil(input.size / MAX_PARTS)} bytes.`,
      { param: "part_size" },
    );
  }
  const store = storage();
  const id = newId("upl");
  const fileId = newId("file");
  // The final object's key is fixed now: S3 multipart needs it before the first part.
  const storageKey = fileStorageKey(shopId, fileId);
  const contentType = input.contentType ?? "application/octet-stream";
  const storageUploadId = store.multipart
    ? await store.multipart.create(storageKey, { contentType })
    : null;
  const [row] = await getDb()
    .insert(uploads)
    .values({
      id,
      shopId,
      name: input.name,
      size: input.size,
      contentType,
      checksumSha256: input.checksumSha256 ?? null,
      partSize,
      storageKey,
      storageUploadId,
      expiresAt: new Date(Date.now() + UPLOAD_TTL_MS),
    })
    .returning();
  const result = await detail(row!, store);
  result.duplicateOf = input.checksumSha256
    ? await findFileByChecksum(shopId, input.checksumSha256)
    : null;
  return result;
}

export async function getUpload(shopId: string, uploadId: string): Promise<UploadDetail> {
  return detail(await loadUpload(shopId, uploadId));
}

/** Unfinished uploads of the shop, newest first (the admin offers to resume them). */
export async function listPendingUploads(shopId: string, limit = 20): Promise<Upload[]> {
  return getDb()
    .select()
    .from(uploads)
    .where(
      and(
        eq(uploads.shopId, shopId),
        eq(uploads.status, "pending"),
        sql`${uploads.expiresAt} > now()`,
      ),
    )
    .orderBy(sql`${uploads.createdAt} desc`)
    .limit(limit);
}

export interface PartChecks {
  /** Declared `Content-Length`, checked before a byte is read. */
  contentLength?: number;
  /** `Content-MD5`: base64 MD5 of the part. */
  md5Base64?: string;
  /** Hex SHA-256 of the part (`X-Content-SHA256`). */
  sha256Hex?: string;
}

export interface WrittenPart {
  partNumber: number;
  size: number;
  etag: string;
  sha256: string;
}

/**
 * Stores one part (re-sending a part replaces it). The body is streamed: it is counted
 * and hashed on the way to storage, and refused (413) the moment it runs past the part's
 * size. A short body (400) or a digest mismatch (422) leaves the previous copy in place.
 */
export async function writeUploadPart(
  shopId: string,
  uploadId: string,
  partNumber: number,
  body: AsyncIterable<Uint8Array>,
  checks: PartChecks = {},
): Promise<WrittenPart> {
  const upload = await loadUpload(shopId, uploadId);
  assertPending(upload);
  if (upload.fileId) {
    throw new ApiError("upload_completed", "This upload is being completed; parts are closed.", {
      param: "id",
    });
  }
  const count = partCountOf(upload.size, upload.partSize);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > count) {
    throw new ApiError(
      "validation_failed",
      `Part ${partNumber} is out of range: this upload has parts 1 to ${count}.`,
      { param: "part_number" },
    );
  }
  const expected = partSizeOf(upload, partNumber);
  if (checks.contentLength !== undefined && checks.contentLength !== expected) {
    throw partSizeError(partNumber, expected, checks.contentLength, true);
  }

  let size = 0;
  let failure: unknown;
  // Counted and capped here; hashed (SHA-256, and MD5 for the ETag) on the hash thread.
  async function* metered(): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > expected) throw partSizeError(partNumber, expected, size, false);
        yield chunk;
      }
      if (size !== expected) throw partSizeError(partNumber, expected, size, false);
    } catch (error) {
      failure ??= error;
      throw error;
    }
  }
  const verify = (digests: { md5?: string; sha256: string }) => {
    const md5Base64 = Buffer.from(digests.md5!, "hex").toString("base64");
    if (checks.md5Base64 !== undefined && checks.md5Base64 !== md5Base64) {
      throw new ApiError(
        "checksum_mismatch",
        `Part ${partNumber} does not match its Content-MD5: the body's MD5 is ${md5Base64}.`,
        { param: "Content-MD5" },
      );
    }
    if (checks.sha256Hex !== undefined && checks.sha256Hex !== digests.sha256) {
      throw new ApiError(
        "checksum_mismatch",
        `Part ${partNumber} does not match its X-Content-SHA256: the body's SHA-256 is ${digests.sha256}.`,
        { param: "X-Content-SHA256" },
      );
    }
    return { md5Hex: digests.md5!, shaHex: digests.sha256 };
  };

  const store = storage();
  let part: UploadPart;
  if (partTarget(store, upload) === "s3") {
    // Streamed on to the bucket's UploadPart. A part that then fails its digest is already
    // in the bucket: it is left out of our record, and completion's checksum catches it.
    let etag: string;
    let digests: { shaHex: string };
    try {
      const seal = createSealStream(null, { md5: true });
      const piped = pipeline(metered(), seal);
      // Handled below; this keeps an early failure from counting as unhandled meanwhile.
      piped.catch(() => {});
      try {
        ({ etag } = await store.multipart!.uploadPart(
          upload.storageKey,
          upload.storageUploadId!,
          partNumber,
          seal,
          expected,
        ));
      } catch (error) {
        // The bucket stopped reading: stop the source too.
        seal.destroy();
        await piped.catch(() => {});
        throw error;
      }
      await piped;
      digests = verify(seal.result());
    } catch (error) {
      throw failure ?? error;
    }
    part = { partNumber, etag, size, sha256: digests.shaHex };
  } else {
    const key = stagedPartKey(shopId, uploadId, partNumber);
    let stored: StoredObject;
    let digests: { md5Hex: string; shaHex: string };
    try {
      stored = await writeStagedPart(store, key, metered());
      digests = verify(stored);
    } catch (error) {
      await store.delete(key).catch(() => {});
      throw failure ?? error;
    }
    part = {
      partNumber,
      etag: `"${digests.md5Hex}"`,
      size,
      key,
      sha256: digests.shaHex,
      encryption: stored.encryption ?? null,
    };
  }
  await recordPart(store, shopId, uploadId, part);
  return { partNumber, size, etag: part.etag, sha256: part.sha256! };
}

/** Adds (or replaces) a part in the upload's record; the replaced staged copy is deleted. */
async function recordPart(
  store: FileStorage,
  shopId: string,
  uploadId: string,
  part: UploadPart,
): Promise<void> {
  const { partNumber } = part;
  let replaced: UploadPart | undefined;
  let accepted = false;
  await getDb().transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(uploads)
      .where(and(eq(uploads.shopId, shopId), eq(uploads.id, uploadId)))
      .for("update");
    // Completed, aborted or claimed while this part was in flight: it is not needed.
    if (!current || current.status !== "pending" || current.fileId) return;
    replaced = current.parts.find((p) => p.partNumber === partNumber);
    const parts = [...current.parts.filter((p) => p.partNumber !== partNumber), part].sort(
      (a, b) => a.partNumber - b.partNumber,
    );
    await tx
      .update(uploads)
      .set({
        parts,
        bytesReceived: parts.reduce((sum, p) => sum + p.size, 0),
        updatedAt: new Date(),
      })
      .where(eq(uploads.id, uploadId));
    accepted = true;
  });
  if (!accepted) {
    if (part.key) await store.delete(part.key).catch(() => {});
    assertPending(await loadUpload(shopId, uploadId));
    throw new ApiError("upload_completed", "This upload is being completed; parts are closed.", {
      param: "id",
    });
  }
  if (replaced?.key && replaced.key !== part.key) await store.delete(replaced.key).catch(() => {});
}

function partSizeError(
  partNumber: number,
  expected: number,
  actual: number,
  declared: boolean,
): ApiError {
  const what = declared ? "Content-Length is" : "body is";
  const message = `Part ${partNumber} must be exactly ${expected} bytes; its ${what} ${actual}${declared || actual <= expected ? "" : "+"} bytes.`;
  // Too big: 413 and close the socket (the rest of the body may still be coming).
  return actual > expected
    ? new ApiError("payload_too_large", message, {
        param: "part_number",
        headers: { Connection: "close" },
      })
    : new ApiError("part_size_mismatch", message, {
        param: "part_number",
        ...(declared ? { headers: { Connection: "close" } } : {}),
      });
}

/**
 * Assembles the parts into one stored file and records it (`source = 'direct_upload'`).
 * The file row is inserted first (not yet `uploaded`) and claimed by the upload, so two
 * racing completions cannot both assemble; a failure releases the claim and the client
 * can fix the parts and complete again.
 */
export async function completeUpload(
  shopId: string,
  uploadId: string,
  input: { parts?: Array<{ partNumber: number; etag: string }> } = {},
): Promise<FileRow> {
  const db = getDb();
  const upload = await loadUpload(shopId, uploadId);
  assertPending(upload);
  const store = storage();
  const target = partTarget(store, upload);
  const count = partCountOf(upload.size, upload.partSize);

  let nativeParts: Array<{ partNumber: number; etag: string }> = [];
  const sizeOk = (n: number, size: number | undefined) => size === partSizeOf(upload, n);
  if (target === "s3") {
    const listed = await store.multipart!.listParts(upload.storageKey, upload.storageUploadId!);
    // Without ListParts, the client's list (or the parts sent through us) is all we know.
    const known = new Map(
      (listed ?? upload.parts).map((p) => [p.partNumber, { etag: p.etag, size: p.size }]),
    );
    if (input.parts) {
      const given = new Map(input.parts.map((p) => [p.partNumber, p.etag]));
      const missing = range(count).filter((n) => !given.has(n));
      if (missing.length) throw incomplete(missing);
      if (listed) {
        const absent = range(count).filter((n) => !sizeOk(n, known.get(n)?.size));
        if (absent.length) throw incomplete(absent);
        const wrong = range(count).filter(
          (n) => unquote(given.get(n)!) !== unquote(known.get(n)!.etag),
        );
        if (wrong.length) throw wrongEtags(wrong);
      }
      nativeParts = range(count).map((n) => ({ partNumber: n, etag: given.get(n)! }));
    } else {
      const missing = range(count).filter((n) => !sizeOk(n, known.get(n)?.size));
      if (missing.length) throw incomplete(missing);
      nativeParts = range(count).map((n) => ({ partNumber: n, etag: known.get(n)!.etag }));
    }
  } else {
    const missing = range(count).filter(
      (n) => !sizeOk(n, upload.parts.find((p) => p.partNumber === n)?.size),
    );
    if (missing.length) throw incomplete(missing);
  }

  const fileId = upload.storageKey.slice(shopId.length + 1);
  await db.insert(files).values({
    id: fileId,
    shopId,
    name: upload.name,
    contentType: upload.contentType,
    storageKey: upload.storageKey,
    storageDriver: store.name,
    uploaded: false,
    source: "direct_upload",
  });
  const [claimed] = await db
    .update(uploads)
    .set({ fileId, updatedAt: new Date() })
    .where(
      and(
        eq(uploads.shopId, shopId),
        eq(uploads.id, uploadId),
        eq(uploads.status, "pending"),
        isNull(uploads.fileId),
      ),
    )
    .returning();
  if (!claimed) {
    await db.delete(files).where(and(eq(files.shopId, shopId), eq(files.id, fileId)));
    assertPending(await loadUpload(shopId, uploadId));
    throw new ApiError("upload_completed", "This upload is already being completed.", {
      param: "id",
    });
  }

  const release = () =>
    Promise.all([
      db.delete(files).where(and(eq(files.shopId, shopId), eq(files.id, fileId))),
      db
        .update(uploads)
        .set({ fileId: null, updatedAt: new Date() })
        .where(eq(uploads.id, uploadId)),
    ]);
  if (target === "s3") {
    try {
      await store.multipart!.complete(upload.storageKey, upload.storageUploadId!, nativeParts);
    } catch (error) {
      // The bucket refused the list (wrong ETag, missing part): still pending, fixable.
      await release();
      if (isS3ClientError(error)) throw wrongEtags(nativeParts.map((p) => p.partNumber));
      throw error;
    }
  }

  let stored: StoredObject;
  try {
    if (target === "s3") {
      // The bucket does not tell us the SHA-256: stream the object once to learn it.
      stored = await digestOf(await store.get(upload.storageKey));
    } else {
      const parts = [...claimed.parts].sort((a, b) => a.partNumber - b.partNumber);
      stored = await assembleStagedParts(
        store,
        upload.storageKey,
        parts.map((p) => ({ partNumber: p.partNumber, key: p.key!, encryption: p.encryption })),
      );
    }
    if (stored.size !== upload.size) {
      throw new ApiError(
        "size_mismatch",
        `The assembled file is ${stored.size} bytes, but the upload declared ${upload.size}.`,
        { param: "size" },
      );
    }
    if (upload.checksumSha256 && stored.sha256 !== upload.checksumSha256) {
      throw new ApiError(
        "checksum_mismatch",
        `The assembled file's SHA-256 is ${stored.sha256}, not the declared ${upload.checksumSha256}. Re-send the parts that differ, then complete again.`,
        { param: "checksum_sha256" },
      );
    }
  } catch (error) {
    await db.delete(files).where(and(eq(files.shopId, shopId), eq(files.id, fileId)));
    if (target === "s3") {
      // A completed (or failed) S3 multipart upload cannot take parts again.
      await store.delete(upload.storageKey).catch(() => {});
      await store.multipart!.abort(upload.storageKey, upload.storageUploadId!).catch(() => {});
      await db
        .update(uploads)
        .set({ status: "aborted", fileId: null, updatedAt: new Date() })
        .where(eq(uploads.id, uploadId));
    } else {
      await store.delete(upload.storageKey).catch(() => {});
      await db
        .update(uploads)
        .set({ fileId: null, updatedAt: new Date() })
        .where(eq(uploads.id, uploadId));
    }
    throw error;
  }

  const file = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(files)
      .set({ ...storedFileColumns(stored, store), uploaded: true, updatedAt: new Date() })
      .where(and(eq(files.shopId, shopId), eq(files.id, fileId)))
      .returning();
    await tx
      .update(uploads)
      .set({
        status: "completed",
        completedAt: new Date(),
        bytesReceived: upload.size,
        updatedAt: new Date(),
      })
      .where(eq(uploads.id, uploadId));
    return row!;
  });
  if (target === "api") {
    await deleteStagedParts(store, shopId, uploadId).catch((error: unknown) =>
      log().warn({ err: error, upload_id: uploadId }, "upload parts not deleted"),
    );
  }
  return file;
}

/** Aborts a pending upload and discards its parts. */
export async function abortUpload(shopId: string, uploadId: string): Promise<UploadDetail> {
  const upload = await loadUpload(shopId, uploadId);
  assertPending(upload);
  const [row] = await getDb()
    .update(uploads)
    .set({ status: "aborted", parts: [], bytesReceived: 0, updatedAt: new Date() })
    .where(
      and(
        eq(uploads.shopId, shopId),
        eq(uploads.id, uploadId),
        eq(uploads.status, "pending"),
        isNull(uploads.fileId),
      ),
    )
    .returning();
  if (!row) {
    assertPending(await loadUpload(shopId, uploadId));
    throw new ApiError(
      "upload_completed",
      "This upload is being completed; it cannot be aborted.",
      {
        param: "id",
      },
    );
  }
  await discardParts(storage(), row);
  return detail(row);
}

async function discardParts(store: FileStorage, upload: Upload): Promise<void> {
  if (upload.storageUploadId && store.multipart) {
    await store.multipart.abort(upload.storageKey, upload.storageUploadId);
  }
  await deleteStagedParts(store, upload.shopId, upload.id);
}

/**
 * Periodic (worker): pending uploads past `expires_at` are marked expired and their parts
 * deleted (staged objects, or the S3 multipart upload aborted). Runs across shops; every
 * row it touches is addressed by its own shop id.
 */
export async function sweepExpiredUploads(db: Db): Promise<number> {
  const due = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.status, "pending"), lt(uploads.expiresAt, sql`now()`)))
    .orderBy(asc(uploads.expiresAt))
    .limit(200);
  const store = storage();
  let expired = 0;
  for (const upload of due) {
    // A completion may still be assembling: give it an hour past expiry before reaping.
    if (upload.fileId && upload.expiresAt.getTime() > Date.now() - STUCK_COMPLETION_MS) continue;
    const [row] = await db
      .update(uploads)
      .set({ status: "expired", parts: [], fileId: null, updatedAt: new Date() })
      .where(
        and(
          eq(uploads.shopId, upload.shopId),
          eq(uploads.id, upload.id),
          eq(uploads.status, "pending"),
        ),
      )
      .returning();
    if (!row) continue;
    try {
      await discardParts(store, upload);
      if (upload.fileId) {
        // The crashed completion's unfinished file row and whatever it wrote.
        await db
          .delete(files)
          .where(
            and(
              eq(files.shopId, upload.shopId),
              eq(files.id, upload.fileId),
              eq(files.uploaded, false),
            ),
          );
        await store.delete(upload.storageKey);
      }
    } catch (error) {
      rootLogger.warn({ err: error, upload_id: upload.id }, "expired upload parts not deleted");
    }
    expired++;
  }
  if (expired) rootLogger.info({ expired }, "expired direct uploads swept");
  return expired;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, "").replace(/"/g, "");
}

function wrongEtags(parts: number[]): ApiError {
  const shown = parts.slice(0, 20).join(", ") + (parts.length > 20 ? ", …" : "");
  return new ApiError(
    "validation_failed",
    `The store did not accept the ETags of parts ${shown}. Send each part's ETag exactly as its PUT returned it.`,
    { param: "parts" },
  );
}

function isS3ClientError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

function incomplete(missing: number[]): ApiError {
  const shown = missing.slice(0, 20).join(", ") + (missing.length > 20 ? ", …" : "");
  return new ApiError(
    "upload_incomplete",
    `${missing.length} part(s) are missing or the wrong size: ${shown}. Send them, then complete again.`,
    { param: "parts" },
  );
}
