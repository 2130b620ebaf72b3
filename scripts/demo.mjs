// `npm run demo`: from a fresh clone to a running, seeded demo on embedded defaults
// (PGlite under .data/, files under .data/files, mail to .data/outbox). Re-running reuses
// the data. No Shopify, no network beyond the npm registry for the first install.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 3000);
const baseUrl = `http://localhost:${port}`;
const env = { ...process.env, HANDOFF_DEMO: "1", PORT: String(port), NODE_ENV: "development" };
delete env.DATABASE_URL; // the demo always runs on embedded PGlite

function step(title, command, args) {
  const started = Date.now();
  process.stdout.write(`\n▸ ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`✗ ${title} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

function newer(a, b) {
  return existsSync(a) && existsSync(b) && statSync(a).mtimeMs > statSync(b).mtimeMs;
}

if (
  !existsSync(`${root}/node_modules/.package-lock.json`) ||
  newer(`${root}/package-lock.json`, `${root}/node_modules/.package-lock.json`)
) {
  step("Installing dependencies (npm ci)", "npm", ["ci", "--no-audit", "--no-fund"]);
}
step("Building the app", "npm", ["run", "build"]);
step("Migrating the embedded database", "node", ["server.mjs", "--migrate"]);
step("Seeding the demo shop", "npx", ["tsx", "scripts/seed-demo.ts"]);

const server = spawn("node", ["--enable-source-maps", "server.mjs"], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
server.stdout.pipe(process.stdout);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth() {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

if (!(await waitForHealth())) {
  console.error("The server did not become healthy within 60 s; see the log above.");
  server.kill("SIGTERM");
  process.exit(1);
}
const demo = JSON.parse(readFileSync(`${root}/.data/demo.json`, "utf8"));
console.log(`
Handoff demo is running (embedded PGlite in .data/, Ctrl+C to stop)

  Merchant admin     ${baseUrl}/demo
  Shopper downloads  ${baseUrl}/d/${demo.downloadToken}
  Public API         ${baseUrl}/public-api/v1
  Demo API token     ${demo.apiToken}
  API reference      ${baseUrl}/public-api/docs
  Docs               ${baseUrl}/docs
  Health             ${baseUrl}/healthz

  Try:  curl -H "Authorization: Bearer ${demo.apiToken}" ${baseUrl}/public-api/v1/orders
`);
