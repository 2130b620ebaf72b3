import { Banner } from "@shopify/polaris";
import type { ActionResult } from "~/lib/admin-actions";

/** The failure of an action that no form field claimed (404, 409, 422 from a service). */
export function ActionErrorBanner({
  result,
  title = "That didn't work",
}: {
  result: ActionResult<unknown> | undefined;
  title?: string;
}) {
  if (!result || result.ok || Object.keys(result.fieldErrors).length > 0) return null;
  return (
    <Banner tone="critical" title={title}>
      <p>{result.message}</p>
    </Banner>
  );
}
