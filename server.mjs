// Handoff's process entry: `node server.mjs` serves HTTP (and, by default, runs the
// background worker in-process); `node server.mjs --worker` runs only the worker, for
// scale-out replicas; `node server.mjs --migrate` applies migrations and exits.
// Everything app-specific lives in the Remix server build; this file only wires HTTP.
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const BUILD_PATH = new URL("./build/index.js", import.meta.url);
if (!existsSync(BUILD_PATH)) {
  console.error("No server build at build/index.js: run `npm run build` first.");
  process.exit(1);
}
let build;
try {
  build = await import(BUILD_PATH.href);
} catch (error) {
  // Configuration errors (EnvError) surface here, at module load: print them plainly.
  console.error(
    error?.name === "EnvError" || error?.constructor?.name === "EnvError" ? error.message : error,
  );
  process.exit(1);
}
const {
  bootServer,
  startBackgroundWorker,
  beginRequest,
  runWithRequestContext,
  rootLogger,
  createApiDispatcher,
} = build.entry.module;

const mode = process.argv.includes("--worker")
  ? "worker"
  : process.argv.includes("--migrate")
    ? "migrate"
    : "web";

let boot;
try {
  boot = await bootServer({ role: mode });
} catch (error) {
  rootLogger.fatal({ err: error }, "boot failed");
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
if (mode === "migrate") {
  await boot.shutdown();
  process.exit(0);
}

const stopWorker =
  mode === "worker" || boot.env.WORKER_MODE === "inprocess" ? startBackgroundWorker() : null;
let server = null;

if (mode === "web") {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(compression());

  // Request ids, the request log line and the request context (app/lib/request-context.server.ts).
  app.use((req, res, next) => runWithRequestContext(beginRequest(req, res), next));

  // Fingerprinted client bundles are immutable; everything else in public/ is short-lived.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Besides build/, public/ holds only top-level files (favicon.svg, docs.css…): looking
  // every API or page request up on disk first would cost a stat() each.
  const publicFiles = express.static("public", { maxAge: "1h", index: false });
  app.use((req, res, next) =>
    /^\/[\w.-]+\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next(),
  );
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV ?? "production" }));

  const host = boot.env.HOST ?? (boot.env.HANDOFF_DEMO ? "127.0.0.1" : "0.0.0.0");
  // /public-api/v1 runs its route modules directly, in front of Express
  // (app/lib/api/direct-dispatch.server.ts); everything else is Express and Remix.
  const api = createApiDispatcher(build.routes);
  server = createServer((req, res) => {
    if (!api.handle(req, res)) app(req, res);
  });
  server.listen(boot.env.PORT, host, () => {
    const address = server.address();
    rootLogger.info(
      { host, port: address.port, database: boot.databaseDriver, demo: boot.env.HANDOFF_DEMO },
      "listening",
    );
  });
}

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  rootLogger.info({ signal }, "shutting down");
  const hardStop = setTimeout(() => process.exit(1), 10_000);
  hardStop.unref();
  if (server) await new Promise((resolve) => server.close(resolve));
  if (stopWorker) await stopWorker();
  await boot.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
