import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, ButtonGroup, IndexTable, Link, Text } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { EmptyTableText, TableCard } from "./TableCard";
import { ConfirmModal } from "./ConfirmModal";
import { formatDateTime } from "./format";
import { StatusBadge } from "./StatusBadge";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface WebhookEndpointView {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
}

export function WebhookEndpointsTable({ endpoints }: { endpoints: WebhookEndpointView[] }) {
  const fetcher = useFetcher<ActionResult>();
  const [deleting, setDeleting] = useState<WebhookEndpointView | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setDeleting(null));
  const pendingId = fetcher.state !== "idle" ? fetcher.formData?.get("endpointId") : null;
  const pendingIntent = fetcher.formData?.get("intent");
  const run = (intent: string, endpoint: WebhookEndpointView, extra: Record<string, string> = {}) =>
    fetcher.submit({ intent, endpointId: endpoint.id, ...extra }, { method: "post" });

  return (
    <TableCard title="Endpoints" result={fetcher.data}>
      <IndexTable
        resourceName={{ singular: "endpoint", plural: "endpoints" }}
        itemCount={endpoints.length}
        selectable={false}
        emptyState={
          <EmptyTableText>No endpoints yet. Add one below to receive signed events.</EmptyTableText>
        }
        headings={[
          { title: "Endpoint" },
          { title: "Events" },
          { title: "Status" },
          { title: "Last success" },
          { title: "Actions", hidden: true },
        ]}
      >
        {endpoints.map((endpoint, index) => (
          <IndexTable.Row id={endpoint.id} key={endpoint.id} position={index}>
            <IndexTable.Cell>
              <BlockStack gap="100">
                <Link url={`/app/settings/webhooks/${endpoint.id}`} removeUnderline>
                  {endpoint.name}
                </Link>
                <Text as="span" tone="subdued" variant="bodySm" breakWord>
                  {endpoint.url}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" variant="bodySm">
                {endpoint.events.join(", ")}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge status={endpoint.enabled ? "enabled" : "disabled"} />
              {!endpoint.enabled && endpoint.disabledReason ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {endpoint.disabledReason}
                </Text>
              ) : null}
            </IndexTable.Cell>
            <IndexTable.Cell>{formatDateTime(endpoint.lastSuccessAt)}</IndexTable.Cell>
            <IndexTable.Cell>
              <ButtonGroup>
                <Button
                  size="slim"
                  disabled={!endpoint.enabled}
                  loading={pendingId === endpoint.id && pendingIntent === "test"}
                  onClick={() => run("test", endpoint)}
                  accessibilityLabel={`Send test event to ${endpoint.name}`}
                >
                  Send test
                </Button>
                <Button
                  size="slim"
                  loading={pendingId === endpoint.id && pendingIntent === "set-enabled"}
                  onClick={() =>
                    run("set-enabled", endpoint, { enabled: String(!endpoint.enabled) })
                  }
                  accessibilityLabel={`${endpoint.enabled ? "Disable" : "Enable"} ${endpoint.name}`}
                >
                  {endpoint.enabled ? "Disable" : "Enable"}
                </Button>
                <Button
                  size="slim"
                  tone="critical"
                  onClick={() => setDeleting(endpoint)}
                  accessibilityLabel={`Delete ${endpoint.name}`}
                >
                  Delete
                </Button>
              </ButtonGroup>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <ConfirmModal
        open={deleting !== null}
        title={`Delete "${deleting?.name ?? ""}"?`}
        confirmLabel="Delete endpoint"
        loading={fetcher.state !== "idle"}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && run("delete", deleting)}
      >
        The endpoint stops receiving events and its delivery log is deleted. This can&apos;t be
        undone.
      </ConfirmModal>
    </TableCard>
  );
}
