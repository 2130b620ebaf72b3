import { getOrderEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { getOrder } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(getOrderEndpoint, async ({ shopId, params, query }) => ({
    data: presentOrder(await getOrder(shopId, params.id, query.include)),
  })),
);
