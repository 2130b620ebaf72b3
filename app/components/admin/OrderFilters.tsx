import { useNavigate, useSearchParams } from "@remix-run/react";
import { ChoiceList, Filters } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";
import { humanize } from "./format";

export const FINANCIAL_FILTERS = [
  "PAID",
  "PENDING",
  "AUTHORIZED",
  "PARTIALLY_PAID",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "VOIDED",
  "EXPIRED",
] as const;

export const DELIVERY_FILTERS = [
  "delivered",
  "pending",
  "held",
  "awaiting_files",
  "awaiting_keys",
  "scheduled",
  "cancelled",
] as const;

type FilterKey = "financial" | "delivery";

/**
 * Search and filters of the orders list, kept in the URL (shareable, back button works).
 * Typing is debounced; any change starts again at the first page.
 */
export function OrderFilters({ loading }: { loading: boolean }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [query, setQuery] = useState(params.get("q") ?? "");
  const financial = params.getAll("financial");
  const delivery = params.getAll("delivery");

  const apply = useCallback(
    (change: (next: URLSearchParams) => void) => {
      const next = new URLSearchParams(params);
      next.delete("cursor");
      next.delete("before");
      change(next);
      navigate(`?${next.toString()}`, { replace: true, preventScrollReset: true });
    },
    [params, navigate],
  );

  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
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

  const setValues = (key: FilterKey, values: string[]) =>
    apply((next) => {
      next.delete(key);
      for (const v of values) next.append(key, v);
    });

  const filters = [
    {
      key: "financial",
      label: "Payment status",
      filter: (
        <ChoiceList
          title="Payment status"
          titleHidden
          allowMultiple
          choices={FINANCIAL_FILTERS.map((v) => ({ label: humanize(v), value: v }))}
          selected={financial}
          onChange={(values) => setValues("financial", values)}
        />
      ),
      shortcut: true,
    },
    {
      key: "delivery",
      label: "Delivery status",
      filter: (
        <ChoiceList
          title="Delivery status"
          titleHidden
          allowMultiple
          choices={DELIVERY_FILTERS.map((v) => ({ label: humanize(v), value: v }))}
          selected={delivery}
          onChange={(values) => setValues("delivery", values)}
        />
      ),
      shortcut: true,
    },
  ];

  const appliedFilters = [
    ...(financial.length
      ? [
          {
            key: "financial",
            label: `Payment: ${financial.map(humanize).join(", ")}`,
            onRemove: () => setValues("financial", []),
          },
        ]
      : []),
    ...(delivery.length
      ? [
          {
            key: "delivery",
            label: `Delivery: ${delivery.map(humanize).join(", ")}`,
            onRemove: () => setValues("delivery", []),
          },
        ]
      : []),
  ];

  return (
    <Filters
      queryValue={query}
      queryPlaceholder="Search by order name or email"
      filters={filters}
      appliedFilters={appliedFilters}
      loading={loading}
      onQueryChange={onQueryChange}
      onQueryClear={() => onQueryChange("")}
      onClearAll={() => {
        setQuery("");
        apply((next) => {
          next.delete("q");
          next.delete("financial");
          next.delete("delivery");
        });
      }}
    />
  );
}
