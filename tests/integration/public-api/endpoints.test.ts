/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import {
  digitalProducts,
  downloadEvents,
  downloadLinkFiles,
  emailMessages,
  files,
  jobs,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  type Shop,
} from "~/db/schema";
import { createApiToken } from "../../helpers/api-factories";
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
import { waitFor } from "../../helpers/wait";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

let server: TestServer;
let db: Db;
let contract: Contract;
let shop: Shop;
let api: ReturnType<typeof contractApi>;

beforeAll(async () => {
  server = await startServer({
    env: {
      API_RATE_LIMIT_PER_MINUTE: "100000",
      API_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000",
      // Remote ingest fetches from this same server (its /healthz); see assets.test.ts.
      INGEST_ALLOW_LOCALHOST: "1",
    },
  });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
  shop = await createShop(db);
  api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

async function orderFixture(
  options: { deliveringType?: "REGULAR" | "UNIQUE"; licenseKeyTag?: string } = {},
) {
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Guide.pdf" });
  const product = await createDigitalProduct(
    db,
    shop,
    {
      name: "Guide",
      maxDownloads: 3,
      deliveringType: options.deliveringType ?? "REGULAR",
      licenseKeyTag: options.licenseKeyTag ?? null,
      access: options.licenseKeyTag ? "FILE_WITH_LICENCE_KEY" : "FILE",
    },
    [file],
  );
  const customer = await createCustomer(db, shop);
  const { order, lines } = await createOrder(db, shop, { customer, products: [product] });
  return { file, product, customer, order, line: lines[0]! };
}

describe("digital products", () => {
  it("lists (search, archived, pagination) and gets one with its files", async () => {
    const { product, file } = await orderFixture();
    await createDigitalProduct(db, shop, { name: "Old archived thing", isArchived: true });
    const list = await api("GET", "/digital-products?limit=100");
    expect(list.status).toBe(200);
    expect(list.body.data.some((p: any) => p.name === "Old archived thing")).toBe(false);
    const withArchived = await api("GET", "/digital-products?include_archived=true&q=archived");
    expect(withArchived.body.data.map((p: any) => p.name)).toEqual(["Old archived thing"]);
    const one = await api("GET", `/digital-products/${product.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({
      id: product.id,
      name: "Guide",
      max_downloads: 3,
      files: [{ id: file.id, name: "Guide.pdf", type: "application/pdf", uploaded: true }],
    });
    expect(one.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // No Shopify session in tests: include=product degrades to null, never an error.
    const included = await api("GET", `/digital-products/${product.id}?include=product`);
    expect(included.status).toBe(200);
    expect(included.body.data.product).toBeNull();
    expectError(await api("GET", "/digital-products/prod_nope"), 404, "not_found", "id");
  });

  it("updates limits; 0 and null mean unlimited; bounds enforced", async () => {
    const { product } = await orderFixture();
    const res = await api("PUT", `/digital-products/${product.id}/limits`, {
      json: { max_downloads: 10, download_in: 60 },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ max_downloads: 10, download_in: 60 });
    const partial = await api("PUT", `/digital-products/${product.id}/limits`, {
      json: { max_downloads: 0 },
    });
    expect(partial.body.data).toMatchObject({ max_downloads: null, download_in: 60 });
    expectError(
      await api("PUT", `/digital-products/${product.id}/limits`, {
        json: { max_downloads: 1_000_001 },
      }),
      400,
      "validation_failed",
      "max_downloads",
    );
    expectError(
      await api("PUT", `/digital-products/${product.id}/limits`, {
        json: { download_in: 100_001 },
      }),
      400,
      "validation_failed",
      "download_in",
    );
    expectError(
      await api("PUT", "/digital-products/prod_nope/limits", { json: {} }),
      404,
      "not_found",
    );
  });
});

describe("orders", () => {
  it("lists with every filter", async () => {
    const a = await orderFixture();
    const b = await orderFixture();
    await db
      .update(orders)
      .set({ financialStatus: "REFUNDED", createdAt: new Date("2026-01-15T00:00:00Z") })
      .where(eq(orders.id, b.order.id));
    const byStatus = await api("GET", "/orders?financial_status=REFUNDED&limit=100");
    expect(byStatus.body.data.map((o: any) => o.id)).toEqual([b.order.id]);
    const multi = await api("GET", "/orders?financial_status=REFUNDED,PAID&limit=100");
    expect(multi.body.data.map((o: any) => o.id)).toEqual(
      expect.arrayContaining([a.order.id, b.order.id]),
    );
    const window = await api(
      "GET",
      "/orders?created_after=2026-01-01T00:00:00Z&created_before=2026-02-01T00:00:00Z",
    );
    expect(window.body.data.map((o: any) => o.id)).toEqual([b.order.id]);
    const byProduct = await api("GET", `/orders?digital_product_id=${a.product.id}`);
    expect(byProduct.body.data.map((o: any) => o.id)).toEqual([a.order.id]);
    const byEmail = await api(
      "GET",
      `/orders?customer_email=${encodeURIComponent(a.customer.email!.toUpperCase())}`,
    );
    expect(byEmail.body.data.map((o: any) => o.id)).toEqual([a.order.id]);
    const byName = await api("GET", `/orders?q=${encodeURIComponent(a.order.name)}`);
    expect(byName.body.data.map((o: any) => o.id)).toContain(a.order.id);
  });

  it("gets one order with lines, keys and (optionally) downloads", async () => {
    const { order, line, file, customer } = await orderFixture();
    await db.insert(licenseKeys).values({
      shopId: shop.id,
      key: "KEY-ON-LINE",
      status: "assigned",
      orderId: order.id,
      orderLineId: line.id,
    });
    await db.insert(downloadEvents).values({
      shopId: shop.id,
      orderId: order.id,
      orderLineId: line.id,
      fileId: file.id,
      customerId: customer.id,
      bytesSent: 13,
    });
    const plain = await api("GET", `/orders/${order.id}`);
    expect(plain.status).toBe(200);
    expect(plain.body.data).toMatchObject({
      id: order.id,
      financial_status: "PAID",
      dl_access: "enabled",
      customer: { id: customer.id, email: customer.email, firstname: "Jane", gid: customer.gid },
      lines: [{ id: line.id, price_cents: 1900, license_keys: ["KEY-ON-LINE"], quantity: 1 }],
    });
    expect(plain.body.data.lines[0].downloads).toBeUndefined();
    const withDownloads = await api("GET", `/orders/${order.id}?include=downloads`);
    expect(withDownloads.body.data.lines[0].downloads).toEqual([
      expect.objectContaining({
        file_id: file.id,
        file_name: "Guide.pdf",
        bytes_sent: 13,
        is_redownload: false,
      }),
    ]);
    expectError(await api("GET", "/orders/ord_nope"), 404, "not_found", "id");
  });

  it("turns access off and on", async () => {
    const { order, line, file } = await orderFixture();
    const off = await api("POST", `/orders/${order.id}/access`, { json: { access: "disabled" } });
    expect(off.status).toBe(200);
    expect(off.body.data.dl_access).toBe("disabled");
    const download = await fetch(`${server.url}/d/${order.accessToken}/${line.id}/${file.id}`);
    expect(download.status).toBe(403);
    const on = await api("POST", `/orders/${order.id}/access`, { json: { access: "enabled" } });
    expect(on.body.data.dl_access).toBe("enabled");
    expectError(
      await api("POST", `/orders/${order.id}/access`, { json: { access: "maybe" } }),
      400,
      "validation_failed",
      "access",
    );
    expectError(
      await api("POST", `/orders/${order.id}/access`, { json: {} }),
      400,
      "validation_failed",
      "access",
    );
    expectError(
      await api("POST", "/orders/ord_nope/access", { json: { access: "enabled" } }),
      404,
      "not_found",
    );
  });

  it("resets download counters of one line or all lines", async () => {
    const { order, line } = await orderFixture();
    await db.update(orderLines).set({ downloadCount: 3 }).where(eq(orderLines.id, line.id));
    const res = await api("POST", `/orders/${order.id}/reset-downloads`, {
      json: { line_id: line.id },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.lines[0].download_count).toBe(0);
    await db.update(orderLines).set({ downloadCount: 2 }).where(eq(orderLines.id, line.id));
    const all = await api("POST", `/orders/${order.id}/reset-downloads`, { json: {} });
    expect(all.body.data.lines[0].download_count).toBe(0);
    expectError(
      await api("POST", `/orders/${order.id}/reset-downloads`, { json: { line_id: "line_nope" } }),
      404,
      "not_found",
      "line_id",
    );
    expectError(
      await api("POST", "/orders/ord_nope/reset-downloads", { json: {} }),
      404,
      "not_found",
    );
  });

  it("resends the email (optionally to a new address): a queued email row and an email.send job", async () => {
    const { order, customer } = await orderFixture();
    const same = await api("POST", `/orders/${order.id}/resend-email`, { json: {} });
    expect(same.status).toBe(200);
    expect(same.body.data).toMatchObject({
      order_id: order.id,
      to: customer.email,
      status: "queued",
    });
    const moved = await api("POST", `/orders/${order.id}/resend-email`, {
      json: { customer_email: "new@example.com" },
    });
    expect(moved.body.data.to).toBe("new@example.com");
    const [updated] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(updated!.email).toBe("new@example.com");
    const emails = await db.select().from(emailMessages).where(eq(emailMessages.orderId, order.id));
    // Status moves on once a mail sender runs; the API answered `queued` above.
    expect(emails.map((e) => [e.kind, e.toAddress]).sort()).toEqual(
      [
        ["resend", customer.email],
        ["resend", "new@example.com"],
      ].sort(),
    );
    const queued = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.shopId, shop.id), eq(jobs.type, "email.send")));
    expect(queued.map((j) => j.payload.emailMessageId)).toEqual(
      expect.arrayContaining(emails.map((e) => e.id)),
    );
    expectError(
      await api("POST", `/orders/${order.id}/resend-email`, {
        json: { customer_email: "not-an-email" },
      }),
      400,
      "validation_failed",
      "customer_email",
    );
    await db.update(orders).set({ email: null, customerId: null }).where(eq(orders.id, order.id));
    expectError(
      await api("POST", `/orders/${order.id}/resend-email`, { json: {} }),
      422,
      "order_without_email",
    );
    expectError(await api("POST", "/orders/ord_nope/resend-email", { json: {} }), 404, "not_found");
  });

  it("sets the files of a UNIQUE line, replaces and clears them", async () => {
    const { order, line } = await orderFixture({ deliveringType: "UNIQUE" });
    const f1 = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "a.pdf" });
    const f2 = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "b.pdf" });
    const path = `/orders/${order.id}/lines/${line.id}/files`;
    const set = await api("PUT", path, { json: { file_ids: [f1.id, f2.id], send_email: true } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.data.lines[0].file_ids).toEqual([f1.id, f2.id]);
    const emails = await db.select().from(emailMessages).where(eq(emailMessages.orderId, order.id));
    expect(emails.map((e) => e.kind)).toEqual(["delivery"]);
    const replaced = await api("PUT", path, { json: { file_ids: [f2.id] } });
    expect(replaced.body.data.lines[0].file_ids).toEqual([f2.id]);
    const cleared = await api("PUT", path, { json: { file_ids: [] } });
    expect(cleared.body.data.lines[0].file_ids).toEqual([]);
    expectError(
      await api("PUT", path, { json: { file_ids: ["file_nope"] } }),
      404,
      "not_found",
      "file_ids.0",
    );
    expectError(
      await api("PUT", path, { json: { file_ids: Array.from({ length: 101 }, () => f1.id) } }),
      400,
      "validation_failed",
      "file_ids",
    );
    expectError(
      await api("PUT", `/orders/${order.id}/lines/line_nope/files`, { json: { file_ids: [] } }),
      404,
      "not_found",
      "lineId",
    );
    expectError(
      await api("PUT", `/orders/ord_nope/lines/${line.id}/files`, { json: { file_ids: [] } }),
      404,
      "not_found",
      "id",
    );
    const regular = await orderFixture();
    expectError(
      await api("PUT", `/orders/${regular.order.id}/lines/${regular.line.id}/files`, {
        json: { file_ids: [] },
      }),
      422,
      "line_not_unique_delivery",
    );
  });
});

describe("license keys", () => {
  it("batch-creates with skip / create / fail", async () => {
    const tag = `pool-${Date.now()}`;
    const first = await api("POST", "/license-keys", {
      json: { keys: ["K1", "K2", "K2", " K3 "], tag },
    });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ created: 3, skipped: 1, skipped_keys: ["K2"], tag });
    const skip = await api("POST", "/license-keys", { json: { keys: ["K1", "K4"], tag } });
    expect(skip.body.data).toMatchObject({ created: 1, skipped: 1, skipped_keys: ["K1"] });
    const other = await api("POST", "/license-keys", {
      json: { keys: ["K1"], tag: `${tag}-b`, duplicates: "create" },
    });
    expect(other.body.data.created).toBe(1);
    const fail = await api("POST", "/license-keys", {
      json: { keys: ["K5", "K1"], tag, duplicates: "fail" },
    });
    expectError(fail, 409, "duplicate_license_keys", "keys");
    const k5 = await db
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.key, "K5")));
    expect(k5).toHaveLength(0);
    expectError(
      await api("POST", "/license-keys", { json: { keys: ["Z", "Z"], tag, duplicates: "fail" } }),
      409,
      "duplicate_license_keys",
    );
  });

  it("imports 5,000 keys in one request, well under a second of server time", async () => {
    const keys = Array.from(
      { length: 5000 },
      (_, i) => `BULK-${i.toString(36).padStart(6, "0")}-${"X".repeat(20)}`,
    );
    const started = performance.now();
    const res = await api("POST", "/license-keys", { json: { keys, tag: "bulk" } });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(201);
    expect(res.body.data.created).toBe(5000);
    expect(elapsed).toBeLessThan(2000);
    const again = await api("POST", "/license-keys", { json: { keys, tag: "bulk" } });
    expect(again.body.data).toMatchObject({ created: 0, skipped: 5000 });
  });

  it("lists with status, tag and search filters", async () => {
    const tag = `list-${Date.now()}`;
    await api("POST", "/license-keys", { json: { keys: ["LA-1", "LA-2", "LB-1"], tag } });
    const byTag = await api("GET", `/license-keys?tag=${tag}&sort=id`);
    expect(byTag.body.data.map((k: any) => k.key)).toEqual(["LA-1", "LA-2", "LB-1"]);
    expect(byTag.body.data[0]).toMatchObject({
      tag,
      assigned: false,
      order_id: null,
      order_name: null,
    });
    const search = await api("GET", `/license-keys?tag=${tag}&q=la-`);
    expect(search.body.data).toHaveLength(2);
    const available = await api("GET", `/license-keys?tag=${tag}&status=available`);
    expect(available.body.data).toHaveLength(3);
    const assigned = await api("GET", `/license-keys?tag=${tag}&status=assigned`);
    expect(assigned.body.data).toHaveLength(0);
    expectError(await api("GET", "/license-keys?status=sold"), 400, "validation_failed", "status");
  });

  it("validates, assigns, unassigns and deletes", async () => {
    const tag = `life-${Date.now()}`;
    const { order, line } = await orderFixture({ licenseKeyTag: tag });
    await db
      .update(orderLines)
      .set({ keysNeeded: 1, keyStatus: "awaiting" })
      .where(eq(orderLines.id, line.id));
    await api("POST", "/license-keys", { json: { keys: ["LIFE-1"], tag } });
    const [key] = await db
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.key, "LIFE-1")));
    expect((await api("GET", "/license-keys/validate?key=LIFE-1")).body.data).toEqual({
      valid: true,
      assigned: false,
      tag,
      order_name: null,
      order_id: null,
    });
    expect((await api("GET", "/license-keys/validate?key=NOPE")).body.data).toMatchObject({
      valid: false,
      assigned: false,
    });

    const assigned = await api("POST", `/license-keys/${key!.id}/assign`, {
      json: { order_name: order.name, send_email: true },
    });
    expect(assigned.status, assigned.text).toBe(200);
    expect(assigned.body.data).toMatchObject({
      id: key!.id,
      assigned: true,
      order_id: order.id,
      order_name: order.name,
    });
    const [lineAfter] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
    expect(lineAfter!.keyStatus).toBe("assigned");
    expect(
      (await db.select().from(emailMessages).where(eq(emailMessages.orderId, order.id))).map(
        (e) => e.kind,
      ),
    ).toEqual(["delivery"]);
    expect((await api("GET", "/license-keys/validate?key=LIFE-1")).body.data).toEqual({
      valid: true,
      assigned: true,
      tag,
      order_name: order.name,
      order_id: order.id,
    });
    expect((await api("GET", `/orders/${order.id}`)).body.data.lines[0].license_keys).toEqual([
      "LIFE-1",
    ]);
    expectError(
      await api("POST", `/license-keys/${key!.id}/assign`, { json: { order_name: order.name } }),
      409,
      "license_key_assigned",
    );
    expectError(await api("DELETE", `/license-keys/${key!.id}`), 409, "license_key_assigned");

    const released = await api("POST", `/license-keys/${key!.id}/unassign`);
    expect(released.status, released.text).toBe(200);
    expect(released.body.data).toMatchObject({ assigned: false, order_id: null });
    expectError(
      await api("POST", `/license-keys/${key!.id}/unassign`, { json: {} }),
      409,
      "license_key_not_assigned",
    );

    expectError(
      await api("POST", `/license-keys/${key!.id}/assign`, { json: { order_name: "#no-such" } }),
      404,
      "not_found",
      "order_name",
    );
    expectError(
      await api("POST", `/license-keys/${key!.id}/assign`, { json: {} }),
      400,
      "validation_failed",
      "order_name",
    );

    const deleted = await api("DELETE", `/license-keys/${key!.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id: key!.id, deleted: true });
    expectError(await api("DELETE", `/license-keys/${key!.id}`), 404, "not_found");
    expectError(
      await api("POST", "/license-keys/key_nope/assign", { json: { order_name: order.name } }),
      404,
      "not_found",
      "id",
    );
    expectError(await api("POST", "/license-keys/key_nope/unassign"), 404, "not_found");
  });
});

describe("files", () => {
  it("uploads (streamed), lists with filters and products, deletes", async () => {
    const form = new FormData();
    const bytes = Buffer.from("%PDF-1.7 uploaded through the API");
    form.append("note", "ignored");
    form.append("file", new Blob([bytes], { type: "application/pdf" }), "Übung – café.pdf");
    const up = await api("POST", "/files", { body: form });
    expect(up.status, up.text).toBe(201);
    expect(up.body.data).toMatchObject({
      name: "Übung – café.pdf",
      size: bytes.length,
      type: "application/pdf",
      uploaded: true,
    });
    const id = up.body.data.id;

    const pdfs = await api("GET", "/files?type=application/pdf&q=caf%C3%A9&include=products");
    expect(pdfs.body.data.map((f: any) => f.id)).toEqual([id]);
    expect(pdfs.body.data[0].products).toEqual([]);
    const notUploaded = await api("GET", "/files?uploaded=false");
    expect(notUploaded.body.data).toEqual([]);

    const del = await api("DELETE", `/files/${id}`);
    expect(del.body.data).toEqual({ id, deleted: true });
    expectError(await api("DELETE", `/files/${id}`), 404, "not_found");
  });

  it("refuses uploads over 25 MB with 413, and non-multipart bodies with 415", async () => {
    const big = new FormData();
    big.append("file", new Blob([Buffer.alloc(25 * 1024 * 1024 + 1024)]), "big.bin");
    expectError(await api("POST", "/files", { body: big }), 413, "payload_too_large");
    // Chunked (no Content-Length): the stream is cut at the limit, still a 413.
    const boundary = "----handoff";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.bin"\r\n\r\n`,
    );
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(head);
        for (let i = 0; i < 27; i++) controller.enqueue(Buffer.alloc(1024 * 1024));
        controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/public-api/v1/files`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${(await createApiToken(db, shop)).token}`,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
      body: stream,
      duplex: "half",
    } as RequestInit).catch((error: Error & { cause?: { code?: string } }) => {
      // The server answers 413 as soon as the stream passes the limit; a client still
      // writing may see the connection close (EPIPE/ECONNRESET) before it reads the answer.
      // Either way nothing may be stored, which the file count below checks.
      expect(["EPIPE", "ECONNRESET"]).toContain(error.cause?.code);
      return null;
    });
    if (res) {
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("payload_too_large");
    }
    const stored = await api("GET", "/files?limit=100");
    expect(
      (stored.body.data as Array<{ name: string }>).some(
        (f) => f.name === "s.bin" || f.name === "big.bin",
      ),
    ).toBe(false);
    expectError(
      await api("POST", "/files", { json: { file: "x" } }),
      415,
      "unsupported_media_type",
    );
    const noFile = new FormData();
    noFile.append("other", "x");
    expectError(await api("POST", "/files", { body: noFile }), 400, "validation_failed", "file");
  });

  it("409 while a file is attached to a product, a line or a link", async () => {
    const { file, order, line } = await orderFixture({ deliveringType: "UNIQUE" });
    expectError(await api("DELETE", `/files/${file.id}`), 409, "file_attached");
    const lineFile = await createStoredFile(db, shop, { dataDir: server.dataDir });
    await api("PUT", `/orders/${order.id}/lines/${line.id}/files`, {
      json: { file_ids: [lineFile.id] },
    });
    expectError(await api("DELETE", `/files/${lineFile.id}`), 409, "file_attached");
    const linkFile = await createStoredFile(db, shop, { dataDir: server.dataDir });
    await api("POST", "/download-links", { json: { file_ids: [linkFile.id] } });
    expectError(await api("DELETE", `/files/${linkFile.id}`), 409, "file_attached");
    void orderLineFiles;
  });
});

describe("download links", () => {
  it("creates a link with limit and stamping; validates its input", async () => {
    const f1 = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const f2 = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const res = await api("POST", "/download-links", {
      json: {
        file_ids: [f1.id, f2.id],
        use_download_limit: true,
        download_limit: 3,
        use_stamping: true,
        stamping_text: "Licensed to: jane@example.com — Order #1042",
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      file_ids: [f1.id, f2.id],
      use_download_limit: true,
      download_limit: 3,
      use_stamping: true,
    });
    expect(res.body.data.url).toMatch(new RegExp(`^${server.url}/l/[A-Za-z0-9_-]{43}$`));
    const rows = await db
      .select()
      .from(downloadLinkFiles)
      .where(eq(downloadLinkFiles.downloadLinkId, res.body.data.id));
    expect(rows).toHaveLength(2);
    expectError(
      await api("POST", "/download-links", { json: { file_ids: [] } }),
      400,
      "validation_failed",
      "file_ids",
    );
    expectError(
      await api("POST", "/download-links", {
        json: { file_ids: Array.from({ length: 101 }, () => f1.id) },
      }),
      400,
      "validation_failed",
      "file_ids",
    );
    expectError(
      await api("POST", "/download-links", {
        json: { file_ids: [f1.id], stamping_text: "x".repeat(501) },
      }),
      400,
      "validation_failed",
      "stamping_text",
    );
    expectError(
      await api("POST", "/download-links", { json: { file_ids: [f1.id, "file_nope"] } }),
      404,
      "not_found",
      "file_ids.1",
    );
  });
});

describe("download stats and customer downloads", () => {
  it("aggregates a window", async () => {
    const stats = await createShop(db);
    const statsApi = contractApi(contract, server.url, (await createApiToken(db, stats)).token);
    const file = await createStoredFile(db, stats, { dataDir: server.dataDir, name: "top.pdf" });
    const at = new Date("2026-05-10T12:00:00.000Z");
    await db.insert(downloadEvents).values([
      { shopId: stats.id, fileId: file.id, bytesSent: 100, createdAt: at },
      {
        shopId: stats.id,
        fileId: file.id,
        bytesSent: 100,
        isRedownload: true,
        billable: false,
        createdAt: at,
      },
      {
        shopId: stats.id,
        fileId: file.id,
        bytesSent: 50,
        createdAt: new Date("2026-07-01T00:00:00Z"),
      },
    ]);
    const res = await statsApi(
      "GET",
      "/downloads/stats?start=2026-05-01T00:00:00Z&end=2026-06-01T00:00:00Z",
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      period: { start: "2026-05-01T00:00:00.000Z", end: "2026-06-01T00:00:00.000Z" },
      total_downloads: 2,
      counted_downloads: 1,
      billable_downloads: 1,
      total_bandwidth_bytes: 200,
      top_files: [
        {
          file: { id: file.id, name: "top.pdf", size: file.size, type: "application/pdf" },
          downloads: 2,
          bandwidth_bytes: 200,
        },
      ],
    });
    const defaults = await statsApi("GET", "/downloads/stats");
    const span =
      Date.parse(defaults.body.data.period.end) - Date.parse(defaults.body.data.period.start);
    expect(span).toBe(30 * 86_400_000);
    expectError(
      await statsApi("GET", "/downloads/stats?start=2020-01-01T00:00:00Z&end=2026-01-01T00:00:00Z"),
      400,
      "validation_failed",
      "end",
    );
  });

  it("lists a customer's orders with download events, by GID (encoded or not) or numeric id", async () => {
    const { customer, order, line, file } = await orderFixture();
    await db.insert(downloadEvents).values({
      shopId: shop.id,
      orderId: order.id,
      orderLineId: line.id,
      fileId: file.id,
      customerId: customer.id,
      bytesSent: 7,
    });
    const numeric = customer.gid!.split("/").pop()!;
    for (const ref of [encodeURIComponent(customer.gid!), customer.gid!, numeric]) {
      const res = await api("GET", `/customers/${ref}/downloads?limit=50`);
      expect(res.status, `${ref}: ${res.text}`).toBe(200);
      expect(res.body.data.map((o: any) => o.id)).toEqual([order.id]);
      expect(res.body.data[0].lines[0].downloads).toHaveLength(1);
    }
    expectError(
      await api("GET", "/customers/999999999999/downloads"),
      404,
      "not_found",
      "customer_gid",
    );
    expectError(await api("GET", "/customers/not-a-gid/downloads"), 404, "not_found");
  });
});

describe("order assignments and access", () => {
  // Full behaviour: assignments.test.ts and order-access.test.ts. Here: each operation
  // answers a 2xx matching its schema, for the coverage check below.
  it("assigns a mapping, grants downloads and extends expiry", async () => {
    const { product, order, line } = await orderFixture();
    const assigned = await api("POST", `/orders/${Date.now()}/assignments`, {
      json: { customer: { email: "api@example.com" }, items: [{ mapping_id: product.id }] },
    });
    expect(assigned.status, assigned.text).toBe(200);
    expect(assigned.body.data.order.lines[0].digital_product.id).toBe(product.id);
    const granted = await api("POST", `/orders/${order.id}/grant-downloads`, {
      json: { downloads: 2, line_id: line.id },
    });
    expect(granted.body.data.lines[0]).toMatchObject({ max_downloads: 3, extra_downloads: 2 });
    const extended = await api("POST", `/orders/${order.id}/extend-expiry`, {
      json: { expires_at: "2099-01-01T00:00:00.000Z" },
    });
    expect(extended.body.data.lines[0].expires_at).toBe("2099-01-01T00:00:00.000Z");
  });
});

describe("remote ingest (every case in assets.test.ts)", () => {
  it("allowlist, ingest, job, cancel", async () => {
    const put = await api("PUT", "/ingest-allowed-hosts", { json: { hosts: ["127.0.0.1"] } });
    expect(put.body.data.hosts).toEqual(["127.0.0.1"]);
    expect((await api("GET", "/ingest-allowed-hosts")).body.data.hosts).toEqual(["127.0.0.1"]);
    const created = await api("POST", "/assets", { json: { url: `${server.url}/healthz` } });
    expect(created.status, created.text).toBe(202);
    const done = await waitFor(async () => {
      const res = await api("GET", `/jobs/${created.body.data.id}`);
      return res.body.data.status === "succeeded" ? res.body.data : null;
    });
    expect(done.result.file).toMatchObject({ name: "healthz", uploaded: true });
    const [file] = await db
      .insert(files)
      .values({ shopId: shop.id, name: "later", storageKey: `${shop.id}/later`, source: "ingest" })
      .returning();
    const [queued] = await db
      .insert(jobs)
      .values({
        shopId: shop.id,
        type: "asset.ingest",
        payload: { fileId: file!.id, url: `${server.url}/healthz` },
        runAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    const cancelled = await api("POST", `/jobs/${queued!.id}/cancel`);
    expect(cancelled.body.data.status).toBe("cancelled");
  });
});

describe("mappings (every operation once; details in mappings.test.ts)", () => {
  it("creates, lists, gets, patches and deletes", async () => {
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Map.pdf" });
    const created = await api("POST", "/mappings", {
      json: { product_gid: "gid://shopify/Product/880001", file_ids: [file.id] },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect((await api("GET", "/mappings")).status).toBe(200);
    expect((await api("GET", `/mappings/${id}`)).body.data.file_ids).toEqual([file.id]);
    expect((await api("PATCH", `/mappings/${id}`, { json: { name: "Map" } })).status).toBe(200);
    expect((await api("DELETE", `/mappings/${id}`)).body.data.deleted).toBe(true);
  });
});

describe("direct uploads", () => {
  // The full behaviour is in uploads.test.ts; here every operation answers to contract.
  it("create, send a part, status, complete; and abort", async () => {
    const created = await api("POST", "/uploads", { json: { name: "notes.txt", size: 5 } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const part = await api("PUT", `/uploads/${id}/parts/1`, { body: "hello" });
    expect(part.status).toBe(200);
    expect((await api("GET", `/uploads/${id}`)).body.data.missing_parts).toEqual([]);
    const done = await api("POST", `/uploads/${id}/complete`, { json: {} });
    expect(done.status).toBe(201);
    expect(done.body.data).toMatchObject({ name: "notes.txt", size: 5, uploaded: true });
    const other = await api("POST", "/uploads", { json: { name: "x.bin", size: 9 } });
    expect((await api("DELETE", `/uploads/${other.body.data.id}`)).body.data.status).toBe(
      "aborted",
    );
  });
});

describe("contract coverage", () => {
  it("every documented operation was exercised with a 2xx response that matched its schema", () => {
    const ops = Object.entries(contract.doc.paths).flatMap(([path, methods]: [string, any]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const succeeded = new Set(
      [...contract.seen].filter((k) => /\s2\d\d$/.test(k)).map((k) => k.replace(/\s\d+$/, "")),
    );
    expect(ops.filter((op) => !succeeded.has(op))).toEqual([]);
    void digitalProducts;
  });
});
