import { createAssetEndpoint } from "~/lib/api/contract";
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from "~/lib/api/idempotency.server";
import { presentJob } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { createIngestJob } from "~/services/ingest.server";

export const { loader, action } = apiResource(
  handle(createAssetEndpoint, async ({ auth, shopId, body, request }) => {
    const key = parseIdempotencyKey(request.headers.get(IDEMPOTENCY_KEY_HEADER));
    const { job } = await createIngestJob(
      shopId,
      {
        url: body.url,
        name: body.name,
        contentType: body.content_type,
        size: body.size,
        checksumSha256: body.checksum_sha256,
      },
      { idempotencyScope: key ? `${auth.tokenId}:${key}` : null },
    );
    return { data: presentJob({ job, file: null }) };
  }),
);
