import { getJobEndpoint } from "~/lib/api/contract";
import { presentJob } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { getPublicJob } from "~/services/jobs.server";

export const { loader, action } = apiResource(
  handle(getJobEndpoint, async ({ shopId, params }) => ({
    data: presentJob(await getPublicJob(shopId, params.job_id)),
  })),
);
