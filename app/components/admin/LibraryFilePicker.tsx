import { useFetcher } from "@remix-run/react";
import { ChoiceList, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatBytes } from "~/lib/format";
import type { loader as fileLibraryLoader } from "~/routes/app.products.files";

export interface LibraryPick {
  id: string;
  name: string;
  size: number;
}

/**
 * The shop's file library, searched on the server (the 50 newest matches), several files
 * ticked at once. Picks survive a new search: ticks are re-read only for the files the
 * current result lists. Used by the product editor's "Attach files" and by the order
 * page's files of a UNIQUE-delivery line.
 */
export function LibraryFilePicker({
  label,
  emptyText,
  selected,
  onChange,
  hidden,
  id,
}: {
  /** The search field's label. */
  label: string;
  /** Shown when the library (not a search) has nothing to offer. */
  emptyText: string;
  selected: LibraryPick[];
  onChange: (selected: LibraryPick[]) => void;
  /** Files not to offer (already attached). */
  hidden?: ReadonlySet<string>;
  /** The search field's id (for an InlineError that points at it). */
  id?: string;
}) {
  const library = useFetcher<typeof fileLibraryLoader>();
  const [query, setQuery] = useState("");
  const load = library.load;

  useEffect(() => {
    const timer = setTimeout(
      () => load(`/app/products/files?${new URLSearchParams({ q: query })}`),
      250,
    );
    return () => clearTimeout(timer);
  }, [query, load]);

  const results: LibraryPick[] = (library.data?.files ?? [])
    .filter((f) => !hidden?.has(f.id))
    .map((f) => ({ id: f.id, name: f.name, size: Number(f.size) }));
  const selectedIds = new Set(selected.map((f) => f.id));

  return (
    <>
      <TextField
        id={id}
        label={label}
        value={query}
        onChange={setQuery}
        autoComplete="off"
        clearButton
        onClearButtonClick={() => setQuery("")}
      />
      {library.state !== "idle" && !library.data ? (
        <Text as="p" tone="subdued">
          Loading files…
        </Text>
      ) : results.length === 0 ? (
        <Text as="p" tone="subdued">
          {query ? `No files match "${query}".` : emptyText}
        </Text>
      ) : (
        <ChoiceList
          allowMultiple
          title="Library files"
          titleHidden
          choices={results.map((f) => ({
            label: f.name,
            value: f.id,
            helpText: formatBytes(f.size),
          }))}
          selected={results.filter((f) => selectedIds.has(f.id)).map((f) => f.id)}
          onChange={(ids) =>
            onChange([
              ...selected.filter((f) => ids.includes(f.id) || !results.some((r) => r.id === f.id)),
              ...results.filter((r) => ids.includes(r.id) && !selectedIds.has(r.id)),
            ])
          }
        />
      )}
      {library.data?.hasMore ? (
        <Text as="p" tone="subdued">
          Showing the 50 newest matches; search to narrow down.
        </Text>
      ) : null}
    </>
  );
}
