import path from "node:path";
import { env } from "~/lib/env.server";
import { createLocalDriver } from "./local-driver.server";
import type { StorageDriver } from "./types";

export type { ByteRange, StorageDriver, StoredObject } from "./types";

let driver: StorageDriver | undefined;

/** The configured storage driver (local disk under DATA_DIR/files until S3 is configured). */
export function storage(): StorageDriver {
  driver ??= createLocalDriver(path.resolve(env().DATA_DIR, "files"));
  return driver;
}

export function fileStorageKey(shopId: string, fileId: string): string {
  return `${shopId}/${fileId}`;
}
