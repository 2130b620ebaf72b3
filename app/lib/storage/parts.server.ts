import { randomBytes } from "node:crypto";
import type { FileStorage, StoredObject } from "./types";

/**
 * Staged parts of a direct upload: each part is an ordinary object of the configured
 * storage (encrypted at rest like any file), under `<shopId>/<uploadId>/`. Completing
 * streams them in order through the storage writer into the final object, so a 5 GB
 * upload costs one part's read buffer, never the whole file. Works on every driver; S3
 * without our encryption uses the bucket's native multipart instead (NativeMultipart).
 */

export interface StagedPart {
  partNumber: number;
  key: string;
  encryption?: Record<string, unknown> | null;
}

export function stagedPartsPrefix(shopId: string, uploadId: string): string {
  return `${shopId}/${uploadId}/`;
}

/**
 * A fresh key per attempt: a re-sent part is written beside the one it replaces, and
 * the old object is deleted only once the new one passed its checks.
 */
export function stagedPartKey(shopId: string, uploadId: string, partNumber: number): string {
  return `${stagedPartsPrefix(shopId, uploadId)}p${String(partNumber).padStart(5, "0")}-${randomBytes(6).toString("hex")}`;
}

/**
 * Writes one part; `body` should already be size-capped by the caller. The result carries
 * the part's SHA-256 and MD5 (its S3-style ETag), computed on the hash thread.
 */
export function writeStagedPart(
  store: FileStorage,
  key: string,
  body: AsyncIterable<Uint8Array>,
): Promise<StoredObject> {
  return store.put(key, body, { encrypt: store.encryptsByDefault, md5: true });
}

/** The parts' plaintext, in the order given, one part open at a time. */
export async function* readStagedParts(
  store: FileStorage,
  parts: StagedPart[],
): AsyncIterable<Uint8Array> {
  for (const part of parts) {
    const stream = await store.get(part.key, { encryption: part.encryption ?? null });
    yield* stream as AsyncIterable<Uint8Array>;
  }
}

/** Streams the parts into `targetKey` (encrypted when the storage encrypts new files). */
export function assembleStagedParts(
  store: FileStorage,
  targetKey: string,
  parts: StagedPart[],
): Promise<StoredObject> {
  return store.put(targetKey, readStagedParts(store, parts), {
    encrypt: store.encryptsByDefault,
  });
}

export function deleteStagedParts(
  store: FileStorage,
  shopId: string,
  uploadId: string,
): Promise<void> {
  return store.deletePrefix(stagedPartsPrefix(shopId, uploadId));
}
