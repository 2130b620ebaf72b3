import { eq, sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { shopifyWebhookReceipts, type Job } from "~/db/schema";
import { enqueueJob } from "~/lib/jobs/queue.server";
import { log } from "~/lib/request-context.server";
import { markShopUninstalled } from "~/services/shops.server";

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

/**
 * Worker handlers per topic. Topics without a handler here stay queued until one is
 * registered (orders and compliance processing arrive with the fulfillment work), so
 * nothing Shopify sent is lost in the meantime.
 */
export const shopifyWebhookJobHandlers: Record<string, (job: Job) => Promise<unknown>> = {
  [`${SHOPIFY_WEBHOOK_JOB_PREFIX}app/uninstalled`]: async (job) => {
    await markShopUninstalled(String(job.payload.shopDomain));
    await markReceiptProcessed(job);
    return { uninstalled: job.payload.shopDomain };
  },
};
