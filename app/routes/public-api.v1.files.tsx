import { listFilesEndpoint, uploadFileEndpoint } from "~/lib/api/contract";
import { streamSingleFile } from "~/lib/api/multipart.server";
import { presentFile, presentPage } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { listFiles, uploadFile } from "~/services/files.server";

export const { loader, action } = apiResource(
  handle(listFilesEndpoint, async ({ shopId, query }) =>
    presentPage(
      await listFiles(shopId, query, {
        q: query.q,
        type: query.type,
        uploaded: query.uploaded,
        includeProducts: query.include?.includes("products"),
      }),
      presentFile,
    ),
  ),
  handle(uploadFileEndpoint, async ({ shopId, request }) => ({
    data: presentFile(
      await streamSingleFile(request, uploadFileEndpoint.multipart, (file) =>
        uploadFile(shopId, file),
      ),
    ),
  })),
);
