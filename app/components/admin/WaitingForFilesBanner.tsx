import { Banner, BlockStack, Button, InlineStack } from "@shopify/polaris";

/**
 * Lines of a UNIQUE-delivery product wait until the merchant attaches this customer's
 * own files: say so at the top of the order, with a way to do it for each line.
 */
export function WaitingForFilesBanner({
  lines,
  onAttach,
}: {
  lines: Array<{ id: string; title: string }>;
  onAttach: (lineId: string) => void;
}) {
  const one = lines.length === 1;
  return (
    <Banner
      tone="warning"
      title={
        one
          ? `${lines[0]!.title} is waiting for files`
          : `${lines.length} lines are waiting for files`
      }
    >
      <BlockStack gap="200">
        <p>
          {one ? "This product is" : "These products are"} delivered per order: the customer gets
          nothing for {one ? "it" : "them"} until you attach their files.
        </p>
        <InlineStack gap="200">
          {lines.map((line) => (
            <Button key={line.id} onClick={() => onAttach(line.id)}>
              {one ? "Attach files" : `Attach files to ${line.title}`}
            </Button>
          ))}
        </InlineStack>
      </BlockStack>
    </Banner>
  );
}
