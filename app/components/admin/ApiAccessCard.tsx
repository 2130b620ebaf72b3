import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { ActionResult } from "~/lib/admin-actions";
import { formatDateTime } from "./format";
import { StatusBadge } from "./StatusBadge";
import { useActionToast } from "./toast";

/** Whether this shop's tokens work, and the "request access" step while pending. */
export function ApiAccessCard({
  access,
  requestedAt,
}: {
  access: string;
  requestedAt: string | null;
}) {
  const fetcher = useFetcher<ActionResult>();
  useActionToast(fetcher.data);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            API access
          </Text>
          <StatusBadge
            status={access}
            label={
              { active: "Active", pending: "Pending approval", suspended: "Suspended" }[access]
            }
          />
        </InlineStack>
        {access === "active" ? (
          <Text as="p" tone="subdued">
            Tokens of this shop can call the Handoff API at /public-api/v1.
          </Text>
        ) : null}
        {access === "pending" ? (
          <Banner
            tone="info"
            title={requestedAt ? "Access requested" : "API access needs approval"}
            action={{
              content: requestedAt ? "Request again" : "Request access",
              loading: fetcher.state !== "idle",
              onAction: () => fetcher.submit({ intent: "request-access" }, { method: "post" }),
            }}
          >
            <p>
              {requestedAt
                ? `You asked on ${formatDateTime(requestedAt)}. We'll switch it on once approved; until then API calls answer 403.`
                : "You can create tokens now; API calls answer 403 until access is approved."}
            </p>
          </Banner>
        ) : null}
        {access === "suspended" ? (
          <Banner tone="critical" title="API access is suspended">
            <p>API calls with this shop&apos;s tokens answer 403. Contact support to restore it.</p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}
