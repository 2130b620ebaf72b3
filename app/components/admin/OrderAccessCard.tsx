import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ConfirmModal } from "./ConfirmModal";
import { StatusBadge } from "./StatusBadge";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

/** The order's download access, with disabling confirmed (the customer loses their files). */
export function OrderAccessCard({ orderName, access }: { orderName: string; access: string }) {
  const fetcher = useFetcher<ActionResult>();
  const [confirming, setConfirming] = useState(false);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setConfirming(false));
  const enabled = access === "enabled";
  const submit = (value: "enabled" | "disabled") =>
    fetcher.submit({ intent: "set-access", access: value }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Download access
          </Text>
          <StatusBadge status={access} />
        </InlineStack>
        <Text as="p" tone="subdued">
          {enabled
            ? "The customer can open the download page and download their files."
            : "The download page and every file of this order are blocked."}
        </Text>
        <InlineStack>
          {enabled ? (
            <Button tone="critical" onClick={() => setConfirming(true)}>
              Disable access
            </Button>
          ) : (
            <Button
              variant="primary"
              loading={fetcher.state !== "idle"}
              onClick={() => submit("enabled")}
            >
              Enable access
            </Button>
          )}
        </InlineStack>
      </BlockStack>
      <ConfirmModal
        open={confirming}
        title={`Disable access to ${orderName}?`}
        confirmLabel="Disable access"
        loading={fetcher.state !== "idle"}
        onClose={() => setConfirming(false)}
        onConfirm={() => submit("disabled")}
      >
        The customer will no longer be able to open the download page or download any file of this
        order until you enable access again.
      </ConfirmModal>
    </Card>
  );
}
