import { ApiError } from "./errors";

/**
 * Raw request bodies (direct-upload parts) for API and admin routes alike: the body is
 * handed over chunk by chunk as it arrives, and whatever a refused request left unread is
 * drained afterwards (bounded) so the client gets to read our 4xx instead of a reset.
 */

/** Bytes read and dropped after refusing a body; past this the connection is cut. */
const MAX_DRAIN_BYTES = 128 * 1024 * 1024;

export async function withRawBody<T>(
  request: Request,
  consume: (body: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  const reader = request.body?.getReader();
  async function* chunks(): AsyncIterable<Uint8Array> {
    if (!reader) return;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  try {
    return await consume(chunks());
  } finally {
    if (reader) await drain(reader);
  }
}

/** Drains a raw body nobody read (the request was refused before its handler ran). */
export async function drainUnreadBody(request: Request): Promise<void> {
  if (request.body && !request.body.locked) await drain(request.body.getReader());
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let drained = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
      if (drained > MAX_DRAIN_BYTES) return void (await reader.cancel());
    }
  } catch {
    // The client went away: nothing left to drain.
  }
}

export interface PartHeaders {
  contentLength?: number;
  md5Base64?: string;
  sha256Hex?: string;
}

/** `Content-Length`, `Content-MD5` (base64) and `X-Content-SHA256` (hex), validated. */
export function partChecksFrom(headers: Headers): PartHeaders {
  const checks: PartHeaders = {};
  const length = headers.get("content-length");
  if (length !== null && /^\d{1,15}$/.test(length.trim())) checks.contentLength = Number(length);
  const md5 = headers.get("content-md5");
  if (md5 !== null) {
    const value = md5.trim();
    if (!/^[A-Za-z0-9+/]{22}==$/.test(value)) {
      throw new ApiError(
        "validation_failed",
        "Content-MD5 must be the base64 of the part's 16-byte MD5 digest.",
        { param: "Content-MD5" },
      );
    }
    checks.md5Base64 = value;
  }
  const sha = headers.get("x-content-sha256");
  if (sha !== null) {
    const value = sha.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(value)) {
      throw new ApiError("validation_failed", "X-Content-SHA256 must be 64 hex characters.", {
        param: "X-Content-SHA256",
      });
    }
    checks.sha256Hex = value;
  }
  return checks;
}
