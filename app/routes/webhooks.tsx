import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { recordShopifyWebhook } from "~/services/shopify-webhooks.server";

// Every subscription in shopify.app.toml points here (orders, refunds, app/uninstalled and
// the compliance topics): verify the HMAC, store a deduplicated receipt, answer fast.
// Shopify retries and may deliver the same webhook twice; the receipt makes that harmless.
export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await authenticate.webhook(request);
  await recordShopifyWebhook({
    shopDomain: webhook.shop,
    // The raw header keeps Shopify's own spelling (`orders/paid`), not the library's enum.
    topic: request.headers.get("x-shopify-topic") ?? webhook.topic,
    webhookId: webhook.webhookId,
    payload: webhook.payload,
  });
  return new Response(null, { status: 200 });
};
