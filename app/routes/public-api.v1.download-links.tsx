import { createDownloadLinkEndpoint } from "~/lib/api/contract";
import { presentDownloadLink } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { createDownloadLink } from "~/services/download-links.server";

export const { loader, action } = apiResource(
  handle(createDownloadLinkEndpoint, async ({ shopId, body }) => ({
    data: presentDownloadLink(
      await createDownloadLink(shopId, {
        fileIds: body.file_ids,
        useDownloadLimit: body.use_download_limit,
        downloadLimit: body.download_limit,
        useStamping: body.use_stamping,
        stampingText: body.stamping_text,
      }),
    ),
  })),
);
