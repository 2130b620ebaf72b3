import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { apiTokens, shops } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";

test("API tokens: request access, create (shown once, copy), list and revoke", async ({
  page,
  context,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const shop = await adminShop({ apiAccess: "pending" });
  const url = await adminUrl(shop.domain, "/app/settings/api");

  await page.goto(url);
  await expect(page.getByRole("heading", { name: "API", exact: true })).toBeVisible();
  await expect(page.getByText("API access needs approval")).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Request access: the request is recorded for the operator.
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page.getByRole("heading", { name: "Access requested" })).toBeVisible();
  const [requested] = await db.select().from(shops).where(eq(shops.id, shop.id));
  expect(requested!.apiAccessRequestedAt).not.toBeNull();
  expect(requested!.apiAccess).toBe("pending");

  // A name is required (inline error, nothing created).
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Give the token a name.")).toBeVisible();
  expect(await db.select().from(apiTokens).where(eq(apiTokens.shopId, shop.id))).toHaveLength(0);

  await page.getByRole("textbox", { name: "Token name" }).fill("CRM sync");
  await page.getByRole("button", { name: "Create token" }).click();
  const tokenField = page.getByRole("textbox", { name: "API token" });
  await expect(tokenField).toHaveValue(/^hnd_live_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const token = await tokenField.inputValue();
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await saveScreenshot("admin-api-token-created");

  // Only the prefix and a hash of the secret are stored.
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.shopId, shop.id));
  const [, publicId, secret] = /^hnd_live_([a-z0-9]{12})_(.+)$/.exec(token)!;
  expect(row!.name).toBe("CRM sync");
  expect(row!.publicId).toBe(publicId);
  expect(row!.secretHash).toBe(createHash("sha256").update(secret!).digest("hex"));

  // Shown once: a fresh load lists the token by prefix only.
  await page.goto(url);
  await expect(page.getByRole("cell", { name: "CRM sync", exact: true })).toBeVisible();
  await expect(page.getByText(`${row!.displayPrefix}_…`)).toBeVisible();
  await expect(page.getByRole("textbox", { name: "API token" })).toBeHidden();
  expect(await page.content()).not.toContain(secret!);
  await saveScreenshot("admin-api-tokens");

  // Revoke, confirmed.
  await page.getByRole("button", { name: "Revoke CRM sync" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("gets 401");
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Token revoked" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "CRM sync", exact: true })).toBeHidden();
  const [revoked] = await db.select().from(apiTokens).where(eq(apiTokens.id, row!.id));
  expect(revoked!.revokedAt).not.toBeNull();

  // And the API agrees: the token no longer authenticates.
  const response = await fetch(`${server.url}/public-api/v1/orders`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(401);
});
