import { afterEach, describe, expect, it, vi } from "vitest";
import { ShopScopedCache } from "~/lib/shop-scoped-cache";

const row = (shopId: string, n = 1) => ({ shopId, n });

describe("ShopScopedCache", () => {
  afterEach(() => vi.useRealTimers());

  it("stores and answers nothing until its notification feed is live", () => {
    const cache = new ShopScopedCache<ReturnType<typeof row>>(10, 60_000);
    cache.set("a", row("s1"), cache.ticket());
    expect(cache.get("a")).toBeUndefined();
    cache.goLive();
    cache.set("a", row("s1"), cache.ticket());
    expect(cache.get("a")).toEqual(row("s1"));
  });

  it("drops a shop's entries, and only that shop's", () => {
    const cache = new ShopScopedCache<ReturnType<typeof row>>(10, 60_000);
    cache.goLive();
    cache.set("a", row("s1"), cache.ticket());
    cache.set("b", row("s2"), cache.ticket());
    cache.invalidateShop("s1");
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toEqual(row("s2"));
  });

  it("refuses a row read before an invalidation that arrived while it was being read", () => {
    const cache = new ShopScopedCache<ReturnType<typeof row>>(10, 60_000);
    cache.goLive();
    const ticket = cache.ticket(); // reader starts its query
    cache.invalidateShop("s1"); // a revocation commits and is heard meanwhile
    cache.set("a", row("s1"), ticket); // the reader's (stale) row arrives
    expect(cache.get("a")).toBeUndefined();
    cache.set("a", row("s1", 2), cache.ticket()); // a fresh read is stored
    expect(cache.get("a")).toEqual(row("s1", 2));
  });

  it("forgets everything when the feed is lost, and starts empty when it is back", () => {
    const cache = new ShopScopedCache<ReturnType<typeof row>>(10, 60_000);
    cache.goLive();
    const ticket = cache.ticket();
    cache.set("a", row("s1"), ticket);
    cache.goDark();
    expect(cache.isLive).toBe(false);
    expect(cache.get("a")).toBeUndefined();
    cache.goLive();
    expect(cache.get("a")).toBeUndefined();
    cache.set("b", row("s1"), ticket); // read before the outage: refused
    expect(cache.get("b")).toBeUndefined();
  });

  it("expires entries after the TTL and evicts the oldest past the size bound", () => {
    vi.useFakeTimers();
    const cache = new ShopScopedCache<ReturnType<typeof row>>(2, 1_000);
    cache.goLive();
    cache.set("a", row("s1"), cache.ticket());
    cache.set("b", row("s1"), cache.ticket());
    cache.set("c", row("s1"), cache.ticket());
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toEqual(row("s1"));
    vi.advanceTimersByTime(1_001);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("c")).toBeUndefined();
  });
});
