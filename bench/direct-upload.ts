/**
 * Direct upload of a 2 GiB file over the public API, in 16 MiB parts (4 in flight),
 * generated on the fly, then completed (local storage: parts streamed through the
 * encrypting writer into one object). The server's RSS is sampled from /proc the whole
 * time: an upload must cost a flat amount of memory, whatever the file size.
 *
 *   npm run build && npm run bench -- uploads   → bench/results/uploads.json
 */
import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { files } from "~/db/schema";
import { apiClient, createApiToken } from "../tests/helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";
import { pidOfServer, rssMb, sampler } from "./_proc";
import { pool } from "./_stats";

const MiB = 1024 * 1024;

export interface DirectUploadOptions {
  /** Bytes to upload (default 2 GiB, `BENCH_UPLOAD_BYTES`). */
  size?: number;
  /** Part size (default 16 MiB). */
  partSize?: number;
  /** Parts in flight (default 4). */
  concurrency?: number;
}

export async function measureDirectUploadRss(opts: DirectUploadOptions = {}) {
  const size = opts.size ?? Number(process.env.BENCH_UPLOAD_BYTES ?? 2 * 1024 * MiB);
  const partSize = opts.partSize ?? 16 * MiB;
  const concurrency = opts.concurrency ?? 4;
  const server = await startServer({
    env: {
      LOG_LEVEL: "warn",
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      API_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000",
    },
  });
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    const api = apiClient(server.url, (await createApiToken(db, shop)).token);
    const pid = await pidOfServer(server.port);
    const idleRss = await rssMb(pid);

    const created = await api("POST", "/uploads", {
      json: { name: "bench-2g.bin", size, part_size: partSize },
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
    const upload = created.body.data as { id: string; part_count: number };

    // One random block, stamped with the part number: distinct parts without spending the
    // client's CPU on 2 GiB of randomness (the server's work is the same either way).
    const block = randomBytes(partSize);
    const partBytes = (n: number) => {
      const length = Math.min(partSize, size - (n - 1) * partSize);
      const part = Buffer.from(block.subarray(0, length));
      part.writeUInt32BE(n, 0);
      return part;
    };

    const rss = sampler(pid);
    const uploadStarted = performance.now();
    await pool(upload.part_count, concurrency, async (i) => {
      const res = await api("PUT", `/uploads/${upload.id}/parts/${i + 1}`, {
        body: partBytes(i + 1),
        headers: { "Content-Type": "application/octet-stream" },
      });
      if (res.status !== 200) throw new Error(`part ${i + 1}: ${res.status} ${res.text}`);
    });
    const uploadSeconds = (performance.now() - uploadStarted) / 1000;
    const uploadRss = rss.stop();

    const completeRssSampler = sampler(pid);
    const completeStarted = performance.now();
    const done = await api("POST", `/uploads/${upload.id}/complete`, { json: {} });
    const completeSeconds = (performance.now() - completeStarted) / 1000;
    const completeRss = completeRssSampler.stop();
    if (done.status !== 201) throw new Error(`complete: ${done.status} ${done.text}`);

    // The same bytes hashed here, part by part, against what the server stored.
    const hash = createHash("sha256");
    for (let n = 1; n <= upload.part_count; n++) hash.update(partBytes(n));
    const [file] = await db.select().from(files).where(eq(files.id, done.body.data.id));

    const mb = size / MiB;
    return {
      size_bytes: size,
      part_size_bytes: partSize,
      parts: upload.part_count,
      parts_in_flight: concurrency,
      storage: "local, encrypted at rest (AES-256-GCM chunks)",
      upload_seconds: round(uploadSeconds),
      upload_mib_per_s: round(mb / uploadSeconds),
      complete_seconds: round(completeSeconds),
      complete_mib_per_s: round(mb / completeSeconds),
      end_to_end_mib_per_s: round(mb / (uploadSeconds + completeSeconds)),
      server_rss_mb: {
        idle_before: idleRss,
        upload: uploadRss,
        complete: completeRss,
        peak: Math.max(uploadRss.max, completeRss.max),
      },
      stored_size_matches: file?.size === size,
      stored_sha256_matches: file?.checksumSha256 === hash.digest("hex"),
      note: "server with LOG_LEVEL=warn on a 2-core machine shared with other work; client and server on the same host",
    };
  } finally {
    await closeDb(db);
    await server.stop();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export default () => measureDirectUploadRss();
