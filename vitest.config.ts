import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Two projects so `npm test` can run the fast in-process suite before building and
 * booting servers: `unit` (services, lib, helpers; no server) and `integration` (each
 * file boots the built app as a child process via tests/helpers/server.ts, with its own
 * database). The machine has 2 cores, so at most two files run at once in either.
 */
const alias = { "~": fileURLToPath(new URL("./app", import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // In-process services log through pino; keep test output readable.
          env: { LOG_LEVEL: "silent" },
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 15_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // Each file starts a Node server (plus Postgres work); two at once is what
          // 2 cores take without turning timeouts into flakes.
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
