import { InlineStack, Select } from "@shopify/polaris";
import { useUrlFilters } from "./url-filters";

const STATUS_OPTIONS = [
  { label: "Any status", value: "" },
  { label: "Pending", value: "pending" },
  { label: "Succeeded", value: "succeeded" },
  { label: "Failed (retrying)", value: "failed" },
  { label: "Dead (gave up)", value: "dead" },
];

/** Status and event filters of an endpoint's delivery log, kept in the URL. */
export function WebhookDeliveryFilters({ eventTypes }: { eventTypes: readonly string[] }) {
  const { params, apply } = useUrlFilters();
  const set = (key: string) => (value: string) =>
    apply((next) => {
      next.delete("delivery");
      if (value) next.set(key, value);
      else next.delete(key);
    });
  return (
    <InlineStack gap="300" wrap>
      <Select
        label="Delivery status"
        options={STATUS_OPTIONS}
        value={params.get("status") ?? ""}
        onChange={set("status")}
      />
      <Select
        label="Event"
        options={[
          { label: "Any event", value: "" },
          ...eventTypes.map((type) => ({ label: type, value: type })),
        ]}
        value={params.get("event") ?? ""}
        onChange={set("event")}
      />
    </InlineStack>
  );
}
