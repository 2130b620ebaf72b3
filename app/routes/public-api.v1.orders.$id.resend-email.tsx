import { resendOrderEmailEndpoint } from "~/lib/api/contract";
import { presentEmail } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { resendOrderEmail } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(resendOrderEmailEndpoint, async ({ shopId, params, body }) => ({
    data: presentEmail(
      await resendOrderEmail(shopId, params.id, { customerEmail: body.customer_email }),
    ),
  })),
);
