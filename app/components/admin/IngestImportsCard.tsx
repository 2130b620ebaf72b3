import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { JobStatus } from "~/db/schema";
import type { ActionResult } from "~/lib/admin-actions";
import { formatBytes } from "~/lib/format";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

/** A remote ingest (`POST /assets` by an integration), as the Files page lists it. */
export interface ImportView {
  id: string;
  name: string;
  host: string;
  status: JobStatus;
  receivedBytes: number;
  totalBytes: number | null;
  /** The worker has been asked to stop (it deletes the partial file). */
  stopping: boolean;
  error: string | null;
}

/** While anything is queued or running, the list refreshes this often. */
const REFRESH_MS = 2000;

/**
 * Files an integration is importing from a URL: progress while they run (refreshed every
 * 2 s), why one failed, and a way to stop one. A finished import is simply a file in the
 * library below; failed and cancelled ones stay listed for a day.
 */
export function IngestImportsCard({ imports }: { imports: ImportView[] }) {
  const fetcher = useFetcher<ActionResult>();
  const revalidator = useRevalidator();
  const [stopping, setStopping] = useState<ImportView | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setStopping(null));

  const active = imports.some((i) => i.status === "queued" || i.status === "running");
  const revalidate = revalidator.revalidate;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(revalidate, REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, revalidate]);

  if (imports.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Imports from URLs
          </Text>
          <Text as="p" tone="subdued">
            Files your integrations asked to fetch. Each one joins the library when it is done.
          </Text>
        </BlockStack>
        <BlockStack gap="400" as="ul">
          {imports.map((item) => (
            <ImportRow key={item.id} item={item} onStop={() => setStopping(item)} />
          ))}
        </BlockStack>
      </BlockStack>
      <ConfirmModal
        open={stopping !== null}
        title="Stop this import?"
        confirmLabel="Stop import"
        loading={fetcher.state !== "idle"}
        onClose={() => setStopping(null)}
        onConfirm={() =>
          stopping &&
          fetcher.submit({ intent: "cancel-import", jobId: stopping.id }, { method: "post" })
        }
      >
        {`${stopping?.name ?? ""} stops downloading and what was received is deleted. The integration sees the job as cancelled.`}
      </ConfirmModal>
    </Card>
  );
}

function ImportRow({ item, onStop }: { item: ImportView; onStop: () => void }) {
  const running = item.status === "running";
  const percent =
    item.totalBytes && item.totalBytes > 0
      ? Math.min(100, Math.round((item.receivedBytes / item.totalBytes) * 100))
      : null;
  return (
    <BlockStack as="li" gap="150">
      <InlineStack align="space-between" blockAlign="center" gap="200">
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">
            {item.name}
          </Text>
          {item.host ? (
            <Text as="span" tone="subdued" variant="bodySm">
              from {item.host}
            </Text>
          ) : null}
        </BlockStack>
        <InlineStack gap="200" blockAlign="center">
          <StatusBadge item={item} />
          {(item.status === "queued" || running) && !item.stopping ? (
            <Button size="slim" onClick={onStop} accessibilityLabel={`Stop importing ${item.name}`}>
              Stop
            </Button>
          ) : null}
        </InlineStack>
      </InlineStack>
      {running ? (
        <>
          <ProgressBar
            progress={percent ?? 0}
            size="small"
            animated={percent === null}
            ariaLabelledBy={`import-${item.id}`}
          />
          <Text as="p" tone="subdued" variant="bodySm" id={`import-${item.id}`}>
            {item.totalBytes
              ? `${formatBytes(item.receivedBytes)} of ${formatBytes(item.totalBytes)} (${percent}%)`
              : `${formatBytes(item.receivedBytes)} received`}
          </Text>
        </>
      ) : null}
      {item.status === "failed" && item.error ? (
        <Text as="p" tone="critical">
          {item.error}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function StatusBadge({ item }: { item: ImportView }) {
  if (item.stopping) return <Badge tone="attention">Stopping</Badge>;
  switch (item.status) {
    case "queued":
      return <Badge>Queued</Badge>;
    case "running":
      return <Badge tone="info">Importing</Badge>;
    case "failed":
      return <Badge tone="critical">Failed</Badge>;
    case "cancelled":
      return <Badge>Stopped</Badge>;
    default:
      return <Badge tone="success">Imported</Badge>;
  }
}
