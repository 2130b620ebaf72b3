import { downloadStatsEndpoint } from "~/lib/api/contract";
import { presentStats } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { getDownloadStats } from "~/services/download-stats.server";

export const { loader, action } = apiResource(
  handle(downloadStatsEndpoint, async ({ shopId, query }) => ({
    data: presentStats(await getDownloadStats(shopId, query)),
  })),
);
