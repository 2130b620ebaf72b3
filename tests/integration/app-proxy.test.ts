import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
} from "../helpers/factories";
import { startServer, type TestServer } from "../helpers/server";
import { signAppProxyQuery, TEST_API_SECRET } from "../helpers/shopify-signing";

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await startServer();
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

describe("app proxy (authenticate.public.appProxy)", () => {
  it("answers a correctly signed request with the signed-in customer's orders only", async () => {
    const shop = await createShop(db);
    const product = await createDigitalProduct(db, shop);
    const jane = await createCustomer(db, shop, { gid: "gid://shopify/Customer/424242" });
    const other = await createCustomer(db, shop);
    const { order } = await createOrder(db, shop, { customer: jane, products: [product] });
    await createOrder(db, shop, { customer: other, products: [product] });

    const query = signAppProxyQuery({
      shop: shop.domain,
      logged_in_customer_id: "424242",
      path_prefix: "/apps/handoff",
      timestamp: Math.floor(Date.now() / 1000),
      format: "json",
    });
    const res = await fetch(`${server.url}/proxy?${query}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.orders).toEqual([
      expect.objectContaining({ name: order.name, download_page_path: `/d/${order.accessToken}` }),
    ]);
  });

  it("refuses a bad signature", async () => {
    const shop = await createShop(db);
    const query = signAppProxyQuery(
      {
        shop: shop.domain,
        logged_in_customer_id: "1",
        path_prefix: "/apps/handoff",
        timestamp: Math.floor(Date.now() / 1000),
      },
      `${TEST_API_SECRET}-wrong`,
    );
    const res = await fetch(`${server.url}/proxy?${query}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("refuses an unsigned request", async () => {
    const res = await fetch(`${server.url}/proxy?shop=x.myshopify.com&logged_in_customer_id=1`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
