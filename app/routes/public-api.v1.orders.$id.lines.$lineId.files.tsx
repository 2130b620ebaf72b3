import { setOrderLineFilesEndpoint } from "~/lib/api/contract";
import { presentOrder } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { setLineFiles } from "~/services/orders.server";

export const { loader, action } = apiResource(
  handle(setOrderLineFilesEndpoint, async ({ shopId, params, body }) => ({
    data: presentOrder(
      await setLineFiles(shopId, params.id, params.lineId, body.file_ids, {
        sendEmail: body.send_email,
      }),
    ),
  })),
);
