import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, ButtonGroup, Card, ChoiceList, Text } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { ConfirmModal } from "./ConfirmModal";
import { SecretOnceBanner } from "./SecretOnceBanner";
import { StatusBadge } from "./StatusBadge";
import { useFetcherSettled } from "./fetcher-settled";
import { formatDateTime } from "./format";
import { useActionToast } from "./toast";

export interface WebhookEndpointStatusView {
  name: string;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  previousSecretExpiresAt: string | null;
}

const GRACE_CHOICES = [
  { label: "Keep the old secret valid for 24 hours", value: "24" },
  { label: "Keep the old secret valid for 7 days", value: "168" },
  { label: "Revoke the old secret now", value: "0" },
];

type RotateResult = ActionResult<{ secret: string; previousSecretExpiresAt: string | null }>;

/**
 * Status of one endpoint and its actions: send a test, disable/re-enable (re-enabling
 * resets the failure count), rotate the signing secret (new one shown once).
 */
export function WebhookEndpointStatusCard({ endpoint }: { endpoint: WebhookEndpointStatusView }) {
  const fetcher = useFetcher<RotateResult>();
  const [rotating, setRotating] = useState(false);
  const [grace, setGrace] = useState<string[]>(["24"]);
  const [dismissed, setDismissed] = useState<unknown>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setRotating(false));
  const result = fetcher.data;
  const rotated = result?.ok && result.result && dismissed !== result ? result.result : null;
  const pending = fetcher.state !== "idle" ? fetcher.formData?.get("intent") : null;
  const run = (intent: string, extra: Record<string, string> = {}) =>
    fetcher.submit({ intent, ...extra }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Status
        </Text>
        {rotated ? (
          <SecretOnceBanner
            title="New signing secret"
            label="Signing secret"
            secret={rotated.secret}
            onDismiss={() => setDismissed(result)}
          />
        ) : null}
        <ActionErrorBanner result={result} />
        <BlockStack gap="100">
          <div>
            <StatusBadge status={endpoint.enabled ? "enabled" : "disabled"} />
          </div>
          {!endpoint.enabled && endpoint.disabledReason ? (
            <Text as="p" tone="subdued">
              {endpoint.disabledReason}
            </Text>
          ) : null}
          <Text as="p">
            Failed deliveries in a row: {endpoint.consecutiveFailures} (disabled at 15)
          </Text>
          <Text as="p">Last success: {formatDateTime(endpoint.lastSuccessAt)}</Text>
          <Text as="p">Last failure: {formatDateTime(endpoint.lastFailureAt)}</Text>
          {endpoint.previousSecretExpiresAt ? (
            <Text as="p" tone="caution">
              The previous secret also signs until{" "}
              {formatDateTime(endpoint.previousSecretExpiresAt)}.
            </Text>
          ) : null}
        </BlockStack>
        {!endpoint.enabled ? (
          <Banner tone="warning">
            <p>
              Events are not sent while the endpoint is disabled. Enabling it resets the failure
              count and resumes pending deliveries.
            </p>
          </Banner>
        ) : null}
        <ButtonGroup>
          <Button
            disabled={!endpoint.enabled}
            loading={pending === "test"}
            onClick={() => run("test")}
          >
            Send test
          </Button>
          <Button
            loading={pending === "set-enabled"}
            onClick={() => run("set-enabled", { enabled: String(!endpoint.enabled) })}
          >
            {endpoint.enabled ? "Disable" : "Enable"}
          </Button>
          <Button onClick={() => setRotating(true)}>Rotate secret</Button>
        </ButtonGroup>
      </BlockStack>
      <ConfirmModal
        open={rotating}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        loading={pending === "rotate"}
        onClose={() => setRotating(false)}
        onConfirm={() => run("rotate", { graceHours: grace[0] ?? "24" })}
      >
        <BlockStack gap="300">
          <Text as="p">
            A new secret signs every delivery from now on and is shown once. Update your receiver
            with it. During a grace period the old secret keeps verifying too (in the
            webhook-signature header).
          </Text>
          <ChoiceList
            title="Old secret"
            choices={GRACE_CHOICES}
            selected={grace}
            onChange={setGrace}
          />
        </BlockStack>
      </ConfirmModal>
    </Card>
  );
}
