import type { ActionFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { adminJson } from "~/lib/admin-uploads.server";
import { partChecksFrom, withRawBody } from "~/lib/api/raw-body.server";
import { writeUploadPart } from "~/services/uploads.server";

/** One part's raw bytes from the Files page (PUT), through the same uploads service. */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return adminJson(() =>
    withRawBody(request, (body) =>
      writeUploadPart(
        shop.id,
        params.id ?? "",
        Number(params.part),
        body,
        partChecksFrom(request.headers),
      ),
    ),
  );
};
