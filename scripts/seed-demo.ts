/**
 * Seeds the demo shop on whatever database the env points at (PGlite by default):
 * a stamped PDF ebook, a software ZIP with a license-key pool, an external-link course,
 * customers, orders and downloads. Idempotent: if the demo shop exists, it only prints.
 * Writes .data/demo.json (demo token, a download page token) for `npm run demo`.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { zipSync, strToU8 } from "fflate";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { closeDb, getDb } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import {
  customers,
  digitalProductFiles,
  digitalProductLinks,
  digitalProducts,
  downloadEvents,
  files,
  licenseKeys,
  orderLines,
  orders,
  sessions,
  shops,
} from "~/db/schema";
import { DEMO_SHOP_DOMAIN, env } from "~/lib/env.server";
import { fileStorageKey, storage, storedFileColumns } from "~/lib/storage/index.server";
import { createApiToken } from "~/services/api-tokens.server";

const demoFile = path.resolve(env().DATA_DIR, "demo.json");

async function makeEbookPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle("Photography Basics");
  pdf.setAuthor("Northwind Studio");
  const serif = await pdf.embedFont(StandardFonts.TimesRoman);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const chapters = [
    "Light and exposure",
    "Aperture and depth of field",
    "Shutter speed and motion",
    "ISO and noise",
    "Composition",
    "Colour and white balance",
    "Editing workflow",
    "Printing and sharing",
  ];
  const cover = pdf.addPage([595, 842]);
  cover.drawRectangle({ x: 0, y: 0, width: 595, height: 842, color: rgb(0.1, 0.37, 0.29) });
  cover.drawText("Photography Basics", {
    x: 60,
    y: 520,
    size: 40,
    font: bold,
    color: rgb(1, 1, 1),
  });
  cover.drawText("A practical field guide", {
    x: 60,
    y: 480,
    size: 20,
    font: serif,
    color: rgb(1, 1, 1),
  });
  cover.drawText("Northwind Studio", { x: 60, y: 80, size: 14, font: bold, color: rgb(1, 1, 1) });
  chapters.forEach((title, i) => {
    const page = pdf.addPage([595, 842]);
    page.drawText(`Chapter ${i + 1}`, {
      x: 60,
      y: 760,
      size: 14,
      font: bold,
      color: rgb(0.1, 0.37, 0.29),
    });
    page.drawText(title, { x: 60, y: 730, size: 26, font: bold });
    const body =
      "Good photographs come from understanding how light reaches the sensor. " +
      "This chapter walks through the idea with exercises you can do with any camera.";
    for (let line = 0; line < 24; line++) {
      page.drawText(body.slice(0, 80), {
        x: 60,
        y: 680 - line * 24,
        size: 12,
        font: serif,
        color: rgb(0.2, 0.2, 0.2),
      });
    }
    page.drawText(`${i + 2}`, { x: 290, y: 40, size: 10, font: serif });
  });
  return pdf.save();
}

function makeSoftwareZip(): Uint8Array {
  const preset = (name: string, exposure: number) =>
    strToU8(
      `<?xml version="1.0"?>\n<preset name="${name}" exposure="${exposure}" contrast="12" />\n`,
    );
  return zipSync({
    "Lumen Presets/README.txt": strToU8(
      "Lumen Presets 2.4\n\nActivate with the license key from your order email.\n",
    ),
    "Lumen Presets/presets/golden-hour.xmp": preset("Golden hour", 0.3),
    "Lumen Presets/presets/blue-hour.xmp": preset("Blue hour", -0.2),
    "Lumen Presets/presets/film-grain.xmp": preset("Film grain", 0.1),
  });
}

async function storeFile(shopId: string, name: string, contentType: string, bytes: Uint8Array) {
  const [row] = await getDb()
    .insert(files)
    .values({ shopId, name, contentType, storageKey: `pending-${name}`, source: "seed" })
    .returning();
  const key = fileStorageKey(shopId, row!.id);
  const store = storage();
  const stored = await store.put(key, Readable.from([Buffer.from(bytes)]), {
    encrypt: store.encryptsByDefault,
  });
  await getDb()
    .update(files)
    .set({ storageKey: key, ...storedFileColumns(stored, store), uploaded: true })
    .where(eq(files.id, row!.id));
  return { ...row!, size: stored.size };
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

async function seed() {
  const db = getDb();
  const [shop] = await db
    .insert(shops)
    .values({
      domain: DEMO_SHOP_DOMAIN,
      name: "Northwind Studio",
      email: "hello@northwind.example",
      currency: "USD",
      plan: "premium",
      brandColor: "#1a5f4a",
      emailSenderName: "Northwind Studio",
      emailReplyTo: "support@northwind.example",
    })
    .returning();
  const shopId = shop!.id;

  // The offline session Shopify would have stored at install: with it, a signed session
  // token opens the admin with no token exchange (and no network).
  await db
    .insert(sessions)
    .values({
      id: `offline_${DEMO_SHOP_DOMAIN}`,
      shop: DEMO_SHOP_DOMAIN,
      state: "",
      isOnline: false,
      scope: env().SCOPES,
      accessToken: "demo-offline-access-token",
    })
    .onConflictDoNothing();

  const ebookFile = await storeFile(
    shopId,
    "Photography Basics.pdf",
    "application/pdf",
    await makeEbookPdf(),
  );
  const zipFile = await storeFile(
    shopId,
    "Lumen Presets 2.4.zip",
    "application/zip",
    makeSoftwareZip(),
  );

  const [ebook, software, course] = await db
    .insert(digitalProducts)
    .values([
      {
        shopId,
        name: "Photography Basics (ebook)",
        productGid: "gid://shopify/Product/9000000001",
        access: "FILE",
        maxDownloads: 5,
        downloadIn: 30,
        stampingEnabled: true,
        stampingTemplate:
          "Licensed to {{customer_name}} ({{customer_email}}) — order {{order_name}}",
        createdAt: daysAgo(40),
      },
      {
        shopId,
        name: "Lumen Presets 2.4",
        productGid: "gid://shopify/Product/9000000002",
        access: "FILE_WITH_LICENCE_KEY",
        licenseKeyTag: "lumen-presets",
        maxDownloads: 10,
        lowStockThreshold: 5,
        createdAt: daysAgo(35),
      },
      {
        shopId,
        name: "Night Photography Masterclass (video course)",
        productGid: "gid://shopify/Product/9000000003",
        access: "FILE",
        createdAt: daysAgo(30),
      },
    ])
    .returning();
  await db.insert(digitalProductFiles).values([
    { shopId, digitalProductId: ebook!.id, fileId: ebookFile.id },
    { shopId, digitalProductId: software!.id, fileId: zipFile.id },
  ]);
  await db.insert(digitalProductLinks).values({
    shopId,
    digitalProductId: course!.id,
    title: "Watch the course",
    url: "https://learn.northwind.example/night-photography",
  });

  // Deterministic but realistic-looking keys, so re-seeding gives the same pool.
  const keyValues = Array.from({ length: 25 }, (_, i) => {
    const hex = createHash("sha256").update(`lumen-presets-${i}`).digest("hex").toUpperCase();
    return `LUMEN-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}`;
  });
  const keys = await db
    .insert(licenseKeys)
    .values(
      keyValues.map((key) => ({
        shopId,
        tag: "lumen-presets",
        key,
        digitalProductId: software!.id,
      })),
    )
    .returning();

  const people = await db
    .insert(customers)
    .values([
      {
        shopId,
        gid: "gid://shopify/Customer/7000000001",
        email: "jane@example.com",
        firstName: "Jane",
        lastName: "Smith",
        locale: "en",
      },
      {
        shopId,
        gid: "gid://shopify/Customer/7000000002",
        email: "lukas@example.de",
        firstName: "Lukas",
        lastName: "Müller",
        locale: "de",
      },
      {
        shopId,
        gid: "gid://shopify/Customer/7000000003",
        email: "camille@example.fr",
        firstName: "Camille",
        lastName: "Dubois",
        locale: "fr",
      },
    ])
    .returning();

  const plan = [
    { customer: 0, name: "#1001", ago: 12, products: [ebook!, software!] },
    { customer: 1, name: "#1002", ago: 6, products: [software!] },
    { customer: 2, name: "#1003", ago: 2, products: [ebook!, course!] },
  ];
  let keyIndex = 0;
  let firstToken = "";
  for (const [i, entry] of plan.entries()) {
    const person = people[entry.customer]!;
    const createdAt = daysAgo(entry.ago);
    const total = entry.products.reduce((sum, p) => sum + (p.id === software!.id ? 4900 : 1900), 0);
    const [order] = await db
      .insert(orders)
      .values({
        shopId,
        gid: `gid://shopify/Order/500000000${i + 1}`,
        legacyId: `500000000${i + 1}`,
        name: entry.name,
        customerId: person.id,
        email: person.email,
        currency: "USD",
        financialStatus: "PAID",
        locale: person.locale,
        source: "seed",
        statusPageToken: `demo${i + 1}status${"0".repeat(24)}`,
        deliveryStatus: "delivered",
        deliveredAt: createdAt,
        totalPriceCents: total,
        processedAt: createdAt,
        createdAt,
      })
      .returning();
    firstToken ||= order!.accessToken;
    for (const [lineNo, product] of entry.products.entries()) {
      const isSoftware = product.id === software!.id;
      const [line] = await db
        .insert(orderLines)
        .values({
          shopId,
          orderId: order!.id,
          digitalProductId: product.id,
          gid: `gid://shopify/LineItem/60000000${i}${lineNo}`,
          productGid: product.productGid,
          title: product.name,
          quantity: 1,
          priceCents: isSoftware ? 4900 : 1900,
          access: product.access,
          maxDownloads: product.maxDownloads,
          downloadIn: product.downloadIn,
          expiresAt: product.downloadIn
            ? new Date(createdAt.getTime() + product.downloadIn * 86_400_000)
            : null,
          stampingEnabled: product.stampingEnabled,
          stampingTemplate: product.stampingTemplate,
          keysNeeded: isSoftware ? 1 : 0,
          keyStatus: isSoftware ? "assigned" : "none",
          downloadCount: product.id === course!.id ? 0 : 1,
          deliveredAt: createdAt,
          createdAt,
        })
        .returning();
      if (isSoftware) {
        const key = keys[keyIndex++]!;
        await db
          .update(licenseKeys)
          .set({
            status: "assigned",
            orderId: order!.id,
            orderLineId: line!.id,
            assignedAt: createdAt,
          })
          .where(eq(licenseKeys.id, key.id));
      }
      if (product.id !== course!.id) {
        const file = isSoftware ? zipFile : ebookFile;
        await db.insert(downloadEvents).values({
          shopId,
          orderId: order!.id,
          orderLineId: line!.id,
          fileId: file.id,
          customerId: person.id,
          isRedownload: false,
          counted: true,
          billable: true,
          bytesSent: file.size,
          createdAt: new Date(createdAt.getTime() + 3_600_000),
        });
      }
    }
  }

  const token = await createApiToken(shopId, { name: "Demo token", createdBy: "seed" });
  return { shopDomain: DEMO_SHOP_DOMAIN, apiToken: token.token, downloadToken: firstToken };
}

async function main() {
  const db = getDb();
  await runMigrations(db);
  const [existing] = await db
    .select({ id: shops.id })
    .from(shops)
    .where(eq(shops.domain, DEMO_SHOP_DOMAIN));
  if (existing) {
    const saved = JSON.parse(await readFile(demoFile, "utf8").catch(() => "{}"));
    console.log(`Demo shop ${DEMO_SHOP_DOMAIN} already seeded; reusing its data.`);
    if (!saved.apiToken) console.warn(`No ${demoFile}: delete ${env().DATA_DIR} to reseed.`);
    return;
  }
  const result = await seed();
  await mkdir(path.dirname(demoFile), { recursive: true });
  await writeFile(demoFile, JSON.stringify(result, null, 2));
  console.log(`Seeded ${DEMO_SHOP_DOMAIN}: 3 products, 25 license keys, 3 customers, 3 orders.`);
}

main()
  .then(() => closeDb())
  .catch(async (error) => {
    console.error(error);
    await closeDb().catch(() => {});
    process.exit(1);
  });
