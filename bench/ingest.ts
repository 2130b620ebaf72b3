/**
 * Remote ingest benchmark (`npm run bench -- ingest`): a generated file (1 GiB by
 * default, `BENCH_INGEST_MB`) served by a loopback node:http server in its own process,
 * fetched
 *   1. by `curl -o <tmp>` (the baseline: what a plain download to disk costs here), and
 *   2. through the real server: `POST /assets` → `asset.ingest` job → poll `GET /jobs/{id}`
 *      until it succeeds, with the default storage (local, encrypted at rest) and again
 *      with `STORAGE_ENCRYPTION=off`,
 * in the same run. Target: ingest ≥ 0.7× curl. The server's RSS (VmRSS from
 * /proc/<pid>/status) is sampled every 100 ms during each ingest.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { createApiToken } from "../tests/helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";

const SIZE_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
/** `BENCH_CPU_PROF_DIR=<dir>`: each server writes a V8 CPU profile there when it stops. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;

const ORIGIN = `
import http from "node:http";
import { createReadStream, statSync } from "node:fs";
const file = process.env.FILE;
const size = statSync(file).size;
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
`;

/** CPU seconds (user + system) of a process, or of one of its threads. */
async function cpuSeconds(pid: number, tid?: number): Promise<number> {
  const path = tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`;
  const fields = (await readFile(path, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** The file: random 1 MiB blocks, so nothing compresses and the sha256 is real. */
async function generate(path: string): Promise<string> {
  const hash = createHash("sha256");
  const out = createWriteStream(path);
  for (let i = 0; i < SIZE_MB; i++) {
    const block = randomBytes(1024 * 1024);
    hash.update(block);
    if (!out.write(block)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return hash.digest("hex");
}

function curlOnce(url: string, target: string) {
  const t0 = performance.now();
  const run = spawnSync("curl", ["-sS", "--fail", "-o", target, url], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`curl failed with ${run.status}`);
  return (performance.now() - t0) / 1000;
}

async function ingestOnce(originUrl: string, sha256: string, env: Record<string, string>) {
  const server = await startServer({
    env: {
      INGEST_ALLOW_LOCALHOST: "1",
      LOG_LEVEL: "warn",
      API_RATE_LIMIT_PER_MINUTE: "100000",
      ...env,
    },
    // A loaded 2-core machine can take longer than the 30 s default to boot.
    healthTimeoutMs: 120_000,
    nodeArgs: CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
  });
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db, { ingestAllowedHosts: ["127.0.0.1"] });
    const { token } = await createApiToken(db, shop);
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const rssBefore = await rssMb(server.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssMb(server.pid).then(
        (mb) => (rssPeak = Math.max(rssPeak, mb)),
        () => {},
      );
    }, 100);
    const cpuBefore = await cpuSeconds(server.pid);
    const mainBefore = await cpuSeconds(server.pid, server.pid);
    const t0 = performance.now();
    const created = await fetch(`${server.url}/public-api/v1/assets`, {
      method: "POST",
      headers,
      body: JSON.stringify({ url: `${originUrl}/file.bin`, size: SIZE, checksum_sha256: sha256 }),
    });
    if (created.status !== 202)
      throw new Error(`POST /assets ${created.status} ${await created.text()}`);
    const jobId = ((await created.json()) as { data: { id: string } }).data.id;
    let job: {
      status: string;
      error: unknown;
      started_at: string | null;
      finished_at: string | null;
    };
    for (;;) {
      const res = await fetch(`${server.url}/public-api/v1/jobs/${jobId}`, { headers });
      job = ((await res.json()) as { data: typeof job }).data;
      if (["succeeded", "failed", "cancelled"].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const cpu = (await cpuSeconds(server.pid)) - cpuBefore;
    const mainThreadCpu = (await cpuSeconds(server.pid, server.pid)) - mainBefore;
    if (job.status !== "succeeded")
      throw new Error(`ingest ${job.status}: ${JSON.stringify(job.error)}`);
    const jobSeconds = (Date.parse(job.finished_at!) - Date.parse(job.started_at!)) / 1000;
    return {
      seconds_api_to_done: Number(seconds.toFixed(2)),
      seconds_in_job: Number(jobSeconds.toFixed(2)),
      mb_per_s: Math.round(SIZE_MB / seconds),
      // What the ingest cost the server whatever else the machine was doing: the main
      // thread's CPU time bounds the wall time from below on an idle machine.
      server_cpu_seconds: {
        process: Number(cpu.toFixed(2)),
        main_thread: Number(mainThreadCpu.toFixed(2)),
      },
      server_rss_mb: { before: rssBefore, peak: rssPeak, growth: rssPeak - rssBefore },
    };
  } finally {
    await closeDb(db);
    await server.stop();
  }
}

export default async function ingestBench() {
  const loadBefore = Math.round(loadavg()[0]! * 10) / 10;
  const dir = await mkdtemp(join(tmpdir(), "handoff-bench-ingest-"));
  const port = await getPort({ host: "127.0.0.1" });
  const originUrl = `http://127.0.0.1:${port}`;
  let origin: ReturnType<typeof spawn> | undefined;
  try {
    const file = join(dir, "file.bin");
    console.log(`generating ${SIZE_MB} MiB…`);
    const sha256 = await generate(file);
    origin = spawn(process.execPath, ["--input-type=module", "-e", ORIGIN], {
      env: { ...process.env, FILE: file, PORT: String(port) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await once(origin.stdout!, "data");

    const curlTarget = join(dir, "curl.bin");
    const curlSeconds = curlOnce(`${originUrl}/file.bin`, curlTarget);
    if ((await stat(curlTarget)).size !== SIZE) throw new Error("curl got a short file");
    await rm(curlTarget);
    const curl = {
      seconds: Number(curlSeconds.toFixed(2)),
      mb_per_s: Math.round(SIZE_MB / curlSeconds),
    };
    console.log("curl", curl);

    const encrypted = await ingestOnce(originUrl, sha256, {});
    console.log("ingest (encrypted at rest)", encrypted);
    const plain = await ingestOnce(originUrl, sha256, { STORAGE_ENCRYPTION: "off" });
    console.log("ingest (STORAGE_ENCRYPTION=off)", plain);
    // curl once more: on a shared machine the baseline moves too. The ratio stays against
    // the first run; this one only shows how much the machine drifted meanwhile.
    const curlAfterSeconds = curlOnce(`${originUrl}/file.bin`, curlTarget);
    await rm(curlTarget);
    const curlAfter = {
      seconds: Number(curlAfterSeconds.toFixed(2)),
      mb_per_s: Math.round(SIZE_MB / curlAfterSeconds),
    };
    console.log("curl after", curlAfter);

    return {
      file_mb: SIZE_MB,
      curl,
      curl_after: curlAfter,
      load_average_1m: { before: loadBefore, after: Math.round(loadavg()[0]! * 10) / 10 },
      ingest_encrypted: {
        ...encrypted,
        vs_curl: Number((encrypted.mb_per_s / curl.mb_per_s).toFixed(2)),
      },
      ingest_plain: { ...plain, vs_curl: Number((plain.mb_per_s / curl.mb_per_s).toFixed(2)) },
      target_vs_curl: 0.7,
      notes:
        "Same machine, same run, loopback origin in its own process. ingest = POST /assets to job succeeded (incl. sha256 verification and at-rest encryption when on), polled every 100 ms.",
    };
  } finally {
    origin?.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
