import { Link as RemixLink, useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  Form,
  FormLayout,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { useActionToast } from "./toast";

export interface DeliveryRulesView {
  deliverOn: "paid" | "created";
  holdHighRisk: boolean;
  autoFulfill: boolean;
  refundAccessMode: "whole_order" | "refunded_lines" | "none";
  requireIdempotencyKey: boolean;
  lowStockNoticeEmail: string;
  shopEmail: string | null;
}

export interface DownloadPageView {
  title: string;
  text: string;
  showFileDetails: boolean;
  showDownloadLimits: boolean;
  defaultTitle: string;
}

const bool = (value: boolean) => (value ? "true" : "false");

function fieldErrors(result: ActionResult | undefined) {
  return result && !result.ok ? result.fieldErrors : {};
}

export function DeliveryRulesCard({ rules }: { rules: DeliveryRulesView }) {
  const fetcher = useFetcher<ActionResult>();
  useActionToast(fetcher.data);
  const [form, setForm] = useState(rules);
  const set =
    <K extends keyof DeliveryRulesView>(key: K) =>
    (value: DeliveryRulesView[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const errors = fieldErrors(fetcher.data);
  return (
    <Card>
      <Form
        noValidate
        onSubmit={() =>
          fetcher.submit(
            {
              intent: "save-rules",
              deliverOn: form.deliverOn,
              holdHighRisk: bool(form.holdHighRisk),
              autoFulfill: bool(form.autoFulfill),
              refundAccessMode: form.refundAccessMode,
              requireIdempotencyKey: bool(form.requireIdempotencyKey),
              lowStockNoticeEmail: form.lowStockNoticeEmail,
            },
            { method: "post" },
          )
        }
      >
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            Delivery rules
          </Text>
          <ActionErrorBanner result={fetcher.data} />
          <FormLayout>
            <ChoiceList
              title="Deliver orders"
              choices={[
                {
                  label: "When the order is paid",
                  value: "paid",
                  helpText: "Recommended. Unpaid orders (bank transfer, cash on delivery) wait.",
                },
                {
                  label: "As soon as the order is created",
                  value: "created",
                  helpText: "Customers get their files before payment is captured.",
                },
              ]}
              selected={[form.deliverOn]}
              onChange={([value]) => set("deliverOn")((value ?? "paid") as "paid" | "created")}
              error={errors.deliverOn}
            />
            <Checkbox
              label="Hold orders Shopify rates high risk"
              helpText="They wait on the order page until you approve them. Delivery can't be taken back."
              checked={form.holdHighRisk}
              onChange={set("holdHighRisk")}
            />
            <Checkbox
              label="Mark delivered lines as fulfilled in Shopify"
              helpText="Handoff creates the fulfillment once the delivery email is sent."
              checked={form.autoFulfill}
              onChange={set("autoFulfill")}
            />
            <ChoiceList
              title="When an order is refunded"
              choices={[
                {
                  label: "Revoke access to the refunded lines",
                  value: "refunded_lines",
                },
                { label: "Revoke access to the whole order", value: "whole_order" },
                { label: "Keep access", value: "none" },
              ]}
              selected={[form.refundAccessMode]}
              onChange={([value]) =>
                set("refundAccessMode")(
                  (value ?? "refunded_lines") as DeliveryRulesView["refundAccessMode"],
                )
              }
              error={errors.refundAccessMode}
            />
            <TextField
              label="License key low-stock notices"
              type="email"
              value={form.lowStockNoticeEmail}
              onChange={set("lowStockNoticeEmail")}
              autoComplete="email"
              placeholder={rules.shopEmail ?? ""}
              helpText="Where to send “license keys running low”. Empty: your shop's email."
              error={errors.lowStockNoticeEmail}
            />
          </FormLayout>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Public API
            </Text>
            <Checkbox
              label="Require an Idempotency-Key on API writes"
              helpText="POST, PATCH and DELETE requests without the header get 400, so a retried request can never run twice."
              checked={form.requireIdempotencyKey}
              onChange={set("requireIdempotencyKey")}
            />
          </BlockStack>
          <InlineStack align="end">
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              Save delivery rules
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

export function DownloadPageCard({ page }: { page: DownloadPageView }) {
  const fetcher = useFetcher<ActionResult>();
  useActionToast(fetcher.data);
  const [form, setForm] = useState(page);
  const errors = fieldErrors(fetcher.data);
  return (
    <Card>
      <Form
        noValidate
        onSubmit={() =>
          fetcher.submit(
            {
              intent: "save-download-page",
              title: form.title,
              text: form.text,
              showFileDetails: bool(form.showFileDetails),
              showDownloadLimits: bool(form.showDownloadLimits),
            },
            { method: "post" },
          )
        }
      >
        <BlockStack gap="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Download page
            </Text>
            <Text as="p" tone="subdued">
              What customers see at the link in their email. Logo and colour come from your{" "}
              <RemixLink to="/app/settings/email">email branding</RemixLink>.
            </Text>
          </BlockStack>
          <ActionErrorBanner result={fetcher.data} />
          <FormLayout>
            <TextField
              label="Heading"
              value={form.title}
              onChange={(title) => setForm((f) => ({ ...f, title }))}
              autoComplete="off"
              maxLength={120}
              placeholder={page.defaultTitle}
              helpText="Empty: the default heading in the customer's language."
              error={errors.title}
            />
            <TextField
              label="Message"
              value={form.text}
              onChange={(text) => setForm((f) => ({ ...f, text }))}
              autoComplete="off"
              multiline={3}
              maxLength={1000}
              helpText="Shown under the greeting, e.g. how to install or where to get help."
              error={errors.text}
            />
            <Checkbox
              label="Show file size and type"
              checked={form.showFileDetails}
              onChange={(showFileDetails) => setForm((f) => ({ ...f, showFileDetails }))}
            />
            <Checkbox
              label="Show downloads left and expiry date"
              checked={form.showDownloadLimits}
              onChange={(showDownloadLimits) => setForm((f) => ({ ...f, showDownloadLimits }))}
            />
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              Save download page
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}
