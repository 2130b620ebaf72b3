import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { webhookDeliveryActionSchema } from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import {
  getWebhookDelivery,
  listWebhookDeliveries,
  replayWebhookDelivery,
} from "~/services/webhook-deliveries.server";
import { getWebhookEndpoint } from "~/services/webhook-endpoints.server";
import { AdminErrorBoundary } from "~/components/admin/AdminErrorBoundary";
import { CursorPagination } from "~/components/admin/CursorPagination";
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
  const search = new URL(request.url).searchParams;
  const endpoint = await orNotFound(() => getWebhookEndpoint(shop.id, params.id ?? ""));
  let cursorError: string | null = null;
  const page = await listWebhookDeliveries(shop.id, endpoint.id, {
    limit: PAGE_SIZE,
    cursor: search.get("cursor")?.slice(0, 200) || undefined,
  }).catch(async (error) => {
    if (!(error instanceof ApiError) || error.code !== "invalid_cursor") throw error;
    cursorError = error.message;
    return listWebhookDeliveries(shop.id, endpoint.id, { limit: PAGE_SIZE });
  });
  const selectedId = search.get("delivery");
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
      enabled: endpoint.enabled,
    },
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

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm("replay", webhookDeliveryActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const { deliveryId } = parsed.data;
  return runServiceAction("replay", async () => {
    await replayWebhookDelivery(shop.id, deliveryId);
    return actionSuccess("replay", "Event queued for replay");
  });
};

export default function WebhookEndpointDeliveries() {
  const { endpoint, deliveries, nextCursor, cursorError, selected } =
    useLoaderData<typeof loader>();
  return (
    <Page
      title={endpoint.name}
      subtitle={endpoint.url}
      backAction={{ content: "Webhooks", url: "/app/settings/webhooks" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!endpoint.enabled ? (
              <Banner tone="warning" title="This endpoint is disabled">
                <p>Enable it in the endpoints list to receive events and replay deliveries.</p>
              </Banner>
            ) : null}
            {cursorError ? (
              <Banner tone="warning" title="Showing the newest deliveries">
                <p>{cursorError}</p>
              </Banner>
            ) : null}
            <WebhookDeliveriesTable
              deliveries={deliveries}
              selectedId={selected?.id ?? null}
              endpointEnabled={endpoint.enabled}
            />
            <CursorPagination nextCursor={nextCursor} label="Deliveries" />
            {selected ? (
              <WebhookAttemptsCard eventId={selected.eventId} attempts={selected.attempts} />
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary what="Endpoint" backUrl="/app/settings/webhooks" />;
}
