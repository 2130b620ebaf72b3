import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { emailSettingsActionSchema } from "~/lib/admin-schemas.server";
import { DELIVERY_STRINGS, SUPPORTED_LOCALES, TEMPLATE_VARIABLES } from "~/lib/mail/strings";
import {
  renderEmailPreview,
  resetEmailTemplate,
  saveEmailTemplate,
  sendTestEmail,
  updateEmailBranding,
} from "~/services/shop-settings.server";
import {
  EmailSettingsEditor,
  type EmailLocale,
  type EmailSettingsView,
} from "~/components/admin/EmailSettingsEditor";

export const meta = () => [{ title: "Email · Settings · Handoff" }];

/** A service's `param` names the form field it is about; here they are the same names. */
const FIELDS = Object.fromEntries(
  ["brandLogoUrl", "brandColor", "emailSenderName", "emailReplyTo", "subject", "body", "to"].map(
    (f) => [f, f],
  ),
);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const preview = await renderEmailPreview(shop.id, { locale: "en" });
  const view: EmailSettingsView = {
    branding: {
      brandLogoUrl: shop.brandLogoUrl ?? "",
      brandColor: shop.brandColor ?? "",
      emailSenderName: shop.emailSenderName ?? "",
      emailReplyTo: shop.emailReplyTo ?? "",
    },
    templates: shop.emailTemplates,
    defaults: Object.fromEntries(
      SUPPORTED_LOCALES.map((l) => [
        l,
        { subject: DELIVERY_STRINGS[l].subject, body: DELIVERY_STRINGS[l].intro },
      ]),
    ) as Record<EmailLocale, { subject: string; body: string }>,
    placeholders: [...TEMPLATE_VARIABLES],
    testAddress: shop.email ?? "",
    preview: { subject: preview.subject, from: preview.from, html: preview.html },
  };
  return { view };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(
    String(formData.get("intent") ?? ""),
    emailSettingsActionSchema,
    formData,
  );
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "save-branding": {
          const { intent, ...branding } = input;
          await updateEmailBranding(shop.id, branding);
          return actionSuccess(intent, "Branding saved");
        }
        case "save-template": {
          const { intent, ...template } = input;
          await saveEmailTemplate(shop.id, template);
          return actionSuccess(intent, "Template saved");
        }
        case "reset-template":
          await resetEmailTemplate(shop.id, input.locale);
          return actionSuccess(input.intent, "Template reset to default");
        case "preview": {
          const { intent, ...draft } = input;
          const email = await renderEmailPreview(shop.id, draft);
          return actionSuccess(intent, "Preview updated", {
            subject: email.subject,
            from: email.from,
            html: email.html,
          });
        }
        case "send-test": {
          const { intent, to, ...draft } = input;
          await sendTestEmail(shop.id, { to, draft });
          return actionSuccess(intent, `Test email sent to ${to.trim()}`);
        }
      }
    },
    FIELDS,
  );
};

export default function EmailSettings() {
  const { view } = useLoaderData<typeof loader>();
  return (
    <Page title="Email" backAction={{ content: "Home", url: "/app" }}>
      <EmailSettingsEditor view={view} />
    </Page>
  );
}
