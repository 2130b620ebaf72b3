import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { downloadEvents, orderLines, orders, webhookEvents } from "~/db/schema";
import type { Db } from "~/db/client.server";
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
import { bytesOf, createEncryptedFile, TEST_FILE_KEY } from "./helpers";

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await startServer({ env: { FILE_ENCRYPTION_KEY: TEST_FILE_KEY } });
  db = connectToServerDb(server);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

async function setup(
  maxDownloads: number | null,
  fileName = "Guide.pdf",
  options: { encrypted?: boolean; body?: Buffer; locale?: string } = {},
) {
  const shop = await createShop(db);
  const body = options.body ?? Buffer.from(`%PDF-1.7\n${"x".repeat(2048)}`);
  const file = options.encrypted
    ? await createEncryptedFile(db, shop, { dataDir: server.dataDir, name: fileName, body })
    : await createStoredFile(db, shop, { dataDir: server.dataDir, name: fileName, body });
  const product = await createDigitalProduct(db, shop, { name: "Guide", maxDownloads }, [file]);
  const customer = await createCustomer(db, shop);
  const { order, lines } = await createOrder(db, shop, {
    customer,
    products: [product],
    overrides: options.locale ? { locale: options.locale } : {},
  });
  const url = `${server.url}/d/${order.accessToken}/${lines[0]!.id}/${file.id}`;
  return { shop, file, order, line: lines[0]!, body, url };
}

async function lineCount(lineId: string) {
  const [row] = await db.select().from(orderLines).where(eq(orderLines.id, lineId));
  return row!.downloadCount;
}
async function eventsOf(lineId: string) {
  return db
    .select()
    .from(downloadEvents)
    .where(eq(downloadEvents.orderLineId, lineId))
    .orderBy(downloadEvents.createdAt);
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
    expect(html).toContain('aria-label="Download Guide.pdf"');
  });

  it("speaks the order's language, else the browser's", async () => {
    const { order } = await setup(5, "Guide.pdf", { locale: "de-DE" });
    const html = await fetch(`${server.url}/d/${order.accessToken}`).then((r) => r.text());
    expect(html).toContain("Deine Downloads");
    expect(html).toContain("Noch 5 von 5 Downloads");
    expect(html).toContain('lang="de"');
    const other = await setup(null);
    const fr = await fetch(`${server.url}/d/${other.order.accessToken}`, {
      headers: { "accept-language": "fr-CA,fr;q=0.9" },
    }).then((r) => r.text());
    // The factory's orders have no locale: the browser decides.
    expect(fr).toContain("Vos téléchargements");
    expect(fr).toContain("Téléchargements illimités");
  });

  it("404s an unknown or malformed token", async () => {
    expect((await fetch(`${server.url}/d/${"a".repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/d/short`)).status).toBe(404);
  });
});

describe("file downloads /d/<token>/<line>/<file>", () => {
  it("streams the file with its real name, counts it, records the event and the outbox event", async () => {
    const { url, body, line, file, shop } = await setup(5, "Übung – café.pdf");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await bytesOf(res)).equals(body)).toBe(true);
    expect(res.headers.get("content-disposition")).toContain(
      "filename*=UTF-8''%C3%9Cbung%20%E2%80%93%20caf%C3%A9.pdf",
    );
    expect(res.headers.get("cache-control")).toBe("private, no-store, no-transform");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("etag")).toBe(`"${file.checksumSha256}"`);
    expect(res.headers.get("content-length")).toBe(String(body.length));
    expect(await lineCount(line.id)).toBe(1);
    expect(await eventsOf(line.id)).toEqual([
      expect.objectContaining({
        fileId: file.id,
        isRedownload: false,
        counted: true,
        billable: true,
        bytesSent: body.length,
      }),
    ]);
    await fetch(url).then((r) => r.arrayBuffer());
    expect((await eventsOf(line.id)).filter((e) => e.isRedownload)).toHaveLength(1);
    const outbox = await db
      .select({ type: webhookEvents.type })
      .from(webhookEvents)
      .where(eq(webhookEvents.shopId, shop.id));
    expect(outbox.map((e) => e.type).sort()).toEqual(["file.downloaded", "file.redownloaded"]);
  });

  it("answers Range requests: closed, open-ended, suffix, multi-range, past the end, If-Range", async () => {
    const body = randomBytes(10_000);
    const { url, file } = await setup(null, "data.bin", { body });
    const get = (headers: Record<string, string>) => fetch(url, { headers });

    let res = await get({ range: "bytes=0-99" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 0-99/${body.length}`);
    expect(res.headers.get("content-length")).toBe("100");
    expect((await bytesOf(res)).equals(body.subarray(0, 100))).toBe(true);

    res = await get({ range: "bytes=9000-" });
    expect(res.status).toBe(206);
    expect((await bytesOf(res)).equals(body.subarray(9000))).toBe(true);

    res = await get({ range: "bytes=-500" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 9500-9999/${body.length}`);
    expect((await bytesOf(res)).equals(body.subarray(9500))).toBe(true);

    res = await get({ range: "bytes=0-9,100-109" });
    expect(res.status).toBe(200);
    expect((await bytesOf(res)).equals(body)).toBe(true);

    res = await get({ range: "bytes=20000-" });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${body.length}`);
    expect((await bytesOf(res)).length).toBe(0);

    res = await get({ range: "bytes=100-", "if-range": '"stale-etag"' });
    expect(res.status).toBe(200);
    expect((await bytesOf(res)).equals(body)).toBe(true);

    res = await get({ range: "bytes=100-199", "if-range": `"${file.checksumSha256}"` });
    expect(res.status).toBe(206);
    expect((await bytesOf(res)).equals(body.subarray(100, 200))).toBe(true);
  });

  it("answers HEAD with the headers only, and records nothing", async () => {
    const { url, line, body } = await setup(2);
    const res = await fetch(url, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(body.length));
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("etag")).toBeTruthy();
    expect((await bytesOf(res)).length).toBe(0);
    expect(await lineCount(line.id)).toBe(0);
    expect(await eventsOf(line.id)).toEqual([]);
  });

  it("keeps hostile filenames out of the headers and off the shopper's path", async () => {
    const { url } = await setup(null, 'evil"\r\nSet-Cookie: a=b/../../x.pdf');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="evil\\"Set-Cookie: a=b_.._.._x.pdf"/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    await res.arrayBuffer();
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
    expect(await lineCount(line.id)).toBe(3);
    expect((await eventsOf(line.id)).filter((e) => e.billable)).toHaveLength(3);
  });

  it("does not count a resumed range request twice, even at the limit", async () => {
    const body = randomBytes(50_000);
    const { url, line } = await setup(1, "video.mp4", { body });
    const first = await fetch(url, { headers: { range: "bytes=0-19999" } });
    expect(first.status).toBe(206);
    await first.arrayBuffer();
    expect(await lineCount(line.id)).toBe(1);

    // The connection dropped; the browser resumes from byte 20000.
    const resumed = await fetch(url, { headers: { range: "bytes=20000-" } });
    expect(resumed.status).toBe(206);
    expect((await bytesOf(resumed)).equals(body.subarray(20_000))).toBe(true);
    expect(await lineCount(line.id)).toBe(1);

    // A fresh full download is a new download: refused at the limit.
    expect((await fetch(url)).status).toBe(403);

    const events = await eventsOf(line.id);
    expect(events).toEqual([
      expect.objectContaining({
        counted: true,
        billable: true,
        rangeStart: null,
        bytesSent: 20_000,
      }),
      expect.objectContaining({
        isRedownload: true,
        counted: false,
        billable: false,
        rangeStart: 20_000,
        bytesSent: 30_000,
      }),
    ]);
    const outbox = await db
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.shopId, line.shopId)));
    expect(outbox).toHaveLength(1);
  });

  it("records the bytes actually sent when the client goes away", async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const { url, line } = await setup(null, "big.bin", { body });
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => {});
    let event;
    for (let i = 0; i < 50; i++) {
      [event] = await eventsOf(line.id);
      if (event && event.bytesSent < body.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(event!.bytesSent).toBeLessThan(body.length);
    expect(event!.bytesSent).toBeGreaterThan(0);
  });

  it("serves files encrypted at rest, whole and by range", async () => {
    const body = randomBytes(200_000);
    const { url } = await setup(null, "secret.zip", { encrypted: true, body });
    expect((await bytesOf(await fetch(url))).equals(body)).toBe(true);
    const res = await fetch(url, { headers: { range: "bytes=65530-131080" } });
    expect(res.status).toBe(206);
    expect((await bytesOf(res)).equals(body.subarray(65_530, 131_081))).toBe(true);
    const onDisk = await import("node:fs/promises").then((fs) =>
      fs.readdir(`${server.dataDir}/files`, { recursive: true }),
    );
    expect(onDisk.length).toBeGreaterThan(0);
  });

  it("refuses disabled (403), revoked (403) and expired (410) lines", async () => {
    const disabled = await setup(null);
    await db.update(orders).set({ dlAccess: "disabled" }).where(eq(orders.id, disabled.order.id));
    expect((await fetch(disabled.url)).status).toBe(403);
    const page = await fetch(`${server.url}/d/${disabled.order.accessToken}`).then((r) => r.text());
    expect(page).toContain("Downloads for this order are turned off");

    const revoked = await setup(null);
    await db
      .update(orderLines)
      .set({ accessStatus: "revoked" })
      .where(eq(orderLines.id, revoked.line.id));
    const res = await fetch(revoked.url, { headers: { "accept-language": "es" } });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("Este artículo ya no se puede descargar.");

    const expired = await setup(null);
    await db
      .update(orderLines)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(orderLines.id, expired.line.id));
    expect((await fetch(expired.url)).status).toBe(410);
    // A resume does not reopen an expired line either.
    expect((await fetch(expired.url, { headers: { range: "bytes=10-" } })).status).toBe(410);
  });

  it("serves nothing of an order not delivered yet (unpaid or held), even with its token", async () => {
    const held = await setup(null);
    await db.update(orders).set({ deliveryStatus: "held" }).where(eq(orders.id, held.order.id));
    await db.update(orderLines).set({ deliveredAt: null }).where(eq(orderLines.id, held.line.id));
    expect((await fetch(held.url)).status).toBe(403);
    expect((await fetch(held.url, { headers: { range: "bytes=10-" } })).status).toBe(403);
    const page = await fetch(`${server.url}/d/${held.order.accessToken}`).then((r) => r.text());
    expect(page).toContain("Your order is being processed");
    expect(page).not.toContain(`/${held.file.id}`);
  });

  it("does not serve another shop's file through this order", async () => {
    const a = await setup(null);
    const b = await setup(null);
    const crossed = `${server.url}/d/${a.order.accessToken}/${a.line.id}/${b.file.id}`;
    expect((await fetch(crossed)).status).toBe(404);
  });
});
