import { createUploadEndpoint } from "~/lib/api/contract";
import { presentUpload } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { createUpload } from "~/services/uploads.server";

export const { loader, action } = apiResource(
  handle(createUploadEndpoint, async ({ shopId, body }) => ({
    data: presentUpload(
      await createUpload(shopId, {
        name: body.name,
        size: body.size,
        contentType: body.content_type,
        checksumSha256: body.checksum_sha256,
        partSize: body.part_size,
      }),
    ),
  })),
);
