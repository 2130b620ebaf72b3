import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { log } from "~/lib/request-context.server";
import { storage, type FileEncryptionMeta } from "~/lib/storage/index.server";
import { stampPdf } from "./stamp.server";
import type { StampOptions } from "./template";

/**
 * Stamped copies, cached in storage per (owner, file): `stamped/<shop>/<owner>/<file>.json`
 * names the current copy and the fingerprint of what made it (source bytes, text,
 * options). A changed template or customer name gives a new fingerprint and a fresh copy.
 * Copies are encrypted at rest like uploads. A PDF that cannot be stamped (encrypted,
 * broken, too big) is remembered as such and served unstamped, with a warning logged.
 */

const STAMP_VERSION = 1;
/** pdf-lib holds the whole document in memory; bigger PDFs are served unstamped. */
export const MAX_STAMP_BYTES = 150 * 1024 * 1024;

export interface StampSource {
  id: string;
  storageKey: string;
  size: number;
  checksum: string | null;
  encryption: FileEncryptionMeta | Record<string, unknown> | null;
}

export interface StampedCopy {
  storageKey: string;
  size: number;
  sha256: string;
  encryption: FileEncryptionMeta | null;
  createdAt: Date;
  /** true when served from the cache */
  cached: boolean;
}

interface CacheRecord {
  fingerprint: string;
  failed?: string;
  storageKey?: string;
  size?: number;
  sha256?: string;
  encryption?: FileEncryptionMeta | null;
  createdAt?: string;
}

const inFlight = new Map<string, Promise<StampedCopy | null>>();

export function stampCacheKeys(shopId: string, ownerId: string, fileId: string) {
  return {
    record: `stamped/${shopId}/${ownerId}/${fileId}.json`,
    object: (fingerprint: string) =>
      `stamped/${shopId}/${ownerId}/${fileId}-${fingerprint}-${randomBytes(4).toString("hex")}`,
  };
}

async function readRecord(key: string): Promise<CacheRecord | null> {
  try {
    const bytes = await buffer(await storage().get(key));
    return JSON.parse(bytes.toString("utf8")) as CacheRecord;
  } catch {
    return null; // missing or unreadable: stamp again
  }
}

function fromRecord(record: CacheRecord): StampedCopy | null {
  if (!record.storageKey || record.size === undefined || !record.sha256) return null;
  return {
    storageKey: record.storageKey,
    size: record.size,
    sha256: record.sha256,
    encryption: record.encryption ?? null,
    createdAt: new Date(record.createdAt ?? 0),
    cached: true,
  };
}

/**
 * The stamped copy to serve, or null to serve the original (not stampable). Concurrent
 * calls in this process share one stamping run.
 */
export function stampedCopy(input: {
  shopId: string;
  ownerId: string;
  file: StampSource;
  text: string;
  options: StampOptions;
}): Promise<StampedCopy | null> {
  const keys = stampCacheKeys(input.shopId, input.ownerId, input.file.id);
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify([
        STAMP_VERSION,
        input.file.checksum ?? `${input.file.storageKey}:${input.file.size}`,
        input.text,
        input.options,
      ]),
    )
    .digest("hex")
    .slice(0, 24);
  const flightKey = `${keys.record}:${fingerprint}`;
  const running = inFlight.get(flightKey);
  if (running) return running;
  const work = (async () => {
    const record = await readRecord(keys.record);
    if (record?.fingerprint === fingerprint) {
      if (record.failed) return null;
      const copy = fromRecord(record);
      if (copy) return copy;
    }
    const fresh = await stampAndStore(input, keys, fingerprint);
    if (record?.storageKey && record.storageKey !== fresh.record.storageKey) {
      await storage()
        .delete(record.storageKey)
        .catch(() => {});
    }
    return fresh.copy;
  })().finally(() => inFlight.delete(flightKey));
  inFlight.set(flightKey, work);
  return work;
}

async function stampAndStore(
  input: Parameters<typeof stampedCopy>[0],
  keys: ReturnType<typeof stampCacheKeys>,
  fingerprint: string,
): Promise<{ copy: StampedCopy | null; record: CacheRecord }> {
  const store = storage();
  const remember = async (record: CacheRecord) => {
    await store.put(keys.record, Readable.from([Buffer.from(JSON.stringify(record))]));
    return record;
  };
  const context = { file_id: input.file.id, owner_id: input.ownerId };
  if (input.file.size > MAX_STAMP_BYTES) {
    log().warn({ ...context, size: input.file.size }, "PDF too large to stamp: served unstamped");
    return { copy: null, record: await remember({ fingerprint, failed: "too_large" }) };
  }
  const started = performance.now();
  const source = await buffer(
    await store.get(input.file.storageKey, { encryption: input.file.encryption }),
  );
  const result = await stampPdf(source, input.text, input.options);
  if (!result.ok) {
    log().warn(
      { ...context, reason: result.reason, error: result.message },
      "PDF could not be stamped: served unstamped",
    );
    return { copy: null, record: await remember({ fingerprint, failed: result.reason }) };
  }
  const storageKey = keys.object(fingerprint);
  const stored = await store.put(storageKey, Readable.from([Buffer.from(result.bytes)]), {
    encrypt: store.encryptsByDefault,
  });
  const createdAt = new Date();
  const record = await remember({
    fingerprint,
    storageKey,
    size: stored.size,
    sha256: stored.sha256,
    encryption: stored.encryption ?? null,
    createdAt: createdAt.toISOString(),
  });
  log().info(
    { ...context, pages: result.pages, ms: Math.round(performance.now() - started) },
    "PDF stamped",
  );
  return {
    record,
    copy: {
      storageKey,
      size: stored.size,
      sha256: stored.sha256,
      encryption: stored.encryption ?? null,
      createdAt,
      cached: false,
    },
  };
}
