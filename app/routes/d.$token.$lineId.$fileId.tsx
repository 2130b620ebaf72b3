import type { LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { create as contentDisposition } from "content-disposition";
import { storage } from "~/lib/storage/index.server";
import { hashClientIp } from "~/lib/client-ip.server";
import { startFileDownload } from "~/services/downloads.server";

const REFUSAL: Record<string, { status: number; message: string }> = {
  not_found: { status: 404, message: "This file does not exist." },
  disabled: { status: 403, message: "Downloads for this order are turned off." },
  revoked: { status: 403, message: "This item can no longer be downloaded." },
  expired: { status: 410, message: "The download period for this item has ended." },
  scheduled: { status: 403, message: "This item is not available yet." },
  awaiting_keys: { status: 403, message: "This item is not ready yet." },
  awaiting_files: { status: 403, message: "This item is not ready yet." },
  limit_reached: { status: 403, message: "You have used all downloads for this item." },
};

export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const result = await startFileDownload({
    token: params.token ?? "",
    lineId: params.lineId ?? "",
    fileId: params.fileId ?? "",
    ipHash: hashClientIp(),
    userAgent: request.headers.get("user-agent"),
  });
  if (!result.ok) {
    const refusal = REFUSAL[result.reason] ?? REFUSAL.not_found!;
    return new Response(refusal.message, {
      status: refusal.status,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "private, no-store",
      },
    });
  }
  const { file } = result;
  const body = await storage().get(file.storageKey);
  return new Response(createReadableStreamFromReadable(body), {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(file.name),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
};
