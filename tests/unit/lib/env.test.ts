import { describe, expect, it } from "vitest";
import { DEMO_API_KEY, DEMO_API_SECRET, EnvError, parseEnv } from "~/lib/env.server";

const real = {
  SHOPIFY_API_KEY: "k",
  SHOPIFY_API_SECRET: "s",
  SHOPIFY_APP_URL: "https://app.example.com",
};

describe("parseEnv", () => {
  it("requires Shopify credentials outside the demo, naming what is missing", () => {
    expect(() => parseEnv({})).toThrow(
      /Missing SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL/,
    );
    expect(parseEnv(real)).toMatchObject({
      ...real,
      PORT: 3000,
      DATA_DIR: ".data",
      WORKER_MODE: "inprocess",
    });
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => parseEnv({ ...real, PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ ...real, DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
    expect(() => parseEnv({ ...real, API_ACCESS_MODE: "sometimes" })).toThrow(EnvError);
  });

  it("fills demo credentials and a localhost app URL in demo mode", () => {
    expect(parseEnv({ HANDOFF_DEMO: "1", PORT: "4000" })).toMatchObject({
      HANDOFF_DEMO: true,
      SHOPIFY_API_KEY: DEMO_API_KEY,
      SHOPIFY_API_SECRET: DEMO_API_SECRET,
      SHOPIFY_APP_URL: "http://localhost:4000",
    });
  });

  it("refuses the demo in production", () => {
    expect(() => parseEnv({ HANDOFF_DEMO: "1", NODE_ENV: "production" })).toThrow(
      /NODE_ENV=production/,
    );
  });

  it("refuses the demo with real Shopify credentials", () => {
    expect(() => parseEnv({ HANDOFF_DEMO: "1", SHOPIFY_API_KEY: "real" })).toThrow(
      /real Shopify credentials/,
    );
    expect(() => parseEnv({ HANDOFF_DEMO: "1", SHOPIFY_API_SECRET: "real" })).toThrow(
      /real Shopify credentials/,
    );
  });

  it("treats HANDOFF_DEMO=0 as off", () => {
    expect(() => parseEnv({ HANDOFF_DEMO: "0" })).toThrow(/Missing SHOPIFY_API_KEY/);
  });
});

describe("empty variables", () => {
  it("treats NAME= (as in .env.example) as unset", () => {
    expect(parseEnv({ ...real, SMTP_URL: "", DATABASE_URL: "", HOST: "", PORT: "" })).toMatchObject(
      { PORT: 3000 },
    );
    expect(parseEnv({ ...real, SMTP_URL: "" }).SMTP_URL).toBeUndefined();
  });
});
