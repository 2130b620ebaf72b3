import { updateDigitalProductLimitsEndpoint } from "~/lib/api/contract";
import { presentDigitalProduct } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { updateDigitalProductLimits } from "~/services/digital-products.server";

export const { loader, action } = apiResource(
  handle(updateDigitalProductLimitsEndpoint, async ({ shopId, params, body }) => ({
    data: presentDigitalProduct(
      await updateDigitalProductLimits(shopId, params.id, {
        maxDownloads: body.max_downloads,
        downloadIn: body.download_in,
      }),
    ),
  })),
);
