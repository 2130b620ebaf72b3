import { eq, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { shopifyWebhookReceipts, type Job } from "~/db/schema";
import { enqueueJob } from "~/lib/jobs/queue.server";
import { log } from "~/lib/request-context.server";
import { markShopUninstalled } from "~/services/shops.server";
import { applyShopifyRefund, ingestShopifyOrder } from "~/services/shopify-orders.server";
import { exportCustomerData, redactCustomer, redactShop } from "~/services/compliance.server";

export interface IncomingShopifyWebhook {
  shopDomain: string;
  /** As Shopify sends it in X-Shopify-Topic, e.g. `orders/paid`. */
  topic: string;
  webhookId: string;
  payload: unknown;
}

export const SHOPIFY_WEBHOOK_JOB_PREFIX = "shopify-webhook:";

/**
 * Stores the receipt and queues its processing in one transaction, so a webhook is either
 * fully accepted or not at all, and Shopify's retries of the same webhook id are no-ops.
 * Answering fast matters: Shopify gives up after 5 s and eventually drops subscriptions.
 */
export async function recordShopifyWebhook(
  webhook: IncomingShopifyWebhook,
): Promise<{ duplicate: boolean }> {
  const duplicate = await getDb().transaction(async (tx) => {
    const [receipt] = await tx
      .insert(shopifyWebhookReceipts)
      .values({
        shopDomain: webhook.shopDomain,
        webhookId: webhook.webhookId,
        topic: webhook.topic,
      })
      .onConflictDoNothing({ target: shopifyWebhookReceipts.webhookId })
      .returning({ id: shopifyWebhookReceipts.id });
    if (!receipt) return true;
    const jobId = await enqueueJob(tx, {
      type: `${SHOPIFY_WEBHOOK_JOB_PREFIX}${webhook.topic}`,
      payload: {
        receiptId: receipt.id,
        shopDomain: webhook.shopDomain,
        webhookId: webhook.webhookId,
        body: webhook.payload as Record<string, unknown>,
      },
      dedupeKey: `shopify-webhook:${webhook.webhookId}`,
    });
    await tx
      .update(shopifyWebhookReceipts)
      .set({ jobId })
      .where(eq(shopifyWebhookReceipts.id, receipt.id));
    return false;
  });
  log().info(
    { topic: webhook.topic, shop: webhook.shopDomain, webhook_id: webhook.webhookId, duplicate },
    "shopify webhook received",
  );
  return { duplicate };
}

async function markReceiptProcessed(job: Job): Promise<void> {
  const receiptId = job.payload.receiptId;
  if (typeof receiptId !== "string") return;
  await getDb()
    .update(shopifyWebhookReceipts)
    .set({ processedAt: sql`now()` })
    .where(eq(shopifyWebhookReceipts.id, receiptId));
}

type TopicHandler = (shopDomain: string, body: unknown, topic: string) => Promise<unknown>;

/** What each Shopify topic does, run by the worker (so the webhook answers in milliseconds). */
const TOPIC_HANDLERS: Record<string, TopicHandler> = {
  "orders/create": (shop, body, topic) => ingestShopifyOrder(shop, topic, body),
  "orders/paid": (shop, body, topic) => ingestShopifyOrder(shop, topic, body),
  "orders/updated": (shop, body, topic) => ingestShopifyOrder(shop, topic, body),
  "orders/cancelled": (shop, body, topic) => ingestShopifyOrder(shop, topic, body),
  "refunds/create": (shop, body) => applyShopifyRefund(shop, body),
  "app/uninstalled": async (shop) => {
    await markShopUninstalled(shop);
    return { uninstalled: shop };
  },
  "customers/data_request": (shop, body) => exportCustomerData(shop, body),
  "customers/redact": (shop, body) => redactCustomer(shop, body),
  "shop/redact": (shop) => redactShop(shop),
};

export const shopifyWebhookJobHandlers: Record<string, (job: Job) => Promise<unknown>> =
  Object.fromEntries(
    Object.entries(TOPIC_HANDLERS).map(([topic, handle]) => [
      `${SHOPIFY_WEBHOOK_JOB_PREFIX}${topic}`,
      async (job: Job) => {
        const result = await handle(String(job.payload.shopDomain), job.payload.body, topic);
        await markReceiptProcessed(job);
        return (result ?? {}) as Record<string, unknown>;
      },
    ]),
  );
