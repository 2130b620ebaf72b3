import { EmptyState, IndexTable, Link, Text } from "@shopify/polaris";
import { formatDateTime, formatMoney } from "./format";
import { StatusBadge } from "./StatusBadge";

export interface OrderRow {
  id: string;
  name: string;
  email: string | null;
  customerName: string | null;
  createdAt: string;
  financialStatus: string;
  deliveryStatus: string;
  dlAccess: string;
  totalPriceCents: number;
  currency: string;
  products: string;
}

export function OrdersTable({
  orders,
  loading,
  filtered,
}: {
  orders: OrderRow[];
  loading: boolean;
  filtered: boolean;
}) {
  return (
    <IndexTable
      resourceName={{ singular: "order", plural: "orders" }}
      itemCount={orders.length}
      selectable={false}
      loading={loading}
      emptyState={
        filtered ? (
          <EmptyState heading="No orders match these filters" image="/empty-state-files.svg">
            <p>Try another search or remove a filter.</p>
          </EmptyState>
        ) : (
          <EmptyState heading="No digital orders yet" image="/empty-state-files.svg">
            <p>Orders that include a digital product appear here as soon as Shopify sends them.</p>
          </EmptyState>
        )
      }
      headings={[
        { title: "Order" },
        { title: "Date" },
        { title: "Customer" },
        { title: "Products" },
        { title: "Payment" },
        { title: "Delivery" },
        { title: "Access" },
        { title: "Total", alignment: "end" },
      ]}
    >
      {orders.map((order, index) => (
        <IndexTable.Row id={order.id} key={order.id} position={index}>
          <IndexTable.Cell>
            <Link url={`/app/orders/${order.id}`} dataPrimaryLink removeUnderline monochrome>
              <Text as="span" variant="bodyMd" fontWeight="semibold">
                {order.name}
              </Text>
            </Link>
          </IndexTable.Cell>
          <IndexTable.Cell>{formatDateTime(order.createdAt)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span">{order.customerName ?? order.email ?? "—"}</Text>
            {order.customerName && order.email ? (
              <Text as="p" tone="subdued" variant="bodySm">
                {order.email}
              </Text>
            ) : null}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" truncate>
              {order.products}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <StatusBadge status={order.financialStatus} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <StatusBadge status={order.deliveryStatus} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <StatusBadge status={order.dlAccess} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {formatMoney(order.totalPriceCents, order.currency)}
            </Text>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
