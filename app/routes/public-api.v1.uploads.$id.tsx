import { abortUploadEndpoint, getUploadEndpoint } from "~/lib/api/contract";
import { presentUpload } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { abortUpload, getUpload } from "~/services/uploads.server";

export const { loader, action } = apiResource(
  handle(getUploadEndpoint, async ({ shopId, params }) => ({
    data: presentUpload(await getUpload(shopId, params.id)),
  })),
  handle(abortUploadEndpoint, async ({ shopId, params }) => ({
    data: presentUpload(await abortUpload(shopId, params.id)),
  })),
);
