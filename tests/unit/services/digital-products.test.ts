import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { digitalProductFiles, digitalProducts, emailMessages, jobs, orderLines } from "~/db/schema";
import { ApiError } from "~/lib/api/errors";
import {
  archiveDigitalProduct,
  createDigitalProduct,
  deleteDigitalProduct,
  FILES_UPDATED_JOB_TYPE,
  listDigitalProductSummaryPage,
  queueFilesUpdatedEmails,
  restoreDigitalProduct,
  updateDigitalProduct,
  validateDigitalProduct,
} from "~/services/digital-products.server";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";
import {
  createCustomer,
  createDigitalProduct as insertProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../../helpers/factories";

// The service module imports shopify.server, which reads its env when loaded.
vi.hoisted(() => {
  process.env.SHOPIFY_API_KEY ??= "test-key";
  process.env.SHOPIFY_API_SECRET ??= "test-secret";
  process.env.SHOPIFY_APP_URL ??= "https://app.example.com";
});

const PRODUCT = "gid://shopify/Product/1001";
const base = { name: "Guide", productGid: PRODUCT, fileIds: ["file_x"] };

/** The ApiError a call throws (fails the test when it does not throw one). */
function errorOf(call: () => unknown): ApiError {
  try {
    call();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}
async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

// The services use the process-wide handle; validation reads the database too, so it is
// set up before every test of the file.
let db: Db;
withMigratedTestDatabase("handoff_products", (opened) => (db = opened), { processWide: true });

describe("validateDigitalProduct (input rules)", () => {
  const full = (over: Record<string, unknown>) =>
    validateDigitalProduct({
      ...base,
      variantGids: [],
      access: "FILE",
      deliveringType: "REGULAR",
      scheduledDeliveryDate: null,
      scheduledDeliveryTimezone: null,
      downloadMode: "redirect",
      downloadType: "single_file",
      maxDownloads: null,
      downloadIn: null,
      links: [],
      licenseKeyTag: null,
      licenseKeyMode: null,
      stampingEnabled: false,
      stampingTemplate: null,
      stampingOptions: {},
      notifyWhenUpdated: false,
      lowStockThreshold: null,
      ...over,
    });

  it("accepts a plain file product and normalises limits and stamping text", () => {
    const p = full({ maxDownloads: 0, downloadIn: 0, stampingTemplate: "  " });
    expect(p).toMatchObject({ maxDownloads: null, downloadIn: null, stampingTemplate: null });
  });

  it.each([
    { over: { productGid: "gid://shopify/Variant/1" }, param: "product_gid" },
    { over: { productGid: "123" }, param: "product_gid" },
    { over: { variantGids: ["gid://shopify/Product/2"] }, param: "variant_gids.0" },
    { over: { name: "   " }, param: "name" },
    { over: { name: "x".repeat(201) }, param: "name" },
    { over: { stampingTemplate: "x".repeat(501) }, param: "stamping_template" },
    {
      over: { fileIds: Array.from({ length: 101 }, (_, i) => `file_${i}`) },
      param: "file_ids",
    },
    { over: { fileIds: ["file_a", "file_a"] }, param: "file_ids.1" },
    { over: { fileIds: [] }, param: "file_ids" },
    { over: { links: [{ title: "Docs", url: "javascript:alert(1)" }] }, param: "links.0.url" },
    { over: { maxDownloads: 1_000_001 }, param: "max_downloads" },
    { over: { downloadIn: -1 }, param: "download_in" },
    { over: { access: "LICENSE_KEY" }, param: "license_key_tag" },
    { over: { deliveringType: "SCHEDULED" }, param: "scheduled_delivery_date" },
    {
      over: { deliveringType: "SCHEDULED", scheduledDeliveryDate: new Date() },
      param: "scheduled_delivery_timezone",
    },
    { over: { scheduledDeliveryTimezone: "Mars/Olympus" }, param: "scheduled_delivery_timezone" },
    { over: { stampingOptions: { position: "left" } }, param: "stamping_options.position" },
    { over: { stampingOptions: { rotate: 45 } }, param: "stamping_options.rotate" },
    { over: { shopId: "shop_other" }, param: "shop_id" },
  ] as Array<{ over: Record<string, unknown>; param: string }>)(
    "refuses a bad $param",
    ({ over, param }) => {
      const error = errorOf(() => full(over));
      expect(error.code).toBe("validation_failed");
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
    },
  );

  it("lets UNIQUE and key-only products go without files; key access defaults its mode", () => {
    expect(full({ fileIds: [], deliveringType: "UNIQUE" }).fileIds).toEqual([]);
    const keys = full({ fileIds: [], access: "LICENSE_KEY", licenseKeyTag: "pro" });
    expect(keys).toMatchObject({ licenseKeyTag: "pro", licenseKeyMode: "per_quantity" });
    // Settings that do not apply are cleared, so the row says one thing.
    const plain = full({ licenseKeyTag: "pro", scheduledDeliveryTimezone: "UTC" });
    expect(plain).toMatchObject({ licenseKeyTag: null, scheduledDeliveryTimezone: null });
  });
});

describe("digital product writes (Postgres)", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "handoff-products-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("creates with ordered files and links, refuses another shop's file", async () => {
    const shop = await createShop(db);
    const other = await createShop(db);
    const a = await createStoredFile(db, shop, { dataDir, name: "a.pdf" });
    const b = await createStoredFile(db, shop, { dataDir, name: "b.pdf" });
    const foreign = await createStoredFile(db, other, { dataDir, name: "x.pdf" });
    const created = await createDigitalProduct(
      shop.id,
      {
        name: "Pack",
        productGid: "gid://shopify/Product/11",
        fileIds: [b.id, a.id],
        links: [{ title: "Docs", url: "https://example.com/docs" }],
      },
      { source: "api" },
    );
    expect(created).toMatchObject({ source: "api", useAllVariants: true, shopId: shop.id });
    expect(created.files.map((f) => f.id)).toEqual([b.id, a.id]);
    expect(created.links.map((l) => l.title)).toEqual(["Docs"]);

    const error = await rejectionOf(
      createDigitalProduct(shop.id, {
        name: "Stolen",
        productGid: "gid://shopify/Product/12",
        fileIds: [a.id, foreign.id],
      }),
    );
    expect(error).toMatchObject({ code: "not_found", param: "file_ids.1" });
    const rows = await db
      .select()
      .from(digitalProducts)
      .where(eq(digitalProducts.productGid, "gid://shopify/Product/12"));
    expect(rows).toEqual([]);
  });

  it("refuses overlapping coverage with 409, allows disjoint variants and archived ones", async () => {
    const shop = await createShop(db);
    const file = await createStoredFile(db, shop, { dataDir });
    const gid = "gid://shopify/Product/21";
    const v1 = "gid://shopify/ProductVariant/1";
    const v2 = "gid://shopify/ProductVariant/2";
    const first = await createDigitalProduct(shop.id, {
      name: "Variant one",
      productGid: gid,
      variantGids: [v1],
      fileIds: [file.id],
    });
    await createDigitalProduct(shop.id, {
      name: "Variant two",
      productGid: gid,
      variantGids: [v2],
      fileIds: [file.id],
    });
    const clash = await rejectionOf(
      createDigitalProduct(shop.id, {
        name: "Again",
        productGid: gid,
        variantGids: [v1],
        fileIds: [file.id],
      }),
    );
    expect(clash).toMatchObject({ code: "product_already_mapped", status: 409 });
    expect(clash.message).toContain(first.id);
    const all = await rejectionOf(
      createDigitalProduct(shop.id, { name: "All", productGid: gid, fileIds: [file.id] }),
    );
    expect(all).toMatchObject({ code: "product_already_mapped", param: "product_gid" });
    // Another shop may map the same Shopify GID: coverage is per shop.
    const otherShop = await createShop(db);
    const otherFile = await createStoredFile(db, otherShop, { dataDir });
    await createDigitalProduct(otherShop.id, {
      name: "Theirs",
      productGid: gid,
      fileIds: [otherFile.id],
    });
    // Archived products no longer cover anything.
    await archiveDigitalProduct(shop.id, first.id);
    const replaced = await createDigitalProduct(shop.id, {
      name: "Replacement",
      productGid: gid,
      variantGids: [v1],
      fileIds: [file.id],
    });
    expect(replaced.variantGids).toEqual([v1]);
  });

  it("updates a patch over the stored values; other shops get 404", async () => {
    const shop = await createShop(db);
    const file = await createStoredFile(db, shop, { dataDir });
    const product = await createDigitalProduct(shop.id, {
      name: "Before",
      productGid: "gid://shopify/Product/31",
      fileIds: [file.id],
      maxDownloads: 3,
    });
    const updated = await updateDigitalProduct(shop.id, product.id, {
      name: "After",
      stampingEnabled: true,
      stampingTemplate: "For {{customer_email}}",
    });
    expect(updated).toMatchObject({ name: "After", maxDownloads: 3, stampingEnabled: true });
    expect(updated.files.map((f) => f.id)).toEqual([file.id]);
    const invalid = await rejectionOf(
      updateDigitalProduct(shop.id, product.id, { access: "LICENSE_KEY" }),
    );
    expect(invalid.param).toBe("license_key_tag");
    const other = await createShop(db);
    const hidden = await rejectionOf(updateDigitalProduct(other.id, product.id, { name: "x" }));
    expect(hidden.code).toBe("not_found");
    expect((await rejectionOf(archiveDigitalProduct(other.id, product.id))).code).toBe("not_found");
    expect((await rejectionOf(deleteDigitalProduct(other.id, product.id))).code).toBe("not_found");
  });

  it("queues one files-updated email per past order, only when files change", async () => {
    const shop = await createShop(db);
    const a = await createStoredFile(db, shop, { dataDir, name: "v1.pdf" });
    const b = await createStoredFile(db, shop, { dataDir, name: "v2.pdf" });
    const created = await createDigitalProduct(shop.id, {
      name: "Course",
      productGid: "gid://shopify/Product/41",
      fileIds: [a.id],
      notifyWhenUpdated: true,
    });
    const [row] = await db.select().from(digitalProducts).where(eq(digitalProducts.id, created.id));
    const buyer = await createCustomer(db, shop, { email: "ana@example.com" });
    // Two lines of the same product in one order still make one email.
    const { order } = await createOrder(db, shop, { customer: buyer, products: [row!, row!] });
    // An order whose lines were never delivered gets nothing.
    const { order: waiting } = await createOrder(db, shop, { customer: buyer, products: [row!] });
    await db
      .update(orderLines)
      .set({ deliveredAt: null })
      .where(eq(orderLines.orderId, waiting.id));

    await updateDigitalProduct(shop.id, created.id, { name: "Course (2nd ed.)" });
    const jobsOf = () =>
      db
        .select()
        .from(jobs)
        .where(and(eq(jobs.shopId, shop.id), eq(jobs.type, FILES_UPDATED_JOB_TYPE)));
    expect(await jobsOf()).toHaveLength(0);

    await updateDigitalProduct(shop.id, created.id, { fileIds: [a.id, b.id] });
    expect(await jobsOf()).toHaveLength(1);
    expect(await queueFilesUpdatedEmails(db, shop.id, created.id)).toEqual({ queued: 1 });
    // A second run while that email still waits adds nothing.
    expect(await queueFilesUpdatedEmails(db, shop.id, created.id)).toEqual({ queued: 0 });
    const emails = await db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.shopId, shop.id), eq(emailMessages.kind, "files_updated")));
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ orderId: order.id, toAddress: order.email });
  });

  it("restores an archived product unless another active one took its product or variants", async () => {
    const shop = await createShop(db);
    const file = await createStoredFile(db, shop, { dataDir });
    const gid = "gid://shopify/Product/61";
    const v1 = "gid://shopify/ProductVariant/611";
    const v2 = "gid://shopify/ProductVariant/612";
    const old = await createDigitalProduct(shop.id, {
      name: "Old edition",
      productGid: gid,
      variantGids: [v1],
      fileIds: [file.id],
    });
    await archiveDigitalProduct(shop.id, old.id);
    const isArchived = async (id: string) =>
      (await db.select().from(digitalProducts).where(eq(digitalProducts.id, id)))[0]?.isArchived;

    // The archived list shows it; the default list does not.
    const page = { limit: 25, sort: "-id" as const };
    const archivedList = await listDigitalProductSummaryPage(shop.id, page, { archived: true });
    expect(archivedList.data.map((p) => p.id)).toEqual([old.id]);
    expect((await listDigitalProductSummaryPage(shop.id, page)).data).toEqual([]);

    // A disjoint variant taken meanwhile does not stand in the way.
    const other = await createDigitalProduct(shop.id, {
      name: "Other variant",
      productGid: gid,
      variantGids: [v2],
      fileIds: [file.id],
    });
    expect(await restoreDigitalProduct(shop.id, old.id)).toMatchObject({ isArchived: false });
    // Restoring an active product changes nothing.
    expect(await restoreDigitalProduct(shop.id, old.id)).toMatchObject({ isArchived: false });

    // Archived again, and now an active product covers every variant: a 409 naming it.
    await archiveDigitalProduct(shop.id, old.id);
    await archiveDigitalProduct(shop.id, other.id);
    const whole = await createDigitalProduct(shop.id, {
      name: "New edition",
      productGid: gid,
      fileIds: [file.id],
    });
    const clash = await rejectionOf(restoreDigitalProduct(shop.id, old.id));
    expect(clash).toMatchObject({
      code: "product_already_mapped",
      status: 409,
      param: "variant_gids",
    });
    expect(clash.message).toContain(`"New edition" (${whole.id})`);
    expect(clash.message).toContain("Archive that one first");
    expect(await isArchived(old.id)).toBe(true);

    // An archived product moved (by PATCH) onto the covered variant is refused too.
    await updateDigitalProduct(shop.id, other.id, { productGid: "gid://shopify/Product/62" });
    await archiveDigitalProduct(shop.id, whole.id);
    await createDigitalProduct(shop.id, {
      name: "Variant owner",
      productGid: "gid://shopify/Product/62",
      variantGids: [v2],
      fileIds: [file.id],
    });
    expect((await rejectionOf(restoreDigitalProduct(shop.id, other.id))).param).toBe(
      "variant_gids",
    );
    expect(await isArchived(other.id)).toBe(true);

    // Once the other one is archived, the restore goes through; other shops get 404.
    expect(await restoreDigitalProduct(shop.id, old.id)).toMatchObject({ isArchived: false });
    const stranger = await createShop(db);
    expect((await rejectionOf(restoreDigitalProduct(stranger.id, old.id))).code).toBe("not_found");
  });

  it("deletes an unsold product, archives a sold one", async () => {
    const shop = await createShop(db);
    const file = await createStoredFile(db, shop, { dataDir });
    const unsold = await createDigitalProduct(shop.id, {
      name: "Unsold",
      productGid: "gid://shopify/Product/51",
      fileIds: [file.id],
    });
    expect(await deleteDigitalProduct(shop.id, unsold.id)).toEqual({
      id: unsold.id,
      archived: false,
    });
    expect(
      await db
        .select()
        .from(digitalProductFiles)
        .where(eq(digitalProductFiles.digitalProductId, unsold.id)),
    ).toEqual([]);
    const sold = await insertProduct(db, shop, { name: "Sold" }, [file]);
    await createOrder(db, shop, { products: [sold] });
    expect(await deleteDigitalProduct(shop.id, sold.id)).toEqual({ id: sold.id, archived: true });
    const [kept] = await db.select().from(digitalProducts).where(eq(digitalProducts.id, sold.id));
    expect(kept?.isArchived).toBe(true);
  });
});
