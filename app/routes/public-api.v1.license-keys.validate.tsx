import { validateLicenseKeyEndpoint } from "~/lib/api/contract";
import { presentKeyValidation } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { validateLicenseKey } from "~/services/license-keys.server";

export const { loader, action } = apiResource(
  handle(validateLicenseKeyEndpoint, async ({ shopId, query }) => ({
    data: presentKeyValidation(await validateLicenseKey(shopId, query.key)),
  })),
);
