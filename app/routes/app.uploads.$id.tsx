import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { adminJson, uploadForAdmin } from "~/lib/admin-uploads.server";
import { abortUpload, completeUpload, getUpload } from "~/services/uploads.server";

/** Status (GET), complete (POST) or discard (DELETE) of one of the shop's uploads. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return adminJson(async () => ({
    upload: uploadForAdmin(await getUpload(shop.id, params.id ?? "")),
  }));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const id = params.id ?? "";
  return adminJson(async () => {
    if (request.method === "DELETE")
      return { upload: uploadForAdmin(await abortUpload(shop.id, id)) };
    const file = await completeUpload(shop.id, id);
    return { file: { id: file.id, name: file.name, size: file.size } };
  });
};
