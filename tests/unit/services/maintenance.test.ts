import { describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "~/db/client.server";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookEvents,
} from "~/db/schema";
import { purgeWebhookLog } from "~/services/maintenance.server";
import { createShop } from "../../helpers/factories";
import { withMigratedTestDatabase } from "../../helpers/migrated-database";

let db: Db;
withMigratedTestDatabase("handoff_maintenance", (opened) => (db = opened));

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("purgeWebhookLog", () => {
  it("deletes old, finished events with their deliveries and attempts, and nothing else", async () => {
    const shop = await createShop(db);
    const [endpoint] = await db
      .insert(webhookEndpoints)
      .values({
        shopId: shop.id,
        name: "ERP",
        url: "https://erp.example.com/hook",
        secret: "whsec_x",
      })
      .returning();
    const event = async (
      ageDays: number,
      dispatched: boolean,
      status: "succeeded" | "pending" | "dead",
    ) => {
      const [row] = await db
        .insert(webhookEvents)
        .values({
          shopId: shop.id,
          type: "file.downloaded",
          payload: {},
          createdAt: daysAgo(ageDays),
          dispatchedAt: dispatched ? daysAgo(ageDays) : null,
        })
        .returning();
      const [delivery] = await db
        .insert(webhookDeliveries)
        .values({ shopId: shop.id, endpointId: endpoint!.id, eventId: row!.id, status })
        .returning();
      await db
        .insert(webhookDeliveryAttempts)
        .values({ shopId: shop.id, deliveryId: delivery!.id });
      return { eventId: row!.id, deliveryId: delivery!.id };
    };
    const oldDelivered = await event(40, true, "succeeded");
    const oldDead = await event(35, true, "dead");
    const oldStillRetrying = await event(40, true, "pending");
    const recent = await event(5, true, "succeeded");

    expect(await purgeWebhookLog(db, 30)).toBe(2);

    const left = await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.shopId, shop.id));
    expect(left.map((r) => r.id).sort()).toEqual([oldStillRetrying.eventId, recent.eventId].sort());
    const goneDeliveries = [oldDelivered.deliveryId, oldDead.deliveryId];
    expect(
      await db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.id, goneDeliveries)),
    ).toHaveLength(0);
    expect(
      await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(inArray(webhookDeliveryAttempts.deliveryId, goneDeliveries)),
    ).toHaveLength(0);
    // Idempotent: nothing more to purge.
    expect(await purgeWebhookLog(db, 30)).toBe(0);
  });
});
