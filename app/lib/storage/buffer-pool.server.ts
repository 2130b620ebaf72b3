/**
 * Megabyte buffers that go round instead of being allocated per megabyte: the seal
 * stream fills one with plaintext, moves it to the seal thread and gets it back (and a
 * second one with the sealed bytes), the local driver writes it to disk and releases it,
 * and the next megabyte fills it again.
 *
 * Fresh memory per megabyte was measured to cost page faults and unmaps on every batch
 * (≈100,000 minor faults per GiB ingested) plus the garbage collector's time; the pool
 * takes that out of the steady state. Only buffers taken here can come back: a buffer
 * the pool never handed out is ignored by release, and a released buffer is forgotten
 * until taken again, so a second release is a no-op.
 */

/** Room for one batch of plaintext, or of records sealed from it with their tags. */
export const POOLED_BUFFER_BYTES = 1024 * 1024 + 4096;
/** At most this many idle buffers are kept (the rest go to the garbage collector). */
const MAX_IDLE = 16;

const idle: ArrayBuffer[] = [];
/** Buffers handed out and not released yet. */
const lent = new WeakSet<ArrayBufferLike>();

export function takeBuffer(): Buffer {
  const memory = idle.pop() ?? new ArrayBuffer(POOLED_BUFFER_BYTES);
  lent.add(memory);
  return Buffer.from(memory);
}

/**
 * A pooled buffer that came back from the seal thread: moving memory between threads
 * gives it a new ArrayBuffer object, which the pool must know again to take it back.
 */
export function adoptBuffer(view: Uint8Array): Buffer {
  if (view.buffer.byteLength === POOLED_BUFFER_BYTES) lent.add(view.buffer);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** The holder is done with this view's memory (if it is pooled); it will be reused. */
export function releaseBuffer(view: Uint8Array): void {
  const memory = view.buffer;
  if (!lent.has(memory)) return;
  lent.delete(memory);
  if (idle.length < MAX_IDLE && memory instanceof ArrayBuffer) idle.push(memory);
}
