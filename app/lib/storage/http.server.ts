import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { create as contentDisposition } from "content-disposition";
import parseRange from "range-parser";

/**
 * HTTP semantics of a file download: Range/If-Range/ETag decisions, safe headers, and a
 * response body that streams at the client's pace.
 */

export interface Representation {
  /** Bytes of what is served (the stamped copy for stamped PDFs). */
  size: number;
  /** Strong (`"…"`) or weak (`W/"…"`) entity tag. */
  etag: string;
  lastModified?: Date;
}

export type RangeDecision =
  { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/** A strong ETag from a content hash; weak when we only know id and size (older rows). */
export function entityTag(input: { checksum: string | null; id: string; size: number }): string {
  return input.checksum ? `"${input.checksum}"` : `W/"${input.id}-${input.size}"`;
}

function ifRangeAllows(ifRange: string, rep: Representation): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    // RFC 9110 §13.1.5: If-Range needs a strong match; weak tags never match.
    return !rep.etag.startsWith("W/") && value === rep.etag;
  }
  const date = Date.parse(value);
  if (Number.isNaN(date) || !rep.lastModified) return false;
  return Math.floor(rep.lastModified.getTime() / 1000) * 1000 === date;
}

/**
 * One satisfiable range → partial; several non-adjacent ranges, a malformed header, or an
 * If-Range that no longer matches → the full body (RFC 9110 lets a server ignore Range);
 * a range wholly past the end → 416.
 */
export function decideRange(headers: Headers, rep: Representation): RangeDecision {
  const header = headers.get("range");
  if (!header) return { kind: "full" };
  const ifRange = headers.get("if-range");
  if (ifRange && !ifRangeAllows(ifRange, rep)) return { kind: "full" };
  // RFC 9110 §14.1.2: a suffix longer than the file means the whole file (range-parser
  // would call it unsatisfiable).
  const suffix = /^bytes=\s*-(\d{1,15})\s*$/.exec(header);
  if (suffix) {
    const length = Number(suffix[1]);
    if (length === 0 || rep.size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, rep.size - length), end: rep.size - 1 };
  }
  const ranges = parseRange(rep.size, header, { combine: true });
  if (ranges === -1) return { kind: "unsatisfiable" };
  if (ranges === -2 || ranges.type !== "bytes" || ranges.length !== 1) return { kind: "full" };
  const [range] = ranges;
  return { kind: "partial", start: range!.start, end: range!.end };
}

const SAFE_CONTENT_TYPE = /^[a-z0-9][\w.+-]*\/[\w.+-]+(\s*;\s*[\w.-]+=("[^"\\\r\n]*"|[\w.-]+))*$/i;

export function safeContentType(value: string | null | undefined): string {
  return value && value.length <= 200 && SAFE_CONTENT_TYPE.test(value)
    ? value
    : "application/octet-stream";
}

/**
 * A filename that is safe in a header and on the shopper's disk: no control characters
 * (CR/LF header injection), no path separators, no leading dots, bounded length. Quotes
 * and non-ASCII survive: content-disposition escapes them and adds `filename*`.
 */
export function safeFilename(name: string): string {
  const cleaned = name
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
    .replace(/[/\\]/g, "_")
    .replace(/^[\s.]+/, "")
    .trim();
  const limited = Array.from(cleaned).slice(0, 200).join("");
  return limited || "download";
}

export function contentDispositionFor(name: string): string {
  return contentDisposition(safeFilename(name), { type: "attachment" });
}

export function downloadHeaders(input: {
  filename: string;
  contentType: string;
  rep: Representation;
  decision: RangeDecision;
}): Headers {
  const { rep, decision } = input;
  const headers = new Headers({
    "Content-Type": safeContentType(input.contentType),
    "Content-Disposition": contentDispositionFor(input.filename),
    "Accept-Ranges": "bytes",
    ETag: rep.etag,
    // no-transform: the compression middleware must not re-encode (it would drop
    // Content-Length and break ranges).
    "Cache-Control": "private, no-store, no-transform",
    "X-Content-Type-Options": "nosniff",
    // An HTML or SVG "file" opened directly must not run as this origin.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
  });
  if (rep.lastModified) headers.set("Last-Modified", rep.lastModified.toUTCString());
  if (decision.kind === "partial") {
    headers.set("Content-Range", `bytes ${decision.start}-${decision.end}/${rep.size}`);
    headers.set("Content-Length", String(decision.end - decision.start + 1));
  } else if (decision.kind === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${rep.size}`);
    headers.set("Content-Length", "0");
  } else {
    headers.set("Content-Length", String(rep.size));
  }
  return headers;
}

// --- Streaming at the client's pace ---------------------------------------------------
//
// The Remix Express adapter copies a Response body into the socket without waiting for
// `drain`, so a fast disk and a slow phone would queue the whole file in memory. Node
// publishes every incoming request on this channel; keeping its ServerResponse in an
// AsyncLocalStorage lets the body below pull the next chunk only when the socket has
// room. Outside an HTTP server (tests calling a loader) it simply streams.

const responses = new AsyncLocalStorage<ServerResponse>();
diagnosticsChannel.subscribe("http.server.request.start", (message) => {
  responses.enterWith((message as { response: ServerResponse }).response);
});

function waitUntilWritable(response: ServerResponse): Promise<void> {
  if (!response.writableNeedDrain || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/**
 * A web ReadableStream over `source` that reads only as fast as the client takes bytes.
 * `onDone(bytes, complete)` runs once: bytes handed to the socket, and whether the body
 * was sent to its end (false when the client went away or the source failed).
 */
export function pacedBody(
  source: Readable,
  onDone?: (bytes: number, complete: boolean) => void,
): ReadableStream<Uint8Array> {
  const response = responses.getStore();
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bytes = 0;
  let finished = false;
  const finish = (complete: boolean) => {
    if (finished) return;
    finished = true;
    if (!complete) source.destroy();
    onDone?.(bytes, complete);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (response) {
            await waitUntilWritable(response);
            if (response.destroyed) {
              // The client left: stop reading the disk, end quietly.
              finish(false);
              controller.close();
              return;
            }
          }
          const next = await iterator.next();
          if (next.done) {
            finish(true);
            controller.close();
            return;
          }
          bytes += next.value.length;
          controller.enqueue(next.value);
        } catch (error) {
          finish(false);
          controller.error(error);
        }
      },
      cancel() {
        finish(false);
      },
    },
    { highWaterMark: 0 },
  );
}
