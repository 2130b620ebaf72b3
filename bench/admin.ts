/**
 * Merchant admin benchmark (`npm run bench -- admin`) on a 200,000-order shop:
 * 1. Server time of the orders list and order detail loaders: p50/p95 of N data requests
 *    (`<route>.data?_routes=<route id>`, single fetch: only that route's loader, which
 *    authenticates itself) through the real server with a signed session token.
 * 2. Web Vitals of each admin page in Chromium (the e2e App Bridge stub, loopback only):
 *    LCP and CLS from PerformanceObserver, INP from Event Timing entries of a scripted
 *    interaction (typing into the page's first text field, else a click on its title).
 *    Runs go round-robin over the pages (page 1..n, then again), so a burst of load on the
 *    shared machine hits every page alike instead of all runs of one page. Each page also
 *    records TTFB, FCP and what its LCP element was.
 * 3. Initial JavaScript per route, KB gzipped: entry + root + app layout + the route
 *    module and all their imports from the Remix build manifest, each file gzipped.
 *
 * The server runs with NODE_ENV=production, as deployed (BENCH_ADMIN_NODE_ENV overrides):
 * the test default, NODE_ENV=test, server-renders with React's development build, which
 * costs about twice the CPU per element and so weighs most on the biggest pages.
 * BENCH_ADMIN_PAGES=license_keys,products measures only those pages' vitals (the loader
 * timings still run); such a partial result is written to admin.partial.json.
 */
import { readdir, readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { webhookEndpoints } from "~/db/schema";
import { CHROME_USER_AGENT, CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/helpers/browser";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createLicenseKeys,
  createOfflineSession,
  createShop,
} from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";
import { shopifyHostParam, signSessionToken } from "../tests/helpers/shopify-signing";
import { installAppBridgeStub } from "../tests/e2e/app-bridge-stub";
import { seededOrderId, seedOrders } from "./_seed";
import { percentile } from "./_stats";

const ORDERS = Number(process.env.BENCH_ADMIN_ORDERS ?? 200_000);
const LOADER_REQUESTS = Number(process.env.BENCH_ADMIN_REQUESTS ?? 100);
const VITALS_RUNS = Number(process.env.BENCH_ADMIN_RUNS ?? 5);
const NODE_ENV = process.env.BENCH_ADMIN_NODE_ENV ?? "production";
const ONLY_PAGES = process.env.BENCH_ADMIN_PAGES?.split(",")
  .map((p) => p.trim())
  .filter(Boolean);
const TARGETS = { lcp_ms: 1000, cls: 0.05, inp_ms: 100 };
const PUBLIC_DIR = join(process.cwd(), "public");

interface Manifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[]; parentId?: string }>;
}

async function readManifest(): Promise<Manifest> {
  const dir = join(PUBLIC_DIR, "build");
  const file = (await readdir(dir)).find((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (!file) throw new Error("No Remix build manifest: run `npm run build` first.");
  const text = await readFile(join(dir, file), "utf8");
  return JSON.parse(text.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as Manifest;
}

/** Gzipped KB of the JS a first load of `routeId` fetches (deduplicated files). */
async function initialJsKb(manifest: Manifest, routeId: string) {
  const files = new Set<string>([manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (let id: string | undefined = routeId; id; id = manifest.routes[id]?.parentId) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`Route ${id} is not in the manifest`);
    files.add(route.module);
    for (const f of route.imports ?? []) files.add(f);
  }
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = await readFile(join(PUBLIC_DIR, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return {
    files: files.size,
    kb_gzip: Math.round(gzip / 102.4) / 10,
    kb_raw: Math.round(raw / 102.4) / 10,
  };
}

const VITALS_SCRIPT = `(() => {
  const v = (window.__vitals = { lcp: null, lcpElement: null, fcp: null, cls: 0, inp: null, interactions: 0 });
  const observe = (type, cb, extra) => {
    try { new PerformanceObserver((l) => l.getEntries().forEach(cb)).observe({ type, buffered: true, ...extra }); } catch {}
  };
  observe("largest-contentful-paint", (e) => {
    v.lcp = e.renderTime || e.loadTime || e.startTime;
    const el = e.element;
    v.lcpElement = el ? el.tagName.toLowerCase() + ' "' + (el.textContent || "").trim().slice(0, 40) + '" ' + Math.round(e.size) + "px2" : null;
  });
  observe("paint", (e) => { if (e.name === "first-contentful-paint") v.fcp = e.startTime; });
  // CLS: the largest session window (gaps < 1 s, windows <= 5 s), input-driven shifts excluded.
  let session = 0, first = 0, last = 0;
  observe("layout-shift", (e) => {
    if (e.hadRecentInput) return;
    if (session && e.startTime - last < 1000 && e.startTime - first < 5000) session += e.value;
    else { session = e.value; first = e.startTime; }
    last = e.startTime;
    v.cls = Math.max(v.cls, session);
  });
  const seen = new Set();
  const onEvent = (e) => {
    if (!e.interactionId) return;
    seen.add(e.interactionId);
    v.interactions = seen.size;
    v.inp = Math.max(v.inp ?? 0, e.duration);
  };
  observe("event", onEvent, { durationThreshold: 16 });
  observe("first-input", onEvent);
})();`;

export default async function adminBench() {
  const loadBefore = loadavg()[0]!;
  const server = await startServer({
    env: {
      LOG_LEVEL: "warn",
      WORKER_MODE: "off",
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      NODE_ENV,
    },
  });
  const db = connectToServerDb(server);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const seedStart = performance.now();
    await seedOrders(db, shop.id, ORDERS);
    const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
    const product = await createDigitalProduct(db, shop, {
      name: "Bench App",
      access: "LICENSE_KEY",
      licenseKeyTag: "bench",
      lowStockThreshold: 10,
    });
    await createLicenseKeys(db, shop, "bench", 200);
    const [endpoint] = await db
      .insert(webhookEndpoints)
      .values({
        shopId: shop.id,
        name: "CRM",
        url: "https://crm.example.com/hooks/handoff",
        events: ["digital_order.purchased"],
        secret: "whsec_bench",
      })
      .returning();
    const detailId = seededOrderId(Math.floor(ORDERS / 2));

    // 1. Loader server time.
    const token = await signSessionToken({ shop: shop.domain, expiresInSeconds: 3600 });
    const timeLoader = async (
      path: string,
      routeId: string,
      { query = "", requests = LOADER_REQUESTS, warmUp = 5 } = {},
    ) => {
      const url = `${server.url}${path}.data?${query}${query ? "&" : ""}_routes=${encodeURIComponent(routeId)}`;
      const samples: number[] = [];
      for (let i = 0; i < requests + warmUp; i++) {
        const t0 = performance.now();
        const res = await fetch(url, {
          headers: { Authorization: `Bearer ${token}`, "User-Agent": CHROME_USER_AGENT },
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path}?${query}: HTTP ${res.status}`);
        if (i >= warmUp) samples.push(performance.now() - t0);
      }
      return {
        requests: samples.length,
        p50_ms: percentile(samples, 50),
        p95_ms: percentile(samples, 95),
        max_ms: percentile(samples, 100),
      };
    };
    const loaders: Record<string, unknown> = {
      orders_list: await timeLoader("/app/orders", "routes/app.orders._index"),
      order_detail: await timeLoader(`/app/orders/${detailId}`, "routes/app.orders.$id"),
    };
    // Searches over the 200,000 orders, fewer requests each: a whole email and the middle
    // of one (trigram indexes), an order number (prefix index), a term in every email.
    const searches = {
      orders_list_search_email: "buyer42@example.com",
      orders_list_search_email_middle: "uyer4242@",
      orders_list_search_order_number: "#104200",
      orders_list_search_common_term: "example",
    };
    for (const [name, term] of Object.entries(searches)) {
      loaders[name] = {
        term,
        ...(await timeLoader("/app/orders", "routes/app.orders._index", {
          query: `q=${encodeURIComponent(term)}`,
          requests: Math.min(LOADER_REQUESTS, 30),
          warmUp: 3,
        })),
      };
    }

    // 2. Web Vitals per page, and 3. initial JS per route.
    const manifest = await readManifest();
    const pages: Array<{ name: string; path: string; route: string }> = [
      { name: "home", path: "/app", route: "routes/app._index" },
      { name: "orders", path: "/app/orders", route: "routes/app.orders._index" },
      { name: "order_detail", path: `/app/orders/${detailId}`, route: "routes/app.orders.$id" },
      { name: "products", path: "/app/products", route: "routes/app.products._index" },
      { name: "files", path: "/app/files", route: "routes/app.files" },
      { name: "license_keys", path: "/app/license-keys", route: "routes/app.license-keys" },
      { name: "settings_api", path: "/app/settings/api", route: "routes/app.settings.api" },
      { name: "settings_email", path: "/app/settings/email", route: "routes/app.settings.email" },
      {
        name: "settings_delivery",
        path: "/app/settings/delivery",
        route: "routes/app.settings.delivery",
      },
      {
        name: "settings_webhooks",
        path: "/app/settings/webhooks",
        route: "routes/app.settings.webhooks._index",
      },
      {
        name: "webhook_endpoint",
        path: `/app/settings/webhooks/${endpoint!.id}`,
        route: "routes/app.settings.webhooks.$id",
      },
    ];
    const unknown = (ONLY_PAGES ?? []).filter((name) => !pages.some((p) => p.name === name));
    if (unknown.length > 0) {
      throw new Error(
        `BENCH_ADMIN_PAGES: unknown ${unknown.join(", ")} (pages: ${pages.map((p) => p.name).join(", ")})`,
      );
    }
    const measured = ONLY_PAGES ? pages.filter((p) => ONLY_PAGES.includes(p.name)) : pages;
    type Run = {
      lcp_ms: number | null;
      fcp_ms: number | null;
      ttfb_ms: number | null;
      lcp_element: string | null;
      cls: number;
      inp_ms: number;
      interaction: string;
      status: number | null;
      load_1m: number;
    };
    const runsOf = new Map<string, Run[]>(measured.map((p) => [p.name, []]));
    const measure = async (p: (typeof pages)[number]): Promise<Run> => {
      const context = await browser.newContext({
        userAgent: CHROME_USER_AGENT,
        viewport: { width: 1280, height: 800 },
      });
      try {
        await installAppBridgeStub(context, () =>
          signSessionToken({ shop: shop.domain, expiresInSeconds: 600 }),
        );
        await context.addInitScript(VITALS_SCRIPT);
        const page = await context.newPage();
        const url = new URL(p.path, server.url);
        url.searchParams.set("embedded", "1");
        url.searchParams.set("shop", shop.domain);
        url.searchParams.set("host", shopifyHostParam(shop.domain));
        url.searchParams.set(
          "id_token",
          await signSessionToken({ shop: shop.domain, expiresInSeconds: 600 }),
        );
        const response = await page.goto(url.toString(), { waitUntil: "load" });
        await page.waitForTimeout(700);
        const field = page
          .locator('input[type="text"], input[type="search"], input:not([type]), textarea')
          .first();
        let interaction = "click on the page title";
        if (await field.isVisible().catch(() => false)) {
          interaction = "type into the first text field";
          await field.click();
          await page.keyboard.type("ab", { delay: 50 });
        } else {
          await page.locator("h1").first().click();
        }
        await page.waitForTimeout(500);
        const v = (await page.evaluate("window.__vitals")) as {
          lcp: number | null;
          lcpElement: string | null;
          fcp: number | null;
          cls: number;
          inp: number | null;
        };
        const ttfb = (await page.evaluate(
          "performance.getEntriesByType('navigation')[0]?.responseStart ?? null",
        )) as number | null;
        const ms = (x: number | null) => (x === null ? null : Math.round(x));
        return {
          lcp_ms: ms(v.lcp),
          fcp_ms: ms(v.fcp),
          ttfb_ms: ms(ttfb),
          lcp_element: v.lcpElement,
          cls: Math.round(v.cls * 10000) / 10000,
          // No Event Timing entry over 16 ms: the interaction took at most 16 ms.
          inp_ms: v.inp === null ? 16 : Math.round(v.inp),
          interaction,
          status: response?.status() ?? null,
          load_1m: Math.round(loadavg()[0]! * 10) / 10,
        };
      } finally {
        await context.close();
      }
    };
    for (let r = 0; r < VITALS_RUNS; r++) {
      for (const p of measured) runsOf.get(p.name)!.push(await measure(p));
    }
    const results: Record<string, unknown> = {};
    const median = (xs: number[]) => percentile(xs, 50);
    for (const p of measured) {
      const runs = runsOf.get(p.name)!;
      const lcp = median(runs.map((x) => x.lcp_ms ?? Number.POSITIVE_INFINITY));
      const cls = median(runs.map((x) => x.cls));
      const inp = median(runs.map((x) => x.inp_ms));
      results[p.name] = {
        path: p.path.replace(detailId, "<order id>").replace(endpoint!.id, "<endpoint id>"),
        status: runs[0]!.status,
        lcp_ms: lcp,
        fcp_ms: median(runs.map((x) => x.fcp_ms ?? Number.POSITIVE_INFINITY)),
        ttfb_ms: median(runs.map((x) => x.ttfb_ms ?? Number.POSITIVE_INFINITY)),
        cls,
        inp_ms: inp,
        interaction: runs[0]!.interaction,
        lcp_element: runs.map((x) => x.lcp_element).find((e) => e !== null) ?? null,
        meets_targets: lcp < TARGETS.lcp_ms && cls < TARGETS.cls && inp < TARGETS.inp_ms,
        runs,
        initial_js: await initialJsKb(manifest, p.route),
      };
    }

    return {
      // A run of some pages only goes to admin.partial.json (bench/run.ts), not over the
      // complete result.
      ...(ONLY_PAGES ? { partial: true } : {}),
      server_node_env: NODE_ENV,
      // The machine is shared: a 1-minute load far above the core count inflates every time.
      load_average_1m: {
        before: Math.round(loadBefore * 10) / 10,
        after: Math.round(loadavg()[0]! * 10) / 10,
      },
      shop: { orders: ORDERS, seed_seconds: seedSeconds, license_keys: 200, product: product.name },
      loaders: {
        ...loaders,
        note: "client-measured round trip over loopback of `<path>.data?_routes=<route>` (single fetch, that route's loader only, session token auth included): an upper bound on server time",
      },
      web_vitals: {
        targets: TARGETS,
        runs_per_page: VITALS_RUNS,
        note: "median of runs, taken round-robin over the pages; headless Chromium 1280x800, no CPU/network throttling, loopback server; TTFB is the document's responseStart; INP is the longest Event Timing entry with an interactionId (entries under 16 ms are not reported, so 16 means <= 16 ms); each run records the 1-minute load average when it ended",
        pages: results,
      },
    };
  } finally {
    await browser.close();
    await closeDb(db);
    await server.stop();
  }
}
