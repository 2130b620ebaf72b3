import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { homeActionSchema, parseStatsPeriod } from "~/lib/admin-schemas.server";
import { getDownloadStats, getDownloadStatsSeries } from "~/services/download-stats.server";
import {
  dismissSetupChecklist,
  getSetupChecklist,
  restoreSetupChecklist,
} from "~/services/onboarding.server";
import { DownloadStatsCard, type DownloadStatsView } from "~/components/admin/DownloadStatsCard";
import { SetupChecklistCard } from "~/components/admin/SetupChecklistCard";

export const meta = () => [{ title: "Home · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const period = parseStatsPeriod(new URL(request.url).searchParams);
  const window = { start: period.start.toISOString(), end: period.end.toISOString() };
  const [checklist, stats, days] = await Promise.all([
    getSetupChecklist(shop.id),
    getDownloadStats(shop.id, window),
    getDownloadStatsSeries(shop.id, window),
  ]);
  const view: DownloadStatsView = {
    period: period.period,
    from: period.from,
    to: period.to,
    ...window,
    error: period.error,
    totalDownloads: stats.totalDownloads,
    countedDownloads: stats.countedDownloads,
    totalBandwidthBytes: stats.totalBandwidthBytes,
    topFiles: stats.topFiles.map((t) => ({
      id: t.file.id,
      name: t.file.name,
      downloads: t.downloads,
      bandwidthBytes: t.bandwidthBytes,
    })),
    days,
  };
  return { shopName: shop.name ?? shop.domain, checklist, stats: view };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(String(formData.get("intent") ?? ""), homeActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const { intent } = parsed.data;
  return runServiceAction(intent, async () => {
    if (intent === "dismiss-checklist") {
      await dismissSetupChecklist(shop.id);
      return actionSuccess(intent, "Setup guide dismissed");
    }
    await restoreSetupChecklist(shop.id);
    return actionSuccess(intent, "Setup guide shown");
  });
};

export default function AdminHome() {
  const { shopName, checklist, stats } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  // A new period: keep every box where it is and show skeletons inside them.
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  return (
    <Page title="Home">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" variant="bodyMd" tone="subdued">
              Digital delivery for {shopName}
            </Text>
            <SetupChecklistCard checklist={checklist} />
            <DownloadStatsCard key={stats.period} stats={stats} loading={loading} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
