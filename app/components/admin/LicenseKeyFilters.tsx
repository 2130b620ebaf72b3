import { ChoiceList, Filters } from "@shopify/polaris";
import { humanize } from "./format";
import { useUrlFilters } from "./url-filters";

const STATUSES = ["available", "assigned"] as const;

/** Search by key value and filter by status, kept in the URL like the orders list. */
export function LicenseKeyFilters({ loading }: { loading: boolean }) {
  const { params, apply, query, setQuery, resetQuery } = useUrlFilters();
  const status = params.get("status");
  const setStatus = (value: string | null) =>
    apply((next) => {
      if (value) next.set("status", value);
      else next.delete("status");
    });
  return (
    <Filters
      queryValue={query}
      queryPlaceholder="Search keys"
      filters={[
        {
          key: "status",
          label: "Status",
          filter: (
            <ChoiceList
              title="Status"
              titleHidden
              choices={STATUSES.map((v) => ({ label: humanize(v), value: v }))}
              selected={status ? [status] : []}
              onChange={(values) => setStatus(values[0] ?? null)}
            />
          ),
          shortcut: true,
        },
      ]}
      appliedFilters={
        status
          ? [
              {
                key: "status",
                label: `Status: ${humanize(status)}`,
                onRemove: () => setStatus(null),
              },
            ]
          : []
      }
      loading={loading}
      onQueryChange={setQuery}
      onQueryClear={() => setQuery("")}
      onClearAll={() => {
        resetQuery();
        apply((next) => {
          next.delete("q");
          next.delete("status");
        });
      }}
    />
  );
}
