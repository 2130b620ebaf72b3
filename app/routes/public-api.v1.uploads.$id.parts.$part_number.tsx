import { uploadPartEndpoint } from "~/lib/api/contract";
import { partChecksFrom, withRawBody } from "~/lib/api/raw-body.server";
import { apiResource, handle } from "~/lib/api/route.server";
import { writeUploadPart } from "~/services/uploads.server";

export const { loader, action } = apiResource(
  handle(uploadPartEndpoint, async ({ shopId, params, request }) => {
    const part = await withRawBody(request, (body) =>
      writeUploadPart(shopId, params.id, params.part_number, body, partChecksFrom(request.headers)),
    );
    return {
      data: {
        part_number: part.partNumber,
        size: part.size,
        etag: part.etag,
        sha256: part.sha256,
      },
    };
  }),
);
