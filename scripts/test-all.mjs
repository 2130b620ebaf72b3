#!/usr/bin/env node
/**
 * `npm test`: the one command that checks everything, in the order that fails
 * cheapest first — types, lint, build (integration and e2e run the built server),
 * unit, integration, e2e. Stops at the first failing step and ends with a plain
 * `N passed, N failed` line of steps, so a person and CI read the same verdict.
 *
 * Any extra arguments are ignored on purpose: to run one suite or one file, call its
 * runner directly (see docs/testing.md).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules", ".bin", name);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const steps = [
  { name: "typecheck", cmd: npm, args: ["run", "typecheck"] },
  { name: "lint", cmd: npm, args: ["run", "lint"] },
  { name: "build", cmd: npm, args: ["run", "build"] },
  { name: "unit tests", cmd: bin("vitest"), args: ["run", "--project", "unit"], counts: "vitest" },
  {
    name: "integration tests",
    cmd: bin("vitest"),
    args: ["run", "--project", "integration"],
    counts: "vitest",
  },
  {
    name: "e2e tests",
    cmd: bin("playwright"),
    args: ["test"],
    counts: "playwright",
    preflight: () => {
      const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
      return existsSync(chromium)
        ? null
        : `${chromium} is missing: install Debian's Chromium (apt-get install -y chromium); Playwright must not download one.`;
    },
  },
];

let current = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // Let the running step clean up its servers and databases, then stop.
    if (current) current.kill(signal);
    else process.exit(130);
  });
}

/** Test counts read from a runner's own summary lines (vitest's "Tests  N passed", Playwright's "N passed"). */
const tally = { passed: 0, failed: 0, skipped: 0 };
// eslint-disable-next-line no-control-regex -- stripping terminal colour codes is the point
const ANSI = /\u001b\[[0-9;]*m/g;
function countTests(step, text) {
  if (!step.counts) return;
  for (const raw of text.split("\n")) {
    const line = raw.replace(ANSI, "");
    const summary =
      step.counts === "vitest"
        ? line.match(/^\s*Tests\s+(.*)$/)
        : line.match(/^\s*(\d+ (?:passed|failed|skipped|flaky)\b.*)$/);
    if (!summary) continue;
    for (const [, n, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped|flaky)/g)) {
      if (kind === "flaky") tally.failed += Number(n);
      else tally[kind] += Number(n);
    }
  }
}

function run(step) {
  return new Promise((resolve) => {
    current = spawn(step.cmd, step.args, {
      cwd: root,
      stdio: ["inherit", "pipe", "inherit"],
      env: process.env,
    });
    let pending = "";
    current.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const cut = pending.lastIndexOf("\n");
      if (cut >= 0) {
        countTests(step, pending.slice(0, cut));
        pending = pending.slice(cut + 1);
      }
    });
    current.on("error", (error) => {
      console.error(`could not start ${step.cmd}: ${error.message}`);
      resolve(1);
    });
    current.on("close", (code, signal) => {
      countTests(step, pending);
      resolve(code ?? (signal ? 128 : 1));
    });
  }).finally(() => {
    current = null;
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
const started = Date.now();

for (const step of steps) {
  const line = "=".repeat(78);
  console.log(
    `\n${line}\n▶ ${step.name}: ${[step.cmd.replace(root, ""), ...step.args].join(" ")}\n${line}`,
  );
  const t0 = Date.now();
  const problem = step.preflight?.();
  if (problem) console.error(problem);
  const code = problem ? 1 : await run(step);
  const ms = Date.now() - t0;
  results.push({ name: step.name, ok: code === 0, ms, code });
  console.log(
    `${code === 0 ? "✔" : "✘"} ${step.name} ${code === 0 ? "passed" : `FAILED (exit ${code})`} in ${seconds(ms)}`,
  );
  if (code !== 0) break;
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
const skipped = steps.length - results.length;

console.log(`\n${"-".repeat(78)}\nSummary (${seconds(Date.now() - started)}):`);
for (const r of results) console.log(`  ${r.ok ? "✔" : "✘"} ${r.name.padEnd(20)} ${seconds(r.ms)}`);
for (const s of steps.slice(results.length)) console.log(`  - ${s.name.padEnd(20)} not run`);
console.log(`  steps: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} not run` : ""}`);
// The closing line counts tests (not steps), in the plain form CI reads.
const testsFailed = tally.failed + (failed && tally.failed === 0 ? 1 : 0);
console.log(
  `${tally.passed} passed, ${testsFailed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ""}`,
);
process.exit(failed ? 1 : 0);
