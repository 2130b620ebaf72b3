import { Banner, BlockStack, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

/**
 * A secret (API token, webhook signing secret) shown exactly once, right after it was
 * made: it lives only in this action response, never in a loader.
 */
export function SecretOnceBanner({
  title,
  label,
  secret,
  onDismiss,
}: {
  title: string;
  label: string;
  secret: string;
  onDismiss?: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Banner tone="success" title={title} onDismiss={onDismiss}>
      <BlockStack gap="200">
        <Text as="p">Copy it now: you won&apos;t be able to see it again.</Text>
        <InlineStack gap="200" blockAlign="end" wrap={false}>
          <div style={{ flexGrow: 1 }}>
            <TextField
              label={label}
              value={secret}
              readOnly
              autoComplete="off"
              monospaced
              selectTextOnFocus
            />
          </div>
          <Button onClick={copy}>{copied ? "Copied" : "Copy"}</Button>
        </InlineStack>
      </BlockStack>
    </Banner>
  );
}
