import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Form,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

export type EmailLocale = "en" | "de" | "fr" | "es";

export interface EmailSettingsView {
  branding: {
    brandLogoUrl: string;
    brandColor: string;
    emailSenderName: string;
    emailReplyTo: string;
  };
  /** Saved overrides per locale (a missing field means the default wording). */
  templates: Partial<Record<EmailLocale, { subject?: string; body?: string }>>;
  defaults: Record<EmailLocale, { subject: string; body: string }>;
  placeholders: string[];
  /** Where test emails go unless the merchant types another address. */
  testAddress: string;
  preview: EmailPreview;
}

export interface EmailPreview {
  subject: string;
  from: string;
  html: string;
}

const LOCALES: Array<{ label: string; value: EmailLocale }> = [
  { label: "English", value: "en" },
  { label: "Deutsch", value: "de" },
  { label: "Français", value: "fr" },
  { label: "Español", value: "es" },
];

/** Wait this long after the last keystroke before asking the server for a new preview. */
const PREVIEW_DEBOUNCE_MS = 350;
/** Fixed, so a new preview never moves the page. */
const PREVIEW_HEIGHT = 640;

function templateFields(view: EmailSettingsView, locale: EmailLocale) {
  const saved = view.templates[locale];
  return {
    subject: saved?.subject ?? view.defaults[locale].subject,
    body: saved?.body ?? view.defaults[locale].body,
  };
}

export function EmailSettingsEditor({ view }: { view: EmailSettingsView }) {
  const [branding, setBranding] = useState(view.branding);
  const [locale, setLocale] = useState<EmailLocale>("en");
  const [template, setTemplate] = useState(() => templateFields(view, "en"));
  const [testTo, setTestTo] = useState(view.testAddress);
  const [confirmReset, setConfirmReset] = useState(false);

  const brandingFetcher = useFetcher<ActionResult>();
  const templateFetcher = useFetcher<ActionResult>();
  const testFetcher = useFetcher<ActionResult>();
  const previewFetcher = useFetcher<ActionResult<EmailPreview>>();
  useActionToast(brandingFetcher.data);
  useActionToast(templateFetcher.data);
  useActionToast(testFetcher.data);

  useFetcherSettled(templateFetcher, (data) => {
    if (data.ok && data.intent === "reset-template") {
      setConfirmReset(false);
      setTemplate({ subject: view.defaults[locale].subject, body: view.defaults[locale].body });
    }
  });

  // Debounced live preview, rendered on the server by the same code as real emails.
  const draft = { locale, ...template, ...branding };
  const draftKey = JSON.stringify(draft);
  const firstRender = useRef(true);
  const submitPreview = previewFetcher.submit;
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const timer = setTimeout(() => {
      submitPreview({ intent: "preview", ...JSON.parse(draftKey) }, { method: "post" });
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draftKey, submitPreview]);
  const previewResult = previewFetcher.data;
  const preview = previewResult?.ok && previewResult.result ? previewResult.result : view.preview;

  const brandingErrors =
    brandingFetcher.data && !brandingFetcher.data.ok ? brandingFetcher.data.fieldErrors : {};
  const templateErrors =
    templateFetcher.data && !templateFetcher.data.ok ? templateFetcher.data.fieldErrors : {};
  const testErrors = testFetcher.data && !testFetcher.data.ok ? testFetcher.data.fieldErrors : {};
  const setBrand = (field: keyof typeof branding) => (value: string) =>
    setBranding((b) => ({ ...b, [field]: value }));
  const placeholders = view.placeholders.map((p) => `{{${p}}}`).join(", ");
  const hasOverride = Boolean(view.templates[locale]);

  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          <Card>
            <Form
              noValidate
              onSubmit={() =>
                brandingFetcher.submit({ intent: "save-branding", ...branding }, { method: "post" })
              }
            >
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Branding
                </Text>
                <ActionErrorBanner result={brandingFetcher.data} />
                <FormLayout>
                  <TextField
                    label="Logo URL"
                    name="brandLogoUrl"
                    type="url"
                    value={branding.brandLogoUrl}
                    onChange={setBrand("brandLogoUrl")}
                    autoComplete="off"
                    placeholder="https://cdn.example.com/logo.png"
                    helpText="An https:// image, shown 40 px high in the email and on the download page."
                    error={brandingErrors.brandLogoUrl}
                  />
                  <TextField
                    label="Brand colour"
                    name="brandColor"
                    value={branding.brandColor}
                    onChange={setBrand("brandColor")}
                    autoComplete="off"
                    placeholder="#1a5f4a"
                    helpText="Hex, as #rrggbb. Used for the email header and buttons."
                    error={brandingErrors.brandColor}
                    connectedRight={
                      <div
                        aria-hidden="true"
                        style={{
                          width: 36,
                          height: 36,
                          borderRadius: 8,
                          border: "1px solid #ccc",
                          background: /^#[0-9a-fA-F]{6}$/.test(branding.brandColor)
                            ? branding.brandColor
                            : "#1a5f4a",
                        }}
                      />
                    }
                  />
                  <FormLayout.Group>
                    <TextField
                      label="Sender name"
                      name="emailSenderName"
                      value={branding.emailSenderName}
                      onChange={setBrand("emailSenderName")}
                      autoComplete="off"
                      maxLength={100}
                      helpText="Shown as the From name. Empty: your shop's name."
                      error={brandingErrors.emailSenderName}
                    />
                    <TextField
                      label="Reply-to address"
                      name="emailReplyTo"
                      type="email"
                      value={branding.emailReplyTo}
                      onChange={setBrand("emailReplyTo")}
                      autoComplete="email"
                      helpText="Where customers' replies go. Empty: your shop's email."
                      error={brandingErrors.emailReplyTo}
                    />
                  </FormLayout.Group>
                </FormLayout>
                <InlineStack align="end">
                  <Button submit variant="primary" loading={brandingFetcher.state !== "idle"}>
                    Save branding
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>

          <Card>
            <Form
              noValidate
              onSubmit={() =>
                templateFetcher.submit(
                  { intent: "save-template", locale, ...template },
                  { method: "post" },
                )
              }
            >
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Delivery email
                </Text>
                <ActionErrorBanner result={templateFetcher.data} />
                <FormLayout>
                  <Select
                    label="Language"
                    options={LOCALES}
                    value={locale}
                    onChange={(value) => {
                      const next = value as EmailLocale;
                      setLocale(next);
                      setTemplate(templateFields(view, next));
                    }}
                    helpText="Customers get the email in their order's language; others get English."
                  />
                  <TextField
                    label="Subject"
                    name="subject"
                    value={template.subject}
                    onChange={(subject) => setTemplate((t) => ({ ...t, subject }))}
                    autoComplete="off"
                    maxLength={200}
                    error={templateErrors.subject}
                  />
                  <TextField
                    label="Message"
                    name="body"
                    value={template.body}
                    onChange={(body) => setTemplate((t) => ({ ...t, body }))}
                    autoComplete="off"
                    multiline={4}
                    maxLength={2000}
                    helpText={`Placeholders: ${placeholders}. The download button, keys and links follow it.`}
                    error={templateErrors.body}
                  />
                </FormLayout>
                <InlineStack align="end" gap="200">
                  <Button
                    onClick={() => setConfirmReset(true)}
                    disabled={!hasOverride}
                    accessibilityLabel={`Reset the ${locale} template to default`}
                  >
                    Reset to default
                  </Button>
                  <Button submit variant="primary" loading={templateFetcher.state !== "idle"}>
                    Save template
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>

          <Card>
            <Form
              noValidate
              onSubmit={() =>
                testFetcher.submit(
                  { intent: "send-test", to: testTo, ...draft },
                  { method: "post" },
                )
              }
            >
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Send a test email
                </Text>
                <ActionErrorBanner result={testFetcher.data} />
                <InlineStack gap="200" blockAlign="start" wrap={false}>
                  <div style={{ flexGrow: 1 }}>
                    <TextField
                      label="Send to"
                      name="to"
                      type="email"
                      value={testTo}
                      onChange={setTestTo}
                      autoComplete="email"
                      helpText="The email as shown in the preview, with a sample order."
                      error={testErrors.to}
                    />
                  </div>
                  <Box paddingBlockStart="600">
                    <Button submit loading={testFetcher.state !== "idle"}>
                      Send test email
                    </Button>
                  </Box>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </BlockStack>
      </Layout.Section>

      <Layout.Section variant="oneThird">
        <Card>
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Preview
              </Text>
              <Text as="span" tone="subdued" variant="bodySm" aria-live="polite">
                {previewFetcher.state !== "idle" ? "Updating…" : "Up to date"}
              </Text>
            </InlineStack>
            <Text as="p" variant="bodySm" tone="subdued">
              From: {preview.from}
            </Text>
            <Text as="p" variant="bodySm" fontWeight="semibold">
              <span data-testid="preview-subject">{preview.subject}</span>
            </Text>
            {/* No scripts, no same-origin: the email's HTML can't touch the admin. */}
            <iframe
              title="Email preview"
              sandbox=""
              srcDoc={preview.html}
              style={{
                width: "100%",
                height: PREVIEW_HEIGHT,
                border: "1px solid var(--p-color-border, #e3e3e3)",
                borderRadius: 8,
              }}
            />
          </BlockStack>
        </Card>
      </Layout.Section>

      <ConfirmModal
        open={confirmReset}
        title="Reset this template?"
        confirmLabel="Reset to default"
        loading={templateFetcher.state !== "idle"}
        onClose={() => setConfirmReset(false)}
        onConfirm={() =>
          templateFetcher.submit({ intent: "reset-template", locale }, { method: "post" })
        }
      >
        Your subject and message for this language are deleted; emails use Handoff&apos;s default
        wording again.
      </ConfirmModal>
    </Layout>
  );
}
