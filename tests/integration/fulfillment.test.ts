import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import {
  customers,
  digitalProducts,
  emailMessages,
  jobs,
  licenseKeys,
  orderLines,
  orders,
  shops,
} from "~/db/schema";
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
beforeEach(() => mock.reset());

async function sendWebhook(topic: string, shop: string, body: unknown) {
  const signed = signWebhook({ topic, shop, body });
  const res = await fetch(`${server.url}/webhooks`, {
    method: "POST",
    headers: signed.headers,
    body: signed.body,
  });
  expect(res.status).toBe(200);
  return signed;
}

async function orderByGid(shopId: string, gid: string) {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.gid, gid)));
  return row;
}

async function setupShop(overrides: Parameters<typeof createShop>[1] = {}) {
  const shop = await createShop(db, { holdHighRisk: false, ...overrides });
  await createOfflineSession(db, shop.domain);
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Handbook.pdf" });
  const ebook = await createDigitalProduct(db, shop, { name: "Handbook", maxDownloads: 3 }, [file]);
  const software = await createDigitalProduct(
    db,
    shop,
    {
      name: "Pro Plugin",
      access: "FILE_WITH_LICENCE_KEY",
      licenseKeyTag: `plugin-${shop.id}`,
    },
    [file],
  );
  return { shop, ebook, software, file };
}

describe("orders/paid → delivered digital order", () => {
  it("creates the order, assigns keys, and emails working download links", async () => {
    const { shop, ebook, software } = await setupShop({ name: "Paper & Pixels" });
    await createLicenseKeys(db, shop, software.licenseKeyTag!, 5, "PLUG");
    const payload = shopifyOrderPayload([
      { productGid: ebook.productGid },
      { productGid: software.productGid, quantity: 2 },
    ]);
    await sendWebhook("orders/paid", shop.domain, payload);

    const order = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "delivered" ? o : null;
    });
    expect(order).toMatchObject({
      name: payload.name,
      financialStatus: "PAID",
      email: "jane@example.com",
    });
    const keys = await db.select().from(licenseKeys).where(eq(licenseKeys.orderId, order.id));
    expect(keys).toHaveLength(2);

    const mail = await smtp.waitForMessage(
      (m) => m.subject?.includes(payload.name) ?? false,
      20_000,
    );
    expect(mail.subject).toBe(`Your downloads from Paper & Pixels (${payload.name})`);
    expect(mail.text).toContain(keys[0]!.key);
    expect(mail.html).toContain(keys[1]!.key);
    const link = (mail.text ?? "").match(/https?:\/\/\S+\/d\/[\w-]+/)?.[0];
    expect(link).toBeDefined();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Handbook.pdf");

    // The sink sees the message before the worker records the send.
    const sent = await waitFor(async () => {
      const [row] = await db
        .select()
        .from(emailMessages)
        .where(eq(emailMessages.orderId, order.id));
      return row?.status === "sent" ? row : null;
    });
    expect(sent).toMatchObject({
      status: "sent",
      kind: "delivery",
      attempts: 1,
      toAddress: "jane@example.com",
    });
  });

  it("ignores orders with no digital products", async () => {
    const { shop } = await setupShop();
    const payload = shopifyOrderPayload([{ productGid: "gid://shopify/Product/123" }]);
    const signed = await sendWebhook("orders/paid", shop.domain, payload);
    await waitFor(async () => {
      const [job] = await db
        .select()
        .from(jobs)
        .where(eq(jobs.dedupeKey, `shopify-webhook:${signed.headers["X-Shopify-Webhook-Id"]}`));
      return job?.status === "succeeded";
    });
    expect(await orderByGid(shop.id, payload.admin_graphql_api_id)).toBeUndefined();
  });

  it("the same webhook three times, concurrently → one order, one email", async () => {
    const { shop, ebook } = await setupShop();
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }]);
    const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body: payload });
    const post = () =>
      fetch(`${server.url}/webhooks`, {
        method: "POST",
        headers: signed.headers,
        body: signed.body,
      });
    expect((await Promise.all([post(), post(), post()])).map((r) => r.status)).toEqual([
      200, 200, 200,
    ]);
    // orders/create and orders/paid for the same order also converge on one order.
    await sendWebhook("orders/create", shop.domain, payload);
    const order = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "delivered" ? o : null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const all = await db.select().from(orders).where(eq(orders.shopId, shop.id));
    expect(all).toHaveLength(1);
    const emails = await db.select().from(emailMessages).where(eq(emailMessages.orderId, order.id));
    expect(emails).toHaveLength(1);
    expect(await db.select().from(orderLines).where(eq(orderLines.orderId, order.id))).toHaveLength(
      1,
    );
  });

  it("waits for payment when the shop delivers on paid", async () => {
    const { shop, ebook } = await setupShop();
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }], {
      financial_status: "pending",
    });
    await sendWebhook("orders/create", shop.domain, payload);
    const pending = await waitFor(() => orderByGid(shop.id, payload.admin_graphql_api_id));
    expect(pending.deliveryStatus).toBe("pending");
    await sendWebhook("orders/paid", shop.domain, { ...payload, financial_status: "paid" });
    await waitFor(
      async () =>
        (await orderByGid(shop.id, payload.admin_graphql_api_id))?.deliveryStatus === "delivered",
    );
  });

  it("writes each email in the order's language", async () => {
    const { shop, ebook } = await setupShop({ name: "Laden" });
    const expected: Record<string, string> = {
      de: "Deine Downloads von Laden",
      fr: "Vos téléchargements de Laden",
      es: "Tus descargas de Laden",
    };
    for (const [locale, subject] of Object.entries(expected)) {
      const payload = shopifyOrderPayload([{ productGid: ebook.productGid }], {
        customer_locale: `${locale}-XX`,
        email: `${locale}@example.com`,
      });
      await sendWebhook("orders/paid", shop.domain, payload);
      const mail = await smtp.waitForMessage(
        (m) => m.subject?.includes(payload.name) ?? false,
        20_000,
      );
      expect(mail.subject).toBe(`${subject} (${payload.name})`);
    }
  });
});

describe("license key pools", () => {
  it("50 concurrent orders against 40 keys: 40 distinct keys, 10 waiting, completed when keys arrive", async () => {
    const { shop, software } = await setupShop();
    await createLicenseKeys(db, shop, software.licenseKeyTag!, 40, "POOL");
    const payloads = Array.from({ length: 50 }, () =>
      shopifyOrderPayload([{ productGid: software.productGid }]),
    );
    await Promise.all(payloads.map((p) => sendWebhook("orders/paid", shop.domain, p)));

    await waitFor(
      async () => {
        const rows = await db.select().from(orders).where(eq(orders.shopId, shop.id));
        return rows.length === 50 && rows.every((o) => o.deliveryStatus !== "pending")
          ? rows
          : null;
      },
      { timeoutMs: 60_000 },
    );
    const assigned = await db
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.status, "assigned")));
    expect(assigned).toHaveLength(40);
    expect(new Set(assigned.map((k) => k.orderLineId)).size).toBe(40);
    const waiting = await db
      .select()
      .from(orders)
      .where(and(eq(orders.shopId, shop.id), eq(orders.deliveryStatus, "awaiting_keys")));
    expect(waiting).toHaveLength(10);

    await createLicenseKeys(db, shop, software.licenseKeyTag!, 10, "REFILL");
    await waitFor(
      async () => {
        const rows = await db
          .select()
          .from(orders)
          .where(and(eq(orders.shopId, shop.id), eq(orders.deliveryStatus, "delivered")));
        return rows.length === 50;
      },
      { timeoutMs: 45_000 },
    );
    const all = await db.select().from(licenseKeys).where(eq(licenseKeys.shopId, shop.id));
    expect(all.filter((k) => k.status === "assigned")).toHaveLength(50);
    expect(new Set(all.map((k) => k.orderLineId)).size).toBe(50);
  });
});

describe("refunds, cancellations and risk", () => {
  it("refunded lines lose access (refund mode: refunded_lines)", async () => {
    const { shop, ebook, software } = await setupShop({ refundAccessMode: "refunded_lines" });
    await createLicenseKeys(db, shop, software.licenseKeyTag!, 2);
    const payload = shopifyOrderPayload([
      { productGid: ebook.productGid },
      { productGid: software.productGid },
    ]);
    await sendWebhook("orders/paid", shop.domain, payload);
    const order = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "delivered" ? o : null;
    });
    await sendWebhook("refunds/create", shop.domain, {
      id: 1,
      order_id: payload.id,
      refund_line_items: [{ line_item_id: payload.line_items[0]!.id, quantity: 1 }],
    });
    await waitFor(async () => {
      const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
      return lines.some((l) => l.accessStatus === "revoked") ? lines : null;
    });
    const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    expect(
      lines.find((l) => l.gid === payload.line_items[0]!.admin_graphql_api_id)?.accessStatus,
    ).toBe("revoked");
    expect(
      lines.find((l) => l.gid === payload.line_items[1]!.admin_graphql_api_id)?.accessStatus,
    ).toBe("enabled");
  });

  it("a whole-order refund mode disables the download page", async () => {
    const { shop, ebook } = await setupShop({ refundAccessMode: "whole_order" });
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }]);
    await sendWebhook("orders/paid", shop.domain, payload);
    await waitFor(
      async () =>
        (await orderByGid(shop.id, payload.admin_graphql_api_id))?.deliveryStatus === "delivered",
    );
    await sendWebhook("refunds/create", shop.domain, {
      id: 2,
      order_id: payload.id,
      refund_line_items: [],
    });
    await waitFor(
      async () =>
        (await orderByGid(shop.id, payload.admin_graphql_api_id))?.dlAccess === "disabled",
    );
  });

  it("a cancelled order is not delivered and has no access", async () => {
    const { shop, ebook } = await setupShop();
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }], {
      financial_status: "pending",
    });
    await sendWebhook("orders/create", shop.domain, payload);
    await waitFor(() => orderByGid(shop.id, payload.admin_graphql_api_id));
    await sendWebhook("orders/cancelled", shop.domain, {
      ...payload,
      cancelled_at: new Date().toISOString(),
    });
    const cancelled = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "cancelled" ? o : null;
    });
    expect(cancelled.dlAccess).toBe("disabled");
    expect(
      await db.select().from(emailMessages).where(eq(emailMessages.orderId, cancelled.id)),
    ).toHaveLength(0);
  });

  it("holds an order Shopify rates high risk (risk read through Admin GraphQL)", async () => {
    const { shop, ebook } = await setupShop({ holdHighRisk: true });
    mock.onGraphql("OrderRisk", () => ({
      data: { order: { risk: { recommendation: "CANCEL", assessments: [{ riskLevel: "HIGH" }] } } },
    }));
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }]);
    await sendWebhook("orders/paid", shop.domain, payload);
    const held = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "held" ? o : null;
    });
    expect(held.riskLevel).toBe("HIGH");
    expect(mock.graphqlRequests("OrderRisk")[0]?.variables).toEqual({
      id: payload.admin_graphql_api_id,
    });
    expect(
      await db.select().from(emailMessages).where(eq(emailMessages.orderId, held.id)),
    ).toHaveLength(0);
  });

  it("delivers a low-risk order when risk holds are on", async () => {
    const { shop, ebook } = await setupShop({ holdHighRisk: true });
    mock.onGraphql("OrderRisk", () => ({
      data: { order: { risk: { recommendation: "ACCEPT", assessments: [{ riskLevel: "LOW" }] } } },
    }));
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }]);
    await sendWebhook("orders/paid", shop.domain, payload);
    const order = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "delivered" ? o : null;
    });
    expect(order.riskLevel).toBe("LOW");
  });
});

describe("compliance webhooks", () => {
  it("data_request exports the customer's orders; redact erases personal data and links", async () => {
    const { shop, ebook, file } = await setupShop();
    await db
      .update(digitalProducts)
      .set({ stampingEnabled: true, stampingTemplate: "Licensed to {{customer_email}}" })
      .where(eq(digitalProducts.id, ebook.id));
    const payload = shopifyOrderPayload([{ productGid: ebook.productGid }], {
      email: "privacy@example.com",
    });
    await sendWebhook("orders/paid", shop.domain, payload);
    const order = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o?.deliveryStatus === "delivered" ? o : null;
    });
    // A download leaves a per-line stamping record (the PDF or the remembered failure).
    const [line] = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    const download = await fetch(`${server.url}/d/${order.accessToken}/${line!.id}/${file.id}`);
    await download.arrayBuffer();
    expect(download.status).toBe(200);
    const stampedDir = join(server.dataDir, "files", "stamped", shop.id, line!.id);
    expect(existsSync(stampedDir)).toBe(true);

    const request = await sendWebhook("customers/data_request", shop.domain, {
      shop_domain: shop.domain,
      customer: { id: payload.customer.id, email: "privacy@example.com" },
      orders_requested: [payload.id],
    });
    const exported = await waitFor(async () => {
      const [job] = await db
        .select()
        .from(jobs)
        .where(eq(jobs.dedupeKey, `shopify-webhook:${request.headers["X-Shopify-Webhook-Id"]}`));
      return job?.status === "succeeded" ? job.result : null;
    });
    expect(JSON.stringify(exported)).toContain(payload.name);
    expect(JSON.stringify(exported)).toContain("privacy@example.com");

    await sendWebhook("customers/redact", shop.domain, {
      shop_domain: shop.domain,
      customer: { id: payload.customer.id, email: "privacy@example.com" },
      orders_to_redact: [payload.id],
    });
    const redacted = await waitFor(async () => {
      const o = await orderByGid(shop.id, payload.admin_graphql_api_id);
      return o && o.email === null ? o : null;
    });
    expect(redacted.accessToken).not.toBe(order.accessToken);
    expect((await fetch(`${server.url}/d/${order.accessToken}`)).status).toBe(404);
    const [person] = await db.select().from(customers).where(eq(customers.id, order.customerId!));
    expect(person).toMatchObject({ email: null, firstName: null, lastName: null });
    expect(person!.redactedAt).toBeInstanceOf(Date);
    const mails = await db.select().from(emailMessages).where(eq(emailMessages.orderId, order.id));
    expect(mails.every((m) => m.toAddress === "redacted")).toBe(true);
    expect(existsSync(stampedDir)).toBe(false);
    // Anonymous counts survive.
    expect(await db.select().from(orderLines).where(eq(orderLines.orderId, order.id))).toHaveLength(
      1,
    );
  });

  it("shop/redact deletes the shop's data", async () => {
    const { shop } = await setupShop();
    await sendWebhook("shop/redact", shop.domain, { shop_id: 1, shop_domain: shop.domain });
    await waitFor(
      async () => (await db.select().from(shops).where(eq(shops.id, shop.id))).length === 0,
    );
    expect(
      await db
        .select()
        .from(orders)
        .where(inArray(orders.shopId, [shop.id])),
    ).toHaveLength(0);
  });
});
