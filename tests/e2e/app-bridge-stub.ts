/**
 * App Bridge is a CDN script (https://cdn.shopify.com/shopifycloud/app-bridge.js) that
 * cannot load here. Its one job the app depends on in a browser is adding a fresh
 * session token to every same-origin `fetch` — without it, a client-side navigation
 * between `app.*` routes ends on `/auth/login` (stack-notes #4). This stub serves a
 * small stand-in at that exact URL, so e2e tests drive the real `authenticate.admin`,
 * and aborts every other request that would leave the machine.
 */
import type { BrowserContext, Route } from "@playwright/test";

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/**
 * Source of the stand-in. `window.shopify` offers the App Bridge surface the app and
 * @shopify/app-bridge-react touch (idToken, toast, loading, modal, saveBar, …); calls
 * are recorded in `window.__appBridgeCalls` so tests can assert e.g. a toast, and
 * toasts also appear as a `role="status"` banner so screenshots show them.
 */
export function appBridgeStubScript(token: string): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const nativeFetch = window.fetch.bind(window);
  const calls = (window.__appBridgeCalls = []);
  const record = (method, args) => {
    try { calls.push({ method, args: JSON.parse(JSON.stringify(args)) }); }
    catch { calls.push({ method, args: [] }); }
  };
  const params = new URLSearchParams(location.search);
  const script = document.currentScript;
  let toastCount = 0;

  function showToast(message, options) {
    record("toast.show", [message, options]);
    const id = "toast-" + ++toastCount;
    const el = document.createElement("div");
    el.id = id;
    el.setAttribute("role", "status");
    el.dataset.appBridgeToast = options && options.isError ? "error" : "info";
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:10px 16px;border-radius:8px;font:14px system-ui;color:#fff;z-index:2147483647;background:" + (options && options.isError ? "#8e1f0b" : "#303030");
    (document.body || document.documentElement).appendChild(el);
    setTimeout(() => el.remove(), (options && options.duration) || 5000);
    return id;
  }

  const asyncNoop = (method, result) => async (...args) => { record(method, args); return result; };

  window.shopify = {
    config: {
      apiKey: script && script.dataset ? script.dataset.apiKey : undefined,
      shop: params.get("shop"),
      host: params.get("host"),
      locale: params.get("locale") || "en",
    },
    origin: location.origin,
    environment: { embedded: true, mobile: false, pos: false },
    idToken: async () => token,
    toast: { show: showToast, hide: (id) => { record("toast.hide", [id]); document.getElementById(id)?.remove(); } },
    loading: (isLoading) => record("loading", [isLoading]),
    modal: { show: asyncNoop("modal.show"), hide: asyncNoop("modal.hide"), toggle: asyncNoop("modal.toggle") },
    saveBar: {
      show: asyncNoop("saveBar.show"),
      hide: asyncNoop("saveBar.hide"),
      toggle: asyncNoop("saveBar.toggle"),
      leaveConfirmation: asyncNoop("saveBar.leaveConfirmation"),
    },
    resourcePicker: asyncNoop("resourcePicker", undefined),
    user: asyncNoop("user", { accountAccess: "Account owner" }),
    scopes: {
      query: asyncNoop("scopes.query", { granted: [], required: [], optional: [] }),
      request: asyncNoop("scopes.request", { result: "granted-all", detail: { granted: [], required: [], optional: [] } }),
      revoke: asyncNoop("scopes.revoke", { detail: { granted: [], required: [], optional: [] } }),
    },
    reviews: { request: asyncNoop("reviews.request", { success: false, code: "mobile-app", message: "stub" }) },
    webVitals: { onReport: asyncNoop("webVitals.onReport") },
  };

  // The part that matters: same-origin requests carry the session token, as with the
  // real App Bridge, so Remix data requests pass authenticate.admin.
  window.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return nativeFetch(input, init);
    const headers = new Headers(init && init.headers ? init.headers : input instanceof Request ? input.headers : undefined);
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
    return nativeFetch(input, { ...init, headers });
  };
})();
`;
}

export interface AppBridgeStubHandle {
  /** Non-loopback URLs the browser tried and was refused (fonts, CDN assets, …). */
  blockedRequests: string[];
}

/** Makes the token for one page load; `pageUrl` is the document loading App Bridge. */
export type SessionTokenFactory = (context: { pageUrl: URL | null }) => string | Promise<string>;

function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function isNetworkUrl(url: URL): boolean {
  return (
    url.protocol === "http:" ||
    url.protocol === "https:" ||
    url.protocol === "ws:" ||
    url.protocol === "wss:"
  );
}

function pageUrlOf(route: Route): URL | null {
  try {
    return new URL(route.request().frame().url());
  } catch {
    return null; // service-worker requests have no frame
  }
}

/**
 * Serves the stub at App Bridge's URL with a token from `tokenFactory` (fresh per page
 * load), and aborts every other request that is not to 127.0.0.0/8, ::1 or localhost.
 * Call before the first navigation.
 */
export async function installAppBridgeStub(
  context: BrowserContext,
  tokenFactory: SessionTokenFactory,
): Promise<AppBridgeStubHandle> {
  const handle: AppBridgeStubHandle = { blockedRequests: [] };

  // Routes run newest first, so this catch-all is registered before the App Bridge route.
  await context.route(
    (url) => isNetworkUrl(url) && !isLoopbackUrl(url),
    async (route) => {
      handle.blockedRequests.push(route.request().url());
      await route.abort("blockedbyclient");
    },
  );
  await context.routeWebSocket(
    (url) => !isLoopbackUrl(url),
    (ws) => {
      handle.blockedRequests.push(ws.url());
      void ws.close({ code: 1008, reason: "blocked by e2e fixture: loopback only" });
    },
  );
  await context.route(
    (url) => url.origin + url.pathname === APP_BRIDGE_URL,
    async (route) => {
      const token = await tokenFactory({ pageUrl: pageUrlOf(route) });
      await route.fulfill({
        status: 200,
        contentType: "text/javascript; charset=utf-8",
        headers: { "Cache-Control": "no-store" },
        body: appBridgeStubScript(token),
      });
    },
  );
  return handle;
}
