import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Card, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { ApiError } from "~/lib/api/errors";
import { parseOrdersQuery } from "~/lib/admin-schemas.server";
import { listDigitalProducts } from "~/services/digital-products.server";
import { listOrders } from "~/services/orders.server";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { OrderFilters, type ProductOption } from "~/components/admin/OrderFilters";
import { OrdersTable, type OrderRow } from "~/components/admin/OrdersTable";

const PAGE_SIZE = 25;
/** Products offered by the product filter (newest first); archived ones still have orders. */
const PRODUCT_OPTIONS = 100;

export const meta = () => [{ title: "Orders · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const query = parseOrdersQuery(new URL(request.url).searchParams);
  const filtered = Boolean(
    query.q ||
    query.financial.length ||
    query.delivery.length ||
    query.from ||
    query.to ||
    query.customer ||
    query.product,
  );
  const products: ProductOption[] = (
    await listDigitalProducts(
      shop.id,
      { limit: PRODUCT_OPTIONS, sort: "-created_at" },
      { includeArchived: true },
    )
  ).data.map((p) => ({ id: p.id, name: p.name, archived: p.isArchived }));
  try {
    const page = await listOrders(
      shop.id,
      { limit: PAGE_SIZE, cursor: query.cursor, sort: "-created_at" },
      {
        search: query.q,
        financialStatus: query.financial,
        deliveryStatus: query.delivery,
        createdAfter: query.createdAfter,
        createdBefore: query.createdBefore,
        customerEmailPrefix: query.customer,
        digitalProductId: query.product ? [query.product] : undefined,
      },
    );
    const orders: OrderRow[] = page.data.map((order) => ({
      id: order.id,
      name: order.name,
      email: order.email,
      customerName:
        [order.customer?.firstName, order.customer?.lastName].filter(Boolean).join(" ") || null,
      createdAt: order.createdAt.toISOString(),
      financialStatus: order.financialStatus,
      deliveryStatus: order.deliveryStatus,
      dlAccess: order.dlAccess,
      totalPriceCents: Number(order.totalPriceCents),
      currency: order.currency,
      products: order.lines.map((l) => l.digitalProductName ?? l.title).join(", "),
    }));
    return { orders, products, nextCursor: page.pagination.next_cursor, filtered, error: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      orders: [] as OrderRow[],
      products,
      nextCursor: null,
      filtered,
      error: error.message,
    };
  }
};

export default function Orders() {
  const { orders, products, nextCursor, filtered, error } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  // Filtering or paging this list: keep the table in place and show it loading.
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  return (
    <Page title="Orders" backAction={{ content: "Home", url: "/app" }}>
      <BlockStack gap="400">
        {error ? (
          <Banner tone="warning" title="This page of results is no longer available">
            <p>{error} Start again from the first page.</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <OrderFilters loading={loading} products={products} />
          <OrdersTable orders={orders} loading={loading} filtered={filtered} />
        </Card>
        <CursorPagination nextCursor={nextCursor} label="Orders" />
      </BlockStack>
    </Page>
  );
}
