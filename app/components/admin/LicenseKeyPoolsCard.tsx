import { Box, Card, IndexTable, Link, Text } from "@shopify/polaris";

export interface LicenseKeyPoolView {
  /** URL value of the pool (`?pool=`). */
  param: string;
  label: string;
  available: number;
  assigned: number;
  /** Names of the digital products drawing from the pool. */
  products: string[];
  /** Low-stock alert level of those products; null = no alert. */
  threshold: number | null;
}

export function LicenseKeyPoolsCard({
  pools,
  selected,
}: {
  pools: LicenseKeyPoolView[];
  selected: string | null;
}) {
  return (
    <Card padding="0">
      <Box padding="400">
        <Text as="h2" variant="headingMd">
          Pools
        </Text>
      </Box>
      <IndexTable
        resourceName={{ singular: "pool", plural: "pools" }}
        itemCount={pools.length}
        selectable={false}
        emptyState={
          <Box padding="400">
            <Text as="p" tone="subdued">
              No license keys yet. Import some below; a product draws from the pool named by its
              license key tag.
            </Text>
          </Box>
        }
        headings={[
          { title: "Pool (tag)" },
          { title: "Available", alignment: "end" },
          { title: "Assigned", alignment: "end" },
        ]}
      >
        {pools.map((pool, index) => (
          <IndexTable.Row
            id={pool.param}
            key={pool.param}
            position={index}
            selected={pool.param === selected}
          >
            <IndexTable.Cell>
              <Link url={`?pool=${encodeURIComponent(pool.param)}`} removeUnderline dataPrimaryLink>
                {pool.label}
              </Link>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text
                as="span"
                alignment="end"
                numeric
                tone={
                  pool.available === 0 ||
                  (pool.threshold !== null && pool.available <= pool.threshold)
                    ? "critical"
                    : undefined
                }
              >
                {pool.available}
                {pool.threshold !== null && pool.available <= pool.threshold ? " (low)" : ""}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {pool.assigned}
              </Text>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
