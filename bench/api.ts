/**
 * Public API benchmarks (`npm run bench -- api`), each against a baseline in the same run
 * on the same database:
 * 1. `GET /license-keys/validate` throughput at concurrency 32 vs a bare node:http server
 *    (separate process, same pool size) running the same single indexed query.
 * 2. `GET /orders` first page vs the page at depth 100,000 in a 200,000-order shop.
 * 3. `POST /license-keys` with 5,000 keys: response time (p50/max over several batches).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import getPort from "get-port";
import { createApiToken } from "../tests/helpers/api-factories";
import { closeDb, connectToServerDb, createShop } from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";
import { seededOrderId, seedOrders } from "./_seed";
import { percentile, pool } from "./_stats";

const VALIDATE_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// App and baseline alternate, so a burst of background load hits both alike.
const VALIDATE_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 32;
const ORDERS = Number(process.env.BENCH_API_ORDERS ?? 200_000);

const round2 = (n: number) => Math.round(n * 100) / 100;

async function throughput(url: (i: number) => string, headers: Record<string, string>) {
  const deadline = performance.now() + VALIDATE_SECONDS * 1000;
  let done = 0;
  let errors = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const res = await fetch(url(done), { headers });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        latencies.push(performance.now() - t0);
        done++;
      }
    }),
  );
  return {
    requests: done,
    errors,
    rps: Math.round(done / VALIDATE_SECONDS),
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
  };
}

const BASELINE = `
import http from "node:http";
import postgres from "postgres";
const sql = postgres(process.env.DATABASE_URL, { max: 10 });
http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const rows = await sql\`select status, tag, order_id from license_keys where shop_id = \${process.env.SHOP_ID} and key = \${url.searchParams.get("key")} limit 1\`;
  const row = rows[0];
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ data: { valid: !!row, assigned: row?.status === "assigned", tag: row?.tag ?? null, order_id: row?.order_id ?? null } }));
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
`;

export default async function apiBench() {
  const loadAverageAtStart = loadavg().map(round2);
  const server = await startServer({
    env: {
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      LOG_LEVEL: "warn",
      WORKER_MODE: "off",
      // Production-like: no msw Proxies around Request/Headers/Response (the socket guard
      // still keeps every connection on loopback; see tests/helpers/shopify-mock-preload.mjs).
      TEST_NETWORK_GUARD: "sockets",
    },
  });
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db);
    const { token } = await createApiToken(db, shop);
    const auth = { Authorization: `Bearer ${token}` };

    // 3. Batch import: 5,000 keys per request, 6 batches (30,000 keys also feed validate).
    const batchMs: number[] = [];
    for (let b = 0; b < 6; b++) {
      const keys = Array.from(
        { length: 5000 },
        (_, i) => `BENCH-${b}-${i.toString(36).padStart(5, "0")}-ABCDEFGHIJKL`,
      );
      const t0 = performance.now();
      const res = await fetch(`${server.url}/public-api/v1/license-keys`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ keys, tag: `bench-${b}` }),
      });
      const body = (await res.json()) as { data?: { created: number } };
      batchMs.push(performance.now() - t0);
      if (res.status !== 201 || body.data?.created !== 5000)
        throw new Error(`batch ${b} failed: ${res.status}`);
    }

    // 1. Validate throughput vs a bare node:http + postgres.js server, same query.
    const keyFor = (i: number) =>
      `BENCH-${i % 6}-${(i % 5000).toString(36).padStart(5, "0")}-ABCDEFGHIJKL`;
    const port = await getPort({ host: "127.0.0.1" });
    const baseline = spawn(process.execPath, ["--input-type=module", "-e", BASELINE], {
      env: {
        ...process.env,
        DATABASE_URL: server.databaseUrl,
        SHOP_ID: shop.id,
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await once(baseline.stdout!, "data");
    // Warm both up, then measure the app and the baseline one after the other.
    await pool(
      500,
      CONCURRENCY,
      async (i) =>
        void (await (
          await fetch(`${server.url}/public-api/v1/license-keys/validate?key=${keyFor(i)}`, {
            headers: auth,
          })
        ).arrayBuffer()),
    );
    await pool(
      500,
      CONCURRENCY,
      async (i) =>
        void (await (await fetch(`http://127.0.0.1:${port}/?key=${keyFor(i)}`)).arrayBuffer()),
    );
    const rounds = [];
    for (let round = 0; round < VALIDATE_ROUNDS; round++) {
      const app = await throughput(
        (i) => `${server.url}/public-api/v1/license-keys/validate?key=${keyFor(i)}`,
        auth,
      );
      const bare = await throughput((i) => `http://127.0.0.1:${port}/?key=${keyFor(i)}`, {});
      rounds.push({ app, bare_node_http_baseline: bare, ratio: round2(app.rps / bare.rps) });
    }
    baseline.kill("SIGTERM");

    // 2. Deep pagination: 200,000 orders (+ one line each), inserted in SQL.
    await seedOrders(db, shop.id, ORDERS);
    const DEPTH = Math.floor(ORDERS / 2);
    const depthId = seededOrderId(ORDERS - DEPTH);
    const deepCursor = Buffer.from(JSON.stringify({ s: "-id", i: depthId })).toString("base64url");
    const time = async (path: string, n = 60) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/public-api/v1${path}`, { headers: auth });
        const body = (await res.json()) as { data: unknown[] };
        if (res.status !== 200 || body.data.length !== 20)
          throw new Error(`${path}: ${res.status}`);
        samples.push(performance.now() - t0);
      }
      return { p50_ms: percentile(samples, 50), p95_ms: percentile(samples, 95) };
    };
    await time("/orders?limit=20", 10);
    const first = await time("/orders?limit=20");
    const deep = await time(`/orders?limit=20&cursor=${deepCursor}`);
    const firstByDate = await time("/orders?limit=20&sort=-created_at");

    return {
      validate: {
        concurrency: CONCURRENCY,
        seconds_per_measurement: VALIDATE_SECONDS,
        rounds,
        median_ratio: percentile(
          rounds.map((r) => r.ratio),
          50,
        ),
        target_ratio: 0.6,
      },
      orders_pagination: {
        orders: ORDERS,
        first_page: first,
        page_at_depth: { depth: DEPTH, ...deep },
        first_page_sort_created_at: firstByDate,
        deep_over_first_p50: Math.round((deep.p50_ms / first.p50_ms) * 100) / 100,
        target_ratio: 1.5,
      },
      license_key_batch_5000: {
        batches: batchMs.length,
        p50_ms: percentile(batchMs, 50),
        max_ms: percentile(batchMs, 100),
        target_ms: 1000,
        note: "client-measured round trip (includes HTTP and JSON), an upper bound on server time",
      },
      load_average_at_start: loadAverageAtStart,
      note: "server with LOG_LEVEL=warn and WORKER_MODE=off; baseline is a separate node:http process with postgres.js max 10",
    };
  } finally {
    await closeDb(db);
    await server.stop();
  }
}
