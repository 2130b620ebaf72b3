import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import {
  parseWebhookDeliveriesQuery,
  webhookEndpointPageActionSchema,
} from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import {
  getWebhookDelivery,
  listWebhookDeliveries,
  replayWebhookDelivery,
} from "~/services/webhook-deliveries.server";
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from "~/lib/webhooks-out/events";
import {
  getWebhookEndpoint,
  rotateWebhookEndpointSecret,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
} from "~/services/webhook-endpoints.server";
import { sendTestWebhookEvent } from "~/services/webhook-events.server";
import { AdminErrorBoundary } from "~/components/admin/AdminErrorBoundary";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { WebhookDeliveryFilters } from "~/components/admin/WebhookDeliveryFilters";
import { WebhookEndpointForm } from "~/components/admin/WebhookEndpointForm";
import { WebhookEndpointStatusCard } from "~/components/admin/WebhookEndpointStatusCard";
import {
  WebhookAttemptsCard,
  WebhookDeliveriesTable,
  type WebhookDeliveryView,
} from "~/components/admin/WebhookDeliveriesTable";

const PAGE_SIZE = 25;

/** A missing (or another shop's) endpoint or delivery is a 404 page, never a leak. */
async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") {
      throw new Response("Not found", { status: 404 });
    }
    throw error;
  }
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const query = parseWebhookDeliveriesQuery(new URL(request.url).searchParams);
  const endpoint = await orNotFound(() => getWebhookEndpoint(shop.id, params.id ?? ""));
  const filters = { status: query.status, eventType: query.eventType };
  let cursorError: string | null = null;
  const page = await listWebhookDeliveries(shop.id, endpoint.id, {
    limit: PAGE_SIZE,
    cursor: query.cursor,
    ...filters,
  }).catch(async (error) => {
    if (!(error instanceof ApiError) || error.code !== "invalid_cursor") throw error;
    cursorError = error.message;
    return listWebhookDeliveries(shop.id, endpoint.id, { limit: PAGE_SIZE, ...filters });
  });
  const selectedId = query.delivery;
  const selected = selectedId
    ? await getWebhookDelivery(shop.id, selectedId).catch((error) => {
        if (error instanceof ApiError && error.code === "not_found") return null;
        throw error;
      })
    : null;
  const deliveries: WebhookDeliveryView[] = page.data.map((d) => ({
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attemptCount: d.attemptCount,
    lastResponseStatus: d.lastResponseStatus,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
  return {
    endpoint: {
      id: endpoint.id,
      name: endpoint.name,
      url: endpoint.url,
      events: endpoint.events,
      enabled: endpoint.enabled,
      disabledReason: endpoint.disabledReason,
      consecutiveFailures: endpoint.consecutiveFailures,
      lastSuccessAt: endpoint.lastSuccessAt?.toISOString() ?? null,
      lastFailureAt: endpoint.lastFailureAt?.toISOString() ?? null,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
    },
    eventTypes: [...WEBHOOK_EVENT_TYPES],
    filtered: Boolean(query.status || query.eventType),
    deliveries,
    nextCursor: page.pagination.nextCursor,
    cursorError,
    selected:
      selected && selected.endpointId === endpoint.id
        ? {
            id: selected.id,
            eventId: selected.eventId,
            attempts: selected.attempts.map((a) => ({
              ...a,
              attemptedAt: a.attemptedAt.toISOString(),
            })),
          }
        : null,
  };
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.endpoint.name ?? "Endpoint"} · Webhooks · Handoff` },
];

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const endpointId = params.id ?? "";
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const parsed = parseForm(intent, webhookEndpointPageActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "update":
          await updateWebhookEndpoint(shop.id, endpointId, {
            name: input.name,
            url: input.url,
            events: input["events[]"] as never,
          });
          return actionSuccess(input.intent, "Endpoint saved");
        case "rotate": {
          const { secret, previousSecretExpiresAt } = await rotateWebhookEndpointSecret(
            shop.id,
            endpointId,
            { graceHours: Number(input.graceHours) },
          );
          // Like at creation, the new secret leaves the server only in this response.
          return actionSuccess(input.intent, "Signing secret rotated", {
            secret,
            previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null,
          });
        }
        case "set-enabled": {
          const endpoint = await setWebhookEndpointEnabled(
            shop.id,
            endpointId,
            input.enabled === "true",
          );
          return actionSuccess(
            input.intent,
            endpoint.enabled ? "Endpoint enabled" : "Endpoint disabled",
          );
        }
        case "test":
          await sendTestWebhookEvent(shop.id, endpointId);
          return actionSuccess(input.intent, "Test event sent");
        case "replay":
          await replayWebhookDelivery(shop.id, input.deliveryId);
          return actionSuccess(input.intent, "Event queued for replay");
      }
    },
    { name: "name", url: "url", events: "events" },
  );
};

export default function WebhookEndpointPage() {
  const { endpoint, eventTypes, filtered, deliveries, nextCursor, cursorError, selected } =
    useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  return (
    <Page
      title={endpoint.name}
      subtitle={endpoint.url}
      backAction={{ content: "Webhooks", url: "/app/settings/webhooks" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {cursorError ? (
              <Banner tone="warning" title="Showing the newest deliveries">
                <p>{cursorError}</p>
              </Banner>
            ) : null}
            <WebhookDeliveriesTable
              deliveries={deliveries}
              selectedId={selected?.id ?? null}
              endpointEnabled={endpoint.enabled}
              loading={loading}
              filtered={filtered}
              filters={<WebhookDeliveryFilters eventTypes={[...eventTypes, TEST_EVENT_TYPE]} />}
            />
            <CursorPagination nextCursor={nextCursor} label="Deliveries" />
            {selected ? (
              <WebhookAttemptsCard eventId={selected.eventId} attempts={selected.attempts} />
            ) : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <WebhookEndpointStatusCard key={endpoint.id} endpoint={endpoint} />
            <WebhookEndpointForm
              key={`${endpoint.id}:${endpoint.name}:${endpoint.url}:${endpoint.events.join()}`}
              eventTypes={eventTypes}
              endpoint={endpoint}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary what="Endpoint" backUrl="/app/settings/webhooks" />;
}
