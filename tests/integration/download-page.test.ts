import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { downloadEvents, orderLines, orders } from "~/db/schema";
import type { Db } from "~/db/client.server";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../helpers/factories";
import { startServer, type TestServer } from "../helpers/server";

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

async function setup(maxDownloads: number | null, fileName = "Guide.pdf") {
  const shop = await createShop(db);
  const body = Buffer.from(`%PDF-1.7\n${"x".repeat(2048)}`);
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: fileName, body });
  const product = await createDigitalProduct(db, shop, { name: "Guide", maxDownloads }, [file]);
  const customer = await createCustomer(db, shop);
  const { order, lines } = await createOrder(db, shop, { customer, products: [product] });
  const url = `${server.url}/d/${order.accessToken}/${lines[0]!.id}/${file.id}`;
  return { shop, file, order, line: lines[0]!, body, url };
}

describe("shopper download page /d/<token>", () => {
  it("lists the order's files with downloads left", async () => {
    const { order } = await setup(5);
    const res = await fetch(`${server.url}/d/${order.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const html = await res.text();
    expect(html).toContain("Guide.pdf");
    expect(html).toContain("5 of 5 downloads left");
  });

  it("404s an unknown or malformed token", async () => {
    expect((await fetch(`${server.url}/d/${"a".repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/d/short`)).status).toBe(404);
  });

  it("streams the file with its real name, counts it and records the event", async () => {
    const { url, body, line, file } = await setup(5, "Übung – café.pdf");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    expect(res.headers.get("content-disposition")).toContain(
      "filename*=UTF-8''%C3%9Cbung%20%E2%80%93%20caf%C3%A9.pdf",
    );
    const [after] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
    expect(after!.downloadCount).toBe(1);
    const events = await db
      .select()
      .from(downloadEvents)
      .where(eq(downloadEvents.orderLineId, line.id));
    expect(events).toEqual([
      expect.objectContaining({ fileId: file.id, isRedownload: false, counted: true }),
    ]);
    await fetch(url).then((r) => r.arrayBuffer());
    const again = await db
      .select()
      .from(downloadEvents)
      .where(eq(downloadEvents.orderLineId, line.id));
    expect(again.filter((e) => e.isRedownload)).toHaveLength(1);
  });

  it("never exceeds the limit under concurrency: 20 parallel downloads, limit 3 → exactly 3", async () => {
    const { url, line } = await setup(3);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(url).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 403)).toHaveLength(17);
    const [after] = await db.select().from(orderLines).where(eq(orderLines.id, line.id));
    expect(after!.downloadCount).toBe(3);
  });

  it("refuses downloads when the merchant disabled access", async () => {
    const { url, order } = await setup(null);
    await db.update(orders).set({ dlAccess: "disabled" }).where(eq(orders.id, order.id));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    const page = await fetch(`${server.url}/d/${order.accessToken}`).then((r) => r.text());
    expect(page).toContain("Downloads for this order are turned off");
  });

  it("refuses expired lines with 410", async () => {
    const { url, line } = await setup(null);
    await db
      .update(orderLines)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(orderLines.id, line.id));
    expect((await fetch(url)).status).toBe(410);
  });

  it("does not serve another shop's file through this order", async () => {
    const a = await setup(null);
    const b = await setup(null);
    const crossed = `${server.url}/d/${a.order.accessToken}/${a.line.id}/${b.file.id}`;
    expect((await fetch(crossed)).status).toBe(404);
  });
});
