import { listDigitalProductsEndpoint } from "~/lib/api/contract";
import { presentDigitalProduct, presentPage } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { listDigitalProducts } from "~/services/digital-products.server";

export const { loader, action } = apiResource(
  handle(listDigitalProductsEndpoint, async ({ shopId, query }) =>
    presentPage(
      await listDigitalProducts(shopId, query, {
        includeArchived: query.include_archived,
        q: query.q,
        includeProduct: query.include?.includes("product"),
      }),
      presentDigitalProduct,
    ),
  ),
);
