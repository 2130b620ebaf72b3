import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { jobs, sessions, shopifyWebhookReceipts, shops } from "~/db/schema";
import type { Db } from "~/db/client.server";
import { closeDb, connectToServerDb, createOfflineSession, createShop } from "../helpers/factories";
import { startServer, type TestServer } from "../helpers/server";
import { signWebhook, TEST_API_SECRET } from "../helpers/shopify-signing";
import { waitFor } from "../helpers/wait";

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

async function post(signed: { headers: Record<string, string>; body: string }) {
  return fetch(`${server.url}/webhooks`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
}

describe("Shopify webhooks", () => {
  it("accepts a correctly signed webhook, stores one receipt and queues its job", async () => {
    const shop = await createShop(db);
    const signed = signWebhook({
      topic: "orders/paid",
      shop: shop.domain,
      body: { id: 820982911946154500, name: "#9999" },
    });
    const res = await post(signed);
    expect(res.status).toBe(200);
    const webhookId = signed.headers["X-Shopify-Webhook-Id"]!;
    const [receipt] = await db
      .select()
      .from(shopifyWebhookReceipts)
      .where(eq(shopifyWebhookReceipts.webhookId, webhookId));
    expect(receipt).toMatchObject({ topic: "orders/paid", shopDomain: shop.domain });
    const [job] = await db.select().from(jobs).where(eq(jobs.id, receipt!.jobId!));
    expect(job?.type).toBe("shopify-webhook:orders/paid");
    expect((job?.payload as { body: { name: string } }).body.name).toBe("#9999");
  });

  it("deduplicates Shopify's retries of the same webhook id, also when concurrent", async () => {
    const shop = await createShop(db);
    const signed = signWebhook({
      topic: "orders/create",
      shop: shop.domain,
      body: { id: 1, name: "#1" },
    });
    const statuses = await Promise.all(
      [post(signed), post(signed), post(signed)].map(async (p) => (await p).status),
    );
    expect(statuses).toEqual([200, 200, 200]);
    const receipts = await db
      .select()
      .from(shopifyWebhookReceipts)
      .where(eq(shopifyWebhookReceipts.webhookId, signed.headers["X-Shopify-Webhook-Id"]!));
    expect(receipts).toHaveLength(1);
    const queued = await db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `shopify-webhook:${signed.headers["X-Shopify-Webhook-Id"]}`));
    expect(queued).toHaveLength(1);
  });

  it("rejects a bad HMAC with 401 and stores nothing", async () => {
    const shop = await createShop(db);
    const signed = signWebhook({
      topic: "orders/paid",
      shop: shop.domain,
      body: { id: 2 },
      secret: `${TEST_API_SECRET}x`,
    });
    const res = await post(signed);
    expect(res.status).toBe(401);
    const rows = await db
      .select()
      .from(shopifyWebhookReceipts)
      .where(eq(shopifyWebhookReceipts.webhookId, signed.headers["X-Shopify-Webhook-Id"]!));
    expect(rows).toHaveLength(0);
  });

  it("rejects a body tampered with after signing", async () => {
    const shop = await createShop(db);
    const signed = signWebhook({
      topic: "orders/paid",
      shop: shop.domain,
      body: { id: 3, total: "10.00" },
    });
    const res = await post({ headers: signed.headers, body: signed.body.replace("10.00", "0.01") });
    expect(res.status).toBe(401);
  });

  it("app/uninstalled: the worker marks the shop uninstalled and drops its sessions", async () => {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const res = await post(
      signWebhook({
        topic: "app/uninstalled",
        shop: shop.domain,
        body: { id: 1, domain: shop.domain },
      }),
    );
    expect(res.status).toBe(200);
    const updated = await waitFor(async () => {
      const [row] = await db.select().from(shops).where(eq(shops.id, shop.id));
      return row?.status === "uninstalled" ? row : null;
    });
    expect(updated.uninstalledAt).toBeInstanceOf(Date);
    expect(await db.select().from(sessions).where(eq(sessions.shop, shop.domain))).toHaveLength(0);
  });

  it("accepts the mandatory compliance topics", async () => {
    const shop = await createShop(db);
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"]) {
      const res = await post(
        signWebhook({ topic, shop: shop.domain, body: { shop_domain: shop.domain } }),
      );
      expect(res.status, topic).toBe(200);
    }
  });
});
