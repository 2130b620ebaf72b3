import { createHmac } from "node:crypto";
import { isIP } from "node:net";
import { env } from "~/lib/env.server";
import { requestContext } from "~/lib/request-context.server";

/**
 * The shopper's address for per-IP limits. Same trust rule as Express's
 * `trust proxy: loopback` in server.mjs: `X-Forwarded-For` is believed only hop by hop
 * from a loopback peer (a reverse proxy on the same host), walking from the right, so a
 * client can never pick its own bucket by sending the header itself.
 */
export function clientAddress(request: Request): string | null {
  const peer = requestContext()?.remoteAddress ?? null;
  if (!peer) return null;
  if (!isLoopback(peer)) return peer;
  const forwarded = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => isIP(part) !== 0);
  let address = peer;
  for (let i = forwarded.length - 1; i >= 0 && isLoopback(address); i--) address = forwarded[i]!;
  return address;
}

/** A keyed hash, so rate-limit keys in the database never hold a shopper's raw IP. */
export function hashedClientAddress(request: Request): string {
  const address = clientAddress(request) ?? "unknown";
  return createHmac("sha256", env().SHOPIFY_API_SECRET)
    .update(`rate:${address}`)
    .digest("hex")
    .slice(0, 32);
}

function isLoopback(address: string): boolean {
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  return plain === "::1" || plain.startsWith("127.");
}
