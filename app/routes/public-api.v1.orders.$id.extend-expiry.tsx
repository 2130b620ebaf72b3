import { extendOrderExpiryEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { extendOrderExpiry } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(extendOrderExpiryEndpoint, async ({ shopId, params, body }) => ({
    data: presentOrder(
      await extendOrderExpiry(
        shopId,
        params.id,
        body.days !== undefined
          ? { days: body.days, lineId: body.line_id }
          : {
              expiresAt: body.expires_at ? new Date(body.expires_at) : null,
              lineId: body.line_id,
            },
      ),
    ),
  })),
);
