import type { ActionFunctionArgs } from "@remix-run/node";
import { requireAdminShop } from "~/lib/admin.server";
import { adminCreateUploadSchema } from "~/lib/admin-schemas.server";
import { adminJson, uploadForAdmin } from "~/lib/admin-uploads.server";
import { ApiError } from "~/lib/api/errors";
import { findFileByChecksum } from "~/services/files.server";
import { createUpload } from "~/services/uploads.server";

/** Starts a direct upload for the Files page, unless the same bytes are already there. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return adminJson(async () => {
    const parsed = adminCreateUploadSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw new ApiError("validation_failed", "This file cannot be uploaded.");
    const input = parsed.data;
    if (input.checksum_sha256 && !input.allow_duplicate) {
      const existing = await findFileByChecksum(shop.id, input.checksum_sha256);
      if (existing) return { duplicate: existing };
    }
    const upload = await createUpload(shop.id, {
      name: input.name,
      size: input.size,
      contentType: input.content_type,
      checksumSha256: input.checksum_sha256,
    });
    return { upload: uploadForAdmin(upload) };
  });
};
