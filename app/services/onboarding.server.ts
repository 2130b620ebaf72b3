import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb, queryRows } from "~/db/client.server";
import { shops } from "~/db/schema";

/**
 * The Home page's setup checklist. Each step is read from the shop's real data, never
 * ticked by hand, so it stays true when the merchant does the work elsewhere (the API,
 * Shopify itself) and un-ticks when the thing goes away (last product deleted).
 */

export const SETUP_STEP_IDS = ["product", "test_order", "branding", "api_token"] as const;
export type SetupStepId = (typeof SETUP_STEP_IDS)[number];

export interface SetupChecklist {
  steps: Array<{ id: SetupStepId; done: boolean }>;
  completed: number;
  total: number;
  /** The merchant closed the checklist; Home no longer shows it. */
  dismissed: boolean;
}

export async function getSetupChecklist(shopId: string): Promise<SetupChecklist> {
  const [row] = await queryRows<{
    product: boolean;
    test_order: boolean;
    branding: boolean;
    api_token: boolean;
    dismissed: boolean;
  }>(
    getDb(),
    sql`select
          exists (select 1 from digital_products where shop_id = s.id) as product,
          exists (select 1 from orders where shop_id = s.id) as test_order,
          (s.brand_logo_url is not null or s.brand_color is not null
             or s.email_sender_name is not null or s.email_templates <> '{}'::jsonb) as branding,
          exists (select 1 from api_tokens where shop_id = s.id and revoked_at is null) as api_token,
          s.setup_checklist_dismissed_at is not null as dismissed
        from shops s where s.id = ${shopId}`,
  );
  const steps = SETUP_STEP_IDS.map((id) => ({ id, done: Boolean(row?.[id]) }));
  const completed = steps.filter((s) => s.done).length;
  return { steps, completed, total: steps.length, dismissed: Boolean(row?.dismissed) };
}

/** Closes the checklist for good (idempotent: the first dismissal's time is kept). */
export async function dismissSetupChecklist(shopId: string): Promise<void> {
  await getDb()
    .update(shops)
    .set({ setupChecklistDismissedAt: sql`now()` })
    .where(and(eq(shops.id, shopId), isNull(shops.setupChecklistDismissedAt)));
}

/** Brings a dismissed checklist back. */
export async function restoreSetupChecklist(shopId: string): Promise<void> {
  await getDb().update(shops).set({ setupChecklistDismissedAt: null }).where(eq(shops.id, shopId));
}
