import { readFile } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { digitalProducts, licenseKeys } from "~/db/schema";
import { parseCsv } from "~/lib/csv";
import { expectNoSeriousA11yViolations } from "./axe";
import { test, expect } from "./fixtures";
import { createDigitalProduct, createLicenseKeys, createOrder } from "../helpers/factories";

test("license keys: pools with counts, import preview then import (paste and CSV) with dedupe modes, unassign, delete", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  test.setTimeout(180_000); // one long flow on a shared 2-core machine
  const shop = await adminShop();
  const product = await createDigitalProduct(db, shop, {
    name: "Planner Pro",
    access: "LICENSE_KEY",
    licenseKeyTag: "planner",
  });
  const { order, lines } = await createOrder(db, shop, {
    products: [product],
    overrides: { name: "#8001" },
  });
  const [assigned, available] = await createLicenseKeys(db, shop, "planner", 2, "PLAN");
  await db
    .update(licenseKeys)
    .set({
      status: "assigned",
      orderId: order.id,
      orderLineId: lines[0]!.id,
      assignedAt: new Date(),
    })
    .where(eq(licenseKeys.id, assigned!.id));
  const poolKeys = () =>
    db
      .select()
      .from(licenseKeys)
      .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.tag, "planner")));

  await page.goto(await adminUrl(shop.domain, "/app/license-keys"));
  await expect(page.getByRole("heading", { name: "License keys", exact: true })).toBeVisible();
  const plannerRow = page.getByRole("row").filter({ hasText: "planner" }).first();
  await expect(plannerRow).toContainText("1");
  await expect(page.getByText(available!.key)).toBeVisible();
  await expect(page.getByRole("cell", { name: "#8001" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Paste, skip mode: the preview names the existing value, nothing is written yet.
  await page
    .getByRole("textbox", { name: "Keys", exact: true })
    .fill(`NEW-0001\nNEW-0002\n${available!.key}\n`);
  await page.getByRole("button", { name: "Preview import" }).click();
  await expect(page.getByText("3 keys read, one per line.")).toBeVisible();
  await expect(page.getByText(`Already in the pool: ${available!.key}`)).toBeVisible();
  await expect(page.getByText("2 new to this pool")).toBeVisible();
  expect(await poolKeys()).toHaveLength(2);
  await page.getByRole("button", { name: "Import 3 keys" }).click();
  await expect(page.getByText("2 keys imported, 1 skipped")).toBeVisible();
  await expect(
    page.getByText(`Skipped (already in the pool or repeated): ${available!.key}`),
  ).toBeVisible();
  expect((await poolKeys()).map((k) => k.key).sort()).toEqual(
    [assigned!.key, available!.key, "NEW-0001", "NEW-0002"].sort(),
  );
  await saveScreenshot("admin-license-keys-imported");

  // Fail mode: one existing key rejects the whole batch, shown under the field.
  await page.getByRole("combobox", { name: "Keys already in the pool" }).selectOption("fail");
  await page.getByRole("textbox", { name: "Keys", exact: true }).fill("NEW-0003\nNEW-0001");
  await page.getByRole("button", { name: "Preview import" }).click();
  await expect(page.getByText(/these duplicates reject the import/)).toBeVisible();
  await page.getByRole("button", { name: "Import 2 keys" }).click();
  await expect(page.getByText(/already exist in this pool.*nothing was created/)).toBeVisible();
  expect(await poolKeys()).toHaveLength(4);

  // CSV upload into a new pool: the preview shows the detected delimiter and column, the
  // first rows, and the value repeated inside the file.
  await page.getByRole("textbox", { name: "Pool (tag)" }).fill("stickers");
  await page.getByRole("combobox", { name: "Keys already in the pool" }).selectOption("skip");
  await page.locator('input[type="file"]').setInputFiles({
    name: "keys.csv",
    mimeType: "text/csv",
    buffer: Buffer.from('note;key\nfirst;"STK-1"\nsecond;STK-2\nagain;STK-1\n'),
  });
  await expect(page.getByText("keys.csv")).toBeVisible();
  await page.getByRole("button", { name: "Preview import" }).click();
  await expect(
    page.getByText('3 keys read from a CSV (semicolon-separated), column 2 "key".'),
  ).toBeVisible();
  await expect(page.getByRole("cell", { name: "STK-2" })).toBeVisible();
  await expect(page.getByText("Repeated in the file: STK-1")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-license-keys-preview");
  await page.getByRole("button", { name: "Import 3 keys" }).click();
  // Toasts from the earlier import may still show the same words: look at the result card.
  await expect(
    page.getByRole("heading", { name: "2 keys imported, 1 skipped", exact: true }),
  ).toBeVisible();
  // The same "2 keys imported" text can still be on screen from the paste import, so
  // wait for the rows themselves rather than trusting the banner's timing.
  await expect
    .poll(async () => {
      const stickers = await db
        .select()
        .from(licenseKeys)
        .where(and(eq(licenseKeys.shopId, shop.id), eq(licenseKeys.tag, "stickers")));
      return stickers.map((k) => k.key).sort();
    })
    .toEqual(["STK-1", "STK-2"]);

  // Back to the planner pool: unassign, then delete an available key (both confirmed).
  await page.getByRole("link", { name: "planner" }).click();
  await page.getByRole("button", { name: `Unassign ${assigned!.key}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Unassign key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Key unassigned" })).toBeVisible();
  await expect(page.getByRole("dialog")).toBeHidden();
  const [unassigned] = await db.select().from(licenseKeys).where(eq(licenseKeys.id, assigned!.id));
  expect(unassigned).toMatchObject({ status: "available", orderId: null, orderLineId: null });

  await page.getByRole("button", { name: "Delete NEW-0002" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Key deleted" })).toBeVisible();
  await expect(page.getByText("NEW-0002", { exact: true })).toBeHidden();
  // The toast comes with the action's answer; the dialog (which holds the keyboard focus
  // while open) closes once the page data is fresh. A merchant can't type past it either.
  await expect(page.getByRole("dialog")).toBeHidden();
  expect((await poolKeys()).map((k) => k.key)).not.toContain("NEW-0002");

  // Low-stock threshold of the pool, saved on its product; keyboard only, typed once.
  const threshold = page.getByRole("spinbutton", { name: "Low-stock alert at" });
  await threshold.focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("5");
  await expect(threshold).toHaveValue("5");
  await page.keyboard.press("Enter");
  // The saved value in the database, not the (short-lived) toast.
  await expect
    .poll(
      async () =>
        (await db.select().from(digitalProducts).where(eq(digitalProducts.id, product.id)))[0]!
          .lowStockThreshold,
    )
    .toBe(5);
  await expect(page.getByRole("row").filter({ hasText: "planner" }).first()).toContainText("(low)");

  // Export CSV: every key of the pool, a formula-looking value neutralised.
  await db.insert(licenseKeys).values({ shopId: shop.id, tag: "planner", key: "=1+2" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("license-keys-planner.csv");
  const rows = parseCsv(await readFile((await download.path())!, "utf8"));
  expect(rows[0]).toEqual(["key", "pool", "status", "order", "assigned_at", "created_at"]);
  expect(
    rows
      .slice(1)
      .map((r) => r[0])
      .sort(),
  ).toEqual((await poolKeys()).map((k) => (k.key === "=1+2" ? "'=1+2" : k.key)).sort());

  // Search narrows the table (URL-driven, page one). Its revalidation brings a threshold
  // saved elsewhere meanwhile: the untouched field follows it.
  const setSavedThreshold = (value: number) =>
    db
      .update(digitalProducts)
      .set({ lowStockThreshold: value })
      .where(eq(digitalProducts.id, product.id));
  await setSavedThreshold(3);
  const search = page.getByRole("textbox", { name: "Search keys" });
  await search.fill("NEW-0001");
  await expect(page.getByText(available!.key)).toBeHidden();
  await expect(page.getByRole("cell", { name: "NEW-0001", exact: true })).toBeVisible();
  await expect(threshold).toHaveValue("3");
  // An edited field keeps what was typed through the next revalidation.
  await threshold.fill("8");
  await setSavedThreshold(4);
  await search.fill("");
  await expect(page.getByText(available!.key)).toBeVisible();
  await expect(threshold).toHaveValue("8");
  await search.fill("NEW-0001");
  await expect(page.getByText(available!.key)).toBeHidden();
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-license-keys");
});
