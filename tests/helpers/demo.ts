import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./server";

export interface SeededDemo {
  dataDir: string;
  apiToken: string;
  downloadToken: string;
  cleanup(): Promise<void>;
}

/**
 * Runs the real demo seed (`scripts/seed-demo.ts`, as `npm run demo` does) into a fresh
 * PGlite data dir. Start the demo server afterwards with `env: { DATA_DIR: dataDir }`:
 * PGlite is single-process, so seeding must finish before the server opens it.
 */
export async function seedDemoDataDir(): Promise<SeededDemo> {
  const dataDir = await mkdtemp(join(tmpdir(), "handoff-demo-"));
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/seed-demo.ts"], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HANDOFF_DEMO: "1",
      DATA_DIR: dataDir,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
    },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `demo seed failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  const demo = JSON.parse(await readFile(join(dataDir, "demo.json"), "utf8"));
  return {
    dataDir,
    apiToken: demo.apiToken,
    downloadToken: demo.downloadToken,
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}
