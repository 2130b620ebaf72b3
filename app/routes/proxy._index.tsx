import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { liquidResponse, loginPage, ordersPage } from "~/lib/proxy-liquid.server";
import { proxyContext } from "~/lib/proxy-request.server";
import { describeProxyRequest } from "~/services/storefront.server";

/**
 * Storefront `/apps/handoff` (app proxy, signature verified): the signed-in customer's
 * orders with links to their download pages. Liquid (rendered inside the theme) by
 * default, JSON with `?format=json`.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.public.appProxy(request);
  const proxy = proxyContext(request, session?.shop);
  const info = await describeProxyRequest({
    shopDomain: proxy.shopDomain,
    loggedInCustomerId: proxy.loggedInCustomerId,
  });
  if (proxy.format === "json") {
    return Response.json(info, { headers: { "Cache-Control": "private, no-store" } });
  }
  return liquidResponse(info.customer ? ordersPage(info) : loginPage());
};
