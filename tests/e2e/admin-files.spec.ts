import { createHash, randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { files, jobs, uploads } from "~/db/schema";
import { test, expect } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";
import { dialogsClosed } from "./dialogs";
import { createDigitalProduct } from "../helpers/factories";

test("files: drop two files (progress, stored), duplicate detected, delete blocked by products", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
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
});

test("files: an interrupted upload is listed and resumes with the same file", async ({
  page,
  adminUrl,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
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
});

test("files: imports from URLs show progress (refreshed), failures, and can be stopped", async ({
  page,
  adminUrl,
  saveScreenshot,
  adminShop,
  db,
}) => {
  const shop = await adminShop();
  const MiB = 1024 * 1024;
  const ingest = (name: string, fields: Partial<typeof jobs.$inferInsert>) =>
    db
      .insert(jobs)
      .values({
        shopId: shop.id,
        type: "asset.ingest",
        payload: { fileId: `file_${name}`, url: `https://cdn.example.com/media/${name}` },
        ...fields,
      })
      .returning()
      .then(([row]) => row!);
  // Running with a fresh heartbeat and queued far in the future: the server's worker
  // leaves both alone, so what the page shows is what the rows say.
  const running = await ingest("catalog-2026.zip", {
    status: "running",
    attempts: 1,
    startedAt: new Date(),
    heartbeatAt: new Date(),
    lockedBy: "e2e",
    progressBytes: 400 * MiB,
    totalBytes: 1024 * MiB,
  });
  const queued = await ingest("lookbook.pdf", { runAt: new Date(Date.now() + 3_600_000) });
  await ingest("course-videos.zip", {
    status: "failed",
    attempts: 1,
    finishedAt: new Date(),
    errorCode: "checksum_mismatch",
    error: "The SHA-256 of the fetched file is 9f86d0…, not the declared 2c26b4….",
  });
  const jobRow = async (id: string) => (await db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

  await page.goto(await adminUrl(shop.domain, "/app/files"));
  await expect(page.getByRole("heading", { name: "Imports from URLs" })).toBeVisible();
  await expect(page.getByText("400 MB of 1.0 GB (39%)")).toBeVisible();
  await expect(page.getByText("from cdn.example.com").first()).toBeVisible();
  await expect(page.getByText(/The SHA-256 of the fetched file is 9f86d0/)).toBeVisible();
  await expect(page.getByText("Failed", { exact: true })).toBeVisible();
  await expect(page.getByText("Queued", { exact: true })).toBeVisible();

  // The worker reports progress; the page follows without a reload.
  await db
    .update(jobs)
    .set({ progressBytes: 800 * MiB })
    .where(eq(jobs.id, running.id));
  await expect(page.getByText("800 MB of 1.0 GB (78%)")).toBeVisible({ timeout: 8000 });
  await expectNoSeriousA11yViolations(page);
  await saveScreenshot("admin-files-imports");

  // Stopping a queued import cancels it at once.
  await page.getByRole("button", { name: "Stop importing lookbook.pdf" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Stop import" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Import stopped" })).toBeVisible();
  await dialogsClosed(page);
  await expect(page.getByText("Stopped", { exact: true })).toBeVisible();
  expect((await jobRow(queued.id)).status).toBe("cancelled");

  // A running one is asked to stop; its worker deletes what it received.
  await page.getByRole("button", { name: "Stop importing catalog-2026.zip" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Stop import" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Stopping the import" })).toBeVisible();
  await dialogsClosed(page);
  await expect(page.getByText("Stopping", { exact: true })).toBeVisible();
  expect((await jobRow(running.id)).cancelRequestedAt).not.toBeNull();
  await expect(page.getByRole("button", { name: "Stop importing catalog-2026.zip" })).toBeHidden();
});
