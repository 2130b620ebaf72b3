import path from "node:path";
import { pipeline } from "node:stream/promises";
import { env } from "~/lib/env.server";
import { rootLogger } from "~/lib/request-context.server";
import { createDecryptedStream, loadEncryptionKey, type EncryptionKey } from "./encryption.server";
import { createLocalDriver } from "./local-driver.server";
import { createSealStream } from "./seal-stream.server";
import { createS3Driver } from "./s3-driver.server";
import type { FileStorage, StorageDriver, StoredObject } from "./types";

export type {
  ByteRange,
  NativeMultipart,
  NativePart,
  FileEncryptionMeta,
  FileStorage,
  StorageDriver,
  StoredObject,
} from "./types";
export { StorageIntegrityError } from "./encryption.server";

/**
 * Wraps a raw driver with at-rest encryption. The key is loaded on first use (it may be
 * read from, or generated into, DATA_DIR), so building the storage never does I/O.
 */
export function createFileStorage(
  driver: StorageDriver,
  options: { key: () => Promise<EncryptionKey>; encryptsByDefault: boolean },
): FileStorage {
  let keyPromise: Promise<EncryptionKey> | undefined;
  const key = () => {
    keyPromise ??= options.key().catch((error: unknown) => {
      keyPromise = undefined;
      throw error;
    });
    return keyPromise;
  };

  return {
    name: driver.name,
    encryptsByDefault: options.encryptsByDefault,

    async put(objectKey, body, putOptions): Promise<StoredObject> {
      // The seal stream hashes (on its thread) and encrypts; the driver only stores.
      const seal = createSealStream(putOptions?.encrypt ? await key() : null, {
        md5: putOptions?.md5,
      });
      // The driver consumes the sealed bytes; the pipeline surfaces a failing source.
      await Promise.all([
        driver.put(objectKey, seal),
        pipeline(body, seal).catch((error: unknown) => {
          seal.destroy(error as Error);
          throw error;
        }),
      ]);
      return seal.result();
    },

    async get(objectKey, getOptions) {
      if (!getOptions?.encryption) return driver.get(objectKey, getOptions?.range);
      return createDecryptedStream(
        await key(),
        getOptions.encryption,
        (raw) => driver.get(objectKey, raw),
        getOptions.range,
      );
    },

    stat: (objectKey) => driver.stat(objectKey),
    delete: (objectKey) => driver.delete(objectKey),
    async deletePrefix(prefix) {
      await driver.deletePrefix?.(prefix);
    },
    presignGet: driver.presignGet?.bind(driver),
    // Native parts are stored as sent: only usable when new files are not encrypted.
    multipart: options.encryptsByDefault ? undefined : driver.multipart,
  };
}

let instance: FileStorage | undefined;

/** The configured storage: STORAGE_DRIVER (local by default) plus at-rest encryption. */
export function storage(): FileStorage {
  if (instance) return instance;
  const config = env();
  const driver =
    config.STORAGE_DRIVER === "s3"
      ? createS3Driver({
          bucket:
            config.S3_BUCKET ??
            (() => {
              throw new Error("STORAGE_DRIVER=s3 needs S3_BUCKET.");
            })(),
          region: config.S3_REGION,
          endpoint: config.S3_ENDPOINT,
          forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
          accessKeyId: config.S3_ACCESS_KEY_ID,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        })
      : createLocalDriver(path.resolve(config.DATA_DIR, "files"));
  instance = createFileStorage(driver, {
    // Local disks get encrypted by default; buckets usually have their own (SSE).
    encryptsByDefault:
      config.STORAGE_ENCRYPTION === "on" ||
      (config.STORAGE_ENCRYPTION === "auto" && driver.name === "local"),
    key: fileEncryptionKey,
  });
  return instance;
}

let fileKey: Promise<EncryptionKey> | undefined;

/**
 * The app's one at-rest key (FILE_ENCRYPTION_KEY, else the key file generated under
 * DATA_DIR), loaded once per process. Files use it, and so do secrets stored in columns
 * (`app/lib/secret-box.server.ts`). Reads `process.env` rather than `env()` so the
 * webhook worker and its tests need no Shopify settings to open a secret; env() has
 * already validated the same variables at boot.
 */
export function fileEncryptionKey(): Promise<EncryptionKey> {
  fileKey ??= loadEncryptionKey({
    envKey: process.env.FILE_ENCRYPTION_KEY || undefined,
    dataDir: process.env.DATA_DIR || ".data",
    warn: (message, fields) => rootLogger.warn(fields ?? {}, message),
  }).catch((error: unknown) => {
    fileKey = undefined; // a transient read error must not stick for the process
    throw error;
  });
  return fileKey;
}

export function fileStorageKey(shopId: string, fileId: string): string {
  return `${shopId}/${fileId}`;
}

/**
 * The `files` columns describing a stored object, ready to spread into an insert or
 * update: `db.insert(files).values({ …, ...storedFileColumns(stored) })`.
 */
export function storedFileColumns(stored: StoredObject, driver: FileStorage = storage()) {
  return {
    size: stored.size,
    checksumSha256: stored.sha256,
    storageDriver: driver.name,
    isEncrypted: Boolean(stored.encryption),
    encryption: stored.encryption ?? null,
  };
}
