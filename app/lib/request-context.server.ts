import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type Logger } from "pino";

/**
 * One root logger (JSON lines on stdout) and a per-request context, so any service can
 * log with the current request id without threading it through every call.
 */
export const rootLogger: Logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "handoff" },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: {
    paths: ["req.headers.authorization", "req.headers.cookie", "*.accessToken", "*.secret"],
    censor: "[redacted]",
  },
});

export interface RequestContext {
  requestId: string;
  logger: Logger;
  remoteAddress?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The request's child logger inside a request, the root logger elsewhere (worker, scripts). */
export function log(): Logger {
  return storage.getStore()?.logger ?? rootLogger;
}

const SANE_REQUEST_ID = /^[\w.-]{8,128}$/;

/**
 * The start of every HTTP request (server.mjs calls it for pages and the API alike):
 * honours a sane incoming X-Request-Id (load balancers set one) or mints one, sets it on
 * the response, and logs the request when it finishes. The child logger is made on first
 * use: most requests never log, and a pino child per request is measurable on hot paths.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse): RequestContext {
  const incoming = req.headers["x-request-id"];
  const requestId =
    typeof incoming === "string" && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-Id", requestId);
  let logger: Logger | undefined;
  const context: RequestContext = {
    requestId,
    remoteAddress: req.socket.remoteAddress,
    get logger() {
      return (logger ??= rootLogger.child({ request_id: requestId }));
    },
  };
  if (rootLogger.isLevelEnabled("info")) {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      context.logger.info(
        {
          method: req.method,
          path: (req.url ?? "/").split("?")[0],
          status: res.statusCode,
          duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });
  }
  return context;
}
