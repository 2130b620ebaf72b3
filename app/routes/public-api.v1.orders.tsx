import { listOrdersEndpoint } from "~/lib/api/contract";
import { presentOrder, presentPage } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { listOrders } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(listOrdersEndpoint, async ({ shopId, query }) =>
    presentPage(
      await listOrders(
        shopId,
        query,
        {
          createdAfter: query.created_after,
          createdBefore: query.created_before,
          financialStatus: query.financial_status,
          digitalProductId: query.digital_product_id,
          customerEmail: query.customer_email,
          q: query.q,
        },
        query.include,
      ),
      presentOrder,
    ),
  ),
);
