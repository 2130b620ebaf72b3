import { BlockStack, Card, Text } from "@shopify/polaris";
import { formatDateTime, formatMoney } from "./format";
import { StatusBadge } from "./StatusBadge";

export interface OrderSummaryView {
  customerName: string | null;
  email: string | null;
  financialStatus: string;
  deliveryStatus: string;
  totalPriceCents: number;
  currency: string;
  createdAt: string;
  deliveredAt: string | null;
  locale: string | null;
}

export function OrderSummaryCard({ order }: { order: OrderSummaryView }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Customer
        </Text>
        <BlockStack gap="100">
          <Text as="p">{order.customerName ?? "Guest"}</Text>
          <Text as="p" tone="subdued">
            {order.email ?? "No email address"}
          </Text>
        </BlockStack>
        <Text as="h2" variant="headingMd">
          Order
        </Text>
        <BlockStack gap="100">
          <Text as="p">
            Payment: <StatusBadge status={order.financialStatus} />
          </Text>
          <Text as="p">
            Delivery: <StatusBadge status={order.deliveryStatus} />
          </Text>
          <Text as="p">Total: {formatMoney(order.totalPriceCents, order.currency)}</Text>
          <Text as="p">Placed: {formatDateTime(order.createdAt)}</Text>
          <Text as="p">Delivered: {formatDateTime(order.deliveredAt)}</Text>
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
