import { customerDownloadsEndpoint } from "~/lib/api/contract";
import { presentOrder, presentPage } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { listCustomerDownloads } from "~/services/customer-downloads.server";
import { notFoundRoute } from "~/lib/api/not-found.server";

/**
 * `/customers/{customer_gid}/downloads` as a splat: a GID sent unencoded
 * (`/customers/gid://shopify/Customer/1/downloads`) spans several path segments.
 */
const endpoint = apiResource(
  handle(customerDownloadsEndpoint, async ({ shopId, params, query }) =>
    presentPage(await listCustomerDownloads(shopId, params.customer_gid, query), presentOrder),
  ),
);

function toParams(splat: string | undefined): Record<string, string | undefined> {
  const match = /^(.+)\/downloads\/?$/.exec(splat ?? "");
  return { customer_gid: match ? match[1] : undefined };
}

export const loader: typeof endpoint.loader = (args) =>
  /\/downloads\/?$/.test(args.params["*"] ?? "")
    ? endpoint.loader({ ...args, params: toParams(args.params["*"]) })
    : notFoundRoute(args.request);
export const action: typeof endpoint.action = (args) =>
  /\/downloads\/?$/.test(args.params["*"] ?? "")
    ? endpoint.action({ ...args, params: toParams(args.params["*"]) })
    : notFoundRoute(args.request);
