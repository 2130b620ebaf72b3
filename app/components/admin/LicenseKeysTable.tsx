import { useFetcher } from "@remix-run/react";
import { Button, IndexTable } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { EmptyTableText, TableCard } from "./TableCard";
import { ConfirmModal } from "./ConfirmModal";
import { LicenseKeyFilters } from "./LicenseKeyFilters";
import { useFetcherSettled } from "./fetcher-settled";
import { formatDateTime } from "./format";
import { StatusBadge } from "./StatusBadge";
import { useActionToast } from "./toast";

export interface LicenseKeyView {
  id: string;
  key: string;
  status: string;
  orderName: string | null;
  createdAt: string;
}

type Pending = { intent: "delete" | "unassign"; key: LicenseKeyView };

export function LicenseKeysTable({
  title,
  keys,
  loading = false,
  filtered = false,
}: {
  title: string;
  keys: LicenseKeyView[];
  loading?: boolean;
  /** A search or status filter is applied (changes the empty-state text). */
  filtered?: boolean;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [pending, setPending] = useState<Pending | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setPending(null));
  return (
    <TableCard title={title} result={fetcher.data}>
      <LicenseKeyFilters loading={loading} />
      <IndexTable
        resourceName={{ singular: "key", plural: "keys" }}
        itemCount={keys.length}
        selectable={false}
        loading={loading}
        emptyState={
          <EmptyTableText>
            {filtered ? "No keys match the search or filter." : "This pool has no keys."}
          </EmptyTableText>
        }
        headings={[
          { title: "Key" },
          { title: "Status" },
          { title: "Order" },
          { title: "Added" },
          { title: "Actions", hidden: true },
        ]}
      >
        {keys.map((key, index) => (
          <IndexTable.Row id={key.id} key={key.id} position={index}>
            <IndexTable.Cell>
              <code>{key.key}</code>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge status={key.status} />
            </IndexTable.Cell>
            <IndexTable.Cell>{key.orderName ?? "—"}</IndexTable.Cell>
            <IndexTable.Cell>{formatDateTime(key.createdAt)}</IndexTable.Cell>
            <IndexTable.Cell>
              {key.status === "assigned" ? (
                <Button
                  size="slim"
                  onClick={() => setPending({ intent: "unassign", key })}
                  accessibilityLabel={`Unassign ${key.key}`}
                >
                  Unassign
                </Button>
              ) : (
                <Button
                  size="slim"
                  tone="critical"
                  onClick={() => setPending({ intent: "delete", key })}
                  accessibilityLabel={`Delete ${key.key}`}
                >
                  Delete
                </Button>
              )}
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <ConfirmModal
        open={pending !== null}
        title={pending?.intent === "unassign" ? "Unassign this key?" : "Delete this key?"}
        confirmLabel={pending?.intent === "unassign" ? "Unassign key" : "Delete key"}
        loading={fetcher.state !== "idle"}
        onClose={() => setPending(null)}
        onConfirm={() =>
          pending &&
          fetcher.submit({ intent: pending.intent, keyId: pending.key.id }, { method: "post" })
        }
      >
        {pending?.intent === "unassign"
          ? `${pending.key.key} goes back to the pool as available, and ${pending.key.orderName ?? "the order"} no longer holds it. The customer may still have it in an email.`
          : `${pending?.key.key ?? ""} is removed from the pool for good.`}
      </ConfirmModal>
    </TableCard>
  );
}
