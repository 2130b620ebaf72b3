import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { sessions, shops } from "~/db/schema";
import { CHROME_USER_AGENT } from "../helpers/browser";
import {
  closeDb,
  connectToServerDb,
  createOfflineSession,
  createShop,
  createDigitalProduct,
} from "../helpers/factories";
import { startServer, type TestServer } from "../helpers/server";
import { startShopifyAdminMock, type ShopifyAdminMock } from "../helpers/shopify-admin-mock";
import { shopifyHostParam, signSessionToken, TEST_API_SECRET } from "../helpers/shopify-signing";
import type { Db } from "~/db/client.server";

let server: TestServer;
let mock: ShopifyAdminMock;
let db: Db;

beforeAll(async () => {
  mock = await startShopifyAdminMock();
  server = await startServer({ shopifyMock: mock });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await mock?.stop();
});

function adminUrl(shop: string, token: string, path = "/app") {
  const q = new URLSearchParams({
    embedded: "1",
    shop,
    host: shopifyHostParam(shop),
    id_token: token,
  });
  return `${server.url}${path}?${q}`;
}

describe("embedded admin auth (authenticate.admin)", () => {
  it("opens the admin for a stored session with a signed session token and shows the shop's products", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    await createDigitalProduct(db, shop, { name: "Watercolour Brush Pack" });

    // Home shows the setup guide and statistics; the products page lists products.
    const token = await signSessionToken({ shop: shop.domain });
    const res = await fetch(adminUrl(shop.domain, token, "/app/products"), {
      headers: { "User-Agent": CHROME_USER_AGENT },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Watercolour Brush Pack");
    // Real App Bridge in normal mode; the demo stand-in is never served here.
    expect(html).toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js");
    expect(html).not.toContain("/demo/app-bridge.js");
  });

  it("answers data requests that carry the token as a Bearer header", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    await createDigitalProduct(db, shop, { name: "Bearer Product" });
    const token = await signSessionToken({ shop: shop.domain });
    const res = await fetch(`${server.url}/app/products.data`, {
      headers: { "User-Agent": CHROME_USER_AGENT, Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Bearer Product");
  });

  it("never shows one shop's products to another shop", async () => {
    const a = await createShop(db);
    const b = await createShop(db);
    await createOfflineSession(db, b.domain);
    await createDigitalProduct(db, a, { name: "Shop A Secret Product" });
    const res = await fetch(
      adminUrl(b.domain, await signSessionToken({ shop: b.domain }), "/app/products"),
      { headers: { "User-Agent": CHROME_USER_AGENT } },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("Shop A Secret Product");
    expect(html).toContain("Sell your first digital product");
  });

  it("refuses a token signed with the wrong secret (document → bounce, data → 401)", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const forged = await signSessionToken({
      shop: shop.domain,
      secret: `${TEST_API_SECRET}-wrong`,
    });
    const doc = await fetch(adminUrl(shop.domain, forged), {
      headers: { "User-Agent": CHROME_USER_AGENT },
      redirect: "manual",
    });
    expect(doc.status).toBe(302);
    expect(doc.headers.get("location")).toContain("/auth/session-token");
    const data = await fetch(`${server.url}/app/products.data`, {
      headers: { "User-Agent": CHROME_USER_AGENT, Authorization: `Bearer ${forged}` },
    });
    expect(data.status).toBe(401);
  });

  it("refuses an expired token", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const expired = await signSessionToken({
      shop: shop.domain,
      now: new Date(Date.now() - 3_600_000),
    });
    const data = await fetch(`${server.url}/app/products.data`, {
      headers: { "User-Agent": CHROME_USER_AGENT, Authorization: `Bearer ${expired}` },
    });
    expect(data.status).toBe(401);
  });

  it("installs a new shop by token exchange (intercepted) and creates its shop row", async () => {
    const domain = `fresh-install-${Date.now()}.myshopify.com`;
    const res = await fetch(adminUrl(domain, await signSessionToken({ shop: domain })), {
      headers: { "User-Agent": CHROME_USER_AGENT },
    });
    expect(res.status).toBe(200);
    expect(mock.requests.some((r) => r.kind === "token_exchange" && r.shop === domain)).toBe(true);
    const [stored] = await db
      .select()
      .from(sessions)
      .where(eq(sessions.id, `offline_${domain}`));
    expect(stored?.accessToken).toBeTruthy();
    const [shopRow] = await db.select().from(shops).where(eq(shops.domain, domain));
    expect(shopRow?.status).toBe("active");
    expect(server.blockedRequests()).toEqual([]);
  });

  it("answers 410 to bot user agents, as Shopify's library does (stack-notes #2)", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const res = await fetch(adminUrl(shop.domain, await signSessionToken({ shop: shop.domain })), {
      headers: { "User-Agent": "curl/8.0" },
    });
    expect(res.status).toBe(410);
  });
});
