import { Badge, Button, EmptyState, IndexTable, Link, Text } from "@shopify/polaris";
import { EmptyTableText } from "~/components/admin/TableCard";

export interface ProductRow {
  id: string;
  name: string;
  deliveringType: string;
  access: string;
  maxDownloads: number | null;
  downloadIn: number | null;
  stampingEnabled: boolean;
  fileCount: number;
  availableKeys: number | null;
  soldLines: number;
  productGid?: string | null;
}

const ACCESS_LABEL: Record<string, string> = {
  FILE: "Files",
  LICENSE_KEY: "License key",
  FILE_WITH_LICENCE_KEY: "Files + license key",
};

function limitLabel(product: ProductRow): string {
  const downloads = product.maxDownloads
    ? `${product.maxDownloads} downloads`
    : "Unlimited downloads";
  const expiry = product.downloadIn ? `${product.downloadIn} days` : "no expiry";
  return `${downloads}, ${expiry}`;
}

export function ProductsTable({
  products,
  loading = false,
  filtered = false,
  archived = false,
  restoringId = null,
  onRestore,
}: {
  products: ProductRow[];
  loading?: boolean;
  filtered?: boolean;
  /** The archived list: each row offers "Restore". */
  archived?: boolean;
  /** The product whose restore is in flight. */
  restoringId?: string | null;
  onRestore?: (id: string) => void;
}) {
  if (products.length === 0 && filtered) {
    return (
      <EmptyTableText>
        {archived
          ? "No archived digital products match this search."
          : "No digital products match this search."}
      </EmptyTableText>
    );
  }
  if (products.length === 0 && archived) {
    return (
      <EmptyTableText>
        No archived digital products. Archiving a product keeps it here, with its orders.
      </EmptyTableText>
    );
  }
  if (products.length === 0) {
    return (
      <EmptyState
        heading="Sell your first digital product"
        action={{ content: "Create digital product", url: "/app/products/new" }}
        image="/empty-state-files.svg"
      >
        <p>
          Attach files, links or license keys to a Shopify product and Handoff delivers them after
          checkout.
        </p>
      </EmptyState>
    );
  }
  return (
    <IndexTable
      resourceName={{ singular: "digital product", plural: "digital products" }}
      itemCount={products.length}
      selectable={false}
      loading={loading}
      headings={[
        { title: "Product" },
        { title: "Delivers" },
        { title: "Limits" },
        { title: "Files", alignment: "end" },
        { title: "Keys available", alignment: "end" },
        { title: "Sold", alignment: "end" },
        ...(archived ? [{ title: "Actions", hidden: true }] : []),
      ]}
    >
      {products.map((product, index) => (
        <IndexTable.Row id={product.id} key={product.id} position={index}>
          <IndexTable.Cell>
            <Link url={`/app/products/${product.id}`} removeUnderline>
              <Text as="span" variant="bodyMd" fontWeight="semibold">
                {product.name}
              </Text>
            </Link>{" "}
            {product.stampingEnabled ? <Badge tone="info">PDF stamping</Badge> : null}
          </IndexTable.Cell>
          <IndexTable.Cell>
            {ACCESS_LABEL[product.access] ?? product.access}
            {product.deliveringType !== "REGULAR"
              ? ` · ${product.deliveringType.toLowerCase()}`
              : ""}
          </IndexTable.Cell>
          <IndexTable.Cell>{limitLabel(product)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {product.fileCount}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {product.availableKeys ?? "—"}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {product.soldLines}
            </Text>
          </IndexTable.Cell>
          {archived ? (
            <IndexTable.Cell>
              <Button
                size="slim"
                onClick={() => onRestore?.(product.id)}
                loading={restoringId === product.id}
                disabled={restoringId !== null && restoringId !== product.id}
                accessibilityLabel={`Restore ${product.name}`}
              >
                Restore
              </Button>
            </IndexTable.Cell>
          ) : null}
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
