import { SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import { DEMO_SHOP_DOMAIN, env } from "~/lib/env.server";
import { requestContext } from "~/lib/request-context.server";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Demo routes exist only when HANDOFF_DEMO=1 and only answer loopback clients; anything
 * else gets the same 404 as an unknown path, so normal mode reveals nothing.
 */
export function requireDemoRequest(): void {
  const config = env();
  const remote = requestContext()?.remoteAddress;
  if (!config.HANDOFF_DEMO || !remote || !LOOPBACK.has(remote)) {
    throw new Response("Not Found", { status: 404 });
  }
}

/**
 * A session token exactly like the one App Bridge gets from Shopify (HS256 with the app
 * secret), so the demo admin goes through the real `authenticate.admin` path.
 */
export async function signDemoSessionToken(shop = DEMO_SHOP_DOMAIN): Promise<string> {
  const config = env();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: config.SHOPIFY_API_KEY,
    sub: "1",
    sid: `demo-${randomUUID()}`,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(config.SHOPIFY_API_SECRET));
}

/** The `host` query parameter Shopify adds for embedded apps: base64 of the admin host. */
export function demoHostParam(shop = DEMO_SHOP_DOMAIN): string {
  const store = shop.replace(/\.myshopify\.com$/, "");
  return Buffer.from(`admin.shopify.com/store/${store}`).toString("base64url");
}

export async function demoAdminUrl(path = "/app"): Promise<string> {
  const params = new URLSearchParams({
    embedded: "1",
    shop: DEMO_SHOP_DOMAIN,
    host: demoHostParam(),
    id_token: await signDemoSessionToken(),
  });
  return `${path}?${params}`;
}
