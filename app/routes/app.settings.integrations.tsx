import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { ingestHostActionSchema } from "~/lib/admin-schemas.server";
import {
  addIngestAllowedHost,
  getIngestAllowedHosts,
  MAX_ALLOWED_HOSTS,
  removeIngestAllowedHost,
} from "~/services/ingest.server";
import { IngestAllowedHostsCard } from "~/components/admin/IngestAllowedHostsCard";

export const meta = () => [{ title: "Integrations · Settings · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  return { hosts: await getIngestAllowedHosts(shop.id), max: MAX_ALLOWED_HOSTS };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(String(formData.get("intent") ?? ""), ingestHostActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "add-host":
          await addIngestAllowedHost(shop.id, input.host);
          return actionSuccess(input.intent, "Host added");
        case "remove-host":
          await removeIngestAllowedHost(shop.id, input.host);
          return actionSuccess(input.intent, "Host removed");
      }
    },
    { host: "host" },
  );
};

export default function IntegrationsSettings() {
  const { hosts, max } = useLoaderData<typeof loader>();
  return (
    <Page title="Integrations" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <IngestAllowedHostsCard hosts={hosts} max={max} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
