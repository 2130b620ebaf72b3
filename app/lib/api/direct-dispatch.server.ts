import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { promisify } from "node:util";
import { gzip as zlibGzip } from "node:zlib";
import type { ServerBuild } from "@remix-run/node";
import { beginRequest, log, runWithRequestContext } from "~/lib/request-context.server";
import {
  apiCallHandlerOf,
  errorAnswer,
  errorResponse,
  type ApiAnswer,
  type ApiCall,
  type ApiCallHandler,
} from "./route.server";

/**
 * Serves `/public-api/v1` straight from its Remix route modules, without Remix's request
 * pipeline.
 *
 * Every API route is a resource route whose loader/action is the `apiResource` pipeline:
 * it needs a Request and its params, nothing else Remix provides. But Remix matches the
 * URL against the whole route tree twice per request (`matchRoutes` flattens and ranks
 * all ~95 routes and compiles a RegExp per candidate each time), which was the largest
 * single cost of an API call. Here the API's routes are compiled once at boot with
 * Remix's own path rules (same ranking, same decoding, same params) and a match calls
 * the very same loader/action. The route files stay the only definition: a path not
 * matched here falls through to Remix unchanged.
 */

type Params = Record<string, string | undefined>;
type RouteHandler = (args: { request: Request; params: Params; context: object }) => unknown;

interface CompiledRoute {
  id: string;
  score: number;
  pattern: RegExp;
  paramNames: string[];
  loader?: RouteHandler;
  action?: RouteHandler;
  /** The apiResource pipeline behind loader/action, when the route is one. */
  pipeline?: ApiCallHandler;
}

type RouteTable = ServerBuild["routes"];

const API_ROUTE_PREFIX = "routes/public-api.v1";
const SMALL_BODY_BYTES = 1024 * 1024;
const COMPRESS_MIN_BYTES = 1024;

/** The full path of a route: its own path joined to its ancestors' (Remix nests paths). */
function fullPath(routes: RouteTable, id: string): string {
  const segments: string[] = [];
  for (let route = routes[id]; route; route = route.parentId ? routes[route.parentId] : undefined) {
    if (route.path) segments.unshift(route.path);
  }
  return `/${segments.join("/")}`.replace(/\/+/g, "/");
}

/** @remix-run/router's `computeScore`: static segments outrank params, params outrank splats. */
function computeScore(path: string): number {
  const segments = path.split("/");
  const isSplat = (segment: string) => segment === "*";
  let score = segments.length + (segments.some(isSplat) ? -2 : 0);
  for (const segment of segments) {
    if (isSplat(segment)) continue;
    score += /^:[\w-]+$/.test(segment) ? 3 : segment === "" ? 1 : 10;
  }
  return score;
}

/** @remix-run/router's `compilePath` for an exact (`end: true`), case-insensitive match. */
function compilePath(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  let source =
    "^" +
    path
      .replace(/\/*\*?$/, "")
      .replace(/^\/*/, "/")
      .replace(/[\\.*+^${}|()[\]]/g, "\\$&")
      .replace(/\/:([\w-]+)/g, (_, name: string) => {
        paramNames.push(name);
        return "/([^\\/]+)";
      });
  if (path.endsWith("*")) {
    paramNames.push("*");
    source += path === "*" || path === "/*" ? "(.*)$" : "(?:\\/(.+)|\\/*)$";
  } else {
    source += "\\/*$";
  }
  return { pattern: new RegExp(source, "i"), paramNames };
}

export function compileApiRoutes(routes: RouteTable): CompiledRoute[] {
  return Object.values(routes)
    .filter((route): route is NonNullable<typeof route> => Boolean(route))
    .filter((route) => route.id.startsWith(API_ROUTE_PREFIX))
    .map((route) => {
      const path = fullPath(routes, route.id);
      const module = route.module as { loader?: RouteHandler; action?: RouteHandler };
      return {
        id: route.id,
        score: computeScore(path),
        ...compilePath(path),
        loader: module.loader,
        action: module.action,
        pipeline: apiCallHandlerOf(module.loader) ?? apiCallHandlerOf(module.action),
      };
    })
    .sort((a, b) => b.score - a.score);
}

/** @remix-run/router's `decodePath`: decoded segments, but an encoded "/" stays `%2F`. */
function decodePath(pathname: string): string {
  try {
    return pathname
      .split("/")
      .map((segment) => decodeURIComponent(segment).replace(/\//g, "%2F"))
      .join("/");
  } catch {
    return pathname;
  }
}

/** The route (and its params) a pathname goes to, as Remix would pick it. */
export function matchApiRoute(
  table: CompiledRoute[],
  pathname: string,
): { route: CompiledRoute; params: Params } | null {
  const decoded = decodePath(pathname);
  for (const route of table) {
    const match = route.pattern.exec(decoded);
    if (!match) continue;
    const params: Params = {};
    route.paramNames.forEach((name, i) => {
      params[name] = (match[i + 1] ?? "").replace(/%2F/g, "/");
    });
    return { route, params };
  }
  return null;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * http or https as the client used it: X-Forwarded-Proto is believed only from a proxy on
 * this machine (Express's `trust proxy: loopback`, which the rest of the app runs with).
 */
function protocolOf(req: IncomingMessage): string {
  const forwarded = req.headers["x-forwarded-proto"];
  if (typeof forwarded === "string" && LOOPBACK.test(req.socket.remoteAddress ?? "")) {
    return forwarded.split(",")[0]!.trim() || "http";
  }
  return (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
}

/**
 * The Request the route modules expect. No AbortSignal: no API handler reads one (they
 * answer in milliseconds, and uploads notice a vanished client through the body stream),
 * and an AbortController per call was ~4 % of an API call's CPU.
 */
function toRequest(req: IncomingMessage, url: string = urlOf(req).href): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

/** The call's absolute URL; a Host header that does not parse is taken as localhost. */
function urlOf(req: IncomingMessage): URL {
  const path = req.url ?? "/";
  try {
    return new URL(`${protocolOf(req)}://${req.headers.host ?? "localhost"}${path}`);
  } catch {
    return new URL(`http://localhost${path}`);
  }
}

/** An ApiCall read straight off node's request: the web Request only if a body is read. */
function callFromIncoming(req: IncomingMessage): ApiCall {
  const url = urlOf(req);
  let request: Request | undefined;
  return {
    method: req.method ?? "GET",
    url,
    header(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    get request() {
      return (request ??= toRequest(req, url.href));
    },
  };
}

const gzip = promisify(zlibGzip);

/**
 * Ends the response with a body held in memory. Past 1 KiB it is gzipped when the client
 * accepts it and it is not encoded already (the `compression` middleware's rule for pages;
 * lists and the OpenAPI document shrink several times); small answers — most API calls —
 * go as they are. Sets Vary and the final Content-Length.
 */
async function endWithBody(req: IncomingMessage, res: ServerResponse, body: string | Buffer) {
  let payload = body;
  if (Buffer.byteLength(body) >= COMPRESS_MIN_BYTES) {
    res.setHeader("Vary", "Accept-Encoding");
    const accepted = req.headers["accept-encoding"];
    const acceptsGzip = typeof accepted === "string" && /\bgzip\b/i.test(accepted);
    if (acceptsGzip && !res.hasHeader("content-encoding")) {
      payload = await gzip(body);
      res.setHeader("Content-Encoding", "gzip");
    }
  }
  res.setHeader("Content-Length", Buffer.byteLength(payload));
  res.end(req.method === "HEAD" ? undefined : payload);
}

async function sendResponse(req: IncomingMessage, res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (!response.body || req.method === "HEAD") {
    res.end();
    return;
  }
  const declared = response.headers.get("content-length");
  const length = declared === null ? NaN : Number(declared);
  if (length >= 0 && length <= SMALL_BODY_BYTES) {
    // API answers are JSON with a known length: one write.
    await endWithBody(req, res, Buffer.from(await response.arrayBuffer()));
    return;
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), res);
}

async function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: ApiAnswer) {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  await endWithBody(req, res, answer.body);
}

export interface ApiDispatcher {
  /**
   * Answers the request when it is an API call one of the route modules handles, and
   * returns true; returns false (having touched nothing) for everything else.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * Mounted by server.mjs in front of Express: API calls skip Express's middleware (body
 * and query parsers, compression, static lookups) as well as Remix's route matching.
 */
export function createApiDispatcher(routes: RouteTable): ApiDispatcher {
  const table = compileApiRoutes(routes);
  return {
    handle(req, res) {
      const pathname = (req.url ?? "/").split("?")[0]!;
      if (!/^\/public-api\/v1(\/|$)/i.test(pathname)) return false;
      const matched = matchApiRoute(table, pathname);
      const isRead = req.method === "GET" || req.method === "HEAD";
      const handler = matched && (isRead ? matched.route.loader : matched.route.action);
      if (!matched || !handler) return false;
      const context = beginRequest(req, res);
      void runWithRequestContext(context, () => serve(req, res, matched, handler));
      return true;
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  matched: { route: CompiledRoute; params: Params },
  handler: RouteHandler,
) {
  try {
    const { pipeline: apiPipeline } = matched.route;
    if (apiPipeline) {
      let answer: ApiAnswer;
      try {
        answer = await apiPipeline(callFromIncoming(req), matched.params);
      } catch (error) {
        answer = errorAnswer(error);
      }
      await sendAnswer(req, res, answer);
      return;
    }
    let response: Response;
    try {
      const answer = await handler({
        request: toRequest(req),
        params: matched.params,
        context: {},
      });
      if (!(answer instanceof Response))
        throw new Error(`${matched.route.id} answered no Response`);
      response = answer;
    } catch (thrown) {
      // A thrown Response is an answer (as in Remix); anything else is a 500 envelope.
      response = thrown instanceof Response ? thrown : errorResponse(thrown);
    }
    await sendResponse(req, res, response);
  } catch (error) {
    // The client went away mid-answer, or the body stream failed: nothing left to tell it.
    log().warn({ err: error, route: matched.route.id }, "public api: response not sent");
    res.destroy();
  }
}
