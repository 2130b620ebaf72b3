import type { ReactNode } from "react";
import { BlockStack, Box, Card, Text } from "@shopify/polaris";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";

/**
 * A flush card holding one admin table: its heading, the banner for a failed row action
 * (`result` is the table's fetcher data), then the table and anything after it.
 */
export function TableCard({
  title,
  result,
  children,
}: {
  title: ReactNode;
  result: ActionResult<unknown> | undefined;
  children: ReactNode;
}) {
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
            <ActionErrorBanner result={result} />
          </BlockStack>
        </Box>
        {children}
      </BlockStack>
    </Card>
  );
}

/** What an empty admin table says instead of rows. */
export function EmptyTableText({ children }: { children: ReactNode }) {
  return (
    <Box padding="400">
      <Text as="p" tone="subdued">
        {children}
      </Text>
    </Box>
  );
}
