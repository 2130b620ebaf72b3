import AxeBuilder from "@axe-core/playwright";
import { and, eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { licenseKeys } from "~/db/schema";
import { test, expect } from "./fixtures";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createLicenseKeys,
  createOfflineSession,
  createOrder,
  createShop,
} from "../helpers/factories";

async function expectNoSeriousA11yViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious).toEqual([]);
}

test("license keys: pools with counts, import (paste and CSV) with dedupe modes, unassign, delete", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
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

    // Paste, skip mode: the existing value is skipped and reported.
    await page
      .getByRole("textbox", { name: "Keys", exact: true })
      .fill(`NEW-0001\nNEW-0002\n${available!.key}\n`);
    await page.getByRole("button", { name: "Import keys" }).click();
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
    await page.getByRole("button", { name: "Import keys" }).click();
    await expect(page.getByText(/already exist in this pool.*nothing was created/)).toBeVisible();
    expect(await poolKeys()).toHaveLength(4);

    // CSV upload into a new pool (header row dropped, first column used).
    await page.getByRole("textbox", { name: "Pool (tag)" }).fill("stickers");
    await page.getByRole("combobox", { name: "Keys already in the pool" }).selectOption("skip");
    await page.locator('input[type="file"]').setInputFiles({
      name: "keys.csv",
      mimeType: "text/csv",
      buffer: Buffer.from('key,note\n"STK-1",first\nSTK-2,second\n'),
    });
    await expect(page.getByText("keys.csv")).toBeVisible();
    await page.getByRole("button", { name: "Import keys" }).click();
    // Toasts from the earlier import may still show the same words: look at the result card.
    await expect(page.getByRole("heading", { name: "2 keys imported", exact: true })).toBeVisible();
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
    const [unassigned] = await db
      .select()
      .from(licenseKeys)
      .where(eq(licenseKeys.id, assigned!.id));
    expect(unassigned).toMatchObject({ status: "available", orderId: null, orderLineId: null });

    await page.getByRole("button", { name: "Delete NEW-0002" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Key deleted" })).toBeVisible();
    await expect(page.getByText("NEW-0002")).toBeHidden();
    expect((await poolKeys()).map((k) => k.key)).not.toContain("NEW-0002");
    await saveScreenshot("admin-license-keys");
  } finally {
    await closeDb(db);
  }
});
