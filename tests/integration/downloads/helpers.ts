/** Helpers shared by the download integration tests (not a test file). */
import { join } from "node:path";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import { files, type FileRow, type Shop } from "~/db/schema";
import { encryptionKeyFrom } from "~/lib/storage/encryption.server";
import { createFileStorage, storedFileColumns } from "~/lib/storage/index.server";
import { createLocalDriver } from "~/lib/storage/local-driver.server";

/** The key every download test server runs with, so tests can write encrypted files. */
export const TEST_FILE_KEY = Buffer.alloc(32, 7).toString("base64");

/** Stores `body` encrypted in the server's DATA_DIR, exactly as the app would. */
export async function createEncryptedFile(
  db: Db,
  shop: Shop,
  input: { dataDir: string; name: string; body: Buffer; contentType?: string },
): Promise<FileRow> {
  const store = createFileStorage(createLocalDriver(join(input.dataDir, "files")), {
    key: async () => encryptionKeyFrom(Buffer.from(TEST_FILE_KEY, "base64")),
    encryptsByDefault: true,
  });
  const [row] = await db
    .insert(files)
    .values({
      shopId: shop.id,
      name: input.name,
      contentType: input.contentType ?? "application/octet-stream",
      storageKey: `pending-${Math.random().toString(36).slice(2)}`,
      source: "seed",
    })
    .returning();
  const key = `${shop.id}/${row!.id}`;
  const stored = await store.put(key, Readable.from([input.body]), { encrypt: true });
  const [updated] = await db
    .update(files)
    .set({ storageKey: key, ...storedFileColumns(stored, store), uploaded: true })
    .where(eq(files.id, row!.id))
    .returning();
  return updated!;
}

export async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}
