import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { licenseKeys } from "~/db/schema";
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
import { contractApi, expectError, loadContract } from "./contract-helper";

/** Shop B's token never sees or touches shop A's rows: 404 for every id, nothing in lists. */
let server: TestServer;
let db: Db;
let a: Awaited<ReturnType<typeof seedShop>>;
let b: Awaited<ReturnType<typeof seedShop>>;

async function seedShop(label: string) {
  const contract = await loadContract(server.url);
  const shop = await createShop(db);
  const api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
  const file = await createStoredFile(db, shop, { dataDir: server.dataDir, name: `${label}.pdf` });
  const spare = await createStoredFile(db, shop, {
    dataDir: server.dataDir,
    name: `${label}-spare.pdf`,
  });
  const product = await createDigitalProduct(
    db,
    shop,
    { name: `${label} product`, deliveringType: "UNIQUE" },
    [file],
  );
  const customer = await createCustomer(db, shop, {
    gid: `gid://shopify/Customer/${label === "A" ? 111 : 222}`,
  });
  const { order, lines } = await createOrder(db, shop, {
    customer,
    products: [product],
    overrides: { name: "#1001" },
  });
  const [key] = await db
    .insert(licenseKeys)
    .values({ shopId: shop.id, key: `SHARED-${label}`, tag: "pool" })
    .returning();
  return { shop, api, file, spare, product, customer, order, line: lines[0]!, key: key! };
}

beforeAll(async () => {
  server = await startServer();
  db = connectToServerDb(server);
  a = await seedShop("A");
  b = await seedShop("B");
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
});

describe("two-shop isolation", () => {
  it("404s shop A's ids for shop B on every id-taking endpoint", async () => {
    const api = b.api;
    const cases: Array<[string, string, unknown?]> = [
      ["GET", `/digital-products/${a.product.id}`],
      ["PUT", `/digital-products/${a.product.id}/limits`, { max_downloads: 1 }],
      ["GET", `/orders/${a.order.id}`],
      ["POST", `/orders/${a.order.id}/access`, { access: "disabled" }],
      ["POST", `/orders/${a.order.id}/reset-downloads`, {}],
      ["POST", `/orders/${a.order.id}/resend-email`, { customer_email: "evil@example.com" }],
      ["PUT", `/orders/${a.order.id}/lines/${a.line.id}/files`, { file_ids: [] }],
      ["PUT", `/orders/${b.order.id}/lines/${a.line.id}/files`, { file_ids: [] }],
      ["PUT", `/orders/${b.order.id}/lines/${b.line.id}/files`, { file_ids: [a.spare.id] }],
      ["POST", `/license-keys/${a.key.id}/assign`, { order_name: "#1001" }],
      ["POST", `/license-keys/${a.key.id}/unassign`, {}],
      ["DELETE", `/license-keys/${a.key.id}`],
      ["DELETE", `/files/${a.spare.id}`],
      ["POST", "/download-links", { file_ids: [a.spare.id] }],
      ["GET", `/customers/${encodeURIComponent(a.customer.gid!)}/downloads`],
      ["GET", "/customers/111/downloads"],
    ];
    for (const [method, path, json] of cases) {
      const res = await api(method, path, json === undefined ? {} : { json });
      expectError(res, 404, "not_found");
    }
  });

  it("never shows another shop's rows in lists, validate or stats", async () => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const lists = await Promise.all(
        [
          "/digital-products?limit=100",
          "/orders?limit=100",
          "/license-keys?limit=100",
          "/files?limit=100",
        ].map((p) => self.api("GET", p)),
      );
      const ids = lists.flatMap((r) => r.body.data.map((x: { id: string }) => x.id));
      expect(ids).toContain(self.order.id);
      for (const foreign of [
        other.product.id,
        other.order.id,
        other.key.id,
        other.file.id,
        other.spare.id,
      ]) {
        expect(ids).not.toContain(foreign);
      }
      const byName = await self.api("GET", "/orders?q=1001");
      expect(byName.body.data.map((o: { id: string }) => o.id)).toEqual([self.order.id]);
      const validate = await self.api(
        "GET",
        `/license-keys/validate?key=SHARED-${other === a ? "A" : "B"}`,
      );
      expect(validate.body.data.valid).toBe(false);
    }
  });

  it("left shop A's data untouched", async () => {
    const order = await a.api("GET", `/orders/${a.order.id}`);
    expect(order.body.data.dl_access).toBe("enabled");
    expect(order.body.data.email).toBe(a.customer.email);
    const product = await a.api("GET", `/digital-products/${a.product.id}`);
    expect(product.body.data.max_downloads).toBe(a.product.maxDownloads);
    expect((await a.api("GET", `/license-keys/validate?key=SHARED-A`)).body.data.valid).toBe(true);
  });
});
