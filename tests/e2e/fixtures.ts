/**
 * Playwright fixtures for the embedded admin: one built server per worker (with its
 * own database, Shopify Admin mock and SMTP sink), browser contexts with a normal
 * Chrome User-Agent, the App Bridge stub and a loopback-only network, and helpers to
 * open admin URLs the way the Shopify admin would.
 *
 *   import { test, expect } from "./fixtures";
 *   test("products page", async ({ page, adminUrl, adminShop, db, saveScreenshot }) => {
 *     const shop = await adminShop({ name: "Paper Goods" });
 *     await createDigitalProduct(db, shop, { name: "Planner" });
 *     await page.goto(await adminUrl(shop.domain, "/app/products"));
 *     await saveScreenshot("products");
 *   });
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test as base, expect } from "@playwright/test";
import {
  startServer,
  PROJECT_ROOT,
  type StartServerOptions,
  type TestServer,
} from "../helpers/server";
import type { Db } from "~/db/client.server";
import type { Shop } from "~/db/schema";
import { closeDb, connectToServerDb, createOfflineSession, createShop } from "../helpers/factories";
import { startShopifyAdminMock, type ShopifyAdminMock } from "../helpers/shopify-admin-mock";
import { shopifyHostParam, signSessionToken } from "../helpers/shopify-signing";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { installAppBridgeStub, type AppBridgeStubHandle } from "./app-bridge-stub";

export { expect };
export { CHROME_USER_AGENT } from "../helpers/browser";

/** Where tests' own screenshots go (Playwright's failure screenshots stay per test). */
export const SCREENSHOT_DIR = join(PROJECT_ROOT, "test-results", "screenshots");

/** e2e tokens outlive a slow test; Shopify's real ones last 60 s and App Bridge refreshes them. */
const E2E_TOKEN_SECONDS = 3600;

interface WorkerFixtures {
  /** Options for this worker's server; override with `test.use({ serverOptions: {...} })`. */
  serverOptions: StartServerOptions;
  shopifyAdmin: ShopifyAdminMock;
  smtp: SmtpSink;
  server: TestServer;
}

interface TestFixtures {
  /** Default shop for tokens when the page URL names none. */
  shop: string;
  /** This worker's server database, to seed and to check; closed after the test. */
  db: Db;
  /** A new shop with the offline session an installed app has (`createShop`'s overrides). */
  adminShop: (overrides?: Parameters<typeof createShop>[1]) => Promise<Shop>;
  /** Absolute URL of an embedded admin page with a signed `id_token`, as the admin frames it. */
  adminUrl: (shop?: string, path?: string) => Promise<string>;
  /** The App Bridge stub installed in this test's context. */
  appBridge: AppBridgeStubHandle;
  /** Full-page screenshot of `page` into test-results/screenshots/<name>.png; returns the path. */
  saveScreenshot: (name: string) => Promise<string>;
  /** Fails the test if the server tried to reach anything but loopback during it. */
  serverStaysOffline: void;
}

const stubs = new WeakMap<object, AppBridgeStubHandle>();

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverOptions: [{}, { scope: "worker", option: true }],

  shopifyAdmin: [
    // Playwright requires a destructuring pattern even when no fixture is used.
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const mock = await startShopifyAdminMock();
      await provide(mock);
      await mock.stop();
    },
    { scope: "worker" },
  ],

  smtp: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, provide) => {
      const sink = await startSmtpSink();
      await provide(sink);
      await sink.stop();
    },
    { scope: "worker" },
  ],

  server: [
    async ({ serverOptions, shopifyAdmin, smtp }, provide) => {
      const server = await startServer({ shopifyMock: shopifyAdmin, smtp, ...serverOptions });
      await provide(server);
      await server.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],

  shop: ["handoff-e2e.myshopify.com", { option: true }],

  db: async ({ server }, provide) => {
    const db = connectToServerDb(server);
    await provide(db);
    await closeDb(db);
  },

  adminShop: async ({ db }, provide) => {
    await provide(async (overrides) => {
      const shop = await createShop(db, overrides);
      await createOfflineSession(db, shop.domain);
      return shop;
    });
  },

  baseURL: async ({ server }, provide) => {
    await provide(server.url);
  },

  context: async ({ context, shop }, provide) => {
    const handle = await installAppBridgeStub(context, ({ pageUrl }) =>
      signSessionToken({
        shop: pageUrl?.searchParams.get("shop") || shop,
        expiresInSeconds: E2E_TOKEN_SECONDS,
      }),
    );
    stubs.set(context, handle);
    await provide(context);
  },

  appBridge: async ({ context }, provide) => {
    await provide(stubs.get(context)!);
  },

  adminUrl: async ({ server, shop: defaultShop }, provide) => {
    await provide(async (shop = defaultShop, path = "/app") => {
      const url = new URL(path, server.url);
      url.searchParams.set("embedded", "1");
      url.searchParams.set("shop", shop);
      url.searchParams.set("host", shopifyHostParam(shop));
      url.searchParams.set(
        "id_token",
        await signSessionToken({ shop, expiresInSeconds: E2E_TOKEN_SECONDS }),
      );
      return url.toString();
    });
  },

  saveScreenshot: async ({ page }, provide) => {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await provide(async (name) => {
      const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "-")}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    });
  },

  serverStaysOffline: [
    async ({ server }, provide) => {
      const before = server.blockedRequests().length;
      await provide();
      const attempts = server.blockedRequests().slice(before);
      expect(attempts, "the server tried to reach a non-loopback host").toEqual([]);
    },
    { auto: true },
  ],
});
