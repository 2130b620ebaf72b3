/**
 * A scriptable stand-in for the Shopify Admin API, because Shopify is never reachable
 * from tests. Two ways in, one behaviour:
 *
 * - `startShopifyAdminMock()` — a loopback HTTP server. A server started by
 *   tests/helpers/server.ts gets its URL as `SHOPIFY_MOCK_URL`, and the msw preload in
 *   that child (shopify-mock-preload.mjs) forwards Admin GraphQL and token-exchange
 *   requests here. Use it in integration and e2e tests.
 * - `mockShopifyGraphqlInProcess()` — msw `setupServer` in the test's own process, for
 *   unit tests that call services directly.
 *
 * Both record every request and answer GraphQL with the newest responder whose matcher
 * fits (default `{"data":{}}`) and token exchange with a fake offline token. In-process,
 * any other non-loopback request fails with a network error, as in the preload.
 *
 * No vitest imports: Playwright loads this file too.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { syncBuiltinESMExports } from "node:module";
import type { AddressInfo } from "node:net";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { http, HttpResponse, passthrough } from "msw";
import { setupServer } from "msw/node";

export type ShopifyMockRequestKind = "graphql" | "token_exchange" | "other";

export interface ShopifyMockRequest {
  kind: ShopifyMockRequestKind;
  method: string;
  /** Path and query as the app requested it, e.g. `/admin/api/2025-10/graphql.json`. */
  path: string;
  /** Shop the app addressed, e.g. `handoff-test.myshopify.com` (null if unknown). */
  shop: string | null;
  /** GraphQL document ("" for non-GraphQL requests). */
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  /** Lower-cased request headers (the access token is in `x-shopify-access-token`). */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when the body was empty or not JSON). */
  body: unknown;
}

/** Return this from a responder to answer with another status or extra headers. */
export class ShopifyMockResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Answers one GraphQL request; the returned object is the whole JSON body (`{ data }`, `{ errors }`). */
export type GraphqlResponder = (
  variables: Record<string, unknown>,
  request: ShopifyMockRequest,
) => object | ShopifyMockResponse | Promise<object | ShopifyMockResponse>;

export type TokenExchangeResponder = (
  request: ShopifyMockRequest,
) => object | ShopifyMockResponse | Promise<object | ShopifyMockResponse>;

/** What both mocks offer; the HTTP one adds `url`. */
export interface ShopifyAdminMockControls {
  /** Every request received, oldest first. */
  requests: ShopifyMockRequest[];
  /**
   * Answer GraphQL requests whose operation name equals `matcher` or whose document
   * contains it (string), or whose document matches it (RegExp). The newest matching
   * registration wins, so a test can override a default set in `beforeAll`.
   */
  onGraphql(matcher: string | RegExp, responder: GraphqlResponder): void;
  /** Replaces the default fake-token answer to token exchange. */
  onTokenExchange(responder: TokenExchangeResponder): void;
  /** GraphQL requests received, optionally only those `matcher` selects. */
  graphqlRequests(matcher?: string | RegExp): ShopifyMockRequest[];
  /** Forgets recorded requests and registered responders. */
  reset(): void;
  stop(): Promise<void>;
}

export interface ShopifyAdminMock extends ShopifyAdminMockControls {
  /** Give this to the app server as `SHOPIFY_MOCK_URL` (startServer does when passed the mock). */
  url: string;
}

interface RawRequest {
  method: string;
  /** Absolute URL as the app addressed it (`https://<shop>/admin/...`). */
  url: URL;
  headers: Record<string, string>;
  bodyText: string;
  /** SCOPES of the app, when known, echoed in fake tokens. */
  scopes: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const GRAPHQL_PATH = /^\/admin\/api\/[^/]+\/graphql\.json$/;
const TOKEN_PATH = "/admin/oauth/access_token";
const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

/** 127.0.0.0/8, ::1 and localhost — the only hosts tests may reach. */
export function isLoopbackUrl(url: string | URL): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** What the preload answers to token exchange when no mock is running; tests may reuse it. */
export function defaultTokenExchangeResponse(
  shop: string,
  requestedTokenType?: unknown,
  scopes = "",
): object {
  const token = `shpat_test_${shop.split(".")[0]}_${randomUUID().replaceAll("-", "")}`;
  if (requestedTokenType === ONLINE_TOKEN_TYPE) {
    return {
      access_token: token.replace("shpat_", "shpua_"),
      scope: scopes,
      expires_in: 86_400,
      associated_user_scope: scopes,
      associated_user: {
        id: 1,
        first_name: "Test",
        last_name: "Merchant",
        email: "merchant@handoff.test",
        account_owner: true,
        locale: "en",
        collaborator: false,
        email_verified: true,
      },
    };
  }
  return { access_token: token, scope: scopes };
}

function matches(matcher: string | RegExp, request: ShopifyMockRequest): boolean {
  if (typeof matcher === "string")
    return request.operationName === matcher || request.query.includes(matcher);
  matcher.lastIndex = 0;
  return matcher.test(request.query);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The shared brain of both mocks: records a request and decides the answer. */
function createRouter(): Omit<ShopifyAdminMockControls, "stop"> & {
  handle(raw: RawRequest): Promise<RawResponse>;
} {
  const requests: ShopifyMockRequest[] = [];
  let graphqlResponders: Array<{ matcher: string | RegExp; responder: GraphqlResponder }> = [];
  let tokenResponder: TokenExchangeResponder | null = null;

  const toRaw = (answer: object | ShopifyMockResponse): RawResponse => {
    const response =
      answer instanceof ShopifyMockResponse ? answer : new ShopifyMockResponse(200, answer);
    return {
      status: response.status,
      headers: { "content-type": "application/json", ...response.headers },
      body: JSON.stringify(response.body),
    };
  };

  return {
    requests,
    onGraphql(matcher, responder) {
      graphqlResponders.push({ matcher, responder });
    },
    onTokenExchange(responder) {
      tokenResponder = responder;
    },
    graphqlRequests(matcher) {
      return requests.filter(
        (r) => r.kind === "graphql" && (matcher === undefined || matches(matcher, r)),
      );
    },
    reset() {
      requests.length = 0;
      graphqlResponders = [];
      tokenResponder = null;
    },
    async handle(raw) {
      const body = parseJson(raw.bodyText);
      const kind: ShopifyMockRequestKind = GRAPHQL_PATH.test(raw.url.pathname)
        ? "graphql"
        : raw.url.pathname === TOKEN_PATH
          ? "token_exchange"
          : "other";
      const json = isRecord(body) ? body : {};
      const request: ShopifyMockRequest = {
        kind,
        method: raw.method,
        path: raw.url.pathname + raw.url.search,
        shop: raw.url.hostname || null,
        query: kind === "graphql" && typeof json.query === "string" ? json.query : "",
        operationName: typeof json.operationName === "string" ? json.operationName : null,
        variables: isRecord(json.variables) ? json.variables : {},
        headers: raw.headers,
        body,
      };
      if (request.operationName === null && request.query) {
        request.operationName =
          /^\s*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(request.query)?.[1] ?? null;
      }
      requests.push(request);

      if (kind === "graphql") {
        const found = [...graphqlResponders].reverse().find((r) => matches(r.matcher, request));
        return toRaw(found ? await found.responder(request.variables, request) : { data: {} });
      }
      if (kind === "token_exchange") {
        return toRaw(
          tokenResponder
            ? await tokenResponder(request)
            : defaultTokenExchangeResponse(raw.url.hostname, json.requested_token_type, raw.scopes),
        );
      }
      return toRaw(
        new ShopifyMockResponse(404, {
          errors: `The Shopify mock does not serve ${raw.method} ${request.path}`,
        }),
      );
    },
  };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Loopback HTTP server that the preload in a server child forwards Shopify calls to. */
export async function startShopifyAdminMock(): Promise<ShopifyAdminMock> {
  const router = createRouter();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = headersOf(req);
      const shop = headers["x-shopify-mock-shop"] ?? "unknown.myshopify.com";
      router
        .handle({
          method: req.method ?? "GET",
          url: new URL(req.url ?? "/", `https://${shop}`),
          headers,
          bodyText: Buffer.concat(chunks).toString("utf8"),
          scopes: headers["x-shopify-mock-scopes"] ?? "",
        })
        .then(
          (answer) => {
            res.writeHead(answer.status, answer.headers).end(answer.body);
          },
          (error: unknown) => {
            // A throwing responder is a test bug: answer 500 so the app's error path is
            // visible, and say why on the test's stderr.
            console.error("[shopify-admin-mock] responder threw:", error);
            res.writeHead(500, { "content-type": "application/json" }).end(
              JSON.stringify({
                errors: [{ message: `Shopify mock responder threw: ${String(error)}` }],
              }),
            );
          },
        );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: router.requests,
    onGraphql: router.onGraphql,
    onTokenExchange: router.onTokenExchange,
    graphqlRequests: router.graphqlRequests,
    reset: router.reset,
    stop() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/**
 * msw in the test's own process, for unit tests that call services (and the Shopify
 * Admin client) directly. Call it in `beforeAll` and `stop()` it in `afterAll`.
 *
 * @shopify/shopify-api keeps the `fetch` it saw when its adapter was imported, which in
 * a test file is before msw patches the global. So this points the library at
 * whatever `globalThis.fetch` is at call time — msw's while the mock runs, the real one
 * after `stop()`.
 */
export function mockShopifyGraphqlInProcess(
  options: { scopes?: string } = {},
): ShopifyAdminMockControls {
  const router = createRouter();
  const isShopifyAdmin = (request: Request): boolean => {
    const url = new URL(request.url);
    return (
      url.protocol === "https:" &&
      url.hostname.endsWith(".myshopify.com") &&
      (GRAPHQL_PATH.test(url.pathname) || url.pathname === TOKEN_PATH)
    );
  };

  const server = setupServer(
    http.all(
      ({ request }) => isShopifyAdmin(request),
      async ({ request }) => {
        const answer = await router.handle({
          method: request.method,
          url: new URL(request.url),
          headers: Object.fromEntries(request.headers),
          bodyText: request.method === "GET" ? "" : await request.text(),
          scopes: options.scopes ?? process.env.SCOPES ?? "",
        });
        return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
      },
    ),
    // Catch-all instead of onUnhandledRequest "error", which only prints in msw 2.
    http.all("*", ({ request }) => {
      if (isLoopbackUrl(request.url)) return passthrough();
      console.error(
        `[shopify-admin-mock] BLOCKED outbound request ${request.method} ${request.url}`,
      );
      return HttpResponse.error();
    }),
  );
  server.listen({ onUnhandledRequest: "bypass" });
  // Named ESM imports of node:http/https would otherwise keep the unpatched functions.
  syncBuiltinESMExports();
  setAbstractFetchFunc((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

  return {
    requests: router.requests,
    onGraphql: router.onGraphql,
    onTokenExchange: router.onTokenExchange,
    graphqlRequests: router.graphqlRequests,
    reset: router.reset,
    async stop() {
      server.close();
      syncBuiltinESMExports();
    },
  };
}
