import { useFetcher } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { useActionToast } from "./toast";

export type SetupStepId = "product" | "test_order" | "branding" | "api_token";

export interface SetupChecklistView {
  steps: Array<{ id: SetupStepId; done: boolean }>;
  completed: number;
  total: number;
  dismissed: boolean;
}

/** Words and destinations of each step; whether it is done comes from the server. */
const STEPS: Record<
  SetupStepId,
  { title: string; description: string; action: string; url: string }
> = {
  product: {
    title: "Add your first digital product",
    description: "Attach files, links or a license key pool to a Shopify product.",
    action: "Add a product",
    url: "/app/products",
  },
  test_order: {
    title: "Place a test order",
    description:
      "Buy the product in your store (a test order is fine) and watch it arrive by email.",
    action: "View orders",
    url: "/app/orders",
  },
  branding: {
    title: "Brand your delivery email",
    description: "Your logo, colour and sender name on the email and the download page.",
    action: "Set up branding",
    url: "/app/settings/email",
  },
  api_token: {
    title: "Connect another system (optional)",
    description: "Create an API token for a CRM, ERP or license server.",
    action: "Create a token",
    url: "/app/settings/api",
  },
};

export function SetupChecklistCard({ checklist }: { checklist: SetupChecklistView }) {
  const fetcher = useFetcher<ActionResult>();
  useActionToast(fetcher.data);
  // Optimistic: the card goes away (or comes back) as soon as the merchant asks.
  const pendingIntent = fetcher.formData?.get("intent");
  const dismissed =
    pendingIntent === "dismiss-checklist"
      ? true
      : pendingIntent === "restore-checklist"
        ? false
        : checklist.dismissed;

  if (dismissed) {
    if (checklist.completed === checklist.total) return null;
    return (
      <InlineStack align="end">
        <Button
          variant="plain"
          onClick={() => fetcher.submit({ intent: "restore-checklist" }, { method: "post" })}
        >
          Show setup guide
        </Button>
      </InlineStack>
    );
  }

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Setup guide
            </Text>
            <Text as="p" tone="subdued" id="setup-progress">
              {checklist.completed} of {checklist.total} steps done
            </Text>
          </BlockStack>
          <Button
            variant="tertiary"
            onClick={() => fetcher.submit({ intent: "dismiss-checklist" }, { method: "post" })}
          >
            Dismiss guide
          </Button>
        </InlineStack>
        <ProgressBar
          progress={(checklist.completed / checklist.total) * 100}
          size="small"
          tone="primary"
          ariaLabelledBy="setup-progress"
        />
        <ActionErrorBanner result={fetcher.data} />
        <BlockStack gap="300" as="ol">
          {checklist.steps.map((step) => {
            const words = STEPS[step.id];
            return (
              <Box as="li" key={step.id}>
                <InlineStack align="space-between" blockAlign="center" gap="300" wrap={false}>
                  <BlockStack gap="050">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {words.title}
                      </Text>
                      {step.done ? (
                        <Badge tone="success">Done</Badge>
                      ) : (
                        <Badge tone="attention">To do</Badge>
                      )}
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {words.description}
                    </Text>
                  </BlockStack>
                  <Button url={words.url} variant={step.done ? "plain" : "secondary"}>
                    {words.action}
                  </Button>
                </InlineStack>
              </Box>
            );
          })}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
