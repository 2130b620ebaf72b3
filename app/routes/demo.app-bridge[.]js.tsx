import { requireDemoRequest } from "~/lib/demo.server";
import { DEMO_SESSION_TOKEN_PATH } from "~/lib/demo";

/**
 * Stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js in the localhost demo.
 * App Bridge's job that matters here is adding a fresh session token to every
 * same-origin fetch (stack-notes #4); toasts are shown as a small banner.
 */
const script = `(() => {
  const nativeFetch = window.fetch.bind(window);
  let cached = null;
  async function idToken() {
    if (cached && cached.expires > Date.now()) return cached.token;
    const res = await nativeFetch(${JSON.stringify(DEMO_SESSION_TOKEN_PATH)}, { credentials: "same-origin" });
    const token = await res.text();
    cached = { token, expires: Date.now() + 45000 };
    return token;
  }
  function toast(message, opts) {
    const el = document.createElement("div");
    el.setAttribute("role", "status");
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:10px 16px;border-radius:8px;font:14px system-ui;color:#fff;z-index:99999;background:" + (opts && opts.isError ? "#8e1f0b" : "#303030");
    document.body.appendChild(el);
    setTimeout(() => el.remove(), (opts && opts.duration) || 4000);
  }
  window.shopify = {
    config: { apiKey: document.currentScript && document.currentScript.dataset.apiKey, shop: new URLSearchParams(location.search).get("shop") },
    idToken,
    toast: { show: toast, hide() {} },
    loading() {},
    environment: { embedded: true, mobile: false, pos: false },
  };
  // In the real admin, App Bridge moves <ui-nav-menu> into Shopify's sidebar; here it
  // becomes a top bar so the demo is navigable.
  const style = document.createElement("style");
  style.textContent = "ui-nav-menu{display:flex;gap:4px;align-items:center;padding:8px 16px;background:#1a1a1a;font:600 13px system-ui}ui-nav-menu::before{content:'Handoff demo admin';color:#b5b5b5;margin-right:16px}ui-nav-menu a{color:#e3e3e3;text-decoration:none;padding:6px 10px;border-radius:8px}ui-nav-menu a:hover,ui-nav-menu a:focus-visible{background:#303030;color:#fff}";
  document.head.appendChild(style);
  window.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/demo/")) return nativeFetch(input, init);
    const headers = new Headers(init && init.headers ? init.headers : input instanceof Request ? input.headers : undefined);
    headers.set("Authorization", "Bearer " + (await idToken()));
    return nativeFetch(input, { ...init, headers });
  };
})();
`;

export const loader = async () => {
  requireDemoRequest();
  return new Response(script, {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" },
  });
};
