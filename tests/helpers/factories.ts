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
  licenseKeys,
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
      productGid: `gid://shopify/Product/${Date.now()}${counter++}`,
      ...overrides,
    })
    .returning();
  if (attach.length > 0) {
    await db.insert(digitalProductFiles).values(
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

/** A pool of `count` available keys under `tag`, with readable unique values. */
export async function createLicenseKeys(
  db: Db,
  shop: Shop,
  tag: string,
  count: number,
  prefix = tag.toUpperCase(),
) {
  const batch = unique();
  return db
    .insert(licenseKeys)
    .values(
      Array.from({ length: count }, (_, i) => ({
        shopId: shop.id,
        tag,
        key: `${prefix}-${batch}-${String(i).padStart(4, "0")}`,
      })),
    )
    .returning();
}

/** A Shopify REST order payload (the shape orders/* webhooks carry) for the given products. */
export function shopifyOrderPayload(
  products: Array<{ productGid: string | null; quantity?: number; price?: string }>,
  overrides: Record<string, unknown> = {},
) {
  const orderId = Number(`${Date.now()}${counter++}`.slice(-15));
  return {
    id: orderId,
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    name: `#${2000 + counter}`,
    email: "jane@example.com",
    created_at: new Date().toISOString(),
    processed_at: new Date().toISOString(),
    currency: "USD",
    financial_status: "paid",
    fulfillment_status: null,
    cancelled_at: null,
    token: `tok${orderId}abcdef0123456789`,
    customer_locale: "en",
    total_price: "19.00",
    customer: {
      id: 9_000_000 + counter,
      email: "jane@example.com",
      first_name: "Jane",
      last_name: "Smith",
    },
    line_items: products.map((p, i) => ({
      id: orderId * 10 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + i}`,
      product_id: p.productGid ? Number(p.productGid.split("/").pop()) : null,
      variant_id: 40_000_000 + i,
      title: `Item ${i}`,
      quantity: p.quantity ?? 1,
      price: p.price ?? "19.00",
      sku: null,
      variant_title: null,
    })),
    ...overrides,
  };
}
