import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ingestUrlPolicy } from "~/lib/ingest/config.server";
import { openRemoteFile, RemoteFetchError } from "~/lib/ingest/remote-fetch.server";
import { defaultConnector, type ConnectTarget } from "~/lib/webhooks-out/http-sender.server";
import type { HostResolver } from "~/lib/webhooks-out/ssrf.server";
import { normalizeAllowedHost } from "~/services/ingest.server";

/**
 * The ingest fetcher under the webhooks' SSRF rules. Every refusal injects the resolver
 * AND the connector and asserts the connector was never called: the refusal comes before
 * any connection, and no test sends a packet anywhere but 127.0.0.1.
 */

const strict = { allowLocalhost: false };
const dev = { allowLocalhost: true };
const allowAll = () => true;

function fakeDns(table: Record<string, string[]>): HostResolver {
  return async (hostname) => {
    const answers = table[hostname];
    if (!answers)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const);
  };
}

function spyConnector() {
  return vi.fn((target: ConnectTarget) => {
    if (!/^127\.|^::1$/.test(target.address))
      throw new Error(`test tried to connect to ${target.address}`);
    return defaultConnector(target);
  });
}

const dns = fakeDns({
  "loopback.example.com": ["127.0.0.1"],
  "private.example.com": ["10.1.2.3"],
  "metadata.example.com": ["169.254.169.254"],
  "mixed.example.com": ["93.184.215.14", "192.168.1.10"],
  "mapped.example.com": ["::ffff:169.254.169.254"],
  "public.example.com": ["93.184.215.14"],
});

describe("SSRF: refused before any connection (localhost setting off)", () => {
  it.each([
    ["an allowlisted host resolving to 127.0.0.1", "https://loopback.example.com/f.zip"],
    ["an allowlisted host resolving to 10.x", "https://private.example.com/f.zip"],
    ["an allowlisted host resolving to 169.254.169.254", "https://metadata.example.com/f.zip"],
    ["one private record among public ones", "https://mixed.example.com/f.zip"],
    ["IPv4-mapped metadata", "https://mapped.example.com/f.zip"],
    ["a metadata host name", "https://metadata.google.internal/f.zip"],
    ["plain http", "http://public.example.com/f.zip"],
    ["a literal loopback IP", "https://127.0.0.1/f.zip"],
  ])("%s", async (_label, url) => {
    const connector = spyConnector();
    const error = await openRemoteFile({
      url,
      policy: strict,
      isHostAllowed: allowAll,
      resolver: dns,
      connector,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFetchError);
    expect((error as RemoteFetchError).code).toBe("url_refused");
    expect((error as RemoteFetchError).retryable).toBe(false);
    expect(connector).not.toHaveBeenCalled();
  });

  it("a host not on the allowlist is refused before DNS", async () => {
    const resolver = vi.fn(dns);
    const connector = spyConnector();
    const error = (await openRemoteFile({
      url: "https://public.example.com/f.zip",
      policy: strict,
      isHostAllowed: (host) => host === "files.example.com",
      resolver,
      connector,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(error.code).toBe("host_not_allowed");
    expect(resolver).not.toHaveBeenCalled();
    expect(connector).not.toHaveBeenCalled();
  });

  it("connects to the checked address itself (no second lookup)", async () => {
    let lookups = 0;
    const rebinding: HostResolver = async () => {
      lookups++;
      return [{ address: lookups === 1 ? "93.184.215.14" : "10.0.0.1", family: 4 }];
    };
    const seen: ConnectTarget[] = [];
    await openRemoteFile({
      url: "https://rebinding.example.com/f.zip",
      policy: strict,
      isHostAllowed: allowAll,
      resolver: rebinding,
      connector: (target) => {
        seen.push(target);
        throw new Error("stop here: no packet leaves the machine");
      },
    }).catch(() => {});
    expect(lookups).toBe(1);
    expect(seen).toEqual([
      {
        address: "93.184.215.14",
        family: 4,
        port: 443,
        secure: true,
        servername: "rebinding.example.com",
      },
    ]);
  });

  it("INGEST_ALLOW_LOCALHOST is ignored in production", () => {
    expect(ingestUrlPolicy({ INGEST_ALLOW_LOCALHOST: "1", NODE_ENV: "test" })).toEqual(dev);
    expect(ingestUrlPolicy({ INGEST_ALLOW_LOCALHOST: "1", NODE_ENV: "production" })).toEqual(
      strict,
    );
    expect(ingestUrlPolicy({})).toEqual(strict);
  });
});

describe("against a real server on 127.0.0.1", () => {
  let server: http.Server;
  let base: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => {};
  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function read(body: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it("reads Content-Length and chunked bodies byte for byte", async () => {
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    handler = (req, res) => {
      if (req.url === "/chunked") {
        res.writeHead(200, { "content-type": "Application/Zip; charset=binary" });
        for (let i = 0; i < payload.length; i += 7_001) res.write(payload.subarray(i, i + 7_001));
        res.end();
      } else {
        res.writeHead(200, { "content-length": payload.length });
        res.end(payload);
      }
    };
    const sized = await openRemoteFile({
      url: `${base}/sized`,
      policy: dev,
      isHostAllowed: allowAll,
    });
    expect(sized.contentLength).toBe(payload.length);
    expect((await read(sized.body)).equals(payload)).toBe(true);
    const chunked = await openRemoteFile({
      url: `${base}/chunked`,
      policy: dev,
      isHostAllowed: allowAll,
    });
    expect(chunked.contentLength).toBeNull();
    expect(chunked.contentType).toBe("application/zip");
    expect((await read(chunked.body)).equals(payload)).toBe(true);
  });

  it("a body cut short is an error, not a short file", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": 1000 });
      res.write(Buffer.alloc(100));
      setTimeout(() => res.destroy(), 20);
    };
    const remote = await openRemoteFile({
      url: `${base}/cut`,
      policy: dev,
      isHostAllowed: allowAll,
    });
    await expect(read(remote.body)).rejects.toThrow(/closed before the body was complete/);
  });

  it("does not follow a redirect to the metadata address", async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    };
    const connector = spyConnector();
    const error = (await openRemoteFile({
      url: `${base}/redirect`,
      policy: dev,
      isHostAllowed: allowAll,
      connector,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(error.code).toBe("url_refused");
    expect(connector).toHaveBeenCalledTimes(1);
    expect(connector.mock.calls[0]![0]).toMatchObject({ address: "127.0.0.1" });
  });

  it("follows allowed redirects, at most 5", async () => {
    handler = (req, res) => {
      const n = Number(req.url!.slice(1));
      if (n > 0) {
        res.writeHead(301, { location: `/${n - 1}` });
        return void res.end();
      }
      res.writeHead(200, { "content-length": 2 });
      res.end("ok");
    };
    const ok = await openRemoteFile({ url: `${base}/5`, policy: dev, isHostAllowed: allowAll });
    expect((await read(ok.body)).toString()).toBe("ok");
    const tooMany = (await openRemoteFile({
      url: `${base}/6`,
      policy: dev,
      isHostAllowed: allowAll,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(tooMany.code).toBe("too_many_redirects");
  });

  it("times out a silent server", async () => {
    handler = () => {};
    const error = (await openRemoteFile({
      url: `${base}/hang`,
      policy: dev,
      isHostAllowed: allowAll,
      headersTimeoutMs: 300,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(error.code).toBe("fetch_failed");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/300 ms/);
  });

  it("4xx is final, 5xx is retryable", async () => {
    handler = (req, res) => {
      res.writeHead(req.url === "/404" ? 404 : 503);
      res.end();
    };
    const notFound = (await openRemoteFile({
      url: `${base}/404`,
      policy: dev,
      isHostAllowed: allowAll,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(notFound).toMatchObject({ code: "http_error", retryable: false, status: 404 });
    const unavailable = (await openRemoteFile({
      url: `${base}/503`,
      policy: dev,
      isHostAllowed: allowAll,
    }).catch((e: unknown) => e)) as RemoteFetchError;
    expect(unavailable).toMatchObject({ code: "http_error", retryable: true, status: 503 });
  });
});

describe("allowlist entries", () => {
  it.each([
    ["Files.Example.COM.", { host: "files.example.com" }],
    ["bücher.example", { host: "xn--bcher-kva.example" }],
    ["10.0.0.1", "IP address"],
    ["[::1]", "not a host name"],
    ["localhost", "internal"],
    ["metadata.google.internal", "internal"],
    ["nas.local", "internal"],
    ["intranet", "internal"],
    ["https://files.example.com", "not a host name"],
    ["files.example.com/x", "not a host name"],
    ["-bad.example.com", "not a valid host name"],
    ["", "Enter a host name"],
  ])("%s", (input, expected) => {
    const result = normalizeAllowedHost(input, strict);
    if (typeof expected === "string") expect("error" in result && result.error).toContain(expected);
    else expect(result).toEqual(expected);
  });

  it("accepts localhost and 127.0.0.1 only with the dev setting", () => {
    expect(normalizeAllowedHost("localhost", dev)).toEqual({ host: "localhost" });
    expect(normalizeAllowedHost("127.0.0.1", dev)).toEqual({ host: "127.0.0.1" });
    expect(normalizeAllowedHost("127.0.0.1", strict)).toHaveProperty("error");
  });
});
