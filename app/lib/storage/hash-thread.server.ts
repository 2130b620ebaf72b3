/**
 * The hash thread behind seal-stream.server.ts: SHA-256 of every stored byte, off the
 * main thread. Even with SHA-NI it costs ~0.55 s of CPU per GiB, the largest single cost
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
  | { op: "open"; id: number }
  /** The next plaintext; `batch` owns its ArrayBuffer (transferred), and comes back. */
  | { op: "data"; id: number; batch: Uint8Array }
  | { op: "end"; id: number }
  | { op: "close"; id: number };

/** Hash thread → main thread: one reply per `data` and `end`. */
export interface HashReply {
  id: number;
  /** The request's batch, hashed, handed back (transferred). */
  spent?: Uint8Array;
  /** On the reply to `end`: hex SHA-256 of the stream. */
  sha256?: string;
  error?: string;
}

export function hashThreadMain(): void {
  const parentPort = process.getBuiltinModule("node:worker_threads").parentPort!;
  const { createHash } = process.getBuiltinModule("node:crypto");
  const streams = new Map<number, ReturnType<typeof createHash>>();

  parentPort.on("message", (request: HashRequest) => {
    if (request.op === "open") {
      streams.set(request.id, createHash("sha256"));
      return;
    }
    const hash = streams.get(request.id);
    if (request.op === "close" || !hash) {
      streams.delete(request.id);
      return;
    }
    let reply: HashReply;
    try {
      if (request.op === "data") {
        hash.update(request.batch);
        reply = { id: request.id, spent: request.batch };
      } else {
        streams.delete(request.id);
        reply = { id: request.id, sha256: hash.digest("hex") };
      }
    } catch (error) {
      streams.delete(request.id);
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    parentPort.postMessage(reply, reply.spent ? [reply.spent.buffer as ArrayBuffer] : []);
  });
}
