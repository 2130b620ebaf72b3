import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { deliverySettingsActionSchema } from "~/lib/admin-schemas.server";
import { shopperStrings } from "~/lib/shopper-strings";
import {
  downloadPageAppearance,
  updateDeliverySettings,
  updateDownloadPageSettings,
} from "~/services/shop-settings.server";
import {
  DeliveryRulesCard,
  DownloadPageCard,
  type DeliveryRulesView,
  type DownloadPageView,
} from "~/components/admin/DeliverySettingsForm";

export const meta = () => [{ title: "Delivery · Settings · Handoff" }];

const FIELDS = Object.fromEntries(
  ["deliverOn", "refundAccessMode", "lowStockNoticeEmail", "title", "text"].map((f) => [f, f]),
);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const appearance = downloadPageAppearance(shop.downloadPageSettings);
  const rules: DeliveryRulesView = {
    deliverOn: shop.deliverOn,
    holdHighRisk: shop.holdHighRisk,
    autoFulfill: shop.autoFulfill,
    refundAccessMode: shop.refundAccessMode,
    requireIdempotencyKey: shop.requireIdempotencyKey,
    lowStockNoticeEmail: shop.lowStockNoticeEmail ?? "",
    shopEmail: shop.email,
  };
  const downloadPage: DownloadPageView = {
    title: appearance.title ?? "",
    text: appearance.text ?? "",
    showFileDetails: appearance.showFileDetails,
    showDownloadLimits: appearance.showDownloadLimits,
    defaultTitle: shopperStrings("en").title,
  };
  return { rules, downloadPage };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(
    String(formData.get("intent") ?? ""),
    deliverySettingsActionSchema,
    formData,
  );
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      if (input.intent === "save-rules") {
        const { intent, ...rules } = input;
        await updateDeliverySettings(shop.id, rules);
        return actionSuccess(intent, "Delivery rules saved");
      }
      const { intent, ...settings } = input;
      await updateDownloadPageSettings(shop.id, settings);
      return actionSuccess(intent, "Download page saved");
    },
    FIELDS,
  );
};

export default function DeliverySettings() {
  const { rules, downloadPage } = useLoaderData<typeof loader>();
  return (
    <Page title="Delivery" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <DeliveryRulesCard rules={rules} />
            <DownloadPageCard page={downloadPage} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
