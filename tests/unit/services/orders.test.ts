import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { closeDb, createDb, queryRows, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import type { Shop } from "~/db/schema";
import {
  listOrders,
  orderFilterConditions,
  ordersPageQuery,
  type OrderFilters,
} from "~/services/orders.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";
import {
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
} from "../../helpers/factories";

// orders.server imports the Shopify app object (through deliveries), which reads the env.
vi.hoisted(() => {
  process.env.SHOPIFY_API_KEY ??= "k";
  process.env.SHOPIFY_API_SECRET ??= "s";
  process.env.SHOPIFY_APP_URL ??= "https://app.example.com";
});

let db: Db;
withMigratedTestDatabase("handoff_orders", (opened) => (db = opened), { processWide: true });

const PAGE = { limit: 25, sort: "-created_at" as const };

async function names(shop: Shop, filters: OrderFilters) {
  const page = await listOrders(shop.id, PAGE, filters);
  return page.data.map((o) => o.name).sort();
}

describe("admin order search (anywhere in the name or email; # and short terms: the start)", () => {
  it("finds 3+ characters anywhere, #-numbers and shorter terms at the start", async () => {
    const shop = await createShop(db);
    const product = await createDigitalProduct(db, shop);
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#1042", email: "Ada.Lovelace@Example.com" },
    });
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#1043", email: "grace@navy.example" },
    });
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#2104", email: "ada@other.example" },
    });

    expect(await names(shop, { search: "1042" })).toEqual(["#1042"]);
    expect(await names(shop, { search: "ADA" })).toEqual(["#1042", "#2104"]);
    expect(await names(shop, { search: "ada.lovelace@example.COM" })).toEqual(["#1042"]);
    // The middle of an email or a name.
    expect(await names(shop, { search: "lovelace" })).toEqual(["#1042"]);
    expect(await names(shop, { search: "042" })).toEqual(["#1042"]);
    expect(await names(shop, { search: "104" })).toEqual(["#1042", "#1043", "#2104"]);
    expect(await names(shop, { search: "navy.EXAMPLE" })).toEqual(["#1043"]);
    // Typed as an order number: names that start with it.
    expect(await names(shop, { search: "#104" })).toEqual(["#1042", "#1043"]);
    expect(await names(shop, { search: "#2" })).toEqual(["#2104"]);
    // Under 3 characters: the start of the name (with or without #) or of the email.
    expect(await names(shop, { search: "ad" })).toEqual(["#1042", "#2104"]);
    expect(await names(shop, { search: "21" })).toEqual(["#2104"]);
    expect(await names(shop, { search: "ve" })).toEqual([]);
  });

  it("keeps the public API's q on the order name, anywhere in it", async () => {
    const shop = await createShop(db);
    const product = await createDigitalProduct(db, shop);
    for (const name of ["#1042", "#2104", "#3"]) {
      await createOrder(db, shop, { products: [product], overrides: { name } });
    }
    expect(await names(shop, { q: "104" })).toEqual(["#1042", "#2104"]);
    expect(await names(shop, { q: "#1042" })).toEqual(["#1042"]);
    expect(await names(shop, { q: "3" })).toEqual(["#3"]);
  });

  it("treats LIKE wildcards in the term as plain characters", async () => {
    const shop = await createShop(db);
    const product = await createDigitalProduct(db, shop);
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#1", email: "a_b@example.com" },
    });
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#2", email: "axb@example.com" },
    });
    expect(await names(shop, { search: "a_b" })).toEqual(["#1"]);
    expect(await names(shop, { search: "a%b" })).toEqual([]);
    expect(await names(shop, { search: "%" })).toEqual([]);
    expect(await names(shop, { search: "_" })).toEqual([]);
  });
});

describe("admin customer filter (the start of the order's or the customer's email)", () => {
  it("finds orders by their own email or by their customer's, in this shop only", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    const product = await createDigitalProduct(db, shop);
    const ada = await createCustomer(db, shop, { email: "ada@example.com" });
    // The order's address changed later (resend to a new address): the customer's counts.
    await createOrder(db, shop, {
      customer: ada,
      products: [product],
      overrides: { name: "#1", email: "a.l@work.example" },
    });
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#2", email: "ADA@guest.example" },
    });
    await createOrder(db, shop, {
      products: [product],
      overrides: { name: "#3", email: "grace@example.com" },
    });
    // Another shop's customer with the same address never pulls this shop's orders in.
    const foreign = await createCustomer(db, other, { email: "ada@example.com" });
    await createOrder(db, other, {
      customer: foreign,
      products: [await createDigitalProduct(db, other)],
      overrides: { name: "#9" },
    });

    expect(await names(shop, { customerEmailPrefix: "ada@" })).toEqual(["#1", "#2"]);
    expect(await names(shop, { customerEmailPrefix: "ada@example" })).toEqual(["#1"]);
    expect(await names(shop, { customerEmailPrefix: "a.l@" })).toEqual(["#1"]);
    expect(await names(shop, { customerEmailPrefix: "example.com" })).toEqual([]);
    expect(await names(other, { customerEmailPrefix: "ada@" })).toEqual(["#9"]);
  });
});

/**
 * The plan of the real page query on a shop big enough that reading every order would
 * show: both filters must be index range scans on Postgres and on PGlite alike.
 */
async function plan(target: Db, shopId: string, filters: OrderFilters): Promise<string> {
  const conditions = await orderFilterConditions(target, shopId, filters);
  const query = ordersPageQuery(target, shopId, { limit: 25, sort: "-created_at" }, conditions);
  const rows = await queryRows<{ "QUERY PLAN": string }>(target, sql`explain ${query.getSQL()}`);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

async function seedBigShop(target: Db): Promise<string> {
  const shop = await createShop(target);
  // 20,000 orders of 2,000 buyers, each address with its own tag (buyer42.1a2b3c4d@…);
  // 5,000 customers, every tenth order has one.
  await target.execute(sql`
    insert into customers (id, shop_id, email)
    select 'cus_' || lpad(i::text, 26, '0'), ${shop.id}, 'client' || i || '@example.com'
    from generate_series(1, 5000) as i`);
  await target.execute(sql`
    insert into orders (id, shop_id, name, currency, access_token, email, customer_id, created_at)
    select 'ord_' || lpad(i::text, 26, '0'), ${shop.id}, '#' || i, 'USD', md5(i::text || ${shop.id}),
           'buyer' || (i % 2000) || '.' || substr(md5(i::text), 1, 8) || '@example.com',
           case when i % 10 = 0 then 'cus_' || lpad((i % 5000 + 1)::text, 26, '0') end,
           now() - make_interval(secs => 20000 - i)
    from generate_series(1, 20000) as i`);
  await target.execute(sql`analyze orders`);
  await target.execute(sql`analyze customers`);
  return shop.id;
}

async function expectIndexPlans(target: Db) {
  const shopId = await seedBigShop(target);
  // The tag of order 777's address: found in the middle of one email.
  const tag = createHash("md5").update("777").digest("hex").slice(0, 8);
  const search = await plan(target, shopId, { search: tag });
  expect(search).toContain("orders_email_trgm_idx");
  expect(search).toContain("orders_name_trgm_idx");
  expect(search).not.toMatch(/Seq Scan on orders|orders_cursor_idx/);
  const number = await plan(target, shopId, { search: "#1999" });
  expect(number).toContain("orders_shop_name_prefix_idx");
  expect(number).not.toMatch(/Seq Scan on orders|orders_cursor_idx/);
  const short = await plan(target, shopId, { search: "zz" });
  expect(short).toContain("orders_shop_email_prefix_idx");
  expect(short).not.toMatch(/Seq Scan on orders|orders_cursor_idx/);
  const apiQ = await plan(target, shopId, { q: "19999" });
  expect(apiQ).toContain("orders_name_trgm_idx");
  expect(apiQ).not.toMatch(/Seq Scan on orders|orders_cursor_idx/);
  const customer = await plan(target, shopId, { customerEmailPrefix: "client11@" });
  expect(customer).toContain("orders_shop_email_prefix_idx");
  expect(customer).toContain("orders_shop_customer_idx");
  expect(customer).not.toMatch(/Seq Scan on orders|orders_cursor_idx/);
  // The customers it names come from the customers' own prefix index.
  const lookup = await queryRows<{ "QUERY PLAN": string }>(
    target,
    sql`explain select id from customers where shop_id = ${shopId} and lower(email) like lower(${"client11@%"}) limit 501`,
  );
  expect(lookup.map((r) => r["QUERY PLAN"]).join("\n")).toContain(
    "customers_shop_email_prefix_idx",
  );
}

describe("the search indexes", () => {
  it("serve the search and the customer filter on Postgres", async () => {
    await expectIndexPlans(db);
  });

  describe("on PGlite", () => {
    let lite: Db;
    beforeAll(async () => {
      lite = createDb({ dataDir: "memory://orders-search" });
      await runMigrations(lite);
    }, 120_000);
    afterAll(async () => {
      if (lite) await closeDb(lite);
    });

    it("serve the search and the customer filter", async () => {
      await expectIndexPlans(lite);
    }, 60_000);
  });
});
