/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.ts (its default export) against the
 * built app on this machine and writes bench/results/<name>.json. Benchmarks send
 * traffic only to 127.0.0.1, are bounded in count and time, and stop by themselves.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
/** Bench names whose module has another name (`uploads` → bench/direct-upload.ts). */
const ALIASES: Record<string, string> = { uploads: "direct-upload" };
const available = [
  ...(await readdir(here))
    .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
    .map((f) => f.replace(/\.ts$/, "")),
  ...Object.keys(ALIASES),
];
const names = process.argv.slice(2).filter((a) => !a.startsWith("-"));
if (names.length === 0 || names.some((n) => !available.includes(n))) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [more names]`);
  process.exit(2);
}
await mkdir(join(here, "results"), { recursive: true });
for (const name of names) {
  const started = Date.now();
  console.log(`\n▸ bench ${name}`);
  const mod = (await import(`./${ALIASES[name] ?? name}.ts`)) as {
    default: () => Promise<Record<string, unknown>>;
  };
  const result: Record<string, unknown> = {
    name,
    ran_at: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    ...(await mod.default()),
  };
  // A subset run (e.g. BENCH_ADMIN_PAGES) says `partial: true`: keep the complete result.
  const file = join(here, "results", `${name}${result.partial === true ? ".partial" : ""}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`✓ ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s → ${file}`);
}
process.exit(0);
