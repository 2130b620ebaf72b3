/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { orderLines, orders, type Shop } from "~/db/schema";
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
import { startSmtpSink, type SmtpSink } from "../../helpers/smtp-sink";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

/**
 * Order access from an integration: revoke/restore (`/access`), grant extra downloads,
 * extend expiry, resend the email. Each is proven by what a shopper's download does next,
 * or by the row in the database; each refuses other shops' ids and bad input.
 */

let server: TestServer;
let smtp: SmtpSink;
let db: Db;
let contract: Contract;
let shop: Shop;
let api: ReturnType<typeof contractApi>;

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startServer({ smtp, env: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
  shop = await createShop(db, { name: "Access Shop" });
  api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
});

async function orderFixture(
  target: Shop = shop,
  terms: { maxDownloads?: number | null; downloadIn?: number | null } = {},
) {
  const file = await createStoredFile(db, target, { dataDir: server.dataDir, name: "Book.pdf" });
  const product = await createDigitalProduct(
    db,
    target,
    { name: "Book", maxDownloads: 1, ...terms },
    [file],
  );
  const other = await createDigitalProduct(db, target, { name: "Extra", maxDownloads: 2 }, [file]);
  const customer = await createCustomer(db, target);
  const { order, lines } = await createOrder(db, target, { customer, products: [product, other] });
  return { file, order, line: lines[0]!, second: lines[1]! };
}

/** A shopper's download of the line's file: what access changes are for. */
function download(token: string, lineId: string, fileId: string) {
  return fetch(`${server.url}/d/${token}/${lineId}/${fileId}`, { redirect: "manual" });
}

async function lineRow(id: string) {
  const [row] = await db.select().from(orderLines).where(eq(orderLines.id, id));
  return row!;
}

describe("revoke and restore", () => {
  it("disables and re-enables the shopper's downloads", async () => {
    const { order, line, file } = await orderFixture(shop, { maxDownloads: null });
    const off = await api("POST", `/orders/${order.id}/access`, { json: { access: "disabled" } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.data.dl_access).toBe("disabled");
    expect((await download(order.accessToken, line.id, file.id)).status).not.toBe(200);
    const on = await api("POST", `/orders/${order.id}/access`, { json: { access: "enabled" } });
    expect(on.body.data.dl_access).toBe("enabled");
    expect((await download(order.accessToken, line.id, file.id)).status).toBe(200);
    expectError(
      await api("POST", `/orders/${order.id}/access`, { json: { access: "revoked" } }),
      400,
      "validation_failed",
      "access",
    );
  });
});

describe("grant extra downloads", () => {
  it("raises the limit of one line so a used-up download works again", async () => {
    const { order, line, second, file } = await orderFixture();
    expect((await download(order.accessToken, line.id, file.id)).status).toBe(200);
    expect((await download(order.accessToken, line.id, file.id)).status).not.toBe(200);

    const res = await api("POST", `/orders/${order.id}/grant-downloads`, {
      json: { downloads: 2, line_id: line.id },
    });
    expect(res.status, res.text).toBe(200);
    const [one, two] = res.body.data.lines;
    expect(one).toMatchObject({ id: line.id, max_downloads: 1, extra_downloads: 2 });
    expect(two).toMatchObject({ id: second.id, extra_downloads: 0 });
    expect(await lineRow(line.id)).toMatchObject({ extraDownloads: 2, downloadCount: 1 });

    expect((await download(order.accessToken, line.id, file.id)).status).toBe(200);
    expect((await download(order.accessToken, line.id, file.id)).status).toBe(200);
    expect((await download(order.accessToken, line.id, file.id)).status).not.toBe(200);
    expect(await lineRow(line.id)).toMatchObject({ downloadCount: 3 });
  });

  it("without line_id adds to every line; grants add up", async () => {
    const { order, line, second } = await orderFixture();
    await api("POST", `/orders/${order.id}/grant-downloads`, { json: { downloads: 1 } });
    const res = await api("POST", `/orders/${order.id}/grant-downloads`, {
      json: { downloads: 1000 },
    });
    expect(res.status, res.text).toBe(200);
    expect((await lineRow(line.id)).extraDownloads).toBe(1001);
    expect((await lineRow(second.id)).extraDownloads).toBe(1001);
  });

  it("refuses bad counts, unknown lines and orders", async () => {
    const { order, line } = await orderFixture();
    const grant = (json: unknown, id = order.id) =>
      api("POST", `/orders/${id}/grant-downloads`, { json });
    for (const downloads of [0, -1, 1001, 2.5, "3", null]) {
      expectError(await grant({ downloads }), 400, "validation_failed", "downloads");
    }
    expectError(await grant({}), 400, "validation_failed", "downloads");
    expectError(
      await grant({ downloads: 1, shop_id: shop.id }),
      400,
      "validation_failed",
      "shop_id",
    );
    expectError(await grant({ downloads: 1, line_id: "line_nope" }), 404, "not_found", "line_id");
    expectError(await grant({ downloads: 1 }, "ord_nope"), 404, "not_found", "id");
    expect(await lineRow(line.id)).toMatchObject({ extraDownloads: 0 });
  });
});

describe("extend expiry", () => {
  it("days: from the current expiry, from now when expired; never-expiring lines stay so", async () => {
    const { order, line, second, file } = await orderFixture(shop, { maxDownloads: null });
    const expired = new Date(Date.now() - 86_400_000);
    const future = new Date(Date.now() + 5 * 86_400_000);
    await db.update(orderLines).set({ expiresAt: expired }).where(eq(orderLines.id, line.id));
    await db.update(orderLines).set({ expiresAt: future }).where(eq(orderLines.id, second.id));
    expect((await download(order.accessToken, line.id, file.id)).status).not.toBe(200);

    const before = Date.now();
    const res = await api("POST", `/orders/${order.id}/extend-expiry`, { json: { days: 10 } });
    expect(res.status, res.text).toBe(200);
    const one = (await lineRow(line.id)).expiresAt!.getTime();
    expect(one).toBeGreaterThanOrEqual(before + 10 * 86_400_000 - 1000);
    expect(one).toBeLessThanOrEqual(Date.now() + 10 * 86_400_000 + 1000);
    expect((await lineRow(second.id)).expiresAt!.getTime()).toBe(
      future.getTime() + 10 * 86_400_000,
    );
    expect(res.body.data.lines[1].expires_at).toBe(
      new Date(future.getTime() + 10 * 86_400_000).toISOString(),
    );
    expect((await download(order.accessToken, line.id, file.id)).status).toBe(200);

    const { order: open, line: openLine } = await orderFixture(shop, { maxDownloads: null });
    await api("POST", `/orders/${open.id}/extend-expiry`, { json: { days: 3 } });
    expect((await lineRow(openLine.id)).expiresAt).toBeNull();
  });

  it("expires_at: sets a date on one line, or null for no expiry", async () => {
    const { order, line, second } = await orderFixture();
    const date = new Date(Date.now() + 40 * 86_400_000);
    date.setUTCMilliseconds(0);
    const res = await api("POST", `/orders/${order.id}/extend-expiry`, {
      json: { expires_at: date.toISOString(), line_id: line.id },
    });
    expect(res.status, res.text).toBe(200);
    expect((await lineRow(line.id)).expiresAt!.toISOString()).toBe(date.toISOString());
    expect((await lineRow(second.id)).expiresAt).toBeNull();
    const cleared = await api("POST", `/orders/${order.id}/extend-expiry`, {
      json: { expires_at: null },
    });
    expect(cleared.body.data.lines.map((l: any) => l.expires_at)).toEqual([null, null]);
  });

  it("refuses past dates, both or neither, bad days, unknown ids", async () => {
    const { order } = await orderFixture();
    const extend = (json: unknown, id = order.id) =>
      api("POST", `/orders/${id}/extend-expiry`, { json });
    expectError(
      await extend({ expires_at: new Date(Date.now() - 60_000).toISOString() }),
      400,
      "validation_failed",
      "expires_at",
    );
    expectError(
      await extend({ expires_at: "next tuesday" }),
      400,
      "validation_failed",
      "expires_at",
    );
    expectError(await extend({}), 400, "validation_failed");
    expectError(
      await extend({ days: 1, expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
      400,
      "validation_failed",
    );
    for (const days of [0, 3651, 1.5]) {
      expectError(await extend({ days }), 400, "validation_failed", "days");
    }
    expectError(await extend({ days: 1, line_id: "line_nope" }), 404, "not_found", "line_id");
    expectError(await extend({ days: 1 }, "ord_nope"), 404, "not_found", "id");
  });
});

describe("resend the delivery email", () => {
  it("arrives at the sink with the download URL", async () => {
    const { order } = await orderFixture();
    const res = await api("POST", `/orders/${order.id}/resend-email`, {
      json: { customer_email: "moved@example.com" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ to: "moved@example.com", status: "queued" });
    const mail = await smtp.waitForMessage((m) => m.subject?.includes(order.name) ?? false, 20_000);
    expect(mail.text).toContain(`${server.url}/d/${order.accessToken}`);
    const [row] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.email).toBe("moved@example.com");
  });
});

describe("platform rules on every access write", () => {
  it("requires an Idempotency-Key when the shop says so, and replays with one", async () => {
    const strict = await createShop(db, { requireIdempotencyKey: true });
    const strictApi = contractApi(contract, server.url, (await createApiToken(db, strict)).token);
    const { order, line } = await orderFixture(strict);
    const writes: Array<[string, unknown]> = [
      ["access", { access: "disabled" }],
      ["grant-downloads", { downloads: 1 }],
      ["extend-expiry", { days: 1 }],
      ["reset-downloads", {}],
      ["resend-email", {}],
    ];
    for (const [path, json] of writes) {
      expectError(
        await strictApi("POST", `/orders/${order.id}/${path}`, { json }),
        400,
        "idempotency_key_required",
        "Idempotency-Key",
      );
    }
    expect(await lineRow(line.id)).toMatchObject({ extraDownloads: 0 });
    const headers = { "Idempotency-Key": `grant-${order.id}` };
    const first = await strictApi("POST", `/orders/${order.id}/grant-downloads`, {
      json: { downloads: 4 },
      headers,
    });
    const replay = await strictApi("POST", `/orders/${order.id}/grant-downloads`, {
      json: { downloads: 4 },
      headers,
    });
    expect(first.status, first.text).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await lineRow(line.id)).toMatchObject({ extraDownloads: 4 });
  });

  it("shop B gets 404 for every one of shop A's order and line ids", async () => {
    const { order, line } = await orderFixture();
    const shopB = await createShop(db);
    const apiB = contractApi(contract, server.url, (await createApiToken(db, shopB)).token);
    const own = await orderFixture(shopB);
    const writes: Array<[string, unknown]> = [
      ["access", { access: "disabled" }],
      ["grant-downloads", { downloads: 5 }],
      ["grant-downloads", { downloads: 5, line_id: line.id }],
      ["extend-expiry", { days: 5 }],
      ["extend-expiry", { expires_at: null, line_id: line.id }],
      ["reset-downloads", { line_id: line.id }],
      ["resend-email", {}],
    ];
    for (const [path, json] of writes) {
      expectError(await apiB("POST", `/orders/${order.id}/${path}`, { json }), 404, "not_found");
    }
    // A's line under B's own order is not B's line either.
    expectError(
      await apiB("POST", `/orders/${own.order.id}/grant-downloads`, {
        json: { downloads: 5, line_id: line.id },
      }),
      404,
      "not_found",
      "line_id",
    );
    expect(await lineRow(line.id)).toMatchObject({ extraDownloads: 0 });
    const [row] = await db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.dlAccess).toBe("enabled");
    const list = await apiB("GET", "/orders?limit=100");
    expect(list.body.data.map((o: any) => o.id)).toEqual([own.order.id]);
  });
});
