import { deleteLicenseKeyEndpoint } from "~/lib/api/contract";
import { apiResource, handle } from "~/lib/api/route.server";
import { deleteLicenseKey } from "~/services/license-keys.server";

export const { loader, action } = apiResource(
  handle(deleteLicenseKeyEndpoint, async ({ shopId, params }) => {
    await deleteLicenseKey(shopId, params.id);
    return { data: { id: params.id, deleted: true as const } };
  }),
);
