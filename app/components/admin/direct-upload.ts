/**
 * The browser side of a direct upload through `/app/uploads…`: the admin's JSON routes
 * over the same uploads service as the public API (App Bridge adds the session token to
 * these same-origin fetches). The whole file is hashed first (up to 256 MiB) so the
 * server can point at a copy already in the library; then parts go one after another,
 * each with its SHA-256, and the session is completed into a file. An interrupted upload
 * stays on the server and `sendParts` with its session sends only what is missing.
 * Used by the Files page and the product editor.
 */

/** Above this the whole-file hash is skipped (Web Crypto has no incremental digest). */
export const FULL_HASH_MAX_BYTES = 256 * 1024 * 1024;

export interface UploadSession {
  id: string;
  partSize: number;
  partCount: number;
  missingParts: number[];
}

/** A file of the shop's library. */
export interface StoredFile {
  id: string;
  name: string;
  size: number;
}

export async function sha256Hex(buffer: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The server answered ${response.status}.`);
  return body;
}

/**
 * Opens an upload session for `file`, unless (without `allowDuplicate`) the library
 * already holds the same bytes: then that file, and nothing is sent.
 */
export async function startUpload(
  file: File,
  { allowDuplicate = false }: { allowDuplicate?: boolean } = {},
): Promise<{ duplicate: StoredFile } | { session: UploadSession }> {
  const checksum =
    file.size <= FULL_HASH_MAX_BYTES ? await sha256Hex(await file.arrayBuffer()) : undefined;
  const created = await json<{
    duplicate?: { id: string; name: string };
    upload?: UploadSession;
  }>(
    await fetch("/app/uploads", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        name: file.name,
        size: file.size,
        content_type: file.type || undefined,
        checksum_sha256: checksum,
        allow_duplicate: allowDuplicate,
      }),
    }),
  );
  // Same SHA-256, so the same size as the file in hand.
  if (created.duplicate) return { duplicate: { ...created.duplicate, size: file.size } };
  if (!created.upload) throw new Error("The server did not open an upload.");
  return { session: created.upload };
}

/** The session of an unfinished upload (which parts are still missing). */
export async function getUploadSession(id: string): Promise<UploadSession> {
  const { upload } = await json<{ upload: UploadSession }>(await fetch(`/app/uploads/${id}`));
  return upload;
}

export async function discardUpload(id: string): Promise<void> {
  await fetch(`/app/uploads/${id}`, { method: "DELETE" });
}

/** Sends the session's missing parts of `file`, then completes it into a library file. */
export async function sendParts(
  file: File,
  session: UploadSession,
  onProgress: (sent: number) => void,
): Promise<StoredFile> {
  const missing = new Set(session.missingParts);
  const partLength = (n: number) =>
    Math.min(session.partSize, file.size - (n - 1) * session.partSize);
  let sent = file.size - session.missingParts.reduce((sum, n) => sum + partLength(n), 0);
  onProgress(sent);
  for (let n = 1; n <= session.partCount; n++) {
    if (!missing.has(n)) continue;
    const start = (n - 1) * session.partSize;
    const bytes = await file.slice(start, start + partLength(n)).arrayBuffer();
    await json(
      await fetch(`/app/uploads/${session.id}/parts/${n}`, {
        method: "PUT",
        headers: {
          "Content-Type": "application/octet-stream",
          "X-Content-SHA256": await sha256Hex(bytes),
        },
        body: bytes,
      }),
    );
    sent += bytes.byteLength;
    onProgress(sent);
  }
  const { file: stored } = await json<{ file: StoredFile }>(
    await fetch(`/app/uploads/${session.id}`, { method: "POST" }),
  );
  return stored;
}
