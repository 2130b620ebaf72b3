/**
 * The app proxy pages (`/apps/handoff/*` → `/proxy/*`) against the built server, signed
 * the way Shopify signs them: Liquid for the theme, JSON for the theme block.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { digitalProductLinks, licenseKeys, orderLines, orders } from "~/db/schema";
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
import { signAppProxyQuery, TEST_API_SECRET } from "../../helpers/shopify-signing";

let server: TestServer;
let db: Db;
let customerCounter = 0;

beforeAll(async () => {
  server = await startServer();
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

function proxyUrl(
  path: string,
  params: { shop: string; customer?: string; format?: "json" },
  secret = TEST_API_SECRET,
): string {
  const query = signAppProxyQuery(
    {
      shop: params.shop,
      logged_in_customer_id: params.customer ?? "",
      path_prefix: "/apps/handoff",
      ...(params.format ? { format: params.format } : {}),
    },
    secret,
  );
  return `${server.url}${path}?${query}`;
}

async function customerWithOrder() {
  const shop = await createShop(db);
  const file = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: "{{ shop.name }}<script>alert(1)</script>.pdf",
    body: Buffer.alloc(3000, 1),
  });
  const product = await createDigitalProduct(db, shop, { name: "Handbook", maxDownloads: 4 }, [
    file,
  ]);
  await db.insert(digitalProductLinks).values([
    {
      shopId: shop.id,
      digitalProductId: product.id,
      title: "Video",
      url: "https://video.example/x",
    },
    { shopId: shop.id, digitalProductId: product.id, title: "Bad", url: "javascript:alert(1)" },
  ]);
  const keyed = await createDigitalProduct(db, shop, {
    name: "Pro licence",
    access: "LICENSE_KEY",
  });
  const shopifyCustomerId = String(7_000_000 + ++customerCounter);
  const jane = await createCustomer(db, shop, {
    gid: `gid://shopify/Customer/${shopifyCustomerId}`,
  });
  const other = await createCustomer(db, shop);
  const statusToken = `st${Date.now().toString(16)}${customerCounter}`.padEnd(32, "a");
  const { order, lines } = await createOrder(db, shop, {
    customer: jane,
    products: [product, keyed],
    overrides: { name: "#1201", statusPageToken: statusToken },
  });
  await db.insert(licenseKeys).values({
    shopId: shop.id,
    key: "PRO-1111-2222",
    status: "assigned",
    orderId: order.id,
    orderLineId: lines[1]!.id,
    assignedAt: new Date(),
  });
  const { order: otherOrder } = await createOrder(db, shop, {
    customer: other,
    products: [product],
    overrides: { name: "#1202" },
  });
  const numericOrderId = order.gid!.split("/").pop()!;
  return { shop, file, order, lines, otherOrder, shopifyCustomerId, statusToken, numericOrderId };
}

describe("/apps/handoff (orders list)", () => {
  it("renders Liquid with the signed-in customer's orders only", async () => {
    const { shop, order, otherOrder, shopifyCustomerId } = await customerWithOrder();
    const res = await fetch(proxyUrl("/proxy", { shop: shop.domain, customer: shopifyCustomerId }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/liquid/);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const liquid = await res.text();
    expect(liquid).toContain("#1201");
    expect(liquid).toContain(`${server.url}/d/${order.accessToken}`);
    expect(liquid).not.toContain(otherOrder.accessToken);
    expect(liquid).not.toContain("#1202");
    // Translated by Shopify while rendering, from the storefront's locale.
    expect(liquid).toContain("{% case request.locale.iso_code %}");
    expect(liquid).toContain("Deine Downloads");
  });

  it("returns JSON with ?format=json", async () => {
    const { shop, order, shopifyCustomerId } = await customerWithOrder();
    const res = await fetch(
      proxyUrl("/proxy", { shop: shop.domain, customer: shopifyCustomerId, format: "json" }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.customer).toEqual({ gid: `gid://shopify/Customer/${shopifyCustomerId}` });
    expect(body.orders).toEqual([
      {
        name: "#1201",
        created_at: order.createdAt.toISOString(),
        download_page_path: `/d/${order.accessToken}`,
        download_page_url: `${server.url}/d/${order.accessToken}`,
      },
    ]);
  });

  it("asks anonymous visitors to log in", async () => {
    const { shop } = await customerWithOrder();
    const res = await fetch(proxyUrl("/proxy", { shop: shop.domain }));
    expect(res.status).toBe(200);
    const liquid = await res.text();
    expect(liquid).toContain("Log in to see your downloads");
    expect(liquid).toContain("{{ routes.account_login_url }}");
    expect(liquid).not.toContain("/d/");

    const json = await fetch(proxyUrl("/proxy", { shop: shop.domain, format: "json" }));
    expect(await json.json()).toEqual({ shop: shop.domain, customer: null, orders: [] });
  });

  it("refuses bad and missing signatures", async () => {
    const { shop, shopifyCustomerId } = await customerWithOrder();
    for (const url of [
      proxyUrl("/proxy", { shop: shop.domain, customer: shopifyCustomerId }, "wrong-secret"),
      proxyUrl("/proxy/orders/1", { shop: shop.domain, customer: shopifyCustomerId }, "nope"),
      `${server.url}/proxy?shop=${shop.domain}&logged_in_customer_id=${shopifyCustomerId}`,
    ]) {
      const res = await fetch(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(await res.text()).not.toContain("#1201");
    }
  });

  it("refuses a signed URL whose query was changed afterwards", async () => {
    const { shop, shopifyCustomerId } = await customerWithOrder();
    const url = new URL(proxyUrl("/proxy", { shop: shop.domain, customer: "1" }));
    url.searchParams.set("logged_in_customer_id", shopifyCustomerId);
    const res = await fetch(url);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe("/apps/handoff/orders/<ref> (one order, the theme block's data)", () => {
  it("returns the order's downloads as JSON by numeric order id", async () => {
    const { shop, order, lines, file, numericOrderId, shopifyCustomerId } =
      await customerWithOrder();
    const res = await fetch(
      proxyUrl(`/proxy/orders/${numericOrderId}`, {
        shop: shop.domain,
        customer: shopifyCustomerId,
        format: "json",
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.order).toEqual({
      name: "#1201",
      created_at: order.createdAt.toISOString(),
      download_page_url: `${server.url}/d/${order.accessToken}`,
    });
    expect(body.lines).toHaveLength(2);
    const [handbook, licence] = body.lines;
    expect(handbook).toMatchObject({
      id: lines[0]!.id,
      title: "Handbook",
      state: "available",
      downloads: { used: 0, allowed: 4 },
      files: [
        {
          id: file.id,
          name: file.name,
          size: 3000,
          size_label: "2.9KB",
          url: `${server.url}/d/${order.accessToken}/${lines[0]!.id}/${file.id}`,
        },
      ],
      license_keys: [],
    });
    expect(handbook.links.map((l: { title: string }) => l.title)).toContain("Video");
    expect(licence).toMatchObject({ title: "Pro licence", license_keys: ["PRO-1111-2222"] });
  });

  it("finds the order by its status token too", async () => {
    const { shop, statusToken, shopifyCustomerId } = await customerWithOrder();
    const res = await fetch(
      proxyUrl(`/proxy/orders/${statusToken}`, {
        shop: shop.domain,
        customer: shopifyCustomerId,
        format: "json",
      }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).order.name).toBe("#1201");
  });

  it("shows nothing of an order to another customer, another shop or a visitor", async () => {
    const { shop, numericOrderId } = await customerWithOrder();
    const otherShop = await createShop(db);
    const path = `/proxy/orders/${numericOrderId}`;

    const stranger = await fetch(
      proxyUrl(path, { shop: shop.domain, customer: "999999999", format: "json" }),
    );
    expect(stranger.status).toBe(404);

    const crossShop = await fetch(
      proxyUrl(path, { shop: otherShop.domain, customer: "999999999", format: "json" }),
    );
    expect(crossShop.status).toBe(404);

    const anonymous = await fetch(proxyUrl(path, { shop: shop.domain, format: "json" }));
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("login_required");

    const anonymousLiquid = await fetch(proxyUrl(path, { shop: shop.domain }));
    expect(anonymousLiquid.status).toBe(200);
    expect(await anonymousLiquid.text()).toContain("Log in to see your downloads");

    const strangerLiquid = await fetch(proxyUrl(path, { shop: shop.domain, customer: "42" }));
    expect(strangerLiquid.status).toBe(404);
    expect(strangerLiquid.headers.get("content-type")).toMatch(/^application\/liquid/);
    expect(await strangerLiquid.text()).not.toContain("#1201");
  });

  it("renders Liquid that neither runs nor injects what merchants or shoppers typed", async () => {
    const { shop, numericOrderId, shopifyCustomerId, order } = await customerWithOrder();
    const res = await fetch(
      proxyUrl(`/proxy/orders/${numericOrderId}`, {
        shop: shop.domain,
        customer: shopifyCustomerId,
      }),
    );
    expect(res.status).toBe(200);
    const liquid = await res.text();
    expect(liquid).toContain("&#123;&#123; shop.name &#125;&#125;&lt;script&gt;");
    expect(liquid).not.toContain("{{ shop.name }}");
    expect(liquid).not.toContain("<script>");
    expect(liquid).not.toContain("javascript:");
    expect(liquid).toContain('href="https://video.example/x"');
    expect(liquid).toContain("PRO-1111-2222");
    expect(liquid).toContain(`${server.url}/d/${order.accessToken}`);
  });

  it("never hands out the download page of an unpaid or held order", async () => {
    const { shop, numericOrderId, shopifyCustomerId, order } = await customerWithOrder();
    await db.update(orders).set({ deliveryStatus: "held" }).where(eq(orders.id, order.id));
    await db.update(orderLines).set({ deliveredAt: null }).where(eq(orderLines.orderId, order.id));
    const signed = { shop: shop.domain, customer: shopifyCustomerId };

    const list = await (await fetch(proxyUrl("/proxy", { ...signed, format: "json" }))).json();
    expect(list.orders).toEqual([]);

    const res = await fetch(
      proxyUrl(`/proxy/orders/${numericOrderId}`, { ...signed, format: "json" }),
    );
    const raw = await res.text();
    expect(raw).not.toContain(order.accessToken);
    const body = JSON.parse(raw);
    expect(body.order.download_page_url).toBeNull();
    expect(body.lines.map((l: { state: string }) => l.state)).toEqual(["pending", "pending"]);
    expect(body.lines.flatMap((l: { license_keys: string[] }) => l.license_keys)).toEqual([]);

    const liquid = await (await fetch(proxyUrl(`/proxy/orders/${numericOrderId}`, signed))).text();
    expect(liquid).not.toContain(order.accessToken);
  });

  it("explains lines that cannot be downloaded yet", async () => {
    const { shop, numericOrderId, shopifyCustomerId, lines } = await customerWithOrder();
    await db
      .update(orderLines)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(orderLines.id, lines[0]!.id));
    const body = await (
      await fetch(
        proxyUrl(`/proxy/orders/${numericOrderId}`, {
          shop: shop.domain,
          customer: shopifyCustomerId,
          format: "json",
        }),
      )
    ).json();
    expect(body.lines[0]).toMatchObject({ state: "expired", files: [], links: [] });
  });
});
