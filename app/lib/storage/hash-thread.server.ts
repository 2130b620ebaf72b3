/**
 * The hash thread behind seal-stream.server.ts: SHA-256 of every stored byte (and MD5
 * where a caller needs S3-style part ETags), off the main thread. Even with SHA-NI it costs ~0.55 s of CPU per GiB, the largest single cost
 * of an upload or ingest; on the main thread it competed with the network reads and
 * every request the server was answering meanwhile. Several streams share the thread,
 * told apart by id; a stream's replies come back in the order of its requests.
 *
 * It runs in a worker started from this function's source text (`eval: true`): the server
 * is one bundle, and a worker needs a file or a string. So the function must stay
 * self-contained: no imports, nothing from outside its own body, Node built-ins through
 * process.getBuiltinModule (Node ≥ 20.16; a bundler rewrites `require`).
 */

/** Main thread → hash thread. */
export type HashRequest =
  | { op: "open"; id: number; md5: boolean }
  /** The next plaintext; `batch` owns its ArrayBuffer (transferred), and comes back. */
  | { op: "data"; id: number; batch: Uint8Array }
  | { op: "end"; id: number }
  | { op: "close"; id: number };

/** Hash thread → main thread: one reply per `data` and `end`. */
export interface HashReply {
  id: number;
  /** The request's batch, hashed, handed back (transferred). */
  spent?: Uint8Array;
  /** On the reply to `end`: hex SHA-256 of the stream (and hex MD5, if opened with it). */
  sha256?: string;
  md5?: string;
  error?: string;
}

export function hashThreadMain(): void {
  const parentPort = process.getBuiltinModule("node:worker_threads").parentPort!;
  const { createHash } = process.getBuiltinModule("node:crypto");
  type Hash = ReturnType<typeof createHash>;
  const streams = new Map<number, { sha256: Hash; md5: Hash | null }>();

  parentPort.on("message", (request: HashRequest) => {
    if (request.op === "open") {
      streams.set(request.id, {
        sha256: createHash("sha256"),
        md5: request.md5 ? createHash("md5") : null,
      });
      return;
    }
    const hashes = streams.get(request.id);
    if (request.op === "close" || !hashes) {
      streams.delete(request.id);
      return;
    }
    let reply: HashReply;
    try {
      if (request.op === "data") {
        hashes.sha256.update(request.batch);
        hashes.md5?.update(request.batch);
        reply = { id: request.id, spent: request.batch };
      } else {
        streams.delete(request.id);
        reply = {
          id: request.id,
          sha256: hashes.sha256.digest("hex"),
          ...(hashes.md5 ? { md5: hashes.md5.digest("hex") } : {}),
        };
      }
    } catch (error) {
      streams.delete(request.id);
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    parentPort.postMessage(reply, reply.spent ? [reply.spent.buffer as ArrayBuffer] : []);
  });
}
