import net from "node:net";
import type { Duplex } from "node:stream";
import { Readable } from "node:stream";
import {
  defaultConnector,
  type ConnectTarget,
  type SocketConnector,
} from "~/lib/webhooks-out/http-sender.server";
import {
  parseWebhookUrl,
  resolveWebhookTarget,
  systemResolver,
  UnsafeWebhookUrlError,
  type HostResolver,
  type UrlPolicy,
} from "~/lib/webhooks-out/ssrf.server";

/**
 * A streaming GET of a merchant-named URL under the outgoing-webhooks SSRF rules: every
 * hop (the URL and each redirect) must be on the caller's host allowlist, resolve only to
 * public addresses, and is connected to the checked address itself (no second DNS
 * lookup, so rebinding cannot swap it). Deadlines: connect + response headers, then the
 * longest silence between two body chunks. The body is returned unread: the caller
 * streams it (to storage) and owns destroying it.
 */

export const INGEST_USER_AGENT = "Handoff-Ingest/1.0 (+https://handoff.example.com/docs/api)";
export const HEADERS_TIMEOUT_MS = 15_000;
export const IDLE_TIMEOUT_MS = 30_000;
export const MAX_REDIRECTS = 5;

export type RemoteFetchErrorCode =
  "url_refused" | "host_not_allowed" | "too_many_redirects" | "http_error" | "fetch_failed";

export class RemoteFetchError extends Error {
  override name = "RemoteFetchError";
  constructor(
    readonly code: RemoteFetchErrorCode,
    message: string,
    /** A later attempt may succeed (network error, 5xx, 429), unlike a refusal or a 404. */
    readonly retryable: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface RemoteFetchOptions {
  url: string;
  policy: UrlPolicy;
  /** The shop's allowlist check, applied to the URL's host and to every redirect's. */
  isHostAllowed: (hostname: string) => boolean;
  resolver?: HostResolver;
  connector?: SocketConnector;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

export interface RemoteResponse {
  /** The URL that answered 200 (after redirects). */
  url: string;
  status: number;
  /** Content-Length, when the server sent a valid one. */
  contentLength: number | null;
  /** Content-Type without parameters, lowercased; null when absent or malformed. */
  contentType: string | null;
  body: Readable;
}

export async function openRemoteFile(options: RemoteFetchOptions): Promise<RemoteResponse> {
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  let url = options.url;
  for (let hop = 0; ; hop++) {
    const response = await getOnce(url, options);
    const status = response.statusCode;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.body.destroy();
      if (hop >= maxRedirects) {
        throw new RemoteFetchError(
          "too_many_redirects",
          `More than ${maxRedirects} redirects starting at ${options.url}.`,
          false,
          status,
        );
      }
      let next: URL;
      try {
        next = new URL(response.headers.location, url);
      } catch {
        throw new RemoteFetchError(
          "fetch_failed",
          `The server answered ${status} with an invalid Location header.`,
          false,
          status,
        );
      }
      url = next.href;
      continue;
    }
    if (status !== 200) {
      response.body.destroy();
      // Server-side trouble and throttling may pass; a 404 or 403 will not.
      const retryable = status >= 500 || status === 408 || status === 429;
      throw new RemoteFetchError(
        "http_error",
        `The remote server answered HTTP ${status} for ${url}.`,
        retryable,
        status,
      );
    }
    const chunked = /chunked/i.test(response.headers["transfer-encoding"] ?? "");
    const lengthHeader = chunked ? undefined : response.headers["content-length"];
    const length = lengthHeader !== undefined ? Number(lengthHeader) : NaN;
    return {
      url,
      status,
      contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null,
      contentType: cleanContentType(response.headers["content-type"]),
      body: response.body,
    };
  }
}

async function getOnce(url: string, options: RemoteFetchOptions): Promise<RawResponse> {
  const headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const started = Date.now();

  let target: ConnectTarget;
  let parsed: ReturnType<typeof parseWebhookUrl>;
  try {
    parsed = parseWebhookUrl(url, options.policy);
    if (!options.isHostAllowed(parsed.hostname)) {
      throw new RemoteFetchError(
        "host_not_allowed",
        `The host ${parsed.hostname} is not on this shop's ingest allowlist.`,
        false,
      );
    }
    const resolved = await withDeadline(
      resolveWebhookTarget(parsed, options.policy, options.resolver ?? systemResolver),
      headersTimeoutMs,
      "DNS resolution timed out",
    );
    target = {
      address: resolved.address,
      family: resolved.family,
      port: parsed.port,
      secure: parsed.secure,
      servername: net.isIP(parsed.hostname) ? null : parsed.hostname,
    };
  } catch (error) {
    if (error instanceof RemoteFetchError) throw error;
    if (error instanceof UnsafeWebhookUrlError) {
      // A name that does not resolve right now may resolve later; a private address won't.
      throw new RemoteFetchError(
        error.reason === "dns_failed" ? "fetch_failed" : "url_refused",
        error.message.replace(
          "; webhooks cannot be sent there",
          "; files are not fetched from there",
        ),
        error.reason === "dns_failed",
      );
    }
    throw new RemoteFetchError("fetch_failed", errorText(error), true);
  }

  const connector = options.connector ?? defaultConnector;
  const head =
    `GET ${parsed.url.pathname}${parsed.url.search} HTTP/1.1\r\n` +
    `Host: ${parsed.url.host}\r\n` +
    `User-Agent: ${INGEST_USER_AGENT}\r\n` +
    // The stored bytes must be the file itself, not a gzip of it.
    "Accept-Encoding: identity\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  let socket: Duplex;
  try {
    socket = connector(target);
  } catch (error) {
    throw new RemoteFetchError("fetch_failed", errorText(error), true);
  }
  try {
    return await withDeadline(
      readResponse(socket, head, idleTimeoutMs),
      Math.max(1, headersTimeoutMs - (Date.now() - started)),
      `no response headers within ${headersTimeoutMs} ms`,
    );
  } catch (error) {
    socket.destroy();
    if (error instanceof RemoteFetchError) throw error;
    throw new RemoteFetchError("fetch_failed", errorText(error), true);
  }
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

const MAX_HEAD_BYTES = 64 * 1024;
const BODY_HIGH_WATER_MARK = 1024 * 1024;

/**
 * HTTP/1.1 over the socket we opened ourselves. Not `http.request`: the response body
 * must flow with backpressure from the socket to storage, whatever patches `http` (test
 * interceptors buffer whole passthrough bodies), and the socket must be exactly the one
 * the SSRF check pinned. Handles Content-Length, chunked and read-until-close bodies.
 */
function readResponse(socket: Duplex, head: string, idleTimeoutMs: number): Promise<RawResponse> {
  const timed = socket as Duplex & { setTimeout?: (ms: number, cb: () => void) => void };
  timed.setTimeout?.(idleTimeoutMs, () =>
    socket.destroy(new Error(`no data for ${idleTimeoutMs} ms`)),
  );
  return new Promise<RawResponse>((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const onError = (error: Error) => reject(error);
    const onEnd = () => reject(new Error("the connection closed before the response headers"));
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) {
          if (buffered.length > MAX_HEAD_BYTES) {
            socket.destroy(new Error("the response headers are larger than 64 KB"));
          }
          return;
        }
        const parsed = parseHead(buffered.subarray(0, end).toString("latin1"));
        buffered = buffered.subarray(end + 4);
        if (!parsed) return void socket.destroy(new Error("malformed HTTP response"));
        // 1xx (100 Continue, 103 Early Hints) precede the real answer.
        if (parsed.statusCode >= 100 && parsed.statusCode < 200) continue;
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("end", onEnd);
        socket.pause();
        resolve({ ...parsed, body: bodyReader(socket, buffered, parsed.headers) });
        return;
      }
    };
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.write(head);
  });
}

function parseHead(text: string): { statusCode: number; headers: Record<string, string> } | null {
  const [statusLine, ...lines] = text.split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine ?? "");
  if (!match) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] !== undefined ? `${headers[name]}, ${value}` : value;
  }
  return { statusCode: Number(match[1]), headers };
}

/** The decoded body as a Readable; pausing it pauses the socket (flat memory). */
function bodyReader(socket: Duplex, leftover: Buffer, headers: Record<string, string>): Readable {
  const chunked = /(^|,)\s*chunked\s*$/i.test(headers["transfer-encoding"] ?? "");
  const declared =
    headers["content-length"] !== undefined ? Number(headers["content-length"]) : NaN;
  let remaining = !chunked && Number.isSafeInteger(declared) && declared >= 0 ? declared : -1;
  // Chunked state: reading a size line, chunk data, the CRLF after it, or trailers.
  let state: "size" | "data" | "data-crlf" | "trailers" = "size";
  let chunkLeft = 0;
  let pending: Buffer = Buffer.alloc(0);
  let done = false;

  const body = new Readable({
    // Several socket reads may queue before the socket is paused: with the 16 KiB
    // default every 64 KiB read paused and resumed the socket (two epoll changes each).
    highWaterMark: BODY_HIGH_WATER_MARK,
    read() {
      socket.resume();
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  const finish = () => {
    done = true;
    body.push(null);
    socket.destroy();
  };
  const emit = (piece: Buffer) => {
    if (piece.length > 0 && !body.push(piece)) socket.pause();
  };
  const feed = (chunk: Buffer) => {
    if (done) return;
    if (!chunked) {
      if (remaining < 0) return emit(chunk);
      const piece = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= piece.length;
      emit(piece);
      if (remaining === 0) finish();
      return;
    }
    let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    pending = Buffer.alloc(0);
    while (data.length > 0 && !done) {
      if (state === "data") {
        const piece = data.subarray(0, chunkLeft);
        chunkLeft -= piece.length;
        data = data.subarray(piece.length);
        emit(piece);
        if (chunkLeft === 0) state = "data-crlf";
        continue;
      }
      const eol = data.indexOf("\r\n");
      if (eol < 0) {
        if (data.length > 4096) body.destroy(new Error("malformed chunked body"));
        else pending = data;
        return;
      }
      const line = data.subarray(0, eol).toString("latin1");
      data = data.subarray(eol + 2);
      if (state === "data-crlf") {
        if (line !== "") return void body.destroy(new Error("malformed chunked body"));
        state = "size";
      } else if (state === "size") {
        const size = parseInt(line.split(";")[0]!.trim(), 16);
        if (!/^[0-9a-f]+$/i.test(line.split(";")[0]!.trim()) || !Number.isSafeInteger(size)) {
          return void body.destroy(new Error("malformed chunked body"));
        }
        if (size === 0) state = "trailers";
        else {
          chunkLeft = size;
          state = "data";
        }
      } else if (line === "") {
        finish();
      }
    }
  };
  // The caller attaches its own listeners only after a few awaits (database writes).
  // Until then an error — a reset, a malformed chunk already in the first read — must
  // not be an uncaught 'error' event that takes the worker process down: it stays in
  // `body.errored`, which pipeline() and `for await` report to whoever reads the body.
  body.on("error", () => {});
  socket.on("data", feed);
  socket.on("end", () => {
    if (done) return;
    if (!chunked && remaining < 0) return finish();
    body.destroy(new Error("aborted: the connection closed before the body was complete"));
  });
  socket.on("error", (error) => body.destroy(error));
  if (leftover.length > 0) feed(leftover);
  if (remaining === 0 && !done) finish();
  return body;
}

function cleanContentType(raw: string | undefined): string | null {
  const type = (raw ?? "").trim().toLowerCase().split(";")[0]!.trim();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && type.length <= 255 ? type : null;
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  return text.replaceAll("\u0000", "").slice(0, 500);
}
