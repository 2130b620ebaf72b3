/**
 * The Fileflare-compatible storefront endpoint against the built server:
 * `GET /api/v2/customer-account-orders?id=<order status token>` (docs/storefront.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { digitalProductLinks, orderLineFiles, orderLines, type Shop } from "~/db/schema";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";

const RATE_LIMIT = 25;
let server: TestServer;
let db: Db;
let ipCounter = 1;

beforeAll(async () => {
  server = await startServer({ env: { STOREFRONT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

/**
 * Each test gets its own client address (the server trusts X-Forwarded-For from its
 * loopback peer, like a reverse proxy in front of it), so rate-limit buckets never mix.
 */
function freshIp(): string {
  ipCounter++;
  return `203.0.113.${ipCounter}`;
}

function endpoint(token: string | null): string {
  const url = new URL("/api/v2/customer-account-orders", server.url);
  if (token !== null) url.searchParams.set("id", token);
  return url.toString();
}

function get(token: string | null, headers: Record<string, string> = {}) {
  return fetch(endpoint(token), { headers: { "X-Forwarded-For": freshIp(), ...headers } });
}

let tokenCounter = 0;
function statusToken(): string {
  tokenCounter++;
  return `${Date.now().toString(16)}${tokenCounter.toString(16)}`.padEnd(32, "0").slice(0, 32);
}

/** A premium shop with an order covering every kind of line the endpoint has to shape. */
async function premiumOrder(shopOverrides: Partial<Shop> = {}, guideBytes = 4096) {
  const shop = await createShop(db, {
    plan: "premium",
    storefrontOrigins: ["https://shop.example.com"],
    downloadPageSettings: { title: "Your files", text: "Thanks for buying!" },
    ...shopOverrides,
  });
  const guide = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "Guide.pdf",
    body: Buffer.alloc(guideBytes, 1),
  });
  const extras = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "Extras.zip",
    body: Buffer.alloc(1536, 2),
  });
  const book = await createDigitalProduct(
    db,
    shop,
    { name: "My new Book", maxDownloads: 10, productGid: "gid://shopify/Product/123456" },
    [guide, extras],
  );
  const [link] = await db
    .insert(digitalProductLinks)
    .values({
      shopId: shop.id,
      digitalProductId: book.id,
      title: "Read online",
      url: "https://www.my-website.com/download/my-book.pdf",
    })
    .returning();
  const uniqueFile = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "Portrait for Jane.png",
    contentType: "image/png",
    body: Buffer.alloc(2048, 3),
  });
  const portrait = await createDigitalProduct(db, shop, {
    name: "Custom portrait",
    deliveringType: "UNIQUE",
    maxDownloads: 3,
  });
  const expiring = await createDigitalProduct(db, shop, { name: "Expired course" }, [guide]);
  const revoked = await createDigitalProduct(db, shop, { name: "Refunded pack" }, [guide]);
  const pending = await createDigitalProduct(db, shop, { name: "Held item" }, [guide]);
  const customer = await createCustomer(db, shop);
  const token = statusToken();
  const { order, lines } = await createOrder(db, shop, {
    customer,
    products: [book, portrait, expiring, revoked, pending],
    overrides: { name: "#1050", statusPageToken: token },
  });
  const [bookLine, portraitLine, expiredLine, revokedLine, pendingLine] = lines;
  await db
    .update(orderLines)
    .set({
      variantGid: "gid://shopify/ProductVariant/1234567",
      variantTitle: "Paper back",
      sku: "my-sku",
      downloadCount: 5,
    })
    .where(eq(orderLines.id, bookLine!.id));
  await db
    .insert(orderLineFiles)
    .values({ shopId: shop.id, orderLineId: portraitLine!.id, fileId: uniqueFile.id });
  await db
    .update(orderLines)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(orderLines.id, expiredLine!.id));
  await db
    .update(orderLines)
    .set({ accessStatus: "revoked", revokedAt: new Date() })
    .where(eq(orderLines.id, revokedLine!.id));
  await db.update(orderLines).set({ deliveredAt: null }).where(eq(orderLines.id, pendingLine!.id));
  return {
    shop,
    order,
    token,
    book,
    link: link!,
    files: { guide, extras, uniqueFile },
    lines: { bookLine: bookLine!, portraitLine: portraitLine! },
  };
}

describe("GET /api/v2/customer-account-orders", () => {
  it("answers with exactly the documented shape", async () => {
    const { token, order, book, link, files, lines } = await premiumOrder({}, 10 * 1024 * 1024);
    const res = await get(token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const body = await res.json();

    expect(Object.keys(body)).toEqual(["order"]);
    expect(Object.keys(body.order).sort()).toEqual(["assets", "lines", "order_number", "text"]);
    expect(body.order.order_number).toBe(1050);
    expect(body.order.text).toEqual({ title: "Your files", text: "Thanks for buying!" });

    // Only lines whose files can be downloaded now: the book and the UNIQUE portrait.
    // Expired, revoked and not-yet-delivered lines are left out.
    expect(body.order.lines).toHaveLength(2);
    const [bookLine, portraitLine] = body.order.lines;
    expect(Object.keys(bookLine).sort()).toEqual(["assets", "product"]);
    expect(bookLine.product).toEqual({
      id: book.id,
      name: "My new Book",
      variant_name: "Paper back",
      sku: "my-sku",
      product_id: 123456,
      variant_id: 1234567,
      vendor: null,
      tags: [],
    });
    const appUrl = server.url;
    expect(bookLine.assets).toEqual([
      {
        limits: { downloaded: 5, limit: 10 },
        data: {
          id: files.guide.id,
          filename: "Guide.pdf",
          size: "10MB",
          is_file: true,
          is_link: false,
          url: `${appUrl}/d/${order.accessToken}/${lines.bookLine.id}/${files.guide.id}`,
        },
      },
      {
        limits: { downloaded: 5, limit: 10 },
        data: {
          id: files.extras.id,
          filename: "Extras.zip",
          size: "1.5KB",
          is_file: true,
          is_link: false,
          url: `${appUrl}/d/${order.accessToken}/${lines.bookLine.id}/${files.extras.id}`,
        },
      },
      {
        limits: { downloaded: 5, limit: 10 },
        data: {
          id: link.id,
          filename: "Read online",
          size: null,
          is_file: false,
          is_link: true,
          url: "https://www.my-website.com/download/my-book.pdf",
        },
      },
    ]);
    for (const asset of bookLine.assets) {
      expect(Object.keys(asset).sort()).toEqual(["data", "limits"]);
      expect(Object.keys(asset.limits).sort()).toEqual(["downloaded", "limit"]);
      expect(Object.keys(asset.data).sort()).toEqual(
        ["filename", "id", "is_file", "is_link", "size", "url"].sort(),
      );
    }

    // The order's own (UNIQUE) files are order-level assets; the line stays, without them.
    expect(portraitLine.product.name).toBe("Custom portrait");
    expect(portraitLine.assets).toEqual([]);
    expect(body.order.assets).toEqual([
      {
        limits: { downloaded: 0, limit: 3 },
        data: {
          id: files.uniqueFile.id,
          filename: "Portrait for Jane.png",
          size: "2KB",
          is_file: true,
          is_link: false,
          url: `${appUrl}/d/${order.accessToken}/${lines.portraitLine.id}/${files.uniqueFile.id}`,
        },
      },
    ]);
  });

  it("serves the file behind an asset url (the secure download route)", async () => {
    const { token } = await premiumOrder();
    const body = await (await get(token)).json();
    const url: string = body.order.assets[0].data.url;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(2048);
  });

  it("uses the default text and unlimited limits when the shop set none", async () => {
    const shop = await createShop(db, { plan: "premium" });
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, shop, { maxDownloads: null }, [file]);
    const token = statusToken();
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "SO-2024-77", statusPageToken: token },
    });
    const body = await (await get(token)).json();
    expect(body.order.text).toEqual({ title: "Download files for your orders", text: null });
    expect(body.order.order_number).toBe(77);
    expect(body.order.lines[0].assets[0].limits).toEqual({ downloaded: 0, limit: null });
    expect(body.order.lines[0].product.variant_id).toBeNull();
  });

  it("lists no lines when the order's access is disabled", async () => {
    const shop = await createShop(db, { plan: "premium" });
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, shop, {}, [file]);
    const token = statusToken();
    await createOrder(db, shop, {
      products: [product],
      overrides: { statusPageToken: token, dlAccess: "disabled" },
    });
    const body = await (await get(token)).json();
    expect(body.order.lines).toEqual([]);
    expect(body.order.assets).toEqual([]);
  });

  it("404s unknown, malformed and missing tokens with a JSON error", async () => {
    for (const token of ["0c732eb6fd9802a0821a9d29888baee8", "x", "../../etc/passwd", "", null]) {
      const res = await get(token);
      expect(res.status, String(token)).toBe(404);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      const body = await res.json();
      expect(body.error.code).toBe("not_found");
    }
  });

  it("answers 402 with the Premium message for a shop on the basic plan", async () => {
    const { token, shop } = await premiumOrder({ plan: "basic" });
    const res = await get(token, { Origin: `https://${shop.domain}` });
    expect(res.status).toBe(402);
    expect(res.headers.get("access-control-allow-origin")).toBe(`https://${shop.domain}`);
    const body = await res.json();
    expect(body.error.code).toBe("payment_required");
    expect(body.error.message).toBe(
      "Customer-account download links need the Premium plan. Upgrade to enable.",
    );
    expect(JSON.stringify(body)).not.toContain("Guide.pdf");
  });

  it("404s orders of uninstalled shops", async () => {
    const { token } = await premiumOrder({ status: "uninstalled" });
    expect((await get(token)).status).toBe(404);
  });

  it("returns only the token's own order, never another shop's data", async () => {
    const a = await premiumOrder();
    const b = await premiumOrder();
    const bodyA = JSON.stringify(await (await get(a.token)).json());
    const bodyB = JSON.stringify(await (await get(b.token)).json());
    expect(bodyA).toContain(a.order.accessToken);
    expect(bodyA).not.toContain(b.order.accessToken);
    expect(bodyA).not.toContain(b.files.guide.id);
    expect(bodyB).not.toContain(a.order.accessToken);
    // Shop B's storefront may not read shop A's order from a browser.
    const res = await get(a.token, { Origin: `https://${b.shop.domain}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS", () => {
  it("allows the shop's myshopify and configured custom-domain origins", async () => {
    const { token, shop } = await premiumOrder();
    for (const origin of [`https://${shop.domain}`, "https://shop.example.com"]) {
      const res = await get(token, { Origin: origin });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  it("grants nothing to other origins", async () => {
    const { token, shop } = await premiumOrder();
    for (const origin of [
      "https://evil.example",
      `http://${shop.domain}`,
      `https://${shop.domain}.evil.example`,
      "null",
    ]) {
      const res = await get(token, { Origin: origin });
      expect(res.headers.get("access-control-allow-origin"), origin).toBeNull();
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  it("answers preflights for storefront origins only", async () => {
    const { token, shop } = await premiumOrder();
    const preflight = (origin: string) =>
      fetch(endpoint(token), {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "accept, x-evil",
          "X-Forwarded-For": freshIp(),
        },
      });
    const ok = await preflight("https://shop.example.com");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    expect(ok.headers.get("access-control-allow-headers")).toBe("accept");
    expect(ok.headers.get("access-control-max-age")).toBe("600");

    const myshopify = await preflight(`https://${shop.domain}`);
    expect(myshopify.headers.get("access-control-allow-origin")).toBe(`https://${shop.domain}`);

    const denied = await preflight("https://evil.example");
    expect(denied.status).toBe(204);
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    expect(denied.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("lets a real storefront read a 404 (unknown token), but not a stranger", async () => {
    const { shop } = await premiumOrder();
    const own = await get("ffffffffffffffffffffffffffffffff", { Origin: `https://${shop.domain}` });
    expect(own.status).toBe(404);
    expect(own.headers.get("access-control-allow-origin")).toBe(`https://${shop.domain}`);
    const stranger = await get("ffffffffffffffffffffffffffffffff", {
      Origin: "https://evil.example",
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses other methods with 405", async () => {
    const res = await fetch(endpoint("abc"), { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });
});

describe("rate limit", () => {
  it(`allows ${RATE_LIMIT} requests a minute per client IP, then 429 with Retry-After`, async () => {
    // Fixed one-minute windows: start well inside one so the burst cannot straddle two.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoWindow));

    const { token, shop } = await premiumOrder();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) {
      const res = await fetch(endpoint(token), { headers: { "X-Forwarded-For": ip } });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.every((s) => s === 200)).toBe(true);

    const limited = await fetch(endpoint(token), {
      headers: { "X-Forwarded-For": ip, Origin: `https://${shop.domain}` },
    });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("ratelimit-limit")).toBe(String(RATE_LIMIT));
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("access-control-allow-origin")).toBe(`https://${shop.domain}`);
    expect((await limited.json()).error.code).toBe("rate_limited");

    // Unknown tokens count too (no free enumeration), and another address is unaffected.
    expect(
      (await fetch(endpoint("f".repeat(32)), { headers: { "X-Forwarded-For": ip } })).status,
    ).toBe(429);
    expect((await get(token)).status).toBe(200);
  });
});
