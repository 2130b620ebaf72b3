import { grantOrderDownloadsEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { grantExtraDownloads } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(grantOrderDownloadsEndpoint, async ({ shopId, params, body }) => ({
    data: presentOrder(
      await grantExtraDownloads(shopId, params.id, {
        downloads: body.downloads,
        lineId: body.line_id,
      }),
    ),
  })),
);
