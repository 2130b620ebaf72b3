/**
 * Proves the two halves of Shopify interception: the preload inside a child process
 * (as the app server runs it) forwards Admin calls to the HTTP mock and blocks every
 * non-loopback request, and the in-process mock serves @shopify/shopify-api's own
 * GraphQL client.
 */
import "@shopify/shopify-api/adapters/web-api";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { ApiVersion, LogSeverity, Session, shopifyApi } from "@shopify/shopify-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ShopifyMockResponse,
  isLoopbackUrl,
  mockShopifyGraphqlInProcess,
  startShopifyAdminMock,
  type ShopifyAdminMock,
} from "../../helpers/shopify-admin-mock";
import { TEST_API_KEY, TEST_API_SECRET } from "../../helpers/shopify-signing";

const PRELOAD = fileURLToPath(new URL("../../helpers/shopify-mock-preload.mjs", import.meta.url));
const SHOP = "handoff-test.myshopify.com";

interface ChildResult {
  stdout: string;
  stderr: string;
}

/** Runs `script` (ESM, top-level await allowed) in a fresh Node with the preload. */
function runWithPreload(
  script: string,
  extraEnv: Record<string, string | undefined>,
  preload = true,
): Promise<ChildResult> {
  const args = [...(preload ? ["--import", PRELOAD] : []), "--input-type=module", "-e", script];
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
    for (const [key, value] of Object.entries(extraEnv)) if (value !== undefined) env[key] = value;
    execFile(
      process.execPath,
      args,
      { env: env as NodeJS.ProcessEnv, timeout: 20_000, encoding: "utf8" },
      (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
    );
  });
}

/** The child prints one JSON line per probe: `{ name, ok, status?, text?, error? }`. */
const probeLib = `
const results = {};
async function probe(name, url, init) {
  try {
    const res = await fetch(url, init);
    results[name] = { ok: true, status: res.status, text: await res.text() };
  } catch (error) {
    results[name] = { ok: false, error: String(error && (error.cause?.message || error.message)) };
  }
}
// \`named\`: the ESM named export, which msw's patch only reaches after syncBuiltinESMExports().
async function probeHttp(name, url, style = "named") {
  const ns = await import("node:http");
  const get = style === "named" ? ns.get : ns.default.get;
  await new Promise((resolve) => {
    const req = get(url, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => { results[name] = { ok: true, status: res.statusCode, text }; resolve(); });
    });
    req.on("error", (error) => { results[name] = { ok: false, error: error.message }; resolve(); });
  });
}
async function probeNet(name, host, port) {
  const net = await import("node:net");
  await new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.on("connect", () => { results[name] = { ok: true }; socket.destroy(); resolve(); });
    socket.on("error", (error) => { results[name] = { ok: false, error: error.message }; resolve(); });
  });
}
`;

let loopback: Server;
let loopbackPort: number;
beforeAll(async () => {
  loopback = createServer((req, res) => res.end(`loopback saw ${req.url}`));
  await new Promise<void>((resolve) => loopback.listen(0, "127.0.0.1", resolve));
  loopbackPort = (loopback.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => loopback.close(resolve));
});

describe("isLoopbackUrl", () => {
  it("accepts only 127.0.0.0/8, ::1 and localhost", () => {
    for (const url of [
      "http://127.0.0.1:1/",
      "http://127.9.8.7/",
      "http://[::1]:3000/x",
      "http://LOCALHOST/",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      "http://0.0.0.0/",
      "https://example.com/",
      "http://10.0.0.1/",
      "http://127.0.0.1.example.com/",
      "http://[::2]/",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});

describe("shopify-mock-preload.mjs with startShopifyAdminMock()", () => {
  let mock: ShopifyAdminMock;
  beforeAll(async () => {
    mock = await startShopifyAdminMock();
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await mock.stop();
  });

  it("forwards Admin GraphQL and token exchange from the child to the mock", async () => {
    mock.onGraphql("ShopName", (vars) => ({ data: { shop: { name: `Shop ${String(vars.n)}` } } }));
    mock.onGraphql(
      /productCreate/,
      () => new ShopifyMockResponse(429, { errors: "Throttled" }, { "retry-after": "2" }),
    );

    const { stdout } = await runWithPreload(
      `${probeLib}
      const gql = (body) => ({ method: "POST", headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_x" }, body: JSON.stringify(body) });
      await probe("named", "https://${SHOP}/admin/api/2025-10/graphql.json", gql({ query: "query ShopName { shop { name } }", variables: { n: 7 } }));
      await probe("throttled", "https://${SHOP}/admin/api/2025-10/graphql.json", gql({ query: "mutation { productCreate(input: {}) { product { id } } }" }));
      await probe("unmatched", "https://other-shop.myshopify.com/admin/api/2025-10/graphql.json", gql({ query: "{ orders(first: 1) { nodes { id } } }" }));
      await probe("token", "https://${SHOP}/admin/oauth/access_token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_id: "k", requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token" }) });
      console.log(JSON.stringify(results));`,
      { SHOPIFY_MOCK_URL: mock.url, SCOPES: "read_products,write_orders" },
    );
    const results = JSON.parse(stdout) as Record<
      string,
      { ok: boolean; status?: number; text?: string }
    >;

    expect(results.named).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(results.named?.text ?? "")).toEqual({ data: { shop: { name: "Shop 7" } } });
    expect(results.throttled).toMatchObject({ ok: true, status: 429 });
    expect(JSON.parse(results.unmatched?.text ?? "")).toEqual({ data: {} });
    const token = JSON.parse(results.token?.text ?? "") as { access_token: string; scope: string };
    expect(token.access_token).toMatch(/^shpat_test_handoff-test_/);
    expect(token.scope).toBe("read_products,write_orders");

    expect(mock.requests.map((r) => [r.kind, r.shop, r.path])).toEqual([
      ["graphql", SHOP, "/admin/api/2025-10/graphql.json"],
      ["graphql", SHOP, "/admin/api/2025-10/graphql.json"],
      ["graphql", "other-shop.myshopify.com", "/admin/api/2025-10/graphql.json"],
      ["token_exchange", SHOP, "/admin/oauth/access_token"],
    ]);
    expect(mock.requests[0]).toMatchObject({
      operationName: "ShopName",
      variables: { n: 7 },
      query: "query ShopName { shop { name } }",
    });
    expect(mock.requests[0]?.headers["x-shopify-access-token"]).toBe("shpat_x");
    expect(mock.graphqlRequests("productCreate")).toHaveLength(1);
    expect(mock.graphqlRequests()).toHaveLength(3);
  }, 30_000);

  it("lets loopback through and blocks everything else: fetch, http.get, raw sockets", async () => {
    // Control: without the preload, 0.0.0.0 reaches the loopback server — so a failure
    // with the preload is the block, not a missing route or DNS.
    const control = await runWithPreload(
      `${probeLib}
      await probe("zero", "http://0.0.0.0:${loopbackPort}/control");
      await probeNet("zeroNet", "0.0.0.0", ${loopbackPort});
      console.log(JSON.stringify(results));`,
      {},
      false,
    );
    expect(JSON.parse(control.stdout)).toMatchObject({
      zero: { ok: true, text: "loopback saw /control" },
      zeroNet: { ok: true },
    });

    const { stdout, stderr } = await runWithPreload(
      `${probeLib}
      await probe("v4", "http://127.0.0.1:${loopbackPort}/a");
      await probe("name", "http://localhost:${loopbackPort}/b");
      await probeHttp("httpLoop", "http://127.0.0.1:${loopbackPort}/c");
      await probe("zero", "http://0.0.0.0:${loopbackPort}/leak");
      await probeHttp("zeroHttp", "http://0.0.0.0:${loopbackPort}/leak-http");
      await probeHttp("zeroHttpDefault", "http://0.0.0.0:${loopbackPort}/leak-http-default", "default");
      await probeNet("netLoop", "127.0.0.1", ${loopbackPort});
      await probeNet("zeroNet", "0.0.0.0", ${loopbackPort});
      await probeNet("smtpOut", "smtp.example.com", 25);
      await probe("public", "https://example.com/");
      await probe("shopifyOther", "https://${SHOP}/admin/api/2025-10/products.json");
      console.log(JSON.stringify(results));`,
      { SHOPIFY_MOCK_URL: mock.url },
    );
    const results = JSON.parse(stdout) as Record<string, { ok: boolean; text?: string }>;
    expect(results.v4).toMatchObject({ ok: true, text: "loopback saw /a" });
    expect(results.name).toMatchObject({ ok: true, text: "loopback saw /b" });
    expect(results.httpLoop).toMatchObject({ ok: true, text: "loopback saw /c" });
    expect(results.netLoop).toMatchObject({ ok: true });
    for (const name of [
      "zero",
      "zeroHttp",
      "zeroHttpDefault",
      "zeroNet",
      "smtpOut",
      "public",
      "shopifyOther",
    ]) {
      expect(results[name], name).toMatchObject({ ok: false });
    }
    expect(stderr).toContain(`BLOCKED outbound request GET http://0.0.0.0:${loopbackPort}/leak `);
    expect(stderr).toContain(
      `BLOCKED outbound request GET http://0.0.0.0:${loopbackPort}/leak-http `,
    );
    expect(stderr).toContain(`BLOCKED outbound connection to 0.0.0.0:${loopbackPort} `);
    expect(stderr).toContain("BLOCKED outbound connection to smtp.example.com:25 ");
    expect(stderr).toContain("BLOCKED outbound request GET https://example.com/ ");
    expect(stderr).toContain(
      `BLOCKED outbound request GET https://${SHOP}/admin/api/2025-10/products.json `,
    );
    expect(mock.requests).toHaveLength(0);
  }, 30_000);

  it("answers by itself when SHOPIFY_MOCK_URL is unset", async () => {
    const { stdout } = await runWithPreload(
      `${probeLib}
      await probe("gql", "https://${SHOP}/admin/api/2025-10/graphql.json", { method: "POST", body: JSON.stringify({ query: "{ shop { id } }" }) });
      await probe("online", "https://${SHOP}/admin/oauth/access_token", { method: "POST", body: JSON.stringify({ requested_token_type: "urn:shopify:params:oauth:token-type:online-access-token" }) });
      console.log(JSON.stringify(results));`,
      { SCOPES: "read_orders" },
    );
    const results = JSON.parse(stdout) as Record<string, { text: string }>;
    expect(JSON.parse(results.gql?.text ?? "")).toEqual({ data: {} });
    expect(JSON.parse(results.online?.text ?? "")).toMatchObject({
      access_token: expect.stringMatching(/^shpua_test_/),
      scope: "read_orders",
      associated_user: { id: 1 },
    });
  }, 30_000);
});

describe("mockShopifyGraphqlInProcess()", () => {
  it("serves @shopify/shopify-api's own GraphQL client and blocks other traffic", async () => {
    const mock = mockShopifyGraphqlInProcess();
    try {
      mock.onGraphql("shop", () => ({ data: { shop: { name: "Default" } } }));
      mock.onGraphql("ShopName", (vars) => ({
        data: { shop: { name: `Handoff ${String(vars.suffix)}` } },
      }));

      const shopify = shopifyApi({
        apiKey: TEST_API_KEY,
        apiSecretKey: TEST_API_SECRET,
        apiVersion: ApiVersion.October25,
        hostName: "127.0.0.1",
        isEmbeddedApp: true,
        logger: { level: LogSeverity.Error, log: async () => {} },
      });
      const session = new Session({
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "",
        isOnline: false,
        accessToken: "shpat_unit",
      });
      const client = new shopify.clients.Graphql({ session });
      const response = await client.request<{ shop: { name: string } }>(
        "query ShopName($suffix: String) { shop { name } }",
        { variables: { suffix: "Test" } },
      );

      expect(response.data?.shop.name).toBe("Handoff Test");
      expect(mock.requests).toHaveLength(1);
      expect(mock.requests[0]).toMatchObject({
        kind: "graphql",
        shop: SHOP,
        variables: { suffix: "Test" },
      });
      expect(mock.requests[0]?.headers["x-shopify-access-token"]).toBe("shpat_unit");

      await expect(fetch("https://example.com/")).rejects.toThrow();
      const local = await fetch(`http://127.0.0.1:${loopbackPort}/in-process`);
      expect(await local.text()).toBe("loopback saw /in-process");
    } finally {
      await mock.stop();
    }
  });
});
