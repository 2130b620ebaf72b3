import { describe, expect, it } from "vitest";
import { ID_PREFIX, isPrefixedId, newId, newSecretToken } from "~/lib/ids";

describe("ids", () => {
  it("are `<prefix>_<26 lowercase Crockford chars>`", () => {
    const id = newId(ID_PREFIX.order);
    expect(id).toMatch(/^ord_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(isPrefixedId(id, "ord")).toBe(true);
    expect(isPrefixedId(id, "file")).toBe(false);
    expect(isPrefixedId("ord_" + "A".repeat(26), "ord")).toBe(false);
    expect(isPrefixedId(42, "ord")).toBe(false);
  });

  it("sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId("key"));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has one distinct prefix per kind", () => {
    const prefixes = Object.values(ID_PREFIX);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes) expect(p).toMatch(/^[a-z]+$/);
  });

  it("mints unguessable URL-safe secret tokens", () => {
    const token = newSecretToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes
    expect(newSecretToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newSecretToken()).not.toBe(token);
  });
});
