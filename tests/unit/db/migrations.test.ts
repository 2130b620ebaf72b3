import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createDb, dbDriver, pingDb, queryRows, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import {
  customers,
  digitalProductFiles,
  digitalProducts,
  downloadEvents,
  downloadLinkFiles,
  downloadLinks,
  emailMessages,
  files,
  jobs,
  licenseKeys,
  orderLineFiles,
  orderLines,
  orders,
  shops,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
} from "~/db/schema";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";

const SLOW = 90_000; // PGlite's first open runs initdb in WASM (several seconds on 2 cores).
const TABLE_COUNT = 25;
// Every migration drizzle-kit generated, in order: a fresh database applies all of them.
const ALL_MIGRATIONS: string[] = (
  JSON.parse(readFileSync(path.resolve("drizzle/meta/_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  }
).entries.map((e) => e.tag);

async function publicTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** SQLSTATE of a failed query (Drizzle wraps the driver error in `cause`). */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.cause?.code ?? e.code ?? "unknown";
  }
  return undefined;
}

async function insertShop(db: Db, domain: string) {
  const [shop] = await db.insert(shops).values({ domain }).returning();
  return shop!;
}

describe("migrations on PGlite", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "handoff-pglite-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "apply on a fresh data dir, are a no-op the second time and survive a reopen",
    async () => {
      const db = createDb({ dataDir: dir });
      try {
        expect(dbDriver(db)).toBe("pglite");
        const first = await runMigrations(db);
        expect(first.driver).toBe("pglite");
        expect(first.applied).toEqual(ALL_MIGRATIONS);
        expect(first.total).toBe(ALL_MIGRATIONS.length);
        expect(await publicTables(db)).toHaveLength(TABLE_COUNT);

        const second = await runMigrations(db);
        expect(second.applied).toEqual([]);

        // Concurrent calls in one process queue up instead of racing.
        const both = await Promise.all([runMigrations(db), runMigrations(db)]);
        expect(both.map((r) => r.applied)).toEqual([[], []]);

        const ping = await pingDb(db);
        expect(ping.ok).toBe(true);

        // Defaults and generated values come back typed.
        const shop = await insertShop(db, "pglite-shop.myshopify.com");
        expect(shop.id).toMatch(/^shop_[0-9a-z]{26}$/);
        expect(shop.plan).toBe("basic");
        expect(shop.ingestAllowedHosts).toEqual([]);
        expect(shop.emailTemplates).toEqual({});
        expect(shop.createdAt).toBeInstanceOf(Date);
        const [order] = await db
          .insert(orders)
          .values({
            shopId: shop.id,
            name: "#1001",
            currency: "EUR",
            totalPriceCents: 2_000_000_000_000,
          })
          .returning();
        expect(order!.id).toMatch(/^ord_/);
        expect(order!.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(order!.totalPriceCents).toBe(2_000_000_000_000);
        expect(order!.dlAccess).toBe("enabled");
      } finally {
        await closeDb(db);
      }

      const reopened = createDb({ dataDir: dir });
      try {
        expect((await runMigrations(reopened)).applied).toEqual([]);
        const [row] = await reopened.select({ n: count() }).from(shops);
        expect(row!.n).toBe(1);
      } finally {
        await closeDb(reopened);
      }
    },
    SLOW,
  );
});

describe("migrations on PostgreSQL", () => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase("handoff_db_migrations");
    db = createDb({ databaseUrl: testDb.url, poolMax: 4 });
  }, SLOW);

  afterAll(async () => {
    await closeDb(db);
    await testDb?.drop();
  });

  it(
    "apply on a fresh database and are a no-op the second time",
    async () => {
      expect(dbDriver(db)).toBe("postgres");
      const first = await runMigrations(db);
      expect(first.driver).toBe("postgres");
      expect(first.applied).toEqual(ALL_MIGRATIONS);
      expect(await publicTables(db)).toHaveLength(TABLE_COUNT);

      const second = await runMigrations(db);
      expect(second.applied).toEqual([]);
      const [applied] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(applied!.n).toBe(ALL_MIGRATIONS.length);
      expect((await pingDb(db)).ok).toBe(true);
    },
    SLOW,
  );

  it(
    "are safe when several processes migrate the same fresh database at once",
    async () => {
      const fresh = await createTestDatabase("handoff_db_concurrent");
      // Separate pools stand in for separate processes; one has a single connection.
      const pools = [1, 2, 3].map((poolMax) => createDb({ databaseUrl: fresh.url, poolMax }));
      try {
        const results = await Promise.all(pools.map((p) => runMigrations(p)));
        expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, ALL_MIGRATIONS.length]);
        expect(await publicTables(pools[0]!)).toHaveLength(TABLE_COUNT);
      } finally {
        await Promise.all(pools.map((p) => closeDb(p)));
        await fresh.drop();
      }
    },
    SLOW,
  );

  it("round-trips the column types through postgres.js", async () => {
    const [shop] = await db
      .insert(shops)
      .values({ domain: "types.myshopify.com", ingestAllowedHosts: ["cdn.example.com"] })
      .returning();
    expect(shop!.createdAt).toBeInstanceOf(Date);
    expect(shop!.ingestAllowedHosts).toEqual(["cdn.example.com"]);
    const [event] = await db
      .insert(webhookEvents)
      .values({
        shopId: shop!.id,
        type: "file.downloaded",
        payload: { nested: { n: 1 }, list: [1, "a"] },
      })
      .returning();
    const [read] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event!.id));
    expect(read!.payload).toEqual({ nested: { n: 1 }, list: [1, "a"] });
    expect(read!.createdAt.getTime()).toBe(event!.createdAt.getTime());
    const [file] = await db
      .insert(files)
      .values({
        shopId: shop!.id,
        name: "big.iso",
        size: 8 * 1024 ** 4,
        storageKey: "types/big.iso",
      })
      .returning();
    expect(file!.size).toBe(8 * 1024 ** 4);

    // updated_at moves on update() without the caller setting it.
    await new Promise((r) => setTimeout(r, 5));
    const [updated] = await db
      .update(files)
      .set({ uploaded: true })
      .where(eq(files.id, file!.id))
      .returning();
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(file!.updatedAt.getTime());
  });

  it("pingDb reports a closed database instead of throwing", async () => {
    const other = createDb({ databaseUrl: testDb.url, poolMax: 1 });
    expect((await pingDb(other)).ok).toBe(true);
    await closeDb(other);
    const ping = await pingDb(other);
    expect(ping.ok).toBe(false);
    expect(ping.error).toBeTruthy();
  });

  describe("constraints", () => {
    it("one order per Shopify order per shop", async () => {
      const a = await insertShop(db, "orders-a.myshopify.com");
      const b = await insertShop(db, "orders-b.myshopify.com");
      const gid = "gid://shopify/Order/1001";
      await db.insert(orders).values({ shopId: a.id, gid, name: "#1001", currency: "USD" });

      expect(
        await sqlState(
          db.insert(orders).values({ shopId: a.id, gid, name: "#1001", currency: "USD" }),
        ),
      ).toBe("23505");
      // The same Shopify id in another shop is another order.
      await db.insert(orders).values({ shopId: b.id, gid, name: "#1001", currency: "USD" });
      // Orders without a GID (imports) do not collide with each other.
      await db
        .insert(orders)
        .values({ shopId: a.id, name: "#imp-1", currency: "USD", source: "import" });
      await db
        .insert(orders)
        .values({ shopId: a.id, name: "#imp-2", currency: "USD", source: "import" });
      // And the upsert the intake relies on is expressible.
      const upserted = await db
        .insert(orders)
        .values({ shopId: a.id, gid, name: "#1001", currency: "USD", financialStatus: "PAID" })
        .onConflictDoUpdate({
          target: [orders.shopId, orders.gid],
          set: { financialStatus: "PAID" },
        })
        .returning();
      expect(upserted[0]!.financialStatus).toBe("PAID");
    });

    it("rejects enum values outside the CHECK lists", async () => {
      const shop = await insertShop(db, "checks.myshopify.com");
      expect(
        await sqlState(
          db.execute(
            sql`insert into orders (id, shop_id, name, currency, access_token, financial_status) values ('ord_x', ${shop.id}, '#1', 'USD', 'tok', 'BOGUS')`,
          ),
        ),
      ).toBe("23514");
      expect(
        await sqlState(
          db.insert(downloadLinks).values({ shopId: shop.id, stampingText: "x".repeat(501) }),
        ),
      ).toBe("23514");
    });

    it("a license key value is unique within its pool, not across pools", async () => {
      const shop = await insertShop(db, "keys.myshopify.com");
      const other = await insertShop(db, "keys-other.myshopify.com");
      await db.insert(licenseKeys).values({ shopId: shop.id, tag: "plugin-v1", key: "AAAA-1111" });

      expect(
        await sqlState(
          db.insert(licenseKeys).values({ shopId: shop.id, tag: "plugin-v1", key: "AAAA-1111" }),
        ),
      ).toBe("23505");
      await db.insert(licenseKeys).values({ shopId: shop.id, tag: "plugin-v2", key: "AAAA-1111" });
      await db.insert(licenseKeys).values({ shopId: other.id, tag: "plugin-v1", key: "AAAA-1111" });

      // The untagged pool is one pool too (NULLS NOT DISTINCT).
      await db.insert(licenseKeys).values({ shopId: shop.id, tag: null, key: "BBBB-2222" });
      expect(
        await sqlState(
          db.insert(licenseKeys).values({ shopId: shop.id, tag: null, key: "BBBB-2222" }),
        ),
      ).toBe("23505");

      // `duplicates=skip` maps onto ON CONFLICT DO NOTHING.
      const skipped = await db
        .insert(licenseKeys)
        .values([
          { shopId: shop.id, tag: "plugin-v1", key: "AAAA-1111" },
          { shopId: shop.id, tag: "plugin-v1", key: "CCCC-3333" },
        ])
        .onConflictDoNothing()
        .returning({ key: licenseKeys.key });
      expect(skipped.map((k) => k.key)).toEqual(["CCCC-3333"]);
    });

    it("next available key can be claimed with FOR UPDATE SKIP LOCKED", async () => {
      const shop = await insertShop(db, "skip-locked.myshopify.com");
      await db.insert(licenseKeys).values([
        { shopId: shop.id, tag: "pool", key: "K1" },
        { shopId: shop.id, tag: "pool", key: "K2" },
      ]);
      const nextAvailable = (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) =>
        tx
          .select({ id: licenseKeys.id, key: licenseKeys.key })
          .from(licenseKeys)
          .where(
            and(
              eq(licenseKeys.shopId, shop.id),
              eq(licenseKeys.tag, "pool"),
              eq(licenseKeys.status, "available"),
            ),
          )
          .orderBy(asc(licenseKeys.createdAt), asc(licenseKeys.id))
          .limit(1)
          .for("update", { skipLocked: true });

      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstKey: string | undefined;
      const first = db.transaction(async (tx) => {
        const [row] = await nextAvailable(tx);
        firstKey = row?.key;
        await held;
      });
      // Wait until the first transaction holds its row lock.
      while (!firstKey) await new Promise((r) => setTimeout(r, 10));
      const [second] = await db.transaction((tx) => nextAvailable(tx));
      release();
      await first;
      expect(firstKey).toBe("K1");
      expect(second?.key).toBe("K2");
    });

    it("a file attached to a product, an order line or a download link cannot be deleted", async () => {
      const shop = await insertShop(db, "files.myshopify.com");
      const [file] = await db
        .insert(files)
        .values({ shopId: shop.id, name: "book.pdf", storageKey: `${shop.id}/book.pdf` })
        .returning();
      const [product] = await db
        .insert(digitalProducts)
        .values({ shopId: shop.id, name: "Book" })
        .returning();
      await db
        .insert(digitalProductFiles)
        .values({ shopId: shop.id, digitalProductId: product!.id, fileId: file!.id });

      expect(await sqlState(db.delete(files).where(eq(files.id, file!.id)))).toBe("23503");

      await db.delete(digitalProductFiles).where(eq(digitalProductFiles.fileId, file!.id));
      const [order] = await db
        .insert(orders)
        .values({ shopId: shop.id, name: "#1", currency: "USD" })
        .returning();
      const [line] = await db
        .insert(orderLines)
        .values({ shopId: shop.id, orderId: order!.id, deliveringType: "UNIQUE" })
        .returning();
      await db
        .insert(orderLineFiles)
        .values({ shopId: shop.id, orderLineId: line!.id, fileId: file!.id });
      expect(await sqlState(db.delete(files).where(eq(files.id, file!.id)))).toBe("23503");

      await db.delete(orderLineFiles).where(eq(orderLineFiles.fileId, file!.id));
      const [link] = await db.insert(downloadLinks).values({ shopId: shop.id }).returning();
      await db
        .insert(downloadLinkFiles)
        .values({ shopId: shop.id, downloadLinkId: link!.id, fileId: file!.id });
      expect(await sqlState(db.delete(files).where(eq(files.id, file!.id)))).toBe("23503");

      await db.delete(downloadLinkFiles).where(eq(downloadLinkFiles.fileId, file!.id));
      const deleted = await db.delete(files).where(eq(files.id, file!.id)).returning();
      expect(deleted).toHaveLength(1);
    });

    it("deleting a shop removes all of its rows and none of another shop's", async () => {
      const seedShop = async (domain: string) => {
        const shop = await insertShop(db, domain);
        const [file] = await db
          .insert(files)
          .values({ shopId: shop.id, name: "a.zip", storageKey: `${shop.id}/a.zip` })
          .returning();
        const [product] = await db
          .insert(digitalProducts)
          .values({
            shopId: shop.id,
            name: "Pack",
            variantGids: ["gid://shopify/ProductVariant/1"],
          })
          .returning();
        await db
          .insert(digitalProductFiles)
          .values({ shopId: shop.id, digitalProductId: product!.id, fileId: file!.id });
        const [customer] = await db
          .insert(customers)
          .values({ shopId: shop.id, gid: "gid://shopify/Customer/1", email: "jane@example.com" })
          .returning();
        const [order] = await db
          .insert(orders)
          .values({ shopId: shop.id, name: "#1", currency: "USD", customerId: customer!.id })
          .returning();
        const [line] = await db
          .insert(orderLines)
          .values({ shopId: shop.id, orderId: order!.id, digitalProductId: product!.id })
          .returning();
        await db
          .insert(orderLineFiles)
          .values({ shopId: shop.id, orderLineId: line!.id, fileId: file!.id });
        await db.insert(licenseKeys).values({
          shopId: shop.id,
          key: "K",
          status: "assigned",
          orderId: order!.id,
          orderLineId: line!.id,
        });
        const [link] = await db.insert(downloadLinks).values({ shopId: shop.id }).returning();
        await db
          .insert(downloadLinkFiles)
          .values({ shopId: shop.id, downloadLinkId: link!.id, fileId: file!.id });
        await db.insert(downloadEvents).values({
          shopId: shop.id,
          orderId: order!.id,
          orderLineId: line!.id,
          fileId: file!.id,
          customerId: customer!.id,
        });
        const [endpoint] = await db
          .insert(webhookEndpoints)
          .values({
            shopId: shop.id,
            name: "CRM",
            url: "https://crm.example/hook",
            secret: "whsec_x",
          })
          .returning();
        const [event] = await db
          .insert(webhookEvents)
          .values({ shopId: shop.id, type: "digital_order.purchased", payload: { id: order!.id } })
          .returning();
        const [delivery] = await db
          .insert(webhookDeliveries)
          .values({ shopId: shop.id, endpointId: endpoint!.id, eventId: event!.id })
          .returning();
        await db
          .insert(webhookDeliveryAttempts)
          .values({ shopId: shop.id, deliveryId: delivery!.id, responseStatus: 500 });
        await db.insert(emailMessages).values({
          shopId: shop.id,
          orderId: order!.id,
          kind: "delivery",
          toAddress: "jane@example.com",
        });
        await db.insert(jobs).values({ shopId: shop.id, type: "ingest" });
        return shop;
      };

      const doomed = await seedShop("doomed.myshopify.com");
      const kept = await seedShop("kept.myshopify.com");

      await db.delete(shops).where(eq(shops.id, doomed.id));

      const tenantTables = await queryRows<{ table_name: string }>(
        db,
        sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'shop_id'`,
      );
      expect(tenantTables.length).toBeGreaterThanOrEqual(20);
      for (const { table_name } of tenantTables) {
        const [gone] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from ${sql.identifier(table_name)} where shop_id = ${doomed.id}`,
        );
        expect(gone!.n, `${table_name} rows of the deleted shop`).toBe(0);
      }
      const [keptOrders] = await db
        .select({ n: count() })
        .from(orders)
        .where(eq(orders.shopId, kept.id));
      expect(keptOrders!.n).toBe(1);
      const [keptAttempts] = await db
        .select({ n: count() })
        .from(webhookDeliveryAttempts)
        .where(eq(webhookDeliveryAttempts.shopId, kept.id));
      expect(keptAttempts!.n).toBe(1);
    });

    it("variant lookups use array containment", async () => {
      const shop = await insertShop(db, "variants.myshopify.com");
      await db.insert(digitalProducts).values([
        {
          shopId: shop.id,
          name: "A",
          variantGids: ["gid://shopify/ProductVariant/1", "gid://shopify/ProductVariant/2"],
        },
        { shopId: shop.id, name: "B", variantGids: ["gid://shopify/ProductVariant/3"] },
      ]);
      const rows = await db
        .select({ name: digitalProducts.name })
        .from(digitalProducts)
        .where(
          and(
            eq(digitalProducts.shopId, shop.id),
            sql`${digitalProducts.variantGids} @> array[${"gid://shopify/ProductVariant/2"}]::text[]`,
          ),
        );
      expect(rows).toEqual([{ name: "A" }]);
    });
  });
});
