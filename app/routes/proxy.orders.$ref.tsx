import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { liquidResponse, loginPage, notFoundPage, orderPage } from "~/lib/proxy-liquid.server";
import { proxyContext } from "~/lib/proxy-request.server";
import { getProxyOrderDownloads } from "~/services/storefront.server";

/**
 * Storefront `/apps/handoff/orders/<ref>` (app proxy): one order's downloads, for the
 * signed-in customer who owns it. `<ref>` is Shopify's numeric order id (what the theme
 * block has as `{{ order.id }}`) or the order status token. The theme block fetches this
 * with `?format=json`; without it Shopify renders the Liquid page inside the theme.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.public.appProxy(request);
  const proxy = proxyContext(request, session?.shop);
  const result = await getProxyOrderDownloads({
    shopDomain: proxy.shopDomain,
    loggedInCustomerId: proxy.loggedInCustomerId,
    orderRef: params.ref ?? "",
  });
  const headers = { "Cache-Control": "private, no-store" };
  if (proxy.format === "json") {
    if (result.status === "anonymous") {
      return Response.json(
        { error: { code: "login_required", message: "Log in to see your downloads." } },
        { status: 401, headers },
      );
    }
    if (result.status === "not_found") {
      return Response.json(
        { error: { code: "not_found", message: "No such order in this account." } },
        { status: 404, headers },
      );
    }
    return Response.json(result.body, { headers });
  }
  if (result.status === "anonymous") return liquidResponse(loginPage());
  if (result.status === "not_found") return liquidResponse(notFoundPage(proxy.pathPrefix), 404);
  return liquidResponse(orderPage(result.body, proxy.pathPrefix));
};
