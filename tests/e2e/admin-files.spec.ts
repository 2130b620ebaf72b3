import { createHash, randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { files, uploads } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";
import { dialogsClosed } from "./dialogs";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createOfflineSession,
  createShop,
} from "../helpers/factories";

test("files: drop two files (progress, stored), duplicate detected, delete blocked by products", async ({
  page,
  server,
  adminUrl,
  saveScreenshot,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    const guide = randomBytes(300_000);
    const notes = Buffer.from("Chapter notes\n".repeat(500));
    const shopFiles = () =>
      db
        .select()
        .from(files)
        .where(and(eq(files.shopId, shop.id), eq(files.uploaded, true)));

    await page.goto(await adminUrl(shop.domain, "/app/files"));
    await expect(page.getByRole("heading", { name: "Files", exact: true })).toBeVisible();
    await expect(page.getByText("No files yet: drop some above.")).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Two files at once through the DropZone's input (what a drop or "Add files" feeds).
    await page
      .locator('input[type="file"]')
      .first()
      .setInputFiles([
        { name: "guide.bin", mimeType: "application/octet-stream", buffer: guide },
        { name: "notes.txt", mimeType: "text/plain", buffer: notes },
      ]);
    await expect(page.getByRole("progressbar").first()).toBeVisible();
    await expect(page.getByText("Uploaded as guide.bin.")).toBeVisible();
    await expect(page.getByText("Uploaded as notes.txt.")).toBeVisible();
    await expect
      .poll(async () => (await shopFiles()).map((f) => f.name).sort())
      .toEqual(["guide.bin", "notes.txt"]);
    const stored = await shopFiles();
    const guideRow = stored.find((f) => f.name === "guide.bin")!;
    expect(guideRow).toMatchObject({
      source: "direct_upload",
      size: guide.length,
      checksumSha256: createHash("sha256").update(guide).digest("hex"),
    });
    await expect(page.getByRole("cell", { name: "guide.bin", exact: true })).toBeVisible();
    await expect(page.getByRole("cell", { name: "notes.txt", exact: true })).toBeVisible();
    await saveScreenshot("admin-files-uploaded");

    // The same bytes again (another name): found by hash before any byte is sent.
    await page.locator('input[type="file"]').first().setInputFiles({
      name: "guide-copy.bin",
      mimeType: "application/octet-stream",
      buffer: guide,
    });
    await expect(page.getByText("Already in your library as guide.bin")).toBeVisible();
    await page.getByRole("button", { name: "Use existing file" }).click();
    await expect(page.getByText("Using guide.bin from your library.")).toBeVisible();
    expect(await shopFiles()).toHaveLength(2);
    const sessions = await db.select().from(uploads).where(eq(uploads.shopId, shop.id));
    expect(sessions).toHaveLength(2);

    // Search narrows the table.
    await page.getByRole("textbox", { name: /Search files/ }).fill("notes");
    await expect(page.getByRole("cell", { name: "guide.bin", exact: true })).toBeHidden();
    await expect(page.getByRole("cell", { name: "notes.txt", exact: true })).toBeVisible();
    await page.getByRole("textbox", { name: /Search files/ }).fill("");
    await expect(page.getByRole("cell", { name: "guide.bin", exact: true })).toBeVisible();

    // Attached to two products: the delete is refused and the banner names them.
    await createDigitalProduct(db, shop, { name: "Photo course" }, [guideRow]);
    await createDigitalProduct(db, shop, { name: "Bundle" }, [guideRow]);
    await page.reload();
    const deleteGuide = page.getByRole("button", { name: "Delete guide.bin" });
    // Keyboard reachable: focus lands on the row's Delete button and Enter opens the dialog.
    await deleteGuide.focus();
    await expect(deleteGuide).toBeFocused();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").getByRole("button", { name: "Delete file" }).click();
    // The table's error banner (the App Bridge toast says the same; the banner stays).
    const banner = page
      .locator(".Polaris-Banner")
      .filter({ hasText: /still attached to digital products "Bundle" .*"Photo course"/ });
    await expect(banner).toBeVisible();
    expect((await shopFiles()).map((f) => f.name)).toContain("guide.bin");
    await dialogsClosed(page);
    await saveScreenshot("admin-files-delete-blocked");
    await expectNoSeriousA11yViolations(page);

    // Not attached: deleted after confirming.
    await page.getByRole("button", { name: "Delete notes.txt" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete file" }).click();
    await expect(page.getByRole("status").filter({ hasText: "File deleted" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "notes.txt", exact: true })).toBeHidden();
    expect((await shopFiles()).map((f) => f.name)).toEqual(["guide.bin"]);
  } finally {
    await closeDb(db);
  }
});

test("files: an interrupted upload is listed and resumes with the same file", async ({
  page,
  server,
  adminUrl,
}) => {
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    await createOfflineSession(db, shop.domain);
    // One part (default part size 16 MiB); the session is left pending, nothing received.
    const body = randomBytes(200_000);
    await page.goto(await adminUrl(shop.domain, "/app/files"));
    // Start a session the way the page does, then "lose" the tab before sending parts.
    const started = await page.evaluate(async (size) => {
      const res = await fetch("/app/uploads", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "movie.bin", size }),
      });
      return res.status;
    }, body.length);
    expect(started).toBe(200);
    await page.reload();
    await expect(page.getByText(/movie\.bin — 0 B of 195 KB received/)).toBeVisible();

    // The wrong file is refused; the right one completes.
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Resume movie.bin" }).click();
    await (
      await chooser
    ).setFiles({ name: "other.bin", mimeType: "application/octet-stream", buffer: body });
    await expect(page.getByText(/That is not the same file: pick movie\.bin/)).toBeVisible();
    const chooser2 = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Resume movie.bin" }).click();
    await (
      await chooser2
    ).setFiles({ name: "movie.bin", mimeType: "application/octet-stream", buffer: body });
    await expect(page.getByText("Uploaded as movie.bin.")).toBeVisible();
    await expect(page.getByRole("cell", { name: "movie.bin", exact: true })).toBeVisible();
    await expect(page.getByText(/movie\.bin — .* received/)).toBeHidden();
    const [row] = await db
      .select()
      .from(files)
      .where(and(eq(files.shopId, shop.id), eq(files.name, "movie.bin")));
    expect(row!.checksumSha256).toBe(createHash("sha256").update(body).digest("hex"));
  } finally {
    await closeDb(db);
  }
});
