import { eq } from "drizzle-orm";
import { shops } from "~/db/schema";
import { test, expect } from "./fixtures";

test("Integrations: ingest hosts — empty state, inline validation, add, remove with confirmation", async ({
  page,
  adminUrl,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
  await page.goto(await adminUrl(shop.domain, "/app/settings/integrations"));
  await expect(page.getByRole("heading", { name: "Integrations", exact: true })).toBeVisible();
  await expect(
    page.getByText("No hosts yet: remote ingest is off until you add one."),
  ).toBeVisible();

  const field = page.getByRole("textbox", { name: "Host name" });
  await field.fill("10.0.0.1");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(
    page.getByText("10.0.0.1 is an IP address; allow a host name instead."),
  ).toBeVisible();
  await field.fill("metadata.google.internal");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByText(/is an internal host name/)).toBeVisible();

  await field.fill("Files.Example.com");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.getByText("files.example.com", { exact: true })).toBeVisible();
  await expect(field).toHaveValue("");
  const read = async () =>
    (await db.select().from(shops).where(eq(shops.id, shop.id)))[0]!.ingestAllowedHosts;
  expect(await read()).toEqual(["files.example.com"]);

  await page.getByRole("button", { name: "Remove files.example.com" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Remove files.example.com?")).toBeVisible();
  await dialog.getByRole("button", { name: "Remove host" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByText("No hosts yet: remote ingest is off until you add one."),
  ).toBeVisible();
  expect(await read()).toEqual([]);
});
