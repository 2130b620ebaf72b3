import { deleteFileEndpoint } from "~/lib/api/contract";
import { apiResource, handle } from "~/lib/api/route.server";
import { deleteFile } from "~/services/files.server";

export const { loader, action } = apiResource(
  handle(deleteFileEndpoint, async ({ shopId, params }) => {
    await deleteFile(shopId, params.id);
    return { data: { id: params.id, deleted: true as const } };
  }),
);
