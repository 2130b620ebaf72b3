import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { listDigitalProductSummaries } from "~/services/digital-products.server";
import { ProductsTable } from "~/components/ProductsTable";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const products = await listDigitalProductSummaries(shop.id, { limit: 50 });
  return { shopName: shop.name ?? shop.domain, products };
};

export default function AdminHome() {
  const { shopName, products } = useLoaderData<typeof loader>();
  return (
    <Page title="Handoff">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" variant="bodyMd" tone="subdued">
              Digital delivery for {shopName}
            </Text>
            <Card padding="0">
              <ProductsTable products={products} />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
