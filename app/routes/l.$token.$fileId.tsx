import type { LoaderFunctionArgs } from "@remix-run/node";
import { hashClientIp } from "~/lib/client-ip.server";
import { downloadRequestFrom, downloadResponse } from "~/lib/storage/download-response.server";
import { serveDownloadLinkFile } from "~/services/download-links.server";

/** GET/HEAD /l/<token>/<fileId>: one file of an API-created download link. */
export const loader = async ({ params, request }: LoaderFunctionArgs) => {
  const outcome = await serveDownloadLinkFile(
    { token: params.token ?? "", fileId: params.fileId ?? "" },
    downloadRequestFrom(request, hashClientIp()),
  );
  return downloadResponse(outcome, request);
};
