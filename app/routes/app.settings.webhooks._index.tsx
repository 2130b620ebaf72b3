import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { webhookEndpointActionSchema } from "~/lib/admin-schemas.server";
import { WEBHOOK_EVENT_TYPES } from "~/lib/webhooks-out/events";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  setWebhookEndpointEnabled,
} from "~/services/webhook-endpoints.server";
import { sendTestWebhookEvent } from "~/services/webhook-events.server";
import { WebhookEndpointForm } from "~/components/admin/WebhookEndpointForm";
import {
  WebhookEndpointsTable,
  type WebhookEndpointView,
} from "~/components/admin/WebhookEndpointsTable";

export const meta = () => [{ title: "Webhooks · Settings · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const endpoints: WebhookEndpointView[] = (await listWebhookEndpoints(shop.id)).map((e) => ({
    id: e.id,
    name: e.name,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    lastSuccessAt: e.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: e.lastFailureAt?.toISOString() ?? null,
  }));
  return { endpoints, eventTypes: [...WEBHOOK_EVENT_TYPES] };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const parsed = parseForm(intent, webhookEndpointActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "create": {
          const { endpoint, secret } = await createWebhookEndpoint(shop.id, {
            name: input.name,
            url: input.url,
            events: input["events[]"] as never,
          });
          // The signing secret leaves the server exactly once: in this response.
          return actionSuccess(input.intent, "Endpoint added", { secret, name: endpoint.name });
        }
        case "set-enabled": {
          const endpoint = await setWebhookEndpointEnabled(
            shop.id,
            input.endpointId,
            input.enabled === "true",
          );
          return actionSuccess(
            input.intent,
            endpoint.enabled ? "Endpoint enabled" : "Endpoint disabled",
          );
        }
        case "delete":
          await deleteWebhookEndpoint(shop.id, input.endpointId);
          return actionSuccess(input.intent, "Endpoint deleted");
        case "test":
          await sendTestWebhookEvent(shop.id, input.endpointId);
          return actionSuccess(input.intent, "Test event sent");
      }
    },
    { name: "name", url: "url", events: "events" },
  );
};

export default function WebhookSettings() {
  const { endpoints, eventTypes } = useLoaderData<typeof loader>();
  return (
    <Page title="Webhooks" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <WebhookEndpointsTable endpoints={endpoints} />
            <WebhookEndpointForm eventTypes={eventTypes} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
