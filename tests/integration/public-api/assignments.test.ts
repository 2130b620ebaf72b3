/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { customers, licenseKeys, orderLines, orders, webhookEvents, type Shop } from "~/db/schema";
import { createApiToken } from "../../helpers/api-factories";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createLicenseKeys,
  createShop,
  createStoredFile,
} from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { startSmtpSink, type SmtpSink } from "../../helpers/smtp-sink";
import { waitFor } from "../../helpers/wait";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

/**
 * POST /orders/{shopify_order_id}/assignments against the real server and Postgres:
 * what it creates, that it delivers like order intake (keys, email with the download
 * URL, outbox events), that replays and races create one purchase, and every refusal.
 */

let server: TestServer;
let smtp: SmtpSink;
let db: Db;
let contract: Contract;
let shop: Shop;
let api: ReturnType<typeof contractApi>;
let nextOrderId = Number(String(Date.now()).slice(-9));
const shopifyOrderId = () => String(++nextOrderId);

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startServer({ smtp, env: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
  shop = await createShop(db, { name: "Course Shop" });
  api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
});

async function mapping(overrides: Parameters<typeof createDigitalProduct>[2] = {}) {
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Lesson.pdf" });
  return createDigitalProduct(db, shop, { name: "Course", source: "api", ...overrides }, [file]);
}

const customer = { email: "learner@example.com", first_name: "Lea", last_name: "Learner" };

async function purchases(gid: string, shopId = shop.id) {
  const [row] = await db
    .select({ n: count() })
    .from(orders)
    .where(and(eq(orders.shopId, shopId), eq(orders.gid, gid)));
  return Number(row!.n);
}

async function eventsOf(type: string, orderId: string) {
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.shopId, shop.id), eq(webhookEvents.type, type)));
  return rows.filter((e) => (e.payload as any).order?.id === orderId);
}

describe("assignments", () => {
  it("creates customer, order and lines, delivers keys, emails the download URL", async () => {
    const course = await mapping({ name: "Course", maxDownloads: 5 });
    const keyed = await mapping({
      name: "Course licence",
      access: "FILE_WITH_LICENCE_KEY",
      licenseKeyTag: "course",
    });
    const keys = await createLicenseKeys(db, shop, "course", 3);
    const id = shopifyOrderId();

    const res = await api("POST", `/orders/${id}/assignments`, {
      json: {
        customer,
        items: [{ mapping_id: course.id }, { product_gid: keyed.productGid, quantity: 2 }],
        send_email: true,
        order_name: "#CRS-1",
      },
    });
    expect(res.status, res.text).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({
      order_created: true,
      delivery_status: "delivered",
      lines_existing: [],
      email: { to: "learner@example.com", status: "queued" },
      order: {
        name: "#CRS-1",
        gid: `gid://shopify/Order/${id}`,
        financial_status: "PAID",
        email: "learner@example.com",
        customer: { email: "learner@example.com", firstname: "Lea", lastname: "Learner" },
      },
    });
    expect(data.lines_added).toHaveLength(2);
    expect(data.download_url).toMatch(new RegExp(`^${server.url}/d/[\\w-]{20,}$`));
    const lines = data.order.lines;
    expect(lines.map((l: any) => l.digital_product.id)).toEqual([course.id, keyed.id]);
    expect(lines[0]).toMatchObject({ max_downloads: 5, extra_downloads: 0, quantity: 1 });
    expect(lines[1].license_keys).toHaveLength(2);

    const [order] = await db.select().from(orders).where(eq(orders.id, data.order.id));
    expect(order).toMatchObject({ source: "api", legacyId: id, deliveryStatus: "delivered" });
    const assigned = await db
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.orderId, order!.id)));
    expect(assigned.map((k) => k.key).sort()).toEqual(lines[1].license_keys.sort());
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(lines[1].license_keys));
    expect(await eventsOf("digital_order.purchased", order!.id)).toHaveLength(1);

    const mail = await smtp.waitForMessage((m) => m.subject?.includes("#CRS-1") ?? false, 20_000);
    expect(mail.text).toContain(data.download_url);
    expect(mail.text).toContain(lines[1].license_keys[0]);
    const page = await fetch(data.download_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Lesson.pdf");
    // digital_order.delivered is written when the delivery email is sent, as for Shopify orders.
    await waitFor(async () => (await eventsOf("digital_order.delivered", order!.id)).length === 1);
  });

  it("adds to an existing order by GID (encoded or not), never duplicating a mapping's line", async () => {
    const first = await mapping();
    const second = await mapping({ name: "Bonus" });
    const id = shopifyOrderId();
    const created = await api("POST", `/orders/${id}/assignments`, {
      json: { customer, items: [{ mapping_id: first.id }] },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.data.email).toBeNull(); // send_email defaults to false

    const encoded = encodeURIComponent(`gid://shopify/Order/${id}`);
    const again = await api("POST", `/orders/${encoded}/assignments`, {
      json: { customer, items: [{ mapping_id: first.id }, { mapping_id: second.id }] },
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.data).toMatchObject({
      order_created: false,
      lines_existing: created.body.data.lines_added,
    });
    expect(again.body.data.lines_added).toHaveLength(1);
    expect(again.body.data.order.id).toBe(created.body.data.order.id);

    const unencoded = await api("POST", `/orders/gid://shopify/Order/${id}/assignments`, {
      json: { customer, items: [{ mapping_id: second.id }] },
    });
    expect(unencoded.status, unencoded.text).toBe(200);
    expect(unencoded.body.data.lines_added).toEqual([]);
    const lines = await db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, created.body.data.order.id));
    expect(lines).toHaveLength(2);
    expect(await purchases(`gid://shopify/Order/${id}`)).toBe(1);
    // One customer for one email, however many assignments.
    const rows = await db
      .select()
      .from(customers)
      .where(and(eq(customers.shopId, shop.id), eq(customers.email, customer.email)));
    expect(rows).toHaveLength(1);
  });

  it("resolves variant GIDs and reports what still waits (UNIQUE files)", async () => {
    const variant = `gid://shopify/ProductVariant/${shopifyOrderId()}`;
    const unique = await mapping({
      deliveringType: "UNIQUE",
      variantGids: [variant],
      useAllVariants: false,
    });
    const res = await api("POST", `/orders/${shopifyOrderId()}/assignments`, {
      json: { customer, items: [{ variant_gid: variant }], send_email: true },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ delivery_status: "awaiting_files", email: null });
    expect(res.body.data.order.lines[0]).toMatchObject({
      delivering_type: "UNIQUE",
      digital_product: { id: unique.id },
    });
  });

  it("a replay with the same Idempotency-Key creates one purchase", async () => {
    const product = await mapping();
    const id = shopifyOrderId();
    const request = {
      json: { customer, items: [{ mapping_id: product.id }], send_email: true },
      headers: { "Idempotency-Key": `assign-${id}` },
    };
    const first = await api("POST", `/orders/${id}/assignments`, request);
    const second = await api("POST", `/orders/${id}/assignments`, request);
    expect(first.status, first.text).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await purchases(`gid://shopify/Order/${id}`)).toBe(1);
    const lines = await db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, first.body.data.order.id));
    expect(lines).toHaveLength(1);
    expect(await eventsOf("digital_order.purchased", first.body.data.order.id)).toHaveLength(1);

    const reused = await api("POST", `/orders/${id}/assignments`, {
      ...request,
      json: { ...request.json, send_email: false },
    });
    expectError(reused, 422, "idempotency_key_reused");
  });

  it("parallel assignments of one new Shopify order create one order and one line", async () => {
    const product = await mapping();
    const id = shopifyOrderId();
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api("POST", `/orders/${id}/assignments`, {
          json: { customer, items: [{ mapping_id: product.id }] },
          headers: { "Idempotency-Key": `race-${id}-${i}` },
        }),
      ),
    );
    for (const r of results) expect(r.status, r.text).toBe(200);
    expect(new Set(results.map((r) => r.body.data.order.id)).size).toBe(1);
    expect(results.filter((r) => r.body.data.order_created)).toHaveLength(1);
    expect(results.flatMap((r) => r.body.data.lines_added)).toHaveLength(1);
    expect(await purchases(`gid://shopify/Order/${id}`)).toBe(1);
    const lines = await db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, results[0]!.body.data.order.id));
    expect(lines).toHaveLength(1);
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const product = await mapping();
    const archived = await mapping({ isArchived: true });
    const ok = { customer, items: [{ mapping_id: product.id }] };
    const post = (path: string, json: unknown) => api("POST", path, { json });
    const id = shopifyOrderId();

    for (const bad of ["abc", "0", "-5", "12.5", encodeURIComponent("gid://shopify/Product/1")]) {
      expectError(
        await post(`/orders/${bad}/assignments`, ok),
        400,
        "validation_failed",
        "shopify_order_id",
      );
    }
    expectError(
      await post(`/orders/gid://shopify/Customer/1/assignments`, ok),
      400,
      "validation_failed",
      "shopify_order_id",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, items: [{ product_gid: "123" }] }),
      400,
      "validation_failed",
      "items.0.product_gid",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ variant_gid: "gid://shopify/Product/1" }],
      }),
      400,
      "validation_failed",
      "items.0.variant_gid",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, items: [{ mapping_id: "prod_nope" }] }),
      400,
      "unknown_mapping",
      "items.0.mapping_id",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ mapping_id: product.id }, { mapping_id: archived.id }],
      }),
      400,
      "unknown_mapping",
      "items.1.mapping_id",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ product_gid: "gid://shopify/Product/999999999999" }],
      }),
      400,
      "unknown_mapping",
      "items.0.product_gid",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ mapping_id: product.id }, { product_gid: product.productGid }],
      }),
      400,
      "validation_failed",
      "items.1.product_gid",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, shop_id: shop.id }),
      400,
      "validation_failed",
      "shop_id",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, sendEmail: true }),
      400,
      "validation_failed",
      "sendEmail",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, customer: { name: "No Email" } }),
      400,
      "validation_failed",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, customer: { email: "not-an-email" } }),
      400,
      "validation_failed",
      "customer.email",
    );
    expectError(
      await post(`/orders/${id}/assignments`, { ...ok, items: [] }),
      400,
      "validation_failed",
      "items",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ mapping_id: product.id, product_gid: product.productGid }],
      }),
      400,
      "validation_failed",
      "items.0",
    );
    expectError(
      await post(`/orders/${id}/assignments`, {
        ...ok,
        items: [{ mapping_id: product.id, quantity: 0 }],
      }),
      400,
      "validation_failed",
      "items.0.quantity",
    );
    expectError(
      await api("POST", `/orders/${id}/assignments`, {
        body: "{nope",
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    expectError(await api("GET", `/orders/${id}/assignments`), 405, "method_not_allowed");
    const anonymous = contractApi(contract, server.url);
    expectError(
      await anonymous("POST", `/orders/${id}/assignments`, { json: ok }),
      401,
      "unauthorized",
    );
    // Nothing of the refused requests was created.
    expect(await purchases(`gid://shopify/Order/${id}`)).toBe(0);
  });

  it("requires an Idempotency-Key when the shop says so", async () => {
    const strict = await createShop(db, { requireIdempotencyKey: true });
    const strictApi = contractApi(contract, server.url, (await createApiToken(db, strict)).token);
    const file = await createStoredFile(db, strict, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, strict, { source: "api" }, [file]);
    const id = shopifyOrderId();
    const json = { customer, items: [{ mapping_id: product.id }] };
    expectError(
      await strictApi("POST", `/orders/${id}/assignments`, { json }),
      400,
      "idempotency_key_required",
      "Idempotency-Key",
    );
    expect(await purchases(`gid://shopify/Order/${id}`, strict.id)).toBe(0);
    const ok = await strictApi("POST", `/orders/${id}/assignments`, {
      json,
      headers: { "Idempotency-Key": `strict-${id}` },
    });
    expect(ok.status, ok.text).toBe(200);
  });
});

describe("isolation", () => {
  it("shop B cannot assign shop A's mappings or touch A's order of the same Shopify id", async () => {
    const productA = await mapping({ name: "A's course" });
    const id = shopifyOrderId();
    const a = await api("POST", `/orders/${id}/assignments`, {
      json: { customer, items: [{ mapping_id: productA.id }] },
    });
    expect(a.status, a.text).toBe(200);

    const shopB = await createShop(db);
    const apiB = contractApi(contract, server.url, (await createApiToken(db, shopB)).token);
    expectError(
      await apiB("POST", `/orders/${id}/assignments`, {
        json: { customer, items: [{ mapping_id: productA.id }] },
      }),
      400,
      "unknown_mapping",
      "items.0.mapping_id",
    );
    expectError(
      await apiB("POST", `/orders/${id}/assignments`, {
        json: { customer, items: [{ product_gid: productA.productGid }] },
      }),
      400,
      "unknown_mapping",
      "items.0.product_gid",
    );
    // B's own mapping on the same Shopify order id makes B's own order, A's is untouched.
    const fileB = await createStoredFile(db, shopB, { dataDir: server.dataDir });
    const productB = await createDigitalProduct(db, shopB, { source: "api" }, [fileB]);
    const b = await apiB("POST", `/orders/${id}/assignments`, {
      json: { customer, items: [{ mapping_id: productB.id }] },
    });
    expect(b.status, b.text).toBe(200);
    expect(b.body.data.order_created).toBe(true);
    expect(b.body.data.order.id).not.toBe(a.body.data.order.id);
    expect(b.body.data.order.lines.map((l: any) => l.digital_product.id)).toEqual([productB.id]);
    expect(b.body.data.order.customer.id).not.toBe(a.body.data.order.customer.id);
    const aLines = await db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, a.body.data.order.id));
    expect(aLines.map((l) => l.digitalProductId)).toEqual([productA.id]);

    expectError(await apiB("GET", `/orders/${a.body.data.order.id}`), 404, "not_found");
    const listB = await apiB("GET", "/orders?limit=100");
    expect(listB.body.data.map((o: any) => o.id)).toEqual([b.body.data.order.id]);
  });
});
