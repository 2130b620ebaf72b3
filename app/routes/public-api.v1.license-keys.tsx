import { createLicenseKeysEndpoint, listLicenseKeysEndpoint } from "~/lib/api/contract";
import { presentKeyBatch, presentLicenseKey, presentPage } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { createLicenseKeys, listLicenseKeys } from "~/services/license-keys.server";

export const { loader, action } = apiResource(
  handle(listLicenseKeysEndpoint, async ({ shopId, query }) =>
    presentPage(
      await listLicenseKeys(shopId, query, { status: query.status, tag: query.tag, q: query.q }),
      presentLicenseKey,
    ),
  ),
  handle(createLicenseKeysEndpoint, async ({ shopId, body }) => ({
    data: presentKeyBatch(
      await createLicenseKeys(shopId, {
        keys: body.keys,
        tag: body.tag ?? null,
        duplicates: body.duplicates,
      }),
    ),
  })),
);
