/**
 * In-process checks of the two small pieces the storefront endpoint's security leans on:
 * which origins get a CORS grant, and which address a request is counted against.
 */
import { describe, expect, it } from "vitest";
import pino from "pino";
import { clientAddress } from "~/lib/client-address.server";
import { isStorefrontOrigin, normalizeOrigin, preflightHeaders } from "~/lib/cors.server";
import { runWithRequestContext } from "~/lib/request-context.server";
import { humanSize, numericShopifyId, orderNumberFromName } from "~/services/storefront.server";

const shop = {
  domain: "paper-goods.myshopify.com",
  storefrontOrigins: ["https://Shop.Example.com/", "http://insecure.example", "not a url"],
};

function addressOf(peer: string, forwardedFor?: string): string | null {
  const request = new Request("http://app.test/api/v2/customer-account-orders", {
    headers: forwardedFor ? { "X-Forwarded-For": forwardedFor } : {},
  });
  return runWithRequestContext(
    { requestId: "t", logger: pino({ level: "silent" }), remoteAddress: peer },
    () => clientAddress(request),
  );
}

describe("storefront CORS origins", () => {
  it("grants the myshopify origin and configured https custom domains only", () => {
    expect(isStorefrontOrigin(shop, "https://paper-goods.myshopify.com")).toBe(true);
    expect(isStorefrontOrigin(shop, "https://shop.example.com")).toBe(true);
    expect(isStorefrontOrigin(shop, "http://insecure.example")).toBe(false);
    expect(isStorefrontOrigin(shop, "http://paper-goods.myshopify.com")).toBe(false);
    expect(isStorefrontOrigin(shop, "https://paper-goods.myshopify.com.evil.example")).toBe(false);
    expect(isStorefrontOrigin(shop, "null")).toBe(false);
    expect(isStorefrontOrigin(shop, null)).toBe(false);
    expect(normalizeOrigin("https://user:pw@shop.example.com")).toBeNull();
  });

  it("grants no preflight to a stranger", () => {
    expect(preflightHeaders(null, "accept")).toEqual({
      Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    });
  });
});

describe("client address for per-IP limits", () => {
  it("uses the socket peer and ignores X-Forwarded-For from a remote peer", () => {
    expect(addressOf("198.51.100.7")).toBe("198.51.100.7");
    expect(addressOf("198.51.100.7", "203.0.113.9")).toBe("198.51.100.7");
  });

  it("believes X-Forwarded-For hop by hop from a loopback proxy", () => {
    expect(addressOf("127.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(addressOf("::ffff:127.0.0.1", "1.2.3.4, 203.0.113.9")).toBe("203.0.113.9");
    expect(addressOf("127.0.0.1", "203.0.113.9, 127.0.0.1")).toBe("203.0.113.9");
    expect(addressOf("127.0.0.1", "garbage")).toBe("127.0.0.1");
  });
});

describe("Fileflare value formats", () => {
  it("prints sizes like the seed", () => {
    expect(humanSize(10 * 1024 * 1024)).toBe("10MB");
    expect(humanSize(1536)).toBe("1.5KB");
    expect(humanSize(12)).toBe("12B");
    expect(humanSize(3 * 1024 ** 3)).toBe("3GB");
  });

  it("reads order numbers and Shopify ids", () => {
    expect(orderNumberFromName("#1050")).toBe(1050);
    expect(orderNumberFromName("SO-2024-77")).toBe(77);
    expect(orderNumberFromName("Draft")).toBeNull();
    expect(numericShopifyId("gid://shopify/ProductVariant/1234567")).toBe(1234567);
    expect(numericShopifyId(null)).toBeNull();
  });
});
