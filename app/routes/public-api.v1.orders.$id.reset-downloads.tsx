import { resetOrderDownloadsEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { resetLineDownloads } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(resetOrderDownloadsEndpoint, async ({ shopId, params, body }) => ({
    data: presentOrder(await resetLineDownloads(shopId, params.id, body.line_id)),
  })),
);
