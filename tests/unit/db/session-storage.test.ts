import { Session } from "@shopify/shopify-api";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createDb, type Db } from "~/db/client.server";
import { runMigrations } from "~/db/migrate.server";
import { sessions } from "~/db/schema";

describe("Shopify session storage on our sessions table (PGlite)", () => {
  let db: Db;
  // Typed against our `Db`, not a driver-specific type: if the table drifted from the
  // package's postgres.schema.ts, this line would stop compiling.
  let storage: DrizzleSessionStoragePostgres;

  beforeAll(async () => {
    db = createDb({ dataDir: "memory://" });
    await runMigrations(db);
    storage = new DrizzleSessionStoragePostgres(db, sessions);
  }, 90_000);

  afterAll(async () => {
    await closeDb(db);
  });

  it("stores and loads an offline session", async () => {
    const session = new Session({
      id: "offline_demo-shop.myshopify.com",
      shop: "demo-shop.myshopify.com",
      state: "state-1",
      isOnline: false,
      scope: "read_orders,read_products",
      accessToken: "shpat_offline",
    });
    expect(await storage.storeSession(session)).toBe(true);

    const loaded = await storage.loadSession(session.id);
    // (Not `toBeInstanceOf`: the adapter loads the CJS build of Session, we the ESM one.)
    expect(loaded).toBeDefined();
    expect(loaded!.shop).toBe("demo-shop.myshopify.com");
    expect(loaded!.accessToken).toBe("shpat_offline");
    expect(loaded!.scope).toBe("read_orders,read_products");
    expect(loaded!.isOnline).toBe(false);
    expect(loaded!.equals(session)).toBe(true);
  });

  it("round-trips an online session with its user and expiry, and updates in place", async () => {
    const expires = new Date(Date.now() + 3600_000);
    expires.setMilliseconds(0);
    const session = new Session({
      id: "demo-shop.myshopify.com_42",
      shop: "demo-shop.myshopify.com",
      state: "state-2",
      isOnline: true,
      scope: "read_orders",
      expires,
      accessToken: "shpua_online",
      onlineAccessInfo: {
        expires_in: 3600,
        associated_user_scope: "read_orders",
        associated_user: {
          id: 42,
          first_name: "Jane",
          last_name: "Smith",
          email: "jane@example.com",
          email_verified: true,
          account_owner: true,
          locale: "en",
          collaborator: false,
        },
      },
    });
    await storage.storeSession(session);
    const loaded = await storage.loadSession(session.id);
    expect(loaded!.expires?.getTime()).toBe(expires.getTime());
    expect(loaded!.onlineAccessInfo?.associated_user.id).toBe(42);
    expect(loaded!.onlineAccessInfo?.associated_user.email).toBe("jane@example.com");
    expect(loaded!.onlineAccessInfo?.associated_user.account_owner).toBe(true);

    session.accessToken = "shpua_rotated";
    await storage.storeSession(session);
    expect((await storage.loadSession(session.id))!.accessToken).toBe("shpua_rotated");

    const byShop = await storage.findSessionsByShop("demo-shop.myshopify.com");
    expect(byShop.map((s) => s.id).sort()).toEqual([
      "demo-shop.myshopify.com_42",
      "offline_demo-shop.myshopify.com",
    ]);

    expect(await storage.deleteSession(session.id)).toBe(true);
    expect(await storage.loadSession(session.id)).toBeUndefined();
    expect(await storage.deleteSessions(["offline_demo-shop.myshopify.com"])).toBe(true);
    expect(await storage.findSessionsByShop("demo-shop.myshopify.com")).toEqual([]);
  });
});
