import { getDigitalProductEndpoint } from "~/lib/api/contract";
import { presentDigitalProduct } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { getDigitalProduct } from "~/services/digital-products.server";

export const { loader, action } = apiResource(
  handle(getDigitalProductEndpoint, async ({ shopId, params, query }) => ({
    data: presentDigitalProduct(
      await getDigitalProduct(shopId, params.id, {
        includeProduct: query.include?.includes("product"),
      }),
    ),
  })),
);
