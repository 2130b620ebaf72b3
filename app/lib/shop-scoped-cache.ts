/**
 * A bounded in-process cache whose entries a database notification can drop, per shop or
 * all at once, and that is only trusted while its notification feed is live.
 *
 * The race it closes: a reader loads a row, a change commits and its notification drops
 * the shop's entries, then the reader stores the row it loaded before the change. Take a
 * `ticket()` before reading the source and pass it to `set()`: any invalidation in
 * between makes the ticket stale and the row is not stored.
 */
export class ShopScopedCache<V extends { shopId: string }> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private generation = 0;
  private live = false;

  constructor(
    private readonly maxEntries: number,
    /** A backstop only: notifications are what keeps entries fresh. */
    private readonly ttlMs: number,
  ) {}

  get isLive(): boolean {
    return this.live;
  }

  ticket(): number {
    return this.generation;
  }

  get(key: string): V | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ticket: number): void {
    if (!this.live || ticket !== this.generation) return;
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }

  invalidateShop(shopId: string): void {
    this.generation++;
    for (const [key, entry] of this.entries) {
      if (entry.value.shopId === shopId) this.entries.delete(key);
    }
  }

  invalidateAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** The feed is (again) up: start empty, since what happened while it was down is unknown. */
  goLive(): void {
    this.invalidateAll();
    this.live = true;
  }

  /** The feed is down: stop answering from memory until it is live again. */
  goDark(): void {
    this.live = false;
    this.invalidateAll();
  }
}
