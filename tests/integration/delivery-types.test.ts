import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { digitalProducts, emailMessages, orderLines, orders } from "~/db/schema";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createLicenseKeys,
  createOfflineSession,
  createShop,
  createStoredFile,
  shopifyOrderPayload,
} from "../helpers/factories";
import { apiClient, createApiToken } from "../helpers/api-factories";
import { startServer, type TestServer } from "../helpers/server";
import { startShopifyAdminMock, type ShopifyAdminMock } from "../helpers/shopify-admin-mock";
import { signWebhook } from "../helpers/shopify-signing";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { waitFor } from "../helpers/wait";

let server: TestServer;
let smtp: SmtpSink;
let mock: ShopifyAdminMock;
let db: Db;

beforeAll(async () => {
  smtp = await startSmtpSink();
  mock = await startShopifyAdminMock();
  server = await startServer({ smtp, shopifyMock: mock });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
  await mock?.stop();
});

async function order(
  shop: { id: string; domain: string },
  productGid: string | null,
  extra: Record<string, unknown> = {},
) {
  const payload = shopifyOrderPayload([{ productGid }], extra);
  const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body: payload });
  const res = await fetch(`${server.url}/webhooks`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  expect(res.status).toBe(200);
  return payload;
}

const orderWhere = (shopId: string, gid: string) =>
  and(eq(orders.shopId, shopId), eq(orders.gid, gid));
async function orderWithStatus(shopId: string, gid: string, status: string) {
  return waitFor(async () => {
    const [row] = await db.select().from(orders).where(orderWhere(shopId, gid));
    return row?.deliveryStatus === status ? row : null;
  });
}

describe("delivery types", () => {
  it("SCHEDULED: the shopper sees the date, delivery and email happen when it comes", async () => {
    const shop = await createShop(db, { holdHighRisk: false });
    const file = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "Album.zip",
      contentType: "application/zip",
    });
    const releaseAt = new Date(Date.now() + 4000);
    const product = await createDigitalProduct(
      db,
      shop,
      { name: "New Album", deliveringType: "SCHEDULED", scheduledDeliveryDate: releaseAt },
      [file],
    );
    const payload = await order(shop, product.productGid);
    const scheduled = await orderWithStatus(shop.id, payload.admin_graphql_api_id, "scheduled");
    const page = await fetch(`${server.url}/d/${scheduled.accessToken}`).then((r) => r.text());
    expect(page).toContain("Available from");
    expect(page).not.toContain("Album.zip");
    expect(
      await db.select().from(emailMessages).where(eq(emailMessages.orderId, scheduled.id)),
    ).toHaveLength(0);

    await orderWithStatus(shop.id, payload.admin_graphql_api_id, "delivered");
    await smtp.waitForMessage((m) => m.subject?.includes(payload.name) ?? false, 20_000);
    expect(await fetch(`${server.url}/d/${scheduled.accessToken}`).then((r) => r.text())).toContain(
      "Album.zip",
    );
  });

  it("UNIQUE: waits for per-order files, attached through the API, then delivers once", async () => {
    const shop = await createShop(db, { holdHighRisk: false });
    const product = await createDigitalProduct(db, shop, {
      name: "Custom Portrait",
      deliveringType: "UNIQUE",
    });
    const payload = await order(shop, product.productGid);
    const waiting = await orderWithStatus(shop.id, payload.admin_graphql_api_id, "awaiting_files");
    const [line] = await db.select().from(orderLines).where(eq(orderLines.orderId, waiting.id));

    const portrait = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "portrait-jane.png",
      contentType: "image/png",
    });
    const api = apiClient(server.url, (await createApiToken(db, shop)).token);
    const res = await api("PUT", `/orders/${waiting.id}/lines/${line!.id}/files`, {
      json: { file_ids: [portrait.id], send_email: true },
    });
    expect(res.status).toBe(200);

    await orderWithStatus(shop.id, payload.admin_graphql_api_id, "delivered");
    const mail = await smtp.waitForMessage(
      (m) => m.subject?.includes(payload.name) ?? false,
      20_000,
    );
    expect(mail.text).toContain("/d/");
    const page = await fetch(`${server.url}/d/${waiting.accessToken}`).then((r) => r.text());
    expect(page).toContain("portrait-jane.png");
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      await db.select().from(emailMessages).where(eq(emailMessages.orderId, waiting.id)),
    ).toHaveLength(1);
  });
});

describe("license key stock and Shopify fulfilment", () => {
  it("tells the merchant once when a pool reaches its low-stock threshold", async () => {
    const shop = await createShop(db, { holdHighRisk: false, email: "owner@keys.example" });
    const tag = `lowstock-${shop.id}`;
    const product = await createDigitalProduct(db, shop, {
      name: "Keyed App",
      access: "LICENSE_KEY",
      licenseKeyTag: tag,
      lowStockThreshold: 2,
    });
    await createLicenseKeys(db, shop, tag, 4);
    const first = await order(shop, product.productGid);
    await orderWithStatus(shop.id, first.admin_graphql_api_id, "delivered");
    const second = await order(shop, product.productGid);
    await orderWithStatus(shop.id, second.admin_graphql_api_id, "delivered");
    const notice = await smtp.waitForMessage(
      (m) => m.subject?.startsWith("License keys running low: Keyed App") ?? false,
      20_000,
    );
    expect(notice.subject).toBe("License keys running low: Keyed App (2 left)");
    const third = await order(shop, product.productGid);
    await orderWithStatus(shop.id, third.admin_graphql_api_id, "delivered");
    await new Promise((r) => setTimeout(r, 1500));
    const notices = await db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.shopId, shop.id), eq(emailMessages.kind, "merchant_notice")));
    expect(notices).toHaveLength(1);
    const [flagged] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, product.id));
    expect(flagged!.lowStockNotifiedAt).toBeInstanceOf(Date);
  });

  it("marks delivered digital lines fulfilled in Shopify when the shop asks for it", async () => {
    const shop = await createShop(db, { holdHighRisk: false, autoFulfill: true });
    await createOfflineSession(db, shop.domain);
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, shop, { name: "Fulfil Me" }, [file]);
    const payload = shopifyOrderPayload([{ productGid: product.productGid }]);
    const lineGid = payload.line_items[0]!.admin_graphql_api_id;
    mock.onGraphql("DigitalFulfillmentOrders", () => ({
      data: {
        order: {
          fulfillmentOrders: {
            nodes: [
              {
                id: "gid://shopify/FulfillmentOrder/1",
                status: "OPEN",
                lineItems: {
                  nodes: [
                    {
                      id: "gid://shopify/FulfillmentOrderLineItem/11",
                      remainingQuantity: 1,
                      lineItem: { id: lineGid },
                    },
                    {
                      id: "gid://shopify/FulfillmentOrderLineItem/12",
                      remainingQuantity: 1,
                      lineItem: { id: "gid://shopify/LineItem/999" },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    }));
    mock.onGraphql("FulfillDigitalLines", () => ({
      data: {
        fulfillmentCreate: {
          fulfillment: { id: "gid://shopify/Fulfillment/5", status: "SUCCESS" },
          userErrors: [],
        },
      },
    }));
    const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body: payload });
    await fetch(`${server.url}/webhooks`, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
    });
    const mutation = await waitFor(async () => mock.graphqlRequests("FulfillDigitalLines")[0]);
    expect(mutation.variables).toEqual({
      fulfillment: {
        notifyCustomer: false,
        lineItemsByFulfillmentOrder: [
          {
            fulfillmentOrderId: "gid://shopify/FulfillmentOrder/1",
            fulfillmentOrderLineItems: [
              { id: "gid://shopify/FulfillmentOrderLineItem/11", quantity: 1 },
            ],
          },
        ],
      },
    });
    expect(server.blockedRequests()).toEqual([]);
  });
});
