import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * SSRF guard for merchant-supplied webhook URLs. A webhook URL is an instruction to make
 * our servers send requests, so it must never reach our own network: private ranges,
 * loopback, link-local (cloud metadata at 169.254.169.254), CGNAT, multicast, reserved.
 *
 * The check runs on EVERY address the name resolves to (one bad record refuses the URL),
 * and the sender then connects to the checked address itself (see http-sender.server.ts),
 * so a DNS answer that changes between check and connect (rebinding) cannot swap it.
 */

export class UnsafeWebhookUrlError extends Error {
  override name = "UnsafeWebhookUrlError";
  constructor(
    message: string,
    /** Machine-readable reason, stored on the attempt and shown to the merchant. */
    readonly reason:
      | "invalid_url"
      | "scheme_not_allowed"
      | "credentials_in_url"
      | "forbidden_host"
      | "forbidden_address"
      | "dns_failed",
  ) {
    super(message);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Every A/AAAA answer for a host name (injected by tests; never the network there). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface UrlPolicy {
  /** Dev/test only: allow `http://` and loopback addresses (WEBHOOKS_ALLOW_LOCALHOST=1). */
  allowLocalhost: boolean;
}

const forbiddenV4 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network", incl. the unspecified address
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT (also Alibaba's metadata at 100.100.100.200)
  ["169.254.0.0", 16], // link-local, cloud metadata 169.254.169.254
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  forbiddenV4.addSubnet(net, prefix, "ipv4");
}
const loopbackV4 = new BlockList();
loopbackV4.addSubnet("127.0.0.0", 8, "ipv4");

// IPv6 is checked as "must be global unicast (2000::/3)" minus the special blocks inside
// it; everything else (::, ::1, fc00::/7, fe80::/10, ff00::/8, …) is refused by default.
const globalV6 = new BlockList();
globalV6.addSubnet("2000::", 3, "ipv6");
const forbiddenGlobalV6 = new BlockList();
for (const [net, prefix] of [
  ["2001::", 32], // Teredo (tunnels to an embedded, obfuscated IPv4)
  ["2001:10::", 28], // ORCHID
  ["2001:20::", 28], // ORCHIDv2
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation (2024)
] as const) {
  forbiddenGlobalV6.addSubnet(net, prefix, "ipv6");
}

/** Names that are metadata services or never public, whatever DNS says about them. */
const FORBIDDEN_HOSTNAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.com",
  "metadata.packet.net",
  "kubernetes.default",
  "kubernetes.default.svc",
]);
const FORBIDDEN_SUFFIXES = [
  ".internal",
  ".local",
  ".localdomain",
  ".home.arpa",
  ".svc",
  ".cluster.local",
];

function isLoopbackName(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost");
}

/** 16 bytes of an IPv6 address (accepts `::`, embedded dotted IPv4 and zone-less forms). */
function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const tail: number[] = [];
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    tail.push(...dotted[1]!.split(".").map(Number));
    text = text.slice(0, -dotted[1]!.length) + "0:0";
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const missing = 8 - headGroups.length - restGroups.length;
  if (rest === undefined ? headGroups.length !== 8 : missing < 0) return null;
  const groups = [
    ...headGroups,
    ...Array<string>(rest === undefined ? 0 : missing).fill("0"),
    ...restGroups,
  ];
  const bytes: number[] = [];
  for (const group of groups) {
    const value = parseInt(group || "0", 16);
    if (!/^[0-9a-f]{0,4}$/.test(group) || Number.isNaN(value)) return null;
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, compatible), if any. */
function embeddedIpv4(bytes: number[]): string | null {
  const allZero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join(".");
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (deprecated IPv4-compatible)
  if (allZero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(12);
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  if (
    bytes[0] === 0 &&
    bytes[1] === 0x64 &&
    bytes[2] === 0xff &&
    bytes[3] === 0x9b &&
    allZero(4, 12)
  ) {
    return v4(12);
  }
  // 2002:aabb:ccdd::/48 (6to4)
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2);
  return null;
}

/**
 * Why an address must not be contacted, or null when it is a public unicast address.
 * With `allowLocalhost`, loopback (127.0.0.0/8, ::1) is allowed — nothing else is.
 */
export function forbiddenAddressReason(address: string, policy: UrlPolicy): string | null {
  const family = isIP(address);
  if (family === 4) {
    if (loopbackV4.check(address, "ipv4")) {
      return policy.allowLocalhost ? null : "loopback address";
    }
    return forbiddenV4.check(address, "ipv4") ? "private or reserved address" : null;
  }
  if (family === 6) {
    const bytes = ipv6Bytes(address);
    if (!bytes) return "unparseable IPv6 address";
    const embedded = embeddedIpv4(bytes);
    if (embedded) {
      const reason = forbiddenAddressReason(embedded, policy);
      return reason ? `${reason} (embedded in IPv6)` : null;
    }
    const normalized = bytes
      .reduce<string[]>((groups, byte, i) => {
        if (i % 2 === 0) groups.push(((byte << 8) | bytes[i + 1]!).toString(16));
        return groups;
      }, [])
      .join(":");
    if (normalized === "0:0:0:0:0:0:0:1") {
      return policy.allowLocalhost ? null : "loopback address";
    }
    if (!globalV6.check(normalized, "ipv6")) return "non-global IPv6 address";
    return forbiddenGlobalV6.check(normalized, "ipv6") ? "reserved IPv6 address" : null;
  }
  return "not an IP address";
}

export interface ParsedWebhookUrl {
  url: URL;
  /** Host name without IPv6 brackets or a trailing dot, lowercased. */
  hostname: string;
  port: number;
  secure: boolean;
}

/** Syntax and policy checks that need no DNS: scheme, credentials, forbidden names. */
export function parseWebhookUrl(input: string, policy: UrlPolicy): ParsedWebhookUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UnsafeWebhookUrlError("The URL is not a valid absolute URL.", "invalid_url");
  }
  if (input.length > 2048) {
    throw new UnsafeWebhookUrlError("The URL is longer than 2048 characters.", "invalid_url");
  }
  const hostname = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (!hostname) throw new UnsafeWebhookUrlError("The URL has no host.", "invalid_url");
  if (url.username || url.password) {
    throw new UnsafeWebhookUrlError(
      "The URL must not contain a user name or password.",
      "credentials_in_url",
    );
  }
  const literal = isIP(hostname);
  const loopbackHost =
    isLoopbackName(hostname) ||
    (literal !== 0 &&
      forbiddenAddressReason(hostname, { allowLocalhost: false }) === "loopback address");
  if (url.protocol !== "https:") {
    const httpAllowed = url.protocol === "http:" && policy.allowLocalhost && loopbackHost;
    if (!httpAllowed) {
      throw new UnsafeWebhookUrlError("The URL must use https://.", "scheme_not_allowed");
    }
  }
  if (!literal) {
    if (isLoopbackName(hostname) && !policy.allowLocalhost) {
      throw new UnsafeWebhookUrlError("The URL points at this machine.", "forbidden_host");
    }
    if (
      FORBIDDEN_HOSTNAMES.has(hostname) ||
      FORBIDDEN_SUFFIXES.some((suffix) => hostname.endsWith(suffix)) ||
      (!hostname.includes(".") && !isLoopbackName(hostname))
    ) {
      throw new UnsafeWebhookUrlError(
        `The host ${hostname} is internal and cannot receive webhooks.`,
        "forbidden_host",
      );
    }
  }
  const secure = url.protocol === "https:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  return { url, hostname, port, secure };
}

/**
 * Resolves the URL's host and checks every address. Returns the address to connect to:
 * the caller must connect to exactly this one (never resolve again).
 */
export async function resolveWebhookTarget(
  parsed: ParsedWebhookUrl,
  policy: UrlPolicy,
  resolver: HostResolver = systemResolver,
): Promise<ResolvedAddress> {
  const literal = isIP(parsed.hostname);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: parsed.hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(parsed.hostname);
    } catch (error) {
      throw new UnsafeWebhookUrlError(
        `The host ${parsed.hostname} could not be resolved (${(error as Error).message}).`,
        "dns_failed",
      );
    }
    if (addresses.length === 0) {
      throw new UnsafeWebhookUrlError(`The host ${parsed.hostname} has no address.`, "dns_failed");
    }
  }
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address, policy);
    if (reason) {
      throw new UnsafeWebhookUrlError(
        `The host ${parsed.hostname} resolves to ${address}, a ${reason}; webhooks cannot be sent there.`,
        "forbidden_address",
      );
    }
  }
  return addresses[0]!;
}

/** `parseWebhookUrl` + `resolveWebhookTarget`: what endpoint creation runs. */
export async function checkWebhookUrl(
  input: string,
  policy: UrlPolicy,
  resolver?: HostResolver,
): Promise<{ parsed: ParsedWebhookUrl; target: ResolvedAddress }> {
  const parsed = parseWebhookUrl(input, policy);
  const target = await resolveWebhookTarget(parsed, policy, resolver);
  return { parsed, target };
}
