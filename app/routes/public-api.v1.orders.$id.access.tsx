import { setOrderAccessEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { setOrderAccess } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(setOrderAccessEndpoint, async ({ shopId, params, body }) => ({
    data: presentOrder(await setOrderAccess(shopId, params.id, body.access)),
  })),
);
