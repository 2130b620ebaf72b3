import { AsyncLocalStorage } from "node:async_hooks";
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
