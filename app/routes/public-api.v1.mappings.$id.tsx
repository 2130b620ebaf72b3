import {
  deleteMappingEndpoint,
  getMappingEndpoint,
  updateMappingEndpoint,
} from "~/lib/api/contract";
import { mappingPatch, presentMapping } from "~/lib/api/present-mapping";
import { apiResource, handle } from "~/lib/api/route.server";
import {
  deleteDigitalProduct,
  getDigitalProduct,
  updateDigitalProduct,
} from "~/services/digital-products.server";

export const { loader, action } = apiResource(
  handle(getMappingEndpoint, async ({ shopId, params }) => ({
    data: presentMapping(await getDigitalProduct(shopId, params.id)),
  })),
  handle(updateMappingEndpoint, async ({ shopId, params, body }) => ({
    data: presentMapping(await updateDigitalProduct(shopId, params.id, mappingPatch(body))),
  })),
  handle(deleteMappingEndpoint, async ({ shopId, params }) => {
    const { id, archived } = await deleteDigitalProduct(shopId, params.id);
    return { data: { id, deleted: true as const, archived } };
  }),
);
