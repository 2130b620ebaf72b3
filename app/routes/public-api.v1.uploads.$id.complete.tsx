import { completeUploadEndpoint } from "~/lib/api/contract";
import { presentFile } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { completeUpload } from "~/services/uploads.server";

export const { loader, action } = apiResource(
  handle(completeUploadEndpoint, async ({ shopId, params, body }) => ({
    data: presentFile(
      await completeUpload(shopId, params.id, {
        parts: body.parts?.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
      }),
    ),
  })),
);
