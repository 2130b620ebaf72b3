/**
 * A burst of 1,000 signed orders/paid webhooks on this machine: every one acknowledged
 * within Shopify's 5 s, every order delivered and emailed exactly once.
 * Reports webhook ack p50/p95/max, time to the last email, and orders per second.
 */
import { count, eq } from "drizzle-orm";
import { emailMessages, orders } from "~/db/schema";
import {
  closeDb,
  connectToServerDb,
  createDigitalProduct,
  createShop,
  createStoredFile,
  shopifyOrderPayload,
} from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";
import { signWebhook } from "../tests/helpers/shopify-signing";
import { startSmtpSink } from "../tests/helpers/smtp-sink";
import { percentile, pool } from "./_stats";

const TOTAL = Number(process.env.BENCH_ORDERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const DEADLINE_MS = 10 * 60_000;

export default async function fulfillmentBench() {
  const smtp = await startSmtpSink();
  const server = await startServer({ smtp });
  const db = connectToServerDb(server);
  try {
    const shop = await createShop(db, { holdHighRisk: false });
    const file = await createStoredFile(db, shop, { dataDir: server.dataDir });
    const product = await createDigitalProduct(db, shop, { name: "Bench Book" }, [file]);
    const bodies = Array.from({ length: TOTAL }, (_, i) =>
      shopifyOrderPayload([{ productGid: product.productGid }], {
        email: `bench-${i}@example.com`,
      }),
    );
    const acks: number[] = [];
    let failures = 0;
    const started = performance.now();
    await pool(TOTAL, CONCURRENCY, async (i) => {
      const signed = signWebhook({ topic: "orders/paid", shop: shop.domain, body: bodies[i] });
      const t0 = performance.now();
      const res = await fetch(`${server.url}/webhooks`, {
        method: "POST",
        headers: signed.headers,
        body: signed.body,
      });
      await res.arrayBuffer();
      acks.push(performance.now() - t0);
      if (res.status !== 200) failures++;
    });
    const burstMs = performance.now() - started;

    while (smtp.messages.length < TOTAL && performance.now() - started < DEADLINE_MS) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const lastEmailMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000)); // anything extra would show up now
    const [orderCount] = await db
      .select({ n: count() })
      .from(orders)
      .where(eq(orders.shopId, shop.id));
    const [emailRows] = await db
      .select({ n: count() })
      .from(emailMessages)
      .where(eq(emailMessages.shopId, shop.id));
    const recipients = new Set(smtp.envelopes.flatMap((e) => e.to));

    return {
      webhooks: TOTAL,
      concurrency: CONCURRENCY,
      non_200_acks: failures,
      ack_ms: { p50: percentile(acks, 50), p95: percentile(acks, 95), max: percentile(acks, 100) },
      all_acks_under_5s: acks.every((a) => a < 5000),
      burst_seconds: Math.round(burstMs) / 1000,
      time_to_last_email_seconds: Math.round(lastEmailMs) / 1000,
      orders_per_second: Math.round((TOTAL / (lastEmailMs / 1000)) * 10) / 10,
      orders_created: Number(orderCount?.n),
      email_rows: Number(emailRows?.n),
      emails_received: smtp.messages.length,
      distinct_recipients: recipients.size,
      duplicates: smtp.messages.length - recipients.size,
    };
  } finally {
    await closeDb(db);
    await server.stop();
    await smtp.stop();
  }
}
