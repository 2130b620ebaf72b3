import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { Duplex } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ingestUrlPolicy } from "~/lib/ingest/config.server";
import { openRemoteFile, RemoteFetchError } from "~/lib/ingest/remote-fetch.server";
import {
  connectorWith,
  defaultConnector,
  type ConnectTarget,
} from "~/lib/webhooks-out/http-sender.server";
import type { HostResolver } from "~/lib/webhooks-out/ssrf.server";
import { normalizeAllowedHost } from "~/services/ingest.server";
import { makeSelfSignedCertificate } from "../../helpers/self-signed-certificate";

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

/**
 * The HTTP/1.1 reader on its own: a scripted socket (no network) hands the response over
 * in exactly the pieces a test chooses, so every framing boundary can be hit — the head
 * split anywhere, chunk-size lines and CRLFs cut in half, the connection closing early.
 */
describe("over TLS, as every production fetch is", () => {
  // A self-signed certificate for files.example.com, made for this run (openssl CLI).
  let dir: string;
  let cert: string;
  let server: https.Server;
  let port: number;
  const payload = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7) % 256));
  const sni: Array<string | false | null> = [];
  const tlsDns = fakeDns({
    "files.example.com": ["127.0.0.1"],
    "other.example.com": ["127.0.0.1"],
  });
  /** The production connector, trusting this run's certificate instead of the system's CAs. */
  const trusting = (ca: string | null) =>
    vi.fn((target: ConnectTarget) => {
      if (target.address !== "127.0.0.1") throw new Error(`test tried ${target.address}`);
      return (ca ? connectorWith({ ca }) : defaultConnector)(target);
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "handoff-tls-"));
    const { certFile, keyFile } = makeSelfSignedCertificate(dir, "DNS:files.example.com");
    cert = await readFile(certFile, "utf8");
    server = https.createServer({ key: await readFile(keyFile), cert }, (_req, res) => {
      res.writeHead(200, { "content-length": payload.length, "content-type": "application/zip" });
      res.end(payload);
    });
    server.on("secureConnection", (socket) => sni.push(socket.servername));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("checks the certificate against the URL's host name (sent as SNI) and reads the body", async () => {
    const connector = trusting(cert);
    const remote = await openRemoteFile({
      url: `https://files.example.com:${port}/bundle.zip`,
      policy: dev,
      isHostAllowed: allowAll,
      resolver: tlsDns,
      connector,
    });
    expect(connector).toHaveBeenCalledWith(
      expect.objectContaining({
        address: "127.0.0.1",
        secure: true,
        servername: "files.example.com",
      }),
    );
    expect(sni.at(-1)).toBe("files.example.com");
    expect(remote.contentType).toBe("application/zip");
    const chunks: Buffer[] = [];
    for await (const chunk of remote.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it("refuses a certificate made out to another name, and one nobody trusts", async () => {
    const failure = async (host: string, ca: string | null) => {
      const error = await openRemoteFile({
        url: `https://${host}:${port}/bundle.zip`,
        policy: dev,
        isHostAllowed: allowAll,
        resolver: tlsDns,
        connector: trusting(ca),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteFetchError);
      expect((error as RemoteFetchError).code).toBe("fetch_failed");
      return (error as RemoteFetchError).message;
    };
    expect(await failure("other.example.com", cert)).toMatch(/other\.example\.com|altnames/i);
    expect(await failure("files.example.com", null)).toMatch(/self[- ]signed|certificate/i);
  });
});

describe("the HTTP/1.1 body reader", () => {
  /** A socket whose reads return `pieces` one by one, then end (or reset). */
  function scriptedSocket(pieces: Buffer[], close: "end" | "reset" = "end") {
    let next = 0;
    let produced = 0;
    const socket = new Duplex({
      read() {
        // One piece per read, each on its own tick: separate 'data' events, like TCP.
        setImmediate(() => {
          if (socket.destroyed) return;
          const piece = pieces[next++];
          if (piece) {
            produced += piece.length;
            socket.push(piece);
          } else if (close === "reset") {
            socket.destroy(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
          } else {
            socket.push(null);
          }
        });
      },
      write(_chunk, _encoding, done) {
        done();
      },
    });
    return { socket, produced: () => produced };
  }

  async function fetchScripted(pieces: Buffer[], close: "end" | "reset" = "end") {
    const scripted = scriptedSocket(pieces, close);
    const remote = await openRemoteFile({
      url: "http://127.0.0.1:9/file.bin",
      policy: dev,
      isHostAllowed: allowAll,
      connector: () => scripted.socket,
    });
    return { remote, ...scripted };
  }

  async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** `bytes` cut at the given offsets. */
  function cut(bytes: Buffer, ...at: number[]): Buffer[] {
    const points = [0, ...at.filter((n) => n > 0 && n < bytes.length), bytes.length];
    return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
  }

  function chunkedEncoding(payload: Buffer, sizes: number[], trailer = ""): Buffer {
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = 0; offset < payload.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, payload.length - offset);
      // Upper-case hex and a chunk extension now and then: both are legal.
      const size = i % 3 === 0 ? n.toString(16).toUpperCase() : `${n.toString(16)};ext=${i}`;
      parts.push(Buffer.from(`${size}\r\n`), payload.subarray(offset, offset + n));
      parts.push(Buffer.from("\r\n"));
      offset += n;
    }
    parts.push(Buffer.from(`0\r\n${trailer}\r\n`));
    return Buffer.concat(parts);
  }

  const payload = Buffer.from(Array.from({ length: 5_000 }, (_, i) => (i * 31) % 256));
  const sizedHead = Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Length: ${payload.length}\r\nContent-Type: application/zip\r\n\r\n`,
  );

  it("Content-Length: the same bytes wherever the reads split the head and the body", async () => {
    const response = Buffer.concat([sizedHead, payload]);
    // Every split point across the head (incl. inside the blank line) and the body's start.
    for (let at = 1; at < sizedHead.length + 3; at++) {
      const { remote } = await fetchScripted(cut(response, at, at + 1, at + 700));
      expect(remote.contentLength).toBe(payload.length);
      expect(remote.contentType).toBe("application/zip");
      expect((await readAll(remote.body)).equals(payload), `split at ${at}`).toBe(true);
    }
  });

  it("Content-Length: stops at the declared length even if more bytes follow", async () => {
    const { remote } = await fetchScripted([
      Buffer.concat([sizedHead, payload.subarray(0, 100)]),
      Buffer.concat([payload.subarray(100), Buffer.from("GARBAGE AFTER THE BODY")]),
    ]);
    expect((await readAll(remote.body)).equals(payload)).toBe(true);
  });

  it("a 100 Continue before the answer is skipped", async () => {
    const { remote } = await fetchScripted(
      cut(
        Buffer.concat([Buffer.from("HTTP/1.1 100 Continue\r\n\r\n"), sizedHead, payload]),
        10,
        30,
      ),
    );
    expect(remote.status).toBe(200);
    expect((await readAll(remote.body)).equals(payload)).toBe(true);
  });

  it("chunked: decodes whatever the read boundaries, with extensions and trailers", async () => {
    const head = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const small = payload.subarray(0, 1_500);
    const encoded = chunkedEncoding(small, [1, 2, 700, 17, 4096], "X-Checksum: abc\r\n");
    const response = Buffer.concat([head, encoded]);
    // Every single split point, then reads of 1, 2, 3 and 7 bytes each.
    for (let at = head.length - 2; at < response.length; at++) {
      const { remote } = await fetchScripted(cut(response, at));
      expect(remote.contentLength).toBeNull();
      expect((await readAll(remote.body)).equals(small), `split at ${at}`).toBe(true);
    }
    for (const step of [1, 2, 3, 7]) {
      const points = Array.from({ length: Math.ceil(response.length / step) }, (_, i) => i * step);
      const { remote } = await fetchScripted(cut(response, ...points));
      expect((await readAll(remote.body)).equals(small), `reads of ${step}`).toBe(true);
    }
  });

  it("chunked: a malformed size line or a missing CRLF after the data is an error", async () => {
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const body of ["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "-5\r\nhello\r\n"]) {
      const { remote } = await fetchScripted([Buffer.from(head + body)]);
      // The error is in the first read, before anyone reads the body (the job writes to
      // the database first): it must wait for the reader, not crash the process.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await expect(readAll(remote.body), JSON.stringify(body)).rejects.toThrow(
        /malformed chunked body/,
      );
    }
  });

  it("a connection that closes early is an error, never a short file", async () => {
    const chunkedHead = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const encoded = chunkedEncoding(payload, [1000]);
    const cases: Array<[string, Buffer[], "end" | "reset"]> = [
      ["Content-Length, closed", [sizedHead, payload.subarray(0, 4_000)], "end"],
      ["Content-Length, reset", [sizedHead, payload.subarray(0, 4_000)], "reset"],
      ["chunked, closed mid-chunk", [chunkedHead, encoded.subarray(0, 2_500)], "end"],
      // All data there, but not the terminating zero-size chunk.
      ["chunked, closed before the last chunk", [chunkedHead, encoded.subarray(0, -5)], "end"],
    ];
    for (const [label, pieces, close] of cases) {
      const { remote } = await fetchScripted(pieces, close);
      await expect(readAll(remote.body), label).rejects.toThrow(
        close === "reset" ? /ECONNRESET/ : /closed before the body was complete/,
      );
    }
  });

  it("without Content-Length or chunked, the body is everything until the close", async () => {
    const { remote } = await fetchScripted([
      Buffer.from("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello "),
      Buffer.from("world"),
    ]);
    expect(remote.contentLength).toBeNull();
    expect((await readAll(remote.body)).toString()).toBe("hello world");
  });

  it("a consumer that stops reading stops the socket: memory stays bounded", async () => {
    const piece = Buffer.alloc(64 * 1024, 7);
    const total = 64 * 1024 * 1024;
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`);
    const pieces = [head, ...Array.from({ length: total / piece.length }, () => piece)];
    const { remote, produced } = await fetchScripted(pieces);
    const first = await new Promise<Buffer>((resolve) => remote.body.once("data", resolve));
    remote.body.pause();
    expect(first.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The body's buffer (1 MiB) plus the socket's own, not the 64 MiB on offer.
    expect(produced()).toBeLessThan(4 * 1024 * 1024);
    remote.body.destroy();
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
