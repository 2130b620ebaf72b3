import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { digitalProductFiles, digitalProducts, files } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";
import { pdfPageTexts } from "../helpers/pdf-text";
import { createDigitalProduct, createStoredFile } from "../helpers/factories";

/** App Bridge's resource picker answers with this product (the stub has no Shopify). */
async function stubResourcePicker(page: Page, gid: string, title: string) {
  await page.evaluate(
    ({ gid, title }) => {
      const shopify = (window as unknown as { shopify: Record<string, unknown> }).shopify;
      shopify.resourcePicker = async () => [{ id: gid, title, variants: [], totalVariants: 2 }];
    },
    { gid, title },
  );
}

test("digital products: create with a file and stamping (live preview), edit, archive, restore", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  test.setTimeout(120_000); // one long flow on a shared 2-core machine
  const shop = await adminShop();
  const guide = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Guide.pdf" });
  const bonus = await createStoredFile(db, shop, { dataDir: server.dataDir, name: "Bonus.pdf" });
  const productsOfShop = () =>
    db.select().from(digitalProducts).where(eq(digitalProducts.shopId, shop.id));

  // Empty list → create.
  await page.goto(await adminUrl(shop.domain, "/app/products"));
  await expect(page.getByText("Sell your first digital product")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: "Create digital product" }).first().click();
  await expect(page.getByRole("heading", { name: "New digital product" })).toBeVisible();

  // Save with nothing: inline errors, nothing written.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Give the product a name.")).toBeVisible();
  await expect(page.getByText("Choose the Shopify product this delivers.")).toBeVisible();
  expect(await productsOfShop()).toEqual([]);

  await stubResourcePicker(page, "gid://shopify/Product/4242", "Field Guide");
  await page.getByRole("button", { name: "Choose product" }).click();
  await expect(page.getByText("Field Guide · all variants")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Name" })).toHaveValue("Field Guide");
  // Fixed fields lose their error straight away.
  await expect(page.getByText("Give the product a name.")).toBeHidden();
  await expect(page.getByText("Choose the Shopify product this delivers.")).toBeHidden();

  // Keyboard only: open the file library, search, pick one, attach.
  await page.getByRole("button", { name: "Attach files" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Attach files" });
  await expect(dialog.getByText("Bonus.pdf")).toBeVisible();
  await dialog.getByRole("textbox", { name: "Search files" }).fill("guide");
  await expect(dialog.getByText("Bonus.pdf")).toBeHidden();
  await dialog.getByRole("checkbox", { name: /Guide\.pdf/ }).focus();
  await page.keyboard.press("Space");
  await dialog.getByRole("button", { name: "Attach" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("1. Guide.pdf")).toBeVisible();

  await page.getByRole("spinbutton", { name: "Download limit" }).fill("5");
  await page.getByRole("checkbox", { name: "Stamp PDFs with the buyer's details" }).check();
  await page
    .getByRole("textbox", { name: "Stamping text" })
    .fill("Licensed to {{customer_email}} for {{order_name}}");
  const preview = page.getByTestId("stamp-preview");
  await expect(preview).toHaveAttribute("data-state", "ready", { timeout: 15_000 });
  await expect(preview.getByText("Stamp: Licensed to jane@example.com for #1001")).toBeVisible();
  const previewFrame = page.locator('iframe[title="Stamp preview"]');
  await expect(previewFrame).toBeVisible();
  // The PDF the frame shows, read back: the stamp is in it. (Chromium's PDF viewer draws
  // the page a moment after the frame loads; a screenshot taken before shows its dark
  // background, not a broken preview.)
  const shownPdf = await previewFrame.evaluate(async (frame: HTMLIFrameElement) =>
    Array.from(new Uint8Array(await (await fetch(frame.src)).arrayBuffer())),
  );
  const [sampleText] = await pdfPageTexts(Uint8Array.from(shownPdf));
  expect(sampleText).toContain("Sample page");
  expect(sampleText).toContain("Licensed to jane@example.com for #1001");
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-products-new");

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/app\/products\/prod_[0-9a-z]{26}/);
  await expect(page.getByRole("heading", { name: "Field Guide" })).toBeVisible();
  const [created] = await productsOfShop();
  expect(created).toMatchObject({
    name: "Field Guide",
    productGid: "gid://shopify/Product/4242",
    useAllVariants: true,
    maxDownloads: 5,
    stampingEnabled: true,
    stampingTemplate: "Licensed to {{customer_email}} for {{order_name}}",
    source: "admin",
    isArchived: false,
  });
  const attached = () =>
    db
      .select()
      .from(digitalProductFiles)
      .where(eq(digitalProductFiles.digitalProductId, created!.id))
      .orderBy(asc(digitalProductFiles.position));
  expect((await attached()).map((f) => f.fileId)).toEqual([guide.id]);

  // Edit: add the second file, clear the limit; a bad value is shown inline first.
  await page.getByRole("spinbutton", { name: "Download limit" }).fill("-3");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(
    page.getByText("Enter a whole number, or leave it empty for no limit."),
  ).toBeVisible();
  await page.getByRole("spinbutton", { name: "Download limit" }).fill("");
  await page.getByRole("button", { name: "Attach files" }).click();
  await page.getByRole("dialog", { name: "Attach files" }).getByText("Bonus.pdf").click();
  await page
    .getByRole("dialog", { name: "Attach files" })
    .getByRole("button", { name: "Attach" })
    .click();
  await expect(page.getByText("2. Bonus.pdf")).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect
    .poll(async () => (await attached()).map((f) => f.fileId))
    .toEqual([guide.id, bonus.id]);
  const [edited] = await productsOfShop();
  expect(edited?.maxDownloads).toBeNull();
  await saveScreenshot("admin-products-edited");

  // Upload from the editor: a new file goes to the library (direct upload, in parts) and
  // is attached; saving keeps it attached.
  const appendix = randomBytes(200_000);
  const upload = page.locator('input[type="file"]');
  await upload.setInputFiles({
    name: "Appendix.pdf",
    mimeType: "application/pdf",
    buffer: appendix,
  });
  await expect(page.getByText("Uploaded and attached as Appendix.pdf.")).toBeVisible();
  await expect(page.getByText("3. Appendix.pdf")).toBeVisible();
  const [stored] = await db
    .select()
    .from(files)
    .where(and(eq(files.shopId, shop.id), eq(files.name, "Appendix.pdf")));
  expect(stored).toMatchObject({
    source: "direct_upload",
    uploaded: true,
    size: appendix.length,
    checksumSha256: createHash("sha256").update(appendix).digest("hex"),
  });
  expect((await attached()).map((f) => f.fileId)).toEqual([guide.id, bonus.id]);
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-products-uploaded");
  await page.getByRole("button", { name: "Save" }).click();
  await expect
    .poll(async () => (await attached()).map((f) => f.fileId))
    .toEqual([guide.id, bonus.id, stored!.id]);

  // Bytes the library already has: offered instead of a second copy (keyboard only);
  // taking it attaches nothing twice.
  await upload.setInputFiles({
    name: "Guide copy.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 test"), // the factory's bytes of Guide.pdf
  });
  await expect(page.getByText("Already in your library as Guide.pdf")).toBeVisible();
  await page.getByRole("button", { name: "Use existing file" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Attached Guide.pdf from your library.")).toBeVisible();
  await expect(page.getByText("4. ")).toBeHidden();
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  expect(
    await db
      .select()
      .from(files)
      .where(and(eq(files.shopId, shop.id), eq(files.name, "Guide copy.pdf"))),
  ).toEqual([]);

  // Archive, with a confirmation.
  await page.getByRole("button", { name: "Archive product" }).click();
  const confirm = page.getByRole("dialog", { name: "Archive this digital product?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Archive" }).click();
  await expect(page).toHaveURL(/\/app\/products(\?|$)/);
  await expect.poll(async () => (await productsOfShop())[0]?.isArchived).toBe(true);
  await expect(page.getByText("Sell your first digital product")).toBeVisible();

  // Meanwhile a second edition delivers the same Shopify product.
  const secondEdition = await createDigitalProduct(db, shop, {
    name: "Field Guide (2nd ed.)",
    productGid: "gid://shopify/Product/4242",
  });
  const archivedFlag = async (id: string) =>
    (await db.select().from(digitalProducts).where(eq(digitalProducts.id, id)))[0]?.isArchived;

  // The Archived list shows it; restoring it now would deliver the product twice: refused.
  await page.getByRole("button", { name: "Archived", exact: true }).click();
  await expect(page).toHaveURL(/status=archived/);
  await expect(page.getByRole("button", { name: "Archived", exact: true })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  const restoreFirst = page.getByRole("button", { name: "Restore Field Guide", exact: true });
  await expect(restoreFirst).toBeVisible();
  await expect(page.getByRole("link", { name: "Field Guide (2nd ed.)" })).toBeHidden();
  await expectNoSeriousA11yViolations(page);
  await restoreFirst.click();
  // A banner that names the product in the way (the failure is also toasted).
  const refused = page.getByRole("alert").filter({ hasText: "The product was not restored" });
  await expect(refused).toContainText(
    `"Field Guide (2nd ed.)" (${secondEdition.id}) already delivers this Shopify product.`,
  );
  await saveScreenshot("admin-products-restore-refused");
  expect(await archivedFlag(created!.id)).toBe(true);

  // Once the second edition is archived, the first restores (keyboard only).
  await db
    .update(digitalProducts)
    .set({ isArchived: true })
    .where(eq(digitalProducts.id, secondEdition.id));
  await page.goto(await adminUrl(shop.domain, "/app/products?status=archived"));
  await restoreFirst.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Field Guide restored" })).toBeVisible();
  await expect.poll(() => archivedFlag(created!.id)).toBe(false);
  await expect(restoreFirst).toBeHidden();
  await expect(page.getByRole("link", { name: "Field Guide (2nd ed.)" })).toBeVisible();
  await page.getByRole("button", { name: "Active", exact: true }).click();
  await expect(page.getByRole("link", { name: "Field Guide", exact: true })).toBeVisible();

  // From the editor of an archived product: the banner's restore, refused while the
  // first edition is active, then done once it is archived.
  await page.goto(await adminUrl(shop.domain, `/app/products/${secondEdition.id}`));
  const banner = page.getByText("This product is archived");
  await expect(banner).toBeVisible();
  await page.getByRole("button", { name: "Restore product" }).click();
  await expect(refused).toContainText(
    `"Field Guide" (${created!.id}) already delivers this Shopify product.`,
  );
  expect(await archivedFlag(secondEdition.id)).toBe(true);
  await db
    .update(digitalProducts)
    .set({ isArchived: true })
    .where(eq(digitalProducts.id, created!.id));
  await page.getByRole("button", { name: "Restore product" }).click();
  await expect(banner).toBeHidden();
  await expect(refused).toBeHidden();
  expect(await archivedFlag(secondEdition.id)).toBe(false);
  await expect(page.getByRole("button", { name: "Archive product" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
