import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  isWebhookSecret,
  referenceSignature,
  signatureHeaders,
  standardSignature,
} from "~/lib/webhooks-out/signing";
import {
  activePreviousSecret,
  retryDelayMs,
  RETRY_SCHEDULE_MS,
} from "~/lib/webhooks-out/dispatcher.server";
import { verifyReferenceSignature, verifyStandardWebhook } from "./receiver";

describe("webhook signing", () => {
  it("makes whsec_ + base64 of 32 random bytes", () => {
    const a = generateWebhookSecret();
    expect(isWebhookSecret(a)).toBe(true);
    expect(Buffer.from(a.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it("matches the Standard Webhooks spec's test vector", () => {
    // From the Standard Webhooks reference libraries' tests (also checked against the
    // `standardwebhooks` npm package's verify(), both secrets, during development).
    expect(
      standardSignature(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("keys the reference signature with the whole whsec_ string, over timestamp.body", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(referenceSignature(secret, 1614265330, "{}")).toMatch(/^[0-9a-f]{64}$/);
    const headers = signatureHeaders({
      messageId: "evt_1",
      timestamp: 1614265330,
      body: "{}",
      secret,
    });
    expect(verifyReferenceSignature(secret, headers, "{}")).toBe(true);
    expect(verifyReferenceSignature(secret, headers, "{ }")).toBe(false);
  });

  it("signs with both secrets during a rotation, the new one first", () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders({
      messageId: "evt_2",
      timestamp: now,
      body: '{"a":1}',
      secret: newSecret,
      previousSecret: oldSecret,
    });
    const entries = headers["webhook-signature"]!.split(" ");
    expect(entries).toEqual([
      standardSignature(newSecret, "evt_2", now, '{"a":1}'),
      standardSignature(oldSecret, "evt_2", now, '{"a":1}'),
    ]);
    expect(verifyStandardWebhook(oldSecret, headers, '{"a":1}')).toBe(true);
    expect(verifyStandardWebhook(newSecret, headers, '{"a":1}')).toBe(true);
    expect(verifyStandardWebhook(generateWebhookSecret(), headers, '{"a":1}')).toBe(false);
    expect(headers["x-webhook-signature"]).toBe(referenceSignature(newSecret, now, '{"a":1}'));
  });

  it("uses the previous secret only until its grace period ends", () => {
    const future = new Date(Date.now() + 60_000);
    const past = new Date(Date.now() - 1);
    expect(
      activePreviousSecret({ previousSecret: "whsec_x", previousSecretExpiresAt: future }),
    ).toBe("whsec_x");
    expect(
      activePreviousSecret({ previousSecret: "whsec_x", previousSecretExpiresAt: past }),
    ).toBeNull();
    expect(
      activePreviousSecret({ previousSecret: null, previousSecretExpiresAt: future }),
    ).toBeNull();
  });
});

describe("retry schedule", () => {
  it("backs off exponentially with ±20 % jitter for about three days", () => {
    const nominal = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(nominal / 3_600_000).toBeGreaterThan(70);
    expect(nominal / 3_600_000).toBeLessThan(80);
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, () => 1)).toBe(36_000);
    expect(retryDelayMs(RETRY_SCHEDULE_MS.length + 1)).toBeNull(); // 14th attempt was the last
  });
});

describe("docs/webhooks.md", () => {
  it("shows exactly the Node verification code the tests run against real deliveries", () => {
    const docs = readFileSync(new URL("../../../docs/webhooks.md", import.meta.url), "utf8");
    const tested = readFileSync(new URL("./reference-receiver.mjs", import.meta.url), "utf8");
    const shown = docs.match(/\*\*Node\.js \(Express\)\*\*[\s\S]*?```js\n([\s\S]*?)```/)![1]!;
    const ran = tested
      .slice(tested.indexOf('import crypto from "crypto";'), tested.indexOf("export {"))
      .replace("// prettier-ignore\n", "");
    expect(ran.trim()).toBe(shown.trim());
  });
});
