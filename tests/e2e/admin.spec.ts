import { test, expect } from "./fixtures";
import { createDigitalProduct } from "../helpers/factories";

test("the embedded admin opens Home and navigates to the digital products through real auth", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop({ name: "E2E Paper Goods" });
  await createDigitalProduct(db, shop, {
    name: "Printable Planner 2027",
    maxDownloads: 3,
    downloadIn: 14,
  });
  await createDigitalProduct(db, shop, {
    name: "Sticker Sheet Bundle",
    access: "FILE_WITH_LICENCE_KEY",
    licenseKeyTag: "stickers",
  });

  // Home: the setup guide already counts the products (its own spec covers the rest).
  await page.goto(await adminUrl(shop.domain, "/app"));
  await expect(page.getByText("1 of 4 steps done")).toBeVisible();

  // Client-side navigation: the data request carries the session token (App Bridge's job).
  const dataRequest = page.waitForRequest((r) => r.url().includes("/app/products"));
  await page.getByRole("link", { name: "Digital products" }).click();
  await expect(page.getByRole("heading", { name: "Digital products" })).toBeVisible();
  expect((await dataRequest).headers()["authorization"]).toMatch(/^Bearer ey/);
  await expect(page).toHaveURL(/\/app\/products/);
  await expect(page.getByText("Printable Planner 2027")).toBeVisible();
  await expect(page.getByText("3 downloads, 14 days")).toBeVisible();
  await expect(page.getByText("Sticker Sheet Bundle")).toBeVisible();
  await saveScreenshot("admin-products");
});

test("a shop with no products sees an empty state, not an empty table", async ({
  page,
  adminUrl,
  adminShop,
}) => {
  const shop = await adminShop();
  await page.goto(await adminUrl(shop.domain, "/app/products"));
  await expect(page.getByText("Sell your first digital product")).toBeVisible();
});
