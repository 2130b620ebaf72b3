import { data } from "@remix-run/node";
import { ApiError } from "~/lib/api/errors";
import type { UploadDetail } from "~/services/uploads.server";

/**
 * The Files page's uploader talks JSON to `/app/uploads…` (admin session token, same
 * uploads service as the public API). A service `ApiError` becomes `{error}` with the
 * API's status, so the browser shows the same message an integration would get.
 */

export async function adminJson<T>(call: () => Promise<T>) {
  try {
    return data(await call());
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return data({ error: error.message, code: error.code }, { status: error.status });
  }
}

/** What the uploader needs of a session (no part URLs: it uses the admin part route). */
export function uploadForAdmin(upload: UploadDetail) {
  return {
    id: upload.id,
    name: upload.name,
    size: upload.size,
    status: upload.status,
    partSize: upload.partSize,
    partCount: upload.partCount,
    missingParts: upload.missingParts,
    fileId: upload.status === "completed" ? upload.fileId : null,
  };
}

export type AdminUpload = ReturnType<typeof uploadForAdmin>;
