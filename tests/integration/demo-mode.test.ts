import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { CHROME_USER_AGENT } from "../helpers/browser";
import { PROJECT_ROOT, startServer, type TestServer } from "../helpers/server";
import { seedDemoDataDir, type SeededDemo } from "../helpers/demo";

describe("demo mode", () => {
  let demo: TestServer;
  let seeded: SeededDemo;
  beforeAll(async () => {
    seeded = await seedDemoDataDir();
    demo = await startServer({ demo: true, database: "pglite", env: { DATA_DIR: seeded.dataDir } });
  });
  afterAll(async () => {
    await demo?.stop();
    await seeded?.cleanup();
  });

  it("opens the seeded demo admin through the real authenticate.admin", async () => {
    const res = await fetch(`${demo.url}/demo`, { headers: { "User-Agent": CHROME_USER_AGENT } });
    expect(res.status).toBe(200);
    expect(new URL(res.url).pathname).toBe("/app");
    const html = await res.text();
    // Home: the setup guide reflects the seeded shop (products and orders exist).
    expect(html).toContain("Setup guide");
    expect(html).toContain("/demo/app-bridge.js");
    const products = await fetch(`${demo.url}/app/products${new URL(res.url).search}`, {
      headers: { "User-Agent": CHROME_USER_AGENT },
    });
    expect(products.status).toBe(200);
    const productsHtml = await products.text();
    expect(productsHtml).toContain("Photography Basics (ebook)");
    expect(productsHtml).toContain("Lumen Presets 2.4");
    expect(demo.blockedRequests()).toEqual([]);
  });

  it("serves the seeded shopper download page", async () => {
    const res = await fetch(`${demo.url}/d/${seeded.downloadToken}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Photography Basics.pdf");
    expect(html).toMatch(/LUMEN-[A-Z0-9-]+/);
  });

  it("signs a session token and redirects into the real admin", async () => {
    const res = await fetch(`${demo.url}/demo`, {
      redirect: "manual",
      headers: { "User-Agent": CHROME_USER_AGENT },
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!, demo.url);
    expect(location.pathname).toBe("/app");
    expect(location.searchParams.get("shop")).toBe("handoff-demo.myshopify.com");
    expect(location.searchParams.get("id_token")?.split(".")).toHaveLength(3);
  });

  it("serves the App Bridge stand-in and fresh session tokens", async () => {
    const script = await fetch(`${demo.url}/demo/app-bridge.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("Authorization");
    const token = await fetch(`${demo.url}/demo/session-token`);
    expect(token.status).toBe(200);
    expect((await token.text()).split(".")).toHaveLength(3);
  });
});

describe("normal mode cannot reach the demo", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.stop());

  it.each(["/demo", "/demo/app-bridge.js", "/demo/session-token"])(
    "%s answers 404",
    async (path) => {
      const res = await fetch(`${server.url}${path}`, {
        redirect: "manual",
        headers: { "User-Agent": CHROME_USER_AGENT },
      });
      expect(res.status).toBe(404);
    },
  );
});

describe("demo mode refuses unsafe environments", () => {
  function boot(env: Record<string, string>) {
    return spawnSync(process.execPath, ["server.mjs", "--migrate"], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        HANDOFF_DEMO: "1",
        DATA_DIR: "/nonexistent-never-created",
        ...env,
      },
      encoding: "utf8",
      timeout: 30_000,
    });
  }

  it("refuses NODE_ENV=production", () => {
    const result = boot({ NODE_ENV: "production" });
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toContain("refuses to run with NODE_ENV=production");
  });

  it("refuses real Shopify credentials", () => {
    const result = boot({
      NODE_ENV: "development",
      SHOPIFY_API_KEY: "real-key",
      SHOPIFY_API_SECRET: "real-secret",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toContain("refuses to run with real Shopify credentials");
  });
});
