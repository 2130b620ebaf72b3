import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { describeProxyRequest } from "~/services/storefront.server";

// App proxy root: the storefront's /apps/handoff/* arrives here, signed by Shopify.
// The theme extension's downloads view is built on this in the shopper delivery issue.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const info = await describeProxyRequest({
    shopDomain: url.searchParams.get("shop") ?? session?.shop ?? "",
    loggedInCustomerId: url.searchParams.get("logged_in_customer_id") || null,
  });
  return Response.json(info, { headers: { "Cache-Control": "private, no-store" } });
};
