import { BlockStack, ChoiceList, Filters, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { formatDate, humanize } from "./format";
import { useDebouncedParam, useUrlFilters } from "./url-filters";

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

export interface ProductOption {
  id: string;
  name: string;
  archived: boolean;
}

/** Every URL parameter these filters own (Clear all removes them). */
const FILTER_PARAMS = ["q", "financial", "delivery", "from", "to", "customer", "product"];

/**
 * Search and filters of the orders list, kept in the URL (shareable, back button works).
 * Typing is debounced; any change starts again at the first page.
 */
export function OrderFilters({
  loading,
  products,
}: {
  loading: boolean;
  products: ProductOption[];
}) {
  const filtersInUrl = useUrlFilters();
  const { params, apply, setParam, query, setQuery, resetQuery } = filtersInUrl;
  const customer = useDebouncedParam(filtersInUrl, "customer");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const financial = params.getAll("financial");
  const delivery = params.getAll("delivery");
  const product = params.get("product") ?? "";
  const productName = products.find((p) => p.id === product)?.name;
  // ISO days compare as strings.
  const rangeError = from && to && from > to ? "The end date is before the start date." : "";

  /** A date change applies at once, unless it would make an empty, inverted range. */
  const setDay = (key: "from" | "to", value: string) => {
    const nextFrom = key === "from" ? value : from;
    const nextTo = key === "to" ? value : to;
    if (key === "from") setFrom(value);
    else setTo(value);
    if (nextFrom && nextTo && nextFrom > nextTo) return;
    apply((next) => {
      for (const [k, v] of [
        ["from", nextFrom],
        ["to", nextTo],
      ] as const) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
    });
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
    {
      key: "created",
      label: "Created",
      filter: (
        <BlockStack gap="200">
          <TextField
            label="Created from"
            type="date"
            value={from}
            onChange={(value) => setDay("from", value)}
            autoComplete="off"
          />
          <TextField
            label="Created to"
            type="date"
            value={to}
            onChange={(value) => setDay("to", value)}
            autoComplete="off"
            error={rangeError || undefined}
            helpText="Both days included (UTC)."
          />
        </BlockStack>
      ),
      shortcut: true,
    },
    {
      key: "customer",
      label: "Customer",
      filter: (
        <TextField
          label="Customer email"
          value={customer.value}
          onChange={customer.setValue}
          autoComplete="off"
          placeholder="ada@example.com"
          helpText="The start of the email is enough, e.g. ada@."
        />
      ),
      shortcut: true,
    },
    {
      key: "product",
      label: "Product",
      filter: products.length ? (
        <ChoiceList
          title="Digital product"
          titleHidden
          choices={products.map((p) => ({
            label: p.archived ? `${p.name} (archived)` : p.name,
            value: p.id,
          }))}
          selected={product ? [product] : []}
          onChange={(values) => setParam("product", values[0] ?? "")}
        />
      ) : (
        <Text as="p" tone="subdued">
          No digital products yet.
        </Text>
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
    ...(params.get("from") || params.get("to")
      ? [
          {
            key: "created",
            label: `Created: ${dayLabel(params.get("from"), params.get("to"))}`,
            onRemove: () => {
              setFrom("");
              setTo("");
              apply((next) => {
                next.delete("from");
                next.delete("to");
              });
            },
          },
        ]
      : []),
    ...(params.get("customer")
      ? [
          {
            key: "customer",
            label: `Customer: ${params.get("customer")}`,
            onRemove: () => {
              customer.reset();
              setParam("customer", "");
            },
          },
        ]
      : []),
    ...(product
      ? [
          {
            key: "product",
            label: `Product: ${productName ?? "unknown product"}`,
            onRemove: () => setParam("product", ""),
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
      onQueryChange={setQuery}
      onQueryClear={() => setQuery("")}
      onClearAll={() => {
        resetQuery();
        customer.reset();
        setFrom("");
        setTo("");
        apply((next) => {
          for (const key of FILTER_PARAMS) next.delete(key);
        });
      }}
    />
  );
}

function dayLabel(from: string | null, to: string | null): string {
  const day = (value: string) => formatDate(`${value}T00:00:00.000Z`);
  if (from && to) return from === to ? day(from) : `${day(from)} – ${day(to)}`;
  return from ? `from ${day(from)}` : `until ${day(to!)}`;
}
