import { afterEach, describe, expect, it, vi } from "vitest";
import pino from "pino";
import { runWithRequestContext } from "~/lib/request-context.server";

const logger = pino({ level: "silent" });

async function guardWith(env: Record<string, string>, remoteAddress: string | undefined) {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const { requireDemoRequest } = await import("~/lib/demo.server");
  const { runWithRequestContext: run } = await import("~/lib/request-context.server");
  try {
    run({ requestId: "t", logger, remoteAddress }, () => requireDemoRequest());
    return "allowed";
  } catch (thrown) {
    return thrown instanceof Response ? thrown.status : thrown;
  }
}

afterEach(() => vi.unstubAllEnvs());

describe("requireDemoRequest", () => {
  it("allows loopback clients in demo mode", async () => {
    expect(await guardWith({ HANDOFF_DEMO: "1", NODE_ENV: "test" }, "127.0.0.1")).toBe("allowed");
    expect(await guardWith({ HANDOFF_DEMO: "1", NODE_ENV: "test" }, "::1")).toBe("allowed");
  });

  it("answers 404 to any non-loopback client, even in demo mode", async () => {
    for (const address of [
      "10.0.0.5",
      "192.168.1.10",
      "::ffff:10.0.0.5",
      "2001:db8::1",
      undefined,
    ]) {
      expect(await guardWith({ HANDOFF_DEMO: "1", NODE_ENV: "test" }, address)).toBe(404);
    }
  });

  it("answers 404 outside demo mode, loopback or not", async () => {
    const normal = {
      HANDOFF_DEMO: "0",
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
      SHOPIFY_APP_URL: "https://x.example",
    };
    expect(await guardWith(normal, "127.0.0.1")).toBe(404);
  });

  it("keeps the request context module importable on its own", () => {
    expect(runWithRequestContext({ requestId: "x", logger }, () => 1)).toBe(1);
  });
});
