import { getIngestAllowedHostsEndpoint, setIngestAllowedHostsEndpoint } from "~/lib/api/contract";
import { apiResource, handle } from "~/lib/api/route.server";
import { getIngestAllowedHosts, setIngestAllowedHosts } from "~/services/ingest.server";

export const { loader, action } = apiResource(
  handle(getIngestAllowedHostsEndpoint, async ({ shopId }) => ({
    data: { hosts: await getIngestAllowedHosts(shopId) },
  })),
  handle(setIngestAllowedHostsEndpoint, async ({ shopId, body }) => ({
    data: { hosts: await setIngestAllowedHosts(shopId, body.hosts) },
  })),
);
