import { useFetcher, useNavigate, useSearchParams } from "@remix-run/react";
import { Button, Filters, IndexTable, Select } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { formatBytes, formatDateTime } from "./format";
import { EmptyTableText, TableCard } from "./TableCard";
import { useActionToast } from "./toast";

export interface FileView {
  id: string;
  name: string;
  type: string;
  size: number;
  createdAt: string;
  products: string[];
}

/** The shop's file library: search and sort in the URL, delete with confirmation. */
export function FilesTable({
  files,
  filtered,
  loading,
}: {
  files: FileView[];
  filtered: boolean;
  loading: boolean;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [pending, setPending] = useState<FileView | null>(null);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setPending(null));
  return (
    <TableCard title="Library" result={fetcher.data}>
      <FileFilters loading={loading} />
      <IndexTable
        resourceName={{ singular: "file", plural: "files" }}
        itemCount={files.length}
        selectable={false}
        loading={loading}
        emptyState={
          <EmptyTableText>
            {filtered ? "No files match this search." : "No files yet: drop some above."}
          </EmptyTableText>
        }
        headings={[
          { title: "Name" },
          { title: "Type" },
          { title: "Size" },
          { title: "Created" },
          { title: "Products" },
          { title: "Actions", hidden: true },
        ]}
      >
        {files.map((file, index) => (
          <IndexTable.Row id={file.id} key={file.id} position={index}>
            <IndexTable.Cell>{file.name}</IndexTable.Cell>
            <IndexTable.Cell>{file.type}</IndexTable.Cell>
            <IndexTable.Cell>{formatBytes(file.size)}</IndexTable.Cell>
            <IndexTable.Cell>{formatDateTime(file.createdAt)}</IndexTable.Cell>
            <IndexTable.Cell>{file.products.length}</IndexTable.Cell>
            <IndexTable.Cell>
              <Button
                size="slim"
                tone="critical"
                onClick={() => setPending(file)}
                accessibilityLabel={`Delete ${file.name}`}
              >
                Delete
              </Button>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <ConfirmModal
        open={pending !== null}
        title="Delete this file?"
        confirmLabel="Delete file"
        loading={fetcher.state !== "idle"}
        onClose={() => setPending(null)}
        onConfirm={() =>
          pending && fetcher.submit({ intent: "delete", fileId: pending.id }, { method: "post" })
        }
      >
        {pending && pending.products.length > 0
          ? `${pending.name} is attached to ${pending.products.join(", ")}. It cannot be deleted until it is detached.`
          : `${pending?.name ?? ""} is removed from your library and storage for good.`}
      </ConfirmModal>
    </TableCard>
  );
}

function FileFilters({ loading }: { loading: boolean }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [query, setQuery] = useState(params.get("q") ?? "");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const apply = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    next.delete("cursor");
    next.delete("before");
    change(next);
    navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
  };
  const onQueryChange = (value: string) => {
    setQuery(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () =>
        apply((next) => {
          if (value.trim()) next.set("q", value.trim());
          else next.delete("q");
        }),
      300,
    );
  };
  return (
    <Filters
      queryValue={query}
      queryPlaceholder="Search files by name"
      filters={[]}
      loading={loading}
      onQueryChange={onQueryChange}
      onQueryClear={() => onQueryChange("")}
      onClearAll={() => onQueryChange("")}
    >
      <Select
        label="Sort"
        labelInline
        options={[
          { label: "Newest first", value: "newest" },
          { label: "Oldest first", value: "oldest" },
        ]}
        value={params.get("sort") === "oldest" ? "oldest" : "newest"}
        onChange={(value) =>
          apply((next) => {
            if (value === "oldest") next.set("sort", "oldest");
            else next.delete("sort");
          })
        }
      />
    </Filters>
  );
}
