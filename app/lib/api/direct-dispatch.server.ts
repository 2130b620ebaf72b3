import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { ServerBuild } from "@remix-run/node";
import { errorResponse } from "./route.server";

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
}

type RouteTable = ServerBuild["routes"];

const API_ROUTE_PREFIX = "routes/public-api.v1";
const SMALL_BODY_BYTES = 64 * 1024;

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

interface ExpressLikeRequest extends IncomingMessage {
  protocol?: string;
  originalUrl?: string;
}

function toRequest(req: ExpressLikeRequest, res: ServerResponse): Request {
  const url = new URL(
    req.originalUrl ?? req.url ?? "/",
    `${req.protocol ?? "http"}://${req.headers.host ?? "localhost"}`,
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  // Abort the handler's work when the client leaves before the answer is sent.
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

async function sendResponse(req: IncomingMessage, res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (!response.body || req.method === "HEAD") {
    res.end();
    return;
  }
  const length = Number(response.headers.get("content-length"));
  if (length >= 0 && length <= SMALL_BODY_BYTES) {
    // API answers are small JSON with a known length: one write.
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), res);
}

/** Connect-style middleware: API paths are answered here, anything else goes on to Remix. */
export function createApiDispatcher(routes: RouteTable) {
  const table = compileApiRoutes(routes);
  return async (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void) => {
    const pathname = (req.originalUrl ?? req.url ?? "/").split("?")[0]!;
    if (!/^\/public-api\/v1(\/|$)/i.test(pathname)) return next();
    const matched = matchApiRoute(table, pathname);
    const isRead = req.method === "GET" || req.method === "HEAD";
    const handler = matched && (isRead ? matched.route.loader : matched.route.action);
    if (!matched || !handler) return next();
    try {
      let response: Response;
      try {
        const answer = await handler({
          request: toRequest(req, res),
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
      next(error);
    }
  };
}
