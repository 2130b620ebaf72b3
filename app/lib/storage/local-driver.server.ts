import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ByteRange, StorageDriver, StoredObject } from "./types";

/** Keys are ours (`<shopId>/<fileId>`), but a bad key must never escape the root. */
const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;
const READ_CHUNK = 256 * 1024;

export function createLocalDriver(root: string): StorageDriver {
  function resolveKey(key: string): string {
    if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
      throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
    }
    return path.join(root, key);
  }

  return {
    name: "local",

    async put(key, body): Promise<StoredObject> {
      const target = resolveKey(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Write to a temp name and rename, so a reader never sees half a file.
      const temp = `${target}.${randomUUID()}.part`;
      const hash = createHash("sha256");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(Readable.from(body), meter, createWriteStream(temp));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { size, sha256: hash.digest("hex") };
    },

    async get(key, range?: ByteRange) {
      const file = resolveKey(key);
      // 256 KiB reads: fewer syscalls and stream hops per gigabyte than the 64 KiB default.
      return createReadStream(file, {
        highWaterMark: READ_CHUNK,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
    },

    async stat(key) {
      try {
        const info = await stat(resolveKey(key));
        return { size: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },

    async delete(key) {
      await rm(resolveKey(key), { force: true });
    },

    async deletePrefix(prefix) {
      if (!prefix.endsWith("/"))
        throw new Error(`Invalid storage prefix: ${JSON.stringify(prefix)}`);
      await rm(resolveKey(prefix.slice(0, -1)), { recursive: true, force: true });
    },
  };
}
