/**
 * Boots the built app exactly as production does (`node server.mjs`), as a child
 * process, so integration and e2e tests go through the real Express/Remix stack, the
 * real migrations and the real `authenticate.*` — and so msw can be loaded into it
 * with `--import` (shopify-mock-preload.mjs) to fake Shopify and block the internet.
 *
 * Every server gets its own port, temp DATA_DIR and (by default) its own fresh
 * Postgres database, so test files can run in parallel and leave nothing behind.
 *
 * No vitest imports: Playwright loads this file too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import getPort from "get-port";
import { createTestDatabase, type TestDatabase } from "./database";
import { TEST_API_KEY, TEST_API_SECRET } from "./shopify-signing";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./shopify-mock-preload.mjs", import.meta.url));

const HEALTH_TIMEOUT_MS = 30_000;
// PGlite applies the migrations in WASM: ~10 s on this 2-core machine when idle.
const PGLITE_HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const MAX_LOG_LINES = 50_000;

/** Variables a developer's shell may carry that must not reach a test server. */
const INHERITED_BLOCKLIST = [
  /^DATABASE_/,
  /^SHOPIFY_/,
  /^S3_/,
  /^SMTP_/,
  /^MAIL_/,
  /^HANDOFF_/,
  /^NODE_OPTIONS$/,
  /^(PORT|HOST|DATA_DIR|SCOPES|LOG_LEVEL|WORKER_MODE|API_ACCESS_MODE|SHOP_CUSTOM_DOMAIN|APP_BRIDGE_URL)$/,
];

export interface StartServerOptions {
  /** Extra env for the server; wins over everything below. `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** `HANDOFF_DEMO=1`. The demo refuses foreign Shopify credentials, so none are set. */
  demo?: boolean;
  /** A fresh Postgres database (default) or embedded PGlite under the temp DATA_DIR. */
  database?: "postgres" | "pglite";
  /** Sets `SHOPIFY_MOCK_URL` (the mock from startShopifyAdminMock()). */
  shopifyMock?: { url: string } | string;
  /** Sets `SMTP_URL` (the sink from startSmtpSink()). */
  smtp?: { url: string } | string;
  /** How long to wait for `/healthz` to answer 200 (default 30 s; 60 s with PGlite). */
  healthTimeoutMs?: number;
  /** Extra `node` flags for the server process (e.g. `--cpu-prof` in a benchmark). */
  nodeArgs?: string[];
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The server process id (e.g. to sample its memory from /proc/<pid>/status). */
  pid: number;
  dataDir: string;
  /** The server's `DATABASE_URL` (undefined with PGlite). */
  databaseUrl?: string;
  /** Every stdout/stderr line so far (pino JSON lines plus anything else). */
  logs(): string[];
  /** Outbound requests/connections the preload refused (should stay empty). */
  blockedRequests(): string[];
  /** Kills the server, waits for it, drops its database and removes its DATA_DIR. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  // A crashed test run must not leave servers holding ports and databases.
  for (const child of running) child.kill("SIGKILL");
});

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_BLOCKLIST.some((re) => re.test(key))) env[key] = value;
  }
  return env;
}

function urlOf(value: { url: string } | string): string {
  return typeof value === "string" ? value : value.url;
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  if (
    !existsSync(join(PROJECT_ROOT, "build", "index.js")) ||
    !existsSync(join(PROJECT_ROOT, "server.mjs"))
  ) {
    throw new Error(
      `No server build at ${join(PROJECT_ROOT, "build", "index.js")}: run \`npm run build\` before integration or e2e tests.`,
    );
  }

  const port = await getPort({ host: "127.0.0.1" });
  const url = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), "handoff-test-"));
  const wantsPglite = options.database === "pglite";
  const explicitDatabaseUrl = options.env && "DATABASE_URL" in options.env;
  const database: TestDatabase | undefined =
    wantsPglite || explicitDatabaseUrl ? undefined : await createTestDatabase("handoff_srv");

  const env: Record<string, string | undefined> = {
    ...inheritedEnv(),
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: dataDir,
    SHOPIFY_APP_URL: url,
    ...(options.demo
      ? { HANDOFF_DEMO: "1" }
      : { SHOPIFY_API_KEY: TEST_API_KEY, SHOPIFY_API_SECRET: TEST_API_SECRET }),
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(options.shopifyMock ? { SHOPIFY_MOCK_URL: urlOf(options.shopifyMock) } : {}),
    ...(options.smtp ? { SMTP_URL: urlOf(options.smtp) } : {}),
    // Replaces (not extends) NODE_OPTIONS: a parent's loader (Playwright's, tsx's) must
    // not leak into the built server. A file URL survives spaces in the path.
    NODE_OPTIONS: `--import=${pathToFileURL(PRELOAD).href}`,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const lines: string[] = [];
  const child = spawn(
    process.execPath,
    ["--enable-source-maps", ...(options.nodeArgs ?? []), "server.mjs"],
    {
      cwd: PROJECT_ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  running.add(child);
  const echo = process.env.TEST_SERVER_LOGS === "1";
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (lines.length >= MAX_LOG_LINES) lines.shift();
      lines.push(line);
      if (echo) process.stderr.write(`[server :${port}] ${line}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? -1 : null));
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const server: TestServer = {
    url,
    port,
    pid: child.pid!,
    dataDir,
    databaseUrl: typeof env.DATABASE_URL === "string" ? env.DATABASE_URL : undefined,
    logs: () => [...lines],
    blockedRequests: () => lines.filter((line) => line.includes("[shopify-mock-preload] BLOCKED")),
    stop,
  };

  try {
    await waitForHealthy(
      url,
      options.healthTimeoutMs ?? (wantsPglite ? PGLITE_HEALTH_TIMEOUT_MS : HEALTH_TIMEOUT_MS),
      exited,
    );
  } catch (error) {
    await stop();
    const tail = lines.slice(-200).join("\n");
    throw new Error(
      `${(error as Error).message}\n--- server output (last ${Math.min(lines.length, 200)} lines) ---\n${tail}`,
    );
  }
  return server;
}

async function waitForHealthy(
  url: string,
  timeoutMs: number,
  exited: Promise<number | null>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`Server exited with code ${exitCode} before /healthz answered 200.`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === 200) return;
      last = `${res.status} ${body.slice(0, 300)}`;
    } catch (error) {
      last = String((error as Error).cause ?? error);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `Server at ${url} did not answer 200 on /healthz within ${timeoutMs} ms (last: ${last}).`,
  );
}
