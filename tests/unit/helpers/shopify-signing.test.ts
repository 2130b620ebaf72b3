/**
 * Proves the test signers against @shopify/shopify-api's own verification — the code
 * `authenticate.*` in @shopify/shopify-app-remix runs — so a green integration test
 * means the app accepted a request Shopify could have sent.
 */
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import {
  TEST_API_KEY,
  TEST_API_SECRET,
  shopifyHostParam,
  signAppProxyQuery,
  signSessionToken,
  signWebhook,
} from "../../helpers/shopify-signing";

const SHOP = "handoff-test.myshopify.com";

function shopifyWith(secret = TEST_API_SECRET, apiKey = TEST_API_KEY) {
  return shopifyApi({
    apiKey,
    apiSecretKey: secret,
    apiVersion: ApiVersion.October25,
    hostName: "127.0.0.1",
    hostScheme: "http",
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error, log: async () => {} },
  });
}

function webhookRequest(headers: Record<string, string>, body: string): Request {
  return new Request("http://127.0.0.1/webhooks", { method: "POST", headers, body });
}

describe("signWebhook", () => {
  it("passes shopify.webhooks.validate and carries every header it reads", async () => {
    const signed = signWebhook({
      topic: "orders/paid",
      shop: SHOP,
      body: { id: 820982911946154500, note: "ünïcödé ✓" },
      webhookId: "wh-1",
      eventId: "ev-1",
      apiVersion: "2025-10",
    });
    const check = await shopifyWith().webhooks.validate({
      rawBody: signed.body,
      rawRequest: webhookRequest(signed.headers, signed.body),
    });
    expect(check).toMatchObject({
      valid: true,
      topic: "ORDERS_PAID",
      domain: SHOP,
      apiVersion: "2025-10",
      webhookId: "wh-1",
      eventId: "ev-1",
    });
    expect(signed.headers["Content-Type"]).toBe("application/json");
    expect(Date.parse(signed.headers["X-Shopify-Triggered-At"] ?? "")).not.toBeNaN();
  });

  it("signs a string body byte for byte", async () => {
    const raw = '{"b":1,  "a":2}';
    const signed = signWebhook({ topic: "app/uninstalled", shop: SHOP, body: raw });
    expect(signed.body).toBe(raw);
    const check = await shopifyWith().webhooks.validate({
      rawBody: raw,
      rawRequest: webhookRequest(signed.headers, raw),
    });
    expect(check.valid).toBe(true);
  });

  it("fails on a tampered body", async () => {
    const signed = signWebhook({ topic: "orders/paid", shop: SHOP, body: { total: 100 } });
    const tampered = JSON.stringify({ total: 1 });
    const check = await shopifyWith().webhooks.validate({
      rawBody: tampered,
      rawRequest: webhookRequest(signed.headers, tampered),
    });
    expect(check).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("fails when signed with another secret", async () => {
    const signed = signWebhook({
      topic: "orders/paid",
      shop: SHOP,
      body: {},
      secret: "not-the-secret",
    });
    const check = await shopifyWith().webhooks.validate({
      rawBody: signed.body,
      rawRequest: webhookRequest(signed.headers, signed.body),
    });
    expect(check).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });
});

describe("signSessionToken", () => {
  it("decodes with shopify.session.decodeSessionToken and has the claims Shopify sets", async () => {
    const token = await signSessionToken({ shop: SHOP, sub: "42", sid: "sid-1" });
    const payload = await shopifyWith().session.decodeSessionToken(token);
    expect(payload).toMatchObject({
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      aud: TEST_API_KEY,
      sub: "42",
      sid: "sid-1",
    });
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.nbf).toBe(payload.iat);
    expect(typeof payload.jti).toBe("string");
  });

  it("is rejected when signed with another secret", async () => {
    const token = await signSessionToken({ shop: SHOP, secret: "not-the-secret" });
    await expect(shopifyWith().session.decodeSessionToken(token)).rejects.toThrow(/signature/i);
  });

  it("is rejected for another app's API key", async () => {
    const token = await signSessionToken({ shop: SHOP, apiKey: "other-app" });
    await expect(shopifyWith().session.decodeSessionToken(token)).rejects.toThrow(/API key/);
  });

  it("is rejected once expired (beyond the 10 s clock tolerance)", async () => {
    const token = await signSessionToken({
      shop: SHOP,
      now: Date.now() - 120_000,
      expiresInSeconds: 60,
    });
    await expect(shopifyWith().session.decodeSessionToken(token)).rejects.toThrow(/exp/);
  });
});

describe("shopifyHostParam", () => {
  it("is an unpadded base64 host that shopify.utils.sanitizeHost accepts", () => {
    const host = shopifyHostParam(SHOP);
    expect(host).not.toMatch(/=/);
    expect(Buffer.from(host, "base64").toString()).toBe("admin.shopify.com/store/handoff-test");
    expect(shopifyWith().utils.sanitizeHost(host)).toBe(host);
  });
});

describe("signAppProxyQuery", () => {
  it("passes shopify.utils.validateHmac with the appProxy signator", async () => {
    const query = signAppProxyQuery({
      shop: SHOP,
      path_prefix: "/apps/handoff",
      logged_in_customer_id: "7",
    });
    const ok = await shopifyWith().utils.validateHmac(new URLSearchParams(query), {
      signator: "appProxy",
    });
    expect(ok).toBe(true);
  });

  it("handles repeated keys, empty values, and keys whose sort needs localeCompare", async () => {
    const query = signAppProxyQuery({
      shop: SHOP,
      ids: ["3", "1", "2"],
      Zeta: "z",
      alpha: "",
      "a-b": "x y&z",
      a_b: "é",
      logged_in_customer_id: "",
    });
    const params = new URLSearchParams(query);
    expect(params.getAll("ids")).toEqual(["3", "1", "2"]);
    expect(await shopifyWith().utils.validateHmac(params, { signator: "appProxy" })).toBe(true);
  });

  it("fails with another secret or a tampered parameter", async () => {
    const api = shopifyWith();
    const wrongSecret = signAppProxyQuery({ shop: SHOP }, "not-the-secret");
    expect(
      await api.utils.validateHmac(new URLSearchParams(wrongSecret), { signator: "appProxy" }),
    ).toBe(false);

    const tampered = new URLSearchParams(
      signAppProxyQuery({ shop: SHOP, logged_in_customer_id: "7" }),
    );
    tampered.set("logged_in_customer_id", "8");
    expect(await api.utils.validateHmac(tampered, { signator: "appProxy" })).toBe(false);
  });

  it("keeps a caller's timestamp, which the validator rejects when stale", async () => {
    const stale = signAppProxyQuery({ shop: SHOP, timestamp: Math.floor(Date.now() / 1000) - 600 });
    await expect(
      shopifyWith().utils.validateHmac(new URLSearchParams(stale), { signator: "appProxy" }),
    ).rejects.toThrow(/tolerance/);
  });
});
