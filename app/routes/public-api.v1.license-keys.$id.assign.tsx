import { assignLicenseKeyEndpoint } from "~/lib/api/contract";
import { presentLicenseKey } from "~/lib/api/present";
import { apiResource, handle } from "~/lib/api/route.server";
import { assignLicenseKey } from "~/services/license-keys.server";

export const { loader, action } = apiResource(
  handle(assignLicenseKeyEndpoint, async ({ shopId, params, body }) => ({
    data: presentLicenseKey(
      await assignLicenseKey(shopId, params.id, {
        orderName: body.order_name,
        lineId: body.line_id,
        sendEmail: body.send_email,
      }),
    ),
  })),
);
