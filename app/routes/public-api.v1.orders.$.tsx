import { createOrderAssignmentEndpoint } from "~/lib/api/contract";
import { notFoundRoute } from "~/lib/api/not-found.server";
import { presentAssignment } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { assignOrderProducts } from "~/services/order-assignments.server";

/**
 * `/orders/{shopify_order_id}/assignments` as a splat: a GID sent unencoded
 * (`/orders/gid://shopify/Order/1/assignments`) spans several path segments. Other
 * `/orders/{id}/…` paths have their own routes, which Remix ranks above this one.
 */
const endpoint = apiResource(
  handle(createOrderAssignmentEndpoint, async ({ shopId, params, body }) => ({
    data: presentAssignment(
      await assignOrderProducts(shopId, {
        shopifyOrderId: params.shopify_order_id,
        customer: {
          email: body.customer.email,
          firstName: body.customer.first_name,
          lastName: body.customer.last_name,
          locale: body.customer.locale,
        },
        items: body.items.map((item) => ({
          mappingId: item.mapping_id,
          productGid: item.product_gid,
          variantGid: item.variant_gid,
          quantity: item.quantity,
        })),
        sendEmail: body.send_email,
        orderName: body.order_name,
      }),
    ),
  })),
);

const ASSIGNMENTS = /^(.+)\/assignments\/?$/;

function toParams(splat: string | undefined): Record<string, string | undefined> {
  return { shopify_order_id: ASSIGNMENTS.exec(splat ?? "")?.[1] };
}

export const loader: typeof endpoint.loader = (args) =>
  ASSIGNMENTS.test(args.params["*"] ?? "")
    ? endpoint.loader({ ...args, params: toParams(args.params["*"]) })
    : notFoundRoute(args.request);
export const action: typeof endpoint.action = (args) =>
  ASSIGNMENTS.test(args.params["*"] ?? "")
    ? endpoint.action({ ...args, params: toParams(args.params["*"]) })
    : notFoundRoute(args.request);
