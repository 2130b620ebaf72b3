import { createMappingEndpoint, listMappingsEndpoint } from "~/lib/api/contract";
import { presentPage } from "~/lib/api/present";
import { mappingInput, presentMapping } from "~/lib/api/present-mapping";
import { apiResource, handle } from "~/lib/api/route.server";
import { createDigitalProduct, listDigitalProducts } from "~/services/digital-products.server";

export const { loader, action } = apiResource(
  handle(listMappingsEndpoint, async ({ shopId, query }) =>
    presentPage(
      await listDigitalProducts(shopId, query, {
        includeArchived: query.include_archived,
        q: query.q,
        productGid: query.product_gid,
      }),
      presentMapping,
    ),
  ),
  handle(createMappingEndpoint, async ({ shopId, body }) => ({
    data: presentMapping(await createDigitalProduct(shopId, mappingInput(body), { source: "api" })),
  })),
);
