import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  List,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { formatBytes } from "~/lib/format";
import { ConfirmModal } from "./ConfirmModal";
import { formatDateTime, humanize } from "./format";
import { StatusBadge } from "./StatusBadge";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export interface OrderLineView {
  id: string;
  title: string;
  variantTitle: string | null;
  productName: string | null;
  deliveringType: string;
  quantity: number;
  files: Array<{ id: string; name: string; size: number }>;
  licenseKeys: string[];
  keyStatus: string;
  downloadCount: number;
  /** null = unlimited */
  downloadsAllowed: number | null;
  expiresAt: string | null;
  accessStatus: string;
  deliveredAt: string | null;
  scheduledAt: string | null;
  recentDownloads: Array<{
    id: string;
    createdAt: string;
    fileName: string | null;
    isRedownload: boolean;
    bytesSent: number;
  }>;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span">{children}</Text>
    </BlockStack>
  );
}

/** A UNIQUE-delivery line delivers only files attached to it; none attached yet. */
export function waitsForFiles(line: OrderLineView): boolean {
  return line.deliveringType === "UNIQUE" && line.files.length === 0;
}

/**
 * One purchased line: what it delivers, how much of it was used, and "reset downloads".
 * A UNIQUE-delivery line also offers choosing its files (`onEditFiles`).
 */
export function OrderLineCard({
  line,
  onEditFiles,
}: {
  line: OrderLineView;
  onEditFiles?: () => void;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [confirming, setConfirming] = useState(false);
  const busy = fetcher.state !== "idle";
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setConfirming(false));

  const expired = line.expiresAt !== null && new Date(line.expiresAt) < new Date();
  const title = line.productName ?? line.title;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {title}
              {line.quantity > 1 ? ` × ${line.quantity}` : ""}
            </Text>
            {line.variantTitle ? (
              <Text as="span" tone="subdued" variant="bodySm">
                {line.variantTitle}
              </Text>
            ) : null}
          </BlockStack>
          <InlineStack gap="200">
            {line.deliveringType !== "REGULAR" ? (
              <StatusBadge status="info" label={humanize(line.deliveringType)} />
            ) : null}
            {waitsForFiles(line) ? (
              <StatusBadge
                status="awaiting_files"
                label={line.deliveredAt ? "No files" : "Waiting for files"}
              />
            ) : null}
            {line.deliveredAt || !waitsForFiles(line) ? (
              <StatusBadge
                status={line.deliveredAt ? "delivered" : "pending"}
                label={line.deliveredAt ? "Delivered" : "Not delivered"}
              />
            ) : null}
            {line.accessStatus !== "enabled" ? <StatusBadge status={line.accessStatus} /> : null}
          </InlineStack>
        </InlineStack>

        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Fact label="Downloads used">
            {line.downloadCount} of {line.downloadsAllowed ?? "unlimited"}
          </Fact>
          <Fact label="Access expires">
            {line.expiresAt
              ? `${formatDateTime(line.expiresAt)}${expired ? " (expired)" : ""}`
              : "Never"}
          </Fact>
          <Fact label="Delivered">
            {line.deliveredAt
              ? formatDateTime(line.deliveredAt)
              : line.scheduledAt
                ? `Scheduled for ${formatDateTime(line.scheduledAt)}`
                : "Not yet"}
          </Fact>
        </InlineGrid>

        <BlockStack gap="200">
          <Text as="h4" variant="headingXs">
            Files
          </Text>
          {line.files.length ? (
            <List type="bullet">
              {line.files.map((file) => (
                <List.Item key={file.id}>
                  {file.name}{" "}
                  <Text as="span" tone="subdued">
                    ({formatBytes(file.size)})
                  </Text>
                </List.Item>
              ))}
            </List>
          ) : (
            <Text as="p" tone={line.deliveringType === "UNIQUE" ? "caution" : "subdued"}>
              {line.deliveringType === "UNIQUE"
                ? "No files attached to this order yet: this product is delivered per order."
                : "No files."}
            </Text>
          )}
          {line.deliveringType === "UNIQUE" && onEditFiles ? (
            <Box>
              <Button
                onClick={onEditFiles}
                variant={line.files.length ? undefined : "primary"}
                accessibilityLabel={`${line.files.length ? "Change files of" : "Attach files to"} ${title}`}
              >
                {line.files.length ? "Change files" : "Attach files"}
              </Button>
            </Box>
          ) : null}
        </BlockStack>

        {line.licenseKeys.length || line.keyStatus !== "none" ? (
          <BlockStack gap="200">
            <Text as="h4" variant="headingXs">
              License keys
            </Text>
            {line.licenseKeys.length ? (
              <List type="bullet">
                {line.licenseKeys.map((key) => (
                  <List.Item key={key}>
                    <Text as="span" fontWeight="medium">
                      <code>{key}</code>
                    </Text>
                  </List.Item>
                ))}
              </List>
            ) : (
              <Text as="p" tone="caution">
                Waiting for keys: add keys to this product&apos;s pool and they are sent
                automatically.
              </Text>
            )}
          </BlockStack>
        ) : null}

        {line.recentDownloads.length ? (
          <BlockStack gap="200">
            <Text as="h4" variant="headingXs">
              Recent downloads
            </Text>
            <List type="bullet">
              {line.recentDownloads.map((d) => (
                <List.Item key={d.id}>
                  {formatDateTime(d.createdAt)} · {d.fileName ?? "Deleted file"} ·{" "}
                  {formatBytes(d.bytesSent)}
                  {d.isRedownload ? " · re-download" : ""}
                </List.Item>
              ))}
            </List>
          </BlockStack>
        ) : null}

        <Box>
          <Button
            onClick={() => setConfirming(true)}
            disabled={line.downloadCount === 0}
            accessibilityLabel={`Reset downloads of ${title}`}
          >
            Reset downloads
          </Button>
        </Box>
      </BlockStack>
      <ConfirmModal
        open={confirming}
        title={`Reset downloads of ${title}?`}
        confirmLabel="Reset downloads"
        destructive={false}
        loading={busy}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          fetcher.submit({ intent: "reset-downloads", lineId: line.id }, { method: "post" })
        }
      >
        {`The customer can download ${title} ${line.downloadsAllowed ?? "any number of"} more times. The download history is kept.`}
      </ConfirmModal>
    </Card>
  );
}
