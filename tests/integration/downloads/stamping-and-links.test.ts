import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import {
  downloadEvents,
  downloadLinkFiles,
  downloadLinks,
  orderLines,
  webhookEvents,
  type Shop,
} from "~/db/schema";
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
import { pdfPageTexts as pdfText } from "../../helpers/pdf-text";

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

async function samplePdf(pages = 3): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < pages; i++) {
    doc.addPage([595, 842]).drawText(`Chapter ${i + 1}`, { x: 72, y: 760, size: 18, font });
  }
  return Buffer.from(await doc.save());
}

async function stampedOrder(body: Buffer, options: { encrypted?: boolean } = {}) {
  const shop = await createShop(db);
  const file = options.encrypted
    ? await createEncryptedFile(db, shop, {
        dataDir: server.dataDir,
        name: "Handbook.pdf",
        body,
        contentType: "application/pdf",
      })
    : await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Handbook.pdf", body });
  const product = await createDigitalProduct(
    db,
    shop,
    {
      name: "Handbook",
      stampingEnabled: true,
      stampingOptions: { position: "top", pages: "all", size: 10, opacity: 0.7 },
    },
    [file],
  );
  const customer = await createCustomer(db, shop, {
    firstName: "Zoë",
    lastName: "Łukasiewicz",
    email: "zoe@example.com",
  });
  const { order, lines } = await createOrder(db, shop, { customer, products: [product] });
  await db
    .update(orderLines)
    .set({
      stampingEnabled: true,
      stampingTemplate: "Licensed to {{customer_name}} ({{customer_email}}) order {{order_name}}",
    })
    .where(eq(orderLines.id, lines[0]!.id));
  return {
    shop,
    file,
    order,
    line: lines[0]!,
    url: `${server.url}/d/${order.accessToken}/${lines[0]!.id}/${file.id}`,
  };
}

const stampLogs = (message: string) => server.logs().filter((l) => l.includes(message));

describe("PDF stamping on download", () => {
  it("stamps the customer into every page, caches the copy, and serves ranges of it", async () => {
    const source = await samplePdf(3);
    const { url, order, file, shop, line } = await stampedOrder(source);
    const before = stampLogs('"PDF stamped"').length;

    const first = await fetch(url);
    expect(first.status).toBe(200);
    const stamped = await bytesOf(first);
    const pages = await pdfText(stamped);
    expect(pages).toHaveLength(3);
    for (const page of pages) {
      expect(page).toContain(`Licensed to Zoë Lukasiewicz (zoe@example.com) order ${order.name}`);
    }
    const etag = first.headers.get("etag");
    expect(etag).not.toBe(`"${file.checksumSha256}"`);
    expect(first.headers.get("content-length")).toBe(String(stamped.length));

    // Second download: the cached copy (same bytes, same ETag, no new stamping run).
    const second = await fetch(url);
    expect(second.headers.get("etag")).toBe(etag);
    expect((await bytesOf(second)).equals(stamped)).toBe(true);
    expect(stampLogs('"PDF stamped"').length - before).toBe(1);
    const cache = await readdir(join(server.dataDir, "files", "stamped", shop.id, line.id));
    expect(cache.filter((n) => n.endsWith(".json"))).toEqual([`${file.id}.json`]);

    const part = await fetch(url, { headers: { range: "bytes=0-99", "if-range": etag! } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-99/${stamped.length}`);
    expect((await bytesOf(part)).equals(stamped.subarray(0, 100))).toBe(true);
  });

  it("stamps PDFs stored encrypted, and keeps the stamped copy encrypted too", async () => {
    const { url, shop, line } = await stampedOrder(await samplePdf(1), { encrypted: true });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await pdfText(await bytesOf(res)))[0]).toContain("zoe@example.com");
    const dir = join(server.dataDir, "files", "stamped", shop.id, line.id);
    const copy = (await readdir(dir)).find((n) => !n.endsWith(".json"))!;
    const raw = await import("node:fs/promises").then((fs) => fs.readFile(join(dir, copy)));
    expect(raw.subarray(0, 5).toString()).not.toBe("%PDF-");
  });

  it("serves a broken PDF unstamped, with a warning, instead of failing the shopper", async () => {
    const garbage = Buffer.from("%PDF-1.7 this is not really a pdf");
    const { url, file } = await stampedOrder(garbage);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect((await bytesOf(res)).equals(garbage)).toBe(true);
    expect(res.headers.get("etag")).toBe(`"${file.checksumSha256}"`);
    const warnings = stampLogs("PDF could not be stamped").filter((l) => l.includes(file.id));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, reason: "invalid" });
    // Remembered: the second download does not try again.
    await fetch(url).then((r) => r.arrayBuffer());
    expect(stampLogs("PDF could not be stamped").filter((l) => l.includes(file.id))).toHaveLength(
      1,
    );
  });
});

async function createLink(
  shop: Shop,
  fileIds: string[],
  values: Partial<typeof downloadLinks.$inferInsert> = {},
) {
  const [link] = await db
    .insert(downloadLinks)
    .values({ shopId: shop.id, ...values })
    .returning();
  await db.insert(downloadLinkFiles).values(
    fileIds.map((fileId, position) => ({
      shopId: shop.id,
      downloadLinkId: link!.id,
      fileId,
      position,
    })),
  );
  return link!;
}

describe("download links /l/<token>", () => {
  it("lists the link's files and serves them against the link's own limit", async () => {
    const shop = await createShop(db);
    const a = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "a.zip",
      body: Buffer.from("A".repeat(500)),
    });
    const b = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "b.zip" });
    const link = await createLink(shop, [a.id, b.id], { useDownloadLimit: true, downloadLimit: 2 });

    const page = await fetch(`${server.url}/l/${link.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    const html = await page.text();
    expect(html).toContain("a.zip");
    expect(html).toContain("b.zip");
    expect(html).toContain("2 of 2 downloads left");
    expect(html).toContain(`/l/${link.token}/${a.id}`);

    const url = `${server.url}/l/${link.token}/${a.id}`;
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(url).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 403)).toHaveLength(6);
    const [after] = await db.select().from(downloadLinks).where(eq(downloadLinks.id, link.id));
    expect(after!.downloadCount).toBe(2);
    const events = await db
      .select()
      .from(downloadEvents)
      .where(eq(downloadEvents.downloadLinkId, link.id));
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.fileId === a.id && e.orderLineId === null)).toBe(true);
    const outbox = await db
      .select({ type: webhookEvents.type, payload: webhookEvents.payload })
      .from(webhookEvents)
      .where(eq(webhookEvents.shopId, shop.id));
    expect(outbox.map((e) => e.type).sort()).toEqual(["file.downloaded", "file.redownloaded"]);
    expect(JSON.stringify(outbox[0]!.payload)).toContain(link.id);

    expect(await fetch(`${server.url}/l/${link.token}`).then((r) => r.text())).toContain(
      "You&#x27;ve used all downloads",
    );
  });

  it("refuses expired links (410), unknown tokens and files not on the link (404)", async () => {
    const shop = await createShop(db);
    const a = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "a.zip" });
    const other = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "o.zip" });
    const link = await createLink(shop, [a.id], { expiresAt: new Date(Date.now() - 1000) });
    expect((await fetch(`${server.url}/l/${link.token}/${a.id}`)).status).toBe(410);
    const html = await fetch(`${server.url}/l/${link.token}`).then((r) => r.text());
    expect(html).toContain("The download period has ended");
    expect(html).not.toContain(`/l/${link.token}/${a.id}`);

    const open = await createLink(shop, [a.id]);
    expect((await fetch(`${server.url}/l/${open.token}/${other.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/l/${"x".repeat(43)}/${a.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}/l/${"x".repeat(43)}`)).status).toBe(404);
    const res = await fetch(`${server.url}/l/${open.token}/${a.id}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
  });

  it("stamps PDFs with the link's stamping text", async () => {
    const { shop, file, order } = await stampedOrder(await samplePdf(2));
    const link = await createLink(shop, [file.id], {
      useStamping: true,
      stampingText: "Review copy for {{customer_email}} — {{order_name}}",
      orderId: order.id,
    });
    const res = await fetch(`${server.url}/l/${link.token}/${file.id}`);
    expect(res.status).toBe(200);
    const pages = await pdfText(await bytesOf(res));
    expect(pages[1]).toContain(`Review copy for zoe@example.com — ${order.name}`);
  });
});
