import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { listDigitalProductSummaries } from "~/services/digital-products.server";
import { ProductsTable } from "~/components/ProductsTable";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return { products: await listDigitalProductSummaries(shop.id, { limit: 100 }) };
};

export default function DigitalProducts() {
  const { products } = useLoaderData<typeof loader>();
  return (
    <Page title="Digital products" backAction={{ content: "Home", url: "/app" }}>
      <Card padding="0">
        <ProductsTable products={products} />
      </Card>
    </Page>
  );
}
