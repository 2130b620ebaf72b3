import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { webhookUrlPolicy } from "~/lib/webhooks-out/config.server";
import {
  defaultConnector,
  sendWebhookRequest,
  type ConnectTarget,
} from "~/lib/webhooks-out/http-sender.server";
import {
  checkWebhookUrl,
  forbiddenAddressReason,
  type HostResolver,
} from "~/lib/webhooks-out/ssrf.server";
import { startReceiver, type Receiver } from "./receiver";

/**
 * The SSRF guard. Every refusal test injects the resolver AND the socket connector and
 * asserts the connector was never called: the refusal happens before any connection
 * attempt, and no test sends a packet anywhere but 127.0.0.1.
 */

const strict = { allowLocalhost: false };
const dev = { allowLocalhost: true };

/** A resolver answering from a table; unknown names fail like NXDOMAIN. */
function fakeDns(table: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = (async (hostname: string) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const);
  }) as HostResolver & { calls: string[] };
  resolver.calls = calls;
  return resolver;
}

/** Records connection attempts; a real socket only to loopback, otherwise it throws. */
function spyConnector() {
  return vi.fn((target: ConnectTarget) => {
    if (!/^127\.|^::1$/.test(target.address)) {
      throw new Error(`test tried to connect to ${target.address}`);
    }
    return defaultConnector(target);
  });
}

const dns = fakeDns({
  "hooks.example.com": ["93.184.215.14"],
  "internal.example.com": ["10.1.2.3"],
  "mixed.example.com": ["93.184.215.14", "192.168.1.10"],
  "rebind.example.com": ["93.184.215.14", "127.0.0.1"],
  "v6private.example.com": ["fd12:3456::1"],
  "mapped.example.com": ["::ffff:169.254.169.254"],
  "cgnat.example.com": ["100.64.0.7"],
  localhost: ["127.0.0.1", "::1"],
});

describe("address classification", () => {
  it.each([
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.0.1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["169.254.169.254", "link-local metadata"],
    ["100.64.0.1", "CGNAT"],
    ["100.127.255.254", "CGNAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified v6"],
    ["::1", "loopback v6"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "unique-local (AWS metadata v6)"],
    ["fe80::1", "link-local v6"],
    ["ff02::1", "multicast v6"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped metadata (hex form)"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of metadata"],
    ["2002:c0a8:0101::1", "6to4 of 192.168.1.1"],
    ["2001:db8::1", "documentation"],
  ])("refuses %s (%s)", (address) => {
    expect(forbiddenAddressReason(address, strict)).not.toBeNull();
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700::1111",
    "::ffff:93.184.215.14",
  ])("allows public %s", (address) => {
    expect(forbiddenAddressReason(address, strict)).toBeNull();
  });

  it("allows loopback, and only loopback, with the dev setting", () => {
    expect(forbiddenAddressReason("127.0.0.1", dev)).toBeNull();
    expect(forbiddenAddressReason("::1", dev)).toBeNull();
    expect(forbiddenAddressReason("10.0.0.1", dev)).not.toBeNull();
    expect(forbiddenAddressReason("169.254.169.254", dev)).not.toBeNull();
    expect(forbiddenAddressReason("fc00::1", dev)).not.toBeNull();
  });

  it("reads WEBHOOKS_ALLOW_LOCALHOST, and ignores it in production", () => {
    expect(webhookUrlPolicy({ WEBHOOKS_ALLOW_LOCALHOST: "1" })).toEqual(dev);
    expect(webhookUrlPolicy({})).toEqual(strict);
    expect(webhookUrlPolicy({ WEBHOOKS_ALLOW_LOCALHOST: "1", NODE_ENV: "production" })).toEqual(
      strict,
    );
  });
});

describe("URL checks at endpoint creation", () => {
  it.each([
    ["http://hooks.example.com/x", "scheme_not_allowed"],
    ["ftp://hooks.example.com/x", "scheme_not_allowed"],
    ["https://user:pw@hooks.example.com/x", "credentials_in_url"],
    ["not a url", "invalid_url"],
    ["https://metadata.google.internal/computeMetadata/v1/", "forbidden_host"],
    ["https://instance-data/latest", "forbidden_host"],
    ["https://printer.local/", "forbidden_host"],
    ["https://localhost/hook", "forbidden_host"],
    ["https://10.0.0.8/hook", "forbidden_address"],
    ["https://127.0.0.1/hook", "forbidden_address"],
    ["https://0x7f.1/hook", "forbidden_address"], // WHATWG parses it as 127.0.0.1
    ["https://2130706433/hook", "forbidden_address"], // 127.0.0.1 as one number
    ["https://[::1]/hook", "forbidden_address"],
    ["https://[fc00::5]/hook", "forbidden_address"],
    ["https://[::ffff:169.254.169.254]/", "forbidden_address"],
    ["https://169.254.169.254/latest/meta-data/", "forbidden_address"],
    ["https://internal.example.com/hook", "forbidden_address"],
    ["https://mixed.example.com/hook", "forbidden_address"],
    ["https://rebind.example.com/hook", "forbidden_address"],
    ["https://v6private.example.com/hook", "forbidden_address"],
    ["https://mapped.example.com/hook", "forbidden_address"],
    ["https://cgnat.example.com/hook", "forbidden_address"],
    ["https://nxdomain.example.com/hook", "dns_failed"],
  ])("refuses %s (%s)", async (url, reason) => {
    await expect(checkWebhookUrl(url, strict, dns)).rejects.toMatchObject({ reason });
  });

  it("accepts a public https URL and returns the address to pin", async () => {
    const { target, parsed } = await checkWebhookUrl(
      "https://hooks.example.com:8443/in?x=1",
      strict,
      dns,
    );
    expect(target).toEqual({ address: "93.184.215.14", family: 4 });
    expect(parsed).toMatchObject({ hostname: "hooks.example.com", port: 8443, secure: true });
  });

  it("accepts http://localhost and 127.0.0.1 only with the dev setting", async () => {
    await expect(checkWebhookUrl("http://localhost:4000/h", dev, dns)).resolves.toBeTruthy();
    await expect(checkWebhookUrl("http://127.0.0.1:4000/h", dev, dns)).resolves.toBeTruthy();
    await expect(checkWebhookUrl("http://[::1]:4000/h", dev, dns)).resolves.toBeTruthy();
    await expect(checkWebhookUrl("http://127.0.0.1:4000/h", strict, dns)).rejects.toMatchObject({
      reason: "scheme_not_allowed",
    });
    // http stays refused for anything that is not loopback, even in dev
    await expect(checkWebhookUrl("http://hooks.example.com/h", dev, dns)).rejects.toMatchObject({
      reason: "scheme_not_allowed",
    });
    await expect(checkWebhookUrl("https://10.0.0.8/h", dev, dns)).rejects.toMatchObject({
      reason: "forbidden_address",
    });
  });
});

describe("the sender refuses before connecting", () => {
  const table: Array<[string, string]> = [
    ["10.x", "https://10.20.30.40/hook"],
    ["127.x without the dev setting", "https://127.0.0.1:9/hook"],
    ["169.254.169.254", "https://169.254.169.254/latest/meta-data/"],
    ["::1", "https://[::1]:9/hook"],
    ["fc00::/7", "https://[fd00::1]/hook"],
    ["a name resolving to a private address", "https://internal.example.com/hook"],
    ["a name with one private record among public ones", "https://mixed.example.com/hook"],
    ["IPv4-mapped metadata", "https://mapped.example.com/hook"],
  ];
  it.each(table)("%s", async (_label, url) => {
    const connector = spyConnector();
    const result = await sendWebhookRequest({
      url,
      body: "{}",
      headers: {},
      policy: strict,
      resolver: dns,
      connector,
    });
    expect(result).toMatchObject({ ok: false, status: null, refused: true });
    expect(!result.ok && result.error).toMatch(/^refused: /);
    expect(connector).not.toHaveBeenCalled();
  });

  it("connects to the checked address itself (DNS rebinding cannot swap it)", async () => {
    // First answer public, any later lookup private: the sender must not look up again.
    let lookups = 0;
    const rebinding: HostResolver = async () => {
      lookups++;
      return [{ address: lookups === 1 ? "93.184.215.14" : "10.0.0.1", family: 4 }];
    };
    const seen: ConnectTarget[] = [];
    const result = await sendWebhookRequest({
      url: "https://rebinding.example.com/hook",
      body: "{}",
      headers: {},
      policy: strict,
      resolver: rebinding,
      connector: (target) => {
        seen.push(target);
        throw new Error("stop here: no packet leaves the machine");
      },
    });
    expect(result.ok).toBe(false);
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
});

describe("against a real receiver on 127.0.0.1", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.stop());

  it("does not follow a redirect to the metadata address (a 3xx is a failure)", async () => {
    receiver.behave(() => ({
      status: 302,
      headers: { location: "http://169.254.169.254/latest/meta-data/" },
    }));
    const connector = spyConnector();
    const result = await sendWebhookRequest({
      url: receiver.url,
      body: "{}",
      headers: {},
      policy: dev,
      connector,
    });
    expect(result).toMatchObject({ ok: false, status: 302, refused: false });
    expect(!result.ok && result.error).toMatch(
      /redirect not followed \(302 to http:\/\/169\.254\.169\.254/,
    );
    expect(connector).toHaveBeenCalledTimes(1);
    expect(connector.mock.calls[0]![0]).toMatchObject({
      address: "127.0.0.1",
      port: receiver.port,
    });
  });

  it("gives up after the timeout and keeps at most 1 KB of the answer", async () => {
    receiver.behave(() => "hang");
    const slow = await sendWebhookRequest({
      url: receiver.url,
      body: "{}",
      headers: {},
      policy: dev,
      timeoutMs: 300,
    });
    expect(slow).toMatchObject({ ok: false, status: null });
    expect(!slow.ok && slow.error).toMatch(/timed out after 300 ms/);
    expect(slow.durationMs).toBeLessThan(2_000);

    receiver.behave(() => ({ status: 500, body: "é".repeat(5000) }));
    const big = await sendWebhookRequest({
      url: receiver.url,
      body: "{}",
      headers: {},
      policy: dev,
    });
    expect(big).toMatchObject({ ok: false, status: 500 });
    expect(Buffer.byteLength(big.snippet ?? "")).toBeLessThanOrEqual(1024 + 3);
    expect(big.snippet?.startsWith("éé")).toBe(true);
  });
});
