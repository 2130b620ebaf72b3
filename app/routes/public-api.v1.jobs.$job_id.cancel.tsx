import { cancelJobEndpoint } from "~/lib/api/contract";
import { presentJob } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { cancelPublicJob } from "~/services/jobs.server";

export const { loader, action } = apiResource(
  handle(cancelJobEndpoint, async ({ shopId, params }) => ({
    data: presentJob(await cancelPublicJob(shopId, params.job_id)),
  })),
);
