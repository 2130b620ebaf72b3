/**
 * Remote ingest benchmark (`npm run bench -- ingest`): a generated file (1 GiB by
 * default, `BENCH_INGEST_MB`) served by a loopback origin in its own process (see
 * ORIGINS), fetched
 *   1. by `curl -o <file>` (the baseline: what a plain download to disk costs here), and
 *   2. through the real server: `POST /assets` → `asset.ingest` job → `GET /jobs/{id}`
 *      until it succeeds, with the default storage (local, encrypted at rest) and with
 *      `STORAGE_ENCRYPTION=off`.
 * Target: ingest ≥ 0.7× curl.
 *
 * One run of each is noise on this kind of machine: writing a GiB to the page cache
 * costs curl 0.8 s of system time in one run and 1.5 s in the next. So the three take
 * turns over `BENCH_INGEST_ROUNDS` rounds (default 7, the order rotating each round),
 * each run starts after `sync` (no earlier run's dirty pages being written back under
 * it), each run's file is deleted afterwards (curl's and the ingested one alike), and the
 * verdict is the median of the per-round ratios. Each server ingests the file once before
 * the rounds (reported, not counted), as a server that has been running would have.
 * Each run's server CPU (main thread vs the rest), the origin's CPU and the peak of the
 * server's RSS are kept.
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
import { makeSelfSignedCertificate } from "../tests/helpers/self-signed-certificate";
import { startServer, type TestServer } from "../tests/helpers/server";
import { cpuSeconds, cpuSplit, rssMb, sampler } from "./_proc";
import { percentile } from "./_stats";

const SIZE_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 7);
/** `BENCH_CPU_PROF_DIR=<dir>`: each server writes a V8 CPU profile there when it stops. */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
const TARGET = 0.7;

/**
 * The origin runs in its own process on the same two cores as the client under test, so
 * its CPU is taken from whichever client it serves, and the more from the one that needs
 * more CPU. A real remote origin takes none of ours.
 * - `memory` (default): Python holds the file in memory and writes it to the socket 1 MiB
 *   per send; ~0.2-0.3 s of CPU per GiB.
 * - `node` (`BENCH_INGEST_ORIGIN=node`): node:http piping a file read stream, the origin
 *   until 2026-11-26; 0.35-0.9 s per GiB.
 * Not sendfile: its skbs point at page-cache pages, and receiving those cost curl ~15%
 * more system time here, which would slow the baseline and flatter every ratio.
 */
const ORIGIN_KIND = process.env.BENCH_INGEST_ORIGIN === "node" ? "node" : "memory";
/**
 * `BENCH_INGEST_TLS=1`: the memory origin serves HTTPS with a certificate made here for
 * 127.0.0.1 (openssl CLI); curl gets it with --cacert, the servers with
 * NODE_EXTRA_CA_CERTS. Production fetches are HTTPS: this adds the TLS record layer
 * (16 KiB records, AES-GCM on both ends) to both sides of the comparison.
 */
const TLS = process.env.BENCH_INGEST_TLS === "1";
const ORIGINS = {
  node: {
    command: process.execPath,
    args: [
      "--input-type=module",
      "-e",
      `
import http from "node:http";
import { createReadStream, statSync } from "node:fs";
const file = process.env.FILE;
const size = statSync(file).size;
http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
`,
    ],
  },
  memory: {
    command: "python3",
    args: [
      "-c",
      `
import os, socketserver, ssl
with open(os.environ["FILE"], "rb") as f:
    DATA = memoryview(f.read())
TLS = None
if os.environ.get("CERT"):
    TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    TLS.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = TLS.wrap_socket(self.request, server_side=True) if TLS else self.request
        head = b""
        while b"\\r\\n\\r\\n" not in head:
            data = conn.recv(65536)
            if not data:
                return
            head += data
        conn.sendall(
            b"HTTP/1.1 200 OK\\r\\nContent-Type: application/octet-stream\\r\\n"
            b"Content-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % len(DATA)
        )
        for start in range(0, len(DATA), 1 << 20):
            conn.sendall(DATA[start : start + (1 << 20)])
class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
with Server(("127.0.0.1", int(os.environ["PORT"])), Handler) as server:
    print("ready", flush=True)
    server.serve_forever()
`,
    ],
  },
};

type Mode = "curl" | "encrypted" | "plain";
const MODES: Mode[] = ["curl", "encrypted", "plain"];

interface Run {
  seconds: number;
  mb_per_s: number;
  origin_cpu_seconds: number;
  /** Ingest runs only. */
  seconds_in_job?: number;
  server_cpu_seconds?: { main_thread: number; other_threads: number };
  server_rss_mb?: { before: number; peak: number };
  api_poll_ms_during_ingest?: number[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

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

/** Writes back every dirty page, so a run does not pay for the one before it. */
function syncDisks() {
  spawnSync("sync", { stdio: "inherit" });
}

async function curlRun(
  url: string,
  target: string,
  caFile: string | null,
): Promise<Omit<Run, "origin_cpu_seconds">> {
  const t0 = performance.now();
  const tls = caFile ? ["--cacert", caFile] : [];
  const run = spawnSync("curl", ["-sS", "--fail", ...tls, "-o", target, url], {
    stdio: "inherit",
  });
  if (run.status !== 0) throw new Error(`curl failed with ${run.status}`);
  const seconds = (performance.now() - t0) / 1000;
  if ((await stat(target)).size !== SIZE) throw new Error("curl got a short file");
  await rm(target);
  return { seconds: round2(seconds), mb_per_s: Math.round(SIZE_MB / seconds) };
}

interface IngestServer {
  server: TestServer;
  headers: Record<string, string>;
  close(): Promise<void>;
}

async function startIngestServer(env: Record<string, string>): Promise<IngestServer> {
  const server = await startServer({
    env: {
      INGEST_ALLOW_LOCALHOST: "1",
      LOG_LEVEL: "warn",
      API_RATE_LIMIT_PER_MINUTE: "100000",
      // Eight ingests per server in about a minute: over the default 6 uploads a minute.
      API_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000",
      // Production has no msw in the process; the socket guard still refuses every
      // connection that is not to loopback.
      TEST_NETWORK_GUARD: "sockets",
      ...env,
    },
    // A loaded 2-core machine can take longer than the 30 s default to boot.
    healthTimeoutMs: 120_000,
    nodeArgs: CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
  });
  const db = connectToServerDb(server);
  const shop = await createShop(db, { ingestAllowedHosts: ["127.0.0.1"] });
  const { token } = await createApiToken(db, shop);
  await closeDb(db);
  return {
    server,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    close: () => server.stop(),
  };
}

interface JobView {
  status: string;
  error: unknown;
  started_at: string | null;
  finished_at: string | null;
}

async function ingestRun(
  { server, headers }: IngestServer,
  url: string,
  sha256: string,
): Promise<Omit<Run, "origin_cpu_seconds">> {
  const rssBefore = await rssMb(server.pid);
  const rss = sampler(server.pid);
  const cpuBefore = await cpuSplit(server.pid);
  // The job's finished_at is read off the same clock: the end is exact whatever the poll
  // interval, and polling rarely leaves the server's main thread to the ingest (a poll
  // every 20 ms cost it ~0.1 s per GiB).
  const t0 = Date.now();
  const created = await fetch(`${server.url}/public-api/v1/assets`, {
    method: "POST",
    headers,
    body: JSON.stringify({ url, size: SIZE, checksum_sha256: sha256 }),
  });
  if (created.status !== 202)
    throw new Error(`POST /assets ${created.status} ${await created.text()}`);
  const jobId = ((await created.json()) as { data: { id: string } }).data.id;
  let job: JobView;
  // Each poll's round trip while the ingest runs: how long an API caller waits behind it.
  const pollMs: number[] = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const sent = performance.now();
    const res = await fetch(`${server.url}/public-api/v1/jobs/${jobId}`, { headers });
    job = ((await res.json()) as { data: JobView }).data;
    if (["succeeded", "failed", "cancelled"].includes(job.status)) break;
    pollMs.push(performance.now() - sent);
  }
  const cpuAfter = await cpuSplit(server.pid);
  const memory = rss.stop();
  if (job.status !== "succeeded")
    throw new Error(`ingest ${job.status}: ${JSON.stringify(job.error)}`);
  const seconds = (Date.parse(job.finished_at!) - t0) / 1000;
  return {
    seconds: round2(seconds),
    mb_per_s: Math.round(SIZE_MB / seconds),
    seconds_in_job: round2((Date.parse(job.finished_at!) - Date.parse(job.started_at!)) / 1000),
    server_cpu_seconds: {
      main_thread: round2(cpuAfter.main - cpuBefore.main),
      other_threads: round2(cpuAfter.other - cpuBefore.other),
    },
    server_rss_mb: { before: rssBefore, peak: Math.max(rssBefore, memory.max) },
    api_poll_ms_during_ingest: pollMs.map((ms) => Math.round(ms * 10) / 10),
  };
}

const median = (values: number[]) => percentile(values, 50);

const PAGE_REPORTING = "/sys/module/page_reporting/parameters";

/**
 * A VM guest with free page reporting (virtio-balloon) hands freed memory back to the host,
 * and the next touch of that memory faults in the host. Writing a GiB into the page cache
 * then cost curl 0.8 s of system time in one run and 2.6 s in the next, so ratios from such
 * a machine are noise. This records whether it was on and how much it reported meanwhile
 * (docs/decisions/004-hash-thread-and-ingest-bench.md says how the committed numbers were
 * taken).
 */
async function freePageReporting(): Promise<{ order: number; reported_kib: number } | null> {
  try {
    return {
      order: Number(await readFile(`${PAGE_REPORTING}/page_reporting_order`, "utf8")),
      reported_kib: Number(await readFile(`${PAGE_REPORTING}/reported_kib`, "utf8")),
    };
  } catch {
    return null;
  }
}

export default async function ingestBench() {
  const loadBefore = round2(loadavg()[0]!);
  const reportingBefore = await freePageReporting();
  // Orders above the buddy allocator's largest (10) never match: reporting is off.
  if (reportingBefore && reportingBefore.order <= 10) {
    console.warn(
      "free page reporting is on (page_reporting_order ≤ 10): freed memory goes back to the host and results will be noisy",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "handoff-bench-ingest-"));
  const port = await getPort({ host: "127.0.0.1" });
  const fileUrl = `${TLS ? "https" : "http"}://127.0.0.1:${port}/file.bin`;
  let origin: ReturnType<typeof spawn> | undefined;
  const servers: Partial<Record<Mode, IngestServer>> = {};
  try {
    const file = join(dir, "file.bin");
    console.log(`generating ${SIZE_MB} MiB…`);
    const sha256 = await generate(file);
    if (TLS && ORIGIN_KIND === "node") throw new Error("BENCH_INGEST_TLS needs the memory origin");
    const { command } = ORIGINS[ORIGIN_KIND];
    if (spawnSync(command, ["--version"]).status !== 0) {
      throw new Error(
        `the ${ORIGIN_KIND} origin needs ${command}; BENCH_INGEST_ORIGIN=node needs only node`,
      );
    }
    const cert = TLS ? makeSelfSignedCertificate(dir, "IP:127.0.0.1") : null;
    origin = spawn(command, ORIGINS[ORIGIN_KIND].args, {
      env: {
        ...process.env,
        FILE: file,
        PORT: String(port),
        ...(cert ? { CERT: cert.certFile, KEY: cert.keyFile } : {}),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await once(origin.stdout!, "data");
    const trust: Record<string, string> = cert ? { NODE_EXTRA_CA_CERTS: cert.certFile } : {};
    servers.encrypted = await startIngestServer({ ...trust });
    servers.plain = await startIngestServer({ ...trust, STORAGE_ENCRYPTION: "off" });

    // One unmeasured ingest per server first: a server that has run for a while has its
    // code compiled, its hash thread started and its buffer pool filled; a fresh one
    // spends its first GiB on that (the first measured round was 10-15% slower).
    const warmUp: Partial<Record<Mode, Omit<Run, "origin_cpu_seconds">>> = {};
    for (const mode of ["encrypted", "plain"] as const) {
      syncDisks();
      warmUp[mode] = await ingestRun(servers[mode]!, fileUrl, sha256);
      console.log(`warm-up ${mode}`, JSON.stringify(warmUp[mode]));
    }

    const runs: Record<Mode, Run[]> = { curl: [], encrypted: [], plain: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < MODES.length; i++) {
        const mode = MODES[(round + i) % MODES.length]!;
        syncDisks();
        const originBefore = await cpuSeconds(origin.pid!);
        const run =
          mode === "curl"
            ? await curlRun(fileUrl, join(dir, "curl.bin"), cert?.certFile ?? null)
            : await ingestRun(servers[mode]!, fileUrl, sha256);
        runs[mode].push({
          ...run,
          origin_cpu_seconds: round2((await cpuSeconds(origin.pid!)) - originBefore),
        });
        console.log(`round ${round + 1} ${mode}`, JSON.stringify(runs[mode].at(-1)));
      }
    }

    // Each ingest run against the curl run of its own round.
    const ratios = (mode: "encrypted" | "plain") =>
      runs[mode].map((run, i) => round2(run.mb_per_s / runs.curl[i]!.mb_per_s));
    const summary = (mode: "encrypted" | "plain") => ({
      mb_per_s_median: median(runs[mode].map((r) => r.mb_per_s)),
      vs_curl_per_round: ratios(mode),
      vs_curl_median: median(ratios(mode)),
      meets_target: median(ratios(mode)) >= TARGET,
      server_main_thread_cpu_seconds_median: median(
        runs[mode].map((r) => r.server_cpu_seconds!.main_thread),
      ),
      // GET /jobs/{id} answered while the ingest ran (all rounds together).
      api_poll_ms_during_ingest: {
        p50: percentile(
          runs[mode].flatMap((r) => r.api_poll_ms_during_ingest!),
          50,
        ),
        max: Math.max(...runs[mode].flatMap((r) => r.api_poll_ms_during_ingest!)),
        count: runs[mode].flatMap((r) => r.api_poll_ms_during_ingest!).length,
      },
      server_rss_growth_mb_max: Math.max(
        ...runs[mode].map((r) => r.server_rss_mb!.peak - r.server_rss_mb!.before),
      ),
      runs: runs[mode],
    });
    return {
      file_mb: SIZE_MB,
      rounds: ROUNDS,
      origin: ORIGIN_KIND,
      tls: TLS,
      load_average_1m: { before: loadBefore, after: round2(loadavg()[0]!) },
      vm_free_page_reporting: reportingBefore && {
        order: reportingBefore.order,
        reported_kib_during_run:
          ((await freePageReporting())?.reported_kib ?? 0) - reportingBefore.reported_kib,
      },
      curl: { mb_per_s_median: median(runs.curl.map((r) => r.mb_per_s)), runs: runs.curl },
      warm_up_runs: warmUp,
      ingest_encrypted: summary("encrypted"),
      ingest_plain: summary("plain"),
      target_vs_curl: TARGET,
      notes:
        "Same machine, same run, loopback origin in its own process; curl, encrypted and plain ingest take turns each round, each after sync, and each run's file is deleted after it. ingest seconds = from sending POST /assets to the job's finished_at (same clock), incl. sha256 verification and, when on, at-rest encryption.",
    };
  } finally {
    await servers.encrypted?.close();
    await servers.plain?.close();
    origin?.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
