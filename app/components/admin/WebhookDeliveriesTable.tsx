import { useFetcher, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import {
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  IndexTable,
  Link,
  Text,
} from "@shopify/polaris";
import type { ActionResult } from "~/lib/admin-actions";
import { EmptyTableText, TableCard } from "./TableCard";
import { formatDateTime } from "./format";
import { StatusBadge } from "./StatusBadge";
import { useActionToast } from "./toast";

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface WebhookAttemptView {
  id: string;
  attemptNumber: number;
  attemptedAt: string;
  responseStatus: number | null;
  durationMs: number | null;
  responseSnippet: string | null;
  error: string | null;
}

/** The delivery log of one endpoint; "View" opens a delivery's attempts (via the URL). */
export function WebhookDeliveriesTable({
  deliveries,
  selectedId,
  endpointEnabled,
  loading = false,
  filtered = false,
  filters,
}: {
  deliveries: WebhookDeliveryView[];
  selectedId: string | null;
  endpointEnabled: boolean;
  loading?: boolean;
  filtered?: boolean;
  /** Filter controls shown above the table. */
  filters?: ReactNode;
}) {
  const [params] = useSearchParams();
  // "View" keeps the filters and page: only `delivery` changes.
  const viewUrl = (id: string) => {
    const next = new URLSearchParams(params);
    next.set("delivery", id);
    return `?${next.toString()}`;
  };
  const fetcher = useFetcher<ActionResult>();
  useActionToast(fetcher.data);
  const replaying = fetcher.state !== "idle" ? fetcher.formData?.get("deliveryId") : null;
  return (
    <TableCard title="Deliveries" result={fetcher.data}>
      {filters ? (
        <Box paddingInline="400" paddingBlockEnd="300">
          {filters}
        </Box>
      ) : null}
      <IndexTable
        resourceName={{ singular: "delivery", plural: "deliveries" }}
        itemCount={deliveries.length}
        selectable={false}
        loading={loading}
        emptyState={
          <EmptyTableText>
            {filtered
              ? "No delivery matches these filters."
              : "Nothing sent to this endpoint yet. Send a test event to try it."}
          </EmptyTableText>
        }
        headings={[
          { title: "Event" },
          { title: "Status" },
          { title: "Attempts", alignment: "end" },
          { title: "Last answer" },
          { title: "Created" },
          { title: "Actions", hidden: true },
        ]}
      >
        {deliveries.map((d, index) => (
          <IndexTable.Row id={d.id} key={d.id} position={index} selected={d.id === selectedId}>
            <IndexTable.Cell>
              <BlockStack gap="100">
                <Text as="span" fontWeight="semibold">
                  {d.eventType}
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {d.eventId}
                </Text>
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge status={d.status} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {d.attemptCount}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {d.lastResponseStatus !== null
                ? `HTTP ${d.lastResponseStatus}`
                : (d.lastError ?? "—")}
            </IndexTable.Cell>
            <IndexTable.Cell>{formatDateTime(d.createdAt)}</IndexTable.Cell>
            <IndexTable.Cell>
              <ButtonGroup>
                <Link url={viewUrl(d.id)} accessibilityLabel={`View attempts of ${d.eventId}`}>
                  View
                </Link>
                <Button
                  size="slim"
                  disabled={!endpointEnabled}
                  loading={replaying === d.id}
                  onClick={() =>
                    fetcher.submit({ intent: "replay", deliveryId: d.id }, { method: "post" })
                  }
                  accessibilityLabel={`Replay ${d.eventId}`}
                >
                  Replay
                </Button>
              </ButtonGroup>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </TableCard>
  );
}

export function WebhookAttemptsCard({
  eventId,
  attempts,
}: {
  eventId: string;
  attempts: WebhookAttemptView[];
}) {
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <Text as="h2" variant="headingMd">
            Attempts for {eventId}
          </Text>
        </Box>
        <IndexTable
          resourceName={{ singular: "attempt", plural: "attempts" }}
          itemCount={attempts.length}
          selectable={false}
          emptyState={<EmptyTableText>Not attempted yet.</EmptyTableText>}
          headings={[
            { title: "#" },
            { title: "When" },
            { title: "Answer" },
            { title: "Duration", alignment: "end" },
            { title: "Response (first 1 KB)" },
          ]}
        >
          {attempts.map((a, index) => (
            <IndexTable.Row id={a.id} key={a.id} position={index}>
              <IndexTable.Cell>{a.attemptNumber}</IndexTable.Cell>
              <IndexTable.Cell>{formatDateTime(a.attemptedAt)}</IndexTable.Cell>
              <IndexTable.Cell>
                {a.responseStatus !== null ? `HTTP ${a.responseStatus}` : (a.error ?? "—")}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {a.durationMs !== null ? `${a.durationMs} ms` : "—"}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" variant="bodySm" breakWord>
                  <code>{a.responseSnippet ?? ""}</code>
                </Text>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
