import type { Readable } from "node:stream";

export interface StoredObject {
  size: number;
  sha256: string;
}

export interface ByteRange {
  /** Inclusive first byte. */
  start: number;
  /** Inclusive last byte. */
  end: number;
}

/**
 * Where file bytes live. Everything streams: no driver may buffer a whole file, because
 * files run to gigabytes and the web process has a small, flat memory budget.
 */
export interface StorageDriver {
  readonly name: "local" | "s3";
  put(key: string, body: Readable | AsyncIterable<Uint8Array>): Promise<StoredObject>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
}
