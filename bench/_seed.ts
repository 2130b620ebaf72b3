/** Seeding shared by the benchmarks: large shops written in a few SQL statements. */
import { sql } from "drizzle-orm";
import type { Db } from "~/db/client.server";

/** Id of the i-th seeded order (1-based); ids sort by i, like minted ids by time. */
export const seededOrderId = (i: number) => `ord_${String(i).padStart(26, "0")}`;

/**
 * `count` paid orders (+ one line each) for `shopId`, created one second apart ending
 * now, with 5,000 distinct buyer emails; then ANALYZE so plans see the real sizes.
 */
export async function seedOrders(db: Db, shopId: string, count: number): Promise<void> {
  await db.execute(sql`
    insert into orders (id, shop_id, name, currency, financial_status, access_token, email, created_at)
    select 'ord_' || lpad(i::text, 26, '0'), ${shopId}, '#' || i, 'USD', 'PAID', md5(i::text || ${shopId}),
           'buyer' || (i % 5000) || '@example.com', now() - make_interval(secs => ${count} - i)
    from generate_series(1, ${count}) as i`);
  await db.execute(sql`
    insert into order_lines (id, shop_id, order_id, title, price_cents)
    select 'line_' || lpad(i::text, 25, '0'), ${shopId}, 'ord_' || lpad(i::text, 26, '0'), 'Bench Book', 1900
    from generate_series(1, ${count}) as i`);
  await db.execute(sql`analyze orders; analyze order_lines`);
}
