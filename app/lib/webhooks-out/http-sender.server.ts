import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import {
  parseWebhookUrl,
  resolveWebhookTarget,
  systemResolver,
  UnsafeWebhookUrlError,
  type HostResolver,
  type UrlPolicy,
} from "./ssrf.server";

/**
 * One webhook POST: SSRF check, then a connection to exactly the checked address (the
 * host name is used only for SNI, certificate verification and the Host header), a hard
 * deadline, no redirects, and a bounded read of the answer. Never throws: every outcome,
 * refusals included, is a `SendResult` the caller records as an attempt.
 */

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bytes of the receiver's answer kept on the attempt row. */
export const RESPONSE_SNIPPET_BYTES = 1024;
export const WEBHOOK_USER_AGENT =
  "Handoff-Webhooks/1.0 (+https://handoff.example.com/docs/webhooks)";

export interface ConnectTarget {
  address: string;
  family: 4 | 6;
  port: number;
  secure: boolean;
  /** For SNI and certificate checks; null when the URL host is an IP literal. */
  servername: string | null;
}
/** Opens the socket for one request (tests inject a spy; see docs/webhooks.md). */
export type SocketConnector = (target: ConnectTarget) => Duplex;

/**
 * Connects to the checked address; over TLS the certificate is verified against the URL's
 * host name (`servername`, also sent as SNI), never against the address. `ca` replaces
 * the system's trusted roots (tests use their own; production passes nothing).
 */
export function connectorWith(options: { ca?: string | Buffer } = {}): SocketConnector {
  return (target) =>
    target.secure
      ? tls.connect({
          host: target.address,
          port: target.port,
          ...(target.servername ? { servername: target.servername } : {}),
          ...(options.ca ? { ca: options.ca } : {}),
          ALPNProtocols: ["http/1.1"],
        })
      : net.connect({ host: target.address, port: target.port, family: target.family });
}

export const defaultConnector: SocketConnector = connectorWith();

export interface SendOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: UrlPolicy;
  resolver?: HostResolver;
  connector?: SocketConnector;
  timeoutMs?: number;
}

export type SendResult =
  | {
      ok: true;
      status: number;
      durationMs: number;
      snippet: string;
    }
  | {
      ok: false;
      /** Null when no HTTP answer arrived (refused, DNS, connect, TLS, timeout). */
      status: number | null;
      durationMs: number;
      snippet: string | null;
      error: string;
      /** True when the SSRF guard refused before any connection was attempted. */
      refused: boolean;
    };

export async function sendWebhookRequest(options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;

  let target: ConnectTarget;
  let parsed: ReturnType<typeof parseWebhookUrl>;
  try {
    parsed = parseWebhookUrl(options.url, options.policy);
    // DNS counts against the same deadline as the request.
    const resolved = await withDeadline(
      resolveWebhookTarget(parsed, options.policy, options.resolver ?? systemResolver),
      timeoutMs,
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
    const refused = error instanceof UnsafeWebhookUrlError;
    return {
      ok: false,
      status: null,
      durationMs: elapsed(),
      snippet: null,
      error: refused ? `refused: ${error.message}` : errorText(error),
      refused,
    };
  }

  const remaining = Math.max(1, timeoutMs - elapsed());
  const connector = options.connector ?? defaultConnector;
  const hostHeader = parsed.url.host; // keeps a non-default port, IPv6 brackets

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (message: string, status: number | null = null, snippet: string | null = null) =>
      finish({ ok: false, status, durationMs: elapsed(), snippet, error: message, refused: false });

    const request = http.request({
      method: "POST",
      host: target.address,
      port: target.port,
      path: `${parsed.url.pathname}${parsed.url.search}`,
      headers: {
        ...options.headers,
        host: hostHeader,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(options.body)),
        "user-agent": WEBHOOK_USER_AGENT,
        connection: "close",
      },
      // The socket is opened by us, to the checked address: no DNS happens here.
      createConnection: () => connector(target) as net.Socket,
    });

    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, remaining);

    request.on("error", (error) => fail(errorText(error)));
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const snippet = snippetText(Buffer.concat(chunks));
        if (status >= 200 && status < 300) {
          finish({ ok: true, status, durationMs: elapsed(), snippet });
        } else if (status >= 300 && status < 400) {
          const location = response.headers.location;
          fail(
            `redirect not followed (${status}${location ? ` to ${location.slice(0, 200)}` : ""})`,
            status,
            snippet,
          );
        } else {
          fail(`HTTP ${status}`, status, snippet);
        }
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (kept < RESPONSE_SNIPPET_BYTES) {
          chunks.push(chunk.subarray(0, RESPONSE_SNIPPET_BYTES - kept));
          kept += Math.min(chunk.length, RESPONSE_SNIPPET_BYTES - kept);
        }
        // Enough to show the merchant; the rest of a large answer is not worth reading.
        if (kept >= RESPONSE_SNIPPET_BYTES) done();
      });
      response.on("end", done);
      response.on("error", (error) => fail(errorText(error), status));
    });
    request.end(options.body);
  });
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

/** UTF-8 text safe for a Postgres `text` column (no NUL bytes). */
function snippetText(bytes: Buffer): string {
  return bytes.toString("utf8").replaceAll("\u0000", "");
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  return text.replaceAll("\u0000", "").slice(0, 500);
}
