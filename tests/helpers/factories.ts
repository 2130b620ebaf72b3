/**
 * Test data factories: each inserts one believable row (overridable) and returns it.
 * They write straight to the database a test server uses, the way Shopify's install and
 * our own intake would have, so tests start from a known state without going through
 * features under test. File bytes go to the server's DATA_DIR/files like the local driver.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { createDb, closeDb, type Db } from "~/db/client.server";
import {
  customers,
  digitalProductFiles,
  digitalProducts,
  files,
  orderLines,
  orders,
  sessions,
  shops,
  type Customer,
  type DigitalProduct,
  type FileRow as File,
  type Order,
  type OrderLine,
  type Shop,
} from "~/db/schema";

import type { NewShop } from "~/db/schema";

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A Drizzle connection to a test server's database (Postgres URL or PGlite dir). */
export function connectToServerDb(server: { databaseUrl?: string; dataDir: string }): Db {
  return server.databaseUrl
    ? createDb({ databaseUrl: server.databaseUrl, poolMax: 3 })
    : createDb({ dataDir: join(server.dataDir, "pglite") });
}
export { closeDb };

export async function createShop(db: Db, overrides: Partial<NewShop> = {}): Promise<Shop> {
  const name = `test-shop-${unique()}`;
  const [shop] = await db
    .insert(shops)
    .values({ domain: `${name}.myshopify.com`, name, email: `owner@${name}.example`, ...overrides })
    .returning();
  return shop!;
}

/** The offline session Shopify-managed install leaves behind (token exchange result). */
export async function createOfflineSession(
  db: Db,
  shopDomain: string,
  scope = "read_orders,write_orders",
) {
  await db.insert(sessions).values({
    id: `offline_${shopDomain}`,
    shop: shopDomain,
    state: "",
    isOnline: false,
    scope,
    accessToken: `shpat_test_${unique()}`,
  });
}

export async function createStoredFile(
  db: Db,
  shop: Shop,
  {
    dataDir,
    name = "guide.pdf",
    contentType = "application/pdf",
    body = Buffer.from("%PDF-1.7 test"),
  }: {
    dataDir: string;
    name?: string;
    contentType?: string;
    body?: Buffer;
  },
): Promise<File> {
  const [row] = await db
    .insert(files)
    .values({
      shopId: shop.id,
      name,
      contentType,
      storageKey: `pending-${unique()}`,
      source: "seed",
    })
    .returning();
  const key = `${shop.id}/${row!.id}`;
  await mkdir(join(dataDir, "files", shop.id), { recursive: true });
  await writeFile(join(dataDir, "files", key), body);
  const [stored] = await db
    .update(files)
    .set({
      storageKey: key,
      size: body.length,
      checksumSha256: createHash("sha256").update(body).digest("hex"),
      uploaded: true,
    })
    .where(eq(files.id, row!.id))
    .returning();
  return stored!;
}

export async function createDigitalProduct(
  db: Db,
  shop: Shop,
  overrides: Partial<typeof digitalProducts.$inferInsert> = {},
  attach: File[] = [],
): Promise<DigitalProduct> {
  const [product] = await db
    .insert(digitalProducts)
    .values({
      shopId: shop.id,
      name: `Product ${unique()}`,
      productGid: `gid://shopify/Product/${Date.now()}`,
      ...overrides,
    })
    .returning();
  if (attach.length > 0) {
    await db
      .insert(digitalProductFiles)
      .values(
        attach.map((f, position) => ({
          shopId: shop.id,
          digitalProductId: product!.id,
          fileId: f.id,
          position,
        })),
      );
  }
  return product!;
}

export async function createCustomer(
  db: Db,
  shop: Shop,
  overrides: Partial<typeof customers.$inferInsert> = {},
): Promise<Customer> {
  const id = unique();
  const [customer] = await db
    .insert(customers)
    .values({
      shopId: shop.id,
      gid: `gid://shopify/Customer/${Date.now()}${counter}`,
      email: `buyer-${id}@example.com`,
      firstName: "Jane",
      lastName: "Buyer",
      locale: "en",
      ...overrides,
    })
    .returning();
  return customer!;
}

/** A delivered order with one line per product, snapshotting each product's terms. */
export async function createOrder(
  db: Db,
  shop: Shop,
  {
    customer,
    products,
    overrides = {},
  }: {
    customer?: Customer;
    products: DigitalProduct[];
    overrides?: Partial<typeof orders.$inferInsert>;
  },
): Promise<{ order: Order; lines: OrderLine[] }> {
  const n = unique();
  const [order] = await db
    .insert(orders)
    .values({
      shopId: shop.id,
      gid: `gid://shopify/Order/${Date.now()}${counter}`,
      name: `#${1000 + counter}`,
      customerId: customer?.id ?? null,
      email: customer?.email ?? `guest-${n}@example.com`,
      currency: "USD",
      financialStatus: "PAID",
      deliveryStatus: "delivered",
      deliveredAt: new Date(),
      ...overrides,
    })
    .returning();
  const lines = await db
    .insert(orderLines)
    .values(
      products.map((p, i) => ({
        shopId: shop.id,
        orderId: order!.id,
        digitalProductId: p.id,
        gid: `gid://shopify/LineItem/${Date.now()}${i}`,
        productGid: p.productGid,
        title: p.name,
        priceCents: 1900,
        deliveringType: p.deliveringType,
        access: p.access,
        maxDownloads: p.maxDownloads,
        downloadIn: p.downloadIn,
        expiresAt: p.downloadIn ? new Date(Date.now() + p.downloadIn * 86_400_000) : null,
        deliveredAt: new Date(),
      })),
    )
    .returning();
  return { order: order!, lines };
}
