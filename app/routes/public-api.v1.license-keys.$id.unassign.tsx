import { unassignLicenseKeyEndpoint } from "~/lib/api/contract";
import { presentLicenseKey } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { unassignLicenseKey } from "~/services/license-keys.server";

export const { loader, action } = apiResource(
  handle(unassignLicenseKeyEndpoint, async ({ shopId, params }) => ({
    data: presentLicenseKey(await unassignLicenseKey(shopId, params.id)),
  })),
);
