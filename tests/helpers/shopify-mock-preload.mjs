/**
 * Loaded into the app server's own process with `NODE_OPTIONS=--import <this file>`
 * (tests/helpers/server.ts does it). Integration and e2e tests run the built server as
 * a child process, so intercepting its outbound HTTP has to happen inside that child,
 * before the app's modules capture `fetch` (@shopify/shopify-api's adapter stores a
 * reference to `globalThis.fetch` when it is first imported).
 *
 * - Admin GraphQL (`https://<shop>.myshopify.com/admin/api/<version>/graphql.json`) and
 *   token exchange (`https://<shop>.myshopify.com/admin/oauth/access_token`) are
 *   forwarded to `SHOPIFY_MOCK_URL` (tests/helpers/shopify-admin-mock.ts), with the
 *   original shop in `X-Shopify-Mock-Shop`. Without `SHOPIFY_MOCK_URL`, GraphQL answers
 *   `{"data":{}}` and token exchange a fake token, so a server booted without a mock
 *   still authenticates.
 * - Requests to 127.0.0.1, ::1 and localhost go through untouched.
 * - With TEST_NETWORK_GUARD=sockets (benchmarks) none of the above is installed, only
 *   the socket guard below, which alone keeps every connection on loopback.
 * - Every other outbound HTTP request (fetch, http/https.request, XMLHttpRequest) fails
 *   with a network error and a `[shopify-mock-preload] BLOCKED …` line on stderr, and so
 *   does any other TCP/TLS connection (SMTP, Postgres, raw sockets) to a host that is not
 *   loopback. That is the proof that nothing the app does in tests leaves the machine;
 *   startServer() collects those lines as `blockedRequests()`.
 *
 * Plain ESM JavaScript on purpose: it runs under bare `node`, before any TS loader.
 */
import { randomUUID } from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { http, HttpResponse, passthrough } from "msw";
import { setupServer } from "msw/node";

const TAG = "[shopify-mock-preload]";
// Captured before listen() patches the global, so forwarding is never intercepted.
const realFetch = globalThis.fetch;
const mockUrl = process.env.SHOPIFY_MOCK_URL || "";

const GRAPHQL_PATH = /^\/admin\/api\/[^/]+\/graphql\.json$/;
const TOKEN_PATH = "/admin/oauth/access_token";
const SHOP_HOST = /^[a-z0-9][a-z0-9-_]*\.myshopify\.com$/i;

/** Same rule as isLoopbackUrl() in shopify-admin-mock.ts (kept in sync by its unit test). */
function isLoopbackHost(hostname) {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function isShopifyAdminRequest(request) {
  const url = new URL(request.url);
  return (
    url.protocol === "https:" &&
    SHOP_HOST.test(url.hostname) &&
    (GRAPHQL_PATH.test(url.pathname) || url.pathname === TOKEN_PATH)
  );
}

async function forward(request) {
  const original = new URL(request.url);
  const target = new URL(original.pathname + original.search, mockUrl);
  const headers = new Headers(request.headers);
  for (const name of ["host", "connection", "content-length", "transfer-encoding"])
    headers.delete(name);
  headers.set("x-shopify-mock-shop", original.hostname);
  headers.set("x-shopify-mock-scopes", process.env.SCOPES || "");
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  try {
    const answer = await realFetch(target, { method: request.method, headers, body });
    const answerHeaders = new Headers(answer.headers);
    // realFetch already decoded the body; stale framing headers would corrupt it.
    for (const name of ["content-encoding", "content-length", "transfer-encoding", "connection"]) {
      answerHeaders.delete(name);
    }
    return new Response(await answer.arrayBuffer(), {
      status: answer.status,
      headers: answerHeaders,
    });
  } catch (error) {
    process.stderr.write(`${TAG} could not reach SHOPIFY_MOCK_URL ${mockUrl}: ${error}\n`);
    return HttpResponse.json(
      { errors: [{ message: `Shopify mock unreachable at ${mockUrl}` }] },
      { status: 502 },
    );
  }
}

async function answerLocally(request) {
  const url = new URL(request.url);
  if (url.pathname !== TOKEN_PATH) return HttpResponse.json({ data: {} });
  return HttpResponse.json(fakeAccessToken(await request.json().catch(() => ({})), url.hostname));
}

/** Mirrors defaultTokenExchangeResponse() in shopify-admin-mock.ts. */
function fakeAccessToken(body, shop) {
  const scope = process.env.SCOPES || "";
  const token = `shpat_test_${shop.split(".")[0]}_${randomUUID().replaceAll("-", "")}`;
  if (
    body &&
    body.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token"
  ) {
    return {
      access_token: token.replace("shpat_", "shpua_"),
      scope,
      expires_in: 86_400,
      associated_user_scope: scope,
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
  return { access_token: token, scope };
}

function blockOutbound(request) {
  process.stderr.write(
    `${TAG} BLOCKED outbound request ${request.method} ${request.url} — tests may only reach 127.0.0.1/::1\n`,
  );
  return HttpResponse.error();
}

// TEST_NETWORK_GUARD=sockets (benchmarks of the server's own CPU): no msw. msw replaces
// the global Request, Headers and Response with Proxies, which costs every request; the
// socket guard below still refuses every non-loopback connection, so nothing leaves.
if (process.env.TEST_NETWORK_GUARD !== "sockets") {
  const server = setupServer(
    http.all(
      ({ request }) => isShopifyAdminRequest(request),
      ({ request }) => (mockUrl ? forward(request) : answerLocally(request)),
    ),
    // A catch-all handler rather than onUnhandledRequest: msw 2's "error" strategy only
    // prints, then performs the request anyway (checked with msw 2.15).
    http.all("*", ({ request }) =>
      isLoopbackHost(new URL(request.url).hostname) ? passthrough() : blockOutbound(request),
    ),
  );

  server.listen({
    // Every HTTP request is handled above; this stays as a last guard.
    onUnhandledRequest(request, print) {
      if (!isLoopbackHost(new URL(request.url).hostname)) print.error();
    },
  });
  // msw patches the CommonJS exports of node:http/https; ESM named imports
  // (`import { request } from "node:https"`) keep the originals until synced, and would
  // otherwise bypass both the mock and the block (checked).
  syncBuiltinESMExports();
}

/**
 * Below HTTP: SMTP, database drivers and anything else that opens sockets go through
 * net.Socket#connect (TLS sockets too). Refuse non-loopback hosts before any DNS lookup
 * or packet; Unix sockets (`path`) are local by definition.
 */
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  // net.connect() passes an already normalised [options, callback] array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host = "localhost";
  let port = "";
  let path = null;
  if (first && typeof first === "object") {
    path = first.path ?? null;
    host = first.host ?? "localhost";
    port = first.port ?? "";
  } else if (typeof first === "number" || /^\d+$/.test(String(first))) {
    port = first;
    if (typeof args[1] === "string") host = args[1];
  } else if (typeof first === "string") {
    path = first;
  }
  if (path === null && !isLoopbackHost(String(host))) {
    process.stderr.write(
      `${TAG} BLOCKED outbound connection to ${host}:${port} — tests may only reach 127.0.0.1/::1\n`,
    );
    const error = Object.assign(
      new Error(`${TAG} blocked connection to non-loopback host ${host}:${port}`),
      {
        code: "ECONNREFUSED",
      },
    );
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};
