import { Duplex, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import { adoptBuffer, releaseBuffer, takeBuffer } from "./buffer-pool.server";
import { createRecordSealer, DEFAULT_CHUNK_SIZE, type EncryptionKey } from "./encryption.server";
import { hashThreadMain, type HashReply, type HashRequest } from "./hash-thread.server";
import type { FileEncryptionMeta } from "./types";

/**
 * Every byte stored goes through a seal stream: plaintext in, the bytes to store out
 * (the chunked AES-256-GCM layout with a key, the plaintext itself without), plus the
 * plaintext's size and SHA-256.
 *
 * Incoming chunks are copied into 1 MiB batches. Each batch moves (transferred, not
 * cloned) to the hash thread and comes back hashed. With a key, its records are sealed
 * here, straight from the batch, before it moves: a batch holds whole records, and its
 * last one waits until the next batch or the end says whether it is the file's last.
 * Without a key, the hashed batch itself is what gets stored: one object per MiB for the
 * garbage collector rather than sixteen network chunks kept until written. Batches come
 * from a pool (buffer-pool.server.ts) and go back to it once hashed, or once the local
 * driver has written them.
 */

/** Bytes per batch: four records of the default size. */
const BATCH_BYTES = 1024 * 1024;
/** Batches with the hash thread at once per stream: keeps it busy, bounds memory. */
const MAX_IN_FLIGHT = 4;

export interface SealOptions {
  /** Plaintext bytes per record (encrypted streams); must divide the 1 MiB batch. */
  chunkSize?: number;
  /** Also the hex MD5 of the plaintext (S3-style part ETags). */
  md5?: boolean;
}

export interface SealResult {
  size: number;
  sha256: string;
  /** When asked for. */
  md5?: string;
  /** Set when the stream encrypted. */
  encryption?: FileEncryptionMeta;
}

export type SealStream = Duplex & { result(): SealResult };

// ---------------------------------------------------------------------------------------
// The hash thread
// ---------------------------------------------------------------------------------------

let thread: Worker | null = null;
const receivers = new Map<number, (reply: HashReply) => void>();
let nextStreamId = 1;

function hashThread(): Worker {
  if (thread) return thread;
  // esbuild's keepNames wraps named functions in __name(); the eval'd source has no such
  // helper, so it gets a stand-in.
  const started = new Worker(
    `"use strict"; var __name = (f) => f; (${hashThreadMain.toString()})();`,
    { eval: true },
  );
  started.on("message", (reply: HashReply) => receivers.get(reply.id)?.(reply));
  const fail = (error: Error) => {
    if (thread !== started) return;
    thread = null;
    for (const [id, receive] of receivers) {
      receive({ id, error: `The hash thread stopped: ${error.message}` });
    }
  };
  started.on("error", fail);
  started.on("exit", (code) => fail(new Error(`exit code ${code}`)));
  thread = started;
  keepAliveWhileBusy();
  return started;
}

/** Only open streams keep the process alive: an idle thread must not hold up its exit. */
function keepAliveWhileBusy(): void {
  if (receivers.size > 0) thread?.ref();
  else thread?.unref();
}

function track(id: number, receive: ((reply: HashReply) => void) | null): void {
  if (receive) receivers.set(id, receive);
  else receivers.delete(id);
  keepAliveWhileBusy();
}

function send(request: HashRequest, transfer: ArrayBuffer[] = []): void {
  hashThread().postMessage(request, transfer);
}

/**
 * Stops the thread as if it had crashed: open streams fail, the next one starts a new
 * thread. For tests, and for nothing else.
 */
export async function terminateHashThread(): Promise<void> {
  await thread?.terminate();
}

// ---------------------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------------------

/** Size and digests of a stream's bytes, hashed on the hash thread; the bytes are dropped. */
export async function digestOf(
  source: AsyncIterable<Uint8Array> | Readable,
  options: Pick<SealOptions, "md5"> = {},
): Promise<SealResult> {
  const seal = createSealStream(null, options);
  const drained = (async () => {
    for await (const batch of seal) releaseBuffer(batch as Buffer);
  })();
  await Promise.all([pipeline(source, seal), drained]);
  return seal.result();
}

export function createSealStream(
  key: EncryptionKey | null,
  { chunkSize = DEFAULT_CHUNK_SIZE, md5: withMd5 = false }: SealOptions = {},
): SealStream {
  if (BATCH_BYTES % chunkSize !== 0) {
    throw new Error(`The record size must divide ${BATCH_BYTES} bytes (got ${chunkSize}).`);
  }
  const sealer = key ? createRecordSealer(key, chunkSize) : null;
  const id = nextStreamId++;
  let size = 0;
  let sha256: string | undefined;
  let md5: string | undefined;
  let batch: Buffer | null = null;
  let fill = 0;
  // Encrypted: the newest full batch, all records sealed but its last one.
  let pending: Buffer | null = null;
  let inFlight = 0;
  // Downstream asked us to stop pushing: stop taking plaintext too.
  let blocked = false;
  let heldWrite: (() => void) | null = null;
  let heldFinal: ((error?: Error | null) => void) | null = null;
  let closed = false;

  const push = (bytes: Buffer) => {
    if (!stream.push(bytes)) blocked = true;
  };

  const release = () => {
    if (!heldWrite || blocked || inFlight >= MAX_IN_FLIGHT) return;
    const callback = heldWrite;
    heldWrite = null;
    callback();
  };

  /** Seals the records of `view` from byte `from`; the one ending at `view.length` is last if `last`. */
  const sealRecords = (view: Buffer, from: number, last: boolean) => {
    for (let start = from; start < view.length; start += chunkSize) {
      const end = Math.min(start + chunkSize, view.length);
      sealer!.seal(view.subarray(start, end), last && end === view.length, push);
    }
  };

  const dispatch = (view: Buffer) => {
    inFlight++;
    send({ op: "data", id, batch: view }, [view.buffer as ArrayBuffer]);
  };

  /** The pending batch's last record is (`last`) or is not the file's last: seal, send. */
  const settlePending = (last: boolean) => {
    if (!pending) return;
    sealRecords(pending, BATCH_BYTES - chunkSize, last);
    dispatch(pending);
    pending = null;
  };

  const batchFull = (full: Buffer) => {
    if (!sealer) return dispatch(full);
    settlePending(false);
    sealRecords(full.subarray(0, BATCH_BYTES - chunkSize), 0, false);
    pending = full;
  };

  const stop = () => {
    if (closed) return;
    closed = true;
    track(id, null);
  };

  const stream = new Duplex({
    // A batch may wait here while the one before it is being written.
    readableHighWaterMark: 2 * BATCH_BYTES,
    write(chunk: Buffer, _encoding, callback) {
      try {
        size += chunk.length;
        let offset = 0;
        while (offset < chunk.length) {
          batch ??= takeBuffer();
          const n = chunk.copy(batch, fill, offset, offset + (BATCH_BYTES - fill));
          fill += n;
          offset += n;
          if (fill === BATCH_BYTES) {
            const full = batch.subarray(0, BATCH_BYTES);
            batch = null;
            fill = 0;
            batchFull(full);
          }
        }
      } catch (error) {
        return callback(error as Error);
      }
      heldWrite = () => callback();
      release();
    },
    final(callback) {
      try {
        const tail = batch && fill > 0 ? batch.subarray(0, fill) : null;
        batch = null;
        if (sealer) {
          settlePending(tail === null);
          // An empty file is one empty record, so even emptiness is authenticated.
          if (tail) sealRecords(tail, 0, true);
          else if (size === 0) sealer.seal(Buffer.alloc(0), true, push);
        }
        if (tail) dispatch(tail);
      } catch (error) {
        return callback(error as Error);
      }
      inFlight++;
      heldFinal = callback;
      send({ op: "end", id });
    },
    read() {
      blocked = false;
      release();
    },
    destroy(error, callback) {
      if (!closed && thread) send({ op: "close", id });
      stop();
      callback(error);
    },
  });

  const onReply = (reply: HashReply) => {
    inFlight--;
    if (reply.error !== undefined) {
      stream.destroy(new Error(reply.error));
      return;
    }
    if (reply.spent) {
      const spent = adoptBuffer(reply.spent);
      // Sealed records went downstream already; plaintext goes now, in batch order.
      if (sealer) releaseBuffer(spent);
      else push(spent);
    }
    if (reply.sha256 !== undefined) {
      sha256 = reply.sha256;
      md5 = reply.md5;
      stop();
      stream.push(null);
      const callback = heldFinal;
      heldFinal = null;
      callback?.();
      return;
    }
    release();
  };
  // A bug here must fail this stream, not escape as an uncaught exception.
  track(id, (reply) => {
    try {
      onReply(reply);
    } catch (error) {
      stream.destroy(error as Error);
    }
  });
  send({ op: "open", id, md5: withMd5 });

  return Object.assign(stream, {
    result(): SealResult {
      if (sha256 === undefined) throw new Error("The seal stream has not finished.");
      return {
        size,
        sha256,
        ...(md5 !== undefined ? { md5 } : {}),
        ...(sealer ? { encryption: sealer.meta(size) } : {}),
      };
    },
  });
}
