import type { LoaderFunctionArgs } from "@remix-run/node";
import { hashClientIp } from "~/lib/client-ip.server";
import { downloadRequestFrom, downloadResponse } from "~/lib/storage/download-response.server";
import { serveLineFile } from "~/services/downloads.server";

/** GET/HEAD /d/<token>/<lineId>/<fileId>: one file of an order line (Range, ETag, stamping). */
export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const outcome = await serveLineFile(
    { token: params.token ?? "", lineId: params.lineId ?? "", fileId: params.fileId ?? "" },
    downloadRequestFrom(request, hashClientIp()),
  );
  return downloadResponse(outcome, request);
};
