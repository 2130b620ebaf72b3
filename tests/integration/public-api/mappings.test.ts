/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies are untyped here; the contract check types them. */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client.server";
import { digitalProductFiles, digitalProducts, emailMessages, type Shop } from "~/db/schema";
import { createApiToken } from "../../helpers/api-factories";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createOrder,
  createShop,
  createStoredFile,
} from "../../helpers/factories";
import { startServer, type TestServer } from "../../helpers/server";
import { startSmtpSink, type SmtpSink } from "../../helpers/smtp-sink";
import { waitFor } from "../../helpers/wait";
import { contractApi, expectError, loadContract, type Contract } from "./contract-helper";

let server: TestServer;
let smtp: SmtpSink;
let db: Db;
let contract: Contract;
let shop: Shop;
let api: ReturnType<typeof contractApi>;
let gidCounter = 900_000;
const nextProductGid = () => `gid://shopify/Product/${++gidCounter}`;

beforeAll(async () => {
  smtp = await startSmtpSink();
  server = await startServer({
    smtp,
    env: { API_RATE_LIMIT_PER_MINUTE: "100000" },
    healthTimeoutMs: 90_000,
  });
  db = connectToServerDb(server);
  contract = await loadContract(server.url);
  shop = await createShop(db);
  api = contractApi(contract, server.url, (await createApiToken(db, shop)).token);
});
afterAll(async () => {
  await closeDb(db);
  await server?.stop();
  await smtp?.stop();
});

async function shopFile(owner: Shop = shop, name = "guide.pdf") {
  return createStoredFile(db, owner, { dataDir: server.dataDir, name });
}

describe("mappings: happy path", () => {
  it("creates, lists (filters, pagination), gets, patches and deletes a mapping", async () => {
    const [a, b] = [await shopFile(shop, "a.pdf"), await shopFile(shop, "b.pdf")];
    const productGid = nextProductGid();
    const created = await api("POST", "/mappings", {
      json: {
        product_gid: productGid,
        file_ids: [b.id, a.id],
        links: [{ title: "Changelog", url: "https://example.com/changelog" }],
        max_downloads: 5,
        download_in: 0,
        stamping_enabled: true,
        stamping_template: "Licensed to {{customer_email}}",
        stamping_options: { position: "diagonal", opacity: 0.3 },
      },
    });
    expect(created.status, created.text).toBe(201);
    const mapping = created.body.data;
    expect(mapping).toMatchObject({
      name: `Shopify product ${gidCounter}`,
      product_gid: productGid,
      variant_gids: [],
      all_variants: true,
      file_ids: [b.id, a.id],
      links: [{ title: "Changelog", url: "https://example.com/changelog" }],
      access: "FILE",
      delivering_type: "REGULAR",
      max_downloads: 5,
      download_in: null,
      stamping_enabled: true,
      stamping_options: { position: "diagonal", opacity: 0.3 },
      source: "api",
      is_archived: false,
    });
    expect(mapping.id).toMatch(/^prod_[0-9a-z]{26}$/);
    // A mapping IS a digital product: same id under /digital-products.
    const asProduct = await api("GET", `/digital-products/${mapping.id}`);
    expect(asProduct.body.data.files.map((f: any) => f.id)).toEqual([b.id, a.id]);

    const got = await api("GET", `/mappings/${mapping.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(mapping);

    const byGid = await api("GET", `/mappings?product_gid=${encodeURIComponent(productGid)}`);
    expect(byGid.body.data.map((m: any) => m.id)).toEqual([mapping.id]);

    const variant = "gid://shopify/ProductVariant/77";
    const patched = await api("PATCH", `/mappings/${mapping.id}`, {
      json: { name: "Preset pack", variant_gids: [variant], file_ids: [a.id], max_downloads: 0 },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data).toMatchObject({
      name: "Preset pack",
      variant_gids: [variant],
      all_variants: false,
      file_ids: [a.id],
      max_downloads: null,
      stamping_template: "Licensed to {{customer_email}}",
    });

    const deleted = await api("DELETE", `/mappings/${mapping.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id: mapping.id, deleted: true, archived: false });
    expectError(await api("GET", `/mappings/${mapping.id}`), 404, "not_found", "id");
    const rows = await db
      .select()
      .from(digitalProductFiles)
      .where(eq(digitalProductFiles.digitalProductId, mapping.id));
    expect(rows).toEqual([]);
  });

  it("pages with a cursor and no duplicates", async () => {
    const owner = await createShop(db);
    const ownerApi = contractApi(contract, server.url, (await createApiToken(db, owner)).token);
    const file = await shopFile(owner);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ownerApi("POST", "/mappings", {
        json: { product_gid: nextProductGid(), name: `M${i}`, file_ids: [file.id] },
      });
      ids.push(res.body.data.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page: any = await ownerApi("GET", `/mappings?limit=2${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((m: any) => m.id));
      cursor = page.body.pagination.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expectError(await ownerApi("GET", "/mappings?cursor=garbage"), 400, "invalid_cursor");
  });

  it("DELETE of a mapping with orders archives it; the orders keep their files", async () => {
    const file = await shopFile();
    const created = await api("POST", "/mappings", {
      json: { product_gid: nextProductGid(), name: "Sold", file_ids: [file.id] },
    });
    const [row] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, created.body.data.id));
    await createOrder(db, shop, { products: [row!] });
    const deleted = await api("DELETE", `/mappings/${row!.id}`);
    expect(deleted.body.data).toEqual({ id: row!.id, deleted: true, archived: true });
    const kept = await api("GET", `/mappings/${row!.id}`);
    expect(kept.body.data).toMatchObject({ is_archived: true, file_ids: [file.id] });
    // Archived mappings no longer cover the product: a new mapping may take it over.
    const list = await api("GET", "/mappings?limit=100");
    expect(list.body.data.some((m: any) => m.id === row!.id)).toBe(false);
    const again = await api("POST", "/mappings", {
      json: { product_gid: row!.productGid, name: "Successor", file_ids: [file.id] },
    });
    expect(again.status).toBe(201);
  });
});

describe("mappings: errors", () => {
  it("validates GIDs, fields and unknown (shop) fields with 400 naming the param", async () => {
    const file = await shopFile();
    const cases: Array<[unknown, string]> = [
      [{ product_gid: "123", file_ids: [file.id] }, "product_gid"],
      [{ product_gid: "gid://shopify/ProductVariant/1", file_ids: [file.id] }, "product_gid"],
      [{ file_ids: [file.id] }, "product_gid"],
      [
        { product_gid: nextProductGid(), variant_gids: ["gid://shopify/Product/1"] },
        "variant_gids.0",
      ],
      [{ product_gid: nextProductGid(), file_ids: [file.id], shop_id: shop.id }, "shop_id"],
      [{ product_gid: nextProductGid(), file_ids: [] }, "file_ids"],
      [{ product_gid: nextProductGid(), file_ids: [file.id, file.id] }, "file_ids.1"],
      [{ product_gid: nextProductGid(), file_ids: [file.id], max_downloads: -1 }, "max_downloads"],
      [
        { product_gid: nextProductGid(), file_ids: [file.id], stamping_template: "x".repeat(501) },
        "stamping_template",
      ],
      [
        { product_gid: nextProductGid(), file_ids: [file.id], stamping_options: { color: "red" } },
        "stamping_options.color",
      ],
      [
        { product_gid: nextProductGid(), links: [{ title: "x", url: "ftp://example.com" }] },
        "links.0.url",
      ],
      [{ product_gid: nextProductGid(), access: "LICENSE_KEY" }, "license_key_tag"],
      [
        { product_gid: nextProductGid(), file_ids: [file.id], delivering_type: "SCHEDULED" },
        "scheduled_delivery_date",
      ],
      [
        {
          product_gid: nextProductGid(),
          file_ids: [file.id],
          delivering_type: "SCHEDULED",
          scheduled_delivery_date: "2027-01-01T09:00:00Z",
          scheduled_delivery_timezone: "Nowhere/City",
        },
        "scheduled_delivery_timezone",
      ],
    ];
    for (const [json, param] of cases) {
      expectError(await api("POST", "/mappings", { json }), 400, "validation_failed", param);
    }
    expectError(
      await api("POST", "/mappings", {
        body: "{not json",
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    expectError(await api("GET", "/mappings?product_gid=42"), 400, "validation_failed");
    expectError(await api("GET", "/mappings?shop_id=x"), 400, "validation_failed", "shop_id");
    expect(
      await db.select().from(digitalProducts).where(eq(digitalProducts.name, "x")),
    ).toHaveLength(0);
  });

  it("404s unknown ids and files that are missing, not uploaded or deleted", async () => {
    expectError(await api("GET", "/mappings/prod_nope"), 404, "not_found", "id");
    expectError(
      await api("PATCH", "/mappings/prod_nope", { json: { name: "x" } }),
      404,
      "not_found",
    );
    expectError(await api("DELETE", "/mappings/prod_nope"), 404, "not_found");
    const good = await shopFile();
    expectError(
      await api("POST", "/mappings", {
        json: { product_gid: nextProductGid(), file_ids: [good.id, "file_missing"] },
      }),
      404,
      "not_found",
      "file_ids.1",
    );
  });

  it("409s a product or variant another active mapping already covers", async () => {
    const file = await shopFile();
    const gid = nextProductGid();
    const v1 = "gid://shopify/ProductVariant/501";
    const v2 = "gid://shopify/ProductVariant/502";
    const first = await api("POST", "/mappings", {
      json: { product_gid: gid, variant_gids: [v1], file_ids: [file.id] },
    });
    expect(first.status).toBe(201);
    const second = await api("POST", "/mappings", {
      json: { product_gid: gid, variant_gids: [v2], file_ids: [file.id] },
    });
    expect(second.status).toBe(201);
    const clash = await api("POST", "/mappings", {
      json: {
        product_gid: gid,
        variant_gids: [v2, "gid://shopify/ProductVariant/503"],
        file_ids: [file.id],
      },
    });
    expectError(clash, 409, "product_already_mapped", "variant_gids");
    expect(clash.body.error.message).toContain(second.body.data.id);
    expectError(
      await api("POST", "/mappings", { json: { product_gid: gid, file_ids: [file.id] } }),
      409,
      "product_already_mapped",
      "product_gid",
    );
    expectError(
      await api("PATCH", `/mappings/${second.body.data.id}`, { json: { variant_gids: [v1] } }),
      409,
      "product_already_mapped",
    );
  });
});

describe("mappings: shop isolation", () => {
  it("never shows, changes or uses another shop's mapping or file", async () => {
    const other = await createShop(db);
    const otherApi = contractApi(contract, server.url, (await createApiToken(db, other)).token);
    const theirFile = await shopFile(other, "theirs.pdf");
    const theirs = await otherApi("POST", "/mappings", {
      json: { product_gid: nextProductGid(), name: "Theirs", file_ids: [theirFile.id] },
    });
    expect(theirs.status).toBe(201);
    const id = theirs.body.data.id;

    expectError(await api("GET", `/mappings/${id}`), 404, "not_found", "id");
    expectError(
      await api("PATCH", `/mappings/${id}`, { json: { name: "Mine" } }),
      404,
      "not_found",
    );
    expectError(await api("DELETE", `/mappings/${id}`), 404, "not_found");
    const list = await api("GET", `/mappings?limit=100&include_archived=true`);
    expect(list.body.data.some((m: any) => m.id === id)).toBe(false);
    const byGid = await api(
      "GET",
      `/mappings?product_gid=${encodeURIComponent(theirs.body.data.product_gid)}`,
    );
    expect(byGid.body.data).toEqual([]);

    // Their file id in my mapping: the same 404 as a file that does not exist.
    const myFile = await shopFile();
    expectError(
      await api("POST", "/mappings", {
        json: { product_gid: nextProductGid(), file_ids: [theirFile.id] },
      }),
      404,
      "not_found",
      "file_ids.0",
    );
    const mine = await api("POST", "/mappings", {
      json: { product_gid: nextProductGid(), file_ids: [myFile.id] },
    });
    expectError(
      await api("PATCH", `/mappings/${mine.body.data.id}`, {
        json: { file_ids: [myFile.id, theirFile.id] },
      }),
      404,
      "not_found",
      "file_ids.1",
    );
    // The same Shopify GID in two shops is not a conflict.
    const sameGid = await api("POST", "/mappings", {
      json: { product_gid: theirs.body.data.product_gid, file_ids: [myFile.id] },
    });
    expect(sameGid.status).toBe(201);
    const [untouched] = await db.select().from(digitalProducts).where(eq(digitalProducts.id, id));
    expect(untouched).toMatchObject({ name: "Theirs", isArchived: false, shopId: other.id });
  });
});

describe("mappings: idempotency", () => {
  it("replays a retried create (one mapping) and refuses a reused key with another body", async () => {
    const file = await shopFile();
    const json = { product_gid: nextProductGid(), name: "Once", file_ids: [file.id] };
    const headers = { "Idempotency-Key": `map-${gidCounter}` };
    const first = await api("POST", "/mappings", { json, headers });
    const retry = await api("POST", "/mappings", { json, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.data.id).toBe(first.body.data.id);
    const rows = await db
      .select()
      .from(digitalProducts)
      .where(
        and(eq(digitalProducts.shopId, shop.id), eq(digitalProducts.productGid, json.product_gid)),
      );
    expect(rows).toHaveLength(1);
    expectError(
      await api("POST", "/mappings", { json: { ...json, name: "Twice" }, headers }),
      422,
      "idempotency_key_reused",
    );
  });

  it("with the shop's require-Idempotency-Key on, writes without one are 400", async () => {
    const strict = await createShop(db, { requireIdempotencyKey: true });
    const strictApi = contractApi(contract, server.url, (await createApiToken(db, strict)).token);
    const file = await shopFile(strict);
    const json = { product_gid: nextProductGid(), file_ids: [file.id] };
    expectError(
      await strictApi("POST", "/mappings", { json }),
      400,
      "idempotency_key_required",
      "Idempotency-Key",
    );
    const created = await strictApi("POST", "/mappings", {
      json,
      headers: { "Idempotency-Key": "strict-create" },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expectError(
      await strictApi("PATCH", `/mappings/${id}`, { json: { name: "x" } }),
      400,
      "idempotency_key_required",
    );
    expectError(await strictApi("DELETE", `/mappings/${id}`), 400, "idempotency_key_required");
    expect((await strictApi("GET", `/mappings/${id}`)).status).toBe(200);
  });
});

describe("mappings: notify buyers when files change", () => {
  it("emails each past buyer once (SMTP), via the worker", async () => {
    const owner = await createShop(db, { name: "Notify Shop" });
    const ownerApi = contractApi(contract, server.url, (await createApiToken(db, owner)).token);
    const v1 = await shopFile(owner, "course-v1.pdf");
    const v2 = await shopFile(owner, "course-v2.pdf");
    const created = await ownerApi("POST", "/mappings", {
      json: {
        product_gid: nextProductGid(),
        name: "Course",
        file_ids: [v1.id],
        notify_when_updated: true,
      },
    });
    const [product] = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.id, created.body.data.id));
    const ana = await createCustomer(db, owner, { email: "ana@buyers.example", firstName: "Ana" });
    const bo = await createCustomer(db, owner, { email: "bo@buyers.example", firstName: "Bo" });
    await createOrder(db, owner, { customer: ana, products: [product!, product!] });
    await createOrder(db, owner, { customer: bo, products: [product!] });

    const before = smtp.messages.length;
    const res = await ownerApi("PATCH", `/mappings/${product!.id}`, {
      json: { file_ids: [v1.id, v2.id] },
    });
    expect(res.status).toBe(200);
    await waitFor(
      () =>
        smtp.messages.slice(before).filter((m) => /Updated files for Course/.test(m.subject ?? ""))
          .length >= 2,
      { timeoutMs: 20_000, describe: () => `${smtp.messages.length - before} emails arrived` },
    );
    const sent = smtp.envelopes.slice(before);
    expect(sent.flatMap((m) => m.to).sort()).toEqual(["ana@buyers.example", "bo@buyers.example"]);
    // The sink sees the message before the worker records the send: wait for the rows too.
    const sentRows = () =>
      db
        .select()
        .from(emailMessages)
        .where(and(eq(emailMessages.shopId, owner.id), eq(emailMessages.kind, "files_updated")));
    await waitFor(async () => (await sentRows()).every((r) => r.status === "sent"), {
      timeoutMs: 10_000,
      describe: () => "files_updated rows marked sent",
    });
    expect(await sentRows()).toHaveLength(2);

    // Changing something else (or only the order of the files) sends nothing more.
    await ownerApi("PATCH", `/mappings/${product!.id}`, {
      json: { name: "Course", file_ids: [v2.id, v1.id] },
    });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(smtp.messages.length).toBe(before + 2);
  });
});
