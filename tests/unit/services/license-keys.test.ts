import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { digitalProducts, emailMessages, orderLines, orders, type Shop } from "~/db/schema";
import { parseCsv } from "~/lib/csv";
import { deliverOrder } from "~/services/deliveries.server";
import {
  createLicenseKeys,
  exportLicenseKeysCsv,
  listLicenseKeyPools,
  previewLicenseKeyImport,
  setLicenseKeyPoolThreshold,
  unassignLicenseKey,
} from "~/services/license-keys.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";
import { createDigitalProduct, createOrder, createShop } from "../../helpers/factories";

// deliveries.server imports the Shopify app object, which reads the env at import time.
vi.hoisted(() => {
  process.env.SHOPIFY_API_KEY ??= "k";
  process.env.SHOPIFY_API_SECRET ??= "s";
  process.env.SHOPIFY_APP_URL ??= "https://app.example.com";
});

let db: Db;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "handoff-keys-"));
  vi.stubEnv("SHOPIFY_API_KEY", "k");
  vi.stubEnv("SHOPIFY_API_SECRET", "s");
  vi.stubEnv("SHOPIFY_APP_URL", "https://app.example.com");
  vi.stubEnv("DATA_DIR", dataDir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});
// The services use the process-wide handle.
withMigratedTestDatabase("handoff_license_keys", (opened) => (db = opened), {
  processWide: true,
});

/** An order waiting for one key of `product`, then delivered (which draws the key). */
async function buyOne(shop: Shop, product: Awaited<ReturnType<typeof createDigitalProduct>>) {
  const { order, lines } = await createOrder(db, shop, {
    products: [product],
    overrides: { deliveryStatus: "pending", deliveredAt: null },
  });
  await db
    .update(orderLines)
    .set({ keysNeeded: 1, deliveredAt: null, keyStatus: "awaiting" })
    .where(eq(orderLines.id, lines[0]!.id));
  const outcome = await deliverOrder(db, shop.id, order.id, new Date(), { sendEmail: false });
  expect(outcome?.status).toBe("delivered");
  return order;
}

async function notices(shop: Shop) {
  return db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.shopId, shop.id), eq(emailMessages.kind, "merchant_notice")));
}

describe("low-stock alert", () => {
  it("notifies again after the pool was refilled above the threshold and fell again", async () => {
    const shop = await createShop(db, { email: "owner@keys.example" });
    const product = await createDigitalProduct(db, shop, {
      name: "Keyed App",
      access: "LICENSE_KEY",
      licenseKeyTag: "app",
      lowStockThreshold: 1,
    });
    await createLicenseKeys(shop.id, { keys: ["A-1", "A-2", "A-3"], tag: "app" });
    await buyOne(shop, product); // 2 left: above 1
    expect(await notices(shop)).toHaveLength(0);
    await buyOne(shop, product); // 1 left: first alert
    expect((await notices(shop)).map((n) => n.subject)).toEqual([
      "License keys running low: Keyed App (1 left)",
    ]);

    // Refill above the threshold: the alert re-arms.
    await createLicenseKeys(shop.id, { keys: ["A-4", "A-5"], tag: "app" });
    const [rearmed] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, product.id));
    expect(rearmed!.lowStockNotifiedAt).toBeNull();

    await buyOne(shop, product); // 2 left
    await buyOne(shop, product); // 1 left: second alert
    expect((await notices(shop)).map((n) => n.subject)).toEqual([
      "License keys running low: Keyed App (1 left)",
      "License keys running low: Keyed App (1 left)",
    ]);
  });

  it("stays quiet when a refill does not lift the pool above the threshold", async () => {
    const shop = await createShop(db, { email: "owner@keys.example" });
    const product = await createDigitalProduct(db, shop, {
      name: "Tight Pool",
      access: "LICENSE_KEY",
      licenseKeyTag: "tight",
      lowStockThreshold: 3,
    });
    await createLicenseKeys(shop.id, { keys: ["T-1", "T-2"], tag: "tight" });
    await buyOne(shop, product); // 1 left: alert
    await createLicenseKeys(shop.id, { keys: ["T-3"], tag: "tight" }); // 2 left, still low
    await buyOne(shop, product);
    expect(await notices(shop)).toHaveLength(1);
  });

  it("re-arms on unassign and on a lower threshold; the threshold is saved per pool", async () => {
    const shop = await createShop(db, { email: "owner@keys.example" });
    const product = await createDigitalProduct(db, shop, {
      name: "Rearm",
      access: "LICENSE_KEY",
      licenseKeyTag: "rearm",
      lowStockThreshold: 1,
    });
    const other = await createDigitalProduct(db, shop, {
      name: "Other",
      access: "LICENSE_KEY",
      licenseKeyTag: "elsewhere",
    });
    await createLicenseKeys(shop.id, { keys: ["R-1", "R-2"], tag: "rearm" });
    const order = await buyOne(shop, product); // 1 left: alert
    const flagged = async () =>
      (await db.select().from(digitalProducts).where(eq(digitalProducts.id, product.id)))[0]!
        .lowStockNotifiedAt;
    expect(await flagged()).toBeInstanceOf(Date);

    const pools = await listLicenseKeyPools(shop.id);
    expect(pools.map((p) => [p.tag, p.available, p.assigned])).toEqual([
      ["elsewhere", 0, 0], // a product's pool with no key yet is listed too
      ["rearm", 1, 1],
    ]);
    expect(pools[1]!.products).toMatchObject([{ name: "Rearm", lowStockThreshold: 1 }]);

    await setLicenseKeyPoolThreshold(shop.id, "rearm", 0); // 1 available > 0
    expect(await flagged()).toBeNull();
    const [saved] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, product.id));
    expect(saved!.lowStockThreshold).toBe(0);
    const [untouched] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, other.id));
    expect(untouched!.lowStockThreshold).toBeNull();

    await db
      .update(digitalProducts)
      .set({ lowStockNotifiedAt: new Date(), lowStockThreshold: 1 })
      .where(eq(digitalProducts.id, product.id));
    const [assigned] = await db
      .select({ id: orders.id })
      .from(orders)
      .where(eq(orders.id, order.id));
    expect(assigned).toBeDefined();
    const keys = await db.query.licenseKeys.findMany({
      where: (k, { and: both, eq: is }) => both(is(k.shopId, shop.id), is(k.status, "assigned")),
    });
    await unassignLicenseKey(shop.id, keys[0]!.id); // 2 available > 1
    expect(await flagged()).toBeNull();

    await expect(setLicenseKeyPoolThreshold(shop.id, "no-such-pool", 2)).rejects.toMatchObject({
      param: "threshold",
    });
    await expect(setLicenseKeyPoolThreshold(shop.id, "rearm", -1)).rejects.toMatchObject({
      param: "threshold",
    });
  });
});

describe("import preview", () => {
  it("counts repeats within the file and values already in the pool, writing nothing", async () => {
    const shop = await createShop(db);
    await createLicenseKeys(shop.id, { keys: ["P-1", "P-2"], tag: "pv" });
    await createLicenseKeys(shop.id, { keys: ["P-3"], tag: "other" });
    const preview = await previewLicenseKeyImport(shop.id, {
      keys: ["P-1", "P-3", "P-4", "P-4", "P-5"],
      tag: "pv",
    });
    expect(preview).toEqual({
      total: 5,
      repeatedInFile: ["P-4"],
      inPool: { count: 1, sample: ["P-1"] },
      newKeys: 3, // P-3 is in another pool only
    });
    const pools = await listLicenseKeyPools(shop.id);
    expect(pools.find((p) => p.tag === "pv")?.available).toBe(2);
  });
});

describe("CSV export", () => {
  it("exports every key of the pool, escaped and guarded against formulas", async () => {
    const shop = await createShop(db);
    const tricky = [
      '=HYPERLINK("http://evil","x")',
      "+1+1",
      "-2",
      "@SUM(A1)",
      "plain, with comma",
      'quote " inside',
      "line\nbreak",
    ];
    const many = Array.from({ length: 2100 }, (_, i) => `BULK-${String(i).padStart(5, "0")}`);
    await createLicenseKeys(shop.id, { keys: [...tricky, ...many], tag: "csv" });
    await createLicenseKeys(shop.id, { keys: ["NOT-IN-POOL"], tag: "elsewhere" });

    let csv = "";
    for await (const chunk of exportLicenseKeysCsv(shop.id, { tag: "csv" })) csv += chunk;
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(["key", "pool", "status", "order", "assigned_at", "created_at"]);
    expect(rows).toHaveLength(1 + tricky.length + many.length); // more than two batches
    const keys = rows.slice(1).map((r) => r[0]);
    expect(keys).not.toContain("NOT-IN-POOL");
    expect(keys).toContain('\'=HYPERLINK("http://evil","x")');
    expect(keys).toContain("'+1+1");
    expect(keys).toContain("'-2");
    expect(keys).toContain("'@SUM(A1)");
    expect(keys).toContain("plain, with comma");
    expect(keys).toContain('quote " inside');
    expect(keys).toContain("line\nbreak");
    expect(new Set(keys).size).toBe(keys.length);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil"",""x"")"');

    let filtered = "";
    for await (const chunk of exportLicenseKeysCsv(shop.id, { tag: "csv", q: "BULK-02000" }))
      filtered += chunk;
    expect(
      parseCsv(filtered)
        .slice(1)
        .map((r) => [r[0], r[1], r[2]]),
    ).toEqual([["BULK-02000", "csv", "available"]]);
  });
});
